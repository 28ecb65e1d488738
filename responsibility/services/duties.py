"""Writes on statutory duties, officials' responsibility lists and the annual key-work lists.

Responsibility lists follow the duty templates "by reference": an item generated from a
template keeps the template's text until someone edits or deactivates it (it is then
*customised*). Editing or deactivating a template updates the uncustomised items of current
posts at once; regenerating a post's list adds the templates it lacks and brings uncustomised
items back in line. Items of ended posts are never touched: they are the record of what the
official was responsible for at the time (lifelong accountability).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import get_scope
from core.files import extension_of, upload_error
from responsibility.choices import (
    DEPARTMENT_KINDS,
    DUTY_REFERENCE_ROLES,
    LEADER_ROLES,
    CheckResult,
    JurisdictionLevel,
    OrganizationKind,
    PostRole,
)
from responsibility.choices import WorkItemStatus as Status
from responsibility.models import (
    DutyTemplate,
    Jurisdiction,
    Official,
    Post,
    ResponsibilityItem,
    WorkItem,
    WorkItemCheck,
    WorkList,
)
from responsibility.services.backbone import require_in_scope, require_permission

# --- Who gets which duties ----------------------------------------------------------------

#: Roles that may carry duty templates: the Regulation's roles and the roles that apply them
#: by reference (an office may add a local duty for department heads only, say).
TEMPLATE_ROLES: tuple[str, ...] = (*LEADER_ROLES, *DUTY_REFERENCE_ROLES)
#: Posts that have a responsibility list.
LIST_ROLES: tuple[str, ...] = TEMPLATE_ROLES
#: Levels where the Regulation (county level and above) applies by reference.
REFERENCE_LEVELS = (JurisdictionLevel.TOWNSHIP, JurisdictionLevel.VILLAGE, JurisdictionLevel.DEVELOPMENT_ZONE)


def duty_roles_for(post_role: str) -> tuple[str, ...]:
    """The template roles whose duties a post of ``post_role`` takes: its own role's and, for
    roles applying the Regulation by reference, the role they refer to."""
    roles = []
    if post_role in TEMPLATE_ROLES:
        roles.append(post_role)
    referred = DUTY_REFERENCE_ROLES.get(post_role)
    if referred:
        roles.append(referred)
    return tuple(roles)


def applies_by_reference(post: Post) -> bool:
    """The Regulation covers county-level leaders and above; township, development-zone and
    department leaders apply it by reference (参照执行)."""
    organization = post.organization
    return (
        organization.jurisdiction.level in REFERENCE_LEVELS
        or organization.kind in DEPARTMENT_KINDS
        or post.role in DUTY_REFERENCE_ROLES
    )


def _template_applies(template: DutyTemplate, post: Post, jurisdiction_path: str) -> bool:
    if template.role not in duty_roles_for(post.role):
        return False
    return template.jurisdiction_id is None or jurisdiction_path.startswith(template.jurisdiction.path)


def _current(post: Post, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return post.start_date <= on and (post.end_date is None or post.end_date >= on)


def _official_id_of(actor) -> int | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    cached = getattr(actor, "_duties_official_id", False)
    if cached is False:
        cached = Official.objects.filter(user=actor).values_list("pk", flat=True).first()
        actor._duties_official_id = cached
    return cached


def _in_scope(actor, jurisdiction: Jurisdiction) -> bool:
    return actor is None or get_scope(actor).contains(jurisdiction.path)


# --- Duty templates -------------------------------------------------------------------------

TEMPLATE_FIELDS = ("content", "source", "sequence", "is_active")


def _next_template_number(role: str, jurisdiction: Jurisdiction | None) -> int:
    numbers = DutyTemplate.objects.filter(role=role).filter(Q(jurisdiction__isnull=True) | Q(jurisdiction=jurisdiction))
    return (numbers.aggregate(n=Max("sequence"))["n"] or 0) + 1


def _require_template_jurisdiction(actor, jurisdiction: Jurisdiction | None) -> None:
    if jurisdiction is None:
        # Only administrators write the Regulation's text; offices write local supplements.
        if actor is not None and not actor.is_superuser:
            raise ValidationError({"jurisdiction": _("Choose the jurisdiction this local duty applies to.")})
        return
    require_in_scope(actor, jurisdiction)


@transaction.atomic
def duty_template_create(
    *,
    actor,
    role: str,
    content: str,
    source: str,
    jurisdiction: Jurisdiction | None = None,
    sequence: int | None = None,
    is_active: bool = True,
) -> DutyTemplate:
    """Add a duty for a role: a local supplement for ``jurisdiction``'s subtree, or (for
    administrators, ``jurisdiction=None``) a statutory duty. Lists get it when they are
    (re)generated."""
    require_permission(actor, "responsibility.add_dutytemplate")
    _require_template_jurisdiction(actor, jurisdiction)
    if role not in TEMPLATE_ROLES:
        raise ValidationError({"role": _("Duties can only be set for leaders' and department leaders' roles.")})
    template = DutyTemplate(
        role=role,
        jurisdiction=jurisdiction,
        content=(content or "").strip(),
        source=(source or "").strip(),
        sequence=sequence or _next_template_number(role, jurisdiction),
        is_active=is_active,
    )
    template.full_clean()
    template.save()
    return template


def _propagate_template(template: DutyTemplate) -> int:
    """Bring the uncustomised items of current posts in line with ``template``; returns how
    many changed. Items of ended posts stay as they were (they are the record)."""
    items = ResponsibilityItem.objects.filter(
        template=template, is_customised=False, post__in=Post.objects.current().values("pk")
    ).exclude(
        content=template.content, source=template.source, sequence=template.sequence, is_active=template.is_active
    )
    return items.update(
        content=template.content,
        source=template.source,
        sequence=template.sequence,
        is_active=template.is_active,
        updated_at=timezone.now(),
    )


@transaction.atomic
def duty_template_update(*, actor, instance: DutyTemplate, **fields) -> DutyTemplate:
    """Edit a template's text, source, number or active flag. The items generated from it
    that nobody customised follow at once."""
    require_permission(actor, "responsibility.change_dutytemplate")
    template = DutyTemplate.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=instance.pk)
    if template.jurisdiction_id is None and actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("The statutory duties can only be changed by an administrator."))
    if template.jurisdiction_id is not None:
        require_in_scope(actor, template.jurisdiction)
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}})
    for name, value in fields.items():
        setattr(template, name, value.strip() if isinstance(value, str) else value)
    template.full_clean()
    template.save()
    _propagate_template(template)
    return template


def duty_template_set_active(*, actor, instance: DutyTemplate, is_active: bool) -> DutyTemplate:
    """Deactivate (or reactivate) a duty; uncustomised items of current posts follow."""
    return duty_template_update(actor=actor, instance=instance, is_active=is_active)


# --- Responsibility lists -------------------------------------------------------------------


@dataclass
class GenerateResult:
    posts: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0

    def __add__(self, other: GenerateResult) -> GenerateResult:
        return GenerateResult(
            self.posts + other.posts, self.created + other.created, self.updated + other.updated, self.deactivated + other.deactivated
        )


def _templates_for_roles(roles) -> list[DutyTemplate]:
    return list(DutyTemplate.objects.filter(role__in=roles).select_related("jurisdiction").order_by("role", "sequence", "pk"))


def _plan_post(post: Post, templates: list[DutyTemplate], existing: dict[int, ResponsibilityItem]):
    """What generating ``post``'s list means: items to create, items to update (with the
    fields that change). ``existing`` maps template id → the post's item for it."""
    path = post.organization.jurisdiction.path
    by_reference = applies_by_reference(post)
    to_create: list[ResponsibilityItem] = []
    to_update: list[ResponsibilityItem] = []
    deactivated = 0
    applicable = set()
    for template in templates:
        if not template.is_active or not _template_applies(template, post, path):
            continue
        applicable.add(template.pk)
        wanted = {
            "content": template.content,
            "source": template.source,
            "sequence": template.sequence,
            "by_reference": by_reference,
            "is_active": True,
        }
        item = existing.get(template.pk)
        if item is None:
            to_create.append(ResponsibilityItem(official_id=post.official_id, post=post, template=template, **wanted))
        elif not item.is_customised and any(getattr(item, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(item, k, v)
            to_update.append(item)
    for template_id, item in existing.items():
        # A template that was deactivated or no longer applies (the post's role changed).
        if template_id not in applicable and item.is_active and not item.is_customised:
            item.is_active = False
            to_update.append(item)
            deactivated += 1
    return to_create, to_update, deactivated


def _lock_and_check_post(actor, post: Post) -> Post:
    post = Post.objects.select_for_update(of=("self",)).select_related("organization__jurisdiction", "official").get(pk=post.pk)
    require_in_scope(actor, post.organization.jurisdiction, "post")
    if not _current(post):
        raise ValidationError({"post": _("This post is not current; its list is kept as it was.")})
    return post


@transaction.atomic
def responsibility_list_generate(*, actor, post: Post) -> GenerateResult:
    """Generate (or bring up to date) the responsibility list of one current post: one item
    per active template of the post's role(s) — the statutory ones and the local supplements
    of the post's jurisdiction and its ancestors. Idempotent; customised items are left alone.
    Each item is saved on its own, so the audit trail records it."""
    require_permission(actor, "responsibility.add_responsibilityitem")
    post = _lock_and_check_post(actor, post)
    roles = duty_roles_for(post.role)
    if not roles:
        raise ValidationError({"post": _("No duties are defined for the role “%(role)s”.") % {"role": post.get_role_display()}})
    existing = {i.template_id: i for i in post.responsibility_items.filter(template__isnull=False)}
    to_create, to_update, deactivated = _plan_post(post, _templates_for_roles(roles), existing)
    for item in (*to_create, *to_update):
        item.full_clean(validate_constraints=False)  # the constraint is what the plan ensures
        item.save()
    return GenerateResult(posts=1, created=len(to_create), updated=len(to_update) - deactivated, deactivated=deactivated)


def generate_lists_in_bulk(posts: list[Post]) -> GenerateResult:
    """Generate or update the lists of ``posts`` with bulk writes. No permission or scope
    check: for services that did theirs and for trusted callers (the demo, commands). Call
    it inside a transaction."""
    roles = {r for post in posts for r in duty_roles_for(post.role)}
    templates = _templates_for_roles(roles)
    existing: dict[int, dict[int, ResponsibilityItem]] = {}
    post_ids = [p.pk for p in posts]
    for start in range(0, len(post_ids), 900):  # SQLite limits the parameters of one query
        for item in ResponsibilityItem.objects.filter(post_id__in=post_ids[start : start + 900], template__isnull=False):
            existing.setdefault(item.post_id, {})[item.template_id] = item
    result = GenerateResult()
    to_create: list[ResponsibilityItem] = []
    to_update: list[ResponsibilityItem] = []
    for post in posts:
        created, updated, deactivated = _plan_post(post, templates, existing.get(post.pk, {}))
        to_create += created
        to_update += updated
        result += GenerateResult(posts=1, created=len(created), updated=len(updated) - deactivated, deactivated=deactivated)
    ResponsibilityItem.objects.bulk_create(to_create, batch_size=500)
    now = timezone.now()
    for item in to_update:
        item.updated_at = now
    ResponsibilityItem.objects.bulk_update(
        to_update, ["content", "source", "sequence", "by_reference", "is_active", "updated_at"], batch_size=500
    )
    return result


def list_posts_in(jurisdiction: Jurisdiction):
    """Current posts in ``jurisdiction``'s subtree that have a responsibility list."""
    return (
        Post.objects.current()
        .filter(role__in=LIST_ROLES, organization__jurisdiction__path__startswith=jurisdiction.path)
        .select_related("organization__jurisdiction")
        .order_by("pk")
    )


@transaction.atomic
def responsibility_lists_generate(*, actor, jurisdiction: Jurisdiction) -> GenerateResult:
    """Generate or update the lists of every current leader and department-leader post in
    ``jurisdiction``'s subtree at once. Written in bulk (a city has thousands of items), so
    the items get no audit entry of their own; their creation time records the run."""
    require_permission(actor, "responsibility.add_responsibilityitem")
    require_in_scope(actor, jurisdiction)
    # Lock the posts: a second run at the same time waits, then finds the items there,
    # instead of inserting the same items twice.
    return generate_lists_in_bulk(list(list_posts_in(jurisdiction).select_for_update(of=("self",))))


def _next_item_number(post: Post) -> int:
    return (post.responsibility_items.aggregate(n=Max("sequence"))["n"] or 0) + 1


@transaction.atomic
def responsibility_item_add_custom(*, actor, post: Post, content: str, source: str = "", sequence: int | None = None) -> ResponsibilityItem:
    """Add an item of the post's own (not from a template) to its list."""
    require_permission(actor, "responsibility.add_responsibilityitem")
    post = _lock_and_check_post(actor, post)
    item = ResponsibilityItem(
        official_id=post.official_id,
        post=post,
        content=(content or "").strip(),
        source=(source or "").strip(),
        sequence=sequence or max(_next_item_number(post), 100),
        by_reference=False,
    )
    item.full_clean()
    item.save()
    return item


def _lock_item(actor, instance: ResponsibilityItem, perm: str) -> ResponsibilityItem:
    require_permission(actor, perm)
    item = (
        ResponsibilityItem.objects.select_for_update(of=("self",))
        .select_related("post__organization__jurisdiction", "template")
        .get(pk=instance.pk)
    )
    require_in_scope(actor, item.post.organization.jurisdiction, "post")
    if not _current(item.post):
        raise ValidationError({"post": _("This post is not current; its list is kept as it was.")})
    return item


@transaction.atomic
def responsibility_item_update(
    *, actor, instance: ResponsibilityItem, content: str, source: str = "", sequence: int | None = None
) -> ResponsibilityItem:
    """Edit an item. An item from a template whose text changes becomes customised: template
    changes no longer overwrite it (until it is reset)."""
    item = _lock_item(actor, instance, "responsibility.change_responsibilityitem")
    content, source = (content or "").strip(), (source or "").strip()
    if item.template_id and (content != item.content or source != item.source):
        item.is_customised = True
    item.content, item.source = content, source
    if sequence:
        item.sequence = sequence
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def responsibility_item_set_active(*, actor, instance: ResponsibilityItem, is_active: bool) -> ResponsibilityItem:
    """Take an item off the list (or put it back). For a template item this is a decision
    about this post, so it is kept when the list is regenerated."""
    item = _lock_item(actor, instance, "responsibility.change_responsibilityitem")
    if item.is_active == is_active:
        raise ValidationError(
            {"is_active": _("The item is already active.") if is_active else _("The item is already inactive.")}
        )
    item.is_active = is_active
    if item.template_id:
        item.is_customised = True
    item.save()
    return item


@transaction.atomic
def responsibility_item_reset(*, actor, instance: ResponsibilityItem) -> ResponsibilityItem:
    """Make a customised template item follow its template again."""
    item = _lock_item(actor, instance, "responsibility.change_responsibilityitem")
    if item.template is None:
        raise ValidationError({"__all__": _("Only items generated from a duty template can be reset.")})
    template = item.template
    item.content, item.source, item.sequence = template.content, template.source, template.sequence
    item.is_active = template.is_active
    item.is_customised = False
    item.save()
    return item


# --- Annual key-work lists ------------------------------------------------------------------

#: The workflow of a key-work item: allowed moves, and those only the list's managers make.
WORK_ITEM_TRANSITIONS: dict[str, set[str]] = {
    Status.NOT_STARTED: {Status.IN_PROGRESS, Status.DONE},
    Status.IN_PROGRESS: {Status.DONE},
    Status.DONE: {Status.IN_PROGRESS},
}
MANAGER_ONLY_TRANSITIONS = {(Status.DONE, Status.IN_PROGRESS)}

#: Accepted evidence files (their content is checked against the extension, see core.files).
EVIDENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls", ".ofd")


def evidence_max_bytes() -> int:
    return getattr(settings, "MAX_EVIDENCE_FILE_SIZE", 10 * 1024 * 1024)


def _validate_evidence(upload) -> None:
    if not upload:
        return
    extension = extension_of(getattr(upload, "name", "")).lstrip(".")
    error = upload_error(
        upload,
        allowed=EVIDENCE_EXTENSIONS,
        max_bytes=evidence_max_bytes(),
        type_message=_("Upload a PDF, image (JPG, PNG), Word, Excel or OFD file; “.%(ext)s” files are not accepted.")
        % {"ext": extension or "?"},
    )
    if error:
        raise ValidationError({"evidence": error})


def _holds_post(official_id: int | None, jurisdiction: Jurisdiction, roles, kinds=None) -> bool:
    if official_id is None:
        return False
    posts = Post.objects.current().filter(official_id=official_id, organization__jurisdiction=jurisdiction, role__in=roles)
    if kinds:
        posts = posts.filter(organization__kind__in=kinds)
    return posts.exists()


def may_create_work_list(actor, jurisdiction: Jurisdiction) -> bool:
    """The safety office in its scope, or the government principal of the jurisdiction (who
    organizes the list under the Regulation)."""
    if actor is None:
        return True
    if actor.has_perm("responsibility.add_worklist") and _in_scope(actor, jurisdiction):
        return True
    return _holds_post(_official_id_of(actor), jurisdiction, [PostRole.GOVERNMENT_PRINCIPAL], [OrganizationKind.GOVERNMENT])


def work_list_creation_jurisdictions(actor):
    """Jurisdictions where ``actor`` may create a key-work list (for the form's choices)."""
    queryset = Jurisdiction.objects.exclude(level=JurisdictionLevel.VILLAGE)
    if actor.is_superuser:
        return queryset
    allowed = Q(pk__in=[])
    if actor.has_perm("responsibility.add_worklist"):
        allowed |= get_scope(actor).q("path")
    principal_of = (
        Post.objects.current()
        .filter(official__user=actor, role=PostRole.GOVERNMENT_PRINCIPAL, organization__kind=OrganizationKind.GOVERNMENT)
        .values("organization__jurisdiction_id")
    )
    return queryset.filter(allowed | Q(pk__in=principal_of))


def may_manage_work_list(actor, work_list: WorkList) -> bool:
    """Add and edit items, edit the list: the safety office in its scope or the organizer."""
    if actor is None:
        return True
    if actor.has_perm("responsibility.change_worklist") and _in_scope(actor, work_list.jurisdiction):
        return True
    return work_list.organizer_id is not None and work_list.organizer_id == _official_id_of(actor)


def _require_manager(actor, work_list: WorkList) -> None:
    if not may_manage_work_list(actor, work_list):
        if actor is not None and not _in_scope(actor, work_list.jurisdiction):
            raise ValidationError({"work_list": _("This jurisdiction is outside your scope.")})
        raise PermissionDenied(_("Only the safety office or the organizer of the list can do this."))


def _validate_organizer(organizer: Official | None, jurisdiction: Jurisdiction) -> None:
    if organizer is not None and not _holds_post(organizer.pk, jurisdiction, LEADER_ROLES):
        raise ValidationError({"organizer": _("The organizer must be a current leader of this jurisdiction.")})


WORK_LIST_FIELDS = ("title", "organizer", "check_frequency", "issued_on")


@transaction.atomic
def work_list_create(
    *, actor, jurisdiction: Jurisdiction, year: int, title: str = "", organizer: Official | None = None, **fields
) -> WorkList:
    """Create the annual key-work responsibility list of a jurisdiction's government leaders.
    When the government principal creates it, they are its organizer."""
    if not may_create_work_list(actor, jurisdiction):
        if actor is not None and not _in_scope(actor, jurisdiction) and actor.has_perm("responsibility.add_worklist"):
            raise ValidationError({"jurisdiction": _("This jurisdiction is outside your scope.")})
        raise PermissionDenied(_("Only the safety office or the government principal can create a key-work list."))
    unknown = set(fields) - set(WORK_LIST_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("These fields cannot be set: %(f)s.") % {"f": ", ".join(sorted(unknown))}})
    if organizer is None and actor is not None and _holds_post(
        _official_id_of(actor), jurisdiction, [PostRole.GOVERNMENT_PRINCIPAL], [OrganizationKind.GOVERNMENT]
    ):
        organizer = Official.objects.get(pk=_official_id_of(actor))
    _validate_organizer(organizer, jurisdiction)
    if not title:
        title = _("%(year)s key-work responsibility list of %(name)s") % {"year": year, "name": jurisdiction.name}
    work_list = WorkList(jurisdiction=jurisdiction, year=year, title=title.strip(), organizer=organizer, **fields)
    work_list.full_clean()
    work_list.save()
    return work_list


@transaction.atomic
def work_list_update(*, actor, instance: WorkList, **fields) -> WorkList:
    """Edit the list's title, organizer, check frequency and issue date (not its
    jurisdiction or year: items and checks belong to them)."""
    work_list = WorkList.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=instance.pk)
    _require_manager(actor, work_list)
    unknown = set(fields) - set(WORK_LIST_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}})
    for name, value in fields.items():
        setattr(work_list, name, value)
    _validate_organizer(work_list.organizer, work_list.jurisdiction)
    work_list.full_clean()
    work_list.save()
    return work_list


