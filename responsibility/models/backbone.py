"""The jurisdiction backbone: jurisdictions, organizations, officials and their posts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from responsibility.choices import (
    Gender,
    JurisdictionLevel,
    OrganizationFunction,
    OrganizationKind,
    PostRole,
)
from responsibility.divisions import code_errors, division_path
from responsibility.querysets import (
    JurisdictionQuerySet,
    OfficialQuerySet,
    OrganizationQuerySet,
    PostQuerySet,
)


@audit
class Jurisdiction(TimestampedModel):
    """A node of the administrative tree. ``path`` is the significant prefix of the division
    code, so a subtree is one indexed ``path__startswith`` filter."""

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=JurisdictionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    # CharField with db_index: on PostgreSQL Django adds a varchar_pattern_ops index for LIKE 'x%'.
    path = models.CharField(_("path"), max_length=12, db_index=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = JurisdictionQuerySet.as_manager()
    scope_path_lookup = "path"

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "path"], name="jurisdiction_parent_path")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.code and self.level:
            self.path = division_path(self.code, self.level)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("responsibility:jurisdiction_detail", args=[self.pk])

    def clean(self) -> None:
        parent = self.parent
        errors = code_errors(self.code, self.level, parent.code if parent else None, parent.level if parent else None)
        if errors:
            raise ValidationError({"code": errors})
        self.path = division_path(self.code, self.level)

    def ancestors(self) -> JurisdictionQuerySet:
        """Ancestors from the root down, found by path prefixes (one query)."""
        prefixes = [self.path[:n] for n in (2, 4, 6, 9) if n < len(self.path)]
        return Jurisdiction.objects.filter(path__in=prefixes).order_by("path")


@audit
class Organization(TimestampedModel):
    """A Party committee, government, department, safety committee, its office or a task group."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("jurisdiction")
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices, db_index=True)
    function = models.CharField(
        _("function"), max_length=30, choices=OrganizationFunction.choices, blank=True, default="", db_index=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("parent organization"),
        help_text=_("E.g. the safety committee for its office and task groups."),
    )
    lead_department = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_task_groups",
        verbose_name=_("lead department"),
        help_text=_("For special task groups: the department that leads it."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganizationQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["jurisdiction__path", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"],
                name="organization_unique_name_per_jurisdiction",
                violation_error_message=_("An organization with this name already exists in this jurisdiction."),
            ),
        ]
        indexes = [models.Index(fields=["jurisdiction", "kind"], name="organization_jur_kind")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("responsibility:organization_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.lead_department_id and self.kind != OrganizationKind.TASK_GROUP:
            errors.setdefault("lead_department", []).append(_("Only a special task group has a lead department."))
        if self.jurisdiction_id:
            for field in ("parent", "lead_department"):
                other = getattr(self, field)
                if other is not None and other.jurisdiction_id != self.jurisdiction_id:
                    errors.setdefault(field, []).append(_("It must belong to the same jurisdiction."))
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors.setdefault("parent", []).append(_("An organization cannot be its own parent."))
        if errors:
            raise ValidationError(errors)


@audit(exclude_fields=["updated_at"])
class Official(TimestampedModel):
    """A person. Posts come and go; the person's record, and everything linked to it, stays
    (lifelong accountability)."""

    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True, default="")
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    registered_in = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="registered_officials",
        verbose_name=_("registered in"),
        help_text=_("The jurisdiction whose office keeps this record."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="official",
        verbose_name=_("login"),
    )
    note = models.TextField(_("note"), blank=True)

    objects = OfficialQuerySet.as_manager()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900),
                name="official_birth_year_plausible",
                violation_error_message=_("The year of birth is not plausible."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("responsibility:official_detail", args=[self.pk])

    @property
    def current_posts_text(self) -> str:
        """Current posts in one line (for exports); uses ``current_post_list`` when prefetched."""
        posts = getattr(self, "current_post_list", None)
        if posts is None:
            posts = Post.objects.current().filter(official=self).select_related("organization")
        return "；".join(f"{p.organization.name} {p.title or p.get_role_display()}" for p in posts)


@audit
class Post(TimestampedModel):
    """An official holding a role in an organization for a period."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="posts", verbose_name=_("official"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="posts", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=30, choices=PostRole.choices, db_index=True)
    title = models.CharField(_("title"), max_length=100, blank=True, help_text=_("E.g. 副市长, 应急管理局局长."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = PostQuerySet.as_manager()
    scope_path_lookup = "organization__jurisdiction__path"

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="post_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]
        indexes = [
            models.Index(fields=["organization", "role"], name="post_org_role"),
            models.Index(fields=["official", "end_date"], name="post_official_end"),
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.title or self.get_role_display()} · {self.organization}"

    @property
    def is_current(self) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


@audit
class ScopeAssignment(TimestampedModel):
    """An explicit jurisdiction scope for an account without posts: a county system, an
    auditor, an enterprise account or staff seconded elsewhere."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope_assignments", verbose_name=_("user")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="scope_assignments", verbose_name=_("jurisdiction")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scope assignment")
        verbose_name_plural = _("scope assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "jurisdiction"],
                name="scope_assignment_unique",
                violation_error_message=_("This account already has this jurisdiction in its scope."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.jurisdiction}"


class DivisionImport(models.Model):
    """A record of each division-list import: bulk inserts bypass per-row audit entries, so the
    import itself is the audit record (who, when, which file, what it did)."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"))
    created = models.PositiveIntegerField(_("created"))
    updated = models.PositiveIntegerField(_("updated"))
    unchanged = models.PositiveIntegerField(_("unchanged"))
    seconds = models.FloatField(_("seconds"))

    class Meta:
        verbose_name = _("division import")
        verbose_name_plural = _("division imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"

