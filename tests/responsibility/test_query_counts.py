"""List pages and API lists issue a fixed number of queries, whatever the number of rows.

Each test loads a list with 3 rows of its kind, then with 30, and pins the count: a number
that grows with the rows is an N+1 (a missing select_related/prefetch or a query per row in a
template). If a deliberate change adds a query, update the pin.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibility.choices import JurisdictionLevel, OrganizationKind, PostRole
from responsibility.roles import Role
from tests.factories import OfficialFactory, OrganizationFactory, PostFactory, jurisdiction

pytestmark = pytest.mark.django_db

_township_numbers = itertools.count(200)


def add_rows(world, n: int) -> None:
    """``n`` more townships, organizations (each with a parent and a lead department),
    officials and current posts in county A."""
    county = world.a.county
    for _ in range(n):
        number = next(_township_numbers)
        town = jurisdiction(f"350582{number:03d}", JurisdictionLevel.TOWNSHIP, county, f"测试镇{number}")
        group = OrganizationFactory(
            jurisdiction=county,
            name=f"专项组{number}",
            kind=OrganizationKind.TASK_GROUP,
            parent=world.a.orgs["committee"],
            lead_department=world.a.orgs["emergency"],
        )
        official = OfficialFactory(name=f"干部{number}", registered_in=town)
        PostFactory(official=official, organization=group, role=PostRole.GOVERNMENT_LEADER, title=f"组长{number}")


def count_queries(client, url: str) -> int:
    # One request first: process-wide caches (content types, the calendar) filled by whichever
    # test ran before must not change the count.
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def assert_constant(client, world, url: str, expected: int, django_assert_num_queries) -> None:
    add_rows(world, 3)
    small = count_queries(client, url)
    add_rows(world, 27)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert small == expected, f"{small} queries with 3 rows, {expected} pinned for 30"


# Every request: session and user (2), the access rule (4: user and group permissions, the
# scope, the user's object-grant content types), the COUNT and the page (2).
# HTML pages add the scope label in the header and the jurisdiction choices of the filter
# form (2); officials add the prefetch of their current posts (1).
HTML_PAGES = {
    "responsibility:jurisdiction_list": 10,
    "responsibility:organization_list": 10,
    "responsibility:official_list": 11,
}
API_LISTS = {
    "/api/v1/jurisdictions/": 8,
    "/api/v1/organizations/": 8,
    "/api/v1/officials/": 9,
    "/api/v1/posts/": 8,
}


@pytest.mark.parametrize(("url_name", "expected"), HTML_PAGES.items(), ids=list(HTML_PAGES))
def test_html_list_page_query_count_does_not_grow_with_rows(client, world, url_name, expected, django_assert_num_queries):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert_constant(client, world, reverse(url_name), expected, django_assert_num_queries)


@pytest.mark.parametrize(("url", "expected"), API_LISTS.items(), ids=list(API_LISTS))
def test_api_list_query_count_does_not_grow_with_rows(api_client, world, url, expected, django_assert_num_queries):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    assert_constant(api_client, world, url, expected, django_assert_num_queries)


def test_rows_really_are_listed(api_client, world):
    """The pins above are only meaningful if the rows added are in the lists."""
    add_rows(world, 30)
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    assert api_client.get("/api/v1/organizations/").json()["count"] == 6 + 30
    assert api_client.get("/api/v1/officials/").json()["count"] >= 30
    assert api_client.get("/api/v1/posts/").json()["count"] >= 30
    assert api_client.get("/api/v1/jurisdictions/").json()["count"] == 3 + 30
