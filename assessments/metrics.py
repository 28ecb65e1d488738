"""The metrics that computed, deduction and veto indicators are made of.

A metric answers one question for every assessed unit of a round at once — "how many of the
hazards due this quarter were rectified on time?" — and returns, per target, a
:class:`MetricResult`: the value, its numerator and denominator, a sentence saying what was
counted, and the records behind it (at most ``SOURCES_PER_SCORE``; the counts say how many in
all, ``list_url`` links to the full filtered list where the platform has one).

Counting is done in bulk, by database aggregation, never per target: a government target answers
for its jurisdiction subtree, so ``GROUP BY substr(jurisdiction_path, 1, L)`` — L the length of
the longest target path, a township's in a round over counties and townships — counts every
target in one query, the shorter ones (the counties) summed from the groups below them. A
department target answers for what it supervises (``GROUP BY supervising_department_id``: one
more query). The records behind the scores come the same way, numbered per group by a window
function (``ROW_NUMBER() OVER (PARTITION BY …)``) and cut at ``SOURCES_PER_SCORE``; a county's
first records are among its townships' first ones. The number of queries of a metric is thus a
constant, whatever the number of targets, levels or records.

Metrics compute one round at a time and may run in worker threads (on PostgreSQL, see
``services.rounds._run_metrics``): they only read, and share state through the round only with
a lock (see :func:`_compliance`).

Rates are between 0 and 1; "count" metrics (accidents, deaths) feed deductions and vetoes. A
rate with nothing to measure (no hazard was due, no report was owed) has ``denominator == 0``:
the indicator then gets its full points and its explanation says why.

Other apps may add metrics with :func:`register_metric`.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Window
from django.db.models.functions import RowNumber, Substr
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.choices import TargetKind

if TYPE_CHECKING:
    from assessments.models import AssessmentRound, RoundTarget

RATE = "rate"
COUNT = "count"
BOTH_KINDS = (TargetKind.GOVERNMENT, TargetKind.DEPARTMENT)
TWO_PLACES = Decimal("0.01")


# --- What a metric returns --------------------------------------------------------------------


class SourceRef(NamedTuple):
    """A record behind a score (stored as a ``ScoreSource``): a tuple, a province's round has
    more than 100,000 of them."""

    model: type
    object_id: int
    label: str
    note: str = ""


@dataclass
class MetricResult:
    value: float
    numerator: int | None = None
    denominator: int | None = None
    text: str = ""
    sources: list[SourceRef] = field(default_factory=list)
    list_url: str = ""
    #: How many records are behind the result in all (``sources`` keeps the first ones).
    source_count: int | None = None
    #: Further inputs worth keeping with the score (JSON-ready values only).
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def measured(self) -> bool:
        """False for a rate with nothing to measure (full points)."""
        return self.denominator != 0


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    unit: str  # RATE or COUNT
    target_kinds: tuple[str, ...]
    compute: Callable[[list[RoundTarget], AssessmentRound, dict], dict[int, MetricResult]]
    description: str | Promise = ""
    #: Parameter names the metric reads from ``Indicator.params`` (for validation and forms).
    params: tuple[str, ...] = ()


METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> Metric:
    """Add (or replace) a metric."""
    METRICS[metric.key] = metric
    return metric


def metric_choices(unit: str | None = None) -> list[tuple[str, str]]:
    """(key, label) pairs for forms; ``unit`` keeps rates or counts only."""
    return [(m.key, str(m.label)) for m in METRICS.values() if unit is None or m.unit == unit]


# --- Mapping a rate to points -------------------------------------------------------------------


def rate_of(result: MetricResult) -> Decimal:
    """The rate as an exact decimal: from the counts when there are counts (so that the same
    records always give the same points, whatever floating point makes of the division)."""
    if result.numerator is not None and result.denominator:
        return Decimal(result.numerator) / Decimal(result.denominator)
    return Decimal(repr(float(result.value)))


def rate_points(result: MetricResult, max_points: Decimal, params: dict | None = None) -> Decimal:
    """points = max_points × clamp((rate − zero_at) / (full_at − zero_at)), to the cent (half
    up); full points when there is nothing to measure."""
    max_points = Decimal(max_points)
    if not result.measured:
        return max_points.quantize(TWO_PLACES, ROUND_HALF_UP)
    params = params or {}
    full_at = Decimal(str(params.get("full_at", 1)))
    zero_at = Decimal(str(params.get("zero_at", 0)))
    if full_at == zero_at:
        share = Decimal(1) if rate_of(result) >= full_at else Decimal(0)
    else:
        share = (rate_of(result) - zero_at) / (full_at - zero_at)
    share = min(Decimal(1), max(Decimal(0), share))
    return (max_points * share).quantize(TWO_PLACES, ROUND_HALF_UP)


def percent(numerator: int, denominator: int) -> str:
    value = (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), ROUND_HALF_UP) if denominator else Decimal(100)
    return f"{value}%"


# --- Periods ----------------------------------------------------------------------------------


def cutoff(round_: AssessmentRound, today: date | None = None) -> date:
    """The last day whose facts count: the period's end, or yesterday for a period still
    running (a deadline falling today has not been missed yet)."""
    today = today or timezone.localdate()
    return min(round_.ends_on, today - timedelta(days=1))


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _months_ended(start: date, end: date, today: date) -> list[date]:
    """First days of the months from ``start`` to ``end`` that are over by ``today``."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        if following <= today:
            months.append(month)
        month = following
    return months


def list_link(name: str) -> Callable[..., str]:
    """``link(**filters)``: the list page ``name`` with those filters ("" when the page does
    not exist). The URL is reversed once per metric run, not once per target."""
    try:
        base = reverse(name)
    except NoReverseMatch:
        return lambda **query: ""

    def link(**query) -> str:
        query = {k: v for k, v in query.items() if v not in (None, "")}
        return f"{base}?{urlencode(query)}" if query else base

    return link


