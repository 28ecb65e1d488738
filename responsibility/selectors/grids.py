"""Reads on the grid: which named supervisor answers for an enterprise, which cells have one.

Other features use these (the enterprise page shows "grid cell · named supervisor" with
:func:`grid_supervisor_for`; a list of enterprises uses :func:`grid_supervisors_for` to stay
at one query whatever the number of rows)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from responsibility.models import Enterprise, Grid, GridSupervisor, Sector


def current_post_q(prefix: str = "post__", on=None) -> Q:
    """Rows whose post (reached through ``prefix``) is held on ``on`` (default today)."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


def named_supervisors(on=None) -> QuerySet[GridSupervisor]:
    """Named (primary) supervisors of active cells whose post is held today."""
    return GridSupervisor.objects.filter(current_post_q(on=on), is_primary=True, grid__is_active=True)


def has_named_supervisor(on=None) -> Exists:
    """For annotating or filtering grids: the cell has a named supervisor holding a current post."""
    return Exists(named_supervisors(on).filter(grid=OuterRef("pk")))


def _with_people(queryset: QuerySet[GridSupervisor]) -> QuerySet[GridSupervisor]:
    return queryset.select_related("grid__jurisdiction", "post__official", "post__organization")


def grid_supervisor_for(enterprise: Enterprise) -> GridSupervisor | None:
    """The named supervisor answering for ``enterprise``: the one of its grid cell, or, when
    that cell has none, of the nearest cell above it. ``None`` when the enterprise is in no
    active cell or no cell up the chain has a named supervisor holding a current post.

    The returned row's ``grid`` is the cell the supervisor belongs to, which differs from
    ``enterprise.grid`` when the answer came from a cell above."""
    if enterprise.grid_id is None:
        return None
    grid = Grid.objects.filter(pk=enterprise.grid_id, is_active=True).values("pk", "parent_id", "parent__parent_id", "parent__parent__parent_id").first()
    if grid is None:
        return None
    chain = [pk for pk in (grid["pk"], grid["parent_id"], grid["parent__parent_id"], grid["parent__parent__parent_id"]) if pk]
    found = {s.grid_id: s for s in _with_people(named_supervisors().filter(grid_id__in=chain))}
    return next((found[pk] for pk in chain if pk in found), None)


def grid_supervisors_for(enterprises: Iterable[Enterprise]) -> dict[int, GridSupervisor]:
    """``{enterprise pk: named supervisor of its own cell}`` for a page of enterprises, in one
    query. Enterprises whose cell has no named supervisor are missing from the dict."""
    by_grid: dict[int, list[int]] = {}
    for enterprise in enterprises:
        if enterprise.grid_id:
            by_grid.setdefault(enterprise.grid_id, []).append(enterprise.pk)
    if not by_grid:
        return {}
    result: dict[int, GridSupervisor] = {}
    for supervisor in _with_people(named_supervisors().filter(grid_id__in=by_grid)):
        for enterprise_pk in by_grid[supervisor.grid_id]:
            result[enterprise_pk] = supervisor
    return result


def enterprise_count() -> Coalesce:
    """Enterprises directly in a cell, as a correlated count: on a page of 25 cells it costs
    25 index lookups instead of grouping every enterprise of the scope."""
    counted = (
        Enterprise.objects.filter(grid=OuterRef("pk")).order_by().values("grid").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_list_data(queryset):
    """What a row of a cell list shows: jurisdiction, parent, sectors, named supervisor and
    the number of enterprises, in a fixed number of queries."""
    return queryset.select_related("jurisdiction", "parent__jurisdiction").annotate(enterprise_count=enterprise_count()).prefetch_related(
        # No to_attr: the API's sector field reads ``sectors.all()``.
        Prefetch("sectors", queryset=Sector.objects.order_by("sort_order", "code")),
        Prefetch("supervisors", queryset=named_supervisors().select_related("post__official", "post__organization"), to_attr="named_list"),
    )
