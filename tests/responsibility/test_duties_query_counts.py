"""The duty, key-work and committee pages and API lists issue a fixed number of queries,
whatever the number of rows (see tests/responsibility/test_query_counts.py for the method).

Each test loads a page with 3 rows of every kind, then with 30, and pins the count."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from responsibility.choices import CheckResult, JurisdictionLevel, OrganizationKind, PostRole, WorkItemStatus
from responsibility.models import Official, Post, ResponsibilityItem, WorkItemCheck
from responsibility.roles import Role
from responsibility.services import duties as services
from tests.factories import (
    CommitteeMembershipFactory,
    DutyTemplateFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    WorkItemFactory,
    WorkListFactory,
    jurisdiction,
)

pytestmark = pytest.mark.django_db

_numbers = itertools.count(300)


class Rows:
    """Everything the pages list, in county A, added ``n`` at a time."""

    def __init__(self, world):
        self.world = world
        county = world.a.county
        self.leader = Official.objects.get(user=world.user(Role.LEADER))
        self.work_list = WorkListFactory(jurisdiction=county, year=timezone.localdate().year, organizer=self.leader)
        self.committee = world.a.orgs["committee"]
        self.checker = world.user(Role.SAFETY_OFFICE)

    def add(self, n: int) -> None:
        world, county = self.world, self.world.a.county
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        posts = []
        for _ in range(n):
            number = next(_numbers)
            town = jurisdiction(f"350582{number:03d}", JurisdictionLevel.TOWNSHIP, county, f"测试镇{number}")
            DutyTemplateFactory(jurisdiction=town, role=PostRole.SAFETY_DEPUTY, content=f"补充职责{number}")
            government = OrganizationFactory(jurisdiction=town, name=f"测试镇{number}人民政府", kind=OrganizationKind.GOVERNMENT)
            official = OfficialFactory(name=f"镇长{number}", registered_in=town)
            post = PostFactory(official=official, organization=government, role=PostRole.SAFETY_DEPUTY, title="副镇长")
            posts.append(post)
            item = WorkItemFactory(work_list=self.work_list, owner=self.leader, due_date=yesterday, status=WorkItemStatus.IN_PROGRESS)
            WorkItemCheck.objects.create(item=item, check_date=yesterday, result=CheckResult.BEHIND, checker=self.checker)
            other_list = WorkListFactory(jurisdiction=town, year=timezone.localdate().year)
            WorkItemFactory(work_list=other_list, owner=official, due_date=yesterday)
            committee = OrganizationFactory(jurisdiction=town, name=f"测试镇{number}安委会", kind=OrganizationKind.SAFETY_COMMITTEE)
            CommitteeMembershipFactory(body=committee, post=post)
            CommitteeMembershipFactory(body=self.committee, post=PostFactory(
                organization=world.a.orgs["emergency"], role=PostRole.DEPARTMENT_LEADER, official=OfficialFactory(name=f"委员{number}"),
            ))
            # The leader's own list grows too (custom items), for the official's pages.
            leader_post = Post.objects.filter(official=self.leader).first()
            ResponsibilityItem.objects.create(official=self.leader, post=leader_post, content=f"自定义{number}", sequence=100 + number)
        services.generate_lists_in_bulk(posts)


def _count(client, url: str) -> int:
    # A first request fills process-wide caches (content types, permissions): not counted.
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _assert_constant(client, world, url_of, expected: int, django_assert_num_queries) -> None:
    rows = Rows(world)
    rows.add(3)
    small = _count(client, url_of(rows))
    rows.add(27)
    with django_assert_num_queries(expected):
        response = client.get(url_of(rows))
    assert response.status_code == 200
    assert small == expected, f"{small} queries with 3 rows, {expected} pinned for 30"


# Every page: session, user, the access rule (permissions, scope, grant types) and the
# header's scope label; lists add the filter form's choices, COUNT and the page.
HTML_PAGES = {
    "duty templates": (lambda r: reverse("responsibility:duty_template_list"), 10),
    "officials' lists": (lambda r: reverse("responsibility:responsibility_list_index"), 10),
    "key-work lists": (lambda r: reverse("responsibility:work_list_list"), 11),
    "key-work items": (lambda r: reverse("responsibility:work_item_list"), 10),
    "overdue items": (lambda r: reverse("responsibility:work_item_overdue"), 10),
    "key-work list": (lambda r: reverse("responsibility:work_list_detail", args=[r.work_list.pk]), 13),
    "committees": (lambda r: reverse("responsibility:committee_list"), 10),
    "committee": (lambda r: reverse("responsibility:committee_detail", args=[r.committee.pk]), 13),
    # 16: the accountability links count the official's decisions (one query).
    "official": (lambda r: reverse("responsibility:official_detail", args=[r.leader.pk]), 16),
    "two lists": (lambda r: reverse("responsibility:official_two_lists", args=[r.leader.pk]), 12),
}
API_LISTS = {
    "/api/v1/duty-templates/": 8,
    "/api/v1/responsibility-items/": 8,
    "/api/v1/work-lists/": 8,
    "/api/v1/work-items/": 8,
    "/api/v1/work-item-checks/": 8,
    "/api/v1/committee-memberships/": 8,
}


@pytest.mark.parametrize(("name", "url_of", "expected"), [(k, *v) for k, v in HTML_PAGES.items()], ids=list(HTML_PAGES))
def test_page_query_count_does_not_grow_with_rows(client, world, name, url_of, expected, django_assert_num_queries):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    _assert_constant(client, world, url_of, expected, django_assert_num_queries)


@pytest.mark.parametrize(("url", "expected"), API_LISTS.items(), ids=list(API_LISTS))
def test_api_list_query_count_does_not_grow_with_rows(api_client, world, url, expected, django_assert_num_queries):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    _assert_constant(api_client, world, lambda r: url, expected, django_assert_num_queries)


@pytest.mark.parametrize(
    ("panel", "role", "expected"),
    [("render_my_work_items", Role.LEADER, 6), ("render_office_overdue", Role.SAFETY_OFFICE, 6)],
)
def test_home_panel_query_count_does_not_grow_with_rows(rf, world, panel, role, expected, django_assert_num_queries):
    """The home page is shared with other features' panels: pin only what these panels cost,
    for a fresh user (so including the permission and scope lookups of the context processors
    their templates run)."""
    from responsibility.views import duties as views

    render = getattr(views, panel)

    def run() -> str:
        request = rf.get("/")
        request.user = type(world.user(role)).objects.get(pk=world.user(role).pk)  # fresh: no cached perms
        return render(request)

    rows = Rows(world)
    rows.add(3)
    with CaptureQueriesContext(connection) as small:
        assert run()
    rows.add(27)
    with django_assert_num_queries(expected):
        html = run()
    assert len(small.captured_queries) == expected
    assert "overdue" in html


def test_the_rows_really_are_on_the_pages(client, world):
    """The pins above only mean something if the rows added are shown."""
    rows = Rows(world)
    rows.add(30)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(reverse("responsibility:work_item_overdue")).context["paginator"].count == 60
    assert client.get(reverse("responsibility:committee_list")).context["paginator"].count == 31
    assert len(client.get(reverse("responsibility:work_list_detail", args=[rows.work_list.pk])).context["items"]) == 30
    assert client.get(reverse("responsibility:committee_detail", args=[rows.committee.pk])).context["member_total"] == 30
    assert len(client.get(reverse("responsibility:official_two_lists", args=[rows.leader.pk])).context["lists"].work_items) == 30
    assert client.get(reverse("responsibility:responsibility_list_index")).context["paginator"].count >= 30
