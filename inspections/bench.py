"""Benchmark operations of inspections (see :mod:`bench.operations`): the inspection-quota
evaluation of the safety office (DOMAIN.md §5; issue #6 asks for every official of a province,
30,000 officials and 500,000 inspections, in under 10 s by database aggregation), its page,
and the formalism-flag pages. Imported by the benchmark only, never by the platform.

Users come from ``manage.py seed_scale`` (see :mod:`responsibility.bench`): ``scale_office``
sees the whole top jurisdiction, ``scale_county_office`` the busiest county. The operations run
on any database holding officials with posts and submitted inspections; without them they say
so instead of timing an empty page.

The evaluation's query count does not depend on the number of officials or inspections: per
inspection rule, one query for the officials holding a matching post and one grouped count per
window (a monthly rule over a year: twelve); the suite's query column shows it.
"""

from __future__ import annotations

import math

from django.db import connection

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
TOP_OFFICE = "scale_office"


def _require_inspections(ctx: BenchContext, username: str) -> None:
    from inspections.choices import InspectionStatus
    from inspections.models import Inspection

    user = ctx.user(username)
    prefix = ctx.scope_path(user)
    if not Inspection.objects.filter(status=InspectionStatus.SUBMITTED, jurisdiction_path__startswith=prefix).exists():
        raise Unavailable(f"no submitted inspections in the scope of {username} (seed inspections at scale first)")


def _this_year():
    from django.utils import timezone

    from responsibility.choices import Period
    from responsibility.selectors.compliance import PeriodRange

    return PeriodRange(Period.YEAR, timezone.localdate().year)


def quota_evaluation(ctx: BenchContext, username: str) -> Prepared:
    """Every official of ``username``'s scope against the inspection obligations, this year:
    the selector behind the quota page, without rendering."""
    from core.access import forget_scope
    from inspections.selectors.shortfalls import shortfall_report

    _require_inspections(ctx, username)
    user = ctx.user(username)
    period = _this_year()

    def run():
        forget_scope(user)
        report = shortfall_report(user=user, period=period)
        return report.officials.total

    return Prepared(run=run, note="officials evaluated: see the run's result")


def quota_page(ctx: BenchContext, username: str) -> Prepared:
    _require_inspections(ctx, username)
    client = ctx.client(username)
    url = ctx.url("inspections:quota_shortfalls", query=f"period={_this_year().key}")
    return Prepared(run=lambda: ctx.get(client, url))


def flags_page(ctx: BenchContext, username: str, kind: str) -> Prepared:
    _require_inspections(ctx, username)
    client = ctx.client(username)
    url = ctx.url("inspections:formalism_flags", query=f"kind={kind}")
    return Prepared(run=lambda: ctx.get(client, url))


@register_operation("inspection_quotas.evaluate.top", order=700)
def quota_evaluation_top(ctx: BenchContext) -> Prepared:
    """Inspection quotas of every official of the top jurisdiction (the province), this year."""
    return quota_evaluation(ctx, TOP_OFFICE)


@register_operation("inspection_quotas.page.top", order=701)
def quota_page_top(ctx: BenchContext) -> Prepared:
    """Inspection-quota page (shortfalls by jurisdiction and role), the province's safety office, this year."""
    return quota_page(ctx, TOP_OFFICE)


@register_operation("inspection_quotas.page.county", order=702)
def quota_page_county(ctx: BenchContext) -> Prepared:
    """Inspection-quota page, a county safety office, this year."""
    return quota_page(ctx, COUNTY_OFFICE)


@register_operation("formalism_flags.photos.top", order=710)
def flags_photos_top(ctx: BenchContext) -> Prepared:
    """Formalism flags, duplicated photos (GROUP BY content hash), the province's safety office."""
    return flags_page(ctx, TOP_OFFICE, "photos")


@register_operation("formalism_flags.findings.top", order=711)
def flags_findings_top(ctx: BenchContext) -> Prepared:
    """Formalism flags, copy-pasted findings (GROUP BY description hash), the province's safety office."""
    return flags_page(ctx, TOP_OFFICE, "findings")


@register_operation("formalism_flags.late.county", order=712)
def flags_late_county(ctx: BenchContext) -> Prepared:
    """Formalism flags, inspections logged late, a county safety office."""
    return flags_page(ctx, COUNTY_OFFICE, "late")


for _path in (
    LoadPath("inspection quotas page", "html", "inspections:quota_shortfalls", username=COUNTY_OFFICE),
    LoadPath("formalism flags page", "html", "inspections:formalism_flags", username=COUNTY_OFFICE),
):
    register_load_path(_path)


# --- Inspection records: list page, list API, detail, the official's home page ------------------
#
# ``scale_county_office`` works in the busiest county, ``scale_countysys`` is that county's system
# (API token), ``scale_leader`` its deputy head for safety and ``scale_department`` the head of
# its emergency bureau: both hold posts bound by inspection quotas and lead inspections, so their
# home page shows "my quota", their recent inspections and their linked hazards.

