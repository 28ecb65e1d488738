"""Forms of the hazard ledger pages: reporting, editing, the actions on a hazard's page
(transitions, plan, extensions, photos, comments) and the import.

The forms only collect input; every rule is the services' (hazards.services.ledger), whose
errors come back next to the fields (core.viewmixins.add_service_errors).
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AccountType
from hazards.choices import HazardLevel, HazardSource, HazardStatus, PhotoStage
from hazards.models import Hazard
from hazards.services.ledger import MAX_PHOTOS_PER_UPLOAD, PLAN_FIELDS
from hazards.workflow import Transition
from responsibility.choices import DEPARTMENT_KINDS, JurisdictionLevel
from responsibility.models import Enterprise, Jurisdiction, Official, Organization, Sector

DATE_WIDGET = {"type": "date"}
#: How many matches of an enterprise search the report form offers without JavaScript.
ENTERPRISE_MATCHES = 30


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input. The files are checked by the service (type by their first
    bytes, size, count), so that the rules live in one place."""

    def __init__(self, *args, **kwargs):
        attrs = {
            "accept": "image/*",
            "capture": "environment",
            "multiple": True,
            "data-photo-resize": "1600",
        }
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("JPG or PNG, up to %(n)d at a time; large photos are made smaller on the phone before sending.")
            % {"n": MAX_PHOTOS_PER_UPLOAD},
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class _ShownChoicesField(forms.ModelChoiceField):
    """Accepts any object of its queryset, but renders only ``shown`` as options: the report
    form may not list the thousands of enterprises of a county."""

    def __init__(self, *args, **kwargs):
        self.shown = None
        super().__init__(*args, **kwargs)

    @property
    def choices(self):
        if self.shown is None:
            return super().choices
        return [("", self.empty_label or "")] + [(self.prepare_value(obj), self.label_from_instance(obj)) for obj in self.shown]

    @choices.setter
    def choices(self, value):
        forms.ChoiceField.choices.fset(self, value)


def enterprise_label(enterprise: Enterprise) -> str:
    return f"{enterprise.name}（{enterprise.credit_code}）"


def _reportable_jurisdictions(user):
    """Places an ownerless hazard may be put: counties, zones and townships in scope (villages
    are reached through their township; a county holds a few hundred)."""
    return (
        Jurisdiction.objects.restrict(user, "view")
        .filter(
            level__in=(JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE, JurisdictionLevel.TOWNSHIP),
            is_active=True,
        )
        .select_related("parent")
        .order_by("path")
    )


def _jurisdiction_label(jurisdiction: Jurisdiction) -> str:
    if jurisdiction.level == JurisdictionLevel.TOWNSHIP and jurisdiction.parent_id:
        return f"{jurisdiction.parent.name} · {jurisdiction.name}"
    return jurisdiction.name


class HazardDetailsMixin:
    """Widgets and labels shared by the report and edit forms."""

    def _set_up_common(self):
        fields = self.fields
        fields["sector"].queryset = Sector.objects.filter(is_active=True)
        for name in ("title", "location", "finder_name"):
            if name in fields:
                fields[name].widget.attrs.setdefault("autocomplete", "off")
        for name in ("latitude", "longitude"):
            if name in fields:
                fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.000001"})
        if "description" in fields:
            fields["description"].widget.attrs["rows"] = 4


