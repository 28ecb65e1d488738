"""Writes on assessment rounds: creating a round, computing its scores, the workflow, manual
scores, self-evaluations and the transmission to the organization department.

Computing (``round_compute``) is deterministic: the same records give the same rows, byte for
byte. Scores, their explanation and their records are rewritten only where something changed
(a digest of a score's records kept in its inputs tells), so computing twice writes nothing the
second time, and a finalized or published round is never written (``frozen``). All writes are in
bulk and the number of queries depends on the scheme's indicators and the levels assessed, never
on the number of targets: a province (1,440 targets) is one round like a county.

The stored explanations are data shown to every reader: they are written in the platform's
language (``settings.LANGUAGE_CODE``), whoever runs the computation.

Permissions: ``run_assessmentround`` (compute, score, move through scoring) and
``review_assessmentround`` (review, finalize, publish, reopen, transmit), checked with
``AssessmentRound.objects.restrict`` AND the round's assessing jurisdiction in the actor's scope:
an assessed county sees the city's round (its own row) but does not run it.
``selfevaluate_assessmentround`` lets an assessed unit submit its own self-evaluation.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Min, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.choices import (
    SCORED_KINDS,
    Grade,
    IndicatorKind,
    PeriodKind,
    RoundEventKind,
    RoundStatus,
    TargetKind,
    VetoEffect,
)
from assessments.metrics import METRICS, RATE_PARAMS, MetricResult, rate_of, rate_points
from assessments.models import (
    AssessmentRound,
    AssessmentScheme,
    Indicator,
    IndicatorThreshold,
    RoundEvent,
    RoundTarget,
    Score,
    ScoreSource,
)
from assessments.services.schemes import scheme_errors, scheme_freeze
from assessments.workflow import TRANSITIONS
from core.access import get_scope
from core.errors import ConflictError
from core.files import upload_error
from responsibility.choices import (
    DEPARTMENT_KINDS,
    PATH_LENGTH,
    JurisdictionLevel,
    OrganizationFunction,
    OrganizationKind,
)
from responsibility.models import Jurisdiction, Organization, Post

FINAL_STATUSES = (RoundStatus.FINALIZED, RoundStatus.PUBLISHED)
SCORING_STATUSES = (RoundStatus.OPEN, RoundStatus.SCORING, RoundStatus.REVIEW)
COMPUTED_KINDS = (IndicatorKind.COMPUTED, IndicatorKind.DEDUCTION, IndicatorKind.VETO)
ENTERED_KINDS = (IndicatorKind.MANUAL, IndicatorKind.BONUS)
ASSESSABLE_LEVELS = (JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE, JurisdictionLevel.TOWNSHIP)
EVIDENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".ofd")
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
#: Earliest year a round may assess.
FIRST_YEAR = 2000
#: Unscored items named in the refusal to finalize (the rest are counted).
UNSCORED_SHOWN = 20
CENT = Decimal("0.01")
SCORE_FIELDS = ("points", "inputs", "explanation", "veto_triggered")
#: The columns of a new score (see _score_line).
SCORE_INSERT_FIELDS = [
    "target_id", "indicator_id", "points", "inputs", "explanation", "veto_triggered", "self_points", "evidence",
    "evidence_file", "self_evidence", "scored_by_id", "scored_at", "lock_version",
]
RESULT_FIELDS = (
    "score_total", "deductions", "bonus", "total", "grade", "grade_before_veto", "excellence_removed",
    "unqualified_by_veto", "rank", "previous_total", "previous_rank",
)


# --- Helpers ----------------------------------------------------------------------------------


def _lock_round(round_: AssessmentRound) -> AssessmentRound:
    return (
        AssessmentRound.objects.select_for_update(of=("self",))
        .select_related("scheme", "jurisdiction")
        .get(pk=round_.pk)
    )


def _require_round_action(actor, round_: AssessmentRound, action: str) -> None:
    """The actor may ``action`` ("run" or "review") the round: the role's permission on a
    round in scope, and the assessing level in their scope (an assessed unit sees the round but
    does not run it). ``actor=None`` is a trusted system caller."""
    if actor is None or actor.is_superuser:
        return
    allowed = AssessmentRound.objects.restrict(actor, action).filter(pk=round_.pk).exists()
    if allowed and get_scope(actor).contains(round_.jurisdiction.path):
        return
    if AssessmentRound.objects.restrict(actor, "view").filter(pk=round_.pk).exists():
        if not allowed:
            raise PermissionDenied(_("Your role does not allow this action on assessment rounds."))
        raise PermissionDenied(_("Only the assessing level's safety office runs this round."))
    raise PermissionDenied(_("This round is outside your scope."))


def _event(round_: AssessmentRound, actor, kind: str, *, target: RoundTarget | None = None, action: str = "",
           from_status: str = "", to_status: str = "", comment: str = "", data: dict | None = None) -> RoundEvent:
    return RoundEvent.objects.create(
        round=round_,
        target=target,
        kind=kind,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        at=timezone.now(),
        comment=comment,
        data=data or {},
    )


def _decimal_points(value, field: str = "points") -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if number != number.quantize(CENT):
        raise ValidationError({field: _("Give the points to at most two decimal places.")})
    return number.quantize(CENT)


def _check_points(indicator: Indicator, points: Decimal | None, field: str = "points") -> None:
    if points is None:
        return
    if points < 0:
        raise ValidationError({field: _("Points cannot be negative.")})
    if points > indicator.max_points:
        raise ValidationError(
            {field: _("%(code)s is worth at most %(max)s points; %(points)s is above the maximum.")
             % {"code": indicator.code, "max": indicator.max_points, "points": points}}
        )


# --- Fast writes ------------------------------------------------------------------------------

#: Above this many rows, PostgreSQL gets them through COPY (a province's round writes tens of
#: thousands of scores and their records; INSERT … VALUES would take most of the time budget).
COPY_THRESHOLD = 500


#: COPY's text format escapes backslashes and the separators.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value).translate(_COPY_ESCAPES)


def _copy_line(row: tuple) -> str:
    return "\t".join(map(_copy_value, row)) + "\n"


_COPY_SPECIALS = re.compile(r"[\\\t\n\r]")


def _source_line(row: tuple) -> str:
    # (score, content type, object id, label, note): a province's round writes >100,000 of them,
    # whose texts rarely need escaping (searching is cheaper than translating).
    score_id, content_type_id, object_id, label, note = row
    if _COPY_SPECIALS.search(label):
        label = label.translate(_COPY_ESCAPES)
    if _COPY_SPECIALS.search(note):
        note = note.translate(_COPY_ESCAPES)
    return f"{score_id}\t{content_type_id}\t{object_id}\t{label}\t{note}\n"


def _score_line(row: tuple) -> str:
    # A new score: (target, indicator, points, inputs, explanation, veto) and the defaults of the
    # fields staff fill in later (see SCORE_INSERT_FIELDS).
    target_id, indicator_id, points, inputs, explanation, veto = row[:6]
    points = r"\N" if points is None else str(points)
    inputs = json.dumps(inputs, ensure_ascii=False, sort_keys=True)
    if _COPY_SPECIALS.search(inputs):
        inputs = inputs.translate(_COPY_ESCAPES)
    if _COPY_SPECIALS.search(explanation):
        explanation = explanation.translate(_COPY_ESCAPES)
    return f"{target_id}\t{indicator_id}\t{points}\t{inputs}\t{explanation}\t{'t' if veto else 'f'}\t\\N\t\t\t\t\\N\t\\N\t0\n"


def _insert(model, fields: list[str], rows: list[tuple], line=_copy_line) -> None:
    """Insert ``rows`` (values of ``fields``, attribute names, every field without a database
    default listed): COPY on PostgreSQL for many rows (``line`` formats one), bulk_create
    otherwise."""
    if not rows:
        return
    if connection.vendor == "postgresql" and len(rows) > COPY_THRESHOLD:
        opts = model._meta
        quote = connection.ops.quote_name
        columns = ", ".join(quote(opts.get_field(name).column) for name in fields)
        text = "".join(map(line, rows))
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN", io.StringIO(text))
        return
    model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=1000)


def _update(model, objects: list, fields: list[str]) -> None:
    """Write ``fields`` of ``objects``: on PostgreSQL one ``UPDATE … FROM (VALUES …)`` per
    2,000 rows (Django's bulk_update builds a CASE per field and row, which takes seconds for a
    province's 1,400 targets), bulk_update elsewhere."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=500)
        return
    opts = model._meta
    quote = connection.ops.quote_name
    columns = [opts.get_field(name) for name in fields]
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}::{f.db_type(connection)}" for f in columns)
    names = ", ".join(["id", *(quote(f.column) for f in columns)])
    for start in range(0, len(objects), 2000):
        chunk = objects[start : start + 2000]
        params = []
        for obj in chunk:
            params.append(obj.pk)
            for f in columns:
                value = f.get_db_prep_save(getattr(obj, f.attname), connection)
                params.append(value if not isinstance(value, (dict, list)) else json.dumps(value, ensure_ascii=False))
        placeholders = ", ".join("(" + ", ".join(["%s::bigint", *(["%s"] * len(columns))]) + ")" for _ in chunk)
        sql = (
            f"UPDATE {quote(opts.db_table)} AS t SET {sets} FROM (VALUES {placeholders}) AS v({names}) "
            f"WHERE t.{quote(opts.pk.column)} = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


# --- Creating a round -------------------------------------------------------------------------


def _first_record_year(jurisdiction: Jurisdiction) -> int | None:
    """The year of the first hazard, inspection or accident recorded in the subtree."""
    from assessments.models import Accident
    from hazards.models import Hazard
    from inspections.models import Inspection

    path = jurisdiction.path
    firsts = [
        Hazard.objects.filter(jurisdiction_path__startswith=path).aggregate(v=Min("found_on"))["v"],
        Inspection.objects.filter(jurisdiction_path__startswith=path).aggregate(v=Min("started_at"))["v"],
        Accident.objects.filter(jurisdiction_path__startswith=path).aggregate(v=Min("occurred_at"))["v"],
    ]
    years = [value.year for value in firsts if value is not None]
    return min(years) if years else None


def default_target_levels(jurisdiction: Jurisdiction) -> list[str]:
    """The levels directly below ``jurisdiction``: those of its active children."""
    levels = set(Jurisdiction.objects.filter(parent=jurisdiction, is_active=True).values_list("level", flat=True))
    return [level for level in JurisdictionLevel.values if level in levels and level in ASSESSABLE_LEVELS]


def government_targets(jurisdiction: Jurisdiction, levels: list[str]):
    return (
        Organization.objects.filter(
            kind=OrganizationKind.GOVERNMENT,
            is_active=True,
            jurisdiction__is_active=True,
            jurisdiction__level__in=levels,
            jurisdiction__path__startswith=jurisdiction.path,
        )
        .exclude(jurisdiction=jurisdiction)
        .select_related("jurisdiction")
        .order_by("jurisdiction__path", "sort_order", "pk")
    )


def member_departments(jurisdiction: Jurisdiction):
    """Departments with a post seated on the jurisdiction's safety committee."""
    return (
        Organization.objects.filter(
            kind__in=DEPARTMENT_KINDS,
            is_active=True,
            pk__in=Post.objects.filter(
                memberships__body__kind=OrganizationKind.SAFETY_COMMITTEE,
                memberships__body__jurisdiction=jurisdiction,
            ).values("organization_id"),
        )
        .select_related("jurisdiction")
        .order_by("sort_order", "name", "pk")
    )


@transaction.atomic
def round_create(
    *,
    actor,
    scheme: AssessmentScheme,
    jurisdiction: Jurisdiction,
    year: int,
    quarter: int | None = None,
    target_levels: list[str] | None = None,
    self_evaluation_until: date | None = None,
) -> AssessmentRound:
    """Open a round of ``scheme`` run by ``jurisdiction`` for a year (annual schemes) or a
    quarter: the targets (the governments of ``target_levels`` in the subtree, by default the
    levels just below, or the safety committee's member departments), one score per indicator
    and target, computed at once. Freezes the scheme's version."""
    if actor is not None and not actor.is_superuser:
        if not actor.has_perm("assessments.add_assessmentround"):
            raise PermissionDenied(_("Your role does not allow opening assessment rounds."))
        if not get_scope(actor).contains(jurisdiction.path):
            raise ValidationError({"jurisdiction": _("This jurisdiction is outside your scope.")})
        if not AssessmentScheme.objects.restrict(actor, "view").filter(pk=scheme.pk).exists():
            raise ValidationError({"scheme": _("This scheme is not available to you.")})
    scheme = AssessmentScheme.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=scheme.pk)
    errors: dict[str, list[str]] = defaultdict(list)
    if not scheme.is_active:
        errors["scheme"].append(_("This version of the scheme is no longer in use; choose the current one."))
    if scheme.jurisdiction_id and not jurisdiction.path.startswith(scheme.jurisdiction.path):
        errors["scheme"].append(_("This scheme is kept by %(name)s and applies only there.") % {"name": scheme.jurisdiction.name})
    problems = scheme_errors(scheme)
    if problems:
        errors["scheme"].append(_("The scheme cannot be used until it is corrected:"))
        errors["scheme"].extend(problems)

    today = timezone.localdate()
    try:
        year = int(year)
    except (TypeError, ValueError):
        errors["year"].append(_("Enter a year."))
        year = today.year
    if scheme.period_kind == PeriodKind.QUARTERLY:
        if quarter in (None, ""):
            errors["quarter"].append(_("A quarterly scheme needs the quarter."))
        elif str(quarter) not in ("1", "2", "3", "4"):
            errors["quarter"].append(_("The quarter is 1, 2, 3 or 4."))
        else:
            quarter = int(quarter)
    elif quarter not in (None, ""):
        errors["quarter"].append(_("An annual scheme is assessed over the whole year: leave the quarter empty."))
    else:
        quarter = None
    round_ = AssessmentRound(
        scheme=scheme,
        jurisdiction=jurisdiction,
        period_kind=scheme.period_kind,
        year=year,
        quarter=quarter if isinstance(quarter, int) else None,
        self_evaluation_until=self_evaluation_until,
        created_by=actor,
    )
    if not errors.get("quarter") and not errors.get("year"):
        if year < FIRST_YEAR or year > today.year + 1:
            errors["year"].append(_("Choose a year from %(first)d to this year.") % {"first": FIRST_YEAR})
        else:
            round_.set_period()
            if round_.starts_on > today:
                errors["year" if quarter is None else "quarter"].append(
                    _("%(period)s has not begun yet: a period is assessed once it has started.") % {"period": round_.period_label}
                )
            else:
                first = _first_record_year(jurisdiction)
                if first is not None and year < first:
                    errors["year"].append(
                        _("The records of %(name)s begin in %(first)d: there is nothing to assess in %(year)d.")
                        % {"name": jurisdiction.name, "first": first, "year": year}
                    )
    if self_evaluation_until is not None and round_.starts_on and self_evaluation_until < round_.starts_on:
        errors["self_evaluation_until"].append(_("The self-evaluation cannot close before the period begins."))

    if scheme.target_kind == TargetKind.GOVERNMENT:
        levels = list(target_levels) if target_levels else default_target_levels(jurisdiction)
        own_length = len(jurisdiction.path)
        wrong = [
            level for level in levels
            if level not in ASSESSABLE_LEVELS or PATH_LENGTH.get(level, 0) <= own_length
        ]
        if wrong:
            errors["target_levels"].append(
                _("Only levels below %(name)s can be assessed (not %(levels)s).")
                % {"name": jurisdiction.name, "levels": "、".join(str(JurisdictionLevel(w).label) if w in JurisdictionLevel.values else w for w in wrong)}
            )
            organizations = []
        else:
            organizations = list(government_targets(jurisdiction, levels))
            if not organizations and levels:
                errors["target_levels"].append(_("No government of these levels is recorded below %(name)s.") % {"name": jurisdiction.name})
            elif not levels:
                errors["target_levels"].append(_("%(name)s has no lower levels to assess.") % {"name": jurisdiction.name})
    else:
        levels = []
        organizations = list(member_departments(jurisdiction))
        if not organizations:
            errors["scheme"].append(
                _("No member department of the %(name)s safety committee is recorded: seat the departments on the committee first.")
                % {"name": jurisdiction.name}
            )
    round_.target_levels = levels
    if errors:
        raise ValidationError(dict(errors))
    round_.full_clean()
    round_.save()
    scheme_freeze(scheme)
    RoundTarget.objects.bulk_create(
        [RoundTarget(round=round_, organization=o, jurisdiction_path=o.jurisdiction.path) for o in organizations],
        batch_size=1000,
    )
    _event(round_, actor, RoundEventKind.CREATED, to_status=round_.status, data={"targets": len(organizations)})
    _compute(round_, actor)
    return round_


