"""Reads on power-and-responsibility lists: the state of every list-keeping organization
(latest version, published date, deadline, late) as database annotations, the audit history of
a version with its items, and the difference between two versions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Case, DateField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from responsibility.choices import LIST_KEEPING_KINDS, PowerListStatus, ReviewOffice
from responsibility.models import Organization, PowerListItem, PowerListVersion, PublicationDeadline

# --- The state of each organization's list ------------------------------------------------------


def effective_deadline(year: int):
    """For an organization row: the deadline of ``year`` set for its own jurisdiction or the
    nearest ancestor that has one (a county's own deadline overrides the city's).

    A year has few deadlines (one per jurisdiction at most, in practice a few dozen), so they
    are read once and become a CASE over path prefixes, most specific first: a correlated
    subquery matching prefixes per row was a hundred times slower on PostgreSQL.
    """
    deadlines = sorted(
        PublicationDeadline.objects.filter(year=year).values_list("jurisdiction__path", "deadline"),
        key=lambda row: -len(row[0]),
    )
    if not deadlines:
        return Value(None, output_field=DateField())
    return Case(
        *(When(jurisdiction__path__startswith=path, then=Value(deadline)) for path, deadline in deadlines),
        default=Value(None),
        output_field=DateField(),
    )


def late_q(today: date) -> Q:
    """Organizations (annotated by :func:`with_list_state`) whose deadline has passed without a
    version published on or before it."""
    return Q(deadline__lt=today) & (Q(first_published_on__isnull=True) | Q(first_published_on__gt=F("deadline")))


def with_list_state(queryset: QuerySet[Organization], *, year: int, today: date) -> QuerySet[Organization]:
    """List-keeping organizations annotated with their list's state, in a constant number of
    queries (correlated subqueries, no per-row lookups):

    ``latest_id``, ``latest_number``, ``latest_status`` (the newest version), ``published_id``,
    ``published_number``, ``published_at`` (the current published version), ``first_published_on``
    (the date the organization first published a list), ``deadline`` (see
    :func:`effective_deadline`, which reads the year's deadlines: one query) and ``is_late``.
    """
    versions = PowerListVersion.objects.filter(organization=OuterRef("pk"))
    latest = versions.order_by("-number")
    current = versions.filter(status=PowerListStatus.PUBLISHED)
    first = (
        versions.filter(published_at__isnull=False)
        .order_by("published_at")
        .annotate(on=TruncDate("published_at"))
        .values("on")[:1]
    )
    return (
        queryset.filter(kind__in=LIST_KEEPING_KINDS)
        .annotate(
            latest_id=Subquery(latest.values("pk")[:1]),
            latest_number=Subquery(latest.values("number")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            published_id=Subquery(current.values("pk")[:1]),
            published_number=Subquery(current.values("number")[:1]),
            published_at=Subquery(current.values("published_at")[:1]),
            first_published_on=Subquery(first),
            deadline=effective_deadline(year),
        )
        .annotate(is_late=Case(When(late_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()))
    )


def awaiting_review(user, queryset: QuerySet[PowerListVersion] | None = None) -> QuerySet[PowerListVersion]:
    """Submitted versions in the user's scope still waiting for an office the user reviews for."""
    queryset = PowerListVersion.objects.all() if queryset is None else queryset
    waiting = Q(pk__in=[])
    if user.has_perm("responsibility.review_staffing_powerlistversion"):
        waiting |= Q(staffing_approved_at__isnull=True)
    if user.has_perm("responsibility.review_safety_powerlistversion"):
        waiting |= Q(safety_approved_at__isnull=True)
    return queryset.restrict(user, "view").filter(status=PowerListStatus.SUBMITTED).filter(waiting)


def offices_pending(version: PowerListVersion) -> list[str]:
    return [
        office
        for office, approved in (
            (ReviewOffice.STAFFING, version.staffing_approved_at),
            (ReviewOffice.SAFETY, version.safety_approved_at),
        )
        if approved is None
    ]


# --- History --------------------------------------------------------------------------------------


def version_history(version: PowerListVersion) -> QuerySet[LogEntry]:
    """The version's own audit entries and those of its items (deleted ones included)."""
    types = ContentType.objects.get_for_models(PowerListVersion, PowerListItem)
    return (
        LogEntry.objects.filter(
            Q(content_type=types[PowerListVersion], object_pk=str(version.pk))
            | Q(content_type=types[PowerListItem], additional_data__power_list_version=version.pk)
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )


# --- Differences between two versions --------------------------------------------------------------

#: What a change of an item is made of; the number is left out on purpose: inserting an item
#: renumbers the following ones, which is not a change of what they say.
COMPARED_FIELDS = ("kind", "category", "title", "content", "legal_basis", "responsible_unit")
#: Titles at least this similar are taken for the same item reworded.
SIMILAR_TITLE = 0.6


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    #: (operation, text) pieces of a character-level comparison: "equal", "delete", "insert"
    pieces: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ItemChange:
    old: PowerListItem
    new: PowerListItem
    fields: list[FieldChange]


@dataclass
class VersionDiff:
    old: PowerListVersion
    new: PowerListVersion
    added: list[PowerListItem] = field(default_factory=list)
    removed: list[PowerListItem] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _display(item: PowerListItem, name: str) -> str:
    if name in ("kind", "category"):
        return str(getattr(item, f"get_{name}_display")()) if getattr(item, name) else ""
    return getattr(item, name) or ""


def _pieces(old: str, new: str) -> list[tuple[str, str]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("equal", old[i1:i2]))
            continue
        if tag in ("replace", "delete"):
            pieces.append(("delete", old[i1:i2]))
        if tag in ("replace", "insert"):
            pieces.append(("insert", new[j1:j2]))
    return pieces


def _compare(old: PowerListItem, new: PowerListItem) -> list[FieldChange]:
    changes = []
    for name in COMPARED_FIELDS:
        before, after = _display(old, name), _display(new, name)
        if before != after:
            label = str(PowerListItem._meta.get_field(name).verbose_name)
            changes.append(FieldChange(label, before, after, _pieces(before, after)))
    return changes


def _key(item: PowerListItem) -> tuple[str, str]:
    return item.kind, "".join(item.title.split())


def diff_versions(old: PowerListVersion, new: PowerListVersion, old_items=None, new_items=None) -> VersionDiff:
    """Added, removed and changed items from ``old`` to ``new``. Items are matched by kind and
    title first, then a reworded title is matched to the most similar one left (difflib)."""
    old_items = list(old.items.order_by("sequence") if old_items is None else old_items)
    new_items = list(new.items.order_by("sequence") if new_items is None else new_items)
    diff = VersionDiff(old=old, new=new)
    pairs: list[tuple[PowerListItem, PowerListItem]] = []
    by_key: dict[tuple[str, str], list[PowerListItem]] = {}
    for item in old_items:
        by_key.setdefault(_key(item), []).append(item)
    unmatched_new = []
    for item in new_items:
        candidates = by_key.get(_key(item))
        if candidates:
            pairs.append((candidates.pop(0), item))
        else:
            unmatched_new.append(item)
    unmatched_old = [item for items in by_key.values() for item in items]
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, o.title, n.title, autojunk=False).ratio(), i, j)
            for i, o in enumerate(unmatched_old)
            for j, n in enumerate(unmatched_new)
        ),
        reverse=True,
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for ratio, i, j in scored:
        if ratio < SIMILAR_TITLE:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((unmatched_old[i], unmatched_new[j]))
    diff.removed = [item for i, item in enumerate(unmatched_old) if i not in used_old]
    diff.added = [item for j, item in enumerate(unmatched_new) if j not in used_new]
    for before, after in sorted(pairs, key=lambda pair: pair[1].sequence):
        changes = _compare(before, after)
        if changes:
            diff.changed.append(ItemChange(before, after, changes))
        else:
            diff.unchanged += 1
    return diff


def default_pair(versions: list[PowerListVersion]) -> tuple[PowerListVersion | None, PowerListVersion | None]:
    """The versions compared when none are chosen: the newest one against the one before."""
    ordered = sorted(versions, key=lambda v: v.number)
    if len(ordered) < 2:
        return None, None
    return ordered[-2], ordered[-1]


STATE_NONE = "none"
STATE_CHOICES = [(STATE_NONE, _("No list yet")), *PowerListStatus.choices]
