"""The access rule: Scope, get_scope/forget_scope and ScopedQuerySet.restrict()."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm

from core.access import EMPTY_SCOPE, UNRESTRICTED_SCOPE, Scope, forget_scope, get_scope
from responsibility import services
from responsibility.models import Jurisdiction, Official, Organization, Post
from responsibility.roles import Role
from tests.factories import OfficialFactory, PostFactory, ScopeAssignmentFactory, UserFactory, official_user

# --- Scope (no database) ----------------------------------------------------------------------


def test_normalise_drops_paths_inside_another_path():
    assert Scope.normalise(["350582", "3505", "350582100", "3501"]) == ("3501", "3505")


def test_normalise_removes_duplicates_and_sorts():
    assert Scope.normalise(["350583", "350582", "350583"]) == ("350582", "350583")


def test_normalise_keeps_sibling_codes_sharing_a_text_prefix_only_when_not_nested():
    # 35058 is not a path of any level, but the rule is textual: 350582 lies "inside" it.
    assert Scope.normalise(["350582", "3505821"]) == ("350582",)
    assert Scope.normalise([]) == ()


def test_q_for_several_paths_is_an_or_of_startswith_filters():
    q = Scope(paths=("350582", "350583")).q("jurisdiction__path")
    assert q.connector == "OR"
    assert sorted(q.children) == [("jurisdiction__path__startswith", "350582"), ("jurisdiction__path__startswith", "350583")]


def test_q_of_unrestricted_scope_filters_nothing_and_empty_scope_matches_nothing():
    assert UNRESTRICTED_SCOPE.q("path").children == []
    assert EMPTY_SCOPE.q("path").children == [("pk__in", [])]


def test_contains_is_a_prefix_test():
    scope = Scope(paths=("350582",))
    assert scope.contains("350582100001")
    assert scope.contains("350582")
    assert not scope.contains("350583")
    assert not scope.contains("3505")  # the parent city is outside
    assert not scope.contains(None)
    assert UNRESTRICTED_SCOPE.contains("11")
    assert EMPTY_SCOPE.is_empty and not UNRESTRICTED_SCOPE.is_empty


# --- get_scope -------------------------------------------------------------------------------



@pytest.mark.django_db
def test_superuser_scope_is_unrestricted():
    assert get_scope(UserFactory(is_superuser=True)) == UNRESTRICTED_SCOPE


@pytest.mark.django_db
def test_anonymous_and_inactive_users_have_empty_scope(world):
    assert get_scope(AnonymousUser()) == EMPTY_SCOPE
    assert get_scope(None) == EMPTY_SCOPE
    user = world.user(Role.SAFETY_OFFICE)
    user.is_active = False
    assert get_scope(user) == EMPTY_SCOPE


@pytest.mark.django_db
def test_scope_combines_posts_and_assignments_and_records_root_ids(world):
    user = world.user(Role.LEADER)
    ScopeAssignmentFactory(user=user, jurisdiction=world.b.township)
    scope = get_scope(user)
    assert scope.paths == ("350582", "350583100")
    assert set(scope.root_ids) == {world.a.county.pk, world.b.township.pk}


@pytest.mark.django_db
def test_scope_assignment_to_inactive_jurisdiction_is_ignored(world):
    user = world.user(Role.AUDITOR)
    Jurisdiction.objects.filter(pk=world.a.county.pk).update(is_active=False)
    forget_scope(user)
    assert get_scope(user).is_empty


@pytest.mark.django_db
def test_scope_is_cached_per_user_object(world, django_assert_num_queries):
    user = world.user(Role.SAFETY_OFFICE)
    forget_scope(user)
    with django_assert_num_queries(1):
        get_scope(user)
        get_scope(user)


@pytest.mark.django_db
def test_scope_changes_when_a_post_ends_after_forget_scope(world, today):
    user = world.user(Role.LEADER)
    assert get_scope(user).paths == ("350582",)
    post = Post.objects.get(official__user=user)
    services.post_end(post=post, actor=None, end_date=today - datetime.timedelta(days=1))
    # cached for the rest of the request…
    assert get_scope(user).paths == ("350582",)
    forget_scope(user)
    # …and empty once forgotten: the ended post no longer gives a jurisdiction
    assert get_scope(user).is_empty
    assert not Organization.objects.restrict(user).exists()


@pytest.mark.django_db
def test_post_ending_today_still_counts(world, today):
    user = world.user(Role.LEADER)
    services.post_end(post=Post.objects.get(official__user=user), actor=None, end_date=today)
    forget_scope(user)
    assert get_scope(user).paths == ("350582",)


@pytest.mark.django_db
def test_future_post_gives_no_scope_yet(world, today):
    user = UserFactory(roles=[Role.LEADER])
    official = OfficialFactory(user=user, registered_in=world.a.county)
    PostFactory(official=official, organization=world.b.orgs["government"], start_date=today + datetime.timedelta(days=3))
    assert get_scope(user).is_empty


# --- restrict() ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_superuser_sees_every_organization(world):
    assert Organization.objects.restrict(UserFactory(is_superuser=True)).count() == Organization.objects.count() == 12


@pytest.mark.django_db
def test_anonymous_user_sees_nothing(world):
    assert not Organization.objects.restrict(AnonymousUser()).exists()
    assert not Organization.objects.restrict(None).exists()


@pytest.mark.django_db
def test_inactive_user_sees_nothing_even_as_superuser(world):
    user = UserFactory(is_superuser=True, is_active=False)
    assert not Organization.objects.restrict(user).exists()


@pytest.mark.django_db
def test_user_with_role_but_no_scope_sees_nothing(world):
    user = UserFactory(roles=[Role.AUDITOR])
    assert not Organization.objects.restrict(user).exists()
    assert not Jurisdiction.objects.restrict(user).exists()


@pytest.mark.django_db
def test_user_with_scope_but_no_role_sees_nothing(world):
    user = UserFactory()
    ScopeAssignmentFactory(user=user, jurisdiction=world.a.county)
    assert get_scope(user).paths == ("350582",)
    assert not Organization.objects.restrict(user).exists()


@pytest.mark.django_db
def test_role_without_the_model_permission_sees_nothing_of_that_model(world):
    enterprise = world.user(Role.ENTERPRISE)
    assert Organization.objects.restrict(enterprise).count() == 6  # county A's organizations
    assert not Official.objects.restrict(enterprise).exists()
    assert not Post.objects.restrict(enterprise).exists()


@pytest.mark.django_db
def test_restrict_by_action_needs_that_action_permission(world):
    office, auditor = world.user(Role.SAFETY_OFFICE), world.user(Role.AUDITOR)
    assert set(Organization.objects.restrict(office, "change")) == set(world.a.orgs.values())
    assert not Organization.objects.restrict(auditor, "change").exists()
    assert set(Organization.objects.restrict(auditor, "view")) == set(world.a.orgs.values())


@pytest.mark.django_db
def test_township_official_cannot_see_other_county_organizations(world):
    user = official_user(role=Role.SAFETY_OFFICE, organization=world.a.orgs["township"])
    assert list(Organization.objects.restrict(user)) == [world.a.orgs["township"]]
    assert list(Jurisdiction.objects.restrict(user).values_list("code", flat=True)) == ["350582100", "350582100001"]


@pytest.mark.django_db
def test_guardian_grant_makes_one_foreign_object_visible_but_not_its_siblings(world):
    user = world.user(Role.AUDITOR)
    foreign = world.b.orgs["emergency"]
    assign_perm("view_organization", user, foreign)
    forget_scope(user)
    visible = set(Organization.objects.restrict(user))
    assert foreign in visible
    assert visible == {*world.a.orgs.values(), foreign}
    assert world.b.orgs["government"] not in visible


@pytest.mark.django_db
def test_guardian_grant_alone_gives_visibility_without_role_or_scope(world):
    user = UserFactory()
    assign_perm("view_organization", user, world.b.orgs["office"])
    assert list(Organization.objects.restrict(user)) == [world.b.orgs["office"]]
    # a view grant does not allow changing it
    assert not Organization.objects.restrict(user, "change").exists()


@pytest.mark.django_db
def test_guardian_grant_for_another_model_does_not_leak(world):
    user = UserFactory()
    assign_perm("view_jurisdiction", user, world.b.county)
    assert not Organization.objects.restrict(user).exists()
    assert list(Jurisdiction.objects.restrict(user)) == [world.b.county]


@pytest.mark.django_db
def test_official_visible_where_registered(world):
    official = OfficialFactory(registered_in=world.a.township)
    assert official in Official.objects.restrict(world.user(Role.AUDITOR))


@pytest.mark.django_db
def test_official_visible_where_they_hold_a_post(world):
    # registered in county B, holding a post in county A
    official = OfficialFactory(registered_in=world.b.county)
    PostFactory(official=official, organization=world.a.orgs["office"])
    assert official in Official.objects.restrict(world.user(Role.AUDITOR))


@pytest.mark.django_db
def test_official_stays_visible_where_a_past_post_was_held(world):
    official = OfficialFactory(registered_in=world.b.county)
    PostFactory(
        official=official,
        organization=world.a.orgs["emergency"],
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2012, 12, 31),
    )
    auditor = world.user(Role.AUDITOR)
    assert official in Official.objects.restrict(auditor)
    # lifelong accountability: once visible through a post, always visible; never twice
    assert Official.objects.restrict(auditor).filter(pk=official.pk).count() == 1


@pytest.mark.django_db
def test_official_without_any_link_to_scope_is_invisible(world):
    assert world.b.official not in Official.objects.restrict(world.user(Role.AUDITOR))


@pytest.mark.django_db
def test_posts_follow_their_organization_jurisdiction(world):
    visible = set(Post.objects.restrict(world.user(Role.AUDITOR)).values_list("organization__jurisdiction__code", flat=True))
    assert visible == {"350582"}
