"""Writes on enterprises (生产经营单位), their supervising departments, enterprise accounts and
the per-jurisdiction sector → department mapping ("三管三必须").

Rules kept here, whoever calls (form, API, import, command):

* an enterprise is registered in a township or village of the actor's scope; another
  county's jurisdiction is refused with the same message as a wrong level, so the error tells
  nothing about the other county;
* the unified social credit code is valid (GB 32100) and unique;
* supervising departments are departments (``DEPARTMENT_KINDS``) of the enterprise's county
  (or development zone) or city that the actor may see; when there are any, exactly one is
  primary. None at all is allowed: that is a coverage gap, shown on the coverage page rather
  than hidden by a refusal;
* a sector mapping row names a department of the mapped jurisdiction itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.access import forget_scope, get_scope
from core.choices import AccountType
from responsibility.choices import DEPARTMENT_KINDS, JurisdictionLevel
from responsibility.models import (
    Enterprise,
    EnterpriseSupervision,
    Jurisdiction,
    Organization,
    Sector,
    SectorResponsibility,
)
from responsibility.services.backbone import require_in_scope, require_permission
from responsibility.validators import credit_code_error

#: Where enterprises are registered.
ENTERPRISE_LEVELS = (JurisdictionLevel.TOWNSHIP, JurisdictionLevel.VILLAGE)
#: Levels whose departments supervise enterprises and own a sector mapping.
DEPARTMENT_LEVELS = (JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE)
MAPPING_LEVELS = DEPARTMENT_LEVELS

#: The fields of an enterprise a caller may set (supervising departments come separately).
ENTERPRISE_FIELDS = (
    "credit_code", "name", "address", "jurisdiction", "sector", "scale", "risk_class", "status",
    "legal_representative", "safety_contact", "contact_phone", "employees", "accident_count",
    "last_accident_on", "is_weak", "latitude", "longitude", "source_system", "external_id",
)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: "Leave as it is": distinguishes an omitted argument from an explicit ``None`` / empty list.
UNSET: Any = _Unset()


def normalise_credit_code(code: str | None) -> str:
    return (code or "").strip().upper()


def department_ancestor_paths(jurisdiction: Jurisdiction) -> list[str]:
    """Paths of the county-level unit and the city above a township or village: the
    jurisdictions whose departments may supervise an enterprise registered there."""
    return [jurisdiction.path[:6], jurisdiction.path[:4]]


def supervising_department_candidates(jurisdiction: Jurisdiction, actor=None):
    """Departments that may supervise an enterprise in ``jurisdiction`` (and that ``actor``
    may see, when given)."""
    queryset = Organization.objects.filter(
        kind__in=DEPARTMENT_KINDS,
        jurisdiction__path__in=department_ancestor_paths(jurisdiction),
        jurisdiction__level__in=DEPARTMENT_LEVELS,
    )
    return queryset.restrict(actor, "view") if actor is not None else queryset


# --- Checks -----------------------------------------------------------------------------------


def _check_jurisdiction(actor, jurisdiction: Jurisdiction | None) -> None:
    # One message for "wrong level" and "not yours": it must not confirm that a code of
    # another county exists.
    if (
        jurisdiction is None
        or jurisdiction.level not in ENTERPRISE_LEVELS
        or (actor is not None and not get_scope(actor).contains(jurisdiction.path))
    ):
        raise ValidationError({"jurisdiction": _("Choose a township or village in your scope.")})


def _check_credit_code(code: str, exclude_pk: int | None = None) -> None:
    error = credit_code_error(code)
    if error:
        raise ValidationError({"credit_code": error})
    others = Enterprise.objects.filter(credit_code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"credit_code": _("An enterprise with this unified social credit code is already registered.")})


def _check_departments(
    actor, jurisdiction: Jurisdiction, primary: Organization | None, others: list[Organization], keep: Iterable[int] = ()
) -> None:
    """``keep``: departments supervising the enterprise already. The actor may keep them even
    when they cannot see them (a county office editing an enterprise the city's bureau also
    supervises), as long as they still fit the enterprise's place."""
    errors: dict[str, list[str]] = {}
    allowed = set(supervising_department_candidates(jurisdiction, actor).values_list("pk", flat=True))
    keep = set(keep)
    if keep:
        allowed |= set(supervising_department_candidates(jurisdiction).filter(pk__in=keep).values_list("pk", flat=True))
    if primary is not None and primary.pk not in allowed:
        errors["primary_department"] = [_("Choose a department of the enterprise's county or city in your scope.")]
    wrong = [o.name for o in others if o.pk not in allowed]
    if wrong:
        errors["other_departments"] = [
            _("Not a department of the enterprise's county or city in your scope: %(names)s.") % {"names": "、".join(wrong)}
        ]
    if others and primary is None:
        errors.setdefault("primary_department", []).append(
            _("Choose the primary supervising department; the others come in addition to it.")
        )
    if errors:
        raise ValidationError(errors)


