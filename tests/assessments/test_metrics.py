"""The metrics of computed, deduction and veto indicators against hand-built records: each for
government targets (a county answers for its subtree, a township for its own) and for
department targets (what the department supervises), the records behind the results, and the
mapping of a rate to points."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.metrics import METRICS, MetricResult, metric_choices, rate_points
from assessments.models import AssessmentRound, RoundTarget
from assessments.services.rounds import round_create
from hazards.models import EnterpriseSelfReport, Hazard
from responsibility.roles import Role
from tests.assessments.conftest import make_accident, make_hazard
from tests.factories import (
    EnterpriseFactory,
    EnterpriseSupervisionFactory,
    MeetingFactory,
    PowerListVersionFactory,
    PublicationDeadlineFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
COUNTIES_AND_TOWNSHIPS = ["county", "township"]


def open_round(scheme, jurisdiction, levels=None, *, year=2025, quarter=3) -> AssessmentRound:
    return round_create(actor=None, scheme=scheme, jurisdiction=jurisdiction, year=year, quarter=quarter, target_levels=levels)


def compute(key: str, round_: AssessmentRound, params: dict | None = None) -> dict[str, MetricResult]:
    """The metric's results for the round's targets, by the target's organization name."""
    targets = list(RoundTarget.objects.filter(round=round_).select_related("organization__jurisdiction").order_by("pk"))
    results = METRICS[key].compute(targets, round_, params or {})
    return {t.organization.name: results[t.pk] for t in targets}


def aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def government_round(world, seeded_scheme):
    def make(levels=COUNTIES_AND_TOWNSHIPS, **kwargs):
        return open_round(seeded_scheme("government", "quarterly"), world.city, levels, **kwargs)

    return make


@pytest.fixture
def department_round(world, seeded_scheme, city_departments):
    def make(**kwargs):
        return open_round(seeded_scheme("department", "quarterly"), world.city, **kwargs)

    return make


# --- The registry and the mapping ------------------------------------------------------------


def test_every_metric_the_issue_names_is_registered():
    assert set(METRICS) >= {
        "inspection_quota", "hazards_on_time", "major_hazards_closed", "self_report_rate", "lists_published_on_time",
        "meetings_held", "patrol_findings_rectified", "quarterly_average", "accidents", "accident_deaths",
    }
    assert {key for key, _label in metric_choices("count")} == {"accidents", "accident_deaths"}
    assert "hazards_on_time" in dict(metric_choices("rate"))


@pytest.mark.parametrize(
    ("num", "den", "params", "expected"),
    [
        (19, 20, {"full_at": 0.95, "zero_at": 0.6}, "15.00"),  # at full_at: full points
        (20, 20, {"full_at": 0.95, "zero_at": 0.6}, "15.00"),  # above: clamped
        (12, 20, {"full_at": 0.95, "zero_at": 0.6}, "0.00"),  # at zero_at: nothing
        (5, 20, {"full_at": 0.95, "zero_at": 0.6}, "0.00"),  # below: clamped
        (16, 20, {"full_at": 0.95, "zero_at": 0.6}, "8.57"),  # 15 × 0.2 / 0.35 = 8.5714…
        (1, 2, {}, "7.50"),  # default: 0 → nothing, 1 → full
        (1, 3, {}, "5.00"),  # 15 / 3, exactly from the counts
        (1, 8, {}, "1.88"),  # 1.875 rounds half up
    ],
)
def test_rate_points_map_between_zero_at_and_full_at(num, den, params, expected):
    result = MetricResult(value=num / den, numerator=num, denominator=den)
    assert rate_points(result, Decimal("15"), params) == Decimal(expected)


def test_nothing_to_measure_gives_full_points():
    assert rate_points(MetricResult(value=1.0, numerator=0, denominator=0), Decimal("10"), {"zero_at": 0.5}) == Decimal("10.00")


# --- Hazards ----------------------------------------------------------------------------------


