"""Benchmark operations of the patrols app (see :mod:`bench.operations`): the coverage view of a
term (issue #8 asks for a term with 1,500 targets and 5,000 patrols, a constant query count,
under 200 ms), and the patrol list. Imported by the benchmark only, never by the platform.

The data comes from ``manage.py seed_scale`` (:mod:`patrols.scale`: the province profile gives
the top jurisdiction a term of 1,500 targets and 5,000 patrols); ``scale_office`` is the top
jurisdiction's safety office, i.e. its patrol office. The baseline is one hand-written query
giving the coverage numbers by kind of target; ``check`` compares them with the page's.
"""

from __future__ import annotations

from bench.operations import (
    BenchContext,
    LoadPath,
    Prepared,
    Unavailable,
    all_names_shown,
    register_load_path,
    register_operation,
)

TOP_OFFICE = "scale_office"

COVERAGE_SQL = """
WITH per_target AS (
    SELECT t.id, t.kind,
           EXISTS (SELECT 1 FROM patrols_patrol p WHERE p.target_id = t.id) AS planned,
           EXISTS (SELECT 1 FROM patrols_patrol p WHERE p.target_id = t.id AND p.status <> 'preparation') AS patrolled
    FROM patrols_patroltarget t WHERE t.term_id = %(term)s
)
SELECT kind, count(*) AS total,
       sum(CASE WHEN planned THEN 1 ELSE 0 END) AS planned,
       sum(CASE WHEN patrolled THEN 1 ELSE 0 END) AS patrolled
FROM per_target GROUP BY kind ORDER BY kind
"""

PAGE_SQL = """
SELECT t.id, t.name,
       CASE WHEN count(p.id) FILTER (WHERE p.status <> 'preparation') > 0 THEN 2 WHEN count(p.id) > 0 THEN 1 ELSE 0 END AS state
FROM patrols_patroltarget t LEFT JOIN patrols_patrol p ON p.target_id = t.id
WHERE t.term_id = %(term)s
GROUP BY t.id, t.name, t.sort_order
ORDER BY state, t.sort_order, t.name, t.id
LIMIT 100
"""


def _largest_term(ctx: BenchContext, username: str):
    from django.db.models import Count

    from patrols.models import PatrolTerm

    user = ctx.user(username)
    term = PatrolTerm.objects.restrict(user, "view").annotate(n=Count("targets")).order_by("-n", "-pk").first()
    if term is None:
        raise Unavailable(f"no patrol term visible to {username} (seed_scale with the patrols part first)")
    return term


@register_operation("patrols.coverage.page.top", order=800)
def coverage_page_top(ctx: BenchContext) -> Prepared:
    """Coverage view of the top jurisdiction's term (1,500 targets and 5,000 patrols in the province profile), its patrol office."""
    from django.db import connection

    term = _largest_term(ctx, TOP_OFFICE)
    client = ctx.client(TOP_OFFICE)
    url = ctx.url("patrols:coverage", term.pk)
    params = {"term": term.pk}

    def baseline():
        numbers = {row["kind"]: (row["total"], row["planned"], row["patrolled"]) for row in ctx.fetch(COVERAGE_SQL, params)}
        rows = ctx.fetch(PAGE_SQL, params) if connection.vendor == "postgresql" else []
        ctx.dumps({"numbers": numbers, "rows": rows})
        return numbers, rows

    def check(response, result) -> str | None:
        from patrols.selectors.coverage import coverage_summary

        numbers, rows = result
        # The page's numbers come from the coverage selector; compare the baseline with it.
        summary = coverage_summary(term)
        got = {k.kind: (k.total, k.planned, k.patrolled) for k in summary.kinds}
        if got != {kind: tuple(int(v) for v in values) for kind, values in numbers.items()}:
            return f"coverage differs: page {got}, SQL {numbers}"
        return all_names_shown()(response, rows) if rows else None

    return Prepared(run=lambda: ctx.get(client, url), baseline=baseline, check=check)


@register_operation("patrols.coverage.selector.top", order=801)
def coverage_selector_top(ctx: BenchContext) -> Prepared:
    """Coverage numbers and the first page of targets of the top jurisdiction's term, without rendering."""
    from patrols.selectors.coverage import coverage_summary, coverage_targets, decorate

    term = _largest_term(ctx, TOP_OFFICE)

    def run():
        summary = coverage_summary(term)
        rows = decorate(coverage_targets(term)[:100])
        return summary.total, len(rows)

    return Prepared(run=run)


@register_operation("patrols.list.page.top", order=802)
def patrol_list_top(ctx: BenchContext) -> Prepared:
    """Patrol list page of the top jurisdiction's patrol office, open patrols, page 1."""
    _largest_term(ctx, TOP_OFFICE)
    client = ctx.client(TOP_OFFICE)
    url = ctx.url("patrols:patrol_list", query="status=open")
    return Prepared(run=lambda: ctx.get(client, url))


@register_operation("patrols.list.overdue.top", order=803)
def patrol_list_overdue_top(ctx: BenchContext) -> Prepared:
    """Patrol list page, overdue patrols only (the next step past its due date)."""
    _largest_term(ctx, TOP_OFFICE)
    client = ctx.client(TOP_OFFICE)
    url = ctx.url("patrols:patrol_list", query="overdue=true")
    return Prepared(run=lambda: ctx.get(client, url))


register_load_path(LoadPath("patrol list", "html", "patrols:patrol_list", username=TOP_OFFICE))