COUNTY_SYSTEM = "scale_countysys"
LEADER = "scale_leader"
DEPARTMENT = "scale_department"
HTML_PAGE = 25
API_PAGE = 100
API_DEPTH = 50  # pages followed before the timed "later page" (5,000 rows in)

RECORD_LIST_SQL = """
SELECT i.id, i.code, i.started_at, i.kind, i.status, j.name AS jurisdiction, o.name AS lead_official,
       (SELECT {names_agg} FROM inspections_inspectiontarget t
        JOIN responsibility_enterprise e ON e.id = t.enterprise_id WHERE t.inspection_id = i.id) AS enterprises,
       n.total
FROM (
    SELECT id FROM inspections_inspection WHERE jurisdiction_path LIKE %(prefix)s
    ORDER BY started_at DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s
) page
JOIN inspections_inspection i ON i.id = page.id
JOIN responsibility_jurisdiction j ON j.id = i.jurisdiction_id
JOIN responsibility_official o ON o.id = i.lead_official_id
CROSS JOIN (SELECT count(*) AS total FROM inspections_inspection WHERE jurisdiction_path LIKE %(prefix)s) n
ORDER BY i.started_at DESC, i.id DESC
"""

RECORD_API_SQL = """
SELECT i.id, i.code, i.client_uuid, i.status, i.kind, i.methods, j.code AS jurisdiction, j.name AS jurisdiction_name,
       i.started_at, i.ended_at, i.place, i.lead_official_id AS lead_official, o.name AS lead_official_name,
       (SELECT {targets_agg}
        FROM inspections_inspectiontarget t JOIN responsibility_enterprise e ON e.id = t.enterprise_id
        WHERE t.inspection_id = i.id) AS enterprises,
       i.campaign_id AS campaign, i.draw_id AS draw, i.supervision_round_id AS supervision_round, i.submitted_at,
       i.amendment_count, i.source_system, i.external_id, i.created_at, i.updated_at
FROM inspections_inspection i
JOIN responsibility_jurisdiction j ON j.id = i.jurisdiction_id
JOIN responsibility_official o ON o.id = i.lead_official_id
WHERE i.jurisdiction_path LIKE %(prefix)s {extra}
ORDER BY i.started_at DESC, i.id DESC
LIMIT %(limit)s
"""


def _dialect(sql: str) -> str:
    """The baseline queries in the database's dialect: SQLite (the test database) has
    ``group_concat``/``json_group_array`` where PostgreSQL has ordered ``string_agg``/``json_agg``."""
    if connection.vendor == "postgresql":
        names = "string_agg(e.name, '、' ORDER BY t.id)"
        targets = "coalesce(json_agg(json_build_object('enterprise', t.enterprise_id, 'enterprise_name', e.name) ORDER BY t.id), '[]')"
    else:
        names = "group_concat(e.name, '、')"
        targets = "json_group_array(json_object('enterprise', t.enterprise_id, 'enterprise_name', e.name))"
    return sql.replace("{names_agg}", names).replace("{targets_agg}", targets)


