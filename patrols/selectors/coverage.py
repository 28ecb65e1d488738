"""The coverage of a term (一届任期全覆盖): which targets have been patrolled, which are planned,
which are not even planned yet, with the findings and their rectification per target.

Everything is aggregated in the database: one grouped query for the summary by kind of target,
one for the patrols' totals, and the targets' rows as one annotated query (a single join on the
patrols, grouped by target) that the page slices; the number of queries does not depend on the
number of targets or patrols.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from patrols.choices import PatrolKind, PatrolStatus, TargetKind
from patrols.models import Patrol, PatrolTarget, PatrolTerm

#: Coverage states, in the order the page lists them: the gaps first.
UNPLANNED, PLANNED, PATROLLED = 0, 1, 2
STATIONED = ~Q(status=PatrolStatus.PREPARATION)


@dataclass
class KindCoverage:
    kind: str
    label: str
    total: int = 0
    planned: int = 0
    patrolled: int = 0

    @property
    def unplanned(self) -> int:
        return self.total - self.planned

    @property
    def planned_only(self) -> int:
        return self.planned - self.patrolled

    @property
    def share(self) -> float | None:
        return self.patrolled / self.total if self.total else None


@dataclass
class CoverageSummary:
    kinds: list[KindCoverage] = field(default_factory=list)
    patrols: int = 0
    stationed: int = 0
    closed: int = 0
    overdue: int = 0
    calendar_missing: int = 0
    findings: int = 0
    rectified: int = 0
    by_patrol_kind: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(k.total for k in self.kinds)

    @property
    def planned(self) -> int:
        return sum(k.planned for k in self.kinds)

    @property
    def patrolled(self) -> int:
        return sum(k.patrolled for k in self.kinds)

    @property
    def unplanned(self) -> int:
        return self.total - self.planned

    @property
    def planned_only(self) -> int:
        return self.planned - self.patrolled

    @property
    def share(self) -> float | None:
        return self.patrolled / self.total if self.total else None

    @property
    def rectification_rate(self) -> float | None:
        return self.rectified / self.findings if self.findings else None

    def as_dict(self) -> dict:
        return {
            "targets": self.total, "planned": self.planned, "patrolled": self.patrolled, "unplanned": self.unplanned,
            "patrols": self.patrols, "stationed": self.stationed, "closed": self.closed, "overdue": self.overdue,
            "findings": self.findings, "rectified": self.rectified,
        }


def coverage_summary(term: PatrolTerm, today: date | None = None) -> CoverageSummary:
    """Targets planned and patrolled by kind (one query) and the term's patrol totals (one query)."""
    today = today or timezone.localdate()
    patrols = Patrol.objects.filter(target=OuterRef("pk"))
    rows = (
        PatrolTarget.objects.filter(term=term)
        .annotate(has_patrol=Exists(patrols), stationed=Exists(patrols.filter(STATIONED)))
        .order_by()
        .values("kind")
        .annotate(
            total=Count("pk"),
            planned=Count("pk", filter=Q(has_patrol=True)),
            patrolled=Count("pk", filter=Q(stationed=True)),
        )
    )
    found = {row["kind"]: row for row in rows}
    summary = CoverageSummary()
    for kind, label in TargetKind.choices:
        row = found.get(kind)
        if row:
            summary.kinds.append(KindCoverage(kind, str(label), row["total"], row["planned"], row["patrolled"]))
    totals = Patrol.objects.filter(term=term).aggregate(
        patrols=Count("pk"),
        stationed=Count("pk", filter=STATIONED),
        closed=Count("pk", filter=Q(status=PatrolStatus.CLOSED)),
        overdue=Count("pk", filter=Q(next_due_on__lt=today) & ~Q(status=PatrolStatus.CLOSED)),
        calendar_missing=Count("pk", filter=Q(calendar_missing_year__isnull=False) & ~Q(status=PatrolStatus.CLOSED)),
        findings=Coalesce(Sum("finding_count"), 0),
        rectified=Coalesce(Sum("rectified_count"), 0),
        **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in PatrolKind.values},
    )
    for name in ("patrols", "stationed", "closed", "overdue", "calendar_missing", "findings", "rectified"):
        setattr(summary, name, totals[name])
    summary.by_patrol_kind = {kind: totals[f"kind_{kind}"] for kind in PatrolKind.values}
    return summary


def coverage_targets(term: PatrolTerm, today: date | None = None, *, kind: str = "", state: int | None = None):
    """The term's targets with their coverage state and numbers, the gaps first (unplanned,
    then planned but not yet stationed, then patrolled). One query per page."""
    today = today or timezone.localdate()
    latest = Patrol.objects.filter(target=OuterRef("pk")).order_by("-pk")
    open_patrols = Q(patrols__isnull=False) & ~Q(patrols__status=PatrolStatus.CLOSED)
    queryset = (
        PatrolTarget.objects.filter(term=term)
        .annotate(
            patrol_count=Count("patrols"),
            stationed_count=Count("patrols", filter=~Q(patrols__status=PatrolStatus.PREPARATION)),
            special_count=Count("patrols", filter=~Q(patrols__kind=PatrolKind.REGULAR)),
            overdue_count=Count("patrols", filter=open_patrols & Q(patrols__next_due_on__lt=today)),
            missing_count=Count("patrols", filter=open_patrols & Q(patrols__calendar_missing_year__isnull=False)),
            findings=Coalesce(Sum("patrols__finding_count"), 0),
            rectified=Coalesce(Sum("patrols__rectified_count"), 0),
            latest_id=Subquery(latest.values("pk")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_code=Subquery(latest.values("code")[:1]),
        )
        .annotate(
            state=Case(
                When(stationed_count__gt=0, then=Value(PATROLLED)),
                When(patrol_count__gt=0, then=Value(PLANNED)),
                default=Value(UNPLANNED),
                output_field=IntegerField(),
            )
        )
        .select_related("jurisdiction")
        .order_by("state", "sort_order", "name", "pk")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if state is not None:
        queryset = queryset.filter(state=state)
    return queryset


def decorate(rows) -> list:
    """Labels and rates the template shows, computed on the page's rows only (labels looked up
    once per page, not once per row)."""
    rows = list(rows)
    statuses = {key: str(label) for key, label in PatrolStatus.choices}
    kinds = {key: str(label) for key, label in TargetKind.choices}
    for row in rows:
        row.latest_status_label = statuses.get(row.latest_status, "")
        row.kind_label = kinds.get(row.kind, row.kind)
        row.rate = row.rectified / row.findings if row.findings else None
        row.rate_percent = round(100 * row.rectified / row.findings) if row.findings else None
    return rows
