"""Errors services raise that callers show differently from plain invalid input."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """Someone else changed the object first (two people verifying the same hazard, say).

    A form shows it like any other error; the API answers 409 Conflict instead of 400."""

    def __init__(self, message, params=None):
        super().__init__(message, code="conflict", params=params)
