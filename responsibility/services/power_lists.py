"""Writes on power-and-responsibility lists (权力和责任清单).

A list is kept per organization in numbered versions. The review workflow is one explicit
transition table (:data:`TRANSITIONS`) checked by :func:`check_transition`; every service
locks the version row, re-checks the actor's scope and rights inside the transaction and
bumps ``lock_version``, so two reviewers acting at once cannot both win: the second one's
``lock_version`` is stale (or, without one, the state machine refuses the repeated move).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import get_scope
from core.tabular import ImportRejected, RowError, read_table
from responsibility.choices import (
    LIST_KEEPING_KINDS,
    JurisdictionLevel,
    PowerCategory,
    PowerItemKind,
    PowerListStatus,
    ReviewDecision,
    ReviewOffice,
)
from responsibility.models import (
    Jurisdiction,
    Organization,
    Post,
    PowerListItem,
    PowerListReview,
    PowerListVersion,
    PublicationDeadline,
)
from responsibility.services.backbone import require_in_scope, require_permission

S = PowerListStatus

# --- The workflow -----------------------------------------------------------------------------


class Action:
    """The moves of the workflow (what people do to a version)."""

    EDIT = "edit"  # change the items or the summary
    SUBMIT = "submit"
    APPROVE = "approve"  # one office approves; the version stays submitted until both have
    RETURN = "return"  # either office sends it back with a comment
    COMPLETE_REVIEW = "complete_review"  # automatic, once both offices have approved
    PUBLISH = "publish"
    SUPERSEDE = "supersede"  # automatic, when a newer version is published
    DISCARD = "discard"  # delete a draft that was never submitted


#: (current status, action) → new status. Everything not listed is forbidden.
TRANSITIONS: dict[tuple[str, str], str | None] = {
    (S.DRAFT, Action.EDIT): S.DRAFT,
    (S.RETURNED, Action.EDIT): S.RETURNED,
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.RETURNED, Action.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Action.APPROVE): S.SUBMITTED,
    (S.SUBMITTED, Action.RETURN): S.RETURNED,
    (S.SUBMITTED, Action.COMPLETE_REVIEW): S.APPROVED,
    (S.APPROVED, Action.PUBLISH): S.PUBLISHED,
    (S.PUBLISHED, Action.SUPERSEDE): S.SUPERSEDED,
    (S.DRAFT, Action.DISCARD): None,
}

_FORBIDDEN = {
    Action.EDIT: gettext_lazy(
        "The list can only be changed while it is a draft or returned for revision; this version is “%(status)s”."
    ),
    Action.SUBMIT: gettext_lazy("Only a draft or a returned list can be submitted; this version is “%(status)s”."),
    Action.APPROVE: gettext_lazy("Only a list submitted for review can be reviewed; this version is “%(status)s”."),
    Action.RETURN: gettext_lazy("Only a list submitted for review can be reviewed; this version is “%(status)s”."),
    Action.COMPLETE_REVIEW: gettext_lazy("Only a list submitted for review can be reviewed; this version is “%(status)s”."),
    Action.PUBLISH: gettext_lazy(
        "A list can only be published after both the staffing office and the safety office have approved it; "
        "this version is “%(status)s”."
    ),
    Action.SUPERSEDE: gettext_lazy("Only the published version can be superseded; this version is “%(status)s”."),
    Action.DISCARD: gettext_lazy("Only a draft that was never submitted can be discarded; this version is “%(status)s”."),
}


def allowed(status: str, action: str) -> bool:
    return (status, action) in TRANSITIONS


def check_transition(version: PowerListVersion, action: str) -> str | None:
    """The status ``action`` leads to from the version's status, or a ValidationError saying
    why the move is not allowed. The one place the workflow is enforced."""
    try:
        return TRANSITIONS[(version.status, action)]
    except KeyError:
        label = PowerListStatus(version.status).label if version.status in PowerListStatus.values else version.status
        raise ValidationError(_FORBIDDEN[action] % {"status": label}, code="forbidden_transition") from None


class StaleVersion(ValidationError):
    """The actor saw an older state of the list than the one in the database."""

    def __init__(self):
        super().__init__(
            _("This list was changed by someone else in the meantime. Reload the page and try again."), code="stale"
        )


# --- Who may do what ----------------------------------------------------------------------------

_OFFICE_PERMISSION = {
    ReviewOffice.STAFFING: "responsibility.review_staffing_powerlistversion",
    ReviewOffice.SAFETY: "responsibility.review_safety_powerlistversion",
}


def _in_scope(user, organization: Organization) -> bool:
    return get_scope(user).contains(organization.jurisdiction.path)


def may_draft(user, organization: Organization, permission: str = "responsibility.change_powerlistversion") -> bool:
    """Drafting is for a department user holding a current post in the organization, or for
    the safety office anywhere in its scope. ``user=None`` is a trusted system caller."""
    if user is None:
        return True
    if not user.is_authenticated or not user.has_perm(permission) or not _in_scope(user, organization):
        return False
    if user.is_superuser or user.has_perm(_OFFICE_PERMISSION[ReviewOffice.SAFETY]):
        return True
    return Post.objects.current().filter(official__user=user, organization=organization).exists()


def review_offices(user, organization: Organization) -> list[str]:
    """The offices ``user`` may review ``organization``'s list for."""
    if user is None or not user.is_authenticated or not _in_scope(user, organization):
        return []
    return [office for office, perm in _OFFICE_PERMISSION.items() if user.has_perm(perm)]


