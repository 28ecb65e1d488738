"""The duty-performance dossier (尽职免责): everything recorded about an official's duties over a
period, collected as a JSON-ready snapshot.

``collect_dossier(official, start, end)`` reads, in a fixed number of queries whatever the
amount of records (one per kind of record, none per row):

1. the posts held in the period;
2. the responsibility-list items of those posts;
3. the annual key-work items the official owns (lists of the period's years), and
4. their periodic checks with the evidence;
5. the inspection obligations that can bind those posts (the quota rules), and
6. the submitted inspections the official led or joined, over the period and the quota windows
   it touches (counted per window in Python: an official has tens or hundreds, not millions), and
7. the enterprises each was at;
8. the meetings chaired or attended;
9. the major hazards linked to the official (挂包), and
10. every visit or coordination action recorded on them;
11. the power-and-responsibility lists of the posts' organizations;
12. patrol findings about those organizations;
13. accountability decisions naming the official.

The snapshot stores values, never labels (choice values, ISO dates): the page shows it in the
reader's language (:func:`dossier_display`) and the PDF in Chinese. Gaps (quota shortfalls,
overdue work items, overdue linked major hazards, major hazards without a visit, organizations
without a published list) are derived from the same rows, so the summary always agrees with the
detail.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.choices import AccountabilityMeasure, AccountabilityModifier
from assessments.models import AccountabilityDecision
from hazards.choices import DEADLINE_STATUSES, FINAL_STATUSES, HazardLevel, HazardStatus, VisitKind
from hazards.models import Hazard, LeaderVisit
from inspections.choices import InspectionKind, InspectionStatus
from inspections.models import Inspection, InspectionParticipant, InspectionTarget
from responsibility.choices import (
    DEPARTMENT_KINDS,
    LIST_KEEPING_KINDS,
    CheckResult,
    MeetingKind,
    ObligationActivity,
    Period,
    PostRole,
    WorkItemStatus,
)
from responsibility.models import (
    Meeting,
    Obligation,
    Official,
    Post,
    PowerListVersion,
    ResponsibilityItem,
    WorkItem,
    WorkItemCheck,
)
from responsibility.selectors.compliance import PeriodRange, Status, _window_status

#: Bumped when the snapshot's shape changes, so pages can tell old snapshots apart.
DOSSIER_VERSION = 1
#: The longest period a dossier covers (a term of office is five years).
MAX_PERIOD_DAYS = 6 * 366

GAP_KINDS = ("quota_shortfall", "work_item_overdue", "hazard_overdue", "hazard_no_visit", "list_unpublished")


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local days ``start``..``end`` as a half-open range of instants (an index range on a
    timestamp column, where ``__date`` lookups would cast every row)."""
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def _overlaps(post: Post, start: date, end: date) -> bool:
    return post.start_date <= end and (post.end_date is None or post.end_date >= start)


def _ancestors(path: str) -> list[str]:
    return [path[:n] for n in (2, 4, 6, 9, 12) if n <= len(path)]


def _binds(rule: Obligation, post: Post) -> bool:
    """Whether ``rule`` applies to the holder of ``post`` (as on the compliance page)."""
    organization = post.organization
    return (
        post.role in (rule.roles or [])
        and organization.jurisdiction.level in (rule.levels or [])
        and organization.is_active
        and (not rule.department_posts_only or organization.kind in DEPARTMENT_KINDS)
        and (rule.jurisdiction is None or organization.jurisdiction.path.startswith(rule.jurisdiction.path))
    )


def _windows(kind: str, start: date, end: date) -> list[PeriodRange]:
    """The periods of ``kind`` (months, quarters, half-years, years) overlapping start..end."""
    windows, window = [], PeriodRange.containing(kind, start)
    while window.start <= end:
        windows.append(window)
        window = PeriodRange.containing(kind, window.end + timedelta(days=1))
    return windows


