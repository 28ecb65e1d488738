"""The one access rule: what a user may see is the jurisdiction subtree of their posts, plus
objects granted to them individually (django-guardian), filtered by their role's model
permissions.

``core`` knows nothing about jurisdictions: the ``responsibility`` app registers the function
that turns a user into a :class:`Scope` (a set of materialized-path prefixes). Querysets then
filter with one indexed ``path__startswith`` per prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q

SCOPE_CACHE_ATTR = "_platform_scope"


@dataclass(frozen=True)
class Scope:
    """The jurisdiction subtrees a user may act in.

    ``paths`` are materialized-path prefixes (one per subtree root, none nested in another);
    ``unrestricted`` means everything (superusers and nationwide auditors).
    """

    paths: tuple[str, ...] = ()
    unrestricted: bool = False
    root_ids: tuple[int, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.unrestricted and not self.paths

    def q(self, lookup: str) -> Q:
        """A filter keeping rows whose ``lookup`` (a path field) lies in one of the subtrees."""
        if self.unrestricted:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in self.paths))

    def contains(self, path: str | None) -> bool:
        if self.unrestricted:
            return True
        return bool(path) and any(path.startswith(p) for p in self.paths)

    @staticmethod
    def normalise(paths: list[str]) -> tuple[str, ...]:
        """Drop paths lying inside another path of the list (a city already holds its counties)."""
        kept: list[str] = []
        for p in sorted(set(paths), key=len):
            if not any(p.startswith(k) for k in kept):
                kept.append(p)
        return tuple(sorted(kept))


EMPTY_SCOPE = Scope()
UNRESTRICTED_SCOPE = Scope(unrestricted=True)

_scope_resolver: Callable[[object], Scope] | None = None


def register_scope_resolver(resolver: Callable[[object], Scope]) -> None:
    """Called once by the app that owns jurisdictions (``responsibility``)."""
    global _scope_resolver
    _scope_resolver = resolver


def get_scope(user) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    if user.is_superuser:
        return UNRESTRICTED_SCOPE
    cached = getattr(user, SCOPE_CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _scope_resolver(user) if _scope_resolver else EMPTY_SCOPE
    setattr(user, SCOPE_CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Call after changing a user's posts or scope grants within the same request."""
    if hasattr(user, SCOPE_CACHE_ATTR):
        delattr(user, SCOPE_CACHE_ATTR)
    for attr in ("_object_grant_content_types", "_direct_grant_tables"):
        if hasattr(user, attr):
            delattr(user, attr)
