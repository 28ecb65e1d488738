"""The coverage page: every kind of gap found, in the user's scope only, each linked to where
it is fixed, counted by the database in a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibility.choices import JurisdictionLevel, OrganizationKind, PostRole
from responsibility.models import Grid, GridSupervisor
from responsibility.roles import Role
from responsibility.selectors import coverage
from tests.factories import (
    EnterpriseFactory,
    EnterpriseSupervisionFactory,
    GridFactory,
    GridSupervisorFactory,
    OrganizationFactory,
    PowerListVersionFactory,
    SectorResponsibilityFactory,
    assigned_user,
    jurisdiction,
    sector,
)
from tests.responsibility.grids_fixtures import county_grid, grid_post

pytestmark = pytest.mark.django_db

_village_numbers = itertools.count(300)


def supervised(county, n=1, *, grid=None, departments=1, **fields):
    """``n`` enterprises in the county's village with ``departments`` supervising departments."""
    made = EnterpriseFactory.create_batch(n, jurisdiction=county.village, grid=grid, **fields)
    for enterprise in made:
        for i in range(departments):
            organization = county.orgs["emergency"] if i == 0 else OrganizationFactory(
                jurisdiction=county.county, kind=OrganizationKind.SUPERVISORY_DEPARTMENT
            )
            EnterpriseSupervisionFactory(enterprise=enterprise, organization=organization, is_primary=i == 0)
    return made


def add_gaps(county, grids, n: int) -> None:
    """``n`` more of every gap and overlap in ``county`` (its grid from ``county_grid``)."""
    supervised(county, n, grid=grids.village)  # fine
    EnterpriseFactory.create_batch(n, jurisdiction=county.village, grid=grids.village)  # no department
    supervised(county, n)  # in no grid cell
    supervised(county, n, grid=grids.village, departments=2)  # several departments
    supervised(county, n, grid=grids.village, sector=sector("construction"))  # sector not mapped
    for _ in range(n):
        number = next(_village_numbers)
        jurisdiction(f"{county.township.code}{number:03d}", JurisdictionLevel.VILLAGE, county.township, f"新村{number}")  # no cell
        OrganizationFactory(jurisdiction=county.county, kind=OrganizationKind.OTHER_DEPARTMENT)  # no list


