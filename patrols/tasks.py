"""Periodic work of the patrols app.

``refresh_due_dates`` recomputes the stored due dates of every open patrol from the working-day
calendar: after an administrator enters a missing year (the due dates that were empty appear) or
corrects a day (the due dates move). Idempotent: a patrol whose due dates did not change is not
written. Beat runs it once a day (``patrols-due-dates`` in ``config.settings.CELERY_BEAT_SCHEDULE``).
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="patrols.tasks.refresh_due_dates", ignore_result=True)
def refresh_due_dates() -> int:
    """Returns how many patrols changed."""
    from patrols.services.patrols import refresh_open_due_dates

    return refresh_open_due_dates()
