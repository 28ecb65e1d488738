"""Forms of organised inspection work: campaigns, random draws and quarterly supervision rounds.

The forms collect input; the services (``inspections.services.campaigns/draws/rounds``) hold
the rules and their errors come back on these forms with what the user typed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.choices import DrawWeighting, InspectionKind, InspectionStatus
from inspections.draws import DEFAULT_RISK_WEIGHTS
from inspections.models import Inspection, RandomDraw, SupervisionRound
from inspections.services.campaigns import STAGES
from inspections.services.draws import DEFAULT_POOL_ROLES, POOL_ROLES, draw_rules
from inspections.services.rounds import quarter_bounds
from responsibility.choices import JurisdictionLevel, PostRole, RiskClass
from responsibility.models import Jurisdiction, Sector

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def programme_jurisdictions(user):
    """Where a user may run organised inspection work: their scope down to townships."""
    return (
        Jurisdiction.objects.restrict(user, "view")
        .exclude(level=JurisdictionLevel.VILLAGE)
        .filter(is_active=True)
        .order_by("path")
    )


def _jurisdiction_field(user) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(queryset=programme_jurisdictions(user), label=_("Jurisdiction"))
    field.label_from_instance = lambda j: f"{j.path} {j.name}"
    return field


class ProgrammeJurisdictionForm(forms.Form):
    """Step one for people whose scope has several roots: where the round is run."""

    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.none(), label=_("Jurisdiction"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"] = _jurisdiction_field(user)


# --- Campaigns --------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    self_check_start = forms.DateField(label=_("Enterprise self-check from"), widget=DATE_INPUT)
    self_check_end = forms.DateField(label=_("Enterprise self-check until"), widget=DATE_INPUT)
    sector_start = forms.DateField(label=_("Sector inspection from"), widget=DATE_INPUT)
    sector_end = forms.DateField(label=_("Sector inspection until"), widget=DATE_INPUT)
    local_start = forms.DateField(label=_("Local government supervision from"), widget=DATE_INPUT)
    local_end = forms.DateField(label=_("Local government supervision until"), widget=DATE_INPUT)
    guard_start = forms.DateField(label=_("Strict guard from"), widget=DATE_INPUT)
    guard_end = forms.DateField(label=_("Strict guard until"), widget=DATE_INPUT)
    expert_ratio_min = forms.IntegerField(
        label=_("Minimum share of experts or professionals in a team (%)"),
        min_value=0,
        max_value=100,
        initial=80,
        help_text=_("The seeds ask for at least 80%."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, campaign=None, **kwargs):
        if campaign is not None and "initial" not in kwargs:
            initial = {name: getattr(campaign, name) for name in ("name", "description")}
            for _stage, start, end in STAGES:
                initial[start], initial[end] = getattr(campaign, start), getattr(campaign, end)
            initial["expert_ratio_min"] = int(round(campaign.expert_ratio_min * 100))
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        if campaign is None:
            self.fields = {"jurisdiction": _jurisdiction_field(user), **self.fields}

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("jurisdiction", None)
        data["expert_ratio_min"] = (Decimal(data["expert_ratio_min"]) / 100).quantize(Decimal("0.01"))
        return data


# --- Random draws -----------------------------------------------------------------------------


class DrawForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    enterprise_count = forms.IntegerField(label=_("Enterprises to draw"), min_value=1, max_value=10_000)
    inspectors_per_enterprise = forms.IntegerField(label=_("Inspectors per enterprise"), min_value=1, max_value=10, initial=2)
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.filter(is_active=True).order_by("sort_order", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every sector."),
    )
    risk_classes = forms.MultipleChoiceField(
        label=_("Risk classes"),
        choices=RiskClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every risk class."),
    )
    only_operating = forms.BooleanField(label=_("Only operating enterprises"), required=False, initial=True)
    weighting = forms.ChoiceField(label=_("Weighting"), choices=DrawWeighting.choices, initial=DrawWeighting.RISK)
    weight_red = forms.IntegerField(label=_("Weight of red (major risk)"), min_value=0, max_value=100, initial=DEFAULT_RISK_WEIGHTS["red"])
    weight_orange = forms.IntegerField(
        label=_("Weight of orange (larger risk)"), min_value=0, max_value=100, initial=DEFAULT_RISK_WEIGHTS["orange"]
    )
    weight_yellow = forms.IntegerField(
        label=_("Weight of yellow (general risk)"), min_value=0, max_value=100, initial=DEFAULT_RISK_WEIGHTS["yellow"]
    )
    weight_blue = forms.IntegerField(label=_("Weight of blue (low risk)"), min_value=0, max_value=100, initial=DEFAULT_RISK_WEIGHTS["blue"])
    inspector_roles = forms.MultipleChoiceField(
        label=_("Inspector pool"),
        choices=[(str(r), PostRole(r).label) for r in POOL_ROLES],
        initial=[str(r) for r in DEFAULT_POOL_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Officials holding a current post of these roles in the jurisdiction."),
    )

    def __init__(self, *args, user, draw: RandomDraw | None = None, **kwargs):
        if draw is not None and "initial" not in kwargs:
            rules = draw.rules or {}
            weights = rules.get("weights") or DEFAULT_RISK_WEIGHTS
            kwargs["initial"] = {
                "name": draw.name,
                "enterprise_count": draw.enterprise_count,
                "inspectors_per_enterprise": draw.inspectors_per_enterprise,
                "sectors": rules.get("sectors", []),
                "risk_classes": rules.get("risk_classes", []),
                "only_operating": rules.get("only_operating", True),
                "weighting": draw.weighting,
                "inspector_roles": rules.get("inspector_roles", [str(r) for r in DEFAULT_POOL_ROLES]),
                **{f"weight_{k}": weights.get(k, 1) for k in RiskClass.values},
            }
        super().__init__(*args, **kwargs)
        if draw is None:
            self.fields = {"jurisdiction": _jurisdiction_field(user), **self.fields}

    def service_fields(self) -> dict:
        data = self.cleaned_data
        rules = draw_rules(
            sectors=data["sectors"],
            risk_classes=data["risk_classes"],
            only_operating=data["only_operating"],
            weights={k: data[f"weight_{k}"] for k in RiskClass.values},
            inspector_roles=data["inspector_roles"],
        )
        return {
            "name": data["name"],
            "enterprise_count": data["enterprise_count"],
            "inspectors_per_enterprise": data["inspectors_per_enterprise"],
            "weighting": data["weighting"],
            "rules": rules,
        }


# --- Quarterly supervision rounds -------------------------------------------------------------


def _this_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, _("Quarter %(n)d") % {"n": q}) for q in (1, 2, 3, 4)]
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    targets = forms.ModelMultipleChoiceField(
        label=_("Jurisdictions supervised"), queryset=Jurisdiction.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, jurisdiction: Jurisdiction, round_: SupervisionRound | None = None, **kwargs):
        if "initial" not in kwargs:
            if round_ is not None:
                kwargs["initial"] = {
                    "year": round_.year, "quarter": round_.quarter, "title": round_.title,
                    "targets": list(round_.targets.values_list("pk", flat=True)),
                }
            else:
                year, quarter = _this_quarter()
                children = list(jurisdiction.children.filter(is_active=True).values_list("pk", flat=True))
                kwargs["initial"] = {
                    "year": year, "quarter": quarter, "targets": children,
                    "title": _("%(place)s comprehensive safety supervision, %(year)d Q%(quarter)d")
                    % {"place": jurisdiction.name, "year": year, "quarter": quarter},
                }
        super().__init__(*args, **kwargs)
        keep = round_.targets.values("pk") if round_ is not None else []
        self.fields["targets"].queryset = Jurisdiction.objects.filter(
            Q(parent=jurisdiction, is_active=True) | Q(pk__in=keep)
        ).order_by("path")
        self.fields["targets"].label_from_instance = lambda j: j.name
        if round_ is not None:
            # Year and quarter identify the round; they are shown, not changed.
            for name in ("year", "quarter"):
                self.fields[name].disabled = True


class ProblemForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Jurisdiction.objects.none())
    description = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("Rectify by"), widget=DATE_INPUT)
    inspection = forms.ModelChoiceField(
        label=_("Found in the inspection"), queryset=Inspection.objects.none(), required=False, empty_label=_("None")
    )

    def __init__(self, *args, user, round_: SupervisionRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = round_.targets.order_by("path")
        self.fields["target"].label_from_instance = lambda j: j.name
        self.fields["inspection"].queryset = (
            Inspection.objects.restrict(user, "view").filter(supervision_round=round_).select_related("lead_official").order_by("-started_at")
        )
        self.fields["inspection"].label_from_instance = (
            lambda i: f"{i.code} · {timezone.localtime(i.started_at):%Y-%m-%d} · {i.lead_official.name}"
        )
        if "deadline" not in self.initial:
            self.initial["deadline"] = timezone.localdate() + datetime.timedelta(days=30)


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("How the problem was rectified"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The measures taken, who is responsible and the result; attach evidence to the linked hazard where there is one."),
    )


class ProblemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=())

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices


class LinkInspectionForm(forms.Form):
    inspection = forms.ModelChoiceField(label=_("Inspection"), queryset=Inspection.objects.none())

    def __init__(self, *args, user, round_: SupervisionRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = link_candidates(user, round_)
        self.fields["inspection"].label_from_instance = (
            lambda i: f"{i.code} · {timezone.localtime(i.started_at):%Y-%m-%d} · {i.jurisdiction.name} · {i.lead_official.name}"
            + ("" if i.status == InspectionStatus.SUBMITTED else f" ({i.get_status_display()})")
        )


def link_candidates(user, round_: SupervisionRound):
    """Inspections of quarterly comprehensive supervision in the round's quarter and targets
    that no round counts yet."""
    start, end = quarter_bounds(round_.year, round_.quarter)
    in_targets = Q(pk__in=[])
    for path in round_.targets.values_list("path", flat=True):
        in_targets |= Q(jurisdiction_path__startswith=path)
    return (
        Inspection.objects.restrict(user, "view")
        .filter(in_targets, kind=InspectionKind.QUARTERLY_SUPERVISION, supervision_round__isnull=True)
        .between(start, end)
        .select_related("jurisdiction", "lead_official")
        .order_by("-started_at")
    )


class StartVisitForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Jurisdiction visited"), queryset=Jurisdiction.objects.none())

    def __init__(self, *args, round_: SupervisionRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = round_.targets.order_by("path")
        self.fields["target"].label_from_instance = lambda j: j.name
