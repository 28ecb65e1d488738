"""Compliance: obligations evaluated for a scope and a period, with pluggable activity
counters, shortfalls first, constant query count, export and API."""

from __future__ import annotations

import datetime
import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibility.choices import (
    JurisdictionLevel,
    MeetingKind,
    ObligationActivity,
    OrganizationKind,
    Period,
    PostRole,
)
from responsibility.models import Obligation
from responsibility.roles import Role
from responsibility.selectors import compliance
from responsibility.selectors.compliance import (
    PeriodRange,
    Status,
    evaluate_compliance,
    parse_period,
    windows_for,
)
from tests.factories import MeetingFactory, OrganizationFactory, jurisdiction
from tests.responsibility import meetings_fixtures
from tests.responsibility.meetings_fixtures import leader, party_committee

frozen_today = meetings_fixtures.frozen_today  # the shared fixture: today is 2026-07-15


@pytest.fixture(autouse=True)
def _without_the_inspection_counter(monkeypatch):
    """These tests are about the compliance framework with meetings only; the inspections app
    registers the inspection counter and tests it (tests/inspections)."""
    monkeypatch.delitem(compliance._counters, ObligationActivity.INSPECTION.value, raising=False)

pytestmark = pytest.mark.django_db
D = datetime.date
GOVERNMENT_RULE = "政府每季度至少召开1次安全生产工作会议"
STANDING_RULE = "党委常委会每年至少2次听取安全生产工作汇报"


def _result(results, name):
    return next(r for r in results if r.obligation.name == name)


def _row(result, subject):
    return next(row for row in result.rows if row.subject == subject)


# --- Periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("2026-H2", D(2026, 7, 1), D(2026, 12, 31)),
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ],
)
def test_periods_are_parsed(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end, period.key) == (start, end, text)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "26", "2026-H3", "1999", "next year"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_the_default_period_is_the_current_quarter():
    assert parse_period("", today=D(2026, 11, 23)).key == "2026-Q4"


def test_a_rule_is_judged_over_its_own_periods():
    year = PeriodRange(Period.YEAR, 2026)
    q3 = PeriodRange(Period.QUARTER, 2026, 3)
    assert [w.key for w in windows_for(Period.QUARTER, year)] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [w.key for w in windows_for(Period.YEAR, q3)] == ["2026"]
    assert [w.key for w in windows_for(Period.MONTH, q3)] == ["2026-07", "2026-08", "2026-09"]


# --- Evaluation -------------------------------------------------------------------------------


def test_organizations_are_counted_and_shortfalls_come_first(world, frozen_today):
    government, township = world.a.orgs["government"], world.a.orgs["township"]
    MeetingFactory(organization=government, held_on=D(2026, 5, 20))
    MeetingFactory(organization=government, held_on=D(2026, 6, 1))
    MeetingFactory(organization=township, held_on=D(2026, 3, 1))  # Q1: does not count for Q2
    MeetingFactory(organization=township, kind=MeetingKind.OTHER, held_on=D(2026, 5, 1))  # another kind
    results = evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2026-Q2"))
    result = _result(results, GOVERNMENT_RULE)
    assert [row.subject for row in result.rows] == [township, government]
    assert (_row(result, township).done, _row(result, township).required, _row(result, township).status) == (0, 1, Status.SHORT)
    assert (_row(result, government).held, _row(result, government).status) == (2, Status.MET)
    assert world.b.orgs["government"] not in [row.subject for row in result.rows]


