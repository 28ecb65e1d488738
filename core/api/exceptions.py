"""One error body for every API failure.

``{"status": 400, "code": "invalid", "detail": "…", "errors": {"field": ["…"]}}`` where
``errors`` holds field errors (``non_field_errors`` for the rest) when there are any.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.errors import ConflictError

logger = logging.getLogger("core.api")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The object was changed by someone else; reload it and try again."


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, ConflictError):
        return Conflict(" ".join(exc.messages))
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, ProtectedError):
        return Conflict(_("This object is still referenced by other records and cannot be deleted."))
    if isinstance(exc, IntegrityError):
        return Conflict(_("The change conflicts with existing data (for example a duplicate)."))
    return exc


def api_exception_handler(exc, context):
    exc = _as_drf(exc)
    response = exception_handler(exc, context)
    if response is None:
        # An unexpected error: log it with the traceback, answer without one.
        logger.exception("Unhandled API error in %s", context.get("view").__class__.__name__, exc_info=exc)
        return Response(
            {"status": 500, "code": "server_error", "detail": _("An internal error occurred; it has been logged.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    body: dict = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["detail"] = _("The request contains invalid data.")
        data = exc.detail
        body["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
    else:
        detail = getattr(exc, "detail", None)
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        body["code"] = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        body["detail"] = str(detail) if detail is not None else str(exc)
    response.data = body
    return response
