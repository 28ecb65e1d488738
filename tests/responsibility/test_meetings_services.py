"""The meetings service: the only way a meeting is registered, changed or removed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from responsibility.choices import MeetingKind
from responsibility.models import Meeting
from responsibility.roles import Role
from responsibility.services import meetings as services
from responsibility.services.meetings import MAX_MINUTES_BYTES, minutes_error
from tests.responsibility import meetings_fixtures
from tests.responsibility.meetings_fixtures import PNG, leader, party_committee, pdf

frozen_today = meetings_fixtures.frozen_today  # the shared fixture: today is 2026-07-15

pytestmark = pytest.mark.django_db
D = datetime.date


def _create(world, **overrides):
    data = {
        "actor": world.user(Role.SAFETY_OFFICE),
        "organization": world.a.orgs["government"],
        "kind": MeetingKind.GOVERNMENT_SAFETY,
        "held_on": D(2026, 7, 1),
        "title": "第三季度安全生产工作会议",
        "topics": "部署汛期安全生产工作",
    }
    data.update(overrides)
    return services.meeting_create(**data)


def test_office_registers_a_meeting_with_chair_attendees_and_minutes(world, frozen_today):
    chair = leader(world.a.orgs["government"])
    meeting = _create(world, chair=chair, attendees=[world.a.official, chair], minutes=pdf())
    meeting.refresh_from_db()
    assert meeting.chair == chair
    # the chair is not counted a second time as an attendee
    assert list(meeting.attendees.all()) == [world.a.official]
    assert meeting.minutes.name.endswith(".pdf")
    assert meeting.minutes.read().startswith(b"%PDF")


def test_meeting_of_an_organization_outside_the_scope_is_refused(world, frozen_today):
    with pytest.raises(ValidationError) as caught:
        _create(world, organization=world.b.orgs["government"])
    assert caught.value.message_dict == {"organization": ["This jurisdiction is outside your scope."]}
    assert not Meeting.objects.exists()


def test_chair_or_attendee_outside_the_scope_is_refused(world, frozen_today):
    stranger, other = leader(world.b.orgs["government"]), leader(world.b.orgs["committee"])
    with pytest.raises(ValidationError) as caught:
        _create(world, chair=stranger, attendees=[world.a.official, other])
    assert set(caught.value.message_dict) == {"chair", "attendees"}
    assert not Meeting.objects.exists()


def test_a_meeting_in_the_future_is_not_registered(world, frozen_today):
    with pytest.raises(ValidationError) as caught:
        _create(world, held_on=D(2026, 7, 16))
    assert "held_on" in caught.value.message_dict


def test_the_kind_must_match_the_organization(world, frozen_today):
    with pytest.raises(ValidationError) as caught:
        _create(world, kind=MeetingKind.STANDING_COMMITTEE)
    assert "Party committee" in caught.value.message_dict["kind"][0]
    party = party_committee(world.a)
    assert _create(world, organization=party, kind=MeetingKind.STANDING_COMMITTEE).organization == party


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.exe", b"MZ\x90\x00", "Upload the minutes as PDF"),
        ("minutes.pdf", b"PK\x03\x04 not a pdf", "does not match its type"),
        ("minutes.docx", b"%PDF-1.4 renamed", "does not match its type"),
        ("minutes.png", b"", "empty"),
    ],
)
def test_minutes_of_the_wrong_type_are_refused_and_nothing_is_saved(world, frozen_today, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as caught:
        _create(world, minutes=SimpleUploadedFile(name, content))
    assert message in caught.value.message_dict["minutes"][0]
    assert not Meeting.objects.exists()


def test_minutes_larger_than_20_mb_are_refused(world, frozen_today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("minutes.png", PNG + b"\x00" * MAX_MINUTES_BYTES)
    assert "larger than 20 MB" in minutes_error(big)
    assert minutes_error(SimpleUploadedFile("photo.JPG", b"\xff\xd8\xff\xe0rest")) is None


@pytest.mark.parametrize("role", [Role.LEADER, Role.DEPARTMENT, Role.AUDITOR, Role.COUNTY_SYSTEM])
def test_roles_without_the_permission_cannot_register(world, frozen_today, role):
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.user(role))


def test_update_replaces_the_minutes_and_keeps_attendees_unless_given(world, frozen_today, django_capture_on_commit_callbacks):
    meeting = _create(world, attendees=[world.a.official], minutes=pdf("old.pdf"))
    old_name = meeting.minutes.name
    storage = meeting.minutes.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(instance=meeting, actor=world.user(Role.SAFETY_OFFICE), title="改名", minutes=pdf("new.pdf"))
    meeting.refresh_from_db()
    assert meeting.title == "改名"
    assert meeting.minutes.name != old_name
    assert not storage.exists(old_name)
    assert list(meeting.attendees.all()) == [world.a.official]


def test_update_cannot_move_a_meeting_out_of_the_scope(world, frozen_today):
    meeting = _create(world)
    with pytest.raises(ValidationError):
        services.meeting_update(instance=meeting, actor=world.user(Role.SAFETY_OFFICE), organization=world.b.orgs["government"])
    meeting.refresh_from_db()
    assert meeting.organization == world.a.orgs["government"]


def test_delete_removes_the_meeting_and_its_file(world, frozen_today, django_capture_on_commit_callbacks):
    meeting = _create(world, minutes=pdf())
    name, storage = meeting.minutes.name, meeting.minutes.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_delete(instance=meeting, actor=world.user(Role.SAFETY_OFFICE))
    assert not Meeting.objects.exists()
    assert not storage.exists(name)


def test_only_the_office_deletes(world, frozen_today):
    meeting = _create(world)
    with pytest.raises(PermissionDenied):
        services.meeting_delete(instance=meeting, actor=world.user(Role.LEADER))
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_history_records_who_attended(world, frozen_today):
    from auditlog.models import LogEntry

    meeting = _create(world)
    services.meeting_update(instance=meeting, actor=world.user(Role.SAFETY_OFFICE), attendees=[world.a.official])
    changes = [e.changes for e in LogEntry.objects.get_for_object(meeting)]
    assert any("attendees" in (c or {}) and world.a.official.name in str(c["attendees"]) for c in changes)
