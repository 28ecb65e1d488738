"""Forms of the inspection record pages: the one-page "log an inspection" form (record fields,
participants, enterprises with their checklist answers, findings with photos) and the
amendment of a submitted record.

The log form has rows the user adds and removes, so it is not one Django form: its record
fields are :class:`InspectionRecordForm`; the rows are read from flat field names that the page
renders and the browser script adds, the same with or without JavaScript::

    participant=<official id> (repeated)       participant-<id>-role
    target=<enterprise id> (repeated)          target-<id>-checklist, target-<id>-note
    answer-<enterprise id>-<item id>           answer-<enterprise id>-<item id>-note
    finding=<row key> (repeated)               finding-<key>-id, -description, -enterprise, -item,
                                               -severity, -photos

Every rule is the services'; this module only reads what was typed and gives it back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.viewmixins import add_service_errors
from inspections.choices import AnswerResult, InspectionKind, InspectionMethod, ItemSeverity, ParticipantRole
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Inspection,
    InspectionAnswer,
)
from inspections.services.drafts import FindingInput
from inspections.services.records import AnswerInput, TargetInput
from responsibility.choices import JurisdictionLevel
from responsibility.models import Enterprise, Jurisdiction, Official
from responsibility.scope import single_scope_root

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_INPUT_FORMATS = [DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
#: How many enterprises or officials a search offers.
SEARCH_LIMIT = 20


def _datetime_field(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def enterprise_label(enterprise: Enterprise) -> str:
    return f"{enterprise.name}（{enterprise.credit_code}）"


def inspection_places(user):
    """Where an inspection may be logged: counties, zones and townships in scope (villages are
    inspected under their township; a county has a few hundred of these at most)."""
    return (
        Jurisdiction.objects.restrict(user, "view")
        .filter(
            level__in=(
                JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE, JurisdictionLevel.TOWNSHIP
            ),
            is_active=True,
        )
        .select_related("parent")
        .order_by("path")
    )


def _place_label(jurisdiction: Jurisdiction) -> str:
    if jurisdiction.level == JurisdictionLevel.TOWNSHIP and jurisdiction.parent_id:
        return f"{jurisdiction.parent.name} · {jurisdiction.name}"
    return jurisdiction.name


def own_official(user) -> Official | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_own_official"):
        user._own_official = Official.objects.filter(user=user).first()
    return user._own_official


def visible_officials(user):
    """Officials the user may name in an inspection: those in scope, and themselves."""
    mine = own_official(user)
    condition = Q(pk__in=Official.objects.restrict(user, "view").values("pk"))
    if mine is not None:
        condition |= Q(pk=mine.pk)
    return Official.objects.filter(condition)


def search_enterprises(user, query: str):
    query = (query or "").strip()
    if not query:
        return Enterprise.objects.none()
    return (
        Enterprise.objects.restrict(user, "view")
        .filter(Q(name__icontains=query) | Q(credit_code__startswith=query.upper()))
        .select_related("jurisdiction", "sector")
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )


def search_officials(user, query: str):
    query = (query or "").strip()
    if not query:
        return Official.objects.none()
    return visible_officials(user).filter(name__icontains=query).select_related("registered_in").order_by("name", "pk")[:SEARCH_LIMIT]


# --- Checklists -------------------------------------------------------------------------------


class ChecklistCatalog:
    """The checklists a user may use (the current version of each), asked once per page."""

    def __init__(self, user):
        self.user = user
        templates = ChecklistTemplate.objects.restrict(user, "view").filter(is_active=True)
        versions = (
            ChecklistVersion.objects.filter(template__in=templates.values("pk"), published_at__isnull=False)
            .select_related("template__sector", "template__jurisdiction")
            .order_by("template__sector__sort_order", "template__name", "template_id", "-number")
        )
        self.current: list[ChecklistVersion] = []
        seen = set()
        for version in versions:
            if version.template_id not in seen:
                seen.add(version.template_id)
                self.current.append(version)
        self._items: dict[int, list[ChecklistItem]] = {}

    def default_for(self, enterprise: Enterprise) -> ChecklistVersion | None:
        """The current checklist of the enterprise's sector (a local one before the platform's),
        else a general one."""

        def rank(version: ChecklistVersion):
            template = version.template
            local = template.jurisdiction.path if template.jurisdiction_id else ""
            applies = not local or enterprise.jurisdiction.path.startswith(local)
            return (not applies, template.sector_id != enterprise.sector_id, -len(local), template.name)

        candidates = [v for v in self.current if v.template.sector_id in (enterprise.sector_id, None)]
        return min(candidates, key=rank) if candidates else None

    def get(self, pk) -> ChecklistVersion | None:
        """Any published version of a checklist the user may use (a draft keeps an older one)."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        for version in self.current:
            if version.pk == pk:
                return version
        return (
            ChecklistVersion.objects.restrict(self.user, "view")
            .filter(pk=pk, published_at__isnull=False)
            .select_related("template__sector")
            .first()
        )

    def options(self, chosen: ChecklistVersion | None) -> list[tuple[int, str]]:
        versions = list(self.current)
        if chosen is not None and chosen not in versions:
            versions.insert(0, chosen)
        return [(v.pk, f"{v.template.name} · v{v.number}") for v in versions]

    def load_items(self, versions) -> None:
        wanted = {v.pk for v in versions if v is not None and v.pk not in self._items}
        if not wanted:
            return
        for pk in wanted:
            self._items[pk] = []
        for item in ChecklistItem.objects.filter(version_id__in=wanted).order_by("version_id", "order", "pk"):
            self._items[item.version_id].append(item)

    def items(self, version: ChecklistVersion | None) -> list[ChecklistItem]:
        if version is None:
            return []
        self.load_items([version])
        return self._items[version.pk]


