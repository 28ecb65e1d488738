"""Inspection quotas for the office: the shortfall report against a small hand-built case, the
page and its export, access, and query counts that do not grow with officials or inspections
(the page's and the benchmark operation's)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.operations import BenchContext, Unavailable
from inspections import bench
from inspections.choices import InspectionStatus
from inspections.models import Inspection, InspectionParticipant
from inspections.selectors.shortfalls import shortfall_report
from inspections.services import records
from inspections.services.records import TargetInput
from responsibility.choices import OrganizationKind, Period, PostRole
from responsibility.roles import Role
from responsibility.selectors.compliance import PeriodRange, Status
from tests.factories import (
    EnterpriseFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    official_user,
)

YEARLY = "市、县两级党政领导每年至少开展1次安全检查"
QUARTERLY = "县级部门（党组）主要负责人每季度至少开展1次安全检查"
MONTHLY = "部门其他领导每月至少开展1次安全检查"


def last_q4() -> PeriodRange:
    return PeriodRange(Period.QUARTER, timezone.localdate().year - 1, 4)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def case(world):
    """County A, Q4 of last year. Bound by inspection obligations: the leader in charge of work
    safety (yearly), the emergency bureau's head (quarterly) and two department leadership
    members (monthly: the bureau's deputy and the staffing office's). The bureau's head led
    one inspection in November, the deputy joined it; nobody else inspected."""
    head = world.user(Role.DEPARTMENT)
    november = datetime.date(last_q4().year, 11, 15)
    inspection = records.inspection_save_draft(
        actor=head, client_uuid=uuid.uuid4(), jurisdiction=world.a.county, started_at=at(november),
        targets=[TargetInput(enterprise=EnterpriseFactory(jurisdiction=world.a.township))],
        participants=[(world.a.official, "member")],
    )
    records.inspection_submit(actor=head, inspection=inspection)
    return world


def by_name(report):
    return {summary.obligation.name: summary.counts for summary in report.by_role}


def test_shortfalls_of_a_hand_built_case(case):
    world = case
    report = shortfall_report(user=world.user(Role.SAFETY_OFFICE), period=last_q4())
    counts = by_name(report)
    assert (counts[QUARTERLY].met, counts[QUARTERLY].short) == (1, 0)
    assert (counts[YEARLY].met, counts[YEARLY].short) == (0, 1)
    assert (counts[MONTHLY].met, counts[MONTHLY].short) == (0, 2)
    assert (report.officials.total, report.officials.short, report.officials.met) == (4, 3, 1)
    [county] = report.by_jurisdiction
    assert county.name == "晋江市" and (county.officials.short, county.officials.met) == (3, 1)

    short = {(line.row.subject.pk, line.obligation.name) for line in report.lines_with(Status.SHORT)}
    assert short == {
        (world.user(Role.LEADER).official.pk, YEARLY),
        (world.a.official.pk, MONTHLY),
        (world.user(Role.STAFFING_REVIEWER).official.pk, MONTHLY),
    }
    deputy = next(line.row for line in report.lines if line.row.subject == world.a.official)
    assert [w.count for w in deputy.windows] == [0, 1, 0]  # October, November, December
    [met] = report.lines_with(Status.MET)
    assert met.row.subject == world.user(Role.DEPARTMENT).official and met.row.held == 1


def test_a_county_office_sees_only_its_county(case):
    world = case
    other = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    report = shortfall_report(user=other, period=last_q4())
    # County B: only its bureau deputy (monthly), who did nothing.
    assert (report.officials.total, report.officials.short) == (1, 1)
    assert {line.row.subject for line in report.lines} == {world.b.official}


def test_a_city_office_sees_the_counties_summarised(case):
    world = case
    city_office = OrganizationFactory(jurisdiction=world.city, name="泉州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE)
    user = official_user(role=Role.SAFETY_OFFICE, organization=city_office, username="city_office")
    report = shortfall_report(user=user, period=last_q4())
    groups = {g.name: (g.officials.short, g.officials.met) for g in report.by_jurisdiction}
    assert groups == {"晋江市": (3, 1), "南安市": (1, 0)}


def test_the_page_shows_the_shortfalls_and_exports_them(case, client):
    world = case
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("inspections:quota_shortfalls")
    response = client.get(url, {"period": last_q4().key})
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert {line.row.subject.name for line in page} == {
        world.user(Role.LEADER).official.name, world.a.official.name, world.user(Role.STAFFING_REVIEWER).official.name,
    }
    assert world.user(Role.DEPARTMENT).official.name not in response.content.decode().split('id="officials-title"')[1]

    met = client.get(url, {"period": last_q4().key, "status": "met"})
    assert [line.row.subject for line in met.context["page_obj"]] == [world.user(Role.DEPARTMENT).official]

    export = client.get(url, {"period": last_q4().key, "status": "short", "export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3
    assert {r[0] for r in rows[1:]} == {line.row.subject.name for line in page}


def test_bad_period_and_foreign_jurisdiction_fall_back_with_a_message(case, client):
    world = case
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(
        reverse("inspections:quota_shortfalls"), {"period": "2026-H1", "jurisdiction": world.b.county.pk}
    )
    assert response.status_code == 200
    assert len(response.context["errors"]) == 2
    assert response.context["jurisdiction"] is None


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ENTERPRISE])
def test_roles_without_obligations_access_are_refused(world, client, role):
    client.force_login(world.user(role))
    assert client.get(reverse("inspections:quota_shortfalls")).status_code == 403


def add_officials(world, n: int, *, inspections_each: int = 2) -> None:
    """``n`` more department heads in county A, each with their own bureau and submitted
    inspections in Q4 of last year (written directly: this is about counting, not logging)."""
    day = datetime.date(last_q4().year, 10, 20)
    for i in range(n):
        organization = OrganizationFactory(jurisdiction=world.a.county, kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
        official = OfficialFactory(registered_in=world.a.county)
        PostFactory(official=official, organization=organization, role=PostRole.DEPARTMENT_HEAD)
        deputy = OfficialFactory(registered_in=world.a.county)
        PostFactory(official=deputy, organization=organization, role=PostRole.DEPARTMENT_LEADER)
        for k in range(inspections_each):
            inspection = Inspection.objects.create(
                jurisdiction=world.a.county, lead_official=official, started_at=at(day + datetime.timedelta(days=k + i)),
                status=InspectionStatus.SUBMITTED, submitted_at=at(day + datetime.timedelta(days=k + i), 18),
            )
            InspectionParticipant.objects.create(inspection=inspection, official=deputy)


def test_page_query_count_does_not_grow_with_officials(case, client, django_assert_num_queries):
    world = case
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("inspections:quota_shortfalls")
    params = {"period": last_q4().key, "status": "all"}
    client.get(url, params)
    with CaptureQueriesContext(connection) as small:
        first = client.get(url, params)
    add_officials(world, 12)
    with django_assert_num_queries(len(small)):
        second = client.get(url, params)
    assert second.context["report"].officials.total == first.context["report"].officials.total + 24


# --- The benchmark operation ---------------------------------------------------------------------


@pytest.fixture
def bench_office(world):
    return official_user(role=Role.SAFETY_OFFICE, organization=world.a.orgs["office"], username=bench.TOP_OFFICE)


def test_bench_operation_needs_inspections(world, bench_office):
    with pytest.raises(Unavailable):
        bench.quota_evaluation(BenchContext(), bench.TOP_OFFICE)


def test_bench_operation_evaluates_everyone_in_a_constant_number_of_queries(world, bench_office):
    # This year's period: the leader and the department heads of county A.
    add_officials(world, 1)
    Inspection.objects.update(started_at=timezone.now() - datetime.timedelta(days=1))
    prepared = bench.quota_evaluation(BenchContext(), bench.TOP_OFFICE)
    prepared.run()  # the suite's untimed first run (the user's permissions get cached)
    with CaptureQueriesContext(connection) as small:
        first = prepared.run()
    add_officials(world, 10)
    Inspection.objects.update(started_at=timezone.now() - datetime.timedelta(days=1))
    with CaptureQueriesContext(connection) as large:
        second = prepared.run()
    assert second == first + 20
    assert len(large) == len(small)
