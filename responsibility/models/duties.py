"""Statutory duties, officials' responsibility lists and the annual key-work lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import Scope
from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from responsibility.choices import CheckFrequency, CheckResult, PostRole, WorkItemStatus


class DutyTemplateQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        # Platform-wide templates (the Regulation's) are visible to everyone in a role that may
        # see templates; local supplements follow the jurisdiction.
        return Q(jurisdiction__isnull=True) | scope.q("jurisdiction__path")

    def restrict(self, user, action="view"):
        restricted = super().restrict(user, action)
        if action != "view" and user is not None and not getattr(user, "is_superuser", False):
            # Only administrators change the statutory text; offices edit their supplements.
            restricted = restricted.filter(jurisdiction__isnull=False)
        return restricted


@audit
class DutyTemplate(TimestampedModel):
    """One duty of a role. ``jurisdiction`` empty: the Regulation's text, for everyone;
    otherwise a local supplement for that jurisdiction's subtree."""

    role = models.CharField(_("role"), max_length=30, choices=PostRole.choices, db_index=True)
    sequence = models.PositiveSmallIntegerField(_("number"))
    content = models.TextField(_("duty"))
    source = models.CharField(_("source"), max_length=200, help_text=_("The regulation and article it comes from."))
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_templates",
        verbose_name=_("jurisdiction"),
        help_text=_("Empty for the statutory duties that apply everywhere."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = DutyTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty template")
        verbose_name_plural = _("duty templates")
        ordering = ["role", "jurisdiction_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "sequence"],
                condition=Q(jurisdiction__isnull=True),
                name="duty_template_unique_statutory_number",
                violation_error_message=_("This role already has a statutory duty with this number."),
            ),
            models.UniqueConstraint(
                fields=["role", "jurisdiction", "sequence"],
                name="duty_template_unique_local_number",
                violation_error_message=_("This role already has a duty with this number here."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.sequence}"

    def get_absolute_url(self) -> str:
        return reverse("responsibility:duty_template_detail", args=[self.pk])


class ResponsibilityItemQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


@audit
class ResponsibilityItem(TimestampedModel):
    """An item of an official's responsibility list (责任清单), generated from the duty
    templates of a post's role or added for that post (custom items)."""

    official = models.ForeignKey(
        "responsibility.Official", on_delete=models.PROTECT, related_name="responsibility_items", verbose_name=_("official")
    )
    post = models.ForeignKey(
        "responsibility.Post", on_delete=models.PROTECT, related_name="responsibility_items", verbose_name=_("post")
    )
    template = models.ForeignKey(
        DutyTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="items", verbose_name=_("duty template")
    )
    sequence = models.PositiveSmallIntegerField(_("number"), default=100)
    content = models.TextField(_("duty"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    by_reference = models.BooleanField(
        _("applied by reference"), default=False, help_text=_("The Regulation applies to this post by reference (参照执行).")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Set when someone edits or deactivates an item generated from a template: regenerating
    # the list and later template changes then leave the item as it was decided.
    is_customised = models.BooleanField(
        _("customised"), default=False, help_text=_("Edited by hand: template changes no longer update it.")
    )

    objects = ResponsibilityItemQuerySet.as_manager()
    scope_path_lookup = "post__organization__jurisdiction__path"

    class Meta:
        verbose_name = _("responsibility list item")
        verbose_name_plural = _("responsibility list items")
        ordering = ["post_id", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "template"],
                condition=Q(template__isnull=False),
                name="responsibility_item_one_per_template",
                violation_error_message=_("This duty is already on the post's list."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.sequence}"

    @property
    def is_custom(self) -> bool:
        return self.template_id is None


@audit
class WorkList(TimestampedModel):
    """The annual key-work responsibility list of a government's leaders (年度安全生产重点工作
    责任清单), organized by the government principal and checked periodically."""

    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="work_lists", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    organizer = models.ForeignKey(
        "responsibility.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organized_work_lists",
        verbose_name=_("organized by"),
    )
    check_frequency = models.CharField(
        _("check frequency"), max_length=20, choices=CheckFrequency.choices, default=CheckFrequency.QUARTERLY
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("key-work list")
        verbose_name_plural = _("key-work lists")
        ordering = ["-year", "jurisdiction__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year"],
                name="work_list_one_per_year",
                violation_error_message=_("This jurisdiction already has a key-work list for that year."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("responsibility:work_list_detail", args=[self.pk])


class WorkItemQuerySet(ScopedQuerySet):
    def overdue(self, on=None):
        on = on or timezone.localdate()
        return self.filter(due_date__lt=on).exclude(status=WorkItemStatus.DONE)


@audit
class WorkItem(TimestampedModel):
    work_list = models.ForeignKey(WorkList, on_delete=models.CASCADE, related_name="items", verbose_name=_("key-work list"))
    sequence = models.PositiveSmallIntegerField(_("number"), default=1)
    owner = models.ForeignKey(
        "responsibility.Official", on_delete=models.PROTECT, related_name="work_items", verbose_name=_("responsible leader")
    )
    content = models.TextField(_("task"))
    measures = models.TextField(_("measures"), blank=True)
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=WorkItemStatus.choices, default=WorkItemStatus.NOT_STARTED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = WorkItemQuerySet.as_manager()
    scope_path_lookup = "work_list__jurisdiction__path"

    class Meta:
        verbose_name = _("key-work item")
        verbose_name_plural = _("key-work items")
        ordering = ["work_list_id", "sequence", "pk"]
        indexes = [models.Index(fields=["owner", "status"], name="work_item_owner_status")]

    def __str__(self) -> str:
        return f"{self.work_list.year}-{self.sequence} {self.content[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("responsibility:work_item_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status != WorkItemStatus.DONE and self.due_date < timezone.localdate()


@audit
class WorkItemCheck(TimestampedModel):
    """A periodic check of a key-work item (定期检查考核)."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="checks", verbose_name=_("key-work item"))
    check_date = models.DateField(_("check date"))
    result = models.CharField(_("result"), max_length=20, choices=CheckResult.choices)
    note = models.TextField(_("finding"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="work_checks/%Y/%m/", blank=True)
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "item__work_list__jurisdiction__path"

    class Meta:
        verbose_name = _("key-work check")
        verbose_name_plural = _("key-work checks")
        ordering = ["-check_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.item} @ {self.check_date}"