def _validate_item(item: WorkItem, work_list: WorkList) -> None:
    errors: dict[str, list[str]] = {}
    if item.owner_id and not _holds_post(item.owner_id, work_list.jurisdiction, LEADER_ROLES):
        errors["owner"] = [_("The responsible leader must be a current leader of %(name)s.") % {"name": work_list.jurisdiction.name}]
    if item.due_date and item.due_date.year != work_list.year:
        errors["due_date"] = [_("The due date must fall in %(year)s, the year of the list.") % {"year": work_list.year}]
    if errors:
        raise ValidationError(errors)


WORK_ITEM_FIELDS = ("owner", "content", "measures", "due_date", "sequence")


@transaction.atomic
def work_item_add(
    *, actor, work_list: WorkList, owner: Official, content: str, due_date: date, measures: str = "", sequence: int | None = None
) -> WorkItem:
    """Add a key-work item with its responsible leader and due date."""
    work_list = WorkList.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=work_list.pk)
    _require_manager(actor, work_list)
    if sequence is None:
        sequence = (work_list.items.aggregate(n=Max("sequence"))["n"] or 0) + 1
    item = WorkItem(
        work_list=work_list, owner=owner, content=(content or "").strip(), measures=(measures or "").strip(),
        due_date=due_date, sequence=sequence,
    )
    item.full_clean()
    _validate_item(item, work_list)
    item.save()
    return item


