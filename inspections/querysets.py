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


class CampaignQuerySet(ScopedQuerySet):
    """A campaign runs in its jurisdiction's subtree: the levels below see it too (they inspect
    for it and follow their own coverage), but only its own level changes it."""

    def restrict(self, user, action: str = "view"):
        restricted = super().restrict(user, action)
        if action != "view":
            return restricted
        from core.access import get_scope

        scope = get_scope(user)
        if scope.unrestricted or scope.is_empty or not user.has_perm("inspections.view_campaign"):
            return restricted
        above = [path[:n] for path in scope.paths for n in (2, 4, 6, 9) if n < len(path)]
        return self.filter(scope.q("jurisdiction__path") | Q(jurisdiction__path__in=above))


class SupervisionRoundQuerySet(ScopedQuerySet):
    """A quarterly round is seen by the office running it and by the jurisdictions it
    supervises (they answer its problems); only the running level changes it."""

    def restrict(self, user, action: str = "view"):
        restricted = super().restrict(user, action)
        if action != "view":
            return restricted
        from django.db.models import Exists, OuterRef

        from core.access import get_scope

        scope = get_scope(user)
        if scope.unrestricted or scope.is_empty or not user.has_perm("inspections.view_supervisionround"):
            return restricted
        through = self.model.targets.through
        targeted = Exists(through.objects.filter(supervisionround_id=OuterRef("pk")).filter(scope.q("jurisdiction__path")))
        return self.filter(scope.q("jurisdiction__path") | Q(targeted))
