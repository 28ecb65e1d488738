"""Idempotent writes for county systems that push their inspections: one record per
``(source_system, external_id)``, created the first time, updated while it is a draft when the
pushed values differ, left alone (no save, no audit entry) when they do not.

A pushed record is saved through :func:`inspections.services.records.inspection_save_draft`
and, when the body asks for it, submitted through ``inspection_submit`` (which checks that
every required checklist item is answered). Once submitted it is locked like any other record:
a re-push of the same values is "unchanged", a push of different values is refused with a
conflict, because corrections of a submitted record are amendments with a reason.

The draft's ``client_uuid`` is derived from the key, so two pushes of the same new record at
the same moment collide on its unique index and the loser updates the winner's row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError
from hazards.services.sync import CREATED, OUTCOMES, UNCHANGED, UPDATED, normalise_key
from inspections.models import Inspection, InspectionAnswer
from inspections.services.records import (
    RECORD_FIELDS,
    AnswerInput,
    TargetInput,
    inspection_save_draft,
    inspection_submit,
)

__all__ = ["CREATED", "OUTCOMES", "UNCHANGED", "UPDATED", "InspectionUpsert", "inspection_upsert", "inspection_upsert_outcome"]

#: Namespace of the client ids derived from ``(source_system, external_id)``.
UPSERT_NAMESPACE = uuid.UUID("6f0d5a52-5a8e-4c1e-9a55-0c1f4b0d7e21")


@dataclass(frozen=True)
class InspectionUpsert:
    inspection: Inspection
    outcome: str
    #: names of what was changed (empty unless ``outcome == "updated"``)
    changed: tuple[str, ...] = field(default=())

    @property
    def created(self) -> bool:
        return self.outcome == CREATED


def upsert_client_uuid(source_system: str, external_id: str) -> uuid.UUID:
    return uuid.uuid5(UPSERT_NAMESPACE, f"{source_system}\n{external_id}")


def _value(inspection: Inspection, name: str):
    model_field = Inspection._meta.get_field(name)
    return getattr(inspection, model_field.attname) if model_field.is_relation else getattr(inspection, name)


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def differences(
    inspection: Inspection,
    fields: dict[str, Any],
    *,
    participants: list[tuple[Any, str]] | None,
    targets: list[TargetInput] | None,
    answers: list[AnswerInput] | None,
) -> list[str]:
    """What the pushed values would change: record field names, and ``participants``,
    ``targets`` and ``answers`` when those differ."""
    changed = [name for name, value in fields.items() if _value(inspection, name) != _plain(value)]
    if participants is not None:
        stored = set(inspection.participations.values_list("official_id", "role"))
        wanted = {(o.pk, role) for o, role in participants if o.pk != inspection.lead_official_id}
        if stored != wanted:
            changed.append("participants")
    if targets is not None:
        stored = {e: (c, n) for e, c, n in inspection.targets.values_list("enterprise_id", "checklist_id", "note")}
        wanted = {t.enterprise.pk: (t.checklist.pk if t.checklist else None, t.note) for t in targets}
        if stored != wanted:
            changed.append("targets")
    if answers:
        stored = {
            (e, i): (r, n)
            for e, i, r, n in InspectionAnswer.objects.filter(target__inspection=inspection).values_list(
                "target__enterprise_id", "item_id", "result", "note"
            )
        }
        if any(stored.get((a.enterprise_id, a.item_id)) != (a.result, a.note[:500]) for a in answers):
            changed.append("answers")
    return changed


@transaction.atomic
def inspection_upsert_outcome(
    *,
    actor,
    source_system: str,
    external_id: str,
    submit: bool = False,
    participants: list[tuple[Any, str]] | None = None,
    targets: list[TargetInput] | None = None,
    answers: list[AnswerInput] | None = None,
    **fields,
) -> InspectionUpsert:
    """Create or update the inspection pushed as ``(source_system, external_id)``; see the
    module. ``submit=True`` submits it after saving (a no-op for a submitted record).

    A record with that key which the actor cannot see (another county's) is refused, never
    updated, without saying whose it is."""
    source_system, external_id = normalise_key(source_system, external_id)
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"inspection_upsert() got unexpected fields: {', '.join(sorted(unknown))}")
    lookup = {"source_system": source_system, "external_id": external_id}
    for attempt in range(2):
        existing = Inspection.objects.select_for_update().filter(**lookup).first()
        if existing is not None:
            return _update_existing(actor, existing, fields, participants, targets, answers, submit)
        try:
            with transaction.atomic():
                inspection = inspection_save_draft(
                    actor=actor,
                    client_uuid=upsert_client_uuid(source_system, external_id),
                    participants=participants or (),
                    targets=targets,
                    answers=answers,
                    **fields,
                )
                inspection.source_system, inspection.external_id = source_system, external_id
                inspection.save(update_fields=["source_system", "external_id", "updated_at"])
        except IntegrityError:
            # Lost a race against a concurrent push of the same record: deal with its row.
            if attempt == 0 and Inspection.objects.filter(**lookup).exists():
                continue
            raise ValidationError({"external_id": _("Another inspection already has this external id from this system.")}) from None
        if submit:
            inspection = inspection_submit(actor=actor, inspection=inspection)
        return InspectionUpsert(inspection, CREATED)
    raise AssertionError("unreachable")


def _update_existing(actor, inspection, fields, participants, targets, answers, submit) -> InspectionUpsert:
    if actor is not None and not Inspection.objects.restrict(actor, "view").filter(pk=inspection.pk).exists():
        # Not "outside your scope": that would confirm another county has this record.
        raise ValidationError(
            {"external_id": _("This external id is already used by a record you cannot change; use your own source system name.")}
        )
    changed = differences(inspection, fields, participants=participants, targets=targets, answers=answers)
    if not inspection.is_draft:
        if changed:
            raise ConflictError(
                _("This inspection has been submitted; correct it through an amendment (it differs in: %(fields)s).")
                % {"fields": ", ".join(changed)}
            )
        return InspectionUpsert(inspection, UNCHANGED)
    if changed:
        record = {name: value for name, value in fields.items() if name in changed}
        if "participants" in changed:
            # The draft service replaces the participants when the lead is given (an emptied
            # list included).
            record["lead_official"] = fields.get("lead_official", inspection.lead_official)
        inspection = inspection_save_draft(
            actor=actor,
            client_uuid=inspection.client_uuid,
            # Given with the lead, the list is rewritten: keep the stored one when none was pushed.
            participants=participants if participants is not None else [
                (p.official, p.role) for p in inspection.participations.select_related("official")
            ],
            targets=targets if "targets" in changed else None,
            answers=answers if "answers" in changed else None,
            **record,
        )
    if submit:
        inspection = inspection_submit(actor=actor, inspection=inspection)
        changed.append("status")
    if not changed:
        return InspectionUpsert(inspection, UNCHANGED)
    return InspectionUpsert(inspection, UPDATED, tuple(changed))


def inspection_upsert(*, actor, source_system: str, external_id: str, **values) -> tuple[Inspection, bool]:
    """``(inspection, created)``; :func:`inspection_upsert_outcome` also tells updated from unchanged."""
    result = inspection_upsert_outcome(actor=actor, source_system=source_system, external_id=external_id, **values)
    return result.inspection, result.created
