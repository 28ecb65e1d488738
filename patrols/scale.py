"""The patrols app's part of ``manage.py seed_scale`` (see :mod:`core.scale`): one term of the top
jurisdiction (the province, or the city profile's city) with its targets, batches and patrols at
every stage, their stage dates and due dates, groups, content-area checks, findings with their
dispositions and timelines.

Sizes by profile (targets / patrols): ``tiny`` 30 / 90 for the tests, ``city`` 300 / 1,000,
``province`` 1,500 / 5,000 (the coverage benchmark of issue #8). A real term targets the cities,
counties, development zones and departments below the issuing level (about 140 in a province);
to reach the benchmark's size the list goes on with township (and, if needed, village) Party
committees and governments.

About 15% of the targets have no patrol (the coverage view's gaps). Every other target has its
regular patrol, in a batch; the rest of the patrols are special patrols and follow-up reviews
(回头看, of a regular patrol past its feedback). The older a patrol's batch, the further along it
is; the stage dates follow the transition table in order, before today, with the due dates
computed on the working-day calendar exactly as the services do (a year without a calendar
leaves the due date empty and names the year). Findings are recorded during the stationing, and
routed (transfer, discipline, organization department) once the report is approved; about half
of those of patrols past their feedback are rectified.

Everything random comes from ``ctx.random("patrols", …)``; ids from ``ctx.allocate_ids``.
"""

from __future__ import annotations

from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from django.utils import timezone

from core.scale import ScaleContext, register_scale_part

PART_MODELS = (
    "patrols.PatrolTerm",
    "patrols.PatrolTarget",
    "patrols.PatrolBatch",
    "patrols.Patrol",
    "patrols.PatrolMember",
    "patrols.PatrolMilestone",
    "patrols.PatrolAreaCheck",
    "patrols.PatrolFinding",
    "patrols.FindingDisposition",
    "patrols.PatrolEvent",
    "patrols.PatrolUserObjectPermission",
)


@dataclass(frozen=True)
class Shape:
    targets: int
    patrols: int


SHAPES = {
    "tiny": Shape(targets=30, patrols=90),
    "city": Shape(targets=300, patrols=1_000),
    "province": Shape(targets=1_500, patrols=5_000),
}

UNPLANNED_SHARE = 0.15
FOLLOW_UP_SHARE = 0.4  # of the patrols beyond the regular ones, when an origin is available
BATCHES = 6
STATUSES = (
    "preparation", "stationing", "reporting", "approval", "feedback", "rectification_plan", "rectification_report", "review", "closed",
)
ACTIONS = (
    ("start_stationing", "stationing_start"), ("end_stationing", "stationing_end"), ("submit_report", "report"),
    ("approve_report", "approval"), ("deliver_feedback", "feedback"), ("submit_plan", "rectification_plan"),
    ("submit_rectification_report", "rectification_report"), ("close", "closure"),
)
#: Typical days from one milestone to the next (stationing about four weeks).
GAPS = {"stationing_end": (20, 30), "report": (7, 16), "approval": (5, 14), "feedback": (5, 14), "rectification_plan": (25, 45),
        "rectification_report": (120, 180), "closure": (7, 30)}
CATEGORIES = (("problem", 55), ("major_hazard", 15), ("formalism", 20), ("dereliction", 10))
ROUTES = {"problem": ("transfer",), "major_hazard": ("transfer",), "formalism": ("discipline", "organization"),
          "dereliction": ("discipline",)}
TITLES = {
    "problem": ("安全生产责任清单未及时更新", "专项整治任务推进滞后", "企业隐患自查自报流于形式", "执法检查覆盖不足"),
    "major_hazard": ("重大危险源监测预警设施缺失", "人员密集场所安全出口锁闭"),
    "formalism": ("以会议落实会议", "检查记录弄虚作假"),
    "dereliction": ("对重大隐患长期失管失察", "事故调查处理不到位"),
}


def _cumulative(weights):
    return list(accumulate(weights))


def _pick(rng, items, cumulative):
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


