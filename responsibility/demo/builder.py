"""Building the demo city.

First a :class:`DemoPlan` is computed in memory from :mod:`responsibility.demo.data` and a
fixed random seed, without looking at the database: the same plan on every run. Then each step
writes its part of the plan, keyed on natural keys (division code; (jurisdiction, name) for
organizations; (registered_in, name) for officials — names are unique in the plan; (official,
organization, role, start date) for posts; usernames), creating what is missing in bulk and
updating what differs. A second run therefore creates and changes nothing.

Bulk writes bypass the audit trail, and per-object writes run under
``auditlog.context.disable_auditlog()``: seeding is not a user action worth a log entry.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count
from django.utils.module_loading import import_string

from core.access import get_scope
from responsibility.choices import JurisdictionLevel as Level
from responsibility.choices import OrganizationKind as Kind
from responsibility.choices import PostRole as Role
from responsibility.demo import DEMO_STEPS, data
from responsibility.divisions import division_path
from responsibility.models import Jurisdiction, Official, Organization, Post, ScopeAssignment
from responsibility.roles import role_label

FIRST_START = date(2021, 1, 1)
LAST_START = date(2025, 6, 30)

# --- The plan ---------------------------------------------------------------------------------


@dataclass
class JurisdictionRow:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass
class OrgRow:
    code: str  # jurisdiction code
    key: str  # "party", "gov", "committee", "office", "station", "dept:<key>", "tg:<key>"
    name: str
    short_name: str
    kind: str
    function: str = ""
    sort_order: int = 100
    parent_key: str | None = None
    lead_key: str | None = None
    head_title: str = ""
    deputy_title: str = ""


@dataclass
class PostRow:
    code: str  # jurisdiction code of the organization
    org_key: str
    role: str
    title: str
    start: date
    end: date | None = None


@dataclass
class PersonRow:
    name: str
    gender: str
    birth_year: int
    phone: str
    posts: list[PostRow] = field(default_factory=list)

    @property
    def registered_code(self) -> str:
        """Where the record is kept: the jurisdiction of the first post's organization."""
        return min(self.posts, key=lambda p: p.start).code


@dataclass(frozen=True)
class Unit:
    """The city or a county-level unit, with what its titles and names need."""

    code: str
    name: str
    level: str  # city, county or development_zone
    short: str  # "市", "晋江市", "经开区": prefix of short names

    @property
    def is_zone(self) -> bool:
        return self.level == Level.DEVELOPMENT_ZONE

    @property
    def is_district(self) -> bool:
        return self.level == Level.COUNTY and self.name.endswith("区")

    def where(self, rule: str) -> bool:
        return {
            "all": True,
            "zone": self.is_zone,
            "no_zone": not self.is_zone,
            "rural": not self.is_zone and not self.is_district,
        }[rule]

    def titles(self) -> dict[str, str]:
        if self.is_zone:
            return {
                "party": "党工委书记",
                "gov": "管委会主任",
                "deputy": "管委会副主任",
                "executive": "管委会常务副主任",
                "standing": "党工委委员",
                "leader": "管委会副主任",
            }
        c = self.name[-1] if self.level == Level.COUNTY else "市"  # 区, 县 or 市
        return {
            "party": f"{c}委书记",
            "gov": f"{c}长",
            "deputy": f"副{c}长",
            "executive": f"常务副{c}长",
            "standing": f"{c}委常委",
            "leader": f"副{c}长",
        }


