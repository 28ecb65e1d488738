"""Formalism flags (形式主义): signs that inspections were logged for show rather than done.

- the same photo (by content hash) filed for more than one inspection;
- the same finding text (by normalised-description hash) filed for different enterprises;
- an inspection submitted long after the day it says it took place.

Each flag is one grouped query (``GROUP BY`` hash ``HAVING`` more than one inspection or
enterprise) over the submitted inspections of the user's scope, on the indexed hash columns;
a page of groups then fetches its members in two more queries, whatever the page holds.
Only submitted inspections count: a draft is still being written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, QuerySet, Window
from django.db.models.functions import Length, RowNumber

from inspections.choices import InspectionStatus
from inspections.models import Inspection, InspectionFinding, InspectionPhoto, InspectionTarget
from responsibility.models import Jurisdiction

#: Days between the inspection and its submission beyond which it counts as logged late
#: (``INSPECTION_LATE_LOGGING_DAYS`` in settings; the page may ask for another number).
DEFAULT_LATE_DAYS = 7
MAX_LATE_DAYS = 366
#: Findings shorter than this are left out of copy-paste detection: "灭火器过期" written at two
#: enterprises is a coincidence, a paragraph written at two is not.
MIN_COPIED_LENGTH = 10
#: Members listed per group on the page (a text pasted at a thousand enterprises would
#: otherwise make a page of thousands of lines); the export lists them all.
MEMBERS_SHOWN = 20


def late_days_setting() -> int:
    return int(getattr(settings, "INSPECTION_LATE_LOGGING_DAYS", DEFAULT_LATE_DAYS))


def flagged_inspections(
    user, *, jurisdiction: Jurisdiction | None = None, date_from: date | None = None, date_to: date | None = None
) -> QuerySet:
    """The submitted inspections the flags look at: ``user``'s scope, narrowed to a
    jurisdiction's subtree and to inspection dates."""
    inspections = Inspection.objects.restrict(user, "view").filter(status=InspectionStatus.SUBMITTED)
    if jurisdiction is not None:
        inspections = inspections.filter(jurisdiction_path__startswith=jurisdiction.path)
    if date_from is not None:
        inspections = inspections.filter(started_at__date__gte=date_from)
    if date_to is not None:
        inspections = inspections.filter(started_at__date__lte=date_to)
    return inspections


# --- Duplicate photos ---------------------------------------------------------------------------


def duplicate_photo_groups(inspections: QuerySet, *, across_enterprises: bool = False) -> QuerySet:
    """One row per photo content filed for more than one inspection: ``content_hash``,
    ``inspection_count``, ``enterprise_count``, ``photo_count``, ``first_uploaded``; photos
    shared by different enterprises' inspections first.

    The hashes filed for more than one inspection anywhere are found first, on the photo table
    alone, with ``MIN(inspection) < MAX(inspection)`` (an index on (content_hash, inspection)
    answers it without sorting; a ``COUNT(DISTINCT)`` over every photo of the scope would sort
    them all). The scope and the distinct counts then apply to those few photos only."""
    shared = (
        InspectionPhoto.objects.order_by()
        .values("content_hash")
        .annotate(first=Min("inspection_id"), last=Max("inspection_id"))
        .filter(first__lt=F("last"))
        .values("content_hash")
    )
    groups = (
        InspectionPhoto.objects.filter(inspection__in=inspections.values("pk"), content_hash__in=shared)
        .order_by()
        .values("content_hash")
        .annotate(
            inspection_count=Count("inspection", distinct=True),
            enterprise_count=Count("inspection__targets__enterprise", distinct=True),
            photo_count=Count("pk", distinct=True),
            first_uploaded=Min("uploaded_at"),
        )
        .filter(inspection_count__gt=1)
    )
    if across_enterprises:
        groups = groups.filter(enterprise_count__gt=1)
    return groups.order_by("-enterprise_count", "-inspection_count", "content_hash")


@dataclass
class FlaggedInspection:
    inspection: Inspection
    enterprises: list[str] = field(default_factory=list)
    photo_ids: list[int] = field(default_factory=list)
    findings: list[InspectionFinding] = field(default_factory=list)


def enterprise_names(inspection_ids) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for inspection_id, name in (
        InspectionTarget.objects.filter(inspection_id__in=list(inspection_ids))
        .order_by("inspection_id", "pk")
        .values_list("inspection_id", "enterprise__name")
    ):
        names.setdefault(inspection_id, []).append(name)
    return names


def _first_of_each(queryset: QuerySet, partition: str, order: list[str], limit: int | None) -> QuerySet:
    """The first ``limit`` rows of each ``partition`` (all of them without a limit)."""
    if limit is None:
        return queryset.order_by(partition, *order)
    ranked = queryset.annotate(rank=Window(RowNumber(), partition_by=F(partition), order_by=[F(o) for o in order]))
    return ranked.filter(rank__lte=limit).order_by(partition, *order)


