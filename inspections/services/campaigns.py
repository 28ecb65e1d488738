"""Writes of big inspection campaigns (安全生产大检查): the four stages and their dates, and the
minimum share of experts in an inspection team."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.choices import CampaignStage, CampaignStatus
from inspections.models import Campaign
from responsibility.models import Jurisdiction
from responsibility.services.backbone import require_in_scope, require_permission

#: The four stages in their order, with the fields of their dates.
STAGES: tuple[tuple[str, str, str], ...] = (
    (CampaignStage.SELF_CHECK, "self_check_start", "self_check_end"),
    (CampaignStage.SECTOR, "sector_start", "sector_end"),
    (CampaignStage.LOCAL, "local_start", "local_end"),
    (CampaignStage.GUARD, "guard_start", "guard_end"),
)
CAMPAIGN_FIELDS = ("name", "description", "expert_ratio_min", *(f for _stage, start, end in STAGES for f in (start, end)))


def stage_errors(values: dict) -> dict[str, list[str]]:
    """The stages follow each other: each ends on or after its start, and each starts and ends
    no earlier than the one before it (they may overlap: self-checks go on while the sector
    inspection starts)."""
    errors: dict[str, list[str]] = {}
    previous = None
    for stage, start_field, end_field in STAGES:
        start, end = values.get(start_field), values.get(end_field)
        label = CampaignStage(stage).label
        if start is None or end is None:
            continue
        if end < start:
            errors.setdefault(end_field, []).append(_("%(stage)s cannot end before it starts.") % {"stage": label})
        if previous is not None:
            prev_label, prev_start, prev_end = previous
            if prev_start is not None and start < prev_start:
                errors.setdefault(start_field, []).append(
                    _("%(stage)s cannot start before %(previous)s.") % {"stage": label, "previous": prev_label}
                )
            if prev_end is not None and end < prev_end:
                errors.setdefault(end_field, []).append(
                    _("%(stage)s cannot end before %(previous)s ends.") % {"stage": label, "previous": prev_label}
                )
        previous = (label, start, end)
    return errors


def stage_on(campaign: Campaign, day: date) -> str | None:
    """The stage running on ``day`` (the later one where two overlap), None before the start or
    after the end."""
    current = None
    for stage, start_field, end_field in STAGES:
        if getattr(campaign, start_field) <= day <= getattr(campaign, end_field):
            current = stage
    return current


def status_on(campaign: Campaign, day: date) -> str:
    if day < campaign.self_check_start:
        return CampaignStatus.PLANNED
    if day > campaign.guard_end:
        return CampaignStatus.FINISHED
    return CampaignStatus.RUNNING


def stage_rows(campaign: Campaign, day: date | None = None) -> list[dict]:
    """The stages for display: label, dates and whether each is past, current or to come."""
    day = day or timezone.localdate()
    current = stage_on(campaign, day)
    rows = []
    for stage, start_field, end_field in STAGES:
        start, end = getattr(campaign, start_field), getattr(campaign, end_field)
        state = "current" if stage == current else ("past" if end < day else ("future" if start > day else "running"))
        rows.append({"stage": stage, "label": CampaignStage(stage).label, "start": start, "end": end, "state": state})
    return rows


def _validate(campaign: Campaign) -> None:
    errors = stage_errors({f: getattr(campaign, f) for f in CAMPAIGN_FIELDS})
    if errors:
        raise ValidationError(errors)
    campaign.full_clean()


@transaction.atomic
def campaign_create(*, actor, jurisdiction: Jurisdiction, **fields) -> Campaign:
    """Plan a campaign in ``jurisdiction`` (its departments and the levels below take part)."""
    require_permission(actor, "inspections.add_campaign")
    require_in_scope(actor, jurisdiction)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"campaign_create() got unexpected fields: {', '.join(sorted(unknown))}")
    campaign = Campaign(jurisdiction=jurisdiction, **fields)
    _validate(campaign)
    campaign.status = status_on(campaign, timezone.localdate())
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    """Change a campaign's name, dates or expert ratio; its jurisdiction stays."""
    require_permission(actor, "inspections.change_campaign")
    locked = Campaign.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=campaign.pk)
    require_in_scope(actor, locked.jurisdiction)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(locked, name, value)
    _validate(locked)
    # The stored status follows the dates (for filters and the API); pages compute it afresh.
    locked.status = status_on(locked, timezone.localdate())
    locked.save()
    return locked
