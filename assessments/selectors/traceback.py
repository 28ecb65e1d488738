"""The trace-back report (倒查) of an accident: who was responsible for the place and the
enterprise, and what each of them recorded about that enterprise in the twelve months before.

The chain (DOMAIN.md §2–§3, §6, §10):

* **territorial leaders** — the Party committee principal, the government principal and the
  leader in charge of work safety of the accident's jurisdiction and of each level above it up
  to the county, who held the post at some time in the twelve months;
* the **supervising department** (the accident's, else the enterprise's primary one) and its
  head;
* the **grid supervisors** of the enterprise's grid cell;
* every **leader linked** to a major hazard of the enterprise (挂包).

For each person: the submitted inspections of the enterprise they led or joined, the hazards
they found there, and their visits on its hazards. For the department, the inspections of
anyone holding a post in it. The hazards of the enterprise in the window are listed with how
they were handled and whether they were overdue when the accident happened.

Gaps: no inspection of the enterprise at all in the twelve months, none by its supervising
department or its grid supervisors, hazards overdue at the accident, major hazards without a
linked leader or without a visit, no grid supervisor, no supervising department (失管漏管), and
posts of the chain vacant on the accident date.

A fixed number of queries (about a dozen), whatever the number of records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch, Q
from django.utils import timezone

from assessments.models import Accident
from hazards.choices import FINAL_STATUSES, HazardLevel, HazardStatus
from hazards.models import Hazard, LeaderVisit
from inspections.choices import InspectionStatus
from inspections.models import InspectionParticipant, InspectionTarget
from responsibility.choices import JurisdictionLevel, OrganizationKind, PostRole
from responsibility.models import (
    Enterprise,
    EnterpriseSupervision,
    GridSupervisor,
    Jurisdiction,
    Organization,
    Post,
)

WINDOW_MONTHS = 12
#: The territorial roles of the chain, in the order the Regulation lists them.
TERRITORIAL_ROLES = (PostRole.PARTY_PRINCIPAL, PostRole.GOVERNMENT_PRINCIPAL, PostRole.SAFETY_DEPUTY)
TERRITORIAL_KINDS = (OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GOVERNMENT)
#: Levels at which a vacant territorial post is a gap (villages have no such posts).
STAFFED_LEVELS = (JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE, JurisdictionLevel.TOWNSHIP)


class LinkKind:
    TERRITORIAL = "territorial"
    DEPARTMENT = "department"
    GRID = "grid"
    LINKED_LEADER = "linked_leader"


@dataclass
class InspectionRecord:
    id: int
    code: str
    started_at: datetime
    lead: str
    role: str  # "led" or "joined" (for the department: by whom)
    summary: str


@dataclass
class ChainLink:
    kind: str
    body: str  # the organization, or the grid cell
    place: str  # the jurisdiction
    role: str  # a PostRole value ("" for the department itself)
    post: Post | None = None
    official_id: int | None = None
    official_name: str = ""
    post_title: str = ""
    start: date | None = None
    end: date | None = None
    held_on_accident: bool = False
    inspections: list[InspectionRecord] = field(default_factory=list)
    hazards_found: list[Hazard] = field(default_factory=list)
    visits: list[LeaderVisit] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)  # linked leaders: the hazards linked to them
    gaps: list[dict] = field(default_factory=list)

    @property
    def is_vacant(self) -> bool:
        return self.official_id is None


@dataclass
class TraceBack:
    accident: Accident
    window_start: date
    window_end: date
    enterprise: Enterprise | None
    department: Organization | None
    grid_name: str
    links: list[ChainLink]
    hazards: list[Hazard]
    inspections: list[InspectionRecord]
    gaps: list[dict]

    def links_of(self, kind: str) -> list[ChainLink]:
        return [link for link in self.links if link.kind == kind]

    @property
    def territorial(self) -> list[ChainLink]:
        return self.links_of(LinkKind.TERRITORIAL)

    @property
    def department_links(self) -> list[ChainLink]:
        return self.links_of(LinkKind.DEPARTMENT)

    @property
    def grid_links(self) -> list[ChainLink]:
        return self.links_of(LinkKind.GRID)

    @property
    def linked_leaders(self) -> list[ChainLink]:
        return self.links_of(LinkKind.LINKED_LEADER)

    @property
    def overdue_hazards(self) -> list[Hazard]:
        return [h for h in self.hazards if h.overdue_at_accident]


def _bounds(start: date, end_exclusive: datetime) -> tuple[datetime, datetime]:
    return timezone.make_aware(datetime.combine(start, time.min)), end_exclusive


def _overlapping(qs, start: date, end: date):
    return qs.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))


def _held_on(post: Post, day: date) -> bool:
    return post.start_date <= day and (post.end_date is None or post.end_date >= day)


def _link_from_post(kind: str, post: Post, body: str, place: str, accident_day: date) -> ChainLink:
    return ChainLink(
        kind=kind, body=body, place=place, role=post.role, post=post, official_id=post.official_id,
        official_name=post.official.name, post_title=post.title or post.get_role_display(),
        start=post.start_date, end=post.end_date, held_on_accident=_held_on(post, accident_day),
    )


def _overdue_at(hazard: Hazard, day: date) -> bool:
    """Past its deadline and not yet rectified on ``day`` (whatever happened since)."""
    return bool(
        hazard.deadline
        and hazard.deadline < day
        and hazard.found_on <= day
        and hazard.status != HazardStatus.CANCELLED
        and (hazard.rectified_on is None or hazard.rectified_on > day)
        and not (hazard.closed_at is not None and timezone.localdate(hazard.closed_at) <= day)
    )


def trace_back(accident: Accident) -> TraceBack:
    """The trace-back of ``accident`` (see the module's docstring)."""
    occurred = accident.occurred_at
    day = timezone.localdate(occurred)
    window_start = day - relativedelta(months=WINDOW_MONTHS)
    since, until = _bounds(window_start, occurred)
    jurisdiction = accident.jurisdiction
    gaps: list[dict] = []

    # The accident's place and its ancestors down from the county (one query).
    path = accident.jurisdiction_path or jurisdiction.path
    chain_paths = [path[:n] for n in (6, 9, 12) if n <= len(path)]
    places = {j.path: j for j in Jurisdiction.objects.filter(path__in=chain_paths)}

    # Territorial leaders who held their post at some time in the window (one query).
    territorial_posts = list(
        _overlapping(
            Post.objects.filter(
                organization__jurisdiction__path__in=chain_paths, role__in=TERRITORIAL_ROLES, organization__kind__in=TERRITORIAL_KINDS
            ),
            window_start,
            day,
        )
        .select_related("official", "organization__jurisdiction")
        .order_by("organization__jurisdiction__path", "start_date", "pk")
    )
    links: list[ChainLink] = []
    role_order = {role: i for i, role in enumerate(TERRITORIAL_ROLES)}
    for place_path in chain_paths:
        place = places.get(place_path)
        if place is None:
            continue
        here = sorted(
            (p for p in territorial_posts if p.organization.jurisdiction.path == place_path),
            key=lambda p: (role_order[p.role], p.start_date, p.pk),
        )
        for post in here:
            links.append(_link_from_post(LinkKind.TERRITORIAL, post, post.organization.name, place.name, day))
        if place.level in STAFFED_LEVELS:
            for role in TERRITORIAL_ROLES:
                if not any(p.role == role and _held_on(p, day) for p in here):
                    gaps.append({"kind": "vacant", "place": place.name, "role": role})

    # The enterprise, its departments and its grid (two queries).
    enterprise = None
    if accident.enterprise_id:
        enterprise = (
            Enterprise.objects.select_related("grid__jurisdiction", "jurisdiction")
            .prefetch_related(Prefetch("supervisions", queryset=EnterpriseSupervision.objects.select_related("organization__jurisdiction")))
            .get(pk=accident.enterprise_id)
        )
    department = accident.supervising_department
    if department is None and enterprise is not None:
        department = enterprise.primary_department
    department_official_ids: set[int] = set()
    if department is not None:
        # The department itself, then its head(s) in the window (one query).
        head_posts = list(
            _overlapping(Post.objects.filter(organization=department, role=PostRole.DEPARTMENT_HEAD), window_start, day)
            .select_related("official")
            .order_by("start_date", "pk")
        )
        links.append(ChainLink(kind=LinkKind.DEPARTMENT, body=department.name, place=department.jurisdiction.name, role=""))
        for post in head_posts:
            links.append(_link_from_post(LinkKind.DEPARTMENT, post, department.name, department.jurisdiction.name, day))
        if not any(_held_on(p, day) for p in head_posts):
            gaps.append({"kind": "vacant", "place": department.name, "role": PostRole.DEPARTMENT_HEAD})
    elif enterprise is not None:
        gaps.append({"kind": "no_department", "enterprise": enterprise.name})

    grid = enterprise.grid if enterprise is not None else None
    grid_name = grid.name if grid is not None else ""
    if grid is not None:
        supervisors = list(
            GridSupervisor.objects.filter(grid=grid)
            .select_related("post__official", "post__organization")
            .order_by("-is_primary", "pk")
        )
        for supervisor in supervisors:
            links.append(_link_from_post(LinkKind.GRID, supervisor.post, grid.name, grid.jurisdiction.name, day))
        if not supervisors:
            gaps.append({"kind": "no_grid_supervisor", "grid": grid.name})
    elif enterprise is not None:
        gaps.append({"kind": "no_grid", "enterprise": enterprise.name})

    hazards: list[Hazard] = []
    inspections: list[InspectionRecord] = []
    if enterprise is not None:
        # Hazards found in the window or still open at its start (one query).
        hazards = list(
            Hazard.objects.filter(enterprise=enterprise, found_on__lte=day)
            .filter(
                Q(found_on__gte=window_start)
                | ~Q(status__in=FINAL_STATUSES)
                | Q(status=HazardStatus.CLOSED, closed_at__gte=since)
            )
            .select_related("linked_leader", "finder", "supervising_department")
            .order_by("found_on", "pk")
        )
        for hazard in hazards:
            hazard.overdue_at_accident = _overdue_at(hazard, day)
        # Linked leaders of its major hazards, with the posts they held (one query).
        leaders = {h.linked_leader_id: h.linked_leader for h in hazards if h.level == HazardLevel.MAJOR and h.linked_leader_id}
        leader_posts: dict[int, Post] = {}
        if leaders:
            for post in (
                _overlapping(Post.objects.filter(official_id__in=list(leaders)), window_start, day)
                .select_related("organization")
                .order_by("-start_date", "pk")
            ):
                leader_posts.setdefault(post.official_id, post)
        for leader_id, leader in sorted(leaders.items(), key=lambda item: item[1].name):
            post = leader_posts.get(leader_id)
            link = ChainLink(
                kind=LinkKind.LINKED_LEADER, body=post.organization.name if post else "", place="", role=post.role if post else "",
                post=post, official_id=leader_id, official_name=leader.name,
                post_title=(post.title or post.get_role_display()) if post else "",
                start=post.start_date if post else None, end=post.end_date if post else None,
                held_on_accident=bool(post and _held_on(post, day)),
            )
            link.hazards = [h for h in hazards if h.linked_leader_id == leader_id and h.level == HazardLevel.MAJOR]
            links.append(link)

        # Submitted inspections of the enterprise in the window, their leads and participants
        # (two queries).
        targets = list(
            InspectionTarget.objects.filter(
                enterprise=enterprise,
                inspection__status=InspectionStatus.SUBMITTED,
                inspection__started_at__gte=since,
                inspection__started_at__lt=until,
            )
            .select_related("inspection__lead_official")
            .order_by("inspection__started_at", "inspection_id")
        )
        participants: dict[int, set[int]] = {}
        if targets:
            for inspection_id, official_id in InspectionParticipant.objects.filter(
                inspection_id__in=[t.inspection_id for t in targets]
            ).values_list("inspection_id", "official_id"):
                participants.setdefault(inspection_id, set()).add(official_id)
        records = []
        for target in targets:
            inspection = target.inspection
            records.append((inspection, InspectionRecord(
                id=inspection.pk, code=inspection.code, started_at=inspection.started_at, lead=inspection.lead_official.name,
                role="", summary=(target.note or inspection.summary)[:300],
            )))
        inspections = [r for _i, r in records]
        # Who of the inspectors held a post in the department (one query).
        involved = {i.lead_official_id for i, _r in records} | {o for ids in participants.values() for o in ids}
        if department is not None and involved:
            department_official_ids = set(
                _overlapping(Post.objects.filter(organization=department, official_id__in=involved), window_start, day)
                .values_list("official_id", flat=True)
            )
        # Visits on the enterprise's hazards in the window (one query).
        visits = list(
            LeaderVisit.objects.filter(hazard__enterprise=enterprise, visited_on__gte=window_start, visited_on__lte=day)
            .select_related("hazard", "leader")
            .order_by("visited_on", "pk")
        )

        def records_of(official_id: int) -> list[InspectionRecord]:
            found = []
            for inspection, record in records:
                if inspection.lead_official_id == official_id:
                    found.append(InspectionRecord(**{**record.__dict__, "role": "led"}))
                elif official_id in participants.get(inspection.pk, ()):
                    found.append(InspectionRecord(**{**record.__dict__, "role": "joined"}))
            return found

        for link in links:
            if link.official_id is None:
                if link.kind == LinkKind.DEPARTMENT:
                    link.inspections = [
                        InspectionRecord(**{**record.__dict__, "role": "department"})
                        for inspection, record in records
                        if inspection.lead_official_id in department_official_ids
                        or participants.get(inspection.pk, set()) & department_official_ids
                    ]
                    link.hazards_found = [h for h in hazards if h.supervising_department_id == department.pk and h.found_on >= window_start]
                    if not link.inspections:
                        gaps.append({"kind": "department_no_inspection", "department": department.name})
                continue
            link.inspections = records_of(link.official_id)
            link.hazards_found = [h for h in hazards if h.finder_id == link.official_id and h.found_on >= window_start]
            link.visits = [v for v in visits if v.leader_id == link.official_id]

        grid_links = [link for link in links if link.kind == LinkKind.GRID]
        if grid_links and not any(link.inspections for link in grid_links):
            gaps.append({"kind": "grid_no_inspection", "grid": grid_name})
        if not records:
            gaps.insert(0, {"kind": "no_inspection", "enterprise": enterprise.name})
        for hazard in hazards:
            if hazard.overdue_at_accident:
                gaps.append({"kind": "hazard_overdue", "code": hazard.code, "title": hazard.title, "deadline": hazard.deadline})
            open_at_accident = hazard.status != HazardStatus.CANCELLED and not (
                hazard.closed_at is not None and timezone.localdate(hazard.closed_at) <= day
            )
            if hazard.level == HazardLevel.MAJOR and open_at_accident:
                if not hazard.linked_leader_id:
                    gaps.append({"kind": "major_no_leader", "code": hazard.code, "title": hazard.title})
                elif not any(v.hazard_id == hazard.pk and v.leader_id == hazard.linked_leader_id for v in visits):
                    gaps.append({"kind": "major_no_visit", "code": hazard.code, "title": hazard.title, "leader": hazard.linked_leader.name})
    else:
        gaps.append({"kind": "no_enterprise"})

    return TraceBack(
        accident=accident,
        window_start=window_start,
        window_end=day,
        enterprise=enterprise,
        department=department,
        grid_name=grid_name,
        links=links,
        hazards=hazards,
        inspections=inspections,
        gaps=gaps,
    )


def gap_text(gap: dict) -> str:
    """One gap as a sentence in the active language (the page)."""
    from django.utils.translation import gettext as _

    roles = dict(PostRole.choices)
    kind = gap.get("kind")
    texts = {
        "no_inspection": lambda: _("No inspection of %(enterprise)s was recorded in the twelve months before the accident.") % gap,
        "department_no_inspection": lambda: _("The supervising department %(department)s did not inspect the enterprise in the twelve months.") % gap,
        "grid_no_inspection": lambda: _("No grid supervisor of %(grid)s inspected the enterprise in the twelve months.") % gap,
        "no_grid": lambda: _("%(enterprise)s is in no grid cell.") % gap,
        "no_grid_supervisor": lambda: _("The grid cell %(grid)s has no grid supervisor.") % gap,
        "no_department": lambda: _("%(enterprise)s has no supervising department (a supervision gap).") % gap,
        "hazard_overdue": lambda: _("Hazard %(code)s was past its deadline %(deadline)s when the accident happened: %(title)s") % gap,
        "major_no_leader": lambda: _("Major hazard %(code)s had no linked leader: %(title)s") % gap,
        "major_no_visit": lambda: _("The linked leader %(leader)s recorded no visit on major hazard %(code)s in the twelve months: %(title)s") % gap,
        "vacant": lambda: _("No %(role)s of %(place)s on the accident date.") % {"role": roles.get(gap["role"], gap["role"]), "place": gap["place"]},
        "no_enterprise": lambda: _("No enterprise is recorded for the accident: only the territorial chain is traced."),
    }
    build = texts.get(kind)
    return build() if build else str(gap)

