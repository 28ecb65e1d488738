"""The hazards part of ``manage.py seed_scale`` on the ``tiny`` profile: sizes, the rules the
services would have enforced (a consistent timeline per hazard, major hazards with their
leader and listing, deadlines after the finding …) and determinism. The province profile is
measured by hand (bench/RESULTS.md)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from core.models import User
from core.scale import scale_parts
from hazards.choices import HazardStatus
from hazards.models import (
    EnterpriseSelfReport,
    Hazard,
    HazardEvent,
    HazardExtension,
    HazardPolicy,
    HazardUserObjectPermission,
    LeaderVisit,
    RiskPoint,
    RiskPointReview,
    RiskReviewRound,
    TipOff,
)
from hazards.scale import SHAPES
from hazards.services.ledger import leader_candidates
from hazards.services.risk import grade_for_score, round_pending_points
from hazards.workflow import TRANSITIONS

TODAY = datetime.date(2026, 6, 30)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", profile="tiny", today=TODAY, force=True, stdout=out, **options)
    return out.getvalue()


def test_hazards_registers_its_part_after_the_responsibility_system():
    parts = {p.name: p for p in scale_parts()}
    assert parts["hazards"].requires == ("responsibility",)
    assert "hazards.Hazard" in parts["hazards"].models
    names = [p.name for p in scale_parts()]
    assert names.index("responsibility") < names.index("hazards")


@pytest.mark.django_db
def test_tiny_profile_is_consistent_and_the_same_seed_gives_the_same_data():
    """One run checked from every side (seeding is the slow part), then a second run with
    ``--reset`` that must give the same rows."""
    seed()
    check_sizes()
    check_statuses_deadlines_and_codes()
    check_major_hazards()
    check_timelines()
    check_risk_points_rounds_reports_and_tip_offs()
    first = fingerprint()
    seed(reset=True)
    assert fingerprint() == first


def fingerprint() -> dict:
    return {
        "hazards": list(Hazard.objects.order_by("id").values_list("id", "code", "status", "enterprise_id", "deadline", "linked_leader_id")),
        "events": HazardEvent.objects.count(),
        "points": list(RiskPoint.objects.order_by("id").values_list("id", "grade", "latitude")),
        "tips": list(TipOff.objects.order_by("id").values_list("reference", "status", "hazard_id")),
    }


def check_sizes():
    shape = SHAPES["tiny"]
    assert Hazard.objects.count() == shape.hazards
    assert RiskPoint.objects.count() == shape.risk_points
    converted = TipOff.objects.filter(status="converted").count()
    assert TipOff.objects.count() == shape.tip_offs + converted
    assert converted == Hazard.objects.filter(source="tip_off").count()
    assert HazardPolicy.objects.filter(jurisdiction__isnull=True).exists()
    # Skew: hazards of hazardous sectors per enterprise outnumber the ordinary ones'.
    per_sector = dict(
        Hazard.objects.filter(enterprise__isnull=False).values_list("sector__code").annotate(n=Count("pk")).order_by()
    )
    assert per_sector["industry_trade"] > 0
    assert Hazard.objects.filter(enterprise__isnull=True, responsible_organization__isnull=False).exists()


def check_statuses_deadlines_and_codes():
    hazards = Hazard.objects.all()
    counts = dict(hazards.values_list("status").annotate(n=Count("pk")).order_by())
    assert set(counts) == set(HazardStatus.values)
    assert counts[HazardStatus.CLOSED] > hazards.count() / 2  # most are closed out
    overdue = hazards.overdue(TODAY).count()
    assert 0.02 * hazards.count() <= overdue <= 0.1 * hazards.count()
    assert not hazards.filter(deadline__lt=F("found_on")).exists()
    assert not hazards.filter(found_on__gt=TODAY).exists()
    assert not hazards.exclude(status__in=[HazardStatus.REPORTED, HazardStatus.CANCELLED]).filter(deadline__isnull=True).exists()
    assert not hazards.filter(status=HazardStatus.CLOSED).filter(
        Q(closed_at__isnull=True) | Q(verified_at__isnull=True) | Q(rectified_on__isnull=True)
    ).exists()
    assert not hazards.exclude(status=HazardStatus.CLOSED).filter(closed_at__isnull=False).exists()
    assert not hazards.filter(status=HazardStatus.CANCELLED, cancel_reason="").exists()
    assert not hazards.filter(extension_count__gt=0, deadline__lte=F("original_deadline")).exists()
    for hazard in hazards.select_related("jurisdiction", "enterprise__jurisdiction"):
        assert hazard.code == Hazard.make_code(hazard.found_on.year, hazard.pk)
        assert hazard.jurisdiction_path == hazard.jurisdiction.path
        if hazard.enterprise_id:
            assert hazard.jurisdiction_path.startswith(hazard.enterprise.jurisdiction.path)
    assert HazardExtension.objects.filter(status="approved").exists() and HazardExtension.objects.filter(status="rejected").exists()
    assert not HazardExtension.objects.filter(requested_deadline__lte=F("current_deadline")).exists()


def check_major_hazards():
    majors = Hazard.objects.major()
    assert 0 < majors.count() <= 0.05 * Hazard.objects.count()  # about 1% (a few in the tiny profile)
    beyond_accepted = majors.exclude(status__in=[HazardStatus.REPORTED, HazardStatus.ACCEPTED, HazardStatus.CANCELLED])
    assert beyond_accepted.exists()
    for hazard in beyond_accepted:
        assert hazard.linked_leader_id and hazard.listing_level and hazard.listing_office_id, hazard.code
        assert hazard.plan_complete
        assert leader_candidates(hazard).filter(pk=hazard.linked_leader_id).exists()
        assert hazard.reported_to_department_on and hazard.listed_on >= hazard.found_on
    assert LeaderVisit.objects.filter(hazard__level="major").count() == LeaderVisit.objects.count() > 0
    # The benchmark's leader login is linked to majors of its county and sees them.
    leader = User.objects.get(username="scale_leader")
    grants = HazardUserObjectPermission.objects.filter(user=leader)
    assert grants.exists()
    assert set(grants.values_list("content_object_id", flat=True)) == set(
        majors.filter(linked_leader__user=leader).values_list("pk", flat=True)
    )
    assert Hazard.objects.restrict(leader, "view").filter(linked_leader__user=leader).count() == grants.count()


def check_timelines():
    """Each timeline follows the transition table from "reported" up to the hazard's status."""
    events = defaultdict(list)
    for hazard_id, kind, action, from_status, to_status, at in HazardEvent.objects.order_by("hazard_id", "at", "pk").values_list(
        "hazard_id", "kind", "action", "from_status", "to_status", "at"
    ):
        events[hazard_id].append((kind, action, from_status, to_status, at))
    now = timezone.now()
    statuses = dict(Hazard.objects.values_list("pk", "status"))
    assert set(events) == set(statuses)
    for pk, timeline in events.items():
        assert timeline[0][:2] == ("reported", "")
        assert all(at <= now for *_rest, at in timeline)
        status = "reported"
        for kind, action, from_status, to_status, _at in timeline:
            if kind != "transition":
                continue
            transition = TRANSITIONS[action]
            assert from_status == status and status in transition.sources and to_status == transition.target, (pk, timeline)
            status = to_status
        assert status == statuses[pk], pk
    assert 3 <= HazardEvent.objects.count() / len(statuses) <= 8


