"""Forms of the assessment schemes: a new version, categories, indicators (with their rule
parameters as plain fields rather than JSON), grade bands and a jurisdiction's own veto
threshold. The services check the rules (sums, metric kinds, descending bands, frozen
versions); these forms only read what was typed and keep it on errors."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.choices import AccidentLevel, AccidentType, Grade, IndicatorKind, VetoEffect
from assessments.models import AssessmentScheme, Indicator, SchemeCategory
from responsibility.choices import JurisdictionLevel
from responsibility.models import Jurisdiction

POINTS = {"max_digits": 6, "decimal_places": 2}
POINTS_WIDGET = {"inputmode": "decimal", "step": "0.01", "min": "0"}
#: Grades that have a band (below the lowest one a unit is unqualified).
BANDED_GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.QUALIFIED)
#: Rule parameters with a field of their own; any other key is edited as JSON.
RATE_KEYS = ("full_at", "zero_at")
FILTER_KEYS = ("levels", "min_deaths", "types", "window")
WINDOWS = [("", _("The period (default)")), ("period", _("The period")), ("year", _("The year so far"))]


def metric_choices() -> list[tuple[str, str]]:
    from assessments.metrics import COUNT, METRICS, RATE

    rates = [(m.key, str(m.label)) for m in METRICS.values() if m.unit == RATE]
    counts = [(m.key, str(m.label)) for m in METRICS.values() if m.unit == COUNT]
    return [("", "—"), (str(_("Rates (computed items)")), rates), (str(_("Counts (deductions and vetoes)")), counts)]


def _scope_jurisdictions(user, levels):
    return Jurisdiction.objects.restrict(user, "view").filter(level__in=levels, is_active=True).order_by("path")


class SchemeNewVersionForm(forms.Form):
    """A new version of a scheme. A safety office adapting one of the platform's default
    schemes makes it its own jurisdiction's: then ``jurisdiction`` says whose."""

    jurisdiction = forms.ModelChoiceField(
        label=_("Kept by"), queryset=Jurisdiction.objects.none(), required=False,
        help_text=_("For a platform default scheme: the level that will keep its own version."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False, help_text=_("Leave empty to keep the name."))

    def __init__(self, *args, user, scheme: AssessmentScheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        if scheme.jurisdiction_id is None:
            field = self.fields["jurisdiction"]
            field.queryset = _scope_jurisdictions(
                user, (JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE)
            )
            field.required = not user.is_superuser
            from responsibility.scope import single_scope_root

            root = single_scope_root(user)
            if root is not None and not self.is_bound:
                field.initial = root.pk
        else:
            del self.fields["jurisdiction"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"jurisdiction": data.get("jurisdiction"), "name": data.get("name", "")}


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    max_points = forms.DecimalField(label=_("Maximum points"), min_value=0, **POINTS, widget=forms.NumberInput(attrs=POINTS_WIDGET))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, required=False, help_text=_("Empty: after the others."))

    def __init__(self, *args, category: SchemeCategory | None = None, **kwargs):
        if category is not None:
            kwargs.setdefault("initial", {"name": category.name, "max_points": category.max_points, "position": category.position})
        super().__init__(*args, **kwargs)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("position") is None:
            data.pop("position", None)
        return data


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    max_points = forms.DecimalField(
        label=_("Maximum points"), min_value=0, initial=0, **POINTS, widget=forms.NumberInput(attrs=POINTS_WIDGET),
        help_text=_("For computed, manual and bonus items; 0 for deductions and vetoes."),
    )
    metric = forms.ChoiceField(label=_("Computed from"), required=False, help_text=_("Computed items use a rate; deductions and vetoes a count."))
    full_at = forms.DecimalField(
        label=_("Full points at (%)"), required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2,
        help_text=_("Computed items: the rate that earns all the points (default 100%)."),
    )
    zero_at = forms.DecimalField(
        label=_("No points at (%)"), required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2,
        help_text=_("Computed items: the rate at or below which no points are earned (default 0%)."),
    )
    points_each = forms.DecimalField(
        label=_("Points per occurrence"), required=False, min_value=0, **POINTS, widget=forms.NumberInput(attrs=POINTS_WIDGET),
        help_text=_("Deductions: e.g. 50 per fatal accident."),
    )
    cap = forms.DecimalField(
        label=_("Largest deduction"), required=False, min_value=0, **POINTS, widget=forms.NumberInput(attrs=POINTS_WIDGET),
        help_text=_("Deductions: empty for no cap."),
    )
    levels = forms.MultipleChoiceField(
        label=_("Accident levels counted"), choices=AccidentLevel.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Deductions and vetoes on accidents: empty counts every level."),
    )
    min_deaths = forms.IntegerField(label=_("At least this many deaths"), required=False, min_value=0)
    types = forms.MultipleChoiceField(
        label=_("Accident types counted"), choices=AccidentType.choices, required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("Empty counts every type."),
    )
    window = forms.ChoiceField(label=_("Counted over"), choices=WINDOWS, required=False)
    threshold = forms.IntegerField(
        label=_("Veto threshold"), required=False, min_value=1,
        help_text=_("Vetoes: the effect applies at this many occurrences or more (jurisdictions may have their own)."),
    )
    veto_effect = forms.ChoiceField(label=_("Veto effect"), choices=[("", "—"), *VetoEffect.choices], required=False)
    evidence_required = forms.BooleanField(label=_("Evidence required"), required=False)
    guidance = forms.CharField(label=_("How it is scored"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, required=False, help_text=_("Empty: after the others."))
    other_params = forms.CharField(
        label=_("Other rule parameters (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "mono"}),
        help_text=_('Rarely needed, e.g. {"thresholds_by_code": {"350582": 2}}.'),
    )

    def __init__(self, *args, indicator: Indicator | None = None, **kwargs):
        if indicator is not None:
            params = dict(indicator.params or {})
            initial = {
                name: getattr(indicator, name)
                for name in ("code", "name", "kind", "max_points", "metric", "points_each", "cap", "threshold", "veto_effect",
                             "evidence_required", "guidance", "position")
            }
            for key in RATE_KEYS:
                if key in params:
                    initial[key] = Decimal(str(params.pop(key))) * 100
            for key in FILTER_KEYS:
                if key in params:
                    initial[key] = params.pop(key)
            initial["other_params"] = json.dumps(params, ensure_ascii=False) if params else ""
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices()

    def clean_other_params(self) -> dict:
        text = (self.cleaned_data.get("other_params") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Not valid JSON: write an object such as {\"key\": value}.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Write an object such as {\"key\": value}."))
        return value

    def params(self) -> dict:
        data = self.cleaned_data
        params = dict(data.get("other_params") or {})
        kind = data.get("kind")
        if kind == IndicatorKind.COMPUTED:
            for key in RATE_KEYS:
                if data.get(key) is not None:
                    params[key] = float(Decimal(data[key]) / 100)
        if kind in (IndicatorKind.DEDUCTION, IndicatorKind.VETO):
            if data.get("levels"):
                params["levels"] = list(data["levels"])
            if data.get("min_deaths"):
                params["min_deaths"] = data["min_deaths"]
            if data.get("types"):
                params["types"] = list(data["types"])
            if data.get("window"):
                params["window"] = data["window"]
        return params

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data.get(name)
            for name in ("code", "name", "kind", "max_points", "metric", "points_each", "cap", "threshold", "veto_effect",
                         "evidence_required", "guidance", "position")
        }
        fields["max_points"] = fields["max_points"] if fields["max_points"] is not None else Decimal(0)
        fields["params"] = self.params()
        if fields["position"] is None:
            fields.pop("position")
        return fields


class GradeBandsForm(forms.Form):
    """The lowest total of each grade; below the lowest band a unit is unqualified."""

    def __init__(self, *args, scheme: AssessmentScheme, **kwargs):
        super().__init__(*args, **kwargs)
        current = {band.grade: band.min_total for band in scheme.grade_bands.all()}
        labels = dict(Grade.choices)
        for grade in BANDED_GRADES:
            self.fields[grade] = forms.DecimalField(
                label=_("%(grade)s from") % {"grade": labels[grade]}, required=False, min_value=0, **POINTS,
                initial=current.get(grade), widget=forms.NumberInput(attrs=POINTS_WIDGET),
            )

    def bands(self) -> dict[str, Decimal]:
        return {grade: self.cleaned_data.get(grade) for grade in BANDED_GRADES if self.cleaned_data.get(grade) is not None}


class ThresholdForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Jurisdiction.objects.none())
    threshold = forms.IntegerField(
        label=_("Its own threshold"), required=False, min_value=1, help_text=_("Empty removes the jurisdiction's own threshold."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from core.access import get_scope

        levels = [JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE]
        scope = get_scope(user)
        # Townships only up to a city's scope: a province's 1,300 would make the list unusable.
        if not scope.unrestricted and all(len(p) >= 4 for p in scope.paths):
            levels.append(JurisdictionLevel.TOWNSHIP)
        self.fields["jurisdiction"].queryset = _scope_jurisdictions(user, levels)
