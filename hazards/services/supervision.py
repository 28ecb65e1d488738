"""Major hazards: the linked leader (挂包), listed supervision (挂牌督办), the double report
(双报告) and what the leader does to push the rectification."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.choices import FINAL_STATUSES, HazardEventKind, ListingLevel, PhotoStage, VisitKind
from hazards.models import Hazard, LeaderVisit
from hazards.services.ledger import (
    _event,
    _lock,
    _require_action,
    _save_photos,
    check_photos,
    leader_candidates,
)
from responsibility.choices import OrganizationKind
from responsibility.models import Jurisdiction, Official, Organization

#: The length of the materialized path of the jurisdiction whose committee lists at each level.
LISTING_PATH_LENGTH = {ListingLevel.PROVINCE: 2, ListingLevel.CITY: 4, ListingLevel.COUNTY: 6}


def _require_major_open(hazard: Hazard) -> None:
    if not hazard.is_major:
        raise ValidationError(_("Only a major hazard has a linked leader and listed supervision."))
    if hazard.status in FINAL_STATUSES:
        raise ValidationError(_("A closed or cancelled hazard cannot be changed."))


def listing_office_for(hazard: Hazard, level: str) -> Organization | None:
    """The safety committee office of the hazard's province, city or county."""
    length = LISTING_PATH_LENGTH.get(level)
    if length is None or len(hazard.jurisdiction_path) < length:
        return None
    jurisdiction = Jurisdiction.objects.filter(path=hazard.jurisdiction_path[:length]).first()
    if jurisdiction is None:
        return None
    return (
        Organization.objects.filter(jurisdiction=jurisdiction, kind=OrganizationKind.SAFETY_OFFICE, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )


def _grant_leader(hazard: Hazard, leader: Official | None, previous: Official | None) -> None:
    """The linked leader sees the hazard wherever their own posts are (a per-object grant)."""
    from guardian.shortcuts import assign_perm, remove_perm

    from core.access import forget_scope

    if previous is not None and previous.user_id and (leader is None or previous.pk != leader.pk):
        remove_perm("hazards.view_hazard", previous.user, hazard)
        forget_scope(previous.user)
    if leader is not None and leader.user_id:
        assign_perm("hazards.view_hazard", leader.user, hazard)
        forget_scope(leader.user)


def grant_linked_hazards(official: Official) -> int:
    """Give an official's (new) login the view grant on the open hazards they are linked to:
    a leader linked before they had a login would otherwise not see them. Returns how many."""
    from guardian.shortcuts import assign_perm

    from core.access import forget_scope

    if not official.user_id:
        return 0
    hazards = list(Hazard.objects.filter(linked_leader=official).exclude(status__in=FINAL_STATUSES))
    for hazard in hazards:
        assign_perm("hazards.view_hazard", official.user, hazard)
    forget_scope(official.user)
    return len(hazards)


@transaction.atomic
def hazard_link_leader(*, actor, hazard: Hazard, leader: Official, note: str = "") -> Hazard:
    hazard = _lock(hazard)
    _require_action(actor, hazard, "supervise")
    _require_major_open(hazard)
    if not leader_candidates(hazard).filter(pk=leader.pk).exists():
        raise ValidationError(
            {"leader": _("The linked leader must be a current Party or government leader of the hazard's city or county.")}
        )
    previous = hazard.linked_leader
    if previous is not None and previous.pk == leader.pk:
        return hazard
    hazard.linked_leader = leader
    hazard.save(update_fields=["linked_leader", "updated_at"])
    _grant_leader(hazard, leader, previous)
    _event(hazard, actor, HazardEventKind.LEADER_LINKED, comment=note.strip(),
           data={"leader": leader.name, "previous": previous.name if previous else ""})
    return hazard


@transaction.atomic
def hazard_list_for_supervision(*, actor, hazard: Hazard, listing_level: str, listed_on: date | None = None) -> Hazard:
    hazard = _lock(hazard)
    _require_action(actor, hazard, "supervise")
    _require_major_open(hazard)
    if listing_level not in ListingLevel.values:
        raise ValidationError({"listing_level": _("Choose the province, city or county safety committee.")})
    office = listing_office_for(hazard, listing_level)
    if office is None:
        raise ValidationError(
            {"listing_level": _("No safety committee office is registered at that level for this hazard's place.")}
        )
    listed_on = listed_on or timezone.localdate()
    if listed_on < hazard.found_on or listed_on > timezone.localdate():
        raise ValidationError({"listed_on": _("The listing date must lie between the finding and today.")})
    hazard.listing_level, hazard.listing_office, hazard.listed_on = listing_level, office, listed_on
    hazard.save(update_fields=["listing_level", "listing_office", "listed_on", "updated_at"])
    _event(hazard, actor, HazardEventKind.LISTED, data={"level": listing_level, "office": office.name, "on": listed_on.isoformat()})
    return hazard


@transaction.atomic
def hazard_record_double_report(
    *, actor, hazard: Hazard, to_department_on: date | None, to_workers_congress_on: date | None
) -> Hazard:
    hazard = _lock(hazard)
    if actor is not None and not (
        Hazard.objects.restrict(actor, "supervise").filter(pk=hazard.pk).exists()
        or Hazard.objects.restrict(actor, "rectify").filter(pk=hazard.pk).exists()
    ):
        raise PermissionDenied(_("Your role does not allow this action on this hazard."))
    _require_major_open(hazard)
    errors = {}
    today = timezone.localdate()
    for field, value in (("to_department_on", to_department_on), ("to_workers_congress_on", to_workers_congress_on)):
        if value is not None and (value < hazard.found_on or value > today):
            errors[field] = _("The date must lie between the finding and today.")
    if errors:
        raise ValidationError(errors)
    hazard.reported_to_department_on = to_department_on
    hazard.reported_to_workers_congress_on = to_workers_congress_on
    hazard.save(update_fields=["reported_to_department_on", "reported_to_workers_congress_on", "updated_at"])
    _event(hazard, actor, HazardEventKind.DOUBLE_REPORT, data={
        "department": to_department_on.isoformat() if to_department_on else "",
        "workers_congress": to_workers_congress_on.isoformat() if to_workers_congress_on else "",
    })
    return hazard


@transaction.atomic
def leader_visit_record(
    *, actor, hazard: Hazard, visited_on: date, note: str, kind: str = VisitKind.VISIT, photos: Iterable = ()
) -> LeaderVisit:
    """The linked leader logs a visit or coordination action; the office may log it for them."""
    hazard = _lock(hazard)
    _require_major_open(hazard)
    if hazard.linked_leader_id is None:
        raise ValidationError(_("Link a leader to this hazard first."))
    if actor is not None:
        is_leader = getattr(getattr(actor, "official", None), "pk", None) == hazard.linked_leader_id
        if not is_leader:
            _require_action(actor, hazard, "supervise")
        elif not Hazard.objects.restrict(actor, "view").filter(pk=hazard.pk).exists():
            raise PermissionDenied(_("This hazard is outside your scope."))
    errors = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("A visit is recorded once it has happened; this date is in the future.")
    elif visited_on < hazard.found_on:
        errors["visited_on"] = _("The visit cannot predate the finding of the hazard.")
    if not note.strip():
        errors["note"] = _("Say what was done or agreed.")
    if errors:
        raise ValidationError(errors)
    photos = check_photos(photos)
    visit = LeaderVisit(hazard=hazard, leader=hazard.linked_leader, kind=kind, visited_on=visited_on, note=note.strip(), recorded_by=actor)
    visit.full_clean()
    visit.save()
    _save_photos(hazard, actor, PhotoStage.VISIT, photos, visit=visit)
    _event(hazard, actor, HazardEventKind.VISIT, comment=note.strip(), data={"on": visited_on.isoformat(), "kind": kind})
    return visit


__all__ = [
    "hazard_link_leader",
    "hazard_list_for_supervision",
    "hazard_record_double_report",
    "leader_visit_record",
    "listing_office_for",
]
