"""Reads of assessment rounds for the pages and the API: who may do what with a round, the
round list's counts, a unit's scores grouped by category with the records behind them, and
the words that say what a rule does.

Rounds are visible both to the level that runs them and to the units they assess (see
:mod:`assessments.querysets`), so "may this user act on the round" is more than ``restrict``:
acting (computing, scoring, moving the round) belongs to the assessing level's office only,
whose scope holds the round's own jurisdiction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from assessments.choices import (
    AccidentLevel,
    AccidentType,
    IndicatorKind,
    RoundEventKind,
    RoundStatus,
    VetoEffect,
)
from assessments.models import (
    AssessmentRound,
    Indicator,
    RoundEvent,
    RoundTarget,
    Score,
    ScoreSource,
)
from assessments.workflow import Transition, allowed_actions
from core.access import get_scope
from responsibility.choices import OrganizationKind

#: Kinds entered by people (the others come from the records).
ENTERED_KINDS = (IndicatorKind.MANUAL, IndicatorKind.BONUS)


# --- Who may do what ------------------------------------------------------------------------


def assesses(user, round_: AssessmentRound) -> bool:
    """Whether ``user`` belongs to the level running ``round_`` (its scope holds the round's
    jurisdiction). An assessed county sees the city's round but does not run it."""
    if user is None or not user.is_authenticated:
        return False
    return get_scope(user).contains(round_.jurisdiction.path)


def may(user, round_: AssessmentRound, permission: str) -> bool:
    """``permission`` is a workflow prefix: ``run``, ``review`` or ``selfevaluate``."""
    if not user.has_perm(f"assessments.{permission}_assessmentround"):
        return False
    if permission == "selfevaluate":
        return True
    return assesses(user, round_)


def allowed_transitions(user, round_: AssessmentRound) -> list[Transition]:
    """The transitions the table allows from the round's status that ``user`` may take."""
    return [t for t in allowed_actions(round_.status) if may(user, round_, t.permission)]


def post_organization_ids(user) -> set[int]:
    """The organizations where the user holds a post today (one query, kept on the user object
    for the request like the scope)."""
    cached = getattr(user, "_assessment_post_organizations", None)
    if cached is None:
        from responsibility.models import Post

        cached = set(Post.objects.current().filter(official__user=user).values_list("organization_id", flat=True))
        user._assessment_post_organizations = cached
    return cached


def self_evaluates(user, target: RoundTarget, round_: AssessmentRound | None = None) -> bool:
    """Whether ``user`` speaks for the assessed unit of ``target``: someone holding a post in
    the unit itself (a member department), or the people of the assessed jurisdiction (a
    county's safety office for its government) who are not of the assessing level."""
    round_ = round_ or target.round
    if not user.is_authenticated or not user.has_perm("assessments.selfevaluate_assessmentround"):
        return False
    if user.is_superuser:
        return True
    # As assessments.services.rounds decides: a government by its jurisdiction's people, a
    # department by those holding a post in it.
    if target.organization.kind == OrganizationKind.GOVERNMENT:
        scope = get_scope(user)
        return scope.contains(target.jurisdiction_path) and not scope.contains(round_.jurisdiction.path)
    return target.organization_id in post_organization_ids(user)


def may_self_evaluate(user, target: RoundTarget, round_: AssessmentRound | None = None) -> bool:
    round_ = round_ or target.round
    return round_.status == RoundStatus.SELF_EVALUATION and self_evaluates(user, target, round_)


def self_evaluated_rows(user, round_: AssessmentRound, rows) -> list[RoundTarget]:
    """The rows of ``round_`` the user self-evaluates (at most one query for all of them).
    Administrators act for anyone but have no unit of their own."""
    if user.is_superuser:
        return []
    return [row for row in rows if self_evaluates(user, row, round_)]


# --- The round list -------------------------------------------------------------------------


