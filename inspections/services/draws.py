"""Writes of random draws (双随机一公开): defining a draw, making it, publishing it and
starting the inspections of the enterprises drawn.

Making a draw snapshots both pools into the draw (ids, weights and what the conflict rules
need, sorted by id), generates and stores a seed, and runs :mod:`inspections.draws`. Anyone can
re-run the algorithm from what is stored (:func:`inspections.selectors.draws.verify_draw`).
A draw is made once: the row is locked and a second attempt is refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from inspections import draws as algorithm
from inspections.choices import DrawWeighting, InspectionKind, InspectionMethod, ParticipantRole
from inspections.models import DrawnEnterprise, Inspection, RandomDraw
from inspections.services.records import TargetInput, inspection_save_draft
from responsibility.choices import EnterpriseStatus, PostRole, RiskClass
from responsibility.models import Enterprise, Grid, GridSupervisor, Jurisdiction, Post, Sector
from responsibility.services.backbone import require_in_scope, require_permission

#: Post roles an office may put in the inspector pool; "inspector" by default.
POOL_ROLES = (
    PostRole.INSPECTOR,
    PostRole.EXPERT,
    PostRole.DEPARTMENT_HEAD,
    PostRole.DEPARTMENT_LEADER,
    PostRole.OFFICE_STAFF,
)
DEFAULT_POOL_ROLES = (PostRole.INSPECTOR,)
DRAW_FIELDS = ("name", "weighting", "enterprise_count", "inspectors_per_enterprise", "rules")
#: A township's path has 9 characters; a post in an organization at that level or below
#: makes its holder local to that township.
TOWNSHIP_PATH_LENGTH = 9


def draw_rules(
    *,
    sectors: Iterable[Sector] = (),
    risk_classes: Iterable[str] = (),
    only_operating: bool = True,
    weights: dict[str, int] | None = None,
    inspector_roles: Iterable[str] = DEFAULT_POOL_ROLES,
) -> dict:
    """The rules stored with a draw, in a plain form (ids and codes, sorted)."""
    weights = dict(algorithm.DEFAULT_RISK_WEIGHTS if weights is None else weights)
    return {
        "sectors": sorted({s.pk if hasattr(s, "pk") else int(s) for s in sectors}),
        "risk_classes": sorted(set(risk_classes)),
        "only_operating": bool(only_operating),
        "weights": {k: int(weights.get(k, 1)) for k in RiskClass.values},
        "inspector_roles": sorted(set(inspector_roles)),
    }


def _rule_errors(draw: RandomDraw) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    rules = draw.rules or {}
    if draw.enterprise_count is not None and draw.enterprise_count < 1:
        errors.setdefault("enterprise_count", []).append(_("Draw at least one enterprise."))
    if draw.inspectors_per_enterprise is not None and draw.inspectors_per_enterprise < 1:
        errors.setdefault("inspectors_per_enterprise", []).append(_("Send at least one inspector to each enterprise."))
    unknown_risk = set(rules.get("risk_classes", [])) - set(RiskClass.values)
    if unknown_risk:
        errors.setdefault("risk_classes", []).append(_("Unknown risk class."))
    roles = rules.get("inspector_roles") or []
    if not roles:
        errors.setdefault("inspector_roles", []).append(_("Choose who is in the inspector pool."))
    elif set(roles) - {str(r) for r in POOL_ROLES}:
        errors.setdefault("inspector_roles", []).append(_("This post role cannot be in the inspector pool."))
    weights = rules.get("weights") or {}
    if draw.weighting == DrawWeighting.RISK:
        if any(not isinstance(w, int) or w < 0 or w > 100 for w in weights.values()):
            errors.setdefault("weights", []).append(_("Weights are whole numbers from 0 to 100."))
        elif not any(weights.get(k, 0) > 0 for k in (rules.get("risk_classes") or RiskClass.values)):
            errors.setdefault("weights", []).append(_("At least one risk class in the pool needs a weight above 0."))
    return errors


def _validate(draw: RandomDraw) -> None:
    errors = _rule_errors(draw)
    if errors:
        raise ValidationError(errors)
    draw.full_clean(exclude=["enterprise_pool", "inspector_pool", "seed"])


@transaction.atomic
def draw_create(*, actor, jurisdiction: Jurisdiction, **fields) -> RandomDraw:
    """Define a draw in ``jurisdiction``; it is made later by :func:`draw_perform`."""
    require_permission(actor, "inspections.add_randomdraw")
    require_in_scope(actor, jurisdiction)
    unknown = set(fields) - set(DRAW_FIELDS)
    if unknown:
        raise TypeError(f"draw_create() got unexpected fields: {', '.join(sorted(unknown))}")
    fields.setdefault("rules", draw_rules())
    draw = RandomDraw(jurisdiction=jurisdiction, **fields)
    _validate(draw)
    draw.save()
    return draw


def _lock(actor, draw: RandomDraw, perm: str) -> RandomDraw:
    require_permission(actor, perm)
    locked = RandomDraw.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=draw.pk)
    require_in_scope(actor, locked.jurisdiction)
    return locked


@transaction.atomic
def draw_update(*, actor, draw: RandomDraw, **fields) -> RandomDraw:
    """Change a draw's definition; once made it no longer changes."""
    locked = _lock(actor, draw, "inspections.change_randomdraw")
    if locked.drawn_at is not None:
        raise ConflictError(_("This draw has been made; its rules can no longer change."))
    unknown = set(fields) - set(DRAW_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(locked, name, value)
    _validate(locked)
    locked.save()
    return locked


@transaction.atomic
def draw_delete(*, actor, draw: RandomDraw) -> None:
    locked = _lock(actor, draw, "inspections.delete_randomdraw")
    if locked.drawn_at is not None:
        raise ConflictError(_("A draw that has been made is kept."))
    locked.delete()


# --- The pools --------------------------------------------------------------------------------


def _township(path: str) -> str:
    return path[:TOWNSHIP_PATH_LENGTH] if len(path) >= TOWNSHIP_PATH_LENGTH else ""


def _grid_chains(grid_ids: set[int]) -> dict[int, tuple[int, ...]]:
    """Each grid cell with the cells above it (one query per level, at most four)."""
    parents: dict[int, int | None] = {}
    wanted = set(grid_ids)
    while wanted:
        rows = dict(Grid.objects.filter(pk__in=wanted).values_list("pk", "parent_id"))
        parents.update(rows)
        wanted = {p for p in rows.values() if p is not None and p not in parents}
    chains = {}
    for grid_id in grid_ids:
        chain, current = [], grid_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        chains[grid_id] = tuple(sorted(chain))
    return chains


def enterprise_pool_queryset(draw: RandomDraw):
    rules = draw.rules or {}
    enterprises = Enterprise.objects.filter(jurisdiction__path__startswith=draw.jurisdiction.path)
    if rules.get("sectors"):
        enterprises = enterprises.filter(sector_id__in=rules["sectors"])
    if rules.get("risk_classes"):
        enterprises = enterprises.filter(risk_class__in=rules["risk_classes"])
    if rules.get("only_operating", True):
        enterprises = enterprises.filter(status=EnterpriseStatus.OPERATING)
    return enterprises


def snapshot_enterprise_pool(draw: RandomDraw) -> list[dict]:
    """The enterprises that may be drawn, with their weights, townships and grid cells."""
    rules = draw.rules or {}
    weights = rules.get("weights") or algorithm.DEFAULT_RISK_WEIGHTS
    rows = list(enterprise_pool_queryset(draw).order_by("pk").values_list("pk", "risk_class", "jurisdiction__path", "grid_id"))
    chains = _grid_chains({grid for *_rest, grid in rows if grid is not None})
    pool = []
    for pk, risk_class, path, grid in rows:
        weight = int(weights.get(risk_class, 1)) if draw.weighting == DrawWeighting.RISK else 1
        pool.append(
            algorithm.PoolEnterprise(pk, weight, _township(path), chains.get(grid, ()) if grid else ()).as_dict()
        )
    return pool


def snapshot_inspector_pool(draw: RandomDraw, *, on=None) -> list[dict]:
    """The officials holding a current post of a pool role in the draw's jurisdiction, with the
    townships of all their current posts and the grid cells they supervise."""
    roles = (draw.rules or {}).get("inspector_roles") or list(DEFAULT_POOL_ROLES)
    on = on or timezone.localdate()
    current = Post.objects.current(on)
    official_ids = set(
        current.filter(role__in=roles, organization__jurisdiction__path__startswith=draw.jurisdiction.path, organization__is_active=True)
        .values_list("official_id", flat=True)
    )
    townships: dict[int, set[str]] = {pk: set() for pk in official_ids}
    for official_id, path in current.filter(official_id__in=official_ids).values_list("official_id", "organization__jurisdiction__path"):
        if _township(path):
            townships[official_id].add(_township(path))
    grids: dict[int, set[int]] = {pk: set() for pk in official_ids}
    supervised = GridSupervisor.objects.filter(post__in=current.filter(official_id__in=official_ids)).values_list(
        "post__official_id", "grid_id"
    )
    for official_id, grid_id in supervised:
        grids[official_id].add(grid_id)
    return [
        algorithm.PoolInspector(pk, tuple(sorted(townships[pk])), tuple(sorted(grids[pk]))).as_dict()
        for pk in sorted(official_ids)
    ]


def _draw_error_message(error: algorithm.DrawError) -> ValidationError:
    if error.code == "too_few_enterprises":
        return ValidationError(
            {
                "enterprise_count": _(
                    "The pool holds %(available)d enterprise(s); %(wanted)d cannot be drawn. Widen the filters or draw fewer."
                )
                % {"available": error.available, "wanted": error.wanted}
            }
        )
    if error.code == "too_few_inspectors":
        name = Enterprise.objects.filter(pk=error.enterprise_id).values_list("name", flat=True).first() or "?"
        return ValidationError(
            {
                "inspectors_per_enterprise": _(
                    "Only %(available)d inspector(s) without a conflict of interest remain for %(enterprise)s; "
                    "%(wanted)d are needed for each enterprise. Nothing was drawn: add inspectors to the pool or draw "
                    "fewer inspectors per enterprise."
                )
                % {"available": error.available, "enterprise": name, "wanted": error.wanted}
            }
        )
    return ValidationError(_("The draw could not be made."))


@transaction.atomic
def draw_perform(*, actor, draw: RandomDraw) -> RandomDraw:
    """Make the draw: snapshot the pools, generate the seed, run the algorithm and store the
    result. Refused when the draw was made already; when the pool cannot satisfy the rules,
    a clear error and nothing is saved."""
    locked = _lock(actor, draw, "inspections.change_randomdraw")
    if locked.drawn_at is not None:
        raise ConflictError(_("This draw has already been made; a draw is made only once."))
    _validate(locked)
    enterprise_pool = snapshot_enterprise_pool(locked)
    inspector_pool = snapshot_inspector_pool(locked)
    seed = secrets.token_hex(16)
    try:
        picks = algorithm.run_draw(
            seed=seed,
            enterprise_pool=enterprise_pool,
            inspector_pool=inspector_pool,
            count=locked.enterprise_count,
            per_enterprise=locked.inspectors_per_enterprise,
        )
    except algorithm.DrawError as error:
        raise _draw_error_message(error) from None
    locked.enterprise_pool = enterprise_pool
    locked.inspector_pool = inspector_pool
    locked.seed = seed
    locked.rules = {**(locked.rules or {}), "algorithm": algorithm.ALGORITHM_VERSION}
    locked.drawn_at = timezone.now()
    locked.drawn_by = actor
    locked.save()
    results = DrawnEnterprise.objects.bulk_create(
        [DrawnEnterprise(draw=locked, enterprise_id=pick.enterprise_id, order=n) for n, pick in enumerate(picks, start=1)]
    )
    through = DrawnEnterprise.inspectors.through
    through.objects.bulk_create(
        [
            through(drawnenterprise_id=result.pk, official_id=official_id)
            for result, pick in zip(results, picks, strict=True)
            for official_id in pick.inspector_ids
        ]
    )
    return locked


@transaction.atomic
def draw_publish(*, actor, draw: RandomDraw) -> RandomDraw:
    """Publish a draw on the public page (双随机一公开), with the outcomes of its inspections as
    they are submitted."""
    locked = _lock(actor, draw, "inspections.publish_randomdraw")
    if locked.drawn_at is None:
        raise ValidationError(_("Make the draw before publishing it."))
    if locked.published_at is not None:
        raise ConflictError(_("This draw has already been published."))
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at", "updated_at"])
    return locked


@transaction.atomic
def draw_start_inspection(*, actor, drawn: DrawnEnterprise) -> Inspection:
    """The draft inspection of a drawn enterprise, led by the first inspector drawn with the
    others as members; an existing one (of this draw at this enterprise) is returned instead of
    a second."""
    drawn = DrawnEnterprise.objects.select_related("draw__jurisdiction", "enterprise").get(pk=drawn.pk)
    if actor is not None and not RandomDraw.objects.restrict(actor, "view").filter(pk=drawn.draw_id).exists():
        raise PermissionDenied(_("This draw is outside your scope."))
    existing = Inspection.objects.filter(draw=drawn.draw_id, targets__enterprise=drawn.enterprise_id).order_by("pk").first()
    if existing is not None:
        return existing
    # The through rows were written in the order the inspectors were drawn.
    rows = DrawnEnterprise.inspectors.through.objects.filter(drawnenterprise=drawn).select_related("official").order_by("pk")
    inspectors = [row.official for row in rows]
    if not inspectors:
        raise ValidationError(_("No inspectors were drawn for this enterprise."))
    return inspection_save_draft(
        actor=actor,
        jurisdiction=drawn.draw.jurisdiction,
        kind=InspectionKind.RANDOM_DRAW,
        methods=[InspectionMethod.UNANNOUNCED],
        draw=drawn.draw,
        lead_official=inspectors[0],
        participants=[(official, ParticipantRole.MEMBER) for official in inspectors[1:]],
        targets=[TargetInput(enterprise=drawn.enterprise)],
    )
