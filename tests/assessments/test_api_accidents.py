"""The accident API: scope (another county's accident does not exist), recording with clear
4xx errors, corrections with 409 on stale writes, the filters, keyset pages, the idempotent
upsert by (source_system, external_id), and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.choices import AccidentLevel
from assessments.models import Accident
from core.services import api_token_create
from responsibility.roles import Role
from tests.assessments.conftest import hours_ago
from tests.conftest import results
from tests.factories import assigned_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/accidents/"
SYSTEM = "jinjiang-sg"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='sync').key}")
    return client


@pytest.fixture
def system(world):
    return token_client(world.user(Role.COUNTY_SYSTEM))


@pytest.fixture
def system_b(world):
    user = assigned_user(role=Role.COUNTY_SYSTEM, jurisdiction=world.b.county, username="b_system", account_type="county_system")
    return token_client(user)


def iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def payload(world, **overrides) -> dict:
    occurred = hours_ago(26)
    return {
        "title": "仓库火灾事故",
        "occurred_at": iso(occurred),
        "reported_at": iso(occurred + datetime.timedelta(minutes=50)),
        "jurisdiction": world.a.township.code,
        "accident_type": "fire",
        "deaths": 0,
        "serious_injuries": 1,
        "direct_loss": "230.00",
        "summary": "仓库电气线路短路起火",
        **overrides,
    }


def upsert_url(external_id: str = "SG-001", source_system: str = SYSTEM) -> str:
    return f"{URL}by-external-id/{source_system}/{external_id}/"


# --- Scope ------------------------------------------------------------------------------------


def test_a_county_system_sees_only_its_county(system, system_b, report_accident, enterprise_a, enterprise_b, office_b):
    mine = report_accident(enterprise=enterprise_a)
    foreign = report_accident(enterprise=enterprise_b, actor=office_b)
    assert [row["id"] for row in results(system.get(URL))] == [mine.pk]
    assert system.get(f"{URL}{foreign.pk}/").status_code == 404
    response = system.patch(f"{URL}{foreign.pk}/", {"deaths": 1}, format="json")
    assert response.status_code == 404
    assert Accident.objects.get(pk=foreign.pk).deaths == 0
    assert [row["id"] for row in results(system_b.get(URL))] == [foreign.pk]
    # Another county's accident cannot be found through its external key either.
    Accident.objects.filter(pk=foreign.pk).update(source_system="nan-an", external_id="N1")
    assert system.get(upsert_url("N1", "nan-an")).status_code == 404


def test_read_only_roles_cannot_write(world, report_accident, enterprise_a):
    accident = report_accident(enterprise=enterprise_a)
    client = APIClient()
    client.force_authenticate(world.user(Role.LEADER))
    assert client.get(f"{URL}{accident.pk}/").status_code == 200
    assert client.post(URL, payload(world), format="json").status_code == 403
    assert client.patch(f"{URL}{accident.pk}/", {"deaths": 1}, format="json").status_code == 403
    assert client.put(upsert_url(), payload(world), format="json").status_code == 403


# --- Recording --------------------------------------------------------------------------------


def test_record_an_accident(system, world, enterprise_a):
    response = system.post(URL, payload(world, jurisdiction=None, enterprise=enterprise_a.pk, deaths=3), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["level"] == AccidentLevel.LARGER and body["level_display"] == "Larger"
    assert body["supervising_department"] == world.a.orgs["emergency"].pk
    assert body["sector"] == enterprise_a.sector.code and body["jurisdiction"] == enterprise_a.jurisdiction.code
    assert body["report_delay_minutes"] == 50 and body["reported_late"] is False
    assert [e["kind"] for e in body["events"]] == ["reported"]
    deaths = body["level_explanation"][0]
    assert deaths["name"] == "deaths" and deaths["decides"] and deaths["level"] == "larger"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deaths": -1}, "deaths", "The number of deaths cannot be negative."),
        ({"serious_injuries": -1}, "serious_injuries", "The number of serious injuries cannot be negative."),
        ({"direct_loss": "-1"}, "direct_loss", "The direct economic loss cannot be negative."),
        ({"occurred_at": iso(hours_ago(-5)), "reported_at": None}, "occurred_at", "The accident cannot have occurred in the future."),
        ({"reported_at": iso(hours_ago(40))}, "reported_at", "An accident cannot be reported before it occurred."),
        ({"accident_type": "meteor"}, "accident_type", None),
        ({"deaths": "many"}, "deaths", None),
        ({"jurisdiction": "350583100"}, "jurisdiction", None),
        ({"colour": "red"}, "colour", "This field is not accepted here."),
        ({"jurisdiction": None}, "jurisdiction", "Give the enterprise or the place (jurisdiction) of the accident."),
    ],
)
def test_bad_input_is_a_400_with_field_errors(system, world, overrides, field, message):
    # Messages are compared in English; a county system may ask for either language.
    response = system.post(URL, payload(world, **overrides), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]
    if message:
        assert message in body["errors"][field]
    assert not Accident.objects.exists()


# --- Correcting -------------------------------------------------------------------------------


def test_correct_with_conflict_detection(system, world, report_accident, enterprise_a, city_office):
    from assessments.services import accidents as services

    accident = report_accident(enterprise=enterprise_a)
    seen = system.get(f"{URL}{accident.pk}/").json()["updated_at"]
    services.accident_update(actor=city_office, accident=accident, deaths=1)
    response = system.patch(f"{URL}{accident.pk}/", {"deaths": 4, "expected_updated_at": seen}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Accident.objects.get(pk=accident.pk).deaths == 1
    fresh = system.get(f"{URL}{accident.pk}/").json()["updated_at"]
    response = system.patch(f"{URL}{accident.pk}/", {"deaths": 4, "expected_updated_at": fresh}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["level"] == "larger"
    assert system.patch(f"{URL}{accident.pk}/", {"deaths": -4}, format="json").status_code == 400


def test_level_boundaries_through_the_api(system, world):
    for deaths, injuries, loss, level in [
        (2, 9, "999.99", "ordinary"), (3, 0, "0", "larger"), (0, 10, "0", "larger"), (0, 0, "1000", "larger"),
        (9, 49, "4999.99", "larger"), (10, 0, "0", "major"), (0, 50, "0", "major"), (0, 0, "5000", "major"),
        (29, 99, "9999.99", "major"), (30, 0, "0", "extraordinary"), (0, 100, "0", "extraordinary"), (0, 0, "10000", "extraordinary"),
    ]:
        response = system.post(URL, payload(world, deaths=deaths, serious_injuries=injuries, direct_loss=loss), format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["level"] == level, (deaths, injuries, loss)


# --- Filters and pages ------------------------------------------------------------------------


def test_filters(system, world, report_accident, enterprise_a):
    old = report_accident(enterprise=enterprise_a, occurred_at=hours_ago(24 * 200), deaths=3)
    new = report_accident(enterprise=enterprise_a, occurred_at=hours_ago(5))
    road = report_accident(jurisdiction=world.a.village, accident_type="road_traffic", occurred_at=hours_ago(10), deaths=12)

    def ids(**params):
        response = system.get(URL, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in results(response)}

    assert ids(level="larger") == {old.pk}
    assert ids(level=["larger", "major"]) == {old.pk, road.pk}
    assert ids(level="larger_or_above") == {old.pk, road.pk}
    assert ids(occurred_after=iso(hours_ago(24 * 30))) == {new.pk, road.pk}
    assert ids(occurred_before=iso(hours_ago(7))) == {old.pk, road.pk}
    assert ids(jurisdiction_code=world.a.village.code) == {road.pk}
    assert ids(jurisdiction_code=world.b.county.code) == set()
    assert ids(accident_type="road_traffic") == {road.pk}
    assert ids(fatal="true") == {old.pk, road.pk}
    stamp = Accident.objects.get(pk=new.pk).updated_at
    Accident.objects.filter(pk__in=[old.pk, road.pk]).update(updated_at=stamp - datetime.timedelta(days=1))
    assert ids(updated_since=stamp.isoformat()) == {new.pk}
    assert system.get(URL, {"level": "nonsense"}).status_code == 400
    assert system.get(URL, {"occurred_after": "yesterday"}).status_code == 400


def test_keyset_pages_cover_every_accident_once(system, report_accident, enterprise_a):
    made = [report_accident(enterprise=enterprise_a, occurred_at=hours_ago(10 + i // 2)) for i in range(7)]
    seen, url = [], f"{URL}?page_size=3&ordering=-occurred_at"
    while url:
        body = system.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(a.pk for a in made) and len(seen) == len(set(seen))
    assert system.get(URL, {"cursor": "garbage"}).status_code == 400


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# Token, the account's permissions (user and group), its scope, its grants, and the page with
# every row's place, enterprise, sector and department joined in (no COUNT with keyset pages).
LIST_QUERIES = 6


def test_list_query_count_does_not_grow_with_rows(system, report_accident, enterprise_a, django_assert_num_queries):
    for _ in range(3):
        report_accident(enterprise=enterprise_a)
    system.get(URL)
    assert _count(system, URL) == LIST_QUERIES
    for _ in range(20):
        report_accident(enterprise=enterprise_a, deaths=1)
    with django_assert_num_queries(LIST_QUERIES):
        response = system.get(URL)
    assert len(results(response)) == 23


def test_detail_query_count_does_not_grow_with_events(system, report_accident, enterprise_a, office_a):
    from assessments.services import accidents as services

    accident = report_accident(enterprise=enterprise_a)
    url = f"{URL}{accident.pk}/"
    system.get(url)
    small = _count(system, url)
    for deaths in (1, 2, 3):
        services.accident_update(actor=office_a, accident=accident, deaths=deaths)
    assert _count(system, url) == small


# --- The idempotent upsert --------------------------------------------------------------------


def test_same_push_twice_creates_once_then_changes_nothing(system, world):
    body = payload(world)
    first = system.put(upsert_url(), body, format="json")
    assert first.status_code == 201, first.json()
    assert first["Upsert-Result"] == "created"
    accident = Accident.objects.get()
    assert (accident.source_system, accident.external_id) == (SYSTEM, "SG-001")
    stamp = accident.updated_at
    second = system.put(upsert_url(), {**body, "direct_loss": "230"}, format="json")
    assert second.status_code == 200 and second["Upsert-Result"] == "unchanged"
    assert Accident.objects.get().updated_at == stamp
    assert accident.events.count() == 1
    third = system.put(upsert_url(), {**body, "deaths": 1}, format="json")
    assert third.status_code == 200 and third["Upsert-Result"] == "updated"
    assert third.json()["deaths"] == 1 and Accident.objects.count() == 1
    assert system.get(upsert_url()).json()["id"] == accident.pk


def test_upsert_errors(system, system_b, world):
    body = payload(world, external_id="OTHER")
    response = system.put(upsert_url(), body, format="json")
    assert response.status_code == 400 and "external_id" in response.json()["errors"]
    response = system.put(upsert_url(), payload(world, deaths=-2), format="json")
    assert response.status_code == 400 and "deaths" in response.json()["errors"]
    assert system.put(upsert_url("SHARED"), payload(world), format="json").status_code == 201
    # County B pushing the same key: refused, county A's record untouched.
    response = system_b.put(upsert_url("SHARED"), payload(world, jurisdiction=world.b.township.code), format="json")
    assert response.status_code == 400 and "external_id" in response.json()["errors"]
    assert Accident.objects.get(external_id="SHARED").jurisdiction == world.a.township
    assert Accident.objects.count() == 1


def test_loss_is_a_decimal_string(system, world):
    response = system.post(URL, payload(world, direct_loss="12.5"), format="json")
    assert response.json()["direct_loss"] == "12.50"
    assert Accident.objects.get().direct_loss == Decimal("12.50")
