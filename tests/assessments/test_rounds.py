"""Assessment rounds: opening a round (targets, period, refusals), the workflow with every
forbidden move, manual scores (maximum, evidence, concurrent scorers), deductions and vetoes
with per-jurisdiction thresholds, totals, grades and ranks, the comparison with last period,
deterministic recomputation, self-evaluation and the transmission to the organization
department."""

from __future__ import annotations

import datetime
import os
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import (
    AssessmentRound,
    IndicatorThreshold,
    RoundEvent,
    RoundTarget,
    Score,
    ScoreSource,
)
from assessments.services import rounds as services
from assessments.services.schemes import scheme_new_version
from assessments.workflow import TRANSITIONS
from core.errors import ConflictError
from responsibility.choices import JurisdictionLevel, OrganizationKind
from responsibility.roles import Role
from tests.assessments.conftest import make_accident, make_hazard
from tests.factories import OrganizationFactory, jurisdiction

pytestmark = pytest.mark.django_db

D = datetime.date
STATUSES = ("open", "self_evaluation", "scoring", "review", "finalized", "published")


@pytest.fixture
def county_c(world):
    """A third county (丰泽区), without a threshold of its own for larger accidents."""
    county = jurisdiction("350503", JurisdictionLevel.COUNTY, world.city, "丰泽区")
    return OrganizationFactory(jurisdiction=county, name="丰泽区人民政府", kind=OrganizationKind.GOVERNMENT)


@pytest.fixture
def scheme(make_scheme):
    return make_scheme()


@pytest.fixture
def open_round(world, scheme):
    def make(*, year=2025, quarter=3, levels=None, actor=None, using=None, **kwargs):
        return services.round_create(
            actor=actor, scheme=using or scheme, jurisdiction=kwargs.pop("at", world.city), year=year, quarter=quarter,
            target_levels=levels, **kwargs,
        )

    return make


def score(round_, organization_name: str, code: str = "M1") -> Score:
    return Score.objects.get(target__round=round_, target__organization__name=organization_name, indicator__code=code)


def target(round_, organization_name: str) -> RoundTarget:
    return RoundTarget.objects.get(round=round_, organization__name=organization_name)


def score_all(round_, points="60", actor=None) -> None:
    for s in Score.objects.filter(target__round=round_, indicator__kind="manual"):
        services.score_enter(actor=actor, score=s, points=Decimal(points), evidence="查阅台账")


def rows(round_) -> tuple:
    """Everything a computation writes, byte for byte."""
    return (
        list(Score.objects.filter(target__round=round_).order_by("pk").values_list(
            "pk", "points", "inputs", "explanation", "veto_triggered", "lock_version")),
        list(ScoreSource.objects.filter(score__target__round=round_).order_by("pk").values_list(
            "pk", "score_id", "content_type_id", "object_id", "label", "note")),
        list(RoundTarget.objects.filter(round=round_).order_by("pk").values_list(
            "pk", "score_total", "deductions", "bonus", "total", "grade", "grade_before_veto", "excellence_removed",
            "unqualified_by_veto", "rank", "previous_total", "previous_rank")),
    )


# --- Opening a round --------------------------------------------------------------------------


def test_a_round_has_the_governments_below_and_a_score_per_indicator(world, open_round, scheme):
    round_ = open_round()
    assert (round_.starts_on, round_.ends_on, round_.period_kind, round_.target_levels) == (
        D(2025, 7, 1), D(2025, 9, 30), "quarterly", ["county"],
    )
    assert sorted(RoundTarget.objects.filter(round=round_).values_list("organization__name", "jurisdiction_path")) == [
        ("南安市人民政府", "350583"), ("晋江市人民政府", "350582"),
    ]
    assert Score.objects.filter(target__round=round_).count() == 2 * 6
    assert list(RoundEvent.objects.filter(round=round_).values_list("kind", flat=True)) == ["created", "computed"]
    scheme.refresh_from_db()
    assert scheme.is_frozen and round_.computed_at is not None
    wide = open_round(levels=["county", "township"], quarter=2)
    assert RoundTarget.objects.filter(round=wide).count() == 4


def test_a_department_round_assesses_the_committee_members(world, seeded_scheme, city_departments):
    round_ = services.round_create(actor=None, scheme=seeded_scheme("department", "quarterly"), jurisdiction=world.city, year=2025, quarter=3)
    assert sorted(RoundTarget.objects.filter(round=round_).values_list("organization__name", flat=True)) == [
        "泉州市住房和城乡建设局", "泉州市应急管理局",
    ]
    assert round_.target_levels == []


