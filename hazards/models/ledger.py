"""The hazard ledger (隐患台账): hazards, their photos, timeline, deadline extensions, the
leader visits of major hazards and the per-place rules (number and length of extensions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from core.audit import audit
from core.models import TimestampedModel
from hazards.choices import (
    DEADLINE_STATUSES,
    FINAL_STATUSES,
    ExtensionStatus,
    HazardCategory,
    HazardEventKind,
    HazardLevel,
    HazardSource,
    HazardStatus,
    ListingLevel,
    PhotoStage,
    VisitKind,
)
from hazards.querysets import HazardQuerySet, HazardRelatedQuerySet


class HazardPolicy(TimestampedModel):
    """Rules of the hazard workflow that differ by place. The nearest policy up the tree
    applies; the one without a jurisdiction is the default."""

    jurisdiction = models.OneToOneField(
        "responsibility.Jurisdiction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="hazard_policy",
        verbose_name=_("jurisdiction"),
        help_text=_("Empty for the platform-wide default."),
    )
    max_extensions = models.PositiveSmallIntegerField(
        _("extensions allowed per hazard"), default=2, help_text=_("0 forbids extensions.")
    )
    max_extension_days = models.PositiveSmallIntegerField(
        _("longest extension (days)"), default=30, help_text=_("How far one extension may push the deadline.")
    )
    general_deadline_days = models.PositiveSmallIntegerField(
        _("default deadline for general hazards (days)"), default=30
    )
    major_deadline_days = models.PositiveSmallIntegerField(_("default deadline for major hazards (days)"), default=90)

    class Meta:
        verbose_name = _("hazard rules")
        verbose_name_plural = _("hazard rules")

    def __str__(self) -> str:
        return str(self.jurisdiction) if self.jurisdiction_id else str(_("Default"))

    @classmethod
    def for_path(cls, path: str) -> HazardPolicy:
        """The policy of the nearest jurisdiction on ``path`` (a materialized path), else the
        default, else the built-in values (one query)."""
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


# Reverse relations would be logged as meaningless "….None" entries; the timeline has them.
@audit(
    exclude_fields=[
        "updated_at", "jurisdiction_path", "status_changed_at", "events", "photos", "extensions", "visits", "tip_off",
        "inspection_finding",
    ]
)
class Hazard(TimestampedModel):
    """One hazard on the ledger, from finding to close-out."""

    code = models.CharField(_("reference number"), max_length=32, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "responsibility.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("enterprise"),
        help_text=_("Empty for an ownerless hazard: the county government is then responsible."),
    )
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("jurisdiction")
    )
    # The jurisdiction's materialized path, copied here so that "my county's hazards" is one
    # indexed prefix scan on this table, without a join, even with millions of rows. Indexed
    # by ``hazard_scope_cover`` (Meta.indexes), which answers prefix and equality lookups.
    jurisdiction_path = models.CharField(max_length=12, editable=False)
    responsible_organization = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_hazards",
        verbose_name=_("responsible government"),
        help_text=_("For an ownerless hazard: the county government that must rectify it."),
    )
    supervising_department = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_hazards",
        verbose_name=_("supervising department"),
    )
    sector = models.ForeignKey("responsibility.Sector", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("sector"))
    category = models.CharField(_("hazard category"), max_length=20, choices=HazardCategory.choices)
    level = models.CharField(_("level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    source = models.CharField(_("source"), max_length=30, choices=HazardSource.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    found_on = models.DateField(_("found on"))
    finder = models.ForeignKey(
        "responsibility.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="found_hazards",
        verbose_name=_("found by"),
    )
    finder_name = models.CharField(
        _("finder (name)"), max_length=100, blank=True, help_text=_("When the finder is not a registered official.")
    )

    status = models.CharField(
        _("status"), max_length=20, choices=HazardStatus.choices, default=HazardStatus.REPORTED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)

    # The "five in place" of a rectification plan (责任、措施、资金、时限、预案); the time limit
    # is the deadline above.
    plan_responsible = models.CharField(_("responsible person"), max_length=100, blank=True)
    plan_measures = models.TextField(_("measures"), blank=True)
    plan_funds = models.DecimalField(
        _("funds (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    plan_contingency = models.TextField(_("contingency plan"), blank=True)

    rectification_note = models.TextField(_("rectification evidence"), blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("verified by")
    )
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("closed out by")
    )
    cancel_reason = models.CharField(_("reason for cancellation"), max_length=300, blank=True)

    # Major hazards: the linked leader (挂包领导), listed supervision and the double report.
    linked_leader = models.ForeignKey(
        "responsibility.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_hazards",
        verbose_name=_("linked leader"),
    )
    listing_level = models.CharField(_("listed by"), max_length=10, choices=ListingLevel.choices, blank=True)
    listing_office = models.ForeignKey(
        "responsibility.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listed_hazards",
        verbose_name=_("listing safety office"),
        help_text=_("The safety committee office of the listing level; only it may close the hazard out."),
    )
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    reported_to_department_on = models.DateField(_("reported to the supervising department on"), null=True, blank=True)
    reported_to_workers_congress_on = models.DateField(_("reported to the workers' congress on"), null=True, blank=True)

    # Where a county system pushed the record from, for idempotent upserts.
    source_system = models.CharField(_("source system"), max_length=50, blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    objects = HazardQuerySet.as_manager()
    scope_path_lookup = "jurisdiction_path"

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_on", "-pk"]
        permissions = [
            ("assign_hazard", "Can accept hazards, set deadlines and decide extensions"),
            ("rectify_hazard", "Can rectify hazards and submit them for verification"),
            ("verify_hazard", "Can verify rectifications"),
            ("close_hazard", "Can close hazards out"),
            ("cancel_hazard", "Can cancel hazards"),
            ("supervise_hazard", "Can link leaders and list major hazards"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~Q(external_id=""),
                name="hazard_unique_external_id",
                violation_error_message=_("Another hazard already has this external id from this system."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=F("found_on")),
                name="hazard_deadline_after_found",
                violation_error_message=_("The deadline cannot be before the date the hazard was found."),
            ),
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="hazard_cancel_has_reason",
                violation_error_message=_("A cancelled hazard needs a reason."),
            ),
        ]
        indexes = [
            # A scope's hazards with everything the list sorts and counts by: a county's page
            # ids (newest found first, or by deadline), the counts strip (open, overdue, major
            # and open) and the home-page panel are answered from this index alone (an
            # index-only scan of the county's slice), without reading a million-row table. The
            # pattern operator class serves ``jurisdiction_path LIKE 'prefix%'`` whatever the
            # database's collation.
            models.Index(
                fields=["jurisdiction_path", "found_on", "id", "status", "level", "deadline"],
                opclasses=["varchar_pattern_ops", "date_ops", "int8_ops", "text_ops", "text_ops", "date_ops"],
                name="hazard_scope_cover",
            ),
            models.Index(fields=["found_on", "id"], name="hazard_found"),
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline"),
            models.Index(fields=["deadline", "id"], name="hazard_deadline"),
            models.Index(fields=["level", "status"], name="hazard_level_status"),
            models.Index(fields=["enterprise", "found_on"], name="hazard_enterprise_found"),
            models.Index(fields=["linked_leader", "status"], name="hazard_leader_status"),
            models.Index(fields=["sector", "found_on"], name="hazard_sector_found"),
            models.Index(fields=["supervising_department", "status"], name="hazard_department_status"),
            models.Index(fields=["updated_at", "id"], name="hazard_sync"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazard_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.jurisdiction_id and (not self.jurisdiction_path or self._jurisdiction_changed()):
            self.jurisdiction_path = self.jurisdiction.path
        super().save(*args, **kwargs)
        if not self.code:
            # The reference number needs the id, so it is written right after the insert.
            self.code = self.make_code(self.found_on.year, self.pk)
            type(self).objects.filter(pk=self.pk).update(code=self.code)

    def _jurisdiction_changed(self) -> bool:
        cached = self._state.fields_cache.get("jurisdiction")
        return cached is None or cached.path != self.jurisdiction_path

    @staticmethod
    def make_code(year: int, pk: int) -> str:
        return f"YH{year}{pk:08d}"

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    @property
    def is_ownerless(self) -> bool:
        return self.enterprise_id is None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Derived from the deadline: still to be rectified after the deadline has passed."""
        return bool(self.deadline and self.status in DEADLINE_STATUSES and self.deadline < timezone.localdate())

    @property
    def overdue_days(self) -> int:
        return (timezone.localdate() - self.deadline).days if self.is_overdue else 0

    @property
    def owner_name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name
        return self.responsible_organization.name if self.responsible_organization_id else str(_("Ownerless"))

    @property
    def five_in_place(self) -> dict[str, bool]:
        """Which of the five elements of the plan are recorded."""
        return {
            "responsibility": bool(self.plan_responsible),
            "measures": bool(self.plan_measures),
            "funds": self.plan_funds is not None,
            "deadline": self.deadline is not None,
            "contingency": bool(self.plan_contingency),
        }

    @property
    def plan_complete(self) -> bool:
        return all(self.five_in_place.values())


