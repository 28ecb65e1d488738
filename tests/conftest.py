"""Shared fixtures: an isolated file area, a small jurisdiction world, and the permission matrix.

The world (``world`` fixture)::

    350000 福建省 (province)
    └── 350500 泉州市 (city)
        ├── 350582 晋江市 (county A) ── 350582100 安海镇 ── 350582100001 安平村
        └── 350583 南安市 (county B) ── 350583100 溪美街道 ── 350583100001 东门社区

Each county has a government, a safety committee office, an emergency-management bureau and
a township government; each has an official registered there holding a post. One user per
role in :class:`responsibility.roles.Role` lives in county A: people (safety office, leader,
inspector, department) through a current post, accounts (enterprise, county system, auditor)
through a :class:`ScopeAssignment`.

The permission matrix (``matrix_case`` fixture) pairs every role with an object inside county A
or inside county B, for organizations, officials and jurisdictions, and says what must happen:
listed or not, detail 200 or 404, write allowed / 403 / 404. The HTML view tests and the API
tests both run it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from responsibility.choices import JurisdictionLevel, OrganizationFunction, OrganizationKind, PostRole
from responsibility.roles import Role
from tests.factories import (
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    assigned_user,
    jurisdiction,
    official_user,
)

# --- Files ----------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _celery_files_in_tmp(tmp_path_factory):
    """Without REDIS_URL, Celery's filesystem broker and result backend live under tmp, not
    under the checkout's var/ (the Celery app reads its configuration once, hence session)."""
    from django.conf import settings
    from django.test.utils import override_settings

    from config.celery import app, ensure_broker_folders

    if not str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        yield
        return
    root = tmp_path_factory.mktemp("celery")
    options = {
        "data_folder_in": str(root / "broker"),
        "data_folder_out": str(root / "broker"),
        "control_folder": str(root / "control"),
    }
    backend = f"file://{root / 'results'}"
    with override_settings(CELERY_BROKER_TRANSPORT_OPTIONS=options, CELERY_RESULT_BACKEND=backend):
        app.conf.update(broker_transport_options=options, result_backend=backend)
        ensure_broker_folders()
        yield


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads and the filesystem broker write under tmp_path, never into the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        broker = tmp_path / "celery" / "broker"
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
            "data_folder_in": str(broker),
            "data_folder_out": str(broker),
            "control_folder": str(tmp_path / "celery" / "control"),
        }


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions quote messages in English. The platform's default language is Chinese and
    locale/ translates them; the translations are not what these tests are about."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


# --- The world ------------------------------------------------------------------------------

PEOPLE_ROLES = {
    # role: (organization key in county A, post role)
    Role.SAFETY_OFFICE: ("office", PostRole.OFFICE_STAFF),
    Role.LEADER: ("government", PostRole.SAFETY_DEPUTY),
    Role.INSPECTOR: ("emergency", PostRole.INSPECTOR),
    Role.DEPARTMENT: ("emergency", PostRole.DEPARTMENT_HEAD),
    Role.STAFFING_REVIEWER: ("staffing", PostRole.DEPARTMENT_LEADER),
}
ACCOUNT_ROLES = (Role.ENTERPRISE, Role.COUNTY_SYSTEM, Role.AUDITOR)


@dataclass
class County:
    county: Any
    township: Any
    village: Any
    orgs: dict[str, Any]
    official: Any  # registered here, holding a post in the emergency bureau


@dataclass
class World:
    province: Any
    city: Any
    a: County
    b: County
    users: dict[str, Any] = field(default_factory=dict)  # role -> user inside county A

    def user(self, role: str):
        return self.users[str(role)]


