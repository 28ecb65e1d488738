"""Forms of patrol plans: terms, targets, batches. They collect input; the rules are the
services' (patrols.services.plans), whose errors come back next to the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from patrols.models import PatrolBatch, PatrolTarget, PatrolTerm
from patrols.services.plans import ISSUING_LEVELS
from responsibility.choices import DEPARTMENT_KINDS, JurisdictionLevel
from responsibility.models import Jurisdiction, Organization

DATE_WIDGET = {"type": "date"}


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"), **kwargs)


class TermForm(forms.ModelForm):
    class Meta:
        model = PatrolTerm
        fields = ["issuing_jurisdiction", "name", "start_date", "end_date", "note"]
        widgets = {
            "start_date": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["issuing_jurisdiction"]
        field.queryset = Jurisdiction.objects.restrict(user, "view").filter(level__in=ISSUING_LEVELS).order_by("path")
        if self.instance.pk:
            field.disabled = True
        elif field.queryset.count() == 1:
            field.initial = field.queryset.first()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data.pop("issuing_jurisdiction", None)
        return data


class TargetForm(forms.ModelForm):
    """Party-and-government and zone targets name the organizations registered for the place
    by default; a department target names its department."""

    class Meta:
        model = PatrolTarget
        fields = ["kind", "jurisdiction", "organizations", "name", "problem_unit", "note", "sort_order"]

    def __init__(self, *args, term: PatrolTerm, **kwargs):
        super().__init__(*args, **kwargs)
        self.term = term
        places = Jurisdiction.objects.filter(
            path__startswith=term.issuing_path,
            level__in=(JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE),
            is_active=True,
        )
        self.fields["jurisdiction"].queryset = (places | Jurisdiction.objects.filter(pk=term.issuing_jurisdiction_id)).order_by("path")
        self.fields["organizations"].queryset = Organization.objects.filter(
            jurisdiction_id=term.issuing_jurisdiction_id, kind__in=DEPARTMENT_KINDS, is_active=True
        ).order_by("sort_order", "name")
        self.fields["organizations"].required = False
        self.fields["organizations"].help_text = _(
            "For a department target: the department. Left empty for a Party committee and government or a zone: those registered for the place."
        )
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Left empty: made from the place or the department.")
        if self.instance.pk and self.instance.patrols.exists():
            self.fields["kind"].disabled = True
            self.fields["jurisdiction"].disabled = True

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["organizations"] = list(data.get("organizations") or [])
        if self.instance.pk:
            for name in ("kind", "jurisdiction"):
                if self.fields[name].disabled:
                    data.pop(name, None)
        return data


class TargetsFromPlacesForm(forms.Form):
    levels = forms.MultipleChoiceField(
        label=_("Add every"),
        choices=[
            (JurisdictionLevel.CITY, _("City")),
            (JurisdictionLevel.COUNTY, _("County")),
            (JurisdictionLevel.DEVELOPMENT_ZONE, _("Development zone")),
        ],
        initial=[JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Below the issuing jurisdiction, those not yet targeted in this term."),
    )


class MonthField(forms.DateField):
    """A month, entered as YYYY-MM (a month picker) or as a date; kept as its first day."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
        super().__init__(**kwargs)

    def to_python(self, value):
        result = super().to_python(value)
        return result.replace(day=1) if result else result


class BatchForm(forms.ModelForm):
    start_month = MonthField(label=_("Start month"))

    class Meta:
        model = PatrolBatch
        fields = ["number", "name", "start_month", "note"]


