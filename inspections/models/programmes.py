"""Organised inspection work: big inspection campaigns, auditable random draws and the
quarterly comprehensive supervision of lower levels."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from inspections.choices import CampaignStatus, DrawWeighting, ProblemStatus
from inspections.querysets import CampaignQuerySet, SupervisionRoundQuerySet

# --- Big inspection campaigns (大检查) ---------------------------------------------------------


@audit(exclude_fields=["updated_at"])
class Campaign(TimestampedModel):
    """A big inspection campaign in a jurisdiction, with its four stages and their dates."""

    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("jurisdiction")
    )
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED)
    self_check_start = models.DateField(_("self-check from"))
    self_check_end = models.DateField(_("self-check until"))
    sector_start = models.DateField(_("sector inspection from"))
    sector_end = models.DateField(_("sector inspection until"))
    local_start = models.DateField(_("local supervision from"))
    local_end = models.DateField(_("local supervision until"))
    guard_start = models.DateField(_("strict guard from"))
    guard_end = models.DateField(_("strict guard until"))
    expert_ratio_min = models.DecimalField(
        _("minimum share of experts in a team"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    description = models.TextField(_("description"), blank=True)

    objects = CampaignQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("inspection campaign")
        verbose_name_plural = _("inspection campaigns")
        ordering = ["-self_check_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(self_check_end__gte=F("self_check_start"))
                & Q(sector_start__gte=F("self_check_start"))
                & Q(sector_end__gte=F("sector_start"))
                & Q(local_start__gte=F("sector_start"))
                & Q(local_end__gte=F("local_start"))
                & Q(guard_start__gte=F("local_start"))
                & Q(guard_end__gte=F("guard_start")),
                name="campaign_stages_in_order",
                violation_error_message=_("The stages must follow each other and each end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:campaign_detail", args=[self.pk])

    @property
    def start(self):
        return self.self_check_start

    @property
    def end(self):
        return self.guard_end


# --- Random draws (双随机一公开) ---------------------------------------------------------------


# The pools can hold thousands of entries; they are stored once, with the draw, and the audit
# entry of the draw records the seed and the time instead of copying them.
@audit(exclude_fields=["updated_at", "enterprise_pool", "inspector_pool"])
class RandomDraw(TimestampedModel):
    """A draw of enterprises and inspectors. The pool, the rules and the seed are stored, so
    anyone can re-run the draw and get the same result."""

    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="random_draws", verbose_name=_("jurisdiction")
    )
    name = models.CharField(_("name"), max_length=200)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("drawn by")
    )
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    rules = models.JSONField(_("rules"), default=dict, help_text=_("Filters of the enterprise pool and the weighting."))
    weighting = models.CharField(_("weighting"), max_length=10, choices=DrawWeighting.choices, default=DrawWeighting.RISK)
    enterprise_count = models.PositiveIntegerField(_("enterprises to draw"))
    inspectors_per_enterprise = models.PositiveSmallIntegerField(_("inspectors per enterprise"), default=2)
    enterprise_pool = models.JSONField(_("enterprise pool"), default=list, editable=False)
    inspector_pool = models.JSONField(_("inspector pool"), default=list, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("random draw")
        verbose_name_plural = _("random draws")
        ordering = ["-created_at", "-pk"]
        permissions = [("publish_randomdraw", "Can publish random draws")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:draw_detail", args=[self.pk])


class DrawnEnterprise(models.Model):
    draw = models.ForeignKey(RandomDraw, on_delete=models.CASCADE, related_name="results", verbose_name=_("draw"))
    enterprise = models.ForeignKey(
        "responsibility.Enterprise", on_delete=models.PROTECT, related_name="draws", verbose_name=_("enterprise")
    )
    order = models.PositiveIntegerField(_("order"))
    inspectors = models.ManyToManyField(
        "responsibility.Official", related_name="drawn_for", blank=True, verbose_name=_("inspectors")
    )

    class Meta:
        verbose_name = _("drawn enterprise")
        verbose_name_plural = _("drawn enterprises")
        ordering = ["draw", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "enterprise"],
                name="drawn_enterprise_unique",
                violation_error_message=_("This enterprise was already drawn."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.draw} · {self.enterprise}"


# --- Quarterly comprehensive supervision (每季度综合督查) ----------------------------------------


@audit(exclude_fields=["updated_at"])
class SupervisionRound(TimestampedModel):
    """A quarter's comprehensive supervision of the lower jurisdictions by an office."""

    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="supervision_rounds", verbose_name=_("run by")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    title = models.CharField(_("title"), max_length=200)
    targets = models.ManyToManyField(
        "responsibility.Jurisdiction", related_name="supervised_in_rounds", blank=True, verbose_name=_("jurisdictions supervised")
    )
    notice_issued_at = models.DateTimeField(_("notice issued at"), null=True, blank=True)
    copied_to_organization_department_at = models.DateTimeField(
        _("copied to the organization department at"), null=True, blank=True
    )
    copied_to = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization department"),
    )

    objects = SupervisionRoundQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("quarterly supervision round")
        verbose_name_plural = _("quarterly supervision rounds")
        ordering = ["-year", "-quarter", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "quarter"],
                name="supervision_round_unique",
                violation_error_message=_("This jurisdiction already has a supervision round for this quarter."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:round_detail", args=[self.pk])


class SupervisionProblem(models.Model):
    """A problem found in a quarterly round, to be rectified by the supervised jurisdiction by a
    deadline, with its feedback."""

    round = models.ForeignKey(SupervisionRound, on_delete=models.CASCADE, related_name="problems", verbose_name=_("round"))
    target = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="supervision_problems", verbose_name=_("jurisdiction")
    )
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.SET_NULL, null=True, blank=True, related_name="round_problems", verbose_name=_("inspection")
    )
    description = models.TextField(_("problem"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    feedback = models.TextField(_("feedback"), blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "target__path"

    class Meta:
        verbose_name = _("supervision problem")
        verbose_name_plural = _("supervision problems")
        ordering = ["round", "target__path", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