class _Generator:
    def __init__(self, ctx: ScaleContext):
        self.ctx = ctx
        self.shape = SHAPES[ctx.profile]
        self.today = ctx.today
        self.rng = ctx.random("patrols", "plan")

    def log(self, message: str) -> None:
        self.ctx.log(f"  {message}")

    def run(self) -> None:
        from patrols.models import PatrolContentArea, PatrolRules
        from responsibility.models import Jurisdiction

        shared = self.ctx.shared.get("responsibility") or {}
        codes = list(shared.get("jurisdictions", {}))
        if not codes:
            self.log("patrols: skipped (no jurisdictions)")
            return
        self.top = Jurisdiction.objects.get(code=codes[0])
        self.rules = PatrolRules.for_path(self.top.path)
        self.areas = list(PatrolContentArea.objects.filter(is_active=True).values_list("pk", flat=True))
        self.term()
        self.targets()
        self.batches()
        self.patrols()
        self.ctx.shared["patrols"] = {"term": self.term_id}

    # -- the plan --

    def term(self) -> None:
        from patrols.models import PatrolTerm

        self.term_start, self.term_end = date(self.today.year - 4, 1, 1), date(self.today.year, 12, 31)
        (self.term_id,) = self.ctx.allocate_ids(PatrolTerm, 1)
        name = f"{self.top.name}{self.term_start.year}—{self.term_end.year}年届安全生产巡查"
        self.ctx.write(
            PatrolTerm,
            ["id", "issuing_jurisdiction_id", "issuing_path", "name", "start_date", "end_date", "note"],
            [(self.term_id, self.top.pk, self.top.path, name, self.term_start, self.term_end, "")],
        )

    def targets(self) -> None:
        from patrols.models import PatrolTarget
        from responsibility.choices import DEPARTMENT_KINDS, OrganizationKind
        from responsibility.models import Jurisdiction, Organization

        places = list(
            Jurisdiction.objects.filter(path__startswith=self.top.path, level__in=("city", "county", "development_zone", "township", "village"))
            .exclude(pk=self.top.pk)
            .order_by("path")
            .values_list("pk", "code", "name", "level", "path")
        )
        order = {"city": 0, "county": 1, "development_zone": 1, "township": 3, "village": 4}
        places.sort(key=lambda p: (order[p[3]], p[4]))
        governments: dict[int, list[int]] = {}
        for jid, org_id in (
            Organization.objects.filter(
                jurisdiction__path__startswith=self.top.path, kind__in=(OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GOVERNMENT)
            )
            .order_by("sort_order", "pk")
            .values_list("jurisdiction_id", "pk")
        ):
            governments.setdefault(jid, []).append(org_id)
        departments = list(
            Organization.objects.filter(jurisdiction=self.top, kind__in=DEPARTMENT_KINDS, is_active=True)
            .order_by("sort_order", "pk")
            .values_list("pk", "name")
        )
        rows, links = [], []
        wanted = self.shape.targets
        departments = departments[: max(0, wanted // 10)]
        chosen = []
        names: set[str] = set()
        for jid, code, name, level, path in places:
            if len(chosen) + len(departments) >= wanted:
                break
            kind = "development_zone" if level == "development_zone" else "party_government"
            suffix = "党工委、管委会" if kind == "development_zone" else ("党支部、村委会" if level == "village" else "党委、政府")
            label = f"{name}{suffix}"
            if label in names:  # townships and villages of different counties share names
                label = f"{label}（{code}）"
            names.add(label)
            chosen.append((kind, jid, label, path, governments.get(jid, [])))
        for org_id, name in departments:
            chosen.append(("department", self.top.pk, name, "", [org_id]))
        ids = self.ctx.allocate_ids(PatrolTarget, len(chosen))
        self.target_rows = []
        for index, (pk, (kind, jid, name, unit_path, organizations)) in enumerate(zip(ids, chosen, strict=True)):
            rows.append((pk, self.term_id, kind, jid, name, unit_path, False, "", (index + 1) * 10))
            links.extend((pk, org) for org in organizations)
            self.target_rows.append((pk, kind, unit_path))
        self.ctx.write(
            PatrolTarget, ["id", "term_id", "kind", "jurisdiction_id", "name", "unit_path", "problem_unit", "note", "sort_order"], rows
        )
        through = PatrolTarget.organizations.through
        self.ctx.write(through, ["patroltarget_id", "organization_id"], links, label="patrols.patroltarget_organizations")
        self.log(f"targets: {len(rows):,}")

    def batches(self) -> None:
        from patrols.models import PatrolBatch

        ids = self.ctx.allocate_ids(PatrolBatch, BATCHES)
        # Batches spread from the term's start to about two months ago.
        span = max((self.today - timedelta(days=60) - self.term_start).days, BATCHES)
        self.batch_rows = []
        rows = []
        for number, pk in enumerate(ids, start=1):
            month = (self.term_start + timedelta(days=span * (number - 1) // BATCHES)).replace(day=1)
            rows.append((pk, self.term_id, number, f"第{number}批", month, ""))
            self.batch_rows.append((pk, month))
        self.ctx.write(PatrolBatch, ["id", "term_id", "number", "name", "start_month", "note"], rows)

    # -- the patrols --

    def patrols(self) -> None:
        from patrols.models import (
            FindingDisposition,
            Patrol,
            PatrolAreaCheck,
            PatrolEvent,
            PatrolFinding,
            PatrolMember,
            PatrolMilestone,
        )
        from responsibility.models import Post

        rng = self.rng
        targets = list(self.target_rows)
        rng.shuffle(targets)
        planned = targets[: round(len(targets) * (1 - UNPLANNED_SHARE))]
        leaders = list(
            Post.objects.filter(organization__jurisdiction=self.top).order_by("pk").values_list("official_id", flat=True).distinct()[:200]
        )
        specs = [(target, "regular", None) for target in planned]
        extra = max(0, self.shape.patrols - len(specs))
        specs += [(planned[rng.randrange(len(planned))], "special", None) for _ in range(extra)] if planned else []
        ids = list(self.ctx.allocate_ids(Patrol, len(specs)))
        patrols, milestones, members, checks, events = [], [], [], [], []
        findings, dispositions = [], []
        regular_status: dict[int, tuple[int, str]] = {}
        milestone_ids = iter(self.ctx.allocate_ids(PatrolMilestone, len(specs) * len(ACTIONS) + len(specs)))
        check_ids = iter(self.ctx.allocate_ids(PatrolAreaCheck, len(specs) * len(self.areas)))
        member_ids = iter(self.ctx.allocate_ids(PatrolMember, len(specs) * 2))
        finding_ids = iter(self.ctx.allocate_ids(PatrolFinding, len(specs) * 4))
        disposition_ids = iter(self.ctx.allocate_ids(FindingDisposition, len(specs) * 8))
        event_ids = iter(self.ctx.allocate_ids(PatrolEvent, len(specs) * (len(ACTIONS) + 1)))
        for pk, ((target_id, _target_kind, unit_path), kind, _origin) in zip(ids, specs, strict=True):
            follows = None
            if kind == "regular":
                batch_id, month = self.batch_rows[rng.randrange(len(self.batch_rows))]
                start = month + timedelta(days=rng.randint(0, 25))
            else:
                batch_id = None
                start = self.term_start + timedelta(days=rng.randint(0, max(1, (self.today - self.term_start).days - 20)))
                origin = regular_status.get(target_id)
                if origin and origin[2] and rng.random() < FOLLOW_UP_SHARE:
                    # A follow-up review (回头看) begins after the earlier patrol's feedback.
                    kind, follows = "follow_up", origin[0]
                    start = max(start, origin[2] + timedelta(days=rng.randint(30, 200)))
            dates = self._dates(start)
            status = STATUSES[len(dates)]
            if kind == "regular":
                regular_status[target_id] = (pk, status, dates[4] if len(dates) > 4 else None)
            actual = {key: dates[i] if i < len(dates) else None for i, (_action, key) in enumerate(ACTIONS)}
            actual["preparation"] = start - timedelta(days=20)
            due, next_due, missing = self._dues(actual, status)
            n_findings = rng.randint(1, 4) if status not in ("preparation",) else 0
            rectified = 0
            for number in range(1, n_findings + 1):
                category = _pick(rng, [c for c, _w in CATEGORIES], _cumulative([w for _c, w in CATEGORIES]))
                fid = next(finding_ids)
                is_rectified = status in ("rectification_plan", "rectification_report", "review", "closed") and (
                    status == "closed" or rng.random() < 0.5
                )
                rectified_on = min(self.today, actual["feedback"] + timedelta(days=rng.randint(10, 90))) if is_rectified else None
                rectified += is_rectified
                found_on = min(actual["stationing_start"] + timedelta(days=rng.randint(1, 15)), actual.get("stationing_end") or self.today, self.today)
                findings.append((
                    fid, pk, number, category, TITLES[category][number % len(TITLES[category])], "巡查发现的具体情况。", "",
                    "", found_on, "rectified" if is_rectified else "open", rectified_on, "已整改" if is_rectified else "",
                ))
                if actual["approval"]:
                    for route in ROUTES[category]:
                        routed_on = min(self.today, actual["approval"] + timedelta(days=rng.randint(1, 10)))
                        closed = route == "transfer" and is_rectified
                        dispositions.append((
                            next(disposition_ids), fid, route, routed_on, "接收单位",
                            f"巡移〔{routed_on.year}〕{fid % 500 + 1}号" if route == "discipline" else "", "",
                            "closed" if closed else "open", max(rectified_on, routed_on) if closed else None, "已整改" if closed else "",
                        ))
            created_at = datetime.combine(actual["preparation"], time(9), tzinfo=timezone.get_current_timezone())
            patrols.append((
                pk, Patrol.make_code(self.term_start.year, pk), self.term_id, batch_id, target_id, kind, follows,
                f"第{pk % 12 + 1}巡查组", "", status, created_at, self.top.path, unit_path, next_due, PENDING.get(status, ""),
                missing, n_findings, rectified, created_at, created_at,
            ))
            for position, key in enumerate(MILESTONES):
                planned_on = actual["stationing_start"] if key == "stationing_start" else None
                milestones.append((
                    next(milestone_ids), pk, key, position, planned_on, actual.get(key), due.get(key, (None, None))[0],
                    due.get(key, (None, None))[1],
                ))
            for area in self.areas:
                checks.append((next(check_ids), pk, area, status != "preparation" and rng.random() < 0.85, ""))
            if leaders:
                members.append((next(member_ids), pk, leaders[pk % len(leaders)], "leader", ""))
                second = leaders[(pk * 7 + 3) % len(leaders)]
                if second != leaders[pk % len(leaders)]:
                    members.append((next(member_ids), pk, second, "member", ""))
            events.append((next(event_ids), pk, "created", "", "", "preparation", True, created_at, "系统", ""))
            previous = "preparation"
            for (action, _key), day in zip(ACTIONS, dates, strict=False):
                target_status = STATUSES[STATUSES.index(previous) + 1]
                at = datetime.combine(day, time(16), tzinfo=timezone.get_current_timezone())
                confidential = previous not in ("rectification_plan", "rectification_report", "review") and action != "deliver_feedback"
                events.append((next(event_ids), pk, "transition", action, previous, target_status, confidential, at, "系统", ""))
                previous = target_status
        ctx = self.ctx
        ctx.write(
            Patrol,
            ["id", "code", "term_id", "batch_id", "target_id", "kind", "follows_id", "group_name", "focus", "status", "status_changed_at",
             "issuing_path", "unit_path", "next_due_on", "next_due_milestone", "calendar_missing_year", "finding_count",
             "rectified_count", "created_at", "updated_at"],
            patrols,
        )
        ctx.write(PatrolMilestone, ["id", "patrol_id", "key", "position", "planned_on", "actual_on", "due_on", "due_missing_year"], milestones)
        ctx.write(PatrolAreaCheck, ["id", "patrol_id", "area_id", "covered", "note"], checks)
        ctx.write(PatrolMember, ["id", "patrol_id", "official_id", "role", "note"], members)
        ctx.write(
            PatrolFinding,
            ["id", "patrol_id", "number", "category", "title", "description", "evidence", "responsible_unit_name", "found_on", "status",
             "rectified_on", "rectification_note"],
            findings,
        )
        ctx.write(
            FindingDisposition,
            ["id", "finding_id", "route", "routed_on", "recipient_name", "reference", "note", "status", "closed_on", "result"],
            dispositions,
        )
        ctx.write(
            PatrolEvent,
            ["id", "patrol_id", "kind", "action", "from_status", "to_status", "confidential", "at", "actor_name", "comment"],
            events,
        )
        self.log(f"patrols: {len(patrols):,} ({len(milestones):,} stages, {len(findings):,} findings, {len(dispositions):,} dispositions)")

    def _dates(self, start: date) -> list[date]:
        """Actual dates of the milestones reached by a patrol that began stationing on ``start``
        (none when it has not begun yet): each step follows the previous one while it is before
        today."""
        rng = self.rng
        if start > self.today:
            return []
        dates = [start]
        for _action, key in ACTIONS[1:]:
            low, high = GAPS[key]
            day = dates[-1] + timedelta(days=rng.randint(low, high))
            if day > self.today or rng.random() < 0.05:
                break
            dates.append(day)
        return dates

    def _dues(self, actual: dict, status: str):
        from patrols.deadlines import due_dates

        dues = due_dates(actual, self.rules)
        result = {key: (d.on, d.missing_year) for key, d in dues.items()}
        pending = PENDING.get(status)
        next_due = result.get(pending, (None, None))[0] if pending else None
        missing = sorted(year for key, (_on, year) in result.items() if year and not actual.get(key))
        return result, next_due, missing[0] if missing else None


MILESTONES = ("preparation", *(key for _action, key in ACTIONS))
PENDING = {
    "preparation": "stationing_start", "stationing": "stationing_end", "reporting": "report", "approval": "approval",
    "feedback": "feedback", "rectification_plan": "rectification_plan", "rectification_report": "rectification_report",
    "review": "closure",
}


def generate(ctx: ScaleContext) -> None:
    _Generator(ctx).run()


register_scale_part("patrols", generate, order=300, requires=("responsibility",), models=PART_MODELS)
