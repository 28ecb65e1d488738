"""Forms of the assessment rounds: opening a round, moving it along its workflow, entering a
manual or bonus score, the assessed unit's self-evaluation and the record of the results
sent to the organization department. The rules (maximum points, required evidence, what
each status allows) are the services'; these forms only read what was typed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import IndicatorKind, PeriodKind
from assessments.models import AssessmentRound, AssessmentScheme, RoundTarget, Score
from assessments.workflow import Transition
from responsibility.choices import JurisdictionLevel, OrganizationFunction
from responsibility.models import Jurisdiction, Organization

DATE_WIDGET = {"type": "date"}
POINTS_WIDGET = {"inputmode": "decimal", "step": "0.01", "min": "0"}

#: Levels that run rounds over the levels below them.
ASSESSING_LEVELS = (JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE)
#: Levels whose governments can be assessed.
ASSESSED_LEVELS = [
    (level, label)
    for level, label in JurisdictionLevel.choices
    if level in (JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE, JurisdictionLevel.TOWNSHIP)
]


class SchemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, scheme: AssessmentScheme) -> str:
        return f"{scheme.name} v{scheme.version} · {scheme.get_target_kind_display()} · {scheme.get_period_kind_display()}"


class RoundCreateForm(forms.Form):
    scheme = SchemeChoiceField(label=_("Scheme"), queryset=AssessmentScheme.objects.none())
    jurisdiction = forms.ModelChoiceField(
        label=_("Assessing level"),
        queryset=Jurisdiction.objects.none(),
        help_text=_("The level whose safety committee office runs the round."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", _("— (annual round)"))] + [(q, _("Quarter %(n)d") % {"n": q}) for q in (1, 2, 3, 4)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("For a quarterly scheme; leave empty for an annual scheme."),
    )
    target_levels = forms.MultipleChoiceField(
        label=_("Governments assessed"),
        choices=ASSESSED_LEVELS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For schemes assessing lower-level governments: which levels below. Empty: the level just below."),
    )
    self_evaluation_until = forms.DateField(
        label=_("Self-evaluation until"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        help_text=_("Optional: the day the assessed units' self-evaluations are due."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["scheme"].queryset = (
            AssessmentScheme.objects.restrict(user, "view").filter(is_active=True).order_by("target_kind", "period_kind", "name", "-version")
        )
        jurisdictions = Jurisdiction.objects.restrict(user, "view").filter(level__in=ASSESSING_LEVELS, is_active=True).order_by("path")
        self.fields["jurisdiction"].queryset = jurisdictions
        from responsibility.scope import single_scope_root

        root = single_scope_root(user)
        if root is not None and not self.is_bound:
            self.fields["jurisdiction"].initial = root.pk
        if not self.is_bound:
            # A quarter is usually assessed once it is over: the last finished quarter.
            today = timezone.localdate()
            quarter = (today.month - 1) // 3
            self.fields["year"].initial = today.year if quarter else today.year - 1
            self.fields["quarter"].initial = quarter or 4

    def clean(self):
        data = super().clean()
        scheme = data.get("scheme")
        # Say it here next to the field rather than as the model's constraint message.
        if scheme is not None and scheme.period_kind == PeriodKind.QUARTERLY and not data.get("quarter"):
            self.add_error("quarter", _("A quarterly scheme needs the quarter."))
        if scheme is not None and scheme.period_kind == PeriodKind.ANNUAL and data.get("quarter"):
            self.add_error("quarter", _("An annual scheme has no quarter: leave it empty."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "scheme": data["scheme"],
            "jurisdiction": data["jurisdiction"],
            "year": data["year"],
            "quarter": data.get("quarter"),
            "target_levels": list(data.get("target_levels") or []) or None,
            "self_evaluation_until": data.get("self_evaluation_until"),
        }


class RoundTransitionForm(forms.Form):
    """One step of the round's workflow. ``expected_status`` is the status the page showed: a
    stale page gets the conflict message instead of acting on a state nobody saw."""

    expected_status = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, transition: Transition, round_: AssessmentRound, **kwargs):
        kwargs.setdefault("prefix", transition.action)
        kwargs.setdefault("initial", {"expected_status": round_.status})
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.comment_required:
            self.fields["comment"].required = True
            self.fields["comment"].label = _("Reason (kept in the round's history)")

    def service_kwargs(self) -> dict:
        return {"comment": self.cleaned_data.get("comment", ""), "expected_status": self.cleaned_data["expected_status"]}


class ScoreForm(forms.Form):
    """Points and evidence of a manual or bonus item. ``expected_version`` is the version of the
    score the page showed: if someone saved it meanwhile, nothing is overwritten."""

    points = forms.DecimalField(label=_("Points"), max_digits=7, decimal_places=2, required=False, widget=forms.NumberInput(attrs=POINTS_WIDGET))
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, score: Score, **kwargs):
        kwargs.setdefault("prefix", f"score-{score.pk}")
        kwargs.setdefault("initial", {"points": score.points, "evidence": score.evidence, "expected_version": score.lock_version})
        super().__init__(*args, **kwargs)
        self.score = score
        indicator = score.indicator
        self.fields["points"].widget.attrs["max"] = str(indicator.max_points)
        self.fields["points"].help_text = _("0 to %(max)s") % {"max": indicator.max_points}
        if indicator.evidence_required:
            self.fields["evidence"].label = _("Evidence (required)")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"points": data.get("points"), "evidence": data.get("evidence", ""), "expected_version": data["expected_version"]}
        if data.get("evidence_file"):
            kwargs["evidence_file"] = data["evidence_file"]
        return kwargs


class SelfEvaluationForm(forms.Form):
    """The assessed unit's own points and evidence for each item staff score by hand, and a
    note on the whole."""

    note = forms.CharField(
        label=_("Summary of the self-evaluation"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, target: RoundTarget, scores: list[Score], **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.scores = [s for s in scores if s.indicator.kind in (IndicatorKind.MANUAL, IndicatorKind.BONUS)]
        if not self.is_bound:
            self.fields["note"].initial = target.self_evaluation_note
        self.rows = []
        for score in self.scores:
            points_name, evidence_name = f"points_{score.pk}", f"evidence_{score.pk}"
            self.fields[points_name] = forms.DecimalField(
                label=_("Own points"),
                max_digits=7,
                decimal_places=2,
                required=False,
                initial=score.self_points,
                widget=forms.NumberInput(attrs={**POINTS_WIDGET, "max": str(score.indicator.max_points)}),
                help_text=_("0 to %(max)s") % {"max": score.indicator.max_points},
            )
            self.fields[evidence_name] = forms.CharField(
                label=_("What shows it"), required=False, initial=score.self_evidence, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.order_fields([name for s in self.scores for name in (f"points_{s.pk}", f"evidence_{s.pk}")] + ["note"])

    def score_rows(self):
        """(score, points field, evidence field) for the template."""
        return [(s, self[f"points_{s.pk}"], self[f"evidence_{s.pk}"]) for s in self.scores]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        # The service takes the scores by indicator id.
        return {
            "scores": {s.indicator_id: (data.get(f"points_{s.pk}"), data.get(f"evidence_{s.pk}") or "") for s in self.scores},
            "note": data.get("note", ""),
        }


class TransmissionForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Sent to"), queryset=Organization.objects.none())
    sent_on = forms.DateField(label=_("Sent on"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    reference = forms.CharField(label=_("Letter reference"), max_length=100, required=False)

    def __init__(self, *args, round_: AssessmentRound, **kwargs):
        super().__init__(*args, **kwargs)
        # The results go to the assessing level's organization department (组织部).
        organizations = Organization.objects.filter(
            jurisdiction_id=round_.jurisdiction_id, is_active=True, function=OrganizationFunction.ORGANIZATION
        ).order_by("sort_order", "name")
        self.fields["organization"].queryset = organizations
        if not self.is_bound:
            self.fields["organization"].initial = round_.transmitted_to_id or organizations.values_list("pk", flat=True).first()
            self.fields["sent_on"].initial = round_.transmitted_on or timezone.localdate()
            self.fields["reference"].initial = round_.transmission_reference
