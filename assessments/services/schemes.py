"""Writes on assessment schemes: validation, versions, freezing, and the editing of categories,
indicators, grade bands and per-jurisdiction veto thresholds.

A scheme is data, versioned: the version a round uses is frozen (``frozen_at``) so that a
finished round keeps the rules it was scored by; a change is made on a new version
(:func:`scheme_new_version`), which ``supersedes`` the old one. Every editing service refuses a
frozen scheme.

Who may edit: ``assessments.change_assessmentscheme`` with the scheme's jurisdiction in the
actor's scope. The platform's default schemes (no jurisdiction) are changed by system
administrators only; a safety office makes its own version of one (``scheme_new_version`` with
its ``jurisdiction``).

Per-jurisdiction veto thresholds: a veto indicator's threshold for a target is, in this order,
(1) an :class:`IndicatorThreshold` row for the target's jurisdiction (set with
:func:`threshold_set`), (2) ``params["thresholds_by_code"]`` — ``{"350582": 2}``, keyed by the
division code, which is how the platform's default schemes carry Quanzhou's Jinjiang and Nan'an
rule before any jurisdiction exists — and (3) the indicator's own ``threshold``. Both overrides
match the target's own jurisdiction exactly (a county's rule is not its townships').
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.choices import GRADE_ORDER, SCORED_KINDS, Grade, IndicatorKind
from assessments.metrics import COUNT, METRICS, RATE
from assessments.models import AssessmentScheme, GradeBand, Indicator, IndicatorThreshold, SchemeCategory
from core.access import get_scope
from responsibility.models import Jurisdiction

CATEGORY_FIELDS = ("name", "max_points", "position")
INDICATOR_FIELDS = (
    "code", "name", "kind", "max_points", "metric", "params", "points_each", "cap", "threshold", "veto_effect",
    "evidence_required", "guidance", "position",
)
#: Grades that have a band (below the lowest band a unit is unqualified).
BANDED_GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.QUALIFIED)


# --- Permission -------------------------------------------------------------------------------


def require_scheme_change(actor, scheme: AssessmentScheme) -> None:
    """The actor may change ``scheme`` (``actor=None``: a trusted system caller)."""
    if actor is None or actor.is_superuser:
        return
    if not actor.has_perm("assessments.change_assessmentscheme"):
        raise PermissionDenied(_("Your role does not allow changing assessment schemes."))
    if scheme.jurisdiction_id is None:
        raise PermissionDenied(
            _("The platform's default schemes can be changed by a system administrator only; make your own version of it instead.")
        )
    if not get_scope(actor).contains(scheme.jurisdiction.path):
        raise PermissionDenied(_("This scheme is kept by a jurisdiction outside your scope."))


def _require_unfrozen(scheme: AssessmentScheme) -> None:
    if scheme.frozen_at is not None:
        raise ValidationError(
            _("This version of the scheme is in use by a round and can no longer change: make a new version.")
        )


def _lock_scheme(scheme: AssessmentScheme) -> AssessmentScheme:
    # Edits of one scheme are serialized on its row: two people editing at once cannot both
    # pass the frozen check while a round freezes it.
    return AssessmentScheme.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=scheme.pk)


# --- Validation -------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def indicator_errors(indicator: Indicator, target_kind: str | None = None) -> list[str]:
    """What is wrong with one indicator's rule, each as a sentence naming it."""
    name = f"{indicator.code} {indicator.name}".strip()
    errors: list[str] = []
    metric = METRICS.get(indicator.metric) if indicator.metric else None
    params = indicator.params if isinstance(indicator.params, dict) else None
    if params is None:
        errors.append(_("%(name)s: the rule parameters must be an object.") % {"name": name})
        params = {}
    kind = indicator.kind
    if kind in (IndicatorKind.COMPUTED, IndicatorKind.DEDUCTION, IndicatorKind.VETO):
        wanted = RATE if kind == IndicatorKind.COMPUTED else COUNT
        if not indicator.metric:
            errors.append(_("%(name)s: choose what it is computed from.") % {"name": name})
        elif metric is None:
            errors.append(_("%(name)s: “%(metric)s” is not a known metric.") % {"name": name, "metric": indicator.metric})
        elif metric.unit != wanted:
            message = (
                _("%(name)s: “%(metric)s” is a count; a computed indicator needs a rate.")
                if wanted == RATE
                else _("%(name)s: “%(metric)s” is a rate; deductions and vetoes count occurrences.")
            )
            errors.append(message % {"name": name, "metric": metric.label})
        elif target_kind and target_kind not in metric.target_kinds:
            errors.append(_("%(name)s: “%(metric)s” cannot assess these units.") % {"name": name, "metric": metric.label})
        if metric is not None and params:
            unknown = sorted(set(params) - set(metric.params) - {"thresholds_by_code"})
            if unknown:
                errors.append(
                    _("%(name)s: unknown rule parameters %(names)s.") % {"name": name, "names": "、".join(unknown)}
                )
    elif indicator.metric:
        errors.append(_("%(name)s: a manual or bonus item is not computed from records.") % {"name": name})
    if kind == IndicatorKind.COMPUTED:
        full_at, zero_at = _decimal(params.get("full_at", 1)), _decimal(params.get("zero_at", 0))
        if full_at is None or zero_at is None:
            errors.append(_("%(name)s: full_at and zero_at must be numbers.") % {"name": name})
        elif not (0 <= zero_at < full_at <= 1):
            errors.append(_("%(name)s: the rate giving no points must be below the rate giving full points, both between 0 and 1.") % {"name": name})
    if kind in SCORED_KINDS or kind == IndicatorKind.BONUS:
        if indicator.max_points is None or Decimal(indicator.max_points) <= 0:
            errors.append(_("%(name)s: give the maximum points.") % {"name": name})
    elif indicator.max_points and Decimal(indicator.max_points) != 0:
        errors.append(_("%(name)s: deductions and vetoes have no maximum points (use the cap for deductions).") % {"name": name})
    if kind == IndicatorKind.DEDUCTION:
        if indicator.points_each is None or Decimal(indicator.points_each) <= 0:
            errors.append(_("%(name)s: a deduction needs the points per occurrence.") % {"name": name})
        if indicator.cap is not None and Decimal(indicator.cap) <= 0:
            errors.append(_("%(name)s: the largest deduction must be above zero (or empty for no cap).") % {"name": name})
    elif indicator.points_each is not None or indicator.cap is not None:
        errors.append(_("%(name)s: only deductions have points per occurrence and a cap.") % {"name": name})
    if kind == IndicatorKind.VETO:
        if not indicator.threshold:
            errors.append(_("%(name)s: a veto needs a threshold of at least 1.") % {"name": name})
        if not indicator.veto_effect:
            errors.append(_("%(name)s: a veto needs its effect.") % {"name": name})
        by_code = params.get("thresholds_by_code", {})
        if not isinstance(by_code, dict) or any(
            not isinstance(v, int) or isinstance(v, bool) or v < 1 for v in by_code.values()
        ):
            errors.append(_("%(name)s: thresholds by division code must be whole numbers of at least 1.") % {"name": name})
    else:
        if indicator.threshold is not None or indicator.veto_effect:
            errors.append(_("%(name)s: only vetoes have a threshold and an effect.") % {"name": name})
        if "thresholds_by_code" in params:
            errors.append(_("%(name)s: only vetoes have thresholds by division code.") % {"name": name})
    if params.get("window") not in (None, "period", "year"):
        errors.append(_("%(name)s: the window is “period” or “year”.") % {"name": name})
    return errors