def may_publish(user, organization: Organization) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.has_perm("responsibility.publish_powerlistversion")
        and _in_scope(user, organization)
    )


def _require_drafter(actor, organization: Organization, permission: str = "responsibility.change_powerlistversion") -> None:
    if actor is None:
        return
    require_permission(actor, permission)
    require_in_scope(actor, organization.jurisdiction, "organization")
    if not may_draft(actor, organization, permission):
        raise PermissionDenied(
            _("Only the organization's own staff or the safety office can prepare this organization's list.")
        )


def _lock(version: PowerListVersion, lock_version: int | None) -> PowerListVersion:
    """The version, locked for the rest of the transaction, with the organization loaded.
    ``lock_version`` is what the actor's page showed; None skips the check (API callers that
    rely on the state machine alone)."""
    locked = PowerListVersion.objects.select_for_update().get(pk=version.pk)
    locked.organization = Organization.objects.select_related("jurisdiction").get(pk=locked.organization_id)
    if lock_version is not None and int(lock_version) != locked.lock_version:
        raise StaleVersion()
    return locked


def _save(version: PowerListVersion) -> PowerListVersion:
    version.lock_version += 1
    version.full_clean()
    version.save()
    return version


# --- Versions -----------------------------------------------------------------------------------


@transaction.atomic
def power_list_version_create(*, actor, organization: Organization, change_summary: str = "") -> PowerListVersion:
    """Start a new version of the organization's list: a draft numbered after the latest
    version, holding a copy of the latest version's items (or none for a first list)."""
    # Locking the organization serializes two people starting a version at once.
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    organization.jurisdiction = Jurisdiction.objects.get(pk=organization.jurisdiction_id)
    _require_drafter(actor, organization, "responsibility.add_powerlistversion")
    if organization.kind not in LIST_KEEPING_KINDS:
        raise ValidationError({"organization": _("This kind of organization keeps no power-and-responsibility list.")})
    versions = PowerListVersion.objects.filter(organization=organization)
    in_progress = versions.filter(status__in=[S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED]).first()
    if in_progress is not None:
        raise ValidationError(
            _("The organization already has a list version in progress (version %(number)d); finish or discard it first.")
            % {"number": in_progress.number},
            code="in_progress",
        )
    latest = versions.order_by("-number").first()
    version = PowerListVersion(
        organization=organization, number=(latest.number + 1) if latest else 1, status=S.DRAFT, change_summary=change_summary
    )
    version.full_clean()
    version.save()
    if latest is not None:
        PowerListItem.objects.bulk_create(
            [
                PowerListItem(
                    version=version, sequence=item.sequence, kind=item.kind, category=item.category, title=item.title,
                    content=item.content, legal_basis=item.legal_basis, responsible_unit=item.responsible_unit,
                )
                for item in latest.items.order_by("sequence")
            ]
        )
    return version


