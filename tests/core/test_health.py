"""/healthz: database and broker probes, 503 when either fails."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from core.health import check_broker, check_database, worker_status
from core.models import WorkerHeartbeat
from core.services import worker_heartbeat_record

pytestmark = pytest.mark.django_db

USES_REDIS = bool(os.environ.get("REDIS_URL"))


def test_healthz_is_200_json_with_database_and_broker_ok(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] == ("postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite")
    assert body["broker"]["ok"] is True
    assert body["broker"]["transport"] == ("redis" if USES_REDIS else "filesystem")
    assert body["worker"] == {"last_seen": None}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_needs_no_login_and_only_answers_get(client):
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_filesystem_broker_folder_is_created(settings, tmp_path):
    if USES_REDIS:
        pytest.skip("REDIS_URL is set: the broker is Redis, not the filesystem transport")
    folder = tmp_path / "celery" / "broker"
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"] == str(folder)
    assert check_broker() == {"ok": True, "transport": "filesystem", "ms": pytest.approx(0, abs=1000)}
    assert folder.is_dir()


def test_filesystem_broker_on_unwritable_folder_is_unavailable(settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(blocker / "broker")}
    assert check_broker()["ok"] is False


def test_broker_failure_gives_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"] == "ConnectionError"


def test_database_failure_gives_503(client, monkeypatch):
    monkeypatch.setattr("core.views.check_database", lambda: {"ok": False, "error": "OperationalError"})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}
    assert "worker" not in response.json()


def test_check_database_reports_error_class_not_message(monkeypatch):
    class Broken:
        def cursor(self):
            raise RuntimeError("password=hunter2")

    monkeypatch.setattr("core.health.connections", {"default": Broken()})
    assert check_database() == {"ok": False, "error": "RuntimeError"}


@pytest.mark.skipif(not USES_REDIS, reason="REDIS_URL is not set: no Redis broker to probe")
def test_redis_broker_is_pinged(settings):
    assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
    result = check_broker()
    assert result["ok"] is True and result["transport"] == "redis"


def test_worker_heartbeat_is_reported_when_recent(client):
    worker_heartbeat_record(hostname="worker-1")
    body = client.get("/healthz").json()
    assert body["worker"]["recent"] is True
    WorkerHeartbeat.objects.update(last_seen_at=timezone.now() - datetime.timedelta(minutes=10))
    assert worker_status()["recent"] is False


def test_heartbeat_task_records_this_host():
    import socket

    from core.tasks import record_worker_heartbeat

    record_worker_heartbeat()
    assert WorkerHeartbeat.objects.get().hostname == socket.gethostname()
