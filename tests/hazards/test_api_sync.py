"""Idempotent upserts of hazards by (source_system, external_id): through the service and
through ``PUT /api/v1/hazards/by-external-id/{source_system}/{external_id}/``."""

from __future__ import annotations

import datetime
import os
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from guardian.shortcuts import assign_perm

from core.services import api_token_create
from hazards.choices import HazardEventKind, HazardStatus
from hazards.models import Hazard, HazardEvent
from hazards.services import ledger, sync
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, official_user, sector

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
SYSTEM = "jinjiang-yh"


def url(external_id: str = "YH-001", source_system: str = SYSTEM) -> str:
    return f"/api/v1/hazards/by-external-id/{source_system}/{external_id}/"


def payload(world, **overrides) -> dict:
    return {
        "jurisdiction": world.a.township.code,
        "sector": "industry_trade",
        "category": "environment",
        "source": "patrol",
        "title": "河堤护坡开裂",
        "description": "安平村段河堤护坡出现裂缝",
        "found_on": (TODAY - datetime.timedelta(days=3)).isoformat(),
        "location": "安平村河堤",
        **overrides,
    }


def token_client(client, user):
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='sync').key}")
    return client


@pytest.fixture
def system(api_client, world):
    return token_client(api_client, world.user(Role.COUNTY_SYSTEM))


@pytest.fixture
def system_b(world):
    from rest_framework.test import APIClient

    from tests.factories import assigned_user

    user = assigned_user(role=Role.COUNTY_SYSTEM, jurisdiction=world.b.county, username="b_system", account_type="county_system")
    return token_client(APIClient(), user)


# --- Through the API --------------------------------------------------------------------------


def test_same_payload_twice_creates_once_then_changes_nothing(system, world):
    first = system.put(url(), payload(world), format="json")
    assert first.status_code == 201, first.json()
    assert first["Upsert-Result"] == "created"
    hazard = Hazard.objects.get()
    assert (hazard.source_system, hazard.external_id) == (SYSTEM, "YH-001")
    stamp, events = hazard.updated_at, hazard.events.count()

    second = system.put(url(), payload(world), format="json")
    assert second.status_code == 200
    assert second["Upsert-Result"] == "unchanged"
    assert second.json()["id"] == hazard.pk
    hazard.refresh_from_db()
    assert hazard.updated_at == stamp and hazard.events.count() == events == 1
    assert Hazard.objects.count() == 1


def test_changed_payload_updates_and_records_what_changed(system, world):
    system.put(url(), payload(world), format="json")
    response = system.put(url(), payload(world, title="河堤护坡开裂（扩大）", location="安平村河堤北段"), format="json")
    assert response.status_code == 200 and response["Upsert-Result"] == "updated"
    assert response.json()["title"] == "河堤护坡开裂（扩大）"
    event = HazardEvent.objects.get(kind=HazardEventKind.UPDATED)
    assert sorted(event.data["fields"]) == ["location", "title"]


def test_same_external_id_from_another_system_is_another_record(system, world):
    assert system.put(url(), payload(world), format="json").status_code == 201
    assert system.put(url(source_system="jinjiang-xc"), payload(world), format="json").status_code == 201
    assert sorted(Hazard.objects.values_list("source_system", flat=True)) == ["jinjiang-xc", SYSTEM]


def test_other_countys_record_is_refused_never_updated(system, system_b, world):
    created = system_b.put(url(), payload(world, jurisdiction=world.b.township.code), format="json")
    assert created.status_code == 201, created.json()
    response = system.put(url(), payload(world, title="改写"), format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"external_id"}
    assert "outside" not in str(response.json())  # says nothing about where the record is
    hazard = Hazard.objects.get()
    assert hazard.title == "河堤护坡开裂" and hazard.jurisdiction == world.b.township
    assert system.get(url()).status_code == 404


def test_upsert_never_moves_the_status(system, world):
    system.put(url(), payload(world), format="json")
    hazard = Hazard.objects.get()
    ledger.hazard_transition(actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, action="accept")
    response = system.put(url(), payload(world), format="json")
    assert response["Upsert-Result"] == "unchanged" and response.json()["status"] == "accepted"
    refused = system.put(url(), payload(world, status="reported"), format="json")
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"status"}
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ACCEPTED


def test_deadline_is_taken_on_create_only(system, world):
    deadline = (TODAY + datetime.timedelta(days=30)).isoformat()
    assert system.put(url(), payload(world, deadline=deadline), format="json").json()["deadline"] == deadline
    later = (TODAY + datetime.timedelta(days=60)).isoformat()
    response = system.put(url(), payload(world, deadline=later), format="json")
    assert response["Upsert-Result"] == "unchanged" and response.json()["deadline"] == deadline


def test_closed_hazard_accepts_a_re_push_but_not_a_change(system, world):
    system.put(url(), payload(world), format="json")
    hazard = Hazard.objects.get()
    ledger.hazard_transition(actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, action="cancel", comment="重复录入")
    assert system.put(url(), payload(world), format="json")["Upsert-Result"] == "unchanged"
    assert system.put(url(), payload(world, title="x"), format="json").status_code == 400


def test_key_in_body_must_match_the_address(system, world):
    response = system.put(url(), payload(world, external_id="YH-002"), format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"external_id"}
    assert system.put(url(), payload(world, external_id="YH-001", source_system=SYSTEM), format="json").status_code == 201


def test_external_id_may_contain_a_slash(system, world):
    assert system.put(url("2026/0001"), payload(world), format="json").status_code == 201
    assert Hazard.objects.get().external_id == "2026/0001"
    assert system.get(url("2026/0001")).json()["external_id"] == "2026/0001"