class HazardReportForm(HazardDetailsMixin, forms.ModelForm):
    """Put a hazard on the ledger: an enterprise's, or an ownerless one in a jurisdiction."""

    enterprise = _ShownChoicesField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False, empty_label=_("— choose —")
    )
    ownerless = forms.BooleanField(
        label=_("Ownerless hazard (no responsible enterprise; the county government is responsible)"), required=False
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("Where (for an ownerless hazard)"), queryset=Jurisdiction.objects.none(), required=False
    )
    photos = MultiplePhotoField(label=_("Photos before rectification"))

    class Meta:
        model = Hazard
        fields = [
            "sector", "category", "level", "source", "title", "description", "location", "latitude", "longitude",
            "found_on", "finder", "finder_name", "deadline", *PLAN_FIELDS,
        ]
        widgets = {
            "level": forms.RadioSelect,
            "found_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "plan_measures": forms.Textarea(attrs={"rows": 3}),
            "plan_contingency": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "deadline": _("May be left empty: it is set when the hazard is accepted."),
        }

    def __init__(self, *args, user, enterprise_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.enterprise_query = enterprise_query.strip()
        self.is_enterprise_account = getattr(user, "account_type", None) == AccountType.ENTERPRISE
        self._set_up_common()
        enterprises = Enterprise.objects.restrict(user, "view").select_related("jurisdiction", "sector")
        field = self.fields["enterprise"]
        field.queryset = enterprises
        field.label_from_instance = enterprise_label
        self.fields["level"].choices = HazardLevel.choices
        if self.is_enterprise_account:
            # An enterprise reports its own findings: its few enterprises are the choices.
            field.shown = None
            for name in ("ownerless", "jurisdiction", "source"):
                del self.fields[name]
            if "finder" in self.fields:
                del self.fields["finder"]
        else:
            field.shown = self._shown_enterprises(enterprises)
            # Setting the queryset above gave the widget every enterprise as its options.
            field.widget.choices = field.choices
            self.fields["jurisdiction"].queryset = _reportable_jurisdictions(user)
            self.fields["jurisdiction"].label_from_instance = _jurisdiction_label
            own = Official.objects.filter(user=user)
            self.fields["finder"].queryset = own
            self.fields["finder"].empty_label = _("Someone else (give the name below)")
            self.fields["finder"].label = _("Found by")
        # A new instance gives the form empty initial values; today and the user are the
        # likely finding.
        if not self.initial.get("found_on"):
            self.initial["found_on"] = timezone.localdate()
        if "finder" in self.fields and not self.is_bound and "finder" not in kwargs.get("initial", {}):
            self.initial["finder"] = self.fields["finder"].queryset.first()

    def _shown_enterprises(self, enterprises) -> list[Enterprise]:
        """The chosen enterprise and, after a search (the page's search form, which works
        without JavaScript), the matches."""
        shown: list[Enterprise] = []
        chosen = self.data.get(self.add_prefix("enterprise")) if self.is_bound else self.initial.get("enterprise")
        chosen = getattr(chosen, "pk", chosen)
        if chosen and str(chosen).isdigit():
            shown = list(enterprises.filter(pk=int(chosen)))
        query = self.enterprise_query
        if query:
            matches = enterprises.filter(Q(name__icontains=query) | Q(credit_code__startswith=query.upper())).order_by("name", "pk")
            shown += [e for e in matches[:ENTERPRISE_MATCHES] if e not in shown]
        return shown

    def clean(self):
        cleaned = super().clean()
        if self.is_enterprise_account:
            if not cleaned.get("enterprise") and "enterprise" not in self.errors:
                self.add_error("enterprise", _("Choose the enterprise."))
            return cleaned
        if cleaned.get("ownerless"):
            cleaned["enterprise"] = None
            if not cleaned.get("jurisdiction") and "jurisdiction" not in self.errors:
                self.add_error("jurisdiction", _("Say where the ownerless hazard is."))
        elif not cleaned.get("enterprise") and "enterprise" not in self.errors:
            self.add_error("enterprise", _("Choose the enterprise, or tick “ownerless” and give the place."))
        return cleaned

    def validate_unique(self) -> None:
        # The service checks everything inside its transaction.
        pass

    def _post_clean(self):
        # Model validation is the service's (it knows the jurisdiction and the enterprise,
        # which this form's instance does not).
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        ownerless = data.pop("ownerless", False)
        if not ownerless:
            data["jurisdiction"] = None
        if self.is_enterprise_account:
            data["source"] = HazardSource.SELF_CHECK
        data["photos"] = data.pop("photos", [])
        return data


def department_choices(hazard: Hazard):
    """Departments that may supervise the hazard: those of its county and city."""
    path = hazard.jurisdiction_path
    return (
        Organization.objects.filter(
            Q(jurisdiction__path__in=[path[:4], path[:6]], kind__in=DEPARTMENT_KINDS, is_active=True)
            | Q(pk=hazard.supervising_department_id)
        )
        .select_related("jurisdiction")
        .order_by("jurisdiction__path", "sort_order", "name")
    )


class HazardUpdateForm(HazardDetailsMixin, forms.ModelForm):
    """Correct a hazard's details. The enterprise stays; an ownerless hazard may be moved to
    another place in scope."""

    class Meta:
        model = Hazard
        fields = [
            "jurisdiction", "sector", "category", "level", "source", "title", "description", "location", "latitude",
            "longitude", "found_on", "finder_name", "supervising_department",
        ]
        widgets = {
            "level": forms.RadioSelect,
            "found_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._set_up_common()
        self.fields["level"].choices = HazardLevel.choices
        if self.instance.enterprise_id:
            del self.fields["jurisdiction"]
        else:
            self.fields["jurisdiction"].queryset = _reportable_jurisdictions(user) | Jurisdiction.objects.filter(
                pk=self.instance.jurisdiction_id
            ).select_related("parent")
            self.fields["jurisdiction"].label_from_instance = _jurisdiction_label
        department = self.fields["supervising_department"]
        department.queryset = department_choices(self.instance)
        department.label_from_instance = lambda o: f"{o.jurisdiction.name} · {o.name}"

    def validate_unique(self) -> None:
        pass

    def _post_clean(self):
        # Model validation is the service's; it also keeps the form's instance untouched.
        pass

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}


# --- Actions on the hazard's page -------------------------------------------------------------


class TransitionForm(forms.Form):
    """One transition of the closed loop. ``expected_status`` is the status the page showed: a
    stale page gets the conflict message instead of acting on a state nobody saw."""

    expected_status = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, transition: Transition, hazard: Hazard, **kwargs):
        kwargs.setdefault("prefix", transition.action)
        kwargs.setdefault("initial", {"expected_status": hazard.status})
        super().__init__(*args, **kwargs)
        self.transition = transition
        comment = self.fields["comment"]
        if transition.comment_required:
            comment.required = True
            comment.label = _("Reason for cancelling") if transition.action == "cancel" else _("What is still missing")
        if transition.action == "accept":
            self.fields["deadline"] = forms.DateField(
                label=_("Rectification deadline"),
                required=False,
                initial=hazard.deadline,
                widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
                help_text=_("Left empty, the default of the local rules applies."),
            )
        if transition.action == "submit":
            self.fields["evidence"] = forms.CharField(
                label=_("What was done"),
                required=not hazard.rectification_note,
                initial=hazard.rectification_note,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields["rectified_on"] = forms.DateField(
                label=_("Rectified on"),
                required=False,
                initial=timezone.localdate(),
                widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            )
            self.fields["after_photos"] = MultiplePhotoField(label=_("Photos after rectification"))
            # Order: evidence first, the comment last.
            self.order_fields(["evidence", "rectified_on", "after_photos", "comment"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"comment": data.get("comment", ""), "expected_status": data.get("expected_status")}
        for name in ("deadline", "evidence", "rectified_on", "after_photos"):
            if name in self.fields and data.get(name) not in (None, ""):
                kwargs[name] = data[name]
        return kwargs


class PlanForm(forms.ModelForm):
    """The rectification plan's "five in place"; the deadline only while none is set."""

    class Meta:
        model = Hazard
        fields = [*PLAN_FIELDS, "deadline"]
        widgets = {
            "plan_measures": forms.Textarea(attrs={"rows": 3}),
            "plan_contingency": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "plan")
        super().__init__(*args, **kwargs)
        hazard = self.instance
        if hazard.deadline is not None and hazard.status != HazardStatus.REPORTED:
            del self.fields["deadline"]
        self.fields["plan_funds"].widget.attrs.update({"inputmode": "decimal", "min": "0"})

    def validate_unique(self) -> None:
        pass

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "extension")
        super().__init__(*args, **kwargs)


class ExtensionDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, help_text=_("Required when refusing."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Refuse"))], widget=forms.HiddenInput)

    def __init__(self, *args, extension=None, **kwargs):
        if extension is not None:
            kwargs.setdefault("prefix", f"decision-{extension.pk}")
        super().__init__(*args, **kwargs)


class PhotoUploadForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[(s.value, s.label) for s in (PhotoStage.BEFORE, PhotoStage.AFTER, PhotoStage.EVIDENCE)],
    )
    photos = MultiplePhotoField(label=_("Photos"))

    def __init__(self, *args, stages=None, **kwargs):
        kwargs.setdefault("prefix", "photos")
        super().__init__(*args, **kwargs)
        if stages is not None:
            self.fields["stage"].choices = [c for c in self.fields["stage"].choices if c[0] in stages]


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)


class HazardImportForm(forms.Form):
    file = forms.FileField(
        label=_("Hazard ledger file"),
        help_text=_("XLSX or CSV with the columns below (Chinese headers accepted). Download the template to start."),
    )