# --- Supervising departments ------------------------------------------------------------------


def _supervision_text(pairs: Iterable[tuple[str, bool]]) -> str:
    ordered = sorted(pairs, key=lambda p: (not p[1], p[0]))
    return "、".join(f"{name}（{_('primary')}）" if primary else name for name, primary in ordered) or "—"


def _log_change(enterprise: Enterprise, actor, label: str, before: str, after: str) -> None:
    """Record a change that is not a field of the enterprise (its departments, its accounts)
    on the enterprise's own history, where people look for it."""
    LogEntry.objects.log_create(
        enterprise,
        action=LogEntry.Action.UPDATE,
        changes={label: [before, after]},
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _set_supervisions(
    enterprise: Enterprise, primary: Organization | None, others: Iterable[Organization], actor=None
) -> bool:
    """Make the enterprise's supervising departments exactly ``primary`` + ``others``; log the
    change on the enterprise's history. Returns whether anything changed."""
    wanted: dict[int, bool] = {}
    if primary is not None:
        wanted[primary.pk] = True
    for organization in others:
        wanted.setdefault(organization.pk, False)
    current = {
        s.organization_id: s for s in EnterpriseSupervision.objects.select_for_update().filter(enterprise=enterprise).select_related("organization")
    }
    if {pk: s.is_primary for pk, s in current.items()} == wanted:
        return False
    before = _supervision_text((s.organization.name, s.is_primary) for s in current.values())
    removed = [pk for pk in current if pk not in wanted]
    EnterpriseSupervision.objects.filter(enterprise=enterprise, organization_id__in=removed).delete()
    # Demote before promoting: at most one primary row may exist at any moment.
    demote = [pk for pk, s in current.items() if pk in wanted and s.is_primary and not wanted[pk]]
    EnterpriseSupervision.objects.filter(enterprise=enterprise, organization_id__in=demote).update(is_primary=False)
    promote = [pk for pk, s in current.items() if pk in wanted and not s.is_primary and wanted[pk]]
    EnterpriseSupervision.objects.filter(enterprise=enterprise, organization_id__in=promote).update(is_primary=True)
    EnterpriseSupervision.objects.bulk_create(
        [EnterpriseSupervision(enterprise=enterprise, organization_id=pk, is_primary=is_primary) for pk, is_primary in wanted.items() if pk not in current]
    )
    names = dict(Organization.objects.filter(pk__in=wanted).values_list("pk", "name"))
    after = _supervision_text((names[pk], is_primary) for pk, is_primary in wanted.items())
    # EnterpriseSupervision rows are not audited one by one.
    _log_change(enterprise, actor, str(EnterpriseSupervision._meta.verbose_name_plural), before, after)
    return True


# --- Enterprises ------------------------------------------------------------------------------


def _apply_and_validate(enterprise: Enterprise, actor, fields: dict) -> None:
    unknown = set(fields) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown enterprise fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.credit_code = normalise_credit_code(enterprise.credit_code)
    enterprise.source_system = (enterprise.source_system or "").strip()
    enterprise.external_id = (enterprise.external_id or "").strip()
    _check_jurisdiction(actor, getattr(enterprise, "jurisdiction", None) if enterprise.jurisdiction_id else None)
    _check_credit_code(enterprise.credit_code, exclude_pk=enterprise.pk)
    if enterprise.external_id:
        clash = Enterprise.objects.filter(source_system=enterprise.source_system, external_id=enterprise.external_id)
        if enterprise.pk:
            clash = clash.exclude(pk=enterprise.pk)
        if clash.exists():
            raise ValidationError({"external_id": _("Another enterprise already has this external id from this system.")})
    # Uniqueness is checked above with clearer messages; full_clean checks everything else.
    enterprise.full_clean(validate_unique=False, validate_constraints=False)


def _save(enterprise: Enterprise) -> None:
    """Save inside a savepoint so that losing a race for a unique value (two creates with the
    same code at once) is a field error, not a broken transaction."""
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        raise ValidationError(
            {"credit_code": _("An enterprise with this unified social credit code is already registered.")}
        ) from None


@transaction.atomic
def enterprise_create(
    *, actor, primary_department: Organization | None = None, other_departments: Iterable[Organization] = (), **fields
) -> Enterprise:
    """Register an enterprise with its supervising departments (one primary, others allowed).

    ``fields`` are model fields from :data:`ENTERPRISE_FIELDS`; ``jurisdiction`` must be a
    township or village in the actor's scope."""
    require_permission(actor, "responsibility.add_enterprise")
    enterprise = Enterprise()
    _apply_and_validate(enterprise, actor, fields)
    others = [o for o in other_departments if primary_department is None or o.pk != primary_department.pk]
    _check_departments(actor, enterprise.jurisdiction, primary_department, others)
    _save(enterprise)
    if primary_department is not None or others:
        _set_supervisions(enterprise, primary_department, others, actor)
    return enterprise


@transaction.atomic
def enterprise_update(
    *, instance: Enterprise, actor, primary_department: Any = UNSET, other_departments: Any = UNSET, **fields
) -> Enterprise:
    """Change an enterprise. Supervising departments change only when ``primary_department``
    or ``other_departments`` is given (the one left out keeps its current value)."""
    require_permission(actor, "responsibility.change_enterprise")
    enterprise = Enterprise.objects.select_for_update().select_related("jurisdiction").get(pk=instance.pk)
    _require_changeable(actor, enterprise)
    _apply_and_validate(enterprise, actor, fields)
    if primary_department is not UNSET or other_departments is not UNSET or "jurisdiction" in fields:
        current = list(enterprise.supervisions.select_related("organization"))
        if primary_department is UNSET:
            primary_department = next((s.organization for s in current if s.is_primary), None)
        if other_departments is UNSET:
            other_departments = [s.organization for s in current if not s.is_primary]
        others = [o for o in other_departments if primary_department is None or o.pk != primary_department.pk]
        # A move to another county re-checks the departments kept from before.
        _check_departments(actor, enterprise.jurisdiction, primary_department, others, keep=[s.organization_id for s in current])
        _save(enterprise)
        _set_supervisions(enterprise, primary_department, others, actor)
    else:
        _save(enterprise)
    return enterprise


def _require_changeable(actor, enterprise: Enterprise) -> None:
    """Inside the transaction: a visible enterprise the actor may not change is a 403; an
    invisible one was already a 404 for the caller, and stays refused here."""
    if actor is None:
        return
    if not Enterprise.objects.restrict(actor, "change").filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("Your role does not allow this action."))