class DemoPlan:
    """The whole demo city, in memory. Deterministic: built from the data module and a
    ``random.Random`` with a fixed seed, independent of the database."""

    def __init__(self, seed: int = data.SEED):
        self.rng = random.Random(seed)
        self.jurisdictions: list[JurisdictionRow] = []
        self.orgs: dict[tuple[str, str], OrgRow] = {}
        self.people: list[PersonRow] = []
        #: slot name → (person, the posts that make up the slot)
        self.slots: dict[str, tuple[PersonRow, list[PostRow]]] = {}
        self.township_codes: dict[str, list[str]] = {}  # county code → township codes
        self.village_codes: dict[str, list[str]] = {}  # township code → village codes
        self._names: set[str] = set()
        self._phones: set[str] = set()
        self.units = [Unit(data.CITY[0], data.CITY[1], Level.CITY, "市")] + [
            Unit(code, name, level, {"350571": "经开区", "350572": "台商区"}.get(code, name))
            for code, name, level in data.COUNTIES
        ]
        self._plan_jurisdictions()
        for unit in self.units:
            self._plan_unit_orgs(unit)
        for codes in self.township_codes.values():
            for code in codes:
                self._plan_township_orgs(code)
        for unit in self.units:
            self._plan_unit_people(unit)
        for county_codes in self.township_codes.values():
            for code in county_codes:
                self._plan_township_people(code)
        self._plan_history()

    # -- helpers --

    def jurisdiction(self, code: str) -> JurisdictionRow:
        return self._jurisdiction_by_code[code]

    def _place_name(self, used: set[str], suffix: str) -> str:
        for _ in range(1000):
            name = "".join(self.rng.sample(data.PLACE_CHARS, 2)) + suffix
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError("ran out of place names")

    def _start(self) -> date:
        return FIRST_START + timedelta(days=self.rng.randint(0, (LAST_START - FIRST_START).days))

    _PROFILES = {  # birth years and share of men
        "principal": (1965, 1977, 0.88),
        "leader": (1966, 1983, 0.78),
        "staff": (1975, 1998, 0.55),
        "grid": (1966, 1991, 0.72),
        "expert": (1958, 1982, 0.8),
    }

    def _new_person(self, profile: str) -> PersonRow:
        first, last, men = self._PROFILES[profile]
        rng = self.rng
        male = rng.random() < men
        chars = data.MALE_CHARS if male else data.FEMALE_CHARS
        for _ in range(1000):
            given = rng.choice(chars) if rng.random() < 0.3 else "".join(rng.sample(chars, 2))
            name = rng.choice(data.SURNAMES) + given
            if name not in self._names:
                break
        else:  # pragma: no cover - the name space is far larger than the plan
            raise RuntimeError("ran out of names")
        self._names.add(name)
        while True:
            phone = "1" + rng.choice(("35", "36", "37", "38", "39", "50", "52", "58", "59", "88", "89", "33", "53", "80", "77"))
            phone += f"{rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                break
        person = PersonRow(name=name, gender="male" if male else "female", birth_year=rng.randint(first, last), phone=phone)
        self.people.append(person)
        return person

    def _add(self, slot: str, profile: str, posts: list[PostRow], aliases: dict[str, list[PostRow]] | None = None) -> PersonRow:
        person = self._new_person(profile)
        person.posts.extend(posts)
        assert slot not in self.slots, slot
        self.slots[slot] = (person, posts)
        for alias, alias_posts in (aliases or {}).items():
            self.slots[alias] = (person, alias_posts)
        return person

    def _org(self, row: OrgRow) -> None:
        assert (row.code, row.key) not in self.orgs, (row.code, row.key)
        self.orgs[(row.code, row.key)] = row

    # -- jurisdictions --

    def _plan_jurisdictions(self) -> None:
        province_code, province_name = data.PROVINCE
        city_code, city_name = data.CITY
        rows = [
            JurisdictionRow(province_code, province_name, Level.PROVINCE, None),
            JurisdictionRow(city_code, city_name, Level.CITY, province_code),
        ]
        for code, name, level in data.COUNTIES:
            rows.append(JurisdictionRow(code, name, level, city_code))
            known, total = data.TOWNSHIPS[code]
            used = set(known)
            names = list(known)
            suffixes = ("街道",) if level == Level.DEVELOPMENT_ZONE else ("镇", "镇", "镇", "乡", "街道")
            while len(names) < total:
                names.append(self._place_name(used, self.rng.choice(suffixes)))
            next_number = {"街道": 1, "镇": 100, "乡": 200}
            codes = []
            for township in names:
                suffix = "街道" if township.endswith("街道") else township[-1]
                number = next_number[suffix]
                next_number[suffix] += 1
                township_code = f"{code}{number:03d}"
                codes.append(township_code)
                rows.append(JurisdictionRow(township_code, township, Level.TOWNSHIP, code))
                if code in data.VILLAGE_COUNTIES:
                    rows.extend(self._plan_villages(township_code, township))
            self.township_codes[code] = codes
        self.jurisdictions = rows
        self._jurisdiction_by_code = {row.code: row for row in rows}

    def _plan_villages(self, township_code: str, township: str) -> list[JurisdictionRow]:
        rows = []
        used: set[str] = set()
        community_number, village_number = 1, 201
        street = township.endswith("街道")
        for _ in range(self.rng.randint(*data.VILLAGES_PER_TOWNSHIP)):
            if street or self.rng.random() < 0.2:
                name, number = self._place_name(used, "社区"), community_number
                community_number += 1
            else:
                name, number = self._place_name(used, "村"), village_number
                village_number += 1
            rows.append(JurisdictionRow(f"{township_code}{number:03d}", name, Level.VILLAGE, township_code))
        self.village_codes[township_code] = [row.code for row in rows]
        return rows

    # -- organizations --

    def _plan_unit_orgs(self, unit: Unit) -> None:
        code, j, s = unit.code, unit.name, unit.short
        if unit.is_zone:
            self._org(OrgRow(code, "party", f"中共{j}工作委员会", f"{s}党工委", Kind.PARTY_COMMITTEE, sort_order=10))
            self._org(OrgRow(code, "gov", f"{j}管理委员会", f"{s}管委会", Kind.GOVERNMENT, sort_order=20))
        else:
            self._org(OrgRow(code, "party", f"中共{j}委员会", f"{j}委", Kind.PARTY_COMMITTEE, sort_order=10))
            self._org(OrgRow(code, "gov", f"{j}人民政府", f"{j}政府", Kind.GOVERNMENT, sort_order=20))
        groups = (
            (data.PARTY_DEPARTMENTS, Kind.PARTY_DEPARTMENT, 100),
            (data.SUPERVISORY_DEPARTMENTS, Kind.SUPERVISORY_DEPARTMENT, 200),
            (data.OTHER_DEPARTMENTS, Kind.OTHER_DEPARTMENT, 300),
        )
        for templates, kind, base in groups:
            for index, (key, name, short, function, head, deputy, where) in enumerate(templates):
                if not unit.where(where):
                    continue
                name, short = name.format(J=j, S=s), short.format(J=j, S=s)
                if unit.level == Level.CITY and key in data.CITY_NAMES:
                    name, short, head, deputy = data.CITY_NAMES[key]
                elif key == "public_security" and unit.is_district:
                    name, short = f"{data.CITY[1]}公安局{j[:-1]}分局", f"{j[:-1]}公安分局"
                elif key == "public_security" and unit.is_zone:
                    name, short = f"{j}公安分局", f"{s}公安分局"
                self._org(OrgRow(code, f"dept:{key}", name, short, kind, function, base + index, head_title=head, deputy_title=deputy))
        self._org(OrgRow(code, "committee", f"{j}安全生产委员会", f"{s}安委会", Kind.SAFETY_COMMITTEE, sort_order=400))
        self._org(
            OrgRow(code, "office", f"{j}安全生产委员会办公室", f"{s}安办", Kind.SAFETY_OFFICE, sort_order=410, parent_key="committee")
        )
        limit = len(data.TASK_GROUPS) if unit.level == Level.CITY else data.COUNTY_TASK_GROUPS
        planned = 0
        for index, (key, subject, lead) in enumerate(data.TASK_GROUPS):
            if planned >= limit:
                break
            if (code, f"dept:{lead}") not in self.orgs:
                continue
            planned += 1
            self._org(
                OrgRow(
                    code, f"tg:{key}", f"{j}安委会{subject}专业委员会", f"{subject}专委会", Kind.TASK_GROUP,
                    sort_order=420 + index, parent_key="committee", lead_key=f"dept:{lead}",
                )
            )

    def _plan_township_orgs(self, code: str) -> None:
        name = self.jurisdiction(code).name
        if name.endswith("街道"):
            self._org(OrgRow(code, "party", f"{name}党工委", f"{name}党工委", Kind.PARTY_COMMITTEE, sort_order=10))
            self._org(OrgRow(code, "gov", f"{name}办事处", f"{name}办事处", Kind.GOVERNMENT, sort_order=20))
        else:
            self._org(OrgRow(code, "party", f"{name}党委", f"{name}党委", Kind.PARTY_COMMITTEE, sort_order=10))
            self._org(OrgRow(code, "gov", f"{name}人民政府", f"{name}政府", Kind.GOVERNMENT, sort_order=20))
        self._org(
            OrgRow(
                code, "station", f"{name}安全生产监督管理站", f"{name}安监站", Kind.OTHER_DEPARTMENT, "township_station", 30,
                head_title="站长", deputy_title="副站长",
            )
        )

    # -- people --

    def _plan_unit_people(self, unit: Unit) -> None:
        code, t, rng = unit.code, unit.titles(), self.rng
        start = self._start
        self._add(f"{code}:party:party_principal:1", "principal", [PostRow(code, "party", Role.PARTY_PRINCIPAL, t["party"], start())])
        self._add(
            f"{code}:gov:government_principal:1", "principal", [PostRow(code, "gov", Role.GOVERNMENT_PRINCIPAL, t["gov"], start())]
        )
        # The safety deputy: an executive deputy sitting on the standing committee, or a deputy.
        begun = start()
        if unit.level == Level.CITY or (not unit.is_zone and rng.random() < 0.5):
            posts = [
                PostRow(code, "gov", Role.SAFETY_DEPUTY, t["executive"], begun),
                PostRow(code, "party", Role.STANDING_MEMBER, f"{t['standing']}、{t['executive']}", begun),
            ]
        else:
            posts = [PostRow(code, "gov", Role.SAFETY_DEPUTY, t["deputy"], begun)]
        self._add(f"{code}:gov:safety_deputy:1", "leader", posts)
        # Standing-committee members, the first ones heading a Party department.
        portfolios = [(key, title) for key, title in data.STANDING_PORTFOLIOS if (code, f"dept:{key}") in self.orgs]
        headed: set[str] = set()
        for number in range(1, rng.randint(3, 5) + 1):
            begun = start()
            if number <= len(portfolios):
                key, portfolio = portfolios[number - 1]
                org = self.orgs[(code, f"dept:{key}")]
                if unit.is_zone:
                    portfolio = f"{org.short_name}{org.head_title}"
                head = PostRow(code, org.key, Role.DEPARTMENT_HEAD, org.head_title, begun)
                posts = [PostRow(code, "party", Role.STANDING_MEMBER, f"{t['standing']}、{portfolio}", begun), head]
                self._add(f"{code}:party:standing_member:{number}", "leader", posts, {f"{code}:{org.key}:department_head:1": [head]})
                headed.add(org.key)
            else:
                self._add(
                    f"{code}:party:standing_member:{number}", "leader", [PostRow(code, "party", Role.STANDING_MEMBER, t["standing"], begun)]
                )
        for number in range(1, rng.randint(3, 5) + 1):
            self._add(
                f"{code}:gov:government_leader:{number}", "leader", [PostRow(code, "gov", Role.GOVERNMENT_LEADER, t["leader"], start())]
            )
        # Departments: a head (unless a standing member heads it) and one or two deputies.
        for (org_code, key), org in self.orgs.items():
            if org_code != code or not key.startswith("dept:"):
                continue
            if key not in headed:
                self._add(
                    f"{code}:{key}:department_head:1", "leader", [PostRow(code, key, Role.DEPARTMENT_HEAD, org.head_title, start())]
                )
            for number in range(1, rng.randint(1, 2) + 1):
                self._add(
                    f"{code}:{key}:department_leader:{number}", "leader",
                    [PostRow(code, key, Role.DEPARTMENT_LEADER, org.deputy_title, start())],
                )
        office_titles = ("专职副主任", "综合协调科科长", "科员", "科员")
        for number in range(1, rng.randint(2, 4) + 1):
            self._add(
                f"{code}:office:office_staff:{number}", "staff",
                [PostRow(code, "office", Role.OFFICE_STAFF, office_titles[number - 1], start())],
            )
        for number in range(1, rng.randint(3, 6) + 1):
            self._add(
                f"{code}:dept:emergency:inspector:{number}", "staff",
                [PostRow(code, "dept:emergency", Role.INSPECTOR, "应急管理综合行政执法人员", start())],
            )
        if unit.level == Level.CITY:
            for number, subject in enumerate(data.EXPERT_FIELDS, start=1):
                self._add(
                    f"{code}:dept:emergency:expert:{number}", "expert",
                    [PostRow(code, "dept:emergency", Role.EXPERT, f"安全生产专家（{subject}）", start())],
                )

    def _plan_township_people(self, code: str) -> None:
        name = self.jurisdiction(code).name
        start = self._start
        if name.endswith("街道"):
            party, gov, deputy, member = "党工委书记", "办事处主任", "办事处副主任", "党工委委员"
        else:
            c = name[-1]  # 镇 or 乡
            party, gov, deputy, member = "党委书记", f"{c}长", f"副{c}长", "党委委员"
        begun = start()
        self._add(
            f"{code}:party:party_principal:1", "principal",
            [
                PostRow(code, "party", Role.PARTY_PRINCIPAL, party, begun),
                PostRow(code, "party", Role.GRID_CHIEF, "网格总督导员", begun),
            ],
        )
        self._add(f"{code}:gov:government_principal:1", "principal", [PostRow(code, "gov", Role.GOVERNMENT_PRINCIPAL, gov, start())])
        self._add(f"{code}:gov:safety_deputy:1", "leader", [PostRow(code, "gov", Role.SAFETY_DEPUTY, deputy, start())])
        for number in (1, 2):
            self._add(
                f"{code}:gov:grid_level_1:{number}", "leader",
                [PostRow(code, "gov", Role.GRID_LEVEL_1, f"{member}、一级网格督导员", start())],
            )
        for number, title in ((1, "站长"), (2, "副站长")):
            self._add(
                f"{code}:station:grid_level_2:{number}", "grid",
                [PostRow(code, "station", Role.GRID_LEVEL_2, f"{title}、二级网格督导员", start())],
            )
        # Villages have no organizations of their own: their level-3 supervisors are posted to
        # the township's safety station, the village named in the title.
        for village_code in self.village_codes.get(code, ()):
            village = self.jurisdiction(village_code).name
            self._add(
                f"{code}:station:grid_level_3:{village_code}", "grid",
                [PostRow(code, "station", Role.GRID_LEVEL_3, f"{village}三级网格督导员", start())],
            )

    # -- history --

    def _plan_history(self) -> None:
        rng = self.rng
        for new_slot, old_slot, begun, ended in data.MOVES:
            begun, ended = date.fromisoformat(begun), date.fromisoformat(ended)
            mover, new_posts = self.slots[new_slot]
            holder, old_posts = self.slots[old_slot]
            old = old_posts[0]
            mover.posts.insert(0, PostRow(old.code, old.org_key, old.role, old.title, begun, ended))
            for post in new_posts:
                post.start = ended + timedelta(days=1)
            for post in old_posts:
                post.start = max(post.start, ended + timedelta(days=rng.randint(1, 45)))
        for slot, begun, ended in data.RETIREMENTS:
            begun, ended = date.fromisoformat(begun), date.fromisoformat(ended)
            holder, posts = self.slots[slot]
            post = posts[0]
            retired = self._new_person("principal")
            retired.birth_year = rng.randint(1960, 1964)
            retired.posts.append(PostRow(post.code, post.org_key, post.role, post.title, begun, ended))
            for post in posts:
                post.start = max(post.start, ended + timedelta(days=rng.randint(1, 30)))
        # Companion posts (standing member + department head, party principal + grid chief)
        # share the start of the slot's first post.
        for _person, posts in self.slots.values():
            for post in posts[1:]:
                post.start = posts[0].start


