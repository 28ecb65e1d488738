"""Formalism flags: duplicated photos, copy-pasted findings and late logging are found, clean
records are not; the page is the office's, scoped, paged, exportable, with a constant number
of queries."""

from __future__ import annotations

import datetime
import uuid
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from inspections.selectors import flags
from inspections.services import records
from inspections.services.records import TargetInput
from responsibility.roles import Role
from tests.factories import JPEG_BYTES, EnterpriseFactory, official_user, photo

COPIED = "消防通道被杂物堵塞，灭火器压力不足，疏散指示标志损坏"


def unique_jpeg(n: int) -> bytes:
    return JPEG_BYTES + f"photo-{n}".encode()


def logged(world, *, days_ago: float = 0.1, photos=(), findings=(), enterprise=None, checklist=None, submit=True):
    """An inspection of one enterprise in county A logged through the services, submitted now."""
    actor = world.user(Role.INSPECTOR)
    enterprise = enterprise or EnterpriseFactory(jurisdiction=world.a.township)
    inspection = records.inspection_save_draft(
        actor=actor, client_uuid=uuid.uuid4(), jurisdiction=world.a.county,
        started_at=timezone.now() - datetime.timedelta(days=days_ago),
        targets=[TargetInput(enterprise=enterprise, checklist=checklist)],
    )
    if photos:
        records.inspection_add_photos(
            actor=actor, inspection=inspection, files=[photo(f"p{i}.jpg", content) for i, content in enumerate(photos)]
        )
    for entry in findings:
        text, item = entry if isinstance(entry, tuple) else (entry, None)
        records.finding_record(actor=actor, inspection=inspection, description=text, enterprise=enterprise, item=item)
    if submit:
        inspection = records.inspection_submit(actor=actor, inspection=inspection)
    return inspection


def scope(world, user=None, **filters):
    return flags.flagged_inspections(user or world.user(Role.SAFETY_OFFICE), **filters)


# --- Duplicated photos --------------------------------------------------------------------------


def test_the_same_photo_in_two_inspections_is_flagged(world):
    first = logged(world, photos=[JPEG_BYTES, unique_jpeg(1)])
    second = logged(world, photos=[JPEG_BYTES])
    logged(world, photos=[unique_jpeg(2), unique_jpeg(2)])  # twice in one inspection: not a flag
    logged(world, photos=[unique_jpeg(1)], submit=False)  # a draft: not yet a record
    groups = list(flags.duplicate_photo_groups(scope(world)))
    assert len(groups) == 1
    [group] = groups
    assert (group["inspection_count"], group["enterprise_count"]) == (2, 2)
    members = flags.photo_group_members(scope(world), [group["content_hash"]])[group["content_hash"]]
    assert [m.inspection for m in members] == [first, second]
    assert all(len(m.enterprises) == 1 and len(m.photo_ids) == 1 for m in members)


def test_a_photo_reused_for_the_same_enterprise_is_shown_after_cross_enterprise_ones(world):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    logged(world, enterprise=enterprise, photos=[unique_jpeg(5)])
    logged(world, enterprise=enterprise, photos=[unique_jpeg(5)])
    logged(world, photos=[JPEG_BYTES])
    logged(world, photos=[JPEG_BYTES])
    groups = list(flags.duplicate_photo_groups(scope(world)))
    assert [g["enterprise_count"] for g in groups] == [2, 1]
    assert [g["enterprise_count"] for g in flags.duplicate_photo_groups(scope(world), across_enterprises=True)] == [2]


def test_clean_photos_raise_no_flag(world):
    for n in range(3):
        logged(world, photos=[unique_jpeg(n)])
    assert not flags.duplicate_photo_groups(scope(world)).exists()


# --- Copy-pasted findings -----------------------------------------------------------------------


@pytest.fixture
def small_checklist(db):
    template = ChecklistTemplate.objects.create(name="小检查表")
    version = ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    item = ChecklistItem.objects.create(
        version=version, order=1, requirement="生产经营场所和员工宿舍设有符合紧急疏散要求的出口", answer_required=False
    )
    return version, item


def test_the_same_finding_at_different_enterprises_is_flagged(world, small_checklist):
    version, item = small_checklist
    a = logged(world, findings=[COPIED])
    b = logged(world, findings=[COPIED.replace("，", ", ") + "。"])  # same text once punctuation is ignored
    same_enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    logged(world, enterprise=same_enterprise, findings=["配电箱未上锁，线路私拉乱接严重，存在触电风险"])
    logged(world, enterprise=same_enterprise, findings=["配电箱未上锁，线路私拉乱接严重，存在触电风险"])
    logged(world, findings=["灭火器过期"])  # too short to mean anything when repeated
    logged(world, findings=["灭火器过期"])
    for _ in range(2):  # a failed item's own text, at two enterprises: the checklist, not a copy
        logged(world, checklist=version, findings=[(item.requirement, item)])
    groups = list(flags.copied_finding_groups(scope(world)))
    assert len(groups) == 1
    [group] = groups
    assert (group["enterprise_count"], group["finding_count"]) == (2, 2)
    members = flags.finding_group_members(scope(world), [group["description_hash"]])[group["description_hash"]]
    assert {f.inspection for f in members} == {a, b}