@transaction.atomic
def enterprise_upsert(*, actor, match_on: str = "credit_code", **fields) -> tuple[Enterprise, bool]:
    """Create or update, for systems that push their records (idempotent).

    ``match_on="credit_code"``: the enterprise with this code is updated, or created.
    ``match_on="external_id"``: the enterprise with this (``source_system``, ``external_id``)
    is updated, or created. Fields left out keep their current value on update.
    Returns ``(enterprise, created)``. An enterprise that exists but lies outside the actor's
    scope is refused like a duplicate (the code is taken), never updated.
    """
    if match_on == "credit_code":
        lookup = {"credit_code": normalise_credit_code(fields.get("credit_code"))}
        error = credit_code_error(lookup["credit_code"])
        if error:
            raise ValidationError({"credit_code": error})
    elif match_on == "external_id":
        lookup = {"source_system": (fields.get("source_system") or "").strip(), "external_id": (fields.get("external_id") or "").strip()}
        if not lookup["external_id"]:
            raise ValidationError({"external_id": _("This field is required.")})
    else:
        raise ValueError(f"match_on must be credit_code or external_id, not {match_on!r}")

    for attempt in range(2):
        existing = Enterprise.objects.select_for_update().filter(**lookup).first()
        if existing is not None:
            if actor is not None and not Enterprise.objects.restrict(actor, "view").filter(pk=existing.pk).exists():
                field = "credit_code" if match_on == "credit_code" else "external_id"
                raise ValidationError({field: _("This record belongs to an enterprise outside your scope.")})
            return enterprise_update(instance=existing, actor=actor, **fields), False
        try:
            with transaction.atomic():
                return enterprise_create(actor=actor, **fields), True
        except ValidationError as error:
            # Lost a race against a concurrent create of the same record: update it instead.
            if attempt == 0 and Enterprise.objects.filter(**lookup).exists():
                continue
            raise error from None
    raise AssertionError("unreachable")