# --- The record fields ------------------------------------------------------------------------


class _ShownChoicesField(forms.ModelChoiceField):
    """Accepts any object of its queryset but renders only ``shown`` as options (a county's
    officials are too many for a drop-down)."""

    shown: list | None = None

    @property
    def choices(self):
        if self.shown is None:
            return super().choices
        return [("", self.empty_label or "")] + [(self.prepare_value(o), self.label_from_instance(o)) for o in self.shown]

    @choices.setter
    def choices(self, value):
        forms.ChoiceField.choices.fset(self, value)


class InspectionRecordForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    jurisdiction = forms.ModelChoiceField(label=_("Where (jurisdiction)"), queryset=Jurisdiction.objects.none())
    started_at = _datetime_field(_("Date and time"))
    ended_at = _datetime_field(_("Ended at"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=InspectionKind.choices)
    methods = forms.MultipleChoiceField(
        label=_("Methods"), choices=InspectionMethod.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(
        label=_("Place inspected"), required=False, max_length=300, help_text=_("Where, when it is not an enterprise (a road, a market…).")
    )
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False, empty_label=_("None"))
    lead_official = _ShownChoicesField(label=_("Lead official"), queryset=Official.objects.none(), empty_label=_("— choose —"))
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180)

    SERVICE_FIELDS = (
        "jurisdiction", "started_at", "ended_at", "kind", "methods", "place", "campaign", "lead_official", "summary",
        "latitude", "longitude",
    )

    def __init__(self, *args, user, shown_officials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        places = self.fields["jurisdiction"]
        places.queryset = inspection_places(user)
        places.label_from_instance = _place_label
        campaigns = Campaign.objects.restrict(user, "view").order_by("-self_check_start", "-pk")
        self.fields["campaign"].queryset = campaigns
        lead = self.fields["lead_official"]
        lead.queryset = visible_officials(user)
        lead.shown = list(shown_officials)
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.000001"})
        self.fields["place"].widget.attrs["autocomplete"] = "off"

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}
        data["methods"] = list(data["methods"] or [])
        data["place"] = data["place"] or ""
        data["summary"] = data["summary"] or ""
        return data


def record_initial(user, inspection: Inspection | None) -> dict:
    if inspection is not None:
        return {
            "client_uuid": inspection.client_uuid,
            "jurisdiction": inspection.jurisdiction_id,
            "started_at": timezone.localtime(inspection.started_at).replace(second=0, microsecond=0),
            "ended_at": timezone.localtime(inspection.ended_at).replace(second=0, microsecond=0) if inspection.ended_at else None,
            "kind": inspection.kind,
            "methods": list(inspection.methods or []),
            "place": inspection.place,
            "campaign": inspection.campaign_id,
            "lead_official": inspection.lead_official_id,
            "summary": inspection.summary,
            "latitude": inspection.latitude,
            "longitude": inspection.longitude,
        }
    root = single_scope_root(user)
    mine = own_official(user)
    return {
        "client_uuid": uuid.uuid4(),
        "jurisdiction": root.pk if root else None,
        "started_at": timezone.localtime().replace(second=0, microsecond=0),
        "kind": InspectionKind.LEADER,
        "lead_official": mine.pk if mine else None,
    }


