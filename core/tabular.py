"""Reading uploaded tables (CSV or XLSX) for all-or-nothing imports with row-numbered errors,
and writing XLSX exports. Domain-free: each import maps headers and validates rows itself."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based, as shown by spreadsheet programs (row 1 is the header)
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d, %(column)s: %(message)s") % {"row": self.row, "column": self.column, "message": self.message}


class ImportRejected(Exception):
    """The file was rejected as a whole; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # codes typed in Excel arrive as numbers
    return str(value).strip()


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected([RowError(1, _("file"), _("The file is neither UTF-8 nor GB18030 text."))])


def read_table(uploaded, *, columns: dict[str, Iterable[str]], max_bytes: int | None = None) -> Table:
    """Read a CSV or XLSX upload into canonical column names.

    ``columns`` maps each canonical name to the header spellings accepted for it (English and
    Chinese). Missing required columns reject the file before any row is read.
    """
    name = (getattr(uploaded, "name", "") or "").lower()
    raw = uploaded.read()
    if max_bytes is not None and len(raw) > max_bytes:
        raise ImportRejected([RowError(1, _("file"), _("The file is larger than %(n)d MB.") % {"n": max_bytes // (1024 * 1024)})])
    if name.endswith(".xlsx") or raw[:2] == b"PK":
        records = _xlsx_records(raw)
    elif name.endswith((".csv", ".txt")) or not name:
        records = csv.reader(io.StringIO(_decode(raw)))
    else:
        raise ImportRejected([RowError(1, _("file"), _("Upload a .csv or .xlsx file."))])
    return _to_table(records, columns)


def _xlsx_records(raw: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:
        raise ImportRejected([RowError(1, _("file"), _("The file is not a readable XLSX workbook."))]) from None
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield list(row)
    workbook.close()


def _to_table(records: Iterable[list], columns: dict[str, Iterable[str]]) -> Table:
    iterator = iter(records)
    try:
        header_row = [_clean(h) for h in next(iterator)]
    except StopIteration:
        raise ImportRejected([RowError(1, _("file"), _("The file is empty."))]) from None
    aliases = {alias.strip().lower(): canonical for canonical, names in columns.items() for alias in (canonical, *names)}
    positions: dict[str, int] = {}
    for index, header in enumerate(header_row):
        canonical = aliases.get(header.lower())
        if canonical and canonical not in positions:
            positions[canonical] = index
    missing = [c for c in columns if c not in positions]
    if missing:
        raise ImportRejected(
            [RowError(1, c, _("Required column is missing (expected one of: %(names)s).") % {"names": ", ".join([c, *columns[c]])}) for c in missing]
        )
    table = Table(headers=list(columns))
    for row_number, record in enumerate(iterator, start=2):
        values = {c: _clean(record[i]) if i < len(record) else "" for c, i in positions.items()}
        if not any(values.values()):
            continue  # blank lines are not rows
        table.rows.append((row_number, values))
    return table


def _cell_value(value):
    """Excel has no time zones: an aware datetime is written as local wall-clock time."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_response(*, filename: str, sheet_title: str, headers: list[str], rows: Iterable[Iterable]):
    """An XLSX download written in constant memory (openpyxl write-only mode)."""
    from django.http import HttpResponse
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
