"""Filters of the patrol API lists. Each narrows a queryset already restricted to what the
caller may see."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.api.filters import IdFilter
from patrols.choices import (
    DispositionRoute,
    DispositionStatus,
    FindingCategory,
    FindingStatus,
    PatrolKind,
    PatrolStatus,
    TargetKind,
)
from patrols.models import FindingDisposition, Patrol, PatrolFinding


def _updated_since():
    return django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed since"),
        help_text="ISO 8601 date-time: only rows created or changed at or after it (incremental sync).",
    )


class PatrolApiFilterSet(django_filters.FilterSet):
    term = IdFilter(field_name="term_id", help_text="Id of the term.")
    target = IdFilter(field_name="target_id", help_text="Id of the target.")
    status = django_filters.MultipleChoiceFilter(choices=PatrolStatus.choices, help_text="Stage; repeat for several.")
    kind = django_filters.ChoiceFilter(choices=PatrolKind.choices)
    target_kind = django_filters.ChoiceFilter(choices=TargetKind.choices, field_name="target__kind")
    jurisdiction_code = django_filters.CharFilter(
        field_name="target__jurisdiction__code", help_text="Division code of the patrolled city, county or zone."
    )
    overdue = django_filters.BooleanFilter(method="only_overdue", help_text="true: the next step is past its due date.")
    updated_since = _updated_since()

    class Meta:
        model = Patrol
        fields = ["term", "target", "status", "kind", "target_kind", "jurisdiction_code", "overdue", "updated_since"]

    def only_overdue(self, queryset, name, value):
        overdue = Q(next_due_on__lt=timezone.localdate()) & ~Q(status=PatrolStatus.CLOSED)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class FindingApiFilterSet(django_filters.FilterSet):
    patrol = IdFilter(field_name="patrol_id", help_text="Id of the patrol.")
    category = django_filters.ChoiceFilter(choices=FindingCategory.choices)
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices)
    updated_since = _updated_since()

    class Meta:
        model = PatrolFinding
        fields = ["patrol", "category", "status", "updated_since"]


class DispositionApiFilterSet(django_filters.FilterSet):
    patrol = IdFilter(field_name="finding__patrol_id", help_text="Id of the patrol.")
    finding = IdFilter(field_name="finding_id", help_text="Id of the finding.")
    route = django_filters.ChoiceFilter(choices=DispositionRoute.choices)
    status = django_filters.ChoiceFilter(choices=DispositionStatus.choices)
    updated_since = _updated_since()

    class Meta:
        model = FindingDisposition
        fields = ["patrol", "finding", "route", "status", "updated_since"]
