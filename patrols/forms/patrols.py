"""Forms of a patrol's page: planning it, its planned dates, its group, its content-area
checklist, each stage's transition and its documents. The rules are the services'."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patrols.choices import AFTER_FEEDBACK, MILESTONE_ORDER, DocumentKind, MemberRole, Milestone, PatrolKind
from patrols.forms.plans import DATE_WIDGET, date_field
from patrols.models import Patrol, PatrolAreaCheck, PatrolBatch, PatrolTarget, PatrolTerm
from patrols.services.patrols import DOCUMENT_EXTENSIONS, MAX_DOCUMENTS_PER_UPLOAD
from patrols.workflow import Transition
from responsibility.models import Official, Post

ACCEPT = ",".join(DOCUMENT_EXTENSIONS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleDocumentField(forms.FileField):
    """Several documents in one input; the service checks them (type by their first bytes,
    size, count)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("PDF, Word, OFD, Excel, JPG or PNG, up to %(n)d files at a time.") % {"n": MAX_DOCUMENTS_PER_UPLOAD},
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PatrolCreateForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Target"), queryset=PatrolTarget.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=PatrolKind.choices, initial=PatrolKind.REGULAR)
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=PatrolBatch.objects.none(), required=False)
    follows = forms.ModelChoiceField(
        label=_("Follows up on"),
        queryset=Patrol.objects.none(),
        required=False,
        help_text=_("For a follow-up review: the earlier patrol of the same unit."),
    )
    group_name = forms.CharField(label=_("Group"), max_length=100, required=False, help_text=_("E.g. 第一巡查组."))
    focus = forms.CharField(label=_("Focus"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    planned_stationing_start = date_field(_("Stationing planned to begin"), required=False)
    planned_stationing_end = date_field(
        _("Stationing planned to end"), required=False, help_text=_("Left empty: the longest stationing the rules allow.")
    )
    preparation_on = date_field(_("Preparation began on"), required=False)

    def __init__(self, *args, term: PatrolTerm, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.term = term
        self.fields["target"].queryset = term.targets.order_by("sort_order", "name")
        self.fields["batch"].queryset = term.batches.order_by("number")
        self.fields["follows"].queryset = (
            Patrol.objects.restrict(user, "view")
            .filter(issuing_path=term.issuing_path, status__in=AFTER_FEEDBACK)
            .select_related("target")
            .order_by("-pk")
        )
        self.fields["follows"].label_from_instance = lambda p: f"{p.code} {p.target.name}"

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "term": self.term,
            "target": data["target"],
            "kind": data["kind"],
            "batch": data.get("batch"),
            "follows": data.get("follows"),
            "group_name": data.get("group_name", ""),
            "focus": data.get("focus", ""),
            "preparation_on": data.get("preparation_on"),
            "planned": {
                Milestone.STATIONING_START: data.get("planned_stationing_start"),
                Milestone.STATIONING_END: data.get("planned_stationing_end"),
            },
        }


class PatrolUpdateForm(forms.ModelForm):
    class Meta:
        model = Patrol
        fields = ["group_name", "batch", "focus"]
        widgets = {"focus": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = self.instance.term.batches.order_by("number")


class PlannedDatesForm(forms.Form):
    """The planned date of every stage."""

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        by_key = {m.key: m for m in milestones}
        for key in MILESTONE_ORDER:
            field = date_field(Milestone(key).label, required=False)
            field.initial = by_key[key].planned_on if key in by_key else None
            self.fields[f"planned_{key}"] = field

    def planned(self) -> dict:
        return {key: self.cleaned_data.get(f"planned_{key}") for key in MILESTONE_ORDER}


def member_candidates(patrol: Patrol):
    """Officials the office may put in the group: those holding a post at the issuing level
    (its departments and offices), those registered there, and the current members."""
    posts = Post.objects.current().filter(organization__jurisdiction__path=patrol.issuing_path)
    return Official.objects.filter(
        Q(pk__in=posts.values("official_id")) | Q(registered_in__path=patrol.issuing_path)
    ).order_by("name", "pk")


class MemberForm(forms.Form):
    official = forms.ModelChoiceField(label=_("Official"), queryset=Official.objects.none())
    role = forms.ChoiceField(label=_("Role in the group"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, patrol: Patrol, **kwargs):
        kwargs["prefix"] = kwargs.get("prefix") or "member"
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = member_candidates(patrol)


class AreaChecklistForm(forms.Form):
    """One "examined" box and a note per content area."""

    def __init__(self, *args, checks: list[PatrolAreaCheck], **kwargs):
        kwargs["prefix"] = kwargs.get("prefix") or "areas"
        super().__init__(*args, **kwargs)
        self.checks = checks
        for check in checks:
            self.fields[f"covered_{check.area_id}"] = forms.BooleanField(label=check.area.name, required=False, initial=check.covered)
            self.fields[f"note_{check.area_id}"] = forms.CharField(
                label=_("Note"), required=False, max_length=300, initial=check.note
            )

    def rows(self):
        return [(self[f"covered_{c.area_id}"], self[f"note_{c.area_id}"]) for c in self.checks]

    def service_checks(self) -> dict:
        return {
            c.area_id: (self.cleaned_data.get(f"covered_{c.area_id}", False), self.cleaned_data.get(f"note_{c.area_id}", ""))
            for c in self.checks
        }


class TransitionForm(forms.Form):
    """One stage's completion. ``expected_status`` is the stage the page showed: a stale page
    gets the conflict message instead of acting on a state nobody saw."""

    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    document = forms.FileField(label=_("Document"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, transition: Transition, patrol: Patrol, **kwargs):
        kwargs["prefix"] = kwargs.get("prefix") or transition.action
        kwargs["initial"] = {"expected_status": patrol.status, "on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["on"].label = Milestone(transition.milestone).label
        if transition.sends_back:
            del self.fields["on"]
            del self.fields["document"]
            self.fields["comment"].required = True
            self.fields["comment"].label = _("What is missing")
        elif transition.document_kind:
            self.fields["document"].label = DocumentKind(transition.document_kind).label
            self.fields["document"].required = transition.document_required
        else:
            del self.fields["document"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "on": data.get("on"),
            "comment": data.get("comment", ""),
            "document": data.get("document"),
            "expected_status": data.get("expected_status") or None,
        }


class DocumentUploadForm(forms.Form):
    milestone = forms.ChoiceField(label=_("Stage"), choices=())
    title = forms.CharField(label=_("Document title"), max_length=200, required=False, help_text=_("Left empty: the file's name."))
    files = MultipleDocumentField(label=_("Files"), required=True)

    def __init__(self, *args, milestones: list[str], **kwargs):
        kwargs["prefix"] = kwargs.get("prefix") or "document"
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [(key, Milestone(key).label) for key in milestones]
