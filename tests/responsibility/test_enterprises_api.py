"""The enterprise API: scope, field errors, idempotent upserts by credit code and by
(source_system, external_id), and the sectors and sector-mapping read endpoints."""

from __future__ import annotations

import pytest

from core.services import api_token_create
from responsibility.models import Enterprise, SectorResponsibility
from responsibility.roles import Role
from tests.conftest import ALL_ROLES, results
from tests.factories import EnterpriseFactory, EnterpriseSupervisionFactory, make_credit_code, sector

pytestmark = pytest.mark.django_db

VIEWERS = tuple(r for r in ALL_ROLES if r not in (Role.ENTERPRISE, Role.STAFFING_REVIEWER))
WRITERS = (Role.SAFETY_OFFICE, Role.COUNTY_SYSTEM)


def body(world, **overrides) -> dict:
    return {
        "credit_code": make_credit_code(31),
        "name": "晋江市接口企业有限公司",
        "jurisdiction": world.a.township.code,
        "sector": "industry_trade",
        "primary_department": world.a.orgs["emergency"].pk,
        **overrides,
    }


@pytest.fixture
def token_client(api_client, world):
    """The county system, as a real integration calls: with a token."""
    issued = api_token_create(user=world.user(Role.COUNTY_SYSTEM), name="test")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    return api_client


# --- Scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_and_detail_follow_role_and_jurisdiction(api_client, world, role):
    inside = EnterpriseFactory(jurisdiction=world.a.township)
    outside = EnterpriseFactory(jurisdiction=world.b.township)
    api_client.force_login(world.user(role))
    ids = {row["id"] for row in results(api_client.get("/api/v1/enterprises/"))}
    assert outside.pk not in ids
    assert (inside.pk in ids) is (role in VIEWERS)
    assert api_client.get(f"/api/v1/enterprises/{outside.pk}/").status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_create_is_allowed_to_writers_only(api_client, world, role):
    api_client.force_login(world.user(role))
    response = api_client.post("/api/v1/enterprises/", body(world), format="json")
    assert response.status_code == (201 if role in WRITERS else 403), response.json()
    assert Enterprise.objects.exists() is (role in WRITERS)


