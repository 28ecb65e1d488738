"""Filters of the grid lists (HTML and API)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from responsibility.choices import GRID_ROLES, GridLevel, PostRole, RiskClass
from responsibility.filters.backbone import _active_filter, _ScopedJurisdictionFilter, _subtree
from responsibility.models import Enterprise, Grid, GridSupervisor, Sector
from responsibility.selectors.grids import current_post_q, has_named_supervisor


def _yes_no(label):
    return django_filters.BooleanFilter(
        label=label,
        method="filter_named",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )


class GridFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    level = django_filters.ChoiceFilter(choices=GridLevel.choices, label=_("Level"))
    # field_name names the model field so that the API schema knows the type (a sector id).
    sector = django_filters.ModelChoiceFilter(
        field_name="sectors", queryset=Sector.objects.filter(is_active=True), method="covers_sector", label=_("Covers sector")
    )
    named = _yes_no(_("Has a named supervisor"))
    is_active = _active_filter()

    class Meta:
        model = Grid
        fields = ["q", "jurisdiction", "level", "sector", "named", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(jurisdiction__name__icontains=value))

    def covers_sector(self, queryset, name, value):
        if not value:
            return queryset
        # A cell without sectors covers them all.
        return queryset.filter(Q(sectors=value) | Q(sectors__isnull=True)).distinct()

    def filter_named(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(has_named_supervisor()) if value else queryset.exclude(has_named_supervisor())


class GridSupervisorFilterSet(django_filters.FilterSet):
    grid = django_filters.NumberFilter(field_name="grid_id", label=_("Grid cell (id)"))
    jurisdiction = _ScopedJurisdictionFilter(
        field_name="grid__jurisdiction", method=_subtree("grid__jurisdiction__path"), label=_("Jurisdiction")
    )
    role = django_filters.ChoiceFilter(
        field_name="post__role", choices=[(r.value, r.label) for r in PostRole if r in GRID_ROLES], label=_("Role")
    )
    is_primary = django_filters.BooleanFilter(label=_("Named supervisor"))
    current = django_filters.BooleanFilter(method="only_current", label=_("Post held at present"))

    class Meta:
        model = GridSupervisor
        fields = ["grid", "jurisdiction", "role", "is_primary", "current"]

    def only_current(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(current_post_q()) if value else queryset.exclude(current_post_q())


class GridEnterpriseFilterSet(django_filters.FilterSet):
    """The enterprises of one cell."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Within"))
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.all(), label=_("Sector"))
    risk_class = django_filters.ChoiceFilter(choices=RiskClass.choices, label=_("Risk class"))

    class Meta:
        model = Enterprise
        fields = ["q", "jurisdiction", "sector", "risk_class"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__istartswith=value))
