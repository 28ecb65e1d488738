"""The scoring benchmark operation: unavailable without the data it needs, and a run that opens
and computes the round of the top jurisdiction, then leaves nothing behind."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments import bench
from assessments.models import AssessmentRound, AssessmentScheme, Score
from bench.operations import BenchContext, Unavailable
from responsibility.choices import PostRole
from responsibility.roles import Role
from tests.assessments.conftest import make_accident, make_hazard
from tests.factories import official_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def scale_office(world, city_orgs):
    return official_user(role=Role.SAFETY_OFFICE, organization=city_orgs["office"], post_role=PostRole.OFFICE_STAFF, username=bench.TOP_OFFICE)


def test_the_operation_says_what_is_missing(world, scale_office):
    with pytest.raises(Unavailable, match="no hazards"):
        bench.round_compute_province(BenchContext())
    make_hazard(jurisdiction=world.a.township, deadline=timezone.localdate() - datetime.timedelta(days=40))
    with pytest.raises(Unavailable, match="no accidents"):
        bench.round_compute_province(BenchContext())


def test_a_run_computes_the_round_and_rolls_it_back(world, scale_office):
    year, quarter = bench._last_quarter()
    day = datetime.date(year, 3 * quarter - 1, 15)  # inside the quarter the operation assesses
    make_hazard(jurisdiction=world.a.township, deadline=day, found_on=day - datetime.timedelta(days=10))
    make_accident(jurisdiction=world.a.township, occurred_on=day, deaths=2)
    prepared = bench.round_compute_province(BenchContext())
    result = prepared.run()
    assert result["targets"] == 4  # two counties and their townships
    assert result["sources"] >= 1
    assert not AssessmentRound.objects.exists() and not Score.objects.exists()
    assert AssessmentScheme.objects.filter(frozen_at__isnull=False).count() == 0
    assert prepared.run() == result
