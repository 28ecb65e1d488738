"""Reads about risk points: counts by colour, level and jurisdiction, round progress, and the
rows behind the risk map."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Substr

from core.access import get_scope
from hazards.choices import RiskGrade, RiskPointLevel, RiskPointStatus, RoundStatus
from hazards.models import RiskPoint, RiskPointReview, RiskReviewRound
from responsibility.models import Jurisdiction

#: Most severe first: tables, legends and a capped map show the red points first.
GRADES = (RiskGrade.MAJOR, RiskGrade.LARGER, RiskGrade.GENERAL, RiskGrade.LOW)
LEVELS = tuple(RiskPointLevel.values)


def grade_rank():
    """An ordering expression: red 0, orange 1, yellow 2, blue 3."""
    return Case(*(When(grade=g, then=Value(i)) for i, g in enumerate(GRADES)), default=Value(9), output_field=IntegerField())


@dataclass
class CountRow:
    label: str
    jurisdiction: Jurisdiction | None = None
    counts: dict[str, int] = field(default_factory=dict)
    is_direct: bool = False

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(g, 0) for g in GRADES]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def counts_by_level(queryset: QuerySet) -> tuple[list[CountRow], CountRow]:
    """Colour × management level of the points of ``queryset`` (one aggregate query): one row
    per level and a total row."""
    from django.utils.translation import gettext as _

    rows = {level: CountRow(label=str(label)) for level, label in RiskPointLevel.choices}
    total = CountRow(label=_("Total"))
    for item in queryset.order_by().values("management_level", "grade").annotate(n=Count("pk")):
        row = rows.get(item["management_level"])
        if row is not None:
            row.counts[item["grade"]] = row.counts.get(item["grade"], 0) + item["n"]
        total.counts[item["grade"]] = total.counts.get(item["grade"], 0) + item["n"]
    return list(rows.values()), total


def summary_areas(user, selected: Jurisdiction | None) -> tuple[Jurisdiction | None, list[Jurisdiction]]:
    """The jurisdiction being split and the areas it is split into: the children of the selected
    one; without a selection, the children of the user's only scope root, or their scope roots,
    or (for an unrestricted user) the top of the tree."""
    scope = get_scope(user)
    parent = selected
    if parent is None and not scope.unrestricted and len(scope.root_ids) == 1:
        parent = Jurisdiction.objects.filter(pk=scope.root_ids[0]).first()
    if parent is not None:
        return parent, list(Jurisdiction.objects.filter(parent=parent).order_by("path"))
    if scope.unrestricted:
        return None, list(Jurisdiction.objects.filter(parent__isnull=True).order_by("path"))
    return None, list(Jurisdiction.objects.filter(pk__in=scope.root_ids).order_by("path"))


def counts_by_area(queryset: QuerySet, parent: Jurisdiction | None, areas: list[Jurisdiction]) -> list[CountRow]:
    """Colour counts per area (one aggregate query). Points recorded at ``parent`` itself, above
    any of its children, get a row of their own."""
    from django.utils.translation import gettext as _

    rows = {area.path: CountRow(label=area.name, jurisdiction=area) for area in areas}
    direct = None
    if parent is not None:
        direct = CountRow(label=_("%(name)s itself") % {"name": parent.name}, jurisdiction=parent, is_direct=True)
    lengths = {len(area.path) for area in areas}
    if len(lengths) == 1:
        # The usual case (all children of one node have paths of one length): a plain prefix.
        key = Substr("jurisdiction_path", 1, lengths.pop())
    else:
        key = Case(
            *(When(jurisdiction_path__startswith=area.path, then=Value(area.path)) for area in areas),
            default=Value(""),
            output_field=CharField(),
        )
    for item in queryset.annotate(area=key).order_by().values("area", "grade").annotate(n=Count("pk")):
        row = rows.get(item["area"])
        if row is None:
            row = direct
        if row is not None:
            row.counts[item["grade"]] = row.counts.get(item["grade"], 0) + item["n"]
    result = list(rows.values())
    if direct is not None and direct.total:
        result.insert(0, direct)
    return result


def colour_totals(queryset: QuerySet) -> dict[str, int]:
    """Active points per colour (one query), for the home page."""
    counts = dict(queryset.filter(status=RiskPointStatus.ACTIVE).order_by().values_list("grade").annotate(n=Count("pk")))
    return {g: counts.get(g, 0) for g in GRADES}


# --- Rounds -----------------------------------------------------------------------------------


def _count(queryset: QuerySet):
    return Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1], output_field=IntegerField())


def with_progress(rounds: QuerySet) -> QuerySet:
    """Annotate ``reviewed_count`` and ``pending_count`` (the active points still to review; 0 once
    closed) with subqueries, so a list of rounds costs one query."""
    pending = RiskPoint.objects.filter(
        status=RiskPointStatus.ACTIVE,
        jurisdiction_path__startswith=OuterRef("jurisdiction__path"),
        created_at__lte=OuterRef("created_at"),
    ).filter(~Exists(RiskPointReview.objects.filter(round=OuterRef(OuterRef("pk")), risk_point=OuterRef("pk"))))
    return rounds.annotate(
        reviewed_count=_count(RiskPointReview.objects.filter(round=OuterRef("pk"))),
        pending_count=Case(
            When(status=RoundStatus.OPEN, then=_count(pending)), default=Value(0), output_field=IntegerField()
        ),
    )


def round_points(round: RiskReviewRound) -> QuerySet:
    """The points a round is about: those reviewed in it and those still pending, with the
    review (if any) as ``review_outcome``/``review_grade_after``."""
    review = RiskPointReview.objects.filter(round=round, risk_point=OuterRef("pk"))
    from hazards.services.risk import round_pending_points

    pending_ids = round_pending_points(round).values("pk")
    return (
        RiskPoint.objects.filter(jurisdiction_path__startswith=round.jurisdiction.path)
        .annotate(
            review_outcome=Subquery(review.values("outcome")[:1]),
            review_grade_after=Subquery(review.values("grade_after")[:1]),
        )
        .filter(Q(Exists(review)) | Q(pk__in=pending_ids))
        .select_related("enterprise", "jurisdiction", "sector")
    )
