from django.core.management.base import BaseCommand, CommandError

from config.celery import app, ensure_broker_folders


class Command(BaseCommand):
    help = "Run a registered Celery task once, in this process (e.g. a periodic job by hand)."

    def add_arguments(self, parser):
        parser.add_argument("task", nargs="?", help="Task name, e.g. core.tasks.record_worker_heartbeat")
        parser.add_argument("--list", action="store_true", help="List the periodic jobs and all task names.")

    def handle(self, *args, task, list, **options):
        app.loader.import_default_modules()
        if list or not task:
            self.stdout.write("Periodic jobs (beat schedule):")
            for name, entry in sorted(app.conf.beat_schedule.items()):
                self.stdout.write(f"  {name}: {entry['task']} every {entry['schedule']}")
            self.stdout.write("Tasks:")
            for name in sorted(n for n in app.tasks if not n.startswith("celery.")):
                self.stdout.write(f"  {name}")
            return
        if task not in app.tasks:
            raise CommandError(f"Unknown task {task!r}; use --list to see them.")
        ensure_broker_folders()  # the filesystem result backend refuses a missing folder
        result = app.tasks[task].apply()
        if result.failed():
            raise CommandError(f"{task} failed: {result.result!r}")
        self.stdout.write(f"{task} -> {result.result!r}")