def test_created_enterprise_is_returned_with_its_departments(token_client, world):
    response = token_client.post("/api/v1/enterprises/", body(world, credit_code=make_credit_code(31).lower()), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["credit_code"] == make_credit_code(31)
    assert (data["jurisdiction"], data["sector"], data["primary_department"], data["other_departments"]) == (
        world.a.township.code, "industry_trade", world.a.orgs["emergency"].pk, []
    )
    assert data["supervisions"] == [{"organization": world.a.orgs["emergency"].pk, "organization_name": "晋江市应急管理局", "is_primary": True}]


# --- Bad input --------------------------------------------------------------------------------


def test_invalid_credit_code_is_a_400_with_the_common_error_body(token_client, world):
    code = make_credit_code(32)
    wrong = code[:17] + ("A" if code[17] != "A" else "B")
    response = token_client.post("/api/v1/enterprises/", body(world, credit_code=wrong), format="json")
    assert response.status_code == 400
    data = response.json()
    assert (data["status"], data["code"]) == (400, "invalid")
    assert "check character" in data["errors"]["credit_code"][0]
    assert not Enterprise.objects.exists()


def test_jurisdiction_of_another_county_is_answered_like_an_unknown_code(token_client, world):
    foreign = token_client.post("/api/v1/enterprises/", body(world, jurisdiction=world.b.township.code), format="json")
    unknown = token_client.post("/api/v1/enterprises/", body(world, jurisdiction="350582999"), format="json")
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json()["errors"]["jurisdiction"][0].replace(world.b.township.code, "X") == unknown.json()["errors"]["jurisdiction"][0].replace("350582999", "X")


def test_department_of_another_county_is_a_field_error(token_client, world):
    response = token_client.post("/api/v1/enterprises/", body(world, primary_department=world.b.orgs["emergency"].pk), format="json")
    assert response.status_code == 400 and "primary_department" in response.json()["errors"]


def test_duplicate_credit_code_on_create_is_a_400(token_client, world):
    EnterpriseFactory(jurisdiction=world.a.township, credit_code=make_credit_code(31))
    response = token_client.post("/api/v1/enterprises/", body(world), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["credit_code"] == ["An enterprise with this unified social credit code is already registered."]


def test_unknown_sector_and_garbage_are_400_not_500(token_client, world):
    assert token_client.post("/api/v1/enterprises/", body(world, sector="space"), format="json").status_code == 400
    assert token_client.post("/api/v1/enterprises/", body(world, latitude="north", employees=-3), format="json").status_code == 400
    assert token_client.post("/api/v1/enterprises/", "not json", content_type="application/json").status_code == 400


# --- Idempotent upserts -----------------------------------------------------------------------


def test_put_by_credit_code_creates_then_updates_the_same_enterprise(token_client, world):
    url = f"/api/v1/enterprises/by-credit-code/{make_credit_code(33)}/"
    data = body(world)
    del data["credit_code"]
    first = token_client.put(url, data, format="json")
    assert first.status_code == 201
    again = token_client.put(url, data, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    changed = token_client.put(url, {**data, "name": "改名有限公司", "risk_class": "orange"}, format="json")
    assert changed.status_code == 200
    assert Enterprise.objects.get().name == "改名有限公司"
    assert token_client.get(url).json()["risk_class"] == "orange"


def test_put_twice_with_the_same_body_changes_nothing_the_second_time(token_client, world):
    url = f"/api/v1/enterprises/by-credit-code/{make_credit_code(34)}/"
    token_client.put(url, body(world, credit_code=make_credit_code(34)), format="json")
    before = Enterprise.objects.get().updated_at
    from auditlog.models import LogEntry

    entries = LogEntry.objects.count()
    token_client.put(url, body(world, credit_code=make_credit_code(34)), format="json")
    assert Enterprise.objects.get().updated_at >= before
    assert LogEntry.objects.count() == entries  # auditlog records no change


def test_put_with_a_different_code_in_the_body_is_refused(token_client, world):
    response = token_client.put(f"/api/v1/enterprises/by-credit-code/{make_credit_code(35)}/", body(world), format="json")
    assert response.status_code == 400 and "credit_code" in response.json()["errors"]
    assert not Enterprise.objects.exists()


def test_put_with_an_invalid_code_in_the_path_is_a_400(token_client, world):
    data = body(world)
    del data["credit_code"]
    response = token_client.put("/api/v1/enterprises/by-credit-code/91350582000000000I/", data, format="json")
    assert response.status_code == 400 and "credit_code" in response.json()["errors"]


def test_put_of_a_code_registered_in_another_county_changes_nothing(token_client, world):
    foreign = EnterpriseFactory(jurisdiction=world.b.township, credit_code=make_credit_code(36), name="南安企业")
    data = body(world, credit_code=make_credit_code(36))
    response = token_client.put(f"/api/v1/enterprises/by-credit-code/{make_credit_code(36)}/", data, format="json")
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.name == "南安企业"
    assert token_client.get(f"/api/v1/enterprises/by-credit-code/{make_credit_code(36)}/").status_code == 404


def test_put_keeps_departments_left_out_of_the_body(token_client, world):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township, credit_code=make_credit_code(37))
    EnterpriseSupervisionFactory(enterprise=enterprise, organization=world.a.orgs["emergency"])
    data = body(world, credit_code=make_credit_code(37), name="新名称")
    del data["primary_department"]
    assert token_client.put(f"/api/v1/enterprises/by-credit-code/{make_credit_code(37)}/", data, format="json").status_code == 200
    assert enterprise.supervisions.get().organization == world.a.orgs["emergency"]


def test_post_with_the_same_external_id_updates_instead_of_duplicating(token_client, world):
    data = body(world, source_system="jjaj", external_id="QY-001")
    first = token_client.post("/api/v1/enterprises/", data, format="json")
    second = token_client.post("/api/v1/enterprises/", {**data, "name": "第二次推送有限公司"}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Enterprise.objects.get().name == "第二次推送有限公司"
    other_system = token_client.post(
        "/api/v1/enterprises/", {**data, "source_system": "qzaj", "credit_code": make_credit_code(38)}, format="json"
    )
    assert other_system.status_code == 201
    assert Enterprise.objects.count() == 2


def test_patch_changes_fields_and_can_clear_departments(token_client, world):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    EnterpriseSupervisionFactory(enterprise=enterprise, organization=world.a.orgs["emergency"])
    response = token_client.patch(f"/api/v1/enterprises/{enterprise.pk}/", {"risk_class": "red", "primary_department": None}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["supervisions"] == []
    enterprise.refresh_from_db()
    assert enterprise.risk_class == "red" and not enterprise.supervisions.exists()


def test_filters_and_incremental_sync(token_client, world):
    old = EnterpriseFactory(jurisdiction=world.a.township, sector=sector("construction"))
    EnterpriseFactory(jurisdiction=world.a.village)
    assert {r["id"] for r in results(token_client.get("/api/v1/enterprises/", {"sector": "construction"}))} == {old.pk}
    assert len(results(token_client.get("/api/v1/enterprises/", {"jurisdiction_code": world.a.village.code}))) == 1
    assert len(results(token_client.get("/api/v1/enterprises/", {"unsupervised": "true"}))) == 2
    future = "2999-01-01T00:00:00Z"
    assert results(token_client.get("/api/v1/enterprises/", {"updated_since": future})) == []
    assert token_client.get("/api/v1/enterprises/", {"updated_since": "yesterday"}).status_code == 400


# --- Sectors and the mapping ------------------------------------------------------------------


def test_sectors_are_listed_to_any_account(api_client, world):
    api_client.force_login(world.user(Role.ENTERPRISE))
    response = api_client.get("/api/v1/sectors/", {"page_size": 100})
    assert response.status_code == 200
    codes = [row["code"] for row in results(response)]
    assert codes[:3] == ["industry_trade", "construction", "road_transport"] and len(codes) == 18
    assert api_client.get("/api/v1/sectors/construction/").json()["name"] == "建筑施工"
    assert api_client.post("/api/v1/sectors/", {"code": "x", "name": "x"}, format="json").status_code == 405


def test_sector_mapping_endpoint_lists_rows_in_scope(token_client, world):
    SectorResponsibility.objects.create(jurisdiction=world.a.county, sector=sector("mining"), organization=world.a.orgs["emergency"])
    SectorResponsibility.objects.create(jurisdiction=world.b.county, sector=sector("mining"), organization=world.b.orgs["emergency"])
    rows = results(token_client.get("/api/v1/sector-responsibilities/"))
    assert [(r["jurisdiction"], r["sector"], r["organization_name"], r["is_lead"]) for r in rows] == [
        (world.a.county.code, "mining", "晋江市应急管理局", True)
    ]
    assert results(token_client.get("/api/v1/sector-responsibilities/", {"sector": "construction"})) == []


def test_schema_documents_the_enterprise_endpoints(api_client, world):
    api_client.force_login(world.user(Role.AUDITOR))
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/enterprises/by-credit-code/{credit_code}/" in paths
    assert {"get", "put"} <= set(paths["/api/v1/enterprises/by-credit-code/{credit_code}/"])
    assert "/api/v1/sectors/" in paths and "/api/v1/sector-responsibilities/" in paths