@transaction.atomic
def power_list_version_update(
    *, instance: PowerListVersion, actor, change_summary: str, lock_version: int | None = None
) -> PowerListVersion:
    """Change what the version says about itself ("what changed"), while it is editable."""
    version = _lock(instance, lock_version)
    _require_drafter(actor, version.organization)
    check_transition(version, Action.EDIT)
    version.change_summary = change_summary
    return _save(version)


@transaction.atomic
def power_list_version_discard(*, instance: PowerListVersion, actor, lock_version: int | None = None) -> None:
    """Delete a draft that was never submitted (started by mistake); its items go with it."""
    version = _lock(instance, lock_version)
    _require_drafter(actor, version.organization)
    check_transition(version, Action.DISCARD)
    if version.submitted_at is not None:
        raise ValidationError(_("Only a draft that was never submitted can be discarded."), code="forbidden_transition")
    version.delete()


@transaction.atomic
def power_list_submit(*, version: PowerListVersion, actor, lock_version: int | None = None) -> PowerListVersion:
    """Send a draft or returned list to the staffing office and the safety office."""
    version = _lock(version, lock_version)
    _require_drafter(actor, version.organization)
    new_status = check_transition(version, Action.SUBMIT)
    if not version.items.exists():
        raise ValidationError(_("An empty list cannot be submitted: add its items first."), code="empty")
    version.status = new_status
    version.submitted_at = timezone.now()
    version.staffing_approved_at = version.safety_approved_at = None  # every submission is reviewed afresh
    return _save(version)


@transaction.atomic
def power_list_review(
    *,
    version: PowerListVersion,
    actor,
    office: str,
    decision: str,
    comment: str = "",
    lock_version: int | None = None,
) -> PowerListVersion:
    """One office's decision on a submitted list. Approving twice is refused; returning needs a
    comment. Once both offices have approved, the list is approved and can be published."""
    if actor is None:
        raise ValueError("A review needs a reviewer.")
    if office not in ReviewOffice.values:
        raise ValidationError({"office": _("Choose the staffing office or the safety office.")})
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": _("Choose to approve or to return the list.")})
    require_permission(actor, _OFFICE_PERMISSION[office])
    version = _lock(version, lock_version)
    require_in_scope(actor, version.organization.jurisdiction, "organization")
    comment = (comment or "").strip()
    approved_field = "staffing_approved_at" if office == ReviewOffice.STAFFING else "safety_approved_at"
    if decision == ReviewDecision.APPROVE:
        new_status = check_transition(version, Action.APPROVE)
        if getattr(version, approved_field) is not None:
            message = (
                _("The staffing office has already approved this version.")
                if office == ReviewOffice.STAFFING
                else _("The safety office has already approved this version.")
            )
            raise ValidationError(message, code="already_approved")
        version.status = new_status
        setattr(version, approved_field, timezone.now())
        if version.staffing_approved_at and version.safety_approved_at:
            version.status = check_transition(version, Action.COMPLETE_REVIEW)
    else:
        if not comment:
            raise ValidationError({"comment": _("Say what must be revised when returning a list.")})
        version.status = check_transition(version, Action.RETURN)
        # A returned list is reviewed afresh by both offices once it comes back.
        version.staffing_approved_at = version.safety_approved_at = None
    _save(version)
    review = PowerListReview(version=version, office=office, decision=decision, comment=comment, reviewer=actor)
    review.full_clean()
    review.save()
    return version