def test_bad_rounds_are_refused_and_nothing_is_saved(world, open_round, make_scheme, seeded_scheme, today):
    make_hazard(jurisdiction=world.a.township, deadline=D(2025, 3, 1), found_on=D(2025, 2, 1))
    before = AssessmentRound.objects.count()
    next_quarter = (today.year, (today.month - 1) // 3 + 2) if today.month <= 9 else (today.year + 1, 1)
    with pytest.raises(ValidationError, match="has not begun yet"):
        open_round(year=next_quarter[0], quarter=next_quarter[1])
    with pytest.raises(ValidationError, match="needs the quarter"):
        open_round(quarter=None)
    with pytest.raises(ValidationError, match="The quarter is 1, 2, 3 or 4"):
        open_round(quarter=5)
    with pytest.raises(ValidationError, match="leave the quarter empty"):
        open_round(using=seeded_scheme("government", "annual"), quarter=3)
    with pytest.raises(ValidationError, match="The records of 泉州市 begin in 2025: there is nothing to assess in 2024"):
        open_round(year=2024)
    with pytest.raises(ValidationError, match="Only levels below 泉州市"):
        open_round(levels=["city"])
    broken = make_scheme(name="坏细则", items=[("全部", 90, [{"code": "A", "name": "a", "kind": "manual", "max_points": 90}])])
    with pytest.raises(ValidationError, match="categories add up to 90.00 points"):
        open_round(using=broken)
    with pytest.raises(ValidationError, match="No member department of the 泉州市 safety committee"):
        open_round(using=seeded_scheme("department", "quarterly"))
    assert AssessmentRound.objects.count() == before
    open_round()
    with pytest.raises(ValidationError, match="already has a round of this scheme for this period"):
        open_round()


def test_who_may_open_a_round(world, open_round, city_office, office_a):
    with pytest.raises(ValidationError, match="outside your scope"):
        open_round(actor=office_a)
    with pytest.raises(PermissionDenied):
        open_round(actor=world.user(Role.LEADER), at=world.a.county)
    assert open_round(actor=city_office).created_by == city_office


# --- The workflow -----------------------------------------------------------------------------


def test_the_whole_workflow(world, open_round, city_office):
    round_ = open_round(actor=city_office)
    move = services.round_transition
    round_ = move(actor=city_office, round=round_, action="start_self_evaluation", expected_status="open")
    round_ = move(actor=city_office, round=round_, action="start_scoring")
    score_all(round_, actor=city_office)
    round_ = move(actor=city_office, round=round_, action="submit_review")
    with pytest.raises(ValidationError, match="Give the reason"):
        move(actor=city_office, round=round_, action="return")
    round_ = move(actor=city_office, round=round_, action="return", comment="核对人工评分")
    round_ = move(actor=city_office, round=round_, action="submit_review")
    round_ = move(actor=city_office, round=round_, action="finalize")
    assert round_.finalized_at is not None
    round_ = move(actor=city_office, round=round_, action="publish")
    assert round_.status == "published" and round_.published_at is not None
    with pytest.raises(ValidationError, match="Give the reason"):
        move(actor=city_office, round=round_, action="reopen", comment="  ")
    round_ = move(actor=city_office, round=round_, action="reopen", comment="事故等级认定变更")
    assert (round_.status, round_.reopen_count, round_.published_at, round_.finalized_at) == ("scoring", 1, None, None)
    events = list(RoundEvent.objects.filter(round=round_, kind="transition").values_list("action", "from_status", "to_status", "comment"))
    assert events[0] == ("start_self_evaluation", "open", "self_evaluation", "")
    assert events[-1] == ("reopen", "published", "scoring", "事故等级认定变更")
    assert len(events) == 8
    # Submitting for review recomputed the scores.
    assert RoundEvent.objects.filter(round=round_, kind="computed").count() == 3


@pytest.mark.parametrize("status", STATUSES)
def test_every_forbidden_move_is_refused(open_round, status):
    round_ = open_round()
    AssessmentRound.objects.filter(pk=round_.pk).update(status=status)
    for action, transition in TRANSITIONS.items():
        if status in transition.sources:
            continue
        with pytest.raises(ValidationError, match="is not possible while the round is"):
            services.round_transition(actor=None, round=round_, action=action, comment="理由")
    assert AssessmentRound.objects.get(pk=round_.pk).status == status
    with pytest.raises(ValidationError, match="Unknown action"):
        services.round_transition(actor=None, round=round_, action="skip")


def test_a_move_on_a_round_someone_else_moved_is_a_conflict(open_round):
    round_ = open_round()
    services.round_transition(actor=None, round=round_, action="start_scoring", expected_status="open")
    with pytest.raises(ConflictError, match="Someone else has moved this round"):
        services.round_transition(actor=None, round=round_, action="start_scoring", expected_status="open")


def test_only_the_assessing_office_runs_the_round(world, open_round, office_a, city_office):
    round_ = open_round(actor=city_office)
    with pytest.raises(PermissionDenied, match="Only the assessing level's safety office"):
        services.round_transition(actor=office_a, round=round_, action="start_scoring")
    with pytest.raises(PermissionDenied, match="does not allow"):
        services.round_transition(actor=world.user(Role.LEADER), round=round_, action="start_scoring")
    with pytest.raises(PermissionDenied, match="Only the assessing level's safety office"):
        services.round_compute(actor=office_a, round=round_)
    with pytest.raises(PermissionDenied, match="Only the assessing level's safety office"):
        services.score_enter(actor=office_a, score=score(round_, "晋江市人民政府"), points=50, evidence="自评")


def test_finalizing_with_manual_items_unscored_lists_them(open_round):
    round_ = open_round()
    services.round_transition(actor=None, round=round_, action="start_scoring")
    services.score_enter(actor=None, score=score(round_, "晋江市人民政府"), points=50, evidence="台账")
    services.round_transition(actor=None, round=round_, action="submit_review")
    with pytest.raises(ValidationError) as caught:
        services.round_transition(actor=None, round=round_, action="finalize")
    assert caught.value.messages == ["1 manual item(s) are not scored yet: 南安市人民政府 M1 人工评分"]
    assert AssessmentRound.objects.get(pk=round_.pk).status == "review"


# --- Manual scores ----------------------------------------------------------------------------


def test_manual_scores_within_the_maximum_with_evidence(open_round):
    round_ = open_round()
    item = score(round_, "晋江市人民政府")
    with pytest.raises(ValidationError, match="M1 is worth at most 60.00 points; 60.50 is above the maximum"):
        services.score_enter(actor=None, score=item, points="60.5", evidence="台账")
    with pytest.raises(ValidationError, match="Points cannot be negative"):
        services.score_enter(actor=None, score=item, points=-1, evidence="台账")
    with pytest.raises(ValidationError, match="at most two decimal places"):
        services.score_enter(actor=None, score=item, points="50.125", evidence="台账")
    with pytest.raises(ValidationError, match="Enter a number"):
        services.score_enter(actor=None, score=item, points="五十", evidence="台账")
    with pytest.raises(ValidationError, match="M1 needs evidence"):
        services.score_enter(actor=None, score=item, points=50)
    with pytest.raises(ValidationError, match="computed from the records"):
        services.score_enter(actor=None, score=score(round_, "晋江市人民政府", "C1"), points=10)
    assert Score.objects.get(pk=item.pk).points is None and Score.objects.get(pk=item.pk).lock_version == 0
    entered = services.score_enter(actor=None, score=item, points="55.5", evidence="查阅责任清单", expected_version=0)
    assert (entered.points, entered.lock_version, entered.evidence) == (Decimal("55.50"), 1, "查阅责任清单")
    services.score_enter(actor=None, score=score(round_, "晋江市人民政府", "B1"), points=3)  # bonus: no evidence needed
    result = target(round_, "晋江市人民政府")
    assert (result.score_total, result.bonus, result.total) == (Decimal("95.50"), Decimal("3.00"), Decimal("98.50"))
    assert RoundEvent.objects.filter(round=round_, kind="scored").count() == 2
    with pytest.raises(ValidationError, match="at most 5.00 points"):
        services.score_enter(actor=None, score=score(round_, "晋江市人民政府", "B1"), points=6)


def test_scores_are_entered_only_while_the_round_is_being_scored(open_round):
    round_ = open_round()
    score_all(round_)
    for action in ("start_scoring", "submit_review", "finalize"):
        services.round_transition(actor=None, round=round_, action=action)
    with pytest.raises(ValidationError, match="not while it is “Finalized”"):
        services.score_enter(actor=None, score=score(round_, "晋江市人民政府"), points=10, evidence="台账")
    AssessmentRound.objects.filter(pk=round_.pk).update(status="self_evaluation")
    with pytest.raises(ValidationError, match="not while it is “Self-evaluation”"):
        services.score_enter(actor=None, score=score(round_, "晋江市人民政府"), points=10, evidence="台账")


def test_a_second_scorer_with_a_stale_version_gets_a_conflict(open_round):
    round_ = open_round()
    item = score(round_, "晋江市人民政府")
    services.score_enter(actor=None, score=item, points=40, evidence="甲", expected_version=0)
    with pytest.raises(ConflictError, match="Someone else has scored this item meanwhile \\(40.00 points\\)"):
        services.score_enter(actor=None, score=item, points=50, evidence="乙", expected_version=0)
    assert (Score.objects.get(pk=item.pk).points, Score.objects.get(pk=item.pk).evidence) == (Decimal("40.00"), "甲")


USES_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://", "psql://"))


@pytest.mark.postgres
@pytest.mark.skipif(not USES_POSTGRES, reason="DATABASE_URL is not a PostgreSQL URL: SQLite serializes writers, no real race")
@pytest.mark.django_db(transaction=True)
def test_two_scorers_racing_on_postgres_lose_no_update():
    """Both saw version 0 and score the same item at once: one is saved, the other gets a
    conflict, never a silent overwrite."""
    from tests.assessments.conftest import build_scheme
    from tests.conftest import build_world

    world = build_world()
    round_ = services.round_create(actor=None, scheme=build_scheme(), jurisdiction=world.city, year=2025, quarter=3)
    item = score(round_, "晋江市人民政府")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name, points):
        try:
            barrier.wait()
            services.score_enter(actor=None, score=item, points=points, evidence=name, expected_version=0)
            outcomes[name] = "saved"
        except ConflictError:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=("甲", 40)), threading.Thread(target=run, args=("乙", 50))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    stored = Score.objects.get(pk=item.pk)
    assert (stored.evidence, stored.lock_version) == (winner, 1)
    assert RoundEvent.objects.filter(round=round_, kind="scored").count() == 1


