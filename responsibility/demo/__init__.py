"""The demo data set (``manage.py seed_demo``): a city shaped like 泉州市 with its counties,
townships, organizations, officials and one login per role.

The build runs as a list of steps. Each step is ``step(ctx)`` with ``ctx`` a
:class:`responsibility.demo.builder.DemoContext` (the plan of the city, the ids of what the
earlier steps wrote, a ``log`` function and ``created``/``updated`` counters). Every step must
be idempotent: running the whole build twice creates and changes nothing the second time.

Other apps add their own steps (a year of inspections, hazards, assessments …) from their
``AppConfig.ready``::

    from responsibility.demo import register_demo_step
    register_demo_step("inspections", "inspections.demo.build_inspections", order=500)

This module imports no models, so it is safe to import from ``ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoStep:
    name: str
    func: Callable | str  # a callable or the dotted path of one, imported when the build runs
    order: int = 500


DEMO_STEPS: list[DemoStep] = [
    DemoStep("jurisdictions", "responsibility.demo.builder.build_jurisdictions", 100),
    DemoStep("organizations", "responsibility.demo.builder.build_organizations", 200),
    DemoStep("officials", "responsibility.demo.builder.build_officials", 300),
    DemoStep("accounts", "responsibility.demo.builder.build_accounts", 400),
    DemoStep("committees", "responsibility.demo.committee.build", 410),
    DemoStep("duties", "responsibility.demo.duties.build", 420),
    DemoStep("power_lists", "responsibility.demo.power_lists.build", 430),
    DemoStep("meetings", "responsibility.demo.meetings.build", 440),
    DemoStep("supervision", "responsibility.demo.supervision.build", 450),
    DemoStep("enterprises", "responsibility.demo.enterprises.build", 460),
    DemoStep("grids", "responsibility.demo.grids.build", 470),
]


def register_demo_step(name: str, func: Callable | str, *, order: int = 500) -> None:
    """Add a step (or replace the step of the same name). Steps run by ``order``; the backbone
    uses 100–400, so later apps use 500 and up."""
    DEMO_STEPS[:] = [step for step in DEMO_STEPS if step.name != name]
    DEMO_STEPS.append(DemoStep(name, func, order))
    DEMO_STEPS.sort(key=lambda step: step.order)


def build_demo(*, stdout=None) -> dict:
    """Build (or complete) the demo data set; see :func:`responsibility.demo.builder.build_demo`."""
    from responsibility.demo.builder import build_demo as _build_demo

    return _build_demo(stdout=stdout)


__all__ = ["DEMO_STEPS", "DemoStep", "build_demo", "register_demo_step"]
