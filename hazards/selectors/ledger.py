"""Reads of the hazard ledger: the counts shown above the list and on the home page."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.db.models import Count, F, OrderBy, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from hazards.choices import DEADLINE_STATUSES, OPEN_STATUSES, HazardLevel
from hazards.querysets import HazardQuerySet


def ledger_totals(queryset) -> dict[str, int]:
    """How many of ``queryset`` there are, are open, overdue, and major and open: one
    aggregate query, whatever the size of the ledger."""
    open_q = Q(status__in=OPEN_STATUSES)
    return queryset.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=HazardQuerySet.overdue_q(timezone.localdate())),
        major_open=Count("pk", filter=open_q & Q(level=HazardLevel.MAJOR)),
    )


def parts_totals(parts: Iterable[QuerySet]) -> dict[str, int]:
    """:func:`ledger_totals` of the union of disjoint querysets (``restrict_parts``), one
    aggregate each: a leader's scope counted from the covering index, their grants outside it
    by primary key, instead of one scan of the whole ledger for ``scope OR granted``."""
    totals: dict[str, int] = {}
    for part in parts:
        for key, value in ledger_totals(part).items():
            totals[key] = totals.get(key, 0) + value
    return totals


def to_rectify(queryset, limit: int = 10):
    """Hazards still to be rectified (accepted or being rectified), earliest deadline first:
    what an enterprise account has to do."""
    return (
        queryset.filter(status__in=DEADLINE_STATUSES)
        .select_related("enterprise")
        .order_by(F("deadline").asc(nulls_last=True), "pk")[:limit]
    )


# --- Reading pages and exports by primary key -------------------------------------------------
# A county holds tens of thousands of hazards, the province a million. Sorting them to find a
# page reads only (jurisdiction_path, found_on, id, status, level, deadline) — all in the
# ``hazard_scope_cover`` index, so PostgreSQL finds a page's ids from the index alone. The
# rows, with their joins, are then read for those ids only, never for every row sorted past.

#: Rows read per query by exports: each query builds its joins' hash tables once (the
#: jurisdictions, officials …), so bigger chunks cost less per row — 5,000 rows read a 10,000-row
#: export in 0.4 s of SQL, 2,000 in 0.8 s — while one chunk stays a few megabytes in memory.
EXPORT_CHUNK = 5000


def _ordered_like(rows: QuerySet, queryset: QuerySet) -> QuerySet:
    return rows.order_by(*(queryset.query.order_by or queryset.model._meta.ordering))


def page_of(queryset: QuerySet, ids: QuerySet, *, rows: QuerySet) -> list:
    """The rows whose ids ``ids`` (a slice of ``queryset.values_list("pk", flat=True)``)
    selects, read from ``rows`` (the joins and annotations the page shows, without the filters:
    the ids are already those of ``queryset``), in ``queryset``'s order. One query: its inner
    part sorts ids only, its outer part reads and joins only the page's rows."""
    return list(_ordered_like(rows, queryset).filter(pk__in=ids))


def sorted_in_full(queryset: QuerySet) -> QuerySet:
    """``queryset`` in the same order, written so that PostgreSQL cannot read the rows in that
    order from an index on its first key (``hazard_found``, ``hazard_deadline``, …): it then
    reads the rows that match from the scope's slice of ``hazard_scope_cover`` and sorts them.

    Why: for "the 25 newest matching hazards" the planner likes to walk ``hazard_found``
    backwards over the whole ledger, stopping at the 25th match, on the assumption that
    matches are spread evenly over time. For a county's overdue hazards they are not (they
    are old): it walked 45,000 rows, half a second, where sorting the county's slice takes a
    few milliseconds. ``COALESCE(x, x)`` is ``x``, NULLs included, but matches no index.
    """
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    if not ordering:
        return queryset
    first = ordering[0]
    if isinstance(first, str) and first != "?":
        name = first.lstrip("-")
        if name == "pk":
            name = queryset.model._meta.pk.name
        key = Coalesce(F(name), F(name))
        ordering[0] = key.desc() if first.startswith("-") else key.asc()
    elif isinstance(first, OrderBy) and isinstance(first.expression, F):
        ordering[0] = OrderBy(
            Coalesce(first.expression, first.expression),
            descending=first.descending, nulls_first=first.nulls_first, nulls_last=first.nulls_last,
        )
    return queryset.order_by(*ordering)


def read_in_chunks(
    queryset: QuerySet, *, rows: QuerySet, read: Callable[[QuerySet], Iterable], limit: int, chunk_size: int = EXPORT_CHUNK
) -> Iterator:
    """What ``read`` makes of the rows of ``queryset`` (at most ``limit``, in its order), read
    ``chunk_size`` rows at a time.

    The ids come first, in one narrow query (the covering index answers it for a scope), then
    each chunk is read from ``rows`` (the joins and annotations ``read`` needs, without the
    filters: the ids are already those of ``queryset``) by a literal list of primary keys. So no
    server-side cursor stays open while the file is written, no query sorts more than ids, every
    ordering the list offers works (nullable deadlines, mixed directions), and each chunk's plan
    is primary-key lookups whatever the joins: with the ids as a subquery instead, PostgreSQL
    joined the whole million-row ledger to its seven joined tables before applying them.
    """
    rows = _ordered_like(rows, queryset)
    ids = list(queryset.values_list("pk", flat=True)[:limit])
    for start in range(0, len(ids), chunk_size):
        yield from read(rows.filter(pk__in=ids[start : start + chunk_size]))
