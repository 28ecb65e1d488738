"""The responsibility system's benchmark operations, load-test paths and dataset probe
(see :mod:`bench.operations`). Imported by the benchmark only, never by the platform.

Users come from ``manage.py seed_scale``: ``scale_county_office`` and ``scale_leader`` work in
the busiest county, ``scale_countysys`` is that county's system (API token), ``scale_office``
and ``scale_auditor`` see the whole top jurisdiction (the province, or the city profile's city).

Each baseline is one hand-written SQL query returning the rows (or numbers) the page or
endpoint shows, encoded with ``json.dumps``; ``check`` makes sure they are the same rows.
"""

from __future__ import annotations

import math

from django.db import connection
from django.utils import timezone

from bench.operations import (
    BenchContext,
    LoadPath,
    Prepared,
    all_names_shown,
    register_dataset_probe,
    register_load_path,
    register_operation,
    same_ids,
)

COUNTY_OFFICE = "scale_county_office"
COUNTY_SYSTEM = "scale_countysys"
TOP_OFFICE = "scale_office"
AUDITOR = "scale_auditor"
LEADER = "scale_leader"
API_PAGE = 50
HTML_PAGE = 25


def _names_agg(expression: str, separator: str = "、") -> str:
    """String aggregation in the database's dialect."""
    if connection.vendor == "postgresql":
        return f"string_agg({expression}, '{separator}')"
    return f"group_concat({expression}, '{separator}')"


def _count(ctx: BenchContext, sql: str, params) -> int:
    return ctx.fetch(sql, params)[0]["n"]


# --- Jurisdictions and organizations (API) ------------------------------------------------------

JURISDICTION_SQL = """
SELECT j.id, j.code, j.name, j.level, j.parent_id AS parent, p.code AS parent_code, j.path, j.is_active,
       j.updated_at, (SELECT count(*) FROM responsibility_jurisdiction c WHERE c.path LIKE %s) AS total
FROM responsibility_jurisdiction j LEFT JOIN responsibility_jurisdiction p ON p.id = j.parent_id
WHERE j.path LIKE %s
ORDER BY j.path
LIMIT %s OFFSET %s
"""


def _jurisdiction_page(ctx: BenchContext, username: str, *, last: bool, token: bool) -> Prepared:
    from responsibility.choices import JurisdictionLevel

    user = ctx.user(username)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.token_client(username) if token else ctx.client(username)
    total = _count(ctx, "SELECT count(*) AS n FROM responsibility_jurisdiction WHERE path LIKE %s", [prefix])
    page = max(1, math.ceil(total / API_PAGE)) if last else 1
    url = ctx.url("api:jurisdiction-list", query=f"page={page}" if page > 1 else "")
    labels = dict(JurisdictionLevel.choices)

    def transform(row: dict) -> dict:
        row["level_display"] = str(labels.get(row["level"], row["level"]))
        return row

    return Prepared(
        run=lambda: ctx.get(client, url),
        baseline=lambda: ctx.baseline_rows(JURISDICTION_SQL, [prefix, prefix, API_PAGE, (page - 1) * API_PAGE], transform=transform),
        check=same_ids,
    )


@register_operation("jurisdictions.api.county.first", order=100)
def jurisdictions_county_first(ctx: BenchContext) -> Prepared:
    """Jurisdiction list API, a county system's token, page 1."""
    return _jurisdiction_page(ctx, COUNTY_SYSTEM, last=False, token=True)


@register_operation("jurisdictions.api.county.last", order=101)
def jurisdictions_county_last(ctx: BenchContext) -> Prepared:
    """Jurisdiction list API, a county system's token, the last page."""
    return _jurisdiction_page(ctx, COUNTY_SYSTEM, last=True, token=True)


@register_operation("jurisdictions.api.top.last", order=102)
def jurisdictions_top_last(ctx: BenchContext) -> Prepared:
    """Jurisdiction list API, the whole province (auditor session), the last page (deep OFFSET)."""
    return _jurisdiction_page(ctx, AUDITOR, last=True, token=False)


