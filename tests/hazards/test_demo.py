"""The hazards demo: a year of hazards in every state driven through the services, risk points
in four colours with their rounds, self-reports and tip-offs; what each demo login sees; and a
second run that creates nothing."""

from __future__ import annotations

import pytest
from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db.models import Count, F
from django.utils import timezone
from django.utils.module_loading import import_string

from hazards.choices import (
    ExtensionStatus,
    HazardEventKind,
    HazardLevel,
    HazardStatus,
    RoundStatus,
    TipOffStatus,
)
from hazards.demo import ledger as demo_ledger
from hazards.demo import risk as demo_risk
from hazards.models import (
    EnterpriseSelfReport,
    Hazard,
    HazardEvent,
    HazardExtension,
    HazardPhoto,
    HazardUserObjectPermission,
    LeaderVisit,
    RiskPoint,
    RiskReviewRound,
    TipOff,
)
from responsibility.demo import DEMO_STEPS
from responsibility.demo.builder import DemoContext

pytestmark = pytest.mark.django_db

STEPS = ("jurisdictions", "organizations", "officials", "accounts", "enterprises", "hazards", "risk_points", "hazard_reports")
LABELS = ("hazards", "risk points", "risk review rounds", "risk point reviews", "monthly self-reports", "tip-offs")


@pytest.fixture
def smaller(monkeypatch):
    """A few of the demo's random hazards and points (the enterprise login's hazards, one in
    each situation, and the ownerless ones are all there): fast enough for the suite."""
    monkeypatch.setattr(demo_ledger, "ENTERPRISE_HAZARDS", 30)
    monkeypatch.setattr(demo_risk, "ENTERPRISE_POINTS", 24)
    monkeypatch.setattr(demo_risk, "PUBLIC_POINTS", 6)


def run_steps() -> DemoContext:
    ctx = DemoContext()
    with disable_auditlog():
        for step in sorted(DEMO_STEPS, key=lambda s: s.order):
            if step.name in STEPS:
                (import_string(step.func) if isinstance(step.func, str) else step.func)(ctx)
    return ctx


def user(username: str):
    return get_user_model().objects.get(username=username)


