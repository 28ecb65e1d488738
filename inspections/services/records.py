"""Writes of inspection records: drafts saved as the inspector types, submission, amendments,
photos and findings turned into hazards.

A draft is identified by the ``client_uuid`` its form (or county system) chose, so a save
retried after a lost connection updates the same draft. Submission locks the record; after it,
only :func:`inspection_amend` changes it, with a reason kept beside the record.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from hazards.choices import HazardLevel, HazardSource
from hazards.services.ledger import check_photos, hazard_report
from inspections.choices import (
    AnswerResult,
    InspectionKind,
    InspectionMethod,
    InspectionStatus,
    ItemSeverity,
    ParticipantRole,
)
from inspections.models import (
    ChecklistItem,
    ChecklistVersion,
    Inspection,
    InspectionAmendment,
    InspectionAnswer,
    InspectionFinding,
    InspectionParticipant,
    InspectionPhoto,
    InspectionTarget,
)
from responsibility.models import Enterprise, Jurisdiction, Official
from responsibility.services.backbone import require_in_scope, require_permission

#: Fields of the record itself (participants, targets, answers and findings are separate).
RECORD_FIELDS = (
    "jurisdiction", "kind", "methods", "started_at", "ended_at", "place", "lead_official", "summary", "latitude",
    "longitude", "campaign", "draw", "supervision_round",
)
#: How an inspection's kind maps to the source of the hazards it finds.
HAZARD_SOURCE_BY_KIND = {
    InspectionKind.LEADER: HazardSource.LEADER_INSPECTION,
    InspectionKind.CAMPAIGN: HazardSource.CAMPAIGN,
}


@dataclass(frozen=True)
class TargetInput:
    enterprise: Enterprise
    checklist: ChecklistVersion | None = None
    note: str = ""


@dataclass(frozen=True)
class AnswerInput:
    enterprise_id: int
    item_id: int
    result: str
    note: str = ""


def _require_editable(actor, inspection: Inspection) -> None:
    if actor is None:
        return
    if not Inspection.objects.restrict(actor, "change").filter(pk=inspection.pk).exists():
        if Inspection.objects.restrict(actor, "view").filter(pk=inspection.pk).exists():
            raise PermissionDenied(_("Your role does not allow changing this inspection."))
        raise PermissionDenied(_("This inspection is outside your scope."))


def _validate_record(inspection: Inspection) -> None:
    errors: dict[str, list] = {}
    now = timezone.now()
    if inspection.started_at and inspection.started_at > now + timezone.timedelta(minutes=5):
        errors.setdefault("started_at", []).append(_("An inspection is logged once it has taken place; this time is in the future."))
    if inspection.ended_at and inspection.started_at and inspection.ended_at < inspection.started_at:
        errors.setdefault("ended_at", []).append(_("The end cannot be before the start."))
    unknown = [m for m in inspection.methods or [] if m not in InspectionMethod.values]
    if unknown:
        errors.setdefault("methods", []).append(_("Unknown method: %(m)s.") % {"m": ", ".join(unknown)})
    if (inspection.latitude is None) != (inspection.longitude is None):
        errors.setdefault("latitude", []).append(_("Give both latitude and longitude, or neither."))
    if errors:
        raise ValidationError(errors)
    inspection.full_clean(exclude=["code", "jurisdiction_path", "client_uuid"])


def _check_people(actor, lead: Official, participants: Iterable[tuple[Official, str]]) -> list[tuple[Official, str]]:
    participants = [(o, role) for o, role in participants if o.pk != lead.pk]
    if len({o.pk for o, _ in participants}) != len(participants):
        raise ValidationError({"participants": _("An official is listed twice.")})
    for _official, role in participants:
        if role not in ParticipantRole.values:
            raise ValidationError({"participants": _("Unknown participant role.")})
    if actor is not None:
        wanted = {lead.pk} | {o.pk for o, _ in participants}
        visible = set(Official.objects.restrict(actor, "view").filter(pk__in=wanted).values_list("pk", flat=True))
        own = getattr(getattr(actor, "official", None), "pk", None)
        if own is not None:
            visible.add(own)
        if lead.pk not in visible:
            raise ValidationError({"lead_official": _("This official is outside your scope.")})
        if any(o.pk not in visible for o, _ in participants):
            raise ValidationError({"participants": _("Some participants are outside your scope.")})
    return participants


def _check_targets(actor, jurisdiction: Jurisdiction, targets: Iterable[TargetInput]) -> list[TargetInput]:
    targets = list(targets)
    if len({t.enterprise.pk for t in targets}) != len(targets):
        raise ValidationError({"targets": _("An enterprise is listed twice.")})
    errors = []
    ids = [t.enterprise.pk for t in targets]
    visible = set(Enterprise.objects.restrict(actor, "view").filter(pk__in=ids).values_list("pk", flat=True)) if actor else set(ids)
    for target in targets:
        if target.enterprise.pk not in visible:
            errors.append(_("%(name)s is outside your scope.") % {"name": target.enterprise.name})
        elif not target.enterprise.jurisdiction.path.startswith(jurisdiction.path):
            errors.append(_("%(name)s is not in %(place)s.") % {"name": target.enterprise.name, "place": jurisdiction.name})
    if errors:
        raise ValidationError({"targets": errors})
    return targets


@transaction.atomic
def inspection_save_draft(
    *,
    actor,
    client_uuid: uuid.UUID | str | None = None,
    participants: Iterable[tuple[Official, str]] = (),
    targets: Iterable[TargetInput] | None = None,
    answers: Iterable[AnswerInput] | None = None,
    **fields,
) -> Inspection:
    """Create or update a draft (by ``client_uuid``). Only what is given changes; a partial
    draft is fine (checks of completeness happen on submit)."""
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"inspection_save_draft() got unexpected fields: {', '.join(sorted(unknown))}")
    inspection = None
    if client_uuid:
        inspection = Inspection.objects.select_for_update().filter(client_uuid=client_uuid).first()
    if inspection is None:
        require_permission(actor, "inspections.add_inspection")
        inspection = Inspection(client_uuid=client_uuid or uuid.uuid4(), created_by=actor)
        if "lead_official" not in fields and actor is not None and getattr(actor, "official", None) is not None:
            fields["lead_official"] = actor.official
        fields.setdefault("started_at", timezone.now())
    else:
        _require_editable(actor, inspection)
        if not inspection.is_draft:
            raise ConflictError(_("This inspection has been submitted; correct it through an amendment."))
    for name, value in fields.items():
        setattr(inspection, name, value)
    if inspection.jurisdiction_id is None:
        raise ValidationError({"jurisdiction": _("Choose where the inspection took place.")})
    require_in_scope(actor, inspection.jurisdiction)
    inspection.jurisdiction_path = inspection.jurisdiction.path
    if inspection.lead_official_id is None:
        raise ValidationError({"lead_official": _("Choose who led the inspection.")})
    _validate_record(inspection)
    inspection.draft_saved_at = timezone.now()
    inspection.save()
    if participants or "lead_official" in fields:
        people = _check_people(actor, inspection.lead_official, participants)
        inspection.participations.all().delete()
        InspectionParticipant.objects.bulk_create(
            [InspectionParticipant(inspection=inspection, official=o, role=role) for o, role in people]
        )
    if targets is not None:
        _replace_targets(actor, inspection, _check_targets(actor, inspection.jurisdiction, targets))
    if answers is not None:
        _save_answers(inspection, answers)
    return inspection


def _replace_targets(actor, inspection: Inspection, targets: list[TargetInput]) -> None:
    existing = {t.enterprise_id: t for t in inspection.targets.all()}
    wanted = {t.enterprise.pk for t in targets}
    for enterprise_id, target in existing.items():
        if enterprise_id not in wanted:
            target.delete()
    for target in targets:
        row = existing.get(target.enterprise.pk)
        if row is None:
            InspectionTarget.objects.create(
                inspection=inspection, enterprise=target.enterprise, checklist=target.checklist, note=target.note
            )
        else:
            if row.checklist_id != (target.checklist.pk if target.checklist else None):
                row.answers.all().delete()  # answers belong to the checklist version used
            row.checklist, row.note = target.checklist, target.note
            row.save()


def _save_answers(inspection: Inspection, answers: Iterable[AnswerInput]) -> None:
    targets = {t.enterprise_id: t for t in inspection.targets.select_related("checklist")}
    errors = []
    for answer in answers:
        target = targets.get(answer.enterprise_id)
        if target is None or target.checklist_id is None:
            errors.append(_("An answer names an enterprise without a checklist in this inspection."))
            continue
        if answer.result not in AnswerResult.values:
            errors.append(_("Unknown answer “%(r)s”.") % {"r": answer.result})
            continue
        if not ChecklistItem.objects.filter(pk=answer.item_id, version_id=target.checklist_id).exists():
            errors.append(_("An answer names an item of another checklist."))
            continue
        InspectionAnswer.objects.update_or_create(
            target=target, item_id=answer.item_id, defaults={"result": answer.result, "note": answer.note[:500]}
        )
    if errors:
        raise ValidationError({"answers": errors})


def missing_answers(inspection: Inspection) -> list[tuple[InspectionTarget, ChecklistItem]]:
    """Required items of each target's checklist without an answer."""
    missing = []
    for target in inspection.targets.select_related("enterprise", "checklist"):
        if target.checklist_id is None:
            continue
        answered = set(target.answers.values_list("item_id", flat=True))
        for item in target.checklist.items.filter(answer_required=True):
            if item.pk not in answered:
                missing.append((target, item))
    return missing


