"""factory_boy factories for the platform foundation.

Jurisdictions need real, consistent division codes, so :func:`jurisdiction` takes the code
and derives the level's rules from the parent; the other factories have sensible defaults.
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from core.choices import AccountType
from core.models import User
from responsibility.choices import JurisdictionLevel, OrganizationKind, PostRole
from responsibility.models import Jurisdiction, Official, Organization, Post, ScopeAssignment

PASSWORD = "test-password-123"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)
    account_type = AccountType.PERSON
    is_active = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=str(role)) for role in extracted))


class JurisdictionFactory(DjangoModelFactory):
    """Provinces with sequential codes by default; pass ``code``, ``level`` and ``parent`` for
    anything lower (or use :func:`jurisdiction`)."""

    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{11 + n % 80:02d}0000")
    name = factory.LazyAttribute(lambda o: f"区划{o.code}")
    level = JurisdictionLevel.PROVINCE
    parent = None


def jurisdiction(code: str, level: str, parent: Jurisdiction | None = None, name: str | None = None) -> Jurisdiction:
    return JurisdictionFactory(code=code, level=level, parent=parent, name=name or f"区划{code}")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"单位{n:04d}")
    kind = OrganizationKind.SUPERVISORY_DEPARTMENT


class OfficialFactory(DjangoModelFactory):
    class Meta:
        model = Official

    name = factory.Sequence(lambda n: f"干部{n:04d}")
    registered_in = factory.SubFactory(JurisdictionFactory)


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    official = factory.SubFactory(OfficialFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = PostRole.DEPARTMENT_HEAD
    title = ""
    start_date = datetime.date(2020, 1, 1)
    end_date = None


class ScopeAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = ScopeAssignment

    user = factory.SubFactory(UserFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)


def official_user(*, role: str, organization: Organization, post_role: str = PostRole.OFFICE_STAFF, **user_fields) -> User:
    """A person whose scope comes from a current post in ``organization``."""
    user = UserFactory(roles=[role], **user_fields)
    official = OfficialFactory(user=user, registered_in=organization.jurisdiction, name=user.display_name)
    PostFactory(official=official, organization=organization, role=post_role)
    return user


def assigned_user(*, role: str, jurisdiction: Jurisdiction, **user_fields) -> User:
    """An account (county system, auditor, enterprise) whose scope is an explicit assignment."""
    user = UserFactory(roles=[role], **user_fields)
    ScopeAssignmentFactory(user=user, jurisdiction=jurisdiction)
    return user


# --- Duties, key-work lists and committee membership (duties feature) ------------------------


class DutyTemplateFactory(DjangoModelFactory):
    """A local supplement by default (statutory templates come from the seeded migration)."""

    class Meta:
        model = "responsibility.DutyTemplate"

    role = PostRole.SAFETY_DEPUTY
    sequence = factory.Sequence(lambda n: 50 + n)
    content = factory.Sequence(lambda n: f"地方补充职责{n}")
    source = "本地安委会文件"
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class WorkListFactory(DjangoModelFactory):
    class Meta:
        model = "responsibility.WorkList"

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    year = factory.LazyFunction(lambda: datetime.date.today().year)
    title = factory.LazyAttribute(lambda o: f"{o.year}年度重点工作责任清单")


class WorkItemFactory(DjangoModelFactory):
    class Meta:
        model = "responsibility.WorkItem"

    work_list = factory.SubFactory(WorkListFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    owner = factory.SubFactory(OfficialFactory)
    content = factory.Sequence(lambda n: f"重点工作{n}")
    due_date = factory.LazyAttribute(lambda o: datetime.date(o.work_list.year, 12, 31))


class CommitteeMembershipFactory(DjangoModelFactory):
    class Meta:
        model = "responsibility.CommitteeMembership"

    body = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.SAFETY_COMMITTEE)
    post = factory.SubFactory(PostFactory)
    position = "member"
    sequence = 100


# --- Enterprises ----------------------------------------------------------------------------


def make_credit_code(n: int, *, prefix: str = "91", division: str = "350582") -> str:
    """A valid unified social credit code (GB 32100 check character), distinct for each ``n``."""
    from responsibility.validators import credit_code_check_character

    first17 = f"{prefix}{division}{n:09d}"
    return first17 + credit_code_check_character(first17)


def sector(code: str = "industry_trade"):
    """A seeded sector (migration 0003 loads them)."""
    from responsibility.models import Sector

    return Sector.objects.get(code=code)


class EnterpriseFactory(DjangoModelFactory):
    """Pass ``jurisdiction`` (a township or village) for anything but a bare record."""

    class Meta:
        model = "responsibility.Enterprise"

    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))
    name = factory.Sequence(lambda n: f"测试企业{n:04d}有限公司")
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    sector = factory.LazyFunction(sector)


class EnterpriseSupervisionFactory(DjangoModelFactory):
    class Meta:
        model = "responsibility.EnterpriseSupervision"

    enterprise = factory.SubFactory(EnterpriseFactory)
    organization = factory.SubFactory(OrganizationFactory)
    is_primary = True


# --- Meetings and the supervision list ------------------------------------------------------


class MeetingFactory(DjangoModelFactory):
    """Pass ``organization``; ``attendees=[...]`` sets the attendees after creation."""

    class Meta:
        model = "responsibility.Meeting"
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    kind = "government_safety"
    held_on = datetime.date(2026, 2, 10)
    title = factory.Sequence(lambda n: f"安全生产工作会议{n}")
    topics = "研究部署安全生产工作"

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendees.set(extracted)


class SupervisionMatterFactory(DjangoModelFactory):
    """Pass ``jurisdiction``, ``owner`` and ``lead_unit`` from one world county."""

    class Meta:
        model = "responsibility.SupervisionMatter"

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    year = 2026
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"督办事项{n}")
    owner = factory.SubFactory(OfficialFactory)
    lead_unit = factory.SubFactory(OrganizationFactory)
    deadline = datetime.date(2026, 12, 31)


class PowerListVersionFactory(DjangoModelFactory):
    """A list version (draft by default); pass ``organization`` from a world county."""

    class Meta:
        model = "responsibility.PowerListVersion"

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = "draft"


class PowerListItemFactory(DjangoModelFactory):
    class Meta:
        model = "responsibility.PowerListItem"

    version = factory.SubFactory(PowerListVersionFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    kind = "power"
    category = "penalty"
    title = factory.Sequence(lambda n: f"对违法行为{n}的行政处罚")
    legal_basis = "《中华人民共和国安全生产法》第九十七条"
    responsible_unit = "执法大队"


class PublicationDeadlineFactory(DjangoModelFactory):
    class Meta:
        model = "responsibility.PublicationDeadline"

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    year = 2026
    deadline = datetime.date(2026, 3, 31)


# --- Grids ----------------------------------------------------------------------------------


def _grid_level(o) -> str:
    from responsibility.services.grids import grid_level_for

    return grid_level_for(o.jurisdiction)


class GridFactory(DjangoModelFactory):
    """Pass ``jurisdiction``; the level follows from it."""

    class Meta:
        model = "responsibility.Grid"

    jurisdiction = factory.SubFactory(JurisdictionFactory, code="350500", level=JurisdictionLevel.CITY)
    level = factory.LazyAttribute(_grid_level)
    name = factory.Sequence(lambda n: f"网格{n:04d}")


class GridSupervisorFactory(DjangoModelFactory):
    """Pass ``grid`` and ``post`` (a grid post in the cell's jurisdiction)."""

    class Meta:
        model = "responsibility.GridSupervisor"

    grid = factory.SubFactory(GridFactory)
    post = factory.SubFactory(PostFactory, role=PostRole.GRID_CHIEF)
    is_primary = True


class SectorResponsibilityFactory(DjangoModelFactory):
    class Meta:
        model = "responsibility.SectorResponsibility"

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    sector = factory.LazyFunction(sector)
    organization = factory.SubFactory(OrganizationFactory)


# --- Hazards ----------------------------------------------------------------------------------

#: The smallest valid JPEG and PNG files (their first bytes are what upload checks read).
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def photo(name: str = "photo.jpg", content: bytes = JPEG_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/jpeg" if name.endswith(("jpg", "jpeg")) else "image/png")


class HazardFactory(DjangoModelFactory):
    """A reported general hazard; pass ``enterprise`` (its jurisdiction is used) or
    ``jurisdiction`` with ``responsible_organization`` for an ownerless one. Bypasses the
    services: use ``hazards.services`` in tests about the workflow."""

    class Meta:
        model = "hazards.Hazard"

    enterprise = factory.SubFactory(EnterpriseFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.enterprise.jurisdiction if o.enterprise else None)
    sector = factory.LazyFunction(sector)
    category = "equipment"
    source = "department_inspection"
    title = factory.Sequence(lambda n: f"隐患{n:05d}")
    description = "消防通道堵塞"
    found_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))


class RiskPointFactory(DjangoModelFactory):
    """An active yellow risk point graded directly; pass ``enterprise`` (its jurisdiction is
    used) or ``jurisdiction`` with ``enterprise=None`` for a public place. Bypasses the
    services: use ``hazards.services.risk`` in tests about grading."""

    class Meta:
        model = "hazards.RiskPoint"

    enterprise = factory.SubFactory(EnterpriseFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.enterprise.jurisdiction if o.enterprise else None)
    sector = factory.LazyFunction(sector)
    name = factory.Sequence(lambda n: f"风险点{n:05d}")
    hazard_factors = "液氨储罐"
    method = "direct"
    grade = "yellow"
    identified_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
