"""Writes on the jurisdiction backbone. Views, forms, the API, commands and the admin call
these; each validates, checks the actor's scope inside the transaction and is audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import get_scope
from responsibility.models import Jurisdiction, Official, Organization, Post


def require_permission(actor, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("Your role does not allow this action."))


def require_in_scope(actor, jurisdiction: Jurisdiction, field: str = "jurisdiction") -> None:
    """Writes re-check the scope inside the transaction, whatever the caller checked before.
    ``actor=None`` means a trusted system caller (commands, seeding)."""
    if actor is None:
        return
    if not get_scope(actor).contains(jurisdiction.path):
        raise ValidationError({field: _("This jurisdiction is outside your scope.")})


def _apply(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


# --- Organizations ----------------------------------------------------------------------------


@transaction.atomic
def organization_create(*, actor, jurisdiction: Jurisdiction, name: str, kind: str, **fields) -> Organization:
    require_permission(actor, "responsibility.add_organization")
    require_in_scope(actor, jurisdiction)
    organization = Organization(jurisdiction=jurisdiction, name=name, kind=kind, **fields)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def organization_update(*, instance: Organization, actor, **fields) -> Organization:
    require_permission(actor, "responsibility.change_organization")
    organization = Organization.objects.select_for_update().get(pk=instance.pk)
    require_in_scope(actor, organization.jurisdiction)
    _apply(organization, fields)
    require_in_scope(actor, organization.jurisdiction)
    organization.full_clean()
    organization.save()
    return organization


# --- Officials and posts ----------------------------------------------------------------------


@transaction.atomic
def official_create(*, actor, name: str, registered_in: Jurisdiction, **fields) -> Official:
    require_permission(actor, "responsibility.add_official")
    require_in_scope(actor, registered_in, "registered_in")
    official = Official(name=name, registered_in=registered_in, **fields)
    official.full_clean()
    official.save()
    return official


@transaction.atomic
def official_update(*, instance: Official, actor, **fields) -> Official:
    require_permission(actor, "responsibility.change_official")
    official = Official.objects.select_for_update().get(pk=instance.pk)
    # Before and after, like the other updates: otherwise moving ``registered_in`` into the
    # actor's scope would take over another jurisdiction's record.
    require_in_scope(actor, official.registered_in, "registered_in")
    _apply(official, fields)
    require_in_scope(actor, official.registered_in, "registered_in")
    official.full_clean()
    official.save()
    return official


def _check_overlap(post: Post) -> None:
    """The same person cannot hold the same role in the same organization twice at once."""
    overlapping = Post.objects.filter(official=post.official, organization=post.organization, role=post.role).exclude(
        pk=post.pk
    )
    if post.end_date:
        overlapping = overlapping.filter(start_date__lte=post.end_date)
    overlapping = overlapping.exclude(end_date__lt=post.start_date)
    if overlapping.exists():
        raise ValidationError(
            {"start_date": _("This official already holds this role in this organization during that period.")}
        )


@transaction.atomic
def post_create(
    *, actor, official: Official, organization: Organization, role: str, start_date: date, title: str = "", end_date=None
) -> Post:
    require_permission(actor, "responsibility.add_post")
    require_in_scope(actor, organization.jurisdiction, "organization")
    # Lock the official so two concurrent appointments cannot both pass the overlap check.
    Official.objects.select_for_update().filter(pk=official.pk).first()
    post = Post(official=official, organization=organization, role=role, title=title, start_date=start_date, end_date=end_date)
    post.full_clean()
    _check_overlap(post)
    post.save()
    return post


@transaction.atomic
def post_update(*, instance: Post, actor, **fields) -> Post:
    require_permission(actor, "responsibility.change_post")
    post = Post.objects.select_for_update().select_related("organization__jurisdiction").get(pk=instance.pk)
    require_in_scope(actor, post.organization.jurisdiction, "organization")
    _apply(post, fields)
    require_in_scope(actor, post.organization.jurisdiction, "organization")
    post.full_clean()
    _check_overlap(post)
    post.save()
    return post


@transaction.atomic
def post_end(*, post: Post, actor, end_date: date) -> Post:
    """End a post (transfer, promotion, retirement). The post and its history remain."""
    return post_update(instance=post, actor=actor, end_date=end_date)


@transaction.atomic
def jurisdiction_update(*, instance: Jurisdiction, actor, name: str | None = None, is_active: bool | None = None) -> Jurisdiction:
    """Only the name and the active flag change; code, level and parent are structural and
    change through a new division import."""
    require_permission(actor, "responsibility.change_jurisdiction")
    jurisdiction = Jurisdiction.objects.select_for_update().get(pk=instance.pk)
    require_in_scope(actor, jurisdiction)
    if name is not None:
        jurisdiction.name = name
    if is_active is not None:
        jurisdiction.is_active = is_active
    jurisdiction.full_clean()
    jurisdiction.save()
    return jurisdiction
