"""Inspection quotas: the responsibility app's compliance page evaluates the inspection
obligations (DOMAIN.md §5); this module tells it how to count inspections.

The evaluation asks for one count per rule and window (a monthly rule over a year: twelve).
Inside :func:`counting_by_month` those answers come instead from one grouped query over the
whole range, made on first use (a row per official with a count per month): a province's year
(30,000 officials, 500,000 inspections) then costs one scan instead of dozens.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from inspections.choices import InspectionStatus
from inspections.models import Inspection, InspectionParticipant
from responsibility.choices import ObligationSubject
from responsibility.selectors.compliance import Subjects


def count_inspections(subjects: Subjects, start: date, end: date) -> dict[int, int]:
    """Submitted inspections led or joined by each official between ``start`` and ``end``
    (an inspection counts once per official). Organizations are counted by the inspections
    their current officials led."""
    if subjects.kind != ObligationSubject.ORGANIZATION_KIND:
        monthly = _monthly.get()
        if monthly is not None and monthly.covers(start, end):
            return monthly.window(start, end)
    since, until = day_bounds(start, end)
    submitted = Inspection.objects.filter(status=InspectionStatus.SUBMITTED, started_at__gte=since, started_at__lt=until)
    if subjects.kind == ObligationSubject.ORGANIZATION_KIND:
        from responsibility.models import Post

        rows = (
            Post.objects.current()
            .filter(organization_id__in=subjects.ids, official__led_inspections__in=submitted)
            .order_by()
            .values("organization_id")
            .annotate(n=Count("official__led_inspections", distinct=True))
            .values_list("organization_id", "n")
        )
        return dict(rows)
    led = (
        submitted.filter(lead_official_id__in=subjects.ids)
        .order_by()
        .values("lead_official_id")
        .annotate(n=Count("pk"))
        .values_list("lead_official_id", "n")
    )
    joined = (
        InspectionParticipant.objects.filter(
            official_id__in=subjects.ids,
            inspection__status=InspectionStatus.SUBMITTED,
            inspection__started_at__gte=since,
            inspection__started_at__lt=until,
        )
        .order_by()
        .values("official_id")
        .annotate(n=Count("pk"))
        .values_list("official_id", "n")
    )
    counts: dict[int, int] = {}
    for official_id, n in led.union(joined, all=True):
        counts[official_id] = counts.get(official_id, 0) + n
    return counts


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The local days ``start`` to ``end`` (inclusive) as a half-open range of instants. A
    ``started_at__date`` lookup casts every row to a local date and cannot use the index on
    ``started_at``; a range on the column itself can (a province has 500,000 inspections)."""
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


# --- Counting by month --------------------------------------------------------------------------


def _months(start: date, end: date) -> list[date]:
    """The first days of the calendar months from ``start``'s to ``end``'s."""
    months = []
    day = start.replace(day=1)
    while day <= end:
        months.append(day)
        day = _next_month(day)
    return months


@dataclass
class MonthlyCounts:
    """Submitted inspections led or joined per official and calendar month, for the officials
    of ``officials`` (a subquery of ids) over the months from ``start`` to ``end``; fetched on
    first use as one row per official with one conditional count per month."""

    start: date
    end: date
    officials: QuerySet
    _table: dict[int, list[int]] | None = field(default=None, repr=False)

    @property
    def months(self) -> list[date]:
        return _months(self.start, self.end)

    def covers(self, start: date, end: date) -> bool:
        # Windows are whole calendar months, quarters, half-years or years.
        return self.start <= start and end <= self.end and start.day == 1 and (end + timedelta(days=1)).day == 1

    def window(self, start: date, end: date) -> dict[int, int]:
        months = self.months
        first, last = months.index(start), months.index(end.replace(day=1)) + 1
        counts = {}
        for official_id, by_month in self.table.items():
            n = sum(by_month[first:last])
            if n:
                counts[official_id] = n
        return counts

    @property
    def table(self) -> dict[int, list[int]]:
        if self._table is None:
            self._table = self._fetch()
        return self._table

    def _fetch(self) -> dict[int, list[int]]:
        months = self.months
        bounds = [day_bounds(m, _next_month(m) - timedelta(days=1)) for m in months]
        since, until = bounds[0][0], bounds[-1][1]

        def per_month(prefix: str) -> dict:
            return {
                f"m{i}": Count("pk", filter=Q(**{f"{prefix}started_at__gte": a, f"{prefix}started_at__lt": b}))
                for i, (a, b) in enumerate(bounds)
            }

        columns = [f"m{i}" for i in range(len(months))]
        led = (
            Inspection.objects.filter(
                status=InspectionStatus.SUBMITTED, started_at__gte=since, started_at__lt=until,
                lead_official_id__in=self.officials,
            )
            .order_by()
            .values("lead_official_id")
            .annotate(**per_month(""))
            .values_list("lead_official_id", *columns)
        )
        joined = (
            InspectionParticipant.objects.filter(
                official_id__in=self.officials,
                inspection__status=InspectionStatus.SUBMITTED,
                inspection__started_at__gte=since,
                inspection__started_at__lt=until,
            )
            .order_by()
            .values("official_id")
            .annotate(**per_month("inspection__"))
            .values_list("official_id", *columns)
        )
        table: dict[int, list[int]] = {}
        for official_id, *counts in led.union(joined, all=True):
            row = table.get(official_id)
            table[official_id] = counts if row is None else [a + b for a, b in zip(row, counts, strict=True)]
        return table


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


_monthly: ContextVar[MonthlyCounts | None] = ContextVar("inspection_monthly_counts", default=None)


@contextmanager
def counting_by_month(*, start: date, end: date, officials: QuerySet) -> Iterator[MonthlyCounts]:
    """Within the block, :func:`count_inspections` answers officials' windows inside the months
    from ``start`` to ``end`` from one grouped query (a count per official and month).
    ``officials`` (ids) must include every official the block evaluates."""
    first = start.replace(day=1)
    last = _next_month(end) - timedelta(days=1)
    token = _monthly.set(MonthlyCounts(first, last, officials))
    try:
        yield _monthly.get()
    finally:
        _monthly.reset(token)
