"""The official's home panel: "my quota" for the current periods (the seeded inspection
obligations, a local version replacing one, drafts not counted), recent inspections, linked
open hazards, the "log an inspection" button, and a query count that does not grow."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import User
from inspections.choices import InspectionStatus
from inspections.models import Inspection, InspectionParticipant, InspectionTarget
from inspections.selectors.home import official_home
from inspections.views.records import inspection_home_panel
from responsibility.choices import ObligationActivity, Period
from responsibility.models import Obligation
from responsibility.roles import Role
from responsibility.selectors.compliance import PeriodRange, Status
from tests.factories import EnterpriseFactory, HazardFactory

pytestmark = pytest.mark.django_db

YEARLY = "市、县两级党政领导每年至少开展1次安全检查"
_numbers = itertools.count(1)


def log(world, lead, *, status=InspectionStatus.SUBMITTED, days_ago=1, participants=(), enterprise=None, at=None) -> Inspection:
    """An inspection row (the services are tested in test_records and test_views_records)."""
    inspection = Inspection.objects.create(
        jurisdiction=world.a.county, lead_official=lead, status=status,
        started_at=at or timezone.now() - datetime.timedelta(days=days_ago, hours=next(_numbers) % 5),
    )
    for official in participants:
        InspectionParticipant.objects.create(inspection=inspection, official=official)
    InspectionTarget.objects.create(inspection=inspection, enterprise=enterprise or EnterpriseFactory(jurisdiction=world.a.township))
    return inspection


def fresh(user) -> User:
    """The user as a new request sees it: no cached permissions, scope or official."""
    return User.objects.get(pk=user.pk)


def panel(user) -> tuple[str | None, int]:
    request = RequestFactory().get("/")
    request.user = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        html = inspection_home_panel(request)
    return html, len(queries.captured_queries)


def test_leader_quota_counts_submitted_inspections_led_or_joined_this_year(world):
    leader = world.user(Role.LEADER)  # leader in charge of work safety of county A: once a year
    official = leader.official
    home = official_home(fresh(leader))
    lines = {line.obligation.name: line for line in home.quotas}
    assert set(lines) == {YEARLY}
    line = lines[YEARLY]
    today = timezone.localdate()
    assert line.window == PeriodRange(Period.YEAR, today.year)
    assert (line.count, line.minimum, line.status) == (0, 1, Status.IN_PROGRESS)
    log(world, official, status=InspectionStatus.DRAFT)
    log(world, official, at=timezone.now() - datetime.timedelta(days=366))  # last year
    assert official_home(fresh(leader)).quotas[0].count == 0
    log(world, world.a.official, participants=[official], at=timezone.now() - datetime.timedelta(minutes=1))
    line = official_home(fresh(leader)).quotas[0]
    assert (line.count, line.done, line.status) == (1, 1, Status.MET)


def test_local_rule_replaces_the_general_one_for_its_subtree(world):
    general = Obligation.objects.get(name=YEARLY)
    Obligation.objects.create(
        name="晋江市领导每年至少开展4次安全检查", subject=general.subject, roles=general.roles, levels=general.levels,
        activity=ObligationActivity.INSPECTION, minimum=4, period=Period.YEAR, jurisdiction=world.a.county, replaces=general,
    )
    names = [line.obligation.name for line in official_home(fresh(world.user(Role.LEADER))).quotas]
    assert names == ["晋江市领导每年至少开展4次安全检查"]


def test_department_head_has_a_quarterly_quota(world):
    home = official_home(fresh(world.user(Role.DEPARTMENT)))
    [line] = home.quotas
    assert line.window.kind == Period.QUARTER and line.minimum == 1


def test_panel_shows_quota_recent_inspections_and_linked_hazards(world):
    leader = world.user(Role.LEADER)
    official = leader.official
    for days in range(7):
        log(world, official, days_ago=days + 1)
    newest = log(world, official, status=InspectionStatus.DRAFT, days_ago=0)
    HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), linked_leader=official, level="major")
    home = official_home(fresh(leader))
    assert len(home.recent) == 5 and home.recent[0] == newest
    assert home.linked_open_hazards == 1
    html, _ = panel(leader)
    assert YEARLY in html and reverse("inspections:inspection_create") in html
    assert reverse("inspections:inspection_edit", args=[newest.pk]) in html  # a draft is continued


def test_inspector_without_quota_still_gets_the_button(world, client):
    inspector = world.user(Role.INSPECTOR)
    html, _ = panel(inspector)
    assert "No inspection quota applies to your posts." in html
    client.force_login(inspector)
    assert reverse("inspections:inspection_create") in client.get("/").content.decode()


def test_account_without_inspection_permission_sees_no_panel(world):
    assert panel(world.user(Role.ENTERPRISE))[0] is None


HOME_PANEL_QUERIES = 10


def test_home_panel_query_count_does_not_grow(world, django_assert_num_queries):
    leader = world.user(Role.LEADER)
    official = leader.official
    log(world, official, at=timezone.now() - datetime.timedelta(minutes=1))
    _html, small = panel(leader)
    for days in range(20):
        log(world, official, days_ago=days, participants=[world.a.official])
        log(world, world.a.official, days_ago=days, participants=[official])
    for _ in range(5):
        HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), linked_leader=official, level="major")
    request = RequestFactory().get("/")
    request.user = fresh(leader)
    with django_assert_num_queries(HOME_PANEL_QUERIES, info=f"{small} with one inspection"):
        html = inspection_home_panel(request)
    assert small == HOME_PANEL_QUERIES
    assert "1 of 1 done" in html