# --- Writing ----------------------------------------------------------------------------------


class DemoContext:
    """What the steps share: the plan, the ids written so far, counters and a log."""

    def __init__(self, stdout=None):
        self.stdout = stdout
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.jurisdiction_ids: dict[str, int] = {}  # division code → pk
        self.organization_ids: dict[tuple[str, str], int] = {}  # (division code, org key) → pk
        self.official_ids: dict[str, int] = {}  # slot → pk
        self.users: dict[str, object] = {}  # username → user
        self.extra: dict = {}  # room for later steps
        self._plan: DemoPlan | None = None

    @property
    def plan(self) -> DemoPlan:
        if self._plan is None:
            self._plan = DemoPlan()
        return self._plan

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def sync(self, label: str, model, rows: list[dict], *, key: tuple[str, ...], fields: tuple[str, ...], existing) -> dict:
        """Create the missing rows in bulk and update those whose ``fields`` differ; return
        {key: pk} for every row. ``existing`` is the queryset holding the rows that may match."""
        current = {tuple(v[k] for k in key): v for v in existing.values("pk", *key, *fields)}
        to_create, to_update, seen = [], [], set()
        for row in rows:
            row_key = tuple(row[k] for k in key)
            assert row_key not in seen, (label, row_key)
            seen.add(row_key)
            found = current.get(row_key)
            if found is None:
                to_create.append(model(**row))
            elif any(found[f] != row[f] for f in fields):
                to_update.append(model(pk=found["pk"], **{f: row[f] for f in fields}))
        if to_create:
            model.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            model.objects.bulk_update(to_update, list(fields), batch_size=500)
        self.created[label] += len(to_create)
        self.updated[label] += len(to_update)
        ids = {k: v["pk"] for k, v in current.items()}
        if to_create:
            if all(obj.pk for obj in to_create):
                ids.update({tuple(getattr(obj, k) for k in key): obj.pk for obj in to_create})
            else:  # a backend that cannot return ids from bulk inserts
                ids.update({tuple(v[k] for k in key): v["pk"] for v in existing.values("pk", *key)})
        self.log(f"  {label}: {len(rows)} planned, {len(to_create)} created, {len(to_update)} updated")
        return {k: ids[k] for k in seen}