def _count(queryset):
    """The number of rows of a correlated subquery, 0 when there are none."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def round_list_queryset(user):
    """Rounds the user may see with the counts of the units the user may see in each: assessed
    units, those with a computed result, and manual items scored of all manual items. One
    query for the page (each count is a correlated subquery on indexed foreign keys)."""
    visible_targets = RoundTarget.objects.restrict(user, "view")
    targets = visible_targets.filter(round=OuterRef("pk"))
    manual = Score.objects.filter(
        target__round=OuterRef("pk"), indicator__kind=IndicatorKind.MANUAL, target__in=visible_targets.values("pk")
    )
    return (
        AssessmentRound.objects.restrict(user, "view")
        .select_related("jurisdiction", "scheme")
        .annotate(
            target_count=_count(targets),
            computed_count=_count(targets.filter(total__isnull=False)),
            manual_count=_count(manual),
            manual_scored=_count(manual.filter(points__isnull=False)),
        )
    )


# --- A round's results ----------------------------------------------------------------------


def results_queryset(user, round_: AssessmentRound):
    """The units of ``round_`` the user may see, ranked, with their manual-scoring progress."""
    manual = Q(scores__indicator__kind=IndicatorKind.MANUAL)
    return (
        RoundTarget.objects.restrict(user, "view")
        .filter(round=round_)
        .select_related("organization__jurisdiction")
        .annotate(
            manual_count=Count("scores", filter=manual),
            manual_scored=Count("scores", filter=manual & Q(scores__points__isnull=False)),
        )
        .order_by("pk")
    )


def results_rows(user, round_: AssessmentRound) -> list[RoundTarget]:
    """:func:`results_queryset` decorated and in the order of the results table."""
    return sorted((decorate_row(row) for row in results_queryset(user, round_)), key=ranked_order)


def round_events(round_: AssessmentRound) -> list[RoundEvent]:
    """The round's own timeline: opened, computed, moved, sent. What happened to one unit
    (its scores entered, its self-evaluation) is on that unit's page, and counted here by
    :func:`unit_event_counts`: a province's round has thousands of them."""
    return list(round_.events.filter(target__isnull=True).select_related("actor").order_by("at", "pk"))


def unit_event_counts(round_: AssessmentRound, visible_target_ids: set[int] | None = None) -> list[dict]:
    """Per kind, how many events the units of the round had and when the last one was (one
    query); ``visible_target_ids`` limits them to the units the reader may see."""
    from django.db.models import Max

    labels = dict(RoundEventKind.choices)
    events = round_.events.filter(target__isnull=False)
    if visible_target_ids is not None:
        events = events.filter(target_id__in=visible_target_ids)
    rows = events.order_by().values("kind").annotate(n=Count("pk"), last=Max("at")).order_by("kind")
    return [{"kind": row["kind"], "label": labels.get(row["kind"], row["kind"]), "count": row["n"], "last": row["last"]} for row in rows]


def target_events(target: RoundTarget) -> list[RoundEvent]:
    return list(target.events.select_related("actor").order_by("at", "pk"))


@dataclass
class Progress:
    manual_count: int = 0
    manual_scored: int = 0
    targets: int = 0
    computed: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.manual_scored / self.manual_count) if self.manual_count else 100

    @property
    def complete(self) -> bool:
        return self.manual_scored >= self.manual_count


def progress_of(rows) -> Progress:
    progress = Progress()
    for row in rows:
        progress.targets += 1
        progress.computed += row.total is not None
        progress.manual_count += row.manual_count
        progress.manual_scored += row.manual_scored
    return progress


#: The groups units are ranked in, as the scoring service ranks them: governments by the length
#: of their jurisdiction's path (counties and development zones together, townships apart) and
#: member departments among themselves; in the order the results show them.
RANK_GROUPS = ("city", "county", "township", "department")
_GROUP_OF_PATH_LENGTH = {4: "city", 6: "county", 9: "township"}


def rank_group(row: RoundTarget) -> str:
    if row.organization.kind != OrganizationKind.GOVERNMENT:
        return "department"
    return _GROUP_OF_PATH_LENGTH.get(len(row.jurisdiction_path), "county")


def _group_label(key: str, rows) -> str:
    if key == "department":
        return _("Member departments")
    plural = {
        "city": _("Cities"),
        "county": _("Counties"),
        "development_zone": _("Development zones"),
        "township": _("Townships"),
    }
    levels = []
    for row in rows:
        level = row.organization.jurisdiction.level
        if level not in levels:
            levels.append(level)
    order = ["city", "county", "development_zone", "township"]
    levels.sort(key=lambda level: order.index(level) if level in order else len(order))
    if levels == ["county", "development_zone"]:
        return _("Counties and development zones")
    return "、".join(str(plural.get(level, level)) for level in levels) or str(plural.get(key, key))


