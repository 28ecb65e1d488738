"""Celery: task registration, the run_task command, and a real round trip through Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from config.celery import app

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")


def test_core_tasks_are_registered():
    app.loader.import_default_modules()
    assert {"core.tasks.ping", "core.tasks.record_worker_heartbeat", "core.tasks.purge_expired_api_tokens"} <= set(app.tasks)


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name


def test_ping_runs_in_process():
    from core.tasks import ping

    assert ping.apply(args=["你好"]).get() == "你好"


@pytest.mark.django_db
def test_run_task_command_runs_a_task_once():
    out = StringIO()
    call_command("run_task", "core.tasks.purge_expired_api_tokens", stdout=out)
    assert out.getvalue().strip() == "core.tasks.purge_expired_api_tokens -> 0"


def test_run_task_command_lists_and_refuses_unknown_tasks():
    out = StringIO()
    call_command("run_task", "--list", stdout=out)
    assert "worker-heartbeat: core.tasks.record_worker_heartbeat" in out.getvalue()
    with pytest.raises(CommandError, match="Unknown task"):
        call_command("run_task", "core.tasks.nope", stdout=StringIO())


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: no Redis broker for a real worker round trip")
def test_ping_round_trip_through_redis_and_a_real_worker(settings):
    assert settings.CELERY_BROKER_URL == REDIS_URL
    queue = f"test-{uuid.uuid4().hex[:12]}"  # a queue of our own: no other worker takes the message
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "REDIS_URL": REDIS_URL}
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
            "--hostname", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel", "WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        from core.tasks import ping

        result = ping.apply_async(args=["来自测试"], queue=queue)
        assert result.get(timeout=60) == "来自测试"
        assert result.successful()
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert b"Traceback" not in output, output.decode(errors="replace")
