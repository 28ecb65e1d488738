"""Forms of the checklist pages: a new checklist, its details, an item of a draft, publishing
a draft and adapting a checklist into one's jurisdiction. Business rules live in
``inspections.services.checklists``; these only collect input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.access import get_scope
from hazards.choices import HazardCategory
from inspections.choices import ItemSeverity
from inspections.models import ChecklistItem, ChecklistTemplate
from responsibility.choices import JurisdictionLevel
from responsibility.models import Jurisdiction, Sector

#: Checklists are kept by the offices of counties and the levels above.
KEEPING_LEVELS = (
    JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE,
)


def keeping_jurisdictions(user):
    """Where ``user`` may keep checklists: their scope's jurisdictions from county level up."""
    queryset = Jurisdiction.objects.filter(level__in=KEEPING_LEVELS, is_active=True).order_by("path")
    scope = get_scope(user)
    return queryset if scope.unrestricted else queryset.filter(scope.q("path"))


class _JurisdictionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ChecklistCreateForm(forms.ModelForm):
    jurisdiction = _JurisdictionField(queryset=Jurisdiction.objects.none(), label=_("Kept by"), empty_label=None)

    class Meta:
        model = ChecklistTemplate
        fields = ["name", "sector", "jurisdiction", "source"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = keeping_jurisdictions(user)
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True).order_by("sort_order", "code")
        self.fields["sector"].empty_label = _("Any sector (general checklist)")
        self.fields["source"].help_text = _("Where the items come from: laws, standards, notices.")


class ChecklistEditForm(forms.ModelForm):
    class Meta:
        model = ChecklistTemplate
        fields = ["name", "sector", "source", "is_active"]
        help_texts = {"is_active": _("Inactive checklists are no longer offered on the inspection form.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True).order_by("sort_order", "code")
        self.fields["sector"].empty_label = _("Any sector (general checklist)")


class ChecklistItemForm(forms.ModelForm):
    severity = forms.ChoiceField(choices=ItemSeverity.choices, label=_("Severity if failed"), initial=ItemSeverity.GENERAL)
    category = forms.ChoiceField(choices=HazardCategory.choices, label=_("Hazard category"), initial=HazardCategory.MANAGEMENT)

    class Meta:
        model = ChecklistItem
        fields = ["requirement", "legal_basis", "severity", "category", "answer_required"]
        widgets = {"requirement": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "legal_basis": _("The law, regulation or standard, with the article where it is certain."),
            "answer_required": _("The inspection cannot be submitted until this item is answered."),
        }


class ChecklistPublishForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. added the items of the 2024 notice on gas safety")}),
    )


class ChecklistAdaptForm(forms.Form):
    jurisdiction = _JurisdictionField(queryset=Jurisdiction.objects.none(), label=_("Kept by"), empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = keeping_jurisdictions(user)
