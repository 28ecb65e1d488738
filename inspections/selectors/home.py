"""The official's own page: "my quota" (the inspection obligations that bind them in the
current periods, done against required), their recent inspections and the open hazards linked
to them.

The compliance page (``responsibility.selectors.compliance``) evaluates every official of a
scope; this evaluates one official with the same rules in a fixed number of queries: their
posts, the rules that can reach those posts, one conditional count over the inspections they
led or joined for all the windows at once, the recent inspections and the hazard count. The
inspections are reached from indexes on the official, so no query grows with the inspections
of the province.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from hazards.models import Hazard
from inspections.choices import InspectionStatus
from inspections.models import Inspection, InspectionParticipant, InspectionTarget
from responsibility.choices import DEPARTMENT_KINDS, ObligationActivity
from responsibility.models import Obligation, Official, Post
from responsibility.selectors.compliance import PeriodRange, Status, _window_status

RECENT = 5


@dataclass
class QuotaLine:
    obligation: Obligation
    window: PeriodRange
    minimum: int
    posts: str
    count: int = 0
    status: str = Status.IN_PROGRESS

    @property
    def done(self) -> int:
        return min(self.count, self.minimum)

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def percent(self) -> int:
        return 100 if not self.minimum else min(100, round(100 * self.count / self.minimum))


@dataclass
class OfficialHome:
    official: Official
    quotas: list[QuotaLine] = field(default_factory=list)
    recent: list[Inspection] = field(default_factory=list)
    linked_open_hazards: int = 0


def led_or_joined(official: Official):
    """Ids of the inspections ``official`` led or joined, as one ``UNION ALL`` subquery: each
    half walks an index on the official, (lead_official, status, started_at) and (official,
    inspection), where "led OR joined" in one condition would scan every inspection in scope."""
    led = Inspection.objects.filter(lead_official=official).order_by().values("pk")
    joined = InspectionParticipant.objects.filter(official=official).order_by().values("inspection_id")
    return led.union(joined, all=True)


def _ancestors(path: str) -> list[str]:
    return [path[:n] for n in range(1, len(path) + 1)]


def _binds(rule: Obligation, post: Post) -> bool:
    """Whether ``rule`` applies to the holder of ``post`` (as in the compliance page)."""
    organization = post.organization
    path = organization.jurisdiction.path
    return (
        post.role in (rule.roles or [])
        and organization.jurisdiction.level in (rule.levels or [])
        and organization.is_active
        and (not rule.department_posts_only or organization.kind in DEPARTMENT_KINDS)
        and (rule.jurisdiction is None or path.startswith(rule.jurisdiction.path))
    )


def quota_lines(official: Official, posts: list[Post], today: date) -> list[QuotaLine]:
    """The inspection obligations binding ``official`` through ``posts`` (held today), for the
    period of each rule that contains today. Two queries (none without posts)."""
    if not posts:
        return []
    places = {p for post in posts for p in _ancestors(post.organization.jurisdiction.path)}
    rules = list(
        Obligation.objects.active()
        .filter(activity=ObligationActivity.INSPECTION)
        .filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__path__in=sorted(places)))
        .select_related("jurisdiction")
        .order_by("period", "name", "pk")
    )
    lines: list[QuotaLine] = []
    for rule in rules:
        holding = [
            post for post in posts
            if _binds(rule, post)
            and not any(
                other.replaces_id == rule.pk and other.jurisdiction is not None
                and post.organization.jurisdiction.path.startswith(other.jurisdiction.path)
                for other in rules
            )
        ]
        if holding:
            titles = "；".join(dict.fromkeys(p.title or p.get_role_display() for p in holding))
            lines.append(QuotaLine(rule, PeriodRange.containing(rule.period, today), rule.minimum, titles))
    if not lines:
        return lines
    windows = list({line.window.key: line.window for line in lines}.values())
    first, last = min(w.start for w in windows), max(w.end for w in windows)
    counts = (
        Inspection.objects.filter(pk__in=led_or_joined(official))
        .filter(status=InspectionStatus.SUBMITTED, started_at__date__gte=first, started_at__date__lte=last)
        .aggregate(
            **{f"w{i}": Count("pk", filter=Q(started_at__date__gte=w.start, started_at__date__lte=w.end)) for i, w in enumerate(windows)}
        )
    )
    by_key = {w.key: counts[f"w{i}"] or 0 for i, w in enumerate(windows)}
    for line in lines:
        line.count = by_key[line.window.key]
        line.status = _window_status(line.count, line.minimum, line.window, today)
    return lines


def recent_inspections(user, official: Official, limit: int = RECENT) -> list[Inspection]:
    """The official's latest inspections, led or joined, drafts included."""
    recent = list(
        Inspection.objects.restrict(user, "view")
        .filter(pk__in=led_or_joined(official))
        .select_related("jurisdiction")
        .order_by("-started_at", "-pk")[:limit]
    )
    names: dict[int, list[str]] = {}
    for inspection_id, name in (
        InspectionTarget.objects.filter(inspection__in=[i.pk for i in recent]).order_by("pk").values_list("inspection_id", "enterprise__name")
    ):
        names.setdefault(inspection_id, []).append(name)
    for inspection in recent:
        inspection.enterprise_names = names.get(inspection.pk, [])
    return recent


def official_home(user, today: date | None = None) -> OfficialHome | None:
    """Everything the home panel shows for the user's own official, or None when the account
    is no official's."""
    today = today or timezone.localdate()
    posts = list(
        Post.objects.current(today)
        .filter(official__user=user)
        .select_related("official", "organization__jurisdiction")
        .order_by("pk")
    )
    official = posts[0].official if posts else Official.objects.filter(user=user).first()
    if official is None:
        return None
    home = OfficialHome(official=official)
    home.quotas = quota_lines(official, posts, today)
    home.recent = recent_inspections(user, official)
    home.linked_open_hazards = Hazard.objects.filter(linked_leader=official).open().count()
    return home
