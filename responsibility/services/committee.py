"""Writes on safety-committee and special-task-group membership.

A membership seats a *post* (not a person): when the post ends, the seat visibly belongs to a
former holder until the office seats the successor's post.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility.choices import CommitteePosition as Position
from responsibility.choices import OrganizationKind
from responsibility.models import CommitteeMembership, Organization, Post
from responsibility.services.backbone import require_in_scope, require_permission

COMMITTEE_POSITIONS = (Position.CHAIR, Position.VICE_CHAIR, Position.MEMBER, Position.OFFICE_DIRECTOR)
GROUP_POSITIONS = (Position.GROUP_LEADER, Position.GROUP_DEPUTY, Position.GROUP_MEMBER)
#: Positions held by one post at a time in a body.
SINGLE_POSITIONS = (Position.CHAIR, Position.OFFICE_DIRECTOR, Position.GROUP_LEADER)
#: Default seating order: chair first, then vice-chairs, office director, members.
POSITION_ORDER = {
    Position.CHAIR: 10,
    Position.VICE_CHAIR: 20,
    Position.OFFICE_DIRECTOR: 30,
    Position.MEMBER: 100,
    Position.GROUP_LEADER: 10,
    Position.GROUP_DEPUTY: 20,
    Position.GROUP_MEMBER: 100,
}
BODY_KINDS = (OrganizationKind.SAFETY_COMMITTEE, OrganizationKind.TASK_GROUP)


def positions_for(body: Organization) -> tuple[str, ...]:
    return GROUP_POSITIONS if body.kind == OrganizationKind.TASK_GROUP else COMMITTEE_POSITIONS


def _validate(membership: CommitteeMembership, body: Organization, post: Post) -> None:
    errors: dict[str, list[str]] = {}
    if body.kind not in BODY_KINDS:
        errors["body"] = [_("Only a safety committee or a special task group has members.")]
    elif membership.position not in positions_for(body):
        errors["position"] = [
            _("This position does not exist in a special task group.")
            if body.kind == OrganizationKind.TASK_GROUP
            else _("This position only exists in a special task group.")
        ]
    if post.organization.jurisdiction_id != body.jurisdiction_id:
        errors["post"] = [_("The post must be in the same jurisdiction as the committee.")]
    elif not post.is_current:
        errors["post"] = [_("This post is not current.")]
    if membership.position in SINGLE_POSITIONS and "position" not in errors:
        taken = CommitteeMembership.objects.filter(body=body, position=membership.position).exclude(pk=membership.pk)
        holder = taken.select_related("post__official").first()
        if holder is not None:
            errors["position"] = [
                _("%(name)s already holds this position; change that membership first.") % {"name": holder.post.official.name}
            ]
    if errors:
        raise ValidationError(errors)


def _lock_body(actor, body: Organization) -> Organization:
    # Locking the body serializes the changes to its seats: two people naming a chair at once
    # cannot both pass the one-chair check.
    body = Organization.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=body.pk)
    require_in_scope(actor, body.jurisdiction, "body")
    return body


@transaction.atomic
def committee_membership_add(*, actor, body: Organization, post: Post, position: str, sequence: int | None = None) -> CommitteeMembership:
    """Seat a current post of the body's jurisdiction on a safety committee or task group."""
    require_permission(actor, "responsibility.add_committeemembership")
    body = _lock_body(actor, body)
    post = Post.objects.select_related("organization", "official").get(pk=post.pk)
    if CommitteeMembership.objects.filter(body=body, post=post).exists():
        raise ValidationError({"post": _("This post is already a member.")})
    if sequence is None:
        sequence = POSITION_ORDER.get(position, 100)
        if position in (Position.MEMBER, Position.GROUP_MEMBER, Position.VICE_CHAIR, Position.GROUP_DEPUTY):
            last = CommitteeMembership.objects.filter(body=body, position=position).aggregate(n=Max("sequence"))["n"]
            sequence = (last + 1) if last is not None else sequence
    membership = CommitteeMembership(body=body, post=post, position=position, sequence=sequence)
    _validate(membership, body, post)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def committee_membership_update(
    *, actor, instance: CommitteeMembership, position: str | None = None, sequence: int | None = None, post: Post | None = None
) -> CommitteeMembership:
    """Change a seat's position, order or post (a successor taking over the seat)."""
    require_permission(actor, "responsibility.change_committeemembership")
    membership = CommitteeMembership.objects.select_related("body").get(pk=instance.pk)
    body = _lock_body(actor, membership.body)
    membership = CommitteeMembership.objects.select_for_update().get(pk=instance.pk)
    if position is not None:
        membership.position = position
    if sequence is not None:
        membership.sequence = sequence
    if post is not None and post.pk != membership.post_id:
        if CommitteeMembership.objects.filter(body=body, post=post).exists():
            raise ValidationError({"post": _("This post is already a member.")})
        membership.post = post
    post_obj = Post.objects.select_related("organization", "official").get(pk=membership.post_id)
    if post is not None or position is not None:
        _validate(membership, body, post_obj)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def committee_membership_remove(*, actor, instance: CommitteeMembership) -> None:
    """Take a post off the committee or group. The audit trail keeps the record."""
    require_permission(actor, "responsibility.delete_committeemembership")
    membership = CommitteeMembership.objects.select_related("body").filter(pk=instance.pk).first()
    if membership is None:
        raise ValidationError({"__all__": _("This membership was already removed.")})
    _lock_body(actor, membership.body)
    deleted, _counts = CommitteeMembership.objects.filter(pk=membership.pk).delete()
    if not deleted:
        raise ValidationError({"__all__": _("This membership was already removed.")})


def seat_is_vacant(membership: CommitteeMembership, today=None) -> bool:
    """The seated post has ended (its holder left): the office should seat the successor."""
    post = membership.post
    today = today or timezone.localdate()
    return post.end_date is not None and post.end_date < today
