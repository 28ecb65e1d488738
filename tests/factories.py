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
