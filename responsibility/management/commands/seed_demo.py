from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from responsibility.demo import build_demo


class Command(BaseCommand):
    help = (
        "Build the demo data set: a city shaped like 泉州市 with its counties, townships, villages, "
        "organizations, officials and one login per role (password Demo@2026). Idempotent: running "
        "it again creates nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (e.g. on a demo server). The demo logins share a published password.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing but errors.")

    def handle(self, *args, force=False, quiet=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a published password (Demo@2026) and runs only with DEBUG=true. "
                "Use --force to seed this database anyway."
            )
        result = build_demo(stdout=None if quiet else self.stdout)
        if quiet:
            return
        self._table(result["logins"])
        self.stdout.write("")
        self.stdout.write("Created this run: " + self._pairs(result["created"]))
        self.stdout.write("Updated this run: " + self._pairs(result["updated"]))
        counts = result["counts"]
        self.stdout.write("Now in the database:")
        for name, value in counts.items():
            self.stdout.write(f"  {name}: " + (self._pairs(value) if isinstance(value, dict) else str(value)))
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {result['seconds']:.1f} s."))

    @staticmethod
    def _pairs(values: dict) -> str:
        return ", ".join(f"{k} {v}" for k, v in values.items()) or "nothing"

    def _table(self, logins: list[dict]) -> None:
        headers = ("username", "password", "role", "scope", "display name")
        rows = [(i["username"], i["password"], i["role"], i["scope"], i["display_name"]) for i in logins]
        widths = [max(_width(str(v)) for v in column) for column in zip(headers, *rows, strict=True)]
        self.stdout.write("")
        for row in (headers, *rows):
            self.stdout.write("  ".join(_pad(str(v), w) for v, w in zip(row, widths, strict=True)).rstrip())


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
