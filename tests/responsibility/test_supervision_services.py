"""The supervision list: numbering, the status table, monthly progress and the numbered
monthly notices."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from responsibility.choices import PostRole, SupervisionStatus
from responsibility.models import SupervisionMatter, SupervisionNotice, SupervisionProgress
from responsibility.roles import Role
from responsibility.services import supervision as services
from tests.factories import official_user
from tests.responsibility import meetings_fixtures
from tests.responsibility.meetings_fixtures import leader

frozen_today = meetings_fixtures.frozen_today  # the shared fixture: today is 2026-07-15

pytestmark = pytest.mark.django_db
D = datetime.date


def _matter(world, **overrides):
    data = {
        "actor": world.user(Role.SAFETY_OFFICE),
        "jurisdiction": world.a.county,
        "title": "危险化学品专项整治",
        "owner": leader(world.a.orgs["government"], role=PostRole.SAFETY_DEPUTY),
        "lead_unit": world.a.orgs["emergency"],
        "deadline": D(2026, 9, 30),
    }
    data.update(overrides)
    return services.supervision_matter_create(**data)


def test_matters_are_numbered_per_jurisdiction_and_year(world, frozen_today):
    first, second = _matter(world), _matter(world, title="第二项")
    assert (first.year, first.number, second.number) == (2026, 1, 2)
    earlier = _matter(world, year=2025)
    assert earlier.number == 1


def test_cooperating_units_leave_out_the_lead_unit(world, frozen_today):
    matter = _matter(world, cooperating_units=[world.a.orgs["emergency"], world.a.orgs["township"]])
    assert list(matter.cooperating_units.all()) == [world.a.orgs["township"]]


def test_people_and_units_outside_the_scope_are_refused(world, frozen_today):
    with pytest.raises(ValidationError) as caught:
        _matter(world, owner=world.b.official, lead_unit=world.b.orgs["emergency"], cooperating_units=[world.b.orgs["township"]])
    assert set(caught.value.message_dict) == {"owner", "lead_unit", "cooperating_units"}
    with pytest.raises(ValidationError):
        _matter(world, jurisdiction=world.b.county)
    assert not SupervisionMatter.objects.exists()


def test_only_the_office_puts_matters_on_the_list(world, frozen_today):
    with pytest.raises(PermissionDenied):
        _matter(world, actor=world.user(Role.LEADER))


def test_status_follows_the_transition_table(world, frozen_today):
    office = world.user(Role.SAFETY_OFFICE)
    matter = _matter(world)
    done = services.supervision_matter_set_status(matter=matter, actor=office, status=SupervisionStatus.COMPLETED)
    assert (done.status, done.completed_on) == (SupervisionStatus.COMPLETED, D(2026, 7, 15))
    with pytest.raises(ValidationError) as caught:
        services.supervision_matter_set_status(matter=matter, actor=office, status=SupervisionStatus.CANCELLED)
    assert "cannot become" in caught.value.message_dict["status"][0]
    reopened = services.supervision_matter_set_status(matter=matter, actor=office, status=SupervisionStatus.OPEN)
    assert (reopened.status, reopened.completed_on) == (SupervisionStatus.OPEN, None)
    with pytest.raises(ValidationError):
        services.supervision_matter_set_status(matter=matter, actor=office, status="bogus")


def test_overdue_means_open_past_the_deadline(world, frozen_today):
    matter = _matter(world, deadline=D(2026, 7, 1))
    assert matter.is_overdue
    services.supervision_matter_set_status(matter=matter, actor=world.user(Role.SAFETY_OFFICE), status="completed")
    matter.refresh_from_db()
    assert not matter.is_overdue


# --- Progress ---------------------------------------------------------------------------------


def test_the_lead_unit_and_the_office_report_progress_once_a_month(world, frozen_today):
    matter = _matter(world)
    department = world.user(Role.DEPARTMENT)  # head of the emergency bureau, the lead unit
    entry = services.supervision_progress_report(actor=department, matter=matter, month=D(2026, 7, 9), progress="已完成排查")
    assert entry.month == D(2026, 7, 1) and entry.reported_by == department
    with pytest.raises(ValidationError) as caught:
        services.supervision_progress_report(actor=world.user(Role.SAFETY_OFFICE), matter=matter, month=D(2026, 7, 1), progress="又一次")
    assert "already recorded" in caught.value.message_dict["month"][0]
    services.supervision_progress_report(actor=world.user(Role.SAFETY_OFFICE), matter=matter, month=D(2026, 6, 1), progress="六月")
    assert SupervisionProgress.objects.filter(matter=matter).count() == 2


def test_other_units_cannot_report(world, frozen_today):
    matter = _matter(world, lead_unit=world.a.orgs["township"])
    with pytest.raises(PermissionDenied):
        services.supervision_progress_report(actor=world.user(Role.DEPARTMENT), matter=matter, month=D(2026, 7, 1), progress="x")
    with pytest.raises(PermissionDenied):
        services.supervision_progress_report(actor=world.user(Role.AUDITOR), matter=matter, month=D(2026, 7, 1), progress="x")
    outsider = official_user(role=Role.DEPARTMENT, organization=world.b.orgs["emergency"], post_role=PostRole.DEPARTMENT_HEAD)
    with pytest.raises(PermissionDenied):
        services.supervision_progress_report(actor=outsider, matter=matter, month=D(2026, 7, 1), progress="x")
    assert not SupervisionProgress.objects.exists()


@pytest.mark.parametrize(("month", "field"), [(D(2026, 8, 1), "month"), (D(2025, 12, 1), "month")])
def test_progress_is_for_a_month_of_the_matter_up_to_now(world, frozen_today, month, field):
    matter = _matter(world)
    with pytest.raises(ValidationError) as caught:
        services.supervision_progress_report(actor=world.user(Role.SAFETY_OFFICE), matter=matter, month=month, progress="x")
    assert field in caught.value.message_dict


def test_no_progress_on_a_closed_matter(world, frozen_today):
    office = world.user(Role.SAFETY_OFFICE)
    matter = _matter(world)
    services.supervision_matter_set_status(matter=matter, actor=office, status="cancelled")
    with pytest.raises(ValidationError):
        services.supervision_progress_report(actor=office, matter=matter, month=D(2026, 7, 1), progress="x")


# --- Notices ----------------------------------------------------------------------------------


def _open_world(world):
    office = world.user(Role.SAFETY_OFFICE)
    late = _matter(world, title="逾期事项", deadline=D(2026, 5, 31))
    running = _matter(world, title="推进中事项", deadline=D(2026, 12, 31))
    finished = _matter(world, title="已办结事项", deadline=D(2026, 12, 31))
    services.supervision_progress_report(actor=office, matter=running, month=D(2026, 5, 1), progress="五月进展")
    services.supervision_progress_report(actor=office, matter=running, month=D(2026, 6, 1), progress="六月进展", problems="资金不足")
    services.supervision_matter_set_status(matter=finished, actor=office, status="completed", completed_on=D(2026, 6, 10))
    return office, late, running, finished


def test_a_notice_summarises_the_month_and_flags_the_overdue(world, frozen_today):
    office, late, running, finished = _open_world(world)
    notice = services.supervision_notice_generate(actor=office, jurisdiction=world.a.county, month=D(2026, 6, 1))
    assert notice.document_number == "晋安办督〔2026〕1号"
    assert notice.title == "2026年6月安全生产督办事项通报"
    assert "六月进展" in notice.body and "资金不足" in notice.body and "五月进展" not in notice.body
    assert "逾期事项" in notice.body and "【已逾期" in notice.body
    assert "本月办结1项" in notice.body
    statuses = {row["title"]: (row["status"], row["overdue"]) for row in notice.rows}
    assert statuses == {"逾期事项": ("已逾期", True), "推进中事项": ("推进中", False), "已办结事项": ("本月办结", False)}
    assert set(notice.matters.all()) == {late, running, finished}
    # July: the finished matter no longer appears; numbering goes on
    july = services.supervision_notice_generate(actor=office, jurisdiction=world.a.county, month=D(2026, 7, 1))
    assert july.number == 2 and "已办结事项" not in july.body


def test_one_notice_per_month_and_none_for_the_future(world, frozen_today):
    office = world.user(Role.SAFETY_OFFICE)
    first = services.supervision_notice_generate(actor=office, jurisdiction=world.a.county, month=D(2026, 6, 1), prefix="晋安委办督")
    with pytest.raises(ValidationError) as caught:
        services.supervision_notice_generate(actor=office, jurisdiction=world.a.county, month=D(2026, 6, 1))
    assert first.document_number in caught.value.message_dict["month"][0]
    with pytest.raises(ValidationError):
        services.supervision_notice_generate(actor=office, jurisdiction=world.a.county, month=D(2026, 8, 1))
    # the prefix chosen once is the default afterwards
    assert services.supervision_notice_generate(actor=office, jurisdiction=world.a.county, month=D(2026, 5, 1)).prefix == "晋安委办督"
    assert SupervisionNotice.objects.count() == 2


def test_notices_of_another_jurisdiction_are_refused(world, frozen_today):
    with pytest.raises(ValidationError):
        services.supervision_notice_generate(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.b.county, month=D(2026, 6, 1))
    with pytest.raises(PermissionDenied):
        services.supervision_notice_generate(actor=world.user(Role.LEADER), jurisdiction=world.a.county, month=D(2026, 6, 1))


def test_the_word_document_has_the_number_title_and_table(world, frozen_today):
    import io

    from docx import Document

    from responsibility.supervision_docx import notice_docx

    office, *_ = _open_world(world)
    notice = services.supervision_notice_generate(actor=office, jurisdiction=world.a.county, month=D(2026, 6, 1))
    document = Document(io.BytesIO(notice_docx(notice)))
    texts = [p.text for p in document.paragraphs]
    assert "晋安办督〔2026〕1号" in texts
    assert "2026年6月安全生产督办事项通报" in texts
    assert texts.count("晋江市安全生产委员会办公室") == 2  # the red header and the signature
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:2] == ["序号", "督办事项"]
    assert len(table.rows) == 1 + 3


USES_POSTGRES = connection.vendor == "postgresql"


@pytest.mark.postgres
@pytest.mark.skipif(not USES_POSTGRES, reason="needs PostgreSQL: SQLite has no row locks to wait on")
@pytest.mark.django_db(transaction=True)
def test_two_offices_issuing_at_once_get_different_numbers(world):
    from django.db import close_old_connections, transaction

    office = world.user(Role.SAFETY_OFFICE)
    colleague = official_user(role=Role.SAFETY_OFFICE, organization=world.a.orgs["office"], username="colleague")
    outcome = {}

    def issue_may():
        close_old_connections()
        try:
            outcome["may"] = services.supervision_notice_generate(actor=colleague, jurisdiction=world.a.county, month=D(2026, 5, 1))
        finally:
            connection.close()

    with transaction.atomic():
        june = services.supervision_notice_generate(actor=office, jurisdiction=world.a.county, month=D(2026, 6, 1))
        other = threading.Thread(target=issue_may)
        other.start()
        other.join(timeout=1.0)
        assert other.is_alive(), "the second office must wait for the first one's lock"
    other.join(timeout=10)
    assert {june.number, outcome["may"].number} == {1, 2}