def scheme_errors(scheme: AssessmentScheme) -> list[str]:
    """Every problem of the scheme, as sentences (empty: the scheme is usable)."""
    errors: list[str] = []
    categories = list(scheme.categories.order_by("position", "pk").prefetch_related("indicators"))
    total = Decimal(scheme.total_points or 0).quantize(Decimal("0.01"))
    if total <= 0:
        errors.append(_("The scheme's total points must be above zero."))
    if not categories:
        errors.append(_("The scheme has no categories."))
    category_sum = Decimal(0)
    indicator_count = 0
    codes: dict[str, str] = {}
    for category in categories:
        indicators = list(category.indicators.all())
        indicator_count += len(indicators)
        scored = sum((Decimal(i.max_points) for i in indicators if i.kind in SCORED_KINDS), Decimal(0))
        category_sum += Decimal(category.max_points)
        if Decimal(category.max_points) != scored:
            errors.append(
                _("Category “%(name)s” is worth %(max)s points but its computed and manual items add up to %(sum)s.")
                % {"name": category.name, "max": category.max_points, "sum": scored}
            )
        for indicator in indicators:
            if indicator.code in codes:
                errors.append(
                    _("Code %(code)s is used in “%(a)s” and “%(b)s”.")
                    % {"code": indicator.code, "a": codes[indicator.code], "b": category.name}
                )
            codes.setdefault(indicator.code, category.name)
            errors.extend(indicator_errors(indicator, scheme.target_kind))
    if categories and category_sum != total:
        errors.append(
            _("The categories add up to %(sum)s points but the scheme's total is %(total)s.") % {"sum": category_sum, "total": total}
        )
    if categories and not indicator_count:
        errors.append(_("The scheme has no indicators."))
    bands = {band.grade: Decimal(band.min_total) for band in scheme.grade_bands.all()}
    errors.extend(_band_errors(bands, total))
    return errors


