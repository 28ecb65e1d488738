"""Demo data: a year of hazards across the demo city, driven through the ledger and
supervision services as the demo's users, so every hazard has a real timeline.

About 440 hazards found over the last twelve months at the demo enterprises (more in hazardous
sectors) and a few ownerless ones in public places, in every state of the closed loop: older
ones mostly closed out, recent ones still open, some overdue, some with deadline extensions
(approved, rejected, one awaiting a decision), some sent back at verification, a few cancelled.
Every major hazard has its rectification plan, a linked city or county leader and a listing
(province, city or county safety committee) with the double report, and the leaders' visits.
The ``enterprise`` login's own enterprise has hazards to rectify; the ``leader`` login (the
city's deputy mayor for safety) is linked to about half of the major hazards.

The plan (:func:`plan_hazards`) is computed from the demo city's plan and a fixed seed, never
from the database. Services stamp "now" on what they record, so after a hazard's calls its
timeline is moved to the planned moments (events, status change, verification and close-out
times, photo uploads, extension requests and decisions, visits).

Idempotent: demo hazards carry ``source_system="demo"`` and a numbered ``external_id`` — the
idempotent-upsert key every hazard has — and a hazard already there is skipped.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from hazards.choices import ExtensionStatus, HazardLevel, HazardSource, ListingLevel, PhotoStage, VisitKind
from hazards.demo import data
from hazards.demo.photos import demo_photo

SOURCE_SYSTEM = "demo"
ENTERPRISE_HAZARDS = 420
OWN_NUMBERS, OWNERLESS_NUMBERS = 9000, 9500  # numbering of the enterprise login's and the ownerless hazards
CITY = "350500"
PROVINCE = "350000"
JINJIANG = "350582"
LEADER_SLOT = "350500:gov:safety_deputy:1"
INSPECTOR_SLOT = "350582:dept:emergency:inspector:1"

#: How much more often inspectors find hazards in each sector than in an average one.
SECTOR_WEIGHTS = {
    "hazardous_chemicals": 4, "mining": 3, "fireworks": 3, "civil_explosives": 2, "metallurgy": 2, "construction": 2.5,
    "gas": 2, "crowded_places": 1.5, "special_equipment": 1.5, "water_transport": 1.5, "fishing_vessels": 1.2,
}
#: Share of major hazards among the hazards of a sector having major-hazard criteria.
MAJOR_SHARE = {"hazardous_chemicals": 0.15, "mining": 0.15, "fireworks": 0.12, "metallurgy": 0.1, "gas": 0.08}
DEFAULT_MAJOR_SHARE = 0.035
SOURCES = {
    HazardSource.DEPARTMENT_INSPECTION: 45,
    HazardSource.SELF_CHECK: 25,
    HazardSource.PATROL: 10,
    HazardSource.CAMPAIGN: 10,
    HazardSource.LEADER_INSPECTION: 6,
    HazardSource.TIP_OFF: 4,
}
TRANSITION_KINDS = ("accept", "start", "submit", "return", "verify", "close", "cancel")
STAGE_ORDER = ("reported", "accepted", "rectifying", "submitted", "verified", "closed")
#: The own enterprise of the ``enterprise`` login: one hazard in each situation it may meet.
OWN_STAGES = (
    ("closed", {}), ("closed", {"returned": True}), ("closed", {"extension": "approved"}), ("verified", {}),
    ("submitted", {}), ("rectifying", {"overdue": True}), ("rectifying", {"extension": "pending"}),
    ("rectifying", {}), ("accepted", {}), ("reported", {}), ("cancelled", {}), ("rectifying", {"extension": "rejected"}),
)


@dataclass
class Step:
    """One service call, at the moment it is dated to."""

    kind: str  # report plan link list double accept start submit return verify close cancel ext_request ext_decide visit comment
    actor: str  # demo login
    at: datetime | None = None
    position: float = 0.0  # days after the finding, before the moments are laid out
    params: dict = field(default_factory=dict)


@dataclass
class HazardPlan:
    number: int
    enterprise_code: str | None  # credit code; None for an ownerless hazard
    jurisdiction_code: str
    county: str
    sector: str
    category: str
    title: str
    description: str
    level: str
    source: str
    found_on: date
    stage: str
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    finder_slot: str | None = None
    finder_name: str = ""
    leader_slot: str | None = None
    listing_level: str = ""
    deadline: date | None = None
    steps: list[Step] = field(default_factory=list)
    own: bool = False  # the enterprise login's enterprise
    options: dict = field(default_factory=dict)  # forced situations: overdue, extension, returned

    @property
    def external_id(self) -> str:
        return f"demo-{self.number:04d}"

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


TIP_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def tip_reference(rng: random.Random) -> str:
    """A tip-off reference like the public form's, but drawn from the demo's seed so that the
    demo can be looked up by the same numbers every time."""
    return "JB" + "".join(rng.choice(TIP_REFERENCE_ALPHABET) for _ in range(10))


def _person_or_blank(rng: random.Random) -> str:
    from responsibility.demo.enterprises import _person

    return _person(rng) if rng.random() < 0.5 else ""


def own_enterprise_code(rows) -> str | None:
    """The enterprise the demo ``enterprise`` login holds (chosen as the enterprises step does)."""
    own = next(
        (r for r in rows if r.jurisdiction_code.startswith("350582100") and r.sector == "industry_trade" and r.fields["status"] == "operating"),
        None,
    )
    return own.credit_code if own else None


def _stage(rng: random.Random, age: int, major: bool) -> str:
    if rng.random() < 0.04:
        return "cancelled"
    if age <= 5:
        weights = {"reported": 45, "accepted": 35, "rectifying": 20}
    elif age <= 30:
        weights = {"reported": 8, "accepted": 14, "rectifying": 35, "submitted": 12, "verified": 6, "closed": 25}
    elif age <= 90:
        weights = {"reported": 1, "accepted": 4, "rectifying": 18, "submitted": 6, "verified": 4, "closed": 67}
    else:
        weights = {"accepted": 1, "rectifying": 5, "submitted": 1, "verified": 1, "closed": 92}
    if major and age > 30:  # major hazards take longer: more of them are still open
        weights = {**weights, "rectifying": weights["rectifying"] + 25}
    return _weighted(rng, weights)


class _Planner:
    def __init__(self, plan, today: date):
        from responsibility.demo.enterprises import plan_enterprises

        self.rng = random.Random(data.SEED)
        self.today = today
        self.plan = plan
        self.rows = plan_enterprises(plan)
        self.own_code = own_enterprise_code(self.rows)
        self.names = {row.code: row.name for row in plan.jurisdictions}
        self.hazards: list[HazardPlan] = []

    # -- who does what --

    @staticmethod
    def desk(county: str) -> str:
        """The safety office handling a county's hazards: the county's own login in 晋江, the
        city's elsewhere (the demo has no other county office logins)."""
        return "county_office" if county == JINJIANG else "office"

    def assigner(self, h: HazardPlan) -> str:
        # The city housing bureau (the department login) runs the loop of construction sites.
        if h.sector == "construction" and not h.is_major:
            return "department"
        return self.desk(h.county)

    def rectifier(self, h: HazardPlan) -> str:
        return "enterprise" if h.own else self.assigner(h)

    def reporter(self, h: HazardPlan) -> str:
        if h.own and h.source == HazardSource.SELF_CHECK:
            return "enterprise"
        if h.source == HazardSource.DEPARTMENT_INSPECTION:
            if h.county == JINJIANG and h.sector != "construction":
                return "inspector"
            if h.sector == "construction":
                return "department"
        return self.desk(h.county)

    def closer(self, h: HazardPlan) -> str:
        if not h.is_major:
            return self.assigner(h)
        return "county_office" if h.listing_level == ListingLevel.COUNTY else "office"

    # -- the plan --

    def build(self) -> list[HazardPlan]:
        rng = self.rng
        candidates = [r for r in self.rows if r.fields["status"] != "closed"]
        weights = [SECTOR_WEIGHTS.get(r.sector, 1) * (0.3 if r.fields["status"] == "suspended" else 1) for r in candidates]
        own = next((r for r in self.rows if r.credit_code == self.own_code), None)
        for number in range(1, ENTERPRISE_HAZARDS + 1):
            row = rng.choices(candidates, weights=weights)[0]
            age = rng.randint(0, 364)
            self.hazards.append(self._enterprise_hazard(number, row, age))
        # Numbered apart from the random ones, so their demo ids stay put if the count changes.
        number = OWN_NUMBERS
        if own is not None:
            for stage, options in OWN_STAGES:
                number += 1
                age = {"closed": rng.randint(60, 300), "reported": 1, "accepted": 3}.get(stage, rng.randint(20, 50))
                if options.get("overdue"):
                    age = rng.randint(50, 70)
                self.hazards.append(self._enterprise_hazard(number, own, age, stage=stage, own=True, options=options))
        number = OWNERLESS_NUMBERS
        for sector, title, description, category, major in data.OWNERLESS:
            number += 1
            self.hazards.append(self._ownerless_hazard(number, sector, title, description, category, major))
        for h in self.hazards:
            self._steps(h)
        return self.hazards

    def _enterprise_hazard(self, number: int, row, age: int, *, stage: str | None = None, own: bool = False,
                           options: dict | None = None) -> HazardPlan:
        rng = self.rng
        major = row.sector in data.MAJOR and rng.random() < MAJOR_SHARE.get(row.sector, DEFAULT_MAJOR_SHARE) and not own
        title, description, category = rng.choice((data.MAJOR if major else data.GENERAL)[row.sector])
        source = _weighted(rng, SOURCES)
        if own and source in (HazardSource.TIP_OFF, HazardSource.LEADER_INSPECTION):
            source = HazardSource.SELF_CHECK
        found_on = self.today - timedelta(days=age)
        county = row.jurisdiction_code[:6]
        h = HazardPlan(
            number=number,
            enterprise_code=row.credit_code,
            jurisdiction_code=row.jurisdiction_code,
            county=county,
            sector=row.sector,
            category=category,
            title=title,
            description=description,
            level=HazardLevel.MAJOR if major else HazardLevel.GENERAL,
            source=source,
            found_on=found_on,
            stage=stage or _stage(rng, age, major),
            location=row.fields["address"],
            own=own,
        )
        if rng.random() < 0.6:
            h.latitude = (row.fields["latitude"] + Decimal(f"{rng.uniform(-0.002, 0.002):.6f}")).quantize(Decimal("0.000001"))
            h.longitude = (row.fields["longitude"] + Decimal(f"{rng.uniform(-0.002, 0.002):.6f}")).quantize(Decimal("0.000001"))
        self._finder(h)
        h.options = options or {}
        return h

    def _ownerless_hazard(self, number: int, sector: str, title: str, description: str, category: str, major: bool) -> HazardPlan:
        rng = self.rng
        county = rng.choice([JINJIANG, "350583", "350524", "350526", "350525", JINJIANG])
        township = rng.choice(self.plan.township_codes[county])
        villages = self.plan.village_codes.get(township, [])
        place = rng.choice(villages) if villages else township
        age = rng.randint(10, 200)
        h = HazardPlan(
            number=number,
            enterprise_code=None,
            jurisdiction_code=place,
            county=county,
            sector=sector,
            category=category,
            title=title,
            description=description,
            level=HazardLevel.MAJOR if major else HazardLevel.GENERAL,
            source=rng.choice((HazardSource.PATROL, HazardSource.TIP_OFF, HazardSource.CAMPAIGN)),
            found_on=self.today - timedelta(days=age),
            stage="rectifying" if major else _stage(rng, age, False),
            location=f"{self.names[county]}{self.names[township]}{self.names[place] if place != township else ''}",
        )
        self._finder(h)
        h.options = {}
        return h

    def _finder(self, h: HazardPlan) -> None:
        from responsibility.demo.enterprises import _person

        if h.source == HazardSource.DEPARTMENT_INSPECTION and self.reporter(h) == "inspector":
            h.finder_slot = INSPECTOR_SLOT
        elif h.source == HazardSource.LEADER_INSPECTION:
            h.finder_slot = LEADER_SLOT if self.rng.random() < 0.5 else f"{h.county}:gov:safety_deputy:1"
        else:
            h.finder_name = _person(self.rng)

    # -- the steps of one hazard --

    def _steps(self, h: HazardPlan) -> None:
        rng = self.rng
        options = h.options
        stage = h.stage
        cancelled = stage == "cancelled"
        if cancelled:
            stage = rng.choice(("reported", "reported", "accepted", "rectifying"))
        reach = STAGE_ORDER.index(stage)
        steps: list[Step] = []
        p = rng.uniform(0, 1.2)

        def add(kind: str, actor: str, gap: tuple[float, float] = (0.0, 0.0), **params) -> Step:
            nonlocal p
            p += rng.uniform(*gap)
            step = Step(kind, actor, position=p, params=params)
            steps.append(step)
            return step

        add("report", self.reporter(h), photos=rng.choice((0, 1, 1, 1, 2)) if h.source != HazardSource.TIP_OFF else 1)
        desk = self.desk(h.county)
        if h.is_major:
            if not cancelled and rng.random() < 0.85 or reach >= 2:
                add("plan", desk, (0.3, 2.5))
            leader = LEADER_SLOT if rng.random() < 0.5 else rng.choice(
                (f"{h.county}:gov:safety_deputy:1", f"{h.county}:gov:government_principal:1", f"{h.county}:gov:government_leader:1")
            )
            h.leader_slot = leader
            if h.stage == "closed":
                h.listing_level = ListingLevel.COUNTY if h.county == JINJIANG and rng.random() < 0.5 else ListingLevel.CITY
            else:
                h.listing_level = _weighted(rng, {ListingLevel.PROVINCE: 20, ListingLevel.CITY: 40, ListingLevel.COUNTY: 40})
            add("link", desk, (0.1, 1.5))
            add("list", desk, (0.1, 1.5))
            add("double", desk, (0.2, 2.0), congress_days=rng.randint(2, 8) if rng.random() < 0.85 else None)
        if rng.random() < 0.12:
            add("comment", desk, (0.1, 2.0), text=rng.choice(data.COMMENTS))
        term = rng.choice((7, 15, 15, 30, 30, 45)) if not h.is_major else rng.choice((60, 90, 90, 120))
        if options.get("overdue"):
            term = rng.randint(20, 35)
        if reach >= 1:
            h.deadline = h.found_on + timedelta(days=term)
            add("accept", self.assigner(h), (0.2, 3.0))
        if reach >= 2:
            start = add("start", self.rectifier(h), (0.2, 4.0))
            # Deadline extensions, asked a few days before the deadline.
            extension = options.get("extension")
            if extension is None and not options.get("overdue") and rng.random() < 0.14:
                extension = _weighted(rng, {"approved": 6, "rejected": 3, "pending": 1 if stage == "rectifying" else 0})
            submit_at = start.position + term * rng.uniform(0.3, 0.95)
            late = rng.random() < 0.15
            if extension:
                p = max(p + 0.5, term - rng.uniform(1, 5))
                current = h.deadline
                days = rng.randint(10, 30)
                add("ext_request", self.rectifier(h), requested=current + timedelta(days=days), reason=rng.choice(data.EXTENSION_REASONS))
                if extension != "pending":
                    approve = extension == "approved"
                    add("ext_decide", self.assigner(h), (0.5, 3.0), approve=approve,
                        note="" if approve else rng.choice(data.REJECT_NOTES))
                    if approve:
                        submit_at = term + rng.uniform(1, days - 1)
                        late = False
            if late:
                submit_at = term + rng.uniform(3, 25)
            if h.is_major:
                end = submit_at if reach >= 3 else max(p + 1, (self.today - h.found_on).days - 1)
                for _ in range(rng.randint(1, 3)):
                    add("visit", "leader" if h.leader_slot == LEADER_SLOT else desk, (0, max(0.5, (end - p) / 3)),
                        note=rng.choice(data.VISIT_NOTES), visit_kind=rng.choice((VisitKind.VISIT, VisitKind.VISIT, VisitKind.COORDINATION)),
                        photo=rng.random() < 0.6)
            if reach >= 3:
                p = max(p + 0.5, submit_at)
                add("submit", self.rectifier(h), evidence=rng.choice(data.EVIDENCE), photo=True)
                if options.get("returned") or (reach >= 4 and rng.random() < 0.1):
                    add("return", self.assigner(h), (1, 4), comment=rng.choice(data.RETURN_COMMENTS))
                    add("submit", self.rectifier(h), (2, 10), evidence=rng.choice(data.EVIDENCE), photo=False)
            if reach >= 4:
                add("verify", self.assigner(h) if not h.is_major else desk, (1, 5))
            if reach >= 5:
                add("close", self.closer(h), (0.5, 6))
        if cancelled:
            add("cancel", desk, (1, 5), comment=rng.choice(data.CANCEL_REASONS))
        h.steps = steps
        self._lay_out(h)

    def _lay_out(self, h: HazardPlan) -> None:
        """Turn positions (days after the finding) into moments: working hours on the day, all
        before now; a hazard with more steps than days since its finding is compressed."""
        tz = timezone.get_current_timezone()
        now = timezone.now()
        start = datetime.combine(h.found_on, time(8, 30), tzinfo=tz)
        span = (self.today - h.found_on).days
        last = h.steps[-1].position
        if last > span - 0.05:
            factor = max(0.0, span - 0.05) / last if last else 0.0
            for step in h.steps:
                step.position *= factor
        for step in h.steps:
            day = int(step.position)
            step.at = start + timedelta(days=day, hours=9 * (step.position - day))
        previous = None
        for step in h.steps:
            step.at = min(step.at, now - timedelta(minutes=2))
            if previous is not None and step.at <= previous:
                step.at = previous + timedelta(seconds=30)
            previous = step.at