def _county(city, code: str, name: str, township: tuple[str, str], village: tuple[str, str], official_name: str) -> County:
    county = jurisdiction(code, JurisdictionLevel.COUNTY, city, name)
    town = jurisdiction(township[0], JurisdictionLevel.TOWNSHIP, county, township[1])
    village_j = jurisdiction(village[0], JurisdictionLevel.VILLAGE, town, village[1])
    committee = OrganizationFactory(jurisdiction=county, name=f"{name}安全生产委员会", kind=OrganizationKind.SAFETY_COMMITTEE)
    orgs = {
        "government": OrganizationFactory(jurisdiction=county, name=f"{name}人民政府", kind=OrganizationKind.GOVERNMENT),
        "committee": committee,
        "office": OrganizationFactory(
            jurisdiction=county, name=f"{name}安委会办公室", kind=OrganizationKind.SAFETY_OFFICE, parent=committee
        ),
        "emergency": OrganizationFactory(
            jurisdiction=county,
            name=f"{name}应急管理局",
            kind=OrganizationKind.SUPERVISORY_DEPARTMENT,
            function=OrganizationFunction.EMERGENCY,
        ),
        "township": OrganizationFactory(jurisdiction=town, name=f"{township[1]}人民政府", kind=OrganizationKind.GOVERNMENT),
        "staffing": OrganizationFactory(
            jurisdiction=county,
            name=f"中共{name}委机构编制委员会办公室",
            kind=OrganizationKind.PARTY_DEPARTMENT,
            function=OrganizationFunction.STAFFING,
        ),
    }
    official = OfficialFactory(name=official_name, registered_in=county)
    PostFactory(official=official, organization=orgs["emergency"], role=PostRole.DEPARTMENT_LEADER, title="副局长")
    return County(county=county, township=town, village=village_j, orgs=orgs, official=official)


def build_world() -> World:
    province = jurisdiction("350000", JurisdictionLevel.PROVINCE, None, "福建省")
    city = jurisdiction("350500", JurisdictionLevel.CITY, province, "泉州市")
    a = _county(city, "350582", "晋江市", ("350582100", "安海镇"), ("350582100001", "安平村"), "陈晋江")
    b = _county(city, "350583", "南安市", ("350583100", "溪美街道"), ("350583100001", "东门社区"), "林南安")
    world = World(province=province, city=city, a=a, b=b)
    for role, (org_key, post_role) in PEOPLE_ROLES.items():
        world.users[str(role)] = official_user(
            role=role, organization=a.orgs[org_key], post_role=post_role, username=f"a_{role}", display_name=f"晋江{role}"
        )
    for role in ACCOUNT_ROLES:
        world.users[str(role)] = assigned_user(role=role, jurisdiction=a.county, username=f"a_{role}", account_type=_account_type(role))
    return world


def _account_type(role: str) -> str:
    from core.choices import AccountType

    return {Role.ENTERPRISE: AccountType.ENTERPRISE, Role.COUNTY_SYSTEM: AccountType.COUNTY_SYSTEM}.get(role, AccountType.PERSON)


@pytest.fixture
def world(db) -> World:
    # Built without audit entries (half the inserts); tests about the trail make their own.
    from auditlog.context import disable_auditlog

    with disable_auditlog():
        return build_world()


# --- The permission matrix ------------------------------------------------------------------

ALL_ROLES = tuple(Role.values)
READ_ONLY_ROLES = tuple(r for r in ALL_ROLES if r != Role.SAFETY_OFFICE)


@dataclass(frozen=True)
class ModelSpec:
    """How the view and API tests reach one model."""

    name: str
    list_url: str
    detail_url: str  # url name taking pk
    update_url: str  # url name taking pk
    api_url: str
    viewers: tuple[str, ...]  # roles that may view it (in their scope)
    changers: tuple[str, ...]  # roles that may change it (in their scope)


MODEL_SPECS = {
    "organization": ModelSpec(
        "organization",
        "responsibility:organization_list",
        "responsibility:organization_detail",
        "responsibility:organization_update",
        "/api/v1/organizations/",
        viewers=ALL_ROLES,
        changers=(Role.SAFETY_OFFICE,),
    ),
    "official": ModelSpec(
        "official",
        "responsibility:official_list",
        "responsibility:official_detail",
        "responsibility:official_update",
        "/api/v1/officials/",
        viewers=tuple(r for r in ALL_ROLES if r != Role.ENTERPRISE),  # enterprises never see people
        changers=(Role.SAFETY_OFFICE,),
    ),
    "jurisdiction": ModelSpec(
        "jurisdiction",
        "responsibility:jurisdiction_list",
        "responsibility:jurisdiction_detail",
        "responsibility:jurisdiction_update",
        "/api/v1/jurisdictions/",
        viewers=ALL_ROLES,
        changers=(Role.SAFETY_OFFICE,),
    ),
}


