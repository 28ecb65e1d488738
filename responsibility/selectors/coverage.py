"""Coverage ("宁可有交叉、不能留缝隙"): the gaps in the user's scope before an accident finds them.

Gaps:

* ``unsupervised`` — enterprises (not closed) with no supervising department;
* ``unmapped_sectors`` — sectors with enterprises in a county or development zone but no
  responsible department mapped for that county, its city or its province;
* ``unpublished_lists`` — active list-keeping organizations (Party committees, governments,
  departments) with no published power-and-responsibility list;
* ``no_grid_supervisor`` — active townships and villages with no active grid cell whose named
  supervisor holds a current post;
* ``ungridded`` — enterprises (not closed) in no active grid cell.

Overlaps, allowed and shown for information:

* ``sector_overlaps`` — a sector mapped to more than one department in one jurisdiction;
* ``supervision_overlaps`` — enterprises with more than one supervising department.

Everything is counted by the database (EXISTS / GROUP BY), never by looping over enterprises
in Python, and the number of queries does not depend on the number of rows: one grouped query
per gap gives both the total and the counts per county, and one more fetches the first items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from core.access import get_scope
from responsibility.choices import (
    LIST_KEEPING_KINDS,
    EnterpriseStatus,
    JurisdictionLevel,
    PowerListStatus,
    RiskClass,
)
from responsibility.models import (
    Enterprise,
    EnterpriseSupervision,
    Grid,
    Jurisdiction,
    Organization,
    PowerListVersion,
    Sector,
    SectorResponsibility,
)
from responsibility.selectors.grids import named_supervisors

#: A county-level unit's materialized path is the first 6 characters of every path below it.
COUNTY_PATH_LENGTH = 6

UNSUPERVISED = "unsupervised"
UNMAPPED_SECTORS = "unmapped_sectors"
UNPUBLISHED_LISTS = "unpublished_lists"
NO_GRID_SUPERVISOR = "no_grid_supervisor"
UNGRIDDED = "ungridded"
SECTOR_OVERLAPS = "sector_overlaps"
SUPERVISION_OVERLAPS = "supervision_overlaps"

GAP_KEYS = (UNSUPERVISED, UNMAPPED_SECTORS, UNPUBLISHED_LISTS, NO_GRID_SUPERVISOR, UNGRIDDED)
OVERLAP_KEYS = (SECTOR_OVERLAPS, SUPERVISION_OVERLAPS)
ALL_KEYS = GAP_KEYS + OVERLAP_KEYS

TITLES = {
    UNSUPERVISED: _("Enterprises with no supervising department"),
    UNMAPPED_SECTORS: _("Sectors with no responsible department"),
    UNPUBLISHED_LISTS: _("Organizations with no published list"),
    NO_GRID_SUPERVISOR: _("Townships and villages with no grid supervisor"),
    UNGRIDDED: _("Enterprises in no grid cell"),
    SECTOR_OVERLAPS: _("Sectors shared by several departments"),
    SUPERVISION_OVERLAPS: _("Enterprises supervised by several departments"),
}
#: Column headings of the per-county table.
SHORT_TITLES = {
    UNSUPERVISED: _("No department"),
    UNMAPPED_SECTORS: _("Unmapped sectors"),
    UNPUBLISHED_LISTS: _("Unpublished lists"),
    NO_GRID_SUPERVISOR: _("No grid supervisor"),
    UNGRIDDED: _("Not in a grid cell"),
    SECTOR_OVERLAPS: _("Shared sectors"),
    SUPERVISION_OVERLAPS: _("Several departments"),
}
DESCRIPTIONS = {
    UNSUPERVISED: _("Every enterprise must have a supervising department. Add one on the enterprise's page."),
    UNMAPPED_SECTORS: _(
        "Enterprises of these sectors operate in the county, but no department is mapped to the sector there "
        "or in the city above. Map a department."
    ),
    UNPUBLISHED_LISTS: _(
        "Party committees, governments and departments must publish their power-and-responsibility list."
    ),
    NO_GRID_SUPERVISOR: _(
        "No active grid cell of the place has a named supervisor holding a current post. Create the cell "
        "or name its supervisor."
    ),
    UNGRIDDED: _("Every enterprise must belong to a grid cell with a named supervisor."),
    SECTOR_OVERLAPS: _("Allowed (rather overlap than leave a gap); shown so that the lead department is clear."),
    SUPERVISION_OVERLAPS: _("Allowed; shown so that the primary department is clear."),
}
#: The permissions a user needs for each section (restrict() alone would show a misleading 0).
SECTION_PERMISSIONS = {
    UNSUPERVISED: ("responsibility.view_enterprise",),
    UNMAPPED_SECTORS: ("responsibility.view_enterprise", "responsibility.view_sectorresponsibility"),
    UNPUBLISHED_LISTS: ("responsibility.view_organization", "responsibility.view_powerlistversion"),
    NO_GRID_SUPERVISOR: ("responsibility.view_jurisdiction", "responsibility.view_grid"),
    UNGRIDDED: ("responsibility.view_enterprise", "responsibility.view_grid"),
    SECTOR_OVERLAPS: ("responsibility.view_sectorresponsibility",),
    SUPERVISION_OVERLAPS: ("responsibility.view_enterprise",),
}


def can_view_section(user, key: str) -> bool:
    return all(user.has_perm(p) for p in SECTION_PERMISSIONS[key])


def county_of(path_lookup: str) -> Substr:
    """The county-level path of a row, from the path of its jurisdiction."""
    return Substr(path_lookup, 1, COUNTY_PATH_LENGTH)


def risk_rank() -> Case:
    """Major risk first: the order in which gaps should be closed."""
    order = (RiskClass.MAJOR, RiskClass.LARGER, RiskClass.GENERAL, RiskClass.LOW)
    return Case(*(When(risk_class=value, then=Value(i)) for i, value in enumerate(order)), default=Value(9), output_field=IntegerField())


# --- The gaps as querysets (also the "show all" lists) -----------------------------------------


def enterprises_in_scope(user) -> QuerySet[Enterprise]:
    """Enterprises that need supervision: visible to ``user`` and not closed."""
    return Enterprise.objects.restrict(user, "view").exclude(status=EnterpriseStatus.CLOSED)


def _enterprise_rows(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return queryset.select_related("jurisdiction", "sector").annotate(risk_rank=risk_rank()).order_by("risk_rank", "name", "pk")


def _preview_rows(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """The first items on the coverage page, by name: PostgreSQL walks the name index and stops
    after N matches (10 ms at 100,000 enterprises), where sorting by risk first would sort every
    match (150–300 ms). The "show all" lists sort by risk."""
    return queryset.select_related("jurisdiction", "sector").order_by("name", "pk")


def several_departments() -> Subquery:
    """The number of supervising departments of each enterprise, as a correlated count: cheap
    for a few rows found by walking an index, unlike the grouped semi-join of
    :func:`multi_supervised_enterprises`, which is cheap for counting them all."""
    counted = EnterpriseSupervision.objects.filter(enterprise=OuterRef("pk")).order_by().values("enterprise").annotate(n=Count("pk"))
    return Subquery(counted.values("n"), output_field=IntegerField())


def unsupervised_enterprises(user) -> QuerySet[Enterprise]:
    return enterprises_in_scope(user).filter(~Exists(EnterpriseSupervision.objects.filter(enterprise=OuterRef("pk"))))


def ungridded_q() -> Q:
    return Q(grid__isnull=True) | Q(grid__is_active=False)


def ungridded_enterprises(user) -> QuerySet[Enterprise]:
    return enterprises_in_scope(user).filter(ungridded_q())


def multi_supervised_enterprises(user) -> QuerySet[Enterprise]:
    several = (
        EnterpriseSupervision.objects.order_by().values("enterprise_id").annotate(n=Count("pk")).filter(n__gt=1).values("enterprise_id")
    )
    return enterprises_in_scope(user).filter(pk__in=several)


def unpublished_list_organizations(user) -> QuerySet[Organization]:
    published = PowerListVersion.objects.filter(organization=OuterRef("pk"), status=PowerListStatus.PUBLISHED)
    latest = PowerListVersion.objects.filter(organization=OuterRef("pk")).order_by("-number")
    return (
        Organization.objects.restrict(user, "view")
        .filter(is_active=True, kind__in=LIST_KEEPING_KINDS)
        .filter(~Exists(published))
        .annotate(latest_list_id=Subquery(latest.values("pk")[:1]), latest_list_status=Subquery(latest.values("status")[:1]))
    )


def places_without_grid_supervisor(user) -> QuerySet[Jurisdiction]:
    cell = Grid.objects.filter(jurisdiction=OuterRef("pk"), is_active=True).order_by("pk")
    return (
        Jurisdiction.objects.restrict(user, "view")
        .filter(is_active=True, level__in=[JurisdictionLevel.TOWNSHIP, JurisdictionLevel.VILLAGE])
        .filter(~Exists(named_supervisors().filter(grid__jurisdiction=OuterRef("pk"))))
        .annotate(cell_id=Subquery(cell.values("pk")[:1]))
    )


def unmapped_sector_pairs(user) -> QuerySet:
    """``{county_path, sector_id, enterprises}`` rows: a sector with enterprises in a county
    and no department mapped to it in the county, its city or its province."""
    outer = OuterRef("county_path")

    def mapped_at(path) -> Exists:
        return Exists(
            SectorResponsibility.objects.filter(sector=OuterRef("sector_id"), organization__is_active=True, jurisdiction__path=path)
        )

    # Three NOT EXISTS with one equality each, rather than one with an OR: PostgreSQL turns
    # each into a hash anti-join (150 ms for 100,000 enterprises instead of 1.1 s).
    return (
        enterprises_in_scope(user)
        .order_by()
        .annotate(county_path=county_of("jurisdiction__path"))
        .values("county_path", "sector_id")
        .annotate(enterprises=Count("pk"))
        .filter(~mapped_at(outer), ~mapped_at(Substr(outer, 1, 4)), ~mapped_at(Substr(outer, 1, 2)))
        .order_by("county_path", "sector_id")
    )


def sector_overlap_rows(user) -> QuerySet:
    """``{jurisdiction_id, sector_id, departments}`` rows: a sector mapped to more than one
    (active) department in one jurisdiction."""
    return (
        SectorResponsibility.objects.restrict(user, "view")
        .filter(organization__is_active=True)
        .order_by()
        .values("jurisdiction_id", "sector_id")
        .annotate(departments=Count("organization_id", distinct=True))
        .filter(departments__gt=1)
        .order_by("jurisdiction_id", "sector_id")
    )


# --- The report -------------------------------------------------------------------------------


@dataclass
class Place:
    """A county-level unit (or the city, for city-level rows) named on the report."""

    path: str
    name: str = ""
    pk: int | None = None
    visible: bool = False


@dataclass
class SectorRow:
    """One (jurisdiction, sector) row of the sector sections."""

    place: Place
    sector: Sector | None
    count: int
    departments: list = field(default_factory=list)


@dataclass
class Section:
    key: str
    count: int
    by_county: dict[str, int]
    items: list[Any]

    @property
    def title(self) -> str:
        return str(TITLES[self.key])

    @property
    def short_title(self) -> str:
        return str(SHORT_TITLES[self.key])

    @property
    def description(self) -> str:
        return str(DESCRIPTIONS[self.key])

    @property
    def is_overlap(self) -> bool:
        return self.key in OVERLAP_KEYS

    @property
    def more(self) -> bool:
        return self.count > len(self.items)


@dataclass
class CountyRow:
    place: Place
    enterprises: int
    counts: dict[str, int]
    #: (column heading, count) of the gaps (not the overlaps), in the report's order, for templates
    cells: list[tuple[str, int]] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(self.counts.get(k, 0) for k in GAP_KEYS)


@dataclass
class CoverageReport:
    sections: list[Section]
    counties: list[CountyRow]
    enterprises: int

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def gaps(self) -> list[Section]:
        return [s for s in self.sections if not s.is_overlap]

    @property
    def overlaps(self) -> list[Section]:
        return [s for s in self.sections if s.is_overlap]

    @property
    def gap_total(self) -> int:
        return sum(s.count for s in self.gaps)

    def as_dict(self) -> dict:
        return {
            "enterprises": self.enterprises,
            "gaps": {s.key: s.count for s in self.sections},
            "counties": [
                {
                    "path": row.place.path,
                    "name": row.place.name,
                    "enterprises": row.enterprises,
                    **{s.key: row.counts.get(s.key, 0) for s in self.sections},
                }
                for row in self.counties
            ],
        }


def enterprise_counts_by_county(user) -> list[tuple[str, int, int, int, int]]:
    """``(county path, enterprises, in no grid cell, with no supervising department, with
    several)`` for the enterprises (not closed) in ``user``'s scope, in one query.

    The ORM cannot join an aggregated subquery, so the restricted queryset is compiled and
    wrapped: one scan of the enterprises joined to their supervision counts instead of one
    scan per gap (at 100,000 enterprises on PostgreSQL about a fifth faster than the three
    ORM queries). The access rule stays the one of ``restrict()``: its SQL is the inner query.

    Grouped by county only: grouping by county and sector too (to fold the unmapped sectors
    into this scan) makes PostgreSQL expect ~100,000 groups, sort them on disk and compile the
    query with JIT — ten times slower than the two queries."""
    base = (
        enterprises_in_scope(user)
        .order_by()
        .annotate(
            _id=F("pk"), _county=county_of("jurisdiction__path"), _ungridded=ExpressionWrapper(ungridded_q(), output_field=BooleanField())
        )
        .values("_id", "_county", "_ungridded")
    )
    if base.query.is_empty():  # restrict() found nothing the user may see
        return []
    inner, params = base.query.sql_with_params()
    supervisions = connection.ops.quote_name(EnterpriseSupervision._meta.db_table)
    sql = f"""
        SELECT e._county, COUNT(*),
               SUM(CASE WHEN e._ungridded THEN 1 ELSE 0 END),
               SUM(CASE WHEN s.n IS NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN s.n > 1 THEN 1 ELSE 0 END)
        FROM ({inner}) e
        LEFT JOIN (SELECT enterprise_id, COUNT(*) AS n FROM {supervisions} GROUP BY enterprise_id) s ON s.enterprise_id = e._id
        GROUP BY e._county
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(county, int(total), int(a or 0), int(b or 0), int(c or 0)) for county, total, a, b, c in cursor.fetchall()]


