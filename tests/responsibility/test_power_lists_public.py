"""The public pages (向社会公布): published lists without login, older published versions and the
difference between them; nothing unpublished or internal is ever shown."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from responsibility.choices import OrganizationKind, PowerListStatus, ReviewDecision, ReviewOffice
from tests.factories import OrganizationFactory, UserFactory
from tests.responsibility.power_lists_fixtures import make_version

pytestmark = pytest.mark.django_db

S = PowerListStatus
INDEX = reverse("public:list_index")


def test_anonymous_visitor_reads_the_current_published_list(client, world):
    org = world.a.orgs["emergency"]
    make_version(org, status=S.SUPERSEDED, number=1, items=2)
    make_version(org, status=S.PUBLISHED, number=2, items=3)
    response = client.get(reverse("public:list_detail", args=[org.pk]))
    assert response.status_code == 200
    assert response.context["version"].number == 2
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert "晋江市应急管理局事项3" in response.content.decode()
    older = client.get(reverse("public:list_version", args=[org.pk, 1]))
    assert older.status_code == 200 and "older version" in older.content.decode()


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED])
def test_a_list_never_published_is_not_found_for_the_public(client, world, status):
    org = world.a.orgs["emergency"]
    make_version(org, status=status)
    assert client.get(reverse("public:list_detail", args=[org.pk])).status_code == 404
    assert client.get(reverse("public:list_version", args=[org.pk, 1])).status_code == 404
    assert client.get(reverse("public:list_diff", args=[org.pk])).status_code == 404
    assert org.name not in client.get(INDEX).content.decode()


def test_a_version_in_progress_after_a_published_one_stays_hidden(client, world):
    org = world.a.orgs["emergency"]
    make_version(org, status=S.PUBLISHED, number=1, items=1)
    draft = make_version(org, status=S.RETURNED, number=2, items=0)
    draft.items.create(sequence=1, kind="power", title="尚未公布的草稿事项", legal_basis="x", responsible_unit="y")
    draft.reviews.create(office=ReviewOffice.SAFETY, decision=ReviewDecision.RETURN, comment="内部审核意见", reviewer=UserFactory())
    assert client.get(reverse("public:list_version", args=[org.pk, 2])).status_code == 404
    for url in (reverse("public:list_detail", args=[org.pk]), reverse("public:list_diff", args=[org.pk]), INDEX):
        html = client.get(url).content.decode()
        assert "尚未公布的草稿事项" not in html and "内部审核意见" not in html, url


def test_public_diff_compares_published_versions(client, world):
    org = world.a.orgs["emergency"]
    make_version(org, status=S.SUPERSEDED, number=1, items=2)
    make_version(org, status=S.PUBLISHED, number=2, items=3)
    response = client.get(reverse("public:list_diff", args=[org.pk]), {"from": 1, "to": 2})
    assert response.status_code == 200
    assert [item.title for item in response.context["diff"].added] == ["晋江市应急管理局事项3"]


def test_public_index_groups_by_jurisdiction_and_searches(client, world):
    make_version(world.a.orgs["emergency"], status=S.PUBLISHED)
    make_version(world.b.orgs["government"], status=S.PUBLISHED)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert {org.name for org in response.context["organizations"]} == {"晋江市应急管理局", "南安市人民政府"}
    response = client.get(INDEX, {"q": "应急"})
    assert [org.name for org in response.context["organizations"]] == ["晋江市应急管理局"]
    response = client.get(INDEX, {"jurisdiction": world.b.county.pk})
    assert [org.name for org in response.context["organizations"]] == ["南安市人民政府"]
    assert "Staff sign-in" in response.content.decode()


_numbers = itertools.count(700)


def _publish_more(world, n):
    for _ in range(n):
        org = OrganizationFactory(jurisdiction=world.a.county, name=f"公开局{next(_numbers)}", kind=OrganizationKind.OTHER_DEPARTMENT)
        make_version(org, status=S.SUPERSEDED, number=1, items=1)
        make_version(org, status=S.PUBLISHED, number=2, items=1)


def test_public_index_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    _publish_more(world, 3)
    # COUNT, the page, the jurisdiction choices of the search form
    with django_assert_num_queries(3):
        assert client.get(INDEX).status_code == 200
    _publish_more(world, 27)
    with django_assert_num_queries(3):
        response = client.get(INDEX)
    assert len(response.context["organizations"]) == 30
