"""Filters of the self-report list, the missing-reports page and the tip-off queue."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from hazards.choices import TipOffStatus
from hazards.forms.reports import MonthField
from hazards.models import EnterpriseSelfReport, TipOff
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.filters.enterprises import _DepartmentFilter, _SectorFilter
from responsibility.models import Enterprise, EnterpriseSupervision


class MonthFilter(django_filters.Filter):
    field_class = MonthField


def _primary_department(lookup: str):
    """Enterprises whose primary supervising department is the chosen one (the department
    that answers for them, as on the missing-reports page)."""

    def method(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(EnterpriseSupervision.objects.filter(enterprise=OuterRef(lookup), organization=value, is_primary=True))
        )

    return method


def _enterprise_search(prefix: str):
    def method(queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(**{f"{prefix}name__icontains": value}) | Q(**{f"{prefix}credit_code__startswith": value.upper()}))

    return method


class SelfReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_enterprise_search("enterprise__"), label=_("Enterprise name or credit code"))
    month = MonthFilter(field_name="month", label=_("Month"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("enterprise__jurisdiction__path"), label=_("Jurisdiction"))
    sector = _SectorFilter(field_name="enterprise__sector")
    department = _DepartmentFilter(method=_primary_department("enterprise_id"), label=_("Supervising department"))
    none_found = django_filters.BooleanFilter(
        label=_("No hazards found"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = EnterpriseSelfReport
        fields = ["q", "month", "jurisdiction", "sector", "department", "none_found"]


class MissingReportFilterSet(django_filters.FilterSet):
    """The enterprises due; the month itself is read by the view (``month`` only validates it
    here, so that a bad value shows next to the field)."""

    month = MonthFilter(method="keep", label=_("Month"))
    q = django_filters.CharFilter(method=_enterprise_search(""), label=_("Enterprise name or credit code"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    sector = _SectorFilter()
    department = _DepartmentFilter(method=_primary_department("pk"), label=_("Supervising department"))

    class Meta:
        model = Enterprise
        fields = ["month", "q", "jurisdiction", "sector", "department"]

    def keep(self, queryset, name, value):
        return queryset


class TipOffFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Reference number or place"))
    status = django_filters.ChoiceFilter(choices=TipOffStatus.choices, label=_("Status"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction_path"), label=_("Jurisdiction"))

    class Meta:
        model = TipOff
        fields = ["q", "status", "jurisdiction"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__iexact=value.replace(" ", "")) | Q(place__icontains=value))
