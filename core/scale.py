"""Scale datasets (``manage.py seed_scale``): a registry of generator *parts* and the runner
that loads them, fast, into an empty database.

``core`` knows no domain model. Each app registers one part from its ``AppConfig.ready``::

    register_scale_part(
        "hazards", "hazards.scale.generate", order=200, requires=("responsibility",),
        models=("hazards.Hazard", "hazards.RiskPoint"),
    )

A part is ``generate(ctx)`` with ``ctx`` a :class:`ScaleContext`. It reads the profile
(``ctx.profile``: ``tiny``, ``city`` or ``province``; each part decides what that means for its
own tables), draws every random choice from ``ctx.random(...)`` (seeded from ``--seed`` and the
part's own name, so adding a part never changes another part's data), takes primary keys from
``ctx.allocate_ids`` (explicit ids: the same seed gives the same rows with the same ids, and no
``RETURNING`` round trip is needed) and writes rows with ``ctx.write`` — PostgreSQL ``COPY`` on
PostgreSQL, ``bulk_create`` elsewhere. What later parts need (ids of jurisdictions, users …)
goes into ``ctx.shared[<part name>]``.

``models`` names the tables a part fills: a database where any of them has rows is "not
empty", and ``--reset`` truncates them, with everything that refers to them (``TRUNCATE …
CASCADE``), so reference data a part depends on must be restored by that part (idempotently).
"""

from __future__ import annotations

import io
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

#: Profiles every part understands. ``tiny`` exists for the test suite (a few hundred rows).
PROFILES = ("tiny", "city", "province")
#: Profiles too large for SQLite: refused there, with a message saying what to use instead.
POSTGRESQL_ONLY_PROFILES = ("province",)
#: Logins created by parts start with this prefix, so ``--reset`` can remove exactly those.
SCALE_USERNAME_PREFIX = "scale_"
#: Records that point at domain rows without a foreign key (audit entries, per-object grants):
#: once the rows are gone they describe nothing, so ``--reset`` clears them too.
DANGLING_MODELS = ("auditlog.LogEntry", "guardian.UserObjectPermission", "guardian.GroupObjectPermission")

COPY_CHUNK_ROWS = 50_000


class ScaleError(Exception):
    """The generator refuses to run; the message says what to do instead."""


@dataclass(frozen=True)
class ScalePart:
    name: str
    func: Callable | str  # the callable, or its dotted path (imported when the generator runs)
    order: int = 500
    requires: tuple[str, ...] = ()
    models: tuple[str, ...] = ()  # "app_label.ModelName" of the tables the part fills

    def load(self) -> Callable:
        return import_string(self.func) if isinstance(self.func, str) else self.func


_PARTS: dict[str, ScalePart] = {}


def register_scale_part(
    name: str,
    func: Callable | str,
    *,
    order: int = 500,
    requires: Sequence[str] = (),
    models: Sequence[str] = (),
) -> None:
    """Add a generator part (or replace the part of the same name). Parts run after the parts
    they require, otherwise by ``order`` (the responsibility system uses 100; later apps 200+)."""
    _PARTS[name] = ScalePart(name, func, order, tuple(requires), tuple(models))


def unregister_scale_part(name: str) -> None:
    _PARTS.pop(name, None)


def scale_parts() -> list[ScalePart]:
    """The registered parts in running order: every part after those it requires, ties broken
    by ``order`` then name. An unknown requirement or a cycle is a configuration error."""
    for part in _PARTS.values():
        missing = [r for r in part.requires if r not in _PARTS]
        if missing:
            raise ImproperlyConfigured(f"Scale part {part.name!r} requires unregistered part(s): {', '.join(missing)}")
    done: list[ScalePart] = []
    placed: set[str] = set()
    pending = sorted(_PARTS.values(), key=lambda p: (p.order, p.name))
    while pending:
        ready = next((p for p in pending if all(r in placed for r in p.requires)), None)
        if ready is None:
            names = ", ".join(p.name for p in pending)
            raise ImproperlyConfigured(f"Scale parts require each other in a cycle: {names}")
        pending.remove(ready)
        done.append(ready)
        placed.add(ready.name)
    return done


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def part_models(parts: Iterable[ScalePart]) -> list[type[models.Model]]:
    found: list[type[models.Model]] = []
    for part in parts:
        for label in part.models:
            model = _model(label)
            if model is None:
                raise ImproperlyConfigured(f"Scale part {part.name!r} names an unknown model {label!r}")
            if model not in found:
                found.append(model)
    return found


