"""The hazard ledger as a spreadsheet: the column layout shared by the XLSX export, the import
and its template, and the import itself.

The import is all-or-nothing: every row is parsed and then reported through the same service
as the report form (``hazard_report``), inside one transaction; any bad row rejects the whole
file with row-numbered errors and the transaction is rolled back, so nothing is written. Rows
name their enterprise by credit code (or by name when that is unique in the importer's scope),
or leave it blank and give a division code for an ownerless hazard.

A row carrying the reference number of a hazard already on the ledger is refused, so an
exported ledger imported back by mistake creates no duplicates.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tabular import ImportRejected, RowError, read_table
from hazards.choices import (
    DEADLINE_STATUSES,
    HazardCategory,
    HazardLevel,
    HazardSource,
    HazardStatus,
    ListingLevel,
)
from hazards.models import Hazard
from hazards.services.ledger import hazard_report
from responsibility.choices import JurisdictionLevel, OrganizationKind
from responsibility.models import Enterprise, EnterpriseSupervision, Jurisdiction, Organization, Sector
from responsibility.services.backbone import require_permission

# (canonical name, header written by the export and the template, other accepted headers,
# whether the import reads it). The usual county ledger columns, in their usual order.
LAYOUT: list[tuple[str, object, tuple[str, ...], bool]] = [
    ("code", gettext_lazy("Reference number"), ("隐患编号", "编号"), True),
    ("enterprise", gettext_lazy("Enterprise or responsible unit"), ("单位名称", "企业名称", "隐患单位", "生产经营单位", "责任单位"), True),
    ("credit_code", gettext_lazy("Unified social credit code"), ("统一社会信用代码", "信用代码", "社会信用代码"), True),
    ("jurisdiction_code", gettext_lazy("Division code"), ("区划代码", "所在地区划代码", "乡镇代码"), True),
    ("jurisdiction_name", gettext_lazy("Jurisdiction"), ("所在地", "属地", "所属区域"), False),
    ("sector", gettext_lazy("Sector"), ("行业领域", "行业", "行业类别"), True),
    ("category", gettext_lazy("Category"), ("隐患类别", "隐患类型", "类别"), True),
    ("level", gettext_lazy("Level"), ("隐患级别", "隐患等级", "级别"), True),
    ("source", gettext_lazy("Source"), ("隐患来源", "来源", "发现途径"), True),
    ("title", gettext_lazy("Hazard"), ("隐患名称", "隐患标题", "隐患"), True),
    ("description", gettext_lazy("Description"), ("隐患描述", "隐患内容", "具体描述", "问题描述"), True),
    ("location", gettext_lazy("Location"), ("隐患部位", "具体位置", "位置"), True),
    ("found_on", gettext_lazy("Found on"), ("发现日期", "排查日期", "检查日期"), True),
    ("finder", gettext_lazy("Found by"), ("发现人", "排查人", "检查人"), True),
    ("plan_responsible", gettext_lazy("Responsible person"), ("整改责任人", "责任人"), True),
    ("plan_measures", gettext_lazy("Measures"), ("整改措施", "措施"), True),
    ("plan_funds", gettext_lazy("Funds (yuan)"), ("整改资金", "整改资金（元）", "整改资金(元)", "资金"), True),
    ("time_limit", gettext_lazy("Rectification deadline"), ("整改时限", "整改期限", "限期整改日期"), True),
    ("plan_contingency", gettext_lazy("Contingency plan"), ("应急预案", "预案", "应急处置预案"), True),
    ("status", gettext_lazy("Status"), ("整改状态", "状态"), False),
    ("deadline", gettext_lazy("Current deadline"), ("当前整改期限", "延期后期限"), False),
    ("overdue_days", gettext_lazy("Days overdue"), ("逾期天数",), False),
    ("rectified_on", gettext_lazy("Rectified on"), ("整改完成日期", "完成日期"), False),
    ("verified", gettext_lazy("Verified"), ("验收情况", "验收"), False),
    ("closed_on", gettext_lazy("Closed out on"), ("销号日期",), False),
    ("linked_leader", gettext_lazy("Linked leader"), ("挂包领导", "包案领导"), False),
    ("listing_level", gettext_lazy("Listed by"), ("挂牌督办级别", "挂牌督办"), False),
]
#: Columns a file must have; the enterprise is given by one of ENTERPRISE_COLUMNS.
REQUIRED = ("sector", "category", "title", "description", "found_on")
ENTERPRISE_COLUMNS = ("credit_code", "enterprise", "jurisdiction_code")
IMPORTED = tuple(name for name, _h, _a, imported in LAYOUT if imported)
#: Columns of the template (what an import reads, without the reference number).
TEMPLATE_COLUMNS = tuple(name for name in IMPORTED if name != "code")
MAX_ROWS = 5000
CHUNK = 2000

#: Which column a service error on a model field belongs to.
FIELD_COLUMN = {
    "enterprise": "enterprise",
    "jurisdiction": "jurisdiction_code",
    "deadline": "time_limit",
    "finder_name": "finder",
    "__all__": "",
}

# Short spellings seen in county ledgers, beside the labels in every language.
EXTRA_CHOICES = {
    "level": {"一般": HazardLevel.GENERAL, "一般隐患": HazardLevel.GENERAL, "重大": HazardLevel.MAJOR, "重大隐患": HazardLevel.MAJOR},
    "category": {
        "物的不安全状态": HazardCategory.EQUIPMENT, "设备设施": HazardCategory.EQUIPMENT, "物": HazardCategory.EQUIPMENT,
        "人的不安全行为": HazardCategory.BEHAVIOUR, "人": HazardCategory.BEHAVIOUR,
        "管理缺陷": HazardCategory.MANAGEMENT, "管理上的缺陷": HazardCategory.MANAGEMENT, "管理": HazardCategory.MANAGEMENT,
        "环境因素": HazardCategory.ENVIRONMENT, "环境": HazardCategory.ENVIRONMENT, "环境缺陷": HazardCategory.ENVIRONMENT,
    },
    "source": {
        "企业自查": HazardSource.SELF_CHECK, "自查": HazardSource.SELF_CHECK,
        "部门检查": HazardSource.DEPARTMENT_INSPECTION, "执法检查": HazardSource.DEPARTMENT_INSPECTION,
        "监管检查": HazardSource.DEPARTMENT_INSPECTION,
        "领导检查": HazardSource.LEADER_INSPECTION, "领导带队检查": HazardSource.LEADER_INSPECTION,
        "巡查": HazardSource.PATROL, "安全生产巡查": HazardSource.PATROL,
        "专项检查": HazardSource.CAMPAIGN, "大检查": HazardSource.CAMPAIGN, "专项行动": HazardSource.CAMPAIGN,
        "举报": HazardSource.TIP_OFF, "群众举报": HazardSource.TIP_OFF, "12350": HazardSource.TIP_OFF,
    },
}
CHOICES = {"level": HazardLevel, "category": HazardCategory, "source": HazardSource}
#: The source of rows that leave it blank: imports are mostly departments' inspection ledgers.
DEFAULT_SOURCE = HazardSource.DEPARTMENT_INSPECTION


def headers() -> list[str]:
    """The export's headers in the current language."""
    return [str(header) for _name, header, _aliases, _imported in LAYOUT]


