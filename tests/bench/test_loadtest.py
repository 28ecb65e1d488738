"""The load test (bench.loadtest) against a stand-in server on loopback: it logs browser
sessions in through the login form with the CSRF token, sends the API token, mixes both kinds,
stops at the request cap or the time limit, and reports percentiles and errors per endpoint."""

from __future__ import annotations

import threading
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import parse_qs

import pytest

from bench import loadtest
from bench.loadtest import Report, Sample, format_report, markdown_report, run_load

TOKEN = "sp_test-token"
PASSWORD = "Demo@2026"


class StandIn(BaseHTTPRequestHandler):
    """Answers like the platform: a login form with a CSRF token, a session cookie after a
    correct login, 200 for sessions and tokens, 403 otherwise."""

    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str]] = []  # (path, how the request was authenticated)

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes = b"ok", headers: dict | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _cookies(self) -> dict:
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        return {k: m.value for k, m in cookie.items()}

    def do_GET(self):
        if self.path == "/accounts/login/":
            form = b'<form><input type="hidden" name="csrfmiddlewaretoken" value="form-csrf"></form>'
            return self._send(200, form, {"Set-Cookie": "csrftoken=cookie-csrf; Path=/"})
        if self.headers.get("Authorization") == f"Token {TOKEN}":
            self.seen.append((self.path, "token"))
            return self._send(200)
        if self._cookies().get("sessionid", "").startswith("session-"):
            self.seen.append((self.path, self._cookies()["sessionid"]))
            return self._send(200)
        return self._send(403)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        ok = (
            form.get("password") == PASSWORD
            and form.get("csrfmiddlewaretoken") == "form-csrf"
            and self._cookies().get("csrftoken") == "cookie-csrf"
        )
        if ok:
            return self._send(302, b"", {"Location": "/", "Set-Cookie": f"sessionid=session-{form['username']}; Path=/"})
        return self._send(200, b"wrong")


@pytest.fixture
def server():
    StandIn.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_sessions_log_in_mix_pages_and_api_and_stop_at_the_request_cap(server):
    report = run_load(url=server, clients=12, seconds=20, max_requests=60, api_share=0.5, password=PASSWORD, token=TOKEN)

    assert len(report.samples) == 60
    assert report.errors == 0 and not report.login_errors
    kinds = {report.kinds[s.name] for s in report.samples}
    assert kinds == {"html", "api"}
    auth = {how for _path, how in StandIn.seen}
    assert "token" in auth and "session-scale_county_office" in auth
    # One browser session in six works as one of the other users load paths name (the top-level
    # office, a leader), in turn.
    assert auth - {"token", "session-scale_county_office"}


def test_the_time_limit_stops_the_sessions(server):
    report = run_load(url=server, clients=3, seconds=0.5, max_requests=10**9, api_share=0.5, password=PASSWORD, token=TOKEN)

    assert report.samples
    assert report.seconds < 5


def test_a_wrong_password_is_reported_and_counts_as_a_failure(server):
    report = run_load(url=server, clients=2, seconds=1, max_requests=10, api_share=0.5, password="wrong", token=TOKEN)

    assert report.login_errors and "wrong password" in report.login_errors[0]
    assert all(report.kinds[s.name] == "api" for s in report.samples)


def test_report_gives_percentiles_errors_and_throughput_per_endpoint():
    samples = [Sample("enterprises API", 200, float(ms)) for ms in range(1, 101)] + [Sample("home", 500, 7.0), Sample("home", 0, 9.0)]
    report = Report(clients=2, seconds=10.0, samples=samples, kinds={"enterprises API": "api", "home": "html"}, login_errors=[])

    text = format_report(report)

    rows = {line.split()[0]: line.split() for line in text.splitlines()[2:5]}
    assert rows["enterprises"][2:] == ["api", "100", "50", "95", "99", "0"]
    assert rows["home"][1:] == ["html", "2", "7", "9", "9", "2"]
    assert "102 requests from 2 sessions in 10.0 s: 10.2 requests/s, 2 errors" in text
    assert "500: 1" in text and "no answer: 1" in text
    assert markdown_report(report).count("\n") == 4


@pytest.mark.django_db
def test_without_a_seeded_dataset_the_load_test_says_what_to_seed():
    out = StringIO()

    assert loadtest.main(["--url", "http://127.0.0.1:9"], stdout=out) == 2
    assert "seed_scale" in out.getvalue()


def test_bad_arguments_are_refused():
    with pytest.raises(SystemExit):
        loadtest.main(["--url", "https://example.org", "--token", "x"])
    with pytest.raises(SystemExit):
        loadtest.main(["--url", "http://127.0.0.1:9", "--clients", "0", "--token", "x"])
