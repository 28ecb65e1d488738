"""Writes on the accident registry: recording an accident, correcting its facts, the
investigation (started, case closed), listed supervision and the one-year rectification
evaluation.

Every function checks the actor's permission and scope inside its transaction (``actor=None``
is a trusted system caller: the demo, commands, other services acting for the system), keeps
the derived fields right (the level from the model, late reporting and the evaluation due date
from the place's :class:`~assessments.models.AccidentPolicy`) and records what happened on the
accident's timeline; the audit trail records the field changes. Two people acting on the same
accident are serialised by a row lock; an edit made on a page someone else has changed since
is refused with a :class:`core.errors.ConflictError`.

Also here: two derived facts the pages and the API show (:func:`level_explanation`,
:func:`format_delay`), pure functions of an accident's values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.choices import ACCIDENT_LEVEL_THRESHOLDS, AccidentLevel, InvestigationStatus
from assessments.models import Accident, AccidentEvent, AccidentPolicy
from core.errors import ConflictError
from responsibility.choices import DEPARTMENT_KINDS, OrganizationKind
from responsibility.models import Enterprise, Jurisdiction, Organization, Sector
from responsibility.services.backbone import require_in_scope, require_permission

#: The facts of an accident: what a report (and the API's upsert) sets and an edit corrects.
DETAIL_FIELDS = (
    "title", "occurred_at", "jurisdiction", "place", "enterprise", "sector", "supervising_department", "accident_type",
    "deaths", "missing", "serious_injuries", "direct_loss", "summary", "reported_at",
)
#: Established later (by the investigation): corrected by an edit, never set by a first report.
FINDING_FIELDS = ("concealed",)
#: The counted measures, which can never be negative (the columns are unsigned).
COUNT_FIELDS = ("deaths", "missing", "serious_injuries", "direct_loss")

#: Organizations that may list an accident for supervision (挂牌督办): a safety committee, its
#: office, or a government, of the accident's own level or a level above it.
LISTING_KINDS = (OrganizationKind.SAFETY_COMMITTEE, OrganizationKind.SAFETY_OFFICE, OrganizationKind.GOVERNMENT)


class AccidentEventKind(models.TextChoices):
    """What a timeline entry records (``AccidentEvent.kind``)."""

    REPORTED = "reported", gettext_lazy("Recorded")
    UPDATED = "updated", gettext_lazy("Facts corrected")
    INVESTIGATING = "investigating", gettext_lazy("Investigation started")
    LISTED = "listed", gettext_lazy("Listed for supervision")
    CLOSED = "closed", gettext_lazy("Case closed")
    EVALUATED = "evaluated", gettext_lazy("Rectification evaluated")


def negative_message(name: str) -> str:
    """The message for a negative count: the same in the forms, the API and the service.

    Lazy, because serializers put it into class-level ``extra_kwargs`` at import time, when
    the request's language is not known yet.
    """
    messages = {
        "deaths": gettext_lazy("The number of deaths cannot be negative."),
        "missing": gettext_lazy("The number of missing people cannot be negative."),
        "serious_injuries": gettext_lazy("The number of serious injuries cannot be negative."),
        "direct_loss": gettext_lazy("The direct economic loss cannot be negative."),
    }
    return messages[name]


# --- Helpers ----------------------------------------------------------------------------------


def _event(accident: Accident, actor, kind: str, *, comment: str = "", data: dict | None = None) -> AccidentEvent:
    return AccidentEvent.objects.create(
        accident=accident, at=timezone.now(), kind=kind, actor=actor, comment=comment, data=data or {}
    )


def _lock(accident: Accident) -> Accident:
    return (
        Accident.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "enterprise__jurisdiction")
        .get(pk=accident.pk)
    )


def _require_action(actor, accident: Accident, action: str = "change") -> None:
    """The actor may ``action`` this accident (role and scope); re-checked inside the
    transaction whatever the view checked."""
    if actor is None:
        return
    if not Accident.objects.restrict(actor, action).filter(pk=accident.pk).exists():
        if Accident.objects.restrict(actor, "view").filter(pk=accident.pk).exists():
            raise PermissionDenied(_("Your role does not allow this action on this accident."))
        raise PermissionDenied(_("This accident is outside your scope."))


def _check_not_stale(accident: Accident, expected_updated_at: datetime | None) -> None:
    if expected_updated_at is not None and accident.updated_at != expected_updated_at:
        raise ConflictError(
            _("Someone else has changed this accident meanwhile; reload it and check before saving your changes.")
        )


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _validate(accident: Accident) -> None:
    """The rules of an accident's facts and timeline, each error on its field; then the model's
    own validation (choices, lengths, constraints). Nothing is saved when any fails."""
    errors: dict[str, list] = {}
    now = timezone.now()
    for name in COUNT_FIELDS:
        value = getattr(accident, name)
        if value is not None and value < 0:
            _add(errors, name, negative_message(name))
    occurred = accident.occurred_at
    occurred_on = _local_date(occurred)
    if occurred is not None and occurred > now:
        _add(errors, "occurred_at", _("The accident cannot have occurred in the future."))
    if accident.reported_at is not None:
        if accident.reported_at > now:
            _add(errors, "reported_at", _("The report cannot be in the future."))
        if occurred is not None and accident.reported_at < occurred:
            _add(errors, "reported_at", _("An accident cannot be reported before it occurred."))
    today = timezone.localdate()
    for name, label in (("case_closed_on", _("The case")), ("listed_on", _("The listing")), ("evaluated_on", _("The evaluation"))):
        value = getattr(accident, name)
        if value is None:
            continue
        if value > today:
            _add(errors, name, _("%(what)s cannot be dated in the future.") % {"what": label})
        elif occurred_on is not None and value < occurred_on:
            _add(errors, name, _("%(what)s cannot be dated before the accident occurred.") % {"what": label})
    if accident.evaluated_on is not None:
        if accident.case_closed_on is None:
            _add(errors, "evaluated_on", _("The rectification is evaluated after the case is closed."))
        elif accident.evaluated_on < accident.case_closed_on:
            _add(errors, "evaluated_on", _("The evaluation cannot be dated before the case was closed."))
    if accident.enterprise_id and accident.jurisdiction_id:
        enterprise_path = accident.enterprise.jurisdiction.path
        path = accident.jurisdiction.path
        if not (enterprise_path.startswith(path) or path.startswith(enterprise_path)):
            _add(errors, "jurisdiction", _("The enterprise is registered in another jurisdiction."))
    department = accident.supervising_department
    if department is not None and accident.jurisdiction_id:
        if department.kind not in DEPARTMENT_KINDS:
            _add(errors, "supervising_department", _("Choose a department with safety duties."))
        elif not accident.jurisdiction.path.startswith(department.jurisdiction.path):
            _add(errors, "supervising_department", _("The department belongs to another jurisdiction."))
    if errors:
        raise ValidationError(errors)
    accident.level = accident.compute_level()
    if accident.jurisdiction_id:
        accident.jurisdiction_path = accident.jurisdiction.path
    accident.full_clean(exclude=["code"])


def _apply_policy(accident: Accident) -> AccidentPolicy:
    policy = AccidentPolicy.for_path(accident.jurisdiction_path or accident.jurisdiction.path)
    accident.apply_policy(policy)
    return policy


def _scoped_enterprise(actor, enterprise: Enterprise | None) -> None:
    if enterprise is None or actor is None:
        return
    if not Enterprise.objects.restrict(actor, "view").filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("This enterprise is outside your scope.")})


def _as_decimal(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"direct_loss": _("Enter the loss as a number of 10,000 yuan.")}) from None


# --- Recording and correcting -----------------------------------------------------------------


@transaction.atomic
def accident_report(
    *,
    actor,
    title: str,
    occurred_at: datetime,
    accident_type: str,
    jurisdiction: Jurisdiction | None = None,
    enterprise: Enterprise | None = None,
    sector: Sector | None = None,
    supervising_department: Organization | None = None,
    **fields,
) -> Accident:
    """Record an accident. Without a jurisdiction it is the enterprise's; without a sector, the
    enterprise's sector; without a supervising department, the enterprise's primary one. The
    level follows from deaths, serious injuries and loss; late reporting and (once the case is
    closed) the evaluation due date from the place's accident rules."""
    require_permission(actor, "assessments.add_accident")
    unknown = set(fields) - set(DETAIL_FIELDS) - {"source_system", "external_id"}
    if unknown:
        raise TypeError(f"accident_report() got unexpected fields: {', '.join(sorted(unknown))}")
    if jurisdiction is None and enterprise is None:
        raise ValidationError({"jurisdiction": _("Give the enterprise or the place (jurisdiction) of the accident.")})
    if jurisdiction is None:
        jurisdiction = enterprise.jurisdiction
    require_in_scope(actor, jurisdiction)
    _scoped_enterprise(actor, enterprise)
    if enterprise is not None:
        if sector is None:
            sector = enterprise.sector
        if supervising_department is None:
            supervising_department = enterprise.primary_department
    if "direct_loss" in fields and fields["direct_loss"] is not None:
        fields["direct_loss"] = _as_decimal(fields["direct_loss"])
    elif "direct_loss" in fields:
        fields["direct_loss"] = Decimal("0")
    accident = Accident(
        title=title,
        occurred_at=occurred_at,
        accident_type=accident_type,
        jurisdiction=jurisdiction,
        enterprise=enterprise,
        sector=sector,
        supervising_department=supervising_department,
        created_by=actor,
        **fields,
    )
    _validate(accident)
    policy = _apply_policy(accident)
    accident.save()
    data = {"level": accident.level}
    if accident.reported_late:
        data["reported_late"] = True
        data["limit_minutes"] = policy.report_limit_minutes
    _event(accident, actor, AccidentEventKind.REPORTED, data=data)
    return accident


