"""Shared pieces of the meetings, obligations, compliance and supervision tests."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from responsibility.choices import OrganizationKind, PostRole
from tests.factories import OfficialFactory, OrganizationFactory, PostFactory

TODAY = datetime.date(2026, 7, 15)  # in Q3 2026: Q1 and Q2 are over, Q3 is running
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield TODAY


def pdf(name: str = "纪要.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def party_committee(county):
    """The Party committee of a world county (the world has none)."""
    return OrganizationFactory(
        jurisdiction=county.county, name=f"中共{county.county.name}委员会", kind=OrganizationKind.PARTY_COMMITTEE
    )


def leader(organization, role=PostRole.GOVERNMENT_PRINCIPAL, name=None):
    official = OfficialFactory(registered_in=organization.jurisdiction, **({"name": name} if name else {}))
    PostFactory(official=official, organization=organization, role=role, start_date=datetime.date(2020, 1, 1))
    return official
