"""Quarterly comprehensive supervision (每季度综合督查): a city's round over its counties,
problems with deadlines, feedback by the supervised county's office only, the notice as DOCX
and PDF, and its copy to the organization department."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError
from inspections.choices import InspectionKind, ProblemStatus
from inspections.documents import build_notice
from inspections.models import SupervisionRound
from inspections.services import records
from inspections.services import rounds as services
from responsibility.choices import OrganizationFunction, OrganizationKind
from responsibility.roles import Role
from tests.factories import OrganizationFactory, official_user


@pytest.fixture
def people(world):
    city_office = OrganizationFactory(jurisdiction=world.city, name="泉州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE)
    return {
        "city": official_user(role=Role.SAFETY_OFFICE, organization=city_office, username="city_office"),
        "a": world.user(Role.SAFETY_OFFICE),
        "b": official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office"),
    }


@pytest.fixture
def round_(world, people):
    return services.round_create(
        actor=people["city"], jurisdiction=world.city, year=2026, quarter=2, title="2026年第二季度综合督查",
        targets=[world.a.county, world.b.county],
    )


def problem(world, people, round_, county, text, *, days=30):
    return services.problem_add(
        actor=people["city"], round_=round_, target=county, description=text,
        deadline=timezone.localdate() + datetime.timedelta(days=days),
    )


def organization_department(world):
    return OrganizationFactory(
        jurisdiction=world.city, name="中共泉州市委组织部", kind=OrganizationKind.PARTY_DEPARTMENT, function=OrganizationFunction.ORGANIZATION
    )


def test_targets_are_the_jurisdictions_directly_below(world, people):
    with pytest.raises(ValidationError) as error:
        services.round_create(
            actor=people["city"], jurisdiction=world.city, year=2026, quarter=1, title="越级", targets=[world.a.township]
        )
    assert "targets" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.round_create(actor=people["a"], jurisdiction=world.city, year=2026, quarter=1, title="越权", targets=[world.a.county])


def test_round_lifecycle_open_feedback_closed(world, people, round_):
    found = problem(world, people, round_, world.a.county, "乡镇安全监管站人员配备不足")
    assert found.status == ProblemStatus.OPEN
    with pytest.raises(ConflictError):
        services.problem_set_status(actor=people["city"], problem=found, status=ProblemStatus.CLOSED)
    found = services.problem_feedback(actor=people["a"], problem=found, feedback="已增配两名专职人员")
    assert found.status == ProblemStatus.FEEDBACK and found.feedback_at is not None
    found = services.problem_set_status(actor=people["city"], problem=found, status=ProblemStatus.OPEN)  # returned
    found = services.problem_feedback(actor=people["a"], problem=found, feedback="已增配两名专职人员并完成培训")
    found = services.problem_set_status(actor=people["city"], problem=found, status=ProblemStatus.CLOSED)
    assert found.status == ProblemStatus.CLOSED
    with pytest.raises(ConflictError):
        services.problem_feedback(actor=people["a"], problem=found, feedback="再次反馈")


def test_feedback_only_by_the_supervised_countys_office(world, people, round_, client):
    found = problem(world, people, round_, world.a.county, "隐患排查台账不完整")
    with pytest.raises(PermissionDenied):
        services.problem_feedback(actor=people["b"], problem=found, feedback="不是我的")
    with pytest.raises(PermissionDenied):
        services.problem_feedback(actor=people["city"], problem=found, feedback="代为反馈")
    url = reverse("inspections:round_problem_feedback", args=[found.pk])
    client.force_login(people["b"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"feedback": "不是我的"}).status_code == 404
    client.force_login(people["city"])
    assert client.get(url).status_code == 403
    client.force_login(people["a"])
    response = client.post(url, {"feedback": "已补齐台账"})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == ProblemStatus.FEEDBACK and found.feedback == "已补齐台账"
    # An empty answer comes back on the form.
    response = client.post(url, {"feedback": "   "})
    assert response.status_code == 200


def test_each_county_sees_the_round_with_its_own_problems_and_overdue_ones_show(world, people, round_, client):
    problem(world, people, round_, world.a.county, "晋江的问题", days=-3)
    problem(world, people, round_, world.b.county, "南安的问题")
    client.force_login(people["a"])
    page = client.get(reverse("inspections:round_detail", args=[round_.pk])).content.decode()
    assert "晋江的问题" in page and "南安的问题" not in page
    assert 'badge-danger">Overdue<' in page and "Give feedback" in page
    assert client.get(reverse("inspections:round_update", args=[round_.pk])).status_code == 403
    client.force_login(people["city"])
    page = client.get(reverse("inspections:round_detail", args=[round_.pk])).content.decode()
    assert "晋江的问题" in page and "南安的问题" in page and "Give feedback" not in page
    listing = client.get(reverse("inspections:round_problem_list") + "?overdue=1").content.decode()
    assert "晋江的问题" in listing and "南安的问题" not in listing


def test_inspections_of_the_round_are_started_and_linked(world, people, round_):
    visit = services.round_start_inspection(actor=people["city"], round_=round_, target=world.a.county)
    assert visit.kind == InspectionKind.QUARTERLY_SUPERVISION and visit.supervision_round == round_
    county_visit = records.inspection_save_draft(
        actor=people["a"], jurisdiction=world.a.county, kind=InspectionKind.QUARTERLY_SUPERVISION, place="县安委办",
        started_at=timezone.now() - datetime.timedelta(hours=2),
    )
    records.inspection_submit(actor=people["a"], inspection=county_visit)
    linked = services.round_link_inspection(actor=people["city"], round_=round_, inspection=county_visit)
    assert linked.supervision_round == round_ and linked.amendments.count() == 1
    with pytest.raises(ConflictError):
        services.round_link_inspection(actor=people["city"], round_=round_, inspection=county_visit)
    found = services.problem_add(
        actor=people["city"], round_=round_, target=world.a.county, description="会议记录缺失",
        deadline=timezone.localdate(), inspection=linked,
    )
    assert found.inspection == linked
    with pytest.raises(ValidationError):
        services.problem_add(
            actor=people["city"], round_=round_, target=world.b.county, description="错配", deadline=timezone.localdate(),
            inspection=linked,
        )


def test_notice_docx_and_pdf_are_generated_and_downloadable(world, people, round_, client):
    from docx import Document

    problem(world, people, round_, world.a.county, "企业主体责任落实不到位")
    problem(world, people, round_, world.b.county, "应急预案未演练")
    organization_department(world)
    client.force_login(people["city"])
    response = client.get(reverse("inspections:round_notice_docx", args=[round_.pk]))
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "泉州市安全生产委员会办公室" in text and "企业主体责任落实不到位" in text and "一、晋江市（1项）" in text
    assert "抄送：中共泉州市委组织部。" in text
    response = client.get(reverse("inspections:round_notice_pdf", args=[round_.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and b"/BaseFont /STSong-Light" in response.content
    assert "attachment;" in response["Content-Disposition"]
    # A supervised county gets the notice once it is issued, not the draft.
    client.force_login(people["a"])
    assert client.get(reverse("inspections:round_notice_pdf", args=[round_.pk])).status_code == 403


def test_issuing_records_the_copy_to_the_organization_department(world, people, round_, client):
    problem(world, people, round_, world.a.county, "问题一")
    department = organization_department(world)
    issued = services.round_issue_notice(actor=people["city"], round_=round_)
    assert issued.notice_issued_at is not None
    assert issued.copied_to == department and issued.copied_to_organization_department_at == issued.notice_issued_at
    assert build_notice(issued).issued
    with pytest.raises(ConflictError):
        services.round_issue_notice(actor=people["city"], round_=round_)
    with pytest.raises(ConflictError):
        problem(world, people, round_, world.b.county, "签发后新增")
    client.force_login(people["a"])
    assert client.get(reverse("inspections:round_notice_docx", args=[round_.pk])).status_code == 200


def test_missing_organization_department_is_a_clear_error(world, people, round_, client):
    problem(world, people, round_, world.a.county, "问题一")
    with pytest.raises(ValidationError) as error:
        services.round_issue_notice(actor=people["city"], round_=round_)
    assert "No organization department is registered for 泉州市" in error.value.messages[0]
    round_.refresh_from_db()
    assert round_.notice_issued_at is None and round_.copied_to is None
    client.force_login(people["city"])
    response = client.post(reverse("inspections:round_issue_notice", args=[round_.pk]), follow=True)
    assert "No organization department is registered" in response.content.decode()
    assert SupervisionRound.objects.get(pk=round_.pk).notice_issued_at is None


def test_round_pages_render(world, people, round_, client):
    found = problem(world, people, round_, world.a.county, "问题一")
    services.problem_feedback(actor=people["a"], problem=found, feedback="已整改")
    client.force_login(people["city"])
    for url in (
        reverse("inspections:round_list"),
        reverse("inspections:round_list") + "?issued=false&year=2026",
        reverse("inspections:round_create"),
        reverse("inspections:round_create") + f"?jurisdiction={world.city.pk}",
        reverse("inspections:round_detail", args=[round_.pk]),
        reverse("inspections:round_update", args=[round_.pk]),
        reverse("inspections:round_problem_create", args=[round_.pk]) + f"?target={world.a.county.pk}",
        reverse("inspections:round_problem_update", args=[found.pk]),
        reverse("inspections:round_problem_status", args=[found.pk]),
        reverse("inspections:round_link_inspection", args=[round_.pk]),
        reverse("inspections:round_problem_list"),
        reverse("inspections:round_problem_list") + "?export=xlsx",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("inspections:round_create") + f"?jurisdiction={world.city.pk}",
        {"year": 2026, "quarter": 2, "title": "重复", "targets": [world.a.county.pk]},
    )
    assert response.status_code == 200 and "already has a supervision round for this quarter" in response.content.decode()
