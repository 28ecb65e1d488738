"""Writes on a patrol's findings and how they are handled (seed 004):

* problems and violations are transferred to the local Party committee and government, and the
  transfer is tracked until it is closed with the rectification evidence;
* a major hazard goes on the hazard ledger through the hazards services, listed for supervision
  by the safety committee the rules name (the province's by default); the link is kept on the
  finding, and the finding counts as rectified once that hazard has been closed out;
* formalism, bureaucratism, dereliction and abuse of power are referred to the discipline
  inspection and supervision organs, with the date and reference of the transmittal; a finding
  is referred once;
* the results go to the organization department, for evaluations and appointments.

A finding is rectified when the patrolled unit (or the office for it) records the evidence, or
when the office closes its transfer with that evidence; the patrol's rectification rate counts
those findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.choices import HazardLevel, HazardSource, HazardStatus
from patrols.choices import (
    FINDING_STATUSES,
    RECTIFYING_STATUSES,
    ROUTING_STATUSES,
    DispositionRoute,
    DispositionStatus,
    DocumentKind,
    EventKind,
    FindingCategory,
    FindingStatus,
    Milestone,
)
from patrols.models import FindingDisposition, Patrol, PatrolFinding
from patrols.services.patrols import (
    _event,
    _lock,
    _recount,
    _save_document,
    check_documents,
    milestones_of,
    require_patrol_action,
    rules_for,
)
from responsibility.choices import OrganizationFunction
from responsibility.models import Organization

FINDING_FIELDS = ("category", "content_area", "title", "description", "evidence", "responsible_unit", "responsible_unit_name", "found_on")


def _lock_finding(finding: PatrolFinding) -> PatrolFinding:
    return PatrolFinding.objects.select_for_update(of=("self",)).select_related("hazard").get(pk=finding.pk)


def _validate_finding(finding: PatrolFinding, patrol: Patrol) -> None:
    errors = {}
    started = milestones_of(patrol)[Milestone.STATIONING_START].actual_on
    if finding.found_on:
        if finding.found_on > timezone.localdate():
            errors["found_on"] = _("The date found cannot be in the future.")
        elif started and finding.found_on < started:
            errors["found_on"] = _("A finding is made during the stationing, which began on %(date)s.") % {"date": started.isoformat()}
    if not finding.responsible_unit_id and not finding.responsible_unit_name.strip():
        errors["responsible_unit"] = _("Name the responsible unit.")
    if errors:
        raise ValidationError(errors)
    finding.full_clean(exclude=["number"])


@transaction.atomic
def finding_record(
    *,
    actor,
    patrol: Patrol,
    category: str,
    title: str,
    description: str,
    found_on: date,
    evidence: str = "",
    content_area=None,
    responsible_unit: Organization | None = None,
    responsible_unit_name: str = "",
    files: Iterable = (),
) -> PatrolFinding:
    """The group records a finding while stationed and until the feedback is delivered."""
    patrol = _lock(patrol)
    require_patrol_action(actor, patrol, "conduct")
    if patrol.status not in FINDING_STATUSES:
        raise ValidationError(_("Findings are recorded from the stationing until the feedback is delivered."))
    files = check_documents(files)
    number = (PatrolFinding.objects.filter(patrol=patrol).aggregate(top=Max("number"))["top"] or 0) + 1
    finding = PatrolFinding(
        patrol=patrol, number=number, category=category, title=title.strip(), description=description.strip(), found_on=found_on,
        evidence=evidence.strip(), content_area=content_area, responsible_unit=responsible_unit,
        responsible_unit_name=responsible_unit_name.strip(), recorded_by=actor,
    )
    _validate_finding(finding, patrol)
    finding.save()
    for uploaded in files:
        _save_document(patrol, actor, milestone=Milestone.STATIONING_START, kind=DocumentKind.EVIDENCE, uploaded=uploaded, finding=finding)
    _recount(patrol)
    _event(patrol, actor, EventKind.FINDING, data={"number": number, "category": category, "title": finding.title})
    return finding


@transaction.atomic
def finding_update(*, actor, finding: PatrolFinding, files: Iterable = (), **fields) -> PatrolFinding:
    patrol = _lock(finding.patrol)
    require_patrol_action(actor, patrol, "conduct")
    if patrol.status not in FINDING_STATUSES:
        raise ValidationError(_("Findings are recorded from the stationing until the feedback is delivered."))
    finding = _lock_finding(finding)
    unknown = set(fields) - set(FINDING_FIELDS)
    if unknown:
        raise TypeError(f"finding_update() got unexpected fields: {', '.join(sorted(unknown))}")
    if "category" in fields and fields["category"] != finding.category and finding.dispositions.exists():
        raise ValidationError({"category": _("A routed finding keeps its category.")})
    for name, value in fields.items():
        setattr(finding, name, value.strip() if isinstance(value, str) else value)
    _validate_finding(finding, patrol)
    finding.save()
    for uploaded in check_documents(files):
        _save_document(patrol, actor, milestone=Milestone.STATIONING_START, kind=DocumentKind.EVIDENCE, uploaded=uploaded, finding=finding)
    return finding


# --- Dispositions -----------------------------------------------------------------------------


def default_recipient(finding: PatrolFinding, route: str) -> Organization | None:
    """Who a finding goes to by default: the patrolled unit's Party committee or government, the
    issuing level's discipline organ or organization department."""
    patrol = finding.patrol
    if route == DispositionRoute.TRANSFER:
        return patrol.target.organizations.order_by("sort_order", "pk").first()
    function = {DispositionRoute.DISCIPLINE: OrganizationFunction.DISCIPLINE, DispositionRoute.ORGANIZATION: OrganizationFunction.ORGANIZATION}.get(route)
    if function is None:
        return None
    return (
        Organization.objects.filter(jurisdiction__path=patrol.issuing_path, function=function, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )


def _route_to_hazard(actor, finding: PatrolFinding, routed_on: date, hazard: dict) -> tuple[object, Organization | None]:
    """Put the finding on the hazard ledger as a major hazard and list it for supervision, both
    through the hazards services (which check the actor's own rights on hazards)."""
    from hazards.services.ledger import hazard_report
    from hazards.services.supervision import hazard_list_for_supervision

    if finding.category != FindingCategory.MAJOR_HAZARD:
        raise ValidationError({"route": _("Only a major-hazard finding goes on the hazard ledger.")})
    if finding.hazard_id:
        raise ValidationError({"route": _("This finding is already on the hazard ledger (%(code)s).") % {"code": finding.hazard.code}})
    missing = [name for name in ("sector", "category") if not hazard.get(name)]
    if missing:
        raise ValidationError({f"hazard_{name}": _("This field is required.") for name in missing})
    patrol = finding.patrol
    jurisdiction = hazard.get("jurisdiction") or (hazard["enterprise"].jurisdiction if hazard.get("enterprise") else patrol.target.jurisdiction)
    created = hazard_report(
        actor=actor,
        sector=hazard["sector"],
        category=hazard["category"],
        source=HazardSource.PATROL,
        title=(hazard.get("title") or finding.title)[:200],
        description=hazard.get("description") or finding.description,
        found_on=finding.found_on,
        jurisdiction=jurisdiction,
        enterprise=hazard.get("enterprise"),
        level=HazardLevel.MAJOR,
        location=hazard.get("location", ""),
    )
    listed = hazard_list_for_supervision(
        actor=actor, hazard=created, listing_level=rules_for(patrol).hazard_listing_level, listed_on=max(routed_on, finding.found_on)
    )
    finding.hazard = listed
    finding.save(update_fields=["hazard", "updated_at"])
    return listed, listed.listing_office


@transaction.atomic
def disposition_route(
    *,
    actor,
    finding: PatrolFinding,
    route: str,
    routed_on: date,
    recipient: Organization | None = None,
    recipient_name: str = "",
    reference: str = "",
    note: str = "",
    hazard: dict | None = None,
) -> FindingDisposition:
    """Route a finding once the report has been approved. Each route is taken once per finding
    (a second referral to discipline inspection is refused). For a major hazard, ``hazard``
    holds what the ledger needs: sector, category, and optionally enterprise, jurisdiction,
    title, description and location."""
    patrol = _lock(finding.patrol)
    require_patrol_action(actor, patrol, "approve")
    finding = _lock_finding(finding)
    finding.patrol = patrol
    if route not in DispositionRoute.values:
        raise ValidationError({"route": _("Choose a route.")})
    previous = FindingDisposition.objects.filter(finding=finding, route=route).first()
    if previous is not None:
        if route == DispositionRoute.DISCIPLINE:
            raise ValidationError(
                _("This finding was already referred to discipline inspection on %(date)s (%(reference)s); it is referred once.")
                % {"date": previous.routed_on.isoformat(), "reference": previous.reference}
            )
        raise ValidationError(_("This finding has already been routed this way (on %(date)s).") % {"date": previous.routed_on.isoformat()})
    if patrol.status not in ROUTING_STATUSES:
        raise ValidationError(_("Findings are routed once the report has been approved, until the patrol is closed."))
    approved = milestones_of(patrol)[Milestone.APPROVAL].actual_on
    errors = {}
    if routed_on > timezone.localdate():
        errors["routed_on"] = _("A transmittal is recorded once it has been sent; this date is in the future.")
    elif approved and routed_on < approved:
        errors["routed_on"] = _("Findings are routed after the report's approval (%(date)s).") % {"date": approved.isoformat()}
    if route == DispositionRoute.DISCIPLINE and not reference.strip():
        errors["reference"] = _("Give the reference of the transmittal to the discipline inspection organ.")
    if errors:
        raise ValidationError(errors)
    if route == DispositionRoute.HAZARD:
        _hazard, recipient = _route_to_hazard(actor, finding, routed_on, hazard or {})
    elif recipient is None and not recipient_name.strip():
        recipient = default_recipient(finding, route)
        if recipient is None and route == DispositionRoute.TRANSFER:
            recipient_name = patrol.target.name
    if recipient is None and not recipient_name.strip():
        raise ValidationError({"recipient": _("Name the recipient.")})
    disposition = FindingDisposition(
        finding=finding, route=route, routed_on=routed_on, recipient=recipient, recipient_name=recipient_name.strip(),
        reference=reference.strip(), note=note.strip(), recorded_by=actor,
    )
    disposition.full_clean()
    disposition.save()
    _event(patrol, actor, EventKind.DISPOSITION, action=route, data={
        "number": finding.number, "route": route, "reference": disposition.reference,
        "hazard": finding.hazard.code if finding.hazard_id else "",
    })
    return disposition


def _require_rectify_or_approve(actor, patrol: Patrol) -> None:
    if actor is None:
        return
    if Patrol.objects.restrict(actor, "rectify").filter(pk=patrol.pk).exists():
        return
    if Patrol.objects.restrict(actor, "approve").filter(pk=patrol.pk).exists():
        return
    require_patrol_action(actor, patrol, "rectify")


def _mark_rectified(actor, patrol: Patrol, finding: PatrolFinding, rectified_on: date, note: str) -> None:
    if finding.hazard_id and finding.hazard.status != HazardStatus.CLOSED:
        raise ValidationError(
            _("The hazard %(code)s is still being rectified; the finding is rectified once it has been closed out.")
            % {"code": finding.hazard.code}
        )
    feedback = milestones_of(patrol)[Milestone.FEEDBACK].actual_on
    if rectified_on > timezone.localdate():
        raise ValidationError({"rectified_on": _("The date of the rectification cannot be in the future.")})
    if feedback and rectified_on < feedback:
        raise ValidationError({"rectified_on": _("The rectification follows the feedback (%(date)s).") % {"date": feedback.isoformat()}})
    finding.status, finding.rectified_on, finding.rectification_note = FindingStatus.RECTIFIED, rectified_on, note
    finding.full_clean(exclude=["number"])
    finding.save()
    FindingDisposition.objects.filter(finding=finding, route=DispositionRoute.TRANSFER, status=DispositionStatus.OPEN).update(
        status=DispositionStatus.CLOSED, closed_on=rectified_on, result=note, updated_at=timezone.now()
    )
    _recount(patrol)
    _event(patrol, actor, EventKind.RECTIFIED, data={"number": finding.number, "on": rectified_on.isoformat()}, confidential=False)


@transaction.atomic
def finding_rectify(*, actor, finding: PatrolFinding, rectified_on: date, note: str, files: Iterable = ()) -> PatrolFinding:
    """The patrolled unit (or the office for it) records how a finding was rectified, between
    the feedback and the close-out. A finding on the hazard ledger waits for its hazard's
    close-out; an open transfer of the finding is closed with the same evidence."""
    patrol = _lock(finding.patrol)
    _require_rectify_or_approve(actor, patrol)
    if patrol.status not in RECTIFYING_STATUSES:
        raise ValidationError(_("Findings are rectified after the feedback, until the patrol is closed."))
    finding = _lock_finding(finding)
    if finding.is_rectified:
        raise ValidationError(_("This finding is already rectified."))
    if not note.strip():
        raise ValidationError({"note": _("Describe what was done.")})
    files = check_documents(files)
    _mark_rectified(actor, patrol, finding, rectified_on, note.strip())
    for uploaded in files:
        _save_document(
            patrol, actor, milestone=Milestone.RECTIFICATION_REPORT, kind=DocumentKind.RECTIFICATION_EVIDENCE, uploaded=uploaded, finding=finding
        )
    return finding


@transaction.atomic
def disposition_close(*, actor, disposition: FindingDisposition, closed_on: date, result: str) -> FindingDisposition:
    """The office closes a disposition: a transfer with the rectification evidence (the finding
    is then rectified), a hazard once the hazard is closed out, a referral or a report with what
    the recipient decided."""
    disposition = FindingDisposition.objects.select_related("finding").get(pk=disposition.pk)
    patrol = _lock(disposition.finding.patrol)
    require_patrol_action(actor, patrol, "approve")
    disposition = FindingDisposition.objects.select_for_update().get(pk=disposition.pk)
    finding = _lock_finding(disposition.finding)
    if disposition.status == DispositionStatus.CLOSED:
        raise ValidationError(_("This disposition is already closed."))
    errors = {}
    if not result.strip():
        errors["result"] = (
            _("Give the rectification evidence.") if disposition.route == DispositionRoute.TRANSFER else _("Say how it ended.")
        )
    if closed_on > timezone.localdate():
        errors["closed_on"] = _("The date cannot be in the future.")
    elif closed_on < disposition.routed_on:
        errors["closed_on"] = _("It cannot close before it was transmitted (%(date)s).") % {"date": disposition.routed_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    if disposition.route == DispositionRoute.HAZARD and finding.hazard_id and finding.hazard.status != HazardStatus.CLOSED:
        raise ValidationError(
            _("The hazard %(code)s is still being rectified; close this once it has been closed out.") % {"code": finding.hazard.code}
        )
    disposition.status, disposition.closed_on, disposition.result = DispositionStatus.CLOSED, closed_on, result.strip()
    disposition.full_clean()
    disposition.save()
    rectifying = disposition.route in (DispositionRoute.TRANSFER, DispositionRoute.HAZARD)
    if rectifying and not finding.is_rectified and patrol.status in RECTIFYING_STATUSES:
        _mark_rectified(actor, patrol, finding, max(closed_on, milestones_of(patrol)[Milestone.FEEDBACK].actual_on or closed_on), result.strip())
    _event(patrol, actor, EventKind.DISPOSITION_CLOSED, action=disposition.route, data={"number": finding.number})
    return disposition


__all__ = [
    "disposition_close",
    "disposition_route",
    "finding_record",
    "finding_rectify",
    "finding_update",
]
