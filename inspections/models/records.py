"""Checklists and inspection records: what an official logs on site."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from hazards.choices import HazardCategory
from inspections.choices import (
    AnswerResult,
    InspectionKind,
    InspectionStatus,
    ItemSeverity,
    ParticipantRole,
)
from inspections.querysets import (
    ChecklistQuerySet,
    ChecklistVersionQuerySet,
    InspectionQuerySet,
    InspectionRelatedQuerySet,
)

# --- Checklists -------------------------------------------------------------------------------


@audit(exclude_fields=["updated_at"])
class ChecklistTemplate(TimestampedModel):
    """A checklist for a sector (or for any sector when ``sector`` is empty). Its items live in
    versions: editing publishes a new version and inspections keep the version they used."""

    name = models.CharField(_("name"), max_length=200)
    sector = models.ForeignKey(
        "responsibility.Sector", on_delete=models.PROTECT, null=True, blank=True, related_name="checklists", verbose_name=_("sector")
    )
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklists",
        verbose_name=_("kept by"),
        help_text=_("Empty for the platform's seeded checklists."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["sector__sort_order", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:checklist_detail", args=[self.pk])

    @property
    def current_version(self):
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()


class ChecklistVersion(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="versions", verbose_name=_("checklist"))
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)

    objects = ChecklistVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"],
                name="checklist_version_unique",
                violation_error_message=_("This checklist already has a version with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class ChecklistItem(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("version"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    requirement = models.TextField(_("requirement"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    severity = models.CharField(_("severity if failed"), max_length=10, choices=ItemSeverity.choices, default=ItemSeverity.GENERAL)
    category = models.CharField(
        _("hazard category"), max_length=20, choices=HazardCategory.choices, default=HazardCategory.MANAGEMENT
    )
    answer_required = models.BooleanField(_("answer required"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.requirement[:60]


# --- Inspections ------------------------------------------------------------------------------


@audit(exclude_fields=["updated_at", "jurisdiction_path", "draft_saved_at"])
class Inspection(TimestampedModel):
    """One inspection: who went where, when, how, what they checked and found.

    A draft is saved as the inspector types; submitting locks it. Corrections after that are
    amendments with a reason (kept with the record and in its history)."""

    code = models.CharField(_("reference number"), max_length=32, unique=True, editable=False)
    # Set by the browser (or a county system) when the draft is first saved, so that a retried
    # save after a lost connection updates the same draft instead of creating a second one.
    client_uuid = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True, editable=False)
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("jurisdiction")
    )
    jurisdiction_path = models.CharField(max_length=12, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=30, choices=InspectionKind.choices, default=InspectionKind.LEADER)
    methods = models.JSONField(_("methods"), default=list, blank=True)
    started_at = models.DateTimeField(_("date and time"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True, help_text=_("Where, when it is not an enterprise."))
    lead_official = models.ForeignKey(
        "responsibility.Official", on_delete=models.PROTECT, related_name="led_inspections", verbose_name=_("led by")
    )
    participants = models.ManyToManyField(
        "responsibility.Official",
        through="inspections.InspectionParticipant",
        related_name="joined_inspections",
        blank=True,
        verbose_name=_("participants"),
    )
    summary = models.TextField(_("summary"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT, db_index=True
    )
    draft_saved_at = models.DateTimeField(_("draft saved at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    amendment_count = models.PositiveSmallIntegerField(_("amendments"), default=0)
    campaign = models.ForeignKey(
        "inspections.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("campaign")
    )
    draw = models.ForeignKey(
        "inspections.RandomDraw", on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("random draw")
    )
    supervision_round = models.ForeignKey(
        "inspections.SupervisionRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("quarterly supervision round"),
    )
    source_system = models.CharField(_("source system"), max_length=50, blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    objects = InspectionQuerySet.as_manager()
    scope_path_lookup = "jurisdiction_path"

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-started_at", "-pk"]
        permissions = [("amend_inspection", "Can amend submitted inspections")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~Q(external_id=""),
                name="inspection_unique_external_id",
                violation_error_message=_("Another inspection already has this external id from this system."),
            ),
        ]
        indexes = [
            models.Index(fields=["lead_official", "status", "started_at"], name="inspection_lead_status"),
            models.Index(fields=["started_at", "id"], name="inspection_started"),
            models.Index(fields=["status", "started_at"], name="inspection_status_started"),
            models.Index(fields=["updated_at", "id"], name="inspection_sync"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.jurisdiction_id and not self.jurisdiction_path:
            self.jurisdiction_path = self.jurisdiction.path
        super().save(*args, **kwargs)
        if not self.code:
            self.code = self.make_code(self.started_at.year, self.pk)
            type(self).objects.filter(pk=self.pk).update(code=self.code)

    @staticmethod
    def make_code(year: int, pk: int) -> str:
        return f"JC{year}{pk:08d}"

    @property
    def is_draft(self) -> bool:
        return self.status == InspectionStatus.DRAFT


class InspectionParticipant(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="participations", verbose_name=_("inspection"))
    official = models.ForeignKey(
        "responsibility.Official", on_delete=models.PROTECT, related_name="inspection_participations", verbose_name=_("official")
    )
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.MEMBER)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "official"],
                name="inspection_participant_unique",
                violation_error_message=_("This official is already a participant."),
            )
        ]
        indexes = [models.Index(fields=["official", "inspection"], name="participant_official")]

    def __str__(self) -> str:
        return f"{self.official} ({self.get_role_display()})"


class InspectionTarget(models.Model):
    """An enterprise inspected, with the checklist version used there."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets", verbose_name=_("inspection"))
    enterprise = models.ForeignKey(
        "responsibility.Enterprise", on_delete=models.PROTECT, related_name="inspection_targets", verbose_name=_("enterprise")
    )
    checklist = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="uses", verbose_name=_("checklist")
    )
    note = models.TextField(_("note"), blank=True)

    objects = InspectionRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise inspected")
        verbose_name_plural = _("enterprises inspected")
        ordering = ["inspection", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "enterprise"],
                name="inspection_target_unique",
                violation_error_message=_("This enterprise is already part of the inspection."),
            )
        ]
        indexes = [models.Index(fields=["enterprise", "inspection"], name="target_enterprise")]

    def __str__(self) -> str:
        return str(self.enterprise)


