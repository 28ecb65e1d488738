"""The patrol world, on top of the shared ``world`` (350500 泉州市 → 晋江 county A, 南安 county B):

* the city's safety committee office with ``office``, a safety-office login: the patrol office
  of the city's patrols;
* two officials of the city's emergency bureau with logins (inspector role): ``member``, in the
  group of the patrol of county A, and ``other_member``, in the group of county B's patrol;
* a term issued by the city (2024–2026) targeting county A and county B (Party committee and
  government) and the city's emergency bureau (a department), with two batches.

The patrolled unit of county A is any login of ``world`` (county A's leader, safety office …).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from patrols.choices import MemberRole, Milestone, PatrolKind, PatrolStatus, TargetKind
from patrols.services import patrols as services
from patrols.services import plans
from responsibility.choices import OrganizationFunction, OrganizationKind, PostRole
from responsibility.roles import Role
from tests.factories import OfficialFactory, OrganizationFactory, official_user

D = datetime.date

#: Dates of a patrol of county A that walks through every stage (2024: National Day week inside).
STAGE_DATES = {
    "start_stationing": D(2024, 8, 26),
    "end_stationing": D(2024, 9, 27),
    "submit_report": D(2024, 10, 14),
    "approve_report": D(2024, 10, 21),
    "deliver_feedback": D(2024, 10, 28),
    "submit_plan": D(2024, 12, 2),
    "submit_rectification_report": D(2025, 4, 10),
    "close": D(2025, 4, 20),
}
ORDER = list(STAGE_DATES)


@dataclass
class PatrolWorld:
    world: Any
    city_office: Any
    city_emergency: Any
    office: Any
    member: Any
    other_member: Any
    term: Any
    target_a: Any
    target_b: Any
    target_department: Any
    batch1: Any
    batch2: Any

    def user(self, role):
        return self.world.user(role)


@pytest.fixture
def pw(world) -> PatrolWorld:
    from auditlog.context import disable_auditlog

    with disable_auditlog():
        city = world.city
        committee = OrganizationFactory(jurisdiction=city, name="泉州市安全生产委员会", kind=OrganizationKind.SAFETY_COMMITTEE)
        city_office = OrganizationFactory(
            jurisdiction=city, name="泉州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE, parent=committee
        )
        city_emergency = OrganizationFactory(
            jurisdiction=city, name="泉州市应急管理局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT, function=OrganizationFunction.EMERGENCY
        )
        OrganizationFactory(jurisdiction=city, name="中共泉州市纪律检查委员会", kind=OrganizationKind.PARTY_DEPARTMENT, function=OrganizationFunction.DISCIPLINE)
        OrganizationFactory(jurisdiction=city, name="中共泉州市委组织部", kind=OrganizationKind.PARTY_DEPARTMENT, function=OrganizationFunction.ORGANIZATION)
        province_committee = OrganizationFactory(jurisdiction=world.province, name="福建省安全生产委员会", kind=OrganizationKind.SAFETY_COMMITTEE)
        OrganizationFactory(jurisdiction=world.province, name="福建省安委会办公室", kind=OrganizationKind.SAFETY_OFFICE, parent=province_committee)
        office = official_user(role=Role.SAFETY_OFFICE, organization=city_office, post_role=PostRole.OFFICE_STAFF, username="city_office", display_name="市安办")
        member = official_user(role=Role.INSPECTOR, organization=city_emergency, post_role=PostRole.INSPECTOR, username="member", display_name="巡查组员")
        other_member = official_user(
            role=Role.INSPECTOR, organization=city_emergency, post_role=PostRole.INSPECTOR, username="other_member", display_name="另一组员"
        )
        term = plans.term_create(actor=None, issuing_jurisdiction=city, name="2024—2026年届", start_date=D(2024, 1, 1), end_date=D(2026, 12, 31))
        target_a = plans.target_create(actor=None, term=term, kind=TargetKind.PARTY_GOVERNMENT, jurisdiction=world.a.county)
        target_b = plans.target_create(actor=None, term=term, kind=TargetKind.PARTY_GOVERNMENT, jurisdiction=world.b.county)
        target_department = plans.target_create(
            actor=None, term=term, kind=TargetKind.DEPARTMENT, jurisdiction=city, organizations=[city_emergency]
        )
        batch1 = plans.batch_create(actor=None, term=term, number=1, start_month=D(2024, 8, 1), name="第一批")
        batch2 = plans.batch_create(actor=None, term=term, number=2, start_month=D(2024, 9, 1), name="第二批")
    return PatrolWorld(
        world=world, city_office=city_office, city_emergency=city_emergency, office=office, member=member, other_member=other_member,
        term=term, target_a=target_a, target_b=target_b, target_department=target_department, batch1=batch1, batch2=batch2,
    )


def make_patrol(pw: PatrolWorld, target=None, *, member=None, kind=PatrolKind.REGULAR, batch=None, **kwargs):
    """A patrol planned by the office, with ``member``'s official as a member of its group."""
    target = target or pw.target_a
    batch = batch if batch is not None or kind != PatrolKind.REGULAR else pw.batch1
    patrol = services.patrol_create(actor=pw.office, term=pw.term, target=target, kind=kind, batch=batch, group_name="第一巡查组", **kwargs)
    leader = OfficialFactory(name=f"组长{patrol.pk}", registered_in=pw.world.city)
    services.member_add(actor=pw.office, patrol=patrol, official=leader, role=MemberRole.LEADER)
    if member is not None:
        services.member_add(actor=pw.office, patrol=patrol, official=member.official, role=MemberRole.MEMBER)
    return patrol


def advance(pw: PatrolWorld, patrol, until: str, dates: dict | None = None):
    """Take the patrol through the stages up to and including the action ``until``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from patrols.workflow import TRANSITIONS

    dates = {**STAGE_DATES, **(dates or {})}
    first = next(i for i, action in enumerate(ORDER) if TRANSITIONS[action].source == patrol.status)
    for action in ORDER[first:]:
        document = None
        if action in ("submit_plan", "submit_rectification_report"):
            document = SimpleUploadedFile(f"{action}.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        patrol = services.patrol_transition(actor=pw.office, patrol=patrol, action=action, on=dates[action], document=document)
        if action == until:
            return patrol
    return patrol


@pytest.fixture
def make(pw):
    return lambda *args, **kwargs: make_patrol(pw, *args, **kwargs)


__all__ = ["D", "Milestone", "PatrolStatus", "STAGE_DATES", "advance", "make_patrol"]
