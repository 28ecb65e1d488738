"""Writes of what comes in from outside the offices: enterprises' monthly self-reports and the
public's tip-offs (12350), and the office's triage of those tips.

Monthly self-reports (自查自改自报)
    One report per enterprise and month (``month`` is the first day of the month). An
    enterprise account reports for its own enterprise(s); safety-office (or department) staff
    holding the permission may record one on an enterprise's behalf, for an enterprise in
    their scope. A report may be corrected — submitting again replaces it — until the end of
    the month it covers; after that it is part of the record and a second submission is
    refused. A late first report for a past month is accepted (better late than missing), a
    report for a month that has not begun is not.

Tip-offs
    Anyone may send one without logging in (the public form is rate-limited and size-limited
    in :mod:`hazards.views.public`). The office of the place then turns it into a hazard on
    the ledger or dismisses it with a reason; two people triaging the same tip are serialised
    by a row lock and the second gets a :class:`core.errors.ConflictError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import AccountType
from core.errors import ConflictError
from hazards.choices import HazardLevel, HazardSource, TipOffStatus
from hazards.models import EnterpriseSelfReport, Hazard, TipOff, TipOffPhoto
from hazards.ratelimit import client_fingerprint
from hazards.services import ledger
from responsibility.choices import EnterpriseStatus, JurisdictionLevel
from responsibility.models import Enterprise, Jurisdiction, Sector
from responsibility.services.backbone import require_in_scope, require_permission

#: Where a tip can be sent: a county (or development zone) as a whole, or one of its townships.
TIP_OFF_LEVELS = (JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE, JurisdictionLevel.TOWNSHIP)
MAX_TIP_PHOTOS = 3
DEFAULT_TIP_PHOTO_MAX_BYTES = 5 * 1024 * 1024


# --- Months -----------------------------------------------------------------------------------


def month_start(value: date) -> date:
    return value.replace(day=1)


def this_month() -> date:
    return month_start(timezone.localdate())


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def is_correctable(report: EnterpriseSelfReport) -> bool:
    """A report may be replaced until the end of the month it covers."""
    return report.month >= this_month()


# --- Monthly self-reports ---------------------------------------------------------------------


def _is_enterprise_account(actor) -> bool:
    return actor is not None and getattr(actor, "account_type", None) == AccountType.ENTERPRISE


def _require_may_report_for(actor, enterprise: Enterprise) -> None:
    if actor is None:
        return
    visible = Enterprise.objects.restrict(actor, "view").filter(pk=enterprise.pk).exists()
    if _is_enterprise_account(actor):
        if not visible:
            raise ValidationError({"enterprise": _("An enterprise account reports for its own enterprise only.")})
        return
    if not visible:
        raise ValidationError({"enterprise": _("This enterprise is outside your scope.")})
    require_in_scope(actor, enterprise.jurisdiction, field="enterprise")


@transaction.atomic
def self_report_submit(
    *,
    actor,
    enterprise: Enterprise,
    month: date,
    none_found: bool,
    hazards_found: int = 0,
    hazards_rectified: int = 0,
    note: str = "",
) -> EnterpriseSelfReport:
    """Record the enterprise's report for ``month`` (any day of it), or replace the report
    already given for that month while the month lasts (see the module docstring).

    The model's constraints say what a report must contain: "none found" with no counts, or
    counts of hazards found or rectified."""
    require_permission(actor, "hazards.add_enterpriseselfreport")
    _require_may_report_for(actor, enterprise)
    month = month_start(month)
    current = this_month()
    if month > current:
        raise ValidationError({"month": _("You cannot report for a month that has not begun.")})
    # The enterprise's row serialises two submissions for it (a double click, two browsers):
    # the second one finds the first's report and replaces it instead of failing.
    enterprise = Enterprise.objects.select_for_update().select_related("jurisdiction").get(pk=enterprise.pk)
    if enterprise.status == EnterpriseStatus.CLOSED:
        raise ValidationError({"enterprise": _("A closed enterprise does not report.")})
    report = EnterpriseSelfReport.objects.select_for_update().filter(enterprise=enterprise, month=month).first()
    if report is None:
        report = EnterpriseSelfReport(enterprise=enterprise, month=month)
    else:
        if not is_correctable(report):
            raise ValidationError(
                {"month": _("The report for %(month)s has been submitted; it can only be corrected until the end of that month.")
                 % {"month": month.strftime("%Y-%m")}}
            )
        require_permission(actor, "hazards.change_enterpriseselfreport")
    report.none_found = bool(none_found)
    report.hazards_found = hazards_found or 0
    report.hazards_rectified = hazards_rectified or 0
    report.note = (note or "").strip()
    report.submitted_by = actor
    report.full_clean()
    report.save()
    return report


# --- Tip-offs: the public side ----------------------------------------------------------------


def tip_photo_max_bytes() -> int:
    return int(getattr(settings, "TIP_OFF_PHOTO_MAX_BYTES", DEFAULT_TIP_PHOTO_MAX_BYTES))


def check_tip_photos(photos: Iterable) -> list:
    """At most three JPG/PNG photos (by content, via :func:`ledger.check_photos`), each within
    the public size limit, smaller than the offices' own."""
    photos = [p for p in photos or () if p]
    if len(photos) > MAX_TIP_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(n)d photos.") % {"n": MAX_TIP_PHOTOS}})
    photos = ledger.check_photos(photos)
    limit = tip_photo_max_bytes()
    too_large = [p for p in photos if (getattr(p, "size", 0) or 0) > limit]
    if too_large:
        raise ValidationError(
            {"photos": [
                _("%(name)s: the photo is larger than %(n)d MB.") % {"name": getattr(p, "name", ""), "n": max(1, limit // (1024 * 1024))}
                for p in too_large
            ]}
        )
    return photos


@transaction.atomic
def tip_off_submit(
    *,
    jurisdiction: Jurisdiction,
    place: str,
    description: str,
    contact_name: str = "",
    contact_phone: str = "",
    photos: Iterable = (),
    sender_address: str = "",
) -> TipOff:
    """File a tip-off from the public. Only a keyed hash of the sender's address is kept
    (enough to see abuse, not to identify anyone); the photos are stored under neutral names,
    since a phone's file name may carry the sender's name."""
    errors: dict[str, list] = {}
    if jurisdiction is None or not jurisdiction.is_active or jurisdiction.level not in TIP_OFF_LEVELS:
        errors.setdefault("jurisdiction", []).append(_("Choose the county or township where you saw it."))
    if not (place or "").strip():
        errors.setdefault("place", []).append(_("Say where it is: the place or the enterprise."))
    if not (description or "").strip():
        errors.setdefault("description", []).append(_("Describe what you saw."))
    try:
        photos = check_tip_photos(photos)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    tip = TipOff(
        jurisdiction=jurisdiction,
        place=place.strip(),
        description=description.strip(),
        contact_name=(contact_name or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        sender_fingerprint=client_fingerprint(sender_address) if sender_address else "",
    )
    tip.full_clean(exclude=["jurisdiction_path", "reference"])
    tip.save()
    for number, uploaded in enumerate(photos, start=1):
        extension = os.path.splitext(uploaded.name)[1].lower()
        stored = TipOffPhoto(tip_off=tip)
        stored.file.save(f"photo-{number}{extension}", uploaded, save=False)
        stored.save()
    return tip


def find_tip_off(reference: str) -> TipOff | None:
    """The tip-off with this reference number as the tipster may type it (case, spaces and
    dashes do not matter)."""
    normalised = "".join(ch for ch in (reference or "").upper() if ch.isalnum())
    if not normalised or len(normalised) > 16:
        return None
    return TipOff.objects.select_related("hazard").filter(reference=normalised).first()


# --- Tip-offs: triage -------------------------------------------------------------------------


def _lock_for_triage(actor, tip_off: TipOff) -> TipOff:
    """The tip, locked, if the actor may triage it and nobody has yet."""
    require_permission(actor, "hazards.triage_tipoff")
    tip = TipOff.objects.select_for_update().get(pk=tip_off.pk)
    if actor is not None and not TipOff.objects.restrict(actor, "triage").filter(pk=tip.pk).exists():
        if TipOff.objects.restrict(actor, "view").filter(pk=tip.pk).exists():
            raise PermissionDenied(_("Your role does not allow this action on this tip-off."))
        raise PermissionDenied(_("This tip-off is outside your scope."))
    if tip.status != TipOffStatus.NEW:
        raise ConflictError(
            _("Someone else has handled this tip-off meanwhile (it is now “%(status)s”); reload to see what was done.")
            % {"status": tip.get_status_display()}
        )
    return tip


def _photo_copies(tip: TipOff) -> list[File]:
    copies = []
    for photo in tip.photos.all():
        try:
            handle = photo.file.open("rb")
        except FileNotFoundError:
            continue  # gone from storage: nothing to copy, the rest still is
        copies.append(File(handle, name=os.path.basename(photo.file.name)))
    return copies


@transaction.atomic
def tip_off_convert(
    *,
    actor,
    tip_off: TipOff,
    sector: Sector,
    category: str,
    title: str,
    description: str,
    found_on: date,
    jurisdiction: Jurisdiction | None = None,
    enterprise: Enterprise | None = None,
    level: str = HazardLevel.GENERAL,
    location: str = "",
) -> Hazard:
    """Turn a tip into a hazard on the ledger (source "public tip-off", the tip's photos as its
    before-photos) and link the two, in one transaction.

    The tipster's name and phone stay on the tip: the hazard is seen by the enterprise
    concerned, so it names the tip only by its reference number."""
    tip = _lock_for_triage(actor, tip_off)
    jurisdiction = jurisdiction or tip.jurisdiction
    if enterprise is not None and enterprise.jurisdiction.path.startswith(jurisdiction.path):
        # The tip named the township; the enterprise's own village is the more precise place.
        jurisdiction = enterprise.jurisdiction
    copies = _photo_copies(tip)
    try:
        hazard = ledger.hazard_report(
            actor=actor,
            sector=sector,
            category=category,
            source=HazardSource.TIP_OFF,
            title=title,
            description=description,
            found_on=found_on,
            jurisdiction=jurisdiction,
            enterprise=enterprise,
            level=level,
            photos=copies,
            location=location or tip.place,
            finder_name=_("Public tip-off %(reference)s") % {"reference": tip.reference},
        )
    finally:
        for copy in copies:
            copy.close()
    tip.hazard = hazard
    tip.status = TipOffStatus.CONVERTED
    tip.handled_by = actor
    tip.handled_at = timezone.now()
    tip.full_clean(exclude=["jurisdiction_path", "reference"])
    tip.save()
    return hazard


@transaction.atomic
def tip_off_dismiss(*, actor, tip_off: TipOff, reason: str) -> TipOff:
    """Dismiss a tip with a reason (the tipster sees the reason when checking the status)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for dismissing the tip-off.")})
    tip = _lock_for_triage(actor, tip_off)
    tip.status = TipOffStatus.DISMISSED
    tip.dismissal_reason = reason
    tip.handled_by = actor
    tip.handled_at = timezone.now()
    try:
        tip.full_clean(exclude=["jurisdiction_path", "reference"])
    except ValidationError as error:
        if hasattr(error, "error_dict") and "dismissal_reason" in error.error_dict:
            raise ValidationError({"reason": error.error_dict["dismissal_reason"]}) from None
        raise
    tip.save()
    return tip
