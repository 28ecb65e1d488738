"""Writes on patrol plans: terms (届), their targets and batches.

``actor=None`` is a trusted system caller (seeding, commands). Every function re-checks the
actor's permission and scope inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from patrols.choices import TargetKind
from patrols.models import PatrolBatch, PatrolTarget, PatrolTerm
from responsibility.choices import DEPARTMENT_KINDS, JurisdictionLevel, OrganizationKind
from responsibility.models import Jurisdiction, Organization
from responsibility.services.backbone import require_in_scope, require_permission

#: Levels that issue patrols (seed 004: the province; cities do the same for their counties).
ISSUING_LEVELS = (JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY)
#: The levels whose Party committee and government a patrol of each kind may target.
TARGET_LEVELS = {
    TargetKind.PARTY_GOVERNMENT: (JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.TOWNSHIP),
    TargetKind.DEVELOPMENT_ZONE: (JurisdictionLevel.DEVELOPMENT_ZONE,),
}
#: Organizations a target of each kind may name.
TARGET_ORGANIZATION_KINDS = {
    TargetKind.PARTY_GOVERNMENT: (OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GOVERNMENT),
    TargetKind.DEVELOPMENT_ZONE: (OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GOVERNMENT),
    TargetKind.DEPARTMENT: DEPARTMENT_KINDS,
}


def _require_term(actor, term: PatrolTerm, action: str = "change") -> None:
    if actor is None:
        return
    if not PatrolTerm.objects.restrict(actor, action).filter(pk=term.pk).exists():
        if PatrolTerm.objects.restrict(actor, "view").filter(pk=term.pk).exists():
            raise PermissionDenied(_("Your role does not allow this action."))
        raise PermissionDenied(_("This term is outside your scope."))


# --- Terms ------------------------------------------------------------------------------------


def _validate_term(term: PatrolTerm) -> None:
    errors = {}
    if term.issuing_jurisdiction_id and term.issuing_jurisdiction.level not in ISSUING_LEVELS:
        errors["issuing_jurisdiction"] = _("Patrols are issued by a province or a city.")
    if term.start_date and term.end_date and term.end_date <= term.start_date:
        errors["end_date"] = _("The term must end after it starts.")
    if errors:
        raise ValidationError(errors)
    term.full_clean(exclude=["issuing_path"])


@transaction.atomic
def term_create(*, actor, issuing_jurisdiction: Jurisdiction, name: str, start_date: date, end_date: date, note: str = "") -> PatrolTerm:
    """Plan a term of patrols for the issuing jurisdiction."""
    require_permission(actor, "patrols.add_patrolterm")
    require_in_scope(actor, issuing_jurisdiction, "issuing_jurisdiction")
    term = PatrolTerm(
        issuing_jurisdiction=issuing_jurisdiction, name=name.strip(), start_date=start_date, end_date=end_date, note=note,
        created_by=actor,
    )
    term.issuing_path = issuing_jurisdiction.path
    _validate_term(term)
    term.save()
    return term


@transaction.atomic
def term_update(*, actor, term: PatrolTerm, **fields) -> PatrolTerm:
    require_permission(actor, "patrols.change_patrolterm")
    term = PatrolTerm.objects.select_for_update().get(pk=term.pk)
    _require_term(actor, term)
    unknown = set(fields) - {"name", "start_date", "end_date", "note"}
    if unknown:
        raise TypeError(f"term_update() got unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(term, name, value)
    _validate_term(term)
    term.save()
    return term


# --- Targets ----------------------------------------------------------------------------------


def _validate_target(target: PatrolTarget, organizations: list[Organization]) -> None:
    term, jurisdiction = target.term, target.jurisdiction
    errors: dict[str, list] = {}
    if target.kind == TargetKind.DEPARTMENT:
        if jurisdiction.path != term.issuing_path:
            errors.setdefault("jurisdiction", []).append(_("A department target belongs to the issuing jurisdiction."))
        if not organizations:
            errors.setdefault("organizations", []).append(_("Name the department."))
    else:
        if not (jurisdiction.path.startswith(term.issuing_path) and jurisdiction.path != term.issuing_path):
            errors.setdefault("jurisdiction", []).append(_("The target must lie below the issuing jurisdiction."))
        if jurisdiction.level not in TARGET_LEVELS[target.kind]:
            errors.setdefault("jurisdiction", []).append(
                _("A development zone target is a development zone.")
                if target.kind == TargetKind.DEVELOPMENT_ZONE
                else _("Choose a city, county or township.")
            )
    allowed = TARGET_ORGANIZATION_KINDS[target.kind]
    for organization in organizations:
        if organization.jurisdiction_id != jurisdiction.pk:
            errors.setdefault("organizations", []).append(
                _("%(name)s belongs to another jurisdiction.") % {"name": organization.name}
            )
        elif organization.kind not in allowed:
            errors.setdefault("organizations", []).append(
                _("%(name)s is not an organization of this kind of target.") % {"name": organization.name}
            )
    if errors:
        raise ValidationError(errors)
    target.full_clean(exclude=["unit_path"])


def default_target_name(kind: str, jurisdiction: Jurisdiction, organizations: Iterable[Organization] = ()) -> str:
    if kind == TargetKind.DEPARTMENT:
        return "、".join(o.name for o in organizations)
    if kind == TargetKind.DEVELOPMENT_ZONE:
        return f"{jurisdiction.name}党工委、管委会"
    return f"{jurisdiction.name}党委、政府"


def default_organizations(kind: str, jurisdiction: Jurisdiction) -> list[Organization]:
    """The Party committee and government (or the zone's committees) registered for the place."""
    if kind == TargetKind.DEPARTMENT:
        return []
    return list(
        Organization.objects.filter(
            jurisdiction=jurisdiction, kind__in=TARGET_ORGANIZATION_KINDS[kind], is_active=True
        ).order_by("sort_order", "pk")
    )


@transaction.atomic
def target_create(
    *,
    actor,
    term: PatrolTerm,
    kind: str,
    jurisdiction: Jurisdiction,
    organizations: Iterable[Organization] = (),
    name: str = "",
    problem_unit: bool = False,
    note: str = "",
    sort_order: int = 100,
) -> PatrolTarget:
    """Add a unit to be patrolled in the term. Without organizations, a Party-and-government or
    zone target names those registered for the place."""
    require_permission(actor, "patrols.add_patroltarget")
    term = PatrolTerm.objects.select_related("issuing_jurisdiction").get(pk=term.pk)
    _require_term(actor, term)
    organizations = list(organizations) or default_organizations(kind, jurisdiction)
    target = PatrolTarget(
        term=term, kind=kind, jurisdiction=jurisdiction, name=(name or default_target_name(kind, jurisdiction, organizations)).strip(),
        problem_unit=problem_unit, note=note, sort_order=sort_order,
    )
    _validate_target(target, organizations)
    target.save()
    target.organizations.set(organizations)
    return target


@transaction.atomic
def target_update(*, actor, target: PatrolTarget, organizations: Iterable[Organization] | None = None, **fields) -> PatrolTarget:
    require_permission(actor, "patrols.change_patroltarget")
    target = PatrolTarget.objects.select_for_update(of=("self",)).select_related("term", "jurisdiction").get(pk=target.pk)
    _require_term(actor, target.term)
    unknown = set(fields) - {"name", "problem_unit", "note", "sort_order", "kind", "jurisdiction"}
    if unknown:
        raise TypeError(f"target_update() got unexpected fields: {', '.join(sorted(unknown))}")
    if ("kind" in fields and fields["kind"] != target.kind or "jurisdiction" in fields and fields["jurisdiction"] != target.jurisdiction) and (
        target.patrols.exists()
    ):
        raise ValidationError(_("A target with patrols keeps its kind and jurisdiction."))
    for name, value in fields.items():
        setattr(target, name, value)
    organizations = list(target.organizations.all()) if organizations is None else list(organizations)
    _validate_target(target, organizations)
    target.save()
    target.organizations.set(organizations)
    return target


@transaction.atomic
def targets_add_jurisdictions(*, actor, term: PatrolTerm, levels: Iterable[str] | None = None) -> list[PatrolTarget]:
    """Add every active city, county and development zone directly below the issuing
    jurisdiction's level (a province: its cities and, below them, counties and zones; a city:
    its counties and zones) that the term does not target yet. Returns the new targets."""
    require_permission(actor, "patrols.add_patroltarget")
    term = PatrolTerm.objects.select_related("issuing_jurisdiction").get(pk=term.pk)
    _require_term(actor, term)
    levels = tuple(levels or (JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE))
    existing = set(term.targets.exclude(kind=TargetKind.DEPARTMENT).values_list("jurisdiction_id", flat=True))
    places = Jurisdiction.objects.filter(path__startswith=term.issuing_path, level__in=levels, is_active=True).exclude(
        pk=term.issuing_jurisdiction_id
    ).exclude(pk__in=existing).order_by("path")
    created = []
    for order, place in enumerate(places, start=1):
        kind = TargetKind.DEVELOPMENT_ZONE if place.level == JurisdictionLevel.DEVELOPMENT_ZONE else TargetKind.PARTY_GOVERNMENT
        organizations = default_organizations(kind, place)
        target = PatrolTarget(
            term=term, kind=kind, jurisdiction=place, name=default_target_name(kind, place, organizations), sort_order=order * 10
        )
        if term.targets.filter(name=target.name).exists():
            continue
        _validate_target(target, organizations)
        target.save()
        target.organizations.set(organizations)
        created.append(target)
    return created


# --- Batches ----------------------------------------------------------------------------------


def _validate_batch(batch: PatrolBatch) -> None:
    errors = {}
    if batch.start_month:
        if batch.start_month.day != 1:
            batch.start_month = batch.start_month.replace(day=1)
        term = batch.term
        if not (term.start_date.replace(day=1) <= batch.start_month <= term.end_date):
            errors["start_month"] = _("The batch must start within the term.")
    if errors:
        raise ValidationError(errors)
    batch.full_clean()


@transaction.atomic
def batch_create(*, actor, term: PatrolTerm, number: int, start_month: date, name: str = "", note: str = "") -> PatrolBatch:
    require_permission(actor, "patrols.add_patrolbatch")
    term = PatrolTerm.objects.get(pk=term.pk)
    _require_term(actor, term)
    batch = PatrolBatch(term=term, number=number, start_month=start_month, name=name.strip(), note=note)
    _validate_batch(batch)
    batch.save()
    return batch


@transaction.atomic
def batch_update(*, actor, batch: PatrolBatch, **fields) -> PatrolBatch:
    require_permission(actor, "patrols.change_patrolbatch")
    batch = PatrolBatch.objects.select_for_update(of=("self",)).select_related("term").get(pk=batch.pk)
    _require_term(actor, batch.term)
    unknown = set(fields) - {"number", "start_month", "name", "note"}
    if unknown:
        raise TypeError(f"batch_update() got unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(batch, name, value)
    _validate_batch(batch)
    batch.save()
    return batch
