"""Filters of the risk point list, its summary and the risk map."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazards.choices import RiskGrade, RiskPointLevel, RiskPointStatus
from hazards.models import RiskPoint, RiskReviewRound
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.filters.enterprises import _SectorFilter
from responsibility.models import Enterprise


class _EnterpriseFilter(django_filters.ModelChoiceFilter):
    """An enterprise the user may see, by id. A hidden field: a county has thousands of
    enterprises; links (from an enterprise's page, the map) set it and the search box finds
    points by enterprise name."""

    def get_queryset(self, request):
        if request is None:
            return Enterprise.objects.none()
        return Enterprise.objects.restrict(request.user, "view")


class RiskPointFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or enterprise"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction_path"), label=_("Jurisdiction"))
    sector = _SectorFilter()
    grade = django_filters.ChoiceFilter(choices=RiskGrade.choices, label=_("Grade"))
    management_level = django_filters.ChoiceFilter(choices=RiskPointLevel.choices, label=_("Managed at"))
    status = django_filters.ChoiceFilter(choices=RiskPointStatus.choices, label=_("Status"))
    enterprise = _EnterpriseFilter(label=_("Enterprise"), widget=forms.HiddenInput)

    class Meta:
        model = RiskPoint
        fields = ["q", "jurisdiction", "sector", "grade", "management_level", "status", "enterprise"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(enterprise__name__icontains=value))


class RiskSummaryFilterSet(django_filters.FilterSet):
    """The summary counts active points; the jurisdiction chosen is split into its children."""

    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction_path"), label=_("Jurisdiction"))
    sector = _SectorFilter()
    management_level = django_filters.ChoiceFilter(choices=RiskPointLevel.choices, label=_("Managed at"))

    class Meta:
        model = RiskPoint
        fields = ["jurisdiction", "sector", "management_level"]


class RiskMapFilterSet(django_filters.FilterSet):
    """The map's filters; ``hazards`` says whether open major hazards are drawn too (the other
    filters except the grade apply to them as well)."""

    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction_path"), label=_("Jurisdiction"))
    sector = _SectorFilter()
    grade = django_filters.MultipleChoiceFilter(
        choices=RiskGrade.choices, label=_("Grade"), widget=forms.CheckboxSelectMultiple
    )
    hazards = django_filters.BooleanFilter(
        method="keep",
        label=_("Open major hazards"),
        widget=forms.Select(choices=[("true", _("Show")), ("false", _("Hide"))]),
    )

    class Meta:
        model = RiskPoint
        fields = ["jurisdiction", "sector", "grade", "hazards"]

    def keep(self, queryset, name, value):
        return queryset

    def include_hazards(self) -> bool:
        return self.form.cleaned_data.get("hazards") is not False


class RiskRoundFilterSet(django_filters.FilterSet):
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=RiskReviewRound._meta.get_field("status").choices, label=_("Status"))

    class Meta:
        model = RiskReviewRound
        fields = ["jurisdiction", "year", "status"]