ORGANIZATION_SQL = """
SELECT o.id, j.code AS jurisdiction, j.name AS jurisdiction_name, o.name, o.short_name, o.kind, o.function,
       o.parent_id AS parent, o.lead_department_id AS lead_department, o.sort_order, o.is_active, o.updated_at,
       (SELECT count(*) FROM responsibility_organization co JOIN responsibility_jurisdiction cj ON cj.id = co.jurisdiction_id
        WHERE cj.path LIKE %s) AS total
FROM responsibility_organization o JOIN responsibility_jurisdiction j ON j.id = o.jurisdiction_id
WHERE j.path LIKE %s
ORDER BY j.path, o.sort_order, o.name
LIMIT %s
"""


@register_operation("organizations.api.county.first", order=110)
def organizations_county_first(ctx: BenchContext) -> Prepared:
    """Organization list API, a county system's token, page 1."""
    user = ctx.user(COUNTY_SYSTEM)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.token_client(COUNTY_SYSTEM)
    url = ctx.url("api:organization-list")
    return Prepared(
        run=lambda: ctx.get(client, url),
        baseline=lambda: ctx.baseline_rows(ORGANIZATION_SQL, [prefix, prefix, API_PAGE]),
        check=same_ids,
    )


# --- Officials (HTML) ---------------------------------------------------------------------------

OFFICIAL_SQL = """
WITH visible AS (
    SELECT o.id FROM responsibility_official o JOIN responsibility_jurisdiction r ON r.id = o.registered_in_id
    WHERE r.path LIKE %s
    UNION
    SELECT p.official_id FROM responsibility_post p
    JOIN responsibility_organization g ON g.id = p.organization_id
    JOIN responsibility_jurisdiction pj ON pj.id = g.jurisdiction_id
    WHERE pj.path LIKE %s
)
SELECT o.id, o.name, r.name AS registered_in, (SELECT count(*) FROM visible) AS total
FROM visible v JOIN responsibility_official o ON o.id = v.id JOIN responsibility_jurisdiction r ON r.id = o.registered_in_id
ORDER BY o.name, o.id
LIMIT %s
"""


@register_operation("officials.page.county", order=120)
def officials_page_county(ctx: BenchContext) -> Prepared:
    """Official list page, a county safety office, page 1."""
    user = ctx.user(COUNTY_OFFICE)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.client(COUNTY_OFFICE)
    url = ctx.url("responsibility:official_list")
    return Prepared(
        run=lambda: ctx.get(client, url),
        baseline=lambda: ctx.baseline_rows(OFFICIAL_SQL, [prefix, prefix, HTML_PAGE]),
        check=all_names_shown(),
    )


# --- Enterprises (HTML and API) -----------------------------------------------------------------


def _enterprise_sql() -> str:
    """The page's ids first (an index walk in name order), then columns and departments for
    those rows only: with a deep OFFSET the skipped rows must not pay for the departments."""
    departments = _names_agg("g.name")
    return f"""
SELECT e.id, e.credit_code, e.name, e.address, j.code AS jurisdiction, j.name AS jurisdiction_name,
       s.code AS sector, s.name AS sector_name, e.scale, e.risk_class, e.status, e.employees, e.grid_id AS grid,
       e.accident_count, e.is_weak, e.latitude, e.longitude, e.source_system, e.external_id, e.updated_at,
       (SELECT {departments} FROM responsibility_enterprisesupervision es
        JOIN responsibility_organization g ON g.id = es.organization_id WHERE es.enterprise_id = e.id) AS departments,
       (SELECT count(*) FROM responsibility_enterprise ce JOIN responsibility_jurisdiction cj ON cj.id = ce.jurisdiction_id
        WHERE cj.path LIKE %s) AS total
FROM (
    SELECT pe.id FROM responsibility_enterprise pe JOIN responsibility_jurisdiction pj ON pj.id = pe.jurisdiction_id
    WHERE pj.path LIKE %s ORDER BY pe.name, pe.id LIMIT %s OFFSET %s
) page
JOIN responsibility_enterprise e ON e.id = page.id
JOIN responsibility_jurisdiction j ON j.id = e.jurisdiction_id
JOIN responsibility_sector s ON s.id = e.sector_id
ORDER BY e.name, e.id
"""


