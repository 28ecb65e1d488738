"""Load test: a few dozen concurrent sessions against a running server, mixing browser pages
and API lists, bounded in time and in requests; reports throughput, p50/p95/p99 and errors.

    # a server (see README, "Scale and benchmarks"), e.g. gunicorn through scripts/serve-web:
    BIND=127.0.0.1:8011 WEB_WORKERS=3 API_RATE_LIMIT=1000000/hour ... scripts/serve-web
    # then, against the same DATABASE_URL (the test issues itself an API token there):
    python -m bench.loadtest --url http://127.0.0.1:8011 --clients 30 --seconds 30 --max-requests 20000

Browser sessions log in through the login form (CSRF token and session cookie, like a person);
API sessions send ``Authorization: Token …`` with a token issued for the county system's login
(revoked at the end). Which URLs are requested, and how often, is registered by the apps
(:func:`bench.operations.register_load_path`). Threads and ``http.client`` only: the clients
spend their time waiting for the server, so the GIL is not what limits them.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.runner import header_lines_for_load, percentile, write_results

HTML_USER = "scale_county_office"
API_USER = "scale_countysys"
DEFAULT_PASSWORD = "Demo@2026"  # the demo password seed_scale gives its logins
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Target:
    name: str
    kind: str
    path: str
    weight: int
    username: str  # "" for every browser session; otherwise only that user's sessions


@dataclass
class Sample:
    name: str
    status: int  # 0: no answer (connection error, timeout)
    ms: float


@dataclass
class Budget:
    """The shared cap on requests; ``take`` is False once it is spent or time is up."""

    remaining: int
    deadline: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopped: threading.Event = field(default_factory=threading.Event)

    def take(self) -> bool:
        if self.stopped.is_set() or time.monotonic() >= self.deadline:
            return False
        with self.lock:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True


class Session:
    """One simulated user: a keep-alive connection, cookies, and the targets it may request."""

    def __init__(self, base: str, targets: list[Target], *, rng: random.Random, timeout: float, token: str = ""):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.targets = targets
        self.weights = [t.weight for t in targets]
        self.rng = rng
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"} if token else {}
        self.samples: list[Sample] = []
        self.error = ""
        self.connection: http.client.HTTPConnection | None = None

    def _request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=all_headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        for raw in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(raw)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, content

    def login(self, login_path: str, username: str, password: str) -> bool:
        try:
            status, content = self._request("GET", login_path)
            match = CSRF_INPUT.search(content.decode(errors="replace"))
            if status != 200 or not match:
                self.error = f"login page answered {status}"
                return False
            body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": match.group(1), "next": "/"})
            status, _ = self._request(
                "POST", login_path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
        except (OSError, http.client.HTTPException) as error:
            self.error = f"login failed: {error}"
            return False
        if status != 302 or "sessionid" not in self.cookies:
            self.error = f"login as {username} answered {status} (wrong password?)"
            return False
        return True

    def run(self, budget: Budget) -> None:
        while budget.take():
            target = self.rng.choices(self.targets, self.weights)[0]
            begun = time.perf_counter()
            try:
                status, _ = self._request("GET", target.path)
            except (OSError, http.client.HTTPException):
                status = 0
            self.samples.append(Sample(target.name, status, (time.perf_counter() - begun) * 1000))
        if self.connection is not None:
            self.connection.close()


# --- Report -------------------------------------------------------------------------------------


@dataclass
class Report:
    clients: int
    seconds: float
    samples: list[Sample]
    kinds: dict[str, str]
    login_errors: list[str]

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if not 200 <= s.status < 400)

    @property
    def throughput(self) -> float:
        return len(self.samples) / self.seconds if self.seconds else 0.0

    def lines(self) -> list[tuple[str, ...]]:
        by_name: dict[str, list[Sample]] = defaultdict(list)
        for sample in self.samples:
            by_name[sample.name].append(sample)
        rows = []
        for name in sorted(by_name, key=lambda n: (self.kinds.get(n, ""), n)):
            rows.append(_row(name, self.kinds.get(name, ""), by_name[name]))
        rows.append(_row("all", "", self.samples))
        return rows

    def statuses(self) -> str:
        counts = Counter(s.status for s in self.samples)
        return ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(counts.items()))


def _row(name: str, kind: str, samples: list[Sample]) -> tuple[str, ...]:
    times = [s.ms for s in samples]
    errors = sum(1 for s in samples if not 200 <= s.status < 400)
    if not times:
        return (name, kind, "0", "–", "–", "–", str(errors))
    return (name, kind, str(len(times)), f"{percentile(times, 50):.0f}", f"{percentile(times, 95):.0f}", f"{percentile(times, 99):.0f}", str(errors))


REPORT_COLUMNS = ("endpoint", "kind", "requests", "p50 ms", "p95 ms", "p99 ms", "errors")


def format_report(report: Report) -> str:
    rows = report.lines()
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(REPORT_COLUMNS)]
    out = [
        "  ".join(f"{c:<{w}}" if i < 2 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(REPORT_COLUMNS, widths, strict=True)))
    ]
    out.append("  ".join("-" * w for w in widths))
    for r in rows:
        out.append("  ".join(f"{c:<{w}}" if i < 2 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    out.append("")
    out.append(
        f"{len(report.samples)} requests from {report.clients} sessions in {report.seconds:.1f} s: "
        f"{report.throughput:.1f} requests/s, {report.errors} errors (status {report.statuses()})"
    )
    for error in report.login_errors:
        out.append(f"session not started: {error}")
    return "\n".join(out)


def markdown_report(report: Report) -> str:
    out = ["| " + " | ".join(REPORT_COLUMNS) + " |", "|---|---|" + "---:|" * (len(REPORT_COLUMNS) - 2)]
    for r in report.lines():
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out)


# --- Running ------------------------------------------------------------------------------------


def targets() -> list[Target]:
    """The registered load paths whose URL exists in this code base."""
    from django.urls import NoReverseMatch, reverse

    from bench.operations import LOAD_PATHS, discover

    discover()
    found = []
    for path in LOAD_PATHS.values():
        try:
            url = reverse(path.url_name)
        except NoReverseMatch:
            print(f"skipped (URL {path.url_name} does not exist): {path.name}", file=sys.stderr)
            continue
        found.append(Target(path.name, path.kind, f"{url}?{path.query}" if path.query else url, path.weight, path.username))
    return found


def run_load(
    *,
    url: str,
    clients: int,
    seconds: float,
    max_requests: int,
    api_share: float,
    password: str,
    token: str,
    seed: int = 1,
    timeout: float = 60.0,
) -> Report:
    from django.urls import reverse

    all_targets = targets()
    html = [t for t in all_targets if t.kind == "html"]
    api = [t for t in all_targets if t.kind == "api"]
    api_sessions = round(clients * api_share) if api else 0
    if not html:
        api_sessions = clients
    login_path = reverse("login")
    # Most browser sessions are county office staff; one in six works, in turn, as another user
    # a load path names (the top-level office, a leader).
    others = sorted({t.username for t in html if t.username and t.username != HTML_USER})
    sessions: list[Session] = []
    login_errors: list[str] = []
    for number in range(clients):
        rng = random.Random(f"{seed}:{number}")
        if number < api_sessions:
            sessions.append(Session(url, api, rng=rng, timeout=timeout, token=token))
            continue
        html_number = number - api_sessions
        username = others[(html_number // 6) % len(others)] if others and html_number % 6 == 5 else HTML_USER
        # Pages without a user are browsed by every session, each in its own scope.
        session = Session(url, [t for t in html if t.username in ("", username)], rng=rng, timeout=timeout)
        if session.login(login_path, username, password):
            sessions.append(session)
        else:
            login_errors.append(session.error)
    budget = Budget(remaining=max_requests, deadline=time.monotonic() + seconds)
    threads = [threading.Thread(target=s.run, args=(budget,), daemon=True) for s in sessions]
    started = time.monotonic()
    budget.deadline = started + seconds
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 5)
    budget.stopped.set()
    elapsed = time.monotonic() - started
    samples = [sample for s in sessions for sample in s.samples]
    return Report(clients=clients, seconds=elapsed, samples=samples, kinds={t.name: t.kind for t in all_targets}, login_errors=login_errors)


def main(argv: list[str] | None = None, stdout=None) -> int:
    stdout = stdout or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description="Concurrent sessions against a running server.")
    parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8011")
    parser.add_argument("--clients", type=int, default=30, help="simultaneous sessions (default 30)")
    parser.add_argument("--seconds", type=float, default=30, help="stop after this many seconds (default 30)")
    parser.add_argument("--max-requests", type=int, default=20000, help="stop after this many requests in all (default 20000)")
    parser.add_argument("--api-share", type=float, default=0.4, help="share of sessions that are API clients (default 0.4)")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", DEFAULT_PASSWORD), help="password of the scale_* logins")
    parser.add_argument("--token", default="", help="API key to use instead of issuing one (for a server on another database)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for one answer (default 60)")
    parser.add_argument("--note", default="", help="how the server runs, for the results (e.g. 'gunicorn, 3 sync workers')")
    parser.add_argument("--write-results", action="store_true", help="write the report into bench/RESULTS.md (load test section)")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.max_requests < 1 or not 0 <= args.api_share <= 1:
        parser.error("--clients and --max-requests must be at least 1, --seconds above 0, --api-share between 0 and 1")
    if urlsplit(args.url).scheme != "http":
        parser.error("--url must be an http:// address (the load test speaks plain HTTP on loopback)")

    from bench.runner import is_seeded, unseeded_message

    issued = None
    token = args.token
    if not token:
        if not is_seeded():
            print(unseeded_message(), file=stdout)
            return 2
        from datetime import timedelta

        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from core.services import api_token_create

        user = get_user_model().objects.get(username=API_USER)
        issued = api_token_create(user=user, name="load test", expires_at=timezone.now() + timedelta(hours=2))
        token = issued.key
    setup = (
        f"{args.clients} sessions ({round(args.clients * args.api_share)} API), at most {args.seconds:g} s "
        f"and {args.max_requests} requests, against {args.url}" + (f" ({args.note})" if args.note else "")
    )
    # Taken before the run: the load average afterwards would include the test's own load.
    lines = header_lines_for_load(setup) if args.write_results else []
    try:
        report = run_load(
            url=args.url.rstrip("/"),
            clients=args.clients,
            seconds=args.seconds,
            max_requests=args.max_requests,
            api_share=args.api_share,
            password=args.password,
            token=token,
            timeout=args.timeout,
        )
    finally:
        if issued is not None:
            from core.services import api_token_revoke

            api_token_revoke(token=issued.token)
    print(format_report(report), file=stdout)
    if args.write_results:
        summary = (
            f"**{report.throughput:.1f} requests/s**, {len(report.samples)} requests in {report.seconds:.1f} s, "
            f"{report.errors} errors (status {report.statuses()})"
        )
        write_results("loadtest", "Load test", [*lines, "", summary, "", markdown_report(report)])
        print("Wrote the load test section of bench/RESULTS.md.", file=stdout)
    return 1 if report.errors or report.login_errors or not report.samples else 0


def run() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(run())