def referring_closure(roots: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """``roots`` and every table that refers to one of them, directly or not (what PostgreSQL's
    ``TRUNCATE … CASCADE`` empties), including the tables behind many-to-many fields."""
    tables: list[type[models.Model]] = list(dict.fromkeys(roots))
    every = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    changed = True
    while changed:
        changed = False
        for model in every:
            if model in tables:
                continue
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model in tables and f.related_model is not model:
                    tables.append(model)
                    changed = True
                    break
    return tables


# --- The context parts write through -----------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class ScaleContext:
    """What a part gets: the profile, seeded random streams, id allocation, fast writes, a log
    and the row counters the command prints."""

    def __init__(self, *, profile: str, seed: int, today: date, using: str = "default", stdout=None):
        self.profile = profile
        self.seed = seed
        self.today = today
        self.now = timezone.now()
        self.using = using
        self.stdout = stdout
        self.shared: dict[str, dict] = {}
        self.rows: Counter[str] = Counter()
        self.written_models: list[type[models.Model]] = []
        self._next_id: dict[type[models.Model], int] = {}

    @property
    def connection(self):
        return connections[self.using]

    @property
    def is_postgresql(self) -> bool:
        return self.connection.vendor == "postgresql"

    def random(self, *names: object) -> random.Random:
        """A random stream named after ``names``: independent of every other stream, so one
        part drawing more numbers does not shift what another part draws."""
        return random.Random(":".join([str(self.seed), *map(str, names)]))

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def allocate_ids(self, model: type[models.Model], count: int) -> range:
        """``count`` primary keys for new rows of ``model``, above every existing one."""
        start = self._next_id.get(model)
        if start is None:
            top = model._base_manager.using(self.using).aggregate(top=models.Max("pk"))["top"]
            start = (top or 0) + 1
        self._next_id[model] = start + count
        return range(start, start + count)

    def write(self, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence], *, label: str | None = None) -> int:
        """Insert ``rows`` (tuples of values in the order of ``fields``, which are attribute
        names such as ``jurisdiction_id``) into ``model``'s table; returns the row count.

        Fields not listed get what Django would give them: ``auto_now``/``auto_now_add`` fields
        the run's start time, fields with a default that default (COPY knows only database
        defaults, and Django keeps most defaults in Python). Values must be database-ready
        (ids, not objects)."""
        opts = model._meta
        fields = list(fields)
        filled: list[str] = []
        extra: list = []
        for f in opts.concrete_fields:
            if f.attname in fields or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                filled.append(f.attname)
                extra.append(self.now)
            elif f.has_default():
                filled.append(f.attname)
                extra.append(f.get_default())
        fields += filled
        columns = [opts.get_field(name).column for name in fields]
        extra = tuple(extra)
        if self.is_postgresql:
            count = self._copy(opts.db_table, columns, rows, extra)
        else:
            count = self._bulk_create(model, fields, rows, extra)
        self.rows[label or opts.label_lower] += count
        if model not in self.written_models:
            self.written_models.append(model)
        return count

    def _copy(self, table: str, columns: list[str], rows: Iterable[Sequence], extra: tuple) -> int:
        quote = self.connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        count = 0
        buffer = io.StringIO()
        pending = 0
        with self.connection.cursor() as cursor:
            for row in rows:
                buffer.write("\t".join(_copy_value(v) for v in (*row, *extra)))
                buffer.write("\n")
                pending += 1
                if pending >= COPY_CHUNK_ROWS:
                    buffer.seek(0)
                    cursor.copy_expert(sql, buffer)
                    count += pending
                    buffer, pending = io.StringIO(), 0
            if pending:
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
                count += pending
        return count

    def _bulk_create(self, model, fields: list[str], rows: Iterable[Sequence], extra: tuple) -> int:
        objects = [model(**dict(zip(fields, (*row, *extra), strict=True))) for row in rows]
        with _given_timestamps(model, fields):
            model._base_manager.using(self.using).bulk_create(objects, batch_size=2000)
        return len(objects)


@contextmanager
def _given_timestamps(model, fields: Sequence[str]):
    """``bulk_create`` stamps ``auto_now``/``auto_now_add`` fields with the current time (their
    ``pre_save``), whatever the objects hold; a generated row's planned times (a hazard created
    months ago) must be written as given, like COPY writes them. So those fields stop stamping
    while the rows are inserted. The seeding command is the only writer in its process."""
    stamping = [
        f for f in model._meta.concrete_fields
        if f.attname in fields and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in stamping]
    for f in stamping:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- Checks, reset and the run -----------------------------------------------------------------


def nonempty_tables(parts: Sequence[ScalePart], using: str = "default") -> dict[str, int]:
    """Tables of ``parts`` holding rows, with their counts, plus logins a previous run made."""
    from django.contrib.auth import get_user_model

    found: dict[str, int] = {}
    for model in part_models(parts):
        count = model._base_manager.using(using).count()
        if count:
            found[model._meta.label_lower] = count
    logins = get_user_model()._base_manager.using(using).filter(username__startswith=SCALE_USERNAME_PREFIX).count()
    if logins:
        found["scale logins"] = logins
    return found