def build_jurisdictions(ctx: DemoContext) -> None:
    """Province → city → counties and zones → townships → villages. Existing divisions (e.g.
    from an imported list) are kept as they are."""
    plan = ctx.plan
    codes = [row.code for row in plan.jurisdictions]
    ctx.jurisdiction_ids = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "pk"))
    created = 0
    for level in (Level.PROVINCE, Level.CITY, (Level.COUNTY, Level.DEVELOPMENT_ZONE), Level.TOWNSHIP, Level.VILLAGE):
        levels = level if isinstance(level, tuple) else (level,)
        batch = [
            Jurisdiction(
                code=row.code,
                name=row.name,
                level=row.level,
                path=division_path(row.code, row.level),
                parent_id=ctx.jurisdiction_ids[row.parent_code] if row.parent_code else None,
            )
            for row in plan.jurisdictions
            if row.level in levels and row.code not in ctx.jurisdiction_ids
        ]
        if batch:
            Jurisdiction.objects.bulk_create(batch, batch_size=500)
            created += len(batch)
            ctx.jurisdiction_ids.update(
                Jurisdiction.objects.filter(code__in=[obj.code for obj in batch]).values_list("code", "pk")
            )
    ctx.created["jurisdictions"] += created
    ctx.log(f"  jurisdictions: {len(codes)} planned, {created} created")