def test_different_findings_raise_no_flag(world):
    logged(world, findings=["消防通道被杂物堵塞，需立即清理"])
    logged(world, findings=["配电箱未上锁，线路私拉乱接严重"])
    assert not flags.copied_finding_groups(scope(world)).exists()


# --- Logged late --------------------------------------------------------------------------------


def test_inspections_submitted_long_after_they_took_place_are_flagged(world):
    late = logged(world, days_ago=10)
    logged(world, days_ago=2)
    logged(world, days_ago=30, submit=False)
    found = list(flags.late_inspections(scope(world), 7))
    assert found == [late] and found[0].delay.days >= 9
    assert len(flags.late_inspections(scope(world), 1)) == 2
    assert not flags.late_inspections(scope(world), 11).exists()


# --- Scope and the page -------------------------------------------------------------------------


def test_another_county_does_not_see_county_as_flags(world):
    logged(world, photos=[JPEG_BYTES], findings=[COPIED], days_ago=10)
    logged(world, photos=[JPEG_BYTES], findings=[COPIED])
    other = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    theirs = scope(world, other)
    assert not flags.duplicate_photo_groups(theirs).exists()
    assert not flags.copied_finding_groups(theirs).exists()
    assert not flags.late_inspections(theirs, 7).exists()
    # Narrowing is by the inspection's jurisdiction: these were logged for the county itself.
    assert not flags.duplicate_photo_groups(scope(world, jurisdiction=world.a.township)).exists()
    assert flags.duplicate_photo_groups(scope(world, jurisdiction=world.a.county)).exists()


def test_the_page_shows_each_flag_with_links(world, client):
    first = logged(world, photos=[JPEG_BYTES], findings=[COPIED], days_ago=10)
    second = logged(world, photos=[JPEG_BYTES], findings=[COPIED])
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("inspections:formalism_flags")
    photos_page = client.get(url)
    assert photos_page.status_code == 200
    html = photos_page.content.decode()
    assert first.get_absolute_url() in html and second.get_absolute_url() in html
    findings_page = client.get(url, {"kind": "findings"})
    assert COPIED in findings_page.content.decode()
    late_page = client.get(url, {"kind": "late"})
    assert [row[0] for row in late_page.context["rows"]] == [first]
    assert client.get(url, {"kind": "late", "days": "11"}).context["rows"] == []
    bad = client.get(url, {"kind": "late", "days": "0"})
    assert bad.status_code == 200 and bad.context["form"].errors and bad.context["rows"] == []


@pytest.mark.parametrize("kind,rows", [("photos", 2), ("findings", 2), ("late", 1)])
def test_each_flag_exports_to_excel(world, client, kind, rows):
    logged(world, photos=[JPEG_BYTES], findings=[COPIED], days_ago=10)
    logged(world, photos=[JPEG_BYTES], findings=[COPIED])
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("inspections:formalism_flags"), {"kind": kind, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert len(list(sheet.iter_rows(values_only=True))) == 1 + rows


@pytest.mark.parametrize("role", [Role.LEADER, Role.INSPECTOR, Role.AUDITOR])
def test_the_page_is_the_offices(world, client, role):
    client.force_login(world.user(role))
    assert client.get(reverse("inspections:formalism_flags")).status_code == 403


@pytest.mark.parametrize("kind", ["photos", "findings", "late"])
def test_page_query_count_does_not_grow_with_flags(world, client, django_assert_num_queries, kind):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("inspections:formalism_flags")
    logged(world, photos=[JPEG_BYTES], findings=[COPIED], days_ago=10)
    logged(world, photos=[JPEG_BYTES], findings=[COPIED], days_ago=10)
    client.get(url, {"kind": kind})
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"kind": kind})
    for n in range(4):
        text = f"{COPIED}（第{n}组）"
        logged(world, photos=[unique_jpeg(n), JPEG_BYTES], findings=[text], days_ago=9)
        logged(world, photos=[unique_jpeg(n)], findings=[text], days_ago=8)
    with django_assert_num_queries(len(small)):
        response = client.get(url, {"kind": kind})
    assert len(response.context["rows"]) == {"photos": 5, "findings": 5, "late": 10}[kind]
