"""Filters of the supervision list and its notices."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from responsibility.choices import SupervisionStatus
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.models import SupervisionMatter, SupervisionNotice, SupervisionProgress


@extend_schema_field(OpenApiTypes.INT)
class JurisdictionFilter(_ScopedJurisdictionFilter):
    """The scoped jurisdiction filter (by id), typed for the API schema."""


class SupervisionMatterFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = JurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=SupervisionStatus.choices, label=_("Status"))
    overdue = django_filters.BooleanFilter(
        method="only_overdue",
        label=_("Overdue"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Overdue only")), ("false", _("Not overdue"))]),
    )
    owner = django_filters.NumberFilter(field_name="owner_id", widget=forms.HiddenInput)
    lead_unit = django_filters.NumberFilter(field_name="lead_unit_id", widget=forms.HiddenInput)

    class Meta:
        model = SupervisionMatter
        fields = ["q", "jurisdiction", "year", "status", "overdue", "owner", "lead_unit"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(lead_unit__name__icontains=value) | Q(owner__name__icontains=value)
        )

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status=SupervisionStatus.OPEN, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class SupervisionProgressFilterSet(django_filters.FilterSet):
    matter = django_filters.NumberFilter(field_name="matter_id")
    month = django_filters.DateFilter(field_name="month")
    month_after = django_filters.DateFilter(field_name="month", lookup_expr="gte")
    month_before = django_filters.DateFilter(field_name="month", lookup_expr="lte")

    class Meta:
        model = SupervisionProgress
        fields = ["matter", "month", "month_after", "month_before"]


class SupervisionNoticeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = JurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = SupervisionNotice
        fields = ["q", "jurisdiction", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))