# --- Computing --------------------------------------------------------------------------------


def _threshold_for(indicator: Indicator, target: RoundTarget, own: dict) -> tuple[int, str]:
    """The veto threshold of ``indicator`` for ``target`` and where it comes from (see
    :mod:`assessments.services.schemes`)."""
    jurisdiction = target.organization.jurisdiction
    value = own.get((indicator.pk, jurisdiction.pk))
    if value is not None:
        return value, "jurisdiction"
    by_code = (indicator.params or {}).get("thresholds_by_code") or {}
    if jurisdiction.code in by_code:
        return int(by_code[jurisdiction.code]), "division_code"
    return int(indicator.threshold or 1), "scheme"


def _digest(sources: list[tuple]) -> str:
    return hashlib.sha1(json.dumps(sources, ensure_ascii=False).encode()).hexdigest()[:16] if sources else ""


class _Texts:
    """The sentences of the explanations, translated once per computation (a province's round
    has tens of thousands of scores; a translation lookup per score costs seconds)."""

    def __init__(self):
        self.computed = _("%(text)s %(points)s of %(max)s points.")
        self.deducted = _("%(text)s %(count)d × %(each)s = %(raw)s points deducted.")
        self.capped = _("Deduction capped at %(cap)s points.")
        self.no_deduction = _("%(text)s No deduction.")
        self.veto_applies = _("%(text)s At %(threshold)d or more (%(where)s) the veto applies: %(effect)s.")
        self.veto_not = _("%(text)s Below %(threshold)d (%(where)s): the veto does not apply.")
        own = _("this jurisdiction's own threshold")
        self.where = {"jurisdiction": own, "division_code": own, "scheme": _("the scheme's threshold")}
        self.effects = {value: str(label) for value, label in VetoEffect.choices}