@transaction.atomic
def power_list_publish(*, version: PowerListVersion, actor, lock_version: int | None = None) -> PowerListVersion:
    """Publish an approved list to the public; the previously published version is kept as
    superseded."""
    if actor is not None:
        require_permission(actor, "responsibility.publish_powerlistversion")
    version = _lock(version, lock_version)
    require_in_scope(actor, version.organization.jurisdiction, "organization")
    new_status = check_transition(version, Action.PUBLISH)
    # Approved implies both approvals, but rows written outside the services (imports,
    # the admin) must not be publishable on a status alone.
    if not (version.staffing_approved_at and version.safety_approved_at):
        raise ValidationError(_("Both the staffing office and the safety office must approve the list first."))
    for previous in PowerListVersion.objects.select_for_update().filter(
        organization_id=version.organization_id, status=S.PUBLISHED
    ):
        previous.status = check_transition(previous, Action.SUPERSEDE)
        _save(previous)
    version.status = new_status
    version.published_at = timezone.now()
    version.published_by = actor
    return _save(version)


# --- Items --------------------------------------------------------------------------------------

ITEM_FIELDS = ("sequence", "kind", "category", "title", "content", "legal_basis", "responsible_unit")


def _clean_item(item: PowerListItem) -> None:
    if item.kind == PowerItemKind.RESPONSIBILITY and item.category:
        raise ValidationError({"category": _("Only a power has a category; leave it empty for a responsibility.")})
    item.full_clean()


def _editable_version(version: PowerListVersion, actor, lock_version: int | None, permission: str) -> PowerListVersion:
    if actor is not None:
        require_permission(actor, permission)
    version = _lock(version, lock_version)
    _require_drafter(actor, version.organization)
    check_transition(version, Action.EDIT)
    return version


@transaction.atomic
def power_list_item_create(
    *, actor, version: PowerListVersion, lock_version: int | None = None, sequence: int | None = None, **fields
) -> PowerListItem:
    """Add an item to an editable version; without a number it goes last."""
    version = _editable_version(version, actor, lock_version, "responsibility.add_powerlistitem")
    if not sequence:
        sequence = (version.items.aggregate(n=Max("sequence"))["n"] or 0) + 1
    item = PowerListItem(version=version, sequence=sequence, **{k: v for k, v in fields.items() if k in ITEM_FIELDS})
    _clean_item(item)
    item.save()
    _save(version)
    return item


@transaction.atomic
def power_list_item_update(*, instance: PowerListItem, actor, lock_version: int | None = None, **fields) -> PowerListItem:
    version = _editable_version(instance.version, actor, lock_version, "responsibility.change_powerlistitem")
    item = PowerListItem.objects.select_for_update().get(pk=instance.pk)
    for name, value in fields.items():
        if name == "sequence" and not value:
            continue  # an empty number keeps the item where it is
        if name in ITEM_FIELDS:
            setattr(item, name, value)
    _clean_item(item)
    item.save()
    _save(version)
    return item


@transaction.atomic
def power_list_item_delete(*, instance: PowerListItem, actor, lock_version: int | None = None) -> None:
    version = _editable_version(instance.version, actor, lock_version, "responsibility.delete_powerlistitem")
    PowerListItem.objects.get(pk=instance.pk).delete()
    _save(version)


ITEM_COLUMNS = {
    "sequence": ("序号", "number", "no"),
    "kind": ("类别", "类型", "权责类型"),
    "category": ("权力类型", "职权类型", "power category"),
    "title": ("事项名称", "名称", "item", "事项"),
    "content": ("内容", "事项内容", "具体内容"),
    "legal_basis": ("法律依据", "设定依据", "依据", "legal basis"),
    "responsible_unit": ("责任单位", "承办机构", "实施主体", "responsible unit"),
}
#: Columns a file may leave out.
OPTIONAL_ITEM_COLUMNS = ("sequence", "category", "content")