def plan_hazards(plan, today: date) -> list[HazardPlan]:
    """Every demo hazard with its steps; from the demo plan and ``today`` alone."""
    return _Planner(plan, today).build()


# --- Writing -----------------------------------------------------------------------------------


class _Runner:
    def __init__(self, ctx):
        from responsibility.models import Enterprise, Jurisdiction, Official, Sector

        self.ctx = ctx
        self.users = ctx.users
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.jurisdictions: dict[str, Jurisdiction] = {}
        self.enterprises: dict[str, Enterprise] = {}
        self.officials: dict[str, Official] = {}
        self.candidates: dict[str, set[int]] = {}
        self.event_times: list[tuple[int, list[datetime]]] = []  # (hazard id, moments of its steps)
        self.updates: dict[str, list] = {"hazards": [], "photos": [], "extensions": [], "visits": [], "tip_offs": []}

    @staticmethod
    def desk_of(h: HazardPlan) -> str:
        return _Planner.desk(h.county)

    def jurisdiction(self, code: str):
        from responsibility.models import Jurisdiction

        if code not in self.jurisdictions:
            self.jurisdictions[code] = Jurisdiction.objects.get(pk=self.ctx.jurisdiction_ids[code])
        return self.jurisdictions[code]

    def official(self, slot: str | None):
        from responsibility.models import Official

        if slot is None or slot not in self.ctx.official_ids:
            return None
        if slot not in self.officials:
            self.officials[slot] = Official.objects.select_related("user").get(pk=self.ctx.official_ids[slot])
        return self.officials[slot]

    def leader(self, h: HazardPlan, hazard):
        """The planned leader if they may be linked (a current leader of the city or county),
        else the first who may."""
        from hazards.services.ledger import leader_candidates

        key = hazard.jurisdiction_path[:6]
        if key not in self.candidates:
            self.candidates[key] = list(leader_candidates(hazard).values_list("pk", flat=True))
        wanted = self.official(h.leader_slot)
        if wanted is not None and wanted.pk in self.candidates[key]:
            return wanted
        from responsibility.models import Official

        return Official.objects.get(pk=self.candidates[key][0]) if self.candidates[key] else None

    def run(self, h: HazardPlan, enterprises: dict) -> None:
        from hazards.services import ledger, supervision

        users = self.users
        hazard = None
        done: list[Step] = []
        rng = random.Random(f"{data.SEED}:{h.number}")
        for step in h.steps:
            actor = users[step.actor]
            if step.kind == "visit" and step.actor == "leader" and hazard.linked_leader_id != self.official(LEADER_SLOT).pk:
                actor = users[self.desk_of(h)]  # the planned leader could not be linked: the office logs it
            params = step.params
            day = timezone.localtime(step.at).date()
            caption = f"{h.external_id} {step.kind} {day.isoformat()}"
            if step.kind == "report":
                enterprise = enterprises.get(h.enterprise_code) if h.enterprise_code else None
                if h.source == HazardSource.TIP_OFF:
                    hazard = self._from_tip_off(h, actor, step, enterprise)
                else:
                    photos = [
                        demo_photo(f"{h.external_id}-before-{i + 1}", stage="before", caption=caption, seed=f"{h.external_id}:b{i}", png=i == 1)
                        for i in range(params["photos"])
                    ]
                    hazard = ledger.hazard_report(
                        actor=actor,
                        enterprise=enterprise,
                        jurisdiction=self.jurisdiction(h.jurisdiction_code),
                        sector=self.sectors[h.sector],
                        category=h.category,
                        source=h.source,
                        title=h.title,
                        description=h.description,
                        found_on=h.found_on,
                        level=h.level,
                        photos=photos,
                        location=h.location,
                        latitude=h.latitude,
                        longitude=h.longitude,
                        finder=self.official(h.finder_slot),
                        finder_name=h.finder_name,
                        source_system=SOURCE_SYSTEM,
                        external_id=h.external_id,
                    )
            elif step.kind == "plan":
                hazard = ledger.hazard_set_plan(
                    actor=actor,
                    hazard=hazard,
                    plan_responsible=h.finder_name or "企业主要负责人",
                    plan_measures=rng.choice(data.PLAN_MEASURES),
                    plan_funds=Decimal(rng.randrange(5, 400) * 1000),
                    plan_contingency=rng.choice(data.PLAN_CONTINGENCY),
                )
            elif step.kind == "link":
                leader = self.leader(h, hazard)
                if leader is None:
                    continue
                hazard = supervision.hazard_link_leader(actor=actor, hazard=hazard, leader=leader)
            elif step.kind == "list":
                level = h.listing_level
                if supervision.listing_office_for(hazard, level) is None:
                    level = ListingLevel.CITY
                hazard = supervision.hazard_list_for_supervision(actor=actor, hazard=hazard, listing_level=level, listed_on=day)
                h.listing_level = level
            elif step.kind == "double":
                congress = params["congress_days"]
                congress_on = min(day + timedelta(days=congress), timezone.localdate()) if congress else None
                hazard = supervision.hazard_record_double_report(
                    actor=actor, hazard=hazard, to_department_on=day, to_workers_congress_on=congress_on
                )
            elif step.kind == "comment":
                ledger.hazard_comment(actor=actor, hazard=hazard, comment=params["text"])
            elif step.kind in ("accept", "start", "return", "verify", "close", "cancel"):
                if step.kind == "close" and h.is_major:
                    # Only the listing level's office closes a major hazard out.
                    actor = users["county_office" if h.listing_level == ListingLevel.COUNTY else "office"]
                hazard = ledger.hazard_transition(
                    actor=actor,
                    hazard=hazard,
                    action=step.kind,
                    comment=params.get("comment", ""),
                    deadline=h.deadline if step.kind == "accept" else None,
                )
            elif step.kind == "submit":
                photos = [demo_photo(f"{h.external_id}-after", stage="after", caption=caption, seed=f"{h.external_id}:a")] if params["photo"] else []
                hazard = ledger.hazard_transition(
                    actor=actor, hazard=hazard, action="submit", evidence=params["evidence"], rectified_on=day, after_photos=photos
                )
            elif step.kind == "ext_request":
                ledger.hazard_request_extension(actor=actor, hazard=hazard, requested_deadline=params["requested"], reason=params["reason"])
            elif step.kind == "ext_decide":
                pending = hazard.extensions.get(status=ExtensionStatus.PENDING)
                ledger.hazard_decide_extension(actor=actor, extension=pending, approve=params["approve"], note=params["note"])
                hazard.refresh_from_db()
            elif step.kind == "visit":
                photos = [demo_photo(f"{h.external_id}-visit", stage="visit", caption=caption, seed=f"{h.external_id}:v{day}")] if params["photo"] else []
                supervision.leader_visit_record(actor=actor, hazard=hazard, visited_on=day, note=params["note"], kind=params["visit_kind"], photos=photos)
            else:  # pragma: no cover - a typo in the plan
                raise ValueError(step.kind)
            done.append(step)
        self._redate(hazard, done)

    def _from_tip_off(self, h: HazardPlan, actor, step: Step, enterprise):
        """A hazard from the public: the tip comes in through the public form's service and the
        office turns it into the hazard (its photo becomes the before-photo)."""
        from hazards.models import Hazard
        from hazards.services import reports

        rng = random.Random(f"{data.SEED}:tip:{h.number}")
        tip = reports.tip_off_submit(
            jurisdiction=self.jurisdiction(h.jurisdiction_code[:9]),
            place=enterprise.name if enterprise else h.location,
            description=h.description,
            contact_name=_person_or_blank(rng),
            contact_phone=f"13{rng.randrange(10**9):09d}" if rng.random() < 0.6 else "",
            photos=[demo_photo(f"{h.external_id}-tip", stage="tip", caption=f"{h.external_id} 12350", seed=f"{h.external_id}:t")],
        )
        hazard = reports.tip_off_convert(
            actor=actor,
            tip_off=tip,
            sector=self.sectors[h.sector],
            category=h.category,
            title=h.title,
            description=h.description,
            found_on=h.found_on,
            jurisdiction=self.jurisdiction(h.jurisdiction_code),
            enterprise=enterprise,
            level=h.level,
            location=h.location,
        )
        reference = tip_reference(rng)
        hazard.finder_name = hazard.finder_name.replace(tip.reference, reference)
        hazard.source_system, hazard.external_id = SOURCE_SYSTEM, h.external_id
        Hazard.objects.filter(pk=hazard.pk).update(
            finder_name=hazard.finder_name, source_system=SOURCE_SYSTEM, external_id=h.external_id
        )
        tip.reference = reference
        tip.created_at = step.at - timedelta(hours=rng.randint(3, 40))
        tip.handled_at = tip.updated_at = step.at
        self.updates["tip_offs"].append(tip)
        return hazard

    def _redate(self, hazard, done: list[Step]) -> None:
        """Queue the moves of the hazard's records to the planned moments (written in bulk by
        :meth:`flush`): every service call made one timeline event, in order."""
        from hazards.models import HazardExtension, HazardPhoto, LeaderVisit

        self.event_times.append((hazard.pk, [step.at for step in done]))
        at: dict[str, list[datetime]] = {}
        for step in done:
            at.setdefault(step.kind, []).append(step.at)
        transitions = [step.at for step in done if step.kind in TRANSITION_KINDS]
        hazard.created_at = at["report"][0]
        hazard.updated_at = done[-1].at
        hazard.status_changed_at = transitions[-1] if transitions else at["report"][0]
        if hazard.verified_at is not None:
            hazard.verified_at = at["verify"][-1]
        if hazard.closed_at is not None:
            hazard.closed_at = at["close"][-1]
        self.updates["hazards"].append(hazard)
        visit_times = {}
        for visit, moment in zip(LeaderVisit.objects.filter(hazard=hazard).order_by("pk"), at.get("visit", []), strict=True):
            visit.recorded_at = visit_times[visit.pk] = moment + timedelta(hours=2)
            self.updates["visits"].append(visit)
        for photo in HazardPhoto.objects.filter(hazard=hazard):
            if photo.visit_id:
                photo.uploaded_at = visit_times[photo.visit_id]
            else:
                photo.uploaded_at = at["submit"][0] if photo.stage == PhotoStage.AFTER else at["report"][0]
            self.updates["photos"].append(photo)
        requests, decisions = at.get("ext_request", []), at.get("ext_decide", [])
        for index, extension in enumerate(HazardExtension.objects.filter(hazard=hazard).order_by("pk")):
            extension.requested_at = requests[index]
            if extension.decided_at is not None:
                extension.decided_at = decisions[index]
            self.updates["extensions"].append(extension)

    def flush(self) -> None:
        from hazards.models import Hazard, HazardEvent, HazardExtension, HazardPhoto, LeaderVisit, TipOff

        if not self.event_times:
            return
        wanted = dict(self.event_times)
        events = list(HazardEvent.objects.filter(hazard_id__in=wanted).order_by("hazard_id", "pk").only("pk", "hazard_id", "at"))
        by_hazard: dict[int, list] = {}
        for event in events:
            by_hazard.setdefault(event.hazard_id, []).append(event)
        for hazard_id, moments in wanted.items():
            rows = by_hazard.get(hazard_id, [])
            if len(rows) != len(moments):
                raise RuntimeError(f"hazard {hazard_id}: {len(rows)} events for {len(moments)} planned steps")
            for event, moment in zip(rows, moments, strict=True):
                event.at = moment
        HazardEvent.objects.bulk_update(events, ["at"], batch_size=1000)
        Hazard.objects.bulk_update(
            self.updates["hazards"], ["created_at", "updated_at", "status_changed_at", "verified_at", "closed_at"], batch_size=500
        )
        HazardPhoto.objects.bulk_update(self.updates["photos"], ["uploaded_at"], batch_size=1000)
        HazardExtension.objects.bulk_update(self.updates["extensions"], ["requested_at", "decided_at"], batch_size=1000)
        LeaderVisit.objects.bulk_update(self.updates["visits"], ["recorded_at"], batch_size=1000)
        TipOff.objects.bulk_update(self.updates["tip_offs"], ["reference", "created_at", "updated_at", "handled_at"], batch_size=500)


