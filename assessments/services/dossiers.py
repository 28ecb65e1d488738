"""Duty-performance dossiers (尽职免责): requesting one, generating it in the background, and
asking again after a failure.

``dossier_request`` records the request (status "being generated") and, once the transaction
has committed, queues :func:`assessments.tasks.generate_dossier`. The task calls
:func:`dossier_run`, which is idempotent: it locks the dossier row, does nothing when it is
already ready (a second delivery of the message, two workers), and otherwise collects the
snapshot (:mod:`assessments.selectors.dossier`), renders the PDF and marks it ready. A failure is
recorded on the dossier (status "failed" with the error) and ``dossier_retry`` queues it again.

With Celery in eager mode (``CELERY_TASK_ALWAYS_EAGER``) the task runs right after the commit,
in the requesting process; with a worker (the filesystem broker in development, Redis in
production) the page polls the dossier's status until it is ready.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.choices import DossierStatus
from assessments.models import Accident, DutyDossier
from assessments.selectors.dossier import MAX_PERIOD_DAYS, collect_dossier
from core.access import get_scope
from responsibility.models import Official, Post
from responsibility.services.backbone import require_permission

logger = logging.getLogger(__name__)

#: A dossier still "being generated" after this long has most likely lost its message (no
#: worker running, a broker restarted): the page then offers to generate it again.
STALE_AFTER = timedelta(minutes=10)
EARLIEST = date(2000, 1, 1)


def dossier_path(actor, official: Official, start: date, end: date) -> str:
    """The jurisdiction a dossier is filed under, which decides who sees it: the place of the
    official's post in the period (the latest first), else of any post, else where their
    record is kept — the first of those inside the requester's scope."""
    posts = list(Post.objects.filter(official=official).select_related("organization__jurisdiction").order_by("-start_date", "-pk"))
    in_period = [p for p in posts if p.start_date <= end and (p.end_date is None or p.end_date >= start)]
    candidates = [p.organization.jurisdiction.path for p in (*in_period, *posts)] + [official.registered_in.path]
    scope = get_scope(actor) if actor is not None else None
    for path in candidates:
        if scope is None or scope.contains(path):
            return path
    return candidates[0]


def _validate_request(actor, official: Official, start, end, accident) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if actor is not None and not Official.objects.restrict(actor, "view").filter(pk=official.pk).exists():
        errors.setdefault("official", []).append(_("This official is outside your scope."))
    if start is None:
        errors.setdefault("period_start", []).append(_("Give the start of the period."))
    if end is None:
        errors.setdefault("period_end", []).append(_("Give the end of the period."))
    if start is not None and end is not None:
        if end < start:
            errors.setdefault("period_end", []).append(_("The period must end after it starts."))
        elif (end - start).days > MAX_PERIOD_DAYS:
            errors.setdefault("period_start", []).append(_("A dossier covers at most six years."))
        if end > today:
            errors.setdefault("period_end", []).append(_("The period cannot end in the future."))
        if start < EARLIEST:
            errors.setdefault("period_start", []).append(_("The period cannot start before 2000."))
    if accident is not None and actor is not None and not Accident.objects.restrict(actor, "view").filter(pk=accident.pk).exists():
        errors.setdefault("accident", []).append(_("This accident is outside your scope."))
    if errors:
        raise ValidationError(errors)


def _enqueue(dossier_id: int) -> None:
    """Queue the generation once the dossier is committed (a worker must find the row). A
    broker that cannot be reached fails the dossier with the reason instead of leaving it
    waiting forever."""

    def send() -> None:
        from assessments.tasks import generate_dossier

        try:
            generate_dossier.delay(dossier_id)
        except Exception as exc:  # noqa: BLE001 — any broker error ends the same way
            logger.exception("Could not queue the generation of dossier %s", dossier_id)
            DutyDossier.objects.filter(pk=dossier_id, status=DossierStatus.PENDING).update(
                status=DossierStatus.FAILED,
                error=_("The background worker could not be reached: %(error)s") % {"error": exc},
                updated_at=timezone.now(),
            )

    transaction.on_commit(send)


