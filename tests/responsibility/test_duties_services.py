"""Duty templates and officials' responsibility lists: the services."""

# The shared fixtures are imported by name, so pytest finds them; test arguments of the same name
# are what pytest passes, not a redefinition.
# ruff: noqa: F811
from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from responsibility.choices import OrganizationKind, PostRole
from responsibility.models import DutyTemplate, ResponsibilityItem
from responsibility.reference.duties import STATUTORY_DUTIES
from responsibility.roles import Role
from responsibility.services import duties as services
from tests.factories import (
    DutyTemplateFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    UserFactory,
)
from tests.responsibility.duties_fixtures import duty_world  # noqa: F401

pytestmark = pytest.mark.django_db


def _statutory(role: str) -> list[DutyTemplate]:
    return list(DutyTemplate.objects.filter(role=role, jurisdiction__isnull=True).order_by("sequence"))


def _items(post) -> list[ResponsibilityItem]:
    return list(ResponsibilityItem.objects.filter(post=post).order_by("sequence", "pk"))


# --- Seeded statutory duties --------------------------------------------------------------


def test_the_regulations_duties_are_seeded_6_6_1_6_5():
    counts = {role: DutyTemplate.objects.filter(role=role, jurisdiction__isnull=True).count() for role in STATUTORY_DUTIES}
    assert counts == {
        PostRole.PARTY_PRINCIPAL: 6,
        PostRole.GOVERNMENT_PRINCIPAL: 6,
        PostRole.STANDING_MEMBER: 1,
        PostRole.SAFETY_DEPUTY: 6,
        PostRole.GOVERNMENT_LEADER: 5,
    }
    assert all("地方党政领导干部安全生产责任制规定" in t.source for t in DutyTemplate.objects.all())


# --- Duty templates -------------------------------------------------------------------------


def test_office_adds_a_local_supplement_numbered_after_the_statutory_duties(world):
    template = services.duty_template_create(
        actor=world.user(Role.SAFETY_OFFICE), role=PostRole.SAFETY_DEPUTY, jurisdiction=world.a.county,
        content="每月带队开展一次安全生产检查。", source="晋江市安委会〔2024〕1号",
    )
    assert template.sequence == 7
    assert template.jurisdiction == world.a.county


def test_office_cannot_add_a_statutory_duty(world):
    with pytest.raises(ValidationError) as caught:
        services.duty_template_create(
            actor=world.user(Role.SAFETY_OFFICE), role=PostRole.SAFETY_DEPUTY, jurisdiction=None, content="x", source="y"
        )
    assert "jurisdiction" in caught.value.message_dict


def test_office_cannot_add_a_duty_for_another_county(world):
    with pytest.raises(ValidationError) as caught:
        services.duty_template_create(
            actor=world.user(Role.SAFETY_OFFICE), role=PostRole.SAFETY_DEPUTY, jurisdiction=world.b.county, content="x", source="y"
        )
    assert caught.value.message_dict == {"jurisdiction": ["This jurisdiction is outside your scope."]}
    assert not DutyTemplate.objects.filter(content="x").exists()


def test_duties_only_exist_for_leader_and_department_leader_roles(world):
    with pytest.raises(ValidationError) as caught:
        services.duty_template_create(
            actor=world.user(Role.SAFETY_OFFICE), role=PostRole.INSPECTOR, jurisdiction=world.a.county, content="x", source="y"
        )
    assert "role" in caught.value.message_dict


@pytest.mark.parametrize("role", [Role.LEADER, Role.DEPARTMENT, Role.AUDITOR, Role.COUNTY_SYSTEM])
def test_roles_without_the_permission_cannot_add_duties(world, role):
    with pytest.raises(PermissionDenied):
        services.duty_template_create(
            actor=world.user(role), role=PostRole.SAFETY_DEPUTY, jurisdiction=world.a.county, content="x", source="y"
        )


def test_statutory_duties_are_read_only_for_the_office(world):
    statutory = _statutory(PostRole.SAFETY_DEPUTY)[0]
    office = world.user(Role.SAFETY_OFFICE)
    assert DutyTemplate.objects.restrict(office, "view").filter(pk=statutory.pk).exists()
    assert not DutyTemplate.objects.restrict(office, "change").filter(pk=statutory.pk).exists()
    with pytest.raises(PermissionDenied):
        services.duty_template_update(actor=office, instance=statutory, content="改写")
    statutory.refresh_from_db()
    assert statutory.content != "改写"


def test_an_administrator_may_correct_a_statutory_duty():
    admin = UserFactory(is_superuser=True)
    statutory = _statutory(PostRole.GOVERNMENT_LEADER)[0]
    assert DutyTemplate.objects.restrict(admin, "change").filter(pk=statutory.pk).exists()
    services.duty_template_update(actor=admin, instance=statutory, content="新的表述")
    statutory.refresh_from_db()
    assert statutory.content == "新的表述"


