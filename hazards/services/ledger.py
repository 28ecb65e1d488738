"""Writes on the hazard ledger: reporting, editing, the closed-loop transitions, deadline
extensions, plans and photos.

Every function checks the actor's permission and scope inside its transaction (``actor=None``
is a trusted system caller: seeding, commands, other apps' services acting for the system) and
records what happened on the hazard's timeline. Two people acting on the same hazard are
serialised by a row lock; the second one finds the status already moved and gets a
:class:`core.errors.ConflictError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.files import upload_error
from hazards.choices import (
    DEADLINE_STATUSES,
    ExtensionStatus,
    HazardEventKind,
    HazardLevel,
    HazardSource,
    HazardStatus,
    PhotoStage,
)
from hazards.models import Hazard, HazardEvent, HazardExtension, HazardPhoto, HazardPolicy
from hazards.workflow import TRANSITIONS, Transition
from responsibility.choices import JurisdictionLevel, OrganizationKind
from responsibility.models import Enterprise, Jurisdiction, Official, Organization, Sector
from responsibility.services.backbone import require_in_scope, require_permission

PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_UPLOAD = 10

#: Fields a report (or an edit before close-out) may set.
DETAIL_FIELDS = (
    "enterprise", "jurisdiction", "sector", "category", "level", "source", "title", "description", "location",
    "latitude", "longitude", "found_on", "finder", "finder_name", "supervising_department",
)
PLAN_FIELDS = ("plan_responsible", "plan_measures", "plan_funds", "plan_contingency")


# --- Helpers ----------------------------------------------------------------------------------


def photo_error(uploaded) -> str | None:
    return upload_error(
        uploaded,
        allowed=PHOTO_EXTENSIONS,
        max_bytes=MAX_PHOTO_BYTES,
        type_message=_("A photo must be a JPG or PNG image."),
    )


def check_photos(files: Iterable, field: str = "photos") -> list:
    files = [f for f in files or () if f]
    if len(files) > MAX_PHOTOS_PER_UPLOAD:
        raise ValidationError({field: _("Upload at most %(n)d photos at a time.") % {"n": MAX_PHOTOS_PER_UPLOAD}})
    errors = []
    for uploaded in files:
        error = photo_error(uploaded)
        if error:
            errors.append(f"{getattr(uploaded, 'name', '')}: {error}")
    if errors:
        raise ValidationError({field: errors})
    return files


def _event(hazard: Hazard, actor, kind: str, *, comment: str = "", action: str = "", from_status: str = "",
           to_status: str = "", data: dict | None = None) -> HazardEvent:
    return HazardEvent.objects.create(
        hazard=hazard,
        kind=kind,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_name=str(actor) if actor is not None else _("System"),
        comment=comment,
        data=data or {},
    )


def _save_photos(hazard: Hazard, actor, stage: str, files: Iterable, visit=None) -> list[HazardPhoto]:
    saved = []
    for uploaded in files:
        photo = HazardPhoto(hazard=hazard, stage=stage, uploaded_by=actor, visit=visit)
        photo.file.save(uploaded.name, uploaded, save=False)
        photo.save()
        saved.append(photo)
    return saved


def _require_action(actor, hazard: Hazard, permission: str) -> None:
    """The actor may ``permission`` (a codename prefix) this hazard: role and scope, or their
    enterprise for enterprise accounts."""
    if actor is None:
        return
    if not Hazard.objects.restrict(actor, permission).filter(pk=hazard.pk).exists():
        if Hazard.objects.restrict(actor, "view").filter(pk=hazard.pk).exists():
            raise PermissionDenied(_("Your role does not allow this action on this hazard."))
        raise PermissionDenied(_("This hazard is outside your scope."))


def county_of(jurisdiction: Jurisdiction) -> Jurisdiction | None:
    """The county (or development zone) a jurisdiction lies in, itself if it is one."""
    if len(jurisdiction.path) < 6:
        return None
    if len(jurisdiction.path) == 6:
        return jurisdiction
    return Jurisdiction.objects.filter(path=jurisdiction.path[:6]).first()


def county_government(jurisdiction: Jurisdiction) -> Organization | None:
    """The government responsible for an ownerless hazard: the county's."""
    county = county_of(jurisdiction)
    if county is None:
        return None
    return (
        Organization.objects.filter(jurisdiction=county, kind=OrganizationKind.GOVERNMENT, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )


def default_deadline(hazard: Hazard) -> date:
    policy = HazardPolicy.for_path(hazard.jurisdiction_path or hazard.jurisdiction.path)
    days = policy.major_deadline_days if hazard.level == HazardLevel.MAJOR else policy.general_deadline_days
    return max(hazard.found_on, timezone.localdate()) + timedelta(days=days)


def _validate(hazard: Hazard) -> None:
    errors: dict[str, list] = {}
    today = timezone.localdate()
    if hazard.found_on and hazard.found_on > today:
        errors.setdefault("found_on", []).append(_("The date found cannot be in the future."))
    if hazard.deadline and hazard.found_on and hazard.deadline < hazard.found_on:
        errors.setdefault("deadline", []).append(_("The deadline cannot be before the date the hazard was found."))
    if hazard.enterprise_id and hazard.jurisdiction_id:
        enterprise_path = hazard.enterprise.jurisdiction.path
        if not (enterprise_path.startswith(hazard.jurisdiction.path) or hazard.jurisdiction.path.startswith(enterprise_path)):
            errors.setdefault("jurisdiction", []).append(_("The enterprise is registered in another jurisdiction."))
    if (hazard.latitude is None) != (hazard.longitude is None):
        errors.setdefault("latitude", []).append(_("Give both latitude and longitude, or neither."))
    if hazard.plan_funds is not None and hazard.plan_funds < Decimal("0"):
        errors.setdefault("plan_funds", []).append(_("Funds cannot be negative."))
    if errors:
        raise ValidationError(errors)
    hazard.full_clean(exclude=["code", "jurisdiction_path"])


def _lock(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_for_update(of=("self",)).select_related("jurisdiction", "enterprise__jurisdiction").get(pk=hazard.pk)


# --- Reporting and editing --------------------------------------------------------------------


@transaction.atomic
def hazard_report(
    *,
    actor,
    sector: Sector,
    category: str,
    source: str,
    title: str,
    description: str,
    found_on: date,
    jurisdiction: Jurisdiction | None = None,
    enterprise: Enterprise | None = None,
    level: str = HazardLevel.GENERAL,
    photos: Iterable = (),
    deadline: date | None = None,
    **fields,
) -> Hazard:
    """Put a hazard on the ledger (status "reported"). Without an enterprise it is ownerless
    and the county government is responsible for it. Enterprise accounts report their own
    self-check findings."""
    from core.choices import AccountType

    require_permission(actor, "hazards.add_hazard")
    if jurisdiction is None and enterprise is None:
        raise ValidationError({"jurisdiction": _("Give the enterprise or, for an ownerless hazard, the jurisdiction.")})
    if jurisdiction is None:
        jurisdiction = enterprise.jurisdiction
    if actor is not None and getattr(actor, "account_type", None) == AccountType.ENTERPRISE:
        if enterprise is None or not Enterprise.objects.restrict(actor, "view").filter(pk=enterprise.pk).exists():
            raise ValidationError({"enterprise": _("An enterprise account reports hazards of its own enterprise only.")})
        source = HazardSource.SELF_CHECK
    else:
        require_in_scope(actor, jurisdiction)
        if enterprise is not None and actor is not None and not Enterprise.objects.restrict(actor, "view").filter(pk=enterprise.pk).exists():
            raise ValidationError({"enterprise": _("This enterprise is outside your scope.")})
    photos = check_photos(photos)
    unknown = set(fields) - set(DETAIL_FIELDS) - set(PLAN_FIELDS) - {"source_system", "external_id"}
    if unknown:
        raise TypeError(f"hazard_report() got unexpected fields: {', '.join(sorted(unknown))}")
    hazard = Hazard(
        enterprise=enterprise,
        jurisdiction=jurisdiction,
        sector=sector,
        category=category,
        source=source,
        title=title,
        description=description,
        found_on=found_on,
        level=level,
        deadline=deadline,
        original_deadline=deadline,
        created_by=actor,
        **fields,
    )
    hazard.jurisdiction_path = jurisdiction.path
    if enterprise is None:
        hazard.responsible_organization = county_government(jurisdiction)
        if hazard.responsible_organization is None:
            raise ValidationError({"jurisdiction": _("No county government is registered for this place, so nobody would be responsible for an ownerless hazard.")})
    elif not hazard.supervising_department_id:
        hazard.supervising_department = enterprise.primary_department
    _validate(hazard)
    hazard.save()
    _save_photos(hazard, actor, PhotoStage.BEFORE, photos)
    _event(hazard, actor, HazardEventKind.REPORTED, to_status=HazardStatus.REPORTED)
    return hazard


@transaction.atomic
def hazard_update(*, actor, hazard: Hazard, **fields) -> Hazard:
    """Correct a hazard's details while it is open (the audit trail keeps the old values)."""
    require_permission(actor, "hazards.change_hazard")
    hazard = _lock(hazard)
    _require_action(actor, hazard, "change")
    if hazard.is_final:
        raise ValidationError(_("A closed or cancelled hazard cannot be changed."))
    unknown = set(fields) - set(DETAIL_FIELDS) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"hazard_update() got unexpected fields: {', '.join(sorted(unknown))}")
    if "level" in fields and fields["level"] != hazard.level and hazard.status not in (HazardStatus.REPORTED, HazardStatus.ACCEPTED):
        raise ValidationError({"level": _("The level can only be changed before rectification starts.")})
    changed = [name for name, value in fields.items() if getattr(hazard, name) != value]
    for name, value in fields.items():
        setattr(hazard, name, value)
    if "jurisdiction" in fields:
        require_in_scope(actor, hazard.jurisdiction)
        hazard.jurisdiction_path = hazard.jurisdiction.path
    _validate(hazard)
    hazard.save()
    if changed:
        _event(hazard, actor, HazardEventKind.UPDATED, data={"fields": changed})
    return hazard


@transaction.atomic
def hazard_set_plan(*, actor, hazard: Hazard, deadline: date | None = None, **plan) -> Hazard:
    """Record the rectification plan: the "five in place" (person, measures, funds, deadline,
    contingency plan). The deadline here only sets the first one; later moves are extensions."""
    hazard = _lock(hazard)
    if actor is not None and not (
        Hazard.objects.restrict(actor, "assign").filter(pk=hazard.pk).exists()
        or Hazard.objects.restrict(actor, "rectify").filter(pk=hazard.pk).exists()
    ):
        raise PermissionDenied(_("Your role does not allow this action on this hazard."))
    if hazard.is_final or hazard.status in (HazardStatus.SUBMITTED, HazardStatus.VERIFIED):
        raise ValidationError(_("The plan can only be changed before the rectification is submitted."))
    unknown = set(plan) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"hazard_set_plan() got unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in plan.items():
        setattr(hazard, name, value)
    if deadline is not None and deadline != hazard.deadline:
        if hazard.deadline is not None and hazard.status != HazardStatus.REPORTED:
            raise ValidationError({"deadline": _("The deadline is already set; ask for an extension to move it.")})
        hazard.deadline = deadline
        hazard.original_deadline = deadline
    _validate(hazard)
    hazard.save()
    _event(hazard, actor, HazardEventKind.PLAN, data={name: str(getattr(hazard, name)) for name in PLAN_FIELDS})
    return hazard


# --- The closed loop --------------------------------------------------------------------------


def holds_post_in(actor, organization_id: int | None) -> bool:
    if organization_id is None or actor is None:
        return False
    from responsibility.models import Post

    return Post.objects.current().filter(official__user=actor, organization_id=organization_id).exists()


def _check_transition(actor, hazard: Hazard, transition: Transition, *, comment: str, evidence: str,
                      after_photos: list) -> None:
    errors: dict[str, list] = {}
    if transition.comment_required and not comment.strip():
        field = "comment"
        errors.setdefault(field, []).append(
            _("Give the reason for cancelling (e.g. a duplicate).") if transition.action == "cancel" else _("Say what is still missing.")
        )
    if transition.action == "accept" and hazard.deadline is None:
        hazard.deadline = default_deadline(hazard)
        hazard.original_deadline = hazard.deadline
    if transition.action == "start" and hazard.is_major:
        missing = []
        if hazard.linked_leader_id is None:
            missing.append(_("a linked leader"))
        if not hazard.listing_level:
            missing.append(_("a listing level"))
        if not hazard.plan_complete:
            missing.append(_("a complete rectification plan (person, measures, funds, deadline, contingency plan)"))
        if missing:
            errors.setdefault("__all__", []).append(
                _("A major hazard needs %(missing)s before rectification starts.") % {"missing": "、".join(str(m) for m in missing)}
            )
    if transition.action == "submit":
        if not (evidence or hazard.rectification_note).strip():
            errors.setdefault("evidence", []).append(_("Describe what was done to rectify the hazard."))
        has_after = bool(after_photos) or hazard.photos.filter(stage=PhotoStage.AFTER).exists()
        if not has_after:
            errors.setdefault("after_photos", []).append(_("Add at least one photo taken after rectification."))
    closing_major = transition.action == "close" and hazard.is_major and actor is not None and not actor.is_superuser
    if closing_major and not holds_post_in(actor, hazard.listing_office_id):
        office = hazard.listing_office.name if hazard.listing_office_id else _("the listing level's safety office")
        raise PermissionDenied(_("Only %(office)s may close out this major hazard.") % {"office": office})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def hazard_transition(
    *,
    actor,
    hazard: Hazard,
    action: str,
    comment: str = "",
    expected_status: str | None = None,
    evidence: str = "",
    rectified_on: date | None = None,
    after_photos: Iterable = (),
    deadline: date | None = None,
) -> Hazard:
    """Move a hazard along its closed loop (see :mod:`hazards.workflow`).

    ``expected_status`` is the status the actor saw; if someone else moved the hazard since, the
    actor gets a conflict instead of acting on a state they never saw."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    hazard = _lock(hazard)
    if expected_status and hazard.status != expected_status:
        raise ConflictError(
            _("Someone else has changed this hazard meanwhile (it is now “%(status)s”); reload and check before acting.")
            % {"status": hazard.get_status_display()}
        )
    if hazard.status not in transition.sources:
        raise ValidationError(
            _("“%(action)s” is not possible while the hazard is “%(status)s”.")
            % {"action": transition.label, "status": hazard.get_status_display()}
        )
    _require_action(actor, hazard, transition.permission)
    after_photos = check_photos(after_photos, "after_photos")
    if deadline is not None:
        if transition.action != "accept":
            raise ValidationError({"deadline": _("The deadline is set when the hazard is accepted; ask for an extension to move it.")})
        hazard.deadline = hazard.original_deadline = deadline
    _check_transition(actor, hazard, transition, comment=comment, evidence=evidence, after_photos=after_photos)
    now = timezone.now()
    from_status = hazard.status
    hazard.status = transition.target
    hazard.status_changed_at = now
    if transition.action == "submit":
        if evidence:
            hazard.rectification_note = evidence
        hazard.rectified_on = rectified_on or timezone.localdate()
        if hazard.rectified_on < hazard.found_on:
            raise ValidationError({"rectified_on": _("The rectification cannot predate the finding.")})
    elif transition.action == "verify":
        hazard.verified_at, hazard.verified_by = now, actor
    elif transition.action == "return":
        hazard.verified_at = hazard.verified_by = None
    elif transition.action == "close":
        hazard.closed_at, hazard.closed_by = now, actor
    elif transition.action == "cancel":
        hazard.cancel_reason = comment.strip()[:300]
    _validate(hazard)
    hazard.save()
    _save_photos(hazard, actor, PhotoStage.AFTER, after_photos)
    data = {"deadline": hazard.deadline.isoformat()} if transition.action == "accept" and hazard.deadline else {}
    _event(hazard, actor, HazardEventKind.TRANSITION, action=action, from_status=from_status, to_status=hazard.status,
           comment=comment.strip(), data=data)
    return hazard


# --- Deadline extensions ----------------------------------------------------------------------


@transaction.atomic
def hazard_request_extension(*, actor, hazard: Hazard, requested_deadline: date, reason: str) -> HazardExtension:
    hazard = _lock(hazard)
    _require_action(actor, hazard, "rectify")
    if hazard.status not in DEADLINE_STATUSES or hazard.deadline is None:
        raise ValidationError(_("An extension can be asked for while the hazard is being rectified."))
    policy = HazardPolicy.for_path(hazard.jurisdiction_path)
    errors: dict[str, list] = {}
    if hazard.extension_count >= policy.max_extensions:
        errors.setdefault("__all__", []).append(
            _("This hazard has had the %(n)d extension(s) the rules allow.") % {"n": policy.max_extensions}
        )
    if requested_deadline <= hazard.deadline:
        errors.setdefault("requested_deadline", []).append(_("The requested deadline must be later than the current one."))
    elif (requested_deadline - hazard.deadline).days > policy.max_extension_days:
        errors.setdefault("requested_deadline", []).append(
            _("One extension may add at most %(n)d days.") % {"n": policy.max_extension_days}
        )
    if not reason.strip():
        errors.setdefault("reason", []).append(_("Give the reason for the extension."))
    if hazard.extensions.filter(status=ExtensionStatus.PENDING).exists():
        errors.setdefault("__all__", []).append(_("An extension request for this hazard is already awaiting a decision."))
    if errors:
        raise ValidationError(errors)
    extension = HazardExtension(
        hazard=hazard, requested_by=actor, current_deadline=hazard.deadline, requested_deadline=requested_deadline, reason=reason.strip()
    )
    extension.full_clean()
    extension.save()
    _event(hazard, actor, HazardEventKind.EXTENSION_REQUESTED, comment=reason.strip(),
           data={"from": hazard.deadline.isoformat(), "to": requested_deadline.isoformat()})
    return extension


@transaction.atomic
def hazard_decide_extension(*, actor, extension: HazardExtension, approve: bool, note: str = "") -> HazardExtension:
    hazard = _lock(extension.hazard)
    extension = HazardExtension.objects.select_for_update().get(pk=extension.pk)
    _require_action(actor, hazard, "assign")
    if extension.status != ExtensionStatus.PENDING:
        raise ConflictError(_("This extension request has already been decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the extension is refused.")})
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note.strip()
    extension.save()
    if approve:
        if hazard.status not in DEADLINE_STATUSES:
            raise ValidationError(_("The hazard is no longer being rectified; the extension is moot."))
        hazard.original_deadline = hazard.original_deadline or hazard.deadline
        hazard.deadline = extension.requested_deadline
        hazard.extension_count += 1
        hazard.save(update_fields=["deadline", "original_deadline", "extension_count", "updated_at"])
    _event(
        hazard,
        actor,
        HazardEventKind.EXTENSION_APPROVED if approve else HazardEventKind.EXTENSION_REJECTED,
        comment=note.strip(),
        data={"to": extension.requested_deadline.isoformat()},
    )
    return extension


# --- Photos and comments ----------------------------------------------------------------------


@transaction.atomic
def hazard_add_photos(*, actor, hazard: Hazard, stage: str, files: Iterable) -> list[HazardPhoto]:
    hazard = _lock(hazard)
    permission = "rectify" if stage in (PhotoStage.AFTER, PhotoStage.EVIDENCE) else "change"
    _require_action(actor, hazard, permission)
    if hazard.is_final:
        raise ValidationError(_("A closed or cancelled hazard cannot be changed."))
    if stage not in (PhotoStage.BEFORE, PhotoStage.AFTER, PhotoStage.EVIDENCE):
        raise ValidationError({"stage": _("Choose before, after or evidence.")})
    files = check_photos(files)
    if not files:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    return _save_photos(hazard, actor, stage, files)


@transaction.atomic
def hazard_comment(*, actor, hazard: Hazard, comment: str) -> HazardEvent:
    if actor is not None and not Hazard.objects.restrict(actor, "view").filter(pk=hazard.pk).exists():
        raise PermissionDenied(_("This hazard is outside your scope."))
    if not comment.strip():
        raise ValidationError({"comment": _("Write a comment.")})
    return _event(hazard, actor, HazardEventKind.COMMENT, comment=comment.strip())


def leader_candidates(hazard_or_path) -> QuerySet[Official]:  # noqa: F821
    """Officials who may be linked to a major hazard: city- or county-level Party or government
    leaders of the hazard's own city or county (挂包领导)."""
    from responsibility.choices import LEADER_ROLES
    from responsibility.models import Post

    path = hazard_or_path if isinstance(hazard_or_path, str) else hazard_or_path.jurisdiction_path
    prefixes = [p for p in (path[:4], path[:6]) if len(p) in (4, 6) and len(p) <= len(path)]
    posts = Post.objects.current().filter(
        role__in=LEADER_ROLES,
        organization__kind__in=(OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GOVERNMENT),
        organization__jurisdiction__level__in=(
            JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE
        ),
        organization__jurisdiction__path__in=prefixes,
    )
    return Official.objects.filter(pk__in=posts.values("official_id")).order_by("name", "pk")
