"""Writes on risk points (风险点): identifying and grading them, retiring them, and the
half-yearly re-identification rounds (半年一滚动) in which every active point of a city or
county is confirmed, changed or retired before the round closes.

Grades come from the method, never from the user: LEC (D = L × E × C) and the L × S matrix
turn their score into a colour through :class:`RiskGradingBand` rows (data a place may
change); only the "direct" method takes the grade as given.

Every function checks the actor's permission and scope inside its transaction (``actor=None``
is a trusted system caller: seeding, commands, synchronisation).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import ConflictError
from hazards.choices import (
    AccidentType,
    GradingMethod,
    ReviewOutcome,
    RiskGrade,
    RiskPointStatus,
    RoundStatus,
)
from hazards.models import RiskGradingBand, RiskPoint, RiskPointReview, RiskReviewRound
from responsibility.choices import JurisdictionLevel
from responsibility.models import Enterprise, Jurisdiction
from responsibility.services.backbone import require_in_scope, require_permission

#: The score inputs each method uses; the others are cleared so a point never carries stale
#: numbers of a method it no longer uses.
METHOD_INPUTS: dict[str, tuple[str, ...]] = {
    GradingMethod.LEC: ("lec_l", "lec_e", "lec_c"),
    GradingMethod.LS: ("ls_l", "ls_s"),
    GradingMethod.DIRECT: (),
}
SCORE_INPUTS = ("lec_l", "lec_e", "lec_c", "ls_l", "ls_s")
GRADING_FIELDS = ("method", *SCORE_INPUTS, "grade")

#: Fields a create or an edit may set besides the grading.
DETAIL_FIELDS = (
    "enterprise", "jurisdiction", "sector", "name", "location", "latitude", "longitude", "hazard_factors",
    "accident_types", "controls", "responsible_person", "responsible_phone", "management_level", "identified_on",
)
SYNC_FIELDS = ("source_system", "external_id")

#: A rough box around China (mainland, Hainan and the South China Sea islands, Taiwan): enough
#: to catch swapped latitude/longitude or a missing minus sign, not a border check.
LATITUDE_RANGE = (Decimal("3.5"), Decimal("53.6"))
LONGITUDE_RANGE = (Decimal("73.4"), Decimal("135.1"))

#: Re-identification rounds run at city and county level (the seeds count city-level and
#: county-level points); a development zone sits beside the counties.
ROUND_LEVELS = (JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE)

_CENT = Decimal("0.01")


# --- Grading ----------------------------------------------------------------------------------


def _decimal(value, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None


def grading_bands(method: str) -> list[tuple[Decimal, str]]:
    """The method's bands, highest threshold first (one query)."""
    return list(
        RiskGradingBand.objects.filter(method=method).order_by("-min_score").values_list("min_score", "grade")
    )


def grade_for_score(method: str, score: Decimal, bands: list[tuple[Decimal, str]] | None = None) -> str:
    """The grade of the highest band whose lowest score ``score`` reaches."""
    bands = grading_bands(method) if bands is None else bands
    for min_score, grade in bands:
        if score >= min_score:
            return grade
    raise ValidationError(
        {"method": _("No grading band covers the score %(score)s for this method; ask the administrator to complete the bands.") % {"score": score}}
    )


def risk_grade(method, lec_l=None, lec_e=None, lec_c=None, ls_l=None, ls_s=None, grade=None) -> tuple[Decimal | None, str]:
    """``(score, grade)`` of a risk point.

    LEC: D = L × E × C; L × S: L × S; both graded by :class:`RiskGradingBand`. Direct: the
    chosen grade, no score. A grade passed with LEC or L × S is ignored: it is computed.
    """
    inputs = {"lec_l": lec_l, "lec_e": lec_e, "lec_c": lec_c, "ls_l": ls_l, "ls_s": ls_s}
    if method == GradingMethod.DIRECT:
        if grade not in RiskGrade.values:
            raise ValidationError({"grade": _("Choose the grade when it is determined directly.")})
        return None, grade
    if method not in METHOD_INPUTS:
        raise ValidationError({"method": _("Choose a grading method.")})
    names = METHOD_INPUTS[method]
    missing = [name for name in names if inputs[name] in (None, "")]
    if missing:
        message = _("Required for the LEC method.") if method == GradingMethod.LEC else _("Required for the L×S matrix.")
        raise ValidationError(dict.fromkeys(missing, message))
    score = Decimal(1)
    for name in names:
        score *= _decimal(inputs[name], name)
    score = score.quantize(_CENT)
    return score, grade_for_score(method, score)


