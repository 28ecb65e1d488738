"""Writes on the four-level grid (网格化): grid cells, their named supervisors and the
enterprises assigned to them.

The rules live here, in one place:

* a cell's level follows from its jurisdiction (city → city grid, county or development zone →
  county grid, township → township grid, village → village grid);
* its parent is a cell one level up whose jurisdiction contains the cell's jurisdiction;
* its supervisors hold a current grid post (chief, level 1–3) in an organization of the cell's
  jurisdiction — for a village also of its township, where village supervisors are often
  posted to the safety station — and exactly one of them may be the named supervisor;
* an enterprise may only join a cell whose jurisdiction contains the enterprise, and whose
  sectors (when any are set) include the enterprise's sector.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility.choices import GRID_ROLES, EnterpriseStatus, GridLevel, JurisdictionLevel
from responsibility.models import Enterprise, Grid, GridSupervisor, Jurisdiction, Post, Sector
from responsibility.services.backbone import require_in_scope, require_permission

#: The grid level of a cell in a jurisdiction of each level.
GRID_LEVEL_FOR = {
    JurisdictionLevel.CITY: GridLevel.CITY,
    JurisdictionLevel.COUNTY: GridLevel.COUNTY,
    JurisdictionLevel.DEVELOPMENT_ZONE: GridLevel.COUNTY,
    JurisdictionLevel.TOWNSHIP: GridLevel.TOWNSHIP,
    JurisdictionLevel.VILLAGE: GridLevel.VILLAGE,
}
#: The level of a cell's parent cell.
PARENT_GRID_LEVEL = {
    GridLevel.CITY: None,
    GridLevel.COUNTY: GridLevel.CITY,
    GridLevel.TOWNSHIP: GridLevel.COUNTY,
    GridLevel.VILLAGE: GridLevel.TOWNSHIP,
}


# --- Validation helpers -----------------------------------------------------------------------


def grid_level_for(jurisdiction: Jurisdiction) -> str:
    """The grid level matching ``jurisdiction``; a province has no grid cells."""
    level = GRID_LEVEL_FOR.get(jurisdiction.level)
    if level is None:
        raise ValidationError({"jurisdiction": _("Grid cells exist for cities, counties, townships and villages only.")})
    return level


def _check_parent(grid: Grid) -> None:
    parent = grid.parent
    if parent is None:
        return
    wanted = PARENT_GRID_LEVEL[grid.level]
    if wanted is None:
        raise ValidationError({"parent": _("A city grid cell is the top of the grid and has no parent.")})
    if parent.level != wanted:
        raise ValidationError(
            {"parent": _("The parent must be a cell one level up (%(level)s).") % {"level": GridLevel(wanted).label}}
        )
    if not grid.jurisdiction.path.startswith(parent.jurisdiction.path) or parent.jurisdiction_id == grid.jurisdiction_id:
        raise ValidationError({"parent": _("The parent cell must cover the jurisdiction above this one.")})


def default_parent(jurisdiction: Jurisdiction, level: str) -> Grid | None:
    """The active cell one level up in the jurisdiction above, when there is exactly one.

    Deliberately unrestricted: a county office creating its county cell links it to the city
    cell it cannot otherwise see; the link only records where the grid continues upwards."""
    wanted = PARENT_GRID_LEVEL.get(level)
    if wanted is None:
        return None
    prefixes = [jurisdiction.path[:n] for n in (2, 4, 6, 9) if n < len(jurisdiction.path)]
    candidates = list(
        Grid.objects.filter(level=wanted, is_active=True, jurisdiction__path__in=prefixes).order_by("pk")[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def _check_name(grid: Grid) -> None:
    # Checked before full_clean() so the error lands on the name field (the constraint's own
    # error is form-wide).
    duplicate = Grid.objects.filter(jurisdiction_id=grid.jurisdiction_id, name=grid.name).exclude(pk=grid.pk)
    if grid.name and duplicate.exists():
        raise ValidationError({"name": _("A grid cell with this name already exists here.")})


def _set_sectors(grid: Grid, sectors: Iterable[Sector] | None) -> None:
    if sectors is None:
        return
    wanted = {s.pk for s in sectors}
    if wanted != set(grid.sectors.values_list("pk", flat=True)):
        grid.sectors.set(wanted)


def _lock_grid(grid: Grid) -> Grid:
    return Grid.objects.select_for_update().select_related("jurisdiction").get(pk=grid.pk)


def _current_posts(on=None):
    return Post.objects.current(on)


# --- Grid cells -------------------------------------------------------------------------------


@transaction.atomic
def grid_create(
    *,
    actor,
    jurisdiction: Jurisdiction,
    name: str,
    level: str | None = None,
    parent: Grid | None = None,
    sectors: Iterable[Sector] | None = None,
    is_active: bool = True,
) -> Grid:
    """Create a grid cell in ``jurisdiction``.

    ``level`` follows from the jurisdiction; when given it must match. Without ``parent``
    the single active cell one level up in the jurisdiction above is used, if there is one.
    """
    require_permission(actor, "responsibility.add_grid")
    require_in_scope(actor, jurisdiction)
    # Serialize creations in one jurisdiction so two identical names cannot both pass the check.
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
    expected = grid_level_for(jurisdiction)
    if level and level != expected:
        raise ValidationError(
            {"level": _("A cell in this jurisdiction is a %(level)s.") % {"level": GridLevel(expected).label}}
        )
    if parent is None:
        parent = default_parent(jurisdiction, expected)
    grid = Grid(jurisdiction=jurisdiction, level=expected, name=name, parent=parent, is_active=is_active)
    _check_name(grid)
    grid.full_clean()
    _check_parent(grid)
    grid.save()
    _set_sectors(grid, sectors)
    return grid


_UNSET = object()


@transaction.atomic
def grid_update(
    *,
    instance: Grid,
    actor,
    name: str | None = None,
    parent=_UNSET,
    sectors: Iterable[Sector] | None = None,
    is_active: bool | None = None,
    jurisdiction: Jurisdiction | None = None,
    level: str | None = None,
) -> Grid:
    """Rename a cell, change its parent, sectors or active flag. Its jurisdiction and level
    are structural (supervisors and enterprises depend on them): create a new cell instead."""
    require_permission(actor, "responsibility.change_grid")
    grid = _lock_grid(instance)
    require_in_scope(actor, grid.jurisdiction)
    if jurisdiction is not None and jurisdiction.pk != grid.jurisdiction_id:
        raise ValidationError({"jurisdiction": _("The jurisdiction of a grid cell cannot change; create a new cell.")})
    if level and level != grid.level:
        raise ValidationError({"level": _("The level of a grid cell cannot change; create a new cell.")})
    if name is not None:
        grid.name = name
    if parent is not _UNSET:
        grid.parent = parent
    if is_active is not None:
        grid.is_active = is_active
    _check_name(grid)
    grid.full_clean()
    _check_parent(grid)
    grid.save()
    _set_sectors(grid, sectors)
    return grid


# --- Supervisors ------------------------------------------------------------------------------


def eligible_supervisor_posts(grid: Grid, on=None):
    """Current grid posts that may supervise ``grid``: held in an organization of its
    jurisdiction, or, for a village cell, of the village's township."""
    jurisdiction_ids = [grid.jurisdiction_id]
    if grid.level == GridLevel.VILLAGE and grid.jurisdiction.parent_id:
        jurisdiction_ids.append(grid.jurisdiction.parent_id)
    return _current_posts(on).filter(role__in=GRID_ROLES, organization__jurisdiction_id__in=jurisdiction_ids)


