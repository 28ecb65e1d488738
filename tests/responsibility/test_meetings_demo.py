"""The demo's meetings and supervision steps: what they promise, and nothing new on a rerun."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.context import disable_auditlog

from responsibility.choices import SupervisionStatus
from responsibility.demo import meetings, supervision
from responsibility.demo.builder import (
    DemoContext,
    build_accounts,
    build_jurisdictions,
    build_officials,
    build_organizations,
)
from responsibility.models import Jurisdiction, Meeting, SupervisionMatter, SupervisionNotice
from responsibility.selectors.compliance import Status, evaluate_compliance, parse_period

pytestmark = pytest.mark.django_db


def _build() -> DemoContext:
    ctx = DemoContext()
    with disable_auditlog():
        for step in (build_jurisdictions, build_organizations, build_officials, build_accounts, meetings.build, supervision.build):
            step(ctx)
    return ctx


def test_demo_meetings_and_supervision_are_complete_and_idempotent():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        first = _build()
        assert first.created["meetings"] > 1000
        matters = SupervisionMatter.objects.filter(jurisdiction__code="350500", year=2026)
        assert sorted(matters.values_list("number", flat=True)) == list(range(1, 13))
        assert matters.filter(status=SupervisionStatus.COMPLETED).count() == 3
        assert [m.number for m in matters if m.is_overdue] == [3]
        notices = SupervisionNotice.objects.filter(jurisdiction__code="350500", year=2026).order_by("number")
        assert [n.month.month for n in notices] == list(range(1, 11))
        assert [n.number for n in notices] == list(range(1, 11))
        # the county that skipped a quarter shows up short; some standing committees too
        office = first.users["office"]
        results = evaluate_compliance(user=office, period=parse_period("2026-Q2"))
        government = next(r for r in results if r.obligation.meeting_kind == "government_safety")
        short = {row.jurisdiction.code for row in government.rows if row.status == Status.SHORT}
        assert "350524" in short
        last_year = evaluate_compliance(user=office, period=parse_period("2025"))
        standing = next(r for r in last_year if r.obligation.meeting_kind == "standing_committee")
        assert 0 < standing.short_count < len(standing.rows)

        counts = (Meeting.objects.count(), Meeting.attendees.through.objects.count(), SupervisionNotice.objects.count())
        second = _build()
    assert not any(second.created.values()), second.created
    assert not any(second.updated.values()), second.updated
    assert (Meeting.objects.count(), Meeting.attendees.through.objects.count(), SupervisionNotice.objects.count()) == counts
    assert Jurisdiction.objects.filter(code="350500").exists()
