"""Writes on core records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.models import ApiToken, User, WorkerHeartbeat, hash_token_key


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once; only its hash is stored


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_at: datetime | None = None, never_expires: bool = False) -> IssuedToken:
    """Issue a token for ``user``. The plain key is returned once and never stored."""
    key = ApiToken.generate_key()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[: len(ApiToken.KEY_PREFIX) + 6],
        key_hash=hash_token_key(key),
        expires_at=None if never_expires else (expires_at or ApiToken.default_expiry()),
    )
    token.full_clean()
    token.save()
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking twice keeps the first revocation time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"last_seen_at": timezone.now()})
    return heartbeat
