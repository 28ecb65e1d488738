"""Meeting pages: list with filters and export, two-step registration, forms that keep the
input, minutes download, edit and delete, scope (404) and role (403)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse

from responsibility.choices import MeetingKind
from responsibility.models import Meeting
from responsibility.roles import Role
from tests.factories import MeetingFactory
from tests.responsibility import meetings_fixtures
from tests.responsibility.meetings_fixtures import PDF, leader, pdf

frozen_today = meetings_fixtures.frozen_today  # the shared fixture: today is 2026-07-15

pytestmark = pytest.mark.django_db
D = datetime.date


def _form(world, **overrides):
    data = {
        "organization": world.a.orgs["government"].pk,
        "kind": MeetingKind.GOVERNMENT_SAFETY,
        "held_on": "2026-07-01",
        "title": "第三季度安全生产工作会议",
        "topics": "部署汛期工作",
        "decisions": "",
        "chair": "",
        "attendees": [world.a.official.pk],
    }
    data.update(overrides)
    return data


def test_list_shows_meetings_in_scope_only_and_filters_by_kind_and_dates(client, world):
    inside = MeetingFactory(organization=world.a.orgs["government"], held_on=D(2026, 3, 1))
    plenary = MeetingFactory(organization=world.a.orgs["committee"], kind=MeetingKind.SAFETY_COMMITTEE_PLENARY, held_on=D(2026, 5, 1))
    outside = MeetingFactory(organization=world.b.orgs["government"])
    client.force_login(world.user(Role.LEADER))
    url = reverse("responsibility:meeting_list")
    listed = set(client.get(url).context["object_list"])
    assert listed == {inside, plenary}
    assert outside not in listed
    assert list(client.get(url, {"kind": MeetingKind.SAFETY_COMMITTEE_PLENARY}).context["object_list"]) == [plenary]
    assert list(client.get(url, {"held_after": "2026-02-01", "held_before": "2026-04-01"}).context["object_list"]) == [inside]
    assert list(client.get(url, {"jurisdiction": world.a.township.pk}).context["object_list"]) == []


def test_list_exports_the_filtered_rows_to_excel(client, world):
    from openpyxl import load_workbook

    MeetingFactory(organization=world.a.orgs["government"], title="导出的会议")
    MeetingFactory(organization=world.b.orgs["government"], title="别县的会议")
    client.force_login(world.user(Role.AUDITOR))
    response = client.get(reverse("responsibility:meeting_list"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["导出的会议"]


def test_register_starts_with_the_jurisdiction_then_offers_its_people(client, world, frozen_today):
    chair = leader(world.a.orgs["government"], name="王县长")
    leader(world.b.orgs["government"], name="别县长")
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:meeting_create")
    step_one = client.get(url)
    assert step_one.templates[0].name == "responsibility/meeting_start.html"
    step_two = client.get(url, {"jurisdiction": world.a.county.pk})
    form = step_two.context["form"]
    assert chair in form.fields["chair"].queryset
    assert not form.fields["chair"].queryset.filter(name="别县长").exists()
    assert set(form.fields["organization"].queryset) >= {world.a.orgs["government"], world.a.orgs["committee"]}
    response = client.post(f"{url}?jurisdiction={world.a.county.pk}", _form(world, chair=chair.pk, minutes=pdf()))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.chair == chair and meeting.minutes


def test_register_in_a_jurisdiction_outside_the_scope_is_404(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:meeting_create"), {"jurisdiction": world.b.county.pk})
    assert response.status_code == 404


def test_register_without_the_permission_is_403(client, world):
    client.force_login(world.user(Role.LEADER))
    assert client.get(reverse("responsibility:meeting_create"), {"jurisdiction": world.a.county.pk}).status_code == 403


def test_a_form_with_errors_keeps_what_was_typed(client, world, frozen_today):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = f"{reverse('responsibility:meeting_create')}?jurisdiction={world.a.county.pk}"
    data = _form(world, held_on="2026-08-01", title="未来的会议", topics="很长的议题文本", kind=MeetingKind.STANDING_COMMITTEE)
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    # the service's complaints land on their fields, the input stays
    assert "held_on" in form.errors or "kind" in form.errors
    html = response.content.decode()
    assert "未来的会议" in html and "很长的议题文本" in html
    assert not Meeting.objects.exists()


def test_a_bad_minutes_file_is_an_error_on_the_field(client, world, frozen_today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = f"{reverse('responsibility:meeting_create')}?jurisdiction={world.a.county.pk}"
    response = client.post(url, _form(world, minutes=SimpleUploadedFile("virus.exe", b"MZ")))
    assert response.status_code == 200
    assert "minutes" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_detail_shows_history_and_is_404_outside_the_scope(client, world):
    inside = MeetingFactory(organization=world.a.orgs["government"])
    outside = MeetingFactory(organization=world.b.orgs["government"])
    client.force_login(world.user(Role.LEADER))
    response = client.get(inside.get_absolute_url())
    assert response.status_code == 200
    assert "history" in response.context
    assert not response.context["can_change"]
    assert client.get(outside.get_absolute_url()).status_code == 404


def test_minutes_download_needs_the_meeting_to_be_visible(client, world, frozen_today):
    from responsibility.services.meetings import meeting_create

    meeting = meeting_create(
        actor=world.user(Role.SAFETY_OFFICE), organization=world.a.orgs["government"], kind=MeetingKind.GOVERNMENT_SAFETY,
        held_on=D(2026, 7, 1), title="会议", topics="议题", minutes=pdf(),
    )
    url = reverse("responsibility:meeting_minutes", args=[meeting.pk])
    client.force_login(world.user(Role.AUDITOR))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(world.users[str(Role.ENTERPRISE)])
    assert client.get(url).status_code == 404


def test_edit_keeps_the_minutes_when_no_new_file_is_sent(client, world, frozen_today):
    from responsibility.services.meetings import meeting_create

    meeting = meeting_create(
        actor=world.user(Role.SAFETY_OFFICE), organization=world.a.orgs["government"], kind=MeetingKind.GOVERNMENT_SAFETY,
        held_on=D(2026, 7, 1), title="会议", topics="议题", minutes=pdf(),
    )
    name = meeting.minutes.name
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(reverse("responsibility:meeting_update", args=[meeting.pk]), _form(world, title="新标题"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "新标题" and meeting.minutes.name == name


def test_edit_by_a_leader_is_403_and_outside_the_scope_404(client, world):
    inside = MeetingFactory(organization=world.a.orgs["government"])
    outside = MeetingFactory(organization=world.b.orgs["government"])
    client.force_login(world.user(Role.LEADER))
    assert client.get(reverse("responsibility:meeting_update", args=[inside.pk])).status_code == 403
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(reverse("responsibility:meeting_update", args=[outside.pk])).status_code == 404


def test_delete_asks_then_removes(client, world):
    meeting = MeetingFactory(organization=world.a.orgs["government"])
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:meeting_delete", args=[meeting.pk])
    assert client.get(url).status_code == 200
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    client.force_login(world.user(Role.LEADER))
    other = MeetingFactory(organization=world.a.orgs["government"])
    assert client.post(reverse("responsibility:meeting_delete", args=[other.pk])).status_code == 403


def test_detail_history_shows_attendee_changes(client, world, frozen_today):
    from responsibility.services.meetings import meeting_create, meeting_update

    office = world.user(Role.SAFETY_OFFICE)
    meeting = meeting_create(
        actor=office, organization=world.a.orgs["government"], kind=MeetingKind.GOVERNMENT_SAFETY,
        held_on=D(2026, 7, 1), title="会议", topics="议题",
    )
    meeting_update(instance=meeting, actor=office, attendees=[world.a.official])
    client.force_login(office)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    history = response.content.decode().split('id="history-title"')[1]
    assert world.a.official.name in history