def test_invalid_payload_writes_nothing(system, world):
    response = system.put(url(), payload(world, found_on=(TODAY + datetime.timedelta(days=1)).isoformat()), format="json")
    assert response.status_code == 400 and "found_on" in response.json()["errors"]
    response = system.put(url(), {"title": "only a title"}, format="json")
    assert response.status_code == 400
    assert {"sector", "category", "source", "description", "found_on"} <= set(response.json()["errors"])
    assert not Hazard.objects.exists()


def test_read_only_role_cannot_upsert(api_client, world):
    api_client.force_login(world.user(Role.AUDITOR))
    assert api_client.put(url(), payload(world), format="json").status_code == 403
    assert not Hazard.objects.exists()


def test_enterprise_account_re_push_is_unchanged(api_client, world):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    account = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", account, enterprise)
    client = token_client(api_client, account)
    body = payload(world, enterprise=enterprise.pk)
    first = client.put(url(), body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["source"] == "self_check"
    assert client.put(url(), body, format="json")["Upsert-Result"] == "unchanged"


# --- The service ------------------------------------------------------------------------------


def fields(world, **overrides):
    return {
        "jurisdiction": world.a.township,
        "sector": sector(),
        "category": "equipment",
        "source": "patrol",
        "title": "配电箱无门",
        "description": "公共配电箱箱门缺失",
        "found_on": TODAY,
        **overrides,
    }


def test_service_returns_hazard_and_created(world):
    actor = world.user(Role.COUNTY_SYSTEM)
    hazard, created = sync.hazard_upsert(actor=actor, source_system=" s ", external_id=" 1 ", **fields(world))
    assert created and (hazard.source_system, hazard.external_id) == ("s", "1")
    again, created = sync.hazard_upsert(actor=actor, source_system="s", external_id="1", **fields(world))
    assert again.pk == hazard.pk and not created
    result = sync.hazard_upsert_outcome(actor=actor, source_system="s", external_id="1", **fields(world, title="配电箱无门锁"))
    assert result.outcome == sync.UPDATED and result.changed == ("title",)


def test_service_refuses_an_empty_key_and_unknown_fields(world):
    actor = world.user(Role.COUNTY_SYSTEM)
    with pytest.raises(ValidationError) as error:
        sync.hazard_upsert(actor=actor, source_system="", external_id=" ", **fields(world))
    assert set(error.value.message_dict) == {"source_system", "external_id"}
    with pytest.raises(TypeError):
        sync.hazard_upsert(actor=actor, source_system="s", external_id="1", status="closed", **fields(world))


def test_service_checks_permissions(world):
    with pytest.raises(PermissionDenied):
        sync.hazard_upsert(actor=world.user(Role.AUDITOR), source_system="s", external_id="1", **fields(world))
    hazard, _ = sync.hazard_upsert(actor=world.user(Role.COUNTY_SYSTEM), source_system="s", external_id="1", **fields(world))
    # Inside the county, but a role that may only view: the same record is fine, a change is not.
    inspector_only_views = official_user(role=Role.LEADER, organization=world.a.orgs["government"], username="viewer")
    same = sync.hazard_upsert_outcome(actor=inspector_only_views, source_system="s", external_id="1", **fields(world))
    assert same.outcome == sync.UNCHANGED
    with pytest.raises(PermissionDenied):
        sync.hazard_upsert(actor=inspector_only_views, source_system="s", external_id="1", **fields(world, title="x"))


def test_losing_a_create_race_updates_the_winners_row(world, monkeypatch):
    """Two pushes of the same new record at once: the one whose lookup ran before the other's
    insert committed fails to insert, finds the other's row and treats the push as an update."""
    actor = world.user(Role.COUNTY_SYSTEM)
    winner, _ = sync.hazard_upsert(actor=actor, source_system="s", external_id="race", **fields(world, title="并发写入"))
    real = Hazard.objects.select_for_update
    lookups = []

    def lookup_before_the_winner_committed(*args, **kwargs):
        lookups.append(1)
        return Hazard.objects.none() if len(lookups) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(Hazard.objects, "select_for_update", lookup_before_the_winner_committed)
    result = sync.hazard_upsert_outcome(actor=actor, source_system="s", external_id="race", **fields(world))
    assert len(lookups) >= 2  # the retry looked again (and the update locked the row)
    assert result.hazard.pk == winner.pk
    assert result.outcome == sync.UPDATED and result.changed == ("title",)
    assert Hazard.objects.filter(external_id="race").count() == 1


USES_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://", "psql://"))


@pytest.mark.postgres
@pytest.mark.skipif(not USES_POSTGRES, reason="DATABASE_URL is not a PostgreSQL URL: SQLite cannot run two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_pushes_of_the_same_new_hazard_at_once_make_one():
    from tests.conftest import build_world

    world = build_world()
    actor = world.user(Role.COUNTY_SYSTEM)
    barrier = threading.Barrier(2)
    outcomes: list = []

    def push() -> None:
        try:
            barrier.wait()
            user = type(actor).objects.get(pk=actor.pk)
            outcomes.append(sync.hazard_upsert_outcome(actor=user, source_system="s", external_id="same", **fields(world)).outcome)
        except Exception as error:  # pragma: no cover - reported by the assertion below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [sync.CREATED, sync.UNCHANGED], outcomes
    assert Hazard.objects.count() == 1
    assert HazardEvent.objects.count() == 1