def test_hazards_on_time_counts_the_subtree_of_each_government(world, government_round):
    a = world.a
    on_time = make_hazard(jurisdiction=a.village, deadline=D(2025, 8, 10), status="closed", rectified_on=D(2025, 8, 5))
    open_late = make_hazard(jurisdiction=a.township, deadline=D(2025, 7, 20), status="rectifying")
    rectified_late = make_hazard(jurisdiction=a.township, deadline=D(2025, 9, 1), status="submitted", rectified_on=D(2025, 9, 12))
    at_county = make_hazard(jurisdiction=a.county, deadline=D(2025, 9, 20), status="verified", rectified_on=D(2025, 9, 20))
    make_hazard(jurisdiction=a.township, deadline=D(2025, 6, 30), status="rectifying")  # due before the quarter
    make_hazard(jurisdiction=a.township, deadline=D(2025, 10, 1), status="rectifying")  # due after it
    cancelled = make_hazard(jurisdiction=a.township, deadline=D(2025, 8, 1), status="rectifying")
    Hazard.objects.filter(pk=cancelled.pk).update(status="cancelled", cancel_reason="重复上报")

    results = compute("hazards_on_time", government_round())
    county, township, other = results["晋江市人民政府"], results["安海镇人民政府"], results["南安市人民政府"]
    assert (county.numerator, county.denominator) == (2, 4)
    assert (township.numerator, township.denominator) == (1, 3)
    assert "2 of 4 hazards due in the period were rectified by their deadline (50.0%)" in county.text
    # The records behind: the late ones, earliest deadline first, with why they count.
    assert [s.object_id for s in county.sources] == [open_late.pk, rectified_late.pk]
    assert "not rectified" in county.sources[0].note and "rectified 2025-09-12" in county.sources[1].note
    assert county.source_count == 2
    assert on_time.pk not in {s.object_id for s in township.sources} and at_county.pk not in {s.object_id for s in township.sources}
    assert f"jurisdiction={a.county.pk}" in county.list_url and "overdue=true" in county.list_url
    # Nothing due in county B: nothing to measure, full points.
    assert (other.denominator, other.measured) == (0, False)
    assert "nothing to measure" in other.text


def test_hazards_on_time_for_departments_counts_what_they_supervise(world, department_round, city_departments):
    housing = city_departments["housing"]
    make_hazard(jurisdiction=world.a.township, deadline=D(2025, 8, 1), status="closed", rectified_on=D(2025, 7, 30),
                supervising_department=housing)
    late = make_hazard(jurisdiction=world.b.township, deadline=D(2025, 8, 1), supervising_department=housing)
    make_hazard(jurisdiction=world.b.township, deadline=D(2025, 8, 1))  # nobody's
    results = compute("hazards_on_time", department_round())
    assert (results[housing.name].numerator, results[housing.name].denominator) == (1, 2)
    assert [s.object_id for s in results[housing.name].sources] == [late.pk]
    assert f"department={housing.pk}" in results[housing.name].list_url
    assert results["泉州市应急管理局"].denominator == 0


def test_major_hazards_closed_by_the_end_of_the_period(world, government_round):
    a = world.a
    closed = make_hazard(jurisdiction=a.township, deadline=D(2025, 8, 1), level="major", status="closed", closed_at=aware(D(2025, 9, 2)))
    still_open = make_hazard(jurisdiction=a.township, deadline=D(2025, 5, 1), level="major", status="rectifying")
    make_hazard(jurisdiction=a.township, deadline=D(2025, 3, 1), level="major", status="closed", closed_at=aware(D(2025, 4, 1)))  # done before
    make_hazard(jurisdiction=a.township, deadline=D(2025, 11, 1), level="major", status="rectifying")  # not due yet
    make_hazard(jurisdiction=a.township, deadline=D(2025, 8, 1), status="rectifying")  # general
    late_close = make_hazard(jurisdiction=a.township, deadline=D(2025, 9, 1), level="major", status="closed", closed_at=aware(D(2025, 10, 9)))
    results = compute("major_hazards_closed", government_round())
    township = results["安海镇人民政府"]
    assert (township.numerator, township.denominator) == (1, 3)
    assert {s.object_id for s in township.sources} == {still_open.pk, late_close.pk}
    assert closed.pk not in {s.object_id for s in township.sources}
    assert results["南安市人民政府"].denominator == 0


# --- Self-reports -----------------------------------------------------------------------------


def test_self_report_rate_counts_the_months_owed(world, government_round, enterprise_a, enterprise_b):
    for month in (D(2025, 7, 1), D(2025, 9, 1), D(2025, 4, 1)):
        EnterpriseSelfReport.objects.create(enterprise=enterprise_a, month=month, none_found=True)
    closed = EnterpriseFactory(jurisdiction=world.b.township, name="已关闭企业", status="closed")
    EnterpriseSupervisionFactory(enterprise=closed, organization=world.b.orgs["emergency"])
    results = compute("self_report_rate", government_round())
    a, b = results["晋江市人民政府"], results["南安市人民政府"]
    assert (a.numerator, a.denominator) == (2, 3)
    assert [(s.object_id, s.note) for s in a.sources] == [(enterprise_a.pk, "no report for 2025-08")]
    assert (b.numerator, b.denominator) == (0, 3)  # the closed enterprise owes nothing
    assert b.sources[0].note == "no report for 2025-07、2025-08、2025-09"
    assert "month=2025-09" in a.list_url
    assert a.details == {"months": ["2025-07", "2025-08", "2025-09"]}


