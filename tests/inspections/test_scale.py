"""The inspections part of ``manage.py seed_scale`` on the ``tiny`` profile: sizes, the rules the
services would have enforced (targets in the inspection's jurisdiction, answers on the version's
items, findings linked to hazards of the same enterprise, dates in the past), campaigns, draws
that verify, rounds, and determinism. The province profile is measured by hand (bench/RESULTS.md)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from core.scale import scale_parts
from inspections import draws as algorithm
from inspections.models import (
    Campaign,
    DrawnEnterprise,
    Inspection,
    InspectionAnswer,
    InspectionFinding,
    InspectionParticipant,
    InspectionPhoto,
    InspectionTarget,
    RandomDraw,
    SupervisionProblem,
    SupervisionRound,
)
from inspections.scale import SHAPES
from responsibility.models import Official
from responsibility.selectors.compliance import PeriodRange, evaluate_compliance

TODAY = datetime.date(2026, 6, 30)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", profile="tiny", today=TODAY, force=True, stdout=out, **options)
    return out.getvalue()


def test_inspections_registers_its_part_after_responsibility_and_hazards():
    parts = {p.name: p for p in scale_parts()}
    assert set(parts["inspections"].requires) == {"responsibility", "hazards"}
    assert "inspections.Inspection" in parts["inspections"].models
    names = [p.name for p in scale_parts()]
    assert names.index("hazards") < names.index("inspections")


def fingerprint() -> dict:
    return {
        "inspections": list(
            Inspection.objects.order_by("id").values_list("id", "code", "status", "lead_official_id", "started_at", "kind")
        ),
        "targets": InspectionTarget.objects.count(),
        "findings": list(InspectionFinding.objects.order_by("id").values_list("id", "hazard_id", "description_hash")),
        "draws": list(RandomDraw.objects.order_by("id").values_list("id", "seed")),
    }


@pytest.mark.django_db
def test_tiny_profile_is_consistent_and_the_same_seed_gives_the_same_data():
    output = seed()
    assert "inspections:" in output
    inspections = Inspection.objects.all()
    total = inspections.count()
    assert abs(total - SHAPES["tiny"].inspections) <= SHAPES["tiny"].inspections * 0.02

    # Dates in the past, submitted after the inspection, codes from the year and id.
    now = datetime.datetime.combine(TODAY, datetime.time(23, 59), tzinfo=datetime.UTC) + datetime.timedelta(days=1)
    assert not inspections.filter(started_at__gt=now).exists()
    assert not inspections.filter(submitted_at__lt=F("started_at")).exists()
    assert not inspections.filter(status="submitted", submitted_at__isnull=True).exists()
    assert inspections.filter(status="draft").exists()
    for pk, code, started in inspections.values_list("pk", "code", "started_at")[:50]:
        assert code == Inspection.make_code(started.year, pk)

    # Every enterprise inspected lies in the inspection's jurisdiction; targets unique.
    assert not InspectionTarget.objects.exclude(enterprise__jurisdiction__path__startswith=F("inspection__jurisdiction_path")).exists()
    assert not inspections.exclude(jurisdiction_path=F("jurisdiction__path")).exists()
    assert not InspectionParticipant.objects.filter(official=F("inspection__lead_official")).exists()

    # Answers only on the version's items, for a fraction; every required item answered.
    answered = InspectionTarget.objects.filter(checklist__isnull=False)
    assert 0 < answered.count() < InspectionTarget.objects.count() * 0.2
    assert not InspectionAnswer.objects.exclude(item__version=F("target__checklist")).exists()
    for target in answered.annotate(n=Count("answers", distinct=True), items=Count("checklist__items", distinct=True))[:20]:
        assert target.n == target.items

    # Findings: some linked to hazards of the same enterprise, found that day; hashes right.
    linked = InspectionFinding.objects.filter(hazard__isnull=False)
    assert linked.exists()
    assert not linked.exclude(hazard__enterprise=F("target__enterprise")).exists()
    for finding in linked.select_related("hazard", "inspection")[:20]:
        assert finding.hazard.found_on == finding.inspection.started_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date()
    for finding in InspectionFinding.objects.all()[:50]:
        assert finding.description_hash == InspectionFinding.hash_description(finding.description)
    assert not InspectionFinding.objects.filter(item__isnull=False).exclude(item__version=F("target__checklist")).exists()
    assert InspectionPhoto.objects.exists()

    # Inspectors inspect more than leaders.
    per_role = dict(
        inspections.filter(lead_official__posts__role__in=["inspector", "party_principal"])
        .values_list("lead_official__posts__role")
        .annotate(n=Count("pk", distinct=True))
    )
    inspectors = Official.objects.filter(posts__role="inspector").distinct().count()
    principals = Official.objects.filter(posts__role="party_principal").distinct().count()
    assert per_role["inspector"] / inspectors > 3 * per_role.get("party_principal", 0) / principals

    # Campaigns finished with experts in teams; draws that verify; rounds with problems.
    campaign = Campaign.objects.first()
    assert campaign.status == "finished" and campaign.inspections.exists()
    assert InspectionParticipant.objects.filter(inspection__campaign__isnull=False, role="expert").exists()
    for draw in RandomDraw.objects.all():
        picks = algorithm.run_draw(
            seed=draw.seed, enterprise_pool=draw.enterprise_pool, inspector_pool=draw.inspector_pool,
            count=draw.enterprise_count, per_enterprise=draw.inspectors_per_enterprise,
        )
        drawn = list(DrawnEnterprise.objects.filter(draw=draw).order_by("order").values_list("enterprise_id", flat=True))
        assert [p.enterprise_id for p in picks] == drawn
    assert Inspection.objects.filter(draw__isnull=False).exists()
    rounds = SupervisionRound.objects.all()
    assert rounds.exists() and SupervisionProblem.objects.filter(round__in=rounds).exists()
    assert not SupervisionProblem.objects.exclude(Q(inspection__supervision_round=F("round"))).exists()

    # The quota evaluation finds officials who met and officials short.
    from django.contrib.auth import get_user_model

    office = get_user_model().objects.get(username="scale_office")
    results = evaluate_compliance(user=office, period=PeriodRange("quarter", 2026, 1), today=TODAY)
    statuses = {row.status for r in results if r.obligation.activity == "inspection" for row in r.rows}
    assert {"met", "short"} <= statuses

    first = fingerprint()
    seed(reset=True)
    assert fingerprint() == first
