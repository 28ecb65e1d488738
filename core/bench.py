"""Benchmark operations of core (see :mod:`bench.operations`): working-day arithmetic, which
every deadline of the platform goes through. Imported by the benchmark only.

Each operation runs 100,000 computations on fixed pseudo-random inputs (start dates across the
years the database has a calendar for, offsets of -30 to +30 working days). There is no SQL
baseline: the computations make no query once the process's table is loaded (the first,
untimed run loads it); the suite's query column shows that the timed operation makes none.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench.operations import Prepared, Unavailable, register_operation

COMPUTATIONS = 100_000
MAX_OFFSET = 30


def _inputs() -> list[tuple[date, int]]:
    from core import calendar

    calendar.forget()
    years = sorted(calendar.covered_years())
    # Starts stay a year clear of the ends, so every result falls in a year with data.
    inner = [year for year in years if year - 1 in years and year + 1 in years]
    if not inner:
        raise Unavailable("fewer than three consecutive years of working-day calendar in this database (manage.py load_calendar)")
    first, last = date(inner[0], 1, 1), date(inner[-1], 12, 31)
    rng = random.Random(20241001)
    span = (last - first).days
    return [(first + timedelta(days=rng.randrange(span + 1)), rng.randint(-MAX_OFFSET, MAX_OFFSET)) for _ in range(COMPUTATIONS)]


@register_operation("calendar.add_working_days.100k", order=50, description="100,000 deadlines: add_working_days(start, n)")
def add_working_days_100k(ctx):
    from core.calendar import add_working_days

    inputs = _inputs()
    return Prepared(run=lambda: [add_working_days(start, n) for start, n in inputs])


@register_operation("calendar.working_days_between.100k", order=51, description="100,000 working-day counts between two dates")
def working_days_between_100k(ctx):
    from core.calendar import working_days_between

    pairs = [(start, start + timedelta(days=n * 2)) for start, n in _inputs()]
    return Prepared(run=lambda: [working_days_between(a, b) for a, b in pairs])