def test_self_report_rate_of_a_department_counts_the_enterprises_it_primarily_supervises(world, department_round, city_departments):
    housing = city_departments["housing"]
    primary = EnterpriseFactory(jurisdiction=world.b.township, name="建筑企业")
    EnterpriseSupervisionFactory(enterprise=primary, organization=housing, is_primary=True)
    secondary = EnterpriseFactory(jurisdiction=world.b.township, name="兼管企业")
    EnterpriseSupervisionFactory(enterprise=secondary, organization=world.b.orgs["emergency"], is_primary=True)
    EnterpriseSupervisionFactory(enterprise=secondary, organization=housing, is_primary=False)
    for month in (D(2025, 7, 1), D(2025, 8, 1), D(2025, 9, 1)):
        EnterpriseSelfReport.objects.create(enterprise=primary, month=month, none_found=True)
    results = compute("self_report_rate", department_round())
    assert (results[housing.name].numerator, results[housing.name].denominator) == (3, 3)
    assert results["泉州市应急管理局"].denominator == 0


# --- Lists, meetings, inspection quotas -------------------------------------------------------


def test_lists_published_by_the_deadline(world, government_round):
    PublicationDeadlineFactory(jurisdiction=world.city, year=2025, deadline=D(2025, 8, 31))
    PowerListVersionFactory(organization=world.a.orgs["government"], status="published", published_at=aware(D(2025, 8, 1)))
    PowerListVersionFactory(organization=world.b.orgs["government"], status="published", published_at=aware(D(2025, 9, 15)))
    results = compute("lists_published_on_time", government_round())
    # County A's subtree keeps four lists (government, emergency bureau, staffing office,
    # township government); only the government's was published by the deadline.
    a, b = results["晋江市人民政府"], results["南安市人民政府"]
    assert (a.numerator, a.denominator) == (1, 4)
    assert (b.numerator, b.denominator) == (0, 4)
    notes = {s.label: s.note for s in b.sources}
    assert notes["南安市人民政府"] == "deadline 2025-08-31, first published 2025-09-15"
    assert notes["南安市应急管理局"] == "deadline 2025-08-31, not published"
    assert (results["安海镇人民政府"].numerator, results["安海镇人民政府"].denominator) == (0, 1)


def test_lists_of_departments_and_no_deadline(world, department_round, city_departments):
    round_ = department_round()
    assert compute("lists_published_on_time", round_)["泉州市住房和城乡建设局"].denominator == 0  # no deadline yet
    PublicationDeadlineFactory(jurisdiction=world.city, year=2025, deadline=D(2025, 8, 31))
    PowerListVersionFactory(organization=city_departments["housing"], status="published", published_at=aware(D(2025, 8, 30)))
    results = compute("lists_published_on_time", round_)
    assert (results["泉州市住房和城乡建设局"].numerator, results["泉州市住房和城乡建设局"].denominator) == (1, 1)
    assert (results["泉州市应急管理局"].numerator, results["泉州市应急管理局"].denominator) == (0, 1)


def test_meetings_held_against_the_obligations(world, government_round):
    MeetingFactory(organization=world.a.orgs["government"], kind="government_safety", held_on=D(2025, 8, 12))
    MeetingFactory(organization=world.b.orgs["government"], kind="government_safety", held_on=D(2025, 5, 12))  # last quarter
    results = compute("meetings_held", government_round())
    # Governments must hold a safety meeting every quarter: county A's did, its township's did not.
    a, township, b = results["晋江市人民政府"], results["安海镇人民政府"], results["南安市人民政府"]
    assert (a.numerator, a.denominator) == (1, 2)
    assert (township.numerator, township.denominator) == (0, 1)
    assert (b.numerator, b.denominator) == (0, 2)
    assert [s.label for s in a.sources] == ["安海镇人民政府"]
    assert "政府每季度至少召开1次安全生产工作会议: 0 of 1" in a.sources[0].note
    assert "period=2025-Q3" in a.list_url


