"""Filters of the hazard ledger (the list page, its export, and the API if it wants them).

Every filter is an indexed lookup on the hazard table or a join on a small table; the scope
filter is the denormalized ``jurisdiction_path`` prefix, never a join to the jurisdictions.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.access import get_scope
from hazards.choices import OPEN_STATUSES, HazardCategory, HazardLevel, HazardSource, HazardStatus
from hazards.forms.widgets import LightFilterForm
from hazards.models import Hazard
from hazards.querysets import HazardQuerySet
from responsibility.choices import DEPARTMENT_KINDS, LEADER_ROLES, JurisdictionLevel, OrganizationKind
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.filters.enterprises import _SectorFilter, _yes_no_filter
from responsibility.models import Official, Organization, Post

#: A status choice meaning "any status of the open loop" (the home panel links to it).
OPEN = "open"

#: The orderings offered: each is served by an index on the hazard table (found_on and
#: updated_at directly; the deadline by (status, deadline) once a status is chosen).
ORDERINGS = (
    ("found_on", _("Found on (oldest first)")),
    ("-found_on", _("Found on (newest first)")),
    ("deadline", _("Deadline (earliest first)")),
    ("-deadline", _("Deadline (latest first)")),
    ("-updated_at", _("Recently changed")),
)


def _scope_is_wider_than_a_city(request) -> bool:
    """Drop-downs of people and departments stay usable up to a city's scope (a few hundred
    entries); above that the filter is set by links only (a hidden field)."""
    if request is None:
        return True
    scope = get_scope(request.user)
    return scope.unrestricted or any(len(p) < 4 for p in scope.paths)


class _HiddenAboveCityMixin:
    """A model choice filter rendered as a hidden field for users whose scope is wider than a
    city, so the page never renders (or queries) thousands of options."""

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field = super().field
            if _scope_is_wider_than_a_city(self.get_request()):
                field.widget = forms.HiddenInput()
            self._field = field
        return self._field


@extend_schema_field(OpenApiTypes.INT)
class _DepartmentFilter(_HiddenAboveCityMixin, django_filters.ModelChoiceFilter):
    """Supervising departments (of a city, county or zone) the user may see."""

    def get_queryset(self, request):
        queryset = (
            Organization.objects.filter(
                kind__in=DEPARTMENT_KINDS,
                jurisdiction__level__in=(JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE),
                is_active=True,
            )
            .select_related("jurisdiction")
            .order_by("jurisdiction__path", "sort_order", "name")
        )
        if request is None:
            return queryset.none()
        return queryset.restrict(request.user, "view")


@extend_schema_field(OpenApiTypes.INT)
class _LeaderFilter(_HiddenAboveCityMixin, django_filters.ModelChoiceFilter):
    """City- and county-level Party and government leaders around the user's scope: those who
    may be linked to its major hazards (the scope's own leaders and those of the levels
    above it up to the city)."""

    def get_queryset(self, request):
        if request is None:
            return Official.objects.none()
        scope = get_scope(request.user)
        if scope.unrestricted or any(len(p) < 4 for p in scope.paths):
            # A hidden field: any official id may come from a link; the hazards are scoped anyway.
            return Official.objects.all()
        places = Q()
        for path in scope.paths:
            places |= Q(organization__jurisdiction__path__startswith=path)
            places |= Q(organization__jurisdiction__path__in=[path[:4], path[:6]])
        posts = Post.objects.current().filter(
            places,
            role__in=LEADER_ROLES,
            organization__kind__in=(OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GOVERNMENT),
            organization__jurisdiction__level__in=(
                JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE
            ),
        )
        return Official.objects.filter(pk__in=posts.values("official_id")).order_by("name", "pk")


class _StableOrderingFilter(django_filters.OrderingFilter):
    """Orders as chosen, then by id, so that equal deadlines or dates page consistently."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value and any(v for v in value):
            qs = qs.order_by(*qs.query.order_by, "-pk")
        return qs


def _date_filter(lookup: str, label):
    return django_filters.DateFilter(
        field_name="found_on",
        lookup_expr=lookup,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class HazardFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Code, title or enterprise"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction_path"), label=_("Jurisdiction"))
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, _("All open")), *HazardStatus.choices], method="in_status", label=_("Status"), empty_label=_("All")
    )
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Level"), empty_label=_("All"))
    overdue = _yes_no_filter(_("Overdue"), "is_overdue")
    sector = _SectorFilter(empty_label=_("All"))
    category = django_filters.ChoiceFilter(choices=HazardCategory.choices, label=_("Category"), empty_label=_("All"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Source"), empty_label=_("All"))
    found_from = _date_filter("gte", _("Found from"))
    found_to = _date_filter("lte", _("Found until"))
    department = _DepartmentFilter(field_name="supervising_department", label=_("Supervising department"), empty_label=_("All"))
    leader = _LeaderFilter(field_name="linked_leader", label=_("Linked leader"), empty_label=_("All"))
    # For links (the home panel, "major only" buttons); the level drop-down does the same.
    major = django_filters.BooleanFilter(method="is_major", label=_("Major hazards only"), widget=forms.HiddenInput)
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise (id)"), widget=forms.HiddenInput)
    ordering = _StableOrderingFilter(
        fields=(("found_on", "found_on"), ("deadline", "deadline"), ("updated_at", "updated_at")),
        choices=ORDERINGS,
        label=_("Order by"),
        empty_label=_("Default (newest found first)"),
    )

    class Meta:
        model = Hazard
        # Selects rendered without a template per option (see hazards.forms.widgets).
        form = LightFilterForm
        fields = [
            "q", "jurisdiction", "status", "level", "overdue", "sector", "category", "source", "found_from", "found_to",
            "department", "leader", "ordering", "major", "enterprise",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and not user.has_perm("responsibility.view_official"):
            # Enterprise accounts see no people: no drop-down of leaders' names.
            self.filters.pop("leader", None)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__icontains=value) | Q(enterprise__name__icontains=value)
        if value[:2].upper() == "YH":
            condition |= Q(code__startswith=value.upper())
        return queryset.filter(condition)

    def in_status(self, queryset, name, value):
        if not value:
            return queryset
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def is_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = HazardQuerySet.overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def is_major(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(level=HazardLevel.MAJOR) if value else queryset.exclude(level=HazardLevel.MAJOR)