def _choice_aliases(choices) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for value, label in choices:
        if not value:
            continue
        aliases[value.lower()] = value
        aliases[str(label).lower()] = value
    return aliases


_KIND_ALIASES = {**_choice_aliases(PowerItemKind.choices), "权力": PowerItemKind.POWER, "责任": PowerItemKind.RESPONSIBILITY}
_CATEGORY_ALIASES = {
    **_choice_aliases(PowerCategory.choices),
    "行政许可": PowerCategory.LICENSING,
    "行政处罚": PowerCategory.PENALTY,
    "行政强制": PowerCategory.COERCION,
    "行政检查": PowerCategory.INSPECTION,
    "行政确认": PowerCategory.CONFIRMATION,
    "其他行政权力": PowerCategory.OTHER,
    "其他权力": PowerCategory.OTHER,
}


@transaction.atomic
def power_list_items_import(
    *, actor, version: PowerListVersion, uploaded, replace: bool = False, lock_version: int | None = None
) -> int:
    """Import items from a CSV or XLSX file into an editable version, all or nothing: one bad
    row rejects the file with row-numbered errors (:class:`core.tabular.ImportRejected`).
    ``replace`` drops the version's current items first. Returns the number imported."""
    from django.conf import settings

    version = _editable_version(version, actor, lock_version, "responsibility.add_powerlistitem")
    if replace and actor is not None:
        require_permission(actor, "responsibility.delete_powerlistitem")
    columns = dict(ITEM_COLUMNS)
    table = _read_items_table(uploaded, columns, getattr(settings, "MAX_IMPORT_FILE_SIZE", None))
    labels = {name: str(PowerListItem._meta.get_field(name).verbose_name) for name in ITEM_COLUMNS}
    existing = {} if replace else dict(version.items.values_list("sequence", "title"))
    next_sequence = max(existing, default=0) + 1
    errors: list[RowError] = []
    items: list[PowerListItem] = []
    seen: dict[int, int] = {}
    for row_number, values in table.rows:
        row_errors: list[RowError] = []
        kind = _KIND_ALIASES.get(values.get("kind", "").lower())
        if kind is None:
            row_errors.append(RowError(row_number, labels["kind"], _("Write “power” or “responsibility” (权力 or 责任).")))
        category = ""
        if values.get("category"):
            category = _CATEGORY_ALIASES.get(values["category"].lower())
            if category is None:
                row_errors.append(RowError(row_number, labels["category"], _("Unknown category “%(value)s”.") % {"value": values["category"]}))
                category = ""
        sequence_text = values.get("sequence", "")
        if sequence_text:
            try:
                sequence = int(sequence_text)
                if sequence < 1:
                    raise ValueError
            except ValueError:
                row_errors.append(RowError(row_number, labels["sequence"], _("Write a whole number from 1.")))
                sequence = None
        else:
            sequence = next_sequence
        if sequence is not None:
            if sequence in seen:
                row_errors.append(
                    RowError(row_number, labels["sequence"], _("Number %(n)d is already used in row %(row)d.") % {"n": sequence, "row": seen[sequence]})
                )
            elif sequence in existing:
                row_errors.append(
                    RowError(row_number, labels["sequence"], _("Number %(n)d is already used by an item of the list.") % {"n": sequence})
                )
            else:
                seen[sequence] = row_number
                next_sequence = max(next_sequence, sequence + 1)
        item = PowerListItem(
            version=version, sequence=sequence or 1, kind=kind or PowerItemKind.POWER, category=category or "",
            title=values.get("title", ""), content=values.get("content", ""), legal_basis=values.get("legal_basis", ""),
            responsible_unit=values.get("responsible_unit", ""),
        )
        if not row_errors:
            try:
                if item.kind == PowerItemKind.RESPONSIBILITY and item.category:
                    raise ValidationError({"category": _("Only a power has a category; leave it empty for a responsibility.")})
                # Uniqueness of numbers is checked above, against the file and the list.
                item.full_clean(exclude=["version"], validate_constraints=False)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        row_errors.append(RowError(row_number, labels.get(field, field), message))
        errors.extend(row_errors)
        items.append(item)
    if not table.rows:
        errors.append(RowError(2, _("file"), _("The file has no rows.")))
    if errors:
        raise ImportRejected(errors)
    if replace:
        version.items.all().delete()
    PowerListItem.objects.bulk_create(items, batch_size=500)
    _save(version)
    return len(items)