def _cut(text: str, length: int = 300) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# --- Grouping records by target -----------------------------------------------------------------


class Targets:
    """The targets of a round, as metrics count for them: governments by the prefix of a
    path (one dictionary per path length), departments by their organization id."""

    def __init__(self, targets: Iterable[RoundTarget], round_: AssessmentRound):
        from responsibility.choices import OrganizationKind

        self.root = round_.jurisdiction.path
        self.all = list(targets)
        self.by_length: dict[int, dict[str, RoundTarget]] = {}
        self.by_organization: dict[int, RoundTarget] = {}
        for target in self.all:
            if target.organization.kind == OrganizationKind.GOVERNMENT:
                self.by_length.setdefault(len(target.jurisdiction_path), {})[target.jurisdiction_path] = target
            else:
                self.by_organization[target.organization_id] = target
        self._lengths = sorted(self.by_length.items())
        self._by_path: dict[str, tuple[RoundTarget, ...]] = {}

    def for_path(self, path: str) -> list[RoundTarget]:
        """The government targets whose subtree holds ``path`` (a new list each time; the
        lookup is remembered, records of one place being many)."""
        found = self._by_path.get(path)
        if found is None:
            found = tuple(
                paths[path[:length]]
                for length, paths in self._lengths
                if len(path) >= length and path[:length] in paths
            )
            self._by_path[path] = found
        return list(found)

    def for_organization(self, organization_id: int | None) -> RoundTarget | None:
        return self.by_organization.get(organization_id) if organization_id else None

    def grouped(
        self,
        queryset: QuerySet,
        *,
        path: str,
        organization: str | None,
        department_filter: Q | None = None,
        **aggregates,
    ) -> dict[int, dict[str, int]]:
        """``aggregates`` (counts or sums) per target id, in two queries whatever the number of
        targets and levels: the governments' records grouped by the prefix of the longest target
        path (a township's, say), rolled up to the shorter ones (its county) here; and the
        departments' records grouped by ``organization`` (the lookup of the supervising
        department; ``department_filter`` narrows what departments count)."""
        counted: dict[int, dict[str, int]] = {}
        names = list(aggregates)

        def add(target, values) -> None:
            row = counted.setdefault(target.pk, dict.fromkeys(names, 0))
            for name, value in zip(names, values, strict=True):
                row[name] += value or 0

        if self.by_length:
            rows = (
                queryset.filter(**{f"{path}__startswith": self.root})
                .annotate(_group=Substr(path, 1, max(self.by_length)))
                .order_by()
                .values("_group")
                .annotate(**aggregates)
                .values_list("_group", *names)
            )
            for group, *values in rows:
                for target in self.for_path(group):
                    add(target, values)
        if self.by_organization and organization:
            # One filter() call: on a multi-valued relation (an enterprise's supervisions) the
            # department and the condition must apply to the same related row.
            departments = queryset.filter(Q(**{f"{organization}__in": list(self.by_organization)}) & (department_filter or Q()))
            rows = departments.order_by().values(organization).annotate(**aggregates).values_list(organization, *names)
            for organization_id, *values in rows:
                add(self.by_organization[organization_id], values)
        return counted

    def first_per_target(
        self,
        queryset: QuerySet,
        *,
        path: str,
        organization: str | None,
        order: list[str],
        fields: list[str],
        department_filter: Q | None = None,
        limit: int | None = None,
    ) -> dict[int, list[dict]]:
        """The first ``limit`` records of each target by ``order`` (ascending fields, never
        null, the last one unique), as dicts of ``fields`` (which include ``order``).

        Governments: one query numbers the records per prefix of the longest target path
        (``ROW_NUMBER() OVER (PARTITION BY …)``) and keeps the first ``limit`` of each; a shorter
        target's first records are among those of the groups below it, merged here. Departments:
        one query partitioned by the department."""
        from assessments.models import SOURCES_PER_SCORE

        limit = limit or SOURCES_PER_SCORE
        order_by = [F(name).asc() for name in order]
        found: dict[int, list[dict]] = defaultdict(list)
        if self.by_length:
            group = Substr(path, 1, max(self.by_length))
            rows = (
                queryset.filter(**{f"{path}__startswith": self.root})
                .annotate(_group=group, _number=Window(RowNumber(), partition_by=[group], order_by=order_by))
                .filter(_number__lte=limit)
                .order_by()
                .values("_group", *fields)
            )
            for row in rows:
                for target in self.for_path(row["_group"]):
                    found[target.id].append(row)
        if self.by_organization and organization:
            # One filter() call: on a multi-valued relation (an enterprise's supervisions) the
            # department and the condition must apply to the same related row.
            departments = queryset.filter(Q(**{f"{organization}__in": list(self.by_organization)}) & (department_filter or Q()))
            rows = (
                departments.annotate(
                    _group=F(organization), _number=Window(RowNumber(), partition_by=[F(organization)], order_by=order_by)
                )
                .filter(_number__lte=limit)
                .order_by()
                .values("_group", *fields)
            )
            for row in rows:
                found[self.by_organization[row["_group"]].id].append(row)
        key = itemgetter(*order)
        for rows in found.values():
            rows.sort(key=key)
            del rows[limit:]
        return found

    def list_filter(self, target: RoundTarget) -> dict:
        """Filters narrowing a list page to the target: its subtree, or its department."""
        if target.organization_id in self.by_organization:
            return {"department": target.organization_id}
        return {"jurisdiction": target.organization.jurisdiction_id}

    def place_id(self, target: RoundTarget) -> int | None:
        """The jurisdiction filter of pages that have no department filter (None: a department)."""
        return None if target.organization_id in self.by_organization else target.organization.jurisdiction_id


