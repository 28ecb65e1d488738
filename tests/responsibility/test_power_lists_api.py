"""The API of power-and-responsibility lists: reading versions and items in scope, and the
workflow's moves as POST actions through the same services (400 / 403 / 404 / 409)."""

from __future__ import annotations

import itertools

import pytest

from responsibility.choices import OrganizationKind, PowerListStatus
from responsibility.roles import Role
from tests.conftest import results
from tests.factories import OrganizationFactory
from tests.responsibility.power_lists_fixtures import department, make_version, office, staffing

pytestmark = pytest.mark.django_db

S = PowerListStatus
URL = "/api/v1/power-lists/"


def test_list_shows_versions_in_scope_with_filters(api_client, world):
    published = make_version(world.a.orgs["emergency"], status=S.PUBLISHED, number=1)
    draft = make_version(world.a.orgs["government"], status=S.DRAFT)
    make_version(world.b.orgs["emergency"], status=S.PUBLISHED)
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    assert {row["id"] for row in results(api_client.get(URL))} == {published.pk, draft.pk}
    rows = results(api_client.get(URL, {"published": "true"}))
    assert [(row["id"], row["status"], row["item_count"], row["jurisdiction_code"]) for row in rows] == [
        (published.pk, "published", 3, "350582")
    ]
    assert [row["id"] for row in results(api_client.get(URL, {"status": "draft"}))] == [draft.pk]
    assert results(api_client.get(URL, {"jurisdiction": world.a.township.pk})) == []
    assert len(results(api_client.get(URL, {"jurisdiction": world.a.county.pk}))) == 2
    detail = api_client.get(f"{URL}{published.pk}/").json()
    assert [item["sequence"] for item in detail["items"]] == [1, 2, 3]
    assert api_client.get(f"{URL}{make_version(world.b.orgs['government']).pk}/").status_code == 404


def test_items_are_readable_and_filterable_by_organization(api_client, world):
    version = make_version(world.a.orgs["emergency"], status=S.PUBLISHED, items=4)
    make_version(world.b.orgs["emergency"], status=S.PUBLISHED, items=2)
    api_client.force_login(world.user(Role.AUDITOR))
    rows = results(api_client.get("/api/v1/power-list-items/", {"organization": version.organization_id}))
    assert len(rows) == 4 and rows[0]["kind"] == "power"
    assert len(results(api_client.get("/api/v1/power-list-items/"))) == 4  # county B's are out of scope


def test_workflow_through_the_api_submit_review_publish(api_client, world):
    version = make_version(world.a.orgs["emergency"])
    api_client.force_login(department(world))
    response = api_client.post(f"{URL}{version.pk}/submit/", {"lock_version": 0}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    api_client.force_login(staffing(world))
    response = api_client.post(f"{URL}{version.pk}/review/", {"office": "staffing", "decision": "approve"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    api_client.force_login(office(world))
    response = api_client.post(f"{URL}{version.pk}/review/", {"office": "safety", "decision": "approve"}, format="json")
    assert response.json()["status"] == "approved"
    response = api_client.post(f"{URL}{version.pk}/publish/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "published"


def test_api_refusals_use_the_common_error_body(api_client, world):
    version = make_version(world.a.orgs["emergency"], status=S.SUBMITTED)
    api_client.force_login(office(world))
    # a return without a comment: 400 with the field
    body = api_client.post(f"{URL}{version.pk}/review/", {"office": "safety", "decision": "return"}, format="json").json()
    assert (body["status"], body["code"], list(body["errors"])) == (400, "invalid", ["comment"])
    # a stale lock_version: 409
    body = api_client.post(
        f"{URL}{version.pk}/review/", {"office": "safety", "decision": "approve", "lock_version": 99}, format="json"
    ).json()
    assert (body["status"], body["code"]) == (409, "conflict")
    # publishing before both reviews: 400
    body = api_client.post(f"{URL}{version.pk}/publish/", {}, format="json").json()
    assert body["status"] == 400 and "both the staffing office" in body["errors"]["non_field_errors"][0]
    # an office the role does not hold: 403
    api_client.force_login(staffing(world))
    assert api_client.post(f"{URL}{version.pk}/review/", {"office": "safety", "decision": "approve"}, format="json").status_code == 403
    # another county's list: 404
    foreign = make_version(world.b.orgs["emergency"], status=S.SUBMITTED)
    assert api_client.post(f"{URL}{foreign.pk}/review/", {"office": "staffing", "decision": "approve"}, format="json").status_code == 404
    # unknown office: 400
    assert api_client.post(f"{URL}{version.pk}/review/", {"office": "mayor", "decision": "approve"}, format="json").status_code == 400
    version.refresh_from_db()
    assert version.status == S.SUBMITTED and not version.reviews.exists()


def test_read_only_roles_cannot_move_lists(api_client, world):
    version = make_version(world.a.orgs["emergency"])
    for role in (Role.AUDITOR, Role.COUNTY_SYSTEM, Role.LEADER):
        api_client.force_login(world.user(role))
        assert api_client.post(f"{URL}{version.pk}/submit/", {}, format="json").status_code == 403, role
    version.refresh_from_db()
    assert version.status == S.DRAFT


_numbers = itertools.count(900)


def _add(world, n):
    for _ in range(n):
        org = OrganizationFactory(jurisdiction=world.a.county, name=f"接口局{next(_numbers)}", kind=OrganizationKind.OTHER_DEPARTMENT)
        make_version(org, status=S.PUBLISHED, items=2)


@pytest.mark.parametrize(("url", "expected"), [(URL, 8), ("/api/v1/power-list-items/", 8)])
def test_api_list_query_count_does_not_grow_with_rows(api_client, world, url, expected, django_assert_num_queries):
    api_client.force_login(office(world))
    _add(world, 3)
    with django_assert_num_queries(expected):
        assert api_client.get(url).status_code == 200
    _add(world, 27)
    with django_assert_num_queries(expected):
        response = api_client.get(url)
    assert response.json()["count"] >= 30
