"""Writes on patrols: planning one, its group, its content-area checklist, its planned dates,
its stages (:mod:`patrols.workflow`), its documents.

Every function checks the actor's permission on the patrol inside its transaction
(``actor=None`` is a trusted system caller: seeding, commands), serialises concurrent actions on
one patrol with a row lock, and records what happened on the patrol's timeline (the audit trail
records the field changes).

Due dates and a missing working-day calendar: recording an actual date never fails because the
calendar of a later year is missing. The date is a fact, and refusing it would stop the patrol
until an administrator enters the year; so the date is saved, the due date that depends on it
stays empty with the missing year beside it (``PatrolMilestone.due_missing_year``,
``Patrol.calendar_missing_year``), and every page showing the stage says "working-day calendar
missing for YYYY" in red. The due dates are computed again on every later change of the
patrol, when the patrol's page is opened after the year was entered, and by the daily task
(:func:`patrols.tasks.refresh_due_dates`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import covered_years
from core.errors import ConflictError
from core.files import upload_error
from patrols.choices import (
    AFTER_FEEDBACK,
    MILESTONE_ORDER,
    PENDING_MILESTONE,
    DocumentKind,
    EventKind,
    FindingStatus,
    MemberRole,
    Milestone,
    PatrolKind,
    PatrolStatus,
)
from patrols.deadlines import due_dates
from patrols.models import (
    Patrol,
    PatrolAreaCheck,
    PatrolBatch,
    PatrolContentArea,
    PatrolDocument,
    PatrolEvent,
    PatrolFinding,
    PatrolMember,
    PatrolMilestone,
    PatrolRules,
    PatrolTarget,
    PatrolTerm,
)
from patrols.workflow import PREVIOUS_MILESTONE, TRANSITIONS, Transition
from responsibility.models import Official
from responsibility.services.backbone import require_permission

DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".ofd", ".xls", ".xlsx", ".jpg", ".jpeg", ".png")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_DOCUMENTS_PER_UPLOAD = 10
#: What the members of a group may do on their own patrol (per-object grants).
MEMBER_PERMISSIONS = ("patrols.view_patrol", "patrols.conduct_patrol")


# --- Helpers ----------------------------------------------------------------------------------


def document_error(uploaded) -> str | None:
    return upload_error(
        uploaded,
        allowed=DOCUMENT_EXTENSIONS,
        max_bytes=MAX_DOCUMENT_BYTES,
        type_message=_("A document must be a PDF, Word, OFD, Excel, JPG or PNG file."),
    )


def check_documents(files: Iterable, field: str = "files") -> list:
    files = [f for f in files or () if f]
    if len(files) > MAX_DOCUMENTS_PER_UPLOAD:
        raise ValidationError({field: _("Upload at most %(n)d files at a time.") % {"n": MAX_DOCUMENTS_PER_UPLOAD}})
    errors = [f"{getattr(f, 'name', '')}: {error}" for f in files if (error := document_error(f))]
    if errors:
        raise ValidationError({field: errors})
    return files


def _event(patrol: Patrol, actor, kind: str, *, action: str = "", from_status: str = "", to_status: str = "",
           comment: str = "", data: dict | None = None, confidential: bool | None = None) -> PatrolEvent:
    """A timeline entry. What happens before the feedback is confidential: the patrolled unit
    does not see it."""
    if confidential is None:
        confidential = patrol.status not in AFTER_FEEDBACK
    return PatrolEvent.objects.create(
        patrol=patrol, kind=kind, action=action, from_status=from_status, to_status=to_status, confidential=confidential,
        actor=actor, actor_name=str(actor) if actor is not None else _("System"), comment=comment, data=data or {},
    )


def _lock(patrol: Patrol) -> Patrol:
    return Patrol.objects.select_for_update(of=("self",)).select_related("term", "target").get(pk=patrol.pk)


def require_patrol_action(actor, patrol: Patrol, permission: str) -> None:
    """The actor may ``permission`` (a codename prefix: change, conduct, approve, rectify) this
    patrol."""
    if actor is None:
        return
    if not Patrol.objects.restrict(actor, permission).filter(pk=patrol.pk).exists():
        if Patrol.objects.restrict(actor, "view").filter(pk=patrol.pk).exists():
            raise PermissionDenied(_("Your role does not allow this action on this patrol."))
        raise PermissionDenied(_("This patrol is not visible to you."))


def _save_document(patrol: Patrol, actor, *, milestone: str, kind: str, uploaded, title: str = "", finding=None) -> PatrolDocument:
    document = PatrolDocument(
        patrol=patrol, milestone=milestone, kind=kind, title=(title or uploaded.name)[:200], finding=finding, uploaded_by=actor
    )
    document.file.save(uploaded.name, uploaded, save=False)
    document.save()
    return document


def milestones_of(patrol: Patrol) -> dict[str, PatrolMilestone]:
    return {m.key: m for m in PatrolMilestone.objects.filter(patrol=patrol)}


def rules_for(patrol: Patrol) -> PatrolRules:
    return PatrolRules.for_path(patrol.issuing_path)


def _recount(patrol: Patrol) -> None:
    counts = PatrolFinding.objects.filter(patrol=patrol).aggregate(
        total=Count("pk"), rectified=Count("pk", filter=Q(status=FindingStatus.RECTIFIED))
    )
    patrol.finding_count, patrol.rectified_count = counts["total"], counts["rectified"]
    Patrol.objects.filter(pk=patrol.pk).update(finding_count=patrol.finding_count, rectified_count=patrol.rectified_count)


# --- Due dates --------------------------------------------------------------------------------


def refresh_due_dates(patrol: Patrol, milestones: dict[str, PatrolMilestone] | None = None, rules: PatrolRules | None = None) -> bool:
    """Compute the due dates of the patrol's stages from the actual dates recorded so far, store
    those that changed, and keep the patrol's next due date and missing calendar year. Returns
    whether anything changed."""
    milestones = milestones if milestones is not None else milestones_of(patrol)
    rules = rules or rules_for(patrol)
    dues = due_dates({key: m.actual_on for key, m in milestones.items()}, rules)
    changed = []
    for key, due in dues.items():
        milestone = milestones.get(key)
        if milestone is not None and (milestone.due_on, milestone.due_missing_year) != (due.on, due.missing_year):
            milestone.due_on, milestone.due_missing_year = due.on, due.missing_year
            changed.append(milestone)
    if changed:
        PatrolMilestone.objects.bulk_update(changed, ["due_on", "due_missing_year"])
    pending = PENDING_MILESTONE.get(patrol.status)
    pending_row = milestones.get(pending) if pending else None
    missing = sorted(m.due_missing_year for m in milestones.values() if m.due_missing_year and not m.actual_on)
    wanted = (
        pending_row.due_on if pending_row else None,
        pending or "",
        missing[0] if missing else None,
    )
    if wanted != (patrol.next_due_on, patrol.next_due_milestone, patrol.calendar_missing_year):
        patrol.next_due_on, patrol.next_due_milestone, patrol.calendar_missing_year = wanted
        Patrol.objects.filter(pk=patrol.pk).update(
            next_due_on=wanted[0], next_due_milestone=wanted[1], calendar_missing_year=wanted[2]
        )
        return True
    return bool(changed)


def due_dates_stale(patrol: Patrol) -> bool:
    """Whether a year the patrol's due dates were missing has been entered since (no query)."""
    return bool(patrol.calendar_missing_year and patrol.calendar_missing_year in covered_years())