class InspectionAnswer(models.Model):
    target = models.ForeignKey(InspectionTarget, on_delete=models.CASCADE, related_name="answers", verbose_name=_("enterprise"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("item"))
    result = models.CharField(_("result"), max_length=4, choices=AnswerResult.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["target", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "item"],
                name="inspection_answer_unique",
                violation_error_message=_("This item has already been answered for this enterprise."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.get_result_display()}"


class InspectionFinding(models.Model):
    """A problem found: from a failed checklist item or written freely. It becomes a hazard
    through the hazards service; the link lives here (hazards knows nothing of inspections)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name=_("inspection"))
    target = models.ForeignKey(
        InspectionTarget, on_delete=models.CASCADE, null=True, blank=True, related_name="findings", verbose_name=_("enterprise")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, null=True, blank=True, related_name="findings", verbose_name=_("checklist item")
    )
    description = models.TextField(_("description"))
    # A hash of the normalised description: the same text filed for different enterprises is a
    # formalism flag (copy-paste findings), found with an indexed equality, not a text scan.
    description_hash = models.CharField(max_length=32, db_index=True, editable=False, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=ItemSeverity.choices, default=ItemSeverity.GENERAL)
    hazard = models.OneToOneField(
        "hazards.Hazard", on_delete=models.SET_NULL, null=True, blank=True, related_name="inspection_finding", verbose_name=_("hazard")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    def save(self, *args, **kwargs):
        self.description_hash = self.hash_description(self.description)
        super().save(*args, **kwargs)

    @staticmethod
    def hash_description(text: str) -> str:
        import hashlib
        import re

        normalised = re.sub(r"[\s，。、,.;；:：!！]+", "", text or "").lower()
        return hashlib.md5(normalised.encode(), usedforsecurity=False).hexdigest()


def inspection_photo_path(instance, filename: str) -> str:
    return f"inspections/{instance.inspection_id}/{filename}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection"))
    finding = models.ForeignKey(
        InspectionFinding, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos", verbose_name=_("finding")
    )
    file = models.FileField(_("file"), upload_to=inspection_photo_path, max_length=300)
    # SHA-256 of the content: the same photo filed for two inspections is a formalism flag.
    content_hash = models.CharField(max_length=64, db_index=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class InspectionAmendment(models.Model):
    """A correction to a submitted inspection, with its reason and what changed."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("inspection"))
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=dict)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("amended by")
    )
    amended_at = models.DateTimeField(_("amended at"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["amended_at", "pk"]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.amended_at:%Y-%m-%d}"
