"""Scoping of the assessments app's records.

An assessment round belongs to the level that runs it, but the units it assesses must see their
own results (to self-evaluate, and after publication): a round is visible in the scope of its
assessing level and in the scope of any unit it assesses; within a round, an assessed unit sees
only its own row. Schemes are rules: they are readable by the level that keeps them, the levels
below it (who are assessed by them) and, for the platform's defaults, by everyone.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from core.access import Scope
from core.querysets import ScopedQuerySet


def _ancestor_paths(scope: Scope) -> list[str]:
    return sorted({p[:n] for p in scope.paths for n in (2, 4, 6, 9) if n < len(p)})


class AccidentQuerySet(ScopedQuerySet):
    def fatal(self) -> AccidentQuerySet:
        return self.filter(deaths__gt=0)


class SchemeQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        if scope.unrestricted:
            return Q()
        q = Q(jurisdiction__isnull=True)
        if scope.paths:
            q |= scope.q("jurisdiction__path") | Q(jurisdiction__path__in=_ancestor_paths(scope))
        return q


class RoundQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        if scope.unrestricted:
            return Q()
        if not scope.paths:
            return Q(pk__in=[])
        from assessments.models import RoundTarget

        assessed = RoundTarget.objects.filter(scope.q("jurisdiction_path")).values("round_id")
        return scope.q("jurisdiction__path") | Q(pk__in=assessed)


class TargetQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        if scope.unrestricted:
            return Q()
        if not scope.paths:
            return Q(pk__in=[])
        return scope.q("round__jurisdiction__path") | scope.q("jurisdiction_path")


class RoundRelatedQuerySet(ScopedQuerySet):
    """Scores hang off a target: visible with it."""

    def restrict(self, user, action: str = "view"):
        from assessments.models import RoundTarget

        return self.filter(target__in=RoundTarget.objects.restrict(user, "view").values("pk"))


class AccountabilityQuerySet(ScopedQuerySet):
    pass


class DossierQuerySet(ScopedQuerySet):
    pass


def any_path_q(lookup: str, paths: list[str]) -> Q:
    """``lookup`` starts with one of ``paths`` (empty list: nothing)."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))
