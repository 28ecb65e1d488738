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


class EnterpriseOwnedQuerySet(ScopedQuerySet):
    """Records kept about an enterprise (hazards, self-reports, risk points, inspections).

    People see them by jurisdiction like everything else. An enterprise account sees only the
    records of the enterprises granted to it (``enterprise_grant_account``), whatever scope
    assignment it may also hold: its scope is its enterprises, not a territory.
    """

    #: the lookup from the model to its enterprise
    enterprise_lookup = "enterprise"

    def restrict(self, user, action: str = "view"):
        from core.choices import AccountType

        if (
            getattr(user, "account_type", None) == AccountType.ENTERPRISE
            and getattr(user, "is_authenticated", False)
            and user.is_active
            and not user.is_superuser
        ):
            opts = self.model._meta
            if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
                return self.none()
            from responsibility.models import Enterprise

            own = Enterprise.objects.restrict(user, "view").values("pk")
            return self.filter(**{f"{self.enterprise_lookup}__in": own})
        return super().restrict(user, action)