def _rate_results(
    targets: Targets,
    counts: dict[int, dict[str, int]],
    *,
    numerator: str,
    denominator: str,
    sentence: str,
    nothing: str,
    sources: dict[int, list[SourceRef]] | None = None,
    failing: str | None = None,
    list_url: Callable[[RoundTarget], str] | None = None,
    extra: dict | None = None,
) -> dict[int, MetricResult]:
    """One result per target from its counts; ``sentence`` is a translated format string
    taking ``num``, ``den``, ``pct`` (and ``extra``)."""
    results = {}
    for target in targets.all:
        row = counts.get(target.pk, {})
        num, den = int(row.get(numerator, 0)), int(row.get(denominator, 0))
        refs = (sources or {}).get(target.pk, [])
        results[target.pk] = MetricResult(
            value=num / den if den else 1.0,
            numerator=num,
            denominator=den,
            text=sentence % {"num": num, "den": den, "pct": percent(num, den), **(extra or {})} if den else nothing,
            sources=refs,
            source_count=int(row.get(failing, 0)) if failing else len(refs),
            list_url=list_url(target) if list_url else "",
        )
    return results


# --- Hazards ----------------------------------------------------------------------------------
# Translated texts are fetched once per run (a province has tens of thousands of records behind
# its scores; a translation lookup per record would cost seconds).


def hazards_on_time(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """Hazards whose (possibly extended) deadline fell in the period, rectified by it."""
    from hazards.choices import DEADLINE_STATUSES, HazardStatus
    from hazards.models import Hazard

    groups = Targets(targets, round_)
    last = cutoff(round_)
    due = Hazard.objects.filter(deadline__gte=round_.starts_on, deadline__lte=last).exclude(status=HazardStatus.CANCELLED)
    on_time = (
        Q(rectified_on__isnull=False, rectified_on__lte=F("deadline"))
        & ~Q(status__in=[HazardStatus.REPORTED, *DEADLINE_STATUSES])
    )
    counts = groups.grouped(
        due, path="jurisdiction_path", organization="supervising_department_id",
        due=Count("pk"), on_time=Count("pk", filter=on_time), late=Count("pk", filter=~on_time),
    )
    late = groups.first_per_target(
        due.exclude(on_time), path="jurisdiction_path", organization="supervising_department_id",
        order=["deadline", "pk"], fields=["pk", "code", "title", "deadline", "rectified_on"],
    )
    rectified_late = _("deadline %(deadline)s, rectified %(rectified)s")
    not_rectified = _("deadline %(deadline)s, not rectified")
    sources = {
        target_id: [
            SourceRef(
                Hazard,
                row["pk"],
                _cut(f"{row['code']} {row['title']}"),
                (rectified_late if row["rectified_on"] else not_rectified)
                % {"deadline": row["deadline"], "rectified": row["rectified_on"]},
            )
            for row in rows
        ]
        for target_id, rows in late.items()
    }
    link = list_link("hazards:hazard_list")
    return _rate_results(
        groups,
        counts,
        numerator="on_time",
        denominator="due",
        failing="late",
        sources=sources,
        sentence=_("%(num)d of %(den)d hazards due in the period were rectified by their deadline (%(pct)s)."),
        nothing=_("No hazard had its rectification deadline in the period: nothing to measure, full points."),
        list_url=lambda t: link(overdue="true", **groups.list_filter(t)),
    )


def major_hazards_closed(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """Major hazards due by the period's end (and still open when it began), closed out by its end."""
    from hazards.choices import HazardLevel, HazardStatus
    from hazards.models import Hazard

    groups = Targets(targets, round_)
    last = cutoff(round_)
    end = day_start(round_.ends_on + timedelta(days=1))
    due = (
        Hazard.objects.filter(level=HazardLevel.MAJOR, deadline__lte=last)
        .exclude(status=HazardStatus.CANCELLED)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=day_start(round_.starts_on)))
    )
    closed = Q(closed_at__isnull=False, closed_at__lt=end)
    counts = groups.grouped(
        due, path="jurisdiction_path", organization="supervising_department_id",
        due=Count("pk"), closed=Count("pk", filter=closed), open=Count("pk", filter=~closed),
    )
    still_open = groups.first_per_target(
        due.exclude(closed), path="jurisdiction_path", organization="supervising_department_id",
        order=["deadline", "pk"], fields=["pk", "code", "title", "deadline"],
    )
    note = _("major hazard due %(deadline)s, not closed out by the end of the period")
    sources = {
        target_id: [
            SourceRef(Hazard, row["pk"], _cut(f"{row['code']} {row['title']}"), note % {"deadline": row["deadline"]})
            for row in rows
        ]
        for target_id, rows in still_open.items()
    }
    link = list_link("hazards:hazard_list")
    return _rate_results(
        groups,
        counts,
        numerator="closed",
        denominator="due",
        failing="open",
        sources=sources,
        sentence=_("%(num)d of %(den)d major hazards due by the end of the period were closed out (%(pct)s)."),
        nothing=_("No major hazard was due by the end of the period: nothing to measure, full points."),
        list_url=lambda t: link(major="true", status="open", **groups.list_filter(t)),
    )