# --- Deductions, vetoes, grades, ranks --------------------------------------------------------


def test_fifty_points_off_per_accident_killing_two(world, open_round):
    for day in (D(2025, 7, 5), D(2025, 9, 9)):
        make_accident(jurisdiction=world.a.township, occurred_on=day, deaths=2)
    make_accident(jurisdiction=world.a.township, occurred_on=D(2025, 8, 1), deaths=1)
    make_accident(jurisdiction=world.a.township, occurred_on=D(2025, 6, 30), deaths=2)  # the quarter before
    round_ = open_round()
    score_all(round_)
    deduction = score(round_, "晋江市人民政府", "D1")
    assert deduction.points == Decimal("100.00")
    assert deduction.inputs["count"] == 2 and deduction.inputs["points_each"] == "50.00"
    assert "2 × 50.00 = 100.00 points deducted." in deduction.explanation
    assert deduction.sources.count() == 2
    result = target(round_, "晋江市人民政府")
    assert (result.score_total, result.deductions, result.total, result.grade) == (
        Decimal("100.00"), Decimal("100.00"), Decimal("0.00"), "unqualified",
    )
    assert target(round_, "南安市人民政府").deductions == 0


def test_deductions_are_capped(world, make_scheme, open_round):
    capped = make_scheme(name="封顶", items=[("全部", 100, [
        {"code": "M1", "name": "人工", "kind": "manual", "max_points": 100},
        {"code": "D1", "name": "每人扣5分", "kind": "deduction", "metric": "accident_deaths", "points_each": 5, "cap": 12},
    ])])
    make_accident(jurisdiction=world.a.township, occurred_on=D(2025, 8, 5), deaths=4)
    round_ = open_round(using=capped)
    deduction = score(round_, "晋江市人民政府", "D1")
    assert deduction.points == Decimal("12.00") and "Deduction capped at 12.00 points." in deduction.explanation


