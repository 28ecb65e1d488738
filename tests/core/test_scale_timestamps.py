"""``ScaleContext.write`` keeps the ``auto_now``/``auto_now_add`` values a generator gives on
every backend: COPY on PostgreSQL writes them as they are, and ``bulk_create`` (SQLite) must
not stamp them with the current time."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.scale import ScaleContext
from hazards.models import Hazard
from tests.factories import EnterpriseFactory, sector

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2024, 3, 1, 8, 0, tzinfo=datetime.UTC)
LATER = datetime.datetime(2024, 4, 2, 9, 30, tzinfo=datetime.UTC)
#: Text columns without a default: COPY (PostgreSQL) needs a value for each.
BLANK = (
    "location", "finder_name", "plan_responsible", "plan_measures", "plan_contingency", "rectification_note",
    "cancel_reason", "listing_level",
)


def test_write_keeps_the_given_creation_and_change_times(world):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    ctx = ScaleContext(profile="tiny", seed=1, today=datetime.date(2026, 6, 30))
    (pk,) = ctx.allocate_ids(Hazard, 1)
    fields = [
        "id", "created_at", "updated_at", "code", "enterprise_id", "jurisdiction_id", "jurisdiction_path", "sector_id",
        "category", "source", "title", "description", "found_on", "status_changed_at", *BLANK,
    ]
    row = (
        pk, LONG_AGO, LATER, f"YH2024{pk:08d}", enterprise.pk, world.a.township.pk, world.a.township.path, sector().pk,
        "equipment", "department_inspection", "隐患", "消防通道堵塞", datetime.date(2024, 3, 1), LONG_AGO, *("" for _ in BLANK),
    )
    assert ctx.write(Hazard, fields, [row]) == 1
    hazard = Hazard.objects.get(pk=pk)
    assert (hazard.created_at, hazard.updated_at) == (LONG_AGO, LATER)

    # The fields stamp again afterwards, as everywhere else in the platform.
    before = timezone.now()
    hazard.title = "隐患（已更正）"
    hazard.save()
    hazard.refresh_from_db()
    assert hazard.created_at == LONG_AGO
    assert hazard.updated_at >= before


def test_write_fills_unlisted_timestamps_with_the_run_start(world):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    ctx = ScaleContext(profile="tiny", seed=1, today=datetime.date(2026, 6, 30))
    (pk,) = ctx.allocate_ids(Hazard, 1)
    fields = [
        "id", "code", "enterprise_id", "jurisdiction_id", "jurisdiction_path", "sector_id", "category", "source", "title",
        "description", "found_on", *BLANK,
    ]
    row = (
        pk, f"YH2024{pk:08d}", enterprise.pk, world.a.township.pk, world.a.township.path, sector().pk, "equipment",
        "department_inspection", "隐患", "消防通道堵塞", datetime.date(2024, 3, 1), *("" for _ in BLANK),
    )
    ctx.write(Hazard, fields, [row])
    hazard = Hazard.objects.get(pk=pk)
    assert hazard.created_at == hazard.updated_at == ctx.now