def test_a_running_period_is_in_progress_not_short(world, frozen_today):
    result = _result(evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2026-Q3")), GOVERNMENT_RULE)
    assert {row.status for row in result.rows} == {Status.IN_PROGRESS}


def test_a_quarterly_rule_over_a_year_needs_every_quarter(world, frozen_today):
    government = world.a.orgs["government"]
    MeetingFactory(organization=government, held_on=D(2026, 1, 10))
    MeetingFactory(organization=government, held_on=D(2026, 2, 10))  # two in Q1 do not make up for Q2
    result = _result(evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2026")), GOVERNMENT_RULE)
    row = _row(result, government)
    assert [w.status for w in row.windows] == [Status.MET, Status.SHORT, Status.IN_PROGRESS, Status.NOT_DUE]
    assert (row.held, row.done, row.required, row.status) == (2, 1, 4, Status.SHORT)


def test_a_yearly_rule_viewed_by_quarter_is_judged_over_the_year(world, frozen_today):
    party = party_committee(world.a)
    MeetingFactory(organization=party, kind=MeetingKind.STANDING_COMMITTEE, held_on=D(2026, 3, 3))
    result = _result(evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2026-Q1")), STANDING_RULE)
    assert result.windows_label == PeriodRange(Period.YEAR, 2026).label
    assert (_row(result, party).done, _row(result, party).required, _row(result, party).status) == (1, 2, Status.IN_PROGRESS)
    last_year = _result(evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2025")), STANDING_RULE)
    assert _row(last_year, party).status == Status.SHORT


def test_officials_count_meetings_they_chaired_or_attended_once_each(world, frozen_today):
    rule = Obligation.objects.create(
        name="分管领导每季度至少参加2次政府安全生产会议", subject="role", roles=[PostRole.SAFETY_DEPUTY], levels=["county"],
        activity="meeting", meeting_kind="government_safety", minimum=2, period="quarter",
    )
    deputy = world.user(Role.LEADER).official  # the world's leader is county A's safety deputy
    government = world.a.orgs["government"]
    MeetingFactory(organization=government, held_on=D(2026, 4, 2), chair=deputy)
    both = MeetingFactory(organization=government, held_on=D(2026, 5, 2), chair=deputy, attendees=[deputy])  # counted once
    MeetingFactory(organization=government, held_on=D(2026, 6, 2), attendees=[deputy])
    MeetingFactory(organization=government, held_on=D(2026, 6, 3), kind=MeetingKind.OTHER, attendees=[deputy])
    assert both.attendees.filter(pk=deputy.pk).exists()
    result = _result(evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2026-Q2")), rule.name)
    row = _row(result, deputy)
    assert (row.held, row.status) == (3, Status.MET)
    assert row.organization == government


def test_department_posts_only_leaves_out_posts_elsewhere(world, frozen_today):
    rule = Obligation.objects.create(
        name="部门负责人每季度至少参加1次", subject="role", roles=[PostRole.DEPARTMENT_HEAD], levels=["county"],
        department_posts_only=True, activity="meeting", meeting_kind="government_safety", minimum=1, period="quarter",
    )
    in_department = leader(world.a.orgs["emergency"], role=PostRole.DEPARTMENT_HEAD)
    in_committee = leader(world.a.orgs["committee"], role=PostRole.DEPARTMENT_HEAD)
    result = _result(evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2026-Q2")), rule.name)
    subjects = {row.subject for row in result.rows}
    assert in_department in subjects and in_committee not in subjects


def test_inspections_are_not_available_rather_than_zero(world, frozen_today):
    results = evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2026-Q2"))
    inspections = [r for r in results if r.obligation.activity == ObligationActivity.INSPECTION]
    assert inspections and all(not r.available and r.rows == [] for r in inspections)
    # evaluated obligations come first
    assert results[0].available


def test_a_registered_counter_makes_an_activity_available(world, frozen_today, monkeypatch):
    monkeypatch.setitem(compliance._counters, ObligationActivity.INSPECTION.value, lambda subjects, start, end: dict.fromkeys(subjects.ids.values_list("official_id", flat=True), 5))
    results = evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2026-Q2"))
    county_rule = _result(results, "市、县两级党政领导每年至少开展1次安全检查")
    assert county_rule.available
    deputy = world.user(Role.LEADER).official
    assert _row(county_rule, deputy).held == 5


def test_a_local_version_replaces_the_general_rule_in_its_subtree(world, frozen_today):
    general = Obligation.objects.get(name=GOVERNMENT_RULE)
    local = Obligation.objects.create(
        name="晋江：每季度至少2次", jurisdiction=world.a.county, replaces=general, subject="organization_kind",
        organization_kinds=["government"], levels=["county", "township"], activity="meeting",
        meeting_kind="government_safety", minimum=2, period="quarter",
    )
    MeetingFactory(organization=world.a.orgs["government"], held_on=D(2026, 5, 5))
    MeetingFactory(organization=world.b.orgs["government"], held_on=D(2026, 5, 5))
    city_office = _city_office(world)
    results = evaluate_compliance(user=city_office, period=parse_period("2026-Q2"))
    general_subjects = {row.subject for row in _result(results, GOVERNMENT_RULE).rows}
    local_rows = {row.subject: row for row in _result(results, local.name).rows}
    assert world.a.orgs["government"] not in general_subjects
    assert world.b.orgs["government"] in general_subjects
    assert local_rows[world.a.orgs["government"]].status == Status.SHORT  # 1 of 2


def test_the_evaluation_can_be_narrowed_to_a_jurisdiction(world, frozen_today):
    results = evaluate_compliance(user=world.user(Role.SAFETY_OFFICE), period=parse_period("2026-Q2"), jurisdiction=world.a.township)
    assert [row.subject for row in _result(results, GOVERNMENT_RULE).rows] == [world.a.orgs["township"]]


def test_roles_without_the_permission_get_nothing(world, frozen_today):
    assert evaluate_compliance(user=world.users[str(Role.ENTERPRISE)], period=parse_period("2026-Q2")) == []


def _city_office(world):
    from tests.factories import official_user

    office = OrganizationFactory(jurisdiction=world.city, name="泉州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE)
    return official_user(role=Role.SAFETY_OFFICE, organization=office, post_role=PostRole.OFFICE_STAFF, username="city_office")


# --- Page, export and API ---------------------------------------------------------------------


def test_page_shows_tabs_shortfalls_and_the_inspection_notice(client, world, frozen_today):
    MeetingFactory(organization=world.a.orgs["government"], held_on=D(2026, 5, 20))
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:compliance"), {"period": "2026-Q2"})
    assert response.status_code == 200
    selected = response.context["selected"]
    assert selected.obligation.name == GOVERNMENT_RULE and selected.short_count == 1
    inspection = Obligation.objects.filter(activity="inspection", jurisdiction=None).first()
    tab = client.get(reverse("responsibility:compliance"), {"period": "2026-Q2", "obligation": inspection.pk})
    assert "records are not available yet" in tab.content.decode()


def test_page_with_a_bad_period_or_foreign_jurisdiction_says_so_and_shows_the_default(client, world, frozen_today):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:compliance"), {"period": "2026-Q9", "jurisdiction": world.b.county.pk})
    assert response.status_code == 200
    assert len(response.context["errors"]) == 2
    assert response.context["period"].key == "2026-Q3"
    assert response.context["jurisdiction"] is None


def test_page_needs_the_permission(client, world):
    client.force_login(world.users[str(Role.INSPECTOR)])
    assert client.get(reverse("responsibility:compliance")).status_code == 403


def test_export_has_one_row_per_subject_and_obligation(client, world, frozen_today):
    from openpyxl import load_workbook

    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:compliance"), {"period": "2026-Q2", "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[2]) for r in rows} == {(GOVERNMENT_RULE, "晋江市人民政府"), (GOVERNMENT_RULE, "安海镇人民政府")}


def test_api_answers_for_a_period_and_a_jurisdiction_code(api_client, world, frozen_today):
    MeetingFactory(organization=world.a.orgs["township"], held_on=D(2026, 8, 1) - datetime.timedelta(days=30))
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    body = api_client.get("/api/v1/compliance/", {"period": "2026-Q2", "jurisdiction": "350582100"}).json()
    assert body["period"]["key"] == "2026-Q2" and body["jurisdiction"] == "350582100"
    government = next(r for r in body["results"] if r["obligation"]["name"] == GOVERNMENT_RULE)
    assert [(row["name"], row["status"]) for row in government["rows"]] == [("安海镇人民政府", "short")]
    inspection = next(r for r in body["results"] if r["obligation"]["activity"] == "inspection")
    assert inspection["available"] is False and inspection["rows"] == []


def test_api_rejects_a_bad_period_and_a_foreign_code_with_the_common_error_body(api_client, world):
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    response = api_client.get("/api/v1/compliance/", {"period": "Q3", "jurisdiction": "350583"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["errors"]) == {"period", "jurisdiction"}


# --- Query counts -----------------------------------------------------------------------------

_numbers = itertools.count(300)


def _add_townships(world, n: int) -> None:
    """``n`` more townships in county A, each with a government that held a meeting."""
    for _ in range(n):
        number = next(_numbers)
        town = jurisdiction(f"350582{number:03d}", JurisdictionLevel.TOWNSHIP, world.a.county, f"测试镇{number}")
        government = OrganizationFactory(jurisdiction=town, name=f"测试镇{number}人民政府", kind=OrganizationKind.GOVERNMENT)
        MeetingFactory(organization=government, held_on=D(2026, 1, 5 + number % 20))
        leader(government, role=PostRole.SAFETY_DEPUTY)


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


# Session, user, permissions, scope and grants (6 with the header's scope label); the rules
# (1); per evaluated rule its subjects (1) and one count per window: for a year, the yearly
# standing-committee rule 1 + 1, the quarterly government rule 1 + 4; the jurisdiction choices (1).
@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        ("/responsibility/compliance/", {"period": "2026"}, 16),
        ("/api/v1/compliance/", {"period": "2026"}, 14),
    ],
)
def test_query_count_does_not_grow_with_rows(client, world, frozen_today, url, params, expected, django_assert_num_queries):
    party_committee(world.a)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    _add_townships(world, 3)
    client.get(url, params)  # warm the per-process caches (content types), as in a running server
    small = _count(client, url, params)
    _add_townships(world, 27)
    with django_assert_num_queries(expected):
        response = client.get(url, params)
    assert response.status_code == 200
    assert small == expected
