"""Meetings on safety work and the obligations (minimum counts per period) they fulfil."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.access import Scope
from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from responsibility.choices import (
    JurisdictionLevel,
    MeetingKind,
    ObligationActivity,
    ObligationSubject,
    OrganizationKind,
    Period,
    PostRole,
)

#: Lengths of the materialized paths of province, city, county and township (the ancestors a
#: jurisdiction can have).
_ANCESTOR_PATH_LENGTHS = (2, 4, 6, 9)


def _ancestor_paths(paths) -> set[str]:
    return {p[:n] for p in paths for n in _ANCESTOR_PATH_LENGTHS if n < len(p)}


class ObligationQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        # A rule concerns a user when it applies everywhere, was set inside their subtree, or
        # was set by a level above them (a city's rule binds its counties too).
        return Q(jurisdiction__isnull=True) | scope.q("jurisdiction__path") | Q(
            jurisdiction__path__in=sorted(_ancestor_paths(scope.paths))
        )

    def restrict(self, user, action="view"):
        restricted = super().restrict(user, action)
        if action != "view" and user is not None and not getattr(user, "is_superuser", False):
            # Offices change only the rules of their own subtree; the platform-wide defaults
            # and the rules of the levels above are adapted locally with ``replaces``.
            scope_paths = _scope_paths(user)
            restricted = restricted.filter(jurisdiction__isnull=False)
            if scope_paths is not None:
                restricted = restricted.filter(Scope(paths=scope_paths).q("jurisdiction__path"))
        return restricted

    def active(self) -> ObligationQuerySet:
        return self.filter(is_active=True)


def _scope_paths(user) -> tuple[str, ...] | None:
    from core.access import get_scope

    scope = get_scope(user)
    return None if scope.unrestricted else scope.paths


@audit(m2m_fields={"attendees"})
class Meeting(TimestampedModel):
    organization = models.ForeignKey(
        "responsibility.Organization", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices, db_index=True)
    held_on = models.DateField(_("date"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    chair = models.ForeignKey(
        "responsibility.Official", on_delete=models.PROTECT, null=True, blank=True, related_name="chaired_meetings", verbose_name=_("chair")
    )
    attendees = models.ManyToManyField(
        "responsibility.Official", blank=True, related_name="attended_meetings", verbose_name=_("attendees")
    )
    topics = models.TextField(_("topics"))
    decisions = models.TextField(_("decisions"), blank=True)
    minutes = models.FileField(_("minutes"), upload_to="meetings/%Y/", blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "organization__jurisdiction__path"

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organization", "kind", "held_on"], name="meeting_org_kind_date")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("responsibility:meeting_detail", args=[self.pk])


@audit
class Obligation(TimestampedModel):
    """A rule "who must do what how often": e.g. the standing committee hears safety work at
    least twice a year, county leaders inspect at least once a year. Local numbers are data,
    seeded from the seeds' defaults; ``jurisdiction`` empty means everywhere."""

    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(_("applies to"), max_length=30, choices=ObligationSubject.choices)
    roles = models.JSONField(_("roles"), default=list, blank=True, help_text=_("Post roles, when it applies to officials."))
    organization_kinds = models.JSONField(_("organization kinds"), default=list, blank=True)
    levels = models.JSONField(_("jurisdiction levels"), default=list, help_text=_("Levels where the rule applies."))
    department_posts_only = models.BooleanField(
        _("department posts only"), default=False, help_text=_("For officials: only posts held in departments.")
    )
    activity = models.CharField(_("activity"), max_length=20, choices=ObligationActivity.choices)
    meeting_kind = models.CharField(_("meeting kind"), max_length=30, choices=MeetingKind.choices, blank=True)
    minimum = models.PositiveSmallIntegerField(_("minimum count"))
    period = models.CharField(_("period"), max_length=20, choices=Period.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
        verbose_name=_("jurisdiction"),
        help_text=_("Empty: applies everywhere; otherwise only in this jurisdiction's subtree."),
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_versions",
        verbose_name=_("replaces"),
        help_text=_("A general rule this one replaces in its jurisdiction's subtree."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["activity", "subject", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("responsibility:obligation_detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.replaces_id:
            if self.jurisdiction_id is None:
                errors["jurisdiction"] = _("A rule that replaces another one applies to a jurisdiction.")
            elif self.replaces_id == self.pk:
                errors["replaces"] = _("A rule cannot replace itself.")
            else:
                replaced = self.replaces
                if replaced.replaces_id is not None:
                    errors["replaces"] = _("Replace the general rule, not another local version.")
                elif replaced.jurisdiction_id is not None and not self.jurisdiction.path.startswith(replaced.jurisdiction.path):
                    errors["replaces"] = _("The replaced rule does not apply in this jurisdiction.")
                elif replaced.jurisdiction_id == self.jurisdiction_id:
                    errors["replaces"] = _("Edit that rule instead: it belongs to the same jurisdiction.")
        if self.subject == ObligationSubject.ROLE:
            bad = [r for r in self.roles or [] if r not in PostRole.values]
            if not self.roles or bad:
                errors["roles"] = _("Choose at least one valid role.")
        if self.subject == ObligationSubject.ORGANIZATION_KIND:
            bad = [k for k in self.organization_kinds or [] if k not in OrganizationKind.values]
            if not self.organization_kinds or bad:
                errors["organization_kinds"] = _("Choose at least one valid organization kind.")
        if not self.levels or any(level not in JurisdictionLevel.values for level in self.levels):
            errors["levels"] = _("Choose at least one valid jurisdiction level.")
        if self.activity == ObligationActivity.MEETING and not self.meeting_kind:
            errors["meeting_kind"] = _("A meeting obligation names the kind of meeting.")
        if self.minimum is not None and self.minimum < 1:
            errors["minimum"] = _("The minimum count is at least 1.")
        if errors:
            raise ValidationError(errors)