def test_vetoes_with_per_jurisdiction_thresholds(world, open_round, county_c):
    larger = {"deaths": 3}
    make_accident(jurisdiction=world.a.township, occurred_on=D(2025, 4, 2), **larger)  # 晋江: 1 < its 2
    make_accident(jurisdiction=county_c.jurisdiction, occurred_on=D(2025, 2, 2), **larger)  # 丰泽: 1 ≥ 1
    for day in (D(2025, 1, 5), D(2025, 5, 5), D(2025, 6, 5)):  # 南安: 3 → unqualified
        make_accident(jurisdiction=world.b.village, occurred_on=day, **larger)
    make_accident(jurisdiction=county_c.jurisdiction, occurred_on=D(2025, 10, 2), **larger)  # after the period
    round_ = open_round()
    score_all(round_)
    jinjiang, fengze, nanan = target(round_, "晋江市人民政府"), target(round_, "丰泽区人民政府"), target(round_, "南安市人民政府")
    assert (jinjiang.grade, jinjiang.excellence_removed, jinjiang.unqualified_by_veto) == ("excellent", False, False)
    veto = score(round_, "晋江市人民政府", "V1")
    assert (veto.veto_triggered, veto.inputs["threshold"], veto.inputs["threshold_from"]) == (False, 2, "division_code")
    assert (fengze.grade, fengze.grade_before_veto, fengze.excellence_removed) == ("good", "excellent", True)
    assert score(round_, "丰泽区人民政府", "V1").inputs["threshold_from"] == "scheme"
    assert "the veto applies: No excellence this year" in score(round_, "丰泽区人民政府", "V1").explanation
    assert (nanan.grade, nanan.grade_before_veto, nanan.unqualified_by_veto) == ("unqualified", "excellent", True)
    assert score(round_, "南安市人民政府", "V2").veto_triggered
    assert nanan.total == Decimal("100.00")  # a veto changes the grade, not the points
    # A threshold set for the jurisdiction itself comes before the division-code default.
    IndicatorThreshold.objects.create(indicator=score(round_, "晋江市人民政府", "V1").indicator, jurisdiction=world.a.county, threshold=1)
    services.round_compute(actor=None, round=round_)
    assert target(round_, "晋江市人民政府").excellence_removed
    assert score(round_, "晋江市人民政府", "V1").inputs["threshold_from"] == "jurisdiction"


