"""Inspection record pages: logging one (the JSON autosave the script uses and the page's own
buttons), typed values kept on every refusal (missing answers, a future time, a photo that is
not an image), a submitted record refused for editing, findings onto the hazard ledger,
amendments, scope, the list with its filters, export and pinned query count."""

from __future__ import annotations

import datetime
import io
import itertools
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hazards.choices import HazardLevel, HazardSource
from inspections.choices import InspectionKind, InspectionStatus, ItemSeverity
from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Inspection,
    InspectionAmendment,
    InspectionFinding,
    InspectionParticipant,
    InspectionTarget,
)
from inspections.services import records
from inspections.services.records import AnswerInput, TargetInput
from responsibility.models import Sector
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, official_user, photo, sector
from tests.responsibility.test_query_counts import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("inspections:inspection_list")
NEW = reverse("inspections:inspection_create")
AUTOSAVE = reverse("inspections:inspection_autosave")
_numbers = itertools.count(1)


@pytest.fixture
def checklist(world):
    # The county's own checklist for the sector: chosen before the platform's seeded ones.
    template = ChecklistTemplate.objects.create(name="晋江工贸企业检查表", sector=sector(), jurisdiction=world.a.county)
    version = ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    items = [
        ChecklistItem.objects.create(version=version, order=1, requirement="安全出口畅通", category="environment"),
        ChecklistItem.objects.create(version=version, order=2, requirement="有限空间作业审批", severity=ItemSeverity.MAJOR),
    ]
    return version, items


@pytest.fixture
def enterprise_a(world):
    return EnterpriseFactory(jurisdiction=world.a.township, name="晋江鞋业有限公司", sector=sector())


@pytest.fixture
def inspector(world, client):
    user = world.user(Role.INSPECTOR)
    client.force_login(user)
    return user


