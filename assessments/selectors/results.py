"""Reads of assessment results: the ranked table with each category's subtotal (for the
exports), the public results of published rounds, and what the home page shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum

from assessments.choices import SCORED_KINDS, Grade, RoundStatus
from assessments.models import AssessmentRound, RoundTarget, SchemeCategory, Score
from assessments.selectors.rounds import decorate_row, group_rows, ranked_order
from core.access import get_scope


def categories_of(round_: AssessmentRound) -> list[SchemeCategory]:
    return list(SchemeCategory.objects.filter(scheme_id=round_.scheme_id).order_by("position", "pk"))


def category_points(target_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """``{target id: {category id: points}}`` of the scored kinds (computed and manual), summed
    in the database in one query."""
    totals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if not target_ids:
        return totals
    rows = (
        Score.objects.filter(target_id__in=target_ids, indicator__kind__in=SCORED_KINDS, points__isnull=False)
        .values("target_id", "indicator__category_id")
        .annotate(points=Sum("points"))
        .order_by()
    )
    for row in rows:
        totals[row["target_id"]][row["indicator__category_id"]] = row["points"]
    return totals


@dataclass
class ResultsTable:
    round: AssessmentRound
    categories: list[SchemeCategory]
    rows: list[RoundTarget]
    points: dict[int, dict[int, Decimal]]

    def category_values(self, row: RoundTarget) -> list[Decimal | None]:
        own = self.points.get(row.pk, {})
        return [own.get(category.pk) for category in self.categories]

    @property
    def groups(self):
        return group_rows(self.rows)


def results_table(targets, round_: AssessmentRound) -> ResultsTable:
    """The ranked rows of ``targets`` (already restricted to what the reader may see), group by
    group, with the subtotal of every category: three queries whatever the number of units."""
    rows = sorted((decorate_row(row) for row in targets.select_related("organization__jurisdiction")), key=ranked_order)
    return ResultsTable(round=round_, categories=categories_of(round_), rows=rows, points=category_points([r.pk for r in rows]))


# --- Public results ------------------------------------------------------------------------


def published_rounds():
    """Rounds published to the public: nothing else of the assessments is public."""
    return (
        AssessmentRound.objects.filter(status=RoundStatus.PUBLISHED, published_at__isnull=False)
        .select_related("jurisdiction", "scheme")
        .order_by("-published_at", "-pk")
    )


def public_results(round_: AssessmentRound) -> list[RoundTarget]:
    """The ranking of a published round, group by group: unit, rank, total, grade and veto
    marks. Read with ``only`` so that nothing internal (evidence, notes, self-evaluation) is
    even loaded."""
    rows = (
        RoundTarget.objects.filter(round=round_)
        .select_related("organization__jurisdiction")
        .only(
            "id", "round_id", "organization__name", "organization__kind", "organization__sort_order",
            "organization__jurisdiction__level", "organization__jurisdiction__path", "rank", "score_total", "deductions",
            "bonus", "total", "grade", "grade_before_veto", "excellence_removed", "unqualified_by_veto",
        )
    )
    return sorted(rows, key=ranked_order)


def grade_counts(rows) -> list[tuple[str, str, int]]:
    """(grade, label, number of units) from the best grade down."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.grade:
            counts[row.grade] += 1
    return [(value, label, counts.get(value, 0)) for value, label in Grade.choices]


# --- The home page ---------------------------------------------------------------------------


#: Statuses in which a round waits for the assessing office.
OFFICE_ACTION_STATUSES = (RoundStatus.OPEN, RoundStatus.SELF_EVALUATION, RoundStatus.SCORING, RoundStatus.REVIEW, RoundStatus.FINALIZED)


def rounds_needing_action(user, limit: int = 5) -> list[AssessmentRound]:
    """Rounds run by the user's level that are not published yet (one query)."""
    scope = get_scope(user)
    if scope.is_empty:
        return []
    rounds = (
        AssessmentRound.objects.restrict(user, "view")
        .filter(scope.q("jurisdiction__path"), status__in=OFFICE_ACTION_STATUSES)
        .select_related("jurisdiction")
        .order_by("-year", "-quarter", "jurisdiction__path", "pk")
    )
    return list(rounds[:limit])


def own_targets(user, statuses, limit: int = 5) -> list[RoundTarget]:
    """The user's own units, as the assessed party, in rounds of the given statuses, newest
    first (one query): units where the user holds a post, and the units of the user's
    jurisdiction in rounds run by a level above it (a county's people for the county)."""
    from responsibility.models import Post

    scope = get_scope(user)
    if scope.is_empty or scope.unrestricted:
        return []
    posts = Post.objects.current().filter(official__user=user).values("organization_id")
    own = Q(organization_id__in=posts) | (scope.q("jurisdiction_path") & ~scope.q("round__jurisdiction__path"))
    return list(
        RoundTarget.objects.restrict(user, "view")
        .filter(own, round__status__in=statuses)
        .select_related("round__jurisdiction", "organization")
        .order_by("-round__year", F("round__quarter").desc(nulls_first=True), "-round_id", "pk")[:limit]
    )
