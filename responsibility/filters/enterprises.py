"""Filters of the enterprise list (HTML and API) and of the sector mapping (API)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from responsibility.choices import DEPARTMENT_KINDS, EnterpriseScale, EnterpriseStatus, RiskClass
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.models import (
    Enterprise,
    EnterpriseSupervision,
    Jurisdiction,
    Organization,
    Sector,
    SectorResponsibility,
)
from responsibility.services.enterprises import DEPARTMENT_LEVELS, MAPPING_LEVELS


class _SectorFilter(django_filters.ModelChoiceFilter):
    """Sectors by code (``?sector=construction``), the same in the page and the API."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Sector.objects.filter(is_active=True))
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Sector"))
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class _DepartmentFilter(django_filters.ModelChoiceFilter):
    """Departments (of a city, county or zone) the requesting user may see."""

    def get_queryset(self, request):
        queryset = (
            Organization.objects.filter(kind__in=DEPARTMENT_KINDS, jurisdiction__level__in=DEPARTMENT_LEVELS)
            .select_related("jurisdiction")
            .order_by("jurisdiction__path", "sort_order", "name")
        )
        if request is None:
            return queryset.none()
        return queryset.restrict(request.user, "view")


def _yes_no_filter(label, method):
    return django_filters.BooleanFilter(
        label=label,
        method=method,
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )


def _in_jurisdiction_with_code(request, queryset, lookup: str, code: str):
    """The subtree of the jurisdiction with division code ``code``, when the user may see it
    (otherwise nothing, exactly as for an unknown code)."""
    code = (code or "").strip()
    if not code:
        return queryset
    path = None
    if request is not None:
        path = Jurisdiction.objects.restrict(request.user, "view").filter(code=code).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__startswith": path})


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or credit code"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    jurisdiction_code = django_filters.CharFilter(method="in_jurisdiction_code", label=_("Division code"), widget=forms.HiddenInput)
    sector = _SectorFilter()
    risk_class = django_filters.ChoiceFilter(choices=RiskClass.choices, label=_("Risk class"))
    scale = django_filters.ChoiceFilter(choices=EnterpriseScale.choices, label=_("Scale"))
    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices, label=_("Status"))
    unsupervised = _yes_no_filter(_("No supervising department"), "without_department")
    # A hidden field in the page: hundreds of departments make a slow, unusable drop-down;
    # links from the sector mapping and coverage pages set it, and the list names it.
    department = _DepartmentFilter(method="supervised_by", label=_("Supervising department"), widget=forms.HiddenInput)
    accident_history = _yes_no_filter(_("Accidents in the last three years"), "with_accidents")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Changed since"), widget=forms.HiddenInput)

    class Meta:
        model = Enterprise
        fields = [
            "q", "jurisdiction", "sector", "risk_class", "scale", "status", "unsupervised", "department",
            "accident_history", "jurisdiction_code", "updated_since",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__startswith=value.upper()))

    def in_jurisdiction_code(self, queryset, name, value):
        return _in_jurisdiction_with_code(self.request, queryset, "jurisdiction__path", value)

    def without_department(self, queryset, name, value):
        if value is None:
            return queryset
        supervised = Exists(EnterpriseSupervision.objects.filter(enterprise=OuterRef("pk")))
        return queryset.filter(~supervised if value else supervised)

    def supervised_by(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(EnterpriseSupervision.objects.filter(enterprise=OuterRef("pk"), organization=value)))

    def with_accidents(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(accident_count__gt=0) if value else queryset.filter(accident_count=0)


@extend_schema_field(OpenApiTypes.INT)
class _MappingJurisdictionFilter(_ScopedJurisdictionFilter):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(level__in=MAPPING_LEVELS)


class SectorMappingFilterSet(django_filters.FilterSet):
    """The jurisdictions (city, county, zone) whose sector mapping is listed."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    within = _ScopedJurisdictionFilter(method=_subtree("path"), label=_("Within"))

    class Meta:
        model = Jurisdiction
        fields = ["q", "within"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class SectorResponsibilityFilterSet(django_filters.FilterSet):
    jurisdiction = django_filters.CharFilter(field_name="jurisdiction__code", label=_("Division code of the jurisdiction"))
    within = _MappingJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Within"))
    sector = _SectorFilter()
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Department (id)"))
    is_lead = django_filters.BooleanFilter(label=_("Lead department"))
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Changed since"))

    class Meta:
        model = SectorResponsibility
        fields = ["jurisdiction", "within", "sector", "organization", "is_lead", "updated_since"]