def _score_values(indicator: Indicator, target: RoundTarget, result: MetricResult, own_thresholds: dict,
                  content_types: dict, texts: _Texts) -> tuple[dict, list[tuple]]:
    """The computed fields of one score and the records behind it."""
    sources = [
        (content_types[ref.model], ref.object_id, ref.label[:300], (ref.note or "")[:300]) for ref in result.sources
    ]
    inputs: dict = {"metric": indicator.metric}
    params = {k: v for k, v in (indicator.params or {}).items() if k != "thresholds_by_code"}
    if params:
        inputs["params"] = params
    if result.numerator is not None:
        inputs["numerator"] = result.numerator
    if result.denominator is not None:
        inputs["denominator"] = result.denominator
    inputs["records"] = result.source_count if result.source_count is not None else len(sources)
    if result.list_url:
        inputs["list_url"] = result.list_url
    if result.details:
        inputs.update(result.details)
    inputs["sources_digest"] = _digest(sources)
    veto = False
    if indicator.kind == IndicatorKind.COMPUTED:
        points = rate_points(result, indicator.max_points, indicator.params)
        inputs["rate"] = str(rate_of(result).quantize(Decimal("0.0001"), ROUND_HALF_UP)) if result.measured else None
        inputs["measured"] = result.measured
        explanation = texts.computed % {"text": result.text, "points": points, "max": indicator.max_points}
    elif indicator.kind == IndicatorKind.DEDUCTION:
        count = int(result.value)
        each = Decimal(indicator.points_each or 0)
        raw = (each * count).quantize(CENT)
        points = raw if indicator.cap is None else min(raw, Decimal(indicator.cap)).quantize(CENT)
        inputs.update({"count": count, "points_each": str(each), "cap": str(indicator.cap) if indicator.cap is not None else None})
        if count:
            explanation = texts.deducted % {"text": result.text, "count": count, "each": each, "raw": raw}
            if points != raw:
                explanation += " " + texts.capped % {"cap": points}
        else:
            explanation = texts.no_deduction % {"text": result.text}
    else:
        count = int(result.value)
        threshold, source = _threshold_for(indicator, target, own_thresholds)
        veto = count >= threshold
        points = None
        inputs.update({"count": count, "threshold": threshold, "threshold_from": source, "effect": indicator.veto_effect})
        explanation = (texts.veto_applies if veto else texts.veto_not) % {
            "text": result.text, "threshold": threshold, "where": texts.where[source],
            "effect": texts.effects.get(indicator.veto_effect, ""),
        }
    return {"points": points, "inputs": inputs, "explanation": explanation, "veto_triggered": veto}, sources