@transaction.atomic
def patrol_refresh_due_dates(*, patrol: Patrol) -> bool:
    """Recompute one patrol's due dates (after the working-day calendar changed)."""
    patrol = _lock(patrol)
    changed = refresh_due_dates(patrol)
    if changed:
        _event(patrol, None, EventKind.DUE_DATES, confidential=False)
    return changed


def refresh_open_due_dates() -> int:
    """Recompute the due dates of every open patrol (one query for the stages, writes only for
    the patrols whose due dates changed). Returns how many patrols changed."""
    from collections import defaultdict

    from core import calendar

    calendar.mark_for_check()
    patrols = {p.pk: p for p in Patrol.objects.exclude(status=PatrolStatus.CLOSED)}
    stages: dict[int, dict[str, PatrolMilestone]] = defaultdict(dict)
    for milestone in PatrolMilestone.objects.exclude(patrol__status=PatrolStatus.CLOSED):
        stages[milestone.patrol_id][milestone.key] = milestone
    rules: dict[str, PatrolRules] = {}
    changed = 0
    for pk, patrol in patrols.items():
        if patrol.issuing_path not in rules:
            rules[patrol.issuing_path] = PatrolRules.for_path(patrol.issuing_path)
        with transaction.atomic():
            if refresh_due_dates(patrol, stages[pk], rules[patrol.issuing_path]):
                changed += 1
    return changed


