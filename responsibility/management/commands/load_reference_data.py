from django.core.management.base import BaseCommand

from responsibility.models import DutyTemplate, Obligation, Sector
from responsibility.reference.loader import load_reference_data


class Command(BaseCommand):
    help = "Load the seeded statutory duties, sectors and obligations where missing (never overwrites edits)."

    def handle(self, *args, **options):
        created = load_reference_data(DutyTemplate=DutyTemplate, Sector=Sector, Obligation=Obligation)
        for name, count in created.items():
            self.stdout.write(f"{name}: {count} created")
