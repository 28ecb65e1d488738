"""What comes in from outside the offices: enterprises' monthly self-reports and the public's
tip-offs (12350)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from hazards.choices import TipOffStatus
from responsibility.querysets import EnterpriseOwnedQuerySet


@audit(exclude_fields=["updated_at"])
class EnterpriseSelfReport(TimestampedModel):
    """An enterprise's monthly report of its own hazard checks: what it found and rectified,
    or an explicit "none found" (silence is not a report)."""

    enterprise = models.ForeignKey(
        "responsibility.Enterprise", on_delete=models.PROTECT, related_name="self_reports", verbose_name=_("enterprise")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    none_found = models.BooleanField(_("no hazards found"), default=False)
    hazards_found = models.PositiveIntegerField(_("hazards found"), default=0)
    hazards_rectified = models.PositiveIntegerField(_("hazards rectified"), default=0)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("submitted by")
    )

    objects = EnterpriseOwnedQuerySet.as_manager()
    scope_path_lookup = "enterprise__jurisdiction__path"

    class Meta:
        verbose_name = _("monthly self-report")
        verbose_name_plural = _("monthly self-reports")
        ordering = ["-month", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "month"],
                name="self_report_one_per_month",
                violation_error_message=_("This enterprise has already reported for this month."),
            ),
            models.CheckConstraint(
                condition=Q(none_found=False) | Q(hazards_found=0, hazards_rectified=0),
                name="self_report_none_found_means_zero",
                violation_error_message=_("A report of no hazards found cannot count hazards."),
            ),
            models.CheckConstraint(
                condition=Q(none_found=True) | Q(hazards_found__gt=0) | Q(hazards_rectified__gt=0),
                name="self_report_not_empty",
                violation_error_message=_("Report the hazards found and rectified, or tick “no hazards found”."),
            ),
        ]
        indexes = [
            models.Index(fields=["month", "enterprise"], name="self_report_month"),
            models.Index(fields=["updated_at", "id"], name="self_report_sync"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:self_report_detail", args=[self.pk])


def new_tip_reference() -> str:
    """A reference the tipster can quote; unguessable so that nobody can read others' tips."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "JB" + "".join(secrets.choice(alphabet) for _ in range(10))


class TipOff(TimestampedModel):
    """A tip-off from the public (12350), waiting for the office to triage it."""

    reference = models.CharField(_("reference number"), max_length=16, unique=True, default=new_tip_reference, editable=False)
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="tip_offs", verbose_name=_("where")
    )
    jurisdiction_path = models.CharField(max_length=12, db_index=True, editable=False)
    place = models.CharField(_("place or enterprise"), max_length=200)
    description = models.TextField(_("what you saw"))
    contact_name = models.CharField(_("your name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("your phone"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=TipOffStatus.choices, default=TipOffStatus.NEW, db_index=True)
    hazard = models.OneToOneField(
        "hazards.Hazard", on_delete=models.SET_NULL, null=True, blank=True, related_name="tip_off", verbose_name=_("hazard")
    )
    dismissal_reason = models.CharField(_("reason for dismissal"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("handled by")
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    # A keyed hash of the sender's address: enough to see abuse, not to identify anyone.
    sender_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction_path"

    class Meta:
        verbose_name = _("tip-off")
        verbose_name_plural = _("tip-offs")
        ordering = ["-created_at", "-pk"]
        permissions = [("triage_tipoff", "Can turn tip-offs into hazards or dismiss them")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=TipOffStatus.DISMISSED) | ~Q(dismissal_reason=""),
                name="tip_off_dismissal_has_reason",
                violation_error_message=_("A dismissed tip-off needs a reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="tip_off_status_created"),
            models.Index(fields=["created_at", "id"], name="tip_off_created"),
            models.Index(fields=["updated_at", "id"], name="tip_off_sync"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if self.jurisdiction_id:
            self.jurisdiction_path = self.jurisdiction.path
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("hazards:tip_off_detail", args=[self.pk])


def tip_photo_path(instance, filename: str) -> str:
    return f"tip_offs/{instance.tip_off_id}/{filename}"


class TipOffPhoto(models.Model):
    tip_off = models.ForeignKey(TipOff, on_delete=models.CASCADE, related_name="photos", verbose_name=_("tip-off"))
    file = models.FileField(_("file"), upload_to=tip_photo_path, max_length=300)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "tip_off__jurisdiction_path"

    class Meta:
        verbose_name = _("tip-off photo")
        verbose_name_plural = _("tip-off photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