@transaction.atomic
def enterprise_grant_account(*, actor, enterprise: Enterprise, user) -> None:
    """Let an enterprise account see this enterprise (a django-guardian object permission):
    the account sees its own enterprise and nothing else of its kind."""
    from guardian.shortcuts import assign_perm

    require_permission(actor, "responsibility.change_enterprise")
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_changeable(actor, enterprise)
    if getattr(user, "account_type", None) != AccountType.ENTERPRISE or not user.is_active:
        raise ValidationError({"user": _("Only an active enterprise account can be linked to an enterprise.")})
    assign_perm("responsibility.view_enterprise", user, enterprise)
    forget_scope(user)
    _log_change(enterprise, actor, str(_("account access")), "—", user.get_username())


@transaction.atomic
def enterprise_revoke_account(*, actor, enterprise: Enterprise, user) -> None:
    from guardian.shortcuts import remove_perm

    require_permission(actor, "responsibility.change_enterprise")
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_changeable(actor, enterprise)
    remove_perm("responsibility.view_enterprise", user, enterprise)
    forget_scope(user)
    _log_change(enterprise, actor, str(_("account access")), user.get_username(), "—")


# --- Sector mapping ("三管三必须") -------------------------------------------------------------


@transaction.atomic
def sector_responsibility_set(
    *,
    actor,
    jurisdiction: Jurisdiction,
    sector: Sector,
    lead: Organization | None = None,
    others: Iterable[Organization] = (),
    basis: str = "",
) -> list[SectorResponsibility]:
    """Set who is responsible for ``sector`` in ``jurisdiction`` (a city, county or zone):
    one lead department and any others (an overlap, allowed). No department at all leaves the
    sector unmapped, which the coverage page shows as a gap. Returns the rows now in force."""
    require_permission(actor, "responsibility.change_sectorresponsibility")
    # Lock the jurisdiction: two people editing the same jurisdiction's mapping take turns.
    jurisdiction = Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
    if jurisdiction.level not in MAPPING_LEVELS:
        raise ValidationError({"jurisdiction": _("Sector responsibilities are set for a city, a county or a development zone.")})
    require_in_scope(actor, jurisdiction)
    others = [o for o in others if lead is None or o.pk != lead.pk]
    errors: dict[str, list[str]] = {}
    for field, departments in (("lead", [lead] if lead is not None else []), ("others", others)):
        wrong = [o.name for o in departments if o.jurisdiction_id != jurisdiction.pk or o.kind not in DEPARTMENT_KINDS]
        if wrong:
            errors[field] = [
                _("Not a department of %(jurisdiction)s: %(names)s.") % {"jurisdiction": jurisdiction.name, "names": "、".join(wrong)}
            ]
    if others and lead is None:
        errors.setdefault("lead", []).append(_("Choose the lead department; the others come in addition to it."))
    if errors:
        raise ValidationError(errors)
    basis = (basis or "").strip()
    wanted = {o.pk: (o.pk == (lead.pk if lead else None)) for o in [*([lead] if lead else []), *others]}
    current = {r.organization_id: r for r in SectorResponsibility.objects.filter(jurisdiction=jurisdiction, sector=sector)}
    for pk, row in current.items():
        if pk not in wanted:
            row.delete()  # one by one: the mapping is audited
    kept = []
    # Rows becoming "other" first, so the table never shows two leads for a moment.
    for pk, is_lead in sorted(wanted.items(), key=lambda item: item[1]):
        row = current.get(pk) or SectorResponsibility(jurisdiction=jurisdiction, sector=sector, organization_id=pk)
        if row.pk is None or row.is_lead != is_lead or row.basis != basis:
            row.is_lead, row.basis = is_lead, basis
            row.full_clean()
            row.save()
        kept.append(row)
    return kept
