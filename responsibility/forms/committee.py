"""Forms for safety-committee and task-group membership."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from responsibility.choices import CommitteePosition
from responsibility.models import CommitteeMembership, Organization, Post
from responsibility.services.committee import positions_for


def post_choices(body: Organization, user, keep: Post | None = None):
    """Current posts of the body's jurisdiction (the post picker), visible to ``user``."""
    posts = Post.objects.current().filter(organization__jurisdiction_id=body.jurisdiction_id)
    if keep is not None:
        posts = posts | Post.objects.filter(pk=keep.pk)
    return (
        posts.restrict(user, "view")
        .select_related("official", "organization")
        .order_by("organization__sort_order", "organization__name", "role", "official__name")
    )


class CommitteeMembershipForm(forms.ModelForm):
    class Meta:
        model = CommitteeMembership
        fields = ["post", "position", "sequence"]

    def __init__(self, *args, body: Organization, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["post"].queryset = post_choices(body, user, keep=self.instance.post if self.instance.pk else None)
        self.fields["post"].label_from_instance = lambda p: f"{p.official.name} · {p.organization.name} {p.title or p.get_role_display()}"
        self.fields["post"].help_text = _("Current posts in %(name)s.") % {"name": body.jurisdiction.name}
        self.fields["position"].choices = [(p, CommitteePosition(p).label) for p in positions_for(body)]
        self.fields["sequence"].required = False
        self.fields["sequence"].help_text = _("Seating order; leave empty to seat by position.")
