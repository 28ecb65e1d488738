"""Reads of the hazard ledger: the counts shown above the list and on the home page."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone

from hazards.choices import DEADLINE_STATUSES, OPEN_STATUSES, HazardLevel
from hazards.querysets import HazardQuerySet


def ledger_totals(queryset) -> dict[str, int]:
    """How many of ``queryset`` there are, are open, overdue, and major and open: one
    aggregate query, whatever the size of the ledger."""
    open_q = Q(status__in=OPEN_STATUSES)
    return queryset.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=HazardQuerySet.overdue_q(timezone.localdate())),
        major_open=Count("pk", filter=open_q & Q(level=HazardLevel.MAJOR)),
    )


def to_rectify(queryset, limit: int = 10):
    """Hazards still to be rectified (accepted or being rectified), earliest deadline first:
    what an enterprise account has to do."""
    return (
        queryset.filter(status__in=DEADLINE_STATUSES)
        .select_related("enterprise")
        .order_by(F("deadline").asc(nulls_last=True), "pk")[:limit]
    )
