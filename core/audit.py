"""Audit trail: who changed what, when, with before/after values (django-auditlog).

Each app registers its domain models with :func:`audit` next to their definition; the
``AuditlogMiddleware`` sets the actor for requests and :func:`acting_as` does it for commands
and tasks. History is shown on object pages and can be neither edited nor deleted through the
UI or the API (the admin for log entries is read-only, and there is no write endpoint).
"""

from __future__ import annotations

from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet


def audit(model=None, **kwargs):
    """Class decorator registering a model with the audit trail."""

    def wrap(cls):
        auditlog.register(cls, **kwargs)
        return cls

    return wrap(model) if model is not None else wrap


def exclude_reverse_relations() -> None:
    """Keep reverse relations out of every audited model's trail.

    auditlog diffs every field ``_meta.get_fields()`` returns, reverse relations included, so a
    new object's entry would list "photos: ….None" for each model pointing at it — and another
    app adding a foreign key to an audited model would change that model's trail. Reverse
    relations are only known once every model is loaded, hence at ``ready()``, not at
    ``register()``."""
    from auditlog.registry import auditlog

    for model, options in auditlog._registry.items():
        excluded = options["exclude_fields"]
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete and field.name not in excluded:
                excluded.append(field.name)


@contextmanager
def acting_as(user):
    """Attribute changes made outside a request (commands, tasks) to ``user``."""
    with set_actor(user):
        yield


def attribute_request_to(user) -> None:
    """Name ``user`` as the actor of the current request's changes.

    ``AuditlogMiddleware`` reads ``request.user`` before the view runs; an API token is only
    authenticated later, by DRF, so without this token writes would be logged without actor.
    """
    from auditlog.context import auditlog_value

    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if context.get("actor") is None:
        context["actor"] = user


def object_history(obj) -> QuerySet[LogEntry]:
    content_type = ContentType.objects.get_for_model(type(obj))
    return (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )
