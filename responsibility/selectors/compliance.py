"""Compliance with the obligations: for a scope and a period, which organization or official
held how many meetings (or did how many inspections) against the minimum.

Counting an activity is pluggable: :func:`register_activity_counter` takes a function
``counter(subjects, start, end) -> {subject id: count}`` that answers in one aggregated query.
Meetings register theirs below; the inspections app registers "inspection" when it arrives.
Until then, obligations of an activity without a counter are reported as "records not
available", never as zero.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import get_scope
from responsibility.choices import DEPARTMENT_KINDS, ObligationActivity, ObligationSubject, Period
from responsibility.models import Jurisdiction, Meeting, Obligation, Official, Organization, Post

# --- Periods ----------------------------------------------------------------------------------

MONTHS_IN = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6, Period.YEAR: 12}
_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<half>H[12])|(?P<quarter>Q[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class PeriodRange:
    """A calendar year, half-year, quarter or month; ``index`` counts from 1 within the year."""

    kind: str
    year: int
    index: int = 1

    @property
    def start(self) -> date:
        return date(self.year, (self.index - 1) * MONTHS_IN[self.kind] + 1, 1)

    @property
    def end(self) -> date:
        last_month = self.index * MONTHS_IN[self.kind]
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def key(self) -> str:
        return {
            Period.YEAR: f"{self.year}",
            Period.HALF_YEAR: f"{self.year}-H{self.index}",
            Period.QUARTER: f"{self.year}-Q{self.index}",
            Period.MONTH: f"{self.year}-{self.index:02d}",
        }[self.kind]

    @property
    def label(self) -> str:
        if self.kind == Period.YEAR:
            return _("Year %(year)d") % {"year": self.year}
        if self.kind == Period.HALF_YEAR:
            text = _("First half of %(year)d") if self.index == 1 else _("Second half of %(year)d")
            return text % {"year": self.year}
        if self.kind == Period.QUARTER:
            return _("Q%(quarter)d %(year)d") % {"quarter": self.index, "year": self.year}
        return _("%(year)d-%(month)02d") % {"year": self.year, "month": self.index}

    def __str__(self) -> str:
        return self.label

    @classmethod
    def containing(cls, kind: str, day: date) -> PeriodRange:
        return cls(kind, day.year, (day.month - 1) // MONTHS_IN[kind] + 1)

    def split(self, kind: str) -> list[PeriodRange]:
        """The periods of ``kind`` (shorter or equal) that make up this one."""
        first = (self.start.month - 1) // MONTHS_IN[kind] + 1
        count = MONTHS_IN[self.kind] // MONTHS_IN[kind]
        return [PeriodRange(kind, self.year, first + i) for i in range(count)]


def parse_period(value: str | None, today: date | None = None) -> PeriodRange:
    """``2026``, ``2026-H1``, ``2026-Q3`` or ``2026-10``; empty: the current quarter.
    Raises ValueError for anything else."""
    today = today or timezone.localdate()
    if not value:
        return PeriodRange.containing(Period.QUARTER, today)
    match = _PERIOD_RE.match(value.strip())
    if not match or not 2000 <= int(match["year"]) <= 2100:
        raise ValueError(_("Give the period as 2026, 2026-H1, 2026-Q3 or 2026-10."))
    year = int(match["year"])
    if match["half"]:
        return PeriodRange(Period.HALF_YEAR, year, int(match["half"][1]))
    if match["quarter"]:
        return PeriodRange(Period.QUARTER, year, int(match["quarter"][1]))
    if match["month"]:
        return PeriodRange(Period.MONTH, year, int(match["month"]))
    return PeriodRange(Period.YEAR, year)


def period_choices(today: date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Periods to pick from, grouped by year: this year and the two before."""
    today = today or timezone.localdate()
    groups = []
    for year in range(today.year, today.year - 3, -1):
        periods = [PeriodRange(Period.YEAR, year)]
        periods += [PeriodRange(Period.HALF_YEAR, year, i) for i in (1, 2)]
        periods += [PeriodRange(Period.QUARTER, year, i) for i in range(1, 5)]
        periods += [PeriodRange(Period.MONTH, year, i) for i in range(1, 13)]
        groups.append((str(year), [(p.key, p.label) for p in periods if p.start <= today]))
    return groups


