from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.scale import PROFILES, ScaleError, run_scale


class Command(BaseCommand):
    help = (
        "Fill an empty database with a deterministic, realistically distributed dataset for "
        "benchmarks: --profile city (one city, about 8 counties and 8,000 enterprises) or province "
        "(13 cities, about 100 counties, 20,000 villages, 30,000 officials and 100,000 enterprises; "
        "PostgreSQL only). --profile tiny is a few hundred rows, for the test suite. Each installed "
        "app contributes its part (core.scale.register_scale_part). Creates scale_* logins with the "
        "demo password, so it runs only with DEBUG=true unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=PROFILES, required=True, help="Size of the dataset (tiny is for tests).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data (default 1).")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the domain data first (TRUNCATE … CASCADE); migrations, roles and reference data are kept.",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Dates (posts, meetings, deadlines) are laid out up to this day, YYYY-MM-DD (default: today). "
            "The same seed and the same --today give identical data.",
        )
        parser.add_argument("--only", nargs="+", metavar="PART", help="Run only these parts (and name the parts they require too).")
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (the scale logins share a published password).")
        parser.add_argument("--quiet", action="store_true", help="Print only the summary line.")

    def handle(self, *args, profile, seed, reset, today, only, force, quiet, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_scale creates logins (scale_*) with the published demo password and runs only with DEBUG=true. "
                "Use --force to seed this database anyway."
            )
        try:
            result = run_scale(
                profile=profile, seed=seed, reset=reset, today=today, only=only, stdout=None if quiet else self.stdout
            )
        except ScaleError as refusal:
            raise CommandError(str(refusal)) from None
        if not quiet:
            self.stdout.write("")
            self.stdout.write(f"{'part':<24}{'seconds':>10}{'rows':>12}")
            for part in result.parts:
                self.stdout.write(f"{part.name:<24}{part.seconds:>10.1f}{sum(part.rows.values()):>12,}")
            self.stdout.write("")
            width = max((len(name) for name in result.rows), default=10) + 2
            for name, count in sorted(result.rows.items()):
                self.stdout.write(f"  {name:<{width}}{count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Profile {result.profile} (seed {result.seed}) loaded into {result.vendor}: "
                f"{result.total_rows:,} rows in {result.seconds:.1f} s."
            )
        )
