"""The grid's rules, in its services: levels, parents, supervisors, enterprises in cells."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from responsibility.choices import GridLevel, PostRole
from responsibility.models import Enterprise, Grid, GridSupervisor
from responsibility.roles import Role
from responsibility.selectors.grids import grid_supervisor_for, grid_supervisors_for
from responsibility.services import grids as services
from tests.factories import EnterpriseFactory, GridFactory, GridSupervisorFactory, sector
from tests.responsibility.grids_fixtures import county_grid, grid_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(world):
    return world.user(Role.SAFETY_OFFICE)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Cells ------------------------------------------------------------------------------------


def test_cell_level_follows_from_its_jurisdiction(world, office):
    grid = services.grid_create(actor=office, jurisdiction=world.a.township, name="安海镇网格")
    assert grid.level == GridLevel.TOWNSHIP
    village = services.grid_create(actor=office, jurisdiction=world.a.village, name="安平村网格", parent=grid)
    assert village.level == GridLevel.VILLAGE
    assert village.parent == grid


def test_a_level_that_does_not_match_the_jurisdiction_is_rejected(world, office):
    with pytest.raises(ValidationError) as excinfo:
        services.grid_create(actor=office, jurisdiction=world.a.township, name="网格", level=GridLevel.COUNTY)
    assert "level" in errors_of(excinfo)
    assert not Grid.objects.exists()


def test_a_province_has_no_grid_cells(world):
    with pytest.raises(ValidationError) as excinfo:
        services.grid_create(actor=None, jurisdiction=world.province, name="福建省网格")
    assert "jurisdiction" in errors_of(excinfo)


def test_parent_must_be_exactly_one_level_up(world, office):
    county = services.grid_create(actor=office, jurisdiction=world.a.county, name="晋江市网格")
    with pytest.raises(ValidationError) as excinfo:
        services.grid_create(actor=office, jurisdiction=world.a.village, name="安平村网格", parent=county)
    assert "parent" in errors_of(excinfo)


def test_parent_must_cover_the_cells_jurisdiction(world):
    other_county = services.grid_create(actor=None, jurisdiction=world.b.county, name="南安市网格")
    with pytest.raises(ValidationError) as excinfo:
        services.grid_create(actor=None, jurisdiction=world.a.township, name="安海镇网格", parent=other_county)
    assert "parent" in errors_of(excinfo)


def test_without_a_parent_the_single_cell_one_level_up_is_used(world, office):
    # The city cell is outside the county office's scope, and still becomes the parent.
    city = services.grid_create(actor=None, jurisdiction=world.city, name="泉州市网格")
    county = services.grid_create(actor=office, jurisdiction=world.a.county, name="晋江市网格")
    assert county.parent == city


def test_no_parent_is_guessed_when_several_cells_are_one_level_up(world, office):
    services.grid_create(actor=office, jurisdiction=world.a.county, name="晋江市网格")
    services.grid_create(actor=office, jurisdiction=world.a.county, name="晋江市危化品网格")
    town = services.grid_create(actor=office, jurisdiction=world.a.township, name="安海镇网格")
    assert town.parent is None


def test_a_duplicate_name_in_one_jurisdiction_is_an_error_on_the_name(world, office):
    services.grid_create(actor=office, jurisdiction=world.a.township, name="安海镇网格")
    with pytest.raises(ValidationError) as excinfo:
        services.grid_create(actor=office, jurisdiction=world.a.township, name="安海镇网格")
    assert "name" in errors_of(excinfo)
    assert Grid.objects.count() == 1


def test_a_cell_outside_the_actors_scope_is_refused(world, office):
    with pytest.raises(ValidationError) as excinfo:
        services.grid_create(actor=office, jurisdiction=world.b.township, name="溪美街道网格")
    assert "jurisdiction" in errors_of(excinfo)
    assert not Grid.objects.exists()


def test_a_role_without_the_permission_cannot_create_cells(world):
    with pytest.raises(PermissionDenied):
        services.grid_create(actor=world.user(Role.LEADER), jurisdiction=world.a.township, name="安海镇网格")


def test_sectors_are_set_and_changed(world, office):
    grid = services.grid_create(actor=office, jurisdiction=world.a.township, name="安海镇危化网格", sectors=[sector("hazardous_chemicals")])
    assert [s.code for s in grid.sectors.all()] == ["hazardous_chemicals"]
    services.grid_update(instance=grid, actor=office, sectors=[])
    assert not grid.sectors.exists()


def test_the_jurisdiction_of_a_cell_cannot_change(world, office):
    grid = services.grid_create(actor=office, jurisdiction=world.a.township, name="安海镇网格")
    with pytest.raises(ValidationError) as excinfo:
        services.grid_update(instance=grid, actor=office, jurisdiction=world.a.village)
    assert "jurisdiction" in errors_of(excinfo)


def test_update_renames_and_deactivates(world, office):
    grid = services.grid_create(actor=office, jurisdiction=world.a.township, name="安海镇网格")
    services.grid_update(instance=grid, actor=office, name="安海镇综合网格", is_active=False)
    grid.refresh_from_db()
    assert (grid.name, grid.is_active) == ("安海镇综合网格", False)


# --- Supervisors ------------------------------------------------------------------------------


def test_a_grid_post_of_the_cells_jurisdiction_becomes_its_named_supervisor(world, office):
    grid = GridFactory(jurisdiction=world.a.township)
    post = grid_post(world.a.orgs["township"], PostRole.GRID_CHIEF)
    supervisor = services.grid_supervisor_add(actor=office, grid=grid, post=post, is_primary=True)
    assert supervisor.is_primary
    assert grid.named_supervisor == supervisor


def test_only_grid_posts_can_supervise(world, office):
    grid = GridFactory(jurisdiction=world.a.township)
    post = grid_post(world.a.orgs["township"], PostRole.GOVERNMENT_PRINCIPAL)
    with pytest.raises(ValidationError) as excinfo:
        services.grid_supervisor_add(actor=office, grid=grid, post=post)
    assert "post" in errors_of(excinfo)


def test_an_ended_post_cannot_supervise(world, office):
    grid = GridFactory(jurisdiction=world.a.township)
    post = grid_post(world.a.orgs["township"], end=datetime.date(2021, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.grid_supervisor_add(actor=office, grid=grid, post=post)
    assert "not held" in str(errors_of(excinfo)["post"])


def test_a_post_of_another_jurisdiction_cannot_supervise(world, office):
    grid = GridFactory(jurisdiction=world.a.township)
    post = grid_post(world.a.orgs["government"])  # the county's, not the township's
    with pytest.raises(ValidationError) as excinfo:
        services.grid_supervisor_add(actor=office, grid=grid, post=post)
    assert "post" in errors_of(excinfo)


def test_a_village_cell_takes_a_supervisor_posted_to_its_township(world, office):
    grid = GridFactory(jurisdiction=world.a.village)
    post = grid_post(world.a.orgs["township"], PostRole.GRID_LEVEL_3)
    assert services.grid_supervisor_add(actor=office, grid=grid, post=post, is_primary=True).is_primary


def test_naming_a_supervisor_replaces_the_previous_named_one(world, office):
    grids = county_grid(world.a)
    second = grid_post(world.a.orgs["township"], PostRole.GRID_LEVEL_2)
    added = services.grid_supervisor_add(actor=office, grid=grids.township, post=second)
    services.grid_supervisor_set_primary(actor=office, supervisor=added)
    primaries = list(GridSupervisor.objects.filter(grid=grids.township, is_primary=True))
    assert primaries == [added]
    assert GridSupervisor.objects.filter(grid=grids.township).count() == 2


def test_the_same_post_cannot_supervise_a_cell_twice(world, office):
    grids = county_grid(world.a)
    with pytest.raises(ValidationError) as excinfo:
        services.grid_supervisor_add(actor=office, grid=grids.township, post=grids.posts["township"])
    assert "post" in errors_of(excinfo)


def test_removing_a_supervisor_keeps_the_post(world, office):
    grids = county_grid(world.a)
    supervisor = GridSupervisor.objects.get(grid=grids.township)
    services.grid_supervisor_remove(actor=office, supervisor=supervisor)
    assert not GridSupervisor.objects.filter(grid=grids.township).exists()
    grids.posts["township"].refresh_from_db()


def test_supervisors_of_another_county_cannot_be_changed(world, office):
    grids_b = county_grid(world.b)
    supervisor = GridSupervisor.objects.get(grid=grids_b.township)
    with pytest.raises(ValidationError):
        services.grid_supervisor_remove(actor=office, supervisor=supervisor)
    assert GridSupervisor.objects.filter(pk=supervisor.pk).exists()


# --- Enterprises ------------------------------------------------------------------------------


def test_an_enterprise_joins_a_cell_that_contains_it(world, office):
    grids = county_grid(world.a)
    enterprise = EnterpriseFactory(jurisdiction=world.a.village)
    services.enterprise_assign_grid(actor=office, enterprise=enterprise, grid=grids.township)
    enterprise.refresh_from_db()
    assert enterprise.grid == grids.township


def test_an_enterprise_outside_the_cell_is_refused(world, office):
    grids = county_grid(world.a)
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    with pytest.raises(ValidationError) as excinfo:
        services.enterprise_assign_grid(actor=office, enterprise=enterprise, grid=grids.village)
    assert "grid" in errors_of(excinfo)
    enterprise.refresh_from_db()
    assert enterprise.grid is None


def test_a_sector_cell_refuses_enterprises_of_other_sectors(world, office):
    grid = GridFactory(jurisdiction=world.a.township)
    grid.sectors.set([sector("hazardous_chemicals")])
    enterprise = EnterpriseFactory(jurisdiction=world.a.township, sector=sector("construction"))
    with pytest.raises(ValidationError):
        services.enterprise_assign_grid(actor=office, enterprise=enterprise, grid=grid)


def test_an_enterprise_of_another_county_cannot_be_assigned(world, office):
    grids_b = county_grid(world.b)
    enterprise = EnterpriseFactory(jurisdiction=world.b.village)
    with pytest.raises(ValidationError):
        services.enterprise_assign_grid(actor=office, enterprise=enterprise, grid=grids_b.village)


def test_bulk_assignment_takes_the_unassigned_enterprises_of_the_place(world, office):
    grids = county_grid(world.a)
    in_village = EnterpriseFactory.create_batch(3, jurisdiction=world.a.village)
    in_town = EnterpriseFactory(jurisdiction=world.a.township)
    already = EnterpriseFactory(jurisdiction=world.a.village, grid=grids.village)
    closed = EnterpriseFactory(jurisdiction=world.a.village, status="closed")
    elsewhere = EnterpriseFactory(jurisdiction=world.b.village)
    moved = services.grid_assign_enterprises(actor=office, grid=grids.township, jurisdiction=world.a.township)
    assert moved == 4
    grid_of = dict(Enterprise.objects.values_list("pk", "grid_id"))
    assert all(grid_of[e.pk] == grids.township.pk for e in [*in_village, in_town])
    assert grid_of[already.pk] == grids.village.pk
    assert grid_of[closed.pk] is None
    assert grid_of[elsewhere.pk] is None


def test_bulk_assignment_can_move_enterprises_from_other_cells(world, office):
    grids = county_grid(world.a)
    already = EnterpriseFactory(jurisdiction=world.a.village, grid=grids.township)
    moved = services.grid_assign_enterprises(actor=office, grid=grids.village, jurisdiction=world.a.village, include_assigned=True)
    assert moved == 1
    already.refresh_from_db()
    assert already.grid == grids.village


def test_bulk_assignment_refuses_a_place_outside_the_cell(world, office):
    grids = county_grid(world.a)
    EnterpriseFactory(jurisdiction=world.a.township)
    with pytest.raises(ValidationError) as excinfo:
        services.grid_assign_enterprises(actor=office, grid=grids.village, jurisdiction=world.a.township)
    assert "jurisdiction" in errors_of(excinfo)
    assert not Enterprise.objects.filter(grid__isnull=False).exists()


def test_bulk_assignment_of_a_sector_cell_takes_only_its_sectors(world, office):
    grid = GridFactory(jurisdiction=world.a.township)
    grid.sectors.set([sector("hazardous_chemicals")])
    chemical = EnterpriseFactory(jurisdiction=world.a.village, sector=sector("hazardous_chemicals"))
    EnterpriseFactory(jurisdiction=world.a.village, sector=sector("construction"))
    assert services.grid_assign_enterprises(actor=office, grid=grid, jurisdiction=world.a.township) == 1
    assert list(Enterprise.objects.filter(grid=grid)) == [chemical]


def test_bulk_assignment_is_one_entry_in_the_cells_history(world, office):
    grids = county_grid(world.a)
    EnterpriseFactory.create_batch(5, jurisdiction=world.a.village)
    services.grid_assign_enterprises(actor=office, grid=grids.village, jurisdiction=world.a.village)
    entries = LogEntry.objects.filter(object_pk=str(grids.village.pk), content_type__model="grid", action=LogEntry.Action.UPDATE)
    assert entries.count() == 1
    assert entries.get().actor == office
    assert "5" in str(entries.get().changes)


# --- Who answers for an enterprise ------------------------------------------------------------


def test_the_named_supervisor_of_an_enterprises_cell_answers_for_it(world):
    grids = county_grid(world.a)
    enterprise = EnterpriseFactory(jurisdiction=world.a.village, grid=grids.village)
    found = grid_supervisor_for(enterprise)
    assert found.post == grids.posts["village"]
    assert found.grid == grids.village


def test_without_a_named_supervisor_the_cell_above_answers(world):
    grids = county_grid(world.a)
    GridSupervisor.objects.filter(grid=grids.village).update(is_primary=False)
    enterprise = EnterpriseFactory(jurisdiction=world.a.village, grid=grids.village)
    assert grid_supervisor_for(enterprise).grid == grids.township


def test_an_ended_post_no_longer_answers(world):
    grids = county_grid(world.a)
    for post in grids.posts.values():
        post.end_date = datetime.date(2021, 1, 1)
        post.save()
    enterprise = EnterpriseFactory(jurisdiction=world.a.village, grid=grids.village)
    assert grid_supervisor_for(enterprise) is None


def test_an_enterprise_in_no_cell_has_no_grid_supervisor(world):
    assert grid_supervisor_for(EnterpriseFactory(jurisdiction=world.a.village)) is None


def test_supervisors_of_a_page_of_enterprises_come_in_one_query(world, django_assert_num_queries):
    grids = county_grid(world.a)
    enterprises = [
        *EnterpriseFactory.create_batch(3, jurisdiction=world.a.village, grid=grids.village),
        *EnterpriseFactory.create_batch(2, jurisdiction=world.a.township, grid=grids.township),
        EnterpriseFactory(jurisdiction=world.a.township),
    ]
    with django_assert_num_queries(1):
        found = grid_supervisors_for(enterprises)
    assert {pk: s.post_id for pk, s in found.items()} == {
        **{e.pk: grids.posts["village"].pk for e in enterprises[:3]},
        **{e.pk: grids.posts["township"].pk for e in enterprises[3:5]},
    }


def test_grid_factory_level_matches(world):
    assert GridSupervisorFactory(grid=GridFactory(jurisdiction=world.a.village), post=grid_post(world.a.orgs["township"])).grid.level == GridLevel.VILLAGE
