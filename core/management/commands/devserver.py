"""``manage.py devserver``: the development server together with its background worker.

Starts ``celery -A config worker -B --pool=solo`` (a worker with an embedded beat) as a child
process, then Django's ``runserver`` in this process, and stops the worker when the server
stops (Ctrl-C, SIGTERM or an error). Without ``REDIS_URL`` both talk through kombu's
filesystem transport under ``var/celery``, so no broker has to be installed. Production runs
gunicorn, a worker and exactly one beat as separate processes instead (see docker-compose.yml).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from config.celery import ensure_broker_folders

WORKER_STOP_TIMEOUT = 30  # seconds a warm shutdown may take before the worker is killed


def _die_with_parent() -> None:
    """Runs in the child before exec: on Linux, the worker gets SIGTERM if this process dies
    without cleaning up (e.g. SIGKILL), so no orphaned worker keeps consuming the queue."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Command(BaseCommand):
    help = "Run the development server together with a Celery worker and embedded beat."
    requires_system_checks = []  # runserver runs them

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport",
            nargs="?",
            help="Address and port to serve on (default 127.0.0.1:$PORT, PORT defaulting to 8000).",
        )
        parser.add_argument("--no-worker", action="store_true", help="Serve without the background worker.")

    def handle(self, *args, addrport, no_worker, **options):
        addrport = addrport or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"
        # Ctrl-C reaches this process only (the worker has its own session); SIGTERM and SIGHUP
        # unwind the same way, so the ``finally`` below always stops the worker.
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._exit_on_signal)

        host = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        self.url = f"http://{host.replace('0.0.0.0', '127.0.0.1')}/"
        worker = None if no_worker else self._start_worker()
        try:
            if worker is None:
                self._announce(with_worker=False)
            call_command("runserver", addrport, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                self._stop_worker(worker)

    @staticmethod
    def _exit_on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    def _announce(self, *, with_worker: bool = True) -> None:
        stops = "the server and the worker" if with_worker else "the server"
        self.stdout.write(self.style.SUCCESS(f"\nPlatform ready: {self.url}  (Ctrl-C stops {stops})\n"))

    def _start_worker(self) -> subprocess.Popen:
        ensure_broker_folders()
        schedule = settings.CELERY_BEAT_SCHEDULE_FILENAME
        os.makedirs(os.path.dirname(schedule), exist_ok=True)
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-B",
            "--pool=solo", "--loglevel=info", f"--schedule={schedule}",
        ]  # fmt: skip
        broker = (
            "redis" if settings.CELERY_BROKER_URL.startswith(("redis", "rediss", "unix")) else "filesystem"
        )
        self.stdout.write(
            f"Starting the background worker with embedded beat ({broker} broker): {' '.join(command[2:])}"
        )
        worker = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # safe here: no threads exist yet
        )
        worker.relay = threading.Thread(target=self._relay_worker_output, args=(worker,), daemon=True)
        worker.relay.start()
        return worker

    def _relay_worker_output(self, worker: subprocess.Popen) -> None:
        """Copy the worker's log to our output; once it is ready, say where the platform is,
        so that line is not buried under the worker's start-up banner."""
        announced = False
        for raw in worker.stdout:
            sys.stdout.write(raw.decode("utf-8", "replace"))
            sys.stdout.flush()
            if not announced and " ready." in raw.decode("utf-8", "replace"):
                announced = True
                self._announce()
        code = worker.wait()
        if not getattr(worker, "stopping", False):
            self.stderr.write(
                self.style.ERROR(
                    f"The background worker exited unexpectedly (exit code {code}); "
                    "the server keeps running but background jobs will not run. See its log above."
                )
            )

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        worker.stopping = True
        if worker.poll() is not None:
            return
        self.stdout.write("Stopping the background worker…")
        worker.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, then exit
        try:
            worker.wait(timeout=WORKER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stderr.write("The worker did not stop in time; killing it.")
            worker.kill()
            worker.wait()
        worker.relay.join(timeout=5)