@transaction.atomic
def dossier_request(*, actor, official: Official, period_start: date, period_end: date, accident: Accident | None = None) -> DutyDossier:
    """Record a request for ``official``'s dossier over the period and queue its generation.
    The same request still being generated is returned instead of a second one."""
    require_permission(actor, "assessments.add_dutydossier")
    _validate_request(actor, official, period_start, period_end, accident)
    pending = (
        DutyDossier.objects.filter(
            official=official, period_start=period_start, period_end=period_end, accident=accident, status=DossierStatus.PENDING
        )
        .order_by("-pk")
        .first()
    )
    if pending is not None and timezone.now() - pending.created_at < STALE_AFTER:
        return pending
    dossier = DutyDossier(
        official=official,
        jurisdiction_path=dossier_path(actor, official, period_start, period_end),
        period_start=period_start,
        period_end=period_end,
        accident=accident,
        requested_by=actor,
        status=DossierStatus.PENDING,
    )
    dossier.full_clean()
    dossier.save()
    _enqueue(dossier.pk)
    return dossier


@transaction.atomic
def dossier_retry(*, actor, dossier: DutyDossier) -> DutyDossier:
    """Generate a failed (or stalled) dossier again."""
    require_permission(actor, "assessments.add_dutydossier")
    locked = DutyDossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if actor is not None and not DutyDossier.objects.restrict(actor, "view").filter(pk=locked.pk).exists():
        raise PermissionDenied(_("This dossier is outside your scope."))
    if locked.status == DossierStatus.READY:
        raise ValidationError(_("The dossier is ready; request a new one to take in later records."))
    if locked.status == DossierStatus.PENDING and not is_stale(locked):
        return locked
    locked.status, locked.error = DossierStatus.PENDING, ""
    locked.save(update_fields=["status", "error", "updated_at"])
    _enqueue(locked.pk)
    return locked


def is_stale(dossier: DutyDossier) -> bool:
    return dossier.status == DossierStatus.PENDING and timezone.now() - dossier.updated_at > STALE_AFTER


def dossier_generate(dossier: DutyDossier, *, today: date | None = None) -> DutyDossier:
    """Collect the snapshot, render the PDF and mark the dossier ready, under a row lock; a
    dossier already ready is left as it is (so running twice changes nothing)."""
    from assessments.dossier_pdf import dossier_pdf

    with transaction.atomic():
        locked = DutyDossier.objects.select_for_update(of=("self",)).select_related("official", "accident").get(pk=dossier.pk)
        if locked.status == DossierStatus.READY:
            return locked
        locked.data = collect_dossier(locked.official, locked.period_start, locked.period_end, accident=locked.accident, today=today)
        content = dossier_pdf(locked)
        previous = locked.file.name if locked.file else ""
        locked.file.save(f"dossier-{locked.pk}.pdf", ContentFile(content), save=False)
        locked.status, locked.error, locked.generated_at = DossierStatus.READY, "", timezone.now()
        locked.save()
        if previous and previous != locked.file.name:
            storage, name = locked.file.storage, previous
            transaction.on_commit(lambda: storage.delete(name))
    return locked


def dossier_run(dossier_id: int) -> str:
    """What the task does: generate, or record the failure. Returns the resulting status
    ("missing" when the dossier no longer exists)."""
    dossier = DutyDossier.objects.filter(pk=dossier_id).first()
    if dossier is None:
        return "missing"
    if dossier.status == DossierStatus.READY:
        return DossierStatus.READY
    try:
        dossier = dossier_generate(dossier)
    except Exception as exc:  # noqa: BLE001 — every failure is recorded for the requester
        logger.exception("Generating dossier %s failed", dossier_id)
        DutyDossier.objects.filter(pk=dossier_id).exclude(status=DossierStatus.READY).update(
            status=DossierStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], updated_at=timezone.now()
        )
        return DossierStatus.FAILED
    return dossier.status
