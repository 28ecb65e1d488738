"""Who sees what of the patrols.

Plans (terms, their targets and batches, the rules) follow the platform's one rule: the issuing
jurisdiction's subtree, for the roles holding the model permission.

A patrol is confidential until its feedback has been delivered (seed 004: the group reports to
the issuing Party committee and government, which approve the report before anything is said to
the patrolled unit). Until then it is visible only to

* the patrol office: users holding ``patrols.view_patrol`` (the safety office role) whose scope
  covers the issuing jurisdiction, and
* the members of its own group, through per-object grants (:class:`PatrolUserObjectPermission`,
  django-guardian's direct-foreign-key table), given and taken back with the membership.

After the feedback the patrolled unit sees it too: users holding ``patrols.receive_patrol``
whose scope covers the target's jurisdiction (a city or county, a development zone) or, for a
department, who hold a current post in the department. The unit never sees the confidential
stages' documents (the patrol report, the group's evidence): see :class:`PatrolDocumentQuerySet`.
"""

from __future__ import annotations

from django.db.models import Q

from core.access import get_scope
from core.querysets import ScopedQuerySet, _granted_ids
from patrols.choices import AFTER_FEEDBACK, CONFIDENTIAL_MILESTONES, PatrolStatus

#: Actions the patrolled unit takes on its own patrols after the feedback, and the permission
#: each needs; other actions are the patrol office's (and the group's, through grants).
UNIT_ACTIONS = {"view": "receive_patrol", "rectify": "rectify_patrol"}


def user_organization_ids(user) -> tuple[int, ...]:
    """Organizations the user holds a current post in (cached on the user for the request)."""
    cached = getattr(user, "_patrol_organization_ids", None)
    if cached is None:
        from responsibility.models import Post

        cached = tuple(
            Post.objects.current().filter(official__user=user).order_by().values_list("organization_id", flat=True).distinct()
        )
        user._patrol_organization_ids = cached
    return cached


class PatrolPlanQuerySet(ScopedQuerySet):
    """Terms, targets and batches: the issuing jurisdiction's subtree."""


class PatrolQuerySet(ScopedQuerySet):
    def after_feedback(self) -> PatrolQuerySet:
        return self.filter(status__in=AFTER_FEEDBACK)

    def open(self) -> PatrolQuerySet:
        return self.exclude(status=PatrolStatus.CLOSED)

    def overdue(self, on=None) -> PatrolQuerySet:
        from django.utils import timezone

        return self.filter(next_due_on__lt=on or timezone.localdate()).exclude(status=PatrolStatus.CLOSED)

    def _office_and_grants(self, user, action: str) -> Q | None:
        """The patrol office (permission and scope over the issuing jurisdiction) and the
        group's per-object grants; ``None`` when neither applies. ``Q()`` means everything."""
        codename = f"{action}_patrol"
        condition = None
        if user.has_perm(f"patrols.{codename}"):
            scope = get_scope(user)
            if scope.unrestricted:
                return Q()
            if not scope.is_empty:
                condition = scope.q("issuing_path")
        granted = _granted_ids(self.model, user, codename)
        if granted is not None:
            grant_q = Q(pk__in=granted)
            condition = grant_q if condition is None else (condition | grant_q)
        return condition

    def _unit(self, user, action: str) -> Q | None:
        """The patrolled unit, once the feedback has been delivered."""
        permission = UNIT_ACTIONS.get(action)
        if permission is None or not user.has_perm(f"patrols.{permission}"):
            return None
        scope = get_scope(user)
        if scope.unrestricted:
            return Q(status__in=AFTER_FEEDBACK)
        # Department targets keep an empty unit_path: a department is its own unit, not the
        # subtree of the jurisdiction it sits in (the other departments of that level).
        unit = scope.q("unit_path") if not scope.is_empty else None
        organizations = user_organization_ids(user)
        if organizations:
            from patrols.models import PatrolTarget

            targets = PatrolTarget.objects.filter(organizations__in=organizations).values("pk")
            department = Q(unit_path="", target__in=targets)
            unit = department if unit is None else (unit | department)
        if unit is None:
            return None
        return Q(status__in=AFTER_FEEDBACK) & unit

    def restrict(self, user, action: str = "view") -> PatrolQuerySet:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        inside = self._office_and_grants(user, action)
        if inside is not None and not inside:  # Q(): unrestricted
            return self
        unit = self._unit(user, action)
        conditions = [c for c in (inside, unit) if c is not None]
        if not conditions:
            return self.none()
        condition = conditions[0] if len(conditions) == 1 else (conditions[0] | conditions[1])
        return self.filter(condition)

    def insiders(self, user) -> PatrolQuerySet:
        """Patrols ``user`` sees as the patrol office or a member of the group (everything,
        the confidential stages included)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        inside = self._office_and_grants(user, "view")
        if inside is None:
            return self.none()
        return self.filter(inside) if inside else self


class PatrolRelatedQuerySet(ScopedQuerySet):
    """Rows of a patrol (stages, members, checks, findings, dispositions, events): visible
    with the patrol. ``patrol_lookup`` is the path to the patrol."""

    patrol_lookup = "patrol"

    def restrict(self, user, action: str = "view"):
        from patrols.models import Patrol

        return self.filter(**{f"{self.patrol_lookup}__in": Patrol.objects.restrict(user, "view").values("pk")})


class DispositionQuerySet(PatrolRelatedQuerySet):
    patrol_lookup = "finding__patrol"


class PatrolDocumentQuerySet(PatrolRelatedQuerySet):
    """Documents of the confidential stages (the patrol report, the group's evidence) are for
    the patrol office and the group only, even after the feedback; the feedback letter and the
    rectification documents are the patrolled unit's too."""

    def restrict(self, user, action: str = "view"):
        from patrols.models import Patrol

        visible = Patrol.objects.restrict(user, "view").values("pk")
        inside = Patrol.objects.insiders(user).values("pk")
        return self.filter(
            Q(patrol__in=inside) | (Q(patrol__in=visible) & ~Q(milestone__in=CONFIDENTIAL_MILESTONES))
        )


class EventQuerySet(PatrolRelatedQuerySet):
    """The patrol's timeline: the unit sees what happened from the feedback on."""

    def restrict(self, user, action: str = "view"):
        from patrols.models import Patrol

        visible = Patrol.objects.restrict(user, "view").values("pk")
        inside = Patrol.objects.insiders(user).values("pk")
        return self.filter(Q(patrol__in=inside) | (Q(patrol__in=visible) & Q(confidential=False)))
