"""Writes of the meetings register and of the obligations (minimum counts per period).

Every function checks the actor's permission and scope inside its transaction; ``actor=None``
is a trusted system caller (seeding, commands).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.files import upload_error
from responsibility.choices import MeetingKind, OrganizationKind
from responsibility.models import Jurisdiction, Meeting, Obligation, Official, Organization
from responsibility.services.backbone import require_in_scope, require_permission

#: Accepted minutes files (their content is checked against the extension, see core.files).
MINUTES_EXTENSIONS = (".pdf", ".doc", ".docx", ".jpg", ".jpeg", ".png")
MAX_MINUTES_BYTES = 20 * 1024 * 1024

#: The organizations that hold each kind of meeting, so that a meeting counts for the
#: obligation it is meant to fulfil (a standing-committee session is the Party committee's).
MEETING_ORGANIZATION_KINDS: dict[str, tuple[str, ...]] = {
    MeetingKind.STANDING_COMMITTEE: (OrganizationKind.PARTY_COMMITTEE,),
    MeetingKind.GOVERNMENT_SAFETY: (OrganizationKind.GOVERNMENT,),
    MeetingKind.SAFETY_COMMITTEE_PLENARY: (OrganizationKind.SAFETY_COMMITTEE,),
    MeetingKind.SAFETY_OFFICE: (OrganizationKind.SAFETY_OFFICE,),
}

MEETING_FIELDS = ("organization", "kind", "held_on", "title", "chair", "topics", "decisions")


def minutes_error(uploaded) -> str | None:
    """Why ``uploaded`` is not acceptable as meeting minutes, or None."""
    return upload_error(
        uploaded,
        allowed=MINUTES_EXTENSIONS,
        max_bytes=MAX_MINUTES_BYTES,
        type_message=_("Upload the minutes as PDF, Word (.doc, .docx), JPG or PNG."),
    )


def _check_people(actor, chair: Official | None, attendees: Iterable[Official]) -> list[Official]:
    """Chair and attendees must be people the actor may see; the chair is not counted twice."""
    attendees = [a for a in attendees if chair is None or a.pk != chair.pk]
    if actor is None:
        return attendees
    wanted = {a.pk for a in attendees} | ({chair.pk} if chair else set())
    visible = set(Official.objects.restrict(actor, "view").filter(pk__in=wanted).values_list("pk", flat=True))
    errors = {}
    if chair is not None and chair.pk not in visible:
        errors["chair"] = _("This official is outside your scope.")
    if any(a.pk not in visible for a in attendees):
        errors["attendees"] = _("Some attendees are outside your scope.")
    if errors:
        raise ValidationError(errors)
    return attendees


def _check_meeting(meeting: Meeting) -> None:
    errors = {}
    if meeting.held_on and meeting.held_on > timezone.localdate():
        errors["held_on"] = _("A meeting is registered once it has been held; this date is in the future.")
    allowed = MEETING_ORGANIZATION_KINDS.get(meeting.kind)
    if allowed and meeting.organization_id and meeting.organization.kind not in allowed:
        errors["kind"] = _("A %(kind)s is held by: %(organizations)s.") % {
            "kind": MeetingKind(meeting.kind).label,
            "organizations": "、".join(str(OrganizationKind(k).label) for k in allowed),
        }
    if errors:
        raise ValidationError(errors)


def _check_minutes(minutes) -> None:
    if minutes:
        error = minutes_error(minutes)
        if error:
            raise ValidationError({"minutes": error})


def _delete_file_on_commit(name: str) -> None:
    if name:
        storage = Meeting._meta.get_field("minutes").storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def meeting_create(
    *,
    actor,
    organization: Organization,
    kind: str,
    held_on: date,
    title: str,
    topics: str,
    decisions: str = "",
    chair: Official | None = None,
    attendees: Iterable[Official] = (),
    minutes=None,
) -> Meeting:
    """Register a meeting held by ``organization`` (in the actor's scope), with its chair,
    attendees and optionally the minutes file (PDF, Word, JPG or PNG, at most 20 MB)."""
    require_permission(actor, "responsibility.add_meeting")
    require_in_scope(actor, organization.jurisdiction, "organization")
    attendees = _check_people(actor, chair, attendees)
    _check_minutes(minutes)
    meeting = Meeting(
        organization=organization, kind=kind, held_on=held_on, title=title, topics=topics, decisions=decisions, chair=chair
    )
    meeting.full_clean(exclude=["minutes"])
    _check_meeting(meeting)
    if minutes:
        meeting.minutes = minutes
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def meeting_update(*, instance: Meeting, actor, attendees: Iterable[Official] | None = None, minutes=None, **fields) -> Meeting:
    """Change a meeting. ``minutes``: a new file replaces the old one, ``False`` removes it,
    ``None`` keeps it."""
    require_permission(actor, "responsibility.change_meeting")
    meeting = Meeting.objects.select_for_update().select_related("organization__jurisdiction").get(pk=instance.pk)
    require_in_scope(actor, meeting.organization.jurisdiction, "organization")
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(meeting, name, value)
    require_in_scope(actor, meeting.organization.jurisdiction, "organization")
    current_attendees = list(meeting.attendees.all()) if attendees is None else list(attendees)
    new_attendees = _check_people(actor, meeting.chair, current_attendees)
    _check_minutes(minutes)
    meeting.full_clean(exclude=["minutes"])
    _check_meeting(meeting)
    old_file = meeting.minutes.name if meeting.minutes else ""
    if minutes is False:
        meeting.minutes = ""
        _delete_file_on_commit(old_file)
    elif minutes:
        meeting.minutes = minutes
        _delete_file_on_commit(old_file)
    meeting.save()
    meeting.attendees.set(new_attendees)
    return meeting


@transaction.atomic
def meeting_delete(*, instance: Meeting, actor) -> None:
    """Remove a meeting registered by mistake, with its minutes file."""
    require_permission(actor, "responsibility.delete_meeting")
    meeting = Meeting.objects.select_for_update().select_related("organization__jurisdiction").get(pk=instance.pk)
    require_in_scope(actor, meeting.organization.jurisdiction, "organization")
    _delete_file_on_commit(meeting.minutes.name if meeting.minutes else "")
    meeting.delete()


# --- Obligations ------------------------------------------------------------------------------

OBLIGATION_FIELDS = (
    "name", "subject", "roles", "organization_kinds", "levels", "department_posts_only", "activity", "meeting_kind",
    "minimum", "period", "source", "jurisdiction", "replaces", "is_active",
)


def _check_obligation_scope(actor, obligation: Obligation) -> None:
    if actor is None or actor.is_superuser:
        return
    if obligation.jurisdiction_id is None:
        raise ValidationError(
            {"jurisdiction": _("Only administrators set rules that apply everywhere; choose your jurisdiction.")}
        )
    require_in_scope(actor, obligation.jurisdiction)
    if obligation.replaces_id and not Obligation.objects.restrict(actor, "view").filter(pk=obligation.replaces_id).exists():
        raise ValidationError({"replaces": _("This rule is outside your scope.")})


def _normalise_obligation(obligation: Obligation) -> None:
    # Keep only what the subject uses, so a rule never carries stale roles or kinds.
    if obligation.subject == "role":
        obligation.organization_kinds = []
    else:
        obligation.roles = []
        obligation.department_posts_only = False
    if obligation.activity != "meeting":
        obligation.meeting_kind = ""


@transaction.atomic
def obligation_create(*, actor, name: str, jurisdiction: Jurisdiction | None = None, **fields) -> Obligation:
    """Add a rule for the actor's jurisdiction (platform-wide rules: administrators only).
    With ``replaces``, the new rule takes the place of that general rule in its subtree."""
    require_permission(actor, "responsibility.add_obligation")
    unknown = set(fields) - set(OBLIGATION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    obligation = Obligation(name=name, jurisdiction=jurisdiction, **fields)
    _check_obligation_scope(actor, obligation)
    _normalise_obligation(obligation)
    obligation.full_clean()
    obligation.save()
    return obligation


@transaction.atomic
def obligation_update(*, instance: Obligation, actor, **fields) -> Obligation:
    """Change a rule the actor's office owns (its jurisdiction lies in the actor's scope)."""
    require_permission(actor, "responsibility.change_obligation")
    obligation = Obligation.objects.select_for_update().get(pk=instance.pk)
    if actor is not None and not Obligation.objects.restrict(actor, "change").filter(pk=obligation.pk).exists():
        raise PermissionDenied(_("This rule belongs to another level; adapt it for your jurisdiction instead."))
    unknown = set(fields) - set(OBLIGATION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for field, value in fields.items():
        setattr(obligation, field, value)
    _check_obligation_scope(actor, obligation)
    _normalise_obligation(obligation)
    obligation.full_clean()
    obligation.save()
    return obligation