def _quota_rules(posts: list[Post]) -> list[tuple[Obligation, list[Post]]]:
    """The inspection rules binding any of ``posts``, each with the posts it binds (local
    versions replace the general rule where they apply). One query."""
    if not posts:
        return []
    places = sorted({p for post in posts for p in _ancestors(post.organization.jurisdiction.path)})
    rules = list(
        Obligation.objects.active()
        .filter(activity=ObligationActivity.INSPECTION)
        .filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__path__in=places))
        .select_related("jurisdiction")
        .order_by("period", "name", "pk")
    )
    bound = []
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
            bound.append((rule, holding))
    return bound


def collect_dossier(official: Official, start: date, end: date, *, accident=None, today: date | None = None) -> dict:
    """The snapshot of ``official``'s recorded duties from ``start`` to ``end`` (inclusive)."""
    today = today or timezone.localdate()
    asof = min(end, today)
    since, until = _day_bounds(start, end)

    # 1. Posts held in the period.
    posts = list(
        Post.objects.filter(official=official, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .select_related("organization__jurisdiction")
        .order_by("start_date", "pk")
    )
    post_ids = [p.pk for p in posts]
    organization_ids = sorted({p.organization_id for p in posts})

    # 2. Responsibility-list items.
    items = list(
        ResponsibilityItem.objects.filter(official=official, post_id__in=post_ids, is_active=True).order_by("post_id", "sequence", "pk")
    ) if post_ids else []

    # 3–4. Key-work items and their checks.
    work_items = list(
        WorkItem.objects.filter(owner=official, work_list__year__gte=start.year, work_list__year__lte=end.year)
        .select_related("work_list__jurisdiction")
        .order_by("work_list__year", "work_list_id", "sequence", "pk")
    )
    checks_by_item: dict[int, list[WorkItemCheck]] = {}
    if work_items:
        for check in WorkItemCheck.objects.filter(item_id__in=[w.pk for w in work_items]).order_by("check_date", "pk"):
            checks_by_item.setdefault(check.item_id, []).append(check)

    # 5. Quota rules and their windows.
    quota_plan = []
    for rule, holding in _quota_rules(posts):
        windows = [w for w in _windows(rule.period, start, end) if any(_overlaps(p, w.start, w.end) for p in holding)]
        if windows:
            quota_plan.append((rule, holding, windows))
    count_from = min([start, *(w.start for _r, _h, ws in quota_plan for w in ws)])
    count_to = max([end, *(w.end for _r, _h, ws in quota_plan for w in ws)])

    # 6–7. Submitted inspections led or joined (UNION ALL of two indexed halves, see
    # inspections.selectors.home.led_or_joined), and the enterprises they were at.
    led = Inspection.objects.filter(lead_official=official).order_by().values("pk")
    joined = InspectionParticipant.objects.filter(official=official).order_by().values("inspection_id")
    wide_since, wide_until = _day_bounds(count_from, count_to)
    inspections = list(
        Inspection.objects.filter(pk__in=led.union(joined, all=True))
        .filter(status=InspectionStatus.SUBMITTED, started_at__gte=wide_since, started_at__lt=wide_until)
        .select_related("jurisdiction")
        .order_by("started_at", "pk")
    )
    in_period = [i for i in inspections if since <= i.started_at < until]
    targets: dict[int, list[str]] = {}
    if in_period:
        for inspection_id, name in (
            InspectionTarget.objects.filter(inspection_id__in=[i.pk for i in in_period]).order_by("pk").values_list("inspection_id", "enterprise__name")
        ):
            targets.setdefault(inspection_id, []).append(name)

    # 8. Meetings chaired or attended.
    chaired = Meeting.objects.filter(chair=official, held_on__gte=start, held_on__lte=end).order_by().values("pk")
    attended = Meeting.attendees.through.objects.filter(
        official=official, meeting__held_on__gte=start, meeting__held_on__lte=end
    ).order_by().values("meeting_id")
    meetings = list(
        Meeting.objects.filter(pk__in=chaired.union(attended, all=True)).select_related("organization").order_by("held_on", "pk")
    )

    # 9–10. Linked major hazards open at some point of the period, and their visits.
    hazards = list(
        Hazard.objects.filter(linked_leader=official, level=HazardLevel.MAJOR, found_on__lte=end)
        .exclude(Q(status=HazardStatus.CLOSED, closed_at__lt=since) | Q(status=HazardStatus.CANCELLED, status_changed_at__lt=since))
        .select_related("enterprise", "jurisdiction")
        .order_by("found_on", "pk")
    )
    visits_by_hazard: dict[int, list[LeaderVisit]] = {}
    if hazards:
        for visit in (
            LeaderVisit.objects.filter(hazard_id__in=[h.pk for h in hazards], visited_on__lte=end)
            .select_related("leader")
            .order_by("visited_on", "pk")
        ):
            visits_by_hazard.setdefault(visit.hazard_id, []).append(visit)

    # 11. Power-and-responsibility lists of the posts' organizations.
    versions = list(
        PowerListVersion.objects.filter(organization_id__in=organization_ids, published_at__isnull=False, published_at__lt=until)
        .select_related("organization")
        .order_by("organization_id", "published_at", "pk")
    ) if organization_ids else []

    # 12. Patrol findings about those organizations.
    from patrols.models import PatrolFinding

    findings = list(
        PatrolFinding.objects.filter(responsible_unit_id__in=organization_ids, found_on__gte=start, found_on__lte=end)
        .select_related("patrol", "responsible_unit")
        .order_by("found_on", "pk")
    ) if organization_ids else []

    # 13. Accountability decisions naming the official.
    decisions = list(AccountabilityDecision.objects.filter(official=official).order_by("decided_on", "pk"))

    # --- The snapshot --------------------------------------------------------------------------
    gaps: list[dict] = []
    post_rows = [
        {
            "id": p.pk,
            "organization": p.organization.name,
            "organization_id": p.organization_id,
            "jurisdiction": p.organization.jurisdiction.name,
            "role": p.role,
            "title": p.title,
            "start": _iso(p.start_date),
            "end": _iso(p.end_date),
        }
        for p in posts
    ]
    post_titles = {p.pk: f"{p.organization.name} {p.title or p.get_role_display()}" for p in posts}
    item_rows = [
        {
            "post_id": item.post_id,
            "post": post_titles.get(item.post_id, ""),
            "sequence": item.sequence,
            "content": item.content,
            "source": item.source,
            "by_reference": item.by_reference,
            "custom": item.template_id is None,
        }
        for item in items
    ]

    work_rows = []
    for work in work_items:
        overdue = work.status != WorkItemStatus.DONE and work.due_date < asof
        late = work.status == WorkItemStatus.DONE and work.completed_on is not None and work.completed_on > work.due_date
        checks = checks_by_item.get(work.pk, [])
        work_rows.append({
            "id": work.pk,
            "list": work.work_list.title,
            "year": work.work_list.year,
            "sequence": work.sequence,
            "content": work.content,
            "measures": work.measures,
            "due_date": _iso(work.due_date),
            "status": work.status,
            "completed_on": _iso(work.completed_on),
            "overdue": overdue,
            "completed_late": late,
            "checks": [
                {
                    "date": _iso(c.check_date),
                    "result": c.result,
                    "note": c.note,
                    "evidence": c.evidence.name.rsplit("/", 1)[-1] if c.evidence else "",
                }
                for c in checks
            ],
        })
        if overdue:
            gaps.append({"kind": "work_item_overdue", "id": work.pk, "content": work.content, "due_date": _iso(work.due_date)})

    inspection_rows = []
    led_count = joined_count = 0
    for inspection in in_period:
        is_lead = inspection.lead_official_id == official.pk
        led_count += is_lead
        joined_count += not is_lead
        inspection_rows.append({
            "id": inspection.pk,
            "code": inspection.code,
            "started_at": _iso(inspection.started_at),
            "kind": inspection.kind,
            "role": "led" if is_lead else "joined",
            "jurisdiction": inspection.jurisdiction.name,
            "place": inspection.place,
            "enterprises": targets.get(inspection.pk, []),
            "summary": inspection.summary[:300],
        })

    quota_rows = []
    for rule, holding, windows in quota_plan:
        window_rows = []
        for window in windows:
            w_since, w_until = _day_bounds(window.start, window.end)
            count = sum(1 for i in inspections if w_since <= i.started_at < w_until)
            status = _window_status(count, rule.minimum, window, today)
            window_rows.append({
                "key": window.key,
                "start": _iso(window.start),
                "end": _iso(window.end),
                "required": rule.minimum,
                "count": count,
                "status": status,
            })
            if status == Status.SHORT:
                gaps.append({
                    "kind": "quota_shortfall", "rule": rule.name, "window": window.key,
                    "required": rule.minimum, "count": count,
                })
        required = rule.minimum * len(window_rows)
        done = sum(min(w["count"], rule.minimum) for w in window_rows)
        quota_rows.append({
            "rule": rule.name,
            "period": rule.period,
            "minimum": rule.minimum,
            "posts": "；".join(dict.fromkeys(post_titles[p.pk] for p in holding)),
            "windows": window_rows,
            "required": required,
            "done": done,
            "shortfall": sum(1 for w in window_rows if w["status"] == Status.SHORT),
        })

    meeting_rows = [
        {
            "id": m.pk,
            "held_on": _iso(m.held_on),
            "kind": m.kind,
            "title": m.title,
            "organization": m.organization.name,
            "chaired": m.chair_id == official.pk,
        }
        for m in meetings
    ]

    hazard_rows = []
    for hazard in hazards:
        visits = visits_by_hazard.get(hazard.pk, [])
        own_in_period = [v for v in visits if v.leader_id == official.pk and start <= v.visited_on <= end]
        open_in_period = hazard.status not in FINAL_STATUSES or (hazard.closed_at is not None and hazard.closed_at >= since)
        overdue = hazard.status in DEADLINE_STATUSES and hazard.deadline is not None and hazard.deadline < asof
        rectified_late = bool(hazard.deadline and hazard.rectified_on and hazard.rectified_on > hazard.deadline)
        hazard_rows.append({
            "id": hazard.pk,
            "code": hazard.code,
            "title": hazard.title,
            "enterprise": hazard.enterprise.name if hazard.enterprise_id else "",
            "jurisdiction": hazard.jurisdiction.name,
            "found_on": _iso(hazard.found_on),
            "status": hazard.status,
            "deadline": _iso(hazard.deadline),
            "rectified_on": _iso(hazard.rectified_on),
            "closed_at": _iso(hazard.closed_at),
            "listing_level": hazard.listing_level,
            "overdue": overdue,
            "rectified_late": rectified_late,
            "visits": [
                {
                    "date": _iso(v.visited_on),
                    "kind": v.kind,
                    "leader": v.leader.name,
                    "by_official": v.leader_id == official.pk,
                    "note": v.note[:300],
                }
                for v in visits
                if v.visited_on >= start
            ],
            "visits_by_official": len(own_in_period),
            "last_visit": _iso(visits[-1].visited_on) if visits else None,
        })
        if overdue:
            gaps.append({"kind": "hazard_overdue", "id": hazard.pk, "code": hazard.code, "title": hazard.title, "deadline": _iso(hazard.deadline)})
        if open_in_period and not own_in_period:
            gaps.append({"kind": "hazard_no_visit", "id": hazard.pk, "code": hazard.code, "title": hazard.title})

    list_rows = []
    published_orgs = set()
    for version in versions:
        published_orgs.add(version.organization_id)
        if version.published_at >= since:
            list_rows.append({
                "organization": version.organization.name,
                "number": version.number,
                "status": version.status,
                "published_at": _iso(version.published_at),
            })
    keeping = {p.organization_id: p.organization for p in posts if p.organization.kind in LIST_KEEPING_KINDS and p.role in _LIST_RESPONSIBLE_ROLES}
    for organization_id, organization in sorted(keeping.items()):
        if organization_id not in published_orgs:
            gaps.append({"kind": "list_unpublished", "organization": organization.name})

    finding_rows = [
        {
            "id": f.pk,
            "patrol": f.patrol.code,
            "patrol_id": f.patrol_id,
            "number": f.number,
            "title": f.title,
            "category": f.category,
            "unit": f.responsible_name,
            "found_on": _iso(f.found_on),
            "status": f.status,
            "rectified_on": _iso(f.rectified_on),
        }
        for f in findings
    ]
    decision_rows = [
        {
            "id": d.pk,
            "measure": d.measure,
            "decided_on": _iso(d.decided_on),
            "decided_by": d.decided_by,
            "document_reference": d.document_reference,
            "modifier": d.modifier,
            "lifelong": d.lifelong,
        }
        for d in decisions
    ]

    summary = {
        "posts": len(post_rows),
        "responsibility_items": len(item_rows),
        "work_items": len(work_rows),
        "work_items_done": sum(1 for w in work_rows if w["status"] == WorkItemStatus.DONE),
        "work_items_overdue": sum(1 for w in work_rows if w["overdue"]),
        "work_item_checks": sum(len(w["checks"]) for w in work_rows),
        "inspections_led": led_count,
        "inspections_joined": joined_count,
        "quota_required": sum(q["required"] for q in quota_rows),
        "quota_done": sum(q["done"] for q in quota_rows),
        "quota_short_windows": sum(q["shortfall"] for q in quota_rows),
        "meetings_chaired": sum(1 for m in meeting_rows if m["chaired"]),
        "meetings_attended": sum(1 for m in meeting_rows if not m["chaired"]),
        "major_hazards": len(hazard_rows),
        "major_hazards_overdue": sum(1 for h in hazard_rows if h["overdue"]),
        "visits_by_official": sum(h["visits_by_official"] for h in hazard_rows),
        "lists_published": len(list_rows),
        "patrol_findings": len(finding_rows),
        "patrol_findings_open": sum(1 for f in finding_rows if f["status"] != "rectified"),
        "decisions": len(decision_rows),
        "gaps": len(gaps),
    }
    return {
        "version": DOSSIER_VERSION,
        "official": {"id": official.pk, "name": official.name},
        "period": {"start": _iso(start), "end": _iso(end)},
        "as_of": _iso(asof),
        "generated_on": _iso(today),
        "accident": (
            {"id": accident.pk, "code": accident.code, "title": accident.title, "occurred_at": _iso(accident.occurred_at)}
            if accident is not None else None
        ),
        "posts": post_rows,
        "responsibility_items": item_rows,
        "work_items": work_rows,
        "inspections": inspection_rows,
        "quotas": quota_rows,
        "meetings": meeting_rows,
        "major_hazards": hazard_rows,
        "power_lists": list_rows,
        "patrol_findings": finding_rows,
        "decisions": decision_rows,
        "gaps": gaps,
        "summary": summary,
    }


#: Posts whose holder answers for their organization's power-and-responsibility list.
_LIST_RESPONSIBLE_ROLES = (PostRole.PARTY_PRINCIPAL, PostRole.GOVERNMENT_PRINCIPAL, PostRole.DEPARTMENT_HEAD)


# --- Display ----------------------------------------------------------------------------------


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def period_label(key: str) -> str:
    """The label of a quota window key (2026, 2026-H1, 2026-Q3, 2026-10)."""
    from responsibility.selectors.compliance import parse_period

    try:
        return parse_period(key).label
    except ValueError:
        return key


def gap_text(gap: dict) -> str:
    """One gap as a sentence, in the active language."""
    kind = gap.get("kind")
    if kind == "quota_shortfall":
        return _("Inspection quota “%(rule)s” not met in %(window)s: %(count)d of %(required)d.") % {
            "rule": gap["rule"], "window": period_label(gap["window"]), "count": gap["count"], "required": gap["required"],
        }
    if kind == "work_item_overdue":
        return _("Key-work item overdue since %(due)s: %(content)s") % {"due": gap["due_date"], "content": gap["content"]}
    if kind == "hazard_overdue":
        return _("Linked major hazard %(code)s past its deadline %(deadline)s: %(title)s") % gap
    if kind == "hazard_no_visit":
        return _("No visit or coordination recorded in the period on linked major hazard %(code)s: %(title)s") % gap
    if kind == "list_unpublished":
        return _("No published power-and-responsibility list of %(organization)s by the end of the period.") % gap
    return str(gap)


def dossier_display(data: dict) -> dict:
    """A copy of a snapshot with the labels of its values in the active language (the page's
    template reads ``*_label`` keys)."""
    shown = copy.deepcopy(data or {})
    roles = _labels(PostRole.choices)
    work_statuses = _labels(WorkItemStatus.choices)
    results = _labels(CheckResult.choices)
    kinds = _labels(InspectionKind.choices)
    meeting_kinds = _labels(MeetingKind.choices)
    hazard_statuses = _labels(HazardStatus.choices)
    visit_kinds = _labels(VisitKind.choices)
    measures = _labels(AccountabilityMeasure.choices)
    modifiers = _labels(AccountabilityModifier.choices)
    periods = _labels(Period.choices)
    statuses = {key: str(label) for key, label in Status.LABELS.items()}
    from patrols.choices import FindingCategory, FindingStatus
    from responsibility.choices import PowerListStatus

    finding_categories, finding_statuses = _labels(FindingCategory.choices), _labels(FindingStatus.choices)
    list_statuses = _labels(PowerListStatus.choices)
    for post in shown.get("posts", []):
        post["role_label"] = roles.get(post["role"], post["role"])
    for work in shown.get("work_items", []):
        work["status_label"] = work_statuses.get(work["status"], work["status"])
        for check in work["checks"]:
            check["result_label"] = results.get(check["result"], check["result"])
    for inspection in shown.get("inspections", []):
        inspection["kind_label"] = kinds.get(inspection["kind"], inspection["kind"])
        inspection["role_label"] = _("Led") if inspection["role"] == "led" else _("Joined")
    for quota in shown.get("quotas", []):
        quota["period_label"] = periods.get(quota["period"], quota["period"])
        for window in quota["windows"]:
            window["label"] = period_label(window["key"])
            window["status_label"] = statuses.get(window["status"], window["status"])
    for meeting in shown.get("meetings", []):
        meeting["kind_label"] = meeting_kinds.get(meeting["kind"], meeting["kind"])
    for hazard in shown.get("major_hazards", []):
        hazard["status_label"] = hazard_statuses.get(hazard["status"], hazard["status"])
        for visit in hazard["visits"]:
            visit["kind_label"] = visit_kinds.get(visit["kind"], visit["kind"])
    for version in shown.get("power_lists", []):
        version["status_label"] = list_statuses.get(version["status"], version["status"])
    for finding in shown.get("patrol_findings", []):
        finding["category_label"] = finding_categories.get(finding["category"], finding["category"])
        finding["status_label"] = finding_statuses.get(finding["status"], finding["status"])
    for decision in shown.get("decisions", []):
        decision["measure_label"] = measures.get(decision["measure"], decision["measure"])
        decision["modifier_label"] = modifiers.get(decision["modifier"], "") if decision["modifier"] else ""
    for gap in shown.get("gaps", []):
        gap["text"] = gap_text(gap)
    return shown
