"""A patrol's stages through the services: the order of the transition table, the dates of each
stage, due dates on the working-day calendar, and what happens when a year's calendar is missing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import calendar
from core.errors import ConflictError
from core.models import CalendarYear
from patrols.choices import EventKind, Milestone, PatrolKind, PatrolStatus
from patrols.models import Patrol, PatrolEvent, PatrolMilestone, PatrolRules
from patrols.services import patrols as services
from patrols.workflow import TRANSITIONS, allowed_actions
from tests.patrols.conftest import STAGE_DATES, D, advance

pytestmark = pytest.mark.django_db


def stage(patrol, key) -> PatrolMilestone:
    return PatrolMilestone.objects.get(patrol=patrol, key=key)


def test_the_transition_table_is_one_chain_from_preparation_to_closed():
    status, seen = PatrolStatus.PREPARATION, []
    while status != PatrolStatus.CLOSED:
        forward = [t for t in allowed_actions(status) if not t.sends_back]
        assert len(forward) == 1, status
        seen.append(forward[0].action)
        status = forward[0].target
    assert seen == list(STAGE_DATES)
    assert TRANSITIONS["return_rectification"].source == PatrolStatus.REVIEW


def test_a_patrol_goes_through_every_stage_and_keeps_a_timeline(pw, make):
    patrol = make()
    assert patrol.status == PatrolStatus.PREPARATION
    assert patrol.code.startswith("XC2024")
    assert PatrolMilestone.objects.filter(patrol=patrol).count() == len(Milestone.values)
    assert patrol.area_checks.count() == 8
    patrol = advance(pw, patrol, "close")
    assert patrol.status == PatrolStatus.CLOSED
    assert stage(patrol, Milestone.CLOSURE).actual_on == STAGE_DATES["close"]
    kinds = list(PatrolEvent.objects.filter(patrol=patrol).values_list("kind", flat=True))
    assert kinds.count(EventKind.TRANSITION) == len(STAGE_DATES)
    assert patrol.documents.filter(kind="rectification_plan").count() == 1
    # Every stage's date is in the audit trail too.
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_objects(PatrolMilestone.objects.filter(patrol=patrol)).count() >= len(STAGE_DATES)


def test_completing_a_stage_out_of_order_is_refused_and_changes_nothing(pw, make):
    patrol = make()
    with pytest.raises(ValidationError) as raised:
        services.patrol_transition(actor=pw.office, patrol=patrol, action="submit_report", on=D(2024, 9, 1))
    assert "complete the stages in order" in raised.value.messages[0]
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.PREPARATION
    assert stage(patrol, Milestone.REPORT).actual_on is None
    advance(pw, patrol, "end_stationing")
    with pytest.raises(ValidationError):
        services.patrol_transition(actor=pw.office, patrol=patrol, action="deliver_feedback", on=D(2024, 10, 20))


def test_a_feedback_date_before_the_reports_approval_is_refused(pw, make):
    patrol = advance(pw, make(), "approve_report")
    with pytest.raises(ValidationError) as raised:
        services.patrol_transition(actor=pw.office, patrol=patrol, action="deliver_feedback", on=D(2024, 10, 18))
    assert raised.value.message_dict["on"] == ["The feedback cannot be dated before the report's approval (2024-10-21)."]
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.FEEDBACK
    assert stage(patrol, Milestone.FEEDBACK).actual_on is None


def test_dates_in_the_future_and_before_the_previous_stage_are_refused(pw, make):
    patrol = advance(pw, make(), "start_stationing")
    with pytest.raises(ValidationError) as ended_before:
        services.patrol_transition(actor=pw.office, patrol=patrol, action="end_stationing", on=D(2024, 8, 20))
    assert "cannot end before it began" in ended_before.value.message_dict["on"][0]
    from django.utils import timezone

    with pytest.raises(ValidationError):
        services.patrol_transition(
            actor=pw.office, patrol=patrol, action="end_stationing", on=timezone.localdate() + __import__("datetime").timedelta(days=1)
        )


def test_stationing_must_begin_within_the_term(pw, make):
    patrol = make()
    with pytest.raises(ValidationError) as raised:
        services.patrol_transition(actor=pw.office, patrol=patrol, action="start_stationing", on=D(2023, 12, 20))
    assert "within the term" in raised.value.message_dict["on"][0]


def test_report_due_ten_working_days_after_stationing_skips_the_national_day_week(pw, make):
    """Stationing ends Friday 2024-09-27; Sunday 29 September is an adjusted working day,
    1–7 October are off, Saturday 12 October works: the tenth working day is 16 October."""
    patrol = advance(pw, make(), "end_stationing")
    report = stage(patrol, Milestone.REPORT)
    assert report.due_on == D(2024, 10, 16)
    assert report.due_missing_year is None
    patrol.refresh_from_db()
    assert (patrol.next_due_on, patrol.next_due_milestone) == (D(2024, 10, 16), Milestone.REPORT)
    # The stationing limit counts calendar days, the first day included.
    assert stage(patrol, Milestone.STATIONING_END).due_on == D(2024, 9, 24)
    assert stage(patrol, Milestone.STATIONING_END).is_late


def test_every_due_date_follows_its_rule(pw, make):
    patrol = advance(pw, make(), "deliver_feedback")
    # Approved Monday 2024-10-21: ten working days later is Monday 2024-11-04.
    assert stage(patrol, Milestone.FEEDBACK).due_on == D(2024, 11, 4)
    # Feedback Monday 2024-10-28: thirty working days later is Monday 2024-12-09.
    assert stage(patrol, Milestone.RECTIFICATION_PLAN).due_on == D(2024, 12, 9)
    # Six months later is Monday 2025-04-28, a working day (an adjusted Sunday-for-May-Day week).
    assert stage(patrol, Milestone.RECTIFICATION_REPORT).due_on == D(2025, 4, 28)
    assert stage(patrol, Milestone.APPROVAL).due_on is None


def test_six_months_falling_on_a_day_off_moves_to_the_next_working_day(pw, make):
    # Feedback 2024-04-01 + six months = 2024-10-01, National Day: due Tuesday 2024-10-08.
    dates = {
        "start_stationing": D(2024, 2, 26), "end_stationing": D(2024, 3, 15), "submit_report": D(2024, 3, 22),
        "approve_report": D(2024, 3, 27), "deliver_feedback": D(2024, 4, 1),
    }
    patrol = advance(pw, make(batch=None, kind=PatrolKind.SPECIAL), "deliver_feedback", dates)
    assert stage(patrol, Milestone.RECTIFICATION_REPORT).due_on == D(2024, 10, 8)


def test_limits_are_data_per_issuing_jurisdiction(pw, make):
    PatrolRules.objects.create(jurisdiction=pw.world.city, report_working_days=5, stationing_days=20)
    patrol = advance(pw, make(), "end_stationing")
    # Five working days after Friday 2024-09-27: 29 Sep, 30 Sep, 8, 9, 10 Oct.
    assert stage(patrol, Milestone.REPORT).due_on == D(2024, 10, 10)
    assert stage(patrol, Milestone.STATIONING_END).due_on == D(2024, 9, 14)


def mark_year_missing(year: int) -> None:
    CalendarYear.objects.filter(year=year).update(complete=False)
    calendar.forget()


def test_a_missing_calendar_year_saves_the_stage_and_names_the_year(pw, make, client):
    """The documented choice: the actual date is a fact and is saved; the due date that needs
    the missing year stays empty and the year is shown, loudly, until it is entered."""
    patrol = advance(pw, make(), "approve_report", {"submit_report": D(2024, 10, 14), "approve_report": D(2024, 12, 2)})
    mark_year_missing(2025)
    patrol = services.patrol_transition(actor=pw.office, patrol=patrol, action="deliver_feedback", on=D(2024, 12, 10))
    assert patrol.status == PatrolStatus.RECTIFICATION_PLAN
    plan = stage(patrol, Milestone.RECTIFICATION_PLAN)
    assert (plan.due_on, plan.due_missing_year) == (None, 2025)
    assert stage(patrol, Milestone.RECTIFICATION_REPORT).due_missing_year == 2025
    patrol.refresh_from_db()
    assert patrol.calendar_missing_year == 2025
    assert patrol.next_due_on is None

    client.force_login(pw.office)
    page = client.get(patrol.get_absolute_url()).content.decode()
    assert "Working-day calendar missing for 2025: due date unknown" in page
    assert "The working-day calendar for 2025 is missing" in page
    listed = client.get("/patrols/?calendar_missing=true").content.decode()
    assert "Calendar missing for 2025" in listed

    # Once the year is entered, opening the patrol computes the due dates.
    CalendarYear.objects.filter(year=2025).update(complete=True, revision=99)
    calendar.forget()
    client.get(patrol.get_absolute_url())
    plan.refresh_from_db()
    assert (plan.due_on, plan.due_missing_year) == (D(2025, 1, 22), None)
    patrol.refresh_from_db()
    assert patrol.calendar_missing_year is None
    assert PatrolEvent.objects.filter(patrol=patrol, kind=EventKind.DUE_DATES).count() == 1


def test_the_stage_form_warns_when_the_due_date_cannot_be_computed(pw, make, client):
    patrol = advance(pw, make(), "approve_report", {"approve_report": D(2024, 12, 2)})
    mark_year_missing(2025)
    client.force_login(pw.office)
    response = client.post(
        f"/patrols/{patrol.pk}/stages/deliver_feedback/",
        {"deliver_feedback-on": "2024-12-10", "deliver_feedback-expected_status": PatrolStatus.FEEDBACK},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("working-day calendar for 2025 is missing" in m for m in messages), (messages, response.context.get("form") and response.context["form"].errors)


def test_a_stale_page_gets_a_conflict(pw, make):
    patrol = advance(pw, make(), "start_stationing")
    with pytest.raises(ConflictError):
        services.patrol_transition(
            actor=pw.office, patrol=patrol, action="start_stationing", on=D(2024, 8, 27), expected_status=PatrolStatus.PREPARATION
        )


def test_only_the_office_records_the_approval_and_the_unit_submits_its_plan(pw, make):
    patrol = advance(pw, make(member=pw.member), "submit_report")
    with pytest.raises(PermissionDenied):
        services.patrol_transition(actor=pw.member, patrol=patrol, action="approve_report", on=D(2024, 10, 21))
    patrol = advance(pw, patrol, "deliver_feedback")
    from django.core.files.uploadedfile import SimpleUploadedFile

    leader = pw.user("leader")
    patrol = services.patrol_transition(
        actor=leader, patrol=patrol, action="submit_plan", on=D(2024, 12, 2),
        document=SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf"),
    )
    assert patrol.status == PatrolStatus.RECTIFICATION_REPORT
    with pytest.raises(ValidationError) as no_document:
        services.patrol_transition(actor=leader, patrol=patrol, action="submit_rectification_report", on=D(2025, 4, 1))
    assert "document" in no_document.value.message_dict
    with pytest.raises(ValidationError) as renamed:
        services.patrol_transition(
            actor=leader, patrol=patrol, action="submit_rectification_report", on=D(2025, 4, 1),
            document=SimpleUploadedFile("report.pdf", b"MZ not a pdf", content_type="application/pdf"),
        )
    assert "content does not match" in str(renamed.value)


def test_the_office_sends_a_rectification_report_back_with_a_reason(pw, make):
    patrol = advance(pw, make(), "submit_rectification_report")
    with pytest.raises(ValidationError):
        services.patrol_transition(actor=pw.office, patrol=patrol, action="return_rectification")
    patrol = services.patrol_transition(actor=pw.office, patrol=patrol, action="return_rectification", comment="缺少查处情况")
    assert patrol.status == PatrolStatus.RECTIFICATION_REPORT
    assert stage(patrol, Milestone.RECTIFICATION_REPORT).actual_on is None
    assert PatrolEvent.objects.filter(patrol=patrol, kind=EventKind.RETURNED, confidential=False).exists()


def test_planned_dates_are_checked_against_the_stationing_limit(pw, make):
    patrol = make(planned={Milestone.STATIONING_START: D(2024, 8, 26)})
    assert stage(patrol, Milestone.STATIONING_END).planned_on == D(2024, 9, 24)
    with pytest.raises(ValidationError) as raised:
        services.patrol_set_planned_dates(actor=pw.office, patrol=patrol, planned={Milestone.STATIONING_END: D(2024, 10, 30)})
    assert "at most 30" in str(raised.value)
    services.patrol_set_planned_dates(actor=pw.office, patrol=patrol, planned={Milestone.REPORT: D(2024, 10, 9)})
    assert stage(patrol, Milestone.REPORT).planned_on == D(2024, 10, 9)


def test_one_regular_patrol_per_target_and_term_and_follow_ups_name_an_earlier_patrol(pw, make):
    first = make()
    with pytest.raises(ValidationError) as twice:
        make()
    assert "already has a regular patrol" in str(twice.value)
    with pytest.raises(ValidationError) as too_early:
        make(kind=PatrolKind.FOLLOW_UP, batch=None, follows=first)
    assert "after the earlier patrol's feedback" in str(too_early.value)
    advance(pw, first, "deliver_feedback")
    with pytest.raises(ValidationError):
        make(pw.target_b, kind=PatrolKind.FOLLOW_UP, batch=None, follows=first)
    follow_up = make(kind=PatrolKind.FOLLOW_UP, batch=None, follows=first, focus="整改落实情况")
    assert follow_up.follows == first
    assert Patrol.objects.filter(target=pw.target_a).count() == 2


def test_the_daily_task_fills_the_due_dates_once_the_year_is_entered(pw, make):
    from patrols.tasks import refresh_due_dates

    patrol = advance(pw, make(), "approve_report", {"approve_report": D(2024, 12, 2)})
    mark_year_missing(2025)
    services.patrol_transition(actor=pw.office, patrol=patrol, action="deliver_feedback", on=D(2024, 12, 10))
    assert refresh_due_dates() == 0  # still missing: nothing to change
    CalendarYear.objects.filter(year=2025).update(complete=True, revision=99)
    assert refresh_due_dates() == 1
    patrol.refresh_from_db()
    assert (patrol.calendar_missing_year, patrol.next_due_on) == (None, D(2025, 1, 22))
    assert refresh_due_dates() == 0
