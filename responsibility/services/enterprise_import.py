"""Import of enterprises from CSV or XLSX, and the column layout shared with the export.

All-or-nothing, like the division import: every row is checked first (credit code, duplicates
within the file, jurisdiction in scope, sector, departments of the enterprise's county or
city), and one bad row rejects the file with row-numbered errors; nothing is written. A valid
file is an upsert by credit code: missing enterprises are created, changed ones updated, the
rest left alone, with ``bulk_create``/``bulk_update`` so that 10,000 rows take seconds.

Only the columns present in the file are touched: a file without 主管部门 leaves the
supervising departments as they are; a present but empty cell clears the value. The export
writes the same columns, so an exported file imports back unchanged.

Bulk writes bypass the per-save audit trail, so the import writes the audit entries itself
(one per created or changed enterprise, with the changed fields, marked with the file name).
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import get_scope
from core.tabular import ImportRejected, RowError, read_table
from responsibility.choices import DEPARTMENT_KINDS, EnterpriseScale, EnterpriseStatus, RiskClass
from responsibility.models import Enterprise, EnterpriseSupervision, Jurisdiction, Organization, Sector
from responsibility.services.backbone import require_permission
from responsibility.services.enterprises import DEPARTMENT_LEVELS, ENTERPRISE_LEVELS, normalise_credit_code
from responsibility.validators import credit_code_error

# (canonical name, header written by the export, other accepted headers, attribute for the
# export). The export's header is also accepted in every language the platform speaks.
LAYOUT: list[tuple[str, object, tuple[str, ...], str]] = [
    ("credit_code", gettext_lazy("Unified social credit code"), ("统一社会信用代码", "信用代码", "社会信用代码"), "credit_code"),
    ("name", gettext_lazy("Enterprise name"), ("单位名称", "企业名称", "名称", "name"), "name"),
    ("jurisdiction_code", gettext_lazy("Township or village code"), ("所在乡镇/村代码", "所在乡镇（村）代码", "区划代码", "乡镇/村代码"), "jurisdiction.code"),
    ("jurisdiction_name", gettext_lazy("Township or village"), ("所在乡镇/村", "所在乡镇（村）", "乡镇/村"), "jurisdiction.name"),
    ("sector", gettext_lazy("Sector"), ("行业领域", "行业", "行业类别"), "sector.name"),
    ("scale", gettext_lazy("Scale"), ("规模", "企业规模"), "get_scale_display"),
    ("risk_class", gettext_lazy("Risk class"), ("风险等级", "风险分级"), "get_risk_class_display"),
    ("status", gettext_lazy("Status"), ("经营状态", "状态"), "get_status_display"),
    ("primary_department", gettext_lazy("Primary supervising department"), ("主管部门", "行业主管部门", "主要监管部门"), "primary_department_name"),
    ("other_departments", gettext_lazy("Other supervising departments"), ("其他监管部门", "其他部门"), "other_department_names"),
    ("address", gettext_lazy("Address"), ("地址", "单位地址", "经营地址"), "address"),
    ("legal_representative", gettext_lazy("Legal representative"), ("法定代表人", "法人代表"), "legal_representative"),
    ("safety_contact", gettext_lazy("Safety contact"), ("安全管理联系人", "安全联系人", "联系人"), "safety_contact"),
    ("contact_phone", gettext_lazy("Contact phone"), ("联系电话", "电话"), "contact_phone"),
    ("employees", gettext_lazy("Employees"), ("从业人数", "职工人数", "员工人数"), "employees"),
    ("accident_count", gettext_lazy("Accidents in the last three years"), ("近三年事故起数", "事故起数"), "accident_count"),
    ("last_accident_on", gettext_lazy("Last accident"), ("最近事故日期", "最近一次事故日期"), "last_accident_on"),
    ("is_weak", gettext_lazy("Weak safety foundation"), ("安全基础薄弱", "是否薄弱单位"), "is_weak"),
    ("latitude", gettext_lazy("Latitude"), ("纬度",), "latitude"),
    ("longitude", gettext_lazy("Longitude"), ("经度",), "longitude"),
]
REQUIRED = ("credit_code", "name", "jurisdiction_code", "sector")
#: Columns that are written by the export for reading only.
INFORMATIONAL = ("jurisdiction_name",)
#: Model fields set from the file (supervising departments are handled apart).
FIELDS = (
    "name", "jurisdiction_id", "sector_id", "address", "scale", "risk_class", "status", "legal_representative",
    "safety_contact", "contact_phone", "employees", "accident_count", "last_accident_on", "is_weak", "latitude", "longitude",
)
#: Which model field each column sets, where the names differ.
COLUMN_FIELD = {"jurisdiction_code": "jurisdiction_id", "sector": "sector_id"}

EXPORT_COLUMNS = [(header, attribute) for _name, header, _aliases, attribute in LAYOUT]


def export_rows(enterprises):
    """The export's rows in :data:`LAYOUT` order, for enterprises fetched with
    ``jurisdiction``, ``sector`` and ``supervisions__organization``. Choice labels are looked up
    once: ``get_FOO_display`` per cell would cost more than writing the workbook."""
    labels = {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in (("scale", EnterpriseScale), ("risk_class", RiskClass), ("status", EnterpriseStatus))
    }
    for e in enterprises:
        primary, others = None, []
        for supervision in e.supervisions.all():
            if supervision.is_primary:
                primary = supervision.organization.name
            else:
                others.append(supervision.organization.name)
        yield [
            e.credit_code, e.name, e.jurisdiction.code, e.jurisdiction.name, e.sector.name, labels["scale"].get(e.scale, e.scale),
            labels["risk_class"].get(e.risk_class, e.risk_class), labels["status"].get(e.status, e.status), primary or "",
            "、".join(sorted(others)), e.address, e.legal_representative, e.safety_contact, e.contact_phone, e.employees,
            e.accident_count, e.last_accident_on, e.is_weak, e.latitude, e.longitude,
        ]

DEPARTMENT_SEPARATORS = re.compile(r"[、,，;；/|\n]+")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓", "x"}
FALSE_WORDS = {"0", "false", "no", "n", "否", ""}
CHUNK = 2000


def column_aliases() -> dict[str, tuple[str, ...]]:
    """Every header accepted for each column: the canonical name, the Chinese names, and the
    export's header in each language (so an export imports back whatever the language)."""
    result = {}
    for name, header, aliases, _attribute in LAYOUT:
        spelled = set(aliases)
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                spelled.add(str(header))
        result[name] = tuple(sorted(spelled))
    return result


