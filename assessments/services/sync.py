"""Idempotent writes for county systems that push their accidents: one record per
``(source_system, external_id)``, created the first time, updated when the pushed facts
differ, left alone (no save, no timeline event) when they do not.

An upsert carries the facts of an accident only (:data:`UPSERT_FIELDS`). The investigation,
the listing and the evaluation move through their own services, so a system re-pushing an old
snapshot cannot undo the office's work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessments.models import Accident
from assessments.services.accidents import DETAIL_FIELDS, accident_report, accident_update

#: Fields an upsert compares and, when they differ, updates.
UPSERT_FIELDS = DETAIL_FIELDS

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
OUTCOMES = (CREATED, UPDATED, UNCHANGED)

_KEY_LENGTHS = {
    "source_system": Accident._meta.get_field("source_system").max_length,
    "external_id": Accident._meta.get_field("external_id").max_length,
}


@dataclass(frozen=True)
class AccidentUpsert:
    accident: Accident
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


def differences(accident: Accident, fields: dict[str, Any]) -> list[str]:
    """The names of ``fields`` whose value differs from the accident's (related records by id,
    amounts as numbers: ``12.5`` and ``12.50`` are the same loss)."""
    changed = []
    for name, value in fields.items():
        model_field = Accident._meta.get_field(name)
        if model_field.is_relation:
            current, new = getattr(accident, model_field.attname), (value.pk if value is not None else None)
        elif name == "direct_loss":
            current, new = accident.direct_loss, Decimal(str(value if value is not None else 0))
        else:
            current, new = getattr(accident, name), value
        if current != new:
            changed.append(name)
    return changed


def _derived_defaults(fields: dict[str, Any]) -> dict[str, Any]:
    """What a report fills in from the enterprise when the push leaves it out: comparing with
    the push as sent would report a change on every re-push."""
    enterprise = fields.get("enterprise")
    if enterprise is None:
        return fields
    fields = dict(fields)
    if fields.get("jurisdiction") is None:
        fields.pop("jurisdiction", None)
    if fields.get("sector") is None:
        fields.pop("sector", None)
    if fields.get("supervising_department") is None:
        fields.pop("supervising_department", None)
    return fields


@transaction.atomic
def accident_upsert_outcome(*, actor, source_system: str, external_id: str, data: dict[str, Any]) -> AccidentUpsert:
    """Create or update the accident pushed as ``(source_system, external_id)``; see the module.

    A record with that key which the actor cannot see (another county's) is refused, never
    updated. Two pushes of the same new record at the same moment create it once: the loser of
    the race finds the winner's row and updates (or leaves) it.
    """
    source_system, external_id = normalise_key(source_system, external_id)
    unknown = set(data) - set(UPSERT_FIELDS)
    if unknown:
        raise TypeError(f"accident_upsert() got unexpected fields: {', '.join(sorted(unknown))}")
    lookup = {"source_system": source_system, "external_id": external_id}

    for attempt in range(2):
        existing = Accident.objects.select_for_update().filter(**lookup).first()
        if existing is not None:
            return _update_existing(actor, existing, data)
        try:
            with transaction.atomic():
                accident = accident_report(actor=actor, source_system=source_system, external_id=external_id, **data)
            return AccidentUpsert(accident, CREATED)
        except (IntegrityError, ValidationError) as error:
            # Lost a race against a concurrent push of the same record: deal with its row.
            if attempt == 0 and Accident.objects.filter(**lookup).exists():
                continue
            if isinstance(error, IntegrityError):
                raise ValidationError({"external_id": _("Another accident already has this external id from this system.")}) from None
            raise
    raise AssertionError("unreachable")


def _update_existing(actor, accident: Accident, data: dict[str, Any]) -> AccidentUpsert:
    if actor is not None and not Accident.objects.restrict(actor, "view").filter(pk=accident.pk).exists():
        # Not "outside your scope": that would confirm another county has this record.
        raise ValidationError(
            {"external_id": _("This external id is already used by a record you cannot change; use your own source system name.")}
        )
    comparable = _derived_defaults(data)
    changed = differences(accident, comparable)
    if not changed:
        return AccidentUpsert(accident, UNCHANGED)
    accident = accident_update(actor=actor, accident=accident, **{name: comparable[name] for name in changed})
    return AccidentUpsert(accident, UPDATED, tuple(changed))


def accident_upsert(*, actor, source_system: str, external_id: str, data: dict[str, Any]) -> tuple[Accident, bool]:
    """``(accident, created)``; :func:`accident_upsert_outcome` also tells updated from unchanged."""
    result = accident_upsert_outcome(actor=actor, source_system=source_system, external_id=external_id, data=data)
    return result.accident, result.created