def _check_post(grid: Grid, post: Post) -> None:
    if post.role not in GRID_ROLES:
        raise ValidationError({"post": _("Only a grid post (chief, level 1–3 grid supervisor) can supervise a grid cell.")})
    if not eligible_supervisor_posts(grid).filter(pk=post.pk).exists():
        if not post.is_current:
            raise ValidationError({"post": _("This post is not held at present.")})
        raise ValidationError({"post": _("The post must be held in an organization of the cell's jurisdiction.")})


@transaction.atomic
def grid_supervisor_add(*, actor, grid: Grid, post: Post, is_primary: bool = False) -> GridSupervisor:
    """Make the holder of ``post`` a supervisor of ``grid``; ``is_primary`` makes them its
    named supervisor, replacing the previous one."""
    require_permission(actor, "responsibility.add_gridsupervisor")
    grid = _lock_grid(grid)
    require_in_scope(actor, grid.jurisdiction, "grid")
    _check_post(grid, post)
    if GridSupervisor.objects.filter(grid=grid, post=post).exists():
        raise ValidationError({"post": _("This post already supervises the grid cell.")})
    if is_primary:
        _clear_primary(grid)
    supervisor = GridSupervisor(grid=grid, post=post, is_primary=is_primary)
    supervisor.full_clean()
    supervisor.save()
    return supervisor


def _clear_primary(grid: Grid, keep: GridSupervisor | None = None) -> None:
    # One save per row (not queryset.update) so the audit trail records who lost the title.
    for other in GridSupervisor.objects.filter(grid=grid, is_primary=True).exclude(pk=getattr(keep, "pk", None)):
        other.is_primary = False
        other.save(update_fields=["is_primary", "updated_at"])


