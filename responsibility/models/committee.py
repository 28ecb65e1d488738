"""Membership of safety committees and their special task groups."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from responsibility.choices import CommitteePosition


@audit
class CommitteeMembership(TimestampedModel):
    """A post sitting on a safety committee or a special task group."""

    body = models.ForeignKey(
        "responsibility.Organization", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("committee or task group")
    )
    post = models.ForeignKey("responsibility.Post", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("post"))
    position = models.CharField(_("position"), max_length=20, choices=CommitteePosition.choices)
    sequence = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "body__jurisdiction__path"

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["body_id", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "post"],
                name="committee_membership_unique",
                violation_error_message=_("This post is already a member."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} · {self.post.official} ({self.get_position_display()})"

    def get_additional_data(self) -> dict:
        # Stored on every audit entry (auditlog calls this), so a committee's page can show
        # the history of its memberships, removed ones included.
        return {"body_id": self.body_id}