def check_database(*, profile: str, reset: bool, parts: Sequence[ScalePart], using: str = "default") -> None:
    """Refuse what would give a wrong or endless run, saying what to do instead."""
    if profile not in PROFILES:
        raise ScaleError(f"Unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}.")
    vendor = connections[using].vendor
    if profile in POSTGRESQL_ONLY_PROFILES and vendor != "postgresql":
        raise ScaleError(
            f"The {profile} profile needs PostgreSQL: it loads close to a million rows with COPY, "
            f"which {vendor} cannot do in reasonable time. Set DATABASE_URL=postgres://user@host:5432/<empty database> "
            f"(for example: createdb platform_scale), or use --profile city on {vendor}."
        )
    if not reset:
        found = nonempty_tables(parts, using)
        if found:
            names = list(found.items())
            listed = ", ".join(f"{name}: {count:,} rows" for name, count in names[:3])
            if len(names) > 3:
                listed += f" and {len(names) - 3} more tables"
            raise ScaleError(
                f"The database is not empty ({listed}). seed_scale never mixes its data with existing data: "
                "run it again with --reset to delete the domain data first (migrations, roles and reference "
                "data are kept), or point DATABASE_URL at an empty database."
            )


def reset_database(parts: Sequence[ScalePart], *, using: str = "default", log: Callable[[str], None] = lambda m: None) -> list[str]:
    """Empty the tables of ``parts``, every table referring to them and the scale logins.
    Returns the names of the tables emptied. Runs inside the caller's transaction."""
    from django.contrib.auth import get_user_model

    connection = connections[using]
    roots = part_models(parts) + [m for m in (_model(label) for label in DANGLING_MODELS) if m is not None]
    tables = referring_closure(roots)
    names = [m._meta.db_table for m in tables]
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            # Rows inserted earlier in the same transaction leave deferred foreign-key checks
            # pending, and TRUNCATE refuses tables with pending trigger events: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(quote(n) for n in names)} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        # Referring tables first; SQLite checks foreign keys at commit, so order only matters
        # for readability, but a clean order keeps other backends happy too.
        with connection.cursor() as cursor:
            for table in reversed(names):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    get_user_model()._base_manager.using(using).filter(username__startswith=SCALE_USERNAME_PREFIX).delete()
    log(f"reset: emptied {len(names)} tables and removed the scale logins")
    return names


@dataclass
class PartResult:
    name: str
    seconds: float
    rows: Counter[str] = field(default_factory=Counter)


@dataclass
class ScaleResult:
    profile: str
    seed: int
    seconds: float
    parts: list[PartResult]
    rows: Counter[str]
    vendor: str
    context: ScaleContext | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def run_scale(
    *,
    profile: str,
    seed: int = 1,
    reset: bool = False,
    today: date | None = None,
    using: str = "default",
    stdout=None,
    only: Sequence[str] | None = None,
) -> ScaleResult:
    """Check, optionally reset, run every registered part in one transaction, then fix the
    id sequences and refresh the planner statistics. Raises :class:`ScaleError` on refusal."""
    from auditlog.context import disable_auditlog

    parts = scale_parts()
    if only:
        unknown = [name for name in only if name not in {p.name for p in parts}]
        if unknown:
            raise ScaleError(f"Unknown part(s): {', '.join(unknown)}. Registered: {', '.join(p.name for p in parts)}.")
        parts = [p for p in parts if p.name in only]
        missing = sorted({r for p in parts for r in p.requires if r not in only})
        if missing:
            raise ScaleError(f"The parts chosen with --only need {', '.join(missing)} too: add them to --only.")
    if not parts:
        raise ScaleError("No scale parts are registered: no installed app contributes a dataset.")
    check_database(profile=profile, reset=reset, parts=parts, using=using)
    ctx = ScaleContext(profile=profile, seed=seed, today=today or timezone.localdate(), using=using, stdout=stdout)
    connection = connections[using]
    started = time.monotonic()
    results: list[PartResult] = []
    with disable_auditlog(), transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Durability of each commit does not matter while loading a scratch dataset.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if reset:
            reset_database(parts, using=using, log=ctx.log)
        for part in parts:
            before = Counter(ctx.rows)
            ctx.log(f"{part.name} …")
            begun = time.monotonic()
            part.load()(ctx)
            seconds = time.monotonic() - begun
            written = Counter({k: v - before.get(k, 0) for k, v in ctx.rows.items() if v - before.get(k, 0)})
            results.append(PartResult(part.name, seconds, written))
            ctx.log(f"{part.name}: {sum(written.values()):,} rows in {seconds:.1f} s")
        # Explicit ids leave the sequences behind; move them past the highest id.
        statements = connection.ops.sequence_reset_sql(no_style(), ctx.written_models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        committing = time.monotonic()
    # Django's foreign keys are deferred on PostgreSQL: they are all checked at this commit.
    ctx.log(f"commit: {time.monotonic() - committing:.1f} s")
    begun = time.monotonic()
    tables = [connection.ops.quote_name(m._meta.db_table) for m in ctx.written_models]
    with connection.cursor() as cursor:
        # Fresh statistics, or the planner guesses on empty-table estimates for the benchmark.
        if connection.vendor == "postgresql" and tables:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
    ctx.log(f"analyze: {time.monotonic() - begun:.1f} s")
    return ScaleResult(
        profile=profile,
        seed=seed,
        seconds=time.monotonic() - started,
        parts=results,
        rows=Counter(ctx.rows),
        vendor=connection.vendor,
        context=ctx,
    )
