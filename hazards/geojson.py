"""GeoJSON of the risk map: risk points and open major hazards as one FeatureCollection.

Rows are read with ``values()`` in chunks and written out feature by feature, so a large
county costs neither model instances nor one big string. Each layer is capped; the
collection then says ``"capped": true`` (a foreign member, allowed by RFC 7946 §6.1) so the
page can ask the user to narrow the filters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from hazards.choices import DEADLINE_STATUSES, HazardStatus, ListingLevel, RiskGrade, RiskPointLevel

#: Features per layer at most; more and the map stops being readable anyway.
FEATURE_LIMIT = 5000

RISK_POINT_FIELDS = (
    "pk", "name", "grade", "management_level", "latitude", "longitude", "location",
    "enterprise__name", "sector__name", "jurisdiction__name",
)
HAZARD_FIELDS = (
    "pk", "code", "title", "status", "listing_level", "deadline", "latitude", "longitude", "location",
    "enterprise__name", "sector__name", "jurisdiction__name",
)


def _url_pattern(name: str) -> str | None:
    """The detail URL with a ``{pk}`` placeholder, reversed once instead of once per row."""
    try:
        return reverse(name, args=[987654321]).replace("987654321", "{pk}")
    except NoReverseMatch:
        return None


def _point(row: dict) -> dict:
    return {"type": "Point", "coordinates": [round(float(row["longitude"]), 6), round(float(row["latitude"]), 6)]}


def risk_point_feature_builder() -> Callable[[dict], dict]:
    url = _url_pattern("hazards:risk_point_detail")
    grades = {value: str(label) for value, label in RiskGrade.choices}
    levels = {value: str(label) for value, label in RiskPointLevel.choices}

    def build(row: dict) -> dict:
        return {
            "type": "Feature",
            "id": f"risk_point.{row['pk']}",
            "geometry": _point(row),
            "properties": {
                "kind": "risk_point",
                "id": row["pk"],
                "name": row["name"],
                "grade": row["grade"],
                "grade_label": grades.get(row["grade"], row["grade"]),
                "management_level": row["management_level"],
                "management_level_label": levels.get(row["management_level"], ""),
                "enterprise": row["enterprise__name"] or "",
                "sector": row["sector__name"] or "",
                "jurisdiction": row["jurisdiction__name"] or "",
                "location": row["location"] or "",
                "url": url.format(pk=row["pk"]) if url else None,
            },
        }

    return build


def hazard_feature_builder(today: date | None = None) -> Callable[[dict], dict]:
    url = _url_pattern("hazards:hazard_detail")
    statuses = {value: str(label) for value, label in HazardStatus.choices}
    listings = {value: str(label) for value, label in ListingLevel.choices}
    today = today or timezone.localdate()

    def build(row: dict) -> dict:
        deadline = row["deadline"]
        return {
            "type": "Feature",
            "id": f"major_hazard.{row['pk']}",
            "geometry": _point(row),
            "properties": {
                "kind": "major_hazard",
                "id": row["pk"],
                "code": row["code"],
                "name": row["title"],
                "status": row["status"],
                "status_label": statuses.get(row["status"], row["status"]),
                "listing_level": row["listing_level"] or "",
                "listing_level_label": listings.get(row["listing_level"], ""),
                "deadline": deadline.isoformat() if deadline else None,
                "overdue": bool(deadline and deadline < today and row["status"] in DEADLINE_STATUSES),
                "enterprise": row["enterprise__name"] or "",
                "sector": row["sector__name"] or "",
                "jurisdiction": row["jurisdiction__name"] or "",
                "location": row["location"] or "",
                "url": url.format(pk=row["pk"]) if url else None,
            },
        }

    return build


@dataclass
class Layer:
    """One kind of feature: rows of ``queryset`` (already scoped, filtered and ordered) that have
    coordinates, turned into features by ``build``."""

    name: str
    queryset: QuerySet
    fields: tuple[str, ...]
    build: Callable[[dict], dict]

    def rows(self, limit: int) -> Iterable[dict]:
        located = self.queryset.filter(latitude__isnull=False, longitude__isnull=False)
        return located.values(*self.fields)[: limit + 1].iterator(chunk_size=1000)


def _dumps(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def stream_feature_collection(layers: list[Layer], limit: int | None = None) -> Iterator[str]:
    """The FeatureCollection as text chunks; ``counts`` (features per layer), ``limit`` and
    ``capped`` come after the features, once they are known."""
    limit = FEATURE_LIMIT if limit is None else limit
    yield '{"type":"FeatureCollection","features":['
    first = True
    counts: dict[str, int] = {}
    capped = False
    for layer in layers:
        written = 0
        for row in layer.rows(limit):
            if written == limit:
                capped = True
                break
            yield ("" if first else ",") + _dumps(layer.build(row))
            first = False
            written += 1
        counts[layer.name] = written
    yield "]," + _dumps({"counts": counts, "limit": limit, "capped": capped})[1:]


def feature_collection(layers: list[Layer], limit: int | None = None) -> dict:
    """The same collection as a dict (for callers that want it whole)."""
    return json.loads("".join(stream_feature_collection(layers, limit)))