def started(hours: int = 2) -> str:
    return (timezone.localtime() - datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def form_data(world, user, enterprise, checklist, *, answers=None, **overrides) -> dict:
    """What the log form posts: one enterprise with its checklist, ``answers`` by item."""
    version, items = checklist
    e = enterprise.pk
    data = {
        "client_uuid": str(uuid.uuid4()),
        "jurisdiction": world.a.county.pk,
        "started_at": started(),
        "kind": InspectionKind.LEADER,
        "methods": ["unannounced"],
        "lead_official": user.official.pk,
        "summary": "检查了生产车间和仓库",
        "target": [e],
        f"target-{e}-checklist": version.pk,
        "action": "save",
    }
    for item, (result, note) in zip(items, answers or [("pass", ""), ("pass", "")], strict=False):
        if result:
            data[f"answer-{e}-{item.pk}"] = result
        data[f"answer-{e}-{item.pk}-note"] = note
    data.update(overrides)
    return data


def submitted_inspection(world, checklist, enterprise, *, actor=None, **fields) -> Inspection:
    version, items = checklist
    actor = actor or world.user(Role.INSPECTOR)
    inspection = records.inspection_save_draft(
        actor=actor,
        client_uuid=uuid.uuid4(),
        jurisdiction=fields.pop("jurisdiction", world.a.county),
        started_at=fields.pop("started_at", timezone.now() - datetime.timedelta(hours=3)),
        targets=[TargetInput(enterprise=enterprise, checklist=version)],
        **fields,
    )
    records.inspection_save_draft(
        actor=actor, client_uuid=inspection.client_uuid, answers=[AnswerInput(enterprise.pk, i.pk, "pass") for i in items]
    )
    return records.inspection_submit(actor=actor, inspection=inspection)


# --- Autosave -----------------------------------------------------------------------------------


def test_autosave_is_idempotent_by_client_uuid(world, inspector, client, enterprise_a, checklist):
    data = form_data(world, inspector, enterprise_a, checklist, answers=[("fail", "堵塞"), ("", "")])
    data.update({"finding": ["nrow1"], "finding-nrow1-description": "安全出口堵塞", "finding-nrow1-enterprise": enterprise_a.pk})
    first = client.post(AUTOSAVE, data)
    second = client.post(AUTOSAVE, data)  # the same save retried after its answer was lost
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert Inspection.objects.count() == 1 and InspectionFinding.objects.count() == 1
    body = second.json()
    assert body["ok"] and body["findings"] == {"nrow1": InspectionFinding.objects.get().pk}
    inspection = Inspection.objects.get()
    assert inspection.status == InspectionStatus.DRAFT and str(inspection.client_uuid) == data["client_uuid"]
    assert inspection.targets.get().answers.get(item=checklist[1][0]).note == "堵塞"
    # The form now knows the finding's id: an edited text updates the same finding.
    data.update({"finding-nrow1-id": body["findings"]["nrow1"], "finding-nrow1-description": "安全出口被货物堵塞"})
    client.post(AUTOSAVE, data)
    assert InspectionFinding.objects.get().description == "安全出口被货物堵塞"
    # A row removed from the form removes its finding.
    del data["finding"]
    client.post(AUTOSAVE, data)
    assert not InspectionFinding.objects.exists()


def test_autosave_reports_errors_as_json_and_saves_nothing(world, inspector, client, enterprise_a, checklist):
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(AUTOSAVE, form_data(world, inspector, enterprise_a, checklist, started_at=future))
    assert response.status_code == 400
    assert "started_at" in response.json()["errors"]
    assert not Inspection.objects.exists()


def test_autosave_of_a_submitted_record_is_a_conflict(world, inspector, client, enterprise_a, checklist):
    inspection = submitted_inspection(world, checklist, enterprise_a, summary="原概况")
    data = form_data(world, inspector, enterprise_a, checklist, client_uuid=str(inspection.client_uuid), summary="改过")
    response = client.post(AUTOSAVE, data, HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert response.json()["url"] == inspection.get_absolute_url()
    inspection.refresh_from_db()
    assert inspection.summary == "原概况"


# --- The page's own buttons (no JavaScript) -------------------------------------------------------


def test_new_form_defaults_to_scope_root_now_and_own_official(world, inspector, client):
    response = client.get(NEW)
    assert response.status_code == 200
    record = response.context["record"]
    assert record.initial["jurisdiction"] == world.a.county.pk
    assert record.initial["lead_official"] == inspector.official.pk
    assert abs((timezone.localtime() - record.initial["started_at"]).total_seconds()) < 120
    assert record.initial["client_uuid"]
    assert 'capture="environment"' in response.content.decode()


def test_save_draft_button_saves_and_continues_editing(world, inspector, client, enterprise_a, checklist):
    response = client.post(NEW, form_data(world, inspector, enterprise_a, checklist))
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inspections:inspection_edit", args=[inspection.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "检查了生产车间和仓库" in page.content.decode()
    assert inspection.lead_official == inspector.official and inspection.methods == ["unannounced"]


def test_row_buttons_find_and_add_an_enterprise_and_a_participant(world, inspector, client, checklist):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township, name="晋江陶瓷有限公司", sector=sector())
    EnterpriseFactory(jurisdiction=world.b.township, name="南安陶瓷有限公司", sector=sector())
    data = form_data(world, inspector, enterprise, checklist, target=[], action="find_enterprise", enterprise_q="陶瓷")
    response = client.post(NEW, data)
    found = [e for e, _label in response.context["search"]["enterprises"]]
    assert found == [enterprise]  # county B's is outside the inspector's scope
    data["action"] = f"add_enterprise:{enterprise.pk}"
    response = client.post(NEW, data)
    inspection = Inspection.objects.get()
    target = inspection.targets.get()
    assert target.enterprise == enterprise and target.checklist == checklist[0]  # the sector's checklist by default
    content = response.content.decode()
    assert f'name="answer-{enterprise.pk}-{checklist[1][0].pk}"' in content
    data = form_data(world, inspector, enterprise, checklist, client_uuid=str(inspection.client_uuid), action=f"add_participant:{world.a.official.pk}")
    client.post(reverse("inspections:inspection_edit", args=[inspection.pk]), data)
    assert InspectionParticipant.objects.get(inspection=inspection).official == world.a.official


def test_failed_item_becomes_a_prefilled_finding_row(world, inspector, client, enterprise_a, checklist):
    version, items = checklist
    data = form_data(world, inspector, enterprise_a, checklist, answers=[("pass", ""), ("fail", "无审批单")])
    data["action"] = f"finding_from:{enterprise_a.pk}-{items[1].pk}"
    response = client.post(NEW, data)
    rows = response.context["findings"]
    assert len(rows) == 1
    assert rows[0].description == "有限空间作业审批：无审批单" and rows[0].severity == ItemSeverity.MAJOR
    assert rows[0].item_id == items[1].pk and rows[0].enterprise_id == enterprise_a.pk


def test_add_finding_button_adds_a_blank_row(world, inspector, client, enterprise_a, checklist):
    response = client.post(NEW, form_data(world, inspector, enterprise_a, checklist, action="add_finding"))
    [row] = response.context["findings"]
    assert row.id is None and row.description == ""
    assert f'name="finding-{row.key}-description"' in response.content.decode()
    assert not InspectionFinding.objects.exists()  # a blank row is not a finding


def test_submit_with_missing_answers_keeps_everything_typed(world, inspector, client, enterprise_a, checklist):
    version, items = checklist
    data = form_data(world, inspector, enterprise_a, checklist, answers=[("fail", "通道堆放纸箱"), ("", "仓库未查")])
    data.update({"action": "submit", "summary": "现场检查情况说明", "place": "二号仓库"})
    response = client.post(NEW, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "required checklist item(s) have no answer" in content
    for typed in ("现场检查情况说明", "二号仓库", "通道堆放纸箱", "仓库未查"):
        assert typed in content
    target = response.context["targets"][0]
    assert [row.missing for row in target.items] == [False, True]
    assert [row.result for row in target.items] == ["fail", ""]
    inspection = Inspection.objects.get()
    assert inspection.status == InspectionStatus.DRAFT  # saved, not submitted


def test_future_time_is_refused_with_the_form_kept(world, inspector, client, enterprise_a, checklist):
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = form_data(world, inspector, enterprise_a, checklist, started_at=future, action="submit", summary="明天的检查")
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert response.context["record"].errors["started_at"]
    assert "this time is in the future" in response.content.decode()
    assert "明天的检查" in response.content.decode()
    assert not Inspection.objects.exists()


def test_photo_that_is_not_an_image_is_refused_and_nothing_submitted(world, inspector, client, enterprise_a, checklist):
    data = form_data(world, inspector, enterprise_a, checklist, action="submit")
    data.update(
        {
            "finding": ["nrow"],
            "finding-nrow-description": "配电箱门未关",
            "finding-nrow-enterprise": enterprise_a.pk,
            "finding-nrow-photos": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00not a picture", content_type="image/jpeg"),
        }
    )
    response = client.post(NEW, data)
    assert response.status_code == 200
    rows = response.context["findings"]
    assert rows[0].errors and "photo.jpg" in rows[0].errors[0]
    assert "配电箱门未关" in response.content.decode()
    inspection = Inspection.objects.get()
    assert inspection.status == InspectionStatus.DRAFT and not inspection.photos.exists()
    # The next press keeps the finding (its id came back with the page) and sends a real photo.
    data.update({"finding-nrow-id": rows[0].id, "finding-nrow-photos": photo()})
    response = client.post(reverse("inspections:inspection_edit", args=[inspection.pk]), data)
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    assert inspection.findings.get().photos.count() == 1


def test_editing_a_submitted_record_is_refused_and_changes_nothing(world, inspector, client, enterprise_a, checklist):
    inspection = submitted_inspection(world, checklist, enterprise_a, summary="原概况")
    url = reverse("inspections:inspection_edit", args=[inspection.pk])
    assert client.get(url).status_code == 409
    data = form_data(world, inspector, enterprise_a, checklist, summary="偷偷改", action="save")
    response = client.post(url, data)
    assert response.status_code == 409
    assert "correct it through an amendment" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.summary == "原概况" and inspection.amendment_count == 0


# --- Scope -------------------------------------------------------------------------------------


def test_other_county_sees_nothing(world, client, enterprise_a, checklist):
    inspection = submitted_inspection(world, checklist, enterprise_a)
    other = official_user(role=Role.INSPECTOR, organization=world.b.orgs["emergency"], username="b_inspector")
    client.force_login(other)
    assert inspection not in client.get(LIST).context["object_list"]
    for name in ("inspection_detail", "inspection_edit"):
        assert client.get(reverse(f"inspections:{name}", args=[inspection.pk])).status_code == 404
    assert client.post(reverse("inspections:inspection_amend", args=[inspection.pk]), {"amend-reason": "x"}).status_code == 404
    finding_url = reverse("inspections:finding_to_hazard", args=[inspection.pk, 1])
    assert client.post(finding_url).status_code == 404
    data = form_data(world, other, enterprise_a, checklist, client_uuid=str(inspection.client_uuid), summary="改")
    assert client.post(AUTOSAVE, data).status_code in (400, 403, 409)
    inspection.refresh_from_db()
    assert inspection.summary == ""
    search = client.get(reverse("inspections:inspection_enterprise_search"), {"q": "晋江"}).json()
    assert search["results"] == []


def test_photos_are_served_only_to_those_who_see_the_inspection(world, inspector, client, enterprise_a, checklist):
    inspection = records.inspection_save_draft(
        actor=inspector, client_uuid=uuid.uuid4(), jurisdiction=world.a.county,
        targets=[TargetInput(enterprise=enterprise_a, checklist=checklist[0])],
    )
    saved = records.inspection_add_photos(actor=inspector, inspection=inspection, files=[photo()])[0]
    url = reverse("inspections:inspection_photo", args=[inspection.pk, saved.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(official_user(role=Role.INSPECTOR, organization=world.b.orgs["emergency"], username="b_photo"))
    assert client.get(url).status_code == 404


def test_enterprise_search_is_scoped_and_limited(world, inspector, client):
    for i in range(25):
        EnterpriseFactory(jurisdiction=world.a.township, name=f"晋江五金{i:02d}厂")
    results = client.get(reverse("inspections:inspection_enterprise_search"), {"q": "五金"}).json()["results"]
    assert len(results) == 20
    assert {"id", "label", "jurisdiction", "sector"} <= set(results[0])


def test_target_block_uses_the_sector_checklist_else_a_general_one(world, inspector, client, enterprise_a, checklist):
    general = ChecklistTemplate.objects.create(name="晋江通用检查表", jurisdiction=world.a.county)
    general_version = ChecklistVersion.objects.create(template=general, number=1, published_at=timezone.now())
    ChecklistItem.objects.create(version=general_version, order=1, requirement="隐患排查台账")
    url = reverse("inspections:inspection_target_block")
    response = client.get(url, {"enterprise": enterprise_a.pk})
    assert response.context["target"].checklist == checklist[0]
    without_checklist = Sector.objects.create(code="test_no_checklist", name="无检查表行业")
    other_sector = EnterpriseFactory(jurisdiction=world.a.township, sector=without_checklist)
    response = client.get(url, {"enterprise": other_sector.pk})
    assert response.context["target"].checklist == general_version
    assert "隐患排查台账" in response.content.decode()


# --- A record's page: hazards and amendments ---------------------------------------------------


def test_finding_goes_onto_the_hazard_ledger_by_post(world, inspector, client, enterprise_a, checklist):
    version, items = checklist
    draft = records.inspection_save_draft(
        actor=inspector, client_uuid=uuid.uuid4(), jurisdiction=world.a.county,
        targets=[TargetInput(enterprise=enterprise_a, checklist=version)],
        answers=None,
    )
    finding = records.finding_record(actor=inspector, inspection=draft, description="有限空间作业未审批", enterprise=enterprise_a, item=items[1])
    url = reverse("inspections:finding_to_hazard", args=[draft.pk, finding.pk])
    client.post(url)
    finding.refresh_from_db()
    assert finding.hazard is None  # a draft's findings wait for the submission
    records.inspection_save_draft(
        actor=inspector, client_uuid=draft.client_uuid, answers=[AnswerInput(enterprise_a.pk, i.pk, "fail") for i in items]
    )
    records.inspection_submit(actor=inspector, inspection=draft)
    response = client.post(url)
    assert response.status_code == 302
    finding.refresh_from_db()
    hazard = finding.hazard
    assert hazard is not None and hazard.enterprise == enterprise_a and hazard.level == HazardLevel.MAJOR
    assert hazard.source == HazardSource.LEADER_INSPECTION
    page = client.get(draft.get_absolute_url())
    assert hazard.code in page.content.decode()
    client.post(url)  # a second press does not make a second hazard
    assert type(hazard).objects.filter(enterprise=enterprise_a).count() == 1


def test_role_without_hazard_permission_cannot_put_findings_on_the_ledger(world, client, enterprise_a, checklist):
    inspection = submitted_inspection(world, checklist, enterprise_a)
    finding = InspectionFinding.objects.create(inspection=inspection, description="消防器材过期")
    client.force_login(world.user(Role.AUDITOR))
    assert client.get(inspection.get_absolute_url()).status_code == 200
    response = client.post(reverse("inspections:finding_to_hazard", args=[inspection.pk, finding.pk]))
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.hazard is None


def test_amendment_needs_a_reason_and_keeps_old_and_new(world, inspector, client, enterprise_a, checklist):
    inspection = submitted_inspection(world, checklist, enterprise_a, summary="原概况")
    page = client.get(inspection.get_absolute_url())
    assert page.context["can_amend"] and not page.context["can_edit"]
    url = reverse("inspections:inspection_amend", args=[inspection.pk])
    initial = page.context["amend_form"].initial
    data = {
        "amend-reason": "",
        "amend-started_at": initial["started_at"].strftime("%Y-%m-%dT%H:%M"),
        "amend-kind": inspection.kind,
        "amend-methods": inspection.methods,
        "amend-summary": "更正后的概况",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["amend_form"].errors["reason"]
    assert "更正后的概况" in response.content.decode()
    assert not InspectionAmendment.objects.exists()
    data["amend-reason"] = "概况笔误"
    assert client.post(url, data).status_code == 302
    amendment = InspectionAmendment.objects.get()
    # Only the summary changed: the time shown to the minute is not a change.
    assert amendment.reason == "概况笔误" and amendment.changes == {"summary": {"from": "原概况", "to": "更正后的概况"}}
    inspection.refresh_from_db()
    assert inspection.summary == "更正后的概况" and inspection.amendment_count == 1


def test_other_inspector_may_not_amend(world, client, enterprise_a, checklist):
    inspection = submitted_inspection(world, checklist, enterprise_a)
    client.force_login(world.user(Role.DEPARTMENT))  # may change inspections, but did not lead this one
    page = client.get(inspection.get_absolute_url())
    assert not page.context["can_amend"]
    response = client.post(reverse("inspections:inspection_amend", args=[inspection.pk]), {"amend-reason": "x"})
    assert response.status_code == 403


def test_draft_page_offers_continue_editing(world, inspector, client, enterprise_a, checklist):
    draft = records.inspection_save_draft(actor=inspector, client_uuid=uuid.uuid4(), jurisdiction=world.a.county)
    page = client.get(draft.get_absolute_url())
    assert page.context["can_edit"] and not page.context["can_amend"]
    assert reverse("inspections:inspection_edit", args=[draft.pk]) in page.content.decode()


# --- The list ----------------------------------------------------------------------------------


def add_inspections(world, n: int, *, lead=None, enterprise=None, status=InspectionStatus.SUBMITTED) -> list[Inspection]:
    """Rows straight into the table (the services are tested above); each with an enterprise
    and a participant, as the list shows them."""
    lead = lead or world.a.official
    made = []
    for _ in range(n):
        number = next(_numbers)
        inspection = Inspection.objects.create(
            jurisdiction=world.a.county, lead_official=lead, status=status, kind=InspectionKind.SPECIAL,
            started_at=timezone.now() - datetime.timedelta(days=number % 20, hours=1),
        )
        target_enterprise = enterprise or EnterpriseFactory(jurisdiction=world.a.township, name=f"列表企业{number:04d}")
        InspectionTarget.objects.create(inspection=inspection, enterprise=target_enterprise)
        made.append(inspection)
    return made


LIST_QUERIES = 13


def test_list_query_count_does_not_grow_with_rows(world, inspector, client, django_assert_num_queries):
    add_inspections(world, 3)
    small = count_queries(client, LIST)
    add_inspections(world, 30)
    with django_assert_num_queries(LIST_QUERIES, info=f"{small} with 3 rows"):
        response = client.get(LIST)
    assert len(response.context["object_list"]) == 25
    assert small == LIST_QUERIES, f"{small} queries with 3 rows, {LIST_QUERIES} pinned for 33"


def test_list_filters(world, inspector, client, enterprise_a, checklist):
    mine = submitted_inspection(world, checklist, enterprise_a, summary="我牵头的检查")
    others = add_inspections(world, 2)
    draft = add_inspections(world, 1, status=InspectionStatus.DRAFT)[0]
    b_county = add_inspections(world, 1)[0]
    Inspection.objects.filter(pk=b_county.pk).update(jurisdiction=world.b.county, jurisdiction_path=world.b.county.path)

    def listed(**params):
        return set(client.get(LIST, params).context["object_list"])

    assert listed() == {mine, *others, draft}
    assert listed(mine="true") == {mine}
    assert listed(status="draft") == {draft}
    assert listed(enterprise="晋江鞋业") == {mine}
    assert listed(q=mine.code) == {mine}
    assert listed(kind=InspectionKind.SPECIAL) == {*others, draft}
    assert listed(lead=world.a.official.name) == {*others, draft}
    today = timezone.localdate()
    assert mine in listed(date_from=today.isoformat(), date_to=today.isoformat())
    assert listed(jurisdiction=world.a.township.pk) == set()


def test_list_exports_xlsx(world, inspector, client, enterprise_a, checklist):
    submitted_inspection(world, checklist, enterprise_a)
    add_inspections(world, 3)
    response = client.get(LIST, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert len(rows) == 5  # the header and four inspections
    assert any(row[7] == "晋江鞋业有限公司" for row in rows[1:])