def ranked_order(row: RoundTarget) -> tuple:
    """Sort key of a results table: by ranking group, then rank (unranked last), then the
    tree's order."""
    group = rank_group(row)
    position = RANK_GROUPS.index(group) if group in RANK_GROUPS else len(RANK_GROUPS)
    organization = row.organization
    return (position, row.rank is None, row.rank or 0, organization.jurisdiction.path, organization.sort_order, row.pk)


@dataclass
class RankGroup:
    key: str
    label: str
    rows: list


def group_rows(rows) -> list[RankGroup]:
    """``rows`` (sorted by :func:`ranked_order`) cut into their ranking groups."""
    groups: list[RankGroup] = []
    for row in rows:
        key = rank_group(row)
        if not groups or groups[-1].key != key:
            groups.append(RankGroup(key, "", []))
        groups[-1].rows.append(row)
    for group in groups:
        group.label = _group_label(group.key, group.rows)
    return groups


def decorate_row(row: RoundTarget) -> RoundTarget:
    """Adds what a results row shows beyond the stored fields: the change against last period
    (``total_delta``, ``rank_delta`` — positive is better) and the veto marks."""
    row.total_delta = row.total - row.previous_total if row.total is not None and row.previous_total is not None else None
    row.rank_delta = row.previous_rank - row.rank if row.rank is not None and row.previous_rank is not None else None
    row.rank_change = abs(row.rank_delta) if row.rank_delta else 0
    row.vetoed = row.excellence_removed or row.unqualified_by_veto
    return row


# --- One unit's scores ----------------------------------------------------------------------


@dataclass
class CategoryBlock:
    category: object
    scores: list = field(default_factory=list)
    points: Decimal = Decimal(0)


def target_scores(target: RoundTarget) -> list[Score]:
    """Every score of the unit with its indicator and category and the records behind it, in
    three queries whatever their number."""
    return list(
        Score.objects.filter(target=target)
        .select_related("indicator__category", "scored_by")
        .prefetch_related(Prefetch("sources", queryset=ScoreSource.objects.order_by("pk")))
        .order_by("indicator__category__position", "indicator__category_id", "indicator__position", "indicator_id")
    )


def group_by_category(scores: list[Score]) -> list[CategoryBlock]:
    blocks: dict[int, CategoryBlock] = {}
    for score in scores:
        category = score.indicator.category
        block = blocks.setdefault(category.pk, CategoryBlock(category))
        block.scores.append(score)
        if score.points is not None and score.indicator.kind in (IndicatorKind.COMPUTED, IndicatorKind.MANUAL):
            block.points += score.points
    return list(blocks.values())


def _visible(model, user):
    manager = model._default_manager
    queryset = manager.all()
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, "view")
    opts = model._meta
    return queryset if user.has_perm(f"{opts.app_label}.view_{opts.model_name}") else queryset.none()