def _read_items_table(uploaded, columns, max_bytes):
    # Optional columns may be missing from the file: read_table insists on every column it is
    # given, so a missing optional one is retried without it.
    try:
        return read_table(uploaded, columns=columns, max_bytes=max_bytes)
    except ImportRejected as rejected:
        missing = {e.column for e in rejected.errors if e.row == 1}
        if not missing or not missing <= set(OPTIONAL_ITEM_COLUMNS):
            raise
        uploaded.seek(0)
        return read_table(uploaded, columns={k: v for k, v in columns.items() if k not in missing}, max_bytes=max_bytes)


# --- Publication deadlines ----------------------------------------------------------------------

DEADLINE_LEVELS = (
    JurisdictionLevel.PROVINCE,
    JurisdictionLevel.CITY,
    JurisdictionLevel.COUNTY,
    JurisdictionLevel.DEVELOPMENT_ZONE,
    JurisdictionLevel.TOWNSHIP,
)


def _clean_deadline(deadline: PublicationDeadline) -> None:
    errors: dict[str, list] = {}
    if deadline.jurisdiction_id and deadline.jurisdiction.level not in DEADLINE_LEVELS:
        errors.setdefault("jurisdiction", []).append(_("Villages keep no lists; choose a township or a higher level."))
    if deadline.year and not 2000 <= deadline.year <= 2100:
        errors.setdefault("year", []).append(_("Enter a year between 2000 and 2100."))
    elif deadline.year and deadline.deadline and deadline.deadline.year != deadline.year:
        errors.setdefault("deadline", []).append(_("The deadline must fall in the chosen year."))
    if errors:
        raise ValidationError(errors)
    deadline.full_clean()


@transaction.atomic
def publication_deadline_create(
    *, actor, jurisdiction: Jurisdiction, year: int, deadline: date, note: str = ""
) -> PublicationDeadline:
    """Set the date by which every list-keeping organization in the jurisdiction's subtree must
    have a published list (a deeper jurisdiction's own deadline takes precedence)."""
    require_permission(actor, "responsibility.add_publicationdeadline")
    require_in_scope(actor, jurisdiction)
    record = PublicationDeadline(jurisdiction=jurisdiction, year=year, deadline=deadline, note=note)
    _clean_deadline(record)
    record.save()
    return record


@transaction.atomic
def publication_deadline_update(*, instance: PublicationDeadline, actor, **fields) -> PublicationDeadline:
    require_permission(actor, "responsibility.change_publicationdeadline")
    record = PublicationDeadline.objects.select_for_update().select_related("jurisdiction").get(pk=instance.pk)
    require_in_scope(actor, record.jurisdiction)
    for name in ("jurisdiction", "year", "deadline", "note"):
        if name in fields:
            setattr(record, name, fields[name])
    require_in_scope(actor, record.jurisdiction)
    _clean_deadline(record)
    record.save()
    return record


@transaction.atomic
def publication_deadline_delete(*, instance: PublicationDeadline, actor) -> None:
    require_permission(actor, "responsibility.delete_publicationdeadline")
    record = PublicationDeadline.objects.select_for_update().select_related("jurisdiction").get(pk=instance.pk)
    require_in_scope(actor, record.jurisdiction)
    record.delete()