def windows_for(obligation_period: str, period: PeriodRange) -> list[PeriodRange]:
    """The windows an obligation is judged over within ``period``: each of its own periods
    inside it (a quarterly rule over a year: four quarters), or the one of its periods that
    contains it (a yearly rule over a quarter: that year)."""
    if MONTHS_IN[obligation_period] >= MONTHS_IN[period.kind]:
        return [PeriodRange.containing(obligation_period, period.start)]
    return period.split(obligation_period)


# --- Activity counters ------------------------------------------------------------------------


@dataclass(frozen=True)
class Subjects:
    """Who an obligation is evaluated for: ``ids`` is a lazy queryset of organization or
    official ids (use it as a subquery, ``pk__in=subjects.ids``)."""

    kind: str  # ObligationSubject.ORGANIZATION_KIND (organization ids) or ObligationSubject.ROLE (official ids)
    ids: QuerySet
    obligation: Obligation


ActivityCounter = Callable[[Subjects, date, date], dict[int, int]]
_counters: dict[str, ActivityCounter] = {}


def register_activity_counter(activity: str, counter: ActivityCounter) -> None:
    """Plug in the counting of an activity (``ObligationActivity``): ``counter(subjects,
    start, end)`` returns {subject id: count of activities between start and end inclusive},
    in one aggregated query; subjects without any may be left out."""
    _counters[str(activity)] = counter


def activity_counter(activity: str) -> ActivityCounter | None:
    return _counters.get(str(activity))


def count_meetings(subjects: Subjects, start: date, end: date) -> dict[int, int]:
    """Meetings of the obligation's kind held by each organization, or chaired or attended by
    each official (a meeting counts once per official)."""
    meetings = Meeting.objects.filter(held_on__gte=start, held_on__lte=end)
    kind = subjects.obligation.meeting_kind
    if kind:
        meetings = meetings.filter(kind=kind)
    if subjects.kind == ObligationSubject.ORGANIZATION_KIND:
        rows = (
            meetings.filter(organization_id__in=subjects.ids)
            .order_by()
            .values("organization_id")
            .annotate(n=Count("pk"))
            .values_list("organization_id", "n")
        )
        return dict(rows)
    # Chaired plus attended, as one UNION ALL of two grouped counts (an attendance where the
    # official also chaired is left out, so a meeting counts once). Grouped scans of the
    # period's meetings stay fast where a correlated count per official does not.
    chaired = (
        meetings.filter(chair_id__in=subjects.ids).order_by().values("chair_id").annotate(n=Count("pk")).values_list("chair_id", "n")
    )
    attendance = Meeting.attendees.through.objects.filter(
        official_id__in=subjects.ids, meeting__held_on__gte=start, meeting__held_on__lte=end
    )
    if kind:
        attendance = attendance.filter(meeting__kind=kind)
    attended = (
        attendance.filter(Q(meeting__chair_id__isnull=True) | ~Q(meeting__chair_id=F("official_id")))
        .order_by()
        .values("official_id")
        .annotate(n=Count("pk"))
        .values_list("official_id", "n")
    )
    counts: dict[int, int] = {}
    for official_id, n in chaired.union(attended, all=True):
        counts[official_id] = counts.get(official_id, 0) + n
    return counts


register_activity_counter(ObligationActivity.MEETING, count_meetings)


# --- Evaluation -------------------------------------------------------------------------------