@transaction.atomic
def work_item_update(*, actor, instance: WorkItem, **fields) -> WorkItem:
    """Edit an item's owner, task, measures, due date or number. Status changes go through
    :func:`work_item_set_status`."""
    item = WorkItem.objects.select_for_update(of=("self",)).select_related("work_list__jurisdiction").get(pk=instance.pk)
    _require_manager(actor, item.work_list)
    unknown = set(fields) - set(WORK_ITEM_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))}})
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.full_clean()
    _validate_item(item, item.work_list)
    item.save()
    return item


def may_set_status(actor, item: WorkItem) -> bool:
    """The owner of the item, or the list's managers."""
    return may_manage_work_list(actor, item.work_list) or (
        item.owner_id == _official_id_of(actor) and actor.has_perm("responsibility.change_workitem")
    )


def allowed_statuses(actor, item: WorkItem) -> list[str]:
    """The statuses ``actor`` may move ``item`` to now (for forms and buttons)."""
    if not may_set_status(actor, item):
        return []
    manager = may_manage_work_list(actor, item.work_list)
    return [
        s for s in Status.values
        if s in WORK_ITEM_TRANSITIONS.get(item.status, set()) and (manager or (item.status, s) not in MANAGER_ONLY_TRANSITIONS)
    ]


def _move(item: WorkItem, status: str, *, manager: bool, completed_on: date | None) -> None:
    """The one place where the key-work item workflow is checked."""
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == item.status:
        raise ValidationError({"status": _("The item is already “%(status)s”.") % {"status": item.get_status_display()}})
    if status not in WORK_ITEM_TRANSITIONS.get(item.status, set()):
        raise ValidationError(
            {"status": _("An item that is “%(old)s” cannot become “%(new)s”.")
             % {"old": item.get_status_display(), "new": Status(status).label}}
        )
    if (item.status, status) in MANAGER_ONLY_TRANSITIONS and not manager:
        raise PermissionDenied(_("Only the safety office or the organizer of the list can reopen a completed item."))
    today = timezone.localdate()
    if status == Status.DONE:
        completed_on = completed_on or today
        if completed_on > today:
            raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
        item.completed_on = completed_on
    else:
        item.completed_on = None
    item.status = status


