"""Forms: the monthly self-report, the public tip-off form and the office's triage of tips."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import AccountType
from hazards.choices import HazardCategory, HazardLevel
from hazards.services.reports import MAX_TIP_PHOTOS, TIP_OFF_LEVELS
from responsibility.choices import EnterpriseStatus
from responsibility.models import Enterprise, Jurisdiction, Sector

_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月|[-/.]\s*\d{1,2}\s*日?)?\s*$")


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (what ``<input type="month">`` sends; ``2025年3月`` and a full
    date are accepted too), cleaned to the first day of the month."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2025-03.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.input_type = "month"
        self.widget.attrs.setdefault("placeholder", "YYYY-MM")
        self.widget.attrs.setdefault("pattern", r"\d{4}-\d{2}")

    def to_python(self, value):
        if isinstance(value, date):
            return value.replace(day=1)
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH_RE.match(value)
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match.group(1)), int(match.group(2))
        if not (1 <= month <= 12 and 1900 <= year <= 2999):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(year, month, 1)

    def prepare_value(self, value):
        if isinstance(value, date):
            return value.strftime("%Y-%m")
        return value


class CreditCodeEnterpriseField(forms.ModelChoiceField):
    """An enterprise of the queryset, typed as its unified social credit code: a drop-down of
    every enterprise of a county would be unusable."""

    default_error_messages = {"invalid_choice": _("No enterprise in your scope has this unified social credit code.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "credit_code")
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "maxlength": 18})
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return super().to_python((value or "").strip().upper())

    def prepare_value(self, value):
        if isinstance(value, Enterprise):
            return value.credit_code
        return super().prepare_value(value)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; cleaned to a list (the service checks their content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


# --- Monthly self-report ----------------------------------------------------------------------


class SelfReportForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    month = MonthField(label=_("Month reported on"))
    none_found = forms.BooleanField(
        label=_("No hazards found this month"),
        required=False,
        help_text=_("Tick only if the self-check found nothing; then leave the counts at 0."),
    )
    hazards_found = forms.IntegerField(label=_("Hazards found"), min_value=0, max_value=100_000, required=False)
    hazards_rectified = forms.IntegerField(label=_("Hazards rectified"), min_value=0, max_value=100_000, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(self, *args, user, enterprise: Enterprise | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = (
            Enterprise.objects.restrict(user, "view")
            .exclude(status=EnterpriseStatus.CLOSED)
            .select_related("jurisdiction")
            .order_by("name", "pk")
        )
        self.fixed_enterprise = enterprise
        if enterprise is not None:
            # Chosen on the page before (the missing-reports list, the enterprise's own page).
            self.fields["enterprise"].queryset = queryset
            self.fields["enterprise"].widget = forms.HiddenInput()
        elif getattr(user, "account_type", None) == AccountType.ENTERPRISE:
            self.fields["enterprise"].queryset = queryset
        else:
            self.fields["enterprise"] = CreditCodeEnterpriseField(
                label=_("Enterprise (unified social credit code)"), queryset=queryset
            )

    def clean(self):
        data = super().clean()
        for name in ("hazards_found", "hazards_rectified"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


# --- Public tip-off ---------------------------------------------------------------------------


class TipOffForm(forms.Form):
    jurisdiction = forms.TypedChoiceField(label=_("Where"), coerce=int, choices=())
    place = forms.CharField(
        label=_("Place or enterprise"),
        max_length=200,
        help_text=_("The enterprise's name, or the street, village or landmark."),
    )
    description = forms.CharField(
        label=_("What you saw"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the danger is, since when, and anything that helps the inspectors find it."),
    )
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Only the office handling your tip sees it, in case they need to ask you something."),
    )
    photos = MultiplePhotoField(label=_("Photos (optional)"))
    # A honeypot: hidden from people (and from screen readers), filled in by form-filling bots.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, place_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [("", _("Choose the county or township")), *place_choices]
        self.fields["contact_phone"].widget.attrs.setdefault("inputmode", "tel")
        self.fields["photos"].help_text = gettext("Up to %(n)d JPG or PNG photos.") % {"n": MAX_TIP_PHOTOS}

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data.get("contact_phone", "").strip()
        if phone and not re.fullmatch(r"[0-9+\-() ]{5,32}", phone):
            raise forms.ValidationError(_("Enter a phone number with digits only (spaces, + and - are fine)."))
        return phone

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_TIP_PHOTOS:
            raise forms.ValidationError(_("Attach at most %(n)d photos.") % {"n": MAX_TIP_PHOTOS})
        return photos

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def jurisdiction_object(self) -> Jurisdiction | None:
        pk = self.cleaned_data.get("jurisdiction")
        return Jurisdiction.objects.filter(pk=pk, is_active=True, level__in=TIP_OFF_LEVELS).first() if pk else None


class TipOffLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off", "placeholder": "JB…"}),
    )


# --- Triage -----------------------------------------------------------------------------------


class TipOffConvertForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Jurisdiction.objects.none())
    enterprise = CreditCodeEnterpriseField(
        label=_("Enterprise (unified social credit code)"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_("Leave empty for an ownerless hazard: the county government is then responsible."),
    )
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.filter(is_active=True))
    category = forms.ChoiceField(label=_("Category"), choices=HazardCategory.choices)
    level = forms.ChoiceField(label=_("Level"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL)
    found_on = forms.DateField(label=_("Found on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = (
            Jurisdiction.objects.restrict(user, "view").filter(is_active=True, level__in=TIP_OFF_LEVELS).order_by("path")
        )
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view").exclude(status=EnterpriseStatus.CLOSED)

    def clean_found_on(self):
        found_on = self.cleaned_data["found_on"]
        if found_on > timezone.localdate():
            raise forms.ValidationError(_("The date found cannot be in the future."))
        return found_on


class TipOffDismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for dismissal"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The tipster sees this reason when checking the status: write it for them."),
    )
