"""Forms and filters of accountability decisions, duty-performance dossiers and trace-back.

A province holds tens of thousands of officials and millions of hazards, so the choices are not
listed in full: officials and units are offered after a name search (the page's "who" box, a
GET form that works without JavaScript), accidents and patrol findings as the latest of the
scope plus the one chosen, a hazard by its reference number. Every choice is limited to what the
user may see; the services check again inside their transaction.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import AccountabilityMeasure, AccountabilityModifier, DossierStatus
from assessments.models import Accident, AccountabilityDecision, DutyDossier
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.models import Official, Organization

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
#: How many search matches (officials, units) and recent records a form offers.
SHOWN = 20
RECENT = 30


class ShownChoicesField(forms.ModelChoiceField):
    """Accepts any object of its queryset, but renders only ``shown`` as options."""

    def __init__(self, *args, **kwargs):
        self.shown = None
        super().__init__(*args, **kwargs)

    @property
    def choices(self):
        if self.shown is None:
            return super().choices
        return [("", self.empty_label or "")] + [(self.prepare_value(obj), self.label_from_instance(obj)) for obj in self.shown]

    @choices.setter
    def choices(self, value):
        forms.ChoiceField.choices.fset(self, value)


def official_label(official: Official) -> str:
    posts = getattr(official, "current_post_list", None)
    if posts:
        return f"{official.name}（{posts[0].organization.name} {posts[0].title or posts[0].get_role_display()}）"
    return f"{official.name}（{official.registered_in.name}）"


def accident_label(accident: Accident) -> str:
    return f"{accident.code} {accident.title}（{timezone.localtime(accident.occurred_at):%Y-%m-%d}）"


def finding_label(finding) -> str:
    return f"{finding.patrol.code}-{finding.number} {finding.title}（{finding.responsible_name or '—'}）"


def dossier_label(dossier: DutyDossier) -> str:
    return f"{dossier.official.name} {dossier.period_start:%Y-%m-%d}—{dossier.period_end:%Y-%m-%d}"


def _chosen_id(form, name: str):
    raw = form.data.get(form.add_prefix(name)) if form.is_bound else form.initial.get(name)
    if hasattr(raw, "pk"):
        return raw.pk
    return int(raw) if raw not in (None, "") and str(raw).isdigit() else None


def _with_posts(officials):
    from django.db.models import Prefetch

    from responsibility.models import Post

    return officials.select_related("registered_in").prefetch_related(
        Prefetch("posts", queryset=Post.objects.current().select_related("organization").order_by("pk"), to_attr="current_post_list")
    )


def search_officials(user, query: str, limit: int = SHOWN):
    query = (query or "").strip()
    if not query:
        return []
    return list(_with_posts(Official.objects.restrict(user, "view").filter(name__icontains=query)).order_by("name", "pk")[:limit])


def search_units(user, query: str, limit: int = SHOWN):
    query = (query or "").strip()
    if not query:
        return []
    return list(
        Organization.objects.restrict(user, "view").filter(Q(name__icontains=query) | Q(short_name__icontains=query))
        .select_related("jurisdiction").order_by("jurisdiction__path", "sort_order", "name")[:limit]
    )


class DecisionForm(forms.ModelForm):
    """Record or correct a decision. ``who`` is the name searched on the page."""

    hazard_code = forms.CharField(
        label=_("Hazard (reference number)"), required=False, max_length=32,
        help_text=_("The hazard the decision answers for, e.g. YH202600000123."),
    )
    expected_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AccountabilityDecision
        fields = [
            "official", "organization", "post_title", "measure", "decided_on", "decided_by", "document_reference", "grounds",
            "accident", "patrol_finding", "modifier", "modifier_reason", "lifelong", "dossier",
        ]
        field_classes = {
            "official": ShownChoicesField,
            "organization": ShownChoicesField,
            "accident": ShownChoicesField,
            "patrol_finding": ShownChoicesField,
            "dossier": ShownChoicesField,
        }
        widgets = {
            "decided_on": forms.DateInput(**DATE_WIDGET),
            "grounds": forms.Textarea(attrs={"rows": 4}),
            "modifier_reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "post_title": _("Left empty: taken from the official's posts on the decision date."),
            "organization": _("Left empty: the official's unit on the decision date."),
            "dossier": _("For an exemption: the official's duty-performance dossier that shows the duties were performed."),
        }

    def __init__(self, *args, user, who: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from patrols.models import PatrolFinding

        self.user = user
        f = self.fields
        f["measure"].choices = AccountabilityMeasure.choices
        f["modifier"].choices = AccountabilityModifier.choices
        f["modifier"].required = False

        officials = Official.objects.restrict(user, "view")
        f["official"].queryset = _with_posts(officials)
        f["official"].label_from_instance = official_label
        chosen = _chosen_id(self, "official")
        shown = list(_with_posts(officials.filter(pk=chosen))) if chosen else []
        f["official"].shown = shown + [o for o in search_officials(user, who) if o.pk != chosen]
        f["official"].empty_label = _("— search a name above —")

        units = Organization.objects.restrict(user, "view").select_related("jurisdiction")
        f["organization"].queryset = units
        chosen = _chosen_id(self, "organization")
        shown = list(units.filter(pk=chosen)) if chosen else []
        f["organization"].shown = shown + [o for o in search_units(user, who) if o.pk != chosen]

        accidents = Accident.objects.restrict(user, "view")
        f["accident"].queryset = accidents
        f["accident"].label_from_instance = accident_label
        chosen = _chosen_id(self, "accident")
        recent = list(accidents.order_by("-occurred_at", "-pk")[:RECENT])
        f["accident"].shown = (list(accidents.filter(pk=chosen)) if chosen and chosen not in {a.pk for a in recent} else []) + recent

        findings = PatrolFinding.objects.restrict(user, "view").select_related("patrol", "responsible_unit")
        f["patrol_finding"].queryset = findings
        f["patrol_finding"].label_from_instance = finding_label
        chosen = _chosen_id(self, "patrol_finding")
        recent = list(findings.order_by("-found_on", "-pk")[:RECENT])
        f["patrol_finding"].shown = (list(findings.filter(pk=chosen)) if chosen and chosen not in {x.pk for x in recent} else []) + recent

        dossiers = DutyDossier.objects.restrict(user, "view").filter(status=DossierStatus.READY).select_related("official")
        f["dossier"].queryset = dossiers
        f["dossier"].label_from_instance = dossier_label
        official_id = _chosen_id(self, "official")
        chosen = _chosen_id(self, "dossier")
        mine = list(dossiers.filter(official_id=official_id).order_by("-created_at")[:SHOWN]) if official_id else []
        f["dossier"].shown = (list(dossiers.filter(pk=chosen)) if chosen and chosen not in {d.pk for d in mine} else []) + mine

        if self.instance.pk and not self.is_bound:
            self.initial["hazard_code"] = self.instance.hazard.code if self.instance.hazard_id else ""
            self.initial["expected_updated_at"] = self.instance.updated_at.isoformat()
        elif not self.instance.pk:
            del f["expected_updated_at"]
        for name in ("decided_by", "document_reference", "post_title", "hazard_code"):
            f[name].widget.attrs.setdefault("autocomplete", "off")
        # What the decision answers for together: accident, patrol finding, hazard.
        self.order_fields([*self.Meta.fields[: self.Meta.fields.index("patrol_finding") + 1], "hazard_code"])

    def clean_hazard_code(self):
        from hazards.models import Hazard

        code = (self.cleaned_data.get("hazard_code") or "").strip().upper()
        if not code:
            self.hazard = None
            return ""
        self.hazard = Hazard.objects.restrict(self.user, "view").filter(code=code).first()
        if self.hazard is None:
            raise forms.ValidationError(_("No hazard with this reference number in your scope."))
        return code

    def clean_expected_updated_at(self):
        from django.utils.dateparse import parse_datetime

        raw = self.cleaned_data.get("expected_updated_at") or ""
        return parse_datetime(raw) if raw else None

    def validate_unique(self) -> None:
        pass

    def _post_clean(self):
        # The service validates the decision (it derives the unit, post and jurisdiction).
        pass

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["hazard"] = getattr(self, "hazard", None)
        data["modifier"] = data.get("modifier") or ""
        return data


class DossierRequestForm(forms.Form):
    official = ShownChoicesField(queryset=Official.objects.none(), label=_("Official"))
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(**DATE_WIDGET))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(**DATE_WIDGET))
    accident = ShownChoicesField(
        queryset=Accident.objects.none(), label=_("For the accident"), required=False,
        help_text=_("Optional: the accident whose responsibility is being determined."),
    )

    def __init__(self, *args, user, who: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        officials = Official.objects.restrict(user, "view")
        field = self.fields["official"]
        field.queryset = _with_posts(officials)
        field.label_from_instance = official_label
        field.empty_label = _("— search a name above —")
        chosen = _chosen_id(self, "official")
        shown = list(_with_posts(officials.filter(pk=chosen))) if chosen else []
        field.shown = shown + [o for o in search_officials(user, who) if o.pk != chosen]
        accidents = Accident.objects.restrict(user, "view")
        field = self.fields["accident"]
        field.queryset = accidents
        field.label_from_instance = accident_label
        chosen = _chosen_id(self, "accident")
        recent = list(accidents.order_by("-occurred_at", "-pk")[:RECENT])
        field.shown = (list(accidents.filter(pk=chosen)) if chosen and chosen not in {a.pk for a in recent} else []) + recent


# --- Filters ----------------------------------------------------------------------------------


def _year_choices():
    this_year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this_year, this_year - 10, -1)]


class DecisionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, unit or document reference"))
    measure = django_filters.ChoiceFilter(choices=AccountabilityMeasure.choices, label=_("Measure"))
    modifier = django_filters.ChoiceFilter(
        choices=[("none", _("None")), *[c for c in AccountabilityModifier.choices if c[0]]], method="by_modifier", label=_("Modifier")
    )
    year = django_filters.ChoiceFilter(choices=_year_choices, method="by_year", label=_("Year"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction_path"), label=_("Jurisdiction"))
    accident = django_filters.NumberFilter(field_name="accident_id", widget=forms.HiddenInput, label=_("Accident"))
    official = django_filters.NumberFilter(field_name="official_id", widget=forms.HiddenInput, label=_("Official"))
    linked = django_filters.ChoiceFilter(
        choices=[("accident", _("An accident")), ("patrol_finding", _("A patrol finding")), ("hazard", _("A hazard"))],
        method="by_link", label=_("Answers for"),
    )
    lifelong = django_filters.BooleanFilter(
        label=_("Lifelong accountability"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = AccountabilityDecision
        fields = ["q", "measure", "modifier", "year", "jurisdiction", "linked", "lifelong", "accident", "official"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(official__name__icontains=value) | Q(organization__name__icontains=value) | Q(document_reference__icontains=value)
        )

    def by_modifier(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(modifier="" if value == "none" else value)

    def by_year(self, queryset, name, value):
        if not value:
            return queryset
        year = int(value)
        return queryset.filter(decided_on__gte=f"{year}-01-01", decided_on__lte=f"{year}-12-31")

    def by_link(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{value}__isnull": False})


class DossierFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="official__name", lookup_expr="icontains", label=_("Official"))
    status = django_filters.ChoiceFilter(choices=DossierStatus.choices, label=_("Status"))
    official = django_filters.NumberFilter(field_name="official_id", widget=forms.HiddenInput, label=_("Official"))
    accident = django_filters.NumberFilter(field_name="accident_id", widget=forms.HiddenInput, label=_("Accident"))

    class Meta:
        model = DutyDossier
        fields = ["q", "status", "official", "accident"]
