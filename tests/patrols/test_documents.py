"""The patrol report and the feedback letter as Word documents built from the recorded data and
stored with the patrol; uploads checked by their content; downloads checked for access."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from patrols.choices import DocumentKind, FindingCategory, Milestone
from patrols.models import Patrol, PatrolDocument
from patrols.services import findings as finding_services
from patrols.services import patrols as services
from responsibility.roles import Role
from tests.patrols.conftest import D, advance

pytestmark = pytest.mark.django_db


def text_of(document: PatrolDocument) -> str:
    with document.file.open("rb") as handle:
        parsed = Document(io.BytesIO(handle.read()))
    paragraphs = [p.text for p in parsed.paragraphs]
    cells = [cell.text for table in parsed.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


@pytest.fixture
def reported(pw, make):
    patrol = advance(pw, make(member=pw.member), "start_stationing")
    for category, title in ((FindingCategory.PROBLEM, "企业主体责任落实不到位"), (FindingCategory.FORMALISM, "检查记录弄虚作假")):
        finding_services.finding_record(
            actor=pw.member, patrol=patrol, category=category, title=title, description=f"{title}，情况属实。",
            found_on=D(2024, 9, 5), responsible_unit=pw.world.a.orgs["emergency"],
        )
    first_area = patrol.area_checks.order_by("area__sort_order").first()
    services.areas_check(actor=pw.member, patrol=patrol, checks={first_area.area_id: (True, "查阅会议记录")})
    return advance(pw, patrol, "end_stationing")


def test_the_patrol_report_is_generated_from_the_records_and_stored(pw, reported):
    document = services.patrol_generate_document(actor=pw.member, patrol=reported, kind=DocumentKind.PATROL_REPORT)
    assert document.milestone == Milestone.REPORT
    assert document.filename.endswith(".docx")
    assert document.file.read(4) == b"PK\x03\x04"
    text = text_of(document)
    assert "关于对晋江市党委、政府开展安全生产巡查情况的报告" in text
    assert "2024年8月26日至2024年9月27日" in text
    assert "企业主体责任落实不到位" in text and "检查记录弄虚作假" in text
    assert "移交纪检监察机关" in text
    assert "贯彻安全生产法律法规" in text
    assert "晋江市应急管理局" in text
    # Generated again after a change, the new version says so; the old one stays as it was.
    finding_services.finding_record(
        actor=pw.member, patrol=Patrol.objects.get(pk=reported.pk), category=FindingCategory.PROBLEM, title="新增问题",
        description="新增问题。", found_on=D(2024, 9, 20), responsible_unit_name="某镇政府",
    )
    second = services.patrol_generate_document(actor=pw.office, patrol=reported, kind=DocumentKind.PATROL_REPORT)
    assert "新增问题" in text_of(second) and "新增问题" not in text_of(document)
    assert PatrolDocument.objects.filter(patrol=reported, kind=DocumentKind.PATROL_REPORT).count() == 2


def test_the_feedback_letter_names_the_unit_and_its_due_dates(pw, reported):
    with pytest.raises(ValidationError):
        services.patrol_generate_document(actor=pw.office, patrol=reported, kind=DocumentKind.FEEDBACK_LETTER)
    patrol = advance(pw, reported, "deliver_feedback")
    document = services.patrol_generate_document(actor=pw.office, patrol=patrol, kind=DocumentKind.FEEDBACK_LETTER)
    text = text_of(document)
    assert text.startswith("泉州市安全生产巡查第一巡查组")
    assert "晋江市党委、政府：" in text
    assert "2024年12月9日前" in text  # thirty working days after the feedback of 28 October
    assert "2025年4月28日前" in text
    assert "2024年10月28日" in text


def test_generating_is_for_the_office_and_the_group(pw, reported, client):
    client.force_login(pw.user(Role.LEADER))
    assert client.post(f"/patrols/{reported.pk}/documents/generate/patrol_report/").status_code == 404
    client.force_login(pw.member)
    response = client.post(f"/patrols/{reported.pk}/documents/generate/patrol_report/")
    assert response.status_code == 302
    document = PatrolDocument.objects.get(patrol=reported, kind=DocumentKind.PATROL_REPORT)
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content)[:4] == b"PK\x03\x04"


def test_uploads_are_checked_by_their_content(pw, reported, client):
    client.force_login(pw.member)
    response = client.post(
        f"/patrols/{reported.pk}/documents/new/",
        {"document-milestone": Milestone.STATIONING_END, "document-files": SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00", content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert "content does not match" in response.content.decode()
    assert not PatrolDocument.objects.filter(patrol=reported).exists()
    response = client.post(
        f"/patrols/{reported.pk}/documents/new/",
        {"document-milestone": Milestone.STATIONING_END, "document-files": SimpleUploadedFile("minutes.pdf", b"%PDF-1.7", content_type="application/pdf")},
    )
    assert response.status_code == 302
    assert PatrolDocument.objects.filter(patrol=reported, milestone=Milestone.STATIONING_END).count() == 1
