"""Settings from the environment: a bad value stops start-up with one message naming the
variable; sensible defaults otherwise. Each case starts a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

# Everything config/settings reads, removed so the host's environment cannot leak in.
SETTINGS_VARIABLES = (
    "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS", "VAR_DIR", "STATIC_ROOT", "MEDIA_ROOT", "TIME_ZONE", "HTTPS", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "BEHIND_PROXY", "SESSION_COOKIE_AGE", "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT",
    "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL", "API_RATE_LIMIT",
    "API_TOKEN_DEFAULT_DAYS", "LOG_LEVEL", "DB_CONN_MAX_AGE", "DATA_UPLOAD_MAX_MEMORY_SIZE", "MAX_IMPORT_FILE_SIZE",
    "ENV_FILE",
)

PROBE = (
    "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = os.environ.get('PROBE_SETTINGS', 'config.settings'); "
    "django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'broker': s.CELERY_BROKER_URL, "
    "'cache': s.CACHES['default']['BACKEND'], 'secret_set': bool(s.SECRET_KEY)}))"
)


def start(tmp_path, settings_module: str = "config.settings", **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["VAR_DIR"] = str(tmp_path / "var")
    env["ENV_FILE"] = str(tmp_path / "no.env")  # a developer's .env must not leak in
    env["PROBE_SETTINGS"] = settings_module
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def assert_stops_naming(result: subprocess.CompletedProcess, variable: str) -> str:
    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    assert f"Environment variable {variable} " in last_line
    # one message: the error is raised once, not chained to an inner traceback
    assert result.stderr.count("ImproperlyConfigured:") == 1
    assert "During handling of the above exception" not in result.stderr
    return last_line


def test_debug_maybe_stops_startup(tmp_path):
    line = assert_stops_naming(start(tmp_path, DEBUG="maybe", SECRET_KEY="x"), "DEBUG")
    assert "'maybe'" in line


def test_database_url_nonsense_stops_startup(tmp_path):
    line = assert_stops_naming(start(tmp_path, DEBUG="true", DATABASE_URL="nonsense"), "DATABASE_URL")
    assert "postgres://" in line  # says what a good value looks like


def test_database_url_with_unknown_scheme_stops_startup_without_showing_the_password(tmp_path):
    result = start(tmp_path, DEBUG="true", DATABASE_URL="postgress://platform:s3cret@db/platform")
    line = assert_stops_naming(result, "DATABASE_URL")
    assert "'postgress'" in line
    assert "s3cret" not in result.stderr


def test_redis_url_with_http_scheme_stops_startup(tmp_path):
    line = assert_stops_naming(start(tmp_path, DEBUG="true", REDIS_URL="http://x"), "REDIS_URL")
    assert "redis://" in line


def test_missing_secret_key_with_debug_off_stops_startup(tmp_path):
    line = assert_stops_naming(start(tmp_path, DEBUG="false"), "SECRET_KEY")
    assert "DEBUG" in line


def test_non_numeric_integer_setting_stops_startup(tmp_path):
    assert_stops_naming(start(tmp_path, DEBUG="true", SESSION_COOKIE_AGE="eight hours"), "SESSION_COOKIE_AGE")


def test_debug_true_without_database_url_uses_sqlite_and_filesystem_broker(tmp_path):
    result = start(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout.strip().splitlines()[-1])
    assert config["debug"] is True
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["name"] == str(tmp_path / "var" / "db.sqlite3")
    assert config["broker"] == "filesystem://"
    assert config["cache"].endswith("LocMemCache")
    assert config["secret_set"] is True


def test_postgres_and_redis_urls_are_used(tmp_path):
    result = start(
        tmp_path,
        SECRET_KEY="s",
        DATABASE_URL="postgres://platform@db.example:5432/platform",
        REDIS_URL="redis://cache.example:6379/1",
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout.strip().splitlines()[-1])
    assert config["debug"] is False
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["name"] == "platform"
    assert config["broker"] == "redis://cache.example:6379/1"
    assert config["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_test_settings_start_without_any_environment(tmp_path):
    """config.settings.test supplies DEBUG and SECRET_KEY itself (pytest needs nothing else)."""
    result = start(tmp_path, settings_module="config.settings.test")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout.strip().splitlines()[-1])
    assert config["debug"] is False and config["secret_set"] is True


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False), ("", False)])
def test_env_bool_spellings(monkeypatch, raw, expected):
    from config.env import env_bool

    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", False) is expected


def test_env_int_minimum(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_int

    monkeypatch.setenv("SOME_NUMBER", "5")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be at least 10, got 5"):
        env_int("SOME_NUMBER", 20, minimum=10)
    monkeypatch.setenv("SOME_NUMBER", "")
    assert env_int("SOME_NUMBER", 20, minimum=10) == 20


def test_env_list_splits_and_trims(monkeypatch):
    from config.env import env_list

    monkeypatch.setenv("SOME_HOSTS", " a.example , b.example,, ")
    assert env_list("SOME_HOSTS", []) == ["a.example", "b.example"]


def test_a_local_env_file_fills_in_unset_variables(tmp_path):
    env_file = tmp_path / "dev.env"
    env_file.write_text("DEBUG=true\n")
    result = start(tmp_path, ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["debug"] is True
