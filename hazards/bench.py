"""The hazard ledger's benchmark operations, load-test paths and dataset probe (see
:mod:`bench.operations`). Imported by the benchmark only, never by the platform.

Users come from ``manage.py seed_scale``: ``scale_county_office`` works in the busiest county
(the realistic worst case: the most hazards), ``scale_countysys`` is that county's system (API
token) and ``scale_leader`` its deputy head for safety, linked to some of its major hazards.

The list baselines are one hand-written query returning the page's rows and the counts shown
above the list; ``check`` makes sure they are the rows shown.
"""

from __future__ import annotations

import io
import math

from django.utils import timezone

from bench.operations import (
    BenchContext,
    LoadPath,
    Prepared,
    Unavailable,
    all_names_shown,
    register_dataset_probe,
    register_load_path,
    register_operation,
    same_ids,
)

COUNTY_OFFICE = "scale_county_office"
COUNTY_SYSTEM = "scale_countysys"
LEADER = "scale_leader"
HTML_PAGE = 25
API_PAGE = 100
API_DEPTH = 50  # pages followed before the timed "later page" (5,000 rows in)
EXPORT_ROWS = 10_000
OPEN = ("reported", "accepted", "rectifying", "submitted", "verified")
DEADLINE = ("accepted", "rectifying")


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


# --- The list page (HTML) -----------------------------------------------------------------------

LIST_SQL = f"""
SELECT h.id, h.code, h.title, h.status, h.level, h.found_on, h.deadline, e.name AS enterprise, j.name AS jurisdiction,
       s.name AS sector, t.total, t.open, t.overdue, t.major_open
FROM (
    SELECT id FROM hazards_hazard WHERE jurisdiction_path LIKE %(prefix)s {{extra}}
    ORDER BY found_on DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s
) page
JOIN hazards_hazard h ON h.id = page.id
LEFT JOIN responsibility_enterprise e ON e.id = h.enterprise_id
JOIN responsibility_jurisdiction j ON j.id = h.jurisdiction_id
JOIN responsibility_sector s ON s.id = h.sector_id
CROSS JOIN (
    SELECT count(*) AS total,
           sum(CASE WHEN status IN ({_in(OPEN)}) THEN 1 ELSE 0 END) AS open,
           sum(CASE WHEN status IN ({_in(DEADLINE)}) AND deadline < %(today)s THEN 1 ELSE 0 END) AS overdue,
           sum(CASE WHEN status IN ({_in(OPEN)}) AND level = 'major' THEN 1 ELSE 0 END) AS major_open
    FROM hazards_hazard WHERE jurisdiction_path LIKE %(prefix)s {{extra}}
) t
ORDER BY h.found_on DESC, h.id DESC
"""
OVERDUE_FILTER = f"AND status IN ({_in(DEADLINE)}) AND deadline < %(today)s"


def _county_count(ctx: BenchContext, prefix: str, extra: str = "") -> int:
    sql = f"SELECT count(*) AS n FROM hazards_hazard WHERE jurisdiction_path LIKE %(prefix)s {extra}"
    return ctx.fetch(sql, {"prefix": prefix, "today": timezone.localdate()})[0]["n"]


