"""Reads of random draws: the result with its inspectors, the re-run that verifies it, and the
outcomes of the inspections made for it (also shown on the public page)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from inspections import draws as algorithm
from inspections.choices import InspectionKind, InspectionStatus
from inspections.models import DrawnEnterprise, InspectionTarget, RandomDraw
from inspections.selectors.campaigns import RECTIFIED_STATUSES
from responsibility.models import Enterprise, Official


def drawn_rows(draw: RandomDraw) -> list[DrawnEnterprise]:
    """The enterprises drawn, in draw order, each with ``inspector_list`` in the order they were
    drawn (two queries)."""
    rows = list(
        DrawnEnterprise.objects.filter(draw=draw).select_related("enterprise__jurisdiction", "enterprise__sector").order_by("order")
    )
    through = DrawnEnterprise.inspectors.through.objects.filter(drawnenterprise__draw=draw).select_related("official")
    by_row: dict[int, list[Official]] = {}
    # The through rows were written in the order the inspectors were drawn.
    for link in through.order_by("pk"):
        by_row.setdefault(link.drawnenterprise_id, []).append(link.official)
    for row in rows:
        row.inspector_list = by_row.get(row.pk, [])
    return rows


def outcomes(draw: RandomDraw) -> dict[int, dict]:
    """Per enterprise drawn: its submitted inspections of this draw, their last date, the
    findings, the hazards put on the ledger and how many of those are rectified (one query)."""
    rows = (
        InspectionTarget.objects.filter(
            inspection__draw=draw, inspection__kind=InspectionKind.RANDOM_DRAW, inspection__status=InspectionStatus.SUBMITTED
        )
        .values("enterprise_id")
        .annotate(
            inspections=Count("inspection", distinct=True),
            last_inspected=Max("inspection__started_at"),
            problems=Count("findings", distinct=True),
            hazards=Count("findings__hazard", distinct=True),
            rectified=Count("findings__hazard", distinct=True, filter=Q(findings__hazard__status__in=RECTIFIED_STATUSES)),
        )
        .order_by()
    )
    return {row["enterprise_id"]: row for row in rows}


@dataclass
class VerifiedRow:
    order: int
    stored_enterprise: int | None
    stored_inspectors: tuple[int, ...]
    recomputed_enterprise: int | None
    recomputed_inspectors: tuple[int, ...]
    stored_names: tuple[str, list[str]] = ("", [])
    recomputed_names: tuple[str, list[str]] = ("", [])

    @property
    def matches(self) -> bool:
        return self.stored_enterprise == self.recomputed_enterprise and sorted(self.stored_inspectors) == sorted(
            self.recomputed_inspectors
        )


@dataclass
class Verification:
    matches: bool
    error: str = ""
    rows: list[VerifiedRow] = field(default_factory=list)


def verify_draw(draw: RandomDraw) -> Verification:
    """Run the algorithm again from the stored pools, rules and seed and compare it with the
    stored result, enterprise by enterprise in draw order."""
    if draw.drawn_at is None:
        return Verification(matches=False, error="not_drawn")
    if (draw.rules or {}).get("algorithm", algorithm.ALGORITHM_VERSION) != algorithm.ALGORITHM_VERSION:
        return Verification(matches=False, error="algorithm_changed")
    stored = [(row.enterprise_id, tuple(o.pk for o in row.inspector_list)) for row in drawn_rows(draw)]
    try:
        picks = algorithm.run_draw(
            seed=draw.seed,
            enterprise_pool=draw.enterprise_pool,
            inspector_pool=draw.inspector_pool,
            count=draw.enterprise_count,
            per_enterprise=draw.inspectors_per_enterprise,
        )
    except algorithm.DrawError as error:
        return Verification(matches=False, error=error.code)
    rows = []
    for index in range(max(len(stored), len(picks))):
        stored_enterprise, stored_inspectors = stored[index] if index < len(stored) else (None, ())
        pick = picks[index] if index < len(picks) else None
        rows.append(
            VerifiedRow(
                index + 1, stored_enterprise, stored_inspectors,
                pick.enterprise_id if pick else None, pick.inspector_ids if pick else (),
            )
        )
    enterprise_ids = {pk for r in rows for pk in (r.stored_enterprise, r.recomputed_enterprise) if pk}
    official_ids = {pk for r in rows for pk in (*r.stored_inspectors, *r.recomputed_inspectors)}
    enterprise_names = dict(Enterprise.objects.filter(pk__in=enterprise_ids).values_list("pk", "name"))
    official_names = dict(Official.objects.filter(pk__in=official_ids).values_list("pk", "name"))
    for row in rows:
        row.stored_names = (
            enterprise_names.get(row.stored_enterprise, ""), [official_names.get(pk, str(pk)) for pk in row.stored_inspectors]
        )
        row.recomputed_names = (
            enterprise_names.get(row.recomputed_enterprise, ""),
            [official_names.get(pk, str(pk)) for pk in row.recomputed_inspectors],
        )
    return Verification(matches=bool(rows) and all(r.matches for r in rows), rows=rows)


def published_draws() -> QuerySet:
    return (
        RandomDraw.objects.filter(published_at__isnull=False, drawn_at__isnull=False)
        .select_related("jurisdiction")
        .annotate(drawn_count=Count("results"))
        .order_by("-published_at", "-pk")
    )