@dataclass(frozen=True)
class Expected:
    listed: bool
    detail: int  # 200 or 404
    write: str  # "ok", "forbidden" (403) or "not_found" (404)

    def write_status(self, ok: int) -> int:
        return {"ok": ok, "forbidden": 403, "not_found": 404}[self.write]


def expected_for(spec: ModelSpec, role: str, where: str) -> Expected:
    if where == "outside":
        # Another county's objects do not exist for this user, whatever the role.
        return Expected(listed=False, detail=404, write="not_found")
    if role not in spec.viewers:
        return Expected(listed=False, detail=404, write="not_found")
    return Expected(listed=True, detail=200, write="ok" if role in spec.changers else "forbidden")


def matrix_object(world: World, model: str, where: str):
    county = world.a if where == "inside" else world.b
    return {
        "organization": county.orgs["emergency"],
        "official": county.official,
        "jurisdiction": county.township,
    }[model]


@dataclass
class MatrixCase:
    model: str
    role: str
    where: str
    user: Any
    obj: Any
    expected: Expected
    spec: ModelSpec

    def __str__(self) -> str:
        return f"{self.role} on {self.model} {self.where} county A"

    # Each write renames the object: the new name tells whether it happened.
    @property
    def new_name(self) -> str:
        return f"{self.obj.name}（改）"

    def html_form_data(self) -> dict:
        obj = self.obj
        if self.model == "organization":
            return {
                "jurisdiction": obj.jurisdiction_id,
                "name": self.new_name,
                "short_name": obj.short_name,
                "kind": obj.kind,
                "function": obj.function,
                "parent": obj.parent_id or "",
                "lead_department": obj.lead_department_id or "",
                "sort_order": obj.sort_order,
                "is_active": "on",
            }
        if self.model == "official":
            return {
                "name": self.new_name,
                "gender": obj.gender,
                "birth_year": obj.birth_year or "",
                "phone": obj.phone,
                "registered_in": obj.registered_in_id,
                "note": obj.note,
            }
        return {"name": self.new_name, "is_active": "on"}

    def api_patch_data(self) -> dict:
        return {"name": self.new_name}

    def stored_name(self) -> str:
        return type(self.obj).objects.get(pk=self.obj.pk).name


MATRIX_PARAMS = [
    pytest.param((model, role, where), id=f"{model}-{role}-{where}")
    for model in MODEL_SPECS
    for role in ALL_ROLES
    for where in ("inside", "outside")
]


@pytest.fixture(params=MATRIX_PARAMS)
def matrix_case(request, world) -> MatrixCase:
    model, role, where = request.param
    spec = MODEL_SPECS[model]
    return MatrixCase(
        model=model,
        role=role,
        where=where,
        user=world.user(role),
        obj=matrix_object(world, model, where),
        expected=expected_for(spec, role, where),
        spec=spec,
    )


def detail_url(case: MatrixCase) -> str:
    return reverse(case.spec.detail_url, args=[case.obj.pk])


def update_url(case: MatrixCase) -> str:
    return reverse(case.spec.update_url, args=[case.obj.pk])


# --- Small helpers --------------------------------------------------------------------------


def results(response) -> list[dict]:
    """The rows of a paginated API list answer."""
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


@pytest.fixture
def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def pytest_configure(config):
    # WhiteNoise warns once per client that STATIC_ROOT does not exist (collectstatic is not
    # run for tests); it says nothing about the code under test.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def _fresh_working_calendar():
    """Each test loads the working-day table from its own database: a test's rolled-back
    calendar edits must not leak into the next, and query counts must not depend on order."""
    from core import calendar

    calendar.forget()
    yield
    calendar.forget()


#: Data migrations that load reference data (sectors, duty templates, obligations, grading
#: bands, checklists). Rows written by migrations live in the test database once; a
#: transactional test flushes every table when it ends, so the next one reloads them.
REFERENCE_DATA_MIGRATIONS = (
    "responsibility.migrations.0003_reference_data",
    "hazards.migrations.0002_reference_data",
    "inspections.migrations.0002_checklists_reference",
    "patrols.migrations.0002_reference_data",
    "assessments.migrations.0002_reference_schemes",
)


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for name in REFERENCE_DATA_MIGRATIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        module.load(apps, None)
