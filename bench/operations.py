"""The registry of benchmark operations, and what an operation gets to prepare itself.

Each app puts its operations in a ``bench`` module (``responsibility/bench.py``,
``hazards/bench.py`` …), found by :func:`discover` when the suite runs::

    from bench.operations import Prepared, register_operation

    @register_operation("hazards.api.county.first", order=300, description="Hazard list API, a county, page 1")
    def hazard_list_first_page(ctx):
        client = ctx.token_client("scale_countysys")
        url = ctx.url("api:hazard-list")                  # Unavailable when the URL does not exist
        sql = "SELECT … LIMIT 50"                          # the same rows, one hand-written query
        return Prepared(
            run=lambda: ctx.get(client, url),
            baseline=lambda: ctx.baseline_rows(sql, [path + "%"]),
            check=same_ids,                                # the rows really are the same
        )

``prepare(ctx)`` runs once, untimed: it finds users, ids and URLs, and raises
:class:`Unavailable` (with the reason) when the operation cannot run on this code base or
dataset; the suite prints that reason instead of a number. ``run`` is what is timed; ``baseline``
(optional) gets the same rows or numbers with a single SQL query and ``json.dumps``, in the same
process, so the ratio of the two says how much the framework costs on top of the database.

Apps also register the paths the load test mixes (:func:`register_load_path`) and a probe that
describes the seeded dataset (:func:`register_dataset_probe`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape


class Unavailable(Exception):
    """The operation cannot run here (its page does not exist yet, the dataset lacks its rows)."""


class BenchError(Exception):
    """The operation ran but failed (an error status, an exception)."""


@dataclass
class Prepared:
    run: Callable[[], Any]
    #: One hand-written SQL query plus ``json.dumps`` giving the same rows or numbers.
    baseline: Callable[[], Any] | None = None
    #: ``check(run_result, baseline_result)`` → ``None`` when both hold the same rows, or what differs.
    check: Callable[[Any, Any], str | None] | None = None
    note: str = ""


@dataclass(frozen=True)
class Operation:
    name: str
    prepare: Callable[[BenchContext], Prepared]
    order: int = 500
    description: str = ""


@dataclass(frozen=True)
class LoadPath:
    """A URL the load test requests: ``kind`` "html" (a logged-in browser) or "api" (a token)."""

    name: str
    kind: str
    url_name: str
    query: str = ""
    weight: int = 1
    username: str = ""  # html paths: "" for every browser session, or only sessions of this login


OPERATIONS: dict[str, Operation] = {}
LOAD_PATHS: dict[str, LoadPath] = {}
DATASET_PROBES: list[Callable[[], dict[str, Any]]] = []


def register_operation(name: str, prepare: Callable | None = None, *, order: int = 500, description: str = ""):
    """Register (or replace) an operation; usable as a decorator."""

    def wrap(func: Callable) -> Callable:
        doc = (func.__doc__ or "").strip()
        OPERATIONS[name] = Operation(name, func, order, description or (doc.splitlines()[0] if doc else ""))
        return func

    return wrap(prepare) if prepare is not None else wrap


def unregister_operation(name: str) -> None:
    OPERATIONS.pop(name, None)


def operations() -> list[Operation]:
    return sorted(OPERATIONS.values(), key=lambda op: (op.order, op.name))


def register_load_path(path: LoadPath) -> None:
    LOAD_PATHS[path.name] = path


def register_dataset_probe(probe: Callable[[], dict[str, Any]]) -> None:
    """``probe()`` returns facts about the seeded dataset (``{"profile": "city", "enterprises": …}``)."""
    if probe not in DATASET_PROBES:
        DATASET_PROBES.append(probe)


_discovered = False


def discover() -> None:
    """Import the ``bench`` module of every installed app (once)."""
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("bench")
        _discovered = True


# --- What operations use ------------------------------------------------------------------------


class BenchContext:
    """Users, clients, URLs and SQL helpers for preparing operations; cleans up after itself
    (the API tokens it issues are revoked by :meth:`close`)."""

    def __init__(self):
        self._clients: dict[tuple[str, str], Any] = {}
        self._users: dict[str, Any] = {}
        self._tokens: list[Any] = []

    def user(self, username: str):
        from django.contrib.auth import get_user_model

        if username not in self._users:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                raise Unavailable(f"no login {username} in this dataset")
            self._users[username] = user
        return self._users[username]

    def client(self, username: str):
        """A browser session (django.test.Client) logged in as ``username``."""
        from django.test import Client

        key = ("session", username)
        if key not in self._clients:
            client = Client()
            client.force_login(self.user(username))
            self._clients[key] = client
        return self._clients[key]

    def token_client(self, username: str):
        """A client sending ``Authorization: Token …`` for ``username`` (a county system)."""
        from datetime import timedelta

        from django.test import Client
        from django.utils import timezone

        from core.services import api_token_create

        key = ("token", username)
        if key not in self._clients:
            issued = api_token_create(user=self.user(username), name="benchmark", expires_at=timezone.now() + timedelta(hours=6))
            self._tokens.append(issued.token)
            self._clients[key] = Client(headers={"Authorization": f"Token {issued.key}"})
        return self._clients[key]

    def reset_throttles(self) -> None:
        """Forget the API rate-limit history of the benchmark's users: the suite sends more
        requests per hour than one real client should."""
        from django.core.cache import cache

        for user in self._users.values():
            cache.delete(f"throttle_user_{user.pk}")

    @staticmethod
    def url(name: str, *args, query: str = "") -> str:
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            raise Unavailable(f"URL {name} does not exist in this code base") from None
        return f"{url}?{query}" if query else url

    @staticmethod
    def get(client, url: str):
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code}")
        return response

    @staticmethod
    def scope_path(user) -> str:
        """The (first) materialized-path prefix of ``user``'s scope."""
        from core.access import forget_scope, get_scope

        forget_scope(user)
        scope = get_scope(user)
        if scope.unrestricted or not scope.paths:
            raise Unavailable(f"{user} has no single jurisdiction scope")
        return scope.paths[0]

    @staticmethod
    def fetch(sql: str, params: Iterable | Mapping = ()) -> list[dict]:
        """One query; rows as dicts keyed by column name."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params if isinstance(params, Mapping) else list(params))
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    @staticmethod
    def dumps(payload) -> str:
        """Plain JSON encoding (dates and decimals as strings), as a baseline serializer."""
        return json.dumps(payload, ensure_ascii=False, default=str)

    def baseline_rows(self, sql: str, params: Iterable = (), *, transform: Callable[[dict], dict] | None = None) -> list[dict]:
        rows = self.fetch(sql, params)
        if transform is not None:
            rows = [transform(row) for row in rows]
        self.dumps(rows)
        return rows

    def close(self) -> None:
        from core.services import api_token_revoke

        for token in self._tokens:
            api_token_revoke(token=token)
        self._tokens.clear()


# --- Checks -------------------------------------------------------------------------------------


def same_ids(response, rows: list[dict]) -> str | None:
    """An API page and the baseline list the same ids in the same order."""
    body = response.json()
    got = [r["id"] for r in (body["results"] if isinstance(body, dict) else body)]
    wanted = [r["id"] for r in rows]
    if got != wanted:
        return f"ids differ: API {got[:3]}…, SQL {wanted[:3]}… ({len(got)} vs {len(wanted)} rows)"
    return None


def all_names_shown(key: str = "name") -> Callable[[Any, list[dict]], str | None]:
    """Every baseline row's ``key`` appears in the HTML page (the page shows those rows)."""

    def check(response, rows: list[dict]) -> str | None:
        html = response.content.decode()
        missing = [r[key] for r in rows if escape(str(r[key])) not in html]
        if missing:
            return f"{len(missing)} of {len(rows)} rows not on the page, e.g. {missing[0]}"
        return None

    return check
