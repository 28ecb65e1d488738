"""Assessment rounds: the assessed units (targets), their scores with the explanation trail,
and the round's timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.choices import Grade, PeriodKind, RoundEventKind, RoundStatus
from assessments.querysets import RoundQuerySet, RoundRelatedQuerySet, TargetQuerySet
from core.audit import audit
from core.models import TimestampedModel


@audit(exclude_fields=["updated_at", "lock_version", "targets", "events"])
class AssessmentRound(TimestampedModel):
    """A quarterly or annual assessment run by one level over the units below it."""

    scheme = models.ForeignKey(
        "assessments.AssessmentScheme", on_delete=models.PROTECT, related_name="rounds", verbose_name=_("scheme")
    )
    # The assessing level: its safety committee office runs the round over the governments of
    # the levels below (``target_levels``) and over its committee's member departments.
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="assessment_rounds", verbose_name=_("assessing level")
    )
    period_kind = models.CharField(_("period"), max_length=20, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    starts_on = models.DateField(_("period starts"), editable=False)
    ends_on = models.DateField(_("period ends"), editable=False)
    target_levels = models.JSONField(
        _("levels assessed"), default=list, blank=True, help_text=_("Jurisdiction levels whose governments are assessed.")
    )
    status = models.CharField(_("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True)
    self_evaluation_until = models.DateField(_("self-evaluation until"), null=True, blank=True)
    computed_at = models.DateTimeField(_("scores computed at"), null=True, blank=True, editable=False)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    transmitted_to = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent to"),
    )
    transmitted_on = models.DateField(_("sent on"), null=True, blank=True)
    transmission_reference = models.CharField(_("letter reference"), max_length=100, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0, editable=False)
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    objects = RoundQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-year", "-quarter", "jurisdiction__path", "pk"]
        permissions = [
            ("run_assessmentround", "Can compute, score and move assessment rounds through scoring"),
            ("review_assessmentround", "Can review, finalize, publish and reopen assessment rounds"),
            ("selfevaluate_assessmentround", "Can submit the self-evaluation of an assessed unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "scheme", "year", "quarter"],
                name="round_unique_period",
                nulls_distinct=False,
                violation_error_message=_("This level already has a round of this scheme for this period."),
            ),
            models.CheckConstraint(
                condition=(models.Q(period_kind=PeriodKind.QUARTERLY, quarter__gte=1, quarter__lte=4))
                | models.Q(period_kind=PeriodKind.ANNUAL, quarter__isnull=True),
                name="round_quarter_matches_period",
                violation_error_message=_("A quarterly round needs a quarter from 1 to 4; an annual round has none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:round_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.QUARTERLY:
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}
        return _("%(year)s annual") % {"year": self.year}

    def set_period(self) -> None:
        from datetime import date

        if self.period_kind == PeriodKind.QUARTERLY and self.quarter:
            first_month = 3 * (self.quarter - 1) + 1
            self.starts_on = date(self.year, first_month, 1)
            self.ends_on = date(self.year + 1, 1, 1) if self.quarter == 4 else date(self.year, first_month + 3, 1)
            from datetime import timedelta

            self.ends_on -= timedelta(days=1)
        else:
            self.starts_on = date(self.year, 1, 1)
            self.ends_on = date(self.year, 12, 31)

    @property
    def is_editable(self) -> bool:
        from assessments.choices import EDITABLE_ROUND_STATUSES

        return self.status in EDITABLE_ROUND_STATUSES


class RoundTarget(models.Model):
    """An assessed unit in a round (a lower-level government or a member department) and its
    result. Totals, grade, veto effects and rank are written by the scoring service."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="targets", verbose_name=_("round"))
    organization = models.ForeignKey(
        "responsibility.Organization", on_delete=models.PROTECT, related_name="assessment_results", verbose_name=_("assessed unit")
    )
    # The unit's own jurisdiction path: a government answers for its whole subtree, a department
    # for what it supervises (the metrics decide which).
    jurisdiction_path = models.CharField(max_length=12, editable=False)
    score_total = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    deductions = models.DecimalField(_("deductions"), max_digits=7, decimal_places=2, default=0)
    bonus = models.DecimalField(_("bonus"), max_digits=7, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices, blank=True)
    grade_before_veto = models.CharField(_("grade before veto"), max_length=20, choices=Grade.choices, blank=True)
    excellence_removed = models.BooleanField(_("excellence removed by veto"), default=False)
    unqualified_by_veto = models.BooleanField(_("unqualified by veto"), default=False)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    previous_total = models.DecimalField(_("last period's total"), max_digits=7, decimal_places=2, null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("last period's rank"), null=True, blank=True)
    self_evaluation_note = models.TextField(_("self-evaluation"), blank=True)
    self_evaluated_at = models.DateTimeField(_("self-evaluation submitted"), null=True, blank=True)
    self_evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("submitted by")
    )

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessed unit")
        verbose_name_plural = _("assessed units")
        ordering = ["round", "rank", "organization__jurisdiction__path", "organization__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"], name="round_target_unique", violation_error_message=_("This unit is already assessed in this round.")
            ),
        ]
        indexes = [
            models.Index(fields=["round", "rank"], name="round_target_rank"),
            models.Index(fields=["jurisdiction_path"], opclasses=["varchar_pattern_ops"], name="round_target_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:target_detail", args=[self.round_id, self.pk])


class Score(models.Model):
    """The points of one indicator for one target, with the explanation: the inputs of the
    computation, a sentence saying how the points came about, and (``sources``) the records
    behind them."""

    target = models.ForeignKey(RoundTarget, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessed unit"))
    indicator = models.ForeignKey("assessments.Indicator", on_delete=models.PROTECT, related_name="scores", verbose_name=_("indicator"))
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, null=True, blank=True)
    self_points = models.DecimalField(_("self-evaluated points"), max_digits=7, decimal_places=2, null=True, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="assessments/evidence/%Y/%m/", blank=True)
    self_evidence = models.TextField(_("self-evaluation evidence"), blank=True)
    veto_triggered = models.BooleanField(_("veto triggered"), default=False)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("scored by")
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    objects = RoundRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["target", "indicator__category__position", "indicator__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "indicator"], name="score_unique", violation_error_message=_("This indicator is already scored.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.points}"


class ScoreSource(models.Model):
    """A record behind a score: an accident that cost points, an overdue hazard, an official
    who missed the inspection quota. Kept for the first ``SOURCES_PER_SCORE`` records (the
    score's ``inputs`` hold the full counts and a link to the complete filtered list)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="sources", verbose_name=_("score"))
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("record"), max_length=300)
    note = models.CharField(_("why it counts"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("record behind a score")
        verbose_name_plural = _("records behind scores")
        ordering = ["score", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="score_source_object")]


#: How many records are linked per score; beyond, the inputs give the count and a list link.

    def __str__(self) -> str:
        return self.label
SOURCES_PER_SCORE = 100


class RoundEvent(models.Model):
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="events", verbose_name=_("round"))
    target = models.ForeignKey(
        RoundTarget, on_delete=models.CASCADE, null=True, blank=True, related_name="events", verbose_name=_("assessed unit")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=RoundEventKind.choices)
    action = models.CharField(_("action"), max_length=30, blank=True)
    from_status = models.CharField(_("from"), max_length=20, choices=RoundStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RoundStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("round event")
        verbose_name_plural = _("round events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["round", "at"], name="round_event_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