def _per_county(queryset: QuerySet, path_lookup: str) -> dict[str, int]:
    rows = queryset.order_by().annotate(_county=county_of(path_lookup)).values("_county").annotate(_n=Count("pk"))
    return {row["_county"]: row["_n"] for row in rows.values("_county", "_n")}


def coverage_report(user, *, limit: int = 10) -> CoverageReport:
    """The gaps and overlaps in ``user``'s scope: counts, counts per county and the first
    ``limit`` items of each section (``limit=0``: counts only). A section the user's role
    cannot see is left out rather than shown as zero."""
    keys = [k for k in ALL_KEYS if can_view_section(user, k)]
    counts: dict[str, dict[str, int]] = {}
    items: dict[str, list] = {}
    totals: dict[str, int] = {}

    # Enterprises per county and three of the gaps, in one pass over the enterprises.
    enterprise_totals: dict[str, int] = {}
    if "responsibility.view_enterprise" in _perms_needed(keys):
        for key in (UNGRIDDED, UNSUPERVISED, SUPERVISION_OVERLAPS):
            if key in keys:
                counts[key] = {}
        for county, total, ungridded, unsupervised, several in enterprise_counts_by_county(user):
            enterprise_totals[county] = total
            for key, n in ((UNGRIDDED, ungridded), (UNSUPERVISED, unsupervised), (SUPERVISION_OVERLAPS, several)):
                if key in keys:
                    counts[key][county] = n

    enterprise_gaps: dict[str, Callable[[Any], QuerySet]] = {
        UNSUPERVISED: unsupervised_enterprises,
        UNGRIDDED: ungridded_enterprises,
        SUPERVISION_OVERLAPS: multi_supervised_enterprises,
    }
    for key, selector in enterprise_gaps.items():
        if key not in keys:
            continue
        if key not in counts:
            counts[key] = _per_county(selector(user), "jurisdiction__path")
        # No item query for an empty section: at most one query per section, fewer when clean.
        if limit and any(counts[key].values()):
            queryset = _preview_rows(selector(user))
            if key == SUPERVISION_OVERLAPS:
                several = enterprises_in_scope(user).annotate(_departments=several_departments()).filter(_departments__gt=1)
                queryset = _preview_rows(several).prefetch_related(
                    Prefetch(
                        "supervisions",
                        queryset=EnterpriseSupervision.objects.select_related("organization").order_by("-is_primary", "organization__name"),
                    )
                )
            items[key] = list(queryset[:limit])

    if UNPUBLISHED_LISTS in keys:
        counts[UNPUBLISHED_LISTS] = _per_county(unpublished_list_organizations(user), "jurisdiction__path")
        if limit and any(counts[UNPUBLISHED_LISTS].values()):
            items[UNPUBLISHED_LISTS] = list(
                unpublished_list_organizations(user).select_related("jurisdiction").order_by("jurisdiction__path", "sort_order", "name")[:limit]
            )

    if NO_GRID_SUPERVISOR in keys:
        counts[NO_GRID_SUPERVISOR] = _per_county(places_without_grid_supervisor(user), "path")
        if limit and any(counts[NO_GRID_SUPERVISOR].values()):
            items[NO_GRID_SUPERVISOR] = list(places_without_grid_supervisor(user).select_related("parent").order_by("path")[:limit])

    # The sector sections are aggregated rows (at most jurisdictions × sectors), fetched whole.
    sector_rows: dict[str, list[tuple[str, int | None, int, int]]] = {}
    if UNMAPPED_SECTORS in keys:
        sector_rows[UNMAPPED_SECTORS] = [
            (row["county_path"], None, row["sector_id"], row["enterprises"]) for row in unmapped_sector_pairs(user)
        ]
    if SECTOR_OVERLAPS in keys:
        overlap_rows = list(sector_overlap_rows(user))
        sector_rows[SECTOR_OVERLAPS] = [(None, row["jurisdiction_id"], row["sector_id"], row["departments"]) for row in overlap_rows]

    # Names: the county-level units, the jurisdictions of overlaps and the sectors, in one query each.
    places = _places(user, counts, enterprise_totals, sector_rows)
    sectors = Sector.objects.in_bulk() if sector_rows else {}
    for key, rows in sector_rows.items():
        built = []
        per_county: Counter[str] = Counter()
        for county_path, jurisdiction_id, sector_id, n in rows:
            place = places["path", county_path] if county_path is not None else places["pk", jurisdiction_id]
            per_county[place.path[:COUNTY_PATH_LENGTH]] += 1
            built.append(SectorRow(place=place, sector=sectors.get(sector_id), count=n))
        counts[key] = dict(per_county)
        built.sort(key=lambda r: (-r.count, r.place.path, r.sector.sort_order if r.sector else 0))
        if key == SECTOR_OVERLAPS:
            attach_departments(built[:limit])
        items[key] = built[:limit]
        totals[key] = len(built)

    sections = [
        Section(key=k, count=totals.get(k, sum(counts.get(k, {}).values())), by_county=counts.get(k, {}), items=items.get(k, []))
        for k in keys
    ]
    county_paths = sorted(set(enterprise_totals) | {p for c in counts.values() for p in c})
    counties = [
        CountyRow(
            place=places.get(("path", path)) or Place(path=path),
            enterprises=enterprise_totals.get(path, 0),
            counts={k: counts.get(k, {}).get(path, 0) for k in keys},
            cells=[(str(SHORT_TITLES[k]), counts.get(k, {}).get(path, 0)) for k in keys if k in GAP_KEYS],
        )
        for path in county_paths
    ]
    return CoverageReport(sections=sections, counties=counties, enterprises=sum(enterprise_totals.values()))


