"""Power-and-responsibility lists: who is late against the deadline, what changed between two
versions, and the history of a version with its items."""

from __future__ import annotations

import datetime

import pytest
from auditlog.context import set_actor
from django.utils import timezone

from responsibility.choices import PowerListStatus
from responsibility.models import Organization
from responsibility.selectors.power_lists import diff_versions, version_history, with_list_state
from responsibility.services import power_lists as services
from tests.factories import PowerListItemFactory, PublicationDeadlineFactory
from tests.responsibility.power_lists_fixtures import department, make_version

pytestmark = pytest.mark.django_db

S = PowerListStatus
TODAY = datetime.date(2026, 5, 1)


def _state(year=2026, today=TODAY) -> dict[str, Organization]:
    return {org.name: org for org in with_list_state(Organization.objects.all(), year=year, today=today)}


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_organization_without_a_published_list_after_the_deadline_is_late(world):
    PublicationDeadlineFactory(jurisdiction=world.city, year=2026, deadline=datetime.date(2026, 3, 31))
    emergency, government = world.a.orgs["emergency"], world.a.orgs["government"]
    make_version(emergency, status=S.PUBLISHED, published_at=_at(datetime.date(2026, 3, 30)))
    make_version(government, status=S.SUBMITTED)
    state = _state()
    assert state[emergency.name].is_late is False
    assert state[government.name].is_late is True
    assert state[government.name].deadline == datetime.date(2026, 3, 31)  # the city's, inherited
    assert state[government.name].latest_status == S.SUBMITTED
    assert state[world.a.orgs["staffing"].name].latest_status is None
    # a safety committee keeps no list and is not counted at all
    assert world.a.orgs["committee"].name not in state


def test_publishing_after_the_deadline_is_still_late_and_a_deadline_to_come_is_not(world):
    PublicationDeadlineFactory(jurisdiction=world.city, year=2026, deadline=datetime.date(2026, 3, 31))
    emergency = world.a.orgs["emergency"]
    make_version(emergency, status=S.PUBLISHED, published_at=_at(datetime.date(2026, 4, 2)))
    assert _state()[emergency.name].is_late is True
    assert _state(today=datetime.date(2026, 3, 1))[emergency.name].is_late is False
    assert _state(year=2027)[emergency.name].deadline is None


def test_an_earlier_published_version_counts_even_if_superseded(world):
    PublicationDeadlineFactory(jurisdiction=world.city, year=2026, deadline=datetime.date(2026, 3, 31))
    emergency = world.a.orgs["emergency"]
    make_version(emergency, status=S.SUPERSEDED, number=1, published_at=_at(datetime.date(2024, 5, 1)))
    make_version(emergency, status=S.PUBLISHED, number=2, published_at=_at(datetime.date(2026, 4, 20)))
    state = _state()[emergency.name]
    assert state.is_late is False
    assert (state.published_number, state.first_published_on) == (2, datetime.date(2024, 5, 1))


def test_a_county_deadline_overrides_the_city_deadline_for_its_subtree(world):
    PublicationDeadlineFactory(jurisdiction=world.city, year=2026, deadline=datetime.date(2026, 6, 30))
    PublicationDeadlineFactory(jurisdiction=world.a.county, year=2026, deadline=datetime.date(2026, 2, 28))
    state = _state()
    assert state[world.a.orgs["emergency"].name].deadline == datetime.date(2026, 2, 28)
    assert state[world.a.orgs["township"].name].deadline == datetime.date(2026, 2, 28)
    assert state[world.b.orgs["emergency"].name].deadline == datetime.date(2026, 6, 30)
    assert state[world.a.orgs["emergency"].name].is_late is True
    assert state[world.b.orgs["emergency"].name].is_late is False


def test_diff_finds_added_removed_and_changed_items_and_ignores_renumbering(world):
    org = world.a.orgs["emergency"]
    old = make_version(org, status=S.SUPERSEDED, number=1, items=0)
    new = make_version(org, status=S.PUBLISHED, number=2, items=0)
    for sequence, title in enumerate(["甲事项", "乙事项", "丙事项", "危险化学品经营许可"], start=1):
        PowerListItemFactory(version=old, sequence=sequence, title=title)
    for sequence, title in enumerate(["新增事项", "甲事项", "丙事项", "危险化学品经营许可证核发"], start=1):
        PowerListItemFactory(version=new, sequence=sequence, title=title)
    new.items.filter(title="丙事项").update(legal_basis="《中华人民共和国安全生产法》第九十八条")
    diff = diff_versions(old, new)
    assert [item.title for item in diff.added] == ["新增事项"]
    assert [item.title for item in diff.removed] == ["乙事项"]
    changed = {change.new.title: [field.label for field in change.fields] for change in diff.changed}
    assert changed == {"丙事项": ["legal basis"], "危险化学品经营许可证核发": ["item"]}
    assert diff.unchanged == 1  # 甲事项 moved from 1 to 2: not a change
    pieces = next(c for c in diff.changed if c.new.title == "危险化学品经营许可证核发").fields[0].pieces
    assert ("insert", "证核发") in pieces


def test_version_history_shows_item_changes_including_deleted_items(world):
    version = make_version(world.a.orgs["emergency"], items=0)
    user = department(world)
    with set_actor(user):
        item = services.power_list_item_create(
            actor=user, version=version, kind="power", title="新事项", legal_basis="依据", responsible_unit="科室"
        )
        services.power_list_item_delete(instance=item, actor=user)
    entries = list(version_history(version))
    # newest first: the item's deletion, its creation, then the version's own creation
    assert [(e.content_type.model, e.action) for e in entries] == [
        ("powerlistitem", 2), ("powerlistitem", 0), ("powerlistversion", 0),
    ]
    assert entries[0].actor == user and entries[1].actor == user
    other = make_version(world.a.orgs["government"], items=1)
    assert not version_history(other).filter(content_type__model="powerlistitem").filter(object_pk=str(item.pk)).exists()
