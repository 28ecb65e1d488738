"""The hazard's closed loop through the services: the transition table, major-hazard rules,
extensions, conflicts and who may do what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import ConflictError
from hazards.choices import HazardEventKind, HazardLevel, HazardStatus, ListingLevel
from hazards.models import Hazard, HazardPolicy
from hazards.services import ledger, supervision
from hazards.workflow import TRANSITIONS, allowed_actions
from responsibility.choices import OrganizationKind, PostRole
from responsibility.roles import Role
from tests.factories import (
    PNG_BYTES,
    EnterpriseFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    official_user,
    photo,
    sector,
)

TODAY = datetime.date.today()


@pytest.fixture
def enterprise(world):
    return EnterpriseFactory(jurisdiction=world.a.township)


def report(world, enterprise, *, actor=None, level=HazardLevel.GENERAL, **fields):
    return ledger.hazard_report(
        actor=actor if actor is not None else world.user(Role.SAFETY_OFFICE),
        enterprise=enterprise,
        sector=sector(),
        category="equipment",
        source="department_inspection",
        title="配电箱未接地",
        description="二车间配电箱未做接地保护",
        found_on=TODAY - datetime.timedelta(days=5),
        level=level,
        photos=[photo()],
        **fields,
    )


def leader_of(world):
    """A county government leader of county A, with a login."""
    return official_user(
        role=Role.LEADER, organization=world.a.orgs["government"], post_role=PostRole.GOVERNMENT_LEADER, username="vice_mayor"
    ).official


def test_transition_table_is_a_closed_loop():
    assert [t.action for t in allowed_actions(HazardStatus.REPORTED)] == ["accept", "cancel"]
    assert [t.action for t in allowed_actions(HazardStatus.SUBMITTED)] == ["return", "verify", "cancel"]
    assert allowed_actions(HazardStatus.CLOSED) == []
    assert allowed_actions(HazardStatus.CANCELLED) == []
    targets = {t.target for t in TRANSITIONS.values()}
    assert HazardStatus.CLOSED in targets and HazardStatus.CANCELLED in targets


def test_report_records_photo_event_code_and_path(world, enterprise):
    hazard = report(world, enterprise)
    assert hazard.code == f"YH{hazard.found_on.year}{hazard.pk:08d}"
    assert hazard.jurisdiction_path == world.a.township.path
    assert hazard.status == HazardStatus.REPORTED
    assert hazard.photos.get().stage == "before"
    assert list(hazard.events.values_list("kind", flat=True)) == [HazardEventKind.REPORTED]


def test_ownerless_hazard_is_the_county_governments(world):
    hazard = ledger.hazard_report(
        actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.township, sector=sector(), category="environment",
        source="tip_off", title="山体滑坡隐患", description="村道边坡开裂", found_on=TODAY,
    )
    assert hazard.is_ownerless
    assert hazard.responsible_organization == world.a.orgs["government"]


def test_full_general_loop(world, enterprise):
    office = world.user(Role.SAFETY_OFFICE)
    hazard = report(world, enterprise)
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="accept", deadline=TODAY + datetime.timedelta(days=20))
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="start")
    with pytest.raises(ValidationError) as error:
        ledger.hazard_transition(actor=office, hazard=hazard, action="submit")
    assert {"evidence", "after_photos"} <= set(error.value.message_dict)
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="submit", evidence="已接地", after_photos=[photo("after.png", PNG_BYTES)])
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="return", comment="接地电阻未测")
    assert hazard.status == HazardStatus.RECTIFYING
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="submit", evidence="已测 3.2Ω")
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="verify")
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="close")
    assert hazard.status == HazardStatus.CLOSED and hazard.closed_by == office
    actions = list(hazard.events.filter(kind=HazardEventKind.TRANSITION).values_list("action", flat=True))
    assert actions == ["accept", "start", "submit", "return", "submit", "verify", "close"]


def test_illegal_transition_changes_nothing(world, enterprise):
    hazard = report(world, enterprise)
    with pytest.raises(ValidationError):
        ledger.hazard_transition(actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, action="close")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REPORTED
    assert hazard.events.count() == 1


def test_cancel_needs_a_reason(world, enterprise):
    hazard = report(world, enterprise)
    with pytest.raises(ValidationError):
        ledger.hazard_transition(actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, action="cancel", comment=" ")
    hazard = ledger.hazard_transition(actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, action="cancel", comment="重复录入")
    assert hazard.status == HazardStatus.CANCELLED and hazard.cancel_reason == "重复录入"


def test_stale_status_is_a_conflict(world, enterprise):
    office = world.user(Role.SAFETY_OFFICE)
    hazard = report(world, enterprise)
    ledger.hazard_transition(actor=office, hazard=hazard, action="accept", expected_status=HazardStatus.REPORTED)
    with pytest.raises(ConflictError):
        ledger.hazard_transition(actor=office, hazard=hazard, action="accept", expected_status=HazardStatus.REPORTED)


def test_deadline_before_found_date_is_refused(world, enterprise):
    hazard = report(world, enterprise)
    with pytest.raises(ValidationError) as error:
        ledger.hazard_transition(
            actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, action="accept", deadline=hazard.found_on - datetime.timedelta(days=1)
        )
    assert "deadline" in error.value.message_dict
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REPORTED and hazard.deadline is None


def test_other_county_cannot_act(world, enterprise):
    hazard = report(world, enterprise)
    other = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    with pytest.raises(PermissionDenied):
        ledger.hazard_transition(actor=other, hazard=hazard, action="accept")


def test_leader_role_cannot_verify(world, enterprise):
    office = world.user(Role.SAFETY_OFFICE)
    hazard = report(world, enterprise)
    for action in ("accept", "start"):
        hazard = ledger.hazard_transition(actor=office, hazard=hazard, action=action)
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="submit", evidence="done", after_photos=[photo()])
    with pytest.raises(PermissionDenied):
        ledger.hazard_transition(actor=world.user(Role.LEADER), hazard=hazard, action="verify")


def test_overdue_is_derived(world, enterprise):
    hazard = report(world, enterprise)
    hazard = ledger.hazard_transition(actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, action="accept", deadline=TODAY - datetime.timedelta(days=1))
    assert hazard.is_overdue and hazard.overdue_days == 1
    assert Hazard.objects.overdue().filter(pk=hazard.pk).exists()


# --- Extensions -------------------------------------------------------------------------------


def test_extension_limits_follow_the_policy(world, enterprise):
    office = world.user(Role.SAFETY_OFFICE)
    HazardPolicy.objects.create(jurisdiction=world.a.county, max_extensions=1, max_extension_days=10)
    hazard = report(world, enterprise)
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="accept", deadline=TODAY + datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as error:
        ledger.hazard_request_extension(actor=office, hazard=hazard, requested_deadline=hazard.deadline + datetime.timedelta(days=11), reason="设备未到")
    assert "requested_deadline" in error.value.message_dict
    extension = ledger.hazard_request_extension(actor=office, hazard=hazard, requested_deadline=hazard.deadline + datetime.timedelta(days=10), reason="设备未到")
    ledger.hazard_decide_extension(actor=office, extension=extension, approve=True)
    hazard.refresh_from_db()
    assert hazard.extension_count == 1 and hazard.deadline == TODAY + datetime.timedelta(days=15)
    assert hazard.original_deadline == TODAY + datetime.timedelta(days=5)
    with pytest.raises(ValidationError):
        ledger.hazard_request_extension(actor=office, hazard=hazard, requested_deadline=hazard.deadline + datetime.timedelta(days=3), reason="再延")
    with pytest.raises(ConflictError):
        ledger.hazard_decide_extension(actor=office, extension=extension, approve=False, note="x")


# --- Major hazards ----------------------------------------------------------------------------


def _major_ready(world, enterprise):
    office = world.user(Role.SAFETY_OFFICE)
    hazard = report(world, enterprise, level=HazardLevel.MAJOR)
    return office, ledger.hazard_transition(actor=office, hazard=hazard, action="accept")


def test_major_hazard_needs_leader_listing_and_plan(world, enterprise):
    office, hazard = _major_ready(world, enterprise)
    with pytest.raises(ValidationError) as error:
        ledger.hazard_transition(actor=office, hazard=hazard, action="start")
    message = " ".join(error.value.messages)
    assert "linked leader" in message and "listing level" in message
    leader = leader_of(world)
    supervision.hazard_link_leader(actor=office, hazard=hazard, leader=leader)
    supervision.hazard_list_for_supervision(actor=office, hazard=hazard, listing_level=ListingLevel.COUNTY)
    ledger.hazard_set_plan(actor=office, hazard=hazard, plan_responsible="张三", plan_measures="更换", plan_funds=50000, plan_contingency="停产")
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="start")
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.listing_office == world.a.orgs["office"]


def test_linked_leader_must_be_a_city_or_county_leader(world, enterprise):
    office, hazard = _major_ready(world, enterprise)
    with pytest.raises(ValidationError):
        supervision.hazard_link_leader(actor=office, hazard=hazard, leader=world.a.official)  # a department deputy
    foreign = OfficialFactory(registered_in=world.b.county)
    PostFactory(official=foreign, organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_PRINCIPAL)
    with pytest.raises(ValidationError):
        supervision.hazard_link_leader(actor=office, hazard=hazard, leader=foreign)


def test_linked_leader_sees_the_hazard_outside_their_scope(world):
    # A city leader (scope: the whole city) does not need a grant; a county B leader would.
    enterprise_b = EnterpriseFactory(jurisdiction=world.b.township)
    office_b = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    hazard = report(world, enterprise_b, actor=office_b, level=HazardLevel.MAJOR)
    city_gov = OrganizationFactory(jurisdiction=world.city, name="泉州市人民政府", kind=OrganizationKind.GOVERNMENT)
    city_leader_user = official_user(role=Role.INSPECTOR, organization=world.a.orgs["emergency"], username="city_vm")
    PostFactory(official=city_leader_user.official, organization=city_gov, role=PostRole.GOVERNMENT_LEADER)
    # Restrict the user's own scope to county A by ending the city post's scope effect: the
    # inspector role has view_hazard, so test through a leader whose posts are in county A only.
    leader_user = official_user(role=Role.LEADER, organization=world.a.orgs["government"], username="a_vm", post_role=PostRole.GOVERNMENT_LEADER)
    assert not Hazard.objects.restrict(leader_user).filter(pk=hazard.pk).exists()
    PostFactory(official=leader_user.official, organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_LEADER,
                start_date=TODAY - datetime.timedelta(days=400), end_date=TODAY - datetime.timedelta(days=1))
    # An ended post is no scope: still invisible, and not a candidate either.
    assert not ledger.leader_candidates(hazard).filter(pk=leader_user.official.pk).exists()
    supervision.hazard_link_leader(actor=office_b, hazard=hazard, leader=city_leader_user.official)
    assert Hazard.objects.restrict(city_leader_user).filter(pk=hazard.pk).exists()


def test_grant_follows_the_linked_leader(world):
    enterprise_b = EnterpriseFactory(jurisdiction=world.b.township)
    office_b = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    hazard = report(world, enterprise_b, actor=office_b, level=HazardLevel.MAJOR)
    # A county-B leader whose login belongs to a person whose other post is in county A only
    # would see county B anyway; grants matter for people outside: give a county-A user a
    # county-B leader post that started today and check the grant table directly.
    leader_user = official_user(role=Role.LEADER, organization=world.b.orgs["government"], username="b_vm", post_role=PostRole.GOVERNMENT_LEADER)
    supervision.hazard_link_leader(actor=office_b, hazard=hazard, leader=leader_user.official)
    from hazards.models import HazardUserObjectPermission

    assert HazardUserObjectPermission.objects.filter(user=leader_user, content_object=hazard).exists()
    other_user = official_user(role=Role.LEADER, organization=world.b.orgs["government"], username="b_vm2", post_role=PostRole.GOVERNMENT_PRINCIPAL)
    supervision.hazard_link_leader(actor=office_b, hazard=hazard, leader=other_user.official)
    assert not HazardUserObjectPermission.objects.filter(user=leader_user, content_object=hazard).exists()
    assert HazardUserObjectPermission.objects.filter(user=other_user, content_object=hazard).exists()


def test_only_the_listing_office_closes_a_major_hazard(world, enterprise):
    office, hazard = _major_ready(world, enterprise)
    supervision.hazard_link_leader(actor=office, hazard=hazard, leader=leader_of(world))
    city_office = OrganizationFactory(jurisdiction=world.city, name="泉州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE)
    supervision.hazard_list_for_supervision(actor=office, hazard=hazard, listing_level=ListingLevel.CITY)
    assert hazard.__class__.objects.get(pk=hazard.pk).listing_office == city_office
    ledger.hazard_set_plan(actor=office, hazard=hazard, plan_responsible="张三", plan_measures="更换", plan_funds=1, plan_contingency="停产")
    for action, extra in (("start", {}), ("submit", {"evidence": "ok", "after_photos": [photo()]}), ("verify", {})):
        hazard = ledger.hazard_transition(actor=office, hazard=hazard, action=action, **extra)
    with pytest.raises(PermissionDenied):
        ledger.hazard_transition(actor=office, hazard=hazard, action="close")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.VERIFIED
    city_staff = official_user(role=Role.SAFETY_OFFICE, organization=city_office, username="city_office")
    hazard = ledger.hazard_transition(actor=city_staff, hazard=hazard, action="close")
    assert hazard.status == HazardStatus.CLOSED


def test_leader_logs_a_visit(world, enterprise):
    office, hazard = _major_ready(world, enterprise)
    leader = leader_of(world)
    supervision.hazard_link_leader(actor=office, hazard=hazard, leader=leader)
    visit = supervision.leader_visit_record(actor=leader.user, hazard=hazard, visited_on=TODAY, note="现场协调资金", photos=[photo()])
    assert visit.photos.count() == 1
    with pytest.raises(ValidationError):
        supervision.leader_visit_record(actor=leader.user, hazard=hazard, visited_on=TODAY + datetime.timedelta(days=1), note="x")


def test_enterprise_account_rectifies_its_own_hazard_only(world, enterprise):
    from guardian.shortcuts import assign_perm

    account = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", account, enterprise)
    office = world.user(Role.SAFETY_OFFICE)
    own = report(world, enterprise)
    other = report(world, EnterpriseFactory(jurisdiction=world.a.township))
    assert list(Hazard.objects.restrict(account)) == [own]
    own = ledger.hazard_transition(actor=office, hazard=own, action="accept")
    own = ledger.hazard_transition(actor=account, hazard=own, action="start")
    own = ledger.hazard_transition(actor=account, hazard=own, action="submit", evidence="已整改", after_photos=[photo()])
    with pytest.raises(PermissionDenied):
        ledger.hazard_transition(actor=account, hazard=own, action="verify")
    with pytest.raises(PermissionDenied):
        ledger.hazard_transition(actor=account, hazard=other, action="cancel", comment="x")
    self_found = report(world, enterprise, actor=account)
    assert self_found.source == "self_check"


def test_non_image_photo_is_refused(world, enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as error:
        ledger.hazard_report(
            actor=world.user(Role.SAFETY_OFFICE), enterprise=enterprise, sector=sector(), category="equipment",
            source="department_inspection", title="x", description="y", found_on=TODAY,
            photos=[SimpleUploadedFile("evil.jpg", b"MZ\x90\x00not an image")],
        )
    assert "photos" in error.value.message_dict
    assert not Hazard.objects.exists()


def test_future_found_date_is_refused(world, enterprise):
    with pytest.raises(ValidationError) as error:
        ledger.hazard_report(
            actor=world.user(Role.SAFETY_OFFICE), enterprise=enterprise, sector=sector(), category="equipment",
            source="department_inspection", title="x", description="y", found_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "found_on" in error.value.message_dict


def test_a_leader_linked_before_having_a_login_sees_the_hazard_once_given_one(world):
    from tests.factories import UserFactory

    enterprise_b = EnterpriseFactory(jurisdiction=world.b.township)
    office_b = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    hazard = report(world, enterprise_b, actor=office_b, level=HazardLevel.MAJOR)
    leader = OfficialFactory(registered_in=world.b.county)
    PostFactory(official=leader, organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_LEADER)
    supervision.hazard_link_leader(actor=office_b, hazard=hazard, leader=leader)
    login = UserFactory(username="late_login")
    leader.user = login
    leader.save()
    from hazards.models import HazardUserObjectPermission

    assert HazardUserObjectPermission.objects.filter(user=login, content_object=hazard).exists()
