"""The inspections app's part of ``manage.py seed_scale`` (see :mod:`core.scale`), on top of the
responsibility part's province (or city) and the hazards part's ledger: inspection records
with their participants, enterprises, checklist answers, findings, photos and amendments, the
big inspection campaigns, random draws and quarterly supervision rounds.

Sizes by profile (inspections): ``tiny`` 2,000 for the tests, ``city`` 40,000, ``province``
500,000 for its ~30,000 officials.

Who inspects how often follows the posts: each official gets a weight by role and level —
inspectors many times a year, township leaders and department deputies about monthly,
township Party principals and county department heads about quarterly, city and county
leaders a few times a year, grid supervisors now and then — times a log-normal diligence, with
one obliged official in twelve who never inspects (the quota pages' shortfalls). The weights
are scaled to the profile's total over the last 450 days, later records a little denser.

Each inspection names one enterprise of the official's jurisdiction (sometimes two, a few
name only a place). About one in twelve of the hazards found by department, leader or
campaign inspections comes with the inspection that found it: a finding linked to that hazard
(``InspectionFinding.hazard``), same enterprise, same day. Other inspections note findings of
their own; one in twenty-five answers its sector's seeded checklist item by item (so answer
rows stay around half a million at the province size). One in five has a site photo record
(no file is written; a few photos are filed twice, as the formalism flags look for), a few
records are drafts, logged late or amended.

Each city runs a finished big inspection campaign this year (about 3% of its inspections belong
to it, with experts in the teams), each county two random draws (drawn with the draw algorithm
from a stored pool and seed, so they verify) with an inspection per enterprise drawn, and each
city a quarterly supervision round over its counties for the last finished quarter, with
problems and some feedback.

Everything random comes from ``ctx.random("inspections", <step>)``; ids from
``ctx.allocate_ids``; rows go out with ``ctx.write`` (COPY on PostgreSQL), one county at a time.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.utils import timezone

from core.scale import ScaleContext, register_scale_part

PART_MODELS = (
    "inspections.Inspection",
    "inspections.InspectionParticipant",
    "inspections.InspectionTarget",
    "inspections.InspectionAnswer",
    "inspections.InspectionFinding",
    "inspections.InspectionPhoto",
    "inspections.InspectionAmendment",
    "inspections.Campaign",
    "inspections.RandomDraw",
    "inspections.DrawnEnterprise",
    "inspections.SupervisionRound",
    "inspections.SupervisionProblem",
)


@dataclass(frozen=True)
class Shape:
    inspections: int


SHAPES = {
    "tiny": Shape(inspections=2_000),
    "city": Shape(inspections=40_000),
    "province": Shape(inspections=500_000),
}

HISTORY_DAYS = 450
#: Yearly weight of an official by (role, level group); "unit" is a city, county or province.
ROLE_WEIGHT = {
    ("inspector", "unit"): 40.0,
    ("department_leader", "unit"): 9.0,
    ("department_head", "unit"): 4.5,
    ("office_staff", "unit"): 2.0,
    ("expert", "unit"): 1.0,
    ("party_principal", "unit"): 0.7,
    ("government_principal", "unit"): 0.8,
    ("safety_deputy", "unit"): 1.0,
    ("standing_member", "unit"): 0.7,
    ("government_leader", "unit"): 0.8,
    ("party_principal", "township"): 4.5,
    ("government_principal", "township"): 9.0,
    ("safety_deputy", "township"): 10.0,
    ("grid_level_1", "township"): 2.0,
    ("grid_level_2", "township"): 3.0,
    ("grid_level_3", "township"): 0.4,
}
#: Roles bound by an inspection obligation somewhere: one of them in twelve never inspects.
OBLIGED = {"department_leader", "department_head", "party_principal", "government_principal", "safety_deputy", "standing_member",
           "government_leader"}
NEVER_SHARE = 1 / 12
ROLE_ORDER = (
    "inspector", "safety_deputy", "government_principal", "party_principal", "department_head", "department_leader",
    "standing_member", "government_leader", "office_staff", "expert", "grid_level_1", "grid_level_2", "grid_level_3",
)
LEADER_ROLES = ("party_principal", "government_principal", "standing_member", "safety_deputy", "government_leader")
HAZARD_SOURCES = ("department_inspection", "leader_inspection", "campaign")
HAZARD_SAMPLE = 12  # one hazard in this many of those sources comes with its inspection
ANSWERED_SHARE = 0.04
FINDING_SHARE = 0.12
PHOTO_SHARE = 0.2
DUPLICATE_PHOTO_SHARE = 0.004
DRAFT_SHARE = 0.02  # of the last fortnight's records
LATE_SHARE = 0.01
AMENDED_SHARE = 0.003
CAMPAIGN_SHARE = 0.03
DRAWS_PER_COUNTY = 2
DRAWN_PER_DRAW = 8
PROBLEMS_PER_TARGET = 2


def _cumulative(weights) -> list[float]:
    return list(accumulate(weights))


def largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to ``weights`` summing to exactly ``total``."""
    whole = sum(weights) or 1.0
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass
class Official:
    pk: int
    role: str
    path: str  # the jurisdiction of the post's organization
    jid: int


