"""The inspections demo: a year of inspections by officials of every role through the services
(some meeting their quota, the ``leader`` login among them, a township principal short of a
quarter), findings on the hazard ledger, photos, a finished campaign with gaps, two draws, a
quarterly round with problems and feedback; and a second run that creates nothing."""

from __future__ import annotations

import pytest
from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.module_loading import import_string

from hazards.models import Hazard
from inspections.choices import InspectionKind, InspectionStatus, ProblemStatus
from inspections.demo import programmes
from inspections.demo import records as demo_records
from inspections.models import (
    Campaign,
    Inspection,
    InspectionAnswer,
    InspectionFinding,
    InspectionPhoto,
    RandomDraw,
    SupervisionProblem,
    SupervisionRound,
)
from inspections.selectors import campaigns
from responsibility.choices import Period
from responsibility.demo import DEMO_STEPS
from responsibility.demo.builder import DemoContext
from responsibility.selectors.compliance import PeriodRange, Status, evaluate_compliance

pytestmark = pytest.mark.django_db

STEPS = ("jurisdictions", "organizations", "officials", "accounts", "enterprises", "inspections")
COUNTED = (
    Inspection, InspectionAnswer, InspectionFinding, InspectionPhoto, Campaign, RandomDraw, SupervisionRound, SupervisionProblem, Hazard,
)


@pytest.fixture
def smaller(monkeypatch):
    """Fewer of the random inspections (the essential ones stay: the logins', the principal
    short of a quarter, the monthly regulars) and a thinner campaign: fast enough for the suite."""
    monkeypatch.setattr(demo_records, "MAX_REGULAR", 40)
    monkeypatch.setattr(programmes, "CAMPAIGN_COVERAGE", 0.15)


def run_steps() -> DemoContext:
    ctx = DemoContext()
    with disable_auditlog():
        for step in sorted(DEMO_STEPS, key=lambda s: s.order):
            if step.name in STEPS:
                (import_string(step.func) if isinstance(step.func, str) else step.func)(ctx)
    return ctx


def user(username: str):
    return get_user_model().objects.get(username=username)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def rows_for(user_, period, slot_official_id):
    results = evaluate_compliance(user=user_, period=period)
    return [
        (result.obligation, row)
        for result in results
        if result.obligation.activity == "inspection"
        for row in result.rows
        if row.subject.pk == slot_official_id
    ]


def test_demo_inspections_and_a_rerun_creates_nothing(smaller):
    ctx = run_steps()
    today = timezone.localdate()
    now = timezone.now()
    inspections = Inspection.objects.all()

    # Every kind, dated over the last year and never in the future; most submitted, a few drafts.
    assert set(inspections.values_list("kind", flat=True)) == set(InspectionKind.values)
    assert inspections.filter(started_at__lt=now - timezone.timedelta(days=300)).exists()
    assert not inspections.filter(started_at__gt=now).exists()
    assert not inspections.filter(submitted_at__gt=now).exists()
    assert inspections.filter(status=InspectionStatus.DRAFT).exists()
    assert inspections.filter(status=InspectionStatus.SUBMITTED).count() > inspections.count() * 0.8
    assert not inspections.exclude(source_system="demo").exists()
    # Officials of every obliged role led some (city and county leaders, township principals …).
    roles = set(inspections.values_list("lead_official__posts__role", flat=True))
    assert {"party_principal", "safety_deputy", "standing_member", "department_head", "department_leader", "inspector"} <= roles

    # Checklists answered, findings, hazards linked back, real photos, formalism cases.
    assert InspectionAnswer.objects.filter(result="fail").exists()
    linked = InspectionFinding.objects.filter(hazard__isnull=False)
    assert linked.exists() and Hazard.objects.filter(inspection_finding__isnull=False).count() == linked.count()
    photo = InspectionPhoto.objects.first()
    with photo.file.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"
    copied = InspectionFinding.objects.values("description_hash").annotate(n=Count("target__enterprise", distinct=True)).filter(n__gte=3)
    assert copied.exists()
    late = [i for i in inspections.filter(status=InspectionStatus.SUBMITTED) if (i.submitted_at - i.started_at).days >= 15]
    assert late

    # The leader login meets its yearly quota; a 晋江 township principal is short of a quarter.
    leader = user("leader")
    year = PeriodRange(Period.YEAR, today.year)
    office = user("office")
    (_rule, row), = rows_for(office, year, leader.official.pk)
    if today.timetuple().tm_yday > 1:  # on 1 January nothing of this year can have been logged yet
        assert row.windows[0].count >= 1 and row.status == Status.MET
    misser = ctx.official_ids[demo_records.quarter_misser(demo_records.people(ctx.plan))]
    missed_start, _missed_end = demo_records.last_finished_quarter(today)
    missed = PeriodRange.containing(Period.QUARTER, missed_start)
    before = PeriodRange.containing(Period.QUARTER, missed_start - timezone.timedelta(days=1))
    county_office = user("county_office")
    (_rule, row), = rows_for(county_office, missed, misser)
    assert row.status == Status.SHORT and row.windows[0].count == 0
    (_rule, row), = rows_for(county_office, before, misser)
    assert row.status == Status.MET

    # A finished campaign with coverage gaps, two published draws, a round with feedback.
    campaign = Campaign.objects.get()
    assert campaign.status == "finished"
    totals = campaigns.coverage_totals(campaign, office)
    assert 0 < totals["inspected"] < totals["listed"]
    assert campaign.inspections.filter(kind=InspectionKind.CAMPAIGN).exists()
    draws = RandomDraw.objects.all()
    assert draws.count() == 2 and not draws.filter(published_at__isnull=True).exists()
    assert Inspection.objects.filter(draw__isnull=False, status=InspectionStatus.SUBMITTED).exists()
    round_ = SupervisionRound.objects.get()
    assert round_.notice_issued_at is not None and round_.copied_to is not None
    statuses = set(round_.problems.values_list("status", flat=True))
    assert {ProblemStatus.OPEN, ProblemStatus.CLOSED} <= statuses
    assert round_.problems.filter(feedback_at__isnull=False).exists()

    # The county office sees its county's records only.
    county = Inspection.objects.restrict(user("county_office"), "view")
    assert 0 < county.count() < inspections.count()
    assert not county.exclude(jurisdiction_path__startswith="350582").exists()

    before = counts()
    second = run_steps()
    assert counts() == before
    assert not {k: v for k, v in second.created.items() if v and k in ("inspections", "campaigns", "random draws", "supervision rounds")}
    assert ctx.created["inspections"] == before["Inspection"]
