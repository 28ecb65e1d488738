"""The patrol API: what each caller may read (the confidentiality rule, a county system's scope),
the stages with their due dates, findings with dispositions, and the patrolled unit's upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from patrols.choices import DispositionRoute, FindingCategory, PatrolStatus
from patrols.services import findings as finding_services
from responsibility.roles import Role
from tests.conftest import results
from tests.patrols.conftest import D, advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def fed_back(pw, make):
    """County A's patrol with a routed finding, its feedback delivered; county B's still stationed."""
    a = advance(pw, make(pw.target_a, member=pw.member), "start_stationing")
    finding = finding_services.finding_record(
        actor=pw.member, patrol=a, category=FindingCategory.FORMALISM, title="以会议落实会议", description="层层开会，不抓落实",
        evidence="查阅2024年会议纪要12份", found_on=D(2024, 9, 3), responsible_unit=pw.world.a.orgs["government"],
    )
    a = advance(pw, a, "deliver_feedback")
    finding_services.disposition_route(
        actor=pw.office, finding=finding, route=DispositionRoute.DISCIPLINE, routed_on=D(2024, 10, 29), reference="泉巡移〔2024〕7号"
    )
    b = advance(pw, make(pw.target_b, member=pw.other_member), "start_stationing")
    return a, b


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in results(response)}


def test_each_caller_lists_the_patrols_it_may_see(pw, fed_back, api_client):
    a, b = fed_back
    for user, expected in (
        (pw.office, {a.pk, b.pk}),
        (pw.member, {a.pk}),
        (pw.other_member, {b.pk}),
        (pw.user(Role.COUNTY_SYSTEM), {a.pk}),  # county A's system: its patrol after the feedback
        (pw.user(Role.LEADER), {a.pk}),
        (pw.user(Role.ENTERPRISE), set()),
    ):
        api_client.force_authenticate(user)
        assert ids(api_client.get("/api/v1/patrols/")) == expected, user


def test_a_confidential_patrol_is_a_404(pw, fed_back, api_client):
    _a, b = fed_back
    api_client.force_authenticate(pw.user(Role.COUNTY_SYSTEM))
    for url in (f"/api/v1/patrols/{b.pk}/", f"/api/v1/patrols/{b.pk}/stages/"):
        response = api_client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_stages_carry_their_due_dates(pw, fed_back, api_client):
    a, _b = fed_back
    api_client.force_authenticate(pw.user(Role.COUNTY_SYSTEM))
    stages = {row["stage"]: row for row in api_client.get(f"/api/v1/patrols/{a.pk}/stages/").json()}
    assert stages["report"]["due_on"] == "2024-10-16"
    assert stages["rectification_plan"]["due_on"] == "2024-12-09"
    assert stages["rectification_plan"]["actual_on"] is None
    assert stages["rectification_plan"]["overdue"] is True
    detail = api_client.get(f"/api/v1/patrols/{a.pk}/").json()
    assert detail["status"] == PatrolStatus.RECTIFICATION_PLAN
    assert detail["next_due_stage"] == "rectification_plan" and detail["overdue"] is True
    assert len(detail["areas"]) == 8 and len(detail["members"]) == 2


def test_findings_and_dispositions_read_with_evidence_for_insiders_only(pw, fed_back, api_client):
    a, _b = fed_back
    api_client.force_authenticate(pw.user(Role.COUNTY_SYSTEM))
    rows = results(api_client.get(f"/api/v1/patrol-findings/?patrol={a.pk}"))
    assert [r["title"] for r in rows] == ["以会议落实会议"]
    assert rows[0]["evidence"] is None
    assert rows[0]["dispositions"][0]["reference"] == "泉巡移〔2024〕7号"
    assert rows[0]["dispositions"][0]["route"] == "discipline"
    dispositions = results(api_client.get("/api/v1/patrol-dispositions/?route=discipline"))
    assert [d["finding"] for d in dispositions] == [rows[0]["id"]]
    api_client.force_authenticate(pw.member)
    assert results(api_client.get("/api/v1/patrol-findings/"))[0]["evidence"] == "查阅2024年会议纪要12份"
    api_client.force_authenticate(pw.other_member)
    assert results(api_client.get("/api/v1/patrol-findings/")) == []


def test_the_county_system_uploads_the_rectification_plan(pw, fed_back, api_client):
    a, b = fed_back
    api_client.force_authenticate(pw.user(Role.COUNTY_SYSTEM))
    bad = api_client.post(
        f"/api/v1/patrols/{a.pk}/rectification-plan/",
        {"document": SimpleUploadedFile("plan.pdf", b"not a pdf", content_type="application/pdf"), "submitted_on": "2024-12-02"},
        format="multipart",
    )
    assert bad.status_code == 400
    assert "document" in bad.json()["errors"]
    too_early = api_client.post(
        f"/api/v1/patrols/{a.pk}/rectification-report/",
        {"document": SimpleUploadedFile("report.pdf", b"%PDF-1.4", content_type="application/pdf")},
        format="multipart",
    )
    assert too_early.status_code == 400
    response = api_client.post(
        f"/api/v1/patrols/{a.pk}/rectification-plan/",
        {"document": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf"), "submitted_on": "2024-12-02"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == PatrolStatus.RECTIFICATION_REPORT
    plan = next(d for d in body["documents"] if d["kind"] == "rectification_plan")
    assert api_client.get(plan["download"]).status_code == 200
    assert api_client.post(
        f"/api/v1/patrols/{b.pk}/rectification-plan/",
        {"document": SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")},
        format="multipart",
    ).status_code == 404


def test_an_auditor_reads_but_does_not_upload(pw, fed_back, api_client):
    a, _b = fed_back
    api_client.force_authenticate(pw.user(Role.AUDITOR))
    assert ids(api_client.get("/api/v1/patrols/")) == {a.pk}
    response = api_client.post(
        f"/api/v1/patrols/{a.pk}/rectification-plan/",
        {"document": SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 403


@pytest.mark.parametrize("extra", [0, 6])
def test_the_patrol_list_api_has_a_constant_query_count(pw, make, api_client, django_assert_num_queries, extra):
    from tests.patrols.test_coverage import grow

    make(pw.target_a)
    grow(pw, extra)
    api_client.force_authenticate(pw.office)
    api_client.get("/api/v1/patrols/")
    with django_assert_num_queries(API_LIST_QUERIES):
        response = api_client.get("/api/v1/patrols/")
    assert len(results(response)) == 1 + extra * 2 // 3


# force_authenticate hands the view the same user object, whose permissions, scope, grants and
# organizations are cached from the first request: what remains is the page itself.
API_LIST_QUERIES = 1