def self_report_rate(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """Monthly self-reports received from operating enterprises over those owed for the
    period's months that are over (a department: the enterprises it primarily supervises, as
    on the missing-reports page)."""
    from hazards.models import EnterpriseSelfReport
    from responsibility.choices import EnterpriseStatus
    from responsibility.models import Enterprise

    groups = Targets(targets, round_)
    today = timezone.localdate()
    months = _months_ended(round_.starts_on, round_.ends_on, today)
    if not months:
        nothing = _("No monthly report was due yet in the period: nothing to measure, full points.")
        return {t.pk: MetricResult(value=1.0, numerator=0, denominator=0, text=nothing) for t in groups.all}
    operating = Enterprise.objects.filter(status=EnterpriseStatus.OPERATING)
    primary = Q(supervisions__is_primary=True)
    # Owed: operating enterprises; received: their reports of the months (two plain grouped
    # counts, which the database answers by hashing, where one count over a join needs a sort).
    owed = groups.grouped(
        operating, path="jurisdiction__path", organization="supervisions__organization_id", department_filter=primary,
        enterprises=Count("pk"),
    )
    received = groups.grouped(
        EnterpriseSelfReport.objects.filter(month__in=months, enterprise__status=EnterpriseStatus.OPERATING),
        path="enterprise__jurisdiction__path", organization="enterprise__supervisions__organization_id",
        department_filter=Q(enterprise__supervisions__is_primary=True), reports=Count("pk"),
    )
    # The enterprises missing a month, with a count per month telling which: one grouped scan
    # (per enterprise) numbered per target.
    # (The join carries only the period's reports: a filtered relation, not a filtered count.)
    per_month = {f"_m{i}": Count("_reports", filter=Q(_reports__month=m)) for i, m in enumerate(months)}
    missing_any = Q()
    for name in per_month:
        missing_any |= Q(**{name: 0})
    missing = groups.first_per_target(
        operating.annotate(_reports=FilteredRelation("self_reports", condition=Q(self_reports__month__in=months)))
        .annotate(**per_month)
        .filter(missing_any),
        path="jurisdiction__path",
        organization="supervisions__organization_id", department_filter=primary,
        order=["pk"], fields=["pk", "name", *per_month],
    )
    note = _("no report for %(months)s")
    labels = [m.strftime("%Y-%m") for m in months]
    per_row = itemgetter(*per_month) if len(per_month) > 1 else (lambda row: (row[next(iter(per_month))],))
    notes: dict[tuple, str] = {}  # by the months' counts (few patterns, tens of thousands of enterprises)

    def missing_note(row) -> str:
        counts = per_row(row)
        text = notes.get(counts)
        if text is None:
            text = notes[counts] = note % {"months": "、".join(label for label, n in zip(labels, counts, strict=True) if not n)}
        return text

    sources = {
        target_id: [SourceRef(Enterprise, row["pk"], _cut(row["name"]), missing_note(row)) for row in rows]
        for target_id, rows in missing.items()
    }
    counts = {}
    for target in groups.all:
        due = owed.get(target.pk, {}).get("enterprises", 0) * len(months)
        counts[target.pk] = {"owed": due, "received": min(received.get(target.pk, {}).get("reports", 0), due)}
    link = list_link("hazards:self_report_missing")
    results = _rate_results(
        groups,
        counts,
        numerator="received",
        denominator="owed",
        sources=sources,
        sentence=_("%(num)d of %(den)d monthly self-reports owed by operating enterprises for %(months)s were received (%(pct)s)."),
        extra={"months": labels[0] if len(labels) == 1 else f"{labels[0]}–{labels[-1]}"},
        nothing=_("No operating enterprise owed a monthly report: nothing to measure, full points."),
        list_url=lambda t: link(month=labels[-1], **groups.list_filter(t)),
    )
    for target in groups.all:
        results[target.pk].details = {"months": labels}
    return results


# --- Responsibility: lists and meetings; inspections --------------------------------------------


def lists_published_on_time(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """List-keeping organizations whose power-and-responsibility list deadline (of the round's
    year) has passed by the period's end, and which had published a list by that deadline."""
    from assessments.models import SOURCES_PER_SCORE
    from responsibility.models import Organization
    from responsibility.selectors.power_lists import with_list_state

    groups = Targets(targets, round_)
    last = cutoff(round_)
    organizations = with_list_state(Organization.objects.filter(is_active=True), year=round_.year, today=last)
    place = Q(jurisdiction__path__startswith=groups.root) if groups.by_length else Q(pk__in=[])
    if groups.by_organization:
        place |= Q(pk__in=list(groups.by_organization))
    rows = list(
        organizations.filter(deadline__isnull=False, deadline__lte=last)
        .filter(place)
        .order_by("jurisdiction__path", "sort_order", "pk")
        .values_list("pk", "name", "jurisdiction__path", "deadline", "first_published_on")
    )
    late_note = _("deadline %(deadline)s, first published %(published)s")
    missing_note = _("deadline %(deadline)s, not published")
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"due": 0, "on_time": 0, "late": 0})
    sources: dict[int, list[SourceRef]] = defaultdict(list)
    for pk, name, path, deadline, published in rows:
        on_time = published is not None and published <= deadline
        owners = groups.for_path(path)
        department = groups.for_organization(pk)
        if department is not None:
            owners.append(department)
        for target in owners:
            counts[target.pk]["due"] += 1
            counts[target.pk]["on_time" if on_time else "late"] += 1
            if not on_time and len(sources[target.pk]) < SOURCES_PER_SCORE:
                note = (late_note if published else missing_note) % {"deadline": deadline, "published": published}
                sources[target.pk].append(SourceRef(Organization, pk, _cut(name), note))
    link = list_link("responsibility:power_list_overview")
    return _rate_results(
        groups,
        counts,
        numerator="on_time",
        denominator="due",
        failing="late",
        sources=sources,
        sentence=_("%(num)d of %(den)d organizations published their power-and-responsibility list by the deadline (%(pct)s)."),
        nothing=_("No power-and-responsibility list deadline of the year had passed: nothing to measure, full points."),
        list_url=lambda t: link(year=round_.year, late="true", jurisdiction=groups.place_id(t)),
    )


