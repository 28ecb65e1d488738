"""The hazards app's part of ``manage.py seed_scale`` (see :mod:`core.scale`), on top of the
responsibility part's province (or city): the hazard ledger with timelines, extensions,
major hazards with their leaders and listings, risk points with their re-identification
rounds, enterprises' monthly self-reports and public tip-offs.

Sizes by profile (hazards / risk points / tip-offs): ``tiny`` 600 / 120 / 30 for the tests,
``city`` 80,000 / 4,000 / 400, ``province`` 1,000,000 / 50,000 / 5,000 over its 100,000
enterprises.

Skewed the way ledgers are: enterprises in hazardous sectors and of high risk class have more
hazards (and the responsibility part already crowds enterprises into a few industrial towns),
a log-normal factor makes some enterprises far worse than others; 3% of hazards are ownerless
(the county government's). Hazards were found over the last two years, more of them lately;
the older a hazard, the likelier it is closed out, so most are closed, some open and about 5%
overdue; about 1% are major, each with a linked city or county leader, a listing, the double
report, a plan and the leader's visits. Every hazard's timeline follows the transition table
from "reported" to its status (six events for a closed hazard, extensions and send-backs
included), dated in order before now. No photo files are generated.

Everything random comes from ``ctx.random("hazards", <step>)``; ids come from
``ctx.allocate_ids``; rows go out with ``ctx.write`` (COPY on PostgreSQL), one county at a
time so that memory stays flat.
"""

from __future__ import annotations

import math
from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate, product

from django.utils import timezone

from core.scale import ScaleContext, register_scale_part

PART_MODELS = (
    "hazards.Hazard",
    "hazards.HazardEvent",
    "hazards.HazardExtension",
    "hazards.HazardPhoto",
    "hazards.LeaderVisit",
    "hazards.HazardUserObjectPermission",
    "hazards.EnterpriseSelfReport",
    "hazards.TipOff",
    "hazards.TipOffPhoto",
    "hazards.RiskPoint",
    "hazards.RiskReviewRound",
    "hazards.RiskPointReview",
)


@dataclass(frozen=True)
class Shape:
    hazards: int
    risk_points: int
    tip_offs: int  # besides the tips turned into hazards


SHAPES = {
    "tiny": Shape(hazards=600, risk_points=120, tip_offs=30),
    "city": Shape(hazards=80_000, risk_points=4_000, tip_offs=400),
    "province": Shape(hazards=1_000_000, risk_points=50_000, tip_offs=5_000),
}

HISTORY_DAYS = 730
OWNERLESS_SHARE = 0.03
SOURCE_SYSTEM = "scale"
#: Hazard weight of an enterprise by its sector's risk profile (responsibility.scale.SECTOR_PLAN)
#: and by its own risk class.
PROFILE_WEIGHT = {"high": 3.0, "elevated": 1.8, "normal": 1.0}
CLASS_WEIGHT = {"red": 2.5, "orange": 1.6, "yellow": 1.0, "blue": 0.6}
STATUS_WEIGHT = {"operating": 1.0, "suspended": 0.3, "closed": 0.1}
#: Share of major hazards among an enterprise's hazards, by its sector's risk profile (sectors
#: without major-hazard criteria in hazards.demo.data.MAJOR have none): about 1% overall.
MAJOR_SHARE = {"high": 0.025, "elevated": 0.01, "normal": 0.006}
SOURCES = (
    ("department_inspection", 45), ("self_check", 28), ("patrol", 10), ("campaign", 10), ("leader_inspection", 5), ("tip_off", 2),
)
GENERAL_TERMS = (7, 15, 15, 30, 30, 30, 45, 60)
MAJOR_TERMS = (60, 90, 90, 120, 180)
#: Status by age of the hazard (days since found): cumulative weights over STATUS_ORDER.
STATUS_ORDER = ("reported", "accepted", "rectifying", "submitted", "verified", "closed")
AGE_STAGES = (
    (7, (40, 30, 30, 0, 0, 0)),
    (30, (4, 8, 40, 10, 10, 28)),
    (90, (0.5, 2, 12, 3, 4, 78.5)),
    (365, (0, 0.3, 3, 0.4, 0.8, 95.5)),
    (HISTORY_DAYS + 1, (0, 0, 0.8, 0, 0.1, 99.1)),
)
CANCEL_SHARE = 0.025
EXTENSION_SHARE = 0.07
RETURN_SHARE = 0.05
#: Share of the benchmark county's major hazards linked to the ``scale_leader`` login's official.
BENCH_LEADER_SHARE = 0.4
TIP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _cumulative(weights) -> list[float]:
    return list(accumulate(weights))


def _pick(rng, items, cumulative):
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


def largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to ``weights`` summing to exactly ``total``."""
    whole = sum(weights) or 1.0
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Generator:
    def __init__(self, ctx: ScaleContext):
        self.ctx = ctx
        self.shape = SHAPES[ctx.profile]
        self.today = ctx.today
        self.now = ctx.now
        self.tz = timezone.get_current_timezone()
        # The start of each day of the history (08:00 local), by age in days.
        self.day_start = [
            datetime.combine(self.today - timedelta(days=age), time(8, 0), tzinfo=self.tz) for age in range(HISTORY_DAYS + 400)
        ]

    def random(self, step: str):
        return self.ctx.random("hazards", step)

    def log(self, message: str) -> None:
        self.ctx.log(f"  {message}")

    # -- what the responsibility part wrote --

    def load(self) -> None:
        from django.contrib.auth.models import Permission

        from responsibility.choices import LEADER_ROLES, JurisdictionLevel, OrganizationKind
        from responsibility.models import (
            Enterprise,
            EnterpriseSupervision,
            Jurisdiction,
            Official,
            Organization,
            Post,
        )
        from responsibility.scale import SECTOR_PLAN

        self.jurisdictions = {path: (pk, level, name) for pk, path, level, name in Jurisdiction.objects.values_list("pk", "path", "level", "name")}
        self.enterprises = list(
            Enterprise.objects.order_by("pk").values_list(
                "pk", "jurisdiction_id", "jurisdiction__path", "sector__code", "sector_id", "risk_class", "status",
                "latitude", "longitude", "address", "name", "safety_contact", "contact_phone",
            )
        )
        self.department_of = dict(EnterpriseSupervision.objects.filter(is_primary=True).values_list("enterprise_id", "organization_id"))
        self.sector_ids = dict(Enterprise._meta.get_field("sector").related_model.objects.values_list("code", "pk"))
        self.profile_of = {code: plan[1] for code, plan in SECTOR_PLAN.items()}
        self.county_government = dict(
            Organization.objects.filter(
                kind=OrganizationKind.GOVERNMENT, jurisdiction__level__in=(JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE)
            ).values_list("jurisdiction__path", "pk")
        )
        self.safety_office = dict(Organization.objects.filter(kind=OrganizationKind.SAFETY_OFFICE).values_list("jurisdiction__path", "pk"))
        self.leaders: dict[str, list[int]] = {}
        posts = Post.objects.current(self.today).filter(
            role__in=LEADER_ROLES,
            organization__kind__in=(OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GOVERNMENT),
            organization__jurisdiction__level__in=(JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE),
        )
        for path, official in posts.order_by("official_id").values_list("organization__jurisdiction__path", "official_id").distinct():
            self.leaders.setdefault(path, []).append(official)
        shared = self.ctx.shared.get("responsibility", {})
        users = shared.get("users", {})
        self.bench_county = shared.get("bench_county", "")
        self.bench_leader = Official.objects.filter(user_id=users.get("scale_leader")).values_list("pk", flat=True).first()
        self.leader_user = users.get("scale_leader")
        self.view_permission = Permission.objects.get(content_type__app_label="hazards", codename="view_hazard").pk

    def reference_data(self) -> None:
        """The default hazard rules and grading bands (seeded by a migration; a ``--reset``
        empties the rules with the jurisdictions they may refer to)."""
        import importlib

        from hazards.models import HazardPolicy, RiskGradingBand

        if not HazardPolicy.objects.filter(jurisdiction__isnull=True).exists():
            HazardPolicy.objects.create(jurisdiction=None)
        bands = importlib.import_module("hazards.migrations.0002_reference_data").BANDS
        for method, grade, score in bands:
            RiskGradingBand.objects.get_or_create(method=method, grade=grade, defaults={"min_score": Decimal(score)})

    # -- the run --

    def run(self) -> None:
        self.reference_data()
        self.load()
        if not self.enterprises:
            self.log("hazards: no enterprises, nothing to do")
            return
        self.hazards()
        self.risk_points()
        self.self_reports()
        self.public_tip_offs()
        self.ctx.shared["hazards"] = {"bench_county": self.bench_county}

    # -- hazards --

    def hazards(self) -> None:
        from hazards.demo import data
        from hazards.models import (
            Hazard,
            HazardEvent,
            HazardExtension,
            HazardUserObjectPermission,
            LeaderVisit,
            TipOff,
        )

        rng = self.random("hazards")
        total = self.shape.hazards
        ownerless = round(total * OWNERLESS_SHARE)
        weights = [
            PROFILE_WEIGHT[self.profile_of.get(e[3], "normal")] * CLASS_WEIGHT.get(e[5], 1.0) * STATUS_WEIGHT.get(e[6], 1.0)
            * rng.lognormvariate(0, 0.8)
            for e in self.enterprises
        ]
        counts = largest_remainder(weights, total - ownerless)
        places = [(path, pk) for path, (pk, level, _name) in self.jurisdictions.items() if level in ("township", "village")]
        ownerless_counts: dict[str, int] = {}
        for _ in range(ownerless):
            path, _pk = places[int(rng.random() * len(places))]
            ownerless_counts[path] = ownerless_counts.get(path, 0) + 1
        # One county at a time: its enterprises' hazards and its ownerless ones.
        by_county: dict[str, list[tuple]] = {}
        for enterprise, count in zip(self.enterprises, counts, strict=True):
            if count:
                by_county.setdefault(enterprise[2][:6], []).append((enterprise, count))
        for path in ownerless_counts:
            by_county.setdefault(path[:6], [])
        self.texts = {
            "general": dict(data.GENERAL),
            "major": dict(data.MAJOR),
        }
        self.source_items = [s for s, _w in SOURCES]
        self.source_cumulative = _cumulative(w for _s, w in SOURCES)
        self.stage_cumulative = [(limit, _cumulative(weights)) for limit, weights in AGE_STAGES]
        self.names = [self._name(rng) for _ in range(400)]
        self.tip_references: set[str] = set()
        written = {"hazards": 0, "events": 0, "majors": 0, "open": 0, "overdue": 0}
        hazard_fields = [
            "id", "created_at", "updated_at", "code", "enterprise_id", "jurisdiction_id", "jurisdiction_path",
            "responsible_organization_id", "supervising_department_id", "sector_id", "category", "level", "source", "title",
            "description", "location", "latitude", "longitude", "found_on", "finder_id", "finder_name", "status",
            "status_changed_at", "deadline", "original_deadline", "extension_count", "plan_responsible", "plan_measures",
            "plan_funds", "plan_contingency", "rectification_note", "rectified_on", "verified_at", "verified_by_id", "closed_at",
            "closed_by_id", "cancel_reason", "linked_leader_id", "listing_level", "listing_office_id", "listed_on",
            "reported_to_department_on", "reported_to_workers_congress_on", "source_system", "external_id", "created_by_id",
        ]
        event_fields = ["hazard_id", "kind", "action", "from_status", "to_status", "actor_id", "actor_name", "at", "comment", "data"]
        extension_fields = [
            "hazard_id", "requested_by_id", "requested_at", "current_deadline", "requested_deadline", "reason", "status",
            "decided_by_id", "decided_at", "decision_note",
        ]
        tip_fields = [
            "id", "created_at", "updated_at", "reference", "jurisdiction_id", "jurisdiction_path", "place", "description",
            "contact_name", "contact_phone", "status", "hazard_id", "dismissal_reason", "handled_by_id", "handled_at",
            "sender_fingerprint",
        ]
        for county in sorted(by_county):
            county_name = self.jurisdictions.get(county, (None, None, county))[2]
            self.staff = [f"{self.names[int(rng.random() * len(self.names))]}（{county_name}安办）" for _ in range(3)]
            self.inspectors = [f"{self.names[int(rng.random() * len(self.names))]}（{county_name}应急管理局）" for _ in range(4)]
            work = by_county[county]
            n_county = sum(n for _e, n in work) + sum(n for p, n in ownerless_counts.items() if p.startswith(county))
            ids = iter(self.ctx.allocate_ids(Hazard, n_county))
            self.rows, self.events, self.extensions, self.visits, self.grants, self.tips = [], [], [], [], [], []
            for enterprise, count in work:
                for _ in range(count):
                    self._hazard(rng, next(ids), enterprise=enterprise, county=county, written=written)
            for path, count in ownerless_counts.items():
                if path.startswith(county):
                    for _ in range(count):
                        self._hazard(rng, next(ids), place=path, county=county, written=written)
            self.ctx.write(Hazard, hazard_fields, self.rows)
            self.ctx.write(HazardEvent, event_fields, self.events)
            self.ctx.write(HazardExtension, extension_fields, self.extensions)
            visit_ids = iter(self.ctx.allocate_ids(LeaderVisit, len(self.visits)))
            self.ctx.write(
                LeaderVisit, ["id", "hazard_id", "leader_id", "kind", "visited_on", "note", "recorded_by_id", "recorded_at"],
                [(next(visit_ids), *visit) for visit in self.visits],
            )
            self.ctx.write(HazardUserObjectPermission, ["user_id", "permission_id", "content_object_id"], self.grants)
            if self.tips:
                tip_ids = iter(self.ctx.allocate_ids(TipOff, len(self.tips)))
                self.ctx.write(TipOff, tip_fields, ((next(tip_ids), *tip) for tip in self.tips))
            written["hazards"] += len(self.rows)
            written["events"] += len(self.events)
        self.log(
            f"hazards: {written['hazards']:,} ({written['majors']:,} major, {written['open']:,} open, {written['overdue']:,} overdue), "
            f"timeline events: {written['events']:,}"
        )

    @staticmethod
    def _name(rng) -> str:
        from responsibility.demo import data

        chars = data.MALE_CHARS if rng.random() < 0.7 else data.FEMALE_CHARS
        return rng.choice(data.SURNAMES) + ("".join(rng.sample(chars, 2)) if rng.random() < 0.7 else rng.choice(chars))

    def _stage(self, rng, age: int) -> str:
        if rng.random() < CANCEL_SHARE:
            return "cancelled"
        for limit, cumulative in self.stage_cumulative:
            if age <= limit:
                return _pick(rng, STATUS_ORDER, cumulative)
        return "closed"

    def _hazard(self, rng, pk: int, *, county: str, written: dict, enterprise=None, place: str | None = None) -> None:
        from hazards.demo import data

        random = rng.random
        today = self.today
        age = int(random() ** 1.3 * HISTORY_DAYS)
        found_on = today - timedelta(days=age)
        if enterprise is not None:
            e_pk, jid, path, sector, sector_id, _risk, _status, lat, lon, address, e_name, contact, _phone = enterprise
            profile = self.profile_of.get(sector, "normal")
            major = sector in data.MAJOR and random() < MAJOR_SHARE[profile]
            items = (self.texts["major"] if major else self.texts["general"]).get(sector) or self.texts["general"]["industry_trade"]
            title, description, category = items[int(random() * len(items))]
            responsible = None
            department = self.department_of.get(e_pk)
            location = address
            if lat is not None and random() < 0.5:
                lat = (lat + Decimal(int(random() * 4000) - 2000) / 1_000_000).quantize(Decimal("0.000001"))
                lon = (lon + Decimal(int(random() * 4000) - 2000) / 1_000_000).quantize(Decimal("0.000001"))
            else:
                lat = lon = None
            rectifier = f"{contact}（企业）"
        else:
            e_pk, path = None, place
            jid = self.jurisdictions[place][0]
            sector, title, description, category, major = data.OWNERLESS[int(random() * len(data.OWNERLESS))]
            major = major and random() < 0.25  # most landslide risks are handled as general hazards
            sector_id = self.sector_ids[sector]
            responsible = self.county_government.get(county)
            department = None
            location = self.jurisdictions[place][2]
            lat = lon = None
            rectifier = self.staff[0]
            if responsible is None:
                return
        source = _pick(rng, self.source_items, self.source_cumulative)
        stage = self._stage(rng, age)
        cancelled = stage == "cancelled"
        if cancelled:
            stage = ("reported", "accepted", "rectifying")[int(random() * 3)]
        reach = STATUS_ORDER.index(stage)
        if major and age > 30 and stage == "closed" and random() < 0.3:
            reach, stage = 2, "rectifying"  # major hazards take longer
        term = MAJOR_TERMS[int(random() * len(MAJOR_TERMS))] if major else GENERAL_TERMS[int(random() * len(GENERAL_TERMS))]
        staff = self.staff[int(random() * 3)]
        finder_name = self.inspectors[int(random() * 4)] if source == "department_inspection" else self.names[int(random() * len(self.names))]
        # The steps, as (day after the finding, kind, action, from, to, actor name, comment, data).
        steps: list[list] = []
        d = 0 if random() < 0.7 else 1 + int(random() * 2)
        steps.append([d, "reported", "", "", "reported", staff if source != "self_check" else rectifier, "", {}])
        leader = listing = office = None
        listed_on = to_department = to_congress = None
        plan = ("", "", None, "")
        if major:
            leaders = self.leaders.get(county, [])
            city_leaders = self.leaders.get(county[:4], [])
            if county == self.bench_county and self.bench_leader and random() < BENCH_LEADER_SHARE:
                leader = self.bench_leader
            elif leaders or city_leaders:
                pool = city_leaders if (random() < 0.3 and city_leaders) or not leaders else leaders
                leader = pool[int(random() * len(pool))]
            listing = ("province", "city", "county", "county")[int(random() * 4)]
            office = self.safety_office.get({"province": path[:2], "city": path[:4], "county": path[:6]}[listing])
            if office is None:
                listing, office = "county", self.safety_office.get(path[:6])
            d += int(random() * 3)
            plan = ("企业主要负责人", data.PLAN_MEASURES[int(random() * len(data.PLAN_MEASURES))],
                    Decimal(int(random() * 400 + 5) * 1000), data.PLAN_CONTINGENCY[int(random() * len(data.PLAN_CONTINGENCY))])
            steps.append([d, "plan", "", "", "", staff, "", {}])
            if leader:
                steps.append([d, "leader_linked", "", "", "", staff, "", {}])
            steps.append([d + 1, "listed", "", "", "", staff, "", {"level": listing}])
            steps.append([d + 2, "double_report", "", "", "", staff, "", {}])
            d += 2
        deadline = original = None
        extension_count = 0
        extension = None
        rectified_day = None
        if reach >= 1:
            d += int(random() * 3)
            deadline = original = found_on + timedelta(days=term)
            steps.append([d, "transition", "accept", "reported", "accepted", staff, "", {"deadline": deadline.isoformat()}])
        if reach >= 2:
            d += int(random() * 3)
            steps.append([d, "transition", "start", "accepted", "rectifying", rectifier, "", {}])
            submit = d + max(1, int(term * (0.3 + 0.7 * random())))
            if random() < 0.15:
                submit = term + 3 + int(random() * 25)  # late
            if random() < EXTENSION_SHARE:
                # Asked a few days before the deadline, decided a few days later.
                ask = max(d + 1, term - 1 - int(random() * 5))
                days = 10 + int(random() * 21)
                decision = "approved" if random() < 0.7 else "rejected"
                if stage == "rectifying" and random() < 0.15:
                    decision = "pending"
                extension = [ask, deadline, deadline + timedelta(days=days), decision]
                steps.append([ask, "extension_requested", "", "", "", rectifier, data.EXTENSION_REASONS[int(random() * 3)], {}])
                d = ask
                if decision != "pending":
                    d = ask + 1 + int(random() * 3)
                    steps.append([d, f"extension_{decision}", "", "", "", staff, "" if decision == "approved" else data.REJECT_NOTES[0], {}])
                if decision == "approved":
                    deadline = deadline + timedelta(days=days)
                    extension_count = 1
                    submit = d + 1 + int(random() * days)
                submit = max(submit, d + 1)
            if major and leader:
                end = submit if reach >= 3 else max(d + 1, age)
                for _ in range(1 + int(random() * 2)):
                    steps.append([d + int(random() * max(1, end - d)), "visit", "", "", "", staff, data.VISIT_NOTES[int(random() * 4)], {}])
            if reach >= 3:
                d = max(d + 1, submit)
                steps.append([d, "transition", "submit", "rectifying", "submitted", rectifier, "", {}])
                if reach >= 4 and random() < RETURN_SHARE:
                    d += 1 + int(random() * 3)
                    steps.append([d, "transition", "return", "submitted", "rectifying", staff, data.RETURN_COMMENTS[int(random() * 3)], {}])
                    d += 2 + int(random() * 8)
                    steps.append([d, "transition", "submit", "rectifying", "submitted", rectifier, "", {}])
                rectified_day = d
            if reach >= 4:
                d += 1 + int(random() * 5)
                steps.append([d, "transition", "verify", "submitted", "verified", staff, "", {}])
            if reach >= 5:
                d += int(random() * 6)
                steps.append([d, "transition", "close", "verified", "closed", staff, "", {}])
        if cancelled:
            d += 1 + int(random() * 5)
            steps.append([d, "transition", "cancel", stage, "cancelled", staff, data.CANCEL_REASONS[int(random() * 3)], {}])
        steps.sort(key=lambda s: s[0])
        # Lay the steps out before today: compressed when they would run past it; on the same
        # day one hour apart; nothing after now.
        last = steps[-1][0]
        if last > age:
            factor = age / last
            for step in steps:
                step[0] = int(step[0] * factor)
        moments = []
        previous = None
        for index, step in enumerate(steps):
            at = self.day_start[age - step[0]] + timedelta(hours=index % 9, minutes=int(random() * 50))
            if previous is not None and at <= previous:
                at = previous + timedelta(minutes=7)
            moments.append(at)
            previous = at
        if moments[-1] >= self.now:
            shift = moments[-1] - self.now + timedelta(minutes=5)
            moments = [max(m - shift, self.day_start[age]) for m in moments]
            for i in range(1, len(moments)):
                if moments[i] <= moments[i - 1]:
                    moments[i] = moments[i - 1] + timedelta(seconds=20)
        for step, at in zip(steps, moments, strict=True):
            self.events.append((pk, step[1], step[2], step[3], step[4], None, step[5], at, step[6], step[7]))
        status = "cancelled" if cancelled else stage
        transitions = [at for step, at in zip(steps, moments, strict=True) if step[1] == "transition"]
        by_action = {step[2]: at for step, at in zip(steps, moments, strict=True) if step[1] == "transition"}
        kinds = {step[1]: at for step, at in zip(steps, moments, strict=True)}
        rectified_on = max(found_on, self.tz_date(by_action["submit"])) if rectified_day is not None else None
        if extension is not None:
            ask_at = kinds["extension_requested"]
            decided_at = kinds.get(f"extension_{extension[3]}")
            self.extensions.append((
                pk, None, ask_at, extension[1], extension[2], data.EXTENSION_REASONS[0], extension[3], None, decided_at,
                data.REJECT_NOTES[0] if extension[3] == "rejected" else "",
            ))
        if major:
            listed_on = self.tz_date(kinds["listed"])
            to_department = self.tz_date(kinds["double_report"])
            to_congress = min(to_department + timedelta(days=2 + int(random() * 6)), today) if random() < 0.85 else None
            for step, at in zip(steps, moments, strict=True):
                if step[1] == "visit":
                    self.visits.append((pk, leader, "visit" if random() < 0.7 else "coordination", self.tz_date(at), step[6], None, at))
            if leader is not None and leader == self.bench_leader and self.leader_user:
                self.grants.append((self.leader_user, self.view_permission, pk))
            written["majors"] += 1
        if status not in ("closed", "cancelled"):
            written["open"] += 1
            if status in ("accepted", "rectifying") and deadline < today:
                written["overdue"] += 1
        if source == "tip_off":
            self._converted_tip(rng, pk, path, e_name if enterprise is not None else location, description, moments[0])
        first, last_at = moments[0], moments[-1]
        self.rows.append((
            pk, first, last_at, f"YH{found_on.year}{pk:08d}", e_pk, jid, path, responsible, department, sector_id, category,
            "major" if major else "general", source, title, description, location, lat, lon, found_on, None,
            finder_name if source != "tip_off" else "公众举报", status, transitions[-1] if transitions else first,
            deadline, original, extension_count, plan[0], plan[1], plan[2], plan[3],
            data.EVIDENCE[int(random() * len(data.EVIDENCE))] if rectified_on else "", rectified_on,
            by_action.get("verify") if status in ("verified", "closed") else None, None,
            by_action.get("close") if status == "closed" else None, None,
            data.CANCEL_REASONS[0] if cancelled else "",
            leader, listing or "", office, listed_on, to_department, to_congress, "", "", None,
        ))

    def tz_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def _reference(self, rng) -> str:
        while True:
            reference = "JB" + "".join(TIP_ALPHABET[int(rng.random() * 32)] for _ in range(10))
            if reference not in self.tip_references:
                self.tip_references.add(reference)
                return reference

    def _converted_tip(self, rng, hazard: int, path: str, place: str, description: str, handled: datetime) -> None:
        township = path[:9]
        jid = self.jurisdictions.get(township, (None,))[0]
        if jid is None:
            return
        sent = handled - timedelta(hours=2 + int(rng.random() * 40))
        self.tips.append((
            sent, handled, self._reference(rng), jid, township, place, description, "", "", "converted", hazard, "", None, handled, "",
        ))

    # -- risk points --

    def _grading_tables(self):
        from hazards.demo.risk import LEC_C, LEC_E, LEC_L
        from hazards.services.risk import grade_for_score, grading_bands

        lec_bands, ls_bands = grading_bands("lec"), grading_bands("ls")
        lec: dict[str, list] = {}
        for l_, e_, c_ in product(LEC_L, LEC_E, LEC_C):
            score = (l_ * e_ * c_).quantize(Decimal("0.01"))
            lec.setdefault(grade_for_score("lec", score, lec_bands), []).append((l_, e_, c_, score))
        ls: dict[str, list] = {}
        for l_, s_ in product(range(1, 6), range(1, 6)):
            score = Decimal(l_ * s_).quantize(Decimal("0.01"))
            ls.setdefault(grade_for_score("ls", score, ls_bands), []).append((l_, s_, score))
        return lec, ls

    def _grade_inputs(self, rng, grade: str, lec, ls) -> tuple:
        """(method, lec_l, lec_e, lec_c, ls_l, ls_s, score) for a point of ``grade``."""
        draw = rng.random()
        if draw < 0.6 and grade in lec:
            l_, e_, c_, score = lec[grade][int(rng.random() * len(lec[grade]))]
            return ("lec", l_, e_, c_, None, None, score)
        if draw < 0.92 and grade in ls:
            l_, s_, score = ls[grade][int(rng.random() * len(ls[grade]))]
            return ("ls", None, None, None, l_, s_, score)
        return ("direct", None, None, None, None, None, None)

    def risk_points(self) -> None:
        from hazards.demo import data
        from hazards.demo.risk import rounds
        from hazards.models import RiskPoint, RiskPointReview, RiskReviewRound

        rng = self.random("risk_points")
        lec, ls = self._grading_tables()
        (last_year, last_half, last_opened, last_closed), (year, half, opened) = rounds(self.today)
        target = self.shape.risk_points
        public = round(target * 0.06)
        weights = [
            (PROFILE_WEIGHT[self.profile_of.get(e[3], "normal")] ** 2) * CLASS_WEIGHT.get(e[5], 1.0) if e[3] in data.RISK_POINTS and e[6] != "closed" else 0.0
            for e in self.enterprises
        ]
        counts = largest_remainder(weights, target - public)
        centres: dict[str, list[float]] = {}
        for e in self.enterprises:
            if e[7] is not None:
                entry = centres.setdefault(e[2][:9], [0.0, 0.0, 0])
                entry[0] += float(e[7])
                entry[1] += float(e[8])
                entry[2] += 1
        townships = list(centres)
        ids = iter(self.ctx.allocate_ids(RiskPoint, target))
        points = []  # [id, county, identified_on, grade, status, last_reviewed_on, retired_reason, row-prefix, grading]
        grade_names = ("red", "orange", "yellow", "blue")
        high_weights, normal_weights = _cumulative((15, 30, 35, 20)), _cumulative((2, 10, 40, 48))

        def identified() -> date:
            draw = rng.random()
            if draw < 0.82:
                return last_opened - timedelta(days=10 + int(rng.random() * 700))
            if draw < 0.93:
                return min(self.today, last_opened + timedelta(days=70 + int(rng.random() * max(1, (opened - last_opened).days - 75))))
            return min(self.today, opened + timedelta(days=int(rng.random() * max(1, (self.today - opened).days + 1))))

        for enterprise, count in zip(self.enterprises, counts, strict=True):
            if not count:
                continue
            e_pk, jid, path, sector, sector_id, risk_class, _status, lat, lon, address, e_name, contact, phone = enterprise
            templates = data.RISK_POINTS[sector]
            high = self.profile_of.get(sector) == "high" or risk_class in ("red", "orange")
            for number in range(count):
                area, factors, accidents, controls = templates[(number + int(rng.random() * len(templates))) % len(templates)]
                grade = _pick(rng, grade_names, high_weights if high else normal_weights)
                grading = self._grade_inputs(rng, grade, lec, ls)
                pk = next(ids)
                points.append([
                    pk, path[:6], identified(), grade, grading,
                    (e_pk, jid, path, sector_id, f"{e_name}{area}", address,
                     None if lat is None else (lat + Decimal(int(rng.random() * 2000) - 1000) / 1_000_000).quantize(Decimal("0.000001")),
                     None if lon is None else (lon + Decimal(int(rng.random() * 2000) - 1000) / 1_000_000).quantize(Decimal("0.000001")),
                     factors, list(accidents), controls, contact, phone, "county" if grade == "red" else "enterprise"),
                ])
        for _ in range(public):
            township = townships[int(rng.random() * len(townships))]
            lat, lon, n = centres[township]
            sector, kind, factors, accidents, controls, level = data.PUBLIC_RISK_POINTS[int(rng.random() * len(data.PUBLIC_RISK_POINTS))]
            jid, _level, name = self.jurisdictions[township]
            grade = _pick(rng, grade_names, _cumulative((8, 25, 40, 27)))
            pk = next(ids)
            points.append([
                pk, township[:6], identified(), grade, self._grade_inputs(rng, grade, lec, ls),
                (None, jid, township, self.sector_ids[sector], f"{name}{kind}", name,
                 Decimal(f"{lat / n + (rng.random() - 0.5) * 0.04:.6f}"), Decimal(f"{lon / n + (rng.random() - 0.5) * 0.04:.6f}"),
                 factors, list(accidents), controls, self._name(rng), f"13{int(rng.random() * 10**9):09d}", level),
            ])
        # Rounds: every county closed last half-year's; most have this half-year's open.
        counties = sorted({p[1] for p in points if p[1] in self.jurisdictions})
        round_ids = iter(self.ctx.allocate_ids(RiskReviewRound, 2 * len(counties)))
        round_rows, reviews = [], []
        last_round: dict[str, int] = {}
        this_round: dict[str, int] = {}
        for county in counties:
            jid = self.jurisdictions[county][0]
            pk = next(round_ids)
            last_round[county] = pk
            round_rows.append((pk, self.at(last_opened, 9), self.at(last_closed, 17), jid, last_year, last_half, "closed", None, self.at(last_closed, 17), None))
            if rng.random() < 0.7:
                pk = next(round_ids)
                this_round[county] = pk
                at = min(self.at(opened, 9), self.now)
                round_rows.append((pk, at, at, jid, year, half, "open", None, None, None))
        rows = []
        for pk, county, found, grade, grading, fixed in points:
            status, retired_reason, last_reviewed = "active", "", None
            for round_map, opened_on, closed_on, share in ((last_round, last_opened, last_closed, 1.0), (this_round, opened, self.today, 0.4)):
                round_pk = round_map.get(county)
                if round_pk is None or status != "active" or found >= opened_on or rng.random() >= share:
                    continue
                day = opened_on + timedelta(days=int(rng.random() * max(1, (closed_on - opened_on).days)))
                draw = rng.random()
                if draw < 0.85:
                    outcome, after = "confirmed", grade
                elif draw < 0.95:
                    outcome = "changed"
                    after = grade_names[(grade_names.index(grade) + (1 if rng.random() < 0.5 else 3)) % 4]
                    grading = self._grade_inputs(rng, after, lec, ls)
                else:
                    outcome, after = "retired", ""
                    status, retired_reason = "retired", "企业已停产关闭，风险源已消除。"
                reviews.append((round_pk, pk, outcome, grade, after, retired_reason, None, min(self.at(day, 15), self.now)))
                grade = after or grade
                last_reviewed = day
            method, lec_l, lec_e, lec_c, ls_l, ls_s, score = grading
            (e_pk, jid, path, sector_id, name, location, lat, lon, factors, accidents, controls, person, phone, level) = fixed
            created = min(self.at(found, 10), self.now)
            rows.append((
                pk, created, self.at(last_reviewed, 15) if last_reviewed else created, e_pk, jid, path, sector_id, name, location,
                lat, lon, factors, accidents, controls, person, phone, level, method, lec_l, lec_e, lec_c, ls_l, ls_s, score,
                grade, status, found, last_reviewed, retired_reason, "", "",
            ))
        self.ctx.write(
            RiskPoint,
            ["id", "created_at", "updated_at", "enterprise_id", "jurisdiction_id", "jurisdiction_path", "sector_id", "name", "location",
             "latitude", "longitude", "hazard_factors", "accident_types", "controls", "responsible_person", "responsible_phone",
             "management_level", "method", "lec_l", "lec_e", "lec_c", "ls_l", "ls_s", "score", "grade", "status", "identified_on",
             "last_reviewed_on", "retired_reason", "source_system", "external_id"],
            rows,
        )
        self.ctx.write(
            RiskReviewRound,
            ["id", "created_at", "updated_at", "jurisdiction_id", "year", "half", "status", "opened_by_id", "closed_at", "closed_by_id"],
            round_rows,
        )
        review_ids = iter(self.ctx.allocate_ids(RiskPointReview, len(reviews)))
        self.ctx.write(
            RiskPointReview,
            ["id", "round_id", "risk_point_id", "outcome", "grade_before", "grade_after", "note", "reviewed_by_id", "reviewed_at"],
            [(next(review_ids), *review) for review in reviews],
        )
        self.log(f"risk points: {len(rows):,}, re-identification rounds: {len(round_rows):,}, reviews: {len(reviews):,}")

    def at(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour, 0), tzinfo=self.tz)

    # -- self-reports and tip-offs --

    def self_reports(self) -> None:
        from hazards.demo.reports import months
        from hazards.models import EnterpriseSelfReport

        rng = self.random("self_reports")
        today = self.today
        this_month = today.replace(day=1)
        rows = []
        for enterprise in self.enterprises:
            if enterprise[6] != "operating":
                continue
            diligence = 0.0 if rng.random() < 0.04 else rng.betavariate(9, 1)
            for month in months(today):
                current = month == this_month
                if rng.random() >= diligence * ((min(1.0, today.day / 28) ** 2) if current else 1.0):
                    continue
                if current:
                    day = month + timedelta(days=int(rng.random() * today.day))
                else:
                    day = month + timedelta(days=18 + int(rng.random() * 10) if rng.random() < 0.85 else 31 + int(rng.random() * 10))
                at = min(datetime.combine(min(day, today), time(8 + int(rng.random() * 10), int(rng.random() * 60)), tzinfo=self.tz), self.now)
                if rng.random() < 0.65:
                    values = (True, 0, 0, "")
                else:
                    found = 1 + int(rng.random() * 6)
                    values = (False, found, max(0, found - int(rng.random() * 3)), "")
                rows.append((at, at, enterprise[0], month, *values, None))
        report_ids = iter(self.ctx.allocate_ids(EnterpriseSelfReport, len(rows)))
        rows = [(next(report_ids), *row) for row in rows]
        self.ctx.write(
            EnterpriseSelfReport,
            ["id", "created_at", "updated_at", "enterprise_id", "month", "none_found", "hazards_found", "hazards_rectified", "note", "submitted_by_id"],
            rows,
        )
        self.log(f"monthly self-reports: {len(rows):,}")

    def public_tip_offs(self) -> None:
        from hazards.demo import data
        from hazards.models import TipOff

        rng = self.random("tip_offs")
        townships = [(path, pk, name) for path, (pk, level, name) in self.jurisdictions.items() if level == "township"]
        rows = []
        ids = iter(self.ctx.allocate_ids(TipOff, self.shape.tip_offs))
        for _ in range(self.shape.tip_offs):
            path, jid, name = townships[int(rng.random() * len(townships))]
            place, description = data.TIP_OFFS[int(rng.random() * len(data.TIP_OFFS))]
            dismissed = rng.random() < 0.6
            sent = min(self.day_start[int(rng.random() * (90 if dismissed else 10))] + timedelta(hours=int(rng.random() * 14)), self.now - timedelta(hours=1))
            handled = min(sent + timedelta(hours=4 + int(rng.random() * 70)), self.now) if dismissed else None
            rows.append((
                next(ids), sent, handled or sent, self._reference(rng), jid, path, place.format(town=name), description,
                self._name(rng) if rng.random() < 0.4 else "", "", "dismissed" if dismissed else "new", None,
                data.DISMISSAL_REASONS[int(rng.random() * len(data.DISMISSAL_REASONS))] if dismissed else "", None, handled, "",
            ))
        self.ctx.write(
            TipOff,
            ["id", "created_at", "updated_at", "reference", "jurisdiction_id", "jurisdiction_path", "place", "description",
             "contact_name", "contact_phone", "status", "hazard_id", "dismissal_reason", "handled_by_id", "handled_at",
             "sender_fingerprint"],
            rows,
        )
        self.log(f"tip-offs awaiting triage or dismissed: {len(rows):,}")


def generate(ctx: ScaleContext) -> None:
    """The hazards, risk points, self-reports and tip-offs of the profile's province or city."""
    _Generator(ctx).run()


register_scale_part("hazards", generate, order=200, requires=("responsibility",), models=PART_MODELS)