def test_ranks_are_shared_by_equal_totals_and_kept_per_level(world, open_round, county_c):
    round_ = open_round(levels=["county", "township"])
    for name, points in (("晋江市人民政府", 50), ("南安市人民政府", 50), ("丰泽区人民政府", 40), ("安海镇人民政府", 10), ("溪美街道人民政府", 20)):
        services.score_enter(actor=None, score=score(round_, name), points=points, evidence="台账")
    ranks = dict(RoundTarget.objects.filter(round=round_).values_list("organization__name", "rank"))
    assert ranks == {"晋江市人民政府": 1, "南安市人民政府": 1, "丰泽区人民政府": 3, "溪美街道人民政府": 1, "安海镇人民政府": 2}
    assert target(round_, "丰泽区人民政府").grade == "good"  # 40 + 40 computed = 80


def test_last_periods_results_are_shown_beside_this_ones(world, open_round, scheme):
    q2 = open_round(quarter=2)
    services.score_enter(actor=None, score=score(q2, "晋江市人民政府"), points=30, evidence="台账")
    services.score_enter(actor=None, score=score(q2, "南安市人民政府"), points=50, evidence="台账")
    for action in ("start_scoring", "submit_review", "finalize"):
        services.round_transition(actor=None, round=q2, action=action)
    # The next quarter uses a new version of the scheme: same family, still compared.
    version = scheme_new_version(actor=None, scheme=scheme)
    q3 = open_round(using=version)
    jinjiang = target(q3, "晋江市人民政府")
    assert (jinjiang.previous_total, jinjiang.previous_rank) == (Decimal("70.00"), 2)
    assert target(q3, "南安市人民政府").previous_total == Decimal("90.00")
    # A quarter that is not finalized is no comparison.
    q4 = open_round(using=version, quarter=4, year=2024)
    assert target(q4, "晋江市人民政府").previous_total is None


# --- Recomputing ------------------------------------------------------------------------------


