"""Forms of the supervision list: matters, status changes, monthly progress and notices."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.choices import (
    DEPARTMENT_KINDS,
    LEADER_ROLES,
    JurisdictionLevel,
    OrganizationKind,
    PostRole,
    SupervisionStatus,
)
from responsibility.forms.backbone import ScopedFormMixin
from responsibility.models import Jurisdiction, Post, SupervisionMatter
from responsibility.services.supervision import MATTER_TRANSITIONS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# <input type="month"> sends 2026-10; browsers without it show a text box taking the same.
MONTH_INPUT = forms.DateInput(attrs={"type": "month", "placeholder": "2026-10"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%Y/%m"]

#: Who may be the responsible leader of a matter: the leaders and the heads of departments.
OWNER_POSTS = Q(role__in=LEADER_ROLES) | Q(role=PostRole.DEPARTMENT_HEAD, organization__kind__in=DEPARTMENT_KINDS)


def supervision_jurisdictions(user):
    """Where a user keeps supervision lists: their scope down to townships."""
    return (
        Jurisdiction.objects.restrict(user, "view")
        .exclude(level=JurisdictionLevel.VILLAGE)
        .filter(is_active=True)
        .order_by("path")
    )


class SupervisionJurisdictionForm(forms.Form):
    """Step one of adding a matter, for people whose scope has several roots."""

    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.none(), label=_("Jurisdiction"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = supervision_jurisdictions(user)
        self.fields["jurisdiction"].label_from_instance = lambda j: f"{j.path} {j.name}"


class SupervisionMatterForm(ScopedFormMixin, forms.ModelForm):
    """Choices follow the matter's jurisdiction: its own organizations and leaders, plus the
    Party committees and governments one level down (a city matter is often led by a county)."""

    class Meta:
        model = SupervisionMatter
        fields = ["title", "description", "owner", "lead_unit", "cooperating_units", "deadline"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "deadline": DATE_INPUT,
            "cooperating_units": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {"cooperating_units": _("Hold Ctrl (or ⌘) to choose several.")}

    def __init__(self, *args, jurisdiction: Jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction
        here_or_below = Q(jurisdiction=jurisdiction) | Q(
            jurisdiction__parent=jurisdiction, kind__in=[OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GOVERNMENT]
        )
        keep_units = Q(pk__in=[self.instance.lead_unit_id] if self.instance.lead_unit_id else [])
        if self.instance.pk:
            keep_units |= Q(pk__in=self.instance.cooperating_units.values("pk"))
        for name in ("lead_unit", "cooperating_units"):
            field = self.fields[name]
            field.queryset = (
                field.queryset.filter((here_or_below & Q(is_active=True)) | keep_units)
                .select_related("jurisdiction")
                .order_by("jurisdiction__path", "sort_order", "name")
            )
            field.label_from_instance = lambda o: o.name if o.jurisdiction_id == jurisdiction.pk else f"{o.jurisdiction.name} · {o.name}"
        posts = (
            Post.objects.current()
            .restrict(self.user, "view")
            .filter(OWNER_POSTS, organization__jurisdiction=jurisdiction)
            .select_related("organization")
            .order_by("organization__sort_order", "role", "pk")
        )
        titles: dict[int, str] = {}
        for post in posts:
            titles.setdefault(post.official_id, post.title or post.get_role_display())
        keep = set(titles) | ({self.instance.owner_id} if self.instance.owner_id else set())
        owner = self.fields["owner"]
        owner.queryset = owner.queryset.filter(pk__in=keep).order_by("name", "pk")
        owner.label_from_instance = lambda o: f"{o.name} · {titles[o.pk]}" if o.pk in titles else o.name


class SupervisionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    completed_on = forms.DateField(
        label=_("Completed on"), required=False, widget=DATE_INPUT, help_text=_("When completing: empty means today.")
    )

    def __init__(self, *args, matter: SupervisionMatter, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = MATTER_TRANSITIONS.get(matter.status, frozenset())
        self.fields["status"].choices = [(value, label) for value, label in SupervisionStatus.choices if value in allowed]


class SupervisionProgressForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=MONTH_FORMATS, widget=MONTH_INPUT)
    progress = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 5}))
    problems = forms.CharField(label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, fixed_month: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_month:
            self.fields["month"].disabled = True


class SupervisionNoticeForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.none(), label=_("Jurisdiction"))
    month = forms.DateField(
        label=_("Month reported on"), input_formats=MONTH_FORMATS, widget=MONTH_INPUT, help_text=_("E.g. 2026-10.")
    )
    prefix = forms.CharField(
        label=_("Document prefix"), max_length=40, required=False,
        help_text=_("E.g. 泉安办督; empty: the prefix of the last notice, or one made from the jurisdiction's name."),
    )
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_INPUT, help_text=_("Empty means today."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = supervision_jurisdictions(user)
        self.fields["jurisdiction"].label_from_instance = lambda j: f"{j.path} {j.name}"
        if not self.is_bound:
            today = timezone.localdate()
            last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
            self.initial.setdefault("month", last_month)

