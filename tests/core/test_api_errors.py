"""One error body for every API failure: ``{status, code, detail, errors}``."""

from __future__ import annotations

import pytest

from responsibility import services
from responsibility.models import Organization, Post
from responsibility.roles import Role

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def office_client(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    return api_client


def _assert_error_body(response, status: int, code: str):
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_400_bad_field_types_lists_every_field_error(office_client):
    response = office_client.post(
        "/api/v1/organizations/",
        {"jurisdiction": "350582", "name": "", "kind": "no_such_kind", "sort_order": "abc", "is_active": "perhaps"},
        format="json",
        **EN,
    )
    body = _assert_error_body(response, 400, "invalid")
    assert body["detail"] == "The request contains invalid data."
    assert set(body["errors"]) == {"name", "kind", "sort_order", "is_active"}
    assert all(isinstance(messages, list) and messages for messages in body["errors"].values())


def test_400_unknown_jurisdiction_code(office_client):
    response = office_client.post(
        "/api/v1/organizations/", {"jurisdiction": "999999", "name": "x", "kind": "government"}, format="json", **EN
    )
    body = _assert_error_body(response, 400, "invalid")
    assert list(body["errors"]) == ["jurisdiction"]
    assert "999999" in body["errors"]["jurisdiction"][0]


def test_foreign_jurisdiction_code_answers_like_a_nonexistent_one(office_client):
    """County B exists, but for county A's office it must look exactly like a code that doesn't."""
    foreign = office_client.post(
        "/api/v1/organizations/", {"jurisdiction": "350583", "name": "x", "kind": "government"}, format="json", **EN
    )
    missing = office_client.post(
        "/api/v1/organizations/", {"jurisdiction": "350584", "name": "x", "kind": "government"}, format="json", **EN
    )
    assert foreign.status_code == missing.status_code == 400
    foreign_message = foreign.json()["errors"]["jurisdiction"][0]
    missing_message = missing.json()["errors"]["jurisdiction"][0]
    assert foreign_message.replace("350583", "<code>") == missing_message.replace("350584", "<code>")
    assert "scope" not in foreign_message.lower()
    assert not Organization.objects.filter(name="x").exists()


def test_foreign_organization_id_in_post_answers_like_a_nonexistent_one(office_client, world):
    payload = {"official": world.a.official.pk, "role": "inspector", "start_date": "2024-01-01"}
    foreign = office_client.post("/api/v1/posts/", {**payload, "organization": world.b.orgs["office"].pk}, format="json", **EN)
    missing = office_client.post("/api/v1/posts/", {**payload, "organization": 987654}, format="json", **EN)
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json()["errors"]["organization"][0].replace(str(world.b.orgs["office"].pk), "N") == missing.json()["errors"][
        "organization"
    ][0].replace("987654", "N")


def test_400_post_end_date_before_start_date(office_client, world):
    response = office_client.post(
        "/api/v1/posts/",
        {
            "official": world.a.official.pk,
            "organization": world.a.orgs["office"].pk,
            "role": "office_staff",
            "start_date": "2024-05-01",
            "end_date": "2024-04-30",
        },
        format="json",
        **EN,
    )
    body = _assert_error_body(response, 400, "invalid")
    assert body["errors"] == {"end_date": ["The end date cannot be before the start date."]}


def test_400_patch_end_date_before_existing_start_date(office_client, world):
    post = Post.objects.get(official=world.a.official)
    response = office_client.patch(f"/api/v1/posts/{post.pk}/", {"end_date": "2019-12-31"}, format="json", **EN)
    body = _assert_error_body(response, 400, "invalid")
    assert "end_date" in body["errors"]
    post.refresh_from_db()
    assert post.end_date is None


def test_400_from_a_service_validation_error_keeps_field_names(office_client, world):
    # the duplicate name is caught by the model's unique constraint inside the service
    response = office_client.post(
        "/api/v1/organizations/",
        {"jurisdiction": "350582", "name": "晋江市应急管理局", "kind": "supervisory_department"},
        format="json",
        **EN,
    )
    body = _assert_error_body(response, 400, "invalid")
    assert body["errors"] == {"non_field_errors": ["An organization with this name already exists in this jurisdiction."]}


def test_400_lead_department_on_non_task_group(office_client, world):
    response = office_client.patch(
        f"/api/v1/organizations/{world.a.orgs['government'].pk}/",
        {"lead_department": world.a.orgs["emergency"].pk},
        format="json",
        **EN,
    )
    body = _assert_error_body(response, 400, "invalid")
    assert body["errors"] == {"lead_department": ["Only a special task group has a lead department."]}


def test_malformed_json_is_400_not_500(office_client):
    response = office_client.generic(
        "POST", "/api/v1/organizations/", '{"jurisdiction": "350582", "name": ', content_type="application/json", **EN
    )
    body = _assert_error_body(response, 400, "parse_error")
    assert "JSON parse error" in body["detail"]
    assert "errors" not in body


def test_401_without_credentials(api_client):
    body = _assert_error_body(api_client.get("/api/v1/organizations/"), 401, "not_authenticated")
    assert "errors" not in body


def test_403_for_role_without_permission(api_client, world):
    api_client.force_login(world.user(Role.AUDITOR))
    response = api_client.post("/api/v1/organizations/", {"jurisdiction": "350582", "name": "x", "kind": "government"}, format="json")
    _assert_error_body(response, 403, "permission_denied")


def test_403_for_read_only_role_on_visible_object(api_client, world):
    api_client.force_login(world.user(Role.LEADER))
    response = api_client.patch(f"/api/v1/organizations/{world.a.orgs['office'].pk}/", {"name": "x"}, format="json")
    _assert_error_body(response, 403, "permission_denied")


def test_404_for_foreign_object(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    _assert_error_body(api_client.get(f"/api/v1/organizations/{world.b.orgs['office'].pk}/"), 404, "not_found")


def test_404_for_unknown_api_path_is_json(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == 404


def test_405_uses_the_same_body(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    _assert_error_body(api_client.delete(f"/api/v1/organizations/{world.a.orgs['office'].pk}/"), 405, "method_not_allowed")


def test_service_permission_denied_becomes_403(api_client, world, monkeypatch):
    from django.core.exceptions import PermissionDenied

    def refuse(**kwargs):
        raise PermissionDenied("no")

    monkeypatch.setattr("responsibility.api.views.backbone.OrganizationViewSet.update_service", staticmethod(refuse))
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.patch(f"/api/v1/organizations/{world.a.orgs['office'].pk}/", {"name": "y"}, format="json")
    _assert_error_body(response, 403, "permission_denied")


def test_integrity_error_becomes_409_conflict(api_client, world, monkeypatch):
    from django.db import IntegrityError

    def clash(**kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr("responsibility.api.views.backbone.OrganizationViewSet.update_service", staticmethod(clash))
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.patch(f"/api/v1/organizations/{world.a.orgs['office'].pk}/", {"name": "y"}, format="json")
    body = _assert_error_body(response, 409, "conflict")
    assert "duplicate key" not in body["detail"]


def test_unexpected_error_is_500_without_traceback(api_client, world, monkeypatch, caplog):
    def boom(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("responsibility.api.views.backbone.OrganizationViewSet.update_service", staticmethod(boom))
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.patch(f"/api/v1/organizations/{world.a.orgs['office'].pk}/", {"name": "y"}, format="json")
    body = _assert_error_body(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert any("Unhandled API error" in r.getMessage() for r in caplog.records)
    assert body["status"] == 500


def test_services_are_the_only_write_path(api_client, world, monkeypatch):
    """The API calls the service (which re-checks the scope), never serializer.save()."""
    calls = []
    real = services.organization_update

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr("responsibility.api.views.backbone.OrganizationViewSet.update_service", staticmethod(spy))
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.patch(f"/api/v1/organizations/{world.a.orgs['office'].pk}/", {"short_name": "安委办"}, format="json")
    assert response.status_code == 200
    assert len(calls) == 1 and calls[0]["actor"] == world.user(Role.SAFETY_OFFICE) and calls[0]["short_name"] == "安委办"
