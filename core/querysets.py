"""``ScopedQuerySet``: the base of every domain queryset, with ``restrict(user, action)``."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
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


def _has_direct_grants(user, grant_model) -> bool:
    """Whether the user holds any row in a direct-foreign-key grant table; cached per request."""
    cache = getattr(user, "_direct_grant_tables", None)
    if cache is None:
        cache = user._direct_grant_tables = {}
    label = grant_model._meta.label
    if label not in cache:
        cache[label] = grant_model.objects.filter(user=user).exists()
    return cache[label]


def _granted_ids(model, user, codename: str):
    """A subquery of the ids of ``model`` rows granted to ``user`` for ``codename``, or None when
    the user holds no grants of that kind (the common case, which then costs no subquery).

    Hot models declare a django-guardian direct-foreign-key grant table (a subclass of
    ``UserObjectPermissionBase`` with ``content_object`` a real foreign key), which joins on an
    indexed integer; other models use the generic table, whose text ``object_pk`` is cast.
    """
    from guardian.models import UserObjectPermission
    from guardian.utils import get_user_obj_perms_model

    grant_model = get_user_obj_perms_model(model)
    if grant_model is not UserObjectPermission:
        if not _has_direct_grants(user, grant_model):
            return None
        return grant_model.objects.filter(user=user, permission__codename=codename).values("content_object_id")
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

    def restrict(self, user, action: str = "view") -> ScopedQuerySet:
        """Rows ``user`` may ``action`` (view, add, change, delete or a custom codename prefix).

        A user needs the role's model permission for the action, and then sees the subtree of
        their scope; objects granted individually (django-guardian) are added regardless.
        """
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        opts = self.model._meta
        codename = f"{action}_{opts.model_name}"
        condition = None
        if user.has_perm(f"{opts.app_label}.{codename}"):
            scope = get_scope(user)
            if scope.unrestricted:
                return self
            if not scope.is_empty:
                condition = self.scope_q(scope)
        granted = _granted_ids(self.model, user, codename)
        if granted is not None:
            grant_q = Q(pk__in=granted)
            condition = grant_q if condition is None else (condition | grant_q)
        if condition is None:
            return self.none()
        return self.filter(condition)