# --- Planning a patrol ------------------------------------------------------------------------


def _validate_planned(planned: dict[str, date | None], rules: PatrolRules) -> None:
    start, end = planned.get(Milestone.STATIONING_START), planned.get(Milestone.STATIONING_END)
    errors = {}
    if start and end:
        if end < start:
            errors[Milestone.STATIONING_END] = _("The stationing cannot end before it begins.")
        elif (end - start).days + 1 > rules.stationing_days:
            errors[Milestone.STATIONING_END] = _("The stationing would last %(n)d days; the rules allow at most %(limit)d.") % {
                "n": (end - start).days + 1,
                "limit": rules.stationing_days,
            }
    dated = [(key, planned[key]) for key in MILESTONE_ORDER if planned.get(key)]
    for (earlier_key, earlier), (key, later) in zip(dated, dated[1:], strict=False):
        if later < earlier and key not in errors:
            errors[key] = _("Planned dates follow the order of the stages: this one comes before “%(stage)s”.") % {
                "stage": Milestone(earlier_key).label
            }
    if errors:
        raise ValidationError({f"planned_{key}": message for key, message in errors.items()})


def _validate_patrol(patrol: Patrol) -> None:
    term, target = patrol.term, patrol.target
    errors: dict[str, list] = {}
    if target.term_id != term.pk:
        errors.setdefault("target", []).append(_("The target belongs to another term."))
    if patrol.batch_id and patrol.batch.term_id != term.pk:
        errors.setdefault("batch", []).append(_("The batch belongs to another term."))
    if patrol.kind == PatrolKind.REGULAR and not patrol.batch_id:
        errors.setdefault("batch", []).append(_("A regular patrol goes out with a batch."))
    if patrol.kind == PatrolKind.FOLLOW_UP:
        origin = patrol.follows
        if origin is None:
            errors.setdefault("follows", []).append(_("Name the patrol this review follows up on."))
        elif origin.target.jurisdiction_id != target.jurisdiction_id or origin.target.kind != target.kind:
            errors.setdefault("follows", []).append(_("A follow-up review looks at the same unit as the patrol it follows up on."))
        elif origin.status not in AFTER_FEEDBACK:
            errors.setdefault("follows", []).append(_("A follow-up review comes after the earlier patrol's feedback."))
    elif patrol.follows_id:
        errors.setdefault("follows", []).append(_("Only a follow-up review follows up on another patrol."))
    if patrol.kind == PatrolKind.REGULAR:
        others = Patrol.objects.filter(term=term, target=target, kind=PatrolKind.REGULAR).exclude(pk=patrol.pk)
        if others.exists():
            errors.setdefault("target", []).append(_("This target already has a regular patrol in this term."))
    if errors:
        raise ValidationError(errors)
    patrol.full_clean(exclude=["code", "issuing_path", "unit_path", "members"])


