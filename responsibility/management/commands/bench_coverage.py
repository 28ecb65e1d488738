"""Benchmark of the coverage page at province scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_coverage \\
        DEBUG=true python manage.py bench_coverage [--enterprises 100000] [--runs 10]

Run it on a dedicated PostgreSQL database (it migrates it first): it refuses SQLite and any
database holding jurisdictions other than its own. It generates, with bulk inserts, a province
(9 cities, 90 counties, 1,080 townships, 10,800 villages) with organizations, grid posts, grid
cells and named supervisors, sector mappings, published and unpublished lists, and the
enterprises with their supervising departments — with a few deliberate gaps of every kind —
then logs in as a safety-office account scoped to the province and times GET of the coverage
page (and the coverage API) with the test client: p50, p95, and the number of queries.

Data from an earlier run is reused when the number of enterprises matches; ``--reset``
deletes it and generates again.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from responsibility.choices import (
    EnterpriseStatus,
    GridLevel,
    JurisdictionLevel,
    OrganizationKind,
    PostRole,
    PowerListStatus,
    RiskClass,
)
from responsibility.models import (
    Enterprise,
    EnterpriseSupervision,
    Grid,
    GridSupervisor,
    Jurisdiction,
    Official,
    Organization,
    Post,
    PowerListVersion,
    ScopeAssignment,
    Sector,
    SectorResponsibility,
)
from responsibility.validators import credit_code_check_character

PROVINCE_CODE = "990000"
PROVINCE_PATH = "99"
USERNAME = "bench_coverage_office"
CITIES, COUNTIES_PER_CITY, TOWNSHIPS_PER_COUNTY, VILLAGES_PER_TOWNSHIP = 9, 10, 12, 10
DEPARTMENTS = ("应急管理局", "住房和城乡建设局", "交通运输局", "市场监督管理局", "工业和信息化局", "消防救援大队", "教育局", "商务局")
BATCH = 5000
#: Tables the benchmark fills, children first (``--reset`` empties them in this order).
BENCH_TABLES = (
    EnterpriseSupervision, Enterprise, GridSupervisor, Grid, SectorResponsibility, PowerListVersion,
    Post, Official, ScopeAssignment, Organization, Jurisdiction,
)


class Command(BaseCommand):
    help = "Generate a province-scale data set in a dedicated PostgreSQL database and time the coverage page."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=100_000, help="How many enterprises (default 100000).")
        parser.add_argument("--runs", type=int, default=10, help="Timed requests per page (default 10).")
        parser.add_argument("--reset", action="store_true", help="Delete the benchmark's data and generate it again.")
        parser.add_argument("--seed", type=int, default=20260101)
        parser.add_argument("--explain", action="store_true", help="Print EXPLAIN ANALYZE of the slowest queries.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_coverage needs PostgreSQL: set DATABASE_URL to a dedicated PostgreSQL database.")
        call_command("migrate", verbosity=0)
        foreign = Jurisdiction.objects.exclude(path__startswith=PROVINCE_PATH).exists()
        if foreign:
            raise CommandError(
                "This database holds jurisdictions that are not the benchmark's. Use a dedicated database "
                "(createdb bench_coverage; DATABASE_URL=postgres://…/bench_coverage)."
            )
        wanted = options["enterprises"]
        have = Enterprise.objects.count()
        if options["reset"] or (have and have != wanted):
            if have and not options["reset"]:
                raise CommandError(f"The database holds {have} benchmark enterprises, not {wanted}: add --reset to regenerate.")
            self._reset()
            have = 0
        if not have:
            started = time.monotonic()
            with transaction.atomic():
                Generator(random.Random(options["seed"]), wanted, self.stdout).run()
            self.stdout.write(f"Generated in {time.monotonic() - started:.1f} s.")
            # As autovacuum would on a live database: statistics, and a visibility map so that
            # index-only scans do not visit the heap.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        user = self._user()
        self._time(user, options["runs"], options["explain"])

    def _reset(self) -> None:
        self.stdout.write("Deleting the previous benchmark data …")
        with transaction.atomic(), connection.cursor() as cursor:
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in BENCH_TABLES)
            cursor.execute(f"TRUNCATE {tables} CASCADE")

    def _user(self):
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=USERNAME, defaults={"display_name": "基准省安办"})
        user.groups.set([Group.objects.get(name="safety_office")])
        ScopeAssignment.objects.get_or_create(user=user, jurisdiction=Jurisdiction.objects.get(code=PROVINCE_CODE))
        return user

    def _time(self, user, runs: int, explain: bool) -> None:
        from django.conf import settings

        self.stdout.write(
            f"Scope: province, {Enterprise.objects.count():,} enterprises, {EnterpriseSupervision.objects.count():,} supervisions, "
            f"{Grid.objects.count():,} grid cells, {Organization.objects.count():,} organizations, "
            f"{Jurisdiction.objects.count():,} jurisdictions. DEBUG={settings.DEBUG}"
        )
        client = Client()
        client.force_login(user)
        for label, url in (("coverage page", reverse("responsibility:coverage")), ("coverage API", "/api/v1/coverage/")):
            client.get(url)  # warm up: connection, templates, content types
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            timings.sort()
            p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
            sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
            self.stdout.write(
                f"{label:14} runs={runs} p50={statistics.median(timings):.0f} ms p95={p95:.0f} ms "
                f"min={timings[0]:.0f} ms max={timings[-1]:.0f} ms queries={len(captured.captured_queries)} "
                f"(SQL {sql_ms:.0f} ms in the counted run)"
            )
            slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:5]
            for query in slowest:
                self.stdout.write(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")
            if explain and label == "coverage page":
                with connection.cursor() as cursor:
                    for query in slowest[:3]:
                        cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                        self.stdout.write("\n".join(row[0] for row in cursor.fetchall()))
                        self.stdout.write("")


class Generator:
    """Writes the benchmark province with bulk inserts; every random choice from one seeded RNG."""

    def __init__(self, rng: random.Random, enterprises: int, stdout):
        self.rng, self.enterprise_total, self.stdout = rng, enterprises, stdout
        self.today = timezone.localdate()

    def log(self, message: str) -> None:
        self.stdout.write(f"  {message}")

    def run(self) -> None:
        self.jurisdictions()
        self.organizations()
        self.posts()
        self.grids()
        self.mappings_and_lists()
        self.enterprises()

    # -- jurisdictions --

    def _bulk(self, model, objects: list) -> list:
        return model.objects.bulk_create(objects, batch_size=BATCH)

    def jurisdictions(self) -> None:
        province = Jurisdiction.objects.create(code=PROVINCE_CODE, name="基准省", level=JurisdictionLevel.PROVINCE)
        cities = self._bulk(
            Jurisdiction,
            [
                Jurisdiction(code=f"99{c:02d}00", name=f"第{c}市", level=JurisdictionLevel.CITY, path=f"99{c:02d}", parent=province)
                for c in range(1, CITIES + 1)
            ],
        )
        counties = self._bulk(
            Jurisdiction,
            [
                Jurisdiction(
                    code=f"{city.path}{n:02d}", name=f"{city.name}第{n}县", level=JurisdictionLevel.COUNTY, path=f"{city.path}{n:02d}", parent=city
                )
                for city in cities
                for n in range(1, COUNTIES_PER_CITY + 1)
            ],
        )
        townships = self._bulk(
            Jurisdiction,
            [
                Jurisdiction(
                    code=f"{county.path}{n:03d}", name=f"{county.name}{n}镇", level=JurisdictionLevel.TOWNSHIP, path=f"{county.path}{n:03d}", parent=county
                )
                for county in counties
                for n in range(100, 100 + TOWNSHIPS_PER_COUNTY)
            ],
        )
        villages = self._bulk(
            Jurisdiction,
            [
                Jurisdiction(
                    code=f"{town.path}{n:03d}", name=f"{town.name}{n}村", level=JurisdictionLevel.VILLAGE, path=f"{town.path}{n:03d}", parent=town
                )
                for town in townships
                for n in range(201, 201 + VILLAGES_PER_TOWNSHIP)
            ],
        )
        self.province, self.cities, self.counties, self.townships, self.villages = province, cities, counties, townships, villages
        self.log(f"jurisdictions: {1 + len(cities) + len(counties) + len(townships) + len(villages):,}")

    # -- organizations --

    def organizations(self) -> None:
        orgs = []
        self.units = [*self.cities, *self.counties]
        for unit in self.units:
            orgs.append(Organization(jurisdiction=unit, name=f"中共{unit.name}委员会", kind=OrganizationKind.PARTY_COMMITTEE, sort_order=10))
            orgs.append(Organization(jurisdiction=unit, name=f"{unit.name}人民政府", kind=OrganizationKind.GOVERNMENT, sort_order=20))
            orgs.append(Organization(jurisdiction=unit, name=f"{unit.name}安委会办公室", kind=OrganizationKind.SAFETY_OFFICE, sort_order=410))
            for i, name in enumerate(DEPARTMENTS):
                kind = OrganizationKind.SUPERVISORY_DEPARTMENT if i < 6 else OrganizationKind.OTHER_DEPARTMENT
                orgs.append(Organization(jurisdiction=unit, name=f"{unit.name}{name}", kind=kind, sort_order=200 + i))
        for town in self.townships:
            orgs.append(Organization(jurisdiction=town, name=f"{town.name}党委", kind=OrganizationKind.PARTY_COMMITTEE, sort_order=10))
            orgs.append(Organization(jurisdiction=town, name=f"{town.name}人民政府", kind=OrganizationKind.GOVERNMENT, sort_order=20))
            orgs.append(
                Organization(jurisdiction=town, name=f"{town.name}安监站", kind=OrganizationKind.OTHER_DEPARTMENT, function="township_station", sort_order=30)
            )
        orgs = self._bulk(Organization, orgs)
        self.orgs_by_jurisdiction: dict[int, list[Organization]] = {}
        for org in orgs:
            self.orgs_by_jurisdiction.setdefault(org.jurisdiction_id, []).append(org)
        self.organizations_all = orgs
        self.log(f"organizations: {len(orgs):,}")

    def _org(self, jurisdiction, kind=None, function=None) -> Organization:
        return next(
            o for o in self.orgs_by_jurisdiction[jurisdiction.pk]
            if (kind is None or o.kind == kind) and (function is None or o.function == function)
        )

    def _departments(self, unit) -> list[Organization]:
        return [o for o in self.orgs_by_jurisdiction[unit.pk] if o.kind == OrganizationKind.SUPERVISORY_DEPARTMENT]

    # -- grid posts --

    def posts(self) -> None:
        start = date(2022, 1, 1)
        holders = []  # (jurisdiction, organization, role, title)
        for unit in self.units:
            holders.append((unit, self._org(unit, OrganizationKind.PARTY_COMMITTEE), PostRole.GRID_CHIEF, "网格总督导员"))
        for town in self.townships:
            holders.append((town, self._org(town, OrganizationKind.PARTY_COMMITTEE), PostRole.GRID_CHIEF, "网格总督导员"))
        village_station = {}
        for village in self.villages:
            town = self._town_of(village)
            station = village_station.setdefault(town.pk, self._org(town, function="township_station"))
            holders.append((village, station, PostRole.GRID_LEVEL_3, f"{village.name}三级网格督导员"))
        officials = self._bulk(
            Official, [Official(name=f"督导员{i:05d}", registered_in_id=org.jurisdiction_id) for i, (_j, org, _r, _t) in enumerate(holders)]
        )
        posts = self._bulk(
            Post,
            [
                Post(official=official, organization=org, role=role, title=title, start_date=start)
                for official, (_j, org, role, title) in zip(officials, holders, strict=True)
            ],
        )
        self.post_of = {j.pk: post for post, (j, _o, _r, _t) in zip(posts, holders, strict=True)}
        self.log(f"grid posts: {len(posts):,}")

    def _town_of(self, village):
        if not hasattr(self, "_towns"):
            self._towns = {t.pk: t for t in self.townships}
        return self._towns[village.parent_id]

    # -- grids --

    def grids(self) -> None:
        rng = self.rng
        cell_of: dict[int, Grid] = {}
        levels = (
            (GridLevel.CITY, self.cities),
            (GridLevel.COUNTY, self.counties),
            (GridLevel.TOWNSHIP, self.townships),
            (GridLevel.VILLAGE, [v for v in self.villages if rng.random() > 0.03]),  # ~3% of villages: no cell
        )
        supervisors = []
        for level, places in levels:
            cells = self._bulk(
                Grid,
                [Grid(jurisdiction=p, level=level, name=f"{p.name}网格", parent=cell_of.get(p.parent_id)) for p in places],
            )
            for place, cell in zip(places, cells, strict=True):
                cell_of[place.pk] = cell
                # ~2% of township cells: supervisors, but none named
                named = not (level == GridLevel.TOWNSHIP and rng.random() < 0.02)
                supervisors.append(GridSupervisor(grid=cell, post=self.post_of[place.pk], is_primary=named))
        self._bulk(GridSupervisor, supervisors)
        self.cell_of = cell_of
        self.log(f"grid cells: {len(cell_of):,}, supervisors: {len(supervisors):,}")

    # -- sector mapping and lists --

    def mappings_and_lists(self) -> None:
        rng = self.rng
        self.sectors = list(Sector.objects.filter(is_active=True))
        if not self.sectors:
            call_command("load_reference_data", verbosity=0)
            self.sectors = list(Sector.objects.filter(is_active=True))
        mappings = []
        for county in self.counties:
            departments = self._departments(county)
            for sector in self.sectors:
                if rng.random() < 0.04:
                    continue  # unmapped here; the city may still cover it
                chosen = rng.sample(departments, 2 if rng.random() < 0.05 else 1)
                mappings.extend(
                    SectorResponsibility(jurisdiction=county, sector=sector, organization=d, is_lead=i == 0) for i, d in enumerate(chosen)
                )
        for city in self.cities:
            departments = self._departments(city)
            for sector in rng.sample(self.sectors, 3):
                mappings.append(SectorResponsibility(jurisdiction=city, sector=sector, organization=rng.choice(departments)))
        self._bulk(SectorResponsibility, mappings)
        keeping = {OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GOVERNMENT, OrganizationKind.SUPERVISORY_DEPARTMENT, OrganizationKind.OTHER_DEPARTMENT}
        now = timezone.now()
        versions = []
        for org in self.organizations_all:
            if org.kind not in keeping:
                continue
            if rng.random() < 0.85:
                versions.append(PowerListVersion(organization=org, number=1, status=PowerListStatus.PUBLISHED, published_at=now))
            elif rng.random() < 0.5:
                versions.append(PowerListVersion(organization=org, number=1, status=PowerListStatus.DRAFT))
        self._bulk(PowerListVersion, versions)
        self.log(f"sector mappings: {len(mappings):,}, lists: {len(versions):,}")

    # -- enterprises --

    def enterprises(self) -> None:
        rng = self.rng
        places = self.villages + self.townships  # mostly villages, some directly under a township
        weights = [9] * len(self.villages) + [1 * VILLAGES_PER_TOWNSHIP] * len(self.townships)
        risks = [RiskClass.MAJOR, RiskClass.LARGER, RiskClass.GENERAL, RiskClass.LOW]
        county_of = {c.pk: c for c in self.counties}
        town_of = {t.pk: t for t in self.townships}
        made = 0
        since = self.today - timedelta(days=3 * 365)
        while made < self.enterprise_total:
            count = min(BATCH, self.enterprise_total - made)
            chosen = rng.choices(places, weights=weights, k=count)
            batch = []
            for offset, place in enumerate(chosen):
                n = made + offset
                town = place if place.level == JurisdictionLevel.TOWNSHIP else town_of[place.parent_id]
                first17 = f"91{town.path[:6]}{n:09d}"
                cell = self.cell_of.get(place.pk) or self.cell_of.get(town.pk)
                batch.append(
                    Enterprise(
                        credit_code=first17 + credit_code_check_character(first17),
                        name=f"基准企业{n:06d}有限公司",
                        jurisdiction=place,
                        sector=rng.choice(self.sectors),
                        risk_class=rng.choices(risks, weights=(2, 8, 50, 40))[0],
                        status=EnterpriseStatus.CLOSED if rng.random() < 0.02 else EnterpriseStatus.OPERATING,
                        grid=None if rng.random() < 0.04 else cell,
                        accident_count=1 if rng.random() < 0.01 else 0,
                        last_accident_on=since if rng.random() < 0.01 else None,
                    )
                )
            batch = Enterprise.objects.bulk_create(batch, batch_size=BATCH)
            supervisions = []
            for enterprise in batch:
                if rng.random() < 0.03:
                    continue  # no supervising department
                county = county_of[town_of[enterprise.jurisdiction.parent_id].parent_id] if enterprise.jurisdiction.level == JurisdictionLevel.VILLAGE else county_of[enterprise.jurisdiction.parent_id]
                departments = self._departments(county)
                chosen_departments = rng.sample(departments, 2 if rng.random() < 0.1 else 1)
                supervisions.extend(
                    EnterpriseSupervision(enterprise=enterprise, organization=d, is_primary=i == 0) for i, d in enumerate(chosen_departments)
                )
            EnterpriseSupervision.objects.bulk_create(supervisions, batch_size=BATCH)
            made += count
        self.log(f"enterprises: {made:,}")
