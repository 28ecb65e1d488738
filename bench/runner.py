"""Run the registered operations against a seeded database and print one table.

For each operation: one untimed run that counts the queries and checks the baseline returns
the same rows, ``warmup`` untimed runs, then ``runs`` timed runs of the operation and of its
baseline, interleaved so both see the same machine. p50 and p95 are nearest-rank percentiles;
the ratio is p50(operation) / p50(baseline).
"""

from __future__ import annotations

import argparse
import fnmatch
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.operations import DATASET_PROBES, BenchContext, Operation, Unavailable, discover, operations

RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS.md"
DEFAULT_RUNS = 20
QUICK_RUNS = 5


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Measurement:
    name: str
    description: str = ""
    status: str = "ok"  # ok, unavailable, error
    reason: str = ""
    times_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    rows: int | None = None
    baseline_ms: list[float] = field(default_factory=list)
    baseline_queries: int | None = None
    check: str | None = None  # None: no baseline; "" same rows; otherwise what differs

    @property
    def p50(self) -> float | None:
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def p95(self) -> float | None:
        return percentile(self.times_ms, 95) if self.times_ms else None

    @property
    def baseline_p50(self) -> float | None:
        return statistics.median(self.baseline_ms) if self.baseline_ms else None

    @property
    def ratio(self) -> float | None:
        if self.p50 is None or not self.baseline_p50:
            return None
        return self.p50 / self.baseline_p50


def _count(result) -> int | None:
    """Rows a baseline returned (lists of rows; numbers such as a dict of totals have none)."""
    return len(result) if isinstance(result, list) else None


def measure(op: Operation, ctx: BenchContext, *, runs: int, warmup: int = 1) -> Measurement:
    m = Measurement(op.name, op.description)
    try:
        prepared = op.prepare(ctx)
        ctx.reset_throttles()
        with CaptureQueriesContext(connection) as queries:
            result = prepared.run()
        m.queries = len(queries)
        if prepared.baseline is not None:
            with CaptureQueriesContext(connection) as queries:
                baseline = prepared.baseline()
            m.baseline_queries = len(queries)
            m.rows = _count(baseline)
            m.check = (prepared.check(result, baseline) or "") if prepared.check else ""
        for _ in range(warmup):
            prepared.run()
        for _ in range(runs):
            begun = time.perf_counter()
            prepared.run()
            m.times_ms.append((time.perf_counter() - begun) * 1000)
            if prepared.baseline is not None:
                begun = time.perf_counter()
                prepared.baseline()
                m.baseline_ms.append((time.perf_counter() - begun) * 1000)
    except Unavailable as reason:
        m.status, m.reason = "unavailable", str(reason)
    except Exception as error:  # one broken operation must not hide the others' numbers
        m.status, m.reason = "error", f"{type(error).__name__}: {error}"
        if os.environ.get("BENCH_TRACEBACK"):
            traceback.print_exc()
    return m


# --- The table ----------------------------------------------------------------------------------

COLUMNS = ("operation", "rows", "p50 ms", "p95 ms", "queries", "SQL p50 ms", "ratio", "same rows")


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def table_rows(measurements: list[Measurement]) -> list[tuple[str, ...]]:
    rows = []
    for m in measurements:
        if m.status != "ok":
            label = "not available" if m.status == "unavailable" else "ERROR"
            rows.append((m.name, f"{label}: {m.reason}"))
            continue
        check = "–" if m.check is None else ("yes" if m.check == "" else f"NO: {m.check}")
        rows.append(
            (
                m.name,
                "–" if m.rows is None else str(m.rows),
                _ms(m.p50),
                _ms(m.p95),
                "–" if m.queries is None else str(m.queries),
                _ms(m.baseline_p50),
                "–" if m.ratio is None else f"{m.ratio:.1f}×",
                check,
            )
        )
    return rows


def format_table(measurements: list[Measurement]) -> str:
    """A fixed-width text table; unavailable and failed operations take one line with the reason."""
    rows = table_rows(measurements)
    full = [r for r in rows if len(r) == len(COLUMNS)]
    widths = [max(len(c), *(len(r[i]) for r in full)) if full else len(c) for i, c in enumerate(COLUMNS)]
    widths[0] = max(widths[0], *(len(r[0]) for r in rows)) if rows else widths[0]

    def line(cells: tuple[str, ...]) -> str:
        if len(cells) != len(COLUMNS):
            return f"{cells[0]:<{widths[0]}}  {cells[1]}"
        out = [f"{cells[0]:<{widths[0]}}"] + [f"{cell:>{w}}" for cell, w in zip(cells[1:-1], widths[1:-1], strict=True)]
        return "  ".join([*out, cells[-1]])

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(COLUMNS), rule, *(line(r) for r in rows)])


def markdown_table(measurements: list[Measurement]) -> str:
    rows = table_rows(measurements)
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 2) + ["---"]) + "|"]
    for r in rows:
        cells = list(r) if len(r) == len(COLUMNS) else [r[0], r[1], *([""] * (len(COLUMNS) - 2))]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out)


# --- The environment ----------------------------------------------------------------------------


def dataset() -> dict:
    facts: dict = {}
    for probe in DATASET_PROBES:
        facts.update(probe() or {})
    return facts


def machine() -> str:
    model = ""
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} CPUs ({model or platform.machine()}){memory}, {platform.system()} {platform.release()}"