class HazardUserObjectPermission(UserObjectPermissionBase):
    """Per-object grants on hazards (the linked leader) in a table with a real foreign key, so
    the grant subquery joins on an indexed integer on a table of millions of hazards."""

    content_object = models.ForeignKey(Hazard, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("hazard grant")
        verbose_name_plural = _("hazard grants")


def hazard_photo_path(instance, filename: str) -> str:
    return f"hazards/{instance.hazard_id}/{instance.stage}/{filename}"


class HazardPhoto(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos", verbose_name=_("hazard"))
    stage = models.CharField(_("stage"), max_length=10, choices=PhotoStage.choices)
    file = models.FileField(_("file"), upload_to=hazard_photo_path, max_length=300)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    visit = models.ForeignKey(
        "hazards.LeaderVisit", on_delete=models.CASCADE, null=True, blank=True, related_name="photos", verbose_name=_("visit")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = HazardRelatedQuerySet.as_manager()
    scope_path_lookup = "hazard__jurisdiction_path"

    class Meta:
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["hazard", "stage"], name="hazard_photo_stage")]

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazard_photo", args=[self.hazard_id, self.pk])


class HazardEvent(models.Model):
    """The timeline of a hazard: every transition and every action, with who, when and why."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events", verbose_name=_("hazard"))
    kind = models.CharField(_("kind"), max_length=30, choices=HazardEventKind.choices)
    action = models.CharField(_("action"), max_length=20, blank=True)
    from_status = models.CharField(_("from"), max_length=20, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=HazardStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = HazardRelatedQuerySet.as_manager()
    scope_path_lookup = "hazard__jurisdiction_path"

    class Meta:
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["hazard", "at"], name="hazard_event_at")]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class HazardExtension(models.Model):
    """A request to extend the rectification deadline, and its decision."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("hazard"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    current_deadline = models.DateField(_("deadline before"))
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    objects = HazardRelatedQuerySet.as_manager()
    scope_path_lookup = "hazard__jurisdiction_path"

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="hazard_one_pending_extension",
                violation_error_message=_("An extension request for this hazard is already awaiting a decision."),
            ),
            models.CheckConstraint(
                condition=Q(requested_deadline__gt=F("current_deadline")),
                name="extension_moves_deadline_later",
                violation_error_message=_("The requested deadline must be later than the current one."),
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="extension_status")]

    def __str__(self) -> str:
        return f"{self.hazard} → {self.requested_deadline}"

    @property
    def days(self) -> int:
        return (self.requested_deadline - self.current_deadline).days


@audit
class LeaderVisit(models.Model):
    """What the linked leader did to push a major hazard: visits and coordination."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="visits", verbose_name=_("hazard"))
    leader = models.ForeignKey(
        "responsibility.Official", on_delete=models.PROTECT, related_name="hazard_visits", verbose_name=_("leader")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.VISIT)
    visited_on = models.DateField(_("date"))
    note = models.TextField(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = HazardRelatedQuerySet.as_manager()
    scope_path_lookup = "hazard__jurisdiction_path"

    class Meta:
        verbose_name = _("leader visit")
        verbose_name_plural = _("leader visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["leader", "visited_on"], name="visit_leader_date"),
            # the last visit of each hazard, read on the major-hazards board
            models.Index(fields=["hazard", "-visited_on"], name="visit_hazard_last"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} · {self.visited_on} · {self.hazard}"