def check_risk_points_rounds_reports_and_tip_offs():
    points = RiskPoint.objects.all()
    assert set(points.values_list("grade", flat=True)) == {"red", "orange", "yellow", "blue"}
    for point in points.exclude(method="direct"):
        assert grade_for_score(point.method, point.score) == point.grade
    assert not points.filter(latitude__isnull=True, enterprise__isnull=True).exists()
    closed = RiskReviewRound.objects.filter(status="closed")
    assert closed.exists() and RiskReviewRound.objects.filter(status="open").exists()
    for round_ in closed:
        assert round_pending_points(round_).count() == 0
    assert RiskPointReview.objects.filter(outcome="changed").exclude(grade_after=F("grade_before")).exists()
    assert set(points.values_list("status", flat=True)) == {"active", "retired"}
    months = set(EnterpriseSelfReport.objects.values_list("month", flat=True))
    assert len(months) == 4 and max(months) == TODAY.replace(day=1)
    assert not EnterpriseSelfReport.objects.filter(none_found=True, hazards_found__gt=0).exists()
    assert set(TipOff.objects.values_list("status", flat=True)) == {"new", "converted", "dismissed"}
    assert not TipOff.objects.filter(status="dismissed", dismissal_reason="").exists()
    assert TipOff.objects.values("reference").distinct().count() == TipOff.objects.count()
