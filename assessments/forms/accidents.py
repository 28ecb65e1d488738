"""Forms of the accident registry pages: recording and correcting an accident, and the actions
on its page (investigation, closing the case, the rectification evaluation, listing).

The forms collect input and say clearly what cannot be right on its face (a negative count);
every rule about the accident is the service's (assessments.services.accidents), whose errors
come back next to the fields (core.viewmixins.add_service_errors). Times are entered with the
browser's date-time picker (``datetime-local``), which phones show as their native wheel.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from assessments.models import Accident
from assessments.services.accidents import COUNT_FIELDS, DETAIL_FIELDS, listing_bodies, negative_message
from hazards.forms.ledger import ENTERPRISE_MATCHES, _ShownChoicesField, enterprise_label
from responsibility.choices import DEPARTMENT_KINDS, JurisdictionLevel
from responsibility.models import Enterprise, Jurisdiction, Organization, Sector

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_INPUT_FORMATS = [DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}, format=DATETIME_FORMAT)


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _places(user):
    """Where an accident may be put without an enterprise: counties, zones and townships in
    scope (villages are reached through their township; a county holds a few hundred)."""
    return (
        Jurisdiction.objects.restrict(user, "view")
        .filter(
            level__in=(JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE, JurisdictionLevel.TOWNSHIP),
            is_active=True,
        )
        .select_related("parent")
        .order_by("path")
    )


def _place_label(jurisdiction: Jurisdiction) -> str:
    if jurisdiction.level in (JurisdictionLevel.TOWNSHIP, JurisdictionLevel.VILLAGE) and jurisdiction.parent_id:
        return f"{jurisdiction.parent.name} · {jurisdiction.name}"
    return jurisdiction.name


def _wider_than_a_city(user) -> bool:
    from core.access import get_scope

    scope = get_scope(user)
    return scope.unrestricted or any(len(path) < 4 for path in scope.paths)


def _departments(user, current: int | None = None):
    """Supervising departments of the user's counties and of the levels above them (up to the
    city): a county accident may be the city housing bureau's."""
    from core.access import get_scope

    scope = get_scope(user)
    condition = Q(pk=current) if current else Q()
    if scope.unrestricted:
        places = Q(jurisdiction__level__in=(JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE))
    else:
        prefixes = {p[:n] for p in scope.paths for n in (4, 6) if n <= len(p)}
        places = Q(jurisdiction__path__in=prefixes)
        for path in scope.paths:
            if len(path) <= 6:
                places |= Q(jurisdiction__path__startswith=path, jurisdiction__level__in=(
                    JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE
                ))
    condition |= places & Q(kind__in=DEPARTMENT_KINDS, is_active=True)
    return Organization.objects.filter(condition).select_related("jurisdiction").order_by("jurisdiction__path", "sort_order", "name")


