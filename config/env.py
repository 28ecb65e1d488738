"""Reading settings from the environment.

Every value comes from an environment variable (or a ``.env`` file beside ``manage.py``) and
has a working default where a safe one exists. A malformed value stops start-up with one
message that names the variable, instead of a traceback deep inside Django.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()


def _read(name: str, reader: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return reader(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # environ raises ValueError, KeyError, TypeError depending on the cast
        raise ImproperlyConfigured(f"Environment variable {name} is invalid: {exc}") from None


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"Environment variable {name} must be at least {minimum}, got {value}")
    return value


def env_str(name: str, default: str = "") -> str:
    return _read(name, env.str, default=default)


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_db(name: str, default: str) -> dict[str, Any]:
    raw = env.str(name, default="").strip() or default
    if "://" not in raw:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be a URL such as postgres://user@host:5432/name, got {raw!r}"
        )
    scheme = raw.split("://", 1)[0]
    if scheme not in environ.Env.DB_SCHEMES:
        # django-environ would take an unknown scheme as the engine's module name, and start-up
        # would fail later deep inside Django. Only the scheme is quoted: the URL may hold a password.
        raise ImproperlyConfigured(
            f"Environment variable {name} names an unsupported database {scheme!r}; use postgres://, or sqlite:// for development"
        )
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is invalid: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"Environment variable {name} names an unsupported database: {raw!r}")
    return config


def env_url(name: str, schemes: tuple[str, ...]) -> str:
    raw = env.str(name, default="").strip()
    if raw and not raw.startswith(tuple(f"{s}://" for s in schemes)):
        raise ImproperlyConfigured(
            f"Environment variable {name} must start with one of {', '.join(s + '://' for s in schemes)}; got {raw!r}"
        )
    return raw
