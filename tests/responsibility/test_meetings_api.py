"""Meetings and obligations through the API: reads in scope, create through the service,
errors in the common body."""

from __future__ import annotations

import datetime

import pytest

from responsibility.choices import MeetingKind
from responsibility.models import Meeting, Obligation
from responsibility.roles import Role
from tests.conftest import results
from tests.factories import MeetingFactory
from tests.responsibility import meetings_fixtures
from tests.responsibility.meetings_fixtures import PDF, leader, pdf

frozen_today = meetings_fixtures.frozen_today  # the shared fixture: today is 2026-07-15

pytestmark = pytest.mark.django_db
D = datetime.date


def _body(world, **overrides):
    data = {
        "organization": world.a.orgs["government"].pk,
        "kind": MeetingKind.GOVERNMENT_SAFETY,
        "held_on": "2026-07-01",
        "title": "第三季度安全生产工作会议",
        "topics": "部署汛期工作",
        "attendees": [world.a.official.pk],
    }
    data.update(overrides)
    return data


def test_list_is_limited_to_the_scope(api_client, world):
    inside = MeetingFactory(organization=world.a.orgs["government"], attendees=[world.a.official])
    MeetingFactory(organization=world.b.orgs["government"])
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    rows = results(api_client.get("/api/v1/meetings/"))
    assert [r["id"] for r in rows] == [inside.pk]
    assert rows[0]["attendees"] == [world.a.official.pk]
    assert rows[0]["jurisdiction_code"] == "350582"
    assert rows[0]["minutes_url"] is None


def test_create_goes_through_the_service(api_client, world, frozen_today):
    chair = leader(world.a.orgs["government"])
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.post("/api/v1/meetings/", _body(world, chair=chair.pk), format="json")
    assert response.status_code == 201, response.json()
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.chair == chair and list(meeting.attendees.all()) == [world.a.official]


def test_create_with_minutes_as_multipart_and_download_them(api_client, world, frozen_today):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.post("/api/v1/meetings/", _body(world, minutes=pdf()), format="multipart")
    assert response.status_code == 201, response.json()
    url = response.json()["minutes_url"]
    assert url.endswith(f"/api/v1/meetings/{response.json()['id']}/minutes/")
    download = api_client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_bad_input_is_a_400_with_field_errors_and_nothing_saved(api_client, world, frozen_today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.post("/api/v1/meetings/", _body(world, held_on="2026-09-01"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "held_on" in response.json()["errors"]
    response = api_client.post("/api/v1/meetings/", _body(world, minutes=SimpleUploadedFile("x.pdf", b"not a pdf")), format="multipart")
    assert response.status_code == 400
    assert "minutes" in response.json()["errors"]
    assert not Meeting.objects.exists()


def test_an_organization_outside_the_scope_does_not_exist_for_the_caller(api_client, world, frozen_today):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    response = api_client.post("/api/v1/meetings/", _body(world, organization=world.b.orgs["government"].pk), format="json")
    assert response.status_code == 400
    assert "organization" in response.json()["errors"]
    assert not Meeting.objects.exists()


def test_create_without_the_permission_is_403(api_client, world, frozen_today):
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    response = api_client.post("/api/v1/meetings/", _body(world), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_obligations_are_readable_with_the_seeded_rules(api_client, world):
    api_client.force_login(world.user(Role.AUDITOR))
    rows = results(api_client.get("/api/v1/obligations/", {"page_size": 100}))
    names = {r["name"] for r in rows}
    assert "党委常委会每年至少2次听取安全生产工作汇报" in names
    assert "政府每季度至少召开1次安全生产工作会议" in names
    assert len(rows) == Obligation.objects.filter(jurisdiction=None).count()
    # read-only: even the office, which may add rules in the UI, cannot write here
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    assert api_client.post("/api/v1/obligations/", {}, format="json").status_code == 405