@transaction.atomic
def accident_update(*, actor, accident: Accident, expected_updated_at: datetime | None = None, **fields) -> Accident:
    """Correct an accident's facts (the investigation often revises the toll). Only the fields
    given change; the level, late reporting and due date follow. ``expected_updated_at`` is
    the version the user saw: if someone else saved since, nothing changes (conflict)."""
    require_permission(actor, "assessments.change_accident")
    accident = _lock(accident)
    _require_action(actor, accident, "change")
    _check_not_stale(accident, expected_updated_at)
    unknown = set(fields) - set(DETAIL_FIELDS) - set(FINDING_FIELDS)
    if unknown:
        raise TypeError(f"accident_update() got unexpected fields: {', '.join(sorted(unknown))}")
    if "direct_loss" in fields:
        fields["direct_loss"] = _as_decimal(fields["direct_loss"] if fields["direct_loss"] is not None else 0)
    if "enterprise" in fields:
        _scoped_enterprise(actor, fields["enterprise"])
    if "jurisdiction" in fields and fields["jurisdiction"] is None:
        enterprise = fields.get("enterprise", accident.enterprise)
        if enterprise is None:
            raise ValidationError({"jurisdiction": _("Give the enterprise or the place (jurisdiction) of the accident.")})
        fields["jurisdiction"] = enterprise.jurisdiction
    changed = [name for name in fields if _differs(accident, name, fields[name])]
    if not changed:
        return accident
    before_level = accident.level
    for name in changed:
        setattr(accident, name, fields[name])
    if "jurisdiction" in changed:
        require_in_scope(actor, accident.jurisdiction)
    _validate(accident)
    _apply_policy(accident)
    accident.save()
    data: dict = {"fields": changed}
    if accident.level != before_level:
        data["level"] = {"from": before_level, "to": accident.level}
    _event(accident, actor, AccidentEventKind.UPDATED, data=data)
    return accident


