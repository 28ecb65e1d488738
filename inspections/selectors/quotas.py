"""Inspection quotas: the responsibility app's compliance page evaluates the inspection
obligations (DOMAIN.md §5); this module tells it how to count inspections."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from inspections.choices import InspectionStatus
from inspections.models import Inspection, InspectionParticipant
from responsibility.choices import ObligationSubject
from responsibility.selectors.compliance import Subjects


def count_inspections(subjects: Subjects, start: date, end: date) -> dict[int, int]:
    """Submitted inspections led or joined by each official between ``start`` and ``end``
    (an inspection counts once per official). Organizations are counted by the inspections
    their current officials led."""
    submitted = Inspection.objects.filter(
        status=InspectionStatus.SUBMITTED, started_at__date__gte=start, started_at__date__lte=end
    )
    if subjects.kind == ObligationSubject.ORGANIZATION_KIND:
        from responsibility.models import Post

        rows = (
            Post.objects.current()
            .filter(organization_id__in=subjects.ids, official__led_inspections__in=submitted)
            .order_by()
            .values("organization_id")
            .annotate(n=Count("official__led_inspections", distinct=True))
            .values_list("organization_id", "n")
        )
        return dict(rows)
    led = (
        submitted.filter(lead_official_id__in=subjects.ids)
        .order_by()
        .values("lead_official_id")
        .annotate(n=Count("pk"))
        .values_list("lead_official_id", "n")
    )
    joined = (
        InspectionParticipant.objects.filter(official_id__in=subjects.ids, inspection__in=submitted)
        .order_by()
        .values("official_id")
        .annotate(n=Count("pk"))
        .values_list("official_id", "n")
    )
    counts: dict[int, int] = {}
    for official_id, n in led.union(joined, all=True):
        counts[official_id] = counts.get(official_id, 0) + n
    return counts
