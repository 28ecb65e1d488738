"""Accountability decisions (问责): recording and correcting them.

A decision names the official and/or the unit held to account, what it answers for (an
accident, a patrol finding, a hazard — each chosen from the records the actor may see), the
measure, and the Regulation's modifiers with their reasons. Where the official's unit or post
are left empty they are taken from the posts the official held on the decision date, so the
record keeps "who they were then" after they move on (lifelong accountability).

The decision belongs to the jurisdiction of the unit held to account (the official's unit at the
time), which decides who sees it.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.choices import AccountabilityMeasure, AccountabilityModifier, DossierStatus
from assessments.models import Accident, AccountabilityDecision, DutyDossier
from core.errors import ConflictError
from responsibility.models import Official, Organization, Post
from responsibility.services.backbone import require_in_scope, require_permission

#: Fields a decision's form or API may set; the jurisdiction and the recorder are the service's.
DECISION_FIELDS = (
    "official", "organization", "post_title", "measure", "decided_on", "decided_by", "document_reference", "grounds",
    "accident", "patrol_finding", "hazard", "modifier", "modifier_reason", "lifelong", "dossier",
)


def posts_at(official: Official, on) -> list[Post]:
    """The posts ``official`` held on ``on``; when none, the last post that had started by then
    (a decision often comes months after the conduct, when the person has moved on). One query."""
    posts = list(
        Post.objects.filter(official=official, start_date__lte=on)
        .select_related("organization__jurisdiction")
        .order_by("-start_date", "-pk")
    )
    held = [p for p in posts if p.end_date is None or p.end_date >= on]
    return held or posts[:1]


def post_title_at(official: Official, on) -> str:
    """"Unit title" of each post held on ``on``, joined as on the official's page."""
    return "；".join(f"{p.organization.name} {p.title or p.get_role_display()}" for p in posts_at(official, on))


def _visible(model, actor, obj, action: str = "view") -> bool:
    if actor is None or obj is None:
        return True
    return model.objects.restrict(actor, action).filter(pk=obj.pk).exists()


def _patrol_finding_model():
    from patrols.models import PatrolFinding

    return PatrolFinding


def _hazard_model():
    from hazards.models import Hazard

    return Hazard


def _prepare(actor, decision: AccountabilityDecision) -> None:
    """Check what the decision refers to against the actor's scope, fill the unit, post and
    jurisdiction, and validate; raises ValidationError with every problem at once."""
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    official, organization = decision.official, decision.organization
    if official is None and organization is None:
        error("official", _("Name the official or the unit held to account."))
    if decision.decided_on and decision.decided_on > timezone.localdate():
        error("decided_on", _("The decision date cannot be in the future."))
    if official is not None and not _visible(Official, actor, official):
        error("official", _("This official is outside your scope."))
    if organization is not None and not _visible(Organization, actor, organization):
        error("organization", _("This unit is outside your scope."))
    if decision.accident_id and not _visible(Accident, actor, decision.accident):
        error("accident", _("This accident is outside your scope."))
    if decision.patrol_finding_id and not _visible(_patrol_finding_model(), actor, decision.patrol_finding):
        error("patrol_finding", _("This patrol finding is outside your scope."))
    if decision.hazard_id and not _visible(_hazard_model(), actor, decision.hazard):
        error("hazard", _("This hazard is outside your scope."))
    if decision.measure and decision.measure not in AccountabilityMeasure.values:
        error("measure", _("Choose a measure from the list."))
    if decision.modifier not in AccountabilityModifier.values:
        error("modifier", _("Choose a modifier from the list."))
    decision.modifier_reason = (decision.modifier_reason or "").strip()
    if decision.modifier and not decision.modifier_reason:
        error("modifier_reason", _("A heavier, lighter or exempted decision needs its reason."))
    if not decision.modifier and decision.modifier_reason:
        error("modifier", _("Choose the modifier the reason is for, or leave the reason empty."))
    dossier = decision.dossier
    if dossier is not None:
        if official is None or dossier.official_id != official.pk:
            error("dossier", _("The dossier must be the one of the official held to account."))
        elif dossier.status != DossierStatus.READY:
            error("dossier", _("The dossier has not been generated yet."))
        elif not _visible(DutyDossier, actor, dossier):
            error("dossier", _("This dossier is outside your scope."))
    if errors:
        raise ValidationError(errors)

    if official is not None and decision.decided_on and (organization is None or not decision.post_title.strip()):
        held = posts_at(official, decision.decided_on)
        if organization is None and held:
            decision.organization = organization = held[0].organization
        if not decision.post_title.strip():
            decision.post_title = "；".join(f"{p.organization.name} {p.title or p.get_role_display()}" for p in held)
    if organization is not None:
        decision.jurisdiction = organization.jurisdiction
    elif official is not None:
        decision.jurisdiction = official.registered_in
    decision.post_title = decision.post_title.strip()[:200]
    require_in_scope(actor, decision.jurisdiction, field="organization" if organization is not None else "official")
    decision.full_clean()


@transaction.atomic
def decision_record(*, actor, **fields) -> AccountabilityDecision:
    """Record a decision; ``fields`` are among :data:`DECISION_FIELDS`."""
    require_permission(actor, "assessments.add_accountabilitydecision")
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"decision_record() got unexpected fields: {sorted(unknown)}")
    values = {"post_title": "", "document_reference": "", "modifier": "", "modifier_reason": "", "lifelong": False, **fields}
    values = {k: ("" if v is None and k in ("post_title", "document_reference", "modifier", "modifier_reason") else v)
              for k, v in values.items()}
    decision = AccountabilityDecision(created_by=actor, **values)
    _prepare(actor, decision)
    decision.save()
    return decision


@transaction.atomic
def decision_update(*, actor, decision: AccountabilityDecision, expected_updated_at: datetime | None = None, **fields) -> AccountabilityDecision:
    """Correct a decision. ``expected_updated_at`` (what the editor loaded) turns a concurrent
    edit into a ConflictError instead of a lost update."""
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"decision_update() got unexpected fields: {sorted(unknown)}")
    locked = AccountabilityDecision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    if actor is not None and not AccountabilityDecision.objects.restrict(actor, "change").filter(pk=locked.pk).exists():
        if AccountabilityDecision.objects.restrict(actor, "view").filter(pk=locked.pk).exists():
            raise PermissionDenied(_("Your role does not allow this action."))
        raise PermissionDenied(_("This decision is outside your scope."))
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise ConflictError(_("Someone else has changed this decision meanwhile; reload it and check before saving."))
    for name, value in fields.items():
        if value is None and name in ("post_title", "document_reference", "modifier", "modifier_reason"):
            value = ""
        setattr(locked, name, value)
    _prepare(actor, locked)
    locked.save()
    return locked


def decisions_about(official: Official):
    """Decisions naming ``official`` (for their dossier and their page)."""
    return AccountabilityDecision.objects.filter(official=official)