def _band_errors(bands: dict[str, Decimal], total: Decimal) -> list[str]:
    errors = []
    if not bands:
        return [_("The scheme has no grade bands.")]
    for grade in bands:
        if grade not in BANDED_GRADES:
            errors.append(_("“%(grade)s” has no band: it is what falls below the lowest band.") % {"grade": Grade(grade).label})
    previous = None
    for grade in GRADE_ORDER:
        if grade not in bands:
            continue
        value = bands[grade]
        if value < 0 or value > total:
            errors.append(
                _("The band of “%(grade)s” must lie between 0 and the total %(total)s.") % {"grade": Grade(grade).label, "total": total}
            )
        if previous is not None and value >= previous[1]:
            errors.append(
                _("The bands must descend: “%(grade)s” (%(value)s) is not below “%(above)s” (%(above_value)s).")
                % {"grade": Grade(grade).label, "value": value, "above": Grade(previous[0]).label, "above_value": previous[1]}
            )
        previous = (grade, value)
    return errors


def scheme_validate(scheme: AssessmentScheme) -> None:
    """Raise a ValidationError listing every problem of the scheme."""
    errors = scheme_errors(scheme)
    if errors:
        raise ValidationError(errors)


# --- Versions ---------------------------------------------------------------------------------


@transaction.atomic
def scheme_new_version(*, actor, scheme: AssessmentScheme, jurisdiction: Jurisdiction | None = None, name: str = "") -> AssessmentScheme:
    """A deep copy of ``scheme`` (categories, indicators, thresholds, bands) as its next version,
    unfrozen, superseding it.

    With ``jurisdiction`` (different from the scheme's own), the copy becomes that
    jurisdiction's scheme — how a safety office adapts a platform default; ``name`` renames the
    copy."""
    scheme = AssessmentScheme.objects.select_related("jurisdiction").get(pk=scheme.pk)
    if jurisdiction is not None and jurisdiction.pk != scheme.jurisdiction_id:
        if actor is not None and not actor.is_superuser:
            if not actor.has_perm("assessments.add_assessmentscheme"):
                raise PermissionDenied(_("Your role does not allow creating assessment schemes."))
            if not get_scope(actor).contains(jurisdiction.path):
                raise PermissionDenied(_("This jurisdiction is outside your scope."))
        owner = jurisdiction
    else:
        require_scheme_change(actor, scheme)
        owner = scheme.jurisdiction
    name = (name or scheme.name).strip()
    latest = AssessmentScheme.objects.filter(jurisdiction=owner, name=name).aggregate(v=Max("version"))["v"] or 0
    copy = AssessmentScheme(
        name=name,
        jurisdiction=owner,
        target_kind=scheme.target_kind,
        period_kind=scheme.period_kind,
        version=latest + 1,
        supersedes=scheme,
        total_points=scheme.total_points,
        basis=scheme.basis,
        is_active=True,
        created_by=actor,
    )
    copy.full_clean()
    copy.save()
    for category in scheme.categories.order_by("position", "pk").prefetch_related("indicators__thresholds"):
        indicators = list(category.indicators.all())
        category.pk = None
        category.scheme = copy
        category.save()
        for indicator in indicators:
            thresholds = list(indicator.thresholds.all())
            indicator.pk = None
            indicator.category = category
            indicator.save()
            IndicatorThreshold.objects.bulk_create(
                [IndicatorThreshold(indicator=indicator, jurisdiction_id=t.jurisdiction_id, threshold=t.threshold) for t in thresholds]
            )
    GradeBand.objects.bulk_create(
        [GradeBand(scheme=copy, grade=band.grade, min_total=band.min_total) for band in scheme.grade_bands.all()]
    )
    if owner == scheme.jurisdiction and scheme.is_active:
        # The new version takes over: the old one stays for the rounds that used it.
        AssessmentScheme.objects.filter(pk=scheme.pk).update(is_active=False)
    return copy


def scheme_freeze(scheme: AssessmentScheme) -> AssessmentScheme:
    """Freeze the version (a round uses it); idempotent."""
    if scheme.frozen_at is None:
        now = timezone.now()
        AssessmentScheme.objects.filter(pk=scheme.pk, frozen_at__isnull=True).update(frozen_at=now)
        scheme.frozen_at = AssessmentScheme.objects.values_list("frozen_at", flat=True).get(pk=scheme.pk)
    return scheme


# --- Categories and indicators ----------------------------------------------------------------


