"""The risk-point API: scope, filters, keyset pages, constant query counts, and writes through
the risk services (the grade is computed, never taken from an LEC or L×S request)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import assign_perm

from core.services import api_token_create
from hazards.models import RiskPoint
from responsibility.roles import Role
from tests.conftest import results
from tests.factories import EnterpriseFactory, RiskPointFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk-points/"
TODAY = datetime.date.today()


@pytest.fixture
def system(api_client, world):
    issued = api_token_create(user=world.user(Role.COUNTY_SYSTEM), name="test")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    return api_client


@pytest.fixture
def enterprise(world):
    return EnterpriseFactory(jurisdiction=world.a.township)


def lec_body(world, enterprise, **overrides) -> dict:
    return {
        "name": "液氨储罐区",
        "enterprise": enterprise.pk,
        "hazard_factors": "液氨泄漏",
        "accident_types": ["poisoning", "fire"],
        "method": "lec",
        "lec_l": "3",
        "lec_e": "6",
        "lec_c": "15",
        "latitude": "24.781234",
        "longitude": "118.552345",
        **overrides,
    }


def test_list_and_detail_are_scoped(system, world, enterprise):
    own = RiskPointFactory(enterprise=enterprise)
    foreign = RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.b.township))
    assert [row["id"] for row in results(system.get(URL))] == [own.pk]
    assert system.get(f"{URL}{foreign.pk}/").status_code == 404
    detail = system.get(f"{URL}{own.pk}/").json()
    assert detail["jurisdiction"] == world.a.township.code and detail["grade"] == "yellow"


def test_enterprise_account_sees_its_own_points(api_client, world, enterprise):
    account = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", account, enterprise)
    own = RiskPointFactory(enterprise=enterprise)
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
    api_client.force_login(account)
    assert [row["id"] for row in results(api_client.get(URL))] == [own.pk]


def test_filters(system, world, enterprise):
    red = RiskPointFactory(enterprise=enterprise, grade="red")
    blue = RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.village), grade="blue")
    public = RiskPointFactory(enterprise=None, jurisdiction=world.a.township, grade="orange", sector=enterprise.sector)

    def ids(**params):
        response = system.get(URL, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in results(response)}

    assert ids(grade=["red"]) == {red.pk}
    assert ids(grade=["red", "blue"]) == {red.pk, blue.pk}
    assert ids(enterprise=enterprise.pk) == {red.pk}
    assert ids(jurisdiction_code=world.a.village.code) == {blue.pk}
    assert ids(jurisdiction=world.a.township.pk) == {red.pk, blue.pk, public.pk}
    assert ids(sector=enterprise.sector.code) == {red.pk, blue.pk, public.pk}
    RiskPoint.objects.filter(pk=red.pk).update(updated_at=timezone.now() - datetime.timedelta(days=10))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(updated_since=since) == {blue.pk, public.pk}
    assert system.get(URL, {"grade": "purple"}).status_code == 400


def test_pages_cover_every_point_once(system, world, enterprise):
    points = [RiskPointFactory(enterprise=enterprise) for _ in range(7)]
    seen, response = [], system.get(URL, {"page_size": 3})
    while True:
        data = response.json()
        seen += [row["id"] for row in data["results"]]
        if not data["next"]:
            break
        response = system.get(data["next"])
    assert seen == [p.pk for p in points]


def _count(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return len(context.captured_queries)


def test_list_query_count_does_not_grow_with_rows(system, world, django_assert_num_queries):
    for _ in range(3):
        RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
    system.get(URL)  # warm the caches and the token's last-used stamp
    # Token, permissions (user and group), scope, grants, the page (no COUNT with keyset pages).
    assert _count(system) == 6
    for _ in range(30):
        RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
    with django_assert_num_queries(6):
        assert len(system.get(URL).json()["results"]) == 33


def test_create_grades_by_the_method(system, world, enterprise):
    response = system.post(URL, lec_body(world, enterprise, grade="blue"), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["score"] == "270.00"  # 3 × 6 × 15
    assert data["grade"] == "orange"  # from the seeded LEC bands (160 ≤ D < 320), not the grade sent
    assert data["jurisdiction"] == world.a.township.code and data["accident_types"] == ["fire", "poisoning"]


def test_create_in_a_foreign_place_is_refused(system, world):
    foreign = EnterpriseFactory(jurisdiction=world.b.township)
    response = system.post(URL, lec_body(world, foreign), format="json")
    assert response.status_code == 400 and "enterprise" in response.json()["errors"]
    response = system.post(
        URL, {**lec_body(world, foreign), "enterprise": None, "jurisdiction": world.b.township.code, "sector": "industry_trade"},
        format="json",
    )
    assert response.status_code == 400 and "jurisdiction" in response.json()["errors"]
    assert not RiskPoint.objects.exists()


def test_bad_input_is_a_400(system, world, enterprise):
    missing = system.post(URL, lec_body(world, enterprise, lec_c=None), format="json")
    assert missing.status_code == 400 and "lec_c" in missing.json()["errors"]
    swapped = system.post(URL, lec_body(world, enterprise, latitude="118.5", longitude="24.7"), format="json")
    assert swapped.status_code == 400
    unknown = system.post(URL, lec_body(world, enterprise, colour="red"), format="json")
    assert unknown.status_code == 400 and set(unknown.json()["errors"]) == {"colour"}
    assert not RiskPoint.objects.exists()


def test_update_and_retire(system, world, enterprise):
    point = RiskPointFactory(enterprise=enterprise)
    response = system.patch(f"{URL}{point.pk}/", {"grade": "red", "controls": "双人巡检"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["grade"] == "red" and response.json()["controls"] == "双人巡检"
    assert system.post(f"{URL}{point.pk}/retire/", {}, format="json").status_code == 400
    response = system.post(f"{URL}{point.pk}/retire/", {"reason": "装置拆除"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "retired"
    assert system.post(f"{URL}{point.pk}/retire/", {"reason": "again"}, format="json").status_code == 409


def test_read_only_role_cannot_write(api_client, world, enterprise):
    point = RiskPointFactory(enterprise=enterprise)
    api_client.force_login(world.user(Role.AUDITOR))
    assert api_client.post(URL, lec_body(world, enterprise), format="json").status_code == 403
    assert api_client.patch(f"{URL}{point.pk}/", {"controls": "x"}, format="json").status_code == 403
    assert api_client.post(f"{URL}{point.pk}/retire/", {"reason": "x"}, format="json").status_code == 403
