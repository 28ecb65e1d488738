import socket

from celery import shared_task
from django.utils import timezone

from core.models import ApiToken
from core.services import worker_heartbeat_record


@shared_task(name="core.tasks.record_worker_heartbeat", ignore_result=True)
def record_worker_heartbeat() -> None:
    worker_heartbeat_record(hostname=socket.gethostname())


@shared_task(name="core.tasks.purge_expired_api_tokens", ignore_result=True)
def purge_expired_api_tokens() -> int:
    """Tokens expired for more than 90 days are deleted; revoked ones stay for the record."""
    cutoff = timezone.now() - timezone.timedelta(days=90)
    deleted, _ = ApiToken.objects.filter(expires_at__lt=cutoff, revoked_at__isnull=True).delete()
    return deleted


@shared_task(name="core.tasks.ping")
def ping(value: str = "pong") -> str:
    """Round-trip check for a worker: used by the smoke test and ``manage.py check_worker``."""
    return value
