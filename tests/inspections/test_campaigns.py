"""Big inspection campaigns (大检查): stages in order, coverage per department and township,
uncovered enterprises with the high-risk ones first, team composition against the expert
ratio, the monthly follow-up, and constant query counts."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hazards.models import Hazard
from inspections.choices import InspectionKind, ParticipantRole
from inspections.selectors import campaigns as selectors
from inspections.services import campaigns as services
from inspections.services import records
from inspections.services.records import TargetInput
from responsibility.choices import JurisdictionLevel, OrganizationFunction
from responsibility.roles import Role
from tests.factories import (
    EnterpriseFactory,
    EnterpriseSupervisionFactory,
    OfficialFactory,
    OrganizationFactory,
    jurisdiction,
    official_user,
)


def stage_dates(start: datetime.date) -> dict:
    day = datetime.timedelta(days=1)
    return {
        "self_check_start": start, "self_check_end": start + 20 * day,
        "sector_start": start + 21 * day, "sector_end": start + 50 * day,
        "local_start": start + 51 * day, "local_end": start + 80 * day,
        "guard_start": start + 81 * day, "guard_end": start + 120 * day,
    }


@pytest.fixture
def office(world):
    return world.user(Role.SAFETY_OFFICE)


@pytest.fixture
def campaign(world, office):
    start = timezone.localdate() - datetime.timedelta(days=60)
    return services.campaign_create(actor=office, jurisdiction=world.a.county, name="2026年安全生产大检查", **stage_dates(start))


def inspect(world, campaign, enterprises, *, submit=True, participants=(), lead=None, started_at=None):
    actor = world.user(Role.SAFETY_OFFICE)
    inspection = records.inspection_save_draft(
        actor=actor,
        jurisdiction=world.a.county,
        kind=InspectionKind.CAMPAIGN,
        campaign=campaign,
        started_at=started_at or timezone.now() - datetime.timedelta(hours=3),
        lead_official=lead or actor.official,
        participants=participants,
        targets=[TargetInput(enterprise=e) for e in enterprises],
    )
    if submit:
        records.inspection_submit(actor=actor, inspection=inspection)
    return inspection


# --- Stages -----------------------------------------------------------------------------------


def test_stages_must_follow_in_order(world, office):
    start = datetime.date(2026, 4, 1)
    dates = stage_dates(start)
    with pytest.raises(ValidationError) as error:
        services.campaign_create(
            actor=office, jurisdiction=world.a.county, name="乱序",
            **{**dates, "sector_start": start - datetime.timedelta(days=1)},
        )
    assert "sector_start" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.campaign_create(
            actor=office, jurisdiction=world.a.county, name="倒置", **{**dates, "guard_end": dates["guard_start"] - datetime.timedelta(days=1)}
        )
    assert "guard_end" in error.value.message_dict
    campaign = services.campaign_create(actor=office, jurisdiction=world.a.county, name="正常", **dates)
    assert campaign.expert_ratio_min == Decimal("0.80")
    assert services.stage_on(campaign, start + datetime.timedelta(days=30)) == "sector"
    assert services.stage_on(campaign, start - datetime.timedelta(days=1)) is None


def test_the_form_comes_back_with_what_was_typed(world, office, client):
    client.force_login(office)
    dates = {k: v.isoformat() for k, v in stage_dates(datetime.date(2026, 4, 1)).items()}
    dates["local_start"] = "2026-04-05"  # before the sector inspection starts
    response = client.post(
        reverse("inspections:campaign_create"),
        {"jurisdiction": world.a.county.pk, "name": "大检查草稿", "expert_ratio_min": 85, **dates},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot start before" in body and "大检查草稿" in body and 'value="85"' in body


def test_a_county_follows_its_citys_campaign_but_does_not_change_it(world, client):
    city_office_org = OrganizationFactory(jurisdiction=world.city, name="泉州市安委办")
    city_office = official_user(role=Role.SAFETY_OFFICE, organization=city_office_org, username="city_office")
    city_campaign = services.campaign_create(
        actor=city_office, jurisdiction=world.city, name="全市大检查", **stage_dates(timezone.localdate())
    )
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(reverse("inspections:campaign_detail", args=[city_campaign.pk])).status_code == 200
    assert client.get(reverse("inspections:campaign_update", args=[city_campaign.pk])).status_code == 403


# --- Coverage ---------------------------------------------------------------------------------


@pytest.fixture
def listed(world, campaign):
    """Enterprises in two townships supervised by two departments, one inspected."""
    town2 = jurisdiction("350582101", JurisdictionLevel.TOWNSHIP, world.a.county, "东石镇")
    emergency = world.a.orgs["emergency"]
    housing = OrganizationFactory(jurisdiction=world.a.county, name="晋江市住建局", function=OrganizationFunction.HOUSING)
    e = {
        "red_done": EnterpriseFactory(jurisdiction=world.a.township, name="红色已查", risk_class="red"),
        "yellow_two": EnterpriseFactory(jurisdiction=world.a.village, name="黄色两部门", risk_class="yellow"),
        "blue_weak": EnterpriseFactory(jurisdiction=town2, name="蓝色薄弱", risk_class="blue", is_weak=True),
        "yellow_accident": EnterpriseFactory(jurisdiction=world.a.township, name="黄色有事故", risk_class="yellow", accident_count=2),
        "orange_draft": EnterpriseFactory(jurisdiction=world.a.township, name="橙色仅草稿", risk_class="orange"),
        "blue_plain": EnterpriseFactory(jurisdiction=world.a.township, name="蓝色普通", risk_class="blue"),
        "closed": EnterpriseFactory(jurisdiction=world.a.township, name="已关闭", risk_class="red", status="closed"),
        "unlisted": EnterpriseFactory(jurisdiction=world.a.township, name="无人监管", risk_class="red"),
        "other_county": EnterpriseFactory(jurisdiction=world.b.township, name="南安企业", risk_class="red"),
    }
    for key in ("red_done", "yellow_two", "yellow_accident", "orange_draft", "blue_plain", "closed"):
        EnterpriseSupervisionFactory(enterprise=e[key], organization=emergency)
    EnterpriseSupervisionFactory(enterprise=e["yellow_two"], organization=housing, is_primary=False)
    EnterpriseSupervisionFactory(enterprise=e["blue_weak"], organization=housing)
    EnterpriseSupervisionFactory(enterprise=e["other_county"], organization=world.b.orgs["emergency"])
    inspect(world, campaign, [e["red_done"]])
    inspect(world, campaign, [e["orange_draft"]], submit=False)  # a draft covers nothing
    return {"enterprises": e, "emergency": emergency, "housing": housing, "town2": town2}


def test_coverage_per_department_and_township(world, office, campaign, listed):
    totals = selectors.coverage_totals(campaign, office)
    assert (totals["listed"], totals["inspected"], totals["uncovered"], totals["unlisted"]) == (6, 1, 5, 1)
    departments = {r["organization_id"]: (r["listed"], r["inspected"]) for r in selectors.department_coverage(campaign, office)}
    assert departments == {listed["emergency"].pk: (5, 1), listed["housing"].pk: (2, 0)}
    townships = {r["township"]: (r["listed"], r["inspected"]) for r in selectors.township_coverage(campaign, office)}
    assert townships == {"350582100": (5, 1), "350582101": (1, 0)}


def test_uncovered_enterprises_list_high_risk_weak_and_accident_history_first(world, office, campaign, listed):
    names = [e.name for e in selectors.uncovered_enterprises(campaign, office)]
    assert names == ["橙色仅草稿", "黄色有事故", "蓝色薄弱", "黄色两部门", "蓝色普通"]
    by_housing = [e.name for e in selectors.uncovered_enterprises(campaign, office, department=listed["housing"].pk)]
    assert by_housing == ["蓝色薄弱", "黄色两部门"]
    assert [e.name for e in selectors.uncovered_enterprises(campaign, office, township="350582101")] == ["蓝色薄弱"]


def test_coverage_pages_and_exports(world, office, campaign, listed, client):
    from openpyxl import load_workbook

    client.force_login(office)
    page = client.get(reverse("inspections:campaign_coverage", args=[campaign.pk]) + "?by=township").content.decode()
    assert "东石镇" in page and "安海镇" in page
    response = client.get(reverse("inspections:campaign_uncovered", args=[campaign.pk]) + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["橙色仅草稿", "黄色有事故", "蓝色薄弱", "黄色两部门", "蓝色普通"]
    response = client.get(reverse("inspections:campaign_coverage", args=[campaign.pk]) + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert ("晋江市应急管理局", "晋江市", 5, 1, 4, 20.0) in rows


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_campaign_pages_keep_a_constant_query_count(world, office, campaign, listed, client):
    client.force_login(office)
    urls = [
        reverse("inspections:campaign_detail", args=[campaign.pk]),
        reverse("inspections:campaign_coverage", args=[campaign.pk]),
        reverse("inspections:campaign_coverage", args=[campaign.pk]) + "?by=township",
        reverse("inspections:campaign_uncovered", args=[campaign.pk]),
        reverse("inspections:campaign_teams", args=[campaign.pk]),
        reverse("inspections:campaign_monthly", args=[campaign.pk]),
    ]
    small = [_queries(client, url) for url in urls]
    town3 = jurisdiction("350582102", JurisdictionLevel.TOWNSHIP, world.a.county, "龙湖镇")
    extra_department = OrganizationFactory(jurisdiction=world.a.county, name="晋江市交通运输局")
    more = []
    for n in range(8):
        enterprise = EnterpriseFactory(jurisdiction=town3 if n % 2 else world.a.township, risk_class="red" if n % 3 else "blue")
        EnterpriseSupervisionFactory(enterprise=enterprise, organization=extra_department if n % 2 else listed["emergency"])
        more.append(enterprise)
    member = OfficialFactory(registered_in=world.a.county)
    inspect(world, campaign, more[:3], participants=[(member, ParticipantRole.EXPERT)])
    inspect(world, campaign, more[3:5])
    assert [_queries(client, url) for url in urls] == small


# --- Team composition -------------------------------------------------------------------------


def test_teams_below_the_expert_minimum_are_flagged_on_the_campaign_page(world, office, campaign, client):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    people = [OfficialFactory(registered_in=world.a.county, name=f"专家{n}") for n in range(5)]
    weak_team = inspect(world, campaign, [enterprise], participants=[(people[0], ParticipantRole.MEMBER)])
    expert_team = inspect(
        world, campaign, [enterprise], participants=[(p, ParticipantRole.EXPERT) for p in people[1:4]] + [
            (people[4], ParticipantRole.PROFESSIONAL)
        ],
    )
    rows = {i.pk: i for i in selectors.team_composition(campaign, office)}
    assert (rows[weak_team.pk].team_size, rows[weak_team.pk].experts) == (2, 0)
    assert (rows[expert_team.pk].team_size, rows[expert_team.pk].experts) == (5, 4)  # 80%: enough
    assert [i.pk for i in selectors.below_expert_minimum(campaign, office)] == [weak_team.pk]

    client.force_login(office)
    page = client.get(reverse("inspections:campaign_detail", args=[campaign.pk])).content.decode()
    assert "fewer experts or professionals than the minimum of 80%" in page
    assert weak_team.code in page and expert_team.code not in page

    campaign = services.campaign_update(actor=office, campaign=campaign, expert_ratio_min=Decimal("0.90"))
    assert {i.pk for i in selectors.below_expert_minimum(campaign, office)} == {weak_team.pk, expert_team.pk}


# --- Monthly follow-up ------------------------------------------------------------------------


def test_monthly_summary_counts_inspections_enterprises_and_hazards(world, office, campaign):
    enterprises = [EnterpriseFactory(jurisdiction=world.a.township) for _ in range(2)]
    started = timezone.now() - datetime.timedelta(hours=3)
    inspection = inspect(world, campaign, enterprises, submit=False, started_at=started)
    findings = [
        records.finding_record(actor=office, inspection=inspection, description=f"问题{n}", enterprise=enterprises[n])
        for n in range(2)
    ]
    hazards = [records.finding_to_hazard(actor=None, finding=f) for f in findings]
    records.inspection_submit(actor=office, inspection=inspection)
    inspect(world, campaign, enterprises[:1], started_at=started)
    Hazard.objects.filter(pk=hazards[0].pk).update(status="verified")

    months = selectors.monthly_summary(campaign, office)
    assert months[0].month == campaign.self_check_start.replace(day=1)
    this_month = timezone.localtime(started).date().replace(day=1)
    row = next(m for m in months if m.month == this_month)
    assert (row.inspections, row.enterprises, row.hazards, row.rectified, row.open_hazards) == (2, 2, 2, 1, 1)
    assert sum(m.inspections for m in months) == 2


def test_campaign_pages_render(world, office, campaign, client):
    client.force_login(office)
    for url in (
        reverse("inspections:campaign_list"),
        reverse("inspections:campaign_list") + "?state=running",
        reverse("inspections:campaign_list") + "?export=xlsx",
        reverse("inspections:campaign_create"),
        reverse("inspections:campaign_update", args=[campaign.pk]),
        reverse("inspections:campaign_teams", args=[campaign.pk]) + "?below=1",
        reverse("inspections:campaign_teams", args=[campaign.pk]) + "?export=xlsx",
        reverse("inspections:campaign_monthly", args=[campaign.pk]) + "?export=xlsx",
        reverse("inspections:campaign_coverage", args=[campaign.pk]) + "?by=township&export=xlsx",
    ):
        assert client.get(url).status_code == 200, url
    other = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    client.force_login(other)
    assert client.get(reverse("inspections:campaign_detail", args=[campaign.pk])).status_code == 404
