"""The inspection API: scope (another county's records are invisible, a foreign detail a 404),
drafts idempotent by client_uuid, answers, findings, photos, submission errors (400 with
field errors, 409 once submitted), findings onto the hazard ledger, the idempotent upsert by
(source_system, external_id), checklists, quotas, and constant query counts."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.services import api_token_create
from hazards.models import Hazard
from inspections.choices import InspectionKind, InspectionStatus, ItemSeverity
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Inspection, InspectionPhoto
from inspections.services import records
from inspections.services.records import AnswerInput, TargetInput
from responsibility.choices import PostRole
from responsibility.models import Official
from responsibility.roles import Role
from tests.conftest import results
from tests.factories import JPEG_BYTES, EnterpriseFactory, PostFactory, official_user, photo, sector

pytestmark = pytest.mark.django_db

URL = "/api/v1/inspections/"


@pytest.fixture
def checklist(db):
    template = ChecklistTemplate.objects.create(name="工贸企业检查表（测试）", sector=sector())
    version = ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    items = [
        ChecklistItem.objects.create(version=version, order=1, requirement="安全出口畅通", severity=ItemSeverity.GENERAL, category="environment"),
        ChecklistItem.objects.create(version=version, order=2, requirement="有限空间作业审批", severity=ItemSeverity.MAJOR, category="management"),
    ]
    return version, items


@pytest.fixture
def enterprise(world):
    return EnterpriseFactory(jurisdiction=world.a.township)


def token_client(api_client, user):
    issued = api_token_create(user=user, name="test")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    return api_client


@pytest.fixture
def inspector(api_client, world):
    api_client.force_login(world.user(Role.INSPECTOR))
    return api_client


@pytest.fixture
def system(api_client, world):
    """County A's system, with a token."""
    return token_client(api_client, world.user(Role.COUNTY_SYSTEM))


def two_hours_ago() -> str:
    return (timezone.now() - datetime.timedelta(hours=2)).isoformat()


def draft_body(world, enterprise, checklist, **overrides) -> dict:
    version, _items = checklist
    return {
        "client_uuid": str(uuid.uuid4()),
        "jurisdiction": world.a.county.code,
        "kind": InspectionKind.LEADER,
        "methods": ["unannounced", "open"],
        "started_at": two_hours_ago(),
        "targets": [{"enterprise": enterprise.pk, "checklist": version.pk}],
        **overrides,
    }


def make_inspection(world, enterprise, checklist, *, actor=None, answered=True, submit=False, **fields) -> Inspection:
    version, items = checklist
    actor = actor or world.user(Role.INSPECTOR)
    inspection = records.inspection_save_draft(
        actor=actor,
        client_uuid=uuid.uuid4(),
        jurisdiction=fields.pop("jurisdiction", world.a.county),
        kind=fields.pop("kind", InspectionKind.LEADER),
        started_at=fields.pop("started_at", timezone.now() - datetime.timedelta(hours=3)),
        targets=[TargetInput(enterprise=enterprise, checklist=version)],
        answers=[AnswerInput(enterprise.pk, item.pk, "pass") for item in items] if answered else None,
        **fields,
    )
    if submit:
        inspection = records.inspection_submit(actor=actor, inspection=inspection)
    return inspection


# --- Scope ------------------------------------------------------------------------------------


