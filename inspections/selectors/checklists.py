"""Reads of checklists: the list's annotations and a checklist's versions with what changed
from one to the next.

Items carry no identity across versions (a new draft copies them), so two versions are compared
the way power-and-responsibility lists are: items with the same requirement text are the same
item; a reworded requirement is matched to the most similar one left (difflib).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion

#: Requirements at least this similar are taken for the same item reworded.
SIMILAR_REQUIREMENT = 0.6
COMPARED_FIELDS = ("requirement", "legal_basis", "severity", "category", "answer_required")


def checklist_list_queryset() -> QuerySet:
    """Checklists with their current version's number, publication date and item count, and
    whether a draft is being prepared; subqueries on (template, number), no row multiplication."""
    published = ChecklistVersion.objects.filter(template=OuterRef("pk"), published_at__isnull=False).order_by("-number")
    items = (
        ChecklistItem.objects.filter(version_id=OuterRef("current_version_id"))
        .order_by()
        .values("version_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ChecklistTemplate.objects.select_related("sector", "jurisdiction")
        .annotate(
            current_version_id=Subquery(published.values("pk")[:1]),
            current_number=Subquery(published.values("number")[:1]),
            current_published_at=Subquery(published.values("published_at")[:1]),
            has_draft=Exists(ChecklistVersion.objects.filter(template=OuterRef("pk"), published_at__isnull=True)),
        )
        .annotate(item_count=Coalesce(Subquery(items), 0))
    )


# --- Differences ------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    pieces: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ItemChange:
    old: ChecklistItem
    new: ChecklistItem
    fields: list[FieldChange]


@dataclass
class VersionDiff:
    added: list[ChecklistItem] = field(default_factory=list)
    removed: list[ChecklistItem] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    unchanged: int = 0
    #: The items kept were put in another order.
    reordered: bool = False

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.reordered)


def _display(item: ChecklistItem, name: str) -> str:
    if name in ("severity", "category"):
        return str(getattr(item, f"get_{name}_display")())
    value = getattr(item, name)
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("Yes") if value else gettext("No")
    return value or ""


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


def _compare(old: ChecklistItem, new: ChecklistItem) -> list[FieldChange]:
    changes = []
    for name in COMPARED_FIELDS:
        before, after = _display(old, name), _display(new, name)
        if before != after:
            label = str(ChecklistItem._meta.get_field(name).verbose_name)
            changes.append(FieldChange(label, before, after, _pieces(before, after)))
    return changes


def _key(item: ChecklistItem) -> str:
    return "".join(item.requirement.split())


def diff_items(old_items: list[ChecklistItem], new_items: list[ChecklistItem]) -> VersionDiff:
    """Added, removed and changed items from one version's items to another's (each list in
    the version's order)."""
    diff = VersionDiff()
    by_key: dict[str, list[tuple[int, ChecklistItem]]] = {}
    for position, item in enumerate(old_items):
        by_key.setdefault(_key(item), []).append((position, item))
    pairs: list[tuple[int, ChecklistItem, int, ChecklistItem]] = []
    unmatched_new: list[tuple[int, ChecklistItem]] = []
    for position, item in enumerate(new_items):
        candidates = by_key.get(_key(item))
        if candidates:
            old_position, old = candidates.pop(0)
            pairs.append((old_position, old, position, item))
        else:
            unmatched_new.append((position, item))
    unmatched_old = [entry for entries in by_key.values() for entry in entries]
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, o.requirement, n.requirement, autojunk=False).ratio(), i, j)
            for i, (_po, o) in enumerate(unmatched_old)
            for j, (_pn, n) in enumerate(unmatched_new)
        ),
        key=lambda entry: (-entry[0], entry[1], entry[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for ratio, i, j in scored:
        if ratio < SIMILAR_REQUIREMENT:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((*unmatched_old[i], *unmatched_new[j]))
    diff.removed = sorted((item for i, (_p, item) in enumerate(unmatched_old) if i not in used_old), key=lambda it: it.order)
    diff.added = [item for j, (_p, item) in enumerate(unmatched_new) if j not in used_new]
    pairs.sort(key=lambda pair: pair[2])
    old_positions = [pair[0] for pair in pairs]
    diff.reordered = old_positions != sorted(old_positions)
    for _old_position, old, _new_position, new in pairs:
        changes = _compare(old, new)
        if changes:
            diff.changed.append(ItemChange(old, new, changes))
        else:
            diff.unchanged += 1
    return diff


# --- A checklist's versions -------------------------------------------------------------------


@dataclass(eq=False)
class VersionEntry:
    version: ChecklistVersion
    items: list[ChecklistItem]
    #: What changed from the previous published version (None for the first one).
    diff: VersionDiff | None = None

    @property
    def is_draft(self) -> bool:
        return self.version.published_at is None


@dataclass
class ChecklistVersions:
    entries: list[VersionEntry]  # newest first, the draft (if any) on top

    @property
    def current(self) -> VersionEntry | None:
        return next((e for e in self.entries if not e.is_draft), None)

    @property
    def draft(self) -> VersionEntry | None:
        return next((e for e in self.entries if e.is_draft), None)

    def get(self, number) -> VersionEntry | None:
        return next((e for e in self.entries if str(e.version.number) == str(number)), None)


def checklist_versions(template: ChecklistTemplate) -> ChecklistVersions:
    """Every version of ``template`` with its items and its changes from the published version
    before it. Two queries, whatever the number of versions and items."""
    versions = list(template.versions.select_related("published_by").order_by("number"))
    items: dict[int, list[ChecklistItem]] = {v.pk: [] for v in versions}
    for item in ChecklistItem.objects.filter(version__template=template).order_by("version_id", "order", "pk"):
        items[item.version_id].append(item)
    entries = []
    previous: VersionEntry | None = None
    for version in versions:
        entry = VersionEntry(version, items[version.pk])
        if previous is not None:
            entry.diff = diff_items(previous.items, entry.items)
        entries.append(entry)
        if version.published_at is not None:
            previous = entry
    entries.reverse()
    return ChecklistVersions(entries)


def uses_of_versions(template: ChecklistTemplate) -> dict[int, int]:
    """How many enterprises were inspected against each version (one grouped query)."""
    from inspections.models import InspectionTarget

    rows = (
        InspectionTarget.objects.filter(checklist__template=template)
        .order_by()
        .values("checklist_id")
        .annotate(n=Count("pk"))
        .values_list("checklist_id", "n")
    )
    return dict(rows)


def checklist_search_q(value: str) -> Q:
    return Q(name__icontains=value) | Q(source__icontains=value)
