"""Supervision lists issue a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from responsibility.models import SupervisionNotice, SupervisionProgress
from responsibility.roles import Role
from tests.factories import SupervisionMatterFactory

pytestmark = pytest.mark.django_db


def add_rows(world, n: int) -> None:
    """``n`` matters of county A with a cooperating unit, two progress entries and a notice."""
    office = world.user(Role.SAFETY_OFFICE)
    for _ in range(n):
        matter = SupervisionMatterFactory(jurisdiction=world.a.county, owner=world.a.official, lead_unit=world.a.orgs["emergency"])
        matter.cooperating_units.set([world.a.orgs["township"]])
        for month in (1, 2):
            SupervisionProgress.objects.create(matter=matter, month=datetime.date(2026, month, 1), progress="进展", reported_by=office)
        notice = SupervisionNotice.objects.create(
            jurisdiction=world.a.county, year=2026, number=matter.number, prefix="晋安办督", month=datetime.date(2026, 1, 1),
            title="通报", body="正文", issued_on=datetime.date(2026, 2, 5), issued_by=office,
        )
        notice.matters.set([matter])


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# The base of every request (see test_query_counts.py), COUNT and page, the HTML pages' scope
# label and jurisdiction choices, the matter list's headline totals (1), the API's prefetches
# (cooperating units, a notice's matters).
PAGES = {
    "/responsibility/supervision/": 11,
    "/responsibility/supervision/notices/": 10,
    "/api/v1/supervision-matters/": 9,
    "/api/v1/supervision-progress/": 8,
    "/api/v1/supervision-notices/": 9,
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
