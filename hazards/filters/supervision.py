"""Filters of the major hazards board."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazards.choices import OPEN_STATUSES, HazardStatus, ListingLevel
from hazards.forms.widgets import LightFilterForm
from hazards.models import Hazard
from hazards.querysets import HazardQuerySet
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.models import Official

OPEN = "open"


def _yes_no(yes, no):
    return forms.Select(choices=[("", _("All")), ("true", yes), ("false", no)])


def linked_leaders(request):
    """Officials linked to a major hazard the user may see (the leader filter's choices)."""
    if request is None:
        return Official.objects.none()
    linked = Hazard.objects.restrict(request.user, "view").major().filter(linked_leader__isnull=False)
    return Official.objects.filter(pk__in=linked.values("linked_leader_id")).order_by("name", "pk")


class MajorHazardFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    listing_level = django_filters.ChoiceFilter(choices=ListingLevel.choices, label=_("Listed by"))
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, _("Open (any stage)")), *HazardStatus.choices], method="with_status", label=_("Status")
    )
    leader = django_filters.ModelChoiceFilter(queryset=linked_leaders, field_name="linked_leader", label=_("Linked leader"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction_path"), label=_("Jurisdiction"))
    without_leader = django_filters.BooleanFilter(
        field_name="linked_leader",
        lookup_expr="isnull",
        label=_("Leader linked"),
        widget=_yes_no(_("Without a linked leader"), _("With a linked leader")),
    )
    not_listed = django_filters.BooleanFilter(
        method="only_not_listed",
        label=_("Listed for supervision"),
        widget=_yes_no(_("Not listed"), _("Listed")),
    )
    overdue = django_filters.BooleanFilter(
        method="only_overdue",
        label=_("Overdue"),
        widget=_yes_no(_("Overdue only"), _("Not overdue")),
    )

    class Meta:
        model = Hazard
        # Selects rendered without a template per option (see hazards.forms.widgets).
        form = LightFilterForm
        fields = ["q", "listing_level", "status", "leader", "jurisdiction", "without_leader", "not_listed", "overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__iexact=value) | Q(title__icontains=value) | Q(enterprise__name__icontains=value) | Q(location__icontains=value)
        )

    def with_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def only_not_listed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(listing_level="") if value else queryset.exclude(listing_level="")

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = HazardQuerySet.overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
