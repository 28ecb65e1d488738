"""Patrol plans: the rules of each issuing jurisdiction, the eight content areas, terms (届)
with their targets and batches."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from hazards.choices import ListingLevel
from patrols.choices import TargetKind
from patrols.querysets import PatrolPlanQuerySet


@audit(exclude_fields=["updated_at"])
class PatrolRules(TimestampedModel):
    """Time limits of the patrol stages, per issuing jurisdiction (the nearest one up the tree
    applies; the row without a jurisdiction is the default). The defaults are seed 004's."""

    jurisdiction = models.OneToOneField(
        "responsibility.Jurisdiction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="patrol_rules",
        verbose_name=_("issuing jurisdiction"),
        help_text=_("Empty for the platform-wide default."),
    )
    stationing_days = models.PositiveSmallIntegerField(
        _("longest stationing (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Calendar days, the first day of stationing included."),
    )
    report_working_days = models.PositiveSmallIntegerField(
        _("report due (working days after stationing ends)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(250)]
    )
    feedback_working_days = models.PositiveSmallIntegerField(
        _("feedback due (working days after approval)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(250)]
    )
    plan_working_days = models.PositiveSmallIntegerField(
        _("rectification plan due (working days after feedback)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
    )
    rectification_months = models.PositiveSmallIntegerField(
        _("rectification report due (months after feedback)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("A due date falling on a day off moves to the next working day."),
    )
    hazard_listing_level = models.CharField(
        _("major hazards found are listed by"),
        max_length=10,
        choices=ListingLevel.choices,
        default=ListingLevel.PROVINCE,
    )

    class Meta:
        verbose_name = _("patrol rules")
        verbose_name_plural = _("patrol rules")

    def __str__(self) -> str:
        return str(self.jurisdiction) if self.jurisdiction_id else str(_("Default"))

    @classmethod
    def for_path(cls, path: str) -> PatrolRules:
        """The rules of the nearest jurisdiction on ``path``, else the default, else the
        built-in values (one query)."""
        prefixes = [path[:n] for n in (2, 4, 6, 9, 12) if n <= len(path)]
        candidates = {
            (r.jurisdiction.path if r.jurisdiction_id else ""): r
            for r in cls.objects.filter(Q(jurisdiction__path__in=prefixes) | Q(jurisdiction__isnull=True)).select_related("jurisdiction")
        }
        for prefix in reversed(prefixes):
            if prefix in candidates:
                return candidates[prefix]
        return candidates.get("") or cls()


class PatrolContentArea(models.Model):
    """The eight areas a patrol examines (seed 004); reference data seeded by a migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("patrol content area")
        verbose_name_plural = _("patrol content areas")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


@audit(exclude_fields=["updated_at", "issuing_path"])
class PatrolTerm(TimestampedModel):
    """A term of office (届) of the issuing Party committee and government: every target is
    to be patrolled once within it (一届任期全覆盖)."""

    issuing_jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="patrol_terms",
        verbose_name=_("issuing jurisdiction"),
        help_text=_("The province or city whose Party committee and government send the patrols."),
    )
    issuing_path = models.CharField(max_length=12, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    objects = PatrolPlanQuerySet.as_manager()
    scope_path_lookup = "issuing_path"

    class Meta:
        verbose_name = _("patrol term")
        verbose_name_plural = _("patrol terms")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_jurisdiction", "name"],
                name="patrol_term_unique_name",
                violation_error_message=_("This jurisdiction already has a term with this name."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="patrol_term_end_after_start",
                violation_error_message=_("The term must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("patrols:term_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.issuing_jurisdiction_id:
            self.issuing_path = self.issuing_jurisdiction.path
        super().save(*args, **kwargs)

    def contains(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


@audit(exclude_fields=["updated_at", "path"], m2m_fields={"organizations"})
class PatrolTarget(TimestampedModel):
    """A unit to be patrolled in a term."""

    term = models.ForeignKey(PatrolTerm, on_delete=models.CASCADE, related_name="targets", verbose_name=_("term"))
    kind = models.CharField(_("kind"), max_length=20, choices=TargetKind.choices)
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="patrol_targets",
        verbose_name=_("jurisdiction"),
        help_text=_("The city, county or zone patrolled; for a department, the jurisdiction it belongs to."),
    )
    organizations = models.ManyToManyField(
        "responsibility.Organization",
        blank=True,
        related_name="patrol_targets",
        verbose_name=_("organizations"),
        help_text=_("The Party committee and government, the zone's committees, or the department."),
    )
    name = models.CharField(_("name"), max_length=150)
    # The patrolled unit's subtree (the jurisdiction's path); empty for a department, which is
    # its own unit rather than the subtree of the jurisdiction it belongs to.
    unit_path = models.CharField(max_length=12, blank=True, db_index=True, editable=False)
    problem_unit = models.BooleanField(
        _("problem unit"), default=False, help_text=_("Serious problems: a special patrol or a follow-up review is due.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    objects = PatrolPlanQuerySet.as_manager()
    scope_path_lookup = "term__issuing_path"

    class Meta:
        verbose_name = _("patrol target")
        verbose_name_plural = _("patrol targets")
        ordering = ["term", "sort_order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "name"],
                name="patrol_target_unique_name",
                violation_error_message=_("This term already has a target with this name."),
            ),
        ]
        indexes = [models.Index(fields=["term", "kind", "sort_order"], name="patrol_target_term_kind")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.jurisdiction_id:
            self.unit_path = "" if self.kind == TargetKind.DEPARTMENT else self.jurisdiction.path
        super().save(*args, **kwargs)


@audit(exclude_fields=["updated_at"])
class PatrolBatch(TimestampedModel):
    """A batch of regular patrols sent out together (第一批 in August, 第二批 in September …)."""

    term = models.ForeignKey(PatrolTerm, on_delete=models.CASCADE, related_name="batches", verbose_name=_("term"))
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=100, blank=True)
    start_month = models.DateField(_("start month"), help_text=_("The first day of the month the batch starts in."))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = PatrolPlanQuerySet.as_manager()
    scope_path_lookup = "term__issuing_path"

    class Meta:
        verbose_name = _("patrol batch")
        verbose_name_plural = _("patrol batches")
        ordering = ["term", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "number"],
                name="patrol_batch_unique_number",
                violation_error_message=_("This term already has a batch with this number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(_("Batch %(number)s") % {"number": self.number})
