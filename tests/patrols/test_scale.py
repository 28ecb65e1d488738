"""The patrols part of ``manage.py seed_scale`` on the ``tiny`` profile: sizes, the rules the
services would have enforced (stage dates in order, the due dates the services would store,
follow-ups after their origin's feedback, counts kept on the patrol) and determinism. The
province profile (1,500 targets, 5,000 patrols) is measured by hand (bench/RESULTS.md)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from core.scale import scale_parts
from patrols.choices import AFTER_FEEDBACK, MILESTONE_ORDER, FindingStatus, PatrolKind, PatrolStatus
from patrols.models import (
    FindingDisposition,
    Patrol,
    PatrolFinding,
    PatrolMilestone,
    PatrolTarget,
    PatrolTerm,
)
from patrols.scale import SHAPES
from patrols.selectors.coverage import coverage_summary
from patrols.services.patrols import refresh_open_due_dates

TODAY = datetime.date(2026, 6, 30)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", profile="tiny", today=TODAY, force=True, only=["responsibility", "patrols"], stdout=out, **options)
    return out.getvalue()


def test_patrols_register_their_part_after_the_responsibility_system():
    parts = {p.name: p for p in scale_parts()}
    assert parts["patrols"].requires == ("responsibility",)
    assert "patrols.Patrol" in parts["patrols"].models


@pytest.mark.django_db
def test_tiny_profile_is_consistent_and_the_same_seed_gives_the_same_data():
    seed()
    shape = SHAPES["tiny"]
    term = PatrolTerm.objects.get()
    assert PatrolTarget.objects.filter(term=term).count() == shape.targets
    assert Patrol.objects.filter(term=term).count() == shape.patrols
    summary = coverage_summary(term, TODAY)
    assert summary.total == shape.targets and 0 < summary.unplanned < shape.targets
    assert summary.patrols == shape.patrols

    # Stage dates in the order of the stages, none after "today", as many as the status says.
    for patrol in Patrol.objects.prefetch_related("milestones"):
        stages = {m.key: m.actual_on for m in patrol.milestones.all()}
        done = [stages[key] for key in MILESTONE_ORDER if stages[key]]
        assert done == sorted(done) and max(done) <= TODAY
        reached = sum(1 for key in MILESTONE_ORDER[1:] if stages[key])
        assert patrol.status == PatrolStatus.values[reached]
        if patrol.kind == PatrolKind.FOLLOW_UP:
            assert patrol.follows.status in AFTER_FEEDBACK
            feedback = patrol.follows.milestones.get(key="feedback").actual_on
            assert stages["stationing_start"] is None or stages["stationing_start"] > feedback
    # The kept counts match the findings; routed findings only after the approval.
    for patrol in Patrol.objects.annotate(n=Count("findings"), r=Count("findings", filter=Q(findings__status=FindingStatus.RECTIFIED))):
        assert (patrol.finding_count, patrol.rectified_count) == (patrol.n, patrol.r)
    assert not FindingDisposition.objects.filter(finding__patrol__status__in=("preparation", "stationing", "reporting", "approval")).exists()
    assert PatrolFinding.objects.exists() and FindingDisposition.objects.exists()
    # The due dates are those the services compute: recomputing them changes nothing.
    assert refresh_open_due_dates() == 0
    assert PatrolMilestone.objects.filter(due_on__isnull=False).exists()

    first = list(Patrol.objects.order_by("id").values_list("id", "code", "status", "target_id", "next_due_on"))
    seed(reset=True)
    assert list(Patrol.objects.order_by("id").values_list("id", "code", "status", "target_id", "next_due_on")) == first