class Status:
    SHORT = "short"
    IN_PROGRESS = "in_progress"
    NOT_DUE = "not_due"
    MET = "met"

    LABELS = {
        SHORT: gettext_lazy("Short"),
        IN_PROGRESS: gettext_lazy("In progress"),
        NOT_DUE: gettext_lazy("Not due yet"),
        MET: gettext_lazy("Met"),
    }
    ORDER = {SHORT: 0, IN_PROGRESS: 1, NOT_DUE: 2, MET: 3}


@dataclass
class WindowCount:
    period: PeriodRange
    count: int
    status: str


@dataclass
class ComplianceRow:
    """One organization or official under one obligation."""

    subject_kind: str
    subject: Organization | Official
    jurisdiction: Jurisdiction
    organization: Organization  # the organization itself, or where the official's post is
    posts: str  # for officials: their matching posts' titles
    minimum: int
    windows: list[WindowCount]

    @property
    def held(self) -> int:
        return sum(w.count for w in self.windows)

    @property
    def done(self) -> int:
        return sum(min(w.count, self.minimum) for w in self.windows)

    @property
    def required(self) -> int:
        return self.minimum * len(self.windows)

    @property
    def shortfall(self) -> int:
        return self.required - self.done

    @property
    def status(self) -> str:
        statuses = {w.status for w in self.windows}
        for status in (Status.SHORT, Status.IN_PROGRESS):
            if status in statuses:
                return status
        if statuses == {Status.NOT_DUE}:
            return Status.NOT_DUE
        return Status.IN_PROGRESS if Status.NOT_DUE in statuses else Status.MET

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def name(self) -> str:
        return self.subject.name

    def sort_key(self):
        ratio = self.done / self.required if self.required else 1
        return (Status.ORDER[self.status], ratio, self.jurisdiction.path, self.name)


@dataclass
class ObligationResult:
    obligation: Obligation
    windows: list[PeriodRange]
    available: bool
    rows: list[ComplianceRow] = field(default_factory=list)

    def _count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def short_count(self) -> int:
        return self._count(Status.SHORT)

    @property
    def in_progress_count(self) -> int:
        return self._count(Status.IN_PROGRESS)

    @property
    def met_count(self) -> int:
        return self._count(Status.MET)

    @property
    def windows_label(self) -> str:
        if len(self.windows) == 1:
            return self.windows[0].label
        return f"{self.windows[0].label} – {self.windows[-1].label}"


def applicable_obligations(user, jurisdiction: Jurisdiction | None = None) -> list[Obligation]:
    """Active rules the user may see that bear on their scope (narrowed to ``jurisdiction``):
    platform-wide ones, those of the levels above and those inside."""
    rules = list(Obligation.objects.restrict(user, "view").active().select_related("jurisdiction", "replaces"))
    if jurisdiction is not None:
        focus = jurisdiction.path
        rules = [
            r for r in rules
            if r.jurisdiction is None or focus.startswith(r.jurisdiction.path) or r.jurisdiction.path.startswith(focus)
        ]
    return rules


def _place_q(lookup: str, rule: Obligation, jurisdiction: Jurisdiction | None, replaced_in: list[str]) -> Q:
    """Where a rule is evaluated: its own subtree, the focus, minus the subtrees where a local
    version replaces it."""
    q = Q()
    if rule.jurisdiction is not None:
        q &= Q(**{f"{lookup}__startswith": rule.jurisdiction.path})
    if jurisdiction is not None:
        q &= Q(**{f"{lookup}__startswith": jurisdiction.path})
    for path in replaced_in:
        q &= ~Q(**{f"{lookup}__startswith": path})
    return q


def _organization_rows(user, rule, place: Q) -> tuple[QuerySet, list]:
    organizations = (
        Organization.objects.restrict(user, "view")
        .filter(is_active=True, kind__in=rule.organization_kinds, jurisdiction__level__in=rule.levels, jurisdiction__is_active=True)
        .filter(place)
    )
    listed = list(organizations.select_related("jurisdiction").order_by("jurisdiction__path", "sort_order", "pk"))
    return organizations.values("pk"), [(o, o.jurisdiction, o, "") for o in listed]