class _SystemReader:
    """The reader the rules are read as: every rule (a round's results must not depend on who
    pressed "compute")."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True

    def has_perm(self, perm, obj=None) -> bool:
        return True


@dataclass(frozen=True)
class _Named:
    """What a compliance row needs of its subject, jurisdiction and organization."""

    pk: int | None
    name: str = ""
    path: str = ""


def _compliance(round_: AssessmentRound, groups: Targets | None = None) -> list:
    """The meeting and inspection obligations bearing on the round's jurisdiction, evaluated
    over its period for every organization and official of the subtree, once per computation
    (inspection quotas and meetings both read it).

    This is the responsibility app's evaluation (``evaluate_compliance``: the same rules, places,
    windows, counters and statuses, whose pieces it reuses), reading plain values instead of
    model instances: a province has 30,000 officials, and building their posts, officials,
    organizations and jurisdictions as objects took most of the time budget of a round. The
    inspection counts come from one grouped query for the year (``counting_by_month``)."""
    # Metrics may run in threads (see services.rounds._run_metrics): one evaluation per round.
    with round_.__dict__.setdefault("_metric_lock", threading.Lock()):
        cache = round_.__dict__.setdefault("_metric_cache", {})
        if "compliance" not in cache:
            cache["compliance"] = _evaluate_obligations(round_, groups)
        return cache["compliance"]


def _evaluate_obligations(round_: AssessmentRound, groups: Targets | None) -> list:
    from inspections.selectors.quotas import counting_by_month
    from responsibility.choices import (
        DEPARTMENT_KINDS,
        ObligationActivity,
        ObligationSubject,
        Period,
        PostRole,
    )
    from responsibility.models import Organization, Post
    from responsibility.selectors.compliance import (
        ComplianceRow,
        ObligationResult,
        PeriodRange,
        Subjects,
        WindowCount,
        _place_q,
        _window_status,
        activity_counter,
        applicable_obligations,
        windows_for,
    )

    today = timezone.localdate()
    period = _period_range(round_)
    on = min(period.end, today)
    jurisdiction = round_.jurisdiction
    year = PeriodRange(Period.YEAR, round_.year)
    role_labels = {value: str(label) for value, label in PostRole.choices}
    rules = [
        r for r in applicable_obligations(_SystemReader(), jurisdiction)
        if r.activity in (ObligationActivity.MEETING, ObligationActivity.INSPECTION)
    ]
    replaced_in: dict[int, list[str]] = defaultdict(list)
    for rule in rules:
        if rule.replaces_id and rule.jurisdiction is not None:
            replaced_in[rule.replaces_id].append(rule.jurisdiction.path)
    # A round of departments looks at their own organizations and officials only.
    only = list(groups.by_organization) if groups is not None and groups.by_organization and not groups.by_length else None
    officials = Post.objects.current(on).filter(organization__jurisdiction__path__startswith=jurisdiction.path)
    if only is not None:
        officials = officials.filter(organization_id__in=only)
    officials = officials.values("official_id")
    results = []
    with counting_by_month(start=year.start, end=year.end, officials=officials) as monthly:
        for rule in rules:
            counter = activity_counter(rule.activity)
            windows = windows_for(rule.period, period)
            result = ObligationResult(obligation=rule, windows=windows, available=counter is not None)
            results.append(result)
            if counter is None:
                continue
            subjects: dict[int, list] = {}
            if rule.subject == ObligationSubject.ORGANIZATION_KIND:
                organizations = Organization.objects.filter(
                    is_active=True, kind__in=rule.organization_kinds, jurisdiction__level__in=rule.levels,
                    jurisdiction__is_active=True,
                ).filter(_place_q("jurisdiction__path", rule, jurisdiction, replaced_in.get(rule.pk, [])))
                if only is not None:
                    organizations = organizations.filter(pk__in=only)
                ids = organizations.values("pk")
                for pk, name, path in organizations.order_by("jurisdiction__path", "sort_order", "pk").values_list(
                    "pk", "name", "jurisdiction__path"
                ):
                    named = _Named(pk, name, path)
                    subjects[pk] = [named, _Named(None, "", path), named, ""]
            else:
                posts = Post.objects.current(on).filter(
                    role__in=rule.roles, organization__jurisdiction__level__in=rule.levels, organization__is_active=True
                ).filter(_place_q("organization__jurisdiction__path", rule, jurisdiction, replaced_in.get(rule.pk, [])))
                if rule.department_posts_only:
                    posts = posts.filter(organization__kind__in=DEPARTMENT_KINDS)
                if only is not None:
                    posts = posts.filter(organization_id__in=only)
                ids = posts.values("official_id")
                for official_id, name, path, organization_id, organization_name, title, role in posts.order_by(
                    "organization__jurisdiction__path", "organization__sort_order", "official_id", "pk"
                ).values_list(
                    "official_id", "official__name", "organization__jurisdiction__path", "organization_id",
                    "organization__name", "title", "role",
                ):
                    title = title or role_labels.get(role, role)
                    if official_id in subjects:
                        subjects[official_id][3] += f"；{title}"
                    else:
                        subjects[official_id] = [
                            _Named(official_id, name), _Named(None, "", path), _Named(organization_id, organization_name), title,
                        ]
            if not subjects:
                continue
            target = Subjects(kind=rule.subject, ids=ids, obligation=rule)
            if rule.activity == ObligationActivity.INSPECTION and rule.subject == ObligationSubject.ROLE and all(
                monthly.covers(window.start, window.end) for window in windows
            ):
                # The inspection counter would sum every official of the table for each window;
                # only this rule's officials are needed (a few thousand of a province's 30,000).
                counts = [_monthly_window(monthly, subjects, window.start, window.end) for window in windows]
            else:
                counts = [counter(target, window.start, window.end) for window in windows]
            for subject_id, (subject, place, organization, titles) in subjects.items():
                result.rows.append(
                    ComplianceRow(
                        subject_kind=rule.subject,
                        subject=subject,
                        jurisdiction=place,
                        organization=organization,
                        posts=titles,
                        minimum=rule.minimum,
                        windows=[
                            WindowCount(window, by_subject.get(subject_id, 0),
                                        _window_status(by_subject.get(subject_id, 0), rule.minimum, window, today))
                            for window, by_subject in zip(windows, counts, strict=True)
                        ],
                    )
                )
    return results


def _monthly_window(monthly, officials, start: date, end: date) -> dict[int, int]:
    """Inspections of ``officials`` between ``start`` and ``end`` (whole months) from the
    year's table of counts per official and month (``inspections.selectors.quotas``)."""
    months = monthly.months
    first, last = months.index(start), months.index(end.replace(day=1)) + 1
    table = monthly.table
    counts = {}
    for official_id in officials:
        row = table.get(official_id)
        if row is not None:
            n = sum(row[first:last])
            if n:
                counts[official_id] = n
    return counts


