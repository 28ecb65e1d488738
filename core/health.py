"""Health probes used by ``/healthz`` (and by docker-compose and CI smoke tests)."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.utils import timezone


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connections["default"].vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_broker() -> dict:
    started = time.monotonic()
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            import redis

            client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
            client.ping()
            transport = "redis"
        else:
            folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
            os.makedirs(folder, exist_ok=True)
            if not os.access(folder, os.W_OK):
                raise PermissionError(folder)
            transport = "filesystem"
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": transport, "ms": round((time.monotonic() - started) * 1000, 1)}


def worker_status() -> dict:
    """Informational: the newest heartbeat from a worker (beat runs it every minute)."""
    from core.models import WorkerHeartbeat

    try:
        latest = WorkerHeartbeat.objects.order_by("-last_seen_at").first()
    except Exception:
        return {"last_seen": None}
    if latest is None:
        return {"last_seen": None}
    return {
        "last_seen": latest.last_seen_at.isoformat(),
        "recent": latest.last_seen_at > timezone.now() - timedelta(minutes=5),
    }


def calendar_status() -> dict:
    """A warning (not a failure: the platform still serves) when the working-day calendar of
    the current year, or from 1 November of the next, is missing."""
    from django.utils.translation import gettext as _

    from core.calendar import missing_calendar_years

    try:
        missing = missing_calendar_years()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if not missing:
        return {"ok": True}
    return {
        "ok": False,
        "missing_years": missing,
        "warning": _("No working-day calendar for %(years)s: deadlines in those years cannot be computed.")
        % {"years": ", ".join(str(year) for year in missing)},
    }
