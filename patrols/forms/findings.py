"""Forms of findings and their dispositions. The rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.choices import HazardCategory
from patrols.choices import USUAL_ROUTE, DispositionRoute, FindingCategory
from patrols.forms.patrols import MultipleDocumentField
from patrols.forms.plans import date_field
from patrols.models import Patrol, PatrolContentArea, PatrolFinding
from responsibility.models import Enterprise, Jurisdiction, Organization, Sector


def unit_organizations(patrol: Patrol):
    """Organizations a finding may hold responsible: those of the target's jurisdiction (its
    departments and townships' governments are one level down, named by text) or, for a
    department target, the department and the issuing level's organizations."""
    target = patrol.target
    return Organization.objects.filter(jurisdiction_id=target.jurisdiction_id, is_active=True).order_by("sort_order", "name")


class FindingForm(forms.ModelForm):
    files = MultipleDocumentField(label=_("Evidence files"))

    class Meta:
        model = PatrolFinding
        fields = [
            "category", "content_area", "title", "description", "evidence", "responsible_unit", "responsible_unit_name", "found_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "found_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, patrol: Patrol, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_area"].queryset = PatrolContentArea.objects.filter(is_active=True)
        self.fields["responsible_unit"].queryset = unit_organizations(patrol)
        if not self.instance.pk:
            self.fields["found_on"].initial = timezone.localdate()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["responsible_unit_name"] = data.get("responsible_unit_name") or ""
        data["evidence"] = data.get("evidence") or ""
        return data


class DispositionForm(forms.Form):
    """One route for one finding; the hazard fields are used for a major hazard only."""

    route = forms.ChoiceField(label=_("Route"), choices=DispositionRoute.choices)
    routed_on = date_field(_("Transmitted on"))
    recipient = forms.ModelChoiceField(
        label=_("Recipient"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Left empty: the patrolled unit's Party committee or government, or the issuing level's discipline organ or organization department."),
    )
    recipient_name = forms.CharField(label=_("Recipient (name)"), max_length=150, required=False)
    reference = forms.CharField(
        label=_("Reference"), max_length=100, required=False, help_text=_("The transmittal's number; required for discipline inspection.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    hazard_sector = forms.ModelChoiceField(label=_("Hazard: sector"), queryset=Sector.objects.all(), required=False)
    hazard_category = forms.ChoiceField(label=_("Hazard: category"), choices=[("", "—"), *HazardCategory.choices], required=False)
    hazard_enterprise = forms.CharField(
        label=_("Hazard: enterprise credit code"),
        max_length=18,
        required=False,
        help_text=_("Left empty for an ownerless hazard (the county government is then responsible)."),
    )
    hazard_jurisdiction = forms.ModelChoiceField(label=_("Hazard: place"), queryset=Jurisdiction.objects.none(), required=False)
    hazard_location = forms.CharField(label=_("Hazard: location"), max_length=300, required=False)

    def __init__(self, *args, finding: PatrolFinding, user, **kwargs):
        kwargs["initial"] = {"route": USUAL_ROUTE.get(finding.category), "routed_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.finding, self.user = finding, user
        patrol = finding.patrol
        self.fields["recipient"].queryset = Organization.objects.filter(
            jurisdiction__path__in={patrol.issuing_path, patrol.target.jurisdiction.path}, is_active=True
        ).order_by("jurisdiction__path", "sort_order", "name")
        target_path = patrol.target.jurisdiction.path
        self.fields["hazard_jurisdiction"].queryset = Jurisdiction.objects.filter(
            path__startswith=target_path, level__in=("county", "development_zone", "township")
        ).order_by("path")
        if finding.category != FindingCategory.MAJOR_HAZARD:
            for name in [n for n in self.fields if n.startswith("hazard_")]:
                del self.fields[name]
            self.fields["route"].choices = [c for c in DispositionRoute.choices if c[0] != DispositionRoute.HAZARD]

    def clean_hazard_enterprise(self):
        code = (self.cleaned_data.get("hazard_enterprise") or "").strip().upper()
        if not code:
            return None
        enterprise = Enterprise.objects.restrict(self.user, "view").filter(credit_code=code).select_related("jurisdiction").first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise in your scope has this credit code."))
        return enterprise

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "route": data["route"],
            "routed_on": data["routed_on"],
            "recipient": data.get("recipient"),
            "recipient_name": data.get("recipient_name", ""),
            "reference": data.get("reference", ""),
            "note": data.get("note", ""),
        }
        if data["route"] == DispositionRoute.HAZARD:
            kwargs["hazard"] = {
                "sector": data.get("hazard_sector"),
                "category": data.get("hazard_category"),
                "enterprise": data.get("hazard_enterprise"),
                "jurisdiction": data.get("hazard_jurisdiction"),
                "location": data.get("hazard_location", ""),
            }
        return kwargs


class RectifyForm(forms.Form):
    rectified_on = date_field(_("Rectified on"))
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleDocumentField(label=_("Evidence files"))

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"rectified_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class DispositionCloseForm(forms.Form):
    closed_on = date_field(_("Closed on"))
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"closed_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
