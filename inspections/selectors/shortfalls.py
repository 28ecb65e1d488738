"""Inspection quotas for the safety office: every official in scope evaluated against the
inspection obligations (DOMAIN.md §5) for a period, summarised by jurisdiction and by role,
with the officials who fall short.

The evaluation is the responsibility app's (``evaluate_compliance`` with the inspection counter
this app registers), which is database aggregation throughout: one query for the officials
holding a matching post per rule, and the counts. Those are made once for the whole year
containing the period, per official and month (``counting_by_month``), and every rule's
windows are summed from them, instead of one grouped count per rule and window. Nothing is
queried per official. This module then only groups the rows; the one query it adds fetches the
names of the summary's jurisdictions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from core.access import get_scope
from inspections.selectors.quotas import counting_by_month
from responsibility.choices import ObligationActivity, Period, PostRole
from responsibility.models import Jurisdiction, Post
from responsibility.selectors.compliance import (
    ComplianceRow,
    ObligationResult,
    PeriodRange,
    Status,
    evaluate_compliance,
)

#: Lengths of the materialized path at each level below a province (city, county, township,
#: village); a jurisdiction's ancestors are the prefixes of its path at these lengths.
PATH_LENGTHS = (2, 4, 6, 9, 12)
STATUSES = (Status.SHORT, Status.IN_PROGRESS, Status.NOT_DUE, Status.MET)


@dataclass
class Counts:
    short: int = 0
    in_progress: int = 0
    not_due: int = 0
    met: int = 0

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    @property
    def total(self) -> int:
        return self.short + self.in_progress + self.not_due + self.met


@dataclass
class JurisdictionSummary:
    path: str
    name: str
    #: Officials, each counted once with their worst status across the obligations binding them.
    officials: Counts = field(default_factory=Counts)


@dataclass
class RoleSummary:
    """One inspection obligation: it names the roles (and levels) it binds."""

    result: ObligationResult
    counts: Counts = field(default_factory=Counts)

    @property
    def obligation(self):
        return self.result.obligation

    @property
    def roles_label(self) -> str:
        labels = dict(PostRole.choices)
        return "、".join(str(labels.get(role, role)) for role in self.obligation.roles or [])


@dataclass
class ShortfallLine:
    result: ObligationResult
    row: ComplianceRow

    @property
    def obligation(self):
        return self.result.obligation


@dataclass
class ShortfallReport:
    period: PeriodRange
    results: list[ObligationResult]
    by_jurisdiction: list[JurisdictionSummary]
    by_role: list[RoleSummary]
    lines: list[ShortfallLine]  # every (official, obligation), shortfalls first
    officials: Counts = field(default_factory=Counts)

    def lines_with(self, status: str | None) -> list[ShortfallLine]:
        if not status:
            return self.lines
        return [line for line in self.lines if line.row.status == status]


def _worst(statuses: set[str]) -> str:
    return min(statuses, key=lambda s: Status.ORDER[s])


def _group_path(path: str, focus_paths: tuple[str, ...]) -> str:
    """The jurisdiction a row is summarised under: the one just below the focus on the way to
    the row's jurisdiction (the row's own when it is the focus)."""
    root = next((p for p in focus_paths if path.startswith(p)), "")
    for length in PATH_LENGTHS:
        if length > len(root):
            return path[:length] if len(path) >= length else path
    return path


def shortfall_report(
    *, user, period: PeriodRange, jurisdiction: Jurisdiction | None = None, today: date | None = None
) -> ShortfallReport:
    """The inspection obligations of ``user``'s scope (narrowed to ``jurisdiction``) over
    ``period``, summarised; see the module's docstring for the queries."""
    today = today or timezone.localdate()
    # Every window of every rule lies within the year containing the period (a yearly rule over
    # a month is judged over that year); the officials are those the evaluation looks at (a
    # current post in scope on the period's last day, or today).
    year = PeriodRange(Period.YEAR, period.year)
    officials = Post.objects.current(min(period.end, today)).restrict(user, "view").values("official_id")
    with counting_by_month(start=year.start, end=year.end, officials=officials):
        evaluated = evaluate_compliance(user=user, period=period, jurisdiction=jurisdiction, today=today)
    results = [
        result
        for result in evaluated
        if result.obligation.activity == ObligationActivity.INSPECTION and result.available
    ]
    scope = get_scope(user)
    if jurisdiction is not None:
        focus = (jurisdiction.path,)
    elif scope.unrestricted:
        focus = ("",)
    else:
        focus = scope.paths
    worst: dict[int, set[str]] = {}
    where: dict[int, str] = {}
    lines: list[ShortfallLine] = []
    by_role: list[RoleSummary] = []
    for result in results:
        summary = RoleSummary(result)
        by_role.append(summary)
        for row in result.rows:
            status = row.status
            summary.counts.add(status)
            worst.setdefault(row.subject.pk, set()).add(status)
            where.setdefault(row.subject.pk, _group_path(row.jurisdiction.path, focus))
            lines.append(ShortfallLine(result, row))
    lines.sort(key=lambda line: (line.row.sort_key(), line.obligation.pk))
    groups: dict[str, Counts] = {}
    officials = Counts()
    for official_id, statuses in worst.items():
        status = _worst(statuses)
        officials.add(status)
        groups.setdefault(where[official_id], Counts()).add(status)
    names = dict(Jurisdiction.objects.filter(path__in=list(groups)).values_list("path", "name")) if groups else {}
    by_jurisdiction = [
        JurisdictionSummary(path, names.get(path, path), counts)
        for path, counts in sorted(groups.items())
    ]
    return ShortfallReport(
        period=period, results=results, by_jurisdiction=by_jurisdiction, by_role=by_role, lines=lines, officials=officials
    )