def _perms_needed(keys) -> set[str]:
    return {p for k in keys for p in SECTION_PERMISSIONS[k]}


def _places(user, counts, enterprise_totals, sector_rows) -> dict[tuple[str, Any], Place]:
    """Every jurisdiction the report names, keyed ("path", path) and ("pk", pk): one query."""
    paths = set(enterprise_totals) | {p for c in counts.values() for p in c}
    pks: set[int] = set()
    for rows in sector_rows.values():
        for county_path, jurisdiction_id, _sector, _n in rows:
            if county_path is not None:
                paths.add(county_path)
            else:
                pks.add(jurisdiction_id)
    if not paths and not pks:
        return {}
    scope = get_scope(user)
    found: dict[tuple[str, Any], Place] = {}
    for pk, path, name in Jurisdiction.objects.filter(Q(path__in=paths) | Q(pk__in=pks)).values_list("pk", "path", "name"):
        place = Place(path=path, name=name, pk=pk, visible=scope.contains(path))
        found["path", path] = place
        found["pk", pk] = place
    for path in paths:
        found.setdefault(("path", path), Place(path=path, name=path))
    return found


def attach_departments(rows: list[SectorRow]) -> None:
    """Set ``departments`` on (jurisdiction, sector) rows: the mapped active departments,
    lead first, in one query for all rows."""
    wanted = {(row.place.pk, row.sector.pk) for row in rows if row.place.pk and row.sector}
    if not wanted:
        return
    condition = Q(pk__in=[])
    for jurisdiction_id, sector_id in wanted:
        condition |= Q(jurisdiction_id=jurisdiction_id, sector_id=sector_id)
    found: dict[tuple[int, int], list[Organization]] = {}
    mappings = (
        SectorResponsibility.objects.filter(condition, organization__is_active=True)
        .select_related("organization")
        .order_by("-is_lead", "organization__name")
    )
    for mapping in mappings:
        found.setdefault((mapping.jurisdiction_id, mapping.sector_id), []).append(mapping.organization)
    for row in rows:
        if row.sector:
            row.departments = found.get((row.place.pk, row.sector.pk), [])