def _inspect(world, day: datetime.date, participants=()):
    from inspections.services import records
    from inspections.services.records import TargetInput

    head = world.user(Role.DEPARTMENT)
    inspection = records.inspection_save_draft(
        actor=head, client_uuid=uuid.uuid4(), jurisdiction=world.a.county, started_at=aware(day),
        targets=[TargetInput(enterprise=EnterpriseFactory(jurisdiction=world.a.township))],
        participants=[(official, "member") for official in participants],
    )
    records.inspection_submit(actor=head, inspection=inspection)


def test_inspection_quota_counts_officials_who_met_their_quotas(world, government_round):
    # The emergency bureau's head (quarterly quota) led one inspection in August, the bureau's
    # deputy (monthly quota) joined it; the leader in charge (yearly) and the staffing office's
    # leadership member (monthly) did nothing; county B's deputy neither.
    _inspect(world, D(2025, 8, 15), participants=[world.a.official])
    results = compute("inspection_quota", government_round())
    a, b = results["晋江市人民政府"], results["南安市人民政府"]
    assert (a.numerator, a.denominator) == (1, 4)
    missed = {s.object_id: s.note for s in a.sources}
    assert world.a.official.pk in missed and "部门其他领导每月至少开展1次安全检查: 1 of 3" in missed[world.a.official.pk]
    assert world.user(Role.DEPARTMENT).official.pk not in missed
    assert world.user(Role.LEADER).official.pk in missed
    assert (b.numerator, b.denominator) == (0, 1)


def test_inspection_quota_agrees_with_the_responsibility_evaluation(world, government_round):
    """The lean evaluation the metrics use gives the responsibility app's rows."""
    from assessments.metrics import _compliance, _period_range, _SystemReader
    from responsibility.selectors.compliance import evaluate_compliance

    _inspect(world, D(2025, 7, 3), participants=[world.a.official])
    _inspect(world, D(2025, 9, 3))
    MeetingFactory(organization=world.a.orgs["township"], kind="government_safety", held_on=D(2025, 9, 12))
    round_ = government_round()
    ours = _compliance(round_)
    theirs = evaluate_compliance(user=_SystemReader(), period=_period_range(round_), jurisdiction=world.city)

    def rows(results):
        return sorted(
            (r.obligation.pk, row.subject.pk, row.status, row.done, row.required, row.jurisdiction.path, row.organization.pk, row.posts)
            for r in results for row in r.rows
        )

    assert rows(ours) == rows(theirs) and rows(ours)


def test_inspection_quota_of_departments_counts_their_own_officials(world, department_round, city_departments):
    from tests.factories import PostFactory

    deputy = PostFactory(organization=city_departments["emergency"], role="department_leader", official__registered_in=world.city)
    results = compute("inspection_quota", department_round())
    assert (results["泉州市应急管理局"].numerator, results["泉州市应急管理局"].denominator) == (0, 1)
    assert [s.object_id for s in results["泉州市应急管理局"].sources] == [deputy.official_id]
    assert results["泉州市住房和城乡建设局"].denominator == 0


# --- Patrols ----------------------------------------------------------------------------------


@pytest.fixture
def patrols(world, city_departments):
    from patrols.choices import TargetKind
    from patrols.services import patrols as services
    from patrols.services import plans

    term = plans.term_create(actor=None, issuing_jurisdiction=world.city, name="2024—2026年届", start_date=D(2024, 1, 1),
                             end_date=D(2026, 12, 31))
    batch = plans.batch_create(actor=None, term=term, number=1, start_month=D(2025, 3, 1))
    county = plans.target_create(actor=None, term=term, kind=TargetKind.PARTY_GOVERNMENT, jurisdiction=world.a.county)
    department = plans.target_create(actor=None, term=term, kind=TargetKind.DEPARTMENT, jurisdiction=world.city,
                                     organizations=[city_departments["emergency"]])
    return {
        "county": services.patrol_create(actor=None, term=term, target=county, batch=batch),
        "department": services.patrol_create(actor=None, term=term, target=department, batch=batch),
    }


def finding(patrol, number, found_on, rectified_on=None):
    from patrols.models import PatrolFinding

    return PatrolFinding.objects.create(
        patrol=patrol, number=number, category="problem", title=f"问题{number}", description="—", found_on=found_on,
        status="rectified" if rectified_on else "open", rectified_on=rectified_on,
    )