def build_organizations(ctx: DemoContext) -> None:
    plan, ids = ctx.plan, ctx.jurisdiction_ids
    existing = Organization.objects.filter(jurisdiction_id__in=ids.values())
    fields = ("short_name", "kind", "function", "sort_order", "parent_id", "lead_department_id")

    def row(org: OrgRow) -> dict:
        return {
            "jurisdiction_id": ids[org.code],
            "name": org.name,
            "short_name": org.short_name,
            "kind": org.kind,
            "function": org.function,
            "sort_order": org.sort_order,
            "parent_id": ctx.organization_ids[(org.code, org.parent_key)] if org.parent_key else None,
            "lead_department_id": ctx.organization_ids[(org.code, org.lead_key)] if org.lead_key else None,
        }

    # Organizations referring to others (office, task groups) go second.
    for referring in (False, True):
        orgs = [org for org in plan.orgs.values() if bool(org.parent_key or org.lead_key) == referring]
        written = ctx.sync(
            "organizations", Organization, [row(org) for org in orgs], key=("jurisdiction_id", "name"), fields=fields, existing=existing
        )
        for org in orgs:
            ctx.organization_ids[(org.code, org.key)] = written[(ids[org.code], org.name)]


def build_officials(ctx: DemoContext) -> None:
    plan, jids, oids = ctx.plan, ctx.jurisdiction_ids, ctx.organization_ids
    people = [
        {
            "registered_in_id": jids[person.registered_code],
            "name": person.name,
            "gender": person.gender,
            "birth_year": person.birth_year,
            "phone": person.phone,
        }
        for person in plan.people
    ]
    official_ids = ctx.sync(
        "officials",
        Official,
        people,
        key=("registered_in_id", "name"),
        fields=("gender", "birth_year", "phone"),
        existing=Official.objects.filter(registered_in_id__in=jids.values()),
    )
    pk_of = {id(person): official_ids[(jids[person.registered_code], person.name)] for person in plan.people}
    ctx.official_ids = {slot: pk_of[id(person)] for slot, (person, _posts) in plan.slots.items()}
    posts = [
        {
            "official_id": pk_of[id(person)],
            "organization_id": oids[(post.code, post.org_key)],
            "role": post.role,
            "title": post.title,
            "start_date": post.start,
            "end_date": post.end,
        }
        for person in plan.people
        for post in person.posts
    ]
    ctx.sync(
        "posts",
        Post,
        posts,
        key=("official_id", "organization_id", "role", "start_date"),
        fields=("title", "end_date"),
        existing=Post.objects.filter(organization_id__in=oids.values()),
    )


