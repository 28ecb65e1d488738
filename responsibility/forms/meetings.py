"""Forms of the meetings register and of the obligations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from responsibility.choices import (
    JurisdictionLevel,
    MeetingKind,
    ObligationActivity,
    ObligationSubject,
    OrganizationKind,
    PostRole,
)
from responsibility.forms.backbone import ScopedFormMixin
from responsibility.models import Jurisdiction, Meeting, Obligation, Post
from responsibility.services.meetings import minutes_error

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MINUTES_ACCEPT = ".pdf,.doc,.docx,.jpg,.jpeg,.png"


def meeting_jurisdictions(user):
    """Where a user may register meetings: their scope down to townships."""
    return (
        Jurisdiction.objects.restrict(user, "view")
        .exclude(level=JurisdictionLevel.VILLAGE)
        .filter(is_active=True)
        .order_by("path")
    )


class MeetingJurisdictionForm(forms.Form):
    """Step one of registering a meeting: the jurisdiction, which decides the organizations
    and people offered in step two (a city has thousands of officials)."""

    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.none(), label=_("Jurisdiction"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = meeting_jurisdictions(user)
        self.fields["jurisdiction"].label_from_instance = lambda j: f"{j.path} {j.name}"


class MeetingForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["organization", "kind", "held_on", "title", "chair", "attendees", "topics", "decisions", "minutes"]
        widgets = {
            "held_on": DATE_INPUT,
            "topics": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
            "attendees": forms.SelectMultiple(attrs={"size": 10}),
            "minutes": forms.ClearableFileInput(attrs={"accept": MINUTES_ACCEPT}),
        }
        help_texts = {
            "attendees": _("Hold Ctrl (or ⌘) to choose several. The chair is counted once."),
            "minutes": _("PDF, Word, JPG or PNG, at most 20 MB."),
        }

    def __init__(self, *args, jurisdiction: Jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction
        organizations = self.fields["organization"].queryset.filter(jurisdiction=jurisdiction, is_active=True)
        self.fields["organization"].queryset = organizations.order_by("sort_order", "name")
        # People holding a post in this jurisdiction today, plus whoever the meeting already
        # names (someone may have moved on since).
        posts = list(
            Post.objects.current()
            .restrict(self.user, "view")
            .filter(organization__jurisdiction=jurisdiction)
            .select_related("organization")
            .order_by("organization__sort_order", "role", "pk")
        )
        titles: dict[int, str] = {}
        for post in posts:
            titles.setdefault(post.official_id, f"{post.organization.short_name or post.organization.name} {post.title or post.get_role_display()}")
        keep = set(titles)
        if self.instance.pk:
            keep |= set(self.instance.attendees.values_list("pk", flat=True))
            if self.instance.chair_id:
                keep.add(self.instance.chair_id)
        for name in ("chair", "attendees"):
            field = self.fields[name]
            field.queryset = field.queryset.filter(pk__in=keep).order_by("name", "pk")
            field.label_from_instance = lambda o, titles=titles: f"{o.name} · {titles[o.pk]}" if o.pk in titles else o.name

    def clean_minutes(self):
        minutes = self.cleaned_data.get("minutes")
        # A new upload is an UploadedFile; the stored file (unchanged) and False (cleared) pass.
        if minutes and hasattr(minutes, "content_type"):
            error = minutes_error(minutes)
            if error:
                raise forms.ValidationError(error)
        return minutes


class ObligationForm(ScopedFormMixin, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=PostRole.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Roles"),
        help_text=_("For rules on officials."),
    )
    organization_kinds = forms.MultipleChoiceField(
        choices=OrganizationKind.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Organization kinds"),
        help_text=_("For rules on organizations."),
    )
    levels = forms.MultipleChoiceField(
        choices=JurisdictionLevel.choices, widget=forms.CheckboxSelectMultiple, label=_("Jurisdiction levels")
    )

    class Meta:
        model = Obligation
        fields = [
            "name", "subject", "roles", "organization_kinds", "levels", "department_posts_only", "activity",
            "meeting_kind", "minimum", "period", "source", "jurisdiction", "replaces", "is_active",
        ]
        widgets = {"replaces": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        jurisdiction = self.fields["jurisdiction"]
        jurisdiction.queryset = jurisdiction.queryset.exclude(level=JurisdictionLevel.VILLAGE).order_by("path")
        jurisdiction.label_from_instance = lambda j: f"{j.path} {j.name}"
        if not self.user.is_superuser:
            jurisdiction.required = True
            jurisdiction.empty_label = None
        else:
            jurisdiction.empty_label = _("Everywhere")
        self.fields["meeting_kind"].choices = [("", "—"), *MeetingKind.choices]
        self.fields["activity"].choices = ObligationActivity.choices
        self.fields["subject"].choices = ObligationSubject.choices