def _enterprise_page(ctx: BenchContext, username: str, *, html: bool, middle: bool, token: bool) -> Prepared:
    user = ctx.user(username)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.token_client(username) if token else ctx.client(username)
    size = HTML_PAGE if html else API_PAGE
    page = 1
    if middle:
        total = _count(
            ctx,
            "SELECT count(*) AS n FROM responsibility_enterprise e JOIN responsibility_jurisdiction j ON j.id = e.jurisdiction_id "
            "WHERE j.path LIKE %s",
            [prefix],
        )
        page = max(1, math.ceil(total / size) // 2)
    query = f"page={page}" if page > 1 else ""
    url = ctx.url("responsibility:enterprise_list" if html else "api:enterprise-list", query=query)
    sql = _enterprise_sql()
    return Prepared(
        run=lambda: ctx.get(client, url),
        baseline=lambda: ctx.baseline_rows(sql, [prefix, prefix, size, (page - 1) * size]),
        check=all_names_shown() if html else same_ids,
    )


@register_operation("enterprises.page.county", order=200)
def enterprises_page_county(ctx: BenchContext) -> Prepared:
    """Enterprise list page, a county safety office, page 1."""
    return _enterprise_page(ctx, COUNTY_OFFICE, html=True, middle=False, token=False)


@register_operation("enterprises.page.top", order=201)
def enterprises_page_top(ctx: BenchContext) -> Prepared:
    """Enterprise list page, the province's safety office, page 1 (count over every enterprise)."""
    return _enterprise_page(ctx, TOP_OFFICE, html=True, middle=False, token=False)


@register_operation("enterprises.api.county.first", order=210)
def enterprises_api_county_first(ctx: BenchContext) -> Prepared:
    """Enterprise list API, a county system's token, page 1."""
    return _enterprise_page(ctx, COUNTY_SYSTEM, html=False, middle=False, token=True)


@register_operation("enterprises.api.top.deep", order=211)
def enterprises_api_top_deep(ctx: BenchContext) -> Prepared:
    """Enterprise list API, the whole province (auditor session), a page in the middle (deep OFFSET)."""
    return _enterprise_page(ctx, AUDITOR, html=False, middle=True, token=False)


# --- Coverage (HTML) ----------------------------------------------------------------------------


def _coverage_sql() -> str:
    """The numbers of the coverage page, per county, in one query: (gap, county path, count)."""
    return """
WITH departments AS (
    SELECT enterprise_id, count(*) AS n FROM responsibility_enterprisesupervision GROUP BY enterprise_id
), e AS (
    SELECT substr(j.path, 1, 6) AS county, e.sector_id,
           CASE WHEN e.grid_id IS NULL OR g.is_active = %(false)s THEN 1 ELSE 0 END AS ungridded,
           coalesce(d.n, 0) AS departments
    FROM responsibility_enterprise e
    JOIN responsibility_jurisdiction j ON j.id = e.jurisdiction_id
    LEFT JOIN responsibility_grid g ON g.id = e.grid_id
    LEFT JOIN departments d ON d.enterprise_id = e.id
    WHERE j.path LIKE %(prefix)s AND e.status <> 'closed'
), mapped AS (
    SELECT DISTINCT sj.path, sr.sector_id FROM responsibility_sectorresponsibility sr
    JOIN responsibility_jurisdiction sj ON sj.id = sr.jurisdiction_id
    JOIN responsibility_organization so ON so.id = sr.organization_id
    WHERE so.is_active = %(true)s
), named AS (
    SELECT DISTINCT g.jurisdiction_id FROM responsibility_gridsupervisor gs
    JOIN responsibility_grid g ON g.id = gs.grid_id
    JOIN responsibility_post p ON p.id = gs.post_id
    WHERE g.is_active = %(true)s AND gs.is_primary = %(true)s
      AND p.start_date <= %(today)s AND (p.end_date IS NULL OR p.end_date >= %(today)s)
), published AS (
    SELECT DISTINCT organization_id FROM responsibility_powerlistversion WHERE status = 'published'
)
SELECT 'enterprises' AS gap, county, count(*) AS n FROM e GROUP BY county
UNION ALL SELECT 'unsupervised', county, count(*) FROM e WHERE departments = 0 GROUP BY county
UNION ALL SELECT 'ungridded', county, count(*) FROM e WHERE ungridded = 1 GROUP BY county
UNION ALL SELECT 'supervision_overlaps', county, count(*) FROM e WHERE departments > 1 GROUP BY county
UNION ALL SELECT 'unpublished_lists', substr(j.path, 1, 6), count(*)
    FROM responsibility_organization o JOIN responsibility_jurisdiction j ON j.id = o.jurisdiction_id
    LEFT JOIN published p ON p.organization_id = o.id
    WHERE j.path LIKE %(prefix)s AND o.is_active = %(true)s AND p.organization_id IS NULL
      AND o.kind IN ('party_committee', 'government', 'party_department', 'supervisory_department', 'other_department')
    GROUP BY substr(j.path, 1, 6)
UNION ALL SELECT 'no_grid_supervisor', substr(j.path, 1, 6), count(*)
    FROM responsibility_jurisdiction j LEFT JOIN named n ON n.jurisdiction_id = j.id
    WHERE j.path LIKE %(prefix)s AND j.is_active = %(true)s AND j.level IN ('township', 'village') AND n.jurisdiction_id IS NULL
    GROUP BY substr(j.path, 1, 6)
UNION ALL SELECT 'unmapped_sectors', county, count(*) FROM (SELECT DISTINCT county, sector_id FROM e) pairs
    WHERE NOT EXISTS (
        SELECT 1 FROM mapped m WHERE m.sector_id = pairs.sector_id
          AND m.path IN (pairs.county, substr(pairs.county, 1, 4), substr(pairs.county, 1, 2)))
    GROUP BY county
UNION ALL SELECT 'sector_overlaps', substr(path, 1, 6), count(*) FROM (
    SELECT j.path, sr.sector_id FROM responsibility_sectorresponsibility sr
    JOIN responsibility_jurisdiction j ON j.id = sr.jurisdiction_id
    JOIN responsibility_organization so ON so.id = sr.organization_id
    WHERE j.path LIKE %(prefix)s AND so.is_active = %(true)s
    GROUP BY j.path, sr.sector_id HAVING count(DISTINCT sr.organization_id) > 1
) overlapping GROUP BY substr(path, 1, 6)
"""


def _coverage(ctx: BenchContext, username: str) -> Prepared:
    user = ctx.user(username)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.client(username)
    url = ctx.url("responsibility:coverage")
    sql = _coverage_sql()
    params = {"prefix": prefix, "true": True, "false": False, "today": timezone.localdate()}

    def baseline() -> dict:
        numbers: dict[str, dict[str, int]] = {}
        for row in ctx.fetch(sql, params):
            numbers.setdefault(row["gap"], {})[row["county"]] = row["n"]
        ctx.dumps(numbers)
        return numbers

    def check(response, numbers: dict) -> str | None:
        # The page's numbers come from the coverage selector; compare the baseline with it.
        from core.access import forget_scope
        from responsibility.selectors.coverage import coverage_report

        forget_scope(user)
        report = coverage_report(user, limit=0).as_dict()
        wanted = {"enterprises": report["enterprises"], **report["gaps"]}
        got = {key: sum(numbers.get(key, {}).values()) for key in wanted}
        differing = {k: (got[k], wanted[k]) for k in wanted if got[k] != wanted[k]}
        if differing:
            return "totals differ (SQL, page): " + ", ".join(f"{k} {a} vs {b}" for k, (a, b) in differing.items())
        return None

    return Prepared(run=lambda: ctx.get(client, url), baseline=baseline, check=check)


@register_operation("coverage.page.county", order=300)
def coverage_county(ctx: BenchContext) -> Prepared:
    """Coverage page (gaps and overlaps), a county safety office."""
    return _coverage(ctx, COUNTY_OFFICE)


@register_operation("coverage.page.top", order=301)
def coverage_top(ctx: BenchContext) -> Prepared:
    """Coverage page (gaps and overlaps), the province's safety office."""
    return _coverage(ctx, TOP_OFFICE)


# --- Power-and-responsibility lists, compliance, home (HTML) ------------------------------------

_LIST_KEEPERS = """j.path LIKE %s AND o.is_active = %s
  AND o.kind IN ('party_committee', 'government', 'party_department', 'supervisory_department', 'other_department')"""
POWER_LIST_SQL = f"""
SELECT o.id, o.name, j.name AS jurisdiction,
       (SELECT v.number FROM responsibility_powerlistversion v WHERE v.organization_id = o.id ORDER BY v.number DESC LIMIT 1) AS latest_number,
       (SELECT v.status FROM responsibility_powerlistversion v WHERE v.organization_id = o.id ORDER BY v.number DESC LIMIT 1) AS latest_status,
       (SELECT v.published_at FROM responsibility_powerlistversion v WHERE v.organization_id = o.id AND v.status = 'published') AS published_at,
       (SELECT count(*) FROM responsibility_organization o JOIN responsibility_jurisdiction j ON j.id = o.jurisdiction_id
        WHERE {_LIST_KEEPERS}) AS total
FROM responsibility_organization o JOIN responsibility_jurisdiction j ON j.id = o.jurisdiction_id
WHERE {_LIST_KEEPERS}
ORDER BY j.path, o.sort_order, o.name
LIMIT %s
"""


@register_operation("power_lists.overview.top", order=400)
def power_list_overview_top(ctx: BenchContext) -> Prepared:
    """Power-and-responsibility list overview, the province's safety office, page 1."""
    user = ctx.user(TOP_OFFICE)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.client(TOP_OFFICE)
    url = ctx.url("responsibility:power_list_overview")
    return Prepared(
        run=lambda: ctx.get(client, url),
        baseline=lambda: ctx.baseline_rows(POWER_LIST_SQL, [prefix, True, prefix, True, 50]),
        check=all_names_shown(),
    )


@register_operation("compliance.page.county", order=500)
def compliance_county(ctx: BenchContext) -> Prepared:
    """Obligation compliance page (meetings against minimums), a county safety office, this year."""
    client = ctx.client(COUNTY_OFFICE)
    url = ctx.url("responsibility:compliance")
    return Prepared(run=lambda: ctx.get(client, url))


@register_operation("compliance.page.top", order=501)
def compliance_top(ctx: BenchContext) -> Prepared:
    """Obligation compliance page, the province's safety office, this year."""
    client = ctx.client(TOP_OFFICE)
    url = ctx.url("responsibility:compliance")
    return Prepared(run=lambda: ctx.get(client, url))


@register_operation("home.leader", order=600)
def home_leader(ctx: BenchContext) -> Prepared:
    """Home page of a county's leader in charge of work safety (every feature's panels)."""
    client = ctx.client(LEADER)
    url = ctx.url("home")
    return Prepared(run=lambda: ctx.get(client, url))


# --- Load test and dataset ----------------------------------------------------------------------

for _path in (
    LoadPath("home", "html", "home", weight=2),
    LoadPath("officials page", "html", "responsibility:official_list", weight=2),
    LoadPath("organizations page", "html", "responsibility:organization_list"),
    LoadPath("jurisdictions page", "html", "responsibility:jurisdiction_list"),
    LoadPath("enterprises page", "html", "responsibility:enterprise_list", weight=3),
    LoadPath("enterprises page 5", "html", "responsibility:enterprise_list", query="page=5"),
    LoadPath("coverage page", "html", "responsibility:coverage"),
    LoadPath("compliance page", "html", "responsibility:compliance"),
    LoadPath("power lists (province)", "html", "responsibility:power_list_overview", username=TOP_OFFICE),
    LoadPath("jurisdictions API", "api", "api:jurisdiction-list", weight=2),
    LoadPath("jurisdictions API villages", "api", "api:jurisdiction-list", query="level=village&page=2"),
    LoadPath("organizations API", "api", "api:organization-list"),
    LoadPath("officials API", "api", "api:official-list"),
    LoadPath("enterprises API", "api", "api:enterprise-list", weight=3),
    LoadPath("enterprises API page 10", "api", "api:enterprise-list", query="page=10"),
):
    register_load_path(_path)


def _dataset() -> dict:
    from responsibility.models import Enterprise, Jurisdiction, Official
    from responsibility.scale import SHAPES

    counts = {
        "cities": Jurisdiction.objects.filter(level="city").count(),
        "townships": Jurisdiction.objects.filter(level="township").count(),
        "villages": Jurisdiction.objects.filter(level="village").count(),
        "officials": Official.objects.count(),
        "enterprises": Enterprise.objects.count(),
    }
    profile = next(
        (
            name
            for name, shape in SHAPES.items()
            if (shape.cities, shape.townships, shape.villages, shape.enterprises)
            == (counts["cities"], counts["townships"], counts["villages"], counts["enterprises"])
        ),
        "custom",
    )
    return {"profile": profile, **counts}


register_dataset_probe(_dataset)