def _list_page(ctx: BenchContext, *, deep: bool = False, overdue: bool = False) -> Prepared:
    user = ctx.user(COUNTY_OFFICE)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.client(COUNTY_OFFICE)
    extra = OVERDUE_FILTER if overdue else ""
    page = 1
    if deep:
        total = _county_count(ctx, prefix, extra)
        if total < HTML_PAGE * 3:
            raise Unavailable("too few hazards in the county for a deep page")
        page = max(1, math.ceil(total / HTML_PAGE) // 2)
    query = "&".join(q for q in ("overdue=true" if overdue else "", f"page={page}" if page > 1 else "") if q)
    url = ctx.url("hazards:hazard_list", query=query)
    sql = LIST_SQL.replace("{extra}", extra)
    params = {"prefix": prefix, "limit": HTML_PAGE, "offset": (page - 1) * HTML_PAGE, "today": timezone.localdate()}
    return Prepared(
        run=lambda: ctx.get(client, url),
        baseline=lambda: ctx.baseline_rows(sql, params),
        check=all_names_shown("code"),
    )


@register_operation("hazards.page.county.first", order=700)
def hazard_page_first(ctx: BenchContext) -> Prepared:
    """Hazard ledger page, a county safety office, page 1 (with the counts strip)."""
    return _list_page(ctx)


@register_operation("hazards.page.county.deep", order=701)
def hazard_page_deep(ctx: BenchContext) -> Prepared:
    """Hazard ledger page, a county safety office, the middle page (deep OFFSET)."""
    return _list_page(ctx, deep=True)


@register_operation("hazards.page.county.overdue", order=702)
def hazard_page_overdue(ctx: BenchContext) -> Prepared:
    """Hazard ledger page filtered to overdue hazards, a county safety office, page 1."""
    return _list_page(ctx, overdue=True)


# --- The list API -------------------------------------------------------------------------------

API_SQL = """
SELECT h.id, h.code, h.title, h.status, h.level, h.source, h.category, h.enterprise_id AS enterprise, e.name AS enterprise_name,
       j.code AS jurisdiction, j.name AS jurisdiction_name, s.code AS sector, s.name AS sector_name, h.location, h.latitude,
       h.longitude, h.found_on, h.deadline, h.original_deadline, h.extension_count, h.supervising_department_id AS supervising_department,
       d.name AS supervising_department_name, h.responsible_organization_id AS responsible_organization,
       r.name AS responsible_organization_name, h.linked_leader_id AS linked_leader, l.name AS linked_leader_name, h.listing_level,
       h.listed_on, h.status_changed_at, h.rectified_on, h.verified_at, h.closed_at, h.source_system, h.external_id,
       h.created_at, h.updated_at
FROM hazards_hazard h
LEFT JOIN responsibility_enterprise e ON e.id = h.enterprise_id
JOIN responsibility_jurisdiction j ON j.id = h.jurisdiction_id
JOIN responsibility_sector s ON s.id = h.sector_id
LEFT JOIN responsibility_organization d ON d.id = h.supervising_department_id
LEFT JOIN responsibility_organization r ON r.id = h.responsible_organization_id
LEFT JOIN responsibility_official l ON l.id = h.linked_leader_id
WHERE h.jurisdiction_path LIKE %(prefix)s {extra}
ORDER BY h.found_on DESC, h.id DESC
LIMIT %(limit)s
"""


def _api_page(ctx: BenchContext, *, later: bool) -> Prepared:
    user = ctx.user(COUNTY_SYSTEM)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.token_client(COUNTY_SYSTEM)
    url = ctx.url("api:hazard-list")
    params = {"prefix": prefix, "limit": API_PAGE}
    extra = ""
    if later:
        # Follow the "next" links as a mirroring system would, then time the page reached.
        ctx.reset_throttles()
        last = None
        for _ in range(API_DEPTH):
            body = ctx.get(client, url).json()
            if not body.get("next"):
                raise Unavailable("too few hazards in the county for a later page")
            last = body["results"][-1]
            url = body["next"].replace("http://testserver", "")
        extra = "AND (h.found_on, h.id) < (%(found_on)s, %(id)s)"
        params.update(found_on=last["found_on"], id=last["id"])
    sql = API_SQL.replace("{extra}", extra)
    return Prepared(
        run=lambda: ctx.get(client, url),
        baseline=lambda: ctx.baseline_rows(sql, params),
        check=same_ids,
    )


@register_operation("hazards.api.county.first", order=710)
def hazard_api_first(ctx: BenchContext) -> Prepared:
    """Hazard list API, a county system's token, the first page (100 rows)."""
    return _api_page(ctx, later=False)


@register_operation("hazards.api.county.later", order=711)
def hazard_api_later(ctx: BenchContext) -> Prepared:
    """Hazard list API, a county system's token, the page after following 50 `next` cursors."""
    return _api_page(ctx, later=True)


# --- Detail, export, major hazards --------------------------------------------------------------


@register_operation("hazards.detail.county", order=720)
def hazard_detail(ctx: BenchContext) -> Prepared:
    """A closed major hazard's page (plan, leader, timeline, extensions, visits), a county safety office."""
    from hazards.models import Hazard

    user = ctx.user(COUNTY_OFFICE)
    prefix = ctx.scope_path(user)
    hazard = (
        Hazard.objects.filter(jurisdiction_path__startswith=prefix, level="major").order_by("-extension_count", "-found_on", "-pk").first()
        or Hazard.objects.filter(jurisdiction_path__startswith=prefix).order_by("-found_on", "-pk").first()
    )
    if hazard is None:
        raise Unavailable("no hazard in the county")
    client = ctx.client(COUNTY_OFFICE)
    url = ctx.url("hazards:hazard_detail", hazard.pk)
    return Prepared(run=lambda: ctx.get(client, url), note=hazard.code)


def _body(response) -> bytes:
    """The whole response, to the last byte (streamed or not)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@register_operation("hazards.export.xlsx", order=730)
def hazard_export(ctx: BenchContext) -> Prepared:
    """Ledger XLSX export of the county's 10,000 most recent hazards (found since a date), to the last byte."""
    user = ctx.user(COUNTY_OFFICE)
    prefix = ctx.scope_path(user) + "%"
    found = ctx.fetch(
        "SELECT found_on FROM hazards_hazard WHERE jurisdiction_path LIKE %s ORDER BY found_on DESC, id DESC LIMIT 1 OFFSET %s",
        [prefix, EXPORT_ROWS - 1],
    )
    if not found:
        raise Unavailable(f"fewer than {EXPORT_ROWS:,} hazards in the county")
    since = found[0]["found_on"]
    client = ctx.client(COUNTY_OFFICE)
    url = ctx.url("hazards:hazard_list", query=f"export=xlsx&found_from={since.isoformat()}")
    sql = """
SELECT h.code, h.title, h.status, h.found_on, h.deadline, e.name AS enterprise, e.credit_code, j.code AS division, j.name AS jurisdiction,
       s.name AS sector, h.description, h.location, h.plan_responsible, h.plan_measures, h.plan_funds, h.plan_contingency,
       h.rectified_on, h.verified_at, h.closed_at, l.name AS leader, h.listing_level, r.name AS responsible
FROM hazards_hazard h
LEFT JOIN responsibility_enterprise e ON e.id = h.enterprise_id
JOIN responsibility_jurisdiction j ON j.id = h.jurisdiction_id
JOIN responsibility_sector s ON s.id = h.sector_id
LEFT JOIN responsibility_official l ON l.id = h.linked_leader_id
LEFT JOIN responsibility_organization r ON r.id = h.responsible_organization_id
WHERE h.jurisdiction_path LIKE %s AND h.found_on >= %s
ORDER BY h.found_on DESC, h.id DESC
"""

    def run():
        response = ctx.get(client, url)
        return _body(response)

    def check(content: bytes, rows: list[dict]) -> str | None:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        exported = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
        return None if exported == len(rows) else f"{exported} rows exported, {len(rows)} expected"

    return Prepared(run=run, baseline=lambda: ctx.baseline_rows(sql, [prefix, since]), check=check)


@register_operation("hazards.major.board.county", order=740)
def major_board(ctx: BenchContext) -> Prepared:
    """Major hazards board (leaders, listings, progress), a county safety office."""
    client = ctx.client(COUNTY_OFFICE)
    url = ctx.url("hazards:major_board")
    return Prepared(run=lambda: ctx.get(client, url))


@register_operation("hazards.mine.leader", order=741)
def my_linked_hazards(ctx: BenchContext) -> Prepared:
    """"My linked hazards" of a county leader (object grants on top of the scope)."""
    client = ctx.client(LEADER)
    url = ctx.url("hazards:my_linked_hazards")
    return Prepared(run=lambda: ctx.get(client, url))


# --- Load test and dataset ----------------------------------------------------------------------

for _path in (
    LoadPath("hazards page", "html", "hazards:hazard_list", weight=3, username=COUNTY_OFFICE),
    LoadPath("hazards page overdue", "html", "hazards:hazard_list", query="overdue=true", username=COUNTY_OFFICE),
    LoadPath("major hazards board", "html", "hazards:major_board", username=COUNTY_OFFICE),
    LoadPath("hazards API", "api", "api:hazard-list", weight=3),
):
    register_load_path(_path)


def _dataset() -> dict:
    from hazards.models import Hazard, RiskPoint

    return {"hazards": Hazard.objects.count(), "risk points": RiskPoint.objects.count()}


register_dataset_probe(_dataset)