def _choice_aliases(choices) -> dict[str, str]:
    """Value, and label in every language, of each choice (lower-cased) → value."""
    result: dict[str, str] = {}
    for value, label in choices.choices:
        result[str(value).lower()] = value
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                result[str(label).strip().lower()] = value
    return result


# Short Chinese spellings seen in county spreadsheets.
EXTRA_CHOICES = {
    "scale": {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro", "规上": "medium", "大": "large", "中": "medium", "小": "small", "微": "micro"},
    "risk_class": {
        "红": "red", "红色": "red", "重大风险": "red", "重大": "red", "橙": "orange", "橙色": "orange", "较大风险": "orange",
        "较大": "orange", "黄": "yellow", "黄色": "yellow", "一般风险": "yellow", "一般": "yellow", "蓝": "blue", "蓝色": "blue",
        "低风险": "blue", "低": "blue",
    },
    "status": {"在营": "operating", "正常": "operating", "存续": "operating", "营业": "operating", "停产": "suspended", "停业": "suspended", "关闭": "closed", "注销": "closed", "吊销": "closed"},
}


@dataclass
class EnterpriseImportResult:
    file_name: str
    rows: int
    created: int
    updated: int
    unchanged: int
    seconds: float
    errors: list[RowError] = field(default_factory=list)


#: A department column absent from the file.
MISSING = object()


@dataclass
class _Row:
    number: int
    credit_code: str
    values: dict  # model field → value, only for the columns in the file
    primary: object = MISSING  # department pk, None (empty cell) or MISSING (no such column)
    others: object = MISSING  # tuple of department pks, or MISSING
    departments: tuple[int | None, tuple[int, ...]] | None = None  # resolved against the current ones

    def resolve_departments(self, current: tuple[int | None, tuple[int, ...]]) -> tuple[int | None, tuple[int, ...]] | None:
        """What the supervising departments become: a column the file lacks keeps the current
        value. None when the file has neither column."""
        if self.primary is MISSING and self.others is MISSING:
            return None
        primary = current[0] if self.primary is MISSING else self.primary
        others = current[1] if self.others is MISSING else self.others
        return primary, tuple(sorted(o for o in set(others) if o != primary))


# --- Reading ----------------------------------------------------------------------------------


def _header_row(raw: bytes, name: str) -> list[str]:
    """The first row only, to know which optional columns the file has. An unreadable file
    returns nothing here and is then rejected by ``read_table`` with its own message."""
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


def _read(uploaded) -> tuple[object, dict[str, tuple[str, ...]]]:
    name = (getattr(uploaded, "name", "") or "").lower()
    limit = settings.MAX_IMPORT_FILE_SIZE
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise ImportRejected([RowError(1, _("file"), _("The file is larger than %(n)d MB.") % {"n": limit // (1024 * 1024)})])
    raw = uploaded.read()
    aliases = column_aliases()
    lookup = {alias.strip().lower(): canonical for canonical, names in aliases.items() for alias in (canonical, *names)}
    present = {lookup[h.lower()] for h in _header_row(raw, name) if h.lower() in lookup}
    columns = {c: aliases[c] for c in aliases if c in REQUIRED or (c in present and c not in INFORMATIONAL)}
    table = read_table(ContentFile(raw, name=getattr(uploaded, "name", "") or ""), columns=columns, max_bytes=limit)
    return table, columns


# --- Parsing cells --------------------------------------------------------------------------


def _parse_int(text: str, column: str, errors: list, number: int) -> int | None:
    if text == "":
        return None
    try:
        value = int(Decimal(text))
        if value < 0 or Decimal(text) != value:
            raise ValueError
        return value
    except (InvalidOperation, ValueError):
        errors.append(RowError(number, column, _("“%(value)s” is not a whole number.") % {"value": text}))
        return None


def _parse_date(text: str, column: str, errors: list, number: int) -> date | None:
    if text == "":
        return None
    candidate = text[:10].replace("/", "-").replace(".", "-")
    try:
        return datetime.strptime(candidate, "%Y-%m-%d").date()
    except ValueError:
        errors.append(RowError(number, column, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}))
        return None


def _parse_coordinate(text: str, column: str, errors: list, number: int, low: int, high: int) -> Decimal | None:
    if text == "":
        return None
    try:
        value = Decimal(text).quantize(Decimal("0.000001"))
    except InvalidOperation:
        value = None
    if value is None or not (low <= value <= high):
        errors.append(RowError(number, column, _("“%(value)s” is not a coordinate between %(low)d and %(high)d.") % {"value": text, "low": low, "high": high}))
        return None
    return value


def _parse_bool(text: str, column: str, errors: list, number: int) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    errors.append(RowError(number, column, _("“%(value)s” is neither yes (是) nor no (否).") % {"value": text}))
    return False


# --- The import -------------------------------------------------------------------------------


class _Lookups:
    """What the rows are checked against, loaded once for the whole file."""

    def __init__(self, actor, table_rows: list[tuple[int, dict]], columns: dict):
        self.scope = get_scope(actor) if actor is not None else None
        codes = {values["jurisdiction_code"].strip() for _n, values in table_rows}
        codes |= {c[:9] for c in codes if len(c) == 12 and c.endswith("000")}  # padded township codes
        self.jurisdictions: dict[str, tuple[int, str]] = {}
        code_list = sorted(codes)
        for start in range(0, len(code_list), CHUNK):
            queryset = Jurisdiction.objects.filter(code__in=code_list[start : start + CHUNK], level__in=ENTERPRISE_LEVELS)
            if self.scope is not None:
                queryset = queryset.in_scope(self.scope)
            self.jurisdictions.update({code: (pk, path) for pk, code, path in queryset.values_list("pk", "code", "path")})
        self.sectors: dict[str, int] = {}
        for pk, code, name in Sector.objects.values_list("pk", "code", "name"):
            self.sectors[code.lower()] = pk
            self.sectors[name.strip().lower()] = pk
        # Departments of the county-level units and cities above the file's jurisdictions.
        self.departments: dict[str, dict[str, int]] = {}
        if "primary_department" in columns or "other_departments" in columns:
            paths = {p for _pk, path in self.jurisdictions.values() for p in (path[:6], path[:4])}
            queryset = Organization.objects.filter(
                kind__in=DEPARTMENT_KINDS, jurisdiction__path__in=paths, jurisdiction__level__in=DEPARTMENT_LEVELS
            )
            if actor is not None:
                queryset = queryset.restrict(actor, "view")
            for pk, path, name, short in queryset.values_list("pk", "jurisdiction__path", "name", "short_name"):
                names = self.departments.setdefault(path, {})
                names[name.strip().lower()] = pk
                if short:
                    names.setdefault(short.strip().lower(), pk)
        self.choices = {
            key: {**_choice_aliases(choices), **EXTRA_CHOICES[key]}
            for key, choices in (("scale", EnterpriseScale), ("risk_class", RiskClass), ("status", EnterpriseStatus))
        }

    def jurisdiction(self, code: str) -> tuple[int, str] | None:
        code = code.strip()
        found = self.jurisdictions.get(code)
        if found is None and len(code) == 12 and code.endswith("000"):
            found = self.jurisdictions.get(code[:9])
        return found

    def department(self, path: str, name: str) -> int | None:
        key = name.strip().lower()
        # The county's own department first, then the city's.
        for prefix in (path[:6], path[:4]):
            pk = self.departments.get(prefix, {}).get(key)
            if pk is not None:
                return pk
        return None


def _parse_row(number: int, values: dict, columns: dict, lookups: _Lookups, errors: list) -> _Row | None:
    before = len(errors)
    code = normalise_credit_code(values["credit_code"])
    problem = credit_code_error(code)
    if problem:
        errors.append(RowError(number, "credit_code", problem))
    parsed: dict = {}
    name = values["name"].strip()
    if not name:
        errors.append(RowError(number, "name", _("The name is empty.")))
    elif len(name) > 200:
        errors.append(RowError(number, "name", _("The name is longer than %(n)d characters.") % {"n": 200}))
    parsed["name"] = name
    found = lookups.jurisdiction(values["jurisdiction_code"])
    if found is None:
        # Same words for "no such code" and "another county's code".
        errors.append(
            RowError(number, "jurisdiction_code", _("No township or village with code “%(code)s” in your scope.") % {"code": values["jurisdiction_code"]})
        )
        path = ""
    else:
        parsed["jurisdiction_id"], path = found
    sector = lookups.sectors.get(values["sector"].strip().lower())
    if sector is None:
        errors.append(RowError(number, "sector", _("Unknown sector “%(value)s”.") % {"value": values["sector"]}))
    parsed["sector_id"] = sector

    for key in ("scale", "risk_class", "status"):
        if key in columns:
            text = values[key].strip()
            if text == "":
                parsed[key] = Enterprise._meta.get_field(key).default
            elif text.lower() in lookups.choices[key]:
                parsed[key] = lookups.choices[key][text.lower()]
            else:
                errors.append(RowError(number, key, _("Unknown value “%(value)s”.") % {"value": text}))
    for key, limit in (("address", 300), ("legal_representative", 50), ("safety_contact", 50), ("contact_phone", 32)):
        if key in columns:
            text = values[key].strip()
            if len(text) > limit:
                errors.append(RowError(number, key, _("Longer than %(n)d characters.") % {"n": limit}))
            parsed[key] = text
    if "employees" in columns:
        parsed["employees"] = _parse_int(values["employees"], "employees", errors, number)
    if "accident_count" in columns:
        parsed["accident_count"] = _parse_int(values["accident_count"], "accident_count", errors, number) or 0
    if "last_accident_on" in columns:
        parsed["last_accident_on"] = _parse_date(values["last_accident_on"], "last_accident_on", errors, number)
    if "is_weak" in columns:
        parsed["is_weak"] = _parse_bool(values["is_weak"], "is_weak", errors, number)
    if "latitude" in columns:
        parsed["latitude"] = _parse_coordinate(values["latitude"], "latitude", errors, number, -90, 90)
    if "longitude" in columns:
        parsed["longitude"] = _parse_coordinate(values["longitude"], "longitude", errors, number, -180, 180)

    row = _Row(number, code, parsed)
    if "primary_department" in columns and path:
        primary_name = values["primary_department"].strip()
        row.primary = lookups.department(path, primary_name) if primary_name else None
        if primary_name and row.primary is None:
            errors.append(
                RowError(number, "primary_department", _("No department “%(name)s” in the enterprise's county or city.") % {"name": primary_name})
            )
    if "other_departments" in columns and path:
        others = []
        for other in (n.strip() for n in DEPARTMENT_SEPARATORS.split(values["other_departments"])):
            if not other:
                continue
            pk = lookups.department(path, other)
            if pk is None:
                errors.append(
                    RowError(number, "other_departments", _("No department “%(name)s” in the enterprise's county or city.") % {"name": other})
                )
            else:
                others.append(pk)
        row.others = tuple(others)
    if len(errors) > before:
        return None
    return row


def enterprise_import(*, uploaded, actor=None) -> EnterpriseImportResult:
    """Validate and import an enterprise file (upsert by credit code). Raises
    :class:`ImportRejected` with row-numbered errors when any row is wrong; then nothing is
    written."""
    started = time.monotonic()
    require_permission(actor, "responsibility.add_enterprise")
    require_permission(actor, "responsibility.change_enterprise")
    table, columns = _read(uploaded)
    lookups = _Lookups(actor, table.rows, columns)
    errors: list[RowError] = []
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        row = _parse_row(number, values, columns, lookups, errors)
        code = normalise_credit_code(values["credit_code"])
        if code and code in seen:
            errors.append(RowError(number, "credit_code", _("Code %(code)s appears twice (also in row %(row)d).") % {"code": code, "row": seen[code]}))
            continue
        seen.setdefault(code, number)
        if row is not None:
            rows.append(row)

    # The enterprises the file refers to, and which of them the actor may change.
    codes = [row.credit_code for row in rows]
    existing: dict[str, Enterprise] = {}
    changeable: set[int] = set()
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        existing.update({e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=chunk)})
        allowed = Enterprise.objects.filter(credit_code__in=chunk)
        if actor is not None:
            allowed = allowed.restrict(actor, "change")
        changeable.update(allowed.values_list("pk", flat=True))
    supervisions: dict[int, tuple[int | None, tuple[int, ...]]] = {}
    pks = [e.pk for e in existing.values()]
    for start in range(0, len(pks), CHUNK):
        for enterprise_id, organization_id, is_primary in EnterpriseSupervision.objects.filter(
            enterprise_id__in=pks[start : start + CHUNK]
        ).values_list("enterprise_id", "organization_id", "is_primary"):
            primary, others = supervisions.get(enterprise_id, (None, ()))
            supervisions[enterprise_id] = (organization_id, others) if is_primary else (primary, tuple(sorted((*others, organization_id))))

    to_create: list[_Row] = []
    to_update: list[tuple[_Row, Enterprise, list[str], bool]] = []
    unchanged = 0
    for row in rows:
        current = existing.get(row.credit_code)
        if current is not None and current.pk not in changeable:
            errors.append(RowError(row.number, "credit_code", _("This code is registered to an enterprise outside your scope.")))
            continue
        before = supervisions.get(current.pk, (None, ())) if current is not None else (None, ())
        row.departments = row.resolve_departments(before)
        if row.departments is not None and row.departments[1] and row.departments[0] is None:
            errors.append(
                RowError(row.number, "primary_department", _("Give the primary supervising department; the others come in addition to it."))
            )
            continue
        if current is None:
            to_create.append(row)
            continue
        changed = [name for name, value in row.values.items() if getattr(current, name) != value]
        departments_changed = row.departments is not None and before != row.departments
        if changed or departments_changed:
            to_update.append((row, current, changed, departments_changed))
        else:
            unchanged += 1

    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))

    file_name = (getattr(uploaded, "name", "") or "")[:255]
    _write(actor, file_name, to_create, to_update, supervisions)
    return EnterpriseImportResult(
        file_name=file_name,
        rows=len(table.rows),
        created=len(to_create),
        updated=len(to_update),
        unchanged=unchanged,
        seconds=round(time.monotonic() - started, 3),
    )


def _department_text(departments: tuple[int | None, tuple[int, ...]], names: dict[int, str]) -> str:
    primary, others = departments
    parts = ([f"{names.get(primary, primary)}（{_('primary')}）"] if primary else []) + [str(names.get(o, o)) for o in others]
    return "、".join(parts) or "—"


def _audit_value(value) -> str:
    # The form auditlog stores values in (strings, "None" for nothing), so the history page
    # shows imported changes like any other.
    return "None" if value is None else str(value)


#: Model field name (as auditlog records it) of each field the import sets.
_AUDIT_NAMES = {attname: Enterprise._meta.get_field(attname).name for attname in ("credit_code", *FIELDS)}


def _update_rows(field_names: tuple[str, ...], rows: list[tuple[Enterprise, dict]], now) -> None:
    """Set ``field_names`` (and ``updated_at``, which bulk writes must set themselves) on many
    rows at once. Django's ``bulk_update`` builds a CASE expression per field and row, seconds
    per 10,000 rows; instead PostgreSQL gets one ``UPDATE … FROM (VALUES …)`` per page of
    rows, and SQLite (in-process, no round trips) an ``executemany``."""
    from django.db import connection

    fields = [Enterprise._meta.get_field(name) for name in field_names]
    updated_at = Enterprise._meta.get_field("updated_at")
    pk = Enterprise._meta.pk
    quote = connection.ops.quote_name
    table = quote(Enterprise._meta.db_table)
    stamp = updated_at.get_db_prep_save(now, connection)
    values = [[*(f.get_db_prep_save(data[f.attname], connection) for f in fields), enterprise.pk] for enterprise, data in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            columns = ", ".join(quote(f.column) for f in fields)
            assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
            # Casts tell PostgreSQL the column types of the VALUES list (NULLs have none).
            template = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in fields) + f", %s::{pk.rel_db_type(connection)})"
            # execute_values fills the one VALUES placeholder, so the timestamp goes in as a
            # literal (quoted by the driver).
            stamp_sql = cursor.mogrify("%s", [stamp]).decode()
            sql = (
                f"UPDATE {table} AS t SET {assignments}, {quote(updated_at.column)} = {stamp_sql} "
                f"FROM (VALUES %s) AS v({columns}, {quote(pk.column)}) WHERE t.{quote(pk.column)} = v.{quote(pk.column)}"
            )
            execute_values(cursor.cursor, sql, values, template=template, page_size=1000)
        else:
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in [*fields, updated_at])
            sql = f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s"
            params = [[*row[:-1], stamp, row[-1]] for row in values]
            for start in range(0, len(params), CHUNK):
                cursor.executemany(sql, params[start : start + CHUNK])


