"""Reads of the supervision list that are more than a filter."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from responsibility.models import SupervisionProgress


def last_progress_month() -> Subquery:
    """The month of a matter's latest progress entry, as an annotation: a correlated subquery
    computed for the rows shown, rather than a GROUP BY over every matter."""
    latest = SupervisionProgress.objects.filter(matter=OuterRef("pk")).order_by("-month").values("month")[:1]
    return Subquery(latest)
