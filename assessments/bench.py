"""Benchmark operations of assessments (see :mod:`bench.operations`). Imported by the benchmark
only, never by the platform.

``assessments.round.compute.province``: what the safety office of the top jurisdiction waits for
when it opens a quarterly round (issue #7: a province — about 100 counties, 1,300 townships;
1,000,000 hazards, 500,000 inspections, 5,000 accidents — in under 10 s, with the explanation
trail): ``round_create`` with every county, development zone and township government as a
target, which validates and freezes the scheme, writes the targets and one score per indicator
and target, computes every metric with its records behind it, and ranks. Each timed run happens
in a transaction that is rolled back (after checking the deferred foreign keys, as a commit
would), so every run opens the same round on the same data.
``…province_departments`` does the same for the safety committee's member departments.

The scheme is the platform's default quarterly scheme (migration 0002), the period the last
quarter that is over. Users come from ``manage.py seed_scale`` (``scale_office``).
"""

from __future__ import annotations

import contextlib

from django.db import connection, transaction
from django.utils import timezone

from bench.operations import BenchContext, Prepared, Unavailable, register_operation

TOP_OFFICE = "scale_office"
GOVERNMENT_SCHEME = "下级政府安全生产目标责任制季度考核细则"
DEPARTMENT_SCHEME = "安委会成员单位安全生产季度考核细则"


def _last_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3  # the quarter before the current one (0: last year's Q4)
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def _prepare_round(ctx: BenchContext, scheme_name: str, target_levels: list[str] | None) -> Prepared:
    from assessments.models import Accident, AssessmentRound, AssessmentScheme, RoundTarget, ScoreSource
    from hazards.models import Hazard
    from responsibility.models import Jurisdiction

    user = ctx.user(TOP_OFFICE)
    path = ctx.scope_path(user)
    top = Jurisdiction.objects.filter(path=path).first()
    if top is None:
        raise Unavailable(f"no jurisdiction with path {path}")
    if not Hazard.objects.filter(jurisdiction_path__startswith=path).exists():
        raise Unavailable("no hazards in the top jurisdiction (seed the scale data first)")
    if not Accident.objects.filter(jurisdiction_path__startswith=path).exists():
        raise Unavailable("no accidents in the top jurisdiction (seed the accidents part of the scale data first)")
    scheme = AssessmentScheme.objects.filter(jurisdiction__isnull=True, name=scheme_name, is_active=True).order_by("-version").first()
    if scheme is None:
        raise Unavailable(f"the default scheme {scheme_name} is missing (migrate assessments)")
    year, quarter = _last_quarter()
    if AssessmentRound.objects.filter(jurisdiction=top, scheme=scheme, year=year, quarter=quarter).exists():
        raise Unavailable(f"a round of {scheme_name} for {year} Q{quarter} already exists in the top jurisdiction")

    def run():
        from assessments.services.rounds import round_create

        with transaction.atomic():
            round_ = round_create(
                actor=user, scheme=scheme, jurisdiction=top, year=year, quarter=quarter, target_levels=target_levels
            )
            if connection.vendor == "postgresql":
                # What a commit would check (the foreign keys are deferred): timed too, so that
                # rolling back does not flatter the number.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            targets = RoundTarget.objects.filter(round=round_).count()
            sources = ScoreSource.objects.filter(score__target__round=round_).count()
            transaction.set_rollback(True)
        return {"targets": targets, "sources": sources}

    return Prepared(run=run, note="a round opened and computed, then rolled back")


@register_operation("assessments.round.compute.province", order=900)
def round_compute_province(ctx: BenchContext) -> Prepared:
    """Quarterly round of the top jurisdiction over every county, zone and township government: create and compute."""
    return _prepare_round(ctx, GOVERNMENT_SCHEME, ["county", "development_zone", "township"])


@register_operation("assessments.round.compute.province_departments", order=901)
def round_compute_province_departments(ctx: BenchContext) -> Prepared:
    """Quarterly round of the top jurisdiction's safety-committee member departments: create and compute."""
    return _prepare_round(ctx, DEPARTMENT_SCHEME, None)


with contextlib.suppress(ImportError):  # the dossier operations (the accountability feature's module)
    from assessments import bench_dossier  # noqa: F401