def test_local_supplements_of_other_counties_are_invisible(world):
    other = DutyTemplateFactory(jurisdiction=world.b.county)
    mine = DutyTemplateFactory(jurisdiction=world.a.county)
    visible = set(DutyTemplate.objects.restrict(world.user(Role.SAFETY_OFFICE), "view").values_list("pk", flat=True))
    assert mine.pk in visible
    assert other.pk not in visible
    assert {t.pk for t in _statutory(PostRole.PARTY_PRINCIPAL)} <= visible


def test_editing_a_template_cannot_change_unknown_fields(world):
    template = DutyTemplateFactory(jurisdiction=world.a.county)
    with pytest.raises(ValidationError):
        services.duty_template_update(actor=world.user(Role.SAFETY_OFFICE), instance=template, jurisdiction=world.b.county)


# --- Generating lists -----------------------------------------------------------------------


def test_generating_a_county_safety_deputy_list_takes_the_six_statutory_duties(world):
    leader_post = PostFactory._meta.model.objects.get(official__user=world.user(Role.LEADER))
    result = services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=leader_post)
    items = _items(leader_post)
    assert result.created == 6
    assert [i.content for i in items] == [t.content for t in _statutory(PostRole.SAFETY_DEPUTY)]
    assert all(i.official_id == leader_post.official_id and not i.by_reference for i in items)


def test_local_supplements_of_the_post_jurisdiction_and_its_ancestors_apply_but_not_others(world):
    leader_post = PostFactory._meta.model.objects.get(official__user=world.user(Role.LEADER))
    city_duty = DutyTemplateFactory(jurisdiction=world.city, role=PostRole.SAFETY_DEPUTY, content="市级补充")
    county_duty = DutyTemplateFactory(jurisdiction=world.a.county, role=PostRole.SAFETY_DEPUTY, content="县级补充")
    DutyTemplateFactory(jurisdiction=world.b.county, role=PostRole.SAFETY_DEPUTY, content="南安补充")
    DutyTemplateFactory(jurisdiction=world.a.county, role=PostRole.SAFETY_DEPUTY, content="已停用", is_active=False)
    DutyTemplateFactory(jurisdiction=world.a.county, role=PostRole.GOVERNMENT_LEADER, content="别的角色")
    services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=leader_post)
    templates = {i.template_id for i in _items(leader_post)}
    assert {city_duty.pk, county_duty.pk} <= templates
    assert len(templates) == 8


def test_generating_twice_changes_nothing(world):
    leader_post = PostFactory._meta.model.objects.get(official__user=world.user(Role.LEADER))
    office = world.user(Role.SAFETY_OFFICE)
    services.responsibility_list_generate(actor=office, post=leader_post)
    before = [(i.pk, i.content, i.updated_at) for i in _items(leader_post)]
    again = services.responsibility_list_generate(actor=office, post=leader_post)
    assert (again.created, again.updated, again.deactivated) == (0, 0, 0)
    assert [(i.pk, i.content, i.updated_at) for i in _items(leader_post)] == before


def test_township_leaders_apply_the_regulation_by_reference(world):
    post = PostFactory(organization=world.a.orgs["township"], role=PostRole.GOVERNMENT_PRINCIPAL)
    services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=post)
    items = _items(post)
    assert len(items) == 6
    assert all(i.by_reference for i in items)


def test_department_heads_take_the_government_leaders_duties_by_reference(world):
    post = PostFactory._meta.model.objects.get(official__user=world.user(Role.DEPARTMENT))
    services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=post)
    items = _items(post)
    assert [i.content for i in items] == [t.content for t in _statutory(PostRole.GOVERNMENT_LEADER)]
    assert all(i.by_reference for i in items)


def test_development_zone_leaders_apply_the_regulation_by_reference(world):
    from responsibility.choices import JurisdictionLevel
    from tests.factories import jurisdiction

    zone = jurisdiction("350571", JurisdictionLevel.DEVELOPMENT_ZONE, world.city, "经开区")
    committee = OrganizationFactory(jurisdiction=zone, kind=OrganizationKind.GOVERNMENT, name="经开区管委会")
    post = PostFactory(organization=committee, role=PostRole.SAFETY_DEPUTY)
    services.responsibility_list_generate(actor=None, post=post)
    assert all(i.by_reference for i in _items(post))


def test_a_role_without_duties_cannot_have_a_generated_list(world):
    post = PostFactory._meta.model.objects.get(official__user=world.user(Role.INSPECTOR))
    with pytest.raises(ValidationError) as caught:
        services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=post)
    assert "post" in caught.value.message_dict


def test_an_ended_post_keeps_its_list_as_it_was(world):
    post = PostFactory(
        organization=world.a.orgs["government"], role=PostRole.GOVERNMENT_LEADER,
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=post)
    assert not ResponsibilityItem.objects.filter(post=post).exists()


def test_office_cannot_generate_lists_in_another_county(world):
    post = PostFactory(organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_LEADER)
    with pytest.raises(ValidationError):
        services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=post)
    assert not ResponsibilityItem.objects.filter(post=post).exists()


def test_a_leader_cannot_generate_lists(world):
    post = PostFactory._meta.model.objects.get(official__user=world.user(Role.LEADER))
    with pytest.raises(PermissionDenied):
        services.responsibility_list_generate(actor=world.user(Role.LEADER), post=post)