def resolve_sources(user, sources) -> None:
    """Sets ``url`` on each source: the record's page when the user may see the record, else
    None. One query per kind of record (accidents, hazards, officials …), not per source."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for source in sources:
        wanted[source.content_type_id].add(source.object_id)
    urls: dict[tuple[int, int], str] = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        for obj in _visible(model, user).filter(pk__in=ids):
            try:
                urls[(content_type_id, obj.pk)] = obj.get_absolute_url()
            except Exception:  # noqa: BLE001 - a record whose page cannot be addressed is shown without a link
                continue
    for source in sources:
        source.url = urls.get((source.content_type_id, source.object_id))


# --- Rules in words -------------------------------------------------------------------------


def _number(value) -> str:
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def _percent(value) -> str:
    return _number(Decimal(str(value)) * 100) + "%"


def metric_label(key: str) -> str:
    if not key:
        return ""
    try:
        from assessments.metrics import METRICS
    except ImportError:  # the registry is being written alongside
        return key
    metric = METRICS.get(key)
    return str(metric.label) if metric is not None else key


def _filters_in_words(params: dict) -> list[str]:
    parts = []
    levels = params.get("levels") or []
    if levels:
        labels = dict(AccidentLevel.choices)
        parts.append(_("level: %(levels)s") % {"levels": "、".join(str(labels.get(level, level)) for level in levels)})
    if params.get("min_deaths"):
        parts.append(_("deaths ≥ %(n)s") % {"n": params["min_deaths"]})
    types = params.get("types") or []
    if types:
        labels = dict(AccidentType.choices)
        parts.append(_("type: %(types)s") % {"types": "、".join(str(labels.get(t, t)) for t in types)})
    if params.get("window") == "year":
        parts.append(_("counted over the year so far"))
    return parts


def rule_in_words(indicator: Indicator, thresholds: list | None = None, code_names: dict[str, str] | None = None) -> str:
    """What the indicator's rule does, as a short sentence: "50 points each; deaths ≥ 2",
    "level: Larger; ≥ 1 in the year → No excellence this year; own thresholds: 晋江市 2".
    ``thresholds`` are the indicator's IndicatorThreshold rows (with their jurisdiction);
    ``code_names`` names the division codes of ``params["thresholds_by_code"]``."""
    params = indicator.params if isinstance(indicator.params, dict) else {}
    kind = indicator.kind
    parts: list[str] = []
    if kind == IndicatorKind.COMPUTED:
        full_at = params.get("full_at", 1)
        zero_at = params.get("zero_at", 0)
        parts.append(_("full points at %(full)s, none at %(zero)s") % {"full": _percent(full_at), "zero": _percent(zero_at)})
    elif kind == IndicatorKind.DEDUCTION:
        if indicator.points_each is not None:
            parts.append(_("%(points)s points each") % {"points": _number(indicator.points_each)})
        parts += _filters_in_words(params)
        if indicator.cap is not None:
            parts.append(_("at most %(cap)s points") % {"cap": _number(indicator.cap)})
    elif kind == IndicatorKind.VETO:
        effect = dict(VetoEffect.choices).get(indicator.veto_effect, indicator.veto_effect)
        parts += _filters_in_words(params)
        if indicator.threshold is not None:
            parts.append(_("≥ %(n)s → %(effect)s") % {"n": indicator.threshold, "effect": effect})
        own = [(t.jurisdiction.name, t.threshold) for t in thresholds or []]
        by_code = params.get("thresholds_by_code") if isinstance(params.get("thresholds_by_code"), dict) else {}
        named = {name for name, _threshold in own}
        for code, value in sorted(by_code.items()):
            name = (code_names or {}).get(code, code)
            if name not in named:
                own.append((name, value))
        if own:
            parts.append(_("own thresholds: %(list)s") % {"list": "、".join(f"{name} {value}" for name, value in own)})
    elif kind == IndicatorKind.MANUAL:
        parts.append(_("0 to %(max)s points, scored by staff") % {"max": _number(indicator.max_points)})
        if indicator.evidence_required:
            parts.append(_("evidence required"))
    elif kind == IndicatorKind.BONUS:
        parts.append(_("up to %(max)s extra points") % {"max": _number(indicator.max_points)})
        if indicator.evidence_required:
            parts.append(_("evidence required"))
    return _("; ").join(parts)


def threshold_codes(indicators) -> dict[str, str]:
    """Names of the division codes in the indicators' ``thresholds_by_code`` (one query)."""
    from responsibility.models import Jurisdiction

    codes = {
        code
        for indicator in indicators
        if isinstance(indicator.params, dict) and isinstance(indicator.params.get("thresholds_by_code"), dict)
        for code in indicator.params["thresholds_by_code"]
    }
    if not codes:
        return {}
    return dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "name"))


def inputs_in_words(inputs: dict) -> list[tuple[str, str]]:
    """The inputs of a computation as (label, value) pairs: what was counted, out of what, the
    rate, the occurrences and the veto threshold (with where it comes from). The rest of the
    stored inputs (the metric, its parameters, a digest of the records) are for the machine."""
    if not inputs:
        return []
    pairs: list[tuple[str, str]] = []
    if inputs.get("numerator") is not None and inputs.get("denominator") is not None:
        pairs.append((_("Counted"), str(inputs["numerator"])))
        pairs.append((_("Out of"), str(inputs["denominator"])))
    if inputs.get("rate") is not None:
        try:
            pairs.append((_("Rate"), _percent(inputs["rate"])))
        except (ArithmeticError, ValueError, TypeError):
            pairs.append((_("Rate"), str(inputs["rate"])))
    elif inputs.get("measured") is False:
        pairs.append((_("Rate"), _("nothing to measure: full points")))
    if inputs.get("count") is not None:
        pairs.append((_("Occurrences"), str(inputs["count"])))
    if inputs.get("threshold") is not None:
        where = {
            "jurisdiction": _("this jurisdiction's own"),
            "division_code": _("this jurisdiction's own"),
            "scheme": _("the scheme's"),
        }.get(inputs.get("threshold_from"), "")
        pairs.append((_("Veto threshold"), f"{inputs['threshold']} ({where})" if where else str(inputs["threshold"])))
    return pairs