@transaction.atomic
def work_item_set_status(*, actor, instance: WorkItem, status: str, completed_on: date | None = None) -> WorkItem:
    """Move an item along its workflow (``WORK_ITEM_TRANSITIONS``): the owner reports
    progress and completion; reopening a completed item is for the list's managers. The row
    is locked, so of two people acting at once the second sees the first one's result."""
    if actor is not None:
        require_permission(actor, "responsibility.change_workitem")
    item = WorkItem.objects.select_for_update(of=("self",)).select_related("work_list__jurisdiction").get(pk=instance.pk)
    if actor is not None and not _in_scope(actor, item.work_list.jurisdiction):
        raise PermissionDenied(_("This item is outside your scope."))
    if not may_set_status(actor, item):
        raise PermissionDenied(_("Only the responsible leader or the safety office can change the status of this item."))
    _move(item, status, manager=may_manage_work_list(actor, item.work_list), completed_on=completed_on)
    item.save()
    return item


def may_check(actor, item: WorkItem) -> bool:
    if actor is None:
        return True
    if item.owner_id == _official_id_of(actor):
        return False
    if may_manage_work_list(actor, item.work_list):
        return True
    return actor.has_perm("responsibility.add_workitemcheck") and _in_scope(actor, item.work_list.jurisdiction)


