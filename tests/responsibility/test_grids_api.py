"""The grid API: cells (read, create, update through the services), supervisors (read) and the
bulk assignment of enterprises."""

from __future__ import annotations

import pytest

from responsibility.models import Enterprise, Grid
from responsibility.roles import Role
from tests.conftest import results
from tests.factories import EnterpriseFactory, GridFactory
from tests.responsibility.grids_fixtures import county_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def grids(world):
    return {"inside": county_grid(world.a), "outside": county_grid(world.b)}


@pytest.fixture
def office_api(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    return api_client


def test_grid_list_holds_the_cells_in_scope_with_named_supervisor(office_api, grids):
    rows = results(office_api.get("/api/v1/grids/"))
    assert {r["id"] for r in rows} == {grids["inside"].county.pk, grids["inside"].township.pk, grids["inside"].village.pk}
    village = next(r for r in rows if r["id"] == grids["inside"].village.pk)
    assert village["level"] == "village"
    assert village["jurisdiction"] == "350582100001"
    assert village["named_supervisor"]["post"] == grids["inside"].posts["village"].pk
    assert village["enterprise_count"] == 0


def test_grid_list_filters_by_level(office_api, grids):
    rows = results(office_api.get("/api/v1/grids/", {"level": "township"}))
    assert [r["id"] for r in rows] == [grids["inside"].township.pk]


def test_a_cell_outside_the_scope_is_not_found(office_api, grids):
    response = office_api.get(f"/api/v1/grids/{grids['outside'].township.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_create_a_cell_by_division_code(office_api, world, grids):
    response = office_api.post("/api/v1/grids/", {"jurisdiction": "350582100", "name": "安海镇危化网格", "sectors": ["hazardous_chemicals"]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["level"] == "township"
    assert body["parent"] == grids["inside"].county.pk  # the single county cell
    assert body["sectors"] == ["hazardous_chemicals"]


def test_create_with_a_mismatched_level_is_a_field_error(office_api, world):
    response = office_api.post("/api/v1/grids/", {"jurisdiction": "350582100", "name": "网格", "level": "village"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "level" in body["errors"]
    assert not Grid.objects.exists()


def test_create_in_another_county_is_refused(office_api, world):
    response = office_api.post("/api/v1/grids/", {"jurisdiction": "350583100", "name": "溪美街道网格"}, format="json")
    assert response.status_code == 400
    assert "jurisdiction" in response.json()["errors"]
    assert not Grid.objects.exists()


def test_a_duplicate_name_is_a_field_error(office_api, grids):
    response = office_api.post("/api/v1/grids/", {"jurisdiction": "350582100", "name": grids["inside"].township.name}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_update_renames_but_cannot_move_a_cell(office_api, grids):
    url = f"/api/v1/grids/{grids['inside'].township.pk}/"
    assert office_api.patch(url, {"name": "安海镇综合网格"}, format="json").status_code == 200
    assert Grid.objects.get(pk=grids["inside"].township.pk).name == "安海镇综合网格"
    response = office_api.patch(url, {"jurisdiction": "350582100001"}, format="json")
    assert response.status_code == 400
    assert "jurisdiction" in response.json()["errors"]


def test_read_only_roles_cannot_write(api_client, world, grids):
    api_client.force_login(world.user(Role.LEADER))
    assert api_client.post("/api/v1/grids/", {"jurisdiction": "350582100", "name": "网格"}, format="json").status_code == 403
    assert api_client.patch(f"/api/v1/grids/{grids['inside'].township.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api_client.patch(f"/api/v1/grids/{grids['outside'].township.pk}/", {"name": "x"}, format="json").status_code == 404


def test_supervisors_are_listed_read_only(office_api, grids):
    rows = results(office_api.get("/api/v1/grid-supervisors/", {"grid": grids["inside"].village.pk}))
    assert len(rows) == 1
    assert rows[0]["is_primary"] is True and rows[0]["post_is_current"] is True
    assert rows[0]["role"] == "grid_level_3"
    assert office_api.post("/api/v1/grid-supervisors/", {}, format="json").status_code == 405
    assert results(office_api.get("/api/v1/grid-supervisors/", {"grid": grids["outside"].village.pk})) == []


def test_assign_enterprises_action(office_api, world, grids):
    EnterpriseFactory.create_batch(2, jurisdiction=world.a.village)
    url = f"/api/v1/grids/{grids['inside'].township.pk}/assign-enterprises/"
    response = office_api.post(url, {"jurisdiction": "350582100001"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"assigned": 2}
    assert Enterprise.objects.filter(grid=grids["inside"].township).count() == 2
    response = office_api.post(url, {"jurisdiction": "350583100001"}, format="json")
    assert response.status_code == 400


def test_grid_api_list_query_count_does_not_grow_with_cells(office_api, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    town = GridFactory(jurisdiction=world.a.township, name="安海镇网格")
    GridFactory.create_batch(3, jurisdiction=world.a.village, parent=town)
    with CaptureQueriesContext(connection) as small:
        office_api.get("/api/v1/grids/")
    GridFactory.create_batch(25, jurisdiction=world.a.village, parent=town)
    with django_assert_num_queries(len(small.captured_queries)):
        assert office_api.get("/api/v1/grids/").json()["count"] == 29
