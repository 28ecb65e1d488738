"""The accidents part of ``manage.py seed_scale`` on the ``tiny`` profile: size, levels that
agree with the facts, derived fields the services would have set, consistent timelines, and
the same rows from the same seed."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db.models import Count

from assessments.models import Accident, AccidentEvent, accident_level
from assessments.scale import SHAPES, level_counts
from core.scale import scale_parts

TODAY = datetime.date(2026, 6, 30)


def test_part_is_registered_after_the_responsibility_system():
    parts = {p.name: p for p in scale_parts()}
    assert parts["accidents"].requires == ("responsibility",)
    assert "assessments.Accident" in parts["accidents"].models


def test_level_counts_keep_larger_accidents_in_small_profiles():
    assert level_counts(40) == {"extraordinary": 0, "major": 0, "larger": 2, "ordinary": 38}
    assert level_counts(5000) == {"extraordinary": 1, "major": 10, "larger": 115, "ordinary": 4874}


@pytest.mark.django_db
def test_tiny_profile_is_consistent_and_deterministic():
    call_command("seed_scale", profile="tiny", today=TODAY, force=True, only=["responsibility", "accidents"], stdout=StringIO())
    accidents = list(Accident.objects.select_related("enterprise__jurisdiction").order_by("pk"))
    assert len(accidents) == SHAPES["tiny"]
    assert sum(a.level != "ordinary" for a in accidents) >= 2
    horizon = datetime.datetime.combine(TODAY, datetime.time(0, 0)).astimezone()
    for a in accidents:
        assert a.level == accident_level(a.deaths, a.serious_injuries, float(a.direct_loss))
        assert a.code == Accident.make_code(a.occurred_at.astimezone().year, a.pk)
        assert a.occurred_at < horizon
        if a.reported_at:
            assert a.occurred_at <= a.reported_at < horizon
            assert a.reported_late == (a.reported_at - a.occurred_at > datetime.timedelta(hours=1))
        if a.enterprise_id:
            assert a.jurisdiction_path == a.enterprise.jurisdiction.path
        if a.case_closed_on:
            assert a.investigation_status == "closed"
            assert a.evaluation_due_on == a.case_closed_on + relativedelta(months=12)
        if a.evaluated_on:
            assert a.case_closed_on < a.evaluated_on < TODAY
        if a.listed:
            assert a.deaths >= 2 and a.listing_body_id and a.listed_on
    events = AccidentEvent.objects.values("accident_id").annotate(n=Count("pk"))
    assert len(events) == len(accidents)
    first = [(a.pk, a.title, a.occurred_at, a.deaths, a.level) for a in accidents]
    call_command(
        "seed_scale", profile="tiny", today=TODAY, force=True, reset=True, only=["responsibility", "accidents"], stdout=StringIO()
    )
    again = [(a.pk, a.title, a.occurred_at, a.deaths, a.level) for a in Accident.objects.order_by("pk")]
    assert again == first
