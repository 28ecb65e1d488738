"""The accidents demo: 25 accidents through the services, with the situations the assessment
rounds and the pages rely on, and a second run that creates nothing."""

from __future__ import annotations

import datetime

import pytest
from auditlog.context import disable_auditlog
from django.utils import timezone
from django.utils.module_loading import import_string

from assessments.choices import AccidentLevel, InvestigationStatus
from assessments.demo import accidents as demo
from assessments.models import Accident, AccidentEvent
from responsibility.demo import DEMO_STEPS
from responsibility.demo.builder import DemoContext

pytestmark = pytest.mark.django_db

STEPS = ("jurisdictions", "organizations", "officials", "accounts", "enterprises", "accidents")


def run_steps() -> DemoContext:
    ctx = DemoContext()
    with disable_auditlog():
        for step in sorted(DEMO_STEPS, key=lambda s: s.order):
            if step.name in STEPS:
                (import_string(step.func) if isinstance(step.func, str) else step.func)(ctx)
    return ctx


def test_demo_accidents():
    ctx = run_steps()
    today = timezone.localdate()
    year_start = timezone.make_aware(datetime.datetime(today.year, 1, 1))
    assert Accident.objects.count() == 25 == ctx.created["accidents"]
    this_year = Accident.objects.filter(occurred_at__gte=year_start)
    larger = this_year.exclude(level=AccidentLevel.ORDINARY)
    # 泉港区 over its veto threshold of 1, 晋江市 under its threshold of 2, nobody else.
    by_county = {}
    for path in larger.values_list("jurisdiction_path", flat=True):
        by_county[path[:6]] = by_county.get(path[:6], 0) + 1
    assert by_county == {"350505": 2, "350582": 1}
    assert this_year.filter(level=AccidentLevel.ORDINARY).count() >= 10
    two_deaths = this_year.get(deaths=2)
    assert two_deaths.jurisdiction_path.startswith("350583") and two_deaths.listed
    assert two_deaths.listing_body.name.endswith("安全生产委员会")
    assert this_year.filter(deaths=1).count() >= 3
    late = Accident.objects.get(reported_late=True)
    assert late.report_delay > datetime.timedelta(hours=1)
    pushed = Accident.objects.get(source_system=demo.COUNTY_SYSTEM_SOURCE)
    assert pushed.created_by.username == "countysys"
    due = Accident.objects.filter(evaluated_on__isnull=True, evaluation_due_on__isnull=False)
    assert due.filter(evaluation_due_on__lt=today).exists()
    assert due.filter(evaluation_due_on__gte=today, evaluation_due_on__lte=today + datetime.timedelta(days=60)).exists()
    assert Accident.objects.filter(evaluated_on__isnull=False).exists()
    assert Accident.objects.filter(investigation_status=InvestigationStatus.INVESTIGATING).exists()
    # Timelines are dated as planned, in order, never in the future.
    for accident in Accident.objects.prefetch_related("events"):
        moments = [event.at for event in accident.events.all()]
        assert moments == sorted(moments) and moments[-1] <= timezone.now()
        assert moments[0] > accident.occurred_at
    assert AccidentEvent.objects.filter(kind="listed").count() == 1

    again = run_steps()
    assert again.created["accidents"] == 0
    assert Accident.objects.count() == 25
