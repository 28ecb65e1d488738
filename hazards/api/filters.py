"""Filters of the hazard API lists (django-filter). Every filter narrows a queryset that is
already restricted to the caller's scope, so no filter value can reveal another county's data:
a foreign jurisdiction id is an invalid choice, exactly like one that does not exist."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from hazards.choices import (
    OPEN_STATUSES,
    GradingMethod,
    HazardCategory,
    HazardLevel,
    HazardSource,
    HazardStatus,
    ListingLevel,
    RiskGrade,
    RiskPointLevel,
    RiskPointStatus,
    TipOffStatus,
)
from hazards.models import EnterpriseSelfReport, Hazard, RiskPoint, TipOff
from responsibility.filters.backbone import _ScopedJurisdictionFilter
from responsibility.filters.enterprises import _in_jurisdiction_with_code, _SectorFilter


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """A record's id: a whole number (``1.5`` is a 400, not an empty list)."""

    field_class = forms.IntegerField


def _subtree(lookup: str):
    def method(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{lookup}__startswith": value.path})

    return method


class _JurisdictionFilters(django_filters.FilterSet):
    """``jurisdiction`` (id) and ``jurisdiction_code`` (division code), both the whole subtree."""

    #: the lookup to the row's materialized jurisdiction path
    path_lookup = "jurisdiction_path"

    jurisdiction = _ScopedJurisdictionFilter(
        method="in_jurisdiction", label=_("Jurisdiction"), help_text="Id of a jurisdiction in your scope; its whole subtree."
    )
    jurisdiction_code = django_filters.CharFilter(
        method="in_jurisdiction_code", label=_("Division code"), help_text="Division code of a jurisdiction; its whole subtree."
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed since"),
        help_text="ISO 8601 date-time: only rows created or changed at or after it (incremental sync).",
    )

    def in_jurisdiction(self, queryset, name, value):
        return _subtree(self.path_lookup)(queryset, name, value)

    def in_jurisdiction_code(self, queryset, name, value):
        return _in_jurisdiction_with_code(self.request, queryset, self.path_lookup, value)


def _yes_no(label, method, help_text):
    return django_filters.BooleanFilter(label=label, method=method, help_text=help_text)


class HazardApiFilterSet(_JurisdictionFilters):
    q = django_filters.CharFilter(method="search", label=_("Search"), help_text="Part of the title, or the start of the reference number.")
    status = django_filters.MultipleChoiceFilter(choices=HazardStatus.choices, label=_("Status"), help_text="Repeat for several.")
    open = _yes_no(_("Open"), "only_open", "true: not closed out or cancelled; false: closed out or cancelled.")
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Level"))
    major = _yes_no(_("Major hazard"), "only_major", "true: major hazards; false: general hazards.")
    overdue = _yes_no(_("Overdue"), "only_overdue", "true: past the deadline and not yet rectified; false: the others.")
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Source"))
    category = django_filters.ChoiceFilter(choices=HazardCategory.choices, label=_("Category"))
    sector = _SectorFilter(help_text="Sector code (see /api/v1/sectors/).")
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise (id)"))
    ownerless = _yes_no(_("Ownerless"), "only_ownerless", "true: hazards without an enterprise.")
    supervising_department = IdFilter(field_name="supervising_department_id", label=_("Supervising department (id)"))
    linked_leader = IdFilter(field_name="linked_leader_id", label=_("Linked leader (official id)"))
    found_on_after = django_filters.DateFilter(field_name="found_on", lookup_expr="gte", label=_("Found on or after"))
    found_on_before = django_filters.DateFilter(field_name="found_on", lookup_expr="lte", label=_("Found on or before"))
    source_system = django_filters.CharFilter(field_name="source_system", label=_("Source system"))
    external_id = django_filters.CharFilter(field_name="external_id", label=_("External id"))

    class Meta:
        model = Hazard
        fields = [
            "q", "jurisdiction", "jurisdiction_code", "status", "open", "level", "major", "overdue", "source", "category",
            "sector", "enterprise", "ownerless", "supervising_department", "linked_leader", "found_on_after",
            "found_on_before", "updated_since", "source_system", "external_id",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(code__startswith=value.upper()))

    def only_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def only_major(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(level=HazardLevel.MAJOR if value else HazardLevel.GENERAL)

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Hazard.objects.overdue_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def only_ownerless(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(enterprise__isnull=value)


class RiskPointApiFilterSet(_JurisdictionFilters):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    grade = django_filters.MultipleChoiceFilter(choices=RiskGrade.choices, label=_("Grade"), help_text="Repeat for several.")
    status = django_filters.ChoiceFilter(choices=RiskPointStatus.choices, label=_("Status"))
    management_level = django_filters.ChoiceFilter(choices=RiskPointLevel.choices, label=_("Managed at"))
    method = django_filters.ChoiceFilter(choices=GradingMethod.choices, label=_("Grading method"))
    sector = _SectorFilter(help_text="Sector code (see /api/v1/sectors/).")
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise (id)"))
    source_system = django_filters.CharFilter(field_name="source_system", label=_("Source system"))
    external_id = django_filters.CharFilter(field_name="external_id", label=_("External id"))

    class Meta:
        model = RiskPoint
        fields = [
            "q", "jurisdiction", "jurisdiction_code", "grade", "status", "management_level", "method", "sector",
            "enterprise", "updated_since", "source_system", "external_id",
        ]


@extend_schema_field(OpenApiTypes.STR)
class _MonthFilter(django_filters.DateFilter):
    """``2026-03`` (or any day of that month): the report of that month."""

    field_class = forms.DateField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        return queryset.filter(month=value.replace(day=1))


class SelfReportApiFilterSet(_JurisdictionFilters):
    path_lookup = "enterprise__jurisdiction__path"

    month = _MonthFilter(label=_("Month"), help_text="YYYY-MM.")
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte", label=_("From month"), input_formats=["%Y-%m", "%Y-%m-%d"])
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte", label=_("To month"), input_formats=["%Y-%m", "%Y-%m-%d"])
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise (id)"))
    none_found = django_filters.BooleanFilter(label=_("No hazards found"))

    class Meta:
        model = EnterpriseSelfReport
        fields = ["month", "month_from", "month_to", "enterprise", "jurisdiction", "jurisdiction_code", "none_found", "updated_since"]


class TipOffApiFilterSet(_JurisdictionFilters):
    status = django_filters.ChoiceFilter(choices=TipOffStatus.choices, label=_("Status"))
    reference = django_filters.CharFilter(method="by_reference", label=_("Reference number"))
    received_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("Received at or after"))
    received_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt", label=_("Received before"))

    class Meta:
        model = TipOff
        fields = ["status", "reference", "jurisdiction", "jurisdiction_code", "received_after", "received_before", "updated_since"]

    def by_reference(self, queryset, name, value):
        return queryset.filter(reference=value.strip().upper())


class MajorHazardApiFilterSet(HazardApiFilterSet):
    mine = django_filters.BooleanFilter(
        method="linked_to_me", label=_("Linked to me"), help_text="true: the hazards you are the linked leader of."
    )
    listing_level = django_filters.ChoiceFilter(choices=ListingLevel.choices, label=_("Listed by"))
    listed = django_filters.BooleanFilter(
        field_name="listing_level", method="only_listed", label=_("Listed"), help_text="true: listed for supervision; false: not yet."
    )

    class Meta(HazardApiFilterSet.Meta):
        fields = [*HazardApiFilterSet.Meta.fields, "mine", "listing_level", "listed"]

    def linked_to_me(self, queryset, name, value):
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        return queryset.filter(linked_leader__user=user) if user is not None else queryset.none()

    def only_listed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(listing_level="") if value else queryset.filter(listing_level="")
