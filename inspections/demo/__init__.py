"""Demo data of the inspections app, registered as a step of ``manage.py seed_demo``: a year of
inspections (:mod:`inspections.demo.records`), a finished campaign, two random draws and a
quarterly supervision round (:mod:`inspections.demo.programmes`). It runs after the hazards
steps. This module imports no models, so it is safe to import from ``ready()``."""

from responsibility.demo import register_demo_step


def build(ctx) -> None:
    """Idempotent: what exists already (by its demo key or name) is skipped."""
    import time as clock

    from django.utils import timezone

    from inspections.demo import programmes, records

    needed = {"office", "county_office", "leader", "inspector", "department"}
    if not needed <= set(ctx.users) or records.CITY not in ctx.jurisdiction_ids or not ctx.official_ids:
        ctx.log("  inspections: skipped (the demo city or its logins are missing)")
        return
    started = clock.monotonic()
    today = timezone.localdate()
    plans = records.plan_inspections(ctx.plan, today)
    done = records.existing_numbers()
    runner = records.Runner(ctx)
    todo = [plan for plan in plans if plan.external_id not in done]
    runner.load_enterprises({code for plan in todo for code in plan.enterprises})
    for plan in todo:
        runner.run(plan)
    regular = len(runner.dated)
    programmes.build_campaign(ctx, runner, today)
    programmes.build_draws(ctx, runner, today)
    programmes.build_round(ctx, runner, today)
    created = len(runner.dated)
    runner.flush()
    ctx.created["inspections"] += created
    ctx.created["hazards from inspections"] += runner.hazards
    ctx.log(
        f"  inspections: {len(plans)} planned, {regular} created, {created - regular} in programmes; "
        f"{runner.hazards} findings put on the hazard ledger, in {clock.monotonic() - started:.1f} s"
    )


register_demo_step("inspections", "inspections.demo.build", order=530)