def _grade(point: RiskPoint) -> None:
    for name in SCORE_INPUTS:
        if name not in METHOD_INPUTS.get(point.method, ()):
            setattr(point, name, None)
    point.score, point.grade = risk_grade(
        point.method, point.lec_l, point.lec_e, point.lec_c, point.ls_l, point.ls_s, grade=point.grade
    )


# --- Validation -------------------------------------------------------------------------------


def coordinate_errors(latitude, longitude) -> dict[str, list[str]]:
    """Both or neither, and roughly inside China."""
    errors: dict[str, list[str]] = {}
    if (latitude in (None, "")) != (longitude in (None, "")):
        errors["latitude" if latitude in (None, "") else "longitude"] = [_("Give both latitude and longitude, or neither.")]
        return errors
    if latitude in (None, ""):
        return errors
    latitude, longitude = _decimal(latitude, "latitude"), _decimal(longitude, "longitude")
    if not LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]:
        errors["latitude"] = [
            _("The latitude must lie between %(low)s and %(high)s (China). Were latitude and longitude swapped?")
            % {"low": LATITUDE_RANGE[0], "high": LATITUDE_RANGE[1]}
        ]
    if not LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]:
        errors["longitude"] = [
            _("The longitude must lie between %(low)s and %(high)s (China). Were latitude and longitude swapped?")
            % {"low": LONGITUDE_RANGE[0], "high": LONGITUDE_RANGE[1]}
        ]
    return errors


def _validate(actor, point: RiskPoint) -> None:
    """Defaults from the enterprise, scope, the place rules and the grade; then the model's own
    validation (field ranges, choices, the external id's uniqueness)."""
    if point.enterprise_id:
        if not point.jurisdiction_id:
            point.jurisdiction = point.enterprise.jurisdiction
        if not point.sector_id:
            point.sector = point.enterprise.sector
    if not point.jurisdiction_id:
        raise ValidationError({"jurisdiction": _("Give the enterprise or, for a public place, the jurisdiction.")})
    require_in_scope(actor, point.jurisdiction)
    point.jurisdiction_path = point.jurisdiction.path
    errors: dict[str, list] = {}
    if point.enterprise_id:
        if actor is not None and not Enterprise.objects.restrict(actor, "view").filter(pk=point.enterprise_id).exists():
            errors.setdefault("enterprise", []).append(_("This enterprise is outside your scope."))
        else:
            enterprise_path = point.enterprise.jurisdiction.path
            here = point.jurisdiction_path
            if not (enterprise_path.startswith(here) or here.startswith(enterprise_path)):
                errors.setdefault("jurisdiction", []).append(_("The enterprise is registered in another jurisdiction."))
    for field, messages in coordinate_errors(point.latitude, point.longitude).items():
        errors.setdefault(field, []).extend(messages)
    types = list(point.accident_types or [])
    unknown = [t for t in types if t not in AccidentType.values]
    if unknown:
        errors.setdefault("accident_types", []).append(
            _("Unknown accident type: %(types)s.") % {"types": ", ".join(str(t) for t in unknown)}
        )
    # Stored in the order of the classification, each once.
    point.accident_types = [t for t in AccidentType.values if t in types]
    if point.identified_on and point.identified_on > timezone.localdate():
        errors.setdefault("identified_on", []).append(_("The identification date cannot be in the future."))
    try:
        _grade(point)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    point.full_clean(exclude=["jurisdiction_path"])


def _check_fields(function: str, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{function}() got unexpected fields: {', '.join(sorted(unknown))}")


def _require_change(actor, point: RiskPoint) -> None:
    if actor is None:
        return
    if not RiskPoint.objects.restrict(actor, "change").filter(pk=point.pk).exists():
        if RiskPoint.objects.restrict(actor, "view").filter(pk=point.pk).exists():
            raise PermissionDenied(_("Your role does not allow this action on this risk point."))
        raise PermissionDenied(_("This risk point is outside your scope."))


def _lock(point: RiskPoint) -> RiskPoint:
    return (
        RiskPoint.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "enterprise__jurisdiction", "enterprise__sector")
        .get(pk=point.pk)
    )