@transaction.atomic
def work_item_check_record(
    *, actor, item: WorkItem, check_date: date, result: str, note: str = "", evidence=None, checker=None
) -> WorkItemCheck:
    """Record a periodic check of an item (定期检查考核) by ``actor`` (the checker). A check
    finding the item completed completes it. The responsible leader cannot check their own
    item: the check is meant to be someone else's look."""
    if actor is not None:
        require_permission(actor, "responsibility.add_workitemcheck")
    item = WorkItem.objects.select_for_update(of=("self",)).select_related("work_list__jurisdiction").get(pk=item.pk)
    if actor is not None and not _in_scope(actor, item.work_list.jurisdiction):
        raise ValidationError({"item": _("This item is outside your scope.")})
    if actor is not None and item.owner_id == _official_id_of(actor):
        raise PermissionDenied(_("You cannot check an item you are responsible for."))
    if not may_check(actor, item):
        raise PermissionDenied(_("Your role does not allow this action."))
    checker = actor if actor is not None else checker
    if checker is None:
        raise ValidationError({"checker": _("A check needs a checker.")})
    if check_date and check_date > timezone.localdate():
        raise ValidationError({"check_date": _("The check date cannot be in the future.")})
    _validate_evidence(evidence)
    check = WorkItemCheck(item=item, check_date=check_date, result=result, note=(note or "").strip(), checker=checker)
    if evidence:
        check.evidence = evidence
    check.full_clean()
    if result == CheckResult.DONE and item.status != Status.DONE:
        _move(item, Status.DONE, manager=True, completed_on=check_date)
        item.save()
    check.save()
    return check