def _differs(accident: Accident, name: str, value) -> bool:
    field = Accident._meta.get_field(name)
    if field.is_relation:
        return getattr(accident, field.attname) != (value.pk if value is not None else None)
    return getattr(accident, name) != value


# --- Investigation, listing, evaluation -------------------------------------------------------


@transaction.atomic
def accident_start_investigation(
    *, actor, accident: Accident, investigation_body: str, comment: str = "", expected_updated_at: datetime | None = None
) -> Accident:
    """The investigation team is formed: the accident moves from "reported" to "under
    investigation" with the body that investigates it."""
    accident = _lock(accident)
    _require_action(actor, accident, "change")
    _check_not_stale(accident, expected_updated_at)
    if accident.investigation_status != InvestigationStatus.REPORTED:
        raise ValidationError(
            _("The investigation can only start while the accident is “%(status)s”.") % {"status": InvestigationStatus.REPORTED.label}
        )
    body = (investigation_body or "").strip()
    if not body:
        raise ValidationError({"investigation_body": _("Say who investigates the accident.")})
    accident.investigation_status = InvestigationStatus.INVESTIGATING
    accident.investigation_body = body
    _validate(accident)
    accident.save()
    _event(accident, actor, AccidentEventKind.INVESTIGATING, comment=comment.strip(), data={"investigation_body": body})
    return accident