# --- Risk points ------------------------------------------------------------------------------


@transaction.atomic
def risk_point_create(*, actor, name: str, hazard_factors: str, method: str = GradingMethod.LEC, **fields) -> RiskPoint:
    """Identify a risk point and grade it by ``method``. Without a jurisdiction it lies where its
    enterprise is registered; without a sector it takes the enterprise's."""
    require_permission(actor, "hazards.add_riskpoint")
    _check_fields("risk_point_create", fields, (*DETAIL_FIELDS, *GRADING_FIELDS, *SYNC_FIELDS))
    fields.setdefault("identified_on", timezone.localdate())
    point = RiskPoint(name=name, hazard_factors=hazard_factors, method=method, **fields)
    _validate(actor, point)
    point.save()
    return point


@transaction.atomic
def risk_point_update(*, actor, risk_point: RiskPoint, **fields) -> RiskPoint:
    """Correct a point's details or grading; the grade is computed again from the (possibly
    new) inputs and the current bands. The audit trail keeps the old values."""
    require_permission(actor, "hazards.change_riskpoint")
    _check_fields("risk_point_update", fields, (*DETAIL_FIELDS, *GRADING_FIELDS))
    point = _lock(risk_point)
    _require_change(actor, point)
    if point.status == RiskPointStatus.RETIRED:
        raise ValidationError(_("A retired risk point cannot be changed."))
    # Before and after: moving a point into the actor's scope must not take over another
    # jurisdiction's record.
    require_in_scope(actor, point.jurisdiction)
    _apply(point, fields)
    _validate(actor, point)
    point.save()
    return point


def _apply(point: RiskPoint, fields: dict) -> None:
    for name, value in fields.items():
        setattr(point, name, value)
    if "enterprise" in fields and "jurisdiction" not in fields and point.enterprise_id:
        point.jurisdiction = point.enterprise.jurisdiction