def build_accounts(ctx: DemoContext) -> None:
    """One login per role (see ``data.LOGINS``), all with the password ``data.PASSWORD``."""
    User = get_user_model()
    created = updated = 0
    for username, group_name, slot, scope_code, account_type, description in data.LOGINS:
        official = Official.objects.get(pk=ctx.official_ids[slot]) if slot else None
        wanted = {
            "display_name": f"{official.name}（{description}）" if official else description,
            "account_type": account_type,
            "is_staff": username == "admin",
            "is_superuser": username == "admin",
            "is_active": True,
            "email": f"{username}@demo.invalid",
        }
        user, was_created = User.objects.get_or_create(username=username, defaults=wanted)
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if was_created or not user.check_password(data.PASSWORD):
            user.set_password(data.PASSWORD)
            changed.append("password")
        if was_created:
            user.save()
        elif changed:
            user.save(update_fields=changed)
            updated += 1
        created += was_created
        wanted_groups = [Group.objects.get_or_create(name=group_name)[0]] if group_name else []
        if {g.pk for g in user.groups.all()} != {g.pk for g in wanted_groups}:
            user.groups.set(wanted_groups)
        if official is not None and official.user_id != user.pk:
            Official.objects.filter(user=user).exclude(pk=official.pk).update(user=None)
            official.user = user
            official.save(update_fields=["user"])
        if scope_code:
            _, made = ScopeAssignment.objects.get_or_create(
                user=user, jurisdiction_id=ctx.jurisdiction_ids[scope_code], defaults={"note": "演示账号"}
            )
            ctx.created["scope assignments"] += made
        ctx.users[username] = user
    ctx.created["users"] += created
    ctx.updated["users"] += updated
    ctx.log(f"  users: {len(data.LOGINS)} planned, {created} created, {updated} updated")


