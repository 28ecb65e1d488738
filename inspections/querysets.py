from __future__ import annotations

from datetime import date

from django.db.models import Q

from core.access import Scope
from core.querysets import ScopedQuerySet
from inspections.choices import InspectionStatus


class ChecklistQuerySet(ScopedQuerySet):
    """The platform's seeded checklists (no jurisdiction) are everyone's; a jurisdiction's own
    checklists are seen within its subtree — and by the levels below, which use them."""

    def scope_q(self, scope: Scope) -> Q:
        above = Q()
        for path in scope.paths:
            # the jurisdictions on the way up from each scope root keep checklists used below
            prefixes = [path[:n] for n in (2, 4, 6, 9) if n < len(path)]
            if prefixes:
                above |= Q(jurisdiction__path__in=prefixes)
        return Q(jurisdiction__isnull=True) | scope.q("jurisdiction__path") | above


class ChecklistVersionQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view"):
        from inspections.models import ChecklistTemplate

        return self.filter(template__in=ChecklistTemplate.objects.restrict(user, action).values("pk"))


class InspectionQuerySet(ScopedQuerySet):
    def submitted(self) -> InspectionQuerySet:
        return self.filter(status=InspectionStatus.SUBMITTED)

    def between(self, start: date, end: date) -> InspectionQuerySet:
        return self.filter(started_at__date__gte=start, started_at__date__lte=end)


class InspectionRelatedQuerySet(ScopedQuerySet):
    """Rows of an inspection are visible with the inspection."""

    def restrict(self, user, action: str = "view"):
        from inspections.models import Inspection

        return self.filter(inspection__in=Inspection.objects.restrict(user, "view").values("pk"))