def _record_page(ctx: BenchContext, *, deep: bool) -> Prepared:
    _require_inspections(ctx, COUNTY_OFFICE)
    user = ctx.user(COUNTY_OFFICE)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.client(COUNTY_OFFICE)
    page = 1
    if deep:
        total = ctx.fetch("SELECT count(*) AS n FROM inspections_inspection WHERE jurisdiction_path LIKE %s", [prefix])[0]["n"]
        if total < HTML_PAGE * 3:
            raise Unavailable("too few inspections in the county for a deep page")
        page = max(1, math.ceil(total / HTML_PAGE) // 2)
    url = ctx.url("inspections:inspection_list", query=f"page={page}" if page > 1 else "")
    params = {"prefix": prefix, "limit": HTML_PAGE, "offset": (page - 1) * HTML_PAGE}
    return Prepared(
        run=lambda: ctx.get(client, url),
        baseline=lambda: ctx.baseline_rows(_dialect(RECORD_LIST_SQL), params),
        check=all_names_shown("code"),
    )


@register_operation("inspections.page.county.first", order=750)
def inspection_page_first(ctx: BenchContext) -> Prepared:
    """Inspection records page, a county safety office, page 1."""
    return _record_page(ctx, deep=False)


@register_operation("inspections.page.county.deep", order=751)
def inspection_page_deep(ctx: BenchContext) -> Prepared:
    """Inspection records page, a county safety office, the middle page (deep OFFSET)."""
    return _record_page(ctx, deep=True)


def _record_api(ctx: BenchContext, *, later: bool) -> Prepared:
    _require_inspections(ctx, COUNTY_OFFICE)
    user = ctx.user(COUNTY_SYSTEM)
    prefix = ctx.scope_path(user) + "%"
    client = ctx.token_client(COUNTY_SYSTEM)
    url = ctx.url("api:inspection-list")
    params = {"prefix": prefix, "limit": API_PAGE}
    extra = ""
    if later:
        # Follow the "next" links as a mirroring system would, then time the page reached.
        ctx.reset_throttles()
        last = None
        for _ in range(API_DEPTH):
            body = ctx.get(client, url).json()
            if not body.get("next"):
                raise Unavailable("too few inspections in the county for a later page")
            last = body["results"][-1]
            url = body["next"].replace("http://testserver", "")
        extra = "AND (i.started_at, i.id) < (%(started_at)s, %(id)s)"
        params.update(started_at=last["started_at"], id=last["id"])
    sql = _dialect(RECORD_API_SQL).replace("{extra}", extra)
    return Prepared(run=lambda: ctx.get(client, url), baseline=lambda: ctx.baseline_rows(sql, params), check=same_ids)


@register_operation("inspections.api.county.first", order=760)
def inspection_api_first(ctx: BenchContext) -> Prepared:
    """Inspection list API, a county system's token, the first page (100 rows)."""
    return _record_api(ctx, later=False)


@register_operation("inspections.api.county.later", order=761)
def inspection_api_later(ctx: BenchContext) -> Prepared:
    """Inspection list API, a county system's token, the page after following 50 `next` cursors."""
    return _record_api(ctx, later=True)


def _busiest_inspection(ctx: BenchContext):
    from django.db.models import Count

    from inspections.models import Inspection

    prefix = ctx.scope_path(ctx.user(COUNTY_OFFICE))
    recent = Inspection.objects.filter(jurisdiction_path__startswith=prefix).order_by("-started_at", "-pk")[:2000]
    inspection = (
        Inspection.objects.filter(pk__in=recent.values("pk"))
        .annotate(n=Count("participations", distinct=True) + Count("findings", distinct=True) + Count("targets", distinct=True))
        .order_by("-n", "-pk")
        .first()
    )
    if inspection is None:
        raise Unavailable("no inspection in the county")
    return inspection


@register_operation("inspections.detail.county", order=770)
def inspection_detail_page(ctx: BenchContext) -> Prepared:
    """An inspection's page (team, enterprises and answers, findings, photos, history), a county safety office."""
    inspection = _busiest_inspection(ctx)
    client = ctx.client(COUNTY_OFFICE)
    url = ctx.url("inspections:inspection_detail", inspection.pk)
    return Prepared(run=lambda: ctx.get(client, url), note=inspection.code)


@register_operation("inspections.api.detail", order=771)
def inspection_detail_api(ctx: BenchContext) -> Prepared:
    """An inspection through the API (team, enterprises and answers, findings, photos), a county system's token."""
    inspection = _busiest_inspection(ctx)
    client = ctx.token_client(COUNTY_SYSTEM)
    url = ctx.url("api:inspection-detail", inspection.pk)
    return Prepared(run=lambda: ctx.get(client, url), note=inspection.code)


def _home(ctx: BenchContext, username: str) -> Prepared:
    from inspections.models import Inspection

    user = ctx.user(username)
    official = getattr(user, "official", None)
    if official is None or not Inspection.objects.filter(lead_official=official).exists():
        raise Unavailable(f"{username} is no official leading inspections in this dataset")
    client = ctx.client(username)
    url = ctx.url("home")
    response = ctx.get(client, url)
    if "inspections" not in response.content.decode():
        raise Unavailable("the home page shows no inspection panel in this code base")
    return Prepared(run=lambda: ctx.get(client, url))


@register_operation("inspections.home.leader", order=780)
def home_leader(ctx: BenchContext) -> Prepared:
    """Home page of a county's deputy head for safety: my quota, recent inspections, linked hazards (target < 100 ms)."""
    return _home(ctx, LEADER)


@register_operation("inspections.home.department", order=781)
def home_department(ctx: BenchContext) -> Prepared:
    """Home page of a county emergency bureau's head (quarterly quota), with the same panels."""
    return _home(ctx, DEPARTMENT)


@register_operation("inspection_quotas.api.county", order=790)
def quota_api_county(ctx: BenchContext) -> Prepared:
    """Inspection-quota API (every official of the county, this year, first page), a county safety office."""
    _require_inspections(ctx, COUNTY_OFFICE)
    client = ctx.client(COUNTY_OFFICE)
    url = ctx.url("api:inspection-quota-list", query=f"period={_this_year().key}")
    return Prepared(run=lambda: ctx.get(client, url))


for _path in (
    LoadPath("inspections page", "html", "inspections:inspection_list", weight=2, username=COUNTY_OFFICE),
    LoadPath("inspections API", "api", "api:inspection-list", weight=2),
    LoadPath("home page, leader", "html", "home", username=LEADER),
):
    register_load_path(_path)


def _dataset() -> dict:
    from inspections.models import Inspection, InspectionFinding

    return {"inspections": Inspection.objects.count(), "inspection findings": InspectionFinding.objects.count()}


register_dataset_probe(_dataset)
