"""The API of duty templates, responsibility lists and key-work lists."""

# The shared fixtures are imported by name, so pytest finds them; test arguments of the same name
# are what pytest passes, not a redefinition.
# ruff: noqa: F811
from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from responsibility.choices import PostRole, WorkItemStatus
from responsibility.models import Post, WorkItemCheck
from responsibility.roles import Role
from responsibility.services import duties as services
from tests.conftest import results
from tests.factories import DutyTemplateFactory, PostFactory, WorkItemFactory, WorkListFactory
from tests.responsibility.duties_fixtures import duty_world, owned_item, work_list  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_duty_templates_are_readable_with_statutory_and_own_local_ones(api_client, world):
    mine = DutyTemplateFactory(jurisdiction=world.a.county)
    other = DutyTemplateFactory(jurisdiction=world.b.county)
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    rows = results(api_client.get("/api/v1/duty-templates/", {"page_size": 500}))
    ids = {r["id"] for r in rows}
    assert mine.pk in ids and other.pk not in ids
    assert sum(1 for r in rows if r["statutory"]) == 24
    local = next(r for r in rows if r["id"] == mine.pk)
    assert local["jurisdiction_code"] == "350582"


def test_duty_templates_are_read_only(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    assert api_client.post("/api/v1/duty-templates/", {"content": "x"}, format="json").status_code == 405


def test_responsibility_items_filter_by_official(api_client, world):
    office = world.user(Role.SAFETY_OFFICE)
    leader_post = Post.objects.get(official__user=world.user(Role.LEADER))
    department_post = Post.objects.get(official__user=world.user(Role.DEPARTMENT))
    for post in (leader_post, department_post):
        services.responsibility_list_generate(actor=office, post=post)
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    rows = results(api_client.get("/api/v1/responsibility-items/", {"official": leader_post.official_id}))
    assert len(rows) == 6
    assert {r["post"] for r in rows} == {leader_post.pk}
    assert rows[0]["jurisdiction_code"] == "350582" and rows[0]["by_reference"] is False
    by_post = results(api_client.get("/api/v1/responsibility-items/", {"post": department_post.pk}))
    assert len(by_post) == 5 and all(r["by_reference"] for r in by_post)


def test_responsibility_items_of_another_county_are_invisible(api_client, world):
    post = PostFactory(organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_LEADER)
    services.responsibility_list_generate(actor=None, post=post)
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    assert results(api_client.get("/api/v1/responsibility-items/", {"post": post.pk})) == []


def test_work_lists_carry_their_counts(api_client, duty_world, work_list):
    owner = duty_world.official(duty_world.gov_leader)
    WorkItemFactory(work_list=work_list, owner=owner, due_date=timezone.localdate() - datetime.timedelta(days=1))
    WorkItemFactory(work_list=work_list, owner=owner, status=WorkItemStatus.DONE)
    WorkListFactory(jurisdiction=duty_world.world.b.county)
    api_client.force_login(duty_world.world.user(Role.AUDITOR))
    rows = results(api_client.get("/api/v1/work-lists/"))
    assert [(r["jurisdiction_code"], r["item_count"], r["done_count"], r["overdue_count"]) for r in rows] == [("350582", 2, 1, 1)]


def test_overdue_items_through_the_api(api_client, duty_world, work_list):
    owner = duty_world.official(duty_world.gov_leader)
    late = WorkItemFactory(work_list=work_list, owner=owner, due_date=timezone.localdate() - datetime.timedelta(days=3))
    WorkItemFactory(work_list=work_list, owner=owner)
    api_client.force_login(duty_world.world.user(Role.COUNTY_SYSTEM))
    rows = results(api_client.get("/api/v1/work-items/", {"overdue": "true"}))
    assert [(r["id"], r["is_overdue"]) for r in rows] == [(late.pk, True)]


def test_the_owner_patches_the_status(api_client, duty_world, owned_item):
    api_client.force_login(duty_world.world.user(Role.LEADER))
    response = api_client.patch(f"/api/v1/work-items/{owned_item.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["completed_on"], body["check_count"]) == ("done", timezone.localdate().isoformat(), 0)


def test_patching_other_fields_changes_nothing(api_client, duty_world, owned_item):
    api_client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = api_client.patch(f"/api/v1/work-items/{owned_item.pk}/", {"content": "改掉"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["This field is required."]}
    owned_item.refresh_from_db()
    assert owned_item.content != "改掉"


def test_a_forbidden_move_is_a_400_with_the_reason(api_client, duty_world, owned_item):
    api_client.force_login(duty_world.world.user(Role.LEADER))
    api_client.patch(f"/api/v1/work-items/{owned_item.pk}/", {"status": "in_progress"}, format="json")
    response = api_client.patch(f"/api/v1/work-items/{owned_item.pk}/", {"status": "not_started"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]["status"] == ["An item that is “In progress” cannot become “Not started”."]


def test_another_leader_is_refused_and_another_county_does_not_find_the_item(api_client, duty_world, owned_item):
    api_client.force_login(duty_world.gov_leader)
    forbidden = api_client.patch(f"/api/v1/work-items/{owned_item.pk}/", {"status": "done"}, format="json")
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "permission_denied"
    api_client.force_login(duty_world.b_principal)
    assert api_client.patch(f"/api/v1/work-items/{owned_item.pk}/", {"status": "done"}, format="json").status_code == 404
    owned_item.refresh_from_db()
    assert owned_item.status == WorkItemStatus.NOT_STARTED


def test_a_read_only_account_cannot_patch(api_client, duty_world, owned_item):
    api_client.force_login(duty_world.world.user(Role.AUDITOR))
    assert api_client.patch(f"/api/v1/work-items/{owned_item.pk}/", {"status": "done"}, format="json").status_code == 403


def test_a_check_is_posted_with_its_evidence(api_client, duty_world, owned_item):
    api_client.force_login(duty_world.principal)
    response = api_client.post(
        "/api/v1/work-item-checks/",
        {"item": owned_item.pk, "check_date": timezone.localdate().isoformat(), "result": "on_track", "note": "正常",
         "evidence": SimpleUploadedFile("记录.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["checker"] == duty_world.principal.pk
    assert body["evidence_url"].endswith(f"/work-checks/{body['id']}/evidence/")
    assert WorkItemCheck.objects.get().evidence


def test_a_check_of_another_countys_item_is_refused_as_unknown(api_client, duty_world, owned_item):
    api_client.force_login(duty_world.b_principal)
    response = api_client.post(
        "/api/v1/work-item-checks/", {"item": owned_item.pk, "check_date": timezone.localdate().isoformat(), "result": "on_track"}, format="json"
    )
    assert response.status_code == 400
    assert "item" in response.json()["errors"]
    assert not WorkItemCheck.objects.exists()


def test_a_check_by_the_owner_is_forbidden(api_client, duty_world, owned_item):
    api_client.force_login(duty_world.world.user(Role.LEADER))
    response = api_client.post(
        "/api/v1/work-item-checks/", {"item": owned_item.pk, "check_date": timezone.localdate().isoformat(), "result": "on_track"}, format="json"
    )
    assert response.status_code == 403


def test_a_check_with_a_bad_result_is_a_field_error_not_a_crash(api_client, duty_world, owned_item):
    api_client.force_login(duty_world.principal)
    response = api_client.post(
        "/api/v1/work-item-checks/", {"item": owned_item.pk, "check_date": "not-a-date", "result": "great"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"check_date", "result"}


def test_the_schema_documents_the_endpoints(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/duty-templates/", "/api/v1/responsibility-items/", "/api/v1/work-lists/", "/api/v1/work-items/{id}/",
                 "/api/v1/work-item-checks/", "/api/v1/committee-memberships/"):
        assert path in schema["paths"], path
    assert "patch" in schema["paths"]["/api/v1/work-items/{id}/"]
    assert "put" not in schema["paths"]["/api/v1/work-items/{id}/"]
