"""Forms: enterprises, their import and accounts, and the sector mapping."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import AccountType
from responsibility.choices import DEPARTMENT_KINDS, JurisdictionLevel
from responsibility.models import Enterprise, Organization, Sector
from responsibility.services.enterprises import DEPARTMENT_LEVELS, normalise_credit_code
from responsibility.validators import credit_code_error


def _department_queryset():
    return (
        Organization.objects.filter(kind__in=DEPARTMENT_KINDS, jurisdiction__level__in=DEPARTMENT_LEVELS, is_active=True)
        .select_related("jurisdiction")
        .order_by("jurisdiction__path", "sort_order", "name")
    )


class EnterpriseForm(forms.ModelForm):
    """Fields of the enterprise plus its supervising departments. The choices hold what the
    user may see; which of them fit the chosen township is the service's rule, and its errors
    come back next to the fields."""

    primary_department = forms.ModelChoiceField(
        label=_("Primary supervising department"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("The department of the county or city that supervises it. Left empty, the enterprise shows as a gap in coverage."),
    )
    other_departments = forms.ModelMultipleChoiceField(
        label=_("Other supervising departments"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Departments that also supervise it (overlap is allowed)."),
    )

    class Meta:
        model = Enterprise
        fields = [
            "credit_code", "name", "jurisdiction", "sector", "scale", "risk_class", "status", "address",
            "legal_representative", "safety_contact", "contact_phone", "employees", "accident_count",
            "last_accident_on", "is_weak", "latitude", "longitude",
        ]
        widgets = {
            "last_accident_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "credit_code": forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "maxlength": 18}),
        }

    def __init__(self, *args, user, **kwargs):
        # Not ScopedFormMixin: sectors are reference data without a jurisdiction.
        super().__init__(*args, **kwargs)
        self.user = user
        jurisdiction = self.fields["jurisdiction"]
        jurisdiction.queryset = (
            jurisdiction.queryset.restrict(user, "view")
            .filter(level__in=[JurisdictionLevel.TOWNSHIP, JurisdictionLevel.VILLAGE], is_active=True)
            .select_related("parent")
            .order_by("path")
        )
        jurisdiction.label_from_instance = lambda j: j.name if j.level == JurisdictionLevel.TOWNSHIP else f"{j.parent.name} · {j.name}"
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True)
        visible = _department_queryset().restrict(user, "view")
        if self.instance.pk:
            # Departments already supervising it stay choices even when the user cannot see
            # them, so that saving the form does not silently drop them.
            current = self.instance.supervisions.values("organization_id")
            visible = _department_queryset().filter(Q(pk__in=visible.values("pk")) | Q(pk__in=current))
        for name in ("primary_department", "other_departments"):
            self.fields[name].queryset = visible
        self.fields["other_departments"].widget.attrs["size"] = 6
        # The model validates the code too; the service's message on duplicates is the clearer one.
        self.fields["credit_code"].validators = []
        if self.instance.pk and not self.is_bound:
            self.initial["primary_department"] = self.instance.primary_department
            self.initial["other_departments"] = self.instance.other_departments

    def clean_credit_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data.get("credit_code"))
        error = credit_code_error(code)
        if error:
            raise forms.ValidationError(error)
        return code

    def validate_unique(self) -> None:
        # Uniqueness is the service's to check, inside its transaction.
        pass

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("Enterprise list"),
        help_text=_("CSV or XLSX with the columns below (Chinese headers accepted). An exported list can be imported back."),
    )


class EnterpriseAccountForm(forms.Form):
    username = forms.CharField(label=_("Username of the enterprise account"), max_length=150)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, account_type=AccountType.ENTERPRISE, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active enterprise account has this username."))
        self.account = user
        return username


class SectorResponsibilityForm(forms.Form):
    lead = forms.ModelChoiceField(
        label=_("Lead department"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Left empty together with the others, the sector has no responsible department: a gap."),
    )
    others = forms.ModelMultipleChoiceField(
        label=_("Other responsible departments"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Departments sharing the duty (overlap is allowed)."),
    )
    basis = forms.CharField(label=_("Basis"), max_length=300, required=False, help_text=_("The document assigning the duty."))

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Organization.objects.filter(jurisdiction=jurisdiction, kind__in=DEPARTMENT_KINDS, is_active=True).order_by(
            "sort_order", "name"
        )
        self.fields["lead"].queryset = departments
        self.fields["others"].queryset = departments
