"""How a user becomes a :class:`core.access.Scope`: the jurisdictions of the posts their
official holds today, plus explicit scope assignments (county systems, auditors, …)."""

from __future__ import annotations

from core.access import Scope


def resolve_scope(user) -> Scope:
    from responsibility.models import Post, ScopeAssignment

    # One query for both sources.
    # order_by(): Post's default ordering is not allowed inside a UNION on SQLite.
    post_roots = Post.objects.current().filter(official__user=user).order_by().values_list(
        "organization__jurisdiction__path", "organization__jurisdiction_id"
    )
    assigned_roots = ScopeAssignment.objects.filter(user=user, jurisdiction__is_active=True).order_by().values_list(
        "jurisdiction__path", "jurisdiction_id"
    )
    rows = list(post_roots.union(assigned_roots))
    paths = Scope.normalise([path for path, _ in rows])
    root_ids = tuple(sorted({pk for path, pk in rows if path in paths}))
    return Scope(paths=paths, root_ids=root_ids)


def single_scope_root(user):
    """The user's only scope root when there is exactly one (most people), else None; forms use
    it as the default jurisdiction."""
    from core.access import get_scope
    from responsibility.models import Jurisdiction

    scope = get_scope(user)
    if scope.unrestricted or len(scope.root_ids) != 1:
        return None
    return Jurisdiction.objects.filter(pk=scope.root_ids[0]).first()