class AccidentForm(forms.ModelForm):
    """Record an accident, or (``instance`` given) correct its facts. ``expected_updated_at`` is
    the version shown: saving over someone else's newer change is refused."""

    enterprise = _ShownChoicesField(
        label=_("Enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label=_("— none (e.g. a road accident) —"),
        help_text=_("Find it above by name or credit code. The place, sector and supervising department default to the enterprise's."),
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("Place (jurisdiction)"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        help_text=_("Needed when there is no enterprise; otherwise the enterprise's."),
    )
    expected_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Accident
        fields = [
            "title", "occurred_at", "reported_at", "place", "enterprise", "jurisdiction", "sector", "supervising_department",
            "accident_type", "deaths", "missing", "serious_injuries", "direct_loss", "summary", "concealed",
        ]
        widgets = {
            "occurred_at": datetime_widget(),
            "reported_at": datetime_widget(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            # The model's plain "title" and "missing" read as a post title and "absent" in
            # Chinese; the form says what is meant.
            "title": _("Name of the accident"),
            "missing": _("Missing persons"),
        }
        help_texts = {
            "title": _("E.g. “Steel structure collapse at the No. 3 workshop site”."),
            "occurred_at": _("Date and time, to the minute."),
            "reported_at": _("When the supervising department was first informed; later than the place's limit (1 hour by default) is flagged as late."),
        }

    def __init__(self, *args, user, enterprise_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.enterprise_query = (enterprise_query or "").strip()
        editing = self.instance.pk is not None
        fields = self.fields
        for name in ("occurred_at", "reported_at"):
            fields[name].input_formats = DATETIME_INPUT_FORMATS
        fields["occurred_at"].widget.attrs["max"] = timezone.localtime().strftime(DATETIME_FORMAT)
        for name in COUNT_FIELDS:
            field = fields[name]
            if name == "direct_loss":
                field.validators.append(MinValueValidator(0))
                field.widget.attrs.update({"min": "0", "step": "0.01", "inputmode": "decimal"})
            else:
                field.widget.attrs.update({"min": "0", "inputmode": "numeric"})
            field.error_messages["min_value"] = negative_message(name)
        fields["direct_loss"].help_text = _("In 10,000 yuan (万元).")
        fields["sector"].queryset = Sector.objects.filter(is_active=True)
        fields["sector"].required = False
        fields["sector"].help_text = _("Empty: the enterprise's sector.")
        department = fields["supervising_department"] = _ShownChoicesField(
            label=fields["supervising_department"].label,
            queryset=_departments(user, self.instance.supervising_department_id),
            required=False,
            help_text=_("Empty: the enterprise's primary supervising department."),
        )
        department.label_from_instance = lambda o: f"{o.jurisdiction.name} · {o.name}"
        if _wider_than_a_city(user):
            # A province holds thousands of departments: offer the current one; the enterprise's
            # primary department fills in the rest.
            department.shown = list(department.queryset.filter(pk=self.instance.supervising_department_id))
            department.widget.choices = department.choices
        enterprises = Enterprise.objects.restrict(user, "view").select_related("jurisdiction", "sector")
        field = fields["enterprise"]
        field.queryset = enterprises
        field.label_from_instance = enterprise_label
        field.shown = self._shown_enterprises(enterprises)
        # Setting the queryset gave the widget every enterprise in scope (a county has
        # thousands): it renders only the shown ones.
        field.widget.choices = field.choices
        places = _places(user)
        if editing and self.instance.jurisdiction_id:
            places = places | Jurisdiction.objects.filter(pk=self.instance.jurisdiction_id).select_related("parent")
        fields["jurisdiction"].queryset = places
        fields["jurisdiction"].label_from_instance = _place_label
        for name in ("title", "place"):
            fields[name].widget.attrs.setdefault("autocomplete", "off")
        if editing:
            if not self.is_bound:
                self.initial["expected_updated_at"] = self.instance.updated_at.isoformat()
        else:
            del fields["concealed"]
            del fields["expected_updated_at"]

    def _shown_enterprises(self, enterprises) -> list[Enterprise]:
        """The chosen enterprise and, after a search (which works without JavaScript), the
        matches: a county has thousands, too many for a drop-down."""
        shown: list[Enterprise] = []
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("enterprise"))
        else:
            chosen = self.initial.get("enterprise") or self.instance.enterprise_id
        chosen = getattr(chosen, "pk", chosen)
        if chosen and str(chosen).isdigit():
            shown = list(enterprises.filter(pk=int(chosen)))
        if self.enterprise_query:
            query = self.enterprise_query
            matches = enterprises.filter(Q(name__icontains=query) | Q(credit_code__startswith=query.upper())).order_by("name", "pk")
            shown += [e for e in matches[:ENTERPRISE_MATCHES] if e not in shown]
        return shown

    def clean_expected_updated_at(self) -> datetime | None:
        value = self.cleaned_data.get("expected_updated_at") or ""
        if not value:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            raise forms.ValidationError(_("The page is out of date; reload it."))
        return parsed

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("enterprise") and not cleaned.get("jurisdiction") and not self.errors.get("jurisdiction"):
            self.add_error("jurisdiction", _("Choose the enterprise or, for an accident without one, the place."))
        return cleaned

    def validate_unique(self) -> None:
        # The service checks everything inside its transaction.
        pass

    def _post_clean(self):
        # Model validation is the service's; it also keeps the form's instance untouched.
        pass

    def service_fields(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name in DETAIL_FIELDS or name == "concealed"}
        if self.instance.pk is None:
            for name in ("sector", "supervising_department", "jurisdiction"):
                if data.get(name) is None:
                    data.pop(name, None)
        else:
            data["expected_updated_at"] = self.cleaned_data.get("expected_updated_at")
        return data


# --- Actions on an accident's page ------------------------------------------------------------


class _ActionForm(forms.Form):
    """An action on one accident, carrying the version the page showed."""

    expected_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, accident: Accident, **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        self.accident = accident
        if not self.is_bound:
            self.initial["expected_updated_at"] = accident.updated_at.isoformat()

    def clean_expected_updated_at(self) -> datetime | None:
        value = self.cleaned_data.get("expected_updated_at") or ""
        return parse_datetime(value) if value else None

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class InvestigationForm(_ActionForm):
    prefix_name = "investigate"

    investigation_body = forms.CharField(label=_("Investigated by"), max_length=200, help_text=_("E.g. the county government's accident investigation team."))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseCaseForm(_ActionForm):
    prefix_name = "close"

    closed_on = forms.DateField(label=_("Case closed on"), widget=date_widget())
    investigation_body = forms.CharField(
        label=_("Investigated by"), max_length=200, required=False, help_text=_("Empty: as recorded when the investigation started.")
    )
    concealed = forms.BooleanField(label=_("The investigation found the accident concealed or falsely reported"), required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, accident: Accident, **kwargs):
        super().__init__(*args, accident=accident, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("closed_on", timezone.localdate())
            self.initial.setdefault("investigation_body", accident.investigation_body)
            self.initial.setdefault("concealed", accident.concealed)


class EvaluationForm(_ActionForm):
    prefix_name = "evaluate"

    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=date_widget())
    note = forms.CharField(label=_("What the evaluation found"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, accident: Accident, **kwargs):
        super().__init__(*args, accident=accident, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("evaluated_on", timezone.localdate())


class ListingForm(_ActionForm):
    prefix_name = "list"

    listing_body = forms.ModelChoiceField(label=_("Listed by"), queryset=Organization.objects.none())
    listed_on = forms.DateField(label=_("Listed on"), widget=date_widget())
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, accident: Accident, **kwargs):
        super().__init__(*args, accident=accident, **kwargs)
        field = self.fields["listing_body"]
        field.queryset = listing_bodies(accident)
        field.label_from_instance = lambda o: f"{o.jurisdiction.name} · {o.name}"
        if not self.is_bound:
            self.initial.setdefault("listed_on", timezone.localdate())