@transaction.atomic
def risk_point_retire(*, actor, risk_point: RiskPoint, reason: str) -> RiskPoint:
    """Take a point off the map (the place closed, the hazard source removed). It stays on
    record with its reason and history."""
    require_permission(actor, "hazards.change_riskpoint")
    point = _lock(risk_point)
    _require_change(actor, point)
    if point.status == RiskPointStatus.RETIRED:
        raise ConflictError(_("This risk point is already retired."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for retiring the risk point.")})
    point.status = RiskPointStatus.RETIRED
    point.retired_reason = reason[:300]
    point.save(update_fields=["status", "retired_reason", "updated_at"])
    return point


# --- Re-identification rounds -----------------------------------------------------------------


def round_pending_points(round: RiskReviewRound) -> QuerySet:
    """Active points of the round's jurisdiction not reviewed in it yet. Points identified after
    the round opened count as freshly identified and need no review."""
    reviewed = RiskPointReview.objects.filter(round=round, risk_point=OuterRef("pk"))
    return RiskPoint.objects.filter(
        status=RiskPointStatus.ACTIVE,
        jurisdiction_path__startswith=round.jurisdiction.path,
        created_at__lte=round.created_at,
    ).filter(~Exists(reviewed))


def _lock_round(round: RiskReviewRound) -> RiskReviewRound:
    return RiskReviewRound.objects.select_for_update().select_related("jurisdiction").get(pk=round.pk)


def _require_round(actor, round: RiskReviewRound) -> None:
    if actor is None:
        return
    if not RiskReviewRound.objects.restrict(actor, "view").filter(pk=round.pk).exists():
        raise PermissionDenied(_("This round is outside your scope."))
    require_in_scope(actor, round.jurisdiction)


@transaction.atomic
def risk_round_open(*, actor, jurisdiction: Jurisdiction, year: int, half: int) -> RiskReviewRound:
    """Open the half-year's round in a city or county; one round at a time per jurisdiction."""
    require_permission(actor, "hazards.add_riskreviewround")
    require_in_scope(actor, jurisdiction)
    if jurisdiction.level not in ROUND_LEVELS:
        raise ValidationError({"jurisdiction": _("Re-identification rounds are run by a city or a county.")})
    # Serialises two people opening a round in the same place at once.
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
    if RiskReviewRound.objects.filter(jurisdiction=jurisdiction, status=RoundStatus.OPEN).exists():
        raise ConflictError(_("A round is already open in this jurisdiction; close it first."))
    this_year = timezone.localdate().year
    if not (2000 <= int(year) <= this_year + 1):
        raise ValidationError({"year": _("Give a year between 2000 and next year.")})
    round = RiskReviewRound(jurisdiction=jurisdiction, year=year, half=half, opened_by=actor)
    round.full_clean()
    round.save()
    return round


@transaction.atomic
def risk_point_review(
    *,
    actor,
    round: RiskReviewRound,
    risk_point: RiskPoint,
    outcome: str,
    note: str = "",
    **changes,
) -> RiskPointReview:
    """Review one point in an open round: confirm it unchanged, change it (it is graded again
    and the grade before and after is recorded) or retire it (``note`` is the reason). A point
    is reviewed once per round."""
    require_permission(actor, "hazards.add_riskpointreview")
    _check_fields("risk_point_review", changes, (*DETAIL_FIELDS, *GRADING_FIELDS))
    # The round first, always in this order: a close waits for reviews in progress and the
    # other way round.
    round = _lock_round(round)
    _require_round(actor, round)
    if round.status != RoundStatus.OPEN:
        raise ConflictError(_("This round is closed."))
    point = _lock(risk_point)
    _require_change(actor, point)
    if not point.jurisdiction_path.startswith(round.jurisdiction.path):
        raise ValidationError(_("This risk point lies outside the round's jurisdiction."))
    if RiskPointReview.objects.filter(round=round, risk_point=point).exists():
        raise ConflictError(_("This risk point has already been reviewed in this round."))
    if point.status != RiskPointStatus.ACTIVE:
        raise ConflictError(_("This risk point is already retired."))
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("Choose whether the point is confirmed, changed or retired.")})
    note = (note or "").strip()
    grade_before = point.grade
    today = timezone.localdate()
    if outcome == ReviewOutcome.CHANGED:
        changed = [name for name, value in changes.items() if getattr(point, name) != value]
        if not changed:
            raise ValidationError(_("Nothing was changed; confirm the point instead."))
        require_in_scope(actor, point.jurisdiction)
        _apply(point, changes)
        _validate(actor, point)
        if not point.jurisdiction_path.startswith(round.jurisdiction.path):
            raise ValidationError({"jurisdiction": _("A review cannot move the point out of the round's jurisdiction.")})
    elif changes:
        raise ValidationError(_("Only a changed point takes new values."))
    if outcome == ReviewOutcome.RETIRED:
        if not note:
            raise ValidationError({"note": _("Give the reason for retiring the risk point.")})
        point.status = RiskPointStatus.RETIRED
        point.retired_reason = note
    point.last_reviewed_on = today
    point.save()
    review = RiskPointReview(
        round=round,
        risk_point=point,
        outcome=outcome,
        grade_before=grade_before,
        grade_after="" if outcome == ReviewOutcome.RETIRED else point.grade,
        note=note,
        reviewed_by=actor,
    )
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def risk_round_close(*, actor, round: RiskReviewRound) -> RiskReviewRound:
    """Close a round once every active point of its jurisdiction has been reviewed."""
    require_permission(actor, "hazards.change_riskreviewround")
    round = _lock_round(round)
    _require_round(actor, round)
    if round.status != RoundStatus.OPEN:
        raise ConflictError(_("This round is already closed."))
    pending = round_pending_points(round).count()
    if pending:
        raise ValidationError(
            ngettext(
                "%(count)d active risk point has not been reviewed in this round yet.",
                "%(count)d active risk points have not been reviewed in this round yet.",
                pending,
            )
            % {"count": pending},
            code="pending",
        )
    round.status = RoundStatus.CLOSED
    round.closed_at = timezone.now()
    round.closed_by = actor
    round.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    return round


def current_half(on: date | None = None) -> tuple[int, int]:
    on = on or timezone.localdate()
    return on.year, 1 if on.month <= 6 else 2