def _compute(round_: AssessmentRound, actor) -> dict:
    """Compute the computed, deduction and veto scores of every target and refresh the results
    (see the module docstring). The round is locked by the caller."""
    round_.__dict__.pop("_metric_cache", None)
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # The metrics group and number hundreds of thousands of rows (a province's quarter of
        # hazards, reports, inspections): with the default 4 MB those sorts spill to disk. The
        # setting lasts until the end of this transaction only.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
    with translation.override(settings.LANGUAGE_CODE):
        changed, loaded, sums, vetoes = _compute_scores(round_)
        targets = _refresh_results(round_, targets=loaded, sums=sums, vetoes=vetoes)
    round_.computed_at = timezone.now()
    round_.save(update_fields=["computed_at", "updated_at"])
    round_.__dict__.pop("_metric_cache", None)
    _event(round_, actor, RoundEventKind.COMPUTED, data={"targets": targets, "changed": changed})
    return {"targets": targets, "changed": changed, "frozen": False}


#: Connections reading the metrics side by side on PostgreSQL (the machine's cores work on the
#: queries of one metric and the Python of another at once).
PARALLEL_READERS = 2


def _reads_in_parallel() -> bool:
    """Whether the metrics may read through other connections: on PostgreSQL, unless the
    records are not committed — inside a test case's transaction other connections would not
    see them (``ASSESSMENT_PARALLEL_METRICS = False`` turns it off)."""
    if connection.vendor != "postgresql" or not getattr(settings, "ASSESSMENT_PARALLEL_METRICS", True):
        return False
    return not any(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _run_metrics(round_: AssessmentRound, targets: list[RoundTarget], jobs: dict) -> dict:
    """``{key: metric results}`` for ``jobs`` (``{key: (metric, params)}``).

    The metrics only read committed records (the domain's, and the results of finalized rounds),
    never what this transaction writes, so on PostgreSQL they run in worker threads, each with
    its own connection, in the caller's language and URL prefix; the heaviest first."""
    if len(jobs) < 2 or not _reads_in_parallel():
        return {key: metric.compute(targets, round_, params) for key, (metric, params) in jobs.items()}
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections
    from django.urls import get_script_prefix, set_script_prefix

    language, prefix = translation.get_language(), get_script_prefix()

    def run(item):
        key, (metric, params) = item
        try:
            set_script_prefix(prefix)
            with connections["default"].cursor() as cursor:
                cursor.execute("SET work_mem = '64MB'")  # this worker's own session (see _compute)
            with translation.override(language):
                return key, metric.compute(targets, round_, params)
        finally:
            connections.close_all()  # this worker's connections

    # The two metrics reading the obligations share one evaluation (see metrics._compliance):
    # start one of them first and the other last, so that neither waits for it.
    order = sorted(jobs.items(), key=lambda item: (item[0][0] == "inspection_quota", item[0][0] != "meetings_held"))
    with ThreadPoolExecutor(max_workers=PARALLEL_READERS) as pool:
        return dict(pool.map(run, order))


def _compute_scores(round_: AssessmentRound) -> tuple[int, list[RoundTarget], dict, dict]:
    """Compute and write the scores; returns how many changed, the targets, and the points per
    target and kind and the vetoes triggered (what the results are made of, known here without
    reading them back)."""
    indicators = list(
        Indicator.objects.filter(category__scheme_id=round_.scheme_id).order_by("category__position", "category_id", "position", "pk")
    )
    targets = list(RoundTarget.objects.filter(round=round_).select_related("organization__jurisdiction").order_by("pk"))
    # The stored values only (a province's round has 24,000 scores; model instances for all of
    # them would cost a second for the few that change).
    existing = {
        (row["target_id"], row["indicator_id"]): row
        for row in Score.objects.filter(target__round=round_).order_by().values("pk", "target_id", "indicator_id", *SCORE_FIELDS)
    }
    veto_ids = [i.pk for i in indicators if i.kind == IndicatorKind.VETO]
    own_thresholds = {
        (indicator_id, jurisdiction_id): threshold
        for indicator_id, jurisdiction_id, threshold in IndicatorThreshold.objects.filter(indicator_id__in=veto_ids).values_list(
            "indicator_id", "jurisdiction_id", "threshold"
        )
    } if veto_ids else {}

    # Each metric runs once per distinct set of counting parameters (the mapping parameters and
    # the thresholds do not change what is counted).
    jobs: dict[tuple[str, str], tuple] = {}
    keys: dict[int, tuple[str, str]] = {}
    for indicator in indicators:
        if indicator.kind not in COMPUTED_KINDS:
            continue
        metric = METRICS.get(indicator.metric)
        if metric is None:
            raise ValidationError(_("%(code)s is computed from an unknown metric “%(metric)s”.") % {"code": indicator.code, "metric": indicator.metric})
        params = {k: v for k, v in (indicator.params or {}).items() if k not in (*RATE_PARAMS, "thresholds_by_code")}
        key = keys[indicator.pk] = (metric.key, json.dumps(params, sort_keys=True))
        jobs.setdefault(key, (metric, params))
    runs = _run_metrics(round_, targets, jobs)
    results: dict[int, dict[int, MetricResult]] = {indicator_id: runs[key] for indicator_id, key in keys.items()}

    models = {ref.model for by_target in results.values() for result in by_target.values() for ref in result.sources}
    content_types = {model: ContentType.objects.get_for_model(model).pk for model in sorted(models, key=lambda m: m._meta.label)}

    texts = _Texts()
    to_create: list[tuple] = []
    new_sources: dict[tuple[int, int], list[tuple]] = {}
    to_update: list[Score] = []
    replaced: list[int] = []
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    vetoes: dict[int, set[str]] = defaultdict(set)
    for target in targets:
        for indicator in indicators:
            score = existing.get((target.pk, indicator.pk))
            if indicator.kind not in COMPUTED_KINDS:
                if score is None:
                    to_create.append((target.pk, indicator.pk, None, {}, "", False))
                elif score["points"] is not None:
                    sums[target.pk][indicator.kind] = sums[target.pk].get(indicator.kind, Decimal(0)) + score["points"]
                continue
            values, sources = _score_values(indicator, target, results[indicator.pk][target.pk], own_thresholds, content_types, texts)
            if values["points"] is not None:
                sums[target.pk][indicator.kind] = sums[target.pk].get(indicator.kind, Decimal(0)) + values["points"]
            if values["veto_triggered"]:
                vetoes[target.pk].add(indicator.veto_effect)
            if score is None:
                to_create.append((target.pk, indicator.pk, values["points"], values["inputs"], values["explanation"], values["veto_triggered"]))
                if sources:
                    new_sources[(target.pk, indicator.pk)] = sources
                continue
            if any(score[name] != values[name] for name in SCORE_FIELDS):
                if (score["inputs"] or {}).get("sources_digest") != values["inputs"]["sources_digest"]:
                    replaced.append(score["pk"])
                    if sources:
                        new_sources[(target.pk, indicator.pk)] = sources
                to_update.append(Score(pk=score["pk"], target_id=target.pk, indicator_id=indicator.pk, **values))

    _insert(Score, SCORE_INSERT_FIELDS, [(*row, None, "", "", "", None, None, 0) for row in to_create], line=_score_line)
    _update(Score, to_update, list(SCORE_FIELDS))
    for start in range(0, len(replaced), 2000):
        ScoreSource.objects.filter(score_id__in=replaced[start : start + 2000])._raw_delete(ScoreSource.objects.db)
    if new_sources:
        ids = {
            (target_id, indicator_id): pk
            for target_id, indicator_id, pk in Score.objects.filter(target__round=round_)
            .order_by()
            .values_list("target_id", "indicator_id", "pk")
        }
        rows = [
            (ids[key], *source)
            for key in sorted(new_sources, key=lambda k: ids[k])
            for source in new_sources[key]
        ]
        _insert(ScoreSource, ["score_id", "content_type_id", "object_id", "label", "note"], rows, line=_source_line)
    return len(to_create) + len(to_update), targets, sums, vetoes


# --- Totals, grades, vetoes, ranks --------------------------------------------------------------


def _scheme_family(scheme: AssessmentScheme) -> set[int]:
    """The versions of ``scheme`` (linked by ``supersedes``), in one query."""
    links = dict(
        AssessmentScheme.objects.filter(target_kind=scheme.target_kind, period_kind=scheme.period_kind).values_list("pk", "supersedes_id")
    )
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent in links.items():
        if parent:
            children[parent].append(pk)
    root = scheme.pk
    seen = {root}
    while links.get(root) and links[root] not in seen:
        root = links[root]
        seen.add(root)
    family, stack = set(), [root]
    while stack:
        pk = stack.pop()
        if pk not in family:
            family.add(pk)
            stack.extend(children.get(pk, []))
    return family


def previous_round(round_: AssessmentRound) -> AssessmentRound | None:
    """The finalized or published round of the same level and scheme family for the period
    before (the previous quarter, or last year)."""
    if round_.period_kind == PeriodKind.QUARTERLY:
        year, quarter = (round_.year, round_.quarter - 1) if round_.quarter > 1 else (round_.year - 1, 4)
    else:
        year, quarter = round_.year - 1, None
    return (
        AssessmentRound.objects.filter(
            jurisdiction_id=round_.jurisdiction_id,
            scheme_id__in=_scheme_family(round_.scheme),
            year=year,
            quarter=quarter,
            status__in=FINAL_STATUSES,
        )
        .order_by("-pk")
        .first()
    )


def _grade(total: Decimal, bands: list[tuple[str, Decimal]]) -> str:
    for grade, minimum in bands:
        if total >= minimum:
            return grade
    return Grade.UNQUALIFIED


def _refresh_results(round_: AssessmentRound, *, targets: list[RoundTarget] | None = None, sums: dict | None = None,
                     vetoes: dict | None = None) -> int:
    """Totals, grades, veto effects, ranks and last period's results of every target, from the
    points per target and kind and the vetoes triggered (read from the stored scores, in
    grouped sums, unless the computation passes them); writes the targets that changed.
    Returns the number of targets. A constant number of queries."""
    if sums is None:
        sums = defaultdict(dict)
        for target_id, kind, total in (
            Score.objects.filter(target__round=round_).order_by().values_list("target_id", "indicator__kind").annotate(s=Sum("points"))
        ):
            sums[target_id][kind] = Decimal(total or 0)
        vetoes = defaultdict(set)
        for target_id, effect in Score.objects.filter(target__round=round_, veto_triggered=True).values_list(
            "target_id", "indicator__veto_effect"
        ):
            vetoes[target_id].add(effect)
    bands = sorted(
        ((grade, Decimal(minimum)) for grade, minimum in round_.scheme.grade_bands.values_list("grade", "min_total")),
        key=lambda band: -band[1],
    )
    previous = previous_round(round_)
    before = (
        {org: (total, rank) for org, total, rank in RoundTarget.objects.filter(round=previous).values_list("organization_id", "total", "rank")}
        if previous
        else {}
    )
    if targets is None:
        targets = list(RoundTarget.objects.filter(round=round_).select_related("organization__jurisdiction").order_by("pk"))
    fresh: dict[int, dict] = {}
    for target in targets:
        kinds = sums.get(target.pk, {})
        score_total = sum((kinds.get(kind, Decimal(0)) for kind in SCORED_KINDS), Decimal(0)).quantize(CENT)
        deductions = kinds.get(IndicatorKind.DEDUCTION, Decimal(0)).quantize(CENT)
        bonus = kinds.get(IndicatorKind.BONUS, Decimal(0)).quantize(CENT)
        total = max(Decimal(0), score_total - deductions + bonus).quantize(CENT)
        grade_before = _grade(total, bands)
        grade = grade_before
        effects = vetoes.get(target.pk, set())
        unqualified = VetoEffect.UNQUALIFIED in effects
        excellence_removed = False
        if unqualified:
            grade = Grade.UNQUALIFIED
        elif VetoEffect.NO_EXCELLENCE in effects and grade == Grade.EXCELLENT:
            grade = Grade.GOOD
            excellence_removed = True
        last_total, last_rank = before.get(target.organization_id, (None, None))
        fresh[target.pk] = {
            "score_total": score_total,
            "deductions": deductions,
            "bonus": bonus,
            "total": total,
            "grade": grade,
            "grade_before_veto": grade_before,
            "excellence_removed": excellence_removed,
            "unqualified_by_veto": unqualified,
            "previous_total": last_total,
            "previous_rank": last_rank,
        }
    # Ranks within the units of one kind and level — townships are not ranked against counties,
    # development zones are (their paths are as long) —; equal totals share a rank, the next
    # rank skips (1, 2, 2, 4).
    groups: dict[object, list[RoundTarget]] = defaultdict(list)
    for target in targets:
        key = len(target.jurisdiction_path) if target.organization.kind == OrganizationKind.GOVERNMENT else "department"
        groups[key].append(target)
    for members in groups.values():
        members.sort(key=lambda t: (-fresh[t.pk]["total"], t.pk))
        rank, last = 0, None
        for position, target in enumerate(members, start=1):
            if fresh[target.pk]["total"] != last:
                rank, last = position, fresh[target.pk]["total"]
            fresh[target.pk]["rank"] = rank
    changed = []
    for target in targets:
        values = fresh[target.pk]
        if any(getattr(target, name) != values[name] for name in RESULT_FIELDS):
            for name in RESULT_FIELDS:
                setattr(target, name, values[name])
            changed.append(target)
    _update(RoundTarget, changed, list(RESULT_FIELDS))
    return len(targets)


@transaction.atomic
def round_compute(*, actor, round: AssessmentRound) -> dict:  # noqa: A002  (the signature other helpers call)
    """Recompute the round's scores from the records: ``{"targets", "changed", "frozen"}``.
    A finalized or published round is not written (``frozen``)."""
    round_ = _lock_round(round)
    _require_round_action(actor, round_, "run")
    if round_.status in FINAL_STATUSES:
        return {"targets": RoundTarget.objects.filter(round=round_).count(), "changed": 0, "frozen": True}
    return _compute(round_, actor)


# --- The workflow -----------------------------------------------------------------------------


def unscored_items(round_: AssessmentRound) -> list[Score]:
    """Manual items without points (bonus items may stay empty: no bonus)."""
    return list(
        Score.objects.filter(target__round=round_, indicator__kind=IndicatorKind.MANUAL, points__isnull=True)
        .select_related("target__organization", "indicator")
        .order_by("target__organization__jurisdiction__path", "target_id", "indicator__category__position", "indicator__position", "pk")
    )


@transaction.atomic
def round_transition(*, actor, round: AssessmentRound, action: str, comment: str = "",  # noqa: A002
                     expected_status: str | None = None) -> AssessmentRound:
    """Move the round along its workflow (:mod:`assessments.workflow`)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    round_ = _lock_round(round)
    if expected_status and round_.status != expected_status:
        raise ConflictError(
            _("Someone else has moved this round meanwhile (it is now “%(status)s”); reload and check before acting.")
            % {"status": round_.get_status_display()}
        )
    if round_.status not in transition.sources:
        raise ValidationError(
            _("“%(action)s” is not possible while the round is “%(status)s”.")
            % {"action": transition.label, "status": round_.get_status_display()}
        )
    _require_round_action(actor, round_, transition.permission)
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise ValidationError({"comment": _("Give the reason.")})
    if action == "submit_review":
        _compute(round_, actor)
    if action == "finalize":
        missing = unscored_items(round_)
        if missing:
            named = "；".join(f"{s.target.organization.name} {s.indicator.code} {s.indicator.name}" for s in missing[:UNSCORED_SHOWN])
            more = len(missing) - UNSCORED_SHOWN
            message = _("%(n)d manual item(s) are not scored yet: %(items)s") % {"n": len(missing), "items": named}
            if more > 0:
                message += " " + _("and %(n)d more.") % {"n": more}
            raise ValidationError(message)
    now = timezone.now()
    from_status = round_.status
    round_.status = transition.target
    update = ["status", "lock_version", "updated_at"]
    if action == "finalize":
        round_.finalized_at = now
        update.append("finalized_at")
    elif action == "publish":
        round_.published_at = now
        update.append("published_at")
    elif action == "reopen":
        round_.reopen_count += 1
        round_.finalized_at = round_.published_at = None
        update += ["reopen_count", "finalized_at", "published_at"]
    round_.lock_version += 1
    round_.save(update_fields=update)
    _event(round_, actor, RoundEventKind.TRANSITION, action=action, from_status=from_status, to_status=round_.status, comment=comment)
    return round_


# --- Manual scores and self-evaluation ----------------------------------------------------------


@transaction.atomic
def score_enter(*, actor, score: Score, points, evidence: str = "", evidence_file=None,
                expected_version: int | None = None) -> Score:
    """Enter the points of a manual or bonus item (0 to its maximum; ``None`` clears them) with
    the evidence. ``expected_version`` is the ``lock_version`` the scorer saw: if someone else
    scored the item since, the scorer gets a conflict instead of overwriting it unseen."""
    round_id = Score.objects.filter(pk=score.pk).values_list("target__round_id", flat=True).first()
    if round_id is None:
        raise ValidationError(_("This score no longer exists."))
    round_ = _lock_round(AssessmentRound(pk=round_id))
    _require_round_action(actor, round_, "run")
    score = Score.objects.select_for_update(of=("self",)).select_related("indicator", "target__organization").get(pk=score.pk)
    if expected_version is not None and score.lock_version != int(expected_version):
        raise ConflictError(
            _("Someone else has scored this item meanwhile (%(points)s points); reload and check before scoring.")
            % {"points": score.points if score.points is not None else "—"}
        )
    indicator = score.indicator
    if indicator.kind not in ENTERED_KINDS:
        raise ValidationError(_("%(code)s is computed from the records; recompute the round instead.") % {"code": indicator.code})
    if round_.status not in SCORING_STATUSES:
        raise ValidationError(
            _("Scores can be entered while the round is open, in office scoring or in review, not while it is “%(status)s”.")
            % {"status": round_.get_status_display()}
        )
    points = _decimal_points(points)
    _check_points(indicator, points)
    evidence = (evidence or "").strip()
    if evidence_file:
        error = upload_error(
            evidence_file, allowed=EVIDENCE_EXTENSIONS, max_bytes=MAX_EVIDENCE_BYTES,
            type_message=_("Evidence must be a PDF, an image, a Word or Excel document or an OFD file."),
        )
        if error:
            raise ValidationError({"evidence_file": error})
    if indicator.evidence_required and points is not None and not (evidence or evidence_file or score.evidence_file):
        raise ValidationError({"evidence": _("%(code)s needs evidence: describe it or attach a file.") % {"code": indicator.code}})
    previous = score.points
    score.points = points
    score.evidence = evidence
    if evidence_file:
        score.evidence_file.save(evidence_file.name, evidence_file, save=False)
    score.scored_by = actor
    score.scored_at = timezone.now()
    score.lock_version += 1
    score.save()
    _event(
        round_, actor, RoundEventKind.SCORED, target=score.target,
        data={"indicator": indicator.code, "points": None if points is None else str(points),
              "previous": None if previous is None else str(previous)},
    )
    _refresh_results(round_)
    return score


def _require_self_evaluation(actor, target: RoundTarget, round_: AssessmentRound) -> None:
    """The assessed unit submits its own self-evaluation: the permission, the target visible
    and in the actor's scope, and the actor of the unit (for a government: a scope inside the
    assessed jurisdiction, not the assessing level's; for a department: a current post in it)."""
    if actor is None or actor.is_superuser:
        return
    if not actor.has_perm("assessments.selfevaluate_assessmentround"):
        raise PermissionDenied(_("Your role does not allow submitting self-evaluations."))
    if not RoundTarget.objects.restrict(actor, "view").filter(pk=target.pk).exists():
        raise PermissionDenied(_("This assessed unit is outside your scope."))
    scope = get_scope(actor)
    if target.organization.kind == OrganizationKind.GOVERNMENT:
        own = scope.contains(target.jurisdiction_path) and not scope.contains(round_.jurisdiction.path)
    else:
        own = Post.objects.current().filter(official__user=actor, organization_id=target.organization_id).exists()
    if not own:
        raise PermissionDenied(_("Only the assessed unit submits its own self-evaluation."))


@transaction.atomic
def self_evaluation_submit(*, actor, target: RoundTarget, scores: dict[int, tuple[Decimal | None, str]], note: str = "") -> RoundTarget:
    """The assessed unit's own points and evidence for manual and bonus items (indicator id →
    (points, evidence)), while the round is in self-evaluation; may be resubmitted until it
    closes."""
    round_id = RoundTarget.objects.filter(pk=target.pk).values_list("round_id", flat=True).first()
    if round_id is None:
        raise ValidationError(_("This assessed unit no longer exists."))
    round_ = _lock_round(AssessmentRound(pk=round_id))
    target = RoundTarget.objects.select_for_update(of=("self",)).select_related("organization").get(pk=target.pk)
    _require_self_evaluation(actor, target, round_)
    if round_.status != RoundStatus.SELF_EVALUATION:
        raise ValidationError(_("The round is not open for self-evaluation (it is “%(status)s”).") % {"status": round_.get_status_display()})
    if round_.self_evaluation_until and timezone.localdate() > round_.self_evaluation_until:
        raise ValidationError(_("The self-evaluation closed on %(day)s.") % {"day": round_.self_evaluation_until})
    rows = {s.indicator_id: s for s in Score.objects.filter(target=target).select_related("indicator")}
    errors: list[str] = []
    changed = []
    for indicator_id, (points, evidence) in sorted(scores.items()):
        score = rows.get(int(indicator_id))
        if score is None:
            errors.append(_("Indicator %(id)s is not part of this round.") % {"id": indicator_id})
            continue
        indicator = score.indicator
        if indicator.kind not in ENTERED_KINDS:
            errors.append(_("%(code)s is computed from the records and is not self-evaluated.") % {"code": indicator.code})
            continue
        try:
            value = _decimal_points(points)
            _check_points(indicator, value)
        except ValidationError as error:
            errors.extend(f"{indicator.code}: {m}" for m in error.messages)
            continue
        evidence = (evidence or "").strip()
        if indicator.evidence_required and value is not None and not evidence:
            errors.append(_("%(code)s needs evidence.") % {"code": indicator.code})
            continue
        score.self_points, score.self_evidence = value, evidence
        changed.append(score)
    if errors:
        raise ValidationError(errors)
    if changed:
        Score.objects.bulk_update(changed, ["self_points", "self_evidence"])
    target.self_evaluation_note = (note or "").strip()
    target.self_evaluated_at = timezone.now()
    target.self_evaluated_by = actor
    target.save(update_fields=["self_evaluation_note", "self_evaluated_at", "self_evaluated_by"])
    _event(round_, actor, RoundEventKind.SELF_EVALUATED, target=target, data={"items": len(changed)})
    return target


# --- Transmission -----------------------------------------------------------------------------


@transaction.atomic
def round_transmit(*, actor, round: AssessmentRound, organization: Organization, sent_on: date,  # noqa: A002
                   reference: str = "") -> AssessmentRound:
    """Record that the results were sent to the assessing level's organization department."""
    round_ = _lock_round(round)
    _require_round_action(actor, round_, "review")
    if round_.status not in FINAL_STATUSES:
        raise ValidationError(_("Only finalized or published results are sent to the organization department."))
    errors: dict[str, list[str]] = {}
    if organization.function != OrganizationFunction.ORGANIZATION or organization.jurisdiction_id != round_.jurisdiction_id:
        errors["organization"] = [
            _("Choose the organization department of %(name)s.") % {"name": round_.jurisdiction.name}
        ]
    if sent_on is None:
        errors["sent_on"] = [_("Give the date it was sent.")]
    elif sent_on > timezone.localdate():
        errors["sent_on"] = [_("The date it was sent cannot be in the future.")]
    elif round_.finalized_at and sent_on < timezone.localtime(round_.finalized_at).date():
        errors["sent_on"] = [_("The results cannot have been sent before they were finalized.")]
    reference = (reference or "").strip()
    if len(reference) > 100:
        errors["reference"] = [_("The reference is at most 100 characters.")]
    if errors:
        raise ValidationError(errors)
    round_.transmitted_to = organization
    round_.transmitted_on = sent_on
    round_.transmission_reference = reference
    round_.lock_version += 1
    round_.save(update_fields=["transmitted_to", "transmitted_on", "transmission_reference", "lock_version", "updated_at"])
    _event(
        round_, actor, RoundEventKind.TRANSMITTED,
        data={"organization": organization.pk, "organization_name": organization.name, "sent_on": sent_on.isoformat(), "reference": reference},
    )
    return round_
