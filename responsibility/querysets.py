from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.access import Scope
from core.querysets import ScopedQuerySet


class JurisdictionQuerySet(ScopedQuerySet):
    def subtree_of(self, jurisdiction) -> JurisdictionQuerySet:
        return self.filter(path__startswith=jurisdiction.path)

    def active(self) -> JurisdictionQuerySet:
        return self.filter(is_active=True)


class OrganizationQuerySet(ScopedQuerySet):
    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)


class PostQuerySet(ScopedQuerySet):
    def current(self, on=None) -> PostQuerySet:
        """Posts held on ``on`` (default today)."""
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on)))


class OfficialQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        # An official is visible where their record is kept and wherever they hold or held a
        # post: the record follows the person (lifelong accountability).
        from responsibility.models import Post

        held_post_here = Exists(
            Post.objects.filter(official=OuterRef("pk")).filter(scope.q("organization__jurisdiction__path"))
        )
        return scope.q("registered_in__path") | Q(held_post_here)
