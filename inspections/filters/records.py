"""Filters of the inspection list (the page and its XLSX export).

The scope filter is the denormalized ``jurisdiction_path`` prefix; enterprise and "mine"
filters are ``EXISTS`` subqueries on indexed foreign keys, so no filter multiplies the rows.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from inspections.choices import InspectionKind, InspectionStatus
from inspections.forms.records import own_official
from inspections.models import Campaign, Inspection, InspectionTarget
from inspections.selectors.home import led_or_joined
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree


def _date_filter(lookup: str, label):
    return django_filters.DateFilter(
        field_name="started_at",
        lookup_expr=f"date__{lookup}",
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class _CampaignFilter(django_filters.ModelChoiceFilter):
    def get_queryset(self, request):
        if request is None:
            return Campaign.objects.none()
        return Campaign.objects.restrict(request.user, "view").order_by("-self_check_start", "-pk")


class InspectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Reference number, enterprise or summary"))
    mine = django_filters.BooleanFilter(
        method="led_or_joined_by_me",
        label=_("Whose"),
        widget=forms.Select(choices=[("", _("Everyone's")), ("true", _("Led or joined by me"))]),
    )
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction_path"), label=_("Jurisdiction"))
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Type"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("Status"), empty_label=_("All"))
    date_from = _date_filter("gte", _("From"))
    date_to = _date_filter("lte", _("Until"))
    lead = django_filters.CharFilter(field_name="lead_official__name", lookup_expr="icontains", label=_("Lead official (name)"))
    enterprise = django_filters.CharFilter(method="by_enterprise", label=_("Enterprise (name or credit code)"))
    campaign = _CampaignFilter(label=_("Campaign"), empty_label=_("All"))
    # For links (an official's or an enterprise's page).
    lead_official = django_filters.NumberFilter(field_name="lead_official_id", widget=forms.HiddenInput)
    enterprise_id = django_filters.NumberFilter(method="by_enterprise_id", widget=forms.HiddenInput)

    class Meta:
        model = Inspection
        fields = [
            "q", "mine", "jurisdiction", "kind", "status", "date_from", "date_to", "lead", "enterprise", "campaign",
            "lead_official", "enterprise_id",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value[:2].upper() == "JC":
            # A reference number: the indexed prefix lookup alone, not a scan of every text.
            return queryset.filter(code__startswith=value.upper())
        return queryset.filter(
            Q(summary__icontains=value)
            | Q(place__icontains=value)
            | Exists(InspectionTarget.objects.filter(inspection=OuterRef("pk"), enterprise__name__icontains=value))
        )

    def led_or_joined_by_me(self, queryset, name, value):
        if not value:
            return queryset
        official = own_official(self.request.user) if self.request is not None else None
        if official is None:
            return queryset.none()
        return queryset.filter(pk__in=led_or_joined(official))

    def by_enterprise(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        enterprises = Q(enterprise__name__icontains=value) | Q(enterprise__credit_code__startswith=value.upper())
        return queryset.filter(Exists(InspectionTarget.objects.filter(enterprises, inspection=OuterRef("pk"))))

    def by_enterprise_id(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(InspectionTarget.objects.filter(inspection=OuterRef("pk"), enterprise_id=value)))
