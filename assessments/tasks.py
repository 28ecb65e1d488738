"""Background work of the assessments app.

``generate_dossier`` builds a duty-performance dossier (snapshot and PDF). It is queued by
``assessments.services.dossiers`` after the request commits, acknowledged late (a worker that
dies mid-way leaves the message to be delivered again) and idempotent (a dossier already ready
is not touched, two deliveries are serialised by a row lock). Failures are recorded on the
dossier, not raised, so the requester sees why and can ask again.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="assessments.tasks.generate_dossier", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def generate_dossier(dossier_id: int) -> str:
    from assessments.services.dossiers import dossier_run

    return dossier_run(dossier_id)
