"""Filters of power-and-responsibility lists: the office's overview of organizations, the API's
versions and items, publication deadlines and the public index."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from responsibility.choices import (
    LIST_KEEPING_KINDS,
    JurisdictionLevel,
    OrganizationKind,
    PowerItemKind,
    PowerListStatus,
)
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.models import Jurisdiction, PowerListItem, PowerListVersion, PublicationDeadline
from responsibility.selectors.power_lists import STATE_CHOICES, STATE_NONE


@extend_schema_field(OpenApiTypes.INT)
class _JurisdictionSubtreeFilter(_ScopedJurisdictionFilter):
    """A jurisdiction id; the subtree below it is included."""


LIST_KEEPING_KIND_CHOICES = [(value, label) for value, label in OrganizationKind.choices if value in LIST_KEEPING_KINDS]
_YES_NO = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class PowerListOverviewFilterSet(django_filters.FilterSet):
    """Over organizations annotated by ``selectors.power_lists.with_list_state``."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    kind = django_filters.ChoiceFilter(choices=LIST_KEEPING_KIND_CHOICES, label=_("Kind"))
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="in_state", label=_("State of the latest version"))
    late = django_filters.BooleanFilter(
        field_name="is_late", label=_("Late against the deadline"), widget=forms.Select(choices=_YES_NO)
    )
    # Read by the view to compute the deadline; declared here so the form shows and validates it.
    year = django_filters.NumberFilter(method="keep", label=_("Deadline year"), min_value=2000, max_value=2100)

    class Meta:
        fields = ["q", "jurisdiction", "kind", "state", "late", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))

    def in_state(self, queryset, name, value):
        if value == STATE_NONE:
            return queryset.filter(latest_status__isnull=True)
        return queryset.filter(latest_status=value)

    def keep(self, queryset, name, value):
        return queryset


class PowerListVersionFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organization (id)"))
    jurisdiction = _JurisdictionSubtreeFilter(
        method=_subtree("organization__jurisdiction__path"), label=_("Jurisdiction (id), with its subtree")
    )
    status = django_filters.MultipleChoiceFilter(choices=PowerListStatus.choices, label=_("Status"))
    published = django_filters.BooleanFilter(method="only_published", label=_("Currently published"))
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Changed since"))

    class Meta:
        model = PowerListVersion
        fields = ["organization", "jurisdiction", "status", "published", "updated_since"]

    def only_published(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status=PowerListStatus.PUBLISHED)
        return queryset.filter(condition) if value else queryset.exclude(condition)


class PowerListItemFilterSet(django_filters.FilterSet):
    version = django_filters.NumberFilter(field_name="version_id", label=_("List version (id)"))
    organization = django_filters.NumberFilter(field_name="version__organization_id", label=_("Organization (id)"))
    kind = django_filters.ChoiceFilter(choices=PowerItemKind.choices, label=_("Kind"))
    published = django_filters.BooleanFilter(method="only_published", label=_("Of the currently published version"))

    class Meta:
        model = PowerListItem
        fields = ["version", "organization", "kind", "published"]

    def only_published(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(version__status=PowerListStatus.PUBLISHED)
        return queryset.filter(condition) if value else queryset.exclude(condition)


class PublicationDeadlineFilterSet(django_filters.FilterSet):
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = PublicationDeadline
        fields = ["jurisdiction", "year"]


class _PublicJurisdictionFilter(django_filters.ModelChoiceFilter):
    """The public chooses among the jurisdictions above village level (no scope: published
    lists are public)."""

    def get_queryset(self, request):
        return Jurisdiction.objects.filter(
            level__in=[JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE]
        ).order_by("path")


class PublicListFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = _PublicJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))

    class Meta:
        fields = ["q", "jurisdiction"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(jurisdiction__name__icontains=value)
        )


def current_year() -> int:
    return timezone.localdate().year