@transaction.atomic
def inspection_submit(*, actor, inspection: Inspection) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_editable(actor, inspection)
    if not inspection.is_draft:
        raise ConflictError(_("This inspection has already been submitted."))
    _validate_record(inspection)
    errors: dict[str, list] = {}
    if not inspection.targets.exists() and not inspection.place.strip():
        errors.setdefault("targets", []).append(_("Name the enterprises inspected, or the place."))
    missing = missing_answers(inspection)
    if missing:
        errors.setdefault("answers", []).append(
            _("%(n)d required checklist item(s) have no answer, e.g. “%(item)s” at %(enterprise)s.")
            % {"n": len(missing), "item": missing[0][1].requirement[:40], "enterprise": missing[0][0].enterprise.name}
        )
    if errors:
        raise ValidationError(errors)
    inspection.status = InspectionStatus.SUBMITTED
    inspection.submitted_at = timezone.now()
    inspection.save(update_fields=["status", "submitted_at", "updated_at"])
    return inspection


@transaction.atomic
def inspection_amend(*, actor, inspection: Inspection, reason: str, **fields) -> Inspection:
    """Correct a submitted inspection; the reason and the old and new values are kept."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if actor is not None and not (
        Inspection.objects.restrict(actor, "amend").filter(pk=inspection.pk).exists()
        or (getattr(getattr(actor, "official", None), "pk", None) == inspection.lead_official_id
            and Inspection.objects.restrict(actor, "change").filter(pk=inspection.pk).exists())
    ):
        raise PermissionDenied(_("Your role does not allow amending this inspection."))
    if inspection.is_draft:
        raise ValidationError(_("A draft is edited directly; amendments are for submitted inspections."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    unknown = set(fields) - (set(RECORD_FIELDS) - {"jurisdiction"})
    if unknown:
        raise TypeError(f"inspection_amend() got unexpected fields: {', '.join(sorted(unknown))}")
    changes = {}
    for name, value in fields.items():
        before = getattr(inspection, name)
        if before != value:
            changes[name] = {"from": _plain(before), "to": _plain(value)}
            setattr(inspection, name, value)
    if not changes:
        raise ValidationError(_("Nothing was changed."))
    _validate_record(inspection)
    inspection.amendment_count += 1
    inspection.save()
    InspectionAmendment.objects.create(inspection=inspection, reason=reason.strip(), changes=changes, amended_by=actor)
    return inspection


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value if isinstance(value, (str, int, float, list, dict, type(None))) else str(value)


# --- Photos and findings ----------------------------------------------------------------------


def content_hash(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in iter(lambda: uploaded.read(65536), b""):
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


@transaction.atomic
def inspection_add_photos(*, actor, inspection: Inspection, files: Iterable, finding: InspectionFinding | None = None) -> list[InspectionPhoto]:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_editable(actor, inspection)
    if not inspection.is_draft:
        raise ConflictError(_("This inspection has been submitted; correct it through an amendment."))
    files = check_photos(files)
    saved = []
    for uploaded in files:
        photo = InspectionPhoto(inspection=inspection, finding=finding, uploaded_by=actor, content_hash=content_hash(uploaded))
        photo.file.save(uploaded.name, uploaded, save=False)
        photo.save()
        saved.append(photo)
    return saved


@transaction.atomic
def finding_record(
    *, actor, inspection: Inspection, description: str, enterprise: Enterprise | None = None, item: ChecklistItem | None = None,
    severity: str | None = None,
) -> InspectionFinding:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_editable(actor, inspection)
    if not inspection.is_draft:
        raise ConflictError(_("This inspection has been submitted; correct it through an amendment."))
    target = None
    if enterprise is not None:
        target = inspection.targets.filter(enterprise=enterprise).first()
        if target is None:
            raise ValidationError({"enterprise": _("Add the enterprise to the inspection first.")})
    if item is not None and (target is None or item.version_id != target.checklist_id):
        raise ValidationError({"item": _("The item is not on this enterprise's checklist.")})
    if not description.strip():
        raise ValidationError({"description": _("Describe what was found.")})
    finding = InspectionFinding(
        inspection=inspection, target=target, item=item, description=description.strip(),
        severity=severity or (item.severity if item else ItemSeverity.GENERAL),
    )
    finding.full_clean(exclude=["description_hash"])
    finding.save()
    return finding


@transaction.atomic
def finding_to_hazard(*, actor, finding: InspectionFinding, title: str | None = None, **overrides):
    """Put a finding on the hazard ledger through the hazards service, pre-filled from the
    inspection (enterprise, sector, description, photos, source), and link it back."""
    from django.core.files.base import ContentFile

    finding = InspectionFinding.objects.select_for_update(of=("self",)).select_related(
        "inspection__jurisdiction", "target__enterprise__jurisdiction", "item"
    ).get(pk=finding.pk)
    if finding.hazard_id is not None:
        raise ConflictError(_("This finding is already on the hazard ledger."))
    inspection = finding.inspection
    if actor is not None and not Inspection.objects.restrict(actor, "view").filter(pk=inspection.pk).exists():
        raise PermissionDenied(_("This inspection is outside your scope."))
    enterprise = finding.target.enterprise if finding.target_id else None
    photos = []
    for photo in finding.photos.all():
        with photo.file.open("rb") as handle:
            photos.append(ContentFile(handle.read(), name=photo.file.name.rsplit("/", 1)[-1]))
    values = {
        "sector": enterprise.sector if enterprise else overrides.pop("sector", None),
        "category": finding.item.category if finding.item_id else overrides.pop("category", "management"),
        "source": HAZARD_SOURCE_BY_KIND.get(inspection.kind, HazardSource.DEPARTMENT_INSPECTION),
        "title": (title or finding.description)[:200],
        "description": finding.description,
        "found_on": timezone.localtime(inspection.started_at).date(),
        "level": HazardLevel.MAJOR if finding.severity == ItemSeverity.MAJOR else HazardLevel.GENERAL,
        "finder": inspection.lead_official,
        "latitude": inspection.latitude,
        "longitude": inspection.longitude,
    }
    values.update(overrides)
    if values["sector"] is None:
        raise ValidationError({"sector": _("Choose the sector of an ownerless hazard.")})
    hazard = hazard_report(
        actor=actor,
        enterprise=enterprise,
        jurisdiction=enterprise.jurisdiction if enterprise else inspection.jurisdiction,
        photos=photos,
        **values,
    )
    finding.hazard = hazard
    finding.save(update_fields=["hazard"])
    return hazard
