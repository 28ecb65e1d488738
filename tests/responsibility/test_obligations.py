"""Obligations: seeded defaults, who sees and edits which rule, local versions replacing a
general rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from responsibility.choices import ObligationActivity, ObligationSubject, OrganizationKind, Period, PostRole
from responsibility.models import Obligation
from responsibility.roles import Role
from responsibility.services import meetings as services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOVERNMENT_RULE = "政府每季度至少召开1次安全生产工作会议"


def _rule(**fields) -> dict:
    data = {
        "name": "政府每季度至少召开2次安全生产工作会议",
        "subject": ObligationSubject.ORGANIZATION_KIND,
        "organization_kinds": [OrganizationKind.GOVERNMENT],
        "roles": [],
        "levels": ["county", "township"],
        "activity": ObligationActivity.MEETING,
        "meeting_kind": "government_safety",
        "minimum": 2,
        "period": Period.QUARTER,
    }
    data.update(fields)
    return data


def test_seeded_defaults_apply_everywhere():
    rules = {r.name: r for r in Obligation.objects.filter(jurisdiction=None)}
    assert rules["党委常委会每年至少2次听取安全生产工作汇报"].minimum == 2
    assert rules["党委常委会每年至少2次听取安全生产工作汇报"].period == Period.YEAR
    assert rules[GOVERNMENT_RULE].period == Period.QUARTER
    assert sum(r.activity == ObligationActivity.INSPECTION for r in rules.values()) == 5


def test_an_office_sees_general_rules_its_own_and_those_of_the_levels_above(world):
    city_rule = Obligation.objects.create(jurisdiction=world.city, **_rule(name="市级规则"))
    own = Obligation.objects.create(jurisdiction=world.a.county, **_rule(name="晋江规则"))
    other = Obligation.objects.create(jurisdiction=world.b.county, **_rule(name="南安规则"))
    visible = set(Obligation.objects.restrict(world.user(Role.SAFETY_OFFICE), "view"))
    assert {city_rule, own} <= visible
    assert other not in visible
    assert Obligation.objects.get(name=GOVERNMENT_RULE) in visible
    changeable = set(Obligation.objects.restrict(world.user(Role.SAFETY_OFFICE), "change"))
    assert changeable == {own}


def test_an_office_cannot_change_a_general_rule_but_adapts_it_locally(world):
    office = world.user(Role.SAFETY_OFFICE)
    general = Obligation.objects.get(name=GOVERNMENT_RULE)
    with pytest.raises(PermissionDenied):
        services.obligation_update(instance=general, actor=office, minimum=5)
    general.refresh_from_db()
    assert general.minimum == 1
    local = services.obligation_create(actor=office, jurisdiction=world.a.county, replaces=general, **_rule())
    assert local.replaces == general and local.minimum == 2
    edited = services.obligation_update(instance=local, actor=office, minimum=3)
    assert edited.minimum == 3


def test_only_administrators_set_rules_for_everywhere(world):
    with pytest.raises(ValidationError) as caught:
        services.obligation_create(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=None, **_rule())
    assert "jurisdiction" in caught.value.message_dict
    admin = UserFactory(is_superuser=True)
    assert services.obligation_create(actor=admin, jurisdiction=None, **_rule()).jurisdiction is None


def test_a_rule_outside_the_scope_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.obligation_create(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.b.county, **_rule())
    assert caught.value.message_dict == {"jurisdiction": ["This jurisdiction is outside your scope."]}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"subject": ObligationSubject.ROLE, "roles": []}, "roles"),
        ({"organization_kinds": ["spaceport"]}, "organization_kinds"),
        ({"levels": []}, "levels"),
        ({"meeting_kind": ""}, "meeting_kind"),
        ({"minimum": 0}, "minimum"),
    ],
)
def test_incomplete_rules_are_refused(world, fields, field):
    with pytest.raises(ValidationError) as caught:
        services.obligation_create(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county, **_rule(**fields))
    assert field in caught.value.message_dict
    assert not Obligation.objects.filter(jurisdiction=world.a.county).exists()


def test_a_local_version_replaces_a_general_rule_not_another_local_one(world):
    office = world.user(Role.SAFETY_OFFICE)
    general = Obligation.objects.get(name=GOVERNMENT_RULE)
    local = services.obligation_create(actor=office, jurisdiction=world.a.county, replaces=general, **_rule())
    with pytest.raises(ValidationError) as caught:
        services.obligation_create(actor=office, jurisdiction=world.a.township, replaces=local, **_rule())
    assert "replaces" in caught.value.message_dict


def test_role_rule_keeps_only_what_the_subject_uses(world):
    rule = services.obligation_create(
        actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county,
        **_rule(subject=ObligationSubject.ROLE, roles=[PostRole.SAFETY_DEPUTY], organization_kinds=["government"]),
    )
    assert rule.organization_kinds == [] and rule.roles == [PostRole.SAFETY_DEPUTY]


# --- Pages ------------------------------------------------------------------------------------


def test_list_and_detail_offer_adapting_a_general_rule(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:obligation_list"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == Obligation.objects.filter(jurisdiction=None).count()
    general = Obligation.objects.get(name=GOVERNMENT_RULE)
    detail = client.get(general.get_absolute_url())
    assert detail.context["can_adapt"] and not detail.context["can_change"]
    assert client.get(reverse("responsibility:obligation_update", args=[general.pk])).status_code == 403


def test_adapting_prefills_the_rule_and_saves_a_local_version(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    general = Obligation.objects.get(name=GOVERNMENT_RULE)
    url = f"{reverse('responsibility:obligation_create')}?replaces={general.pk}"
    form = client.get(url).context["form"]
    assert form.initial["minimum"] == 1 and form.initial["replaces"] == general.pk
    data = {
        "name": "晋江市政府每季度至少召开2次安全生产工作会议", "subject": "organization_kind",
        "organization_kinds": ["government"], "levels": ["county"], "activity": "meeting",
        "meeting_kind": "government_safety", "minimum": 2, "period": "quarter", "source": "晋江市规定",
        "jurisdiction": world.a.county.pk, "replaces": general.pk, "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    local = Obligation.objects.get(jurisdiction=world.a.county)
    assert local.replaces == general and local.minimum == 2


def test_a_rule_form_with_errors_keeps_the_input(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    data = {
        "name": "缺少角色的规则", "subject": "role", "levels": ["county"], "activity": "meeting",
        "meeting_kind": "government_safety", "minimum": 3, "period": "month", "jurisdiction": world.a.county.pk,
        "is_active": "on",
    }
    response = client.post(reverse("responsibility:obligation_create"), data)
    assert response.status_code == 200
    assert "roles" in response.context["form"].errors
    assert "缺少角色的规则" in response.content.decode()
    assert not Obligation.objects.filter(name="缺少角色的规则").exists()


def test_nonsense_in_the_rule_form_is_an_error_not_a_crash(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:obligation_create"),
        {"name": "x", "subject": "role", "levels": ["nowhere"], "minimum": "-1", "period": "decade", "jurisdiction": "abc"},
    )
    assert response.status_code == 200
    assert {"levels", "minimum", "period", "jurisdiction"} <= set(response.context["form"].errors)