# --- The rows ---------------------------------------------------------------------------------


@dataclass
class ParticipantRow:
    official: Official
    role: str = ParticipantRole.MEMBER


@dataclass
class ItemRow:
    item: ChecklistItem
    result: str = ""
    note: str = ""
    missing: bool = False


@dataclass
class TargetRow:
    enterprise: Enterprise
    checklist: ChecklistVersion | None = None
    note: str = ""
    answers: dict[int, tuple[str, str]] = field(default_factory=dict)  # item id -> (result, note)
    items: list[ItemRow] = field(default_factory=list)
    options: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class FindingRow:
    key: str
    id: int | None = None
    description: str = ""
    enterprise_id: int | None = None
    item_id: int | None = None
    severity: str = ItemSeverity.GENERAL
    photos: list = field(default_factory=list)
    hazard: object | None = None
    errors: list[str] = field(default_factory=list)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ids(values) -> list[int]:
    seen, ids = set(), []
    for value in values:
        pk = _int(value)
        if pk is not None and pk not in seen:
            seen.add(pk)
            ids.append(pk)
    return ids


def new_finding_key() -> str:
    return f"n{uuid.uuid4().hex[:10]}"


class InspectionLogForm:
    """The whole page: record fields plus rows, read from a draft or from what was posted."""

    #: Errors of the services that belong to a section of the page rather than a record field.
    SECTIONS = ("participants", "targets", "answers", "findings", "photos")

    def __init__(self, data=None, files=None, *, user, inspection: Inspection | None = None):
        self.user = user
        self.data = data
        self.files = files
        self.inspection = inspection
        self.catalog = ChecklistCatalog(user)
        self.section_errors: dict[str, list[str]] = {}
        self.other_errors: list[str] = []
        if data is None:
            self._read_draft(inspection)
        else:
            self._read_posted(data)
        shown = [p.official for p in self.participants]
        lead = self.lead_official()
        mine = own_official(user)
        for official in (lead, mine):
            if official is not None and official not in shown:
                shown.insert(0, official)
        initial = record_initial(user, inspection)
        self.record = InspectionRecordForm(data, user=user, initial=initial, shown_officials=shown)

    # reading ---------------------------------------------------------------------------------

    def _read_draft(self, inspection: Inspection | None) -> None:
        self.participants, self.targets, self.findings = [], [], []
        if inspection is None:
            return
        self.participants = [
            ParticipantRow(p.official, p.role) for p in inspection.participations.select_related("official").order_by("pk")
        ]
        targets = list(inspection.targets.select_related("enterprise__jurisdiction", "enterprise__sector", "checklist__template"))
        answers: dict[int, dict[int, tuple[str, str]]] = {}
        for target_id, item_id, result, note in (
            InspectionAnswer.objects.filter(target__inspection=inspection).values_list("target_id", "item_id", "result", "note")
        ):
            answers.setdefault(target_id, {})[item_id] = (result, note)
        self.targets = [TargetRow(t.enterprise, t.checklist, t.note, answers.get(t.pk, {})) for t in targets]
        enterprise_of_target = {t.pk: t.enterprise_id for t in targets}
        self.findings = [
            FindingRow(
                key=str(f.pk), id=f.pk, description=f.description, enterprise_id=enterprise_of_target.get(f.target_id),
                item_id=f.item_id, severity=f.severity, hazard=f.hazard,
            )
            for f in inspection.findings.select_related("hazard").order_by("pk")
        ]

    def _read_posted(self, data) -> None:
        participant_ids = _ids(data.getlist("participant"))
        officials = {o.pk: o for o in visible_officials(self.user).filter(pk__in=participant_ids)}
        self.participants = []
        for pk in participant_ids:
            if pk in officials:
                role = data.get(f"participant-{pk}-role", ParticipantRole.MEMBER)
                self.participants.append(ParticipantRow(officials[pk], role if role in ParticipantRole.values else ParticipantRole.MEMBER))
        enterprise_ids = _ids(data.getlist("target"))
        enterprises = {
            e.pk: e
            for e in Enterprise.objects.restrict(self.user, "view").filter(pk__in=enterprise_ids).select_related("jurisdiction", "sector")
        }
        self.targets = []
        for pk in enterprise_ids:
            if pk not in enterprises:
                continue
            chosen = data.get(f"target-{pk}-checklist", "")
            checklist = self.catalog.get(chosen) if chosen else None
            row = TargetRow(enterprises[pk], checklist, data.get(f"target-{pk}-note", "").strip())
            self.targets.append(row)
        self.catalog.load_items([t.checklist for t in self.targets])
        for row in self.targets:
            pk = row.enterprise.pk
            for item in self.catalog.items(row.checklist):
                result = data.get(f"answer-{pk}-{item.pk}", "")
                note = data.get(f"answer-{pk}-{item.pk}-note", "").strip()
                if result or note:
                    row.answers[item.pk] = (result if result in AnswerResult.values else "", note)
        self.findings = []
        for key in dict.fromkeys(data.getlist("finding")):
            key = str(key)[:40]
            severity = data.get(f"finding-{key}-severity", ItemSeverity.GENERAL)
            self.findings.append(
                FindingRow(
                    key=key,
                    id=_int(data.get(f"finding-{key}-id")),
                    description=data.get(f"finding-{key}-description", "").strip(),
                    enterprise_id=_int(data.get(f"finding-{key}-enterprise")),
                    item_id=_int(data.get(f"finding-{key}-item")),
                    severity=severity if severity in ItemSeverity.values else ItemSeverity.GENERAL,
                )
            )

    def lead_official(self) -> Official | None:
        if self.data is None:
            return self.inspection.lead_official if self.inspection is not None else own_official(self.user)
        pk = _int(self.data.get("lead_official"))
        if pk is None:
            return None
        for row in self.participants:
            if row.official.pk == pk:
                return row.official
        return visible_officials(self.user).filter(pk=pk).first()

    # changing the rows (the page's buttons without JavaScript) --------------------------------

    def add_enterprise(self, enterprise: Enterprise) -> None:
        if all(t.enterprise.pk != enterprise.pk for t in self.targets):
            self.targets.append(TargetRow(enterprise, self.catalog.default_for(enterprise)))

    def remove_enterprise(self, enterprise_id: int) -> None:
        self.targets = [t for t in self.targets if t.enterprise.pk != enterprise_id]
        for row in self.findings:
            if row.enterprise_id == enterprise_id:
                row.enterprise_id, row.item_id = None, None

    def add_participant(self, official: Official) -> None:
        if all(p.official.pk != official.pk for p in self.participants):
            self.participants.append(ParticipantRow(official))

    def remove_participant(self, official_id: int) -> None:
        self.participants = [p for p in self.participants if p.official.pk != official_id]

    def add_finding(self, *, enterprise_id: int | None = None, item_id: int | None = None) -> FindingRow:
        description, severity = "", ItemSeverity.GENERAL
        target = next((t for t in self.targets if t.enterprise.pk == enterprise_id), None)
        if target is not None and item_id:
            item = next((i for i in self.catalog.items(target.checklist) if i.pk == item_id), None)
            if item is None:
                item_id = None
            else:
                note = target.answers.get(item.pk, ("", ""))[1]
                description = f"{item.requirement}：{note}" if note else item.requirement
                severity = item.severity
        row = FindingRow(key=new_finding_key(), description=description, enterprise_id=enterprise_id if target else None,
                         item_id=item_id if target else None, severity=severity)
        self.findings.append(row)
        return row

    def remove_finding(self, key: str) -> None:
        self.findings = [f for f in self.findings if f.key != key or f.hazard is not None]

    # validity and the services ---------------------------------------------------------------

    def is_valid(self) -> bool:
        return self.record.is_valid()

    def service_kwargs(self) -> dict:
        fields = self.record.service_fields()
        answers = [
            AnswerInput(row.enterprise.pk, item_id, result, note)
            for row in self.targets
            for item_id, (result, note) in row.answers.items()
            if result
        ]
        return {
            "client_uuid": self.record.cleaned_data["client_uuid"],
            "participants": [(p.official, p.role) for p in self.participants],
            "targets": [TargetInput(enterprise=t.enterprise, checklist=t.checklist, note=t.note) for t in self.targets],
            "answers": answers,
            "findings": [
                FindingInput(key=f.key, id=f.id, description=f.description, enterprise_id=f.enterprise_id, item_id=f.item_id,
                             severity=f.severity)
                for f in self.findings
            ],
            **fields,
        }

    def apply_keys(self, keys: dict[str, int]) -> None:
        """After a save: each row knows its finding's id (the next save updates it)."""
        for row in self.findings:
            if row.key in keys:
                row.id = keys[row.key]

    def photos_by_finding(self) -> dict[str, list]:
        """Photos chosen for each finding row (checked by the service)."""
        if self.files is None:
            return {}
        return {row.key: self.files.getlist(f"finding-{row.key}-photos") for row in self.findings if self.files.getlist(f"finding-{row.key}-photos")}

    def add_service_errors(self, error) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                messages = [m for e in errors for m in e.messages]
                if name in self.record.fields:
                    add_service_errors(self.record, type(error)({name: errors}))
                elif name in self.SECTIONS:
                    self.section_errors.setdefault(name, []).extend(messages)
                elif name in ("enterprise", "item", "description"):
                    self.section_errors.setdefault("findings", []).extend(messages)
                else:
                    self.other_errors.extend(messages)
        else:
            self.other_errors.extend(error.messages)

    def mark_missing_answers(self) -> int:
        """Flag the required items still without an answer (after a refused submit)."""
        missing = 0
        for row in self.targets:
            for item in self.catalog.items(row.checklist):
                if item.answer_required and not row.answers.get(item.pk, ("", ""))[0]:
                    missing += 1
                    row.missing_items = getattr(row, "missing_items", set()) | {item.pk}
        return missing

    @property
    def has_errors(self) -> bool:
        return bool(self.record.errors or self.section_errors or self.other_errors or any(f.errors for f in self.findings))

    # what the page shows ---------------------------------------------------------------------

    def target_rows(self) -> list[TargetRow]:
        self.catalog.load_items([t.checklist for t in self.targets])
        for row in self.targets:
            missing = getattr(row, "missing_items", set())
            row.options = self.catalog.options(row.checklist)
            row.items = [
                ItemRow(item, *row.answers.get(item.pk, ("", "")), missing=item.pk in missing)
                for item in self.catalog.items(row.checklist)
            ]
        return self.targets