def test_computing_twice_writes_nothing_new(world, open_round, monkeypatch):
    monkeypatch.setattr(services, "COPY_THRESHOLD", 0)  # PostgreSQL writes through COPY even here
    make_hazard(jurisdiction=world.a.township, deadline=D(2025, 8, 1))
    make_hazard(jurisdiction=world.a.township, deadline=D(2025, 8, 2), status="closed", rectified_on=D(2025, 7, 1))
    make_accident(jurisdiction=world.b.township, occurred_on=D(2025, 8, 1), deaths=2)
    round_ = open_round()
    score_all(round_)
    before = rows(round_)
    assert before[1], "the hazard and the accident are behind scores"
    assert services.round_compute(actor=None, round=round_) == {"targets": 2, "changed": 0, "frozen": False}
    assert rows(round_) == before
    # A new record changes exactly what it touches.
    make_hazard(jurisdiction=world.a.township, deadline=D(2025, 9, 1))
    assert services.round_compute(actor=None, round=round_)["changed"] == 1
    assert score(round_, "晋江市人民政府", "C1").inputs["denominator"] == 3


def test_a_finalized_round_is_frozen(world, open_round):
    round_ = open_round()
    score_all(round_)
    for action in ("start_scoring", "submit_review", "finalize"):
        services.round_transition(actor=None, round=round_, action=action)
    before, events = rows(round_), RoundEvent.objects.filter(round=round_).count()
    make_hazard(jurisdiction=world.a.township, deadline=D(2025, 8, 1))
    make_accident(jurisdiction=world.a.township, occurred_on=D(2025, 8, 1), deaths=5)
    assert services.round_compute(actor=None, round=round_) == {"targets": 2, "changed": 0, "frozen": True}
    assert rows(round_) == before and RoundEvent.objects.filter(round=round_).count() == events


def _add_townships(county, n: int, start: int) -> None:
    """``n`` townships with a government, a hazard and an accident each."""
    for number in range(start, start + n):
        town = jurisdiction(f"{county.code}{number:03d}", JurisdictionLevel.TOWNSHIP, county, f"测试镇{number}")
        OrganizationFactory(jurisdiction=town, name=f"测试镇{number}人民政府", kind=OrganizationKind.GOVERNMENT)
        make_hazard(jurisdiction=town, deadline=D(2025, 8, 1))
        make_accident(jurisdiction=town, occurred_on=D(2025, 8, 1), deaths=3)


def test_computing_costs_the_same_queries_for_3_or_30_targets(world, seeded_scheme):
    scheme = seeded_scheme("government", "quarterly")
    _add_townships(world.a.county, 2, 200)
    _add_townships(world.b.county, 29, 300)
    small = services.round_create(actor=None, scheme=scheme, jurisdiction=world.a.county, year=2025, quarter=3)
    large = services.round_create(actor=None, scheme=scheme, jurisdiction=world.b.county, year=2025, quarter=3)
    assert (RoundTarget.objects.filter(round=small).count(), RoundTarget.objects.filter(round=large).count()) == (3, 30)

    def queries(round_) -> int:
        with CaptureQueriesContext(connection) as context:
            assert services.round_compute(actor=None, round=round_)["changed"] == 0
        return len(context.captured_queries)

    assert queries(small) == queries(large)


# --- Self-evaluation --------------------------------------------------------------------------


def test_the_assessed_unit_submits_its_own_self_evaluation(world, open_round, city_office, office_a, office_b):
    round_ = open_round(actor=city_office, self_evaluation_until=D(2099, 1, 1))
    mine = target(round_, "晋江市人民政府")
    m1 = score(round_, "晋江市人民政府").indicator
    bonus = score(round_, "晋江市人民政府", "B1").indicator
    with pytest.raises(ValidationError, match="not open for self-evaluation"):
        services.self_evaluation_submit(actor=office_a, target=mine, scores={m1.pk: (Decimal("55"), "清单齐全")})
    services.round_transition(actor=city_office, round=round_, action="start_self_evaluation")
    with pytest.raises(PermissionDenied, match="outside your scope"):
        services.self_evaluation_submit(actor=office_b, target=mine, scores={m1.pk: (Decimal("55"), "越权")})
    with pytest.raises(PermissionDenied, match="Only the assessed unit"):
        services.self_evaluation_submit(actor=city_office, target=mine, scores={m1.pk: (Decimal("55"), "代填")})
    with pytest.raises(ValidationError) as caught:
        services.self_evaluation_submit(actor=office_a, target=mine, scores={
            m1.pk: (Decimal("61"), "超分"), score(round_, "晋江市人民政府", "C1").indicator_id: (Decimal("1"), "计算项"),
        })
    assert any("at most 60.00 points" in m for m in caught.value.messages)
    assert any("is not self-evaluated" in m for m in caught.value.messages)
    with pytest.raises(ValidationError, match="M1 needs evidence"):
        services.self_evaluation_submit(actor=office_a, target=mine, scores={m1.pk: (Decimal("55"), "")})
    services.self_evaluation_submit(actor=office_a, target=mine, scores={m1.pk: (Decimal("55"), "清单齐全"), bonus.pk: (Decimal("2"), "")},
                                    note="自评说明")
    stored = score(round_, "晋江市人民政府")
    assert (stored.self_points, stored.self_evidence, stored.points) == (Decimal("55.00"), "清单齐全", None)
    mine.refresh_from_db()
    assert (mine.self_evaluation_note, mine.self_evaluated_by) == ("自评说明", office_a)
    assert RoundEvent.objects.filter(round=round_, kind="self_evaluated", target=mine).exists()


