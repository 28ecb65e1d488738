"""Demo data: a year of inspections by the officials of the demo city, logged through the
record services as the demo's users.

Who inspects how often follows the seeded inspection obligations, with the gaps real records
have. In 晋江市 (the ``county_office`` login's county) most township Party principals inspect
every quarter — one of them missed the last finished quarter — most county department heads
every quarter, and a few township leaders and department deputies every month while the others
only now and then. City and county leaders inspect once or a few times a year, some not at all.
The ``leader`` login (the city's deputy mayor for safety) meets its yearly quota; the
``inspector`` and ``department`` logins log their own enforcement and special inspections.
Elsewhere the records are sparser.

About a third of the inspections answer the sector's seeded checklist item by item; failed items
become findings, and other inspections note a free finding. Some findings go on the hazard
ledger through ``finding_to_hazard`` (every major one); some inspections have a site photo
(small JPEGs drawn with Pillow). A few records show what the formalism flags look for: one
photo filed for two inspections, one finding copied word for word at three enterprises, and
records logged weeks after the inspection. The most recent few are still drafts.

Who logs: the ``leader``, ``inspector`` and ``department`` logins their own inspections; the
county office the rest in 晋江市, the city office elsewhere. Services stamp "now", so the
records' times are moved to the planned moments afterwards (in bulk).

The plan (:func:`plan_inspections`) comes from the demo city's plan, a fixed seed and today,
never from the database. Idempotent: each demo inspection's ``client_uuid`` is derived from its
demo number (``source_system="demo"``, ``external_id`` ``demo-insp-NNNN``), and one already
there is skipped.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from inspections.demo import data

SOURCE_SYSTEM = "demo"
CITY = "350500"
JINJIANG = "350582"
LOGIN_SLOTS = {
    "leader": "350500:gov:safety_deputy:1",
    "inspector": "350582:dept:emergency:inspector:1",
    "department": "350500:dept:housing:department_head:1",
    "office": "350500:office:office_staff:1",
    "county_office": "350582:office:office_staff:1",
}
#: At most this many planned inspections besides the essential ones (None: all); the tests lower it.
MAX_REGULAR: int | None = None
#: Monthly-bound officials of 晋江市 who inspect every month (the rest only now and then).
MONTHLY_REGULARS = 5

YEARLY_ROLES = {"party_principal", "government_principal", "standing_member", "safety_deputy", "government_leader"}
TOWNSHIP_MONTHLY_ROLES = {"government_principal", "safety_deputy", "government_leader", "standing_member", "department_leader"}
HAZARDOUS = {"hazardous_chemicals", "mining", "fireworks", "metallurgy", "gas", "civil_explosives", "construction"}
SECTOR_LEADS_FALLBACK = "emergency"


@dataclass
class InspectionPlan:
    number: int
    lead_slot: str
    actor: str  # the demo login that logs it
    jurisdiction_code: str
    kind: str
    started_at: datetime
    minutes: int = 90
    methods: list[str] = field(default_factory=list)
    enterprises: list[str] = field(default_factory=list)  # credit codes
    place: str = ""
    participants: list[tuple[str, str]] = field(default_factory=list)  # (slot, participant role)
    answered: bool = False
    summary: str = ""
    photo_seed: str = ""  # empty: no photo
    free_finding: bool = False
    copied: bool = False
    late_days: int = 0
    draft: bool = False
    essential: bool = False  # kept when the tests plan fewer
    key: str = ""  # the external id of a programme's inspection (``demo-campaign-001`` …)

    @property
    def external_id(self) -> str:
        return self.key or f"demo-insp-{self.number:04d}"


@dataclass(frozen=True)
class Person:
    slot: str
    posts: tuple[tuple[str, str, str], ...]  # (jurisdiction code, organization key, role) of current posts

    @property
    def code(self) -> str:
        return self.posts[0][0]

    @property
    def org_key(self) -> str:
        return self.posts[0][1]

    @property
    def level(self) -> str:
        return _level(self.code)


def _level(code: str) -> str:
    return "city" if code == CITY else "county" if len(code) == 6 else "township"


def regime(person: Person) -> str:
    """How often the obligations ask this person to inspect: month, quarter, year or "" (none);
    the strictest of their posts."""
    found = set()
    for code, org_key, role in person.posts:
        level = _level(code)
        is_department = org_key.startswith("dept:")
        if level == "township" and role in TOWNSHIP_MONTHLY_ROLES or level != "township" and role == "department_leader" and is_department:
            found.add("month")
        elif level == "township" and role == "party_principal" or level == "county" and role == "department_head" and is_department:
            found.add("quarter")
        elif level != "township" and role in YEARLY_ROLES:
            found.add("year")
    for period in ("month", "quarter", "year"):
        if period in found:
            return period
    return ""


def people(plan) -> list[Person]:
    """Everyone holding a post now, once (a person may have several slots), by slot."""
    seen: dict[int, Person] = {}
    for slot in sorted(plan.slots):
        person, _posts = plan.slots[slot]
        if id(person) in seen:
            continue
        current = tuple((p.code, p.org_key, p.role) for p in person.posts if p.end is None)
        if current:
            seen[id(person)] = Person(slot, current)
    return sorted(seen.values(), key=lambda p: p.slot)


def quarter_misser(persons: list[Person]) -> str | None:
    """The slot of the 晋江市 township Party principal who missed the last finished quarter."""
    principals = [p for p in persons if p.level == "township" and p.code.startswith(JINJIANG) and regime(p) == "quarter"]
    return principals[0].slot if principals else None


# --- Windows and moments ------------------------------------------------------------------------


def month_windows(today: date) -> list[tuple[date, date]]:
    """The last twelve months, this one included (to yesterday), oldest first."""
    windows = []
    first = today.replace(day=1)
    for _ in range(12):
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        windows.insert(0, (first, min(last, today - timedelta(days=1))))
        first = (first - timedelta(days=1)).replace(day=1)
    return [(start, end) for start, end in windows if end >= start]


def quarter_windows(today: date) -> list[tuple[date, date]]:
    """The last four quarters, this one included (to yesterday), oldest first."""
    windows = []
    quarter = (today.month - 1) // 3
    year = today.year
    for _ in range(4):
        start = date(year, quarter * 3 + 1, 1)
        end = (date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1)) - timedelta(days=1)
        windows.insert(0, (start, min(end, today - timedelta(days=1))))
        quarter -= 1
        if quarter < 0:
            quarter, year = 3, year - 1
    return [(start, end) for start, end in windows if end >= start]


def last_finished_quarter(today: date) -> tuple[date, date]:
    return quarter_windows(today)[-2]


def moment(rng: random.Random, start: date, end: date) -> datetime:
    """A working-hours moment on a day between ``start`` and ``end`` (weekdays mostly)."""
    span = max(0, (end - start).days)
    day = start + timedelta(days=rng.randint(0, span))
    if day.weekday() >= 5 and rng.random() < 0.8:
        day -= timedelta(days=day.weekday() - 4)  # back to Friday
        if day < start:
            day = start
    minutes = rng.randint(8 * 60 + 30, 16 * 60 + 30)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=timezone.get_current_timezone())


# --- The plan -----------------------------------------------------------------------------------


class _Planner:
    def __init__(self, plan, today: date):
        from responsibility.demo.enterprises import SECTOR_LEADS, plan_enterprises

        self.plan = plan
        self.today = today
        self.rng = random.Random(data.SEED)
        self.leads = SECTOR_LEADS
        rows = [r for r in plan_enterprises(plan) if r.fields["status"] != "closed"]
        self.rows = rows
        self.by_township: dict[str, list] = {}
        self.by_county: dict[str, list] = {}
        for row in rows:
            self.by_township.setdefault(row.jurisdiction_code[:9], []).append(row)
            self.by_county.setdefault(row.jurisdiction_code[:6], []).append(row)
        self.inspectors = {
            county: sorted(s for s in plan.slots if s.startswith(f"{county}:dept:emergency:inspector:")) for county in self.by_county
        }
        self.plans: list[InspectionPlan] = []
        self.year_start = today - timedelta(days=364)

    # -- helpers --

    def clip(self, start: date, end: date) -> tuple[date, date]:
        return max(start, self.year_start), min(end, self.today - timedelta(days=1))

    def pool(self, person: Person) -> list:
        code, org_key = person.code, person.org_key
        if person.level == "township":
            return self.by_township.get(code, [])
        rows = self.rows if code == CITY else self.by_county.get(code, [])
        if org_key.startswith("dept:"):
            key = org_key.split(":", 1)[1]
            own = [r for r in rows if self.leads.get(r.sector, SECTOR_LEADS_FALLBACK) == key]
            if own:
                return own
        return rows

    @staticmethod
    def kind(person: Person, period: str) -> str:
        org_key, role = person.org_key, person.posts[0][2]
        if role == "inspector":
            return "enforcement"
        if org_key.startswith("dept:"):
            return "enforcement" if org_key == "dept:emergency" else "special"
        return "leader"

    def actor(self, person: Person, jurisdiction_code: str) -> str:
        for login, slot in LOGIN_SLOTS.items():
            if slot == person.slot and login not in ("office", "county_office"):
                return login
        # The county office sees its own county's officials only; the city office everyone.
        return "county_office" if person.code.startswith(JINJIANG) else "office"

    def participants(self, rng: random.Random, person: Person, county: str, actor: str) -> list[tuple[str, str]]:
        chosen: list[tuple[str, str]] = []
        if person.level == "township":
            station = f"{person.code}:station:grid_level_2:1"
            if station in self.plan.slots and rng.random() < 0.5:
                chosen.append((station, "member"))
        inspectors = [s for s in self.inspectors.get(county, []) if s != person.slot]
        if actor == "leader":
            inspectors = []  # the deputy mayor goes with the city office
            if rng.random() < 0.6:
                chosen.append(("350500:office:office_staff:2", "member"))
        for slot in rng.sample(inspectors, min(len(inspectors), rng.choice((0, 0, 1, 1, 2)))):
            chosen.append((slot, "member"))
        return [(slot, role) for slot, role in chosen if slot in self.plan.slots]

    # -- one inspection --

    def add(self, person: Person, start: date, end: date, *, essential: bool = False) -> InspectionPlan | None:
        start, end = self.clip(start, end)
        if end < start:
            return None
        rng = self.rng
        pool = self.pool(person)
        kind = self.kind(person, "")
        if not pool or (kind == "leader" and rng.random() < 0.08):
            enterprises, place = [], rng.choice(data.PLACES)
            code = person.code
        else:
            first = rng.choice(pool)
            enterprises = [first]
            if rng.random() < 0.2:
                near = self.by_township.get(first.jurisdiction_code[:9], [])
                other = rng.choice(near)
                if other is not first:
                    enterprises.append(other)
            place = ""
            code = person.code if person.level != "city" else first.jurisdiction_code[:6]
            if rng.random() < 0.5 and person.level == "city":
                code = CITY
        actor = self.actor(person, code)
        answered = bool(enterprises) and rng.random() < {"leader": 0.25, "special": 0.5, "enforcement": 0.6}[kind]
        methods = ["unannounced"] if rng.random() < 0.5 else ["open"] if rng.random() < 0.8 else ["covert"]
        plan = InspectionPlan(
            number=len(self.plans) + 1,
            lead_slot=person.slot,
            actor=actor,
            jurisdiction_code=code,
            kind=kind,
            started_at=moment(rng, start, end),
            minutes=rng.choice((60, 90, 120, 150, 180)),
            methods=methods,
            enterprises=[e.credit_code for e in enterprises],
            place=place,
            participants=self.participants(rng, person, code[:6] if code != CITY else CITY, actor),
            answered=answered,
            summary=rng.choice(data.SUMMARIES[kind]),
            photo_seed="" if rng.random() < 0.55 else f"{data.SEED}:photo:{len(self.plans) + 1}",
            free_finding=not answered and bool(enterprises) and rng.random() < 0.35,
            essential=essential,
        )
        self.plans.append(plan)
        return plan

    def several(self, person: Person, count: int, *, essential: bool = False) -> None:
        for _ in range(count):
            self.add(person, self.year_start, self.today - timedelta(days=1), essential=essential)

    # -- everyone --

    def build(self) -> list[InspectionPlan]:
        rng = self.rng
        quarters = quarter_windows(self.today)
        months = month_windows(self.today)
        missed = last_finished_quarter(self.today)
        persons = people(self.plan)
        misser = quarter_misser(persons)
        regulars = {
            p.slot for p in persons if p.code.startswith(JINJIANG) and regime(p) == "month" and p.posts[0][2] == "safety_deputy"
        }
        regulars = set(sorted(regulars)[: MONTHLY_REGULARS - 2])
        regulars |= {p.slot for p in persons if p.slot.startswith(f"{JINJIANG}:dept:emergency:department_leader:")}
        for person in persons:
            period = regime(person)
            jinjiang = person.code.startswith(JINJIANG)
            login = person.slot in LOGIN_SLOTS.values()
            if person.slot == LOGIN_SLOTS["leader"]:
                # The deputy mayor meets the yearly quota: twice this year, once last year.
                this_year = (date(self.today.year, 1, 1), self.today - timedelta(days=1))
                for _ in range(2):
                    self.add(person, *this_year, essential=True)
                self.several(person, 1, essential=True)
            elif person.slot == LOGIN_SLOTS["inspector"]:
                self.several(person, 14, essential=True)
            elif person.slot == LOGIN_SLOTS["department"]:
                self.several(person, 6, essential=True)
            elif login:
                continue  # the offices log for others
            elif period == "year":
                chance = 0.9 if person.code == CITY else 0.85 if jinjiang else 0.5
                if rng.random() < chance:
                    self.several(person, rng.choice((1, 1, 2, 3)) if person.level != "city" or jinjiang else rng.choice((1, 2)))
            elif period == "quarter" and jinjiang:
                for window in quarters:
                    if person.slot == misser:
                        if window != missed:
                            self.add(person, *window, essential=True)
                    elif rng.random() < (0.85 if person.level == "township" else 0.7):
                        self.add(person, *window)
            elif period == "quarter":
                if rng.random() < (0.2 if person.level == "township" else 0.12):
                    self.several(person, rng.choice((1, 2)))
            elif period == "month" and person.slot in regulars:
                for window in months:
                    self.add(person, *window, essential=True)
            elif period == "month":
                chance = 0.4 if jinjiang else 0.25 if person.code == CITY else 0.06
                if rng.random() < chance:
                    self.several(person, rng.choice((1, 2, 3)) if jinjiang else 1)
            elif person.posts[0][2] == "inspector" and jinjiang and rng.random() < 0.5:
                self.several(person, rng.choice((2, 3, 4)))
        self._flags()
        return self.plans

    def _flags(self) -> None:
        """What the formalism flags look for, on a few records; and the newest few still drafts."""
        rng = random.Random(data.SEED + 1)
        with_photo = [p for p in self.plans if p.photo_seed and p.enterprises and not p.essential]
        for first, second in zip(with_photo[5:15:5], with_photo[6:16:5], strict=False):
            if first.enterprises != second.enterprises:
                second.photo_seed = first.photo_seed  # the same picture filed for another inspection
        free = [p for p in self.plans if p.free_finding and not p.essential]
        copied_at: set[str] = set()
        for plan in free:
            if plan.enterprises[0] not in copied_at and len(copied_at) < 3:
                plan.copied = True
                copied_at.add(plan.enterprises[0])
        older = [p for p in self.plans if p.started_at.date() < self.today - timedelta(days=60) and not p.essential]
        for plan in rng.sample(older, min(3, len(older))):
            plan.late_days = rng.randint(18, 40)
        newest = sorted((p for p in self.plans if not p.essential), key=lambda p: p.started_at)[-4:]
        for plan in newest:
            plan.draft = True


def plan_inspections(plan, today: date) -> list[InspectionPlan]:
    """Every regular demo inspection; from the demo city's plan and ``today`` alone."""
    plans = _Planner(plan, today).build()
    if MAX_REGULAR is not None:
        others = [p for p in plans if not p.essential]
        kept = {id(p) for p in others[:: max(1, len(others) // MAX_REGULAR)][:MAX_REGULAR]}
        kept |= {id(p) for p in others if p.copied or p.late_days or p.draft}
        plans = [p for p in plans if p.essential or id(p) in kept]
    return plans


# --- Writing ------------------------------------------------------------------------------------


class Runner:
    """Logs planned inspections through the services and moves their times afterwards."""

    def __init__(self, ctx):
        from inspections.models import ChecklistTemplate
        from inspections.reference.loader import load_checklists

        self.ctx = ctx
        self.users = ctx.users
        self.officials: dict[str, object] = {}
        self.enterprises: dict[str, object] = {}
        self.jurisdictions: dict[str, object] = {}
        self.dated: list[tuple[int, datetime, datetime, datetime | None]] = []  # (pk, start, end, submitted)
        self.findings: list[tuple[int, datetime]] = []
        self.photos: list[tuple[int, datetime]] = []
        self.hazards = 0
        from inspections.models import ChecklistItem, ChecklistVersion
        from responsibility.models import Sector

        load_checklists(ChecklistTemplate=ChecklistTemplate, ChecklistVersion=ChecklistVersion, ChecklistItem=ChecklistItem, Sector=Sector)
        self.checklists: dict[str | None, tuple] = {}
        for template in ChecklistTemplate.objects.filter(jurisdiction__isnull=True, is_active=True).select_related("sector"):
            version = template.current_version
            if version is not None:
                self.checklists.setdefault(template.sector.code if template.sector else None, (version, list(version.items.order_by("order", "pk"))))

    # -- lookups --

    def official(self, slot: str):
        from responsibility.models import Official

        if slot not in self.officials:
            pk = self.ctx.official_ids.get(slot)
            self.officials[slot] = Official.objects.get(pk=pk) if pk else None
        return self.officials[slot]

    def jurisdiction(self, code: str):
        from responsibility.models import Jurisdiction

        if code not in self.jurisdictions:
            self.jurisdictions[code] = Jurisdiction.objects.get(pk=self.ctx.jurisdiction_ids[code])
        return self.jurisdictions[code]

    def load_enterprises(self, codes) -> None:
        from responsibility.models import Enterprise

        wanted = set(codes) - set(self.enterprises)
        if wanted:
            for enterprise in Enterprise.objects.filter(credit_code__in=wanted).select_related("jurisdiction", "sector"):
                self.enterprises[enterprise.credit_code] = enterprise

    def checklist(self, enterprise):
        return self.checklists.get(enterprise.sector.code) or self.checklists.get(None)

    @staticmethod
    def desk(jurisdiction_code: str) -> str:
        return "county_office" if jurisdiction_code.startswith(JINJIANG) else "office"

    # -- one inspection --

    def run(self, plan: InspectionPlan, client_uuid=None, **programme) -> object:
        """Log ``plan`` (optionally as part of a campaign, draw or round, or into the draft
        ``client_uuid`` a programme's service started); returns the inspection."""
        from inspections.services import records
        from inspections.services.records import AnswerInput, TargetInput
        from inspections.services.sync import upsert_client_uuid

        rng = random.Random(f"{data.SEED}:{plan.external_id}")
        actor = self.users[plan.actor]
        self.load_enterprises(plan.enterprises)
        enterprises = [self.enterprises[c] for c in plan.enterprises if c in self.enterprises]
        targets, answers, fails = [], [], []
        for enterprise in enterprises:
            checklist = self.checklist(enterprise) if plan.answered else None
            targets.append(TargetInput(enterprise=enterprise, checklist=checklist[0] if checklist else None))
            if checklist is None:
                continue
            fail_rate = 0.14 if enterprise.sector.code in HAZARDOUS else 0.07
            for item in checklist[1]:
                draw = rng.random()
                result = "fail" if draw < fail_rate else "na" if draw > 0.97 else "pass"
                answers.append(AnswerInput(enterprise.pk, item.pk, result))
                if result == "fail":
                    fails.append((enterprise, item))
        people = {}
        if plan.lead_slot:  # otherwise the programme's service chose the team
            people["lead_official"] = self.official(plan.lead_slot)
            people["participants"] = [
                (self.official(slot), role) for slot, role in plan.participants if self.official(slot) is not None
            ]
        inspection = records.inspection_save_draft(
            actor=actor,
            client_uuid=client_uuid or upsert_client_uuid(SOURCE_SYSTEM, plan.external_id),
            jurisdiction=self.jurisdiction(plan.jurisdiction_code),
            kind=plan.kind,
            methods=plan.methods,
            started_at=plan.started_at,
            ended_at=plan.started_at + timedelta(minutes=plan.minutes),
            place=plan.place,
            summary=plan.summary,
            **people,
            targets=targets,
            answers=answers,
            **programme,
        )
        findings = []
        for enterprise, item in fails:
            where = rng.choice(data.WHERE)
            note = rng.choice(data.OBSERVATIONS).format(where=where, n=rng.randint(2, 6))
            findings.append(
                records.finding_record(
                    actor=actor, inspection=inspection, description=f"{item.requirement.rstrip('。')}：{note}。", enterprise=enterprise, item=item
                )
            )
        if (plan.free_finding or plan.copied) and enterprises:
            from hazards.demo import data as hazard_data

            enterprise = enterprises[0]
            texts = hazard_data.GENERAL.get(enterprise.sector.code) or hazard_data.GENERAL["industry_trade"]
            text = data.COPIED_FINDING if plan.copied else rng.choice(texts)[1]
            findings.append(records.finding_record(actor=actor, inspection=inspection, description=text, enterprise=enterprise))
        photos = []
        if plan.photo_seed:
            caption = f"{inspection.code} {timezone.localtime(plan.started_at):%Y-%m-%d}"
            from hazards.demo.photos import demo_photo

            photos = records.inspection_add_photos(
                actor=actor,
                inspection=inspection,
                files=[demo_photo(plan.external_id, stage="visit" if not findings else "before", caption=caption, seed=plan.photo_seed)],
                finding=findings[0] if findings else None,
            )
        if not plan.draft:
            inspection = records.inspection_submit(actor=actor, inspection=inspection)
        desk = self.users[self.desk(plan.jurisdiction_code)]
        for finding in findings:
            if finding.severity == "major" or rng.random() < 0.25:
                records.finding_to_hazard(actor=desk, finding=finding)
                self.hazards += 1
        type(inspection).objects.filter(pk=inspection.pk).update(source_system=SOURCE_SYSTEM, external_id=plan.external_id)
        ended = plan.started_at + timedelta(minutes=plan.minutes)
        submitted = None
        if not plan.draft:
            submitted = ended + timedelta(minutes=rng.randint(20, 600), days=plan.late_days)
            submitted = min(submitted, timezone.now() - timedelta(minutes=5))
        self.dated.append((inspection.pk, plan.started_at, ended, submitted))
        for finding in findings:
            self.findings.append((finding.pk, plan.started_at + timedelta(minutes=rng.randint(10, plan.minutes))))
        for photo in photos:
            self.photos.append((photo.pk, plan.started_at + timedelta(minutes=rng.randint(5, plan.minutes))))
        return inspection

    def enterprises_in(self, code: str, rng: random.Random, count: int) -> list[str]:
        """Credit codes of ``count`` operating enterprises somewhere in ``code``'s subtree."""
        from responsibility.models import Enterprise

        path = self.jurisdiction(code).path
        codes = list(
            Enterprise.objects.filter(jurisdiction__path__startswith=path, status="operating")
            .order_by("credit_code")
            .values_list("credit_code", flat=True)[:300]
        )
        return rng.sample(codes, min(count, len(codes)))

    def flush(self) -> None:
        """Move what the services stamped "now" to the planned moments."""
        from inspections.models import Inspection, InspectionFinding, InspectionPhoto

        now = timezone.now()
        rows = []
        for pk, start, end, submitted in self.dated:
            last = submitted or min(end + timedelta(minutes=15), now)
            rows.append(
                Inspection(
                    pk=pk, created_at=min(start + timedelta(minutes=3), now), updated_at=last, draft_saved_at=last, submitted_at=submitted
                )
            )
        Inspection.objects.bulk_update(rows, ["created_at", "updated_at", "draft_saved_at", "submitted_at"], batch_size=500)
        InspectionFinding.objects.bulk_update(
            [InspectionFinding(pk=pk, created_at=at) for pk, at in self.findings], ["created_at"], batch_size=1000
        )
        InspectionPhoto.objects.bulk_update(
            [InspectionPhoto(pk=pk, uploaded_at=at) for pk, at in self.photos], ["uploaded_at"], batch_size=1000
        )
        self.dated, self.findings, self.photos = [], [], []


def existing_numbers() -> set[str]:
    from inspections.models import Inspection

    return set(Inspection.objects.filter(source_system=SOURCE_SYSTEM).values_list("external_id", flat=True))
