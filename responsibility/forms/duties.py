"""Forms for duty templates, responsibility lists and key-work lists. They collect input; the
services decide (a form never saves a domain object)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.choices import LEADER_ROLES, JurisdictionLevel, PostRole, WorkItemStatus
from responsibility.forms.backbone import ScopedFormMixin
from responsibility.models import (
    DutyTemplate,
    Jurisdiction,
    Official,
    Post,
    ResponsibilityItem,
    WorkItem,
    WorkItemCheck,
    WorkList,
)
from responsibility.services.duties import EVIDENCE_EXTENSIONS, TEMPLATE_ROLES, evidence_max_bytes

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


def _date_input() -> forms.DateInput:
    # <input type="date"> only accepts ISO dates (see PostForm).
    return forms.DateInput(**DATE_WIDGET)


class DutyTemplateForm(ScopedFormMixin, forms.ModelForm):
    """A local supplement: role, jurisdiction, text and source. For a statutory duty (edited
    by an administrator) role and jurisdiction are fixed."""

    class Meta:
        model = DutyTemplate
        fields = ["role", "jurisdiction", "sequence", "content", "source", "is_active"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, PostRole(r).label) for r in TEMPLATE_ROLES]
        self.fields["jurisdiction"].queryset = self.fields["jurisdiction"].queryset.exclude(level=JurisdictionLevel.VILLAGE)
        self.fields["jurisdiction"].required = not self.user.is_superuser
        self.fields["sequence"].required = False
        self.fields["sequence"].help_text = _("Leave empty to add it after the existing duties of the role.")
        if self.instance.pk:
            # Role and jurisdiction decide which lists hold the duty; changing them would
            # silently move it between lists, so a different duty is a new template.
            for name in ("role", "jurisdiction"):
                self.fields[name].disabled = True
                self.fields[name].required = False


class ResponsibilityItemForm(forms.ModelForm):
    class Meta:
        model = ResponsibilityItem
        fields = ["sequence", "content", "source"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sequence"].required = False
        self.fields["sequence"].help_text = _("Position in the list; leave empty to add it at the end.")


class GenerateListsForm(ScopedFormMixin, forms.Form):
    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.exclude(level=JurisdictionLevel.VILLAGE),
        label=_("Jurisdiction"),
        help_text=_("Lists are generated for every current leader and department-leader post in it and below it."),
    )


def leader_labels(posts) -> dict[int, str]:
    """{official id: "name · jurisdiction title"} for the current leader posts in ``posts``
    (one query), to label an official picker with what each person is."""
    labels: dict[int, str] = {}
    rows = (
        posts.current()
        .filter(role__in=LEADER_ROLES)
        .select_related("official", "organization__jurisdiction")
        .order_by("organization__jurisdiction__path", "role", "official__name")
    )
    for post in rows:
        labels.setdefault(
            post.official_id, f"{post.official.name} · {post.organization.jurisdiction.name} {post.title or post.get_role_display()}"
        )
    return labels


def leader_choices(jurisdiction: Jurisdiction) -> dict[int, str]:
    """Officials holding a current leader post in ``jurisdiction``, labelled with the post."""
    return leader_labels(Post.objects.filter(organization__jurisdiction=jurisdiction))


def _official_picker(field, labels: dict[int, str]) -> None:
    field.queryset = Official.objects.filter(pk__in=list(labels)).order_by("name")
    field.label_from_instance = lambda o: labels.get(o.pk, o.name)


class WorkListForm(forms.ModelForm):
    class Meta:
        model = WorkList
        fields = ["jurisdiction", "year", "title", "organizer", "check_frequency", "issued_on"]
        widgets = {"issued_on": _date_input()}

    def __init__(self, *args, user, jurisdictions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty for “<year> key-work responsibility list of <jurisdiction>”.")
        self.fields["organizer"].help_text = _("Normally the government principal.")
        if self.instance.pk:
            # Items and checks belong to the jurisdiction and year: they are fixed.
            self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(pk=self.instance.jurisdiction_id)
            for name in ("jurisdiction", "year"):
                self.fields[name].disabled = True
                self.fields[name].required = False
            labels = leader_choices(self.instance.jurisdiction)
            if self.instance.organizer_id and self.instance.organizer_id not in labels:
                labels[self.instance.organizer_id] = self.instance.organizer.name
        else:
            jurisdictions = (jurisdictions if jurisdictions is not None else Jurisdiction.objects.none()).order_by("path")
            self.fields["jurisdiction"].queryset = jurisdictions
            labels = leader_labels(Post.objects.filter(organization__jurisdiction__in=jurisdictions.values("pk")))
            if "year" not in self.initial:
                self.initial["year"] = timezone.localdate().year
        _official_picker(self.fields["organizer"], labels)


class WorkItemForm(forms.ModelForm):
    class Meta:
        model = WorkItem
        fields = ["sequence", "owner", "content", "measures", "due_date"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "due_date": _date_input(),
        }

    def __init__(self, *args, work_list: WorkList, **kwargs):
        super().__init__(*args, **kwargs)
        labels = leader_choices(work_list.jurisdiction)
        if self.instance.pk and self.instance.owner_id not in labels:
            labels[self.instance.owner_id] = self.instance.owner.name  # a former leader keeps the item
        _official_picker(self.fields["owner"], labels)
        self.fields["sequence"].required = False


class WorkItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=WorkItemStatus.choices)
    completed_on = forms.DateField(
        label=_("Completed on"), required=False, widget=_date_input(), help_text=_("For “Done”; today if left empty.")
    )

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["status"].choices = [(s, WorkItemStatus(s).label) for s in allowed]


def _evidence_help() -> str:
    extensions = ", ".join(sorted(EVIDENCE_EXTENSIONS))
    return _("Optional. %(ext)s; at most %(mb)d MB.") % {"ext": extensions, "mb": evidence_max_bytes() // (1024 * 1024)}


class WorkItemCheckForm(forms.ModelForm):
    class Meta:
        model = WorkItemCheck
        fields = ["check_date", "result", "note", "evidence"]
        widgets = {"check_date": _date_input(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _evidence_help()
        self.fields["evidence"].widget.attrs["accept"] = ",".join(f".{e}" for e in sorted(EVIDENCE_EXTENSIONS))
        if "check_date" not in self.initial:
            self.initial["check_date"] = timezone.localdate()
