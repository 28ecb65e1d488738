"""Pieces shared by the hazard API serializers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class StrictFieldsMixin:
    """A request naming a field the endpoint does not take is a 400, not silently ignored: a
    county system with a typo in a field name must find out before it trusts the result."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError({name: [_("This field is not accepted here.")] for name in unknown})
        return super().to_internal_value(data)


class PhotoListField(serializers.ListField):
    """One or more image files under the same multipart field name (JPG or PNG, checked by
    their content by the service)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.FileField(allow_empty_file=True))
        kwargs.setdefault("required", False)
        kwargs.setdefault("write_only", True)
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.STR)
class ChoiceDisplayField(serializers.Field):
    """The label of a choice field's value, in the request's language. Looked up in a table
    built once per serializer, instead of ``get_FOO_display`` on every row, which hashes every
    lazy label of the choices for each call (a measurable cost on a page of a hundred rows)."""

    def __init__(self, choices, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self._choices = choices
        self._labels: dict | None = None

    def to_representation(self, value) -> str:
        if self._labels is None:
            self._labels = {key: str(label) for key, label in self._choices}
        return self._labels.get(value, value)


def display_name(user) -> str | None:
    return str(user) if user is not None else None


class ApiErrorSerializer(serializers.Serializer):
    """The body of every error answer (see ``core.api.exceptions``)."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="invalid, not_found, permission_denied, conflict, not_authenticated, …")
    detail = serializers.CharField(help_text="What went wrong, for people.")
    errors = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="With 400: the messages per field (``non_field_errors`` for the rest).",
    )