def _apply(instance, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def category_save(*, actor, scheme: AssessmentScheme, category: SchemeCategory | None = None, **fields) -> SchemeCategory:
    """Create or change a category of an unfrozen scheme."""
    scheme = _lock_scheme(scheme)
    require_scheme_change(actor, scheme)
    _require_unfrozen(scheme)
    if category is None:
        category = SchemeCategory(scheme=scheme)
        if "position" not in fields:
            fields["position"] = (scheme.categories.aggregate(p=Max("position"))["p"] or 0) + 10
    elif category.scheme_id != scheme.pk:
        raise ValidationError(_("This category belongs to another scheme."))
    _apply(category, fields, CATEGORY_FIELDS)
    category.full_clean(exclude=["scheme"])
    category.save()
    return category


@transaction.atomic
def category_delete(*, actor, category: SchemeCategory) -> None:
    scheme = _lock_scheme(category.scheme)
    require_scheme_change(actor, scheme)
    _require_unfrozen(scheme)
    category.delete()


@transaction.atomic
def indicator_save(*, actor, category: SchemeCategory, indicator: Indicator | None = None, **fields) -> Indicator:
    """Create or change an indicator of an unfrozen scheme; its own rule is checked here (a
    known metric of the right kind, a deduction's points, a veto's threshold and effect); the
    sums are checked when the scheme is used (:func:`scheme_validate`)."""
    scheme = _lock_scheme(category.scheme)
    require_scheme_change(actor, scheme)
    _require_unfrozen(scheme)
    if indicator is None:
        indicator = Indicator(category=category)
        if "position" not in fields:
            fields["position"] = (category.indicators.aggregate(p=Max("position"))["p"] or 0) + 10
    elif indicator.category.scheme_id != scheme.pk:
        raise ValidationError(_("This indicator belongs to another scheme."))
    else:
        indicator.category = category
    if fields.get("params") is None and "params" in fields:
        fields["params"] = {}
    for name in ("metric", "veto_effect", "guidance"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    _apply(indicator, fields, INDICATOR_FIELDS)
    indicator.full_clean(exclude=["category"])
    errors = indicator_errors(indicator, scheme.target_kind)
    if Indicator.objects.filter(category__scheme=scheme, code=indicator.code).exclude(pk=indicator.pk).exists():
        errors.append(_("Another indicator of this scheme has the code %(code)s.") % {"code": indicator.code})
    if errors:
        raise ValidationError(errors)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_delete(*, actor, indicator: Indicator) -> None:
    scheme = _lock_scheme(indicator.category.scheme)
    require_scheme_change(actor, scheme)
    _require_unfrozen(scheme)
    indicator.delete()


@transaction.atomic
def grade_bands_set(*, actor, scheme: AssessmentScheme, bands: dict[str, Decimal]) -> None:
    """Replace the scheme's grade bands: the lowest total of excellent, good and qualified
    (descending); below the lowest band a unit is unqualified."""
    scheme = _lock_scheme(scheme)
    require_scheme_change(actor, scheme)
    _require_unfrozen(scheme)
    values: dict[str, Decimal] = {}
    errors = []
    for grade, value in bands.items():
        if value in (None, ""):
            continue
        number = _decimal(value)
        if grade not in Grade.values:
            errors.append(_("“%(grade)s” is not a grade.") % {"grade": grade})
        elif number is None:
            errors.append(_("The band of “%(grade)s” must be a number.") % {"grade": Grade(grade).label})
        else:
            values[grade] = number.quantize(Decimal("0.01"))
    errors += _band_errors(values, Decimal(scheme.total_points)) if not errors else []
    if errors:
        raise ValidationError(errors)
    scheme.grade_bands.all().delete()
    GradeBand.objects.bulk_create([GradeBand(scheme=scheme, grade=g, min_total=v) for g, v in values.items()])


@transaction.atomic
def threshold_set(*, actor, indicator: Indicator, jurisdiction: Jurisdiction, threshold: int | None) -> None:
    """Give ``jurisdiction`` its own threshold for a veto indicator (None removes it)."""
    scheme = _lock_scheme(indicator.category.scheme)
    require_scheme_change(actor, scheme)
    _require_unfrozen(scheme)
    if indicator.kind != IndicatorKind.VETO:
        raise ValidationError(_("Only a veto indicator has thresholds per jurisdiction."))
    if actor is not None and not actor.is_superuser and not get_scope(actor).contains(jurisdiction.path):
        raise ValidationError({"jurisdiction": _("This jurisdiction is outside your scope.")})
    if threshold is None:
        IndicatorThreshold.objects.filter(indicator=indicator, jurisdiction=jurisdiction).delete()
        return
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValidationError({"threshold": _("The threshold must be a whole number of at least 1.")})
    IndicatorThreshold.objects.update_or_create(indicator=indicator, jurisdiction=jurisdiction, defaults={"threshold": threshold})