def ensure_province_office(ctx) -> None:
    """Major hazards may be listed by the provincial safety committee: the demo city's province
    gets its committee and office (the responsibility demo models the city and below)."""
    from responsibility.choices import OrganizationKind
    from responsibility.models import Organization

    province = ctx.jurisdiction_ids.get(PROVINCE)
    if province is None:
        return
    existing = Organization.objects.filter(jurisdiction_id=province)
    committee = ctx.sync(
        "province safety committee",
        Organization,
        [{"jurisdiction_id": province, "name": "福建省安全生产委员会", "short_name": "省安委会", "kind": OrganizationKind.SAFETY_COMMITTEE, "sort_order": 400}],
        key=("jurisdiction_id", "name"),
        fields=("short_name", "kind", "sort_order"),
        existing=existing,
    )
    ctx.sync(
        "province safety committee",
        Organization,
        [{
            "jurisdiction_id": province, "name": "福建省安全生产委员会办公室", "short_name": "省安办", "kind": OrganizationKind.SAFETY_OFFICE,
            "sort_order": 410, "parent_id": committee[(province, "福建省安全生产委员会")],
        }],
        key=("jurisdiction_id", "name"),
        fields=("short_name", "kind", "sort_order", "parent_id"),
        existing=existing,
    )


def build(ctx) -> None:
    """Idempotent: hazards already on the ledger (by their demo external id) are skipped."""
    import time as clock

    from hazards.models import Hazard
    from responsibility.models import Enterprise

    needed = {"office", "county_office", "department", "inspector", "enterprise", "leader"}
    if not needed <= set(ctx.users) or CITY not in ctx.jurisdiction_ids:
        ctx.log("  hazards: skipped (the demo city or its logins are missing)")
        return
    started = clock.monotonic()
    ensure_province_office(ctx)
    today = timezone.localdate()
    hazards = plan_hazards(ctx.plan, today)
    existing = set(Hazard.objects.filter(source_system=SOURCE_SYSTEM).values_list("external_id", flat=True))
    todo = [h for h in hazards if h.external_id not in existing]
    codes = {h.enterprise_code for h in todo if h.enterprise_code}
    enterprises = {
        e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes).select_related("jurisdiction")
    }
    own = set(Enterprise.objects.restrict(ctx.users["enterprise"], "view").values_list("credit_code", flat=True))
    runner = _Runner(ctx)
    for h in todo:
        if h.own and h.enterprise_code not in own:
            # The login does not hold this enterprise (an edited demo): the office acts for it.
            for step in h.steps:
                if step.actor == "enterprise":
                    step.actor = "county_office"
        if h.enterprise_code and h.enterprise_code not in enterprises:
            continue
        runner.run(h, enterprises)
    runner.flush()
    ctx.created["hazards"] += len(runner.event_times)
    ctx.extra["hazard_plans"] = hazards
    ctx.log(
        f"  hazards: {len(hazards)} planned, {len(runner.event_times)} created "
        f"({sum(len(m) for _, m in runner.event_times)} timeline events) in {clock.monotonic() - started:.1f} s"
    )
