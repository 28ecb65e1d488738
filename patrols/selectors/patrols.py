"""Reads of one patrol for its page and the API: the stage timeline with planned, actual and due
dates, and what the user may do now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db.models import Prefetch
from django.utils import timezone

from core.calendar import CalendarDataMissing, working_days_between
from patrols.choices import (
    AFTER_FEEDBACK,
    FINDING_STATUSES,
    PENDING_MILESTONE,
    RECTIFYING_STATUSES,
    ROUTING_STATUSES,
    Milestone,
    PatrolStatus,
)
from patrols.deadlines import DUE_RULES
from patrols.models import (
    FindingDisposition,
    Patrol,
    PatrolDocument,
    PatrolFinding,
    PatrolMember,
    PatrolMilestone,
    PatrolRules,
)
from patrols.workflow import allowed_actions


def list_queryset():
    """What a row of the patrol list shows, in the list's one query."""
    return Patrol.objects.select_related("term", "batch", "target__jurisdiction").order_by("-pk")


def detail_queryset():
    return Patrol.objects.select_related(
        "term__issuing_jurisdiction", "batch", "target__jurisdiction", "follows__target", "created_by"
    ).prefetch_related(
        Prefetch("milestones", queryset=PatrolMilestone.objects.select_related("recorded_by").order_by("position")),
        Prefetch("memberships", queryset=PatrolMember.objects.select_related("official").order_by("pk")),
        "target__organizations",
    )


def findings_of(patrol: Patrol) -> list[PatrolFinding]:
    return list(
        PatrolFinding.objects.filter(patrol=patrol)
        .select_related("content_area", "responsible_unit", "hazard", "recorded_by")
        .prefetch_related(
            Prefetch("dispositions", queryset=FindingDisposition.objects.select_related("recipient").order_by("routed_on", "pk"))
        )
        .order_by("number")
    )


class Permissions:
    """Which actions the user may take on one patrol; each distinct query runs once."""

    def __init__(self, user, patrol: Patrol):
        self.user, self.patrol, self._cache, self._answers = user, patrol, {}, {}

    def __call__(self, action: str) -> bool:
        if action not in self._cache:
            queryset = Patrol.objects.restrict(self.user, action).filter(pk=self.patrol.pk)
            try:
                sql, params = queryset.query.sql_with_params()
            except EmptyResultSet:
                self._cache[action] = False
                return False
            key = (sql, tuple(params))
            if key not in self._answers:
                self._answers[key] = queryset.exists()
            self._cache[action] = self._answers[key]
        return self._cache[action]

    @property
    def insider(self) -> bool:
        """The patrol office or a member of the group (sees the confidential stages)."""
        if "insider" not in self._cache:
            self._cache["insider"] = Patrol.objects.insiders(self.user).filter(pk=self.patrol.pk).exists()
        return self._cache["insider"]


@dataclass
class StageRow:
    milestone: PatrolMilestone
    label: str
    planned_on: date | None
    actual_on: date | None
    due_on: date | None
    missing_year: int | None
    rule: str
    on_working_day: bool
    pending: bool
    overdue_days: int = 0  # working days past due, not done yet
    late_days: int = 0  # working days it was done after its due date

    @property
    def state(self) -> str:
        if self.actual_on:
            return "late" if self.late_days else "done"
        if self.pending:
            return "overdue" if self.overdue_days else "current"
        return "future"


def _working_days_after(due: date, day: date) -> int:
    try:
        return max(working_days_between(due, day), 0)
    except CalendarDataMissing:
        return max((day - due).days, 0)


def timeline(patrol: Patrol, rules: PatrolRules | None = None, today: date | None = None) -> list[StageRow]:
    """The stages in order, each with its planned, actual and due dates, the rule behind the due
    date, and how late it is (in working days)."""
    rules = rules or PatrolRules.for_path(patrol.issuing_path)
    today = today or timezone.localdate()
    pending = PENDING_MILESTONE.get(patrol.status)
    rows = []
    for milestone in patrol.milestones.all():
        rule = DUE_RULES.get(milestone.key)
        row = StageRow(
            milestone=milestone,
            label=str(Milestone(milestone.key).label),
            planned_on=milestone.planned_on,
            actual_on=milestone.actual_on,
            due_on=milestone.due_on,
            missing_year=milestone.due_missing_year if not milestone.actual_on else None,
            rule=str(rule.explain(rules)) if rule else "",
            on_working_day=bool(rule and rule.on_working_day),
            pending=milestone.key == pending,
        )
        if milestone.due_on:
            if milestone.actual_on and milestone.actual_on > milestone.due_on:
                row.late_days = _working_days_after(milestone.due_on, milestone.actual_on)
            elif not milestone.actual_on and milestone.due_on < today:
                row.overdue_days = _working_days_after(milestone.due_on, today)
        rows.append(row)
    return rows


def transitions_for(user, patrol: Patrol, may: Permissions) -> list:
    return [t for t in allowed_actions(patrol.status) if may(t.permission)]


def capabilities(user, patrol: Patrol, may: Permissions) -> dict:
    """What the patrol's page offers the user."""
    open_ = patrol.status != PatrolStatus.CLOSED
    return {
        "insider": may.insider,
        "change": open_ and may("change"),
        "conduct": open_ and may("conduct"),
        "approve": may("approve"),
        "record_findings": patrol.status in FINDING_STATUSES and may("conduct"),
        "route": patrol.status in ROUTING_STATUSES and may("approve"),
        "rectify": patrol.status in RECTIFYING_STATUSES and (may("rectify") or may("approve")),
        "upload": open_ and (may("conduct") or (patrol.status in AFTER_FEEDBACK and may("rectify"))),
        "generate_report": patrol.status in (PatrolStatus.REPORTING, PatrolStatus.APPROVAL) and may("conduct"),
        "generate_feedback": patrol.status in (PatrolStatus.FEEDBACK, *AFTER_FEEDBACK) and may("conduct"),
    }


def documents_for(user, patrol: Patrol) -> list[PatrolDocument]:
    return list(
        PatrolDocument.objects.restrict(user).filter(patrol=patrol).select_related("uploaded_by", "finding").order_by("uploaded_at", "pk")
    )

