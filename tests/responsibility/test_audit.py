"""Audit trail: who changed what, with before/after values; read-only everywhere."""

from __future__ import annotations

import json
import re

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.test import RequestFactory
from django.urls import resolve, reverse

from core.audit import acting_as, object_history
from core.services import api_token_create
from responsibility import services
from responsibility.choices import OrganizationKind
from responsibility.models import Organization
from responsibility.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _changes(entry: LogEntry) -> dict:
    changes = entry.changes
    return json.loads(changes) if isinstance(changes, str) else changes


def test_api_create_and_update_record_actor_and_before_after(api_client, world):
    office = world.user(Role.SAFETY_OFFICE)
    api_client.force_login(office)
    created = api_client.post(
        "/api/v1/organizations/", {"jurisdiction": "350582", "name": "晋江市住建局", "kind": "supervisory_department"}, format="json"
    ).json()
    api_client.patch(f"/api/v1/organizations/{created['id']}/", {"name": "晋江市住房和城乡建设局"}, format="json")

    org = Organization.objects.get(pk=created["id"])
    update, create = list(object_history(org))
    assert create.action == LogEntry.Action.CREATE
    assert create.actor == office
    assert _changes(create)["name"] == ["None", "晋江市住建局"]
    assert update.action == LogEntry.Action.UPDATE
    assert update.actor == office
    assert _changes(update)["name"] == ["晋江市住建局", "晋江市住房和城乡建设局"]
    assert update.remote_addr == "127.0.0.1"


def test_api_write_with_token_records_the_token_account_as_actor(api_client, world):
    """County systems write with tokens, not sessions: their changes must carry their name too."""
    user = world.user(Role.SAFETY_OFFICE)
    issued = api_token_create(user=user, name="sync")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    org = world.a.orgs["emergency"]
    response = api_client.patch(f"/api/v1/organizations/{org.pk}/", {"short_name": "晋江应急"}, format="json")
    assert response.status_code == 200
    entry = object_history(org).first()
    assert _changes(entry) == {"short_name": ["", "晋江应急"]}
    assert entry.actor == user
    assert entry.remote_addr == "127.0.0.1"


def test_html_form_update_records_actor_and_changes(client, world):
    office = world.user(Role.SAFETY_OFFICE)
    client.force_login(office)
    org = world.a.orgs["office"]
    response = client.post(
        reverse("responsibility:organization_update", args=[org.pk]),
        {
            "jurisdiction": org.jurisdiction_id,
            "name": org.name,
            "short_name": "晋江安办",
            "kind": org.kind,
            "function": org.function,
            "parent": org.parent_id,
            "lead_department": "",
            "sort_order": 7,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = object_history(org).first()
    assert entry.actor == office
    assert entry.action == LogEntry.Action.UPDATE
    assert _changes(entry) == {"short_name": ["", "晋江安办"], "sort_order": ["100", "7"]}


def test_changes_outside_requests_are_attributed_with_acting_as(world):
    admin_user = UserFactory(username="importer")
    with acting_as(admin_user):
        org = services.organization_create(actor=None, jurisdiction=world.a.county, name="晋江市交通运输局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
    assert object_history(org).get().actor == admin_user


def test_official_updated_at_is_not_audited_but_fields_are(world):
    services.official_update(instance=world.a.official, actor=None, phone="123")
    entry = object_history(world.a.official).first()
    assert _changes(entry) == {"phone": ["", "123"]}


def test_detail_page_shows_history(client, world):
    office = world.user(Role.SAFETY_OFFICE)
    client.force_login(office)
    org = world.a.orgs["emergency"]
    with acting_as(office):
        services.organization_update(instance=org, actor=office, short_name="应急局")
    response = client.get(reverse("responsibility:organization_detail", args=[org.pk]))
    assert response.status_code == 200
    history = list(response.context["history"])
    assert history[0].actor == office
    assert _changes(history[0]) == {"short_name": ["", "应急局"]}
    html = response.content.decode()
    heading = re.search(r"<h2[^>]*>\s*History\s*</h2>", html)
    assert heading, "the page has no History section"
    after = html[heading.end():]
    assert "应急局" in after and str(office) in after


def test_history_is_newest_first(world):
    org = world.a.orgs["emergency"]
    services.organization_update(instance=org, actor=None, short_name="一")
    services.organization_update(instance=org, actor=None, short_name="二")
    assert [_changes(e).get("short_name", [None, None])[1] for e in object_history(org)][:2] == ["二", "一"]


# --- Read-only -------------------------------------------------------------------------------


def _admin_request(url: str, user):
    request = RequestFactory().get(url)
    request.user = user
    request.resolver_match = resolve(url)
    return request


def _an_entry(world) -> LogEntry:
    services.organization_update(instance=world.a.orgs["emergency"], actor=None, short_name="应急局")
    return object_history(world.a.orgs["emergency"]).get()


def test_logentry_admin_refuses_add_change_and_delete(world):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    entry = _an_entry(world)
    model_admin = admin.site._registry[LogEntry]
    url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    request = _admin_request(url, superuser)
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, entry) is False
    assert model_admin.has_delete_permission(request, entry) is False


def test_superuser_cannot_delete_a_log_entry_through_the_admin(client, world):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    entry = _an_entry(world)
    # JSON error page: independent of the HTML error template
    response = client.post(
        reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    response = client.post(
        reverse("admin:auditlog_logentry_change", args=[entry.pk]), {"action": "2"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403
    assert LogEntry.objects.get(pk=entry.pk).action == LogEntry.Action.UPDATE


def test_there_is_no_api_endpoint_for_history(api_client, world):
    api_client.force_login(UserFactory(is_superuser=True))
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    assert not [p for p in schema["paths"] if "log" in p or "history" in p or "audit" in p]
    for method, path in [("post", "/api/v1/history/"), ("post", "/api/v1/logentries/"), ("delete", "/api/v1/auditlog/1/")]:
        assert getattr(api_client, method)(path).status_code == 404
