"""Assessment schemes (考核细则): versioned data — categories, indicators with their kind and
rule parameters, per-place thresholds of veto rules, and the grade bands."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.choices import Grade, IndicatorKind, PeriodKind, TargetKind, VetoEffect
from assessments.querysets import SchemeQuerySet
from core.audit import audit
from core.models import TimestampedModel


@audit(exclude_fields=["updated_at", "categories", "grade_bands", "rounds", "next_versions"])
class AssessmentScheme(TimestampedModel):
    """One version of a scheme. A version used by a round is frozen; a change is a new version
    (``supersedes`` points to the one it replaces), so a finished round keeps its rules."""

    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_schemes",
        verbose_name=_("kept by"),
        help_text=_("Empty for the platform's default schemes, which any level may use."),
    )
    target_kind = models.CharField(_("assesses"), max_length=20, choices=TargetKind.choices)
    period_kind = models.CharField(_("period"), max_length=20, choices=PeriodKind.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions", verbose_name=_("replaces")
    )
    total_points = models.DecimalField(_("total points"), max_digits=6, decimal_places=2, default=100)
    basis = models.TextField(_("basis"), blank=True, help_text=_("The documents the rules come from."))
    is_active = models.BooleanField(_("in use"), default=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["target_kind", "period_kind", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name", "version"],
                name="scheme_unique_version",
                nulls_distinct=False,
                violation_error_message=_("This scheme already has a version with this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:scheme_detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class SchemeCategory(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="categories", verbose_name=_("scheme"))
    name = models.CharField(_("name"), max_length=200)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2, default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scheme category")
        verbose_name_plural = _("scheme categories")
        ordering = ["scheme", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One line of a scheme.

    - computed: ``metric`` names a metric of ``assessments.metrics`` (a rate between 0 and 1
      from the records); points = max_points × the rate mapped through ``params``
      (``full_at``, ``zero_at``; default 1 and 0);
    - manual: staff enter 0…max_points with evidence;
    - deduction: ``metric`` counts occurrences (accidents by level, deaths …), each costs
      ``points_each``, at most ``cap`` if set; ``params`` filter what counts (``levels``,
      ``min_deaths``, ``types``);
    - bonus: manual, 0…max_points, on top of the total;
    - veto: ``metric`` counts occurrences in the year so far; at ``threshold`` or more (the
      jurisdiction's own threshold when it has one) the ``veto_effect`` applies.
    """

    category = models.ForeignKey(SchemeCategory, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("category"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("indicator kind"), max_length=20, choices=IndicatorKind.choices)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=6, decimal_places=2, default=0, help_text=_("For deductions: 0 (see the cap).")
    )
    metric = models.CharField(_("computed from"), max_length=50, blank=True)
    params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    points_each = models.DecimalField(_("points per occurrence"), max_digits=6, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(_("largest deduction"), max_digits=6, decimal_places=2, null=True, blank=True)
    threshold = models.PositiveIntegerField(_("veto threshold"), null=True, blank=True)
    veto_effect = models.CharField(_("veto effect"), max_length=20, choices=VetoEffect.choices, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    guidance = models.TextField(_("how it is scored"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["category__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"],
                name="indicator_unique_code",
                violation_error_message=_("Another indicator of this category has this code."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="indicator_points_not_negative",
                violation_error_message=_("Maximum points cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorThreshold(models.Model):
    """A jurisdiction's own threshold for a veto indicator (Jinjiang and Nan'an lose excellence
    at 2 larger accidents a year, the other counties at 1)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("indicator"))
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.CASCADE, related_name="+", verbose_name=_("jurisdiction")
    )
    threshold = models.PositiveIntegerField(_("threshold"))

    class Meta:
        verbose_name = _("jurisdiction threshold")
        verbose_name_plural = _("jurisdiction thresholds")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "jurisdiction"],
                name="indicator_threshold_unique",
                violation_error_message=_("This jurisdiction already has its own threshold for this indicator."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} @ {self.jurisdiction_id}: {self.threshold}"


class GradeBand(models.Model):
    """The lowest total that earns a grade (the grades are checked from the best down)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="grade_bands", verbose_name=_("scheme"))
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    min_total = models.DecimalField(_("lowest total"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["scheme", "-min_total"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "grade"], name="grade_band_unique", violation_error_message=_("This grade already has a band.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ≥ {self.min_total}"
