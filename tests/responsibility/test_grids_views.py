"""Grid pages: who sees and changes what, forms that keep the input, supervisors, enterprises."""

from __future__ import annotations

import pytest
from django.urls import reverse

from responsibility.choices import PostRole
from responsibility.models import Enterprise, Grid, GridSupervisor
from responsibility.roles import Role
from tests.conftest import ALL_ROLES
from tests.factories import EnterpriseFactory, GridFactory, sector
from tests.responsibility.grids_fixtures import county_grid, grid_post
from tests.responsibility.test_query_counts import count_queries

pytestmark = pytest.mark.django_db

GRID_VIEWERS = {Role.SAFETY_OFFICE, Role.LEADER, Role.INSPECTOR, Role.DEPARTMENT, Role.COUNTY_SYSTEM, Role.AUDITOR}
MATRIX = [pytest.param(role, where, id=f"{role}-{where}") for role in ALL_ROLES for where in ("inside", "outside")]


@pytest.fixture
def grids(world):
    return {"inside": county_grid(world.a), "outside": county_grid(world.b)}


@pytest.fixture
def office_client(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    return client


# --- The permission matrix --------------------------------------------------------------------


@pytest.mark.parametrize(("role", "where"), MATRIX)
def test_grid_list_and_detail_follow_role_and_jurisdiction(client, world, grids, role, where):
    client.force_login(world.user(role))
    cell = grids[where].township
    visible = where == "inside" and role in GRID_VIEWERS
    listed = {g.pk for g in client.get(reverse("responsibility:grid_list")).context["object_list"]}
    assert (cell.pk in listed) is visible
    assert client.get(cell.get_absolute_url()).status_code == (200 if visible else 404)


@pytest.mark.parametrize(("role", "where"), MATRIX)
def test_only_the_safety_office_edits_cells_in_its_scope(client, world, grids, role, where):
    client.force_login(world.user(role))
    cell = grids[where].township
    data = {"name": "改名网格", "parent": cell.parent_id, "is_active": "on"}
    response = client.post(reverse("responsibility:grid_update", args=[cell.pk]), data)
    visible = where == "inside" and role in GRID_VIEWERS
    expected = 302 if visible and role == Role.SAFETY_OFFICE else (403 if visible else 404)
    assert response.status_code == expected
    assert (Grid.objects.get(pk=cell.pk).name == "改名网格") is (expected == 302)


def test_anonymous_visitors_are_sent_to_login(client, grids):
    assert client.get(reverse("responsibility:grid_list")).status_code == 302
    assert client.get(grids["inside"].township.get_absolute_url()).status_code == 302


# --- List and detail --------------------------------------------------------------------------


def test_grid_list_shows_named_supervisor_and_enterprise_count(office_client, world, grids):
    EnterpriseFactory.create_batch(2, jurisdiction=world.a.village, grid=grids["inside"].village)
    response = office_client.get(reverse("responsibility:grid_list"))
    rows = {g.pk: g for g in response.context["object_list"]}
    village = rows[grids["inside"].village.pk]
    assert village.enterprise_count == 2
    assert village.named_supervisor.post == grids["inside"].posts["village"]
    assert grids["inside"].posts["village"].official.name in response.content.decode()


def test_grid_list_filters_cells_without_a_named_supervisor(office_client, grids):
    GridSupervisor.objects.filter(grid=grids["inside"].township).update(is_primary=False)
    response = office_client.get(reverse("responsibility:grid_list"), {"named": "false"})
    assert [g.pk for g in response.context["object_list"]] == [grids["inside"].township.pk]


def test_grid_list_filters_by_level_and_sector(office_client, grids):
    grids["inside"].village.sectors.set([sector("hazardous_chemicals")])
    response = office_client.get(reverse("responsibility:grid_list"), {"level": "village", "sector": sector("construction").pk})
    assert list(response.context["object_list"]) == []
    response = office_client.get(reverse("responsibility:grid_list"), {"level": "village", "sector": sector("hazardous_chemicals").pk})
    assert [g.pk for g in response.context["object_list"]] == [grids["inside"].village.pk]


def test_grid_list_exports_to_excel(office_client, grids):
    response = office_client.get(reverse("responsibility:grid_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_grid_list_query_count_does_not_grow_with_cells(office_client, world, django_assert_num_queries):
    town = GridFactory(jurisdiction=world.a.township, name="安海镇网格")

    def add(n: int) -> None:
        for _i in range(n):
            cell = GridFactory(jurisdiction=world.a.village, parent=town)
            cell.sectors.set([sector("construction")])
            post = grid_post(world.a.orgs["township"], PostRole.GRID_LEVEL_3)
            GridSupervisor.objects.create(grid=cell, post=post, is_primary=True)
            EnterpriseFactory(jurisdiction=world.a.village, grid=cell)

    url = reverse("responsibility:grid_list")
    add(3)
    small = count_queries(office_client, url)
    add(20)
    with django_assert_num_queries(small):
        office_client.get(url)


def test_detail_shows_supervisors_enterprises_and_history(office_client, world, grids):
    cell = grids["inside"].township
    EnterpriseFactory(jurisdiction=world.a.township, grid=cell, name="安海鞋业有限公司")
    response = office_client.get(cell.get_absolute_url())
    assert response.context["named"].post == grids["inside"].posts["township"]
    assert [c.pk for c in response.context["children"]] == [grids["inside"].village.pk]
    assert response.context["enterprise_total"] == 1
    assert "安海鞋业有限公司" in response.content.decode()
    assert "history" in response.context


def test_detail_history_includes_supervisor_changes(office_client, world, grids):
    cell = grids["inside"].township
    post = grid_post(world.a.orgs["township"], PostRole.GRID_LEVEL_2)
    office_client.post(reverse("responsibility:grid_supervisor_add", args=[cell.pk]), {"post": post.pk})
    history = list(office_client.get(cell.get_absolute_url()).context["history"])
    assert any(entry.content_type.model == "gridsupervisor" for entry in history)


def test_a_parent_cell_outside_the_scope_is_named_but_not_linked(client, world):
    city = GridFactory(jurisdiction=world.city, name="泉州市网格")
    county = GridFactory(jurisdiction=world.a.county, name="晋江市网格", parent=city)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(county.get_absolute_url())
    assert response.context["parent_visible"] is False
    assert city.get_absolute_url() not in response.content.decode()


# --- Forms ------------------------------------------------------------------------------------


def test_create_form_prefills_the_jurisdiction_and_name(office_client, world):
    response = office_client.get(reverse("responsibility:grid_create"), {"jurisdiction": world.a.village.pk})
    form = response.context["form"]
    assert form.initial["jurisdiction"] == world.a.village.pk
    assert world.a.village.name in form.initial["name"]
    assert list(form.fields["jurisdiction"].queryset) == [world.a.village]


def test_new_cell_below_offers_the_places_under_the_cell(office_client, world, grids):
    response = office_client.get(reverse("responsibility:grid_create"), {"parent": grids["inside"].township.pk})
    form = response.context["form"]
    assert list(form.fields["jurisdiction"].queryset) == [world.a.village]
    assert list(form.fields["parent"].queryset) == [grids["inside"].township]
    # the query string stays on the POST: the form is still narrowed there
    url = reverse("responsibility:grid_create") + f"?parent={grids['inside'].township.pk}"
    response = office_client.post(url, {"jurisdiction": world.a.village.pk, "name": "安平村第二网格", "parent": grids["inside"].township.pk})
    assert response.status_code == 302
    assert Grid.objects.get(name="安平村第二网格").parent == grids["inside"].township


def test_create_form_without_a_place_leaves_out_the_villages(office_client, world):
    form = office_client.get(reverse("responsibility:grid_create")).context["form"]
    offered = set(form.fields["jurisdiction"].queryset)
    assert world.a.township in offered and world.a.county in offered
    assert world.a.village not in offered


def test_create_form_creates_a_cell(office_client, world):
    response = office_client.post(
        reverse("responsibility:grid_create"), {"jurisdiction": world.a.township.pk, "name": "安海镇网格", "is_active": "on"}
    )
    grid = Grid.objects.get(name="安海镇网格")
    assert response.status_code == 302 and response["Location"] == grid.get_absolute_url()
    assert grid.level == "township"


def test_create_form_keeps_the_input_on_a_service_error(office_client, world, grids):
    data = {"jurisdiction": world.a.township.pk, "name": grids["inside"].township.name, "is_active": "on",
            "sectors": [sector("construction").pk]}
    response = office_client.post(reverse("responsibility:grid_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors
    assert form["name"].value() == grids["inside"].township.name
    assert form["sectors"].value() == [str(sector("construction").pk)]
    assert Grid.objects.filter(jurisdiction=world.a.township).count() == 1


def test_create_form_refuses_a_wrong_parent_on_the_parent_field(office_client, world, grids):
    data = {"jurisdiction": world.a.village.pk, "name": "安平村第二网格", "parent": grids["inside"].county.pk, "is_active": "on"}
    url = reverse("responsibility:grid_create") + f"?jurisdiction={world.a.village.pk}"
    response = office_client.post(url, data)
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert response.context["form"]["name"].value() == "安平村第二网格"


def test_create_form_offers_no_jurisdiction_outside_the_scope(office_client, world):
    response = office_client.post(reverse("responsibility:grid_create"), {"jurisdiction": world.b.township.pk, "name": "溪美街道网格"})
    assert "jurisdiction" in response.context["form"].errors
    assert not Grid.objects.exists()


def test_roles_without_the_permission_cannot_open_the_create_form(client, world):
    client.force_login(world.user(Role.LEADER))
    assert client.get(reverse("responsibility:grid_create")).status_code == 403


# --- Supervisors ------------------------------------------------------------------------------


def test_supervisor_form_offers_only_current_grid_posts_of_the_place(office_client, world, grids):
    cell = grids["inside"].township
    eligible = grid_post(world.a.orgs["township"], PostRole.GRID_LEVEL_2)
    grid_post(world.a.orgs["government"], PostRole.GRID_LEVEL_2)  # the county's
    grid_post(world.a.orgs["township"], PostRole.DEPARTMENT_HEAD)  # not a grid post
    response = office_client.get(reverse("responsibility:grid_supervisor_add", args=[cell.pk]))
    offered = set(response.context["form"].fields["post"].queryset)
    # the cell's present supervisor is not offered again; the village's level-3 post, held in
    # the township, may supervise the township cell too
    assert offered == {eligible, grids["inside"].posts["village"]}


def test_adding_a_named_supervisor_replaces_the_previous(office_client, world, grids):
    cell = grids["inside"].township
    post = grid_post(world.a.orgs["township"], PostRole.GRID_CHIEF)
    response = office_client.post(reverse("responsibility:grid_supervisor_add", args=[cell.pk]), {"post": post.pk, "is_primary": "on"})
    assert response.status_code == 302
    assert GridSupervisor.objects.get(grid=cell, is_primary=True).post == post


def test_naming_and_removing_supervisors(office_client, world, grids):
    cell = grids["inside"].township
    other = GridSupervisor.objects.create(grid=cell, post=grid_post(world.a.orgs["township"], PostRole.GRID_LEVEL_2))
    assert office_client.get(reverse("responsibility:grid_supervisor_name", args=[other.pk])).status_code == 200
    office_client.post(reverse("responsibility:grid_supervisor_name", args=[other.pk]))
    assert GridSupervisor.objects.get(grid=cell, is_primary=True) == other
    office_client.post(reverse("responsibility:grid_supervisor_remove", args=[other.pk]))
    assert not GridSupervisor.objects.filter(pk=other.pk).exists()


def test_supervisors_are_changed_by_the_safety_office_only(client, world, grids):
    supervisor = GridSupervisor.objects.get(grid=grids["inside"].township)
    client.force_login(world.user(Role.LEADER))
    assert client.post(reverse("responsibility:grid_supervisor_remove", args=[supervisor.pk])).status_code == 403
    assert client.get(reverse("responsibility:grid_supervisor_add", args=[grids["inside"].township.pk])).status_code == 403
    client.force_login(world.user(Role.SAFETY_OFFICE))
    outside = GridSupervisor.objects.get(grid=grids["outside"].township)
    assert client.post(reverse("responsibility:grid_supervisor_remove", args=[outside.pk])).status_code == 404
    assert GridSupervisor.objects.filter(pk__in=[supervisor.pk, outside.pk]).count() == 2


# --- Enterprises ------------------------------------------------------------------------------


def test_assign_enterprises_form_moves_the_places_enterprises(office_client, world, grids):
    EnterpriseFactory.create_batch(3, jurisdiction=world.a.village)
    cell = grids["inside"].township
    response = office_client.post(reverse("responsibility:grid_assign_enterprises", args=[cell.pk]), {"jurisdiction": world.a.village.pk})
    assert response.status_code == 302
    assert Enterprise.objects.filter(grid=cell).count() == 3


def test_assign_enterprises_form_offers_only_places_within_the_cell(office_client, world, grids):
    response = office_client.get(reverse("responsibility:grid_assign_enterprises", args=[grids["inside"].village.pk]))
    assert list(response.context["form"].fields["jurisdiction"].queryset) == [world.a.village]


def test_enterprise_grid_page_offers_the_cells_above_the_enterprise(office_client, world, grids):
    enterprise = EnterpriseFactory(jurisdiction=world.a.village)
    url = reverse("responsibility:enterprise_grid", args=[enterprise.pk])
    offered = set(office_client.get(url).context["form"].fields["grid"].queryset)
    assert offered == {grids["inside"].county, grids["inside"].township, grids["inside"].village}
    assert office_client.post(url, {"grid": grids["inside"].village.pk}).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.grid == grids["inside"].village


def test_enterprise_grid_page_keeps_the_choice_on_a_service_error(office_client, world, grids):
    cell = grids["inside"].village
    cell.sectors.set([sector("hazardous_chemicals")])
    enterprise = EnterpriseFactory(jurisdiction=world.a.village, sector=sector("construction"))
    response = office_client.post(reverse("responsibility:enterprise_grid", args=[enterprise.pk]), {"grid": cell.pk})
    assert response.status_code == 400
    assert response.context["form"]["grid"].value() == str(cell.pk)
    assert "grid" in response.context["form"].errors


def test_enterprise_grid_page_is_404_outside_and_403_without_permission(client, world, grids):
    outside = EnterpriseFactory(jurisdiction=world.b.village)
    inside = EnterpriseFactory(jurisdiction=world.a.village)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(reverse("responsibility:enterprise_grid", args=[outside.pk])).status_code == 404
    client.force_login(world.user(Role.DEPARTMENT))
    assert client.get(reverse("responsibility:enterprise_grid", args=[inside.pk])).status_code == 403


def test_grid_enterprise_list_filters_and_exports(office_client, world, grids):
    cell = grids["inside"].township
    EnterpriseFactory(jurisdiction=world.a.township, grid=cell, name="甲企业", sector=sector("construction"))
    EnterpriseFactory(jurisdiction=world.a.township, grid=cell, name="乙企业")
    url = reverse("responsibility:grid_enterprise_list", args=[cell.pk])
    response = office_client.get(url, {"sector": sector("construction").pk})
    assert [e.name for e in response.context["object_list"]] == ["甲企业"]
    assert office_client.get(url, {"export": "xlsx"})["Content-Type"].startswith("application/vnd.openxmlformats")
    assert office_client.get(reverse("responsibility:grid_enterprise_list", args=[grids["outside"].township.pk])).status_code == 404
