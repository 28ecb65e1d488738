"""Reading uploaded tables (CSV or XLSX) for all-or-nothing imports with row-numbered errors,
and writing XLSX exports. Domain-free: each import maps headers and validates rows itself."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
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


# --- Writing XLSX ----------------------------------------------------------------------------
# The workbook is written by hand, part by part, into a zip produced as it goes: exports reach
# 100,000 rows, and openpyxl (even in write-only mode) spends ten times longer building cell
# objects than writing the XML does. One sheet, inline strings (no shared-string table to hold
# in memory), a bold header row, and dates as Excel serial numbers with a date format, so that
# Excel, WPS and openpyxl read them back as dates.

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Exports up to this size are sent whole, with a Content-Length (browsers show progress and
#: callers can read ``response.content``); bigger ones are streamed as they are written, so a
#: large export neither sits in memory nor waits until its last row to send its first byte.
XLSX_BUFFER_BYTES = 1024 * 1024
#: Rows written to the zip at a time: large enough for the compressor, small enough to stream.
_ROWS_PER_WRITE = 500
#: Excel refuses longer text in a cell (the workbook would need repairing).
_MAX_CELL_CHARS = 32767
#: Characters XML 1.0 cannot carry (control characters, lone surrogates); dropped from text.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INVALID_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")
# Excel's day 0 is 1899-12-30 (day 60 is its fictitious 1900-02-29, so dates before March 1900
# are one day off; nobody exports those, and openpyxl's converter handles them anyway).
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_EXCEL_EPOCH_ORDINAL = _EXCEL_EPOCH.toordinal()
_FIRST_PLAIN_ORDINAL = datetime.date(1900, 3, 1).toordinal()
# Cell styles (indexes into cellXfs of _STYLES).
_STYLE_HEADER, _STYLE_DATE, _STYLE_DATETIME, _STYLE_TIME = 1, 2, 3, 4

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    _XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
_XF = '<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="0" xfId="0"{apply}/>'
_STYLES = (
    _XML_HEAD + f'<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    + _XF.format(fmt=0, font=0, apply="")
    + _XF.format(fmt=0, font=1, apply=' applyFont="1"')
    + _XF.format(fmt=164, font=0, apply=' applyNumberFormat="1"')
    + _XF.format(fmt=165, font=0, apply=' applyNumberFormat="1"')
    + _XF.format(fmt=21, font=0, apply=' applyNumberFormat="1"')
    + "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


#: Characters that need work in text: escaping or dropping (most exported text has none).
_NEEDS_WORK = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def _escape(text: str) -> str:
    if not _NEEDS_WORK.search(text):
        return text
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of ``[]:*?/\\``, not
    starting or ending with an apostrophe, not empty."""
    title = _INVALID_SHEET_TITLE.sub("_", _ILLEGAL_XML.sub("", str(title)))[:31].strip("'")
    return title or "Sheet1"


def _serial(value) -> float:
    """An Excel serial day number for a date, naive datetime or time."""
    if isinstance(value, datetime.datetime):
        if value.toordinal() < _FIRST_PLAIN_ORDINAL:
            from openpyxl.utils.datetime import to_excel

            return to_excel(value)
        delta = value - _EXCEL_EPOCH
        return delta.days + (delta.seconds + delta.microseconds / 1_000_000) / 86400
    if isinstance(value, datetime.date):
        ordinal = value.toordinal()
        return ordinal - _EXCEL_EPOCH_ORDINAL - (1 if ordinal < _FIRST_PLAIN_ORDINAL else 0)
    return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1_000_000) / 86400


def _text_cell(ref: str, text: str, style: str = "") -> str:
    if len(text) > _MAX_CELL_CHARS:
        text = text[:_MAX_CELL_CHARS]
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _number_cell(ref: str, value) -> str:
    if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        return _text_cell(ref, str(value))  # Excel has no NaN or infinity
    return f'<c r="{ref}"><v>{value}</v></c>'