def _official_rows(user, rule, place: Q, on: date) -> tuple[QuerySet, list]:
    posts = (
        Post.objects.current(on)
        .restrict(user, "view")
        .filter(role__in=rule.roles, organization__jurisdiction__level__in=rule.levels, organization__is_active=True)
        .filter(place)
    )
    if rule.department_posts_only:
        posts = posts.filter(organization__kind__in=DEPARTMENT_KINDS)
    rows: dict[int, list] = {}
    for post in posts.select_related("official", "organization__jurisdiction").order_by(
        "organization__jurisdiction__path", "organization__sort_order", "official_id", "pk"
    ):
        title = post.title or post.get_role_display()
        if post.official_id in rows:
            rows[post.official_id][3] += f"；{title}"
        else:
            rows[post.official_id] = [post.official, post.organization.jurisdiction, post.organization, title]
    return posts.values("official_id"), [tuple(r) for r in rows.values()]


def evaluate_compliance(
    *, user, period: PeriodRange, jurisdiction: Jurisdiction | None = None, today: date | None = None
) -> list[ObligationResult]:
    """Every applicable obligation evaluated for ``user``'s scope (narrowed to
    ``jurisdiction``) over ``period``, rows sorted shortfalls first.

    Queries: one for the rules, then per rule with a counter one for its subjects and one per
    window; none per row. Officials are those holding a matching post on the period's last
    day (today for a period still running)."""
    today = today or timezone.localdate()
    if get_scope(user).is_empty and not user.is_superuser:
        return []
    rules = applicable_obligations(user, jurisdiction)
    replaced_in: dict[int, list[str]] = {}
    for rule in rules:
        if rule.replaces_id and rule.jurisdiction is not None:
            replaced_in.setdefault(rule.replaces_id, []).append(rule.jurisdiction.path)
    on = min(period.end, today)
    results = []
    for rule in rules:
        windows = windows_for(rule.period, period)
        counter = activity_counter(rule.activity)
        result = ObligationResult(obligation=rule, windows=windows, available=counter is not None)
        results.append(result)
        if counter is None:
            continue
        if rule.subject == ObligationSubject.ORGANIZATION_KIND:
            place = _place_q("jurisdiction__path", rule, jurisdiction, replaced_in.get(rule.pk, []))
            ids, subjects = _organization_rows(user, rule, place)
        else:
            place = _place_q("organization__jurisdiction__path", rule, jurisdiction, replaced_in.get(rule.pk, []))
            ids, subjects = _official_rows(user, rule, place, on)
        if not subjects:
            continue
        target = Subjects(kind=rule.subject, ids=ids, obligation=rule)
        counts = [counter(target, window.start, window.end) for window in windows]
        for subject, subject_jurisdiction, organization, posts in subjects:
            window_counts = []
            for window, by_subject in zip(windows, counts, strict=True):
                n = by_subject.get(subject.pk, 0)
                window_counts.append(WindowCount(window, n, _window_status(n, rule.minimum, window, today)))
            result.rows.append(
                ComplianceRow(
                    subject_kind=rule.subject,
                    subject=subject,
                    jurisdiction=subject_jurisdiction,
                    organization=organization,
                    posts=posts,
                    minimum=rule.minimum,
                    windows=window_counts,
                )
            )
        result.rows.sort(key=ComplianceRow.sort_key)
    # Evaluated obligations first; those waiting for their records after them.
    results.sort(key=lambda r: not r.available)
    return results


def _window_status(count: int, minimum: int, window: PeriodRange, today: date) -> str:
    if count >= minimum:
        return Status.MET
    if window.end < today:
        return Status.SHORT
    if window.start > today:
        return Status.NOT_DUE
    return Status.IN_PROGRESS
