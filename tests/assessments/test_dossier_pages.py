"""Duty-performance dossiers in the browser and over the API: request, progress (the status
endpoint the page polls), the dossier as a page, the PDF download (404 until ready), scoping."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.choices import DossierStatus
from assessments.models import DutyDossier
from assessments.tasks import generate_dossier
from responsibility.roles import Role
from tests.assessments.conftest import DOSSIER_END, DOSSIER_START, build_duty_records

D = datetime.date


@pytest.fixture
def records(world, enterprise_a):
    return build_duty_records(world, enterprise_a)


@pytest.fixture
def queued(monkeypatch):
    """No worker: the ids sent to the queue are collected instead."""
    from assessments import tasks

    sent = []
    monkeypatch.setattr(tasks.generate_dossier, "delay", lambda dossier_id: sent.append(dossier_id))
    return sent


def _request_page(client, records, django_capture_on_commit_callbacks, **overrides):
    data = {"official": records["official"].pk, "period_start": DOSSIER_START.isoformat(), "period_end": DOSSIER_END.isoformat(), **overrides}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("assessments:dossier_create"), data)


def test_a_dossier_requested_in_the_browser_shows_progress_then_the_dossier(
    client, world, records, queued, django_capture_on_commit_callbacks
):
    client.force_login(world.user(Role.LEADER))
    page = client.get(reverse("assessments:dossier_create"), {"official": records["official"].pk, "who": records["official"].name})
    assert page.status_code == 200 and records["official"].name in page.content.decode()
    response = _request_page(client, records, django_capture_on_commit_callbacks)
    dossier = DutyDossier.objects.get()
    assert response.status_code == 302 and response["Location"] == dossier.get_absolute_url()
    assert queued == [dossier.pk]

    status_url = reverse("assessments:dossier_status", args=[dossier.pk])
    download_url = reverse("assessments:dossier_download", args=[dossier.pk])
    pending = client.get(dossier.get_absolute_url())
    assert pending.status_code == 200
    assert status_url in pending.content.decode() and "fetch(" in pending.content.decode()
    assert client.get(status_url).json()["status"] == "pending"
    assert client.get(download_url).status_code == 404

    generate_dossier.run(dossier.pk)
    state = client.get(status_url).json()
    assert state["status"] == "ready" and state["download_url"] == download_url
    ready = client.get(dossier.get_absolute_url())
    body = ready.content.decode()
    assert "fetch(" not in body
    for text in ("Gaps in the record", "完成应急预案修订", "储罐区防火间距不足", "2025年第一季度安全生产工作会议", "Year 2024"):
        assert text in body
    pdf = client.get(download_url)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("assessments:dossier_list")).context["object_list"][0] == dossier


def test_a_bad_period_comes_back_with_what_was_typed(client, world, records, queued, django_capture_on_commit_callbacks):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = _request_page(client, records, django_capture_on_commit_callbacks, period_start="2025-06-01", period_end="2025-01-01")
    assert response.status_code == 400
    assert "The period must end after it starts." in response.content.decode()
    assert 'value="2025-06-01"' in response.content.decode()
    assert not DutyDossier.objects.exists() and queued == []


def test_a_failed_dossier_shows_the_error_and_can_be_generated_again(
    client, world, records, eager_celery, django_capture_on_commit_callbacks
):
    dossier = DutyDossier.objects.create(
        official=records["official"], jurisdiction_path=world.a.county.path, period_start=DOSSIER_START, period_end=DOSSIER_END,
        status=DossierStatus.FAILED, error="RuntimeError: boom",
    )
    client.force_login(world.user(Role.SAFETY_OFFICE))
    body = client.get(dossier.get_absolute_url()).content.decode()
    assert "RuntimeError: boom" in body and reverse("assessments:dossier_retry", args=[dossier.pk]) in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:dossier_retry", args=[dossier.pk]))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.READY


def test_a_stalled_dossier_offers_to_generate_it_again(client, world, records):
    dossier = DutyDossier.objects.create(
        official=records["official"], jurisdiction_path=world.a.county.path, period_start=DOSSIER_START, period_end=DOSSIER_END,
    )
    DutyDossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(dossier.get_absolute_url())
    assert response.context["can_retry"] and client.get(reverse("assessments:dossier_status", args=[dossier.pk])).json()["stale"]


def test_another_countys_dossier_does_not_exist(client, world, records, office_b):
    dossier = DutyDossier.objects.create(
        official=records["official"], jurisdiction_path=world.a.county.path, period_start=DOSSIER_START, period_end=DOSSIER_END,
    )
    generate_dossier.run(dossier.pk)
    client.force_login(office_b)
    for name in ("dossier_detail", "dossier_status", "dossier_download"):
        assert client.get(reverse(f"assessments:{name}", args=[dossier.pk])).status_code == 404
    assert client.post(reverse("assessments:dossier_retry", args=[dossier.pk])).status_code == 404
    assert list(client.get(reverse("assessments:dossier_list")).context["object_list"]) == []


# --- API --------------------------------------------------------------------------------------


def test_the_api_generates_a_dossier_and_serves_its_pdf(api_client, world, records, queued, django_capture_on_commit_callbacks):
    api_client.force_authenticate(world.user(Role.COUNTY_SYSTEM))
    url = reverse("api:dossier-list")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            url, {"official": records["official"].pk, "period_start": "2024-01-01", "period_end": "2025-12-31"}, format="json"
        )
    assert response.status_code == 202
    body = response.json()
    dossier = DutyDossier.objects.get()
    assert body["id"] == dossier.pk and body["status"] == "pending" and body["download_url"] is None
    assert response["Location"] == body["status_url"] and body["status_url"].endswith(reverse("api:dossier-status", args=[dossier.pk]))
    assert queued == [dossier.pk]
    assert api_client.get(reverse("api:dossier-status", args=[dossier.pk])).json()["status"] == "pending"
    assert api_client.get(reverse("api:dossier-download", args=[dossier.pk])).status_code == 404

    generate_dossier.run(dossier.pk)
    state = api_client.get(reverse("api:dossier-status", args=[dossier.pk])).json()
    assert state["status"] == "ready" and state["download_url"].endswith(reverse("api:dossier-download", args=[dossier.pk]))
    detail = api_client.get(reverse("api:dossier-detail", args=[dossier.pk])).json()
    assert detail["data"]["summary"]["gaps"] == 4
    pdf = api_client.get(reverse("api:dossier-download", args=[dossier.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert [row["id"] for row in api_client.get(url).json()["results"]] == [dossier.pk]


def test_the_api_refuses_bad_requests_and_hides_other_countys_dossiers(api_client, world, records, office_b, queued):
    api_client.force_authenticate(world.user(Role.COUNTY_SYSTEM))
    url = reverse("api:dossier-list")
    response = api_client.post(url, {"official": records["official"].pk, "period_start": "2025-06-01", "period_end": "2025-01-01"}, format="json")
    assert response.status_code == 400 and "period_end" in response.json()["errors"]
    response = api_client.post(url, {"official": world.b.official.pk, "period_start": "2025-01-01", "period_end": "2025-06-01"}, format="json")
    assert response.status_code == 400 and "official" in response.json()["errors"]
    response = api_client.post(url, {"official": records["official"].pk, "period_start": "2025-01-01", "period_end": "2025-06-01",
                                     "colour": "red"}, format="json")
    assert response.status_code == 400 and "colour" in response.json()["errors"]
    assert not DutyDossier.objects.exists()

    dossier = DutyDossier.objects.create(
        official=records["official"], jurisdiction_path=world.a.county.path, period_start=DOSSIER_START, period_end=DOSSIER_END,
    )
    api_client.force_authenticate(office_b)
    for name in ("api:dossier-detail", "api:dossier-status", "api:dossier-download"):
        assert api_client.get(reverse(name, args=[dossier.pk])).status_code == 404
    api_client.force_authenticate(world.user(Role.DEPARTMENT))  # its role may not request dossiers
    response = api_client.post(url, {"official": records["official"].pk, "period_start": "2025-01-01", "period_end": "2025-06-01"}, format="json")
    assert response.status_code == 403


def test_the_dossier_list_query_count_does_not_grow(client, world, records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            DutyDossier.objects.create(
                official=records["official"], jurisdiction_path=world.a.county.path, period_start=DOSSIER_START,
                period_end=DOSSIER_END, requested_by=world.user(Role.LEADER), data={"big": list(range(1000))},
            )

    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("assessments:dossier_list")
    add(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["object_list"]) == 22
    assert len(many.captured_queries) == len(few.captured_queries)