def test_patrol_findings_rectified_of_the_patrols_of_each_target(world, government_round, department_round, patrols):
    still_open = finding(patrols["county"], 1, D(2025, 5, 1))
    finding(patrols["county"], 2, D(2025, 7, 10), D(2025, 8, 1))
    finding(patrols["county"], 3, D(2025, 3, 1), D(2025, 4, 1))  # handled the quarter before
    late = finding(patrols["county"], 4, D(2025, 6, 1), D(2025, 10, 20))  # rectified after the quarter
    finding(patrols["department"], 1, D(2025, 8, 1))
    results = compute("patrol_findings_rectified", government_round())
    a = results["晋江市人民政府"]
    assert (a.numerator, a.denominator) == (1, 3)
    assert [s.object_id for s in a.sources] == [still_open.pk, late.pk]
    assert results["安海镇人民政府"].denominator == 0  # the county's patrol is not the township's
    departments = compute("patrol_findings_rectified", department_round())
    assert (departments["泉州市应急管理局"].numerator, departments["泉州市应急管理局"].denominator) == (0, 1)


# --- Accidents --------------------------------------------------------------------------------


@pytest.fixture
def accidents(world, city_departments):
    housing = city_departments["housing"]
    return {
        "two_dead": make_accident(jurisdiction=world.a.township, occurred_on=D(2025, 8, 10), deaths=2, supervising_department=housing),
        "larger": make_accident(jurisdiction=world.a.county, occurred_on=D(2025, 3, 1), deaths=3),
        "fire": make_accident(jurisdiction=world.b.village, occurred_on=D(2025, 9, 1), accident_type="fire"),
        "later": make_accident(jurisdiction=world.a.township, occurred_on=D(2025, 10, 5), deaths=5),
    }


def test_accident_counts_by_window_level_deaths_and_type(world, government_round, accidents):
    round_ = government_round()
    fatal = compute("accidents", round_, {"min_deaths": 2, "window": "period"})
    assert (fatal["晋江市人民政府"].value, fatal["安海镇人民政府"].value, fatal["南安市人民政府"].value) == (1, 1, 0)
    assert [s.object_id for s in fatal["晋江市人民政府"].sources] == [accidents["two_dead"].pk]
    larger = compute("accidents", round_, {"levels": ["larger", "major", "extraordinary"], "window": "year"})
    assert (larger["晋江市人民政府"].value, larger["安海镇人民政府"].value) == (1, 0)
    assert larger["晋江市人民政府"].text == "1 accident(s) counted from 2025-01-01 to 2025-09-30."
    fires = compute("accidents", round_, {"types": ["fire"]})
    assert (fires["南安市人民政府"].value, fires["溪美街道人民政府"].value, fires["晋江市人民政府"].value) == (1, 1, 0)
    deaths = compute("accident_deaths", round_, {"window": "year"})
    assert (deaths["晋江市人民政府"].value, deaths["南安市人民政府"].value) == (5, 0)
    assert {s.object_id for s in deaths["晋江市人民政府"].sources} == {accidents["two_dead"].pk, accidents["larger"].pk}


def test_accidents_of_a_department_are_those_it_supervises(world, department_round, accidents, city_departments):
    results = compute("accidents", department_round(), {"window": "year"})
    assert results[city_departments["housing"].name].value == 1
    assert results["泉州市应急管理局"].value == 0


# --- Quarterly results rolled up --------------------------------------------------------------


def test_quarterly_average_of_the_finalized_quarters(world, seeded_scheme, government_round):
    q1, q2 = government_round(levels=["county"], quarter=1), government_round(levels=["county"], quarter=2)
    government_round(levels=["county"], quarter=3)  # still open: not counted
    for round_, totals in ((q1, {"晋江市人民政府": "90.00", "南安市人民政府": "70.00"}), (q2, {"晋江市人民政府": "80.00"})):
        for name, total in totals.items():
            RoundTarget.objects.filter(round=round_, organization__name=name).update(total=Decimal(total))
    AssessmentRound.objects.filter(pk__in=[q1.pk, q2.pk]).update(status="finalized")
    RoundTarget.objects.filter(round=q2, organization__name="南安市人民政府").update(total=None)
    annual = round_create(actor=None, scheme=seeded_scheme("government", "annual"), jurisdiction=world.city, year=2025,
                          target_levels=["county"])
    results = compute("quarterly_average", annual)
    a, b = results["晋江市人民政府"], results["南安市人民政府"]
    assert a.value == pytest.approx(0.85) and b.value == pytest.approx(0.70)
    assert a.text == "Average of 2 finalized quarterly results (Q1 90.00；Q2 80.00): 85.0% of the quarterly total."
    assert [s.label for s in a.sources] == ["2025 Q1", "2025 Q2"]
    assert rate_points(a, Decimal("40"), {}) == Decimal("34.00")