def template_headers() -> list[str]:
    wanted = set(TEMPLATE_COLUMNS)
    return [str(header) for name, header, _aliases, _imported in LAYOUT if name in wanted]


# --- Export -----------------------------------------------------------------------------------


#: What an export row reads: the hazard's columns and those of its enterprise, jurisdiction,
#: sector, finder, linked leader, responsible government and verifier, joined in the one
#: query (no query per row), as tuples rather than model instances: building 10,000 model
#: instances with their related objects costs more than the rest of the export.
EXPORT_FIELDS = (
    "code", "enterprise_id", "enterprise__name", "enterprise__credit_code", "responsible_organization__name",
    "jurisdiction__code", "jurisdiction__name", "sector__name", "category", "level", "source", "title", "description",
    "location", "found_on", "finder__name", "finder_name", "plan_responsible", "plan_measures", "plan_funds",
    "original_deadline", "deadline", "plan_contingency", "status", "rectified_on", "verified_at",
    "verified_by__display_name", "verified_by__username", "closed_at", "linked_leader__name", "listing_level",
)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


def export_rows(hazards, *, chunk_size: int = 2000):
    """Rows in :data:`LAYOUT` order for a queryset of hazards, read in chunks (never the whole
    ledger in memory). Choice labels are looked up once, not per cell."""
    labels = {
        "category": _labels(HazardCategory), "level": _labels(HazardLevel), "source": _labels(HazardSource),
        "status": _labels(HazardStatus), "listing": _labels(ListingLevel),
    }
    ownerless = _("Ownerless")
    today = timezone.localdate()
    for (
        code, enterprise_id, enterprise_name, credit_code, responsible_name, division_code, jurisdiction_name, sector_name,
        category, level, source, title, description, location, found_on, finder, finder_name, plan_responsible,
        plan_measures, plan_funds, original_deadline, deadline, plan_contingency, status, rectified_on, verified_at,
        verifier_name, verifier_username, closed_at, leader, listing_level,
    ) in hazards.values_list(*EXPORT_FIELDS).iterator(chunk_size=chunk_size):
        if enterprise_id:
            owner = enterprise_name
        else:
            owner, credit_code = responsible_name or ownerless, ""
        overdue = (today - deadline).days if deadline and status in DEADLINE_STATUSES and deadline < today else ""
        verified = ""
        if verified_at:
            verified = _local_date(verified_at).isoformat()
            if verifier_name or verifier_username:
                verified += f" {verifier_name or verifier_username}"
        yield [
            code, owner, credit_code, division_code, jurisdiction_name, sector_name, labels["category"].get(category, category),
            labels["level"].get(level, level), labels["source"].get(source, source), title, description, location, found_on,
            finder or finder_name, plan_responsible, plan_measures, plan_funds, original_deadline or deadline,
            plan_contingency, labels["status"].get(status, status), deadline, overdue, rectified_on, verified,
            _local_date(closed_at), leader or "", labels["listing"].get(listing_level, listing_level),
        ]


