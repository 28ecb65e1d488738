"""Inspection records through the services: drafts, submission, amendments, findings → hazards,
and the quota count."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import ConflictError
from hazards.choices import HazardLevel, HazardSource
from inspections.choices import InspectionKind, InspectionStatus, ItemSeverity
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Inspection
from inspections.selectors.quotas import count_inspections
from inspections.services import records
from inspections.services.records import AnswerInput, TargetInput
from responsibility.choices import ObligationSubject
from responsibility.models import Obligation, Official
from responsibility.roles import Role
from responsibility.selectors.compliance import Subjects
from tests.factories import EnterpriseFactory, official_user, photo, sector


@pytest.fixture
def checklist(db):
    template = ChecklistTemplate.objects.create(name="工贸企业检查表", sector=sector())
    version = ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    items = [
        ChecklistItem.objects.create(version=version, order=1, requirement="安全出口畅通", severity=ItemSeverity.GENERAL, category="environment"),
        ChecklistItem.objects.create(version=version, order=2, requirement="有限空间作业审批", severity=ItemSeverity.MAJOR, category="management"),
    ]
    return version, items


def draft(world, checklist, *, actor=None, **fields):
    version, _items = checklist
    actor = actor or world.user(Role.INSPECTOR)
    enterprise = fields.pop("enterprise", None) or EnterpriseFactory(jurisdiction=world.a.township)
    inspection = records.inspection_save_draft(
        actor=actor,
        client_uuid=fields.pop("client_uuid", uuid.uuid4()),
        jurisdiction=world.a.county,
        kind=InspectionKind.LEADER,
        methods=["unannounced"],
        started_at=fields.pop("started_at", timezone.now() - datetime.timedelta(hours=2)),
        targets=[TargetInput(enterprise=enterprise, checklist=version)],
        **fields,
    )
    return inspection, enterprise


def test_draft_save_is_idempotent_by_client_uuid(world, checklist):
    key = uuid.uuid4()
    first, enterprise = draft(world, checklist, client_uuid=key)
    second = records.inspection_save_draft(actor=world.user(Role.INSPECTOR), client_uuid=key, summary="补充")
    assert first.pk == second.pk and Inspection.objects.count() == 1
    assert second.summary == "补充" and second.targets.get().enterprise == enterprise
    assert second.lead_official == world.user(Role.INSPECTOR).official


def test_submit_requires_every_required_answer(world, checklist):
    version, items = checklist
    inspection, enterprise = draft(world, checklist)
    with pytest.raises(ValidationError) as error:
        records.inspection_submit(actor=world.user(Role.INSPECTOR), inspection=inspection)
    assert "answers" in error.value.message_dict
    records.inspection_save_draft(
        actor=world.user(Role.INSPECTOR), client_uuid=inspection.client_uuid,
        answers=[AnswerInput(enterprise.pk, items[0].pk, "pass"), AnswerInput(enterprise.pk, items[1].pk, "fail", "无审批")],
    )
    inspection = records.inspection_submit(actor=world.user(Role.INSPECTOR), inspection=inspection)
    assert inspection.status == InspectionStatus.SUBMITTED
    with pytest.raises(ConflictError):
        records.inspection_save_draft(actor=world.user(Role.INSPECTOR), client_uuid=inspection.client_uuid, summary="改")


def test_future_inspection_is_refused(world, checklist):
    with pytest.raises(ValidationError) as error:
        draft(world, checklist, started_at=timezone.now() + datetime.timedelta(days=1))
    assert "started_at" in error.value.message_dict
    assert not Inspection.objects.exists()


def test_amendment_keeps_reason_and_change(world, checklist):
    version, items = checklist
    inspection, enterprise = draft(world, checklist)
    records.inspection_save_draft(
        actor=world.user(Role.INSPECTOR), client_uuid=inspection.client_uuid,
        answers=[AnswerInput(enterprise.pk, i.pk, "pass") for i in items],
    )
    records.inspection_submit(actor=world.user(Role.INSPECTOR), inspection=inspection)
    with pytest.raises(ValidationError):
        records.inspection_amend(actor=world.user(Role.INSPECTOR), inspection=inspection, reason=" ", summary="x")
    amended = records.inspection_amend(actor=world.user(Role.INSPECTOR), inspection=inspection, reason="笔误", summary="已更正")
    assert amended.amendment_count == 1
    assert amended.amendments.get().changes["summary"] == {"from": "", "to": "已更正"}


def test_finding_becomes_a_prefilled_hazard(world, checklist):
    version, items = checklist
    inspection, enterprise = draft(world, checklist)
    finding = records.finding_record(
        actor=world.user(Role.INSPECTOR), inspection=inspection, description="有限空间作业未审批", enterprise=enterprise, item=items[1]
    )
    records.inspection_add_photos(actor=world.user(Role.INSPECTOR), inspection=inspection, files=[photo()], finding=finding)
    hazard = records.finding_to_hazard(actor=world.user(Role.INSPECTOR), finding=finding)
    assert hazard.enterprise == enterprise and hazard.level == HazardLevel.MAJOR
    assert hazard.source == HazardSource.LEADER_INSPECTION and hazard.category == "management"
    assert hazard.photos.count() == 1
    finding.refresh_from_db()
    assert finding.hazard == hazard
    with pytest.raises(ConflictError):
        records.finding_to_hazard(actor=world.user(Role.INSPECTOR), finding=finding)


def test_other_county_cannot_edit(world, checklist):
    inspection, _ = draft(world, checklist)
    other = official_user(role=Role.INSPECTOR, organization=world.b.orgs["emergency"], username="b_insp")
    with pytest.raises(PermissionDenied):
        records.inspection_save_draft(actor=other, client_uuid=inspection.client_uuid, summary="x")


def test_quota_counter_counts_submitted_led_and_joined_once(world, checklist):
    version, items = checklist
    lead = world.user(Role.INSPECTOR)
    partner = world.a.official
    inspection, enterprise = draft(world, checklist, participants=[(partner, "member")])
    records.inspection_save_draft(
        actor=lead, client_uuid=inspection.client_uuid, answers=[AnswerInput(enterprise.pk, i.pk, "pass") for i in items],
    )
    obligation = Obligation.objects.filter(activity="inspection").first()
    subjects = Subjects(kind=ObligationSubject.ROLE, ids=Official.objects.values("pk"), obligation=obligation)
    today = timezone.localdate()
    assert count_inspections(subjects, today - datetime.timedelta(days=1), today) == {}
    records.inspection_submit(actor=lead, inspection=inspection)
    counts = count_inspections(subjects, today - datetime.timedelta(days=1), today)
    assert counts == {lead.official.pk: 1, partner.pk: 1}