def test_demo_hazards_risk_points_and_reports_and_a_rerun_creates_nothing(smaller):
    first = run_steps()
    now = timezone.now()
    today = timezone.localdate()
    hazards = Hazard.objects.all()

    # Every state of the closed loop, overdue ones, general and major, ownerless ones.
    assert set(hazards.values_list("status", flat=True)) == set(HazardStatus.values)
    assert hazards.overdue().exists()
    assert set(hazards.values_list("level", flat=True)) == set(HazardLevel.values)
    assert hazards.filter(enterprise__isnull=True, responsible_organization__isnull=False).exists()
    assert hazards.filter(found_on__lt=today - timezone.timedelta(days=300)).exists()
    assert not hazards.filter(found_on__gt=today).exists()
    assert {"approved", "rejected", "pending"} <= set(HazardExtension.objects.values_list("status", flat=True))
    assert hazards.filter(extension_count__gt=0, deadline__gt=F("original_deadline")).exists()

    # Every major hazard has its leader and listing; rectifying ones their plan and visits.
    majors = hazards.filter(level=HazardLevel.MAJOR)
    assert not majors.filter(linked_leader__isnull=True).exists()
    assert not majors.filter(listing_office__isnull=True).exists()
    assert not majors.exclude(status__in=[HazardStatus.REPORTED, HazardStatus.CANCELLED]).filter(plan_measures="").exists()
    assert majors.filter(reported_to_department_on__isnull=False).exists()
    assert LeaderVisit.objects.exists()

    # Timelines are real and dated in the past, in the order of the workflow.
    assert not HazardEvent.objects.filter(at__gt=now).exists()
    for hazard in hazards.filter(status=HazardStatus.CLOSED)[:50]:
        events = list(hazard.events.order_by("at", "pk").values_list("kind", "action"))
        assert events[0] == (HazardEventKind.REPORTED, "")
        assert events[-1] == (HazardEventKind.TRANSITION, "close")
        assert hazard.closed_at is not None and hazard.verified_at <= hazard.closed_at
        assert hazard.created_at.date() >= hazard.found_on - timezone.timedelta(days=1)
    assert not hazards.filter(deadline__lt=F("found_on")).exists()
    assert not hazards.filter(status=HazardStatus.CLOSED, rectified_on__isnull=True).exists()
    assert HazardPhoto.objects.filter(stage="before").exists() and HazardPhoto.objects.filter(stage="after").exists()
    with HazardPhoto.objects.filter(stage="after").first().file.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"  # a real JPEG

    # What the demo logins see.
    leader = user("leader")
    linked = hazards.filter(linked_leader__user=leader)
    assert linked.exists()
    assert HazardUserObjectPermission.objects.filter(user=leader, content_object__in=linked).count() == linked.count()
    enterprise = user("enterprise")
    own = Hazard.objects.restrict(enterprise, "rectify")
    assert own.filter(status__in=[HazardStatus.ACCEPTED, HazardStatus.RECTIFYING]).exists()
    assert own.count() == Hazard.objects.restrict(enterprise, "view").count() < hazards.count()
    county = Hazard.objects.restrict(user("county_office"), "view")
    assert 0 < county.count() < hazards.count()
    assert not county.exclude(jurisdiction_path__startswith="350582").exists()

    # Risk points in four colours, on the map, with a closed and an open round.
    points = RiskPoint.objects.all()
    assert set(points.values_list("grade", flat=True)) == {"red", "orange", "yellow", "blue"}
    assert {"lec", "ls"} <= set(points.values_list("method", flat=True))
    assert not points.filter(latitude__isnull=True).exists()
    assert not points.exclude(latitude__range=(24.6, 25.3), longitude__range=(118.2, 118.95)).exists()
    rounds = dict(RiskReviewRound.objects.values_list("status").annotate(n=Count("pk")))
    assert rounds == {RoundStatus.CLOSED: 1, RoundStatus.OPEN: 1}
    assert RiskReviewRound.objects.get(status=RoundStatus.OPEN).reviews.exists()

    # Self-reports for four months, some enterprises missing; tips in every state.
    months = EnterpriseSelfReport.objects.values_list("month", flat=True).distinct()
    assert len(set(months)) == 4
    this_month = today.replace(day=1)
    assert EnterpriseSelfReport.objects.filter(month=this_month).count() < EnterpriseSelfReport.objects.filter(
        month__lt=this_month
    ).count() / 3
    assert EnterpriseSelfReport.objects.filter(submitted_by=enterprise).exists()
    assert set(TipOff.objects.values_list("status", flat=True)) == set(TipOffStatus.values)
    assert not TipOff.objects.filter(status=TipOffStatus.CONVERTED, hazard__isnull=True).exists()

    counts = {
        "hazards": hazards.count(),
        "events": HazardEvent.objects.count(),
        "photos": HazardPhoto.objects.count(),
        "points": points.count(),
        "reports": EnterpriseSelfReport.objects.count(),
        "tips": TipOff.objects.count(),
    }
    assert first.created["hazards"] == counts["hazards"]

    second = run_steps()
    for label in LABELS:
        assert second.created[label] == 0, label
    assert counts == {
        "hazards": hazards.count(),
        "events": HazardEvent.objects.count(),
        "photos": HazardPhoto.objects.count(),
        "points": points.count(),
        "reports": EnterpriseSelfReport.objects.count(),
        "tips": TipOff.objects.count(),
    }


def test_the_plan_is_the_same_on_every_run():
    from responsibility.demo.builder import DemoPlan

    plan = DemoPlan()
    today = timezone.localdate()
    first = demo_ledger.plan_hazards(plan, today)
    again = demo_ledger.plan_hazards(plan, today)
    assert [(h.external_id, h.enterprise_code, h.stage, [s.kind for s in h.steps]) for h in first] == [
        (h.external_id, h.enterprise_code, h.stage, [s.kind for s in h.steps]) for h in again
    ]
    assert len({h.external_id for h in first}) == len(first)
    for h in first:
        moments = [s.at for s in h.steps]
        assert moments == sorted(moments)
        assert timezone.localtime(moments[0]).date() >= h.found_on
    assert ExtensionStatus.PENDING  # the choices the plan draws from exist