def test_self_evaluation_closes_on_its_date(open_round, office_a):
    round_ = open_round(self_evaluation_until=D(2025, 10, 1))
    services.round_transition(actor=None, round=round_, action="start_self_evaluation")
    with pytest.raises(ValidationError, match="closed on 2025-10-01"):
        services.self_evaluation_submit(actor=office_a, target=target(round_, "晋江市人民政府"), scores={})


# --- Transmission -----------------------------------------------------------------------------


def test_results_are_sent_to_the_organization_department(world, open_round, city_office, city_departments):
    round_ = open_round(actor=city_office)
    organization = city_departments["organization"]
    with pytest.raises(ValidationError, match="Only finalized or published results"):
        services.round_transmit(actor=city_office, round=round_, organization=organization, sent_on=timezone.localdate())
    score_all(round_)
    for action in ("start_scoring", "submit_review", "finalize"):
        services.round_transition(actor=city_office, round=round_, action=action)
    with pytest.raises(ValidationError, match="Choose the organization department of 泉州市"):
        services.round_transmit(actor=city_office, round=round_, organization=city_departments["housing"], sent_on=timezone.localdate())
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.round_transmit(actor=city_office, round=round_, organization=organization,
                                sent_on=timezone.localdate() + datetime.timedelta(days=1))
    round_ = services.round_transmit(actor=city_office, round=round_, organization=organization, sent_on=timezone.localdate(),
                                     reference="泉安委办〔2025〕43号")
    assert (round_.transmitted_to, round_.transmission_reference) == (organization, "泉安委办〔2025〕43号")
    event = RoundEvent.objects.get(round=round_, kind="transmitted")
    assert event.data["organization_name"] == "中共泉州市委组织部"


@pytest.mark.postgres
@pytest.mark.skipif(not USES_POSTGRES, reason="DATABASE_URL is not a PostgreSQL URL: the metrics read in parallel on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_metrics_read_in_parallel_give_the_same_results(settings):
    """On PostgreSQL with committed records the metrics run in worker threads with their own
    connections; the rows are those of the computation in line."""
    from tests.assessments.conftest import build_scheme
    from tests.conftest import build_world

    world = build_world()
    make_hazard(jurisdiction=world.a.township, deadline=D(2025, 8, 1))
    make_hazard(jurisdiction=world.b.township, deadline=D(2025, 8, 1), status="closed", rectified_on=D(2025, 7, 1))
    make_accident(jurisdiction=world.a.township, occurred_on=D(2025, 8, 1), deaths=3)
    assert services._reads_in_parallel()
    parallel = services.round_create(actor=None, scheme=build_scheme(), jurisdiction=world.city, year=2025, quarter=3,
                                     target_levels=["county", "township"])
    settings.ASSESSMENT_PARALLEL_METRICS = False
    in_line = services.round_create(actor=None, scheme=build_scheme(name="另一细则"), jurisdiction=world.city, year=2025, quarter=3,
                                    target_levels=["county", "township"])

    def shape(round_):
        return sorted(
            Score.objects.filter(target__round=round_).values_list(
                "target__organization__name", "indicator__code", "points", "explanation", "veto_triggered", "inputs"
            )
        )

    assert shape(parallel) == shape(in_line)
    assert ScoreSource.objects.filter(score__target__round=parallel).count() == ScoreSource.objects.filter(
        score__target__round=in_line
    ).count() > 0