class _Generator:
    def __init__(self, ctx: ScaleContext):
        self.ctx = ctx
        self.shape = SHAPES[ctx.profile]
        self.today = ctx.today
        self.now = ctx.now
        self.tz = timezone.get_current_timezone()
        self.day_start = [datetime.combine(self.today - timedelta(days=age), time(8, 0), tzinfo=self.tz) for age in range(800)]
        self.hash_cache: dict[str, str] = {}
        self.ids = _Ids(ctx)

    def random(self, step: str):
        return self.ctx.random("inspections", step)

    def log(self, message: str) -> None:
        self.ctx.log(f"  {message}")

    def write(self, model, fields: list[str], rows) -> None:
        """``ctx.write``, keeping planned ``auto_now`` times where ``bulk_create`` would not (as
        :meth:`hazards.scale._Generator.write`)."""
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return
        self.ctx.write(model, fields, rows)
        if self.ctx.is_postgresql or "id" not in fields:
            return
        stamped = [
            name for name in fields
            if getattr(model._meta.get_field(name), "auto_now", False) or getattr(model._meta.get_field(name), "auto_now_add", False)
        ]
        if stamped:
            positions = [fields.index(name) for name in ("id", *stamped)]
            names = ("id", *stamped)
            objects = [model(**{name: row[i] for name, i in zip(names, positions, strict=True)}) for row in rows]
            model._base_manager.using(self.ctx.using).bulk_update(objects, stamped, batch_size=500)

    def description_hash(self, text: str) -> str:
        from inspections.models import InspectionFinding

        if text not in self.hash_cache:
            self.hash_cache[text] = InspectionFinding.hash_description(text)
        return self.hash_cache[text]

    # -- what earlier parts wrote --

    def load(self) -> None:
        from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
        from inspections.reference.loader import load_checklists
        from responsibility.models import Enterprise, Jurisdiction, Organization, Post, Sector

        # Seeded checklists: a --reset empties them with the jurisdictions their table refers to.
        load_checklists(ChecklistTemplate=ChecklistTemplate, ChecklistVersion=ChecklistVersion, ChecklistItem=ChecklistItem, Sector=Sector)
        self.checklists: dict[str | None, tuple[int, list[tuple[int, str, str]]]] = {}
        for template in ChecklistTemplate.objects.filter(jurisdiction__isnull=True).select_related("sector").order_by("pk"):
            version = template.current_version
            if version is not None:
                items = list(version.items.order_by("order", "pk").values_list("pk", "severity", "requirement"))
                self.checklists[template.sector.code if template.sector else None] = (version.pk, items)

        self.sector_ids = dict(Sector.objects.values_list("code", "pk"))
        self.sector_names = dict(Sector.objects.values_list("code", "name"))
        self.jurisdictions = {path: (pk, level, name) for pk, path, level, name in Jurisdiction.objects.values_list("pk", "path", "level", "name")}
        self.enterprises = list(
            Enterprise.objects.order_by("pk").values_list("pk", "jurisdiction__path", "sector__code", "status", "risk_class")
        )
        self.enterprise_by_pk = {e[0]: e for e in self.enterprises}
        self.by_prefix: dict[str, list[int]] = {}
        for index, (_pk, path, _sector, status, _risk) in enumerate(self.enterprises):
            if status == "closed":
                continue
            for length in (2, 4, 6, 9):
                self.by_prefix.setdefault(path[:length], []).append(index)

        posts = (
            Post.objects.current(self.today)
            .filter(organization__is_active=True)
            .order_by("official_id", "pk")
            .values_list("official_id", "role", "organization__jurisdiction__path", "organization__jurisdiction_id")
        )
        rank = {role: n for n, role in enumerate(ROLE_ORDER)}
        chosen: dict[int, tuple] = {}
        for official_id, role, path, jid in posts:
            current = chosen.get(official_id)
            if current is None or rank.get(role, 99) < rank.get(current[0], 99):
                chosen[official_id] = (role, path, jid)
        self.officials = [Official(pk, role, path, jid) for pk, (role, path, jid) in sorted(chosen.items())]
        # Teams: per unit (province, city, county) its inspectors, office staff and department deputies.
        self.team: dict[str, list[int]] = {}
        self.experts: dict[str, list[int]] = {}
        self.leaders: dict[str, list[int]] = {}
        self.inspectors: dict[str, list[int]] = {}
        self.office_staff: dict[str, list[int]] = {}
        for o in self.officials:
            if len(o.path) > 6:
                continue
            if o.role in ("inspector", "office_staff", "department_leader"):
                self.team.setdefault(o.path, []).append(o.pk)
            if o.role == "expert":
                self.experts.setdefault(o.path, []).append(o.pk)
            if o.role in LEADER_ROLES:
                self.leaders.setdefault(o.path, []).append(o.pk)
            if o.role == "inspector":
                self.inspectors.setdefault(o.path, []).append(o.pk)
            if o.role == "office_staff":
                self.office_staff.setdefault(o.path, []).append(o.pk)
        self.organization_departments = dict(
            Organization.objects.filter(function="organization", is_active=True).order_by("pk").values_list("jurisdiction__path", "pk")
        )
        self.cities = sorted(path for path, (_pk, level, _n) in self.jurisdictions.items() if level == "city")
        self.counties = sorted(path for path, (_pk, level, _n) in self.jurisdictions.items() if level in ("county", "development_zone"))

    # -- the run --

    def run(self) -> None:
        self.load()
        if not self.officials or not self.enterprises:
            self.log("inspections: no officials or enterprises, nothing to do")
            return
        from inspections.models import Inspection

        self.next_inspection = iter(self.ctx.allocate_ids(Inspection, self.shape.inspections + 10_000))
        self.campaigns()
        self.draws_and_rounds_plan()
        self.written = {"inspections": 0, "answers": 0, "findings": 0, "linked": 0, "photos": 0, "participants": 0}
        self.records()
        self.ctx.shared["inspections"] = {"campaigns": dict(self.campaign_of)}
        w = self.written
        self.log(
            f"inspections: {w['inspections']:,} ({w['participants']:,} participants, {w['answers']:,} answers, "
            f"{w['findings']:,} findings of which {w['linked']:,} linked to hazards, {w['photos']:,} photos)"
        )

    # -- campaigns, draws and rounds (their rows; their inspections come with the records) --

    def campaigns(self) -> None:
        from inspections.models import Campaign

        start = self.today - timedelta(days=300)
        self.campaign_of: dict[str, int] = {}
        self.campaign_window = (start + timedelta(days=31), start + timedelta(days=105))
        rows = []
        ids = iter(self.ctx.allocate_ids(Campaign, len(self.cities)))
        for city in self.cities:
            pk = next(ids)
            jid, _level, name = self.jurisdictions[city]
            self.campaign_of[city] = pk
            created = self.day_start[310]
            rows.append((
                pk, created, self.day_start[160], jid, f"{start.year}年{name}安全生产大检查", "finished",
                start, start + timedelta(days=30), start + timedelta(days=31), start + timedelta(days=75),
                start + timedelta(days=76), start + timedelta(days=105), start + timedelta(days=106), start + timedelta(days=150),
                Decimal("0.80"), "按照省安委会统一部署开展安全生产大检查。",
            ))
        self.write(
            Campaign,
            ["id", "created_at", "updated_at", "jurisdiction_id", "name", "status", "self_check_start", "self_check_end",
             "sector_start", "sector_end", "local_start", "local_end", "guard_start", "guard_end", "expert_ratio_min", "description"],
            rows,
        )

    def draws_and_rounds_plan(self) -> None:
        """Draws (with their drawn enterprises and inspectors) and rounds (with their targets and
        problems); their inspections are planned here and written with each county's records."""
        from inspections import draws as algorithm
        from inspections.models import DrawnEnterprise, RandomDraw, SupervisionProblem, SupervisionRound

        rng = self.random("programmes")
        self.programme_inspections: dict[str, list[dict]] = {}  # county path → planned inspections
        draw_rows, drawn_rows, through_rows = [], [], []
        draw_ids = iter(self.ctx.allocate_ids(RandomDraw, DRAWS_PER_COUNTY * len(self.counties)))
        drawn_ids = iter(self.ctx.allocate_ids(DrawnEnterprise, DRAWS_PER_COUNTY * DRAWN_PER_DRAW * len(self.counties)))
        weights = algorithm.DEFAULT_RISK_WEIGHTS
        for county in self.counties:
            inspectors = sorted(self.inspectors.get(county, []))
            enterprises = [self.enterprises[i] for i in self.by_prefix.get(county, [])]
            if len(inspectors) < 2 or not enterprises:
                continue
            jid, _level, name = self.jurisdictions[county]
            sectors = sorted({e[2] for e in enterprises})
            for number in range(DRAWS_PER_COUNTY):
                sector = "industry_trade" if number == 0 and "industry_trade" in sectors else sectors[int(rng.random() * len(sectors))]
                pool = [
                    algorithm.PoolEnterprise(e[0], int(weights.get(e[4], 1)), e[1][:9] if len(e[1]) >= 9 else "", ()).as_dict()
                    for e in enterprises if e[2] == sector and e[3] == "operating"
                ]
                inspector_pool = [algorithm.PoolInspector(pk, (), ()).as_dict() for pk in inspectors]
                count = min(DRAWN_PER_DRAW, len(pool))
                if count == 0:
                    continue
                seed = uuid.UUID(int=rng.getrandbits(128)).hex
                picks = algorithm.run_draw(seed=seed, enterprise_pool=pool, inspector_pool=inspector_pool, count=count, per_enterprise=2)
                age = 5 + int(rng.random() * 320)
                drawn_at = self.day_start[age] + timedelta(hours=1)
                pk = next(draw_ids)
                sector_name = self.sector_names.get(sector, sector)
                draw_rows.append((
                    pk, drawn_at - timedelta(days=2), drawn_at + timedelta(hours=2), jid,
                    f"{drawn_at.year}年{name}“双随机、一公开”抽查（{sector_name}）第{number + 1}批", drawn_at, None, seed,
                    {"sectors": [self.sector_ids[sector]] if sector in self.sector_ids else [], "risk_classes": [], "only_operating": True,
                     "weights": dict(weights), "inspector_roles": ["inspector"], "algorithm": algorithm.ALGORITHM_VERSION},
                    "risk", count, 2, pool, inspector_pool, drawn_at + timedelta(hours=2),
                ))
                for order, pick in enumerate(picks, start=1):
                    drawn_pk = next(drawn_ids)
                    drawn_rows.append((drawn_pk, pk, pick.enterprise_id, order))
                    for official_id in pick.inspector_ids:
                        through_rows.append((drawn_pk, official_id))
                    if age > 20 or rng.random() < 0.5:  # a recent draw is still being inspected
                        self.programme_inspections.setdefault(county, []).append({
                            "kind": "random_draw", "draw": pk, "enterprise": pick.enterprise_id, "lead": pick.inspector_ids[0],
                            "participants": [(pick.inspector_ids[1], "member")], "age": max(1, age - 2 - int(rng.random() * min(20, age - 1))),
                        })
        self.write(
            RandomDraw,
            ["id", "created_at", "updated_at", "jurisdiction_id", "name", "drawn_at", "drawn_by_id", "seed", "rules", "weighting",
             "enterprise_count", "inspectors_per_enterprise", "enterprise_pool", "inspector_pool", "published_at"],
            draw_rows,
        )
        self.write(DrawnEnterprise, ["id", "draw_id", "enterprise_id", "order"], drawn_rows)
        self.write(DrawnEnterprise.inspectors.through, ["drawnenterprise_id", "official_id"], through_rows)

        # Quarterly rounds: each city over its counties, the last finished quarter.
        quarter = (self.today.month - 1) // 3  # 0-based index of this quarter
        year = self.today.year if quarter else self.today.year - 1
        quarter = quarter if quarter else 4
        q_start = date(year, (quarter - 1) * 3 + 1, 1)
        q_end = (date(year + (quarter == 4), quarter * 3 % 12 + 1, 1)) - timedelta(days=1)
        round_rows, target_rows, self.problems = [], [], []
        round_ids = iter(self.ctx.allocate_ids(SupervisionRound, len(self.cities)))
        self.round_of: dict[str, int] = {}
        for city in self.cities:
            targets = [c for c in self.counties if c.startswith(city)]
            if not targets:
                continue
            pk = next(round_ids)
            jid, _level, name = self.jurisdictions[city]
            notice = datetime.combine(q_end + timedelta(days=12), time(15, 0), tzinfo=self.tz)
            department = self.organization_departments.get(city)
            round_rows.append((
                pk, datetime.combine(q_start + timedelta(days=20), time(10, 0), tzinfo=self.tz), notice, jid, year, quarter,
                f"{year}年第{quarter}季度{name}安全生产综合督查", notice if department else None, notice if department else None, department,
            ))
            leads = self.leaders.get(city, []) + self.office_staff.get(city, [])
            team = self.office_staff.get(city, [])
            for target in targets:
                target_rows.append((pk, self.jurisdictions[target][0]))
                if not leads:
                    continue
                day = q_end - timedelta(days=5 + int(rng.random() * 40))
                lead = leads[int(rng.random() * len(leads))]
                self.programme_inspections.setdefault(target, []).append({
                    "kind": "quarterly_supervision", "round": pk, "lead": lead, "jid": self.jurisdictions[target][0], "path": target,
                    "participants": [(o, "member") for o in team[:2] if o != lead], "age": (self.today - day).days,
                    "problems": [(self.jurisdictions[target][0], q_end + timedelta(days=45), notice) for _ in range(PROBLEMS_PER_TARGET)],
                })
        self.write(
            SupervisionRound,
            ["id", "created_at", "updated_at", "jurisdiction_id", "year", "quarter", "title", "notice_issued_at",
             "copied_to_organization_department_at", "copied_to_id"],
            round_rows,
        )
        self.write(SupervisionRound.targets.through, ["supervisionround_id", "jurisdiction_id"], target_rows)
        self.problem_model = SupervisionProblem

    # -- the records, one county at a time --

    def records(self) -> None:
        from django.db.models.functions import Mod

        from hazards.demo import data as hazard_data
        from hazards.models import Hazard

        rng = self.random("records")
        self.texts = {sector: [d for _t, d, _c in items] for sector, items in hazard_data.GENERAL.items()}
        self.fallback_texts = self.texts["industry_trade"]
        # Hazards that come with the inspection which found them (a sample, by id).
        oldest = self.today - timedelta(days=HISTORY_DAYS - 1)
        sampled = list(
            Hazard.objects.filter(source__in=HAZARD_SOURCES, enterprise__isnull=False, found_on__gte=oldest)
            .annotate(bucket=Mod("pk", HAZARD_SAMPLE))
            .filter(bucket=0)
            .order_by("pk")
            .values_list("pk", "enterprise_id", "found_on", "level", "title", "description", "source", "jurisdiction_path")
        )
        hazards_by_county: dict[str, list[tuple]] = {}
        for hazard in sampled:
            hazards_by_county.setdefault(hazard[7][:6], []).append(hazard)
        programme_total = sum(len(v) for v in self.programme_inspections.values())
        regular_total = max(0, self.shape.inspections - len(sampled) - programme_total)
        # Each official's number of inspections over the history.
        weights = []
        for official in self.officials:
            group = "township" if len(official.path) >= 9 else "unit"
            weight = ROLE_WEIGHT.get((official.role, group), 0.0)
            if weight and official.role in OBLIGED and rng.random() < NEVER_SHARE:
                weight = 0.0
            weights.append(weight * rng.lognormvariate(0, 0.6))
        counts = largest_remainder(weights, regular_total)
        by_county: dict[str, list[tuple[Official, int]]] = {}
        for official, count in zip(self.officials, counts, strict=True):
            if count:
                by_county.setdefault(official.path[:6], []).append((official, count))
        for county in set(hazards_by_county) | set(self.programme_inspections):
            by_county.setdefault(county, [])
        for chunk in sorted(by_county):
            self.begin_chunk()
            for official, count in by_county[chunk]:
                for _ in range(count):
                    self.regular(rng, official)
            for hazard in hazards_by_county.get(chunk, []):
                self.from_hazard(rng, hazard)
            for planned in self.programme_inspections.get(chunk, []):
                self.programme(rng, planned)
            self.flush_chunk()

    def begin_chunk(self) -> None:
        self.rows: list[tuple] = []
        self.participants: list[tuple] = []
        self.targets: list[tuple] = []
        self.answers: list[tuple] = []
        self.findings: list[tuple] = []
        self.photos: list[tuple] = []
        self.amendments: list[tuple] = []
        self.round_problems: list[tuple] = []
        self.chunk_hashes: list[str] = []

    def flush_chunk(self) -> None:
        from inspections.models import (
            Inspection,
            InspectionAmendment,
            InspectionAnswer,
            InspectionFinding,
            InspectionParticipant,
            InspectionPhoto,
            InspectionTarget,
        )

        self.write(
            Inspection,
            ["id", "created_at", "updated_at", "code", "client_uuid", "jurisdiction_id", "jurisdiction_path", "kind", "methods",
             "started_at", "ended_at", "place", "lead_official_id", "summary", "latitude", "longitude", "status", "draft_saved_at",
             "submitted_at", "amendment_count", "campaign_id", "draw_id", "supervision_round_id", "source_system", "external_id",
             "created_by_id"],
            self.rows,
        )
        self.write(InspectionParticipant, ["inspection_id", "official_id", "role"], self.participants)
        self.write(InspectionTarget, ["id", "inspection_id", "enterprise_id", "checklist_id", "note"], self.targets)
        self.write(InspectionAnswer, ["target_id", "item_id", "result", "note"], self.answers)
        self.write(
            InspectionFinding,
            ["id", "inspection_id", "target_id", "item_id", "description", "description_hash", "severity", "hazard_id", "created_at"],
            self.findings,
        )
        self.write(
            InspectionPhoto, ["inspection_id", "finding_id", "file", "content_hash", "uploaded_by_id", "uploaded_at"], self.photos
        )
        self.write(InspectionAmendment, ["inspection_id", "reason", "changes", "amended_by_id", "amended_at"], self.amendments)
        self.write(
            self.problem_model,
            ["round_id", "target_id", "inspection_id", "description", "deadline", "status", "feedback", "feedback_at"],
            self.round_problems,
        )
        w = self.written
        w["inspections"] += len(self.rows)
        w["participants"] += len(self.participants)
        w["answers"] += len(self.answers)
        w["findings"] += len(self.findings)
        w["linked"] += sum(1 for f in self.findings if f[7] is not None)
        w["photos"] += len(self.photos)

    # -- one inspection --

    def _age(self, rng) -> int:
        # Denser lately: more records in the recent months (a growing habit of logging).
        return 1 + int((rng.random() ** 1.15) * (HISTORY_DAYS - 1))

    def regular(self, rng, official: Official) -> None:
        pool = self.by_prefix.get(official.path, [])
        role = official.role
        if role in LEADER_ROLES or role == "party_principal":
            kind = "leader"
        elif role == "inspector":
            kind = "enforcement"
        elif role in ("department_head", "department_leader"):
            kind = "enforcement" if rng.random() < 0.4 else "special"
        else:
            kind = "special"
        age = self._age(rng)
        campaign = None
        city = official.path[:4]
        if len(official.path) >= 4 and city in self.campaign_of and rng.random() < CAMPAIGN_SHARE:
            kind, campaign = "campaign", self.campaign_of[city]
            start, end = self.campaign_window
            age = (self.today - start).days - int(rng.random() * ((end - start).days + 1))
        enterprises = []
        if pool and rng.random() > 0.03:
            enterprises.append(self.enterprises[pool[int(rng.random() * len(pool))]])
            if rng.random() < 0.12:
                near = self.by_prefix.get(enterprises[0][1][:9], [])
                other = self.enterprises[near[int(rng.random() * len(near))]] if near else None
                if other is not None and other[0] != enterprises[0][0]:
                    enterprises.append(other)
        unit = official.path[:6] if len(official.path) >= 6 else official.path
        team = self.team.get(unit, [])
        participants = []
        for _ in range((0, 0, 0, 1, 1, 2)[int(rng.random() * 6)]):
            if team:
                other = team[int(rng.random() * len(team))]
                if other != official.pk and all(other != p for p, _r in participants):
                    participants.append((other, "member"))
        if kind == "campaign":
            experts = self.experts.get(city, [])
            for _ in range(int(rng.random() * 4)):
                if experts:
                    other = experts[int(rng.random() * len(experts))]
                    if other != official.pk and all(other != p for p, _r in participants):
                        participants.append((other, "expert"))
        self.inspection(
            rng, official.pk, official.jid, official.path, kind, age, enterprises, participants, campaign=campaign,
        )

    def from_hazard(self, rng, hazard: tuple) -> None:
        """The inspection that found a hazard on the ledger: same enterprise, same day."""
        pk, enterprise_id, found_on, level, title, description, source, path = hazard
        county = path[:6]
        if source == "leader_inspection":
            leads, kind = self.leaders.get(county, []), "leader"
        elif source == "campaign":
            leads, kind = self.team.get(county, []), "campaign"
        else:
            leads, kind = self.inspectors.get(county, []) or self.team.get(county, []), "enforcement"
        if not leads or county not in self.jurisdictions:
            return
        enterprise = self.enterprise_by_pk.get(enterprise_id)
        if enterprise is None:
            return
        lead = leads[int(rng.random() * len(leads))]
        age = max(0, (self.today - found_on).days)
        campaign = self.campaign_of.get(path[:4]) if kind == "campaign" else None
        finding = (f"{title}：{description}", "major" if level == "major" else "general", pk)
        self.inspection(
            rng, lead, self.jurisdictions[county][0], county, kind, age, [enterprise], [], campaign=campaign, finding=finding,
        )

    def programme(self, rng, planned: dict) -> None:
        if planned["kind"] == "random_draw":
            enterprise = self.enterprise_by_pk.get(planned["enterprise"])
            county = enterprise[1][:6]
            self.inspection(
                rng, planned["lead"], self.jurisdictions[county][0], county, "random_draw", planned["age"], [enterprise],
                planned["participants"], draw=planned["draw"],
            )
        else:
            pool = self.by_prefix.get(planned["path"], [])
            enterprises = [self.enterprises[pool[int(rng.random() * len(pool))]]] if pool else []
            pk = self.inspection(
                rng, planned["lead"], planned["jid"], planned["path"], "quarterly_supervision", planned["age"], enterprises,
                planned["participants"], supervision_round=planned["round"],
            )
            from inspections.demo.data import FEEDBACK, ROUND_PROBLEMS

            for index, (target_jid, deadline, notice) in enumerate(planned["problems"]):
                answered = rng.random() < 0.5
                feedback_at = min(notice + timedelta(days=5 + int(rng.random() * 25)), self.now - timedelta(hours=1)) if answered else None
                status = ("closed" if rng.random() < 0.5 else "feedback") if answered else "open"
                self.round_problems.append((
                    planned["round"], target_jid, pk, ROUND_PROBLEMS[(index + int(rng.random() * 5)) % len(ROUND_PROBLEMS)], deadline,
                    status, FEEDBACK[int(rng.random() * len(FEEDBACK))] if answered else "", feedback_at,
                ))

    def inspection(
        self, rng, lead: int, jid: int, path: str, kind: str, age: int, enterprises: list, participants: list, *,
        campaign=None, draw=None, supervision_round=None, finding: tuple | None = None,
    ) -> int:
        pk = next(self.next_inspection)
        random = rng.random
        age = max(0, min(age, len(self.day_start) - 1))
        started = min(self.day_start[age] + timedelta(minutes=30 + int(random() * 480)), self.now - timedelta(hours=3))
        ended = min(started + timedelta(minutes=(60, 90, 120, 180)[int(random() * 4)]), self.now - timedelta(hours=1))
        draft = age <= 14 and random() < DRAFT_SHARE * 7
        late = not draft and random() < LATE_SHARE
        submitted = None if draft else min(ended + timedelta(minutes=20 + int(random() * 600), days=15 + int(random() * 30) if late else 0),
                                           self.now - timedelta(minutes=5))
        last = submitted or min(ended + timedelta(minutes=30), self.now - timedelta(minutes=5))
        amended = not draft and random() < AMENDED_SHARE
        methods = ("unannounced",) if random() < 0.45 else ("open",) if random() < 0.85 else ("covert",)
        if kind == "campaign" and participants:
            methods = ("expert_led", *methods)
        place = "" if enterprises else "辖区重点部位"
        self.rows.append((
            pk, min(started + timedelta(minutes=5), last), last if not amended else last + timedelta(days=3), f"JC{started.year}{pk:08d}",
            uuid.UUID(int=rng.getrandbits(128), version=4), jid, path, kind, list(methods), started, ended, place, lead, "", None, None,
            "draft" if draft else "submitted", last, submitted, 1 if amended else 0, campaign, draw, supervision_round, "", "", None,
        ))
        for official, role in participants:
            if official != lead:
                self.participants.append((pk, official, role))
        answered = bool(enterprises) and finding is None and random() < ANSWERED_SHARE
        first_target = None
        finding_ids = []
        for enterprise in enterprises:
            target_pk = self.next_target()
            first_target = first_target or target_pk
            checklist = (self.checklists.get(enterprise[2]) or self.checklists.get(None)) if answered else None
            self.targets.append((target_pk, pk, enterprise[0], checklist[0] if checklist else None, ""))
            if checklist is None:
                continue
            for item_pk, severity, requirement in checklist[1]:
                draw_ = random()
                result = "fail" if draw_ < 0.08 else "na" if draw_ > 0.96 else "pass"
                self.answers.append((target_pk, item_pk, result, ""))
                if result == "fail":
                    text = f"{requirement.rstrip('。')}：现场检查不符合要求。"
                    finding_ids.append(self.add_finding(pk, target_pk, item_pk, text, severity, None, started))
        if finding is not None:
            text, severity, hazard = finding
            finding_ids.append(self.add_finding(pk, first_target, None, text, severity, hazard, started))
        elif enterprises and not answered and random() < FINDING_SHARE:
            texts = self.texts.get(enterprises[0][2]) or self.fallback_texts
            for _ in range(1 if random() < 0.8 else 2):
                finding_ids.append(self.add_finding(pk, first_target, None, texts[int(random() * len(texts))], "general", None, started))
        if random() < PHOTO_SHARE:
            for n in range(1 if random() < 0.9 else 2):
                if self.chunk_hashes and random() < DUPLICATE_PHOTO_SHARE:
                    content = self.chunk_hashes[int(random() * len(self.chunk_hashes))]  # the same picture filed again
                else:
                    content = f"{rng.getrandbits(256):064x}"
                    self.chunk_hashes.append(content)
                self.photos.append((
                    pk, finding_ids[0] if finding_ids and n == 0 else None, f"inspections/{pk}/现场照片{n + 1}.jpg", content, None,
                    started + timedelta(minutes=10 + n),
                ))
        if amended:
            self.amendments.append((
                pk, "检查结束时间录入有误，予以更正。", {"ended_at": {"from": ended.isoformat(), "to": (ended + timedelta(minutes=30)).isoformat()}},
                None, last + timedelta(days=3),
            ))
        return pk

    def next_target(self) -> int:
        from inspections.models import InspectionTarget

        return self.ids.next(InspectionTarget)

    def add_finding(self, inspection: int, target: int | None, item: int | None, text: str, severity: str, hazard, at) -> int:
        from inspections.models import InspectionFinding

        pk = self.ids.next(InspectionFinding)
        self.findings.append((pk, inspection, target, item, text, self.description_hash(text), severity, hazard, at + timedelta(minutes=20)))
        return pk


class _Ids:
    """Ids taken from ``ctx.allocate_ids`` in blocks, for rows counted as they are made."""

    BLOCK = 50_000

    def __init__(self, ctx: ScaleContext):
        self.ctx = ctx
        self.blocks: dict[type, tuple] = {}

    def next(self, model) -> int:
        block = self.blocks.get(model)
        if block is None or block[0] >= block[1].stop:
            ids = self.ctx.allocate_ids(model, self.BLOCK)
            block = [ids.start, ids]
            self.blocks[model] = block
        pk = block[0]
        block[0] += 1
        return pk


def generate(ctx: ScaleContext) -> None:
    """The inspections, campaigns, draws and rounds of the profile's province or city."""
    _Generator(ctx).run()


register_scale_part("inspections", generate, order=300, requires=("responsibility", "hazards"), models=PART_MODELS)
