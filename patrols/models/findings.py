"""What a patrol found, and how each finding is handled (seed 004: transferred to the local Party
committee and government, listed for supervision as a major hazard, referred to discipline
inspection, reported to the organization department)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from patrols.choices import DispositionRoute, DispositionStatus, FindingCategory, FindingStatus
from patrols.querysets import DispositionQuerySet, PatrolRelatedQuerySet


@audit(exclude_fields=["updated_at"])
class PatrolFinding(TimestampedModel):
    patrol = models.ForeignKey("patrols.Patrol", on_delete=models.CASCADE, related_name="findings", verbose_name=_("patrol"))
    number = models.PositiveSmallIntegerField(_("number"), editable=False)
    category = models.CharField(_("category"), max_length=20, choices=FindingCategory.choices)
    content_area = models.ForeignKey(
        "patrols.PatrolContentArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("content area"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("Where and how it was established: documents seen, sites visited, talks."))
    responsible_unit = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_findings",
        verbose_name=_("responsible unit"),
    )
    responsible_unit_name = models.CharField(
        _("responsible unit (name)"), max_length=150, blank=True, help_text=_("When the unit is not a registered organization.")
    )
    found_on = models.DateField(_("found on"))
    status = models.CharField(_("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_note = models.TextField(_("rectification evidence"), blank=True)
    # The link to the hazard ledger lives here, on the patrol's side (hazards know nothing of patrols).
    hazard = models.OneToOneField(
        "hazards.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_finding",
        verbose_name=_("hazard"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    objects = PatrolRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["patrol", "number"]
        constraints = [
            models.UniqueConstraint(fields=["patrol", "number"], name="patrol_finding_number"),
            models.CheckConstraint(
                condition=Q(status=FindingStatus.OPEN) | Q(rectified_on__isnull=False),
                name="patrol_finding_rectified_dated",
                violation_error_message=_("A rectified finding needs the date of its rectification."),
            ),
        ]
        indexes = [
            models.Index(fields=["patrol", "category"], name="patrol_finding_category"),
            models.Index(fields=["status", "patrol"], name="patrol_finding_status"),
            models.Index(fields=["updated_at", "id"], name="patrol_finding_sync"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def responsible_name(self) -> str:
        return self.responsible_unit.name if self.responsible_unit_id else self.responsible_unit_name

    @property
    def is_rectified(self) -> bool:
        return self.status == FindingStatus.RECTIFIED


@audit
class FindingDisposition(models.Model):
    """One route a finding took, with its transmission (date, recipient, reference) and, for a
    transfer, how it ended (closed with the rectification evidence)."""

    finding = models.ForeignKey(PatrolFinding, on_delete=models.CASCADE, related_name="dispositions", verbose_name=_("finding"))
    route = models.CharField(_("route"), max_length=20, choices=DispositionRoute.choices)
    routed_on = models.DateField(_("transmitted on"))
    recipient = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_dispositions",
        verbose_name=_("recipient"),
    )
    recipient_name = models.CharField(_("recipient (name)"), max_length=150, blank=True)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("The number of the transmittal document, e.g. 泉巡移〔2025〕3号.")
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DispositionStatus.choices, default=DispositionStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True, help_text=_("The rectification evidence, or what the recipient decided."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DispositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding disposition")
        verbose_name_plural = _("finding dispositions")
        ordering = ["finding", "routed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "route"],
                name="patrol_disposition_route_once",
                violation_error_message=_("This finding has already been routed this way."),
            ),
            models.CheckConstraint(
                condition=~Q(route=DispositionRoute.DISCIPLINE) | ~Q(reference=""),
                name="patrol_discipline_has_reference",
                violation_error_message=_("A referral to discipline inspection needs the reference of the transmittal."),
            ),
            models.CheckConstraint(
                condition=Q(status=DispositionStatus.OPEN) | Q(closed_on__isnull=False),
                name="patrol_disposition_closed_dated",
                violation_error_message=_("A closed disposition needs its closing date."),
            ),
        ]
        indexes = [models.Index(fields=["route", "status"], name="patrol_disposition_route")]

    def __str__(self) -> str:
        return f"{self.finding} → {self.get_route_display()}"

    @property
    def recipient_label(self) -> str:
        return self.recipient.name if self.recipient_id else self.recipient_name
