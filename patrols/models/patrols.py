"""A patrol: its target, group, content-area checklist, dated stages, documents and timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from core.audit import audit
from core.models import TimestampedModel
from patrols.choices import (
    AFTER_FEEDBACK,
    MILESTONE_ORDER,
    DocumentKind,
    EventKind,
    MemberRole,
    Milestone,
    PatrolKind,
    PatrolStatus,
)
from patrols.querysets import EventQuerySet, PatrolDocumentQuerySet, PatrolQuerySet, PatrolRelatedQuerySet


@audit(
    exclude_fields=[
        "updated_at", "issuing_path", "unit_path", "status_changed_at", "next_due_on", "next_due_milestone",
        "calendar_missing_year", "finding_count", "rectified_count",
    ]
)
class Patrol(TimestampedModel):
    """One patrol of one target by one group."""

    code = models.CharField(_("reference number"), max_length=32, unique=True, editable=False)
    term = models.ForeignKey("patrols.PatrolTerm", on_delete=models.PROTECT, related_name="patrols", verbose_name=_("term"))
    batch = models.ForeignKey(
        "patrols.PatrolBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="patrols", verbose_name=_("batch")
    )
    target = models.ForeignKey("patrols.PatrolTarget", on_delete=models.PROTECT, related_name="patrols", verbose_name=_("target"))
    kind = models.CharField(_("kind"), max_length=20, choices=PatrolKind.choices, default=PatrolKind.REGULAR)
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follows up on"),
        help_text=_("For a follow-up review (回头看): the earlier patrol whose rectification it checks."),
    )
    group_name = models.CharField(_("group"), max_length=100, blank=True, help_text=_("E.g. 第一巡查组."))
    focus = models.TextField(_("focus"), blank=True, help_text=_("What a special patrol or a follow-up review looks at."))
    members = models.ManyToManyField(
        "responsibility.Official", through="patrols.PatrolMember", related_name="patrols", verbose_name=_("group members")
    )

    status = models.CharField(_("stage"), max_length=30, choices=PatrolStatus.choices, default=PatrolStatus.PREPARATION)
    status_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)
    # Copied from the term and the target so that the confidentiality rule is an indexed
    # prefix test on this table (see patrols.querysets).
    issuing_path = models.CharField(max_length=12, db_index=True, editable=False)
    unit_path = models.CharField(max_length=12, blank=True, db_index=True, editable=False)
    # The due date of the step the patrol is waiting for, kept by the services, so lists and
    # the coverage view read "overdue" from an index. Missing calendar years make it empty and
    # are named here.
    next_due_on = models.DateField(_("next due"), null=True, blank=True)
    next_due_milestone = models.CharField(_("next step"), max_length=30, choices=Milestone.choices, blank=True)
    calendar_missing_year = models.PositiveSmallIntegerField(_("working-day calendar missing for"), null=True, blank=True)
    finding_count = models.PositiveIntegerField(_("findings"), default=0)
    rectified_count = models.PositiveIntegerField(_("findings rectified"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("planned by")
    )

    objects = PatrolQuerySet.as_manager()
    scope_path_lookup = "issuing_path"

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-pk"]
        permissions = [
            ("conduct_patrol", "Can record a patrol's stationing, report, findings and feedback"),
            ("approve_patrol", "Can record approvals, route findings and close patrols"),
            ("receive_patrol", "Can see the feedback of patrols of their own unit"),
            ("rectify_patrol", "Can submit the rectification plan and report of their own unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "target"],
                condition=Q(kind=PatrolKind.REGULAR),
                name="patrol_one_regular_per_term",
                violation_error_message=_("This target already has a regular patrol in this term."),
            ),
            models.CheckConstraint(
                condition=Q(kind=PatrolKind.FOLLOW_UP, follows__isnull=False) | (~Q(kind=PatrolKind.FOLLOW_UP) & Q(follows__isnull=True)),
                name="patrol_follow_up_has_origin",
                violation_error_message=_("A follow-up review names the patrol it follows up on, and only a follow-up review does."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit_path", "status"], name="patrol_unit_status"),
            models.Index(fields=["term", "target", "status"], name="patrol_term_target"),
            models.Index(fields=["term", "status"], name="patrol_term_status"),
            models.Index(fields=["status", "next_due_on"], name="patrol_status_due"),
            models.Index(fields=["updated_at", "id"], name="patrol_sync"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.target.name}" if self.target_id else self.code

    def get_absolute_url(self) -> str:
        return reverse("patrols:patrol_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.term_id and not self.issuing_path:
            self.issuing_path = self.term.issuing_path
        if self.target_id:
            self.unit_path = self.target.unit_path
        super().save(*args, **kwargs)
        if not self.code:
            self.code = self.make_code(self.term.start_date.year, self.pk)
            type(self).objects.filter(pk=self.pk).update(code=self.code)

    @staticmethod
    def make_code(year: int, pk: int) -> str:
        return f"XC{year}{pk:06d}"

    @property
    def batch_label(self) -> str:
        return str(self.batch) if self.batch_id else ""

    @property
    def is_closed(self) -> bool:
        return self.status == PatrolStatus.CLOSED

    @property
    def feedback_delivered(self) -> bool:
        return self.status in AFTER_FEEDBACK

    @property
    def is_overdue(self) -> bool:
        return bool(self.next_due_on and not self.is_closed and self.next_due_on < timezone.localdate())

    @property
    def overdue_days(self) -> int:
        return (timezone.localdate() - self.next_due_on).days if self.is_overdue else 0

    @property
    def rectification_rate(self) -> float | None:
        """Share of the findings rectified, ``None`` without findings."""
        return self.rectified_count / self.finding_count if self.finding_count else None


class PatrolUserObjectPermission(UserObjectPermissionBase):
    """Per-object grants on patrols (the group's members) in a table with a real foreign key:
    the grant subquery of every patrol list joins on an indexed integer."""

    content_object = models.ForeignKey(Patrol, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("patrol grant")
        verbose_name_plural = _("patrol grants")


@audit
class PatrolMember(models.Model):
    """An official in a patrol group, with their role in it."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("patrol"))
    official = models.ForeignKey(
        "responsibility.Official", on_delete=models.PROTECT, related_name="patrol_memberships", verbose_name=_("official")
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("E.g. the member's post while seconded."))

    objects = PatrolRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["patrol", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patrol", "official"],
                name="patrol_member_once",
                violation_error_message=_("This official is already in the group."),
            ),
            models.UniqueConstraint(
                fields=["patrol"],
                condition=Q(role=MemberRole.LEADER),
                name="patrol_one_leader",
                violation_error_message=_("The group already has a leader."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.get_role_display()}"


@audit(exclude_fields=["due_on", "due_missing_year"])
class PatrolMilestone(models.Model):
    """One dated step of a patrol: when it was planned, when it happened and, for the steps with
    a statutory time limit, when it is due (computed on the working-day calendar and stored)."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("patrol"))
    key = models.CharField(_("stage"), max_length=30, choices=Milestone.choices)
    position = models.PositiveSmallIntegerField(editable=False)
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    actual_on = models.DateField(_("actual"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    # The year without a working-day calendar that kept the due date from being computed.
    due_missing_year = models.PositiveSmallIntegerField(_("calendar missing for"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    objects = PatrolRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol stage")
        verbose_name_plural = _("patrol stages")
        ordering = ["patrol", "position"]
        constraints = [
            models.UniqueConstraint(fields=["patrol", "key"], name="patrol_milestone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.get_key_display()}"

    def save(self, *args, **kwargs):
        self.position = MILESTONE_ORDER.index(self.key)
        super().save(*args, **kwargs)

    @property
    def is_late(self) -> bool:
        """Done after its due date."""
        return bool(self.actual_on and self.due_on and self.actual_on > self.due_on)

    @property
    def is_overdue(self) -> bool:
        """Not done, and the due date has passed."""
        return bool(not self.actual_on and self.due_on and self.due_on < timezone.localdate())


class PatrolAreaCheck(models.Model):
    """Whether the patrol examined one of the eight content areas."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="area_checks", verbose_name=_("patrol"))
    area = models.ForeignKey("patrols.PatrolContentArea", on_delete=models.PROTECT, related_name="checks", verbose_name=_("area"))
    covered = models.BooleanField(_("examined"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = PatrolRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("content-area check")
        verbose_name_plural = _("content-area checks")
        ordering = ["patrol", "area__sort_order", "area_id"]
        constraints = [models.UniqueConstraint(fields=["patrol", "area"], name="patrol_area_once")]

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.area_id}"


def patrol_document_path(instance, filename: str) -> str:
    return f"patrols/{instance.patrol_id}/{instance.milestone}/{filename}"


class PatrolDocument(models.Model):
    """A document of one stage: uploaded, or generated from the recorded data (the patrol report
    and the feedback letter). Served only through a view that checks access."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="documents", verbose_name=_("patrol"))
    milestone = models.CharField(_("stage"), max_length=30, choices=Milestone.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices, default=DocumentKind.UPLOAD)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=patrol_document_path, max_length=300)
    finding = models.ForeignKey(
        "patrols.PatrolFinding", on_delete=models.CASCADE, null=True, blank=True, related_name="documents", verbose_name=_("finding")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = PatrolDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol document")
        verbose_name_plural = _("patrol documents")
        ordering = ["patrol", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["patrol", "milestone"], name="patrol_document_stage")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("patrols:document_download", args=[self.patrol_id, self.pk])

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class PatrolEvent(models.Model):
    """The patrol's timeline: who did what, when. Events of the confidential stages are for the
    patrol office and the group only."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="events", verbose_name=_("patrol"))
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    action = models.CharField(_("action"), max_length=40, blank=True)
    from_status = models.CharField(_("from"), max_length=30, choices=PatrolStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=PatrolStatus.choices, blank=True)
    confidential = models.BooleanField(_("confidential"), default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol event")
        verbose_name_plural = _("patrol events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["patrol", "at"], name="patrol_event_at")]

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