def _period_range(round_: AssessmentRound):
    from responsibility.choices import Period
    from responsibility.selectors.compliance import PeriodRange

    if round_.quarter:
        return PeriodRange(Period.QUARTER, round_.year, round_.quarter)
    return PeriodRange(Period.YEAR, round_.year)


def _obligation_rows(targets: list[RoundTarget], round_: AssessmentRound, activity: str):
    """Per target: each (obligation result, compliance row) of ``activity``, by the place of
    the row's organization (a government: its subtree; a department: its own)."""
    groups = Targets(targets, round_)
    per_target: dict[int, list] = defaultdict(list)
    for result in _compliance(round_, groups):
        if result.obligation.activity != activity or not result.available:
            continue
        for row in result.rows:
            owners = groups.for_path(row.jurisdiction.path)
            department = groups.for_organization(row.organization.pk)
            if department is not None:
                owners.append(department)
            for target in owners:
                per_target[target.id].append((result, row))
    return groups, per_target


def inspection_quota(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """Officials bound by inspection quotas who met them (an official bound by several rules
    counts once, with the worst outcome); officials whose windows are still running and not yet
    met are left out until they are judged."""
    from assessments.models import SOURCES_PER_SCORE
    from responsibility.choices import ObligationActivity
    from responsibility.models import Official
    from responsibility.selectors.compliance import Status

    groups, per_target = _obligation_rows(targets, round_, ObligationActivity.INSPECTION)
    rule_note = _("%(rule)s: %(done)d of %(required)d in %(windows)s")
    sentence = _("%(num)d of %(den)d officials bound by inspection quotas met them (%(pct)s).")
    nothing = _("No official's inspection quota could be judged yet: nothing to measure, full points.")
    running_note = _("%(n)d more are still within their period.")
    link = list_link("inspections:quota_shortfalls")
    period_key = _period_range(round_).key
    results = {}
    for target in groups.all:
        officials: dict[int, list] = {}
        for result, row in per_target.get(target.pk, []):
            officials.setdefault(row.subject.pk, []).append((result, row))
        met, missed, running = 0, [], 0
        for official_id in sorted(officials, key=lambda pk: (officials[pk][0][1].jurisdiction.path, officials[pk][0][1].name, pk)):
            rows = officials[official_id]
            statuses = {row.status for _result, row in rows}
            if Status.SHORT in statuses:
                missed.append(rows)
            elif statuses <= {Status.MET}:
                met += 1
            else:
                running += 1
        sources = []
        for rows in missed[:SOURCES_PER_SCORE]:
            first = rows[0][1]
            notes = [
                rule_note % {"rule": result.obligation.name, "done": row.done, "required": row.required, "windows": result.windows_label}
                for result, row in rows
                if row.status == Status.SHORT
            ]
            sources.append(
                SourceRef(Official, first.subject.pk, _cut(f"{first.name}（{first.organization.name} {first.posts}）"), _cut("；".join(notes)))
            )
        den = met + len(missed)
        text = sentence % {"num": met, "den": den, "pct": percent(met, den)} if den else nothing
        if running:
            text += " " + running_note % {"n": running}
        results[target.pk] = MetricResult(
            value=met / den if den else 1.0,
            numerator=met,
            denominator=den,
            text=text,
            sources=sources,
            source_count=len(missed),
            details={"in_progress": running},
            list_url=link(period=period_key, jurisdiction=groups.place_id(target)),
        )
    return results


def meetings_held(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """Meeting obligations (an organization's or an official's, per rule) met in the period;
    those still running and not yet met are left out until they are judged."""
    from assessments.models import SOURCES_PER_SCORE
    from responsibility.choices import ObligationActivity, ObligationSubject
    from responsibility.models import Official, Organization
    from responsibility.selectors.compliance import Status

    groups, per_target = _obligation_rows(targets, round_, ObligationActivity.MEETING)
    rule_note = _("%(rule)s: %(done)d of %(required)d in %(windows)s")
    sentence = _("%(num)d of %(den)d meeting obligations were met (%(pct)s).")
    nothing = _("No meeting obligation could be judged yet: nothing to measure, full points.")
    running_note = _("%(n)d more are still within their period.")
    link = list_link("responsibility:compliance")
    period_key = _period_range(round_).key
    results = {}
    for target in groups.all:
        met, short, running = 0, [], 0
        rows = sorted(
            per_target.get(target.pk, []),
            key=lambda pair: (pair[1].jurisdiction.path, pair[1].name, pair[0].obligation.pk, pair[1].subject.pk),
        )
        for result, row in rows:
            if row.status == Status.MET:
                met += 1
            elif row.status == Status.SHORT:
                short.append((result, row))
            else:
                running += 1
        sources = []
        for result, row in short[:SOURCES_PER_SCORE]:
            is_organization = row.subject_kind == ObligationSubject.ORGANIZATION_KIND
            sources.append(
                SourceRef(
                    Organization if is_organization else Official,
                    row.subject.pk,
                    _cut(row.name if is_organization else f"{row.name}（{row.organization.name}）"),
                    _cut(rule_note % {
                        "rule": result.obligation.name, "done": row.done, "required": row.required, "windows": result.windows_label,
                    }),
                )
            )
        den = met + len(short)
        text = sentence % {"num": met, "den": den, "pct": percent(met, den)} if den else nothing
        if running:
            text += " " + running_note % {"n": running}
        results[target.pk] = MetricResult(
            value=met / den if den else 1.0,
            numerator=met,
            denominator=den,
            text=text,
            sources=sources,
            source_count=len(short),
            details={"in_progress": running},
            list_url=link(period=period_key, jurisdiction=groups.place_id(target)),
        )
    return results


# --- Patrols ----------------------------------------------------------------------------------


def patrol_findings_rectified(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """Findings of the patrols of the target (a government: of its subtree; a department: of
    patrols naming it) to be handled in the period — found by its end and still open when it
    began — rectified by its end."""
    from patrols.choices import FindingStatus
    from patrols.models import PatrolFinding

    groups = Targets(targets, round_)
    last = cutoff(round_)
    pending = PatrolFinding.objects.filter(found_on__lte=last).filter(
        Q(status=FindingStatus.OPEN) | Q(rectified_on__gte=round_.starts_on)
    )
    rectified = Q(status=FindingStatus.RECTIFIED, rectified_on__lte=round_.ends_on)
    counts = groups.grouped(
        pending, path="patrol__unit_path", organization="patrol__target__organizations",
        due=Count("pk"), rectified=Count("pk", filter=rectified), open=Count("pk", filter=~rectified),
    )
    open_rows = groups.first_per_target(
        pending.exclude(rectified), path="patrol__unit_path", organization="patrol__target__organizations",
        order=["found_on", "pk"], fields=["pk", "patrol__code", "number", "title", "found_on"],
    )
    note = _("found %(found)s, not rectified by the end of the period")
    sources = {
        target_id: [
            SourceRef(
                PatrolFinding, row["pk"], _cut(f"{row['patrol__code']} · {row['number']}. {row['title']}"),
                note % {"found": row["found_on"]},
            )
            for row in rows
        ]
        for target_id, rows in open_rows.items()
    }
    return _rate_results(
        groups,
        counts,
        numerator="rectified",
        denominator="due",
        failing="open",
        sources=sources,
        sentence=_("%(num)d of %(den)d patrol findings to be handled in the period were rectified (%(pct)s)."),
        nothing=_("No patrol finding was to be handled in the period: nothing to measure, full points."),
    )


# --- Quarterly results rolled up into the year --------------------------------------------------


def quarterly_average(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """The mean of the target's finalized quarterly totals of the year, as a share of the
    quarterly scheme's total (``params["scheme"]``: only quarterly schemes of that name)."""
    from assessments.choices import PeriodKind, RoundStatus
    from assessments.models import RoundTarget

    groups = Targets(targets, round_)
    quarters = RoundTarget.objects.filter(
        round__jurisdiction_id=round_.jurisdiction_id,
        round__year=round_.year,
        round__period_kind=PeriodKind.QUARTERLY,
        round__status__in=[RoundStatus.FINALIZED, RoundStatus.PUBLISHED],
        round__scheme__target_kind=round_.scheme.target_kind,
        organization_id__in=[t.organization_id for t in groups.all],
        total__isnull=False,
    )
    if params.get("scheme"):
        quarters = quarters.filter(round__scheme__name=params["scheme"])
    by_organization: dict[int, dict[int, tuple]] = defaultdict(dict)
    for pk, organization_id, quarter, total, scheme_total in quarters.order_by("round__quarter", "round_id", "pk").values_list(
        "pk", "organization_id", "round__quarter", "total", "round__scheme__total_points"
    ):
        # One result per quarter (the latest round wins if a quarter was assessed twice).
        by_organization[organization_id][quarter] = (pk, total, scheme_total)
    nothing = _("No finalized quarterly result of the year yet: nothing to measure, full points.")
    sentence = _("Average of %(n)d finalized quarterly results (%(list)s): %(pct)s of the quarterly total.")
    quarter_label = _("Q%(quarter)d %(total)s")
    source_label = _("%(year)d Q%(quarter)d")
    results = {}
    for target in groups.all:
        found = by_organization.get(target.organization_id, {})
        shares = [total / scheme_total for _pk, total, scheme_total in found.values() if scheme_total]
        if not shares:
            results[target.pk] = MetricResult(value=1.0, numerator=0, denominator=0, text=nothing)
            continue
        mean = sum(shares) / len(shares)
        listed = "；".join(quarter_label % {"quarter": quarter, "total": total} for quarter, (_pk, total, _s) in sorted(found.items()))
        results[target.pk] = MetricResult(
            value=float(mean.quantize(Decimal("0.000001"), ROUND_HALF_UP)),
            text=sentence % {"n": len(shares), "list": listed, "pct": f"{(mean * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"},
            sources=[
                SourceRef(RoundTarget, pk, source_label % {"year": round_.year, "quarter": quarter}, str(total))
                for quarter, (pk, total, _s) in sorted(found.items())
            ],
            details={"quarters": sorted(found)},
        )
    return results


# --- Accidents (counts for deductions and vetoes) ------------------------------------------------


def _accident_rows(targets: list[RoundTarget], round_: AssessmentRound, params: dict):
    """The accidents counted, per target (one query: a year's accidents are a few thousand)."""
    from assessments.models import Accident

    groups = Targets(targets, round_)
    start = date(round_.year, 1, 1) if params.get("window") == "year" else round_.starts_on
    accidents = Accident.objects.filter(occurred_at__gte=day_start(start), occurred_at__lt=day_start(round_.ends_on + timedelta(days=1)))
    if params.get("levels"):
        accidents = accidents.filter(level__in=params["levels"])
    if params.get("min_deaths"):
        accidents = accidents.filter(deaths__gte=int(params["min_deaths"]))
    if params.get("types"):
        accidents = accidents.filter(accident_type__in=params["types"])
    place = Q(jurisdiction_path__startswith=groups.root) if groups.by_length else Q(pk__in=[])
    if groups.by_organization:
        place |= Q(supervising_department_id__in=list(groups.by_organization))
    rows = accidents.filter(place).order_by("occurred_at", "pk").values_list(
        "pk", "code", "title", "occurred_at", "deaths", "level", "jurisdiction_path", "supervising_department_id"
    )
    per_target: dict[int, list] = defaultdict(list)
    for row in rows:
        owners = groups.for_path(row[6])
        department = groups.for_organization(row[7])
        if department is not None:
            owners.append(department)
        for target in owners:
            per_target[target.id].append(row)
    return groups, per_target, start


def _accident_sources(rows) -> list[SourceRef]:
    from assessments.choices import AccidentLevel
    from assessments.models import SOURCES_PER_SCORE, Accident

    levels = {value: str(label) for value, label in AccidentLevel.choices}
    note = _("%(day)s, %(deaths)d dead, %(level)s")
    return [
        SourceRef(
            Accident, pk, _cut(f"{code} {title}"),
            note % {"day": timezone.localtime(at).date(), "deaths": deaths, "level": levels.get(level, level)},
        )
        for pk, code, title, at, deaths, level, _path, _dept in rows[:SOURCES_PER_SCORE]
    ]


def accidents(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """Accidents in the period (``window`` "period") or in the year up to the period's end
    ("year"), of the given ``levels``, ``types`` and with at least ``min_deaths`` deaths.
    A government counts the accidents of its subtree, a department those it supervises."""
    groups, per_target, start = _accident_rows(targets, round_, params)
    sentence = _("%(n)d accident(s) counted from %(start)s to %(end)s.")
    link = list_link("assessments:accident_list")
    results = {}
    for target in groups.all:
        rows = per_target.get(target.pk, [])
        results[target.pk] = MetricResult(
            value=len(rows),
            numerator=len(rows),
            text=sentence % {"n": len(rows), "start": start, "end": round_.ends_on},
            sources=_accident_sources(rows),
            source_count=len(rows),
            list_url=link(**groups.list_filter(target)),
        )
    return results


def accident_deaths(targets: list[RoundTarget], round_: AssessmentRound, params: dict) -> dict[int, MetricResult]:
    """Deaths in the accidents counted as by :func:`accidents`."""
    groups, per_target, start = _accident_rows(targets, round_, params)
    sentence = _("%(deaths)d death(s) in %(n)d accident(s) from %(start)s to %(end)s.")
    link = list_link("assessments:accident_list")
    results = {}
    for target in groups.all:
        rows = per_target.get(target.pk, [])
        fatal = [row for row in rows if row[4]]
        deaths = sum(row[4] for row in rows)
        results[target.pk] = MetricResult(
            value=deaths,
            numerator=deaths,
            text=sentence % {"deaths": deaths, "n": len(rows), "start": start, "end": round_.ends_on},
            sources=_accident_sources(fatal),
            source_count=len(fatal),
            list_url=link(**groups.list_filter(target)),
        )
    return results


# --- The registry -----------------------------------------------------------------------------

ACCIDENT_PARAMS = ("levels", "min_deaths", "types", "window")
RATE_PARAMS = ("full_at", "zero_at")

for _metric in (
    Metric(
        "inspection_quota", gettext_lazy("Inspection quotas met"), RATE, BOTH_KINDS, inspection_quota,
        gettext_lazy("Officials bound by inspection quotas who met them in the period."), RATE_PARAMS,
    ),
    Metric(
        "hazards_on_time", gettext_lazy("Hazards rectified on time"), RATE, BOTH_KINDS, hazards_on_time,
        gettext_lazy("Hazards whose deadline fell in the period, rectified by the deadline."), RATE_PARAMS,
    ),
    Metric(
        "major_hazards_closed", gettext_lazy("Major hazards closed out"), RATE, BOTH_KINDS, major_hazards_closed,
        gettext_lazy("Major hazards due by the end of the period, closed out by then."), RATE_PARAMS,
    ),
    Metric(
        "self_report_rate", gettext_lazy("Enterprise self-report rate"), RATE, BOTH_KINDS, self_report_rate,
        gettext_lazy("Monthly self-reports received from operating enterprises over those owed."), RATE_PARAMS,
    ),
    Metric(
        "lists_published_on_time", gettext_lazy("Lists published on time"), RATE, BOTH_KINDS, lists_published_on_time,
        gettext_lazy("Organizations that published their power-and-responsibility list by the deadline."), RATE_PARAMS,
    ),
    Metric(
        "meetings_held", gettext_lazy("Meetings held"), RATE, BOTH_KINDS, meetings_held,
        gettext_lazy("Meeting obligations met in the period."), RATE_PARAMS,
    ),
    Metric(
        "patrol_findings_rectified", gettext_lazy("Patrol findings rectified"), RATE, BOTH_KINDS, patrol_findings_rectified,
        gettext_lazy("Findings of patrols of the unit to be handled in the period, rectified by its end."), RATE_PARAMS,
    ),
    Metric(
        "quarterly_average", gettext_lazy("Average of the quarterly results"), RATE, BOTH_KINDS, quarterly_average,
        gettext_lazy("The mean of the finalized quarterly totals of the year, as a share of the quarterly total."),
        (*RATE_PARAMS, "scheme"),
    ),
    Metric(
        "accidents", gettext_lazy("Accidents"), COUNT, BOTH_KINDS, accidents,
        gettext_lazy("Accidents of the given levels, types and deaths, in the period or the year so far."), ACCIDENT_PARAMS,
    ),
    Metric(
        "accident_deaths", gettext_lazy("Accident deaths"), COUNT, BOTH_KINDS, accident_deaths,
        gettext_lazy("Deaths in accidents of the given levels and types, in the period or the year so far."), ACCIDENT_PARAMS,
    ),
):
    register_metric(_metric)

__all__ = [
    "COUNT",
    "METRICS",
    "RATE",
    "Metric",
    "MetricResult",
    "SourceRef",
    "Targets",
    "metric_choices",
    "rate_points",
    "register_metric",
]
