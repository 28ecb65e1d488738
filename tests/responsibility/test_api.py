"""The REST API: the permission matrix, the schema and docs, /me/ and the backbone endpoints."""

from __future__ import annotations

import json
import re

import pytest

from core.services import api_token_create
from responsibility.choices import OrganizationKind, PostRole
from responsibility.models import Organization, Post
from responsibility.roles import Role
from tests.conftest import results

pytestmark = pytest.mark.django_db


# --- The permission matrix -------------------------------------------------------------------


def test_api_list_contains_object_only_when_role_and_jurisdiction_allow(api_client, matrix_case):
    case = matrix_case
    api_client.force_login(case.user)
    response = api_client.get(case.spec.api_url, {"page_size": 500})
    assert response.status_code == 200
    ids = {row["id"] for row in results(response)}
    assert (case.obj.pk in ids) is case.expected.listed, case


def test_api_detail_is_200_inside_scope_and_404_outside(api_client, matrix_case):
    case = matrix_case
    api_client.force_login(case.user)
    response = api_client.get(f"{case.spec.api_url}{case.obj.pk}/")
    assert response.status_code == case.expected.detail, case
    if case.expected.detail == 200:
        assert response.json()["id"] == case.obj.pk
        assert response.json()["name"] == case.obj.name


def test_api_patch_saves_only_for_safety_office_inside_scope(api_client, matrix_case):
    case = matrix_case
    api_client.force_login(case.user)
    before = case.stored_name()
    response = api_client.patch(f"{case.spec.api_url}{case.obj.pk}/", case.api_patch_data(), format="json")
    assert response.status_code == case.expected.write_status(ok=200), (case, response.json())
    if case.expected.write == "ok":
        assert response.json()["name"] == case.new_name
        assert case.stored_name() == case.new_name
    else:
        assert case.stored_name() == before


def test_api_patch_of_nonexistent_object_is_404_for_read_only_role(api_client, world):
    """A foreign object and a missing one answer alike: nothing tells them apart."""
    api_client.force_login(world.user(Role.AUDITOR))
    foreign = api_client.patch(f"/api/v1/organizations/{world.b.orgs['emergency'].pk}/", {"name": "x"}, format="json")
    missing = api_client.patch("/api/v1/organizations/999999/", {"name": "x"}, format="json")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


# --- Schema and documentation -----------------------------------------------------------------


def test_openapi_schema_is_valid_json_listing_the_endpoints(api_client):
    response = api_client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "安全生产责任体系管理平台 API"
    for path in ("/api/v1/organizations/", "/api/v1/organizations/{id}/", "/api/v1/jurisdictions/", "/api/v1/officials/", "/api/v1/posts/", "/api/v1/me/"):
        assert path in schema["paths"], path
    assert "TokenAuth" in schema["components"]["securitySchemes"]


def test_api_docs_page_uses_only_local_static_files(api_client):
    response = api_client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = re.findall(r"https?://[^\s\"'<>)]+", html)
    assert external == [], f"the docs page loads files from outside hosts: {external}"
    assert "/static/drf_spectacular_sidecar/" in html


def test_redoc_page_uses_only_local_static_files(api_client):
    response = api_client.get("/api/v1/redoc/")
    assert response.status_code == 200
    assert re.findall(r"https?://[^\s\"'<>)]+", response.content.decode()) == []


# --- /me/ ------------------------------------------------------------------------------------


def test_me_returns_roles_and_scope_paths_of_token_account(api_client, world):
    issued = api_token_create(user=world.user(Role.COUNTY_SYSTEM), name="晋江县级系统")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == {
        "username": "a_county_system",
        "display_name": str(world.user(Role.COUNTY_SYSTEM)),
        "account_type": "county_system",
        "roles": ["county_system"],
        "scope_paths": ["350582"],
        "unrestricted": False,
    }


