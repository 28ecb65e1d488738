"""Filters of the coverage gap lists ("show all")."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from responsibility.choices import LIST_KEEPING_KINDS, JurisdictionLevel, OrganizationKind, RiskClass
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.models import Enterprise, Jurisdiction, Organization, Sector, SectorResponsibility


def _within(lookup: str):
    return _ScopedJurisdictionFilter(method=_subtree(lookup), label=_("Within"))


def _sector(field_name: str = "sector"):
    return django_filters.ModelChoiceFilter(field_name=field_name, queryset=Sector.objects.all(), label=_("Sector"))


class CoverageEnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = _within("jurisdiction__path")
    sector = _sector()
    risk_class = django_filters.ChoiceFilter(choices=RiskClass.choices, label=_("Risk class"))

    class Meta:
        model = Enterprise
        fields = ["q", "jurisdiction", "sector", "risk_class"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__istartswith=value))


class CoverageOrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    jurisdiction = _within("jurisdiction__path")
    kind = django_filters.ChoiceFilter(
        choices=[(k.value, k.label) for k in OrganizationKind if k in LIST_KEEPING_KINDS], label=_("Kind")
    )

    class Meta:
        model = Organization
        fields = ["q", "jurisdiction", "kind"]


class CoveragePlaceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = _within("path")
    level = django_filters.ChoiceFilter(
        choices=[(JurisdictionLevel.TOWNSHIP.value, JurisdictionLevel.TOWNSHIP.label), (JurisdictionLevel.VILLAGE.value, JurisdictionLevel.VILLAGE.label)],
        label=_("Level"),
    )

    class Meta:
        model = Jurisdiction
        fields = ["q", "jurisdiction", "level"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class CoverageSectorFilterSet(django_filters.FilterSet):
    """On the (county, sector) rows of unmapped sectors."""

    sector = _sector()
    jurisdiction = _within("jurisdiction__path")

    class Meta:
        model = Enterprise
        fields = ["sector", "jurisdiction"]


class CoverageSectorOverlapFilterSet(django_filters.FilterSet):
    sector = _sector()
    jurisdiction = _within("jurisdiction__path")

    class Meta:
        model = SectorResponsibility
        fields = ["sector", "jurisdiction"]
