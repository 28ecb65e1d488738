"""Forms: risk points (with the method picker), retirement, re-identification rounds and the
review of one point in a round. The grade of LEC and L×S points is never typed: the service
computes it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db.models import Q
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from hazards.choices import AccidentType, GradingMethod, ReviewOutcome, RiskGrade
from hazards.models import RiskPoint, RiskReviewRound
from hazards.services.risk import METHOD_INPUTS, ROUND_LEVELS, SCORE_INPUTS, current_half
from responsibility.choices import JurisdictionLevel
from responsibility.models import Enterprise, Jurisdiction, Sector

_COORDINATE_PLACES = Decimal("0.000001")

LS_CHOICES = [("", "—"), *((i, str(i)) for i in range(1, 6))]

#: Indentation of a jurisdiction in a drop-down, by the length of its path.
_DEPTH = {2: 0, 4: 1, 6: 2, 9: 3, 12: 4}


def jurisdiction_label(jurisdiction: Jurisdiction) -> str:
    return "\u3000" * _DEPTH.get(len(jurisdiction.path), 0) + jurisdiction.name


def _grading_widgets(fields) -> None:
    """The method picker and the score inputs; ``data-method`` tells the page script which
    inputs belong to which method, so only the relevant ones are shown."""
    fields["method"].widget = forms.RadioSelect(choices=GradingMethod.choices)
    fields["method"].widget.attrs["data-method-picker"] = ""
    hints = {
        "lec_l": _("Usual values: 10 (fully expected), 6, 3, 1, 0.5, 0.2, 0.1 (practically impossible)."),
        "lec_e": _("Usual values: 10 (continuous), 6, 3, 2, 1, 0.5 (very rare)."),
        "lec_c": _("Usual values: 100 (catastrophic, many deaths), 40, 15, 7, 3, 1 (minor injury)."),
        "ls_l": _("1 (very unlikely) to 5 (almost certain)."),
        "ls_s": _("1 (negligible) to 5 (catastrophic)."),
    }
    for name in ("lec_l", "lec_e", "lec_c"):
        field = fields[name]
        field.widget = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "data-method": "lec"})
        field.help_text = hints[name]
        field.required = False
    for name in ("ls_l", "ls_s"):
        field = fields[name]
        field.widget = forms.Select(choices=LS_CHOICES, attrs={"data-method": "ls"})
        field.help_text = hints[name]
        field.required = False
    grade = fields["grade"]
    grade.required = False
    grade.widget = forms.Select(choices=[("", "—"), *RiskGrade.choices], attrs={"data-method": "direct"})
    grade.help_text = _("Only when the grade is determined directly; LEC and L×S grades are computed.")


def grading_values(cleaned: dict) -> dict:
    """The grading fields the chosen method uses (the others are left out, so they neither
    count as changes nor reach the service)."""
    method = cleaned.get("method")
    values = {"method": method}
    for name in METHOD_INPUTS.get(method, ()):
        values[name] = cleaned.get(name)
    if method == GradingMethod.DIRECT:
        values["grade"] = cleaned.get("grade") or None
    return values


class _CoordinateField(forms.DecimalField):
    """Any number of decimals (a phone's position has many), rounded to the stored six."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def clean(self, value):
        value = super().clean(value)
        return None if value is None else value.quantize(_COORDINATE_PLACES, rounding=ROUND_HALF_UP)


class RiskPointForm(forms.ModelForm):
    enterprise_ref = forms.CharField(
        label=_("Enterprise"),
        required=False,
        max_length=200,
        help_text=_("Unified social credit code or full name. Empty for a public place (a slope, a bridge, a reservoir …)."),
    )
    accident_types = forms.MultipleChoiceField(
        label=_("Possible accident types"),
        choices=AccidentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    latitude = _CoordinateField(label=_("Latitude"), help_text=_("Decimal degrees, e.g. 24.781"))
    longitude = _CoordinateField(label=_("Longitude"), help_text=_("Decimal degrees, e.g. 118.552"))

    class Meta:
        model = RiskPoint
        fields = [
            "name", "enterprise_ref", "jurisdiction", "sector", "location", "latitude", "longitude",
            "hazard_factors", "accident_types", "controls", "responsible_person", "responsible_phone",
            "management_level", "identified_on", "method", "lec_l", "lec_e", "lec_c", "ls_l", "ls_s", "grade",
        ]
        widgets = {
            "identified_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "hazard_factors": forms.Textarea(attrs={"rows": 3}),
            "controls": forms.Textarea(attrs={"rows": 3}),
            "responsible_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    #: Field groups of the page, in order.
    PLACE_FIELDS = ("name", "enterprise_ref", "jurisdiction", "sector", "location", "latitude", "longitude")
    RISK_FIELDS = (
        "hazard_factors", "accident_types", "controls", "responsible_person", "responsible_phone",
        "management_level", "identified_on",
    )
    GRADING_FIELDS = ("method", "lec_l", "lec_e", "lec_c", "ls_l", "ls_s", "grade")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        jurisdiction = self.fields["jurisdiction"]
        visible = Q(
            pk__in=Jurisdiction.objects.restrict(user, "view")
            .filter(
                level__in=[
                    JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE,
                    JurisdictionLevel.TOWNSHIP,
                ],
                is_active=True,
            )
            .values("pk")
        )
        if self.instance.pk:
            visible |= Q(pk=self.instance.jurisdiction_id)  # a village stays choosable when editing
        jurisdiction.queryset = Jurisdiction.objects.filter(visible).order_by("path")
        jurisdiction.label_from_instance = jurisdiction_label
        jurisdiction.required = False
        jurisdiction.help_text = _("Empty: where the enterprise is registered.")
        sector = self.fields["sector"]
        sector.queryset = Sector.objects.filter(is_active=True)
        sector.required = False
        sector.help_text = _("Empty: the enterprise's sector.")
        self.fields["identified_on"].required = False
        _grading_widgets(self.fields)
        if self.instance.pk and not self.is_bound:
            enterprise = self.instance.enterprise
            self.initial["enterprise_ref"] = enterprise.credit_code if enterprise else ""

    def clean_enterprise_ref(self):
        ref = self.cleaned_data.get("enterprise_ref", "").strip()
        self.enterprise = None
        if not ref:
            return ""
        visible = Enterprise.objects.restrict(self.user, "view").select_related("jurisdiction", "sector")
        enterprise = visible.filter(credit_code=ref.upper()).first()
        if enterprise is None:
            matches = list(visible.filter(name=ref)[:2])
            if len(matches) > 1:
                raise forms.ValidationError(_("Several enterprises have this name; give the credit code."))
            enterprise = matches[0] if matches else None
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise in your scope has this credit code or name."))
        self.enterprise = enterprise
        return ref

    def validate_unique(self) -> None:
        # Uniqueness and the grade are the service's to check, inside its transaction.
        pass

    def _post_clean(self):
        # The model's own checks (the grade is required there) run in the service, after the
        # grade has been computed; the form only converts the input.
        pass

    def service_fields(self) -> dict:
        cleaned = self.cleaned_data
        data = {name: cleaned.get(name) for name in (*self.PLACE_FIELDS, *self.RISK_FIELDS) if name != "enterprise_ref"}
        data["enterprise"] = getattr(self, "enterprise", None)
        for optional in ("jurisdiction", "sector", "identified_on"):
            if not data.get(optional):
                data.pop(optional)
        data.update(grading_values(cleaned))
        return data


class RiskPointRetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the workshop was demolished, or the hazard source was removed."),
    )


class RiskRoundOpenForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("City or county"), queryset=Jurisdiction.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("Half-year"), choices=RiskReviewRound._meta.get_field("half").choices, coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        field.queryset = (
            Jurisdiction.objects.restrict(user, "view").filter(level__in=ROUND_LEVELS, is_active=True).order_by("path")
        )
        field.label_from_instance = jurisdiction_label
        year, half = current_half()
        self.fields["year"].initial = year
        self.fields["half"].initial = half
        field.initial = field.queryset.first() if len(field.queryset[:2]) == 1 else None


class RiskPointReviewForm(forms.Form):
    """Confirm, change or retire one point. The new values are used only for "changed"; the
    inline "confirm" button on the round's page posts the outcome alone."""

    CHANGE_FIELDS = (
        "hazard_factors", "accident_types", "controls", "responsible_person", "responsible_phone",
        "management_level", "method", "lec_l", "lec_e", "lec_c", "ls_l", "ls_s", "grade",
    )

    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the point is retired: the reason."),
    )

    def __init__(self, *args, risk_point: RiskPoint, **kwargs):
        kwargs.setdefault("initial", {})
        for name in self.CHANGE_FIELDS:
            kwargs["initial"].setdefault(name, getattr(risk_point, name))
        super().__init__(*args, **kwargs)
        self.risk_point = risk_point
        self.fields.update(fields_for_model(RiskPoint, fields=list(self.CHANGE_FIELDS)))
        self.fields["accident_types"] = forms.MultipleChoiceField(
            label=_("Possible accident types"), choices=AccidentType.choices, required=False, widget=forms.CheckboxSelectMultiple
        )
        self.fields["hazard_factors"].widget = forms.Textarea(attrs={"rows": 3})
        self.fields["controls"].widget = forms.Textarea(attrs={"rows": 3})
        for name in self.CHANGE_FIELDS:
            self.fields[name].required = False
        _grading_widgets(self.fields)
        self.fields["outcome"].widget.attrs["data-outcome-picker"] = ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == ReviewOutcome.CHANGED:
            for name in ("hazard_factors", "method", "management_level"):
                if not cleaned.get(name):
                    self.add_error(name, _("This field is required."))
        return cleaned

    def service_fields(self) -> dict:
        cleaned = self.cleaned_data
        data = {"outcome": cleaned["outcome"], "note": cleaned.get("note", "")}
        if cleaned["outcome"] == ReviewOutcome.CHANGED:
            grading = grading_values(cleaned)
            changes = {name: cleaned.get(name) for name in self.CHANGE_FIELDS if name not in (*SCORE_INPUTS, "method", "grade")}
            changes.update(grading)
            data.update(changes)
        return data
