"""The patrols demo: a term with two batches, patrols in every stage (one overdue), findings of
every category with their dispositions, a follow-up review; what the demo logins see; a second
run that creates nothing."""

from __future__ import annotations

import pytest
from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string

from hazards.choices import ListingLevel
from patrols.choices import DispositionRoute, FindingCategory, PatrolKind, PatrolStatus
from patrols.models import FindingDisposition, Patrol, PatrolBatch, PatrolDocument, PatrolFinding, PatrolTerm
from patrols.selectors.coverage import coverage_summary
from responsibility.demo import DEMO_STEPS
from responsibility.demo.builder import DemoContext

pytestmark = pytest.mark.django_db

STEPS = ("jurisdictions", "organizations", "officials", "accounts", "patrols")


def run_steps() -> DemoContext:
    ctx = DemoContext()
    with disable_auditlog():
        for step in sorted(DEMO_STEPS, key=lambda s: s.order):
            if step.name in STEPS:
                (import_string(step.func) if isinstance(step.func, str) else step.func)(ctx)
    return ctx


def user(username: str):
    return get_user_model().objects.get(username=username)


def test_the_patrol_step_is_registered_after_the_hazards():
    orders = {step.name: step.order for step in DEMO_STEPS}
    assert orders["patrols"] == 540
    assert orders["patrols"] > orders["hazards"]


def test_demo_patrols_and_a_rerun_creates_nothing():
    run_steps()
    term = PatrolTerm.objects.get()
    assert PatrolBatch.objects.filter(term=term).count() == 2
    patrols = Patrol.objects.filter(term=term)
    assert set(patrols.values_list("status", flat=True)) == set(PatrolStatus.values)
    assert patrols.overdue().exists()
    assert set(patrols.values_list("kind", flat=True)) == set(PatrolKind.values)
    follow_up = patrols.get(kind=PatrolKind.FOLLOW_UP)
    assert follow_up.follows.status == PatrolStatus.CLOSED
    assert set(PatrolFinding.objects.values_list("category", flat=True)) == set(FindingCategory.values)
    assert set(FindingDisposition.objects.values_list("route", flat=True)) == set(DispositionRoute.values)
    listed = PatrolFinding.objects.filter(hazard__isnull=False)
    assert listed.exists() and all(f.hazard.listing_level == ListingLevel.PROVINCE for f in listed)
    assert FindingDisposition.objects.filter(route=DispositionRoute.TRANSFER, status="closed").exists()
    assert PatrolDocument.objects.filter(kind="patrol_report").exists() and PatrolDocument.objects.filter(kind="feedback_letter").exists()
    summary = coverage_summary(term)
    assert 0 < summary.patrolled < summary.total and summary.unplanned > 0

    # What the logins see: the office everything, the inspector (a group member) its confidential
    # patrol, 晋江's office its own patrol after the feedback.
    assert Patrol.objects.restrict(user("office"), "view").count() == patrols.count()
    inspector_sees = Patrol.objects.restrict(user("inspector"), "view")
    assert [p.status for p in inspector_sees] == [PatrolStatus.STATIONING]
    jinjiang = Patrol.objects.restrict(user("county_office"), "view")
    assert [p.target.jurisdiction.code for p in jinjiang] == ["350582"]
    assert jinjiang.get().status == PatrolStatus.RECTIFICATION_PLAN
    assert Patrol.objects.restrict(user("countysys"), "rectify").count() == 1

    counts = (Patrol.objects.count(), PatrolFinding.objects.count(), FindingDisposition.objects.count(), PatrolDocument.objects.count())
    second = run_steps()
    assert (Patrol.objects.count(), PatrolFinding.objects.count(), FindingDisposition.objects.count(), PatrolDocument.objects.count()) == counts
    assert second.created["patrols"] == 0
