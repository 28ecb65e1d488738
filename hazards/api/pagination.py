"""Keyset (seek) cursor pagination for lists that county systems mirror.

DRF's ``CursorPagination`` positions on the first ordering field only and skips ties with an
offset, so a page deep inside a day with thousands of hazards found re-reads all of them. Here
the cursor holds the whole key of the last row, ``(ordering field, id)``, and the next page is
``WHERE (field, id) < (x, y)``: with an index on ``(field, id)`` (every ordering offered has one)
page N costs what page 1 costs, however many rows share a date.

Orderings are one field the client picks from the view's ``ordering_fields`` (``?ordering=``,
``-`` for descending), always completed with the id in the same direction, so the order is total
and stable while rows are added or changed between requests. Offered fields must never be null.
"""

from __future__ import annotations

import json
from base64 import b64decode, b64encode
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.api.pagination import SyncCursorPagination


def _json_value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class KeysetCursorPagination(SyncCursorPagination):
    """``{"next": url|null, "previous": url|null, "results": [...]}`` with opaque cursors."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.keys = self._keys(request, queryset, view)
        self.model = queryset.model
        reverse, position = self._decode(request)

        # Walking backwards (the "previous" link) reads the rows before the position in the
        # opposite order, then turns them round.
        descending = self.keys[0][1] != reverse
        ordering = [f"-{name}" if descending else name for name, _desc in self.keys]
        queryset = queryset.order_by(*ordering)
        if position is not None:
            lookup = TupleLessThan if descending else TupleGreaterThan
            columns = [F(name) for name, _desc in self.keys]
            lhs = Tuple(*columns) if len(columns) > 1 else columns[0]
            rhs = position if len(columns) > 1 else position[0]
            if len(columns) > 1:
                queryset = queryset.filter(lookup(lhs, rhs))
            else:
                queryset = queryset.filter(**{f"{self.keys[0][0]}__{'lt' if descending else 'gt'}": rhs})

        rows = list(queryset[: self.page_size + 1])
        has_more = len(rows) > self.page_size
        page = rows[: self.page_size]
        if reverse:
            page.reverse()
            self.has_previous, self.has_next = has_more, position is not None
        else:
            self.has_next, self.has_previous = has_more, position is not None
        self.page = page
        return page

    # --- Keys ---------------------------------------------------------------------------------

    def _keys(self, request, queryset, view) -> list[tuple[str, bool]]:
        """``[(field, descending), ("id", descending)]`` from the requested or default ordering."""
        ordering = self.get_ordering(request, queryset, view)
        first = ordering[0] if ordering else "pk"
        descending = first.startswith("-")
        name = first.lstrip("-")
        if name in ("pk", "id"):
            return [("id", descending)]
        return [(name, descending), ("id", descending)]

    def _position_of(self, instance) -> list:
        return [_json_value(getattr(instance, name)) for name, _desc in self.keys]

    # --- Cursors ------------------------------------------------------------------------------

    def _decode(self, request) -> tuple[bool, list | None]:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return False, None
        try:
            payload = json.loads(b64decode(encoded.encode("ascii"), validate=True).decode("utf-8"))
            reverse = bool(payload["r"])
            raw = payload["p"]
            if not isinstance(raw, list) or len(raw) != len(self.keys) or payload.get("k") != self._key_names():
                raise ValueError("cursor for another ordering")
            position = [self.model._meta.get_field(name).to_python(value) for (name, _desc), value in zip(self.keys, raw, strict=True)]
            if any(value is None for value in position):
                raise ValueError("empty position")
            if any(isinstance(value, int) and not -(2**63) < value < 2**63 for value in position):
                raise ValueError("out of range")
        except (ValueError, TypeError, KeyError, UnicodeError, DjangoValidationError):
            raise ValidationError(
                {self.cursor_query_param: [_("The cursor is not valid for this list; start again without it.")]}
            ) from None
        return reverse, position

    def _key_names(self) -> str:
        return ",".join(("-" if desc else "") + name for name, desc in self.keys)

    def _link(self, instance, reverse: bool) -> str:
        payload = {"k": self._key_names(), "p": self._position_of(instance), "r": int(reverse)}
        encoded = b64encode(json.dumps(payload, separators=(",", ":")).encode("utf-8")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def get_next_link(self):
        if not self.has_next or not self.page:
            return None
        return self._link(self.page[-1], reverse=False)

    def get_previous_link(self):
        if not self.has_previous or not self.page:
            return None
        return self._link(self.page[0], reverse=True)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Opaque position from the `next` or `previous` link of the previous page. A cursor is "
                    "tied to the ordering it was made with."
                )
        return parameters
