"""Safety-committee and task-group membership: services, pages and API."""

# The shared fixtures are imported by name, so pytest finds them; test arguments of the same name
# are what pytest passes, not a redefinition.
# ruff: noqa: F811
from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from responsibility.choices import CommitteePosition as Position
from responsibility.choices import OrganizationKind, PostRole
from responsibility.models import CommitteeMembership, Post
from responsibility.roles import Role
from responsibility.services import committee as services
from tests.conftest import results
from tests.factories import OrganizationFactory, PostFactory
from tests.responsibility.duties_fixtures import duty_world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(world):
    return world.a.orgs["committee"]


@pytest.fixture
def task_group(world, committee):
    return OrganizationFactory(
        jurisdiction=world.a.county, name="晋江市安委会道路交通安全专业委员会", kind=OrganizationKind.TASK_GROUP,
        parent=committee, lead_department=world.a.orgs["emergency"],
    )


def _post(user) -> Post:
    return Post.objects.get(official__user=user)


def _add(world, body, user_or_post, position, actor=None):
    post = user_or_post if isinstance(user_or_post, Post) else _post(user_or_post)
    return services.committee_membership_add(actor=actor or world.user(Role.SAFETY_OFFICE), body=body, post=post, position=position)


# --- Services ---------------------------------------------------------------------------------


def test_the_office_seats_chair_vice_chair_and_members_in_order(duty_world, committee):
    world = duty_world.world
    chair = _add(world, committee, duty_world.principal, Position.CHAIR)
    vice = _add(world, committee, world.user(Role.LEADER), Position.VICE_CHAIR)
    member = _add(world, committee, world.user(Role.DEPARTMENT), Position.MEMBER)
    ordered = list(CommitteeMembership.objects.filter(body=committee).order_by("sequence"))
    assert ordered == [chair, vice, member]


def test_a_committee_has_one_chair(duty_world, committee):
    world = duty_world.world
    _add(world, committee, duty_world.principal, Position.CHAIR)
    with pytest.raises(ValidationError) as caught:
        _add(world, committee, duty_world.gov_leader, Position.CHAIR)
    assert caught.value.message_dict["position"] == ["晋江市长 already holds this position; change that membership first."]


def test_a_post_sits_once_on_a_body(duty_world, committee):
    world = duty_world.world
    _add(world, committee, world.user(Role.DEPARTMENT), Position.MEMBER)
    with pytest.raises(ValidationError) as caught:
        _add(world, committee, world.user(Role.DEPARTMENT), Position.MEMBER)
    assert caught.value.message_dict == {"post": ["This post is already a member."]}


def test_group_positions_only_exist_in_task_groups_and_vice_versa(duty_world, committee, task_group):
    world = duty_world.world
    with pytest.raises(ValidationError) as caught:
        _add(world, committee, world.user(Role.DEPARTMENT), Position.GROUP_LEADER)
    assert "position" in caught.value.message_dict
    with pytest.raises(ValidationError):
        _add(world, task_group, world.user(Role.DEPARTMENT), Position.CHAIR)
    leader = _add(world, task_group, world.user(Role.DEPARTMENT), Position.GROUP_LEADER)
    assert leader.body == task_group


def test_only_committees_and_task_groups_have_members(world):
    with pytest.raises(ValidationError) as caught:
        _add(world, world.a.orgs["emergency"], world.user(Role.DEPARTMENT), Position.MEMBER)
    assert "body" in caught.value.message_dict


def test_a_post_of_another_jurisdiction_cannot_sit_on_the_committee(duty_world, committee):
    with pytest.raises(ValidationError) as caught:
        _add(duty_world.world, committee, _post(duty_world.b_principal), Position.MEMBER)
    assert caught.value.message_dict == {"post": ["The post must be in the same jurisdiction as the committee."]}


