"""Risk points (风险点): identified, graded in four colours, re-identified every half-year."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from hazards.choices import (
    GradingMethod,
    ReviewOutcome,
    RiskGrade,
    RiskPointLevel,
    RiskPointStatus,
    RoundStatus,
)
from responsibility.querysets import EnterpriseOwnedQuerySet


class RiskGradingBand(models.Model):
    """Where a method's score turns into a colour: a score at or above ``min_score`` gets this
    grade (the highest band reached wins). Data, so a place can use its own thresholds."""

    method = models.CharField(_("method"), max_length=10, choices=GradingMethod.choices)
    grade = models.CharField(_("grade"), max_length=10, choices=RiskGrade.choices)
    min_score = models.DecimalField(_("lowest score"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("risk grading band")
        verbose_name_plural = _("risk grading bands")
        ordering = ["method", "-min_score"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "grade"],
                name="risk_band_unique",
                violation_error_message=_("This method already has a band for this grade."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} ≥ {self.min_score} → {self.get_grade_display()}"


@audit(exclude_fields=["updated_at", "jurisdiction_path"])
class RiskPoint(TimestampedModel):
    enterprise = models.ForeignKey(
        "responsibility.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_points",
        verbose_name=_("enterprise"),
        help_text=_("Empty for a public place (a slope, a bridge, a reservoir …)."),
    )
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="risk_points", verbose_name=_("jurisdiction")
    )
    jurisdiction_path = models.CharField(max_length=12, db_index=True, editable=False)
    sector = models.ForeignKey(
        "responsibility.Sector", on_delete=models.PROTECT, related_name="risk_points", verbose_name=_("sector")
    )
    name = models.CharField(_("name"), max_length=200)
    location = models.CharField(_("location"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    hazard_factors = models.TextField(_("hazard factors"))
    accident_types = models.JSONField(_("possible accident types"), default=list, blank=True)
    controls = models.TextField(_("control measures"), blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True)
    management_level = models.CharField(
        _("managed at"), max_length=12, choices=RiskPointLevel.choices, default=RiskPointLevel.ENTERPRISE
    )
    method = models.CharField(_("grading method"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.LEC)
    # LEC: D = L × E × C (likelihood 0.1–10, exposure 0.5–10, consequence 1–100).
    lec_l = models.DecimalField(
        _("L (likelihood)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("10"))],
    )
    lec_e = models.DecimalField(
        _("E (exposure)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("10"))],
    )
    lec_c = models.DecimalField(
        _("C (consequence)"), max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    # L × S matrix: likelihood and severity on 1–5.
    ls_l = models.PositiveSmallIntegerField(
        _("L (likelihood, 1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    ls_s = models.PositiveSmallIntegerField(
        _("S (severity, 1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=RiskGrade.choices, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=RiskPointStatus.choices, default=RiskPointStatus.ACTIVE)
    identified_on = models.DateField(_("identified on"))
    last_reviewed_on = models.DateField(_("last re-identified on"), null=True, blank=True)
    retired_reason = models.CharField(_("reason for retirement"), max_length=300, blank=True)
    source_system = models.CharField(_("source system"), max_length=50, blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")

    objects = EnterpriseOwnedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction_path"

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["jurisdiction_path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~Q(external_id=""),
                name="risk_point_unique_external_id",
                violation_error_message=_("Another risk point already has this external id from this system."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "grade"], name="risk_point_status_grade"),
            models.Index(fields=["sector", "grade"], name="risk_point_sector_grade"),
            models.Index(fields=["enterprise"], name="risk_point_enterprise"),
            models.Index(fields=["updated_at", "id"], name="risk_point_sync"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.jurisdiction_id:
            self.jurisdiction_path = self.jurisdiction.path
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("hazards:risk_point_detail", args=[self.pk])

    @property
    def colour(self) -> str:
        return self.grade


@audit(exclude_fields=["updated_at"])
class RiskReviewRound(TimestampedModel):
    """A half-yearly re-identification round (半年一滚动) in a jurisdiction: opened, every
    active point confirmed, changed or retired, closed."""

    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="risk_rounds", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=[(1, _("First half")), (2, _("Second half"))])
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opened by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("re-identification round")
        verbose_name_plural = _("re-identification rounds")
        ordering = ["-year", "-half", "jurisdiction__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "half"],
                name="risk_round_unique",
                violation_error_message=_("This jurisdiction already has a round for this half-year."),
            ),
            models.UniqueConstraint(
                fields=["jurisdiction"],
                condition=Q(status="open"),
                name="risk_round_one_open",
                violation_error_message=_("A round is already open in this jurisdiction."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.year} H{self.half}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:risk_round_detail", args=[self.pk])


class RiskPointReview(models.Model):
    round = models.ForeignKey(RiskReviewRound, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("round"))
    risk_point = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("risk point"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    grade_before = models.CharField(_("grade before"), max_length=10, choices=RiskGrade.choices)
    grade_after = models.CharField(_("grade after"), max_length=10, choices=RiskGrade.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "risk_point__jurisdiction_path"

    class Meta:
        verbose_name = _("risk point review")
        verbose_name_plural = _("risk point reviews")
        ordering = ["round", "risk_point"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "risk_point"],
                name="risk_review_once_per_round",
                violation_error_message=_("This risk point has already been reviewed in this round."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.risk_point} · {self.get_outcome_display()}"
