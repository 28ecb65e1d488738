"""Saving the whole "log an inspection" form as a draft, as often as the browser likes.

The form sends everything it shows each time (record, participants, enterprises, answers and
findings). :func:`inspection_save_form` turns that into the record services' calls
(``inspection_save_draft``, ``finding_record``) and keeps the draft's findings equal to the
form's rows: rows carry the finding's id once the server has answered with it; a row without
an id that matches an unclaimed finding word for word is that finding (a save retried after
its answer was lost), and a finding no row names any more is removed. Answers that have not
changed since the last save are not written again, so a save every few seconds stays cheap.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError
from inspections.choices import ItemSeverity
from inspections.models import ChecklistItem, Inspection, InspectionAnswer
from inspections.services.records import (
    AnswerInput,
    TargetInput,
    _require_editable,
    finding_record,
    inspection_save_draft,
)
from responsibility.models import Official


@dataclass(frozen=True)
class FindingInput:
    """One finding row of the form. ``key`` is the row's name in the form; ``id`` the
    finding's, once the server has told the form."""

    key: str
    id: int | None = None
    description: str = ""
    enterprise_id: int | None = None
    item_id: int | None = None
    severity: str = ItemSeverity.GENERAL


def _changed_answers(client_uuid, answers: list[AnswerInput]) -> list[AnswerInput]:
    stored = {
        (enterprise_id, item_id): (result, note)
        for enterprise_id, item_id, result, note in InspectionAnswer.objects.filter(
            target__inspection__client_uuid=client_uuid
        ).values_list("target__enterprise_id", "item_id", "result", "note")
    }
    return [a for a in answers if stored.get((a.enterprise_id, a.item_id)) != (a.result, a.note[:500])]


@transaction.atomic
def inspection_save_form(
    *,
    actor,
    client_uuid: uuid.UUID | str,
    participants: Iterable[tuple[Official, str]] = (),
    targets: Iterable[TargetInput] = (),
    answers: Iterable[AnswerInput] = (),
    findings: Iterable[FindingInput] = (),
    **fields,
) -> tuple[Inspection, dict[str, int]]:
    """Create or update the draft ``client_uuid`` from the whole form; returns it and the ids
    of its findings by row key. Saving the same form twice changes nothing the second time."""
    participants, targets = list(participants), list(targets)
    answers = _changed_answers(client_uuid, list(answers))
    try:
        inspection = inspection_save_draft(
            actor=actor, client_uuid=client_uuid, participants=participants, targets=targets, answers=answers, **fields
        )
    except IntegrityError:
        # Two first saves of one new draft crossed (the script's and a button's): the other
        # created it, so this one updates it.
        answers = _changed_answers(client_uuid, answers)
        inspection = inspection_save_draft(
            actor=actor, client_uuid=client_uuid, participants=participants, targets=targets, answers=answers, **fields
        )
    keys = _sync_findings(actor, inspection, list(findings))
    return inspection, keys


def _sync_findings(actor, inspection: Inspection, rows: list[FindingInput]) -> dict[str, int]:
    targets = {t.enterprise_id: t for t in inspection.targets.select_related("enterprise")}
    existing = {f.pk: f for f in inspection.findings.all()}
    items = {
        item.pk: item
        for item in ChecklistItem.objects.filter(
            pk__in=[r.item_id for r in rows if r.item_id], version_id__in=[t.checklist_id for t in targets.values() if t.checklist_id]
        )
    }
    keys: dict[str, int] = {}
    claimed: set[int] = set()
    errors = []

    def place(row: FindingInput):
        """The row's enterprise and item as far as they still belong to the inspection."""
        target = targets.get(row.enterprise_id) if row.enterprise_id else None
        item = items.get(row.item_id) if row.item_id and target is not None else None
        if item is not None and item.version_id != target.checklist_id:
            item = None
        return target, item

    for row in rows:
        finding = existing.get(row.id) if row.id else None
        if finding is not None:
            claimed.add(finding.pk)
            keys[row.key] = finding.pk
            description = row.description.strip()
            if finding.hazard_id or not description:
                # On the hazard ledger it stays as it was; an emptied text is someone retyping.
                continue
            target, item = place(row)
            severity = row.severity if row.severity in ItemSeverity.values else finding.severity
            new = (description, target.pk if target else None, item.pk if item else None, severity)
            if new != (finding.description, finding.target_id, finding.item_id, finding.severity):
                finding.description, finding.target, finding.item, finding.severity = description, target, item, severity
                finding.save()
    for row in rows:
        if row.key in keys or not row.description.strip():
            continue
        target, item = place(row)
        retried = next(
            (
                f for f in existing.values()
                if f.pk not in claimed and f.description == row.description.strip()
                and f.target_id == (target.pk if target else None) and f.item_id == (item.pk if item else None)
            ),
            None,
        )
        if retried is not None:
            claimed.add(retried.pk)
            keys[row.key] = retried.pk
            continue
        try:
            finding = finding_record(
                actor=actor, inspection=inspection, description=row.description,
                enterprise=target.enterprise if target else None, item=item,
                severity=row.severity if row.severity in ItemSeverity.values else None,
            )
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        claimed.add(finding.pk)
        keys[row.key] = finding.pk
    for finding in existing.values():
        if finding.pk not in claimed and not finding.hazard_id:
            finding.delete()
    if errors:
        raise ValidationError({"findings": errors})
    return keys


@transaction.atomic
def inspection_remove_photo(*, actor, photo) -> None:
    """Take a photo off a draft (a wrong shot); a submitted record keeps its photos."""
    inspection = Inspection.objects.select_for_update().get(pk=photo.inspection_id)
    _require_editable(actor, inspection)
    if not inspection.is_draft:
        raise ConflictError(_("This inspection has been submitted; correct it through an amendment."))
    photo.file.delete(save=False)
    photo.delete()
