"""The assessment rounds of the demo: two published quarters (the last one sent to the
organization department), this year's annual round open with some scores, the accidents of the
demo costing points and excellence; a second run changes nothing."""

from __future__ import annotations

import pytest
from auditlog.context import disable_auditlog
from django.utils import timezone
from django.utils.module_loading import import_string

from assessments.demo.rounds import last_finished_quarter, quarter_before
from assessments.models import AssessmentRound, RoundEvent, RoundTarget, Score
from responsibility.demo import DEMO_STEPS
from responsibility.demo.builder import DemoContext

pytestmark = pytest.mark.django_db

STEPS = ("jurisdictions", "organizations", "officials", "accounts", "committees", "accidents", "assessment_rounds")


def run_steps() -> DemoContext:
    ctx = DemoContext()
    with disable_auditlog():
        for step in sorted(DEMO_STEPS, key=lambda s: s.order):
            if step.name in STEPS:
                (import_string(step.func) if isinstance(step.func, str) else step.func)(ctx)
    return ctx


def test_demo_rounds_are_published_open_and_idempotent():
    run_steps()
    today = timezone.localdate()
    year, quarter = last_finished_quarter(today)
    published = AssessmentRound.objects.get(jurisdiction__code="350500", year=year, quarter=quarter)
    assert published.status == "published" and published.published_at is not None
    assert published.transmitted_to.name == "中共泉州市委组织部" and published.transmission_reference
    targets = RoundTarget.objects.filter(round=published)
    assert targets.count() >= 10  # the counties and development zones of the city
    assert not Score.objects.filter(target__round=published, indicator__kind="manual", points__isnull=True).exists()
    assert not Score.objects.filter(target__round=published, indicator__kind="manual", evidence="").exists()
    assert list(targets.values_list("rank", flat=True).order_by("rank"))[0] == 1
    before = quarter_before(year, quarter)
    if AssessmentRound.objects.filter(jurisdiction__code="350500", year=before[0], quarter=before[1]).exists():
        assert targets.filter(previous_total__isnull=False).count() == targets.count()
    annual = AssessmentRound.objects.get(jurisdiction__code="350500", year=today.year, quarter__isnull=True)
    assert annual.status == "open"
    assert Score.objects.filter(target__round=annual, indicator__code="A3", points__isnull=False).count() == targets.count()
    assert Score.objects.filter(target__round=annual, indicator__metric="quarterly_average", inputs__measured=True).exists()

    counts = (AssessmentRound.objects.count(), Score.objects.exclude(points=None).count(), RoundEvent.objects.count())
    ctx = run_steps()
    assert (AssessmentRound.objects.count(), Score.objects.exclude(points=None).count(), RoundEvent.objects.count()) == counts
    assert not ctx.created.get("assessment rounds") and not ctx.created.get("assessment scores")