@transaction.atomic
def accident_close_case(
    *,
    actor,
    accident: Accident,
    closed_on: date,
    investigation_body: str = "",
    concealed: bool | None = None,
    comment: str = "",
    expected_updated_at: datetime | None = None,
) -> Accident:
    """Close the case (结案): the investigation report is approved. The one-year rectification
    evaluation falls due ``evaluation_months`` after ``closed_on`` (the place's rules).
    ``concealed`` records whether the investigation found the accident concealed or falsely
    reported."""
    accident = _lock(accident)
    _require_action(actor, accident, "change")
    _check_not_stale(accident, expected_updated_at)
    if accident.investigation_status == InvestigationStatus.CLOSED:
        raise ValidationError(_("The case is already closed."))
    body = (investigation_body or "").strip() or accident.investigation_body
    if not body:
        raise ValidationError({"investigation_body": _("Say who investigated the accident.")})
    if closed_on is None:
        raise ValidationError({"closed_on": _("Give the date the case was closed.")})
    accident.investigation_status = InvestigationStatus.CLOSED
    accident.investigation_body = body
    accident.case_closed_on = closed_on
    if concealed is not None:
        accident.concealed = concealed
    try:
        _validate(accident)
    except ValidationError as error:
        # The form and the API name the date ``closed_on``.
        raise _renamed(error, {"case_closed_on": "closed_on"}) from None
    _apply_policy(accident)
    accident.save()
    data = {"closed_on": closed_on.isoformat(), "investigation_body": body}
    if accident.evaluation_due_on:
        data["evaluation_due_on"] = accident.evaluation_due_on.isoformat()
    if accident.concealed:
        data["concealed"] = True
    _event(accident, actor, AccidentEventKind.CLOSED, comment=comment.strip(), data=data)
    return accident


@transaction.atomic
def accident_record_evaluation(
    *, actor, accident: Accident, evaluated_on: date, note: str, expected_updated_at: datetime | None = None
) -> Accident:
    """Record the evaluation of the rectification measures (one year after closing the case,
    by default): when it took place and what it found."""
    accident = _lock(accident)
    _require_action(actor, accident, "change")
    _check_not_stale(accident, expected_updated_at)
    if accident.investigation_status != InvestigationStatus.CLOSED:
        raise ValidationError(_("The rectification is evaluated after the case is closed."))
    if accident.evaluated_on is not None:
        raise ValidationError(_("The rectification of this accident has already been evaluated."))
    errors: dict[str, list] = {}
    if evaluated_on is None:
        _add(errors, "evaluated_on", _("Give the date of the evaluation."))
    if not (note or "").strip():
        _add(errors, "note", _("Say what the evaluation found."))
    if errors:
        raise ValidationError(errors)
    accident.evaluated_on = evaluated_on
    accident.evaluation_note = note.strip()
    _validate(accident)
    accident.save()
    _event(accident, actor, AccidentEventKind.EVALUATED, comment=accident.evaluation_note, data={"evaluated_on": evaluated_on.isoformat()})
    return accident


def listing_bodies(accident: Accident):
    """The organizations that may list ``accident`` for supervision: safety committees, their
    offices and governments of its county, city or province (the accident's level or above)."""
    path = accident.jurisdiction_path
    prefixes = [path[:n] for n in (2, 4, 6) if n <= len(path)]
    return (
        Organization.objects.filter(kind__in=LISTING_KINDS, jurisdiction__path__in=prefixes, is_active=True)
        .select_related("jurisdiction")
        .order_by("jurisdiction__path", "kind", "sort_order", "name")
    )