def test_bulk_generation_covers_every_leader_post_of_the_jurisdiction_only(world, duty_world):
    result = services.responsibility_lists_generate(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county)
    posts_with_lists = set(ResponsibilityItem.objects.values_list("post__official__name", flat=True))
    # safety deputy, principal, government leader, department head, the emergency deputy,
    # the staffing reviewer (department leader); not the inspector, not the office staff.
    assert result.posts == 6
    assert "林南安" not in posts_with_lists and "南安市长" not in posts_with_lists
    again = services.responsibility_lists_generate(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county)
    assert (again.created, again.updated, again.deactivated) == (0, 0, 0)


# --- Template changes and customised items --------------------------------------------------


@pytest.fixture
def generated(world):
    """County A's safety deputy with a generated list including a local supplement."""
    office = world.user(Role.SAFETY_OFFICE)
    local = services.duty_template_create(
        actor=office, role=PostRole.SAFETY_DEPUTY, jurisdiction=world.a.county, content="原文", source="文件",
    )
    post = PostFactory._meta.model.objects.get(official__user=world.user(Role.LEADER))
    services.responsibility_list_generate(actor=office, post=post)
    return office, local, post


def test_editing_a_template_updates_items_nobody_customised(generated):
    office, local, post = generated
    services.duty_template_update(actor=office, instance=local, content="修订后")
    assert ResponsibilityItem.objects.get(post=post, template=local).content == "修订后"


def test_a_customised_item_keeps_its_text_when_the_template_changes_or_the_list_is_regenerated(generated):
    office, local, post = generated
    item = ResponsibilityItem.objects.get(post=post, template=local)
    services.responsibility_item_update(actor=office, instance=item, content="本岗位的具体表述", source="文件")
    services.duty_template_update(actor=office, instance=local, content="修订后")
    services.responsibility_list_generate(actor=office, post=post)
    item.refresh_from_db()
    assert (item.content, item.is_customised) == ("本岗位的具体表述", True)


def test_resetting_a_customised_item_makes_it_follow_its_template_again(generated):
    office, local, post = generated
    item = ResponsibilityItem.objects.get(post=post, template=local)
    services.responsibility_item_update(actor=office, instance=item, content="改过", source="")
    services.responsibility_item_reset(actor=office, instance=item)
    item.refresh_from_db()
    assert (item.content, item.source, item.is_customised) == ("原文", "文件", False)


def test_deactivating_a_template_takes_it_off_current_lists_but_not_ended_ones(generated, world):
    office, local, post = generated
    ended = PostFactory(
        organization=world.a.orgs["government"], role=PostRole.SAFETY_DEPUTY,
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2022, 1, 1),
    )
    old_item = ResponsibilityItem.objects.create(
        official=ended.official, post=ended, template=local, sequence=local.sequence, content="原文", source="文件"
    )
    services.duty_template_set_active(actor=office, instance=local, is_active=False)
    assert ResponsibilityItem.objects.get(post=post, template=local).is_active is False
    old_item.refresh_from_db()
    assert old_item.is_active is True  # the record of an ended post does not change


def test_an_item_taken_off_by_hand_stays_off_when_the_list_is_regenerated(generated):
    office, local, post = generated
    item = ResponsibilityItem.objects.get(post=post, template=local)
    services.responsibility_item_set_active(actor=office, instance=item, is_active=False)
    services.responsibility_list_generate(actor=office, post=post)
    item.refresh_from_db()
    assert item.is_active is False


def test_taking_off_an_item_twice_is_a_clear_error(generated):
    office, local, post = generated
    item = ResponsibilityItem.objects.get(post=post, template=local)
    services.responsibility_item_set_active(actor=office, instance=item, is_active=False)
    with pytest.raises(ValidationError) as caught:
        services.responsibility_item_set_active(actor=office, instance=item, is_active=False)
    assert caught.value.message_dict == {"is_active": ["The item is already inactive."]}


def test_a_custom_item_goes_after_the_generated_ones(generated):
    office, _local, post = generated
    custom = services.responsibility_item_add_custom(actor=office, post=post, content="分管交通运输安全生产工作")
    assert custom.template is None
    assert _items(post)[-1] == custom
    assert custom.official_id == post.official_id


def test_a_custom_item_needs_content(generated):
    office, _local, post = generated
    with pytest.raises(ValidationError) as caught:
        services.responsibility_item_add_custom(actor=office, post=post, content="  ")
    assert "content" in caught.value.message_dict


def test_a_new_role_takes_new_duties_and_drops_the_old_ones(world):
    office = world.user(Role.SAFETY_OFFICE)
    post = PostFactory(organization=world.a.orgs["government"], role=PostRole.GOVERNMENT_LEADER, official=OfficialFactory())
    services.responsibility_list_generate(actor=office, post=post)
    post.role = PostRole.SAFETY_DEPUTY
    post.save()
    result = services.responsibility_list_generate(actor=office, post=post)
    active = ResponsibilityItem.objects.filter(post=post, is_active=True)
    assert (result.created, result.deactivated) == (6, 5)
    assert set(active.values_list("template__role", flat=True)) == {PostRole.SAFETY_DEPUTY}
