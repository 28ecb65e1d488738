from django.core.management.base import BaseCommand

from responsibility.roles import role_label, sync_role_groups


class Command(BaseCommand):
    help = "Create the role groups and give them exactly the permissions the apps declare."

    def handle(self, *args, **options):
        for role, count in sync_role_groups(strict=True).items():
            self.stdout.write(f"{role} ({role_label(role)}): {count} permissions")