def test_an_ended_post_cannot_be_seated(world, committee):
    ended = PostFactory(
        organization=world.a.orgs["government"], role=PostRole.GOVERNMENT_LEADER,
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        _add(world, committee, ended, Position.MEMBER)
    assert caught.value.message_dict == {"post": ["This post is not current."]}


def test_the_office_of_another_county_cannot_change_this_committee(duty_world):
    world = duty_world.world
    with pytest.raises(ValidationError):
        _add(world, world.b.orgs["committee"], duty_world.b_principal, Position.CHAIR)
    assert not CommitteeMembership.objects.exists()


def test_a_leader_cannot_change_membership(duty_world, committee):
    world = duty_world.world
    with pytest.raises(PermissionDenied):
        _add(world, committee, duty_world.principal, Position.CHAIR, actor=world.user(Role.LEADER))


def test_a_successor_post_takes_over_the_seat(duty_world, committee):
    world = duty_world.world
    seat = _add(world, committee, world.user(Role.DEPARTMENT), Position.MEMBER)
    successor = PostFactory(organization=world.a.orgs["emergency"], role=PostRole.DEPARTMENT_HEAD)
    services.committee_membership_update(actor=world.user(Role.SAFETY_OFFICE), instance=seat, post=successor, position=Position.MEMBER)
    seat.refresh_from_db()
    assert seat.post == successor


def test_removing_a_member_twice_is_a_clear_error(duty_world, committee):
    world = duty_world.world
    seat = _add(world, committee, world.user(Role.DEPARTMENT), Position.MEMBER)
    services.committee_membership_remove(actor=world.user(Role.SAFETY_OFFICE), instance=seat)
    with pytest.raises(ValidationError) as caught:
        services.committee_membership_remove(actor=world.user(Role.SAFETY_OFFICE), instance=seat)
    assert caught.value.messages == ["This membership was already removed."]


# --- Pages ------------------------------------------------------------------------------------


@pytest.fixture
def seated(duty_world, committee, task_group):
    world = duty_world.world
    _add(world, committee, duty_world.principal, Position.CHAIR)
    _add(world, committee, world.user(Role.LEADER), Position.VICE_CHAIR)
    _add(world, committee, world.user(Role.DEPARTMENT), Position.MEMBER)
    _add(world, task_group, world.user(Role.DEPARTMENT), Position.GROUP_LEADER)
    return committee


def test_the_committee_page_shows_seats_and_task_groups(client, duty_world, seated, task_group):
    client.force_login(duty_world.world.user(Role.AUDITOR))
    response = client.get(reverse("responsibility:committee_detail", args=[seated.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert [m.post.official.name for m in response.context["seats"]["chair"]] == ["晋江市长"]
    assert response.context["groups"] == [task_group]
    assert [m.position for m in response.context["groups"][0].members] == [Position.GROUP_LEADER]
    assert html.index("晋江市长") < html.index("晋江leader")
    assert "Lead department" in html and "晋江市应急管理局" in html


def test_the_committee_list_counts_members(client, duty_world, seated):
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:committee_list"))
    row = next(c for c in response.context["object_list"] if c.pk == seated.pk)
    assert (row.member_count, row.group_count) == (3, 1)


def test_another_countys_committee_is_not_found(client, duty_world, seated):
    client.force_login(duty_world.b_principal)
    assert client.get(reverse("responsibility:committee_detail", args=[seated.pk])).status_code == 404
    assert seated not in client.get(reverse("responsibility:committee_list")).context["object_list"]


def test_roles_that_may_not_see_membership_are_refused(client, world, committee):
    client.force_login(world.user(Role.INSPECTOR))
    assert client.get(reverse("responsibility:committee_detail", args=[committee.pk])).status_code == 403


def test_the_member_form_offers_current_posts_of_the_jurisdiction_only(client, duty_world, committee):
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:committee_membership_create", args=[committee.pk]))
    posts = set(response.context["form"].fields["post"].queryset)
    assert _post(duty_world.principal) in posts
    assert _post(duty_world.b_principal) not in posts


def test_a_second_chair_comes_back_on_the_form_with_the_reason(client, duty_world, seated):
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:committee_membership_create", args=[seated.pk]),
        {"post": _post(duty_world.gov_leader).pk, "position": Position.CHAIR, "sequence": "5"},
    )
    assert response.status_code == 200
    assert response.context["form"]["post"].value() == str(_post(duty_world.gov_leader).pk)
    assert "already holds this position" in response.content.decode()


def test_adding_and_removing_members_through_the_pages_is_in_the_history(client, duty_world, committee):
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:committee_membership_create", args=[committee.pk]),
        {"post": _post(duty_world.principal).pk, "position": Position.CHAIR, "sequence": ""},
    )
    assert response.status_code == 302
    seat = CommitteeMembership.objects.get()
    assert client.post(reverse("responsibility:committee_membership_remove", args=[seat.pk])).status_code == 302
    assert not CommitteeMembership.objects.exists()
    history = client.get(reverse("responsibility:committee_detail", args=[committee.pk])).context["history"]
    assert [entry.action for entry in history] == [2, 0]  # deleted, then created


def test_a_leader_cannot_remove_a_member(client, duty_world, seated):
    seat = CommitteeMembership.objects.filter(body=seated).first()
    client.force_login(duty_world.world.user(Role.LEADER))
    assert client.post(reverse("responsibility:committee_membership_remove", args=[seat.pk])).status_code == 403
    assert CommitteeMembership.objects.filter(pk=seat.pk).exists()


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_memberships_of_a_committee_with_its_groups(api_client, duty_world, seated, task_group):
    api_client.force_login(duty_world.world.user(Role.COUNTY_SYSTEM))
    rows = results(api_client.get("/api/v1/committee-memberships/", {"committee": seated.pk}))
    assert {(r["body"], r["position"]) for r in rows} == {
        (seated.pk, "chair"), (seated.pk, "vice_chair"), (seated.pk, "member"), (task_group.pk, "group_leader"),
    }
    assert {r["committee"] for r in rows} == {seated.pk}


def test_the_api_hides_other_counties_memberships(api_client, duty_world, seated):
    api_client.force_login(duty_world.b_principal)
    assert results(api_client.get("/api/v1/committee-memberships/")) == []


def test_the_api_is_read_only(api_client, duty_world, seated):
    api_client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = api_client.post("/api/v1/committee-memberships/", {"body": seated.pk}, format="json")
    assert response.status_code == 405
