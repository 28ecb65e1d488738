import logging
import socket

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_admins
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.calendar import missing_calendar_years, package_years
from core.models import ApiToken
from core.services import worker_heartbeat_record

logger = logging.getLogger(__name__)


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


@shared_task(name="core.tasks.check_working_calendar", ignore_result=True)
def check_working_calendar() -> list[int]:
    """Alert the administrators when this year's calendar, or from 1 November next year's, is
    missing: deadlines in those years cannot be computed. One e-mail per day at most."""
    missing = missing_calendar_years()
    if not missing:
        return []
    today = timezone.localdate()
    years = ", ".join(str(year) for year in missing)
    logger.error("No working-day calendar for %s: deadlines in those years cannot be computed.", years)
    # A second run the same day (a retry, a second beat) sends nothing more.
    if not cache.add(f"core:calendar-alert:{today.isoformat()}:{years}", True, timeout=36 * 3600):
        return missing
    if not settings.ADMINS:
        logger.warning("ADMINS is not set: nobody is e-mailed about the missing working-day calendar.")
    with translation.override(settings.LANGUAGE_CODE):
        known = package_years()
        mail_admins(
            _("Working-day calendar missing for %(years)s") % {"years": years},
            _(
                "The platform has no working-day calendar for %(years)s, so deadlines falling in those years "
                "cannot be computed and users see an error instead.\n\n"
                "The installed chinesecalendar package knows %(first)s to %(last)s. Either upgrade it and run "
                "“manage.py load_calendar”, or enter the year's holidays and adjusted working days from the "
                "State Council's notice in the administration site (Calendar years → Add)."
            )
            % {"years": years, "first": known[0], "last": known[-1]},
        )
    return missing