@transaction.atomic
def _write(actor, file_name: str, to_create: list[_Row], to_update: list, supervisions: dict) -> None:
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Enterprise)
    cid = get_cid()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    label = str(EnterpriseSupervision._meta.verbose_name_plural)
    department_ids = {pk for row in to_create if row.departments for pk in (row.departments[0], *row.departments[1])}
    department_ids |= {pk for row, *_r in to_update if row.departments for pk in (row.departments[0], *row.departments[1])}
    department_ids |= {pk for value in supervisions.values() for pk in (value[0], *value[1])}
    department_ids.discard(None)
    names = dict(Organization.objects.filter(pk__in=department_ids).values_list("pk", "name")) if department_ids else {}
    entries: list[LogEntry] = []
    new_supervisions: list[EnterpriseSupervision] = []

    def entry(pk: int, name: str, action: int, changes: dict) -> LogEntry:
        return LogEntry(
            content_type=content_type, object_pk=str(pk), object_id=pk, object_repr=name[:200],
            action=action, changes=changes, actor_id=actor_id, timestamp=now, cid=cid,
            additional_data={"import": file_name},
        )

    def supervise(pk: int, departments: tuple[int | None, tuple[int, ...]]) -> None:
        primary, others = departments
        if primary:
            new_supervisions.append(EnterpriseSupervision(enterprise_id=pk, organization_id=primary, is_primary=True))
        new_supervisions.extend(EnterpriseSupervision(enterprise_id=pk, organization_id=o, is_primary=False) for o in others)

    # Creates.
    created = [Enterprise(credit_code=row.credit_code, **row.values) for row in to_create]
    Enterprise.objects.bulk_create(created, batch_size=1000)
    if created and created[0].pk is None:  # a backend that cannot return ids
        ids = {}
        codes = [e.credit_code for e in created]
        for start in range(0, len(codes), CHUNK):
            ids.update(Enterprise.objects.filter(credit_code__in=codes[start : start + CHUNK]).values_list("credit_code", "pk"))
        for enterprise in created:
            enterprise.pk = ids[enterprise.credit_code]
    for enterprise, row in zip(created, to_create, strict=True):
        changes = {
            _AUDIT_NAMES[name]: ["None", _audit_value(value)]
            for name, value in (("credit_code", row.credit_code), *row.values.items())
            if value not in (None, "")
        }
        if row.departments and (row.departments[0] or row.departments[1]):
            supervise(enterprise.pk, row.departments)
            changes[label] = ["—", _department_text(row.departments, names)]
        entries.append(entry(enterprise.pk, enterprise.name, LogEntry.Action.CREATE, changes))

    # Updates, grouped by the set of changed fields.
    groups: dict[tuple[str, ...], list[tuple[Enterprise, dict]]] = {}
    replaced: list[int] = []
    for row, current, changed, departments_changed in to_update:
        changes = {_AUDIT_NAMES[name]: [_audit_value(getattr(current, name)), _audit_value(row.values[name])] for name in changed}
        groups.setdefault(tuple(sorted(changed)), []).append((current, row.values))
        if departments_changed:
            replaced.append(current.pk)
            supervise(current.pk, row.departments)
            changes[label] = [_department_text(supervisions.get(current.pk, (None, ())), names), _department_text(row.departments, names)]
        entries.append(entry(current.pk, row.values.get("name", current.name), LogEntry.Action.UPDATE, changes))
    for field_names, rows in groups.items():
        _update_rows(field_names, rows, now)
    for start in range(0, len(replaced), CHUNK):
        EnterpriseSupervision.objects.filter(enterprise_id__in=replaced[start : start + CHUNK]).delete()
    EnterpriseSupervision.objects.bulk_create(new_supervisions, batch_size=2000)
    LogEntry.objects.bulk_create(entries, batch_size=1000)


__all__ = ["EXPORT_COLUMNS", "EnterpriseImportResult", "ImportRejected", "enterprise_import", "export_rows"]
