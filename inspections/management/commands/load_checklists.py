from django.core.management.base import BaseCommand

from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from inspections.reference.loader import load_checklists
from responsibility.models import Sector


class Command(BaseCommand):
    help = "Create the seeded platform checklists that are missing (never changes an existing checklist)."

    def handle(self, *args, **options):
        created = load_checklists(
            ChecklistTemplate=ChecklistTemplate, ChecklistVersion=ChecklistVersion, ChecklistItem=ChecklistItem, Sector=Sector
        )
        for name, count in created.items():
            self.stdout.write(f"{name}: {count} created")
