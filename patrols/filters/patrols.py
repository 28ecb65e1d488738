"""Filters of the patrol list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patrols.choices import PatrolKind, PatrolStatus, TargetKind
from patrols.models import Patrol, PatrolTerm

OPEN = "open"


def visible_terms(request):
    """Terms of the patrols the user sees (a group member or a patrolled unit does not see the
    term itself)."""
    if request is None:
        return PatrolTerm.objects.none()
    patrols = Patrol.objects.restrict(request.user, "view")
    return PatrolTerm.objects.filter(pk__in=patrols.values("term_id")).order_by("-start_date", "-pk")


def _yes_no(yes, no):
    return forms.Select(choices=[("", _("All")), ("true", yes), ("false", no)])


class PatrolFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    term = django_filters.ModelChoiceFilter(queryset=visible_terms, label=_("Term"))
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, _("Open (any stage)")), *PatrolStatus.choices], method="with_status", label=_("Stage")
    )
    kind = django_filters.ChoiceFilter(choices=PatrolKind.choices, label=_("Kind"))
    target_kind = django_filters.ChoiceFilter(choices=TargetKind.choices, field_name="target__kind", label=_("Kind of target"))
    overdue = django_filters.BooleanFilter(
        method="only_overdue", label=_("Overdue"), widget=_yes_no(_("Overdue only"), _("Not overdue"))
    )
    calendar_missing = django_filters.BooleanFilter(
        field_name="calendar_missing_year",
        lookup_expr="isnull",
        exclude=True,
        label=_("Due date unknown"),
        widget=_yes_no(_("Working-day calendar missing"), _("Due dates known")),
    )

    class Meta:
        model = Patrol
        fields = ["q", "term", "status", "kind", "target_kind", "overdue", "calendar_missing"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(target__name__icontains=value) | Q(group_name__icontains=value))

    def with_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.exclude(status=PatrolStatus.CLOSED)
        return queryset.filter(status=value)

    def only_overdue(self, queryset, name, value):
        overdue = Q(next_due_on__lt=timezone.localdate()) & ~Q(status=PatrolStatus.CLOSED)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
