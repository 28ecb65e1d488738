"""Service functions: the only write path; each checks permission, scope and the rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.access import forget_scope
from responsibility import services
from responsibility.choices import OrganizationKind, PostRole
from responsibility.models import Official, Organization, Post
from responsibility.roles import Role
from tests.factories import OfficialFactory, OrganizationFactory, PostFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _errors(caught) -> dict:
    return caught.value.message_dict


# --- Organizations ----------------------------------------------------------------------------


def test_organization_create_in_scope(world):
    org = services.organization_create(
        actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.township, name="安海镇安办", kind=OrganizationKind.SAFETY_OFFICE
    )
    assert Organization.objects.get(pk=org.pk).jurisdiction == world.a.township


def test_organization_create_outside_scope_is_a_validation_error_on_jurisdiction(world):
    with pytest.raises(ValidationError) as caught:
        services.organization_create(
            actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.b.county, name="越权", kind=OrganizationKind.GOVERNMENT
        )
    assert _errors(caught) == {"jurisdiction": ["This jurisdiction is outside your scope."]}
    assert not Organization.objects.filter(name="越权").exists()


def test_organization_create_in_parent_city_is_outside_a_county_scope(world):
    with pytest.raises(ValidationError) as caught:
        services.organization_create(
            actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.city, name="泉州市应急局", kind=OrganizationKind.GOVERNMENT
        )
    assert "jurisdiction" in _errors(caught)


@pytest.mark.parametrize("role", [Role.LEADER, Role.AUDITOR, Role.COUNTY_SYSTEM, Role.ENTERPRISE])
def test_organization_create_without_permission_is_permission_denied(world, role):
    with pytest.raises(PermissionDenied):
        services.organization_create(
            actor=world.user(role), jurisdiction=world.a.county, name="无权", kind=OrganizationKind.GOVERNMENT
        )
    assert not Organization.objects.filter(name="无权").exists()


def test_permission_is_checked_before_scope(world):
    # a read-only role aiming outside its scope learns only that it may not write
    with pytest.raises(PermissionDenied):
        services.organization_create(
            actor=world.user(Role.AUDITOR), jurisdiction=world.b.county, name="x", kind=OrganizationKind.GOVERNMENT
        )


def test_organization_update_cannot_move_it_out_of_scope(world):
    org = world.a.orgs["emergency"]
    with pytest.raises(ValidationError) as caught:
        services.organization_update(instance=org, actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.b.county)
    assert "jurisdiction" in _errors(caught)
    assert Organization.objects.get(pk=org.pk).jurisdiction == world.a.county


def test_organization_update_of_foreign_organization_is_refused(world):
    org = world.b.orgs["emergency"]
    with pytest.raises(ValidationError):
        services.organization_update(instance=org, actor=world.user(Role.SAFETY_OFFICE), name="改名")
    assert Organization.objects.get(pk=org.pk).name == "南安市应急管理局"


def test_system_caller_without_actor_may_write_anywhere(world):
    org = services.organization_update(instance=world.b.orgs["emergency"], actor=None, short_name="南安应急")
    assert org.short_name == "南安应急"


def test_duplicate_organization_name_in_same_jurisdiction_is_rejected(world):
    with pytest.raises(ValidationError) as caught:
        services.organization_create(
            actor=None, jurisdiction=world.a.county, name="晋江市应急管理局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT
        )
    assert "An organization with this name already exists in this jurisdiction." in str(caught.value)
    # the same name in another jurisdiction is fine
    services.organization_create(actor=None, jurisdiction=world.a.township, name="晋江市应急管理局", kind=OrganizationKind.OTHER_DEPARTMENT)


# --- Task groups and lead departments ------------------------------------------------------------


def test_task_group_may_have_a_lead_department_of_the_same_jurisdiction(world):
    group = services.organization_create(
        actor=world.user(Role.SAFETY_OFFICE),
        jurisdiction=world.a.county,
        name="危化品专项整治组",
        kind=OrganizationKind.TASK_GROUP,
        parent=world.a.orgs["committee"],
        lead_department=world.a.orgs["emergency"],
    )
    assert list(world.a.orgs["emergency"].led_task_groups.all()) == [group]


def test_only_a_task_group_has_a_lead_department(world):
    with pytest.raises(ValidationError) as caught:
        services.organization_create(
            actor=None,
            jurisdiction=world.a.county,
            name="住建局",
            kind=OrganizationKind.SUPERVISORY_DEPARTMENT,
            lead_department=world.a.orgs["emergency"],
        )
    assert _errors(caught) == {"lead_department": ["Only a special task group has a lead department."]}


def test_lead_department_and_parent_must_be_in_the_same_jurisdiction(world):
    with pytest.raises(ValidationError) as caught:
        services.organization_create(
            actor=None,
            jurisdiction=world.a.county,
            name="专项组",
            kind=OrganizationKind.TASK_GROUP,
            parent=world.b.orgs["committee"],
            lead_department=world.b.orgs["emergency"],
        )
    assert _errors(caught) == {
        "parent": ["It must belong to the same jurisdiction."],
        "lead_department": ["It must belong to the same jurisdiction."],
    }


def test_organization_cannot_be_its_own_parent(world):
    org = world.a.orgs["emergency"]
    with pytest.raises(ValidationError) as caught:
        services.organization_update(instance=org, actor=None, parent=org)
    assert _errors(caught) == {"parent": ["An organization cannot be its own parent."]}


# --- Officials --------------------------------------------------------------------------------


def test_official_create_outside_scope_is_refused_on_registered_in(world):
    with pytest.raises(ValidationError) as caught:
        services.official_create(actor=world.user(Role.SAFETY_OFFICE), name="王五", registered_in=world.b.county)
    assert _errors(caught) == {"registered_in": ["This jurisdiction is outside your scope."]}


def test_official_birth_year_must_be_plausible(world):
    with pytest.raises(ValidationError) as caught:
        services.official_create(actor=None, name="王五", registered_in=world.a.county, birth_year=1800)
    assert "The year of birth is not plausible." in str(caught.value)


def test_official_update_cannot_take_over_another_countys_record(world):
    """An official registered in county B who once held a post in county A is visible to A, but
    A may not re-register the record to itself."""
    official = OfficialFactory(name="赵六", registered_in=world.b.county)
    PostFactory(official=official, organization=world.a.orgs["office"], start_date=D(2015, 1, 1), end_date=D(2016, 1, 1))
    office = world.user(Role.SAFETY_OFFICE)
    assert Official.objects.restrict(office, "change").filter(pk=official.pk).exists()
    with pytest.raises(ValidationError) as caught:
        services.official_update(instance=official, actor=office, registered_in=world.a.county)
    assert "registered_in" in _errors(caught)
    assert Official.objects.get(pk=official.pk).registered_in == world.b.county


def test_official_update_in_scope(world):
    official = services.official_update(instance=world.a.official, actor=world.user(Role.SAFETY_OFFICE), phone="0595-1234")
    assert Official.objects.get(pk=official.pk).phone == "0595-1234"


# --- Posts ------------------------------------------------------------------------------------


def _appoint(world, **overrides):
    fields = {
        "actor": world.user(Role.SAFETY_OFFICE),
        "official": world.a.official,
        "organization": world.a.orgs["office"],
        "role": PostRole.OFFICE_STAFF,
        "start_date": D(2022, 1, 1),
    }
    fields.update(overrides)
    return services.post_create(**fields)


def test_post_create_in_scope(world):
    post = _appoint(world, title="科员")
    assert (post.official, post.organization, post.title) == (world.a.official, world.a.orgs["office"], "科员")


def test_post_in_foreign_organization_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        _appoint(world, organization=world.b.orgs["office"])
    assert _errors(caught) == {"organization": ["This jurisdiction is outside your scope."]}


def test_post_create_without_permission(world):
    with pytest.raises(PermissionDenied):
        _appoint(world, actor=world.user(Role.LEADER))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2023, 6, 1), None),  # open-ended, starting inside
        (D(2021, 1, 1), D(2022, 1, 1)),  # ends on the first day of the other
        (D(2021, 1, 1), None),  # surrounds it
    ],
)
def test_overlapping_post_for_same_role_and_organization_is_rejected(world, start, end):
    _appoint(world, start_date=D(2022, 1, 1), end_date=D(2023, 12, 31))
    with pytest.raises(ValidationError) as caught:
        _appoint(world, start_date=start, end_date=end)
    assert _errors(caught) == {"start_date": ["This official already holds this role in this organization during that period."]}
    assert Post.objects.filter(official=world.a.official, organization=world.a.orgs["office"]).count() == 1


def test_consecutive_posts_and_other_roles_do_not_overlap(world):
    _appoint(world, start_date=D(2022, 1, 1), end_date=D(2022, 12, 31))
    _appoint(world, start_date=D(2023, 1, 1))  # the next term
    _appoint(world, start_date=D(2022, 6, 1), role=PostRole.INSPECTOR)  # another role, same time
    assert Post.objects.filter(official=world.a.official, organization=world.a.orgs["office"]).count() == 3


def test_post_update_cannot_create_an_overlap(world):
    _appoint(world, start_date=D(2020, 1, 1), end_date=D(2020, 12, 31))
    later = _appoint(world, start_date=D(2022, 1, 1))
    with pytest.raises(ValidationError):
        services.post_update(instance=later, actor=None, start_date=D(2020, 6, 1))


def test_post_end_date_before_start_date_is_rejected_by_the_service(world):
    with pytest.raises(ValidationError) as caught:
        _appoint(world, start_date=D(2024, 5, 1), end_date=D(2024, 4, 30))
    assert "The end date cannot be before the start date." in str(caught.value)


def test_post_end_date_before_start_date_is_rejected_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            official=world.a.official,
            organization=world.a.orgs["office"],
            role=PostRole.OFFICE_STAFF,
            start_date=D(2024, 5, 1),
            end_date=D(2024, 4, 30),
        )


def test_ending_a_post_keeps_the_post_and_the_official(world, today):
    """Lifelong accountability: after a transfer the record and the post history remain."""
    user = world.user(Role.LEADER)
    official = user.official
    post = Post.objects.get(official=official)
    services.post_end(post=post, actor=world.user(Role.SAFETY_OFFICE), end_date=today - datetime.timedelta(days=1))
    post.refresh_from_db()
    assert post.end_date == today - datetime.timedelta(days=1)
    assert not post.is_current
    assert Official.objects.filter(pk=official.pk).exists()
    assert list(Post.objects.filter(official=official)) == [post]
    assert not Post.objects.current().filter(official=official).exists()
    # still visible to the county that keeps the record, through the ended post too
    assert official in Official.objects.restrict(world.user(Role.AUDITOR))
    # and the person's own scope is gone
    forget_scope(user)
    assert not Organization.objects.restrict(user).exists()


def test_officials_and_posts_cannot_be_deleted_while_linked(world):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        world.a.official.delete()
    with pytest.raises(ProtectedError):
        world.a.orgs["emergency"].delete()


# --- Jurisdictions ----------------------------------------------------------------------------


def test_jurisdiction_update_renames_only(world):
    updated = services.jurisdiction_update(instance=world.a.township, actor=world.user(Role.SAFETY_OFFICE), name="安海镇（新）")
    assert (updated.name, updated.code, updated.path, updated.parent) == ("安海镇（新）", "350582100", "350582100", world.a.county)


def test_jurisdiction_update_outside_scope_is_refused(world):
    with pytest.raises(ValidationError):
        services.jurisdiction_update(instance=world.b.township, actor=world.user(Role.SAFETY_OFFICE), name="x")
    with pytest.raises(PermissionDenied):
        services.jurisdiction_update(instance=world.a.township, actor=world.user(Role.AUDITOR), name="x")


def test_organization_factory_defaults_are_valid(db):
    OrganizationFactory().full_clean()
