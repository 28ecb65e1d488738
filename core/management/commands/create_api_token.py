from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print its key once (only a hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for (default: 'cli').")
        parser.add_argument("--days", type=int, default=None, help="Days until it expires (default: API_TOKEN_DEFAULT_DAYS).")
        parser.add_argument("--never-expires", action="store_true")

    def handle(self, *args, username, name, days, never_expires, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is disabled.")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        issued = api_token_create(user=user, name=name or "cli", expires_at=expires_at, never_expires=never_expires)
        expiry = issued.token.expires_at.isoformat() if issued.token.expires_at else "never"
        self.stderr.write(f"Token {issued.token.prefix}… for {username}, expires {expiry}. The key is shown only once:")
        self.stdout.write(issued.key)