def _datetime_cell(ref: str, value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = _cell_value(value)
    return f'<c r="{ref}" s="{_STYLE_DATETIME}"><v>{_serial(value)}</v></c>'


# The writers of each cell's XML for the usual types, looked up by exact type (the hot path: a
# 10,000-row export has 270,000 cells); subclasses and other types go through _other_cell.
_CELL_WRITERS = {
    str: lambda ref, value: _text_cell(ref, value) if value else f'<c r="{ref}"/>',
    int: lambda ref, value: f'<c r="{ref}"><v>{value}</v></c>',
    bool: lambda ref, value: f'<c r="{ref}" t="b"><v>{int(value)}</v></c>',
    float: _number_cell,
    Decimal: _number_cell,
    datetime.date: lambda ref, value: f'<c r="{ref}" s="{_STYLE_DATE}"><v>{_serial(value)}</v></c>',
    datetime.datetime: _datetime_cell,
    datetime.time: lambda ref, value: f'<c r="{ref}" s="{_STYLE_TIME}"><v>{_serial(value)}</v></c>',
    type(None): lambda ref, value: f'<c r="{ref}"/>',
}


def _other_cell(ref: str, value) -> str:
    # Subclasses (choices enums are str or int subclasses) as their base type's plain value.
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return _CELL_WRITERS[kind](ref, kind(value))
    for kind in (Decimal, datetime.datetime, datetime.date, datetime.time):
        if isinstance(value, kind):
            return _CELL_WRITERS[kind](ref, value)
    text = str(value)  # lazy translations, UUIDs, anything else: its text
    return _text_cell(ref, text) if text else f'<c r="{ref}"/>'


class _ZipSink:
    """A write-only, unseekable file for :class:`zipfile.ZipFile` (which then writes each
    member's sizes after its data): it keeps what was written until :meth:`drain`."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def xlsx_chunks(*, sheet_title: str, headers: Iterable, rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The bytes of a one-sheet XLSX workbook, produced while ``rows`` are read: memory stays
    constant whatever the number of rows. Row 1 holds ``headers`` in bold."""
    import zipfile

    from openpyxl.utils import get_column_letter

    sink = _ZipSink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.writestr("_rels/.rels", _ROOT_RELS)
    archive.writestr(
        "xl/workbook.xml",
        _XML_HEAD + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
        f'<sheet name="{_escape(_sheet_title(sheet_title))}" sheetId="1" r:id="rId1"/></sheets></workbook>',
    )
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
    archive.writestr("xl/styles.xml", _STYLES)
    yield sink.drain()

    letters: list[str] = []

    def letters_for(count: int) -> list[str]:
        while len(letters) < count:
            letters.append(get_column_letter(len(letters) + 1))
        return letters

    with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
        headers = [str(h) for h in headers]
        columns = letters_for(len(headers))
        header_cells = "".join(
            _text_cell(f"{columns[i]}1", header, f' s="{_STYLE_HEADER}"') if header else f'<c r="{columns[i]}1"/>'
            for i, header in enumerate(headers)
        )
        parts = [_XML_HEAD, f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheetData>', f'<row r="1">{header_cells}</row>']
        number = 1
        writers = _CELL_WRITERS
        for row in rows:
            number += 1
            values = list(row)
            columns = letters_for(len(values))
            # The writer of each value's type, called here rather than through a helper: one
            # function call less per cell is a tenth of the export's time. An empty value is an
            # empty cell, not a missing one, so that each row reads back (openpyxl's read-only
            # mode) with as many cells as it was written with.
            cells = "".join(
                [writers.get(type(value), _other_cell)(f"{columns[i]}{number}", value) for i, value in enumerate(values)]
            )
            parts.append(f'<row r="{number}">{cells}</row>')
            if len(parts) >= _ROWS_PER_WRITE:
                sheet.write("".join(parts).encode("utf-8"))
                parts.clear()
                data = sink.drain()
                if data:
                    yield data
        parts.append("</sheetData></worksheet>")
        sheet.write("".join(parts).encode("utf-8"))
    archive.close()
    yield sink.drain()


def _in_language(language: str | None, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks``, produced in ``language``: the rest of a streamed export is written after the
    view has returned (labels of choices, translated strings), in the request's language."""
    with translation.override(language):
        yield from chunks


def xlsx_response(*, filename: str, sheet_title: str, headers: list[str], rows: Iterable[Iterable]):
    """An XLSX download of ``headers`` (bold, row 1) and ``rows``; aware datetimes are written
    as local time. Small files are sent whole, large ones streamed (see XLSX_BUFFER_BYTES)."""
    from urllib.parse import quote

    from django.http import HttpResponse, StreamingHttpResponse

    chunks = xlsx_chunks(sheet_title=sheet_title, headers=headers, rows=rows)
    # The first megabyte is written here, inside the view: the rows' first queries run, and
    # their errors surface, while the request (its language, its database connection) is
    # still the view's.
    buffered: list[bytes] = []
    size = 0
    for chunk in chunks:
        buffered.append(chunk)
        size += len(chunk)
        if size >= XLSX_BUFFER_BYTES:
            response = StreamingHttpResponse(
                itertools.chain(buffered, _in_language(translation.get_language(), chunks)), content_type=XLSX_CONTENT_TYPE
            )
            break
    else:
        response = HttpResponse(b"".join(buffered), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
