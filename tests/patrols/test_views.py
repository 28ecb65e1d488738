"""The patrol pages end to end: planning a term, its targets and batches, a patrol and its
group, the stages, findings and their routing, the unit's rectification; bad input comes back
on the form, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hazards.models import Hazard
from patrols.choices import FindingCategory, PatrolStatus, TargetKind
from patrols.models import FindingDisposition, Patrol, PatrolBatch, PatrolFinding, PatrolTarget, PatrolTerm
from responsibility.roles import Role
from tests.factories import sector
from tests.patrols.conftest import D, advance

pytestmark = pytest.mark.django_db


def test_the_office_plans_a_term_with_targets_and_batches(pw, client):
    client.force_login(pw.office)
    response = client.post(
        "/patrols/terms/new/",
        {"issuing_jurisdiction": pw.world.city.pk, "name": "2027—2031年届", "start_date": "2027-01-01", "end_date": "2026-12-31"},
    )
    assert response.status_code == 200
    assert "The term must end after it starts." in response.content.decode()
    response = client.post(
        "/patrols/terms/new/",
        {"issuing_jurisdiction": pw.world.city.pk, "name": "2027—2031年届", "start_date": "2027-01-01", "end_date": "2031-12-31"},
    )
    term = PatrolTerm.objects.get(name="2027—2031年届")
    assert response.status_code == 302 and response["Location"] == term.get_absolute_url()
    response = client.post(f"/patrols/terms/{term.pk}/targets/from-places/", {"levels": ["county"]})
    assert response.status_code == 302
    assert set(term.targets.values_list("name", flat=True)) == {"晋江市党委、政府", "南安市党委、政府"}
    assert term.targets.get(name="晋江市党委、政府").organizations.get() == pw.world.a.orgs["government"]
    response = client.post(
        f"/patrols/terms/{term.pk}/targets/new/",
        {"kind": TargetKind.DEPARTMENT, "jurisdiction": pw.world.city.pk, "organizations": [pw.city_emergency.pk], "sort_order": 100},
    )
    assert response.status_code == 302
    assert term.targets.get(kind=TargetKind.DEPARTMENT).name == "泉州市应急管理局"
    response = client.post(
        f"/patrols/terms/{term.pk}/targets/new/",
        {"kind": TargetKind.DEVELOPMENT_ZONE, "jurisdiction": pw.world.a.county.pk, "sort_order": 100},
    )
    assert response.status_code == 200
    assert "A development zone target is a development zone." in response.content.decode()
    response = client.post(f"/patrols/terms/{term.pk}/batches/new/", {"number": 1, "name": "第一批", "start_month": "2027-08"})
    assert response.status_code == 302
    assert PatrolBatch.objects.get(term=term).start_month == D(2027, 8, 1)
    response = client.post(f"/patrols/terms/{term.pk}/batches/new/", {"number": 2, "start_month": "2032-01"})
    assert response.status_code == 200 and "within the term" in response.content.decode()
    page = client.get(term.get_absolute_url())
    assert page.status_code == 200 and "第一批" in page.content.decode()


def test_planning_is_the_offices(pw, client):
    client.force_login(pw.user(Role.LEADER))
    assert client.get("/patrols/terms/new/").status_code == 403
    client.force_login(pw.user(Role.SAFETY_OFFICE))  # county A's office: the city's term is not its
    assert client.get(f"/patrols/terms/{pw.term.pk}/targets/new/").status_code == 404
    assert client.get(f"/patrols/terms/{pw.term.pk}/patrols/new/").status_code == 404


def test_a_patrol_through_its_pages(pw, client):
    client.force_login(pw.office)
    response = client.post(
        f"/patrols/terms/{pw.term.pk}/patrols/new/",
        {"target": pw.target_a.pk, "kind": "regular", "batch": pw.batch1.pk, "group_name": "第一巡查组",
         "planned_stationing_start": "2024-08-26", "preparation_on": "2024-08-01"},
    )
    patrol = Patrol.objects.get(target=pw.target_a)
    assert response.status_code == 302 and response["Location"] == patrol.get_absolute_url()
    again = client.post(f"/patrols/terms/{pw.term.pk}/patrols/new/", {"target": pw.target_a.pk, "kind": "regular", "batch": pw.batch1.pk})
    assert again.status_code == 200 and "already has a regular patrol" in again.content.decode()

    assert client.post(f"/patrols/{patrol.pk}/members/new/", {"member-official": pw.member.official.pk, "member-role": "leader"}).status_code == 302
    twice = client.post(f"/patrols/{patrol.pk}/members/new/", {"member-official": pw.member.official.pk, "member-role": "member"})
    assert twice.status_code == 200 and "already in the group" in twice.content.decode()

    page = client.get(patrol.get_absolute_url()).content.decode()
    assert "Begin stationing" in page and "2024-09-24" in page  # the planned end: 30 days, first day counted

    client.force_login(pw.member)
    response = client.post(f"/patrols/{patrol.pk}/stages/start_stationing/", {"start_stationing-on": "2024-08-26", "start_stationing-expected_status": "preparation"})
    assert response.status_code == 302
    area = patrol.area_checks.select_related("area").first()
    response = client.post(f"/patrols/{patrol.pk}/areas/", {f"areas-covered_{area.area_id}": "on", f"areas-note_{area.area_id}": "查阅文件"})
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.covered and area.note == "查阅文件"
    response = client.post(
        f"/patrols/{patrol.pk}/findings/new/",
        {"category": FindingCategory.MAJOR_HAZARD, "title": "储罐区未设置泄漏报警", "description": "现场检查发现", "found_on": "2024-09-02",
         "responsible_unit": pw.world.a.orgs["government"].pk},
    )
    assert response.status_code == 302, response.content.decode()
    finding = PatrolFinding.objects.get(patrol=patrol)
    bad = client.post(f"/patrols/{patrol.pk}/stages/end_stationing/", {"end_stationing-on": "2024-08-01"})
    assert bad.status_code == 200 and "cannot end before it began" in bad.content.decode()

    client.force_login(pw.office)
    advance(pw, Patrol.objects.get(pk=patrol.pk), "approve_report")
    form = client.get(f"/patrols/findings/{finding.pk}/route/")
    assert form.status_code == 200 and "Hazard: sector" in form.content.decode()
    missing = client.post(f"/patrols/findings/{finding.pk}/route/", {"route": "hazard", "routed_on": "2024-10-22"})
    assert missing.status_code == 200 and "This field is required." in missing.content.decode()
    response = client.post(
        f"/patrols/findings/{finding.pk}/route/",
        {"route": "hazard", "routed_on": "2024-10-22", "hazard_sector": sector("hazardous_chemicals").pk, "hazard_category": "equipment",
         "hazard_jurisdiction": pw.world.a.township.pk},
    )
    assert response.status_code == 302, response.content.decode()
    hazard = Hazard.objects.get()
    assert hazard.listing_level == "province"
    page = client.get(patrol.get_absolute_url()).content.decode()
    assert hazard.code in page


def test_the_patrolled_unit_records_a_rectification_from_its_page(pw, make, client):
    patrol = advance(pw, make(member=pw.member), "start_stationing")
    from patrols.services import findings as services

    finding = services.finding_record(
        actor=pw.member, patrol=patrol, category="problem", title="隐患排查台账不全", description="台账缺项", found_on=D(2024, 9, 2),
        responsible_unit_name="安海镇政府",
    )
    patrol = advance(pw, patrol, "deliver_feedback")
    services.disposition_route(actor=pw.office, finding=finding, route="transfer", routed_on=D(2024, 10, 29))
    client.force_login(pw.user(Role.LEADER))
    page = client.get(patrol.get_absolute_url()).content.decode()
    assert "Record the rectification" in page and "Submit the rectification plan" in page
    response = client.post(
        f"/patrols/findings/{finding.pk}/rectify/",
        {"rectified_on": "2024-11-15", "note": "已补齐台账", "files": SimpleUploadedFile("台账.pdf", b"%PDF-1.4", content_type="application/pdf")},
    )
    assert response.status_code == 302
    assert FindingDisposition.objects.get(finding=finding).status == "closed"
    assert Patrol.objects.get(pk=patrol.pk).rectified_count == 1
    # The unit may not route findings.
    assert client.get(f"/patrols/findings/{finding.pk}/route/").status_code == 403


def test_pages_answer_for_every_stage(pw, make, client):
    patrol = make(member=pw.member)
    client.force_login(pw.office)
    for action in ("start_stationing", "end_stationing", "submit_report", "approve_report", "deliver_feedback", "submit_plan",
                   "submit_rectification_report", "close"):
        assert client.get(patrol.get_absolute_url()).status_code == 200
        patrol = advance(pw, patrol, action)
    assert patrol.status == PatrolStatus.CLOSED
    assert client.get(patrol.get_absolute_url()).status_code == 200
    assert client.get(f"/patrols/{patrol.pk}/stages/no_such_action/").status_code == 404
    assert client.get("/patrols/?status=closed").status_code == 200
    assert client.get("/").status_code == 200


def test_the_target_form_keeps_kind_and_place_once_patrolled(pw, make, client):
    make(pw.target_a)
    client.force_login(pw.office)
    response = client.post(
        f"/patrols/targets/{pw.target_a.pk}/edit/",
        {"kind": TargetKind.DEPARTMENT, "jurisdiction": pw.world.city.pk, "name": "晋江市委、市政府", "problem_unit": "on", "sort_order": 5},
    )
    assert response.status_code == 302
    target = PatrolTarget.objects.get(pk=pw.target_a.pk)
    assert (target.kind, target.jurisdiction_id, target.name, target.problem_unit) == (
        TargetKind.PARTY_GOVERNMENT, pw.world.a.county.pk, "晋江市委、市政府", True
    )