@transaction.atomic
def patrol_create(
    *,
    actor,
    term: PatrolTerm,
    target: PatrolTarget,
    kind: str = PatrolKind.REGULAR,
    batch: PatrolBatch | None = None,
    follows: Patrol | None = None,
    group_name: str = "",
    focus: str = "",
    planned: dict[str, date | None] | None = None,
    preparation_on: date | None = None,
) -> Patrol:
    """Plan a patrol of ``target``: its stages (planned dates; the stationing end defaults to the
    longest stationing the rules allow) and its content-area checklist. ``preparation_on`` is
    the day preparation began, when it has."""
    require_permission(actor, "patrols.add_patrol")
    term = PatrolTerm.objects.select_for_update().get(pk=term.pk)
    if actor is not None and not PatrolTerm.objects.restrict(actor, "view").filter(pk=term.pk).exists():
        raise PermissionDenied(_("This term is outside your scope."))
    if follows is not None:
        follows = Patrol.objects.select_related("target").get(pk=follows.pk)
    rules = PatrolRules.for_path(term.issuing_path)
    planned = {key: value for key, value in (planned or {}).items() if value}
    start = planned.get(Milestone.STATIONING_START)
    if start is None and batch is not None:
        planned[Milestone.STATIONING_START] = start = batch.start_month
    if start and not planned.get(Milestone.STATIONING_END):
        planned[Milestone.STATIONING_END] = start + timedelta(days=rules.stationing_days - 1)
    _validate_planned(planned, rules)
    if preparation_on and preparation_on > timezone.localdate():
        raise ValidationError({"preparation_on": _("Preparation is recorded once it has begun; this date is in the future.")})
    patrol = Patrol(
        term=term, target=target, kind=kind, batch=batch, follows=follows, group_name=group_name.strip(), focus=focus.strip(),
        created_by=actor,
    )
    patrol.issuing_path = term.issuing_path
    _validate_patrol(patrol)
    patrol.save()
    now = timezone.now()
    PatrolMilestone.objects.bulk_create(
        [
            PatrolMilestone(
                patrol=patrol, key=key, position=index, planned_on=planned.get(key),
                actual_on=preparation_on if key == Milestone.PREPARATION else None,
                recorded_by=actor if key == Milestone.PREPARATION and preparation_on else None,
                recorded_at=now if key == Milestone.PREPARATION and preparation_on else None,
            )
            for index, key in enumerate(MILESTONE_ORDER)
        ]
    )
    PatrolAreaCheck.objects.bulk_create(
        [PatrolAreaCheck(patrol=patrol, area=area) for area in PatrolContentArea.objects.filter(is_active=True)]
    )
    refresh_due_dates(patrol, rules=rules)
    _event(patrol, actor, EventKind.CREATED, to_status=patrol.status, data={"kind": kind})
    return patrol