@pytest.fixture
def scene(world):
    """County A: one of each gap; county B: gaps the county A users must not see."""
    grids = {"a": county_grid(world.a), "b": county_grid(world.b)}
    for county in (world.a, world.b):
        SectorResponsibilityFactory(jurisdiction=county.county, sector=sector("industry_trade"), organization=county.orgs["emergency"])
        SectorResponsibilityFactory(jurisdiction=county.county, sector=sector("industry_trade"), organization=county.orgs["government"])
        PowerListVersionFactory(organization=county.orgs["emergency"], status="published", published_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
        PowerListVersionFactory(organization=county.orgs["government"], status="draft")
    add_gaps(world.a, grids["a"], 1)
    add_gaps(world.b, grids["b"], 2)
    return grids


def report_for(user, **kwargs):
    return coverage.coverage_report(user, **kwargs)


def counts(report) -> dict:
    return {s.key: s.count for s in report.sections}


# --- What is found ----------------------------------------------------------------------------


def test_each_kind_of_gap_is_found_in_the_users_scope(world, scene):
    report = report_for(world.user(Role.SAFETY_OFFICE))
    assert counts(report) == {
        coverage.UNSUPERVISED: 1,
        coverage.UNMAPPED_SECTORS: 1,  # construction in 晋江市
        # government (draft only), township government, staffing office, the added department
        # and the second supervising department
        coverage.UNPUBLISHED_LISTS: 5,
        coverage.NO_GRID_SUPERVISOR: 1,  # the added village
        coverage.UNGRIDDED: 1,
        coverage.SECTOR_OVERLAPS: 1,  # industry_trade: emergency and government
        coverage.SUPERVISION_OVERLAPS: 1,
    }
    assert report.enterprises == 5
    assert report.gap_total == 9  # overlaps are information, not gaps


def test_a_sector_mapped_in_the_city_is_covered_in_its_counties(world, scene):
    SectorResponsibilityFactory(jurisdiction=world.city, sector=sector("construction"), organization=OrganizationFactory(jurisdiction=world.city))
    assert report_for(world.user(Role.SAFETY_OFFICE)).section(coverage.UNMAPPED_SECTORS).count == 0


def test_an_inactive_department_covers_no_sector(world, scene):
    department = OrganizationFactory(jurisdiction=world.a.county, is_active=False)
    SectorResponsibilityFactory(jurisdiction=world.a.county, sector=sector("construction"), organization=department)
    assert report_for(world.user(Role.SAFETY_OFFICE)).section(coverage.UNMAPPED_SECTORS).count == 1


def test_closed_enterprises_are_not_gaps(world, scene):
    EnterpriseFactory(jurisdiction=world.a.village, status="closed")
    report = report_for(world.user(Role.SAFETY_OFFICE))
    assert report.section(coverage.UNSUPERVISED).count == 1
    assert report.enterprises == 5


def test_a_named_supervisor_whose_post_ended_leaves_a_gap(world, scene):
    post = scene["a"].posts["township"]
    post.end_date = datetime.date(2024, 1, 1)
    post.save()
    items = report_for(world.user(Role.SAFETY_OFFICE)).section(coverage.NO_GRID_SUPERVISOR).items
    assert world.a.township in items


def test_an_inactive_cell_covers_neither_places_nor_enterprises(world, scene):
    Grid.objects.filter(pk=scene["a"].village.pk).update(is_active=False)
    report = report_for(world.user(Role.SAFETY_OFFICE))
    assert world.a.village in report.section(coverage.NO_GRID_SUPERVISOR).items
    assert report.section(coverage.UNGRIDDED).count == 5  # all but the closed ones are out of a cell now


def test_show_all_lists_high_risk_enterprises_first(client, world, scene):
    risky = EnterpriseFactory(jurisdiction=world.a.village, risk_class="red", name="zzz 危化企业")
    client.force_login(world.user(Role.SAFETY_OFFICE))
    rows = client.get(reverse("responsibility:coverage_unsupervised")).context["object_list"]
    assert rows[0] == risky
    # the page's preview goes by name (an index walk that stops early)
    items = report_for(world.user(Role.SAFETY_OFFICE)).section(coverage.UNSUPERVISED).items
    assert [e.name for e in items] == sorted(e.name for e in items)


def test_overlap_rows_name_the_departments(world, scene):
    row = report_for(world.user(Role.SAFETY_OFFICE)).section(coverage.SECTOR_OVERLAPS).items[0]
    assert {d.pk for d in row.departments} == {world.a.orgs["emergency"].pk, world.a.orgs["government"].pk}
    several = report_for(world.user(Role.SAFETY_OFFICE)).section(coverage.SUPERVISION_OVERLAPS).items[0]
    assert len(several.supervisions.all()) == 2


def test_a_city_user_sees_both_counties_row_by_row(world, scene):
    city_office = assigned_user(role=Role.SAFETY_OFFICE, jurisdiction=world.city)
    report = report_for(city_office)
    rows = {row.place.path: row for row in report.counties}
    assert rows["350582"].counts[coverage.UNSUPERVISED] == 1
    assert rows["350583"].counts[coverage.UNSUPERVISED] == 2
    assert rows["350583"].enterprises == 10
    assert report.section(coverage.UNSUPERVISED).count == 3


def test_sections_a_role_cannot_see_are_left_out(world, scene):
    keys = {s.key for s in report_for(world.user(Role.INSPECTOR)).sections}
    assert keys == {coverage.UNSUPERVISED, coverage.NO_GRID_SUPERVISOR, coverage.UNGRIDDED, coverage.SUPERVISION_OVERLAPS}


def test_a_scope_with_nothing_has_no_gaps(world):
    report = report_for(world.user(Role.SAFETY_OFFICE))
    assert report.enterprises == 0
    assert counts(report)[coverage.UNSUPERVISED] == 0


# --- The page ---------------------------------------------------------------------------------


def test_coverage_page_links_each_gap_to_where_it_is_fixed(client, world, scene):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:coverage"))
    assert response.status_code == 200
    report = response.context["report"]
    ungridded = report.section(coverage.UNGRIDDED).items[0]
    assert ungridded.fix_url.startswith(reverse("responsibility:enterprise_grid", args=[ungridded.pk]) + "?next=")
    place = report.section(coverage.NO_GRID_SUPERVISOR).items[0]
    assert place.fix_url == reverse("responsibility:grid_create") + f"?jurisdiction={place.pk}"
    for section in report.sections:
        assert section.list_url == reverse(f"responsibility:coverage_{section.key}")
        for item in section.items:
            assert item.fix_url, (section.key, item)
    html = response.content.decode()
    assert reverse("responsibility:enterprise_grid", args=[ungridded.pk]) in html
    # after assigning the cell, the user comes back to the coverage page
    response = client.post(ungridded.fix_url, {"grid": scene["a"].village.pk})
    assert response.status_code == 302 and response["Location"].startswith(reverse("responsibility:coverage"))
    assert "晋江市" in html


def test_a_place_with_a_cell_but_no_named_supervisor_links_to_the_cell(client, world, scene):
    GridSupervisor.objects.filter(grid=scene["a"].township).update(is_primary=False)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    report = client.get(reverse("responsibility:coverage")).context["report"]
    township = next(p for p in report.section(coverage.NO_GRID_SUPERVISOR).items if p.pk == world.a.township.pk)
    assert township.fix_url == scene["a"].township.get_absolute_url()


def test_roles_without_enterprise_access_get_403(client, api_client, world):
    for role in (Role.ENTERPRISE, Role.STAFFING_REVIEWER):
        client.force_login(world.user(role))
        assert client.get(reverse("responsibility:coverage")).status_code == 403
        api_client.force_login(world.user(role))
        response = api_client.get("/api/v1/coverage/")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(reverse("responsibility:coverage")).status_code == 302


# --- "Show all" lists -------------------------------------------------------------------------


@pytest.mark.parametrize("key", coverage.ALL_KEYS)
def test_each_show_all_list_holds_the_sections_rows_and_exports(client, world, scene, key):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse(f"responsibility:coverage_{key}")
    response = client.get(url)
    assert response.status_code == 200
    expected = report_for(world.user(Role.SAFETY_OFFICE)).section(key).count
    assert response.context["paginator"].count == expected
    export = client.get(url, {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_show_all_lists_filter_by_sector_and_place(client, world, scene):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:coverage_ungridded")
    assert client.get(url, {"sector": sector("construction").pk}).context["paginator"].count == 0
    assert client.get(url, {"jurisdiction": world.a.township.pk}).context["paginator"].count == 1
    assert client.get(url, {"jurisdiction": world.b.township.pk}).status_code == 200  # not offered: no rows
    places = reverse("responsibility:coverage_no_grid_supervisor")
    assert client.get(places, {"level": "township"}).context["paginator"].count == 0


def test_show_all_list_of_a_section_the_role_cannot_see_is_403(client, world, scene):
    client.force_login(world.user(Role.INSPECTOR))
    assert client.get(reverse("responsibility:coverage_unpublished_lists")).status_code == 403
    assert client.get(reverse("responsibility:coverage_unsupervised")).status_code == 200


# --- API --------------------------------------------------------------------------------------


def test_api_summary_gives_counts_in_total_and_per_county(api_client, world, scene):
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    body = api_client.get("/api/v1/coverage/").json()
    assert body["enterprises"] == 5
    assert body["gaps"][coverage.UNSUPERVISED] == 1
    assert body["gaps"][coverage.UNMAPPED_SECTORS] == 1
    assert [c["path"] for c in body["counties"]] == ["350582"]
    assert body["counties"][0]["name"] == "晋江市"


# --- Speed: a fixed number of queries ---------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


# Every request: session, user, permissions (2), scope, object-grant types (6). The page: its
# scope label (1); the enterprise counts per county (1); the first items of the three
# enterprise sections (3, plus the prefetch of departments: 1); lists and places: counts and
# items (4); unmapped sectors and sector overlaps (2); names of places and sectors (2),
# departments of overlaps (1). The API: the same counts without items (7).
# restrict()'s content types are cached.
COVERAGE_PAGE_QUERIES = 21
COVERAGE_API_QUERIES = 13


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/responsibility/coverage/", COVERAGE_PAGE_QUERIES), ("/api/v1/coverage/", COVERAGE_API_QUERIES)],
    ids=["page", "api"],
)
def test_coverage_query_count_does_not_grow_with_rows(client, world, scene, url, expected, django_assert_num_queries):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    _count(client, url)  # warm the content-type cache
    small = _count(client, url)
    add_gaps(world.a, scene["a"], 25)
    with django_assert_num_queries(expected):
        client.get(url)
    assert small == expected, f"{small} queries with few rows, {expected} pinned for many"
    assert report_for(world.user(Role.SAFETY_OFFICE)).section(coverage.UNSUPERVISED).count == 26


@pytest.mark.parametrize("key", [coverage.UNSUPERVISED, coverage.SUPERVISION_OVERLAPS, coverage.NO_GRID_SUPERVISOR, coverage.SECTOR_OVERLAPS])
def test_show_all_list_query_count_does_not_grow_with_rows(client, world, scene, key, django_assert_num_queries):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse(f"responsibility:coverage_{key}")
    _count(client, url)
    small = _count(client, url)
    add_gaps(world.a, scene["a"], 25)
    for n in range(5):  # more overlapping sectors
        code = ["construction", "road_transport", "mining", "fireworks", "metallurgy"][n]
        SectorResponsibilityFactory(jurisdiction=world.a.county, sector=sector(code), organization=world.a.orgs["emergency"])
        SectorResponsibilityFactory(jurisdiction=world.a.county, sector=sector(code), organization=world.a.orgs["government"])
    with django_assert_num_queries(small):
        client.get(url)


def test_grid_cells_and_named_supervisors_close_the_place_gap(world, scene):
    """The fix works: a cell with a named supervisor for the added village empties the section."""
    place = report_for(world.user(Role.SAFETY_OFFICE)).section(coverage.NO_GRID_SUPERVISOR).items[0]
    cell = GridFactory(jurisdiction=place, parent=scene["a"].township)
    GridSupervisorFactory(grid=cell, post=grid_post(world.a.orgs["township"], PostRole.GRID_LEVEL_3))
    assert report_for(world.user(Role.SAFETY_OFFICE)).section(coverage.NO_GRID_SUPERVISOR).count == 0