# --- Import: reading --------------------------------------------------------------------------


def column_aliases() -> dict[str, tuple[str, ...]]:
    """Every header accepted for each imported column: canonical name, Chinese names, and the
    export's header in each language (so an export reads back whatever the language)."""
    result = {}
    for name, header, aliases, imported in LAYOUT:
        if not imported:
            continue
        spelled = set(aliases)
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                spelled.add(str(header))
        result[name] = tuple(sorted(spelled))
    return result


def _choice_lookup(field: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for value, label in CHOICES[field].choices:
        result[str(value).lower()] = value
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                result[str(label).strip().lower()] = value
    result.update({k.lower(): v for k, v in EXTRA_CHOICES[field].items()})
    return result


def _header_row(raw: bytes, name: str) -> list[str]:
    """The first row only, to know which optional columns the file has (an unreadable file is
    rejected afterwards by ``read_table`` with its own message)."""
    try:
        if name.endswith(".xlsx") or raw[:2] == b"PK":
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                first = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            finally:
                workbook.close()
            return ["" if v is None else str(v).strip() for v in first]
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw[:65536].decode(encoding, errors="strict" if len(raw) <= 65536 else "ignore")
                break
            except UnicodeDecodeError:
                continue
        else:
            return []
        return [h.strip() for h in next(csv.reader(io.StringIO(text)), [])]
    except Exception:
        return []


def _read(uploaded):
    name = (getattr(uploaded, "name", "") or "").lower()
    limit = settings.MAX_IMPORT_FILE_SIZE
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise ImportRejected([RowError(1, _("file"), _("The file is larger than %(n)d MB.") % {"n": limit // (1024 * 1024)})])
    raw = uploaded.read()
    aliases = column_aliases()
    lookup = {alias.strip().lower(): canonical for canonical, names in aliases.items() for alias in (canonical, *names)}
    present = {lookup[h.lower()] for h in _header_row(raw, name) if h.lower() in lookup}
    columns = {c: aliases[c] for c in aliases if c in REQUIRED or c in present}
    if present and not present & set(ENTERPRISE_COLUMNS):
        names = ", ".join(f"{c} ({aliases[c][0]})" for c in ENTERPRISE_COLUMNS)
        raise ImportRejected([RowError(1, "enterprise", _("Give the enterprise (credit code or name) or, for ownerless hazards, the division code: one of the columns %(names)s.") % {"names": names})])
    table = read_table(ContentFile(raw, name=getattr(uploaded, "name", "") or ""), columns=columns, max_bytes=limit)
    return table


# --- Import: parsing cells --------------------------------------------------------------------


def _parse_date(text: str, column: str, errors: list, number: int) -> date | None:
    if not text:
        return None
    candidate = text[:10].replace("/", "-").replace(".", "-")
    match = re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if match:
        candidate = "-".join(match.groups())
    try:
        return datetime.strptime(candidate, "%Y-%m-%d").date()
    except ValueError:
        errors.append(RowError(number, column, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}))
        return None


def _parse_amount(text: str, column: str, errors: list, number: int) -> Decimal | None:
    cleaned = text.replace(",", "").replace("，", "").replace("元", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation:
        value = None
    if value is None or value < 0:
        errors.append(RowError(number, column, _("“%(value)s” is not an amount in yuan.") % {"value": text}))
        return None
    return value


@dataclass
class HazardImportResult:
    file_name: str
    rows: int
    created: int
    seconds: float


class _Lookups:
    """What the rows refer to, read once for the whole file and limited to the importer's
    scope: enterprises (by credit code and by name), jurisdictions by code, sectors."""

    def __init__(self, actor, rows: list[tuple[int, dict]]):
        enterprises = Enterprise.objects.select_related("jurisdiction").prefetch_related(
            Prefetch("supervisions", queryset=EnterpriseSupervision.objects.select_related("organization"))
        )
        if actor is not None:
            enterprises = enterprises.restrict(actor, "view")
        codes = sorted({v.get("credit_code", "").strip().upper() for _n, v in rows} - {""})
        names = sorted({v.get("enterprise", "").strip() for _n, v in rows if not v.get("credit_code", "").strip()} - {""})
        self.by_code: dict[str, Enterprise] = {}
        self.by_name: dict[str, list[Enterprise]] = {}
        for start in range(0, len(codes), CHUNK):
            self.by_code.update({e.credit_code: e for e in enterprises.filter(credit_code__in=codes[start : start + CHUNK])})
        for start in range(0, len(names), CHUNK):
            for e in enterprises.filter(name__in=names[start : start + CHUNK]):
                self.by_name.setdefault(e.name, []).append(e)
        self.government_names: set[str] = {str(_("Ownerless")), "无主", "无主隐患"}
        for start in range(0, len(names), CHUNK):
            self.government_names.update(
                Organization.objects.filter(kind=OrganizationKind.GOVERNMENT, name__in=names[start : start + CHUNK]).values_list("name", flat=True)
            )
        division_codes = sorted({v.get("jurisdiction_code", "").strip() for _n, v in rows} - {""})
        jurisdictions = Jurisdiction.objects.filter(
            level__in=(JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE, JurisdictionLevel.TOWNSHIP, JurisdictionLevel.VILLAGE)
        )
        if actor is not None:
            jurisdictions = jurisdictions.restrict(actor, "view")
        self.jurisdictions: dict[str, Jurisdiction] = {}
        for start in range(0, len(division_codes), CHUNK):
            self.jurisdictions.update({j.code: j for j in jurisdictions.filter(code__in=division_codes[start : start + CHUNK])})
        self.sectors: dict[str, Sector] = {}
        for s in Sector.objects.filter(is_active=True):
            self.sectors[s.code.lower()] = s
            self.sectors[s.name.strip().lower()] = s
        self.choices = {field: _choice_lookup(field) for field in CHOICES}
        wanted = sorted({v.get("code", "").strip().upper() for _n, v in rows} - {""})
        self.existing_codes: set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            self.existing_codes.update(Hazard.objects.filter(code__in=wanted[start : start + CHUNK]).values_list("code", flat=True))


def _parse_row(number: int, values: dict, lookups: _Lookups, errors: list) -> dict | None:
    """The keyword arguments of ``hazard_report`` for one row, or None after adding errors."""
    before = len(errors)
    get = lambda name: values.get(name, "").strip()  # noqa: E731
    code = get("code").upper()
    if code and code in lookups.existing_codes:
        errors.append(RowError(number, "code", _("Hazard %(code)s is already on the ledger.") % {"code": code}))
    kwargs: dict = {}
    credit_code, name, division = get("credit_code").upper(), get("enterprise"), get("jurisdiction_code")
    enterprise = None
    if credit_code:
        enterprise = lookups.by_code.get(credit_code)
        if enterprise is None:
            errors.append(RowError(number, "credit_code", _("No enterprise in your scope has the credit code %(code)s.") % {"code": credit_code}))
    elif name and not division:
        matches = lookups.by_name.get(name, [])
        if not matches:
            errors.append(RowError(number, "enterprise", _("No enterprise in your scope is named “%(name)s”; give its credit code.") % {"name": name}))
        elif len(matches) > 1:
            errors.append(RowError(number, "enterprise", _("Several enterprises are named “%(name)s”; give the credit code.") % {"name": name}))
        else:
            enterprise = matches[0]
    elif name and division:
        # A name with a division code: an enterprise of that name there, or the government
        # responsible for an ownerless hazard (as the export writes it).
        matches = [e for e in lookups.by_name.get(name, []) if e.jurisdiction.code.startswith(division[:9])]
        if len(matches) == 1:
            enterprise = matches[0]
        elif len(matches) > 1:
            errors.append(RowError(number, "enterprise", _("Several enterprises are named “%(name)s”; give the credit code.") % {"name": name}))
        elif name not in lookups.government_names:
            errors.append(
                RowError(number, "enterprise", _("No enterprise named “%(name)s” is registered there; give its credit code, or leave it empty for an ownerless hazard.") % {"name": name})
            )
    kwargs["enterprise"] = enterprise
    if division:
        jurisdiction = lookups.jurisdictions.get(division)
        if jurisdiction is None:
            errors.append(RowError(number, "jurisdiction_code", _("No county, township or village in your scope has the code %(code)s.") % {"code": division}))
        kwargs["jurisdiction"] = jurisdiction
    elif enterprise is None and not credit_code and not name:
        errors.append(RowError(number, "enterprise", _("Give the enterprise's credit code or name, or the division code of an ownerless hazard.")))
    sector = lookups.sectors.get(get("sector").lower())
    if sector is None:
        errors.append(RowError(number, "sector", _("Unknown sector “%(value)s”.") % {"value": get("sector")}))
    kwargs["sector"] = sector
    for field in ("category", "level", "source"):
        text = get(field)
        if not text:
            if field == "category":
                errors.append(RowError(number, field, _("This value is required.")))
            kwargs[field] = {"level": HazardLevel.GENERAL, "source": DEFAULT_SOURCE}.get(field)
            continue
        value = lookups.choices[field].get(text.lower())
        if value is None:
            errors.append(RowError(number, field, _("Unknown value “%(value)s”.") % {"value": text}))
        kwargs[field] = value
    for field, limit in (("title", 200), ("description", None), ("location", 300), ("plan_responsible", 100)):
        text = get(field)
        if field in ("title", "description") and not text:
            errors.append(RowError(number, field, _("This value is required.")))
        elif limit and len(text) > limit:
            errors.append(RowError(number, field, _("Longer than %(n)d characters.") % {"n": limit}))
        kwargs[field] = text
    kwargs["found_on"] = _parse_date(get("found_on"), "found_on", errors, number)
    if kwargs["found_on"] is None and not get("found_on"):
        errors.append(RowError(number, "found_on", _("This value is required.")))
    kwargs["deadline"] = _parse_date(get("time_limit"), "time_limit", errors, number)
    finder = get("finder")
    if len(finder) > 100:
        errors.append(RowError(number, "finder", _("Longer than %(n)d characters.") % {"n": 100}))
    kwargs["finder_name"] = finder
    kwargs["plan_measures"] = get("plan_measures")
    kwargs["plan_contingency"] = get("plan_contingency")
    kwargs["plan_funds"] = _parse_amount(get("plan_funds"), "plan_funds", errors, number)
    return kwargs if len(errors) == before else None


def _service_errors(number: int, error: ValidationError) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [
            RowError(number, FIELD_COLUMN.get(field, field), str(message))
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(number, "", str(message)) for message in error.messages]


def hazard_import(*, uploaded, actor) -> HazardImportResult:
    """Validate and import a ledger file; raises :class:`ImportRejected` with row-numbered
    errors when any row is wrong, and then nothing is written."""
    started = time.monotonic()
    require_permission(actor, "hazards.add_hazard")
    require_permission(actor, "hazards.change_hazard")
    table = _read(uploaded)
    if len(table.rows) > MAX_ROWS:
        raise ImportRejected([RowError(1, _("file"), _("A file may hold at most %(n)d hazards; split it.") % {"n": MAX_ROWS})])
    if not table.rows:
        raise ImportRejected([RowError(1, _("file"), _("The file has no rows."))])
    lookups = _Lookups(actor, table.rows)
    errors: list[RowError] = []
    parsed: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        code = values.get("code", "").strip().upper()
        if code and code in seen:
            errors.append(RowError(number, "code", _("Code %(code)s appears twice (also in row %(row)d).") % {"code": code, "row": seen[code]}))
            continue
        if code:
            seen[code] = number
        kwargs = _parse_row(number, values, lookups, errors)
        if kwargs is not None:
            parsed.append((number, kwargs))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))
    with transaction.atomic():
        for number, kwargs in parsed:
            try:
                hazard_report(actor=actor, **kwargs)
            except ValidationError as error:
                errors.extend(_service_errors(number, error))
            except PermissionDenied as error:
                errors.append(RowError(number, "", str(error) or _("Your role does not allow this action.")))
        if errors:
            # Raised inside the transaction: every hazard of the file is rolled back.
            raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))
    return HazardImportResult(
        file_name=(getattr(uploaded, "name", "") or "")[:255],
        rows=len(table.rows),
        created=len(parsed),
        seconds=round(time.monotonic() - started, 3),
    )


__all__ = ["EXPORT_FIELDS", "LAYOUT", "HazardImportResult", "ImportRejected", "export_rows", "hazard_import", "headers", "template_headers"]
