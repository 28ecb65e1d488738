from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.calendar import package_years
from core.services import calendar_load_year


class Command(BaseCommand):
    help = (
        "Load the working-day calendar (statutory holidays and adjusted working weekends) from the "
        "chinesecalendar package: every year it knows, or the years given. Days an administrator "
        "entered by hand are kept unless --overwrite-manual."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", metavar="YEAR", help="a year to load (repeatable)")
        parser.add_argument("--overwrite-manual", action="store_true", help="replace days entered by hand with the package's")

    def handle(self, *args, years, overwrite_manual, **options):
        known = package_years()
        years = sorted(set(years)) if years else list(known)
        unknown = [year for year in years if year not in known]
        if unknown:
            raise CommandError(
                f"The chinesecalendar package has no data for {', '.join(map(str, unknown))} (it knows "
                f"{known[0]}–{known[-1]}): enter those years in the admin (Calendar years), or upgrade the package."
            )
        for year in years:
            try:
                write = calendar_load_year(year, overwrite_manual=overwrite_manual)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(
                f"{year}: {write.created} days added, {write.updated} changed, {write.kept_manual} entered by hand kept"
            )
