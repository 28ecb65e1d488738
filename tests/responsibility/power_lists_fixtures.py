"""Helpers shared by the power-and-responsibility list tests (test_power_lists_*.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from responsibility.choices import PowerListStatus
from responsibility.models import Organization, PowerListVersion
from responsibility.roles import Role
from tests.factories import PowerListItemFactory, PowerListVersionFactory


def make_version(organization: Organization, *, status: str = PowerListStatus.DRAFT, number: int = 1, items: int = 3, **fields) -> PowerListVersion:
    """A version written directly (not through the workflow), with ``items`` items."""
    if status in (PowerListStatus.APPROVED, PowerListStatus.PUBLISHED, PowerListStatus.SUPERSEDED):
        now = timezone.now()
        fields.setdefault("submitted_at", now - datetime.timedelta(days=10))
        fields.setdefault("staffing_approved_at", now - datetime.timedelta(days=8))
        fields.setdefault("safety_approved_at", now - datetime.timedelta(days=7))
    if status in (PowerListStatus.PUBLISHED, PowerListStatus.SUPERSEDED):
        fields.setdefault("published_at", timezone.now() - datetime.timedelta(days=5))
    if status == PowerListStatus.SUBMITTED:
        fields.setdefault("submitted_at", timezone.now())
    version = PowerListVersionFactory(organization=organization, status=status, number=number, **fields)
    for sequence in range(1, items + 1):
        PowerListItemFactory(version=version, sequence=sequence, title=f"{organization.name}事项{sequence}")
    return version


def office(world):
    return world.user(Role.SAFETY_OFFICE)


def staffing(world):
    return world.user(Role.STAFFING_REVIEWER)


def department(world):
    """The head of county A's emergency bureau: drafts that bureau's list."""
    return world.user(Role.DEPARTMENT)
