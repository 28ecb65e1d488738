"""Meeting and obligation lists issue a fixed number of queries, whatever the number of rows
(3 rows, then 30; see tests/responsibility/test_query_counts.py for the method)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from responsibility.models import Obligation
from responsibility.roles import Role
from tests.factories import MeetingFactory
from tests.responsibility.meetings_fixtures import leader

pytestmark = pytest.mark.django_db


def add_rows(world, n: int) -> None:
    """``n`` meetings of county A, each with a chair and two attendees, and ``n`` local rules."""
    government = world.a.orgs["government"]
    for i in range(n):
        chair = leader(government)
        MeetingFactory(organization=government, held_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i), chair=chair,
                       attendees=[world.a.official, leader(government)])
        Obligation.objects.create(
            name=f"本地规则{Obligation.objects.count()}", jurisdiction=world.a.county, subject="organization_kind",
            organization_kinds=["government"], levels=["county"], activity="meeting", meeting_kind="government_safety",
            minimum=1, period="quarter",
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# Session, user, permissions, scope, grants (the base of every request, see
# test_query_counts.py); COUNT and page; the HTML pages' scope label and filter choices (the
# meeting list: jurisdictions and organizations with meetings); the API's attendee prefetch.
PAGES = {
    "/responsibility/meetings/": 11,
    "/responsibility/obligations/": 10,
    "/api/v1/meetings/": 9,
    "/api/v1/obligations/": 8,
}


@pytest.mark.parametrize(("url", "expected"), PAGES.items(), ids=list(PAGES))
def test_list_query_count_does_not_grow_with_rows(client, world, url, expected, django_assert_num_queries):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    add_rows(world, 3)
    client.get(url)  # warm the per-process caches
    small = _count(client, url)
    add_rows(world, 27)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert small == expected
    if "meetings" in url:  # the rows really are listed
        total = response.context["paginator"].count if response.context else response.json()["count"]
        assert total == 30
