"""The filters of the formalism-flags page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.selectors.flags import MAX_LATE_DAYS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _JurisdictionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FlagFilterForm(forms.Form):
    jurisdiction = _JurisdictionField(queryset=None, required=False, label=_("Jurisdiction"), empty_label=_("My whole scope"))
    date_from = forms.DateField(required=False, label=_("Inspected from"), widget=DATE_INPUT)
    date_to = forms.DateField(required=False, label=_("Inspected until"), widget=DATE_INPUT)
    days = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_LATE_DAYS, label=_("Late after (days)"),
        help_text=_("Submitted more than this many days after the inspection."),
    )
    across = forms.BooleanField(required=False, label=_("Only photos shared by different enterprises"))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end is before the start."))
        return data
