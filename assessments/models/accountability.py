"""Accountability decisions (问责) and duty-performance dossiers (尽职免责)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.choices import AccountabilityMeasure, AccountabilityModifier, DossierStatus
from assessments.querysets import AccountabilityQuerySet, DossierQuerySet
from core.audit import audit
from core.models import TimestampedModel


@audit(exclude_fields=["updated_at", "jurisdiction_path"])
class AccountabilityDecision(TimestampedModel):
    """A decision holding an official or a unit to account, with what it answers for (an
    accident, a patrol finding, a hazard) and the Regulation's modifiers with their reasons."""

    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="accountability_decisions", verbose_name=_("jurisdiction")
    )
    jurisdiction_path = models.CharField(max_length=12, editable=False)
    official = models.ForeignKey(
        "responsibility.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability_decisions",
        verbose_name=_("official"),
    )
    organization = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability_decisions",
        verbose_name=_("unit"),
        help_text=_("The unit held to account, or the official's unit at the time."),
    )
    post_title = models.CharField(_("post at the time"), max_length=200, blank=True)
    measure = models.CharField(_("measure"), max_length=30, choices=AccountabilityMeasure.choices)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.CharField(_("decided by"), max_length=200)
    document_reference = models.CharField(_("document reference"), max_length=100, blank=True)
    grounds = models.TextField(_("grounds"))
    accident = models.ForeignKey(
        "assessments.Accident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability_decisions",
        verbose_name=_("accident"),
    )
    patrol_finding = models.ForeignKey(
        "patrols.PatrolFinding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability_decisions",
        verbose_name=_("patrol finding"),
    )
    hazard = models.ForeignKey(
        "hazards.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability_decisions",
        verbose_name=_("hazard"),
    )
    modifier = models.CharField(_("modifier"), max_length=20, choices=AccountabilityModifier.choices, blank=True, default="")
    modifier_reason = models.TextField(_("reason for the modifier"), blank=True)
    lifelong = models.BooleanField(
        _("lifelong accountability"), default=False, help_text=_("Pursued even after the official has left the post.")
    )
    dossier = models.ForeignKey(
        "assessments.DutyDossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("duty-performance dossier considered"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    objects = AccountabilityQuerySet.as_manager()
    scope_path_lookup = "jurisdiction_path"

    class Meta:
        verbose_name = _("accountability decision")
        verbose_name_plural = _("accountability decisions")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(official__isnull=False) | Q(organization__isnull=False),
                name="accountability_has_subject",
                violation_error_message=_("Name the official or the unit held to account."),
            ),
            models.CheckConstraint(
                condition=Q(modifier="") | ~Q(modifier_reason=""),
                name="accountability_modifier_has_reason",
                violation_error_message=_("A heavier, lighter or exempted decision needs its reason."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["jurisdiction_path", "decided_on"], opclasses=["varchar_pattern_ops", "date_ops"], name="accountability_scope_date"
            ),
        ]

    def __str__(self) -> str:
        subject = self.official or self.organization
        return f"{subject} · {self.get_measure_display()}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:decision_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.jurisdiction_id:
            self.jurisdiction_path = self.jurisdiction.path
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.modifier and not (self.modifier_reason or "").strip():
            raise ValidationError({"modifier_reason": _("A heavier, lighter or exempted decision needs its reason.")})


class DutyDossier(TimestampedModel):
    """A generated duty-performance dossier of an official for a period: a snapshot (``data``)
    of everything recorded about their duties, and its PDF."""

    official = models.ForeignKey(
        "responsibility.Official", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("official")
    )
    jurisdiction_path = models.CharField(max_length=12, editable=False)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    accident = models.ForeignKey(
        "assessments.Accident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("for the accident"),
    )
    status = models.CharField(_("status"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.PENDING)
    error = models.TextField(_("error"), blank=True)
    data = models.JSONField(_("contents"), default=dict, blank=True)
    file = models.FileField(_("PDF"), upload_to="assessments/dossiers/%Y/%m/", blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("requested by")
    )

    objects = DossierQuerySet.as_manager()
    scope_path_lookup = "jurisdiction_path"

    class Meta:
        verbose_name = _("duty-performance dossier")
        verbose_name_plural = _("duty-performance dossiers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="dossier_period_order",
                violation_error_message=_("The period must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["official", "period_end"], name="dossier_official_period")]

    def __str__(self) -> str:
        return f"{self.official} {self.period_start}–{self.period_end}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:dossier_detail", args=[self.pk])
