"""Power-and-responsibility lists (权力和责任清单): versioned, reviewed by the staffing office and
the safety office, published to the public."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from responsibility.choices import PowerCategory, PowerItemKind, PowerListStatus, ReviewDecision, ReviewOffice


class PowerListVersionQuerySet(ScopedQuerySet):
    def published(self):
        """Versions the public may see: the current one and the superseded ones."""
        return self.filter(status__in=[PowerListStatus.PUBLISHED, PowerListStatus.SUPERSEDED], published_at__isnull=False)


@audit(exclude_fields=["updated_at", "lock_version"])
class PowerListVersion(TimestampedModel):
    """One version of an organization's list. The workflow (draft → submitted → both reviews →
    approved → published, returned by either reviewer) lives in ``services.power_lists``;
    ``lock_version`` makes two reviewers acting at once conflict instead of overwriting."""

    organization = models.ForeignKey(
        "responsibility.Organization", on_delete=models.PROTECT, related_name="power_lists", verbose_name=_("organization")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=PowerListStatus.choices, default=PowerListStatus.DRAFT, db_index=True
    )
    change_summary = models.TextField(_("what changed"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    staffing_approved_at = models.DateTimeField(_("approved by the staffing office at"), null=True, blank=True)
    safety_approved_at = models.DateTimeField(_("approved by the safety office at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    objects = PowerListVersionQuerySet.as_manager()
    scope_path_lookup = "organization__jurisdiction__path"

    class Meta:
        verbose_name = _("power-and-responsibility list")
        verbose_name_plural = _("power-and-responsibility lists")
        ordering = ["organization_id", "-number"]
        permissions = [
            ("review_staffing_powerlistversion", _("Can review lists for the staffing office")),
            ("review_safety_powerlistversion", _("Can review lists for the safety office")),
            ("publish_powerlistversion", _("Can publish lists")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"],
                name="power_list_unique_version",
                violation_error_message=_("This version number already exists for the organization."),
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status="published"),
                name="power_list_one_published",
                violation_error_message=_("An organization has only one published list at a time."),
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status__in=["draft", "submitted", "returned", "approved"]),
                name="power_list_one_in_progress",
                violation_error_message=_("The organization already has a list version in progress."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("responsibility:power_list_detail", args=[self.pk])


@audit
class PowerListItem(models.Model):
    """One power or responsibility of a list version. Its audit entries carry the version's id
    (``get_additional_data``) so the version's page can show item changes, deleted items too."""

    version = models.ForeignKey(PowerListVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("list"))
    sequence = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=PowerItemKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=PowerCategory.choices, blank=True, default="")
    title = models.CharField(_("item"), max_length=300)
    content = models.TextField(_("content"), blank=True)
    legal_basis = models.TextField(_("legal basis"))
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "version__organization__jurisdiction__path"

    class Meta:
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        ordering = ["version_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "sequence"],
                name="power_list_item_unique_number",
                violation_error_message=_("Two items of the list have the same number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.title}"

    def get_additional_data(self) -> dict:
        return {"power_list_version": self.version_id}


class PowerListReview(models.Model):
    """Each review decision, kept for the record across rounds of revision."""

    version = models.ForeignKey(PowerListVersion, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("list"))
    office = models.CharField(_("reviewing office"), max_length=20, choices=ReviewOffice.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer"))
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "version__organization__jurisdiction__path"

    class Meta:
        verbose_name = _("list review")
        verbose_name_plural = _("list reviews")
        ordering = ["version_id", "reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.version} {self.get_office_display()} {self.get_decision_display()}"


@audit
class PublicationDeadline(TimestampedModel):
    """The date by which every list-keeping organization in a jurisdiction's subtree must have
    a published list."""

    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="list_deadlines", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateField(_("deadline"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("publication deadline")
        verbose_name_plural = _("publication deadlines")
        ordering = ["-year", "jurisdiction__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year"],
                name="publication_deadline_one_per_year",
                violation_error_message=_("This jurisdiction already has a deadline for that year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.year}: {self.deadline}"
