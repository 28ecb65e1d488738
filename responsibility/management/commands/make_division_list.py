from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from responsibility.demo.divisions_file import division_rows, render_csv, render_xlsx


class Command(BaseCommand):
    help = (
        "Write a deterministic, province-size administrative division list (code,name,level,parent_code) "
        "for tests and benchmarks: 江西省 with its cities and generated counties, townships and villages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=25000, help="Number of rows (default 25000).")
        parser.add_argument("--out", help="Output file (default var/divisions.<format>).")
        parser.add_argument("--format", choices=("csv", "xlsx"), help="Default: from the file extension, else csv.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0); the same seed gives the same file.")

    def handle(self, *args, rows, out, format, seed, **options):
        if format is None:
            format = "xlsx" if out and out.lower().endswith(".xlsx") else "csv"
        path = Path(out) if out else Path(settings.BASE_DIR) / "var" / f"divisions.{format}"
        try:
            data = division_rows(rows, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        content = render_xlsx(data) if format == "xlsx" else render_csv(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        levels = Counter(row.level for row in data)
        summary = ", ".join(f"{level} {n}" for level, n in levels.items())
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(data)} rows ({summary}) to {path} ({len(content) // 1024} KiB)."))
