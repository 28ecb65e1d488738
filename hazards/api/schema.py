"""OpenAPI documentation helpers: the error answers every endpoint shares, with examples."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from hazards.api.serializers.base import ApiErrorSerializer


def _example(name: str, status: int, code: str, detail: str, errors: dict | None = None, summary: str = "") -> OpenApiExample:
    value = {"status": status, "code": code, "detail": detail}
    if errors is not None:
        value["errors"] = errors
    return OpenApiExample(name, value=value, summary=summary or name, response_only=True, status_codes=[str(status)])


INVALID = _example(
    "Invalid data", 400, "invalid", "The request contains invalid data.", {"found_on": ["The date found cannot be in the future."]}
)
ILLEGAL_TRANSITION = _example(
    "Illegal transition",
    400,
    "invalid",
    "The request contains invalid data.",
    {"non_field_errors": ["“Close out” is not possible while the hazard is “Reported”."]},
)
MISSING_EVIDENCE = _example(
    "Missing evidence",
    400,
    "invalid",
    "The request contains invalid data.",
    {
        "evidence": ["Describe what was done to rectify the hazard."],
        "after_photos": ["Add at least one photo taken after rectification."],
    },
)
NOT_AN_IMAGE = _example(
    "Not an image", 400, "invalid", "The request contains invalid data.", {"photos": ["evil.jpg: The file's content does not match its type (.jpg)."]}
)
FORBIDDEN = _example("Forbidden", 403, "permission_denied", "Your role does not allow this action on this hazard.")
NOT_FOUND = _example("Not found", 404, "not_found", "Not found.")
CONFLICT = _example(
    "Conflict",
    409,
    "conflict",
    "Someone else has changed this hazard meanwhile (it is now “Verified”); reload and check before acting.",
)


def errors(*statuses: int, examples: dict[int, list[OpenApiExample]] | None = None) -> dict[int, OpenApiResponse]:
    """``responses=`` entries for error statuses, all with the shared error body."""
    descriptions = {
        400: "Invalid data: field errors in `errors`; nothing was changed.",
        401: "No or invalid credentials.",
        403: "Your role may not do this to this object.",
        404: "No such object in your scope (another jurisdiction's objects do not exist for you).",
        409: "Someone else changed the object first; nothing was changed.",
    }
    defaults = {400: [INVALID], 403: [FORBIDDEN], 404: [NOT_FOUND], 409: [CONFLICT]}
    examples = examples or {}
    return {
        status: OpenApiResponse(
            response=ApiErrorSerializer, description=descriptions[status], examples=examples.get(status, defaults.get(status, []))
        )
        for status in statuses
    }
