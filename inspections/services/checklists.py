"""Writes of checklists: creating one, editing a draft version, publishing it, adapting a
platform (or higher-level) checklist into one's own jurisdiction.

A checklist's items live in versions. Only a draft (unpublished) version is edited; publishing
makes it the current one and freezes it, so an inspection always keeps the exact items it was
answered against. A new draft starts as a copy of the current version's items.

Who edits: the role's ``change_checklisttemplate`` permission, on checklists kept by a
jurisdiction inside the user's scope. The platform's seeded checklists (no jurisdiction) are
edited by nobody but the platform's administrators; an office adapts them instead (a copy kept
by its jurisdiction, which the inspection form then offers before the platform's).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import get_scope
from core.errors import ConflictError
from inspections.choices import ItemSeverity
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from responsibility.models import Jurisdiction, Sector
from responsibility.services.backbone import require_in_scope, require_permission

ADD = "inspections.add_checklisttemplate"
CHANGE = "inspections.change_checklisttemplate"
ITEM_FIELDS = ("requirement", "legal_basis", "severity", "category", "answer_required")
TEMPLATE_FIELDS = ("name", "sector", "source", "is_active")


# --- Who may do what (also used by the views to show or hide buttons) -------------------------


def editable_checklists(user) -> QuerySet:
    """Checklists ``user`` may edit: visible with the change permission, and kept by a
    jurisdiction inside their scope (platform ones only for an unrestricted scope)."""
    queryset = ChecklistTemplate.objects.restrict(user, "change")
    scope = get_scope(user)
    if scope.unrestricted:
        return queryset
    return queryset.filter(Q(jurisdiction__isnull=False) & scope.q("jurisdiction__path"))


def may_edit(user, template: ChecklistTemplate) -> bool:
    return editable_checklists(user).filter(pk=template.pk).exists()


def may_adapt(user, template: ChecklistTemplate) -> bool:
    """Whether ``user`` may copy ``template`` into their own jurisdiction: they may create
    checklists and see this one, and it is not already theirs to edit."""
    return (
        user.has_perm(ADD)
        and ChecklistTemplate.objects.restrict(user, "view").filter(pk=template.pk).exists()
        and not may_edit(user, template)
    )


def _require_editable(actor, template: ChecklistTemplate) -> None:
    """Inside the transaction: the actor may edit this checklist (``actor=None``: a trusted
    system caller)."""
    if actor is None:
        return
    require_permission(actor, CHANGE)
    scope = get_scope(actor)
    if scope.unrestricted:
        return
    if template.jurisdiction_id is None:
        raise PermissionDenied(_("This is a platform checklist. Adapt it to keep a version of your own."))
    if not scope.contains(template.jurisdiction.path):
        raise PermissionDenied(_("This checklist is kept by a jurisdiction outside your scope."))


def _lock_draft(actor, version: ChecklistVersion) -> ChecklistVersion:
    """The version, locked, after checking it is still a draft the actor may edit."""
    version = ChecklistVersion.objects.select_for_update(of=("self",)).select_related("template__jurisdiction").get(pk=version.pk)
    _require_editable(actor, version.template)
    if version.published_at is not None:
        raise ConflictError(
            _("Version %(number)d is published and can no longer be changed; start a new version to edit the items."),
            params={"number": version.number},
        )
    return version


def _renumber(version: ChecklistVersion, items: list[ChecklistItem] | None = None) -> None:
    items = list(version.items.order_by("order", "pk")) if items is None else items
    changed = []
    for position, item in enumerate(items, start=1):
        if item.order != position:
            item.order = position
            changed.append(item)
    if changed:
        ChecklistItem.objects.bulk_update(changed, ["order"])


def _copy_items(source: ChecklistVersion | None, target: ChecklistVersion) -> int:
    if source is None:
        return 0
    copies = [
        ChecklistItem(version=target, order=position, **{name: getattr(item, name) for name in ITEM_FIELDS})
        for position, item in enumerate(source.items.order_by("order", "pk"), start=1)
    ]
    ChecklistItem.objects.bulk_create(copies)
    return len(copies)


def current_version(template: ChecklistTemplate) -> ChecklistVersion | None:
    return template.versions.filter(published_at__isnull=False).order_by("-number").first()


def draft_version(template: ChecklistTemplate) -> ChecklistVersion | None:
    return template.versions.filter(published_at__isnull=True).order_by("-number").first()


# --- Checklists -------------------------------------------------------------------------------


@transaction.atomic
def checklist_create(
    *, actor, name: str, jurisdiction: Jurisdiction | None, sector: Sector | None = None, source: str = ""
) -> ChecklistTemplate:
    """A new checklist kept by ``jurisdiction``, with an empty draft version 1 to fill in."""
    require_permission(actor, ADD)
    if jurisdiction is None:
        if actor is not None and not get_scope(actor).unrestricted:
            raise ValidationError({"jurisdiction": _("Choose the jurisdiction that keeps this checklist.")})
    else:
        require_in_scope(actor, jurisdiction)
    template = ChecklistTemplate(name=(name or "").strip(), jurisdiction=jurisdiction, sector=sector, source=(source or "").strip())
    template.full_clean()
    template.save()
    ChecklistVersion.objects.create(template=template, number=1)
    return template


@transaction.atomic
def checklist_update(*, actor, template: ChecklistTemplate, **fields) -> ChecklistTemplate:
    """Name, sector, source and whether the checklist is offered (``is_active``); the items
    are changed through versions only."""
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValueError(f"not checklist fields: {sorted(unknown)}")
    template = ChecklistTemplate.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=template.pk)
    _require_editable(actor, template)
    for name, value in fields.items():
        setattr(template, name, value.strip() if isinstance(value, str) else value)
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def checklist_draft_new_version(*, actor, template: ChecklistTemplate) -> ChecklistVersion:
    """The checklist's draft: the one being prepared, or a new one numbered after the last
    version, starting from a copy of the current version's items."""
    template = ChecklistTemplate.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=template.pk)
    _require_editable(actor, template)
    existing = draft_version(template)
    if existing is not None:
        return existing
    number = (template.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ChecklistVersion.objects.create(template=template, number=number)
    _copy_items(current_version(template), version)
    return version


@transaction.atomic
def checklist_publish(*, actor, version: ChecklistVersion, note: str = "") -> ChecklistVersion:
    """The draft becomes the current version (and is frozen). A version after the first says
    what changed."""
    version = _lock_draft(actor, version)
    note = (note or "").strip()
    errors = {}
    if not version.items.exists():
        errors["items"] = _("Add at least one item before publishing.")
    if version.number > 1 and not note:
        errors["note"] = _("Say what changed in this version.")
    if errors:
        raise ValidationError(errors)
    version.note = note
    version.published_at = timezone.now()
    version.published_by = actor
    version.full_clean()
    version.save(update_fields=["note", "published_at", "published_by"])
    return version


@transaction.atomic
def checklist_discard_draft(*, actor, version: ChecklistVersion) -> ChecklistTemplate | None:
    """Throw the draft away. A checklist that was never published goes with it (None is
    returned); otherwise its current version stays as it was."""
    version = _lock_draft(actor, version)
    template = version.template
    version.delete()
    if not template.versions.exists():
        ChecklistTemplate.objects.filter(pk=template.pk).delete()
        return None
    return template


@transaction.atomic
def checklist_adapt(*, actor, template: ChecklistTemplate, jurisdiction: Jurisdiction) -> ChecklistTemplate:
    """A copy of ``template`` (its current version's items, as a draft version 1) kept by
    ``jurisdiction``, for the office to adjust and publish as its own."""
    require_permission(actor, ADD)
    require_in_scope(actor, jurisdiction)
    if actor is not None and not ChecklistTemplate.objects.restrict(actor, "view").filter(pk=template.pk).exists():
        raise PermissionDenied(_("This checklist is outside your scope."))
    template = ChecklistTemplate.objects.select_related("jurisdiction").get(pk=template.pk)
    if template.jurisdiction_id == jurisdiction.pk:
        raise ValidationError({"jurisdiction": _("This jurisdiction already keeps this checklist; edit it instead.")})
    source = current_version(template)
    if source is None:
        raise ValidationError(_("This checklist has no published version to adapt yet."))
    copy = ChecklistTemplate(name=template.name, sector=template.sector, jurisdiction=jurisdiction, source=template.source)
    copy.full_clean()
    copy.save()
    draft = ChecklistVersion.objects.create(
        template=copy,
        number=1,
        note=_("Adapted from “%(name)s” version %(number)d") % {"name": template.name, "number": source.number},
    )
    _copy_items(source, draft)
    return copy


# --- Items of a draft -------------------------------------------------------------------------


def _clean_item(item: ChecklistItem) -> None:
    item.requirement = (item.requirement or "").strip()
    item.legal_basis = (item.legal_basis or "").strip()
    if not item.requirement:
        raise ValidationError({"requirement": _("Write what is required.")})
    item.full_clean(exclude=["version"])


@transaction.atomic
def checklist_item_add(
    *, actor, version: ChecklistVersion, requirement: str, legal_basis: str = "", severity: str = ItemSeverity.GENERAL,
    category: str = "management", answer_required: bool = True,
) -> ChecklistItem:
    """A new item at the end of the draft."""
    version = _lock_draft(actor, version)
    last = version.items.aggregate(last=Max("order"))["last"] or 0
    item = ChecklistItem(
        version=version, order=last + 1, requirement=requirement, legal_basis=legal_basis, severity=severity,
        category=category, answer_required=answer_required,
    )
    _clean_item(item)
    item.save()
    return item


@transaction.atomic
def checklist_item_update(*, actor, item: ChecklistItem, **fields) -> ChecklistItem:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"not checklist item fields: {sorted(unknown)}")
    _lock_draft(actor, item.version)
    item = ChecklistItem.objects.get(pk=item.pk)
    for name, value in fields.items():
        setattr(item, name, value)
    _clean_item(item)
    item.save()
    return item


@transaction.atomic
def checklist_item_remove(*, actor, item: ChecklistItem) -> None:
    version = _lock_draft(actor, item.version)
    ChecklistItem.objects.filter(pk=item.pk, version=version).delete()
    _renumber(version)


@transaction.atomic
def checklist_item_move(*, actor, item: ChecklistItem, offset: int) -> ChecklistItem:
    """Move the item ``offset`` places (-1 up, +1 down), staying within the list."""
    version = _lock_draft(actor, item.version)
    items = list(version.items.order_by("order", "pk"))
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("This item is not on the draft any more."))
    target = max(0, min(len(items) - 1, index + offset))
    moved = items.pop(index)
    items.insert(target, moved)
    _renumber(version, items)
    return moved
