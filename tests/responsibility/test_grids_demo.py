"""The demo grid: built from the demo city's grid posts, with deliberate gaps, idempotent."""

from __future__ import annotations

import pytest
from auditlog.context import disable_auditlog
from django.utils.module_loading import import_string

from responsibility.choices import GridLevel
from responsibility.demo import DEMO_STEPS
from responsibility.demo.builder import DemoContext
from responsibility.models import Enterprise, Grid, GridSupervisor, Jurisdiction
from responsibility.selectors.grids import named_supervisors

pytestmark = pytest.mark.django_db

#: The steps the grid needs (the enterprises step gives it enterprises to assign).
STEPS = ("jurisdictions", "organizations", "officials", "accounts", "enterprises", "grids")
GRID_LABELS = ("grid chief posts", "city grid cells", "county grid cells", "township grid cells", "village grid cells", "grid supervisors")


def run_steps() -> DemoContext:
    ctx = DemoContext()
    with disable_auditlog():
        for step in sorted(DEMO_STEPS, key=lambda s: s.order):
            if step.name in STEPS:
                (import_string(step.func) if isinstance(step.func, str) else step.func)(ctx)
    return ctx


def test_demo_grid_covers_the_city_with_deliberate_gaps_and_a_rerun_changes_nothing():
    first = run_steps()
    assert Grid.objects.filter(level=GridLevel.CITY).count() == 1
    assert Grid.objects.filter(level=GridLevel.COUNTY).count() == Jurisdiction.objects.filter(level__in=["county", "development_zone"]).count()
    assert Grid.objects.filter(level=GridLevel.TOWNSHIP).count() == Jurisdiction.objects.filter(level="township").count()
    villages = Jurisdiction.objects.filter(level="village").count()
    village_cells = Grid.objects.filter(level=GridLevel.VILLAGE).count()
    assert 0 < villages - village_cells < villages // 10  # a few villages without a cell

    named = set(named_supervisors().values_list("grid_id", flat=True))
    without = Grid.objects.exclude(pk__in=named)
    assert [g.jurisdiction.code for g in without] == [first.extra["grid_gaps"]["township_without_named_supervisor"]]
    assert GridSupervisor.objects.filter(grid__in=without).exists()  # supervisors, none named

    enterprises = Enterprise.objects.exclude(status="closed")
    if enterprises.exists():
        unassigned = enterprises.filter(grid__isnull=True).count()
        assert 0 < unassigned < enterprises.count() // 10
        # each assigned enterprise sits in a cell containing it
        for enterprise in enterprises.filter(grid__isnull=False).select_related("jurisdiction", "grid__jurisdiction")[:200]:
            assert enterprise.jurisdiction.path.startswith(enterprise.grid.jurisdiction.path)

    second = run_steps()
    for label in GRID_LABELS:
        assert second.created[label] == 0, label
        assert second.updated[label] == 0, label
    assert second.updated["enterprises assigned to grid cells"] == 0
