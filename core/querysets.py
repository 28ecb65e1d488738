"""``ScopedQuerySet``: the base of every domain queryset, with ``restrict(user, action)``."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Q

from core.access import Scope, get_scope


def _object_grant_content_types(user) -> set[int]:
    """Content types for which the user holds any per-object grant; one query per request.

    Knowing this lets the common case (no grants) skip the grant subquery entirely, which keeps
    list queries a plain indexed path filter.
    """
    cached = getattr(user, "_object_grant_content_types", None)
    if cached is None:
        from guardian.models import UserObjectPermission

        cached = set(
            UserObjectPermission.objects.filter(user=user).values_list("content_type_id", flat=True).distinct()
        )
        user._object_grant_content_types = cached
    return cached


#: Up to this many rows in a direct grant table, a user's granted ids are written into the
#: query as a literal list; beyond it, a subquery on the grant table.
GRANT_LITERAL_LIMIT = 1000
#: The cached answer for a user holding more grants than GRANT_LITERAL_LIMIT in a table.
_MANY = "many"


def _direct_grants(user, grant_model) -> dict[str, list[int]] | str:
    """The user's rows in a direct-foreign-key grant table, as ``{codename: [object ids]}``
    (empty: no grants), or ``_MANY`` when there are more than ``GRANT_LITERAL_LIMIT``. One
    small query per table, cached per request (``forget_scope`` clears it).

    Why a literal list: in ``path LIKE 'x%' OR id IN (SELECT … FROM grants)`` the subquery is
    a hashed SubPlan checked row by row, which no index can serve; ``id IN (1, 2, …)`` is an
    index condition on the primary key, so the granted part is a few lookups (a BitmapOr with
    the scope's range, or on its own in ``restrict_parts``'s second part) and the query needs
    no join to the grant table. The one query reading the grants also tells whether there are
    any, so it costs no query more than the check it replaces."""
    cache = getattr(user, "_direct_grant_tables", None)
    if cache is None:
        cache = user._direct_grant_tables = {}
    label = grant_model._meta.label
    if label not in cache:
        rows = list(
            grant_model.objects.filter(user=user)
            .order_by()
            .values_list("permission__codename", "content_object_id")[: GRANT_LITERAL_LIMIT + 1]
        )
        if len(rows) > GRANT_LITERAL_LIMIT:
            cache[label] = _MANY
        else:
            grants: dict[str, list[int]] = {}
            for codename, object_id in rows:
                grants.setdefault(codename, []).append(object_id)
            cache[label] = grants
    return cache[label]


def _granted_ids(model, user, codename: str):
    """The ids of ``model`` rows granted to ``user`` for ``codename`` — a list when the user
    holds few direct grants, otherwise a subquery — or None when the user holds no such grant
    (the common case, which then costs no subquery).

    Hot models declare a django-guardian direct-foreign-key grant table (a subclass of
    ``UserObjectPermissionBase`` with ``content_object`` a real foreign key), which joins on an
    indexed integer; other models use the generic table, whose text ``object_pk`` is cast.
    """
    from guardian.models import UserObjectPermission
    from guardian.utils import get_user_obj_perms_model

    grant_model = get_user_obj_perms_model(model)
    if grant_model is not UserObjectPermission:
        grants = _direct_grants(user, grant_model)
        if grants == _MANY:
            return grant_model.objects.filter(user=user, permission__codename=codename).values("content_object_id")
        return grants.get(codename) or None
    content_type = ContentType.objects.get_for_model(model)
    if content_type.pk not in _object_grant_content_types(user):
        return None
    return (
        UserObjectPermission.objects.filter(user=user, content_type=content_type, permission__codename=codename)
        .annotate(object_id=models.functions.Cast("object_pk", models.BigIntegerField()))
        .values("object_id")
    )


class ScopedQuerySet(models.QuerySet):
    """Models using this queryset declare ``scope_path_lookup``: the path to a jurisdiction's
    materialized ``path`` (e.g. ``"jurisdiction__path"``), or override :meth:`scope_q`."""

    def scope_q(self, scope: Scope) -> Q:
        lookup = getattr(self.model, "scope_path_lookup", None)
        if lookup is None:
            raise NotImplementedError(f"{self.model.__name__} must define scope_path_lookup or override scope_q()")
        return scope.q(lookup)

    def in_scope(self, scope: Scope) -> ScopedQuerySet:
        return self if scope.unrestricted else self.filter(self.scope_q(scope))

    def _access(self, user, action: str) -> tuple[Q | None, Q | None] | None:
        """What ``restrict`` keeps, as (scope condition, grant condition), either None when it
        does not apply; None for everything (superusers, unrestricted scopes)."""
        if user.is_superuser:
            return None
        opts = self.model._meta
        codename = f"{action}_{opts.model_name}"
        scope_q = None
        if user.has_perm(f"{opts.app_label}.{codename}"):
            scope = get_scope(user)
            if scope.unrestricted:
                return None
            if not scope.is_empty:
                scope_q = self.scope_q(scope)
        granted = _granted_ids(self.model, user, codename)
        return scope_q, (Q(pk__in=granted) if granted is not None else None)

    def restrict(self, user, action: str = "view") -> ScopedQuerySet:
        """Rows ``user`` may ``action`` (view, add, change, delete or a custom codename prefix).

        A user needs the role's model permission for the action, and then sees the subtree of
        their scope; objects granted individually (django-guardian) are added regardless.
        """
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        access = self._access(user, action)
        if access is None:
            return self
        conditions = [c for c in access if c is not None]
        if not conditions:
            return self.none()
        return self.filter(reduce(or_, conditions))

    def restrict_parts(self, user, action: str = "view") -> list[ScopedQuerySet]:
        """``restrict(user, action)`` as disjoint querysets holding its rows between them: the
        user's scope, then the rows granted to them outside it. For aggregates over large
        tables: PostgreSQL reads ``path LIKE 'x%' OR id IN (…)`` by scanning a whole index (or
        a bitmap of both parts and then the table), whereas each part alone is a small index
        range (an index-only scan) or a few primary-key lookups; counts of the parts add up.

        One part, ``restrict()`` itself, when the user holds no grant, sees everything or
        nothing, or when a subclass's ``restrict`` applies rules of its own to this user
        (enterprise accounts, rows seen through their parent): the split is made only when
        ``restrict()`` is exactly scope-or-grants, so the parts never differ from it.
        """
        restricted = self.restrict(user, action)
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return [restricted]
        access = self._access(user, action)
        if access is None or None in access:
            return [restricted]
        scope_q, grant_q = access
        try:
            same = restricted.query.sql_with_params() == self.filter(scope_q | grant_q).query.sql_with_params()
        except EmptyResultSet:
            same = False
        if not same:
            return [restricted]
        return [self.filter(scope_q), self.filter(grant_q).exclude(scope_q)]