def photo_group_members(
    inspections: QuerySet, hashes: list[str], limit: int | None = MEMBERS_SHOWN
) -> dict[str, list[FlaggedInspection]]:
    """For each hash of a page of groups, the inspections (in scope) holding that photo (the
    first ``limit`` photos of each), with their enterprises and the photos' ids. Two queries."""
    if not hashes:
        return {}
    photos = _first_of_each(
        InspectionPhoto.objects.filter(content_hash__in=hashes, inspection__in=inspections.values("pk")).select_related(
            "inspection__jurisdiction", "inspection__lead_official"
        ),
        "content_hash",
        ["inspection__started_at", "inspection_id", "pk"],
        limit,
    )
    members: dict[str, dict[int, FlaggedInspection]] = {h: {} for h in hashes}
    for photo in photos:
        entry = members[photo.content_hash].setdefault(photo.inspection_id, FlaggedInspection(photo.inspection))
        entry.photo_ids.append(photo.pk)
    names = enterprise_names({pk for group in members.values() for pk in group})
    result = {}
    for content_hash, group in members.items():
        for entry in group.values():
            entry.enterprises = names.get(entry.inspection.pk, [])
        result[content_hash] = list(group.values())
    return result


# --- Copy-pasted findings -----------------------------------------------------------------------


def _copyable(findings: QuerySet) -> QuerySet:
    # A failed checklist item's finding starts as the item's own requirement text: the same
    # checklist failing at two enterprises is no copy-paste, so those are left out.
    return (
        findings.filter(target__isnull=False)
        .exclude(Q(item__isnull=False) & Q(description=F("item__requirement")))
        .alias(length=Length("description"))
        .filter(length__gte=MIN_COPIED_LENGTH)
    )


def _copyable_findings(inspections: QuerySet) -> QuerySet:
    return _copyable(InspectionFinding.objects.filter(inspection__in=inspections.values("pk")))


def copied_finding_groups(inspections: QuerySet) -> QuerySet:
    """One row per finding text filed for more than one enterprise: ``description_hash``,
    ``enterprise_count``, ``finding_count``, ``inspection_count`` and a ``sample`` of the
    text; the most widely copied first. As for photos, the texts found at more than one
    enterprise anywhere come first, with ``MIN(enterprise) < MAX(enterprise)``; the scope and
    the distinct counts then apply to those findings only."""
    copied = (
        _copyable(InspectionFinding.objects.all())
        .order_by()
        .values("description_hash")
        .annotate(first=Min("target__enterprise_id"), last=Max("target__enterprise_id"))
        .filter(first__lt=F("last"))
        .values("description_hash")
    )
    return (
        _copyable_findings(inspections)
        .filter(description_hash__in=copied)
        .order_by()
        .values("description_hash")
        .annotate(
            enterprise_count=Count("target__enterprise", distinct=True),
            finding_count=Count("pk", distinct=True),
            inspection_count=Count("inspection", distinct=True),
            sample=Min("description"),
        )
        .filter(enterprise_count__gt=1)
        .order_by("-enterprise_count", "-finding_count", "description_hash")
    )


def finding_group_members(
    inspections: QuerySet, hashes: list[str], limit: int | None = MEMBERS_SHOWN
) -> dict[str, list[InspectionFinding]]:
    """The findings (in scope) of each hash of a page of groups (the first ``limit`` of each),
    with their enterprise and inspection. One query."""
    if not hashes:
        return {}
    members: dict[str, list[InspectionFinding]] = {h: [] for h in hashes}
    for finding in _first_of_each(
        _copyable_findings(inspections)
        .filter(description_hash__in=hashes)
        .select_related("target__enterprise", "inspection__lead_official", "inspection__jurisdiction"),
        "description_hash",
        ["inspection__started_at", "pk"],
        limit,
    ):
        members[finding.description_hash].append(finding)
    return members


# --- Logged late --------------------------------------------------------------------------------


def late_inspections(inspections: QuerySet, days: int) -> QuerySet:
    """Inspections submitted more than ``days`` days after they took place, longest delay
    first, annotated with ``delay`` (a timedelta)."""
    return (
        inspections.filter(submitted_at__gt=F("started_at") + timedelta(days=days))
        .annotate(delay=ExpressionWrapper(F("submitted_at") - F("started_at"), output_field=DurationField()))
        .select_related("jurisdiction", "lead_official")
        .order_by("-delay", "-pk")
    )


def delay_days(started_at: datetime, submitted_at: datetime) -> int:
    return (submitted_at - started_at).days