def test_me_for_official_with_posts_in_two_counties_lists_both_paths(api_client, world):
    user = world.user(Role.LEADER)
    from tests.factories import PostFactory

    PostFactory(official=user.official, organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_LEADER)
    api_client.force_login(user)
    assert api_client.get("/api/v1/me/").json()["scope_paths"] == ["350582", "350583"]


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["status"] == 401


# --- Backbone endpoints -----------------------------------------------------------------------


def test_county_system_sees_only_its_county_subtree_of_jurisdictions(api_client, world):
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    codes = [row["code"] for row in results(api_client.get("/api/v1/jurisdictions/"))]
    assert codes == ["350582", "350582100", "350582100001"]


def test_jurisdiction_filter_within_limits_to_subtree(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.get("/api/v1/organizations/", {"jurisdiction": world.a.township.pk})
    assert [row["name"] for row in results(response)] == ["安海镇人民政府"]


def test_jurisdiction_filter_rejects_a_foreign_jurisdiction(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.get("/api/v1/organizations/", {"jurisdiction": world.b.county.pk})
    assert response.status_code == 400
    assert "jurisdiction" in response.json()["errors"]


def test_safety_office_creates_organization_by_division_code(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.post(
        "/api/v1/organizations/",
        {"jurisdiction": "350582100", "name": "安海镇安全生产办公室", "kind": OrganizationKind.SAFETY_OFFICE},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["jurisdiction"] == "350582100"
    assert body["jurisdiction_name"] == "安海镇"
    assert Organization.objects.get(pk=body["id"]).jurisdiction == world.a.township


def test_read_only_role_cannot_create_organization(api_client, world):
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    response = api_client.post(
        "/api/v1/organizations/", {"jurisdiction": "350582", "name": "新单位", "kind": "other_department"}, format="json"
    )
    assert response.status_code == 403
    assert not Organization.objects.filter(name="新单位").exists()


def test_safety_office_appoints_official_through_posts_endpoint(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.post(
        "/api/v1/posts/",
        {
            "official": world.a.official.pk,
            "organization": world.a.orgs["government"].pk,
            "role": PostRole.SAFETY_DEPUTY,
            "title": "副市长",
            "start_date": "2024-03-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    post = Post.objects.get(pk=response.json()["id"])
    assert (post.official, post.role, post.title) == (world.a.official, PostRole.SAFETY_DEPUTY, "副市长")
    assert response.json()["jurisdiction_code"] == "350582"


def test_official_list_shows_only_current_posts_in_scope(api_client, world, today):
    import datetime

    from tests.factories import PostFactory

    official = world.a.official
    PostFactory(official=official, organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_LEADER, title="南安挂职")
    PostFactory(
        official=official,
        organization=world.a.orgs["office"],
        role=PostRole.OFFICE_STAFF,
        title="已卸任",
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2019, 12, 31),
    )
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    row = api_client.get(f"/api/v1/officials/{official.pk}/").json()
    # the foreign post is not shown to county A, the ended one is not current
    assert [p["title"] for p in row["current_posts"]] == ["副局长"]


def test_post_list_filter_current_excludes_ended_posts(api_client, world):
    import datetime

    from tests.factories import PostFactory

    ended = PostFactory(
        official=world.a.official,
        organization=world.a.orgs["office"],
        role=PostRole.OFFICE_STAFF,
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2019, 12, 31),
    )
    api_client.force_login(world.user(Role.AUDITOR))
    current = {row["id"] for row in results(api_client.get("/api/v1/posts/", {"current": "true"}))}
    past = {row["id"] for row in results(api_client.get("/api/v1/posts/", {"current": "false"}))}
    assert ended.pk in past
    assert ended.pk not in current
    assert current and not (current & past)


def test_there_is_no_delete_endpoint_for_organizations(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    org = world.a.orgs["emergency"]
    response = api_client.delete(f"/api/v1/organizations/{org.pk}/")
    assert response.status_code == 405
    assert Organization.objects.filter(pk=org.pk).exists()