def test_county_b_sees_nothing_of_county_a_and_a_foreign_detail_is_a_404(api_client, world, enterprise, checklist):
    mine = make_inspection(world, enterprise, checklist, submit=True)
    b_user = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    b_enterprise = EnterpriseFactory(jurisdiction=world.b.township)
    theirs = make_inspection(world, b_enterprise, checklist, actor=b_user, jurisdiction=world.b.county)

    api_client.force_login(b_user)
    assert [row["id"] for row in results(api_client.get(URL))] == [theirs.pk]
    foreign = api_client.get(f"{URL}{mine.pk}/")
    missing = api_client.get(f"{URL}{10**8}/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    for path in ("submit/", "answers/", "findings/", "photos/"):
        assert api_client.post(f"{URL}{mine.pk}/{path}", {}, format="json").status_code == 404, path
    assert api_client.get(f"{URL}{mine.pk}/photos/1/file/").status_code == 404
    # Filters cannot reach outside the scope either.
    assert results(api_client.get(URL, {"enterprise": enterprise.pk})) == []
    assert api_client.get(URL, {"jurisdiction": world.a.county.pk}).status_code == 400
    assert api_client.get(f"{URL}by-external-id/x/y/").status_code == 404

    system = token_client(type(api_client)(), world.user(Role.COUNTY_SYSTEM))
    assert [row["id"] for row in results(system.get(URL))] == [mine.pk]


def test_list_filters(system, world, enterprise, checklist):
    official = world.user(Role.INSPECTOR).official
    old = make_inspection(world, enterprise, checklist, submit=True, started_at=timezone.now() - datetime.timedelta(days=40))
    other = EnterpriseFactory(jurisdiction=world.a.township)
    recent = make_inspection(world, other, checklist, kind=InspectionKind.SPECIAL)
    rows = results(system.get(URL))
    assert [r["id"] for r in rows] == [recent.pk, old.pk]  # newest first
    assert rows[0]["enterprises"] == [{"enterprise": other.pk, "enterprise_name": other.name}]
    assert [r["id"] for r in results(system.get(URL, {"status": "submitted"}))] == [old.pk]
    assert [r["id"] for r in results(system.get(URL, {"kind": "special"}))] == [recent.pk]
    assert [r["id"] for r in results(system.get(URL, {"enterprise": enterprise.pk}))] == [old.pk]
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert [r["id"] for r in results(system.get(URL, {"started_after": since}))] == [recent.pk]
    assert [r["id"] for r in results(system.get(URL, {"started_before": since}))] == [old.pk]
    assert len(results(system.get(URL, {"lead_official": official.pk}))) == 2
    assert results(system.get(URL, {"official": world.a.official.pk})) == []
    assert len(results(system.get(URL, {"jurisdiction_code": world.a.county.code}))) == 2
    assert results(system.get(URL, {"updated_since": timezone.now().isoformat()})) == []
    assert system.get(URL, {"started_after": "yesterday"}).status_code == 400


# --- Drafts -----------------------------------------------------------------------------------


def test_create_draft_is_idempotent_by_client_uuid(inspector, world, enterprise, checklist):
    body = draft_body(world, enterprise, checklist, summary="现场检查")
    first = inspector.post(URL, body, format="json")
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["status"] == "draft" and data["client_uuid"] == body["client_uuid"]
    assert data["lead_official"] == world.user(Role.INSPECTOR).official.pk
    assert [t["enterprise"] for t in data["targets"]] == [enterprise.pk]
    retry = inspector.post(URL, body, format="json")
    assert retry.status_code == 200
    assert retry.json()["id"] == data["id"] and Inspection.objects.count() == 1
    # A retry of the creation never overwrites what was saved since.
    assert inspector.patch(f"{URL}{data['id']}/", {"summary": "补充"}, format="json").status_code == 200
    assert inspector.post(URL, body, format="json").json()["summary"] == "补充"


def test_create_draft_with_bad_input_says_which_fields(inspector, world, enterprise, checklist):
    future = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    response = inspector.post(URL, draft_body(world, enterprise, checklist, started_at=future), format="json")
    assert response.status_code == 400 and "started_at" in response.json()["errors"]
    foreign = EnterpriseFactory(jurisdiction=world.b.township)
    response = inspector.post(URL, draft_body(world, foreign, checklist), format="json")
    assert response.status_code == 400 and "targets" in response.json()["errors"]
    response = inspector.post(URL, {**draft_body(world, enterprise, checklist), "colour": "red"}, format="json")
    assert response.status_code == 400 and "colour" in response.json()["errors"]
    response = inspector.post(URL, {k: v for k, v in draft_body(world, enterprise, checklist).items() if k != "client_uuid"}, format="json")
    assert response.status_code == 400 and "client_uuid" in response.json()["errors"]
    assert not Inspection.objects.exists()


def test_answers_findings_photos_submit_and_finding_to_hazard(inspector, world, enterprise, checklist):
    version, items = checklist
    created = inspector.post(URL, draft_body(world, enterprise, checklist), format="json").json()
    url = f"{URL}{created['id']}/"

    # Submitting with required answers missing: 400 with the field, nothing changed.
    refused = inspector.post(f"{url}submit/")
    assert refused.status_code == 400 and "answers" in refused.json()["errors"]
    assert Inspection.objects.get().status == InspectionStatus.DRAFT

    answered = inspector.post(
        f"{url}answers/",
        {"answers": [
            {"enterprise": enterprise.pk, "item": items[0].pk, "result": "pass"},
            {"enterprise": enterprise.pk, "item": items[1].pk, "result": "fail", "note": "无审批记录"},
        ]},
        format="json",
    )
    assert answered.status_code == 200
    assert {a["result"] for a in answered.json()["targets"][0]["answers"]} == {"pass", "fail"}
    wrong_item = inspector.post(f"{url}answers/", {"answers": [{"enterprise": enterprise.pk, "item": 10**7, "result": "pass"}]}, format="json")
    assert wrong_item.status_code == 400 and "answers" in wrong_item.json()["errors"]

    finding = inspector.post(
        f"{url}findings/", {"description": "有限空间作业未审批", "enterprise": enterprise.pk, "item": items[1].pk}, format="json"
    )
    assert finding.status_code == 201, finding.content
    finding = finding.json()
    assert finding["severity"] == "major" and finding["hazard"] is None

    not_image = inspector.post(f"{url}photos/", {"photos": [photo("evil.jpg", b"MZ not an image")]}, format="multipart")
    assert not_image.status_code == 400 and "photos" in not_image.json()["errors"]
    uploaded = inspector.post(f"{url}photos/", {"photos": [photo()], "finding": finding["id"]}, format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    photo_row = uploaded.json()[0]
    assert photo_row["finding"] == finding["id"]
    download = inspector.get(photo_row["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == JPEG_BYTES

    submitted = inspector.post(f"{url}submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = inspector.post(f"{url}submit/")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    locked = inspector.patch(url, {"summary": "改"}, format="json")
    assert locked.status_code == 409
    assert inspector.post(f"{url}photos/", {"photos": [photo()]}, format="multipart").status_code == 409

    hazard = inspector.post(f"{url}findings/{finding['id']}/hazard/", {}, format="json")
    assert hazard.status_code == 201, hazard.content
    body = hazard.json()
    stored = Hazard.objects.get(pk=body["hazard"])
    assert stored.enterprise == enterprise and stored.level == "major" and stored.photos.count() == 1
    assert body["finding"]["hazard"] == stored.pk and body["hazard_code"] == stored.code
    assert inspector.post(f"{url}findings/{finding['id']}/hazard/", {}, format="json").status_code == 409
    detail = inspector.get(url).json()
    assert detail["findings"][0]["hazard_code"] == stored.code
    assert detail["findings"][0]["photo_ids"] == [photo_row["id"]]
    assert detail["photos"][0]["url"].endswith(f"/api/v1/inspections/{created['id']}/photos/{photo_row['id']}/file/")


def test_partial_update_replaces_participants(inspector, world, enterprise, checklist):
    created = inspector.post(URL, draft_body(world, enterprise, checklist), format="json").json()
    url = f"{URL}{created['id']}/"
    response = inspector.patch(url, {"participants": [{"official": world.a.official.pk, "role": "expert"}]}, format="json")
    assert response.status_code == 200
    assert response.json()["participants"] == [{"official": world.a.official.pk, "official_name": world.a.official.name, "role": "expert"}]
    assert inspector.patch(url, {"participants": []}, format="json").json()["participants"] == []
    foreign = Official.objects.create(name="外县人员", registered_in=world.b.county)
    response = inspector.patch(url, {"participants": [{"official": foreign.pk}]}, format="json")
    assert response.status_code == 400


def test_auditor_may_read_but_not_write(api_client, world, enterprise, checklist):
    make_inspection(world, enterprise, checklist)
    api_client.force_login(world.user(Role.AUDITOR))
    assert len(results(api_client.get(URL))) == 1
    assert api_client.post(URL, draft_body(world, enterprise, checklist), format="json").status_code == 403


# --- Upsert -----------------------------------------------------------------------------------


def upsert_body(world, enterprise, checklist, **overrides) -> dict:
    version, items = checklist
    body = {
        "jurisdiction": world.a.county.code,
        "kind": "enforcement",
        "started_at": "2025-03-04T09:30:00+08:00",
        "lead_official": world.a.official.pk,
        "summary": "县执法大队例行检查",
        "targets": [{"enterprise": enterprise.pk, "checklist": version.pk}],
        "answers": [{"enterprise": enterprise.pk, "item": item.pk, "result": "pass"} for item in items],
        **overrides,
    }
    return body


def test_upsert_is_idempotent(system, world, enterprise, checklist):
    url = f"{URL}by-external-id/jj-zf/2025-0001/"
    body = upsert_body(world, enterprise, checklist)
    created = system.put(url, body, format="json")
    assert created.status_code == 201, created.content
    assert created["Upsert-Result"] == "created"
    data = created.json()
    assert (data["source_system"], data["external_id"], data["status"]) == ("jj-zf", "2025-0001", "draft")

    again = system.put(url, body, format="json")
    assert again.status_code == 200 and again["Upsert-Result"] == "unchanged"
    assert again.json()["updated_at"] == data["updated_at"]

    changed = system.put(url, {**body, "summary": "更正摘要"}, format="json")
    assert changed["Upsert-Result"] == "updated" and changed.json()["summary"] == "更正摘要"

    submitted = system.put(url, {**body, "summary": "更正摘要", "submit": True}, format="json")
    assert submitted["Upsert-Result"] == "updated" and submitted.json()["status"] == "submitted"
    assert system.put(url, {**body, "summary": "更正摘要", "submit": True}, format="json")["Upsert-Result"] == "unchanged"
    conflict = system.put(url, {**body, "summary": "又改"}, format="json")
    assert conflict.status_code == 409
    assert Inspection.objects.count() == 1
    assert system.get(url).json()["id"] == data["id"]

    mismatch = system.put(url, {**body, "external_id": "other"}, format="json")
    assert mismatch.status_code == 400 and "external_id" in mismatch.json()["errors"]


def test_upsert_submit_with_missing_answers_is_refused_and_key_of_another_county_is_not_disclosed(api_client, system, world, enterprise, checklist):
    url = f"{URL}by-external-id/jj-zf/2025-0002/"
    refused = system.put(url, {**upsert_body(world, enterprise, checklist, answers=[]), "submit": True}, format="json")
    assert refused.status_code == 400 and "answers" in refused.json()["errors"]
    assert not Inspection.objects.exists()  # the whole push is undone

    system.put(url, upsert_body(world, enterprise, checklist), format="json")
    b_user = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    b_enterprise = EnterpriseFactory(jurisdiction=world.b.township)
    other = type(api_client)()
    other.force_login(b_user)
    response = other.put(
        url, upsert_body(world, b_enterprise, checklist, jurisdiction=world.b.county.code, lead_official=b_user.official.pk), format="json"
    )
    assert response.status_code == 400 and "external_id" in response.json()["errors"]
    assert Inspection.objects.count() == 1


# --- Checklists and quotas --------------------------------------------------------------------


def test_checklists_list_current_version_items(inspector, checklist):
    version, items = checklist
    draft_version = ChecklistVersion.objects.create(template=version.template, number=2)  # not published
    ChecklistItem.objects.create(version=draft_version, order=1, requirement="草稿条目")
    rows = results(inspector.get("/api/v1/checklists/", {"q": "测试"}))
    assert len(rows) == 1
    current = rows[0]["current_version"]
    assert current["id"] == version.pk and [i["requirement"] for i in current["items"]] == ["安全出口畅通", "有限空间作业审批"]
    seeded = results(inspector.get("/api/v1/checklists/", {"page_size": 100}))
    assert len(seeded) > 5 and all(row["current_version"] for row in seeded)  # the platform's seeded checklists
    assert inspector.get(f"/api/v1/checklist-versions/{version.pk}/").json()["items"][1]["severity"] == "major"
    assert inspector.get(f"/api/v1/checklist-versions/{draft_version.pk}/").status_code == 404


def test_quotas_per_official_and_period(api_client, world, enterprise, checklist):
    inspector = api_client  # the county safety office's view of quotas
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    today = timezone.localdate()
    township_org = world.a.orgs["township"]
    principal = Official.objects.create(name="镇党委书记", registered_in=world.a.township)
    PostFactory(official=principal, organization=township_org, role=PostRole.PARTY_PRINCIPAL, start_date=today - datetime.timedelta(days=800))
    deputy = world.user(Role.LEADER).official  # county safety deputy: at least one a year
    make_inspection(world, enterprise, checklist, actor=world.user(Role.LEADER), submit=True, started_at=timezone.now() - datetime.timedelta(minutes=1))
    period = f"{today.year}"
    rows = results(inspector.get("/api/v1/inspection-quotas/", {"period": period, "page_size": 500}))
    by_official = {(r["official"], r["obligation"]["period"]): r for r in rows}
    assert by_official[(deputy.pk, "year")]["status"] == "met"
    assert by_official[(deputy.pk, "year")]["windows"][0]["count"] == 1
    quarters = by_official[(principal.pk, "quarter")]
    assert quarters["required"] == 4 and quarters["done"] == 0
    only = results(inspector.get("/api/v1/inspection-quotas/", {"period": period, "official": principal.pk}))
    assert {r["official"] for r in only} == {principal.pk}
    short = results(inspector.get("/api/v1/inspection-quotas/", {"period": period, "status": "met"}))
    assert {r["official"] for r in short} == {deputy.pk}
    bad = inspector.get("/api/v1/inspection-quotas/", {"period": "soon", "official": "x", "status": "late"})
    assert bad.status_code == 400 and {"period", "official", "status"} <= set(bad.json()["errors"])
    foreign = Official.objects.create(name="外县", registered_in=world.b.county)
    assert inspector.get("/api/v1/inspection-quotas/", {"official": foreign.pk}).status_code == 400


# --- Query counts -----------------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


def _add_inspections(world, checklist, n: int) -> None:
    for _ in range(n):
        enterprise = EnterpriseFactory(jurisdiction=world.a.township)
        inspection = make_inspection(world, enterprise, checklist, participants=[(world.a.official, "member")], lead_official=world.user(Role.INSPECTOR).official)
        finding = records.finding_record(actor=world.user(Role.INSPECTOR), inspection=inspection, description="消防通道堵塞", enterprise=enterprise)
        records.inspection_add_photos(actor=world.user(Role.INSPECTOR), inspection=inspection, files=[photo()], finding=finding)


def test_list_query_count_does_not_grow_with_rows(system, world, checklist, django_assert_num_queries):
    _add_inspections(world, checklist, 3)
    system.get(URL)  # warm the per-process caches and the token's last-used stamp
    expected = _count_queries(system, URL)
    _add_inspections(world, checklist, 20)
    with django_assert_num_queries(expected):
        response = system.get(URL)
    assert len(results(response)) == 23
    assert expected <= 7  # auth, permissions, scope, grants, the page, its enterprises


def test_detail_query_count_does_not_grow_with_related_rows(inspector, world, enterprise, checklist):
    actor = world.user(Role.INSPECTOR)
    version, _items = checklist
    # One of everything first (an empty relation skips its nested prefetch), then more.
    inspection = make_inspection(world, enterprise, checklist, participants=[(world.a.official, "member")], lead_official=actor.official)
    first = records.finding_record(actor=actor, inspection=inspection, description="首个问题", enterprise=enterprise)
    records.inspection_add_photos(actor=actor, inspection=inspection, files=[photo()], finding=first)
    url = f"{URL}{inspection.pk}/"
    inspector.get(url)
    small = _count_queries(inspector, url)
    others = [EnterpriseFactory(jurisdiction=world.a.township) for _ in range(3)]
    records.inspection_save_draft(
        actor=actor, client_uuid=inspection.client_uuid, participants=[(world.a.official, "expert")], lead_official=actor.official,
        targets=[TargetInput(enterprise=e, checklist=version) for e in [enterprise, *others]],
    )
    for e in others:
        finding = records.finding_record(actor=actor, inspection=inspection, description=f"问题{e.pk}", enterprise=e)
        records.inspection_add_photos(actor=actor, inspection=inspection, files=[photo(), photo()], finding=finding)
    assert InspectionPhoto.objects.count() == 7
    assert _count_queries(inspector, url) == small


def test_checklist_list_query_count_is_constant(inspector, checklist, django_assert_num_queries):
    inspector.get("/api/v1/checklists/")
    expected = _count_queries(inspector, "/api/v1/checklists/")
    for n in range(3):
        template = ChecklistTemplate.objects.create(name=f"额外检查表{n}")
        for number in (1, 2):
            version = ChecklistVersion.objects.create(template=template, number=number, published_at=timezone.now())
            ChecklistItem.objects.create(version=version, order=1, requirement="条目")
    with django_assert_num_queries(expected):
        inspector.get("/api/v1/checklists/")


def test_schema_documents_the_inspection_api_without_warnings(api_client):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    paths = api_client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/v1/inspections/", "/api/v1/inspections/{id}/", "/api/v1/inspections/{id}/submit/", "/api/v1/inspections/{id}/answers/",
        "/api/v1/inspections/{id}/findings/", "/api/v1/inspections/{id}/findings/{finding_id}/hazard/",
        "/api/v1/inspections/{id}/photos/", "/api/v1/inspections/by-external-id/{source_system}/{external_id}/",
        "/api/v1/checklists/", "/api/v1/checklist-versions/{id}/", "/api/v1/inspection-quotas/",
        "/api/v1/campaigns/{id}/coverage/", "/api/v1/campaigns/{id}/uncovered/",
    ):
        assert path in paths, path
    assert {"200", "400", "409"} <= set(paths["/api/v1/inspections/{id}/submit/"]["post"]["responses"])


# --- Campaign coverage ------------------------------------------------------------------------


def test_campaign_coverage_and_uncovered_enterprises(api_client, world, enterprise, checklist):
    from inspections.services.campaigns import campaign_create
    from tests.factories import EnterpriseSupervisionFactory

    office = world.user(Role.SAFETY_OFFICE)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=60)
    campaign = campaign_create(
        actor=office, jurisdiction=world.a.county, name="安全生产大检查", self_check_start=start,
        self_check_end=start + datetime.timedelta(days=10), sector_start=start + datetime.timedelta(days=11),
        sector_end=start + datetime.timedelta(days=30), local_start=start + datetime.timedelta(days=31),
        local_end=start + datetime.timedelta(days=45), guard_start=start + datetime.timedelta(days=46),
        guard_end=start + datetime.timedelta(days=80),
    )
    risky = EnterpriseFactory(jurisdiction=world.a.township, risk_class="red")
    for e in (enterprise, risky):
        EnterpriseSupervisionFactory(enterprise=e, organization=world.a.orgs["emergency"], is_primary=True)
    make_inspection(world, enterprise, checklist, submit=True, campaign=campaign, kind=InspectionKind.CAMPAIGN)

    api_client.force_login(office)
    coverage = api_client.get(f"/api/v1/campaigns/{campaign.pk}/coverage/")
    assert coverage.status_code == 200, coverage.content
    body = coverage.json()
    assert body["totals"]["listed"] == 2 and body["totals"]["inspected"] == 1 and body["totals"]["share"] == 50.0
    assert body["departments"][0]["organization"] == world.a.orgs["emergency"].pk
    assert body["townships"][0]["name"] == world.a.township.name
    uncovered = results(api_client.get(f"/api/v1/campaigns/{campaign.pk}/uncovered/"))
    assert [(row["id"], row["priority"]) for row in uncovered] == [(risky.pk, True)]
    assert api_client.get(f"/api/v1/campaigns/{campaign.pk}/uncovered/", {"department": "x"}).status_code == 400

    b_user = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    other = type(api_client)()
    other.force_login(b_user)
    assert other.get(f"/api/v1/campaigns/{campaign.pk}/coverage/").status_code == 404
    assert results(other.get("/api/v1/campaigns/")) == []
