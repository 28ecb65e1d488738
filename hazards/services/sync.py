"""Idempotent writes for county systems that push their hazards: one record per
``(source_system, external_id)``, created the first time, updated when the pushed fields
differ, left alone (no save, no timeline event) when they do not.

An upsert never moves the status: that happens only through the transitions, so a system
re-pushing an old snapshot cannot undo the office's work. The deadline is taken when the hazard
is created; later it moves only when the hazard is accepted or an extension is granted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hazards.choices import HazardSource
from hazards.models import Hazard
from hazards.services.ledger import DETAIL_FIELDS, PLAN_FIELDS, hazard_report, hazard_update

#: Fields an upsert compares and, when they differ, updates.
UPSERT_FIELDS = (*DETAIL_FIELDS, *PLAN_FIELDS)
#: Taken when the record is created only.
CREATE_ONLY_FIELDS = ("deadline",)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
OUTCOMES = (CREATED, UPDATED, UNCHANGED)

_KEY_LENGTHS = {
    "source_system": Hazard._meta.get_field("source_system").max_length,
    "external_id": Hazard._meta.get_field("external_id").max_length,
}


@dataclass(frozen=True)
class HazardUpsert:
    hazard: Hazard
    outcome: str
    #: names of the fields that were changed (empty unless ``outcome == "updated"``)
    changed: tuple[str, ...] = field(default=())

    @property
    def created(self) -> bool:
        return self.outcome == CREATED


def normalise_key(source_system: str | None, external_id: str | None) -> tuple[str, str]:
    """The stripped key, or field errors when a part is missing or too long."""
    key = {"source_system": (source_system or "").strip(), "external_id": (external_id or "").strip()}
    errors: dict[str, list[str]] = {}
    for name, value in key.items():
        if not value:
            errors.setdefault(name, []).append(_("This field is required."))
        elif len(value) > _KEY_LENGTHS[name]:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": _KEY_LENGTHS[name]})
    if errors:
        raise ValidationError(errors)
    return key["source_system"], key["external_id"]


def differences(hazard: Hazard, fields: dict[str, Any]) -> list[str]:
    """The names of ``fields`` whose value differs from the hazard's (related records by id)."""
    changed = []
    for name, value in fields.items():
        model_field = Hazard._meta.get_field(name)
        if model_field.is_relation:
            current, new = getattr(hazard, model_field.attname), (value.pk if value is not None else None)
        else:
            current, new = getattr(hazard, name), value
        if current != new:
            changed.append(name)
    return changed


def _is_enterprise_account(actor) -> bool:
    from core.choices import AccountType

    return actor is not None and getattr(actor, "account_type", None) == AccountType.ENTERPRISE


@transaction.atomic
def hazard_upsert_outcome(*, actor, source_system: str, external_id: str, **fields) -> HazardUpsert:
    """Create or update the hazard pushed as ``(source_system, external_id)``; see the module.

    A record with that key which the actor cannot see (another county's) is refused, never
    updated. Two pushes of the same new record at the same moment create it once: the loser of
    the race finds the winner's row and updates (or leaves) it.
    """
    source_system, external_id = normalise_key(source_system, external_id)
    unknown = set(fields) - set(UPSERT_FIELDS) - set(CREATE_ONLY_FIELDS)
    if unknown:
        raise TypeError(f"hazard_upsert() got unexpected fields: {', '.join(sorted(unknown))}")
    if _is_enterprise_account(actor):
        # hazard_report records an enterprise's own findings as self-checks whatever was sent;
        # comparing with what was sent would report a change on every re-push.
        fields["source"] = HazardSource.SELF_CHECK
    lookup = {"source_system": source_system, "external_id": external_id}

    for attempt in range(2):
        existing = Hazard.objects.select_for_update().filter(**lookup).first()
        if existing is not None:
            return _update_existing(actor, existing, fields)
        try:
            with transaction.atomic():
                hazard = hazard_report(actor=actor, source_system=source_system, external_id=external_id, **fields)
            return HazardUpsert(hazard, CREATED)
        except (IntegrityError, ValidationError) as error:
            # Lost a race against a concurrent push of the same record: deal with its row.
            if attempt == 0 and Hazard.objects.filter(**lookup).exists():
                continue
            if isinstance(error, IntegrityError):
                raise ValidationError({"external_id": _("Another hazard already has this external id from this system.")}) from None
            raise
    raise AssertionError("unreachable")


def _update_existing(actor, hazard: Hazard, fields: dict[str, Any]) -> HazardUpsert:
    if actor is not None and not Hazard.objects.restrict(actor, "view").filter(pk=hazard.pk).exists():
        # Not "outside your scope": that would confirm another county has this record.
        raise ValidationError(
            {"external_id": _("This external id is already used by a record you cannot change; use your own source system name.")}
        )
    comparable = {name: value for name, value in fields.items() if name not in CREATE_ONLY_FIELDS}
    changed = differences(hazard, comparable)
    if not changed:
        return HazardUpsert(hazard, UNCHANGED)
    hazard = hazard_update(actor=actor, hazard=hazard, **{name: comparable[name] for name in changed})
    return HazardUpsert(hazard, UPDATED, tuple(changed))


def hazard_upsert(*, actor, source_system: str, external_id: str, **fields) -> tuple[Hazard, bool]:
    """``(hazard, created)``; :func:`hazard_upsert_outcome` also tells updated from unchanged."""
    result = hazard_upsert_outcome(actor=actor, source_system=source_system, external_id=external_id, **fields)
    return result.hazard, result.created