@transaction.atomic
def grid_supervisor_set_primary(*, actor, supervisor: GridSupervisor) -> GridSupervisor:
    """Name ``supervisor`` the cell's supervisor (the previous named one stays a supervisor)."""
    require_permission(actor, "responsibility.change_gridsupervisor")
    grid = _lock_grid(supervisor.grid)
    require_in_scope(actor, grid.jurisdiction, "grid")
    supervisor = GridSupervisor.objects.select_related("post").get(pk=supervisor.pk)
    if supervisor.is_primary:
        raise ValidationError({"post": _("This supervisor is already the named supervisor.")})
    if not supervisor.post.is_current:
        raise ValidationError({"post": _("This post is not held at present.")})
    _clear_primary(grid, keep=supervisor)
    supervisor.is_primary = True
    supervisor.full_clean()
    supervisor.save()
    return supervisor


@transaction.atomic
def grid_supervisor_remove(*, actor, supervisor: GridSupervisor) -> None:
    """Remove a supervisor from a cell (the post and the person's record remain)."""
    require_permission(actor, "responsibility.delete_gridsupervisor")
    grid = _lock_grid(supervisor.grid)
    require_in_scope(actor, grid.jurisdiction, "grid")
    GridSupervisor.objects.filter(pk=supervisor.pk, grid=grid).first().delete()


# --- Enterprises ------------------------------------------------------------------------------


def _check_enterprise_fits(grid: Grid, enterprise: Enterprise) -> None:
    if not enterprise.jurisdiction.path.startswith(grid.jurisdiction.path):
        raise ValidationError({"grid": _("The enterprise lies outside this grid cell's jurisdiction.")})
    if not grid.is_active:
        raise ValidationError({"grid": _("This grid cell is inactive.")})
    sector_ids = set(grid.sectors.values_list("pk", flat=True))
    if sector_ids and enterprise.sector_id not in sector_ids:
        raise ValidationError({"grid": _("This grid cell does not cover the enterprise's sector.")})


@transaction.atomic
def enterprise_assign_grid(*, actor, enterprise: Enterprise, grid: Grid | None) -> Enterprise:
    """Put one enterprise into a grid cell (``None`` takes it out of any cell)."""
    require_permission(actor, "responsibility.change_grid")
    enterprise = Enterprise.objects.select_for_update().select_related("jurisdiction").get(pk=enterprise.pk)
    require_in_scope(actor, enterprise.jurisdiction)
    if grid is not None:
        grid = _lock_grid(grid)
        require_in_scope(actor, grid.jurisdiction, "grid")
        _check_enterprise_fits(grid, enterprise)
    if enterprise.grid_id != (grid.pk if grid else None):
        enterprise.grid = grid
        enterprise.save(update_fields=["grid", "updated_at"])
    return enterprise


@transaction.atomic
def grid_assign_enterprises(*, actor, grid: Grid, jurisdiction: Jurisdiction, include_assigned: bool = False) -> int:
    """Assign every enterprise (not closed) of ``jurisdiction``'s subtree to ``grid``.

    The jurisdiction must lie within the cell's. Enterprises already in another cell are
    left where they are unless ``include_assigned``; a cell limited to some sectors takes
    only enterprises of those sectors. Returns how many enterprises moved. One UPDATE for
    all rows, recorded as one entry in the cell's history (a log entry per enterprise would
    cost more than the update itself for a township of thousands)."""
    require_permission(actor, "responsibility.change_grid")
    grid = _lock_grid(grid)
    require_in_scope(actor, grid.jurisdiction, "grid")
    require_in_scope(actor, jurisdiction)
    if not grid.is_active:
        raise ValidationError({"grid": _("This grid cell is inactive.")})
    if not jurisdiction.path.startswith(grid.jurisdiction.path):
        raise ValidationError({"jurisdiction": _("The jurisdiction lies outside this grid cell's jurisdiction.")})
    enterprises = Enterprise.objects.filter(jurisdiction__path__startswith=jurisdiction.path).exclude(
        status=EnterpriseStatus.CLOSED
    )
    sector_ids = list(grid.sectors.values_list("pk", flat=True))
    if sector_ids:
        enterprises = enterprises.filter(sector_id__in=sector_ids)
    if include_assigned:
        enterprises = enterprises.filter(Q(grid__isnull=True) | ~Q(grid=grid))
    else:
        enterprises = enterprises.filter(grid__isnull=True)
    # One UPDATE (a subquery, not a list of ids, so a county of 100,000 enterprises fits any
    # backend's parameter limit); its row locks make a concurrent single assignment wait.
    moved = enterprises.update(grid=grid, updated_at=timezone.now())
    if moved:
        _log_bulk_assignment(actor, grid, jurisdiction, moved)
    return moved


def _log_bulk_assignment(actor, grid: Grid, jurisdiction: Jurisdiction, moved: int) -> None:
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Grid),
        object_pk=str(grid.pk),
        object_id=grid.pk,
        object_repr=str(grid)[:200],
        action=LogEntry.Action.UPDATE,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        changes={
            str(_("enterprises assigned")): [
                "",
                _("%(n)d from %(place)s") % {"n": moved, "place": jurisdiction.name},
            ]
        },
    )