# --- The build --------------------------------------------------------------------------------


def _steps():
    for step in sorted(DEMO_STEPS, key=lambda s: s.order):
        yield step.name, import_string(step.func) if isinstance(step.func, str) else step.func


def scope_label(user) -> str:
    scope = get_scope(user)
    if scope.unrestricted:
        return "全部（不受限）"
    if scope.is_empty:
        return "—"
    names = dict(Jurisdiction.objects.filter(pk__in=scope.root_ids).values_list("path", "name"))
    return "、".join(names.get(path, path) for path in scope.paths)


def demo_counts() -> dict:
    """What exists now (the whole database, not only the demo)."""
    from datetime import date as _date

    from django.utils import timezone

    User = get_user_model()
    today: _date = timezone.localdate()
    return {
        "jurisdictions": dict(Jurisdiction.objects.order_by().values_list("level").annotate(n=Count("pk"))),
        "organizations": dict(Organization.objects.order_by().values_list("kind").annotate(n=Count("pk"))),
        "officials": Official.objects.count(),
        "posts": Post.objects.count(),
        "current posts": Post.objects.current(today).count(),
        "users": User.objects.count(),
        "scope assignments": ScopeAssignment.objects.count(),
    }


def build_demo(*, stdout=None) -> dict:
    """Build the demo city, or complete it; idempotent. Returns what was created and updated,
    the counts of what exists and the demo logins (username, password, role, scope)."""
    started = time.monotonic()
    ctx = DemoContext(stdout=stdout)
    with disable_auditlog(), transaction.atomic():
        for name, func in _steps():
            ctx.log(f"{name} …")
            func(ctx)
    logins = []
    for username, group_name, *_rest in data.LOGINS:
        user = ctx.users.get(username) or get_user_model().objects.get(username=username)
        logins.append(
            {
                "username": username,
                "password": data.PASSWORD,
                "role": role_label(group_name) if group_name else "超级管理员",
                "scope": scope_label(user),
                "display_name": user.display_name,
            }
        )
    return {
        "created": dict(ctx.created),
        "updated": dict(ctx.updated),
        "counts": demo_counts(),
        "logins": logins,
        "seconds": round(time.monotonic() - started, 2),
        "context": ctx,
    }