@transaction.atomic
def accident_list_for_supervision(
    *, actor, accident: Accident, listing_body: Organization, listed_on: date, comment: str = "",
    expected_updated_at: datetime | None = None,
) -> Accident:
    """List the accident for supervision (挂牌督办) by a safety committee of its level or above,
    e.g. every accident with two deaths in Quanzhou."""
    accident = _lock(accident)
    _require_action(actor, accident, "change")
    _check_not_stale(accident, expected_updated_at)
    if accident.listed:
        raise ValidationError(_("This accident is already listed for supervision."))
    errors: dict[str, list] = {}
    if listing_body is None:
        _add(errors, "listing_body", _("Choose the body that lists the accident."))
    elif not listing_bodies(accident).filter(pk=listing_body.pk).exists():
        _add(errors, "listing_body", _("Choose a safety committee, its office or a government of the accident's level or above."))
    if listed_on is None:
        _add(errors, "listed_on", _("Give the date of the listing."))
    if errors:
        raise ValidationError(errors)
    accident.listed = True
    accident.listing_body = listing_body
    accident.listed_on = listed_on
    _validate(accident)
    accident.save()
    _event(
        accident, actor, AccidentEventKind.LISTED, comment=comment.strip(),
        data={"listing_body": listing_body.name, "listed_on": listed_on.isoformat()},
    )
    return accident


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(field, field): errors for field, errors in error.error_dict.items()})


# --- Derived facts shown with an accident -----------------------------------------------------


@dataclass(frozen=True)
class MeasureLevel:
    """One measure of an accident and the level it reaches on its own."""

    name: str  # deaths, serious_injuries, direct_loss
    label: str
    value: object
    level: str
    level_label: str
    #: the threshold of that level the value reached (None for "ordinary")
    threshold: object
    #: the next level's threshold and label (None at the top)
    next_threshold: object
    next_level_label: str | None
    decides: bool  # this measure reaches the accident's level


def _measure_level(index: int, value) -> tuple[str, object, object, str | None]:
    """(level, threshold reached, next threshold, next level's label) of a value on the
    ``index``-th measure of ACCIDENT_LEVEL_THRESHOLDS (1 deaths, 2 injuries, 3 loss)."""
    ascending = list(reversed(ACCIDENT_LEVEL_THRESHOLDS))  # larger, major, extraordinary
    reached, threshold = AccidentLevel.ORDINARY, None
    next_threshold, next_label = ascending[0][index], ascending[0][0].label
    for position, row in enumerate(ascending):
        if value >= row[index]:
            reached, threshold = row[0], row[index]
            following = ascending[position + 1] if position + 1 < len(ascending) else None
            next_threshold = following[index] if following else None
            next_label = following[0].label if following else None
    return reached, threshold, next_threshold, next_label


def level_explanation(accident: Accident) -> list[MeasureLevel]:
    """For each of deaths, serious injuries and direct loss: the level it reaches alone and the
    threshold behind it; the accident's level is the highest of the three (Decree 493 art. 3)."""
    level = accident.level or accident.compute_level()
    measures = (
        (1, "deaths", _("Deaths"), accident.deaths),
        (2, "serious_injuries", _("Serious injuries"), accident.serious_injuries),
        (3, "direct_loss", _("Direct economic loss (10,000 yuan)"), accident.direct_loss),
    )
    rows = []
    for index, name, label, value in measures:
        reached, threshold, next_threshold, next_label = _measure_level(index, value or 0)
        rows.append(
            MeasureLevel(
                name=name,
                label=label,
                value=value,
                level=reached,
                level_label=AccidentLevel(reached).label,
                threshold=threshold,
                next_threshold=next_threshold,
                next_level_label=str(next_label) if next_label else None,
                decides=reached == level and level != AccidentLevel.ORDINARY,
            )
        )
    return rows


def format_delay(delay: timedelta | None) -> str:
    """“2 h 05 min”, “3 d 4 h”, “45 min”: how long after the accident it was reported."""
    if delay is None:
        return ""
    minutes = int(delay.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}