@transaction.atomic
def patrol_update(*, actor, patrol: Patrol, **fields) -> Patrol:
    """Change the group's name, the focus or the batch while the patrol is open."""
    patrol = _lock(patrol)
    require_patrol_action(actor, patrol, "change")
    if patrol.is_closed:
        raise ValidationError(_("A closed patrol cannot be changed."))
    unknown = set(fields) - {"group_name", "focus", "batch"}
    if unknown:
        raise TypeError(f"patrol_update() got unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(patrol, name, value.strip() if isinstance(value, str) else value)
    _validate_patrol(patrol)
    patrol.save()
    return patrol


@transaction.atomic
def patrol_set_planned_dates(*, actor, patrol: Patrol, planned: dict[str, date | None]) -> Patrol:
    """The planned date of every stage (``{milestone: date or None}``; milestones not named keep
    their date)."""
    patrol = _lock(patrol)
    require_patrol_action(actor, patrol, "change")
    if patrol.is_closed:
        raise ValidationError(_("A closed patrol cannot be changed."))
    milestones = milestones_of(patrol)
    unknown = set(planned) - set(milestones)
    if unknown:
        raise TypeError(f"unknown milestones: {', '.join(sorted(unknown))}")
    merged = {key: m.planned_on for key, m in milestones.items()} | planned
    _validate_planned(merged, rules_for(patrol))
    changed = []
    for key, value in planned.items():
        if milestones[key].planned_on != value:
            milestones[key].planned_on = value
            changed.append(milestones[key])
    for milestone in changed:
        milestone.save(update_fields=["planned_on"])
    if changed:
        _event(patrol, actor, EventKind.PLANNED, data={m.key: m.planned_on.isoformat() if m.planned_on else "" for m in changed})
    return patrol


# --- The group --------------------------------------------------------------------------------


def _grant(patrol: Patrol, user) -> None:
    from guardian.shortcuts import assign_perm

    from core.access import forget_scope

    for permission in MEMBER_PERMISSIONS:
        assign_perm(permission, user, patrol)
    forget_scope(user)


def _revoke(patrol: Patrol, user) -> None:
    from guardian.shortcuts import remove_perm

    from core.access import forget_scope

    for permission in MEMBER_PERMISSIONS:
        remove_perm(permission, user, patrol)
    forget_scope(user)


def grant_memberships(official: Official) -> int:
    """Give an official's (new) login the grants of the groups they are in: a member added
    before they had a login would otherwise not see the patrol. Returns how many."""
    if not official.user_id:
        return 0
    patrols = list(Patrol.objects.filter(memberships__official=official).exclude(status=PatrolStatus.CLOSED).distinct())
    for patrol in patrols:
        _grant(patrol, official.user)
    return len(patrols)


@transaction.atomic
def member_add(*, actor, patrol: Patrol, official: Official, role: str = MemberRole.MEMBER, note: str = "") -> PatrolMember:
    """Put an official in the patrol's group; their login may then see the patrol and record
    its work, whatever their own jurisdiction."""
    patrol = _lock(patrol)
    require_patrol_action(actor, patrol, "change")
    if patrol.is_closed:
        raise ValidationError(_("A closed patrol cannot be changed."))
    member = PatrolMember(patrol=patrol, official=official, role=role, note=note.strip())
    member.full_clean()
    member.save()
    if official.user_id:
        _grant(patrol, official.user)
    _event(patrol, actor, EventKind.MEMBER, action="add", data={"official": official.name, "role": role})
    return member


@transaction.atomic
def member_remove(*, actor, member: PatrolMember) -> None:
    patrol = _lock(member.patrol)
    require_patrol_action(actor, patrol, "change")
    if patrol.is_closed:
        raise ValidationError(_("A closed patrol cannot be changed."))
    member = PatrolMember.objects.select_related("official__user").get(pk=member.pk)
    official = member.official
    member.delete()
    if official.user_id:
        _revoke(patrol, official.user)
    _event(patrol, actor, EventKind.MEMBER, action="remove", data={"official": official.name})


# --- The content-area checklist ---------------------------------------------------------------


@transaction.atomic
def areas_check(*, actor, patrol: Patrol, checks: dict[int, tuple[bool, str]]) -> list[PatrolAreaCheck]:
    """Record which of the content areas the group examined (``{area id: (examined, note)}``)."""
    patrol = _lock(patrol)
    require_patrol_action(actor, patrol, "conduct")
    if patrol.is_closed:
        raise ValidationError(_("A closed patrol cannot be changed."))
    rows = {row.area_id: row for row in PatrolAreaCheck.objects.filter(patrol=patrol)}
    missing = set(checks) - set(rows)
    if missing:
        for area in PatrolContentArea.objects.filter(pk__in=missing):
            rows[area.pk] = PatrolAreaCheck.objects.create(patrol=patrol, area=area)
    changed = []
    for area_id, (covered, note) in checks.items():
        row = rows[area_id]
        if (row.covered, row.note) != (covered, note.strip()):
            row.covered, row.note = covered, note.strip()[:300]
            changed.append(row)
    if changed:
        PatrolAreaCheck.objects.bulk_update(changed, ["covered", "note"])
        _event(patrol, actor, EventKind.AREAS, data={"covered": sum(1 for r in rows.values() if r.covered)})
    return list(rows.values())


# --- The stages -------------------------------------------------------------------------------


def _check_dates(patrol: Patrol, transition: Transition, on: date, milestones: dict[str, PatrolMilestone]) -> None:
    today = timezone.localdate()
    if on > today:
        raise ValidationError({"on": _("A stage is recorded once it has happened; this date is in the future.")})
    previous = PREVIOUS_MILESTONE.get(transition.milestone)
    previous_on = milestones[previous].actual_on if previous else None
    if previous_on and on < previous_on:
        if transition.milestone == Milestone.FEEDBACK:
            message = _("The feedback cannot be dated before the report's approval (%(date)s).")
        elif transition.milestone == Milestone.APPROVAL:
            message = _("The approval cannot be dated before the report was submitted (%(date)s).")
        elif transition.milestone == Milestone.STATIONING_END:
            message = _("The stationing cannot end before it began (%(date)s).")
        else:
            message = _("This date cannot precede “%(stage)s” (%(date)s).")
        raise ValidationError({"on": message % {"date": previous_on.isoformat(), "stage": Milestone(previous).label}})
    if transition.milestone == Milestone.STATIONING_START and not patrol.term.contains(on):
        raise ValidationError(
            {"on": _("The stationing must begin within the term (%(start)s – %(end)s).") % {
                "start": patrol.term.start_date.isoformat(), "end": patrol.term.end_date.isoformat()
            }}
        )


@transaction.atomic
def patrol_transition(
    *,
    actor,
    patrol: Patrol,
    action: str,
    on: date | None = None,
    comment: str = "",
    document=None,
    expected_status: str | None = None,
) -> Patrol:
    """Complete the patrol's current stage (see :mod:`patrols.workflow`) on the day ``on``.

    Refused: an action the table does not allow from the current status (a stage completed out
    of order), a date before the previous stage's, a date in the future. ``expected_status`` is
    the stage the actor saw; if someone else moved the patrol since, a conflict."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    patrol = _lock(patrol)
    if expected_status and patrol.status != expected_status:
        raise ConflictError(
            _("Someone else has moved this patrol meanwhile (it is now “%(status)s”); reload and check before acting.")
            % {"status": patrol.get_status_display()}
        )
    if patrol.status != transition.source:
        raise ValidationError(
            _("“%(action)s” is not possible while the patrol is at “%(status)s”: complete the stages in order.")
            % {"action": transition.label, "status": patrol.get_status_display()}
        )
    require_patrol_action(actor, patrol, transition.permission)
    if transition.comment_required and not comment.strip():
        raise ValidationError({"comment": _("Say what is missing from the rectification report.")})
    if document is not None:
        check_documents([document], "document")
    elif transition.document_required:
        raise ValidationError({"document": _("Attach the document.")})
    milestones = milestones_of(patrol)
    milestone = milestones[transition.milestone]
    from_status = patrol.status
    if transition.sends_back:
        milestone.actual_on = None
        milestone.recorded_by = milestone.recorded_at = None
    else:
        on = on or timezone.localdate()
        _check_dates(patrol, transition, on, milestones)
        if transition.action == "close":
            unrouted = PatrolFinding.objects.filter(patrol=patrol, dispositions__isnull=True).count()
            if unrouted:
                raise ValidationError(
                    _("Route every finding before closing the patrol: %(n)d finding(s) have no disposition yet.") % {"n": unrouted}
                )
        milestone.actual_on = on
        milestone.recorded_by, milestone.recorded_at = actor, timezone.now()
    milestone.save(update_fields=["actual_on", "recorded_by", "recorded_at"])
    patrol.status = transition.target
    patrol.status_changed_at = timezone.now()
    patrol.save(update_fields=["status", "status_changed_at", "updated_at"])
    if document is not None:
        _save_document(patrol, actor, milestone=transition.milestone, kind=transition.document_kind or DocumentKind.UPLOAD, uploaded=document)
    refresh_due_dates(patrol, milestones)
    _event(
        patrol,
        actor,
        EventKind.RETURNED if transition.sends_back else EventKind.TRANSITION,
        action=action,
        from_status=from_status,
        to_status=patrol.status,
        comment=comment.strip(),
        data={"on": on.isoformat()} if on and not transition.sends_back else {},
        # The feedback itself is the first thing the unit sees.
        confidential=from_status not in AFTER_FEEDBACK and transition.action != "deliver_feedback",
    )
    return patrol


# --- Documents --------------------------------------------------------------------------------


@transaction.atomic
def document_add(*, actor, patrol: Patrol, milestone: str, files: Iterable, title: str = "") -> list[PatrolDocument]:
    """Attach documents to a stage: the group and the office to any stage, the patrolled unit to
    the rectification stages once the feedback has been delivered."""
    patrol = _lock(patrol)
    if milestone not in Milestone.values:
        raise ValidationError({"milestone": _("Choose a stage.")})
    unit_stage = milestone in (Milestone.RECTIFICATION_PLAN, Milestone.RECTIFICATION_REPORT)
    if actor is not None:
        allowed = Patrol.objects.restrict(actor, "conduct").filter(pk=patrol.pk).exists() or (
            unit_stage and patrol.status in AFTER_FEEDBACK and Patrol.objects.restrict(actor, "rectify").filter(pk=patrol.pk).exists()
        )
        if not allowed:
            require_patrol_action(actor, patrol, "conduct")
    files = check_documents(files)
    if not files:
        raise ValidationError({"files": _("Choose at least one file.")})
    documents = [_save_document(patrol, actor, milestone=milestone, kind=DocumentKind.UPLOAD, uploaded=f, title=title) for f in files]
    _event(patrol, actor, EventKind.DOCUMENT, data={"stage": milestone, "files": [d.filename for d in documents]},
           confidential=milestone not in (Milestone.FEEDBACK, Milestone.RECTIFICATION_PLAN, Milestone.RECTIFICATION_REPORT, Milestone.CLOSURE))
    return documents


GENERATED = {
    DocumentKind.PATROL_REPORT: (Milestone.REPORT, (PatrolStatus.REPORTING, PatrolStatus.APPROVAL)),
    DocumentKind.FEEDBACK_LETTER: (Milestone.FEEDBACK, (PatrolStatus.FEEDBACK, *AFTER_FEEDBACK)),
}


@transaction.atomic
def patrol_generate_document(*, actor, patrol: Patrol, kind: str) -> PatrolDocument:
    """Generate the patrol report or the feedback letter as a Word document from what is recorded
    now, and store it with the patrol (earlier versions stay)."""
    from django.core.files.base import ContentFile

    from patrols.documents import feedback_letter_docx, patrol_report_docx

    if kind not in GENERATED:
        raise ValidationError({"kind": _("Only the patrol report and the feedback letter are generated.")})
    patrol = _lock(patrol)
    require_patrol_action(actor, patrol, "conduct")
    milestone, statuses = GENERATED[kind]
    if patrol.status not in statuses:
        raise ValidationError(
            _("The patrol report is drafted once the stationing has ended, before its approval.")
            if kind == DocumentKind.PATROL_REPORT
            else _("The feedback letter is written once the report has been approved.")
        )
    build = patrol_report_docx if kind == DocumentKind.PATROL_REPORT else feedback_letter_docx
    filename, content = build(patrol)
    document = PatrolDocument(patrol=patrol, milestone=milestone, kind=kind, title=filename.removesuffix(".docx"), uploaded_by=actor)
    document.file.save(filename, ContentFile(content), save=False)
    document.save()
    _event(patrol, actor, EventKind.DOCUMENT, action="generate", data={"stage": milestone, "files": [document.filename]},
           confidential=kind == DocumentKind.PATROL_REPORT)
    return document


__all__ = [
    "areas_check",
    "document_add",
    "member_add",
    "member_remove",
    "patrol_create",
    "patrol_generate_document",
    "patrol_refresh_due_dates",
    "patrol_set_planned_dates",
    "patrol_transition",
    "patrol_update",
]
