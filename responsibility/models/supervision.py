"""The supervision list (督办清单): key matters the Party committee and government track
monthly, with numbered monthly supervision notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from responsibility.choices import SupervisionStatus


@audit(m2m_fields={"cooperating_units"})
class SupervisionMatter(TimestampedModel):
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="supervision_matters", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("matter"), max_length=200)
    description = models.TextField(_("requirements"), blank=True)
    owner = models.ForeignKey(
        "responsibility.Official", on_delete=models.PROTECT, related_name="supervision_matters", verbose_name=_("responsible leader")
    )
    lead_unit = models.ForeignKey(
        "responsibility.Organization", on_delete=models.PROTECT, related_name="led_supervision_matters", verbose_name=_("lead unit")
    )
    cooperating_units = models.ManyToManyField(
        "responsibility.Organization", blank=True, related_name="cooperating_supervision_matters", verbose_name=_("cooperating units")
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=SupervisionStatus.choices, default=SupervisionStatus.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("supervised matter")
        verbose_name_plural = _("supervised matters")
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "number"],
                name="supervision_matter_unique_number",
                violation_error_message=_("This number is already used for that year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("responsibility:supervision_matter_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status == SupervisionStatus.OPEN and self.deadline < timezone.localdate()


@audit
class SupervisionProgress(TimestampedModel):
    """The monthly progress entry of a matter (one per month)."""

    matter = models.ForeignKey(SupervisionMatter, on_delete=models.CASCADE, related_name="progress", verbose_name=_("matter"))
    month = models.DateField(_("month"), help_text=_("First day of the month reported on."))
    progress = models.TextField(_("progress"))
    problems = models.TextField(_("problems"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "matter__jurisdiction__path"

    class Meta:
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        ordering = ["matter_id", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "month"],
                name="supervision_progress_one_per_month",
                violation_error_message=_("Progress for this month is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter} {self.month:%Y-%m}"


@audit
class SupervisionNotice(TimestampedModel):
    """A numbered monthly supervision notice (督办通报), e.g. 泉安办督〔2026〕3号."""

    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="supervision_notices", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    prefix = models.CharField(_("document prefix"), max_length=40, help_text=_("E.g. 泉安办督."))
    month = models.DateField(_("month"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    matters = models.ManyToManyField(SupervisionMatter, blank=True, related_name="notices", verbose_name=_("matters"))
    # The list table as it stood when the notice was issued: an issued document does not change
    # when the matters move on.
    rows = models.JSONField(_("list table"), default=list, blank=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "number"],
                name="supervision_notice_unique_number",
                violation_error_message=_("This notice number is already used for that year."),
            )
        ]

    def __str__(self) -> str:
        return self.document_number

    def get_absolute_url(self) -> str:
        return reverse("responsibility:supervision_notice_detail", args=[self.pk])

    @property
    def document_number(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.number}号"