def target_row(catalog: ChecklistCatalog, enterprise: Enterprise, checklist: ChecklistVersion | None) -> TargetRow:
    row = TargetRow(enterprise, checklist)
    row.options = catalog.options(checklist)
    row.items = [ItemRow(item) for item in catalog.items(checklist)]
    return row


# --- Amendments -------------------------------------------------------------------------------


class InspectionAmendForm(forms.Form):
    """The fields a submitted record may still be corrected in, and the reason."""

    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}))
    started_at = _datetime_field(_("Date and time"))
    ended_at = _datetime_field(_("Ended at"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=InspectionKind.choices)
    methods = forms.MultipleChoiceField(
        label=_("Methods"), choices=InspectionMethod.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(label=_("Place inspected"), required=False, max_length=300)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180)

    AMENDABLE = ("started_at", "ended_at", "kind", "methods", "place", "summary", "latitude", "longitude")

    def __init__(self, *args, inspection: Inspection, **kwargs):
        self.inspection = inspection
        initial = {name: getattr(inspection, name) for name in self.AMENDABLE}
        for name in ("started_at", "ended_at"):
            if initial[name]:
                initial[name] = timezone.localtime(initial[name]).replace(second=0, microsecond=0)
        initial["methods"] = list(inspection.methods or [])
        super().__init__(*args, initial=initial, prefix="amend", **kwargs)

    @staticmethod
    def _comparable(value):
        if isinstance(value, datetime):
            return timezone.localtime(value).replace(second=0, microsecond=0)
        if value in (None, ""):
            return None
        if isinstance(value, list):
            return sorted(value)
        return value

    def changes(self) -> dict:
        """Only what the user changed (a time shown to the minute is not a change)."""
        changed = {}
        for name in self.AMENDABLE:
            value = self.cleaned_data.get(name)
            if name in ("place", "summary"):
                value = value or ""
            if name == "methods":
                value = list(value or [])
            if self._comparable(value) != self._comparable(getattr(self.inspection, name)):
                changed[name] = value
        return changed

