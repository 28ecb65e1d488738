"""Accidents (事故): the registry, its reporting timeline, investigation and listed supervision,
and the per-place rules (late-reporting limit, evaluation period)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.choices import ACCIDENT_LEVEL_THRESHOLDS, AccidentLevel, AccidentType, InvestigationStatus
from assessments.querysets import AccidentQuerySet
from core.audit import audit
from core.models import TimestampedModel


class AccidentPolicy(TimestampedModel):
    """Accident rules that differ by place; the nearest policy up the tree applies, the one
    without a jurisdiction is the default (the same lookup as ``HazardPolicy``)."""

    jurisdiction = models.OneToOneField(
        "responsibility.Jurisdiction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="accident_policy",
        verbose_name=_("jurisdiction"),
        help_text=_("Empty for the platform-wide default."),
    )
    report_limit_minutes = models.PositiveIntegerField(
        _("reporting limit (minutes)"),
        default=60,
        help_text=_("An accident reported to the department later than this after it occurred is flagged as reported late."),
    )
    evaluation_months = models.PositiveSmallIntegerField(
        _("rectification evaluation due (months after the case is closed)"), default=12
    )

    class Meta:
        verbose_name = _("accident rules")
        verbose_name_plural = _("accident rules")

    def __str__(self) -> str:
        return str(self.jurisdiction) if self.jurisdiction_id else str(_("Default"))

    @classmethod
    def for_path(cls, path: str) -> AccidentPolicy:
        """The policy of the nearest jurisdiction on ``path``, else the default, else the
        built-in values (one query)."""
        prefixes = [path[:n] for n in (2, 4, 6, 9, 12) if n <= len(path)]
        candidates = {
            p.jurisdiction.path if p.jurisdiction_id else "": p
            for p in cls.objects.filter(Q(jurisdiction__path__in=prefixes) | Q(jurisdiction__isnull=True)).select_related(
                "jurisdiction"
            )
        }
        for prefix in reversed(prefixes):
            if prefix in candidates:
                return candidates[prefix]
        return candidates.get("") or cls()


def accident_level(deaths: int, serious_injuries: int, direct_loss: float) -> str:
    """The level the regulation gives: the highest that any of the three measures reaches."""
    for level, min_deaths, min_injuries, min_loss in ACCIDENT_LEVEL_THRESHOLDS:
        if deaths >= min_deaths or serious_injuries >= min_injuries or direct_loss >= min_loss:
            return level
    return AccidentLevel.ORDINARY


@audit(exclude_fields=["updated_at", "jurisdiction_path", "events"])
class Accident(TimestampedModel):
    """A production safety accident, from the first report to the one-year evaluation."""

    code = models.CharField(_("reference number"), max_length=32, unique=True, editable=False)
    title = models.CharField(_("name of the accident"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred at"))
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="accidents", verbose_name=_("jurisdiction")
    )
    # Copied from the jurisdiction, as on hazards: "accidents in my county" is one prefix scan.
    jurisdiction_path = models.CharField(max_length=12, editable=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "responsibility.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accidents",
        verbose_name=_("enterprise"),
    )
    sector = models.ForeignKey(
        "responsibility.Sector", on_delete=models.PROTECT, null=True, blank=True, related_name="accidents", verbose_name=_("sector")
    )
    supervising_department = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_accidents",
        verbose_name=_("supervising department"),
        help_text=_("Filled from the enterprise's primary supervising department when empty."),
    )
    accident_type = models.CharField(_("accident type"), max_length=30, choices=AccidentType.choices)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    missing = models.PositiveIntegerField(_("missing persons"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    direct_loss = models.DecimalField(
        _("direct economic loss (10,000 yuan)"), max_digits=12, decimal_places=2, default=0
    )
    level = models.CharField(_("level"), max_length=20, choices=AccidentLevel.choices, editable=False, db_index=True)
    summary = models.TextField(_("what happened"), blank=True)

    reported_at = models.DateTimeField(
        _("reported to the department at"), null=True, blank=True, help_text=_("When the department was first informed.")
    )
    reported_late = models.BooleanField(_("reported late"), default=False, editable=False)
    concealed = models.BooleanField(
        _("concealed or falsely reported"), default=False, help_text=_("Established by the investigation.")
    )

    investigation_status = models.CharField(
        _("investigation"), max_length=20, choices=InvestigationStatus.choices, default=InvestigationStatus.REPORTED
    )
    investigation_body = models.CharField(_("investigated by"), max_length=200, blank=True)
    case_closed_on = models.DateField(_("case closed on"), null=True, blank=True)
    evaluation_due_on = models.DateField(_("rectification evaluation due"), null=True, blank=True, editable=False)
    evaluated_on = models.DateField(_("rectification evaluated on"), null=True, blank=True)
    evaluation_note = models.TextField(_("evaluation findings"), blank=True)

    # Listed supervision (挂牌督办) of an accident's investigation by a higher safety committee.
    listed = models.BooleanField(_("listed for supervision"), default=False)
    listing_body = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listed_accidents",
        verbose_name=_("listed by"),
    )
    listed_on = models.DateField(_("listed on"), null=True, blank=True)

    source_system = models.CharField(_("source system"), max_length=50, blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    objects = AccidentQuerySet.as_manager()
    scope_path_lookup = "jurisdiction_path"

    class Meta:
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~Q(external_id=""),
                name="accident_unique_external_id",
                violation_error_message=_("Another accident already has this external id from this system."),
            ),
            models.CheckConstraint(
                condition=Q(reported_at__isnull=True) | Q(reported_at__gte=F("occurred_at")),
                name="accident_reported_after_occurred",
                violation_error_message=_("An accident cannot be reported before it occurred."),
            ),
            models.CheckConstraint(
                condition=Q(direct_loss__gte=0),
                name="accident_loss_not_negative",
                violation_error_message=_("The direct economic loss cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(investigation_status=InvestigationStatus.CLOSED) | Q(case_closed_on__isnull=False),
                name="accident_closed_has_date",
                violation_error_message=_("A closed case needs the date it was closed."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["jurisdiction_path", "occurred_at", "level", "deaths"],
                opclasses=["varchar_pattern_ops", "timestamptz_ops", "text_ops", "int4_ops"],
                name="accident_scope_time",
            ),
            models.Index(fields=["supervising_department", "occurred_at"], name="accident_department_time"),
            models.Index(fields=["enterprise", "occurred_at"], name="accident_enterprise_time"),
            models.Index(fields=["evaluation_due_on"], condition=Q(evaluated_on__isnull=True), name="accident_evaluation_due"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title

    def get_absolute_url(self) -> str:
        return reverse("assessments:accident_detail", args=[self.pk])

    @staticmethod
    def make_code(year: int, pk: int) -> str:
        return f"SG{year}{pk:07d}"

    def compute_level(self) -> str:
        return accident_level(self.deaths, self.serious_injuries, float(self.direct_loss or 0))

    def save(self, *args, **kwargs):
        # Derived fields are recomputed on every save so that they never disagree with the
        # facts they come from; the services pass the policy's numbers (see accident_apply_policy).
        self.level = self.compute_level()
        if self.jurisdiction_id:
            self.jurisdiction_path = self.jurisdiction.path
        super().save(*args, **kwargs)
        if not self.code:
            self.code = self.make_code(self.occurred_at.year, self.pk)
            type(self).objects.filter(pk=self.pk).update(code=self.code)

    def apply_policy(self, policy: AccidentPolicy) -> None:
        """Set the fields the place's rules decide: late reporting and the evaluation due date."""
        self.reported_late = bool(
            self.reported_at and self.reported_at - self.occurred_at > timedelta(minutes=policy.report_limit_minutes)
        )
        if self.case_closed_on:
            from dateutil.relativedelta import relativedelta

            self.evaluation_due_on = self.case_closed_on + relativedelta(months=policy.evaluation_months)
        else:
            self.evaluation_due_on = None

    @property
    def report_delay(self) -> timedelta | None:
        return self.reported_at - self.occurred_at if self.reported_at else None


class AccidentEvent(models.Model):
    """The accident's timeline: reports, investigation steps, listing, evaluation."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="events", verbose_name=_("accident"))
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("kind"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("accident event")
        verbose_name_plural = _("accident events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["accident", "at"], name="accident_event_time")]

    def __str__(self) -> str:
        return f"{self.accident_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