def load_average() -> str:
    """Other work on the machine skews the numbers; the results say how busy it was."""
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def database() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version} ({settings_dict.get('NAME')})"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def commit() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{sha} (with uncommitted changes)" if dirty else sha


def environment(facts: dict) -> list[str]:
    """Lines saying when, on what and against which data the numbers were taken."""
    import django

    shown = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in facts.items() if k != "profile")
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- commit: {commit()}",
        f"- machine: {machine()}",
        f"- load average when the run started: {load_average()}",
        f"- database: {database()}",
        f"- software: Python {platform.python_version()}, Django {django.get_version()}",
        f"- dataset: profile {facts.get('profile', 'unknown')} ({shown})",
    ]


def header(facts: dict, runs: int) -> list[str]:
    return [
        *environment(facts),
        f"- runs: {runs} timed runs per operation after one warm-up, in one process (django.test.Client; DEBUG off)",
    ]


def header_lines_for_load(setup: str) -> list[str]:
    discover()
    return [*environment(dataset()), f"- load: {setup}"]


def write_results(section: str, title: str, lines: list[str], path: Path | None = None) -> None:
    """Replace (or add) the marked section ``section`` of ``path`` (default ``RESULTS.md``),
    keeping the other sections."""
    path = path or RESULTS_PATH
    begin, end = f"<!-- results:{section} -->", f"<!-- /results:{section} -->"
    block = "\n".join([begin, f"## {title}", "", *lines, end])
    text = path.read_text() if path.exists() else RESULTS_PREAMBLE
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


RESULTS_PREAMBLE = """# Benchmark results

Written by `python -m bench --write-results` and `python -m bench.loadtest --write-results`
(see README, "Scale and benchmarks"); the generator section is copied from the output of
`manage.py seed_scale`. Each section is replaced by the next run of its kind; git history keeps
the earlier numbers.

*ratio* is the operation's p50 divided by the p50 of a baseline that gets the same rows or
numbers with one hand-written SQL query and `json.dumps`, in the same process; *same rows* says
whether the baseline was checked to return what the operation shows.
"""


# --- Command line -------------------------------------------------------------------------------


def unseeded_message() -> str:
    name = connection.settings_dict.get("NAME")
    return (
        f"No scale dataset in this database ({connection.vendor}: {name}). Seed one first, for example:\n"
        "  DEBUG=true python manage.py seed_scale --profile city       # about 8,000 enterprises, seconds\n"
        "  DEBUG=true python manage.py seed_scale --profile province   # 100,000 enterprises, PostgreSQL only\n"
        "(with --reset if the database already holds data), then run python -m bench again."
    )


def is_seeded() -> bool:
    from django.contrib.auth import get_user_model

    from core.scale import SCALE_USERNAME_PREFIX

    return get_user_model().objects.filter(username__startswith=SCALE_USERNAME_PREFIX).exists()


def select(all_ops: list[Operation], patterns: list[str] | None) -> list[Operation]:
    if not patterns:
        return all_ops
    return [op for op in all_ops if any(fnmatch.fnmatch(op.name, p) or p in op.name for p in patterns)]


def main(argv: list[str] | None = None, stdout=None) -> int:
    stdout = stdout or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmark the operations users wait for.")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS} runs per operation (for the city profile: under 3 minutes)")
    parser.add_argument("--runs", type=int, help=f"timed runs per operation (default {DEFAULT_RUNS}, {QUICK_RUNS} with --quick)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only operations whose name contains NAME (or matches a glob)")
    parser.add_argument("--list", action="store_true", help="list the registered operations and exit")
    parser.add_argument("--write-results", action="store_true", help=f"write the table into {RESULTS_PATH.name} (section of the profile)")
    args = parser.parse_args(argv)
    runs = args.runs or (QUICK_RUNS if args.quick else DEFAULT_RUNS)
    if runs < 1:
        parser.error("--runs must be at least 1")

    discover()
    chosen = select(operations(), args.only)
    if args.list:
        for op in chosen:
            print(f"{op.name:<44} {op.description}", file=stdout)
        return 0
    if not chosen:
        print(f"No operation matches {' '.join(args.only)}; see --list.", file=stdout)
        return 2
    if not is_seeded():
        print(unseeded_message(), file=stdout)
        return 2

    facts = dataset()
    lines = header(facts, runs)
    for text in lines:
        print(text.removeprefix("- "), file=stdout)
    print("", file=stdout)
    ctx = BenchContext()
    measurements = []
    started = time.monotonic()
    try:
        for op in chosen:
            measurement = measure(op, ctx, runs=runs)
            measurements.append(measurement)
            print(f"  {op.name}: {measurement.status} {_ms(measurement.p50)} ms", file=sys.stderr)
    finally:
        ctx.close()
    print(format_table(measurements), file=stdout)
    print(f"\n{len(measurements)} operations in {time.monotonic() - started:.0f} s.", file=stdout)
    if args.write_results:
        profile = str(facts.get("profile", "unknown"))
        write_results(profile, f"Suite, {profile} profile", [*lines, "", markdown_table(measurements)])
        print(f"Wrote the {profile} section of {RESULTS_PATH.name}.", file=stdout)
    failed = [m for m in measurements if m.status == "error" or (m.check not in (None, ""))]
    return 1 if failed else 0
