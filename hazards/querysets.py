from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from core.querysets import ScopedQuerySet
from hazards.choices import DEADLINE_STATUSES, OPEN_STATUSES, HazardLevel
from responsibility.querysets import EnterpriseOwnedQuerySet


class HazardQuerySet(EnterpriseOwnedQuerySet):
    def open(self) -> HazardQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def major(self) -> HazardQuerySet:
        return self.filter(level=HazardLevel.MAJOR)

    def overdue(self, on: date | None = None) -> HazardQuerySet:
        """Still to be rectified after the deadline; derived, never stored."""
        return self.filter(self.overdue_q(on))

    @staticmethod
    def overdue_q(on: date | None = None) -> Q:
        return Q(status__in=DEADLINE_STATUSES, deadline__lt=on or timezone.localdate())


class HazardRelatedQuerySet(ScopedQuerySet):
    """Rows hanging off a hazard (photos, events, extensions, visits): visible with the hazard.

    A row is visible to whoever sees its hazard: by jurisdiction, or through a grant on the
    hazard (the linked leader), so the grant subquery is on the hazard's grant table."""

    def restrict(self, user, action: str = "view"):
        from hazards.models import Hazard

        return self.filter(hazard__in=Hazard.objects.restrict(user, "view").values("pk"))
