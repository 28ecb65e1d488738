"""XLSX exports written by hand (core.tabular.xlsx_response): a valid workbook that openpyxl
reads back with the values and types written, the header row bold, small files sent whole and
large ones streamed while their rows are still being read."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core import tabular
from core.tabular import xlsx_response


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def workbook(response, read_only: bool = False):
    return load_workbook(io.BytesIO(body(response)), read_only=read_only)


def test_values_read_back_as_written():
    moment = datetime.datetime(2026, 1, 1, 1, 30, tzinfo=datetime.UTC)
    row = [
        "隐患", 7, 1.5, Decimal("120000.50"), True, datetime.date(2026, 3, 1), datetime.datetime(2026, 3, 1, 8, 15, 30),
        moment, datetime.time(9, 45), None, "", gettext_lazy("Status"), "=SUM(A1:A2)", " padded ",
    ]
    response = xlsx_response(filename="t.xlsx", sheet_title="台账", headers=[f"h{i}" for i in range(len(row))], rows=[row])
    assert response["Content-Type"] == tabular.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''t.xlsx"
    for read_only in (False, True):
        values = list(workbook(response, read_only).worksheets[0].iter_rows(values_only=True))
        assert values[0] == tuple(f"h{i}" for i in range(len(row)))
        assert values[1] == (
            "隐患", 7, 1.5, 120000.5, True, datetime.datetime(2026, 3, 1), datetime.datetime(2026, 3, 1, 8, 15, 30),
            timezone.localtime(moment).replace(tzinfo=None), datetime.time(9, 45), None, None, "Status",
            # text stays text: never a formula
            "=SUM(A1:A2)", " padded ",
        )


def test_header_row_is_bold_and_dates_have_a_date_format():
    response = xlsx_response(
        filename="t.xlsx", sheet_title="t", headers=["Found on", "At"],
        rows=[[datetime.date(2026, 3, 1), datetime.datetime(2026, 3, 1, 8, 0)]],
    )
    sheet = workbook(response).active
    assert sheet["A1"].font.b and sheet["B1"].font.b
    assert not sheet["A2"].font.b
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].number_format == "yyyy-mm-dd h:mm:ss"


def test_every_row_keeps_its_cells_even_when_trailing_ones_are_empty():
    response = xlsx_response(filename="t.xlsx", sheet_title="t", headers=["a", "b", "c"], rows=[["x", None, ""], [None, None, None]])
    rows = list(workbook(response, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows == [("a", "b", "c"), ("x", None, None), (None, None, None)]


def test_text_excel_cannot_hold_is_made_safe():
    long = "长" * 40_000
    response = xlsx_response(
        filename="t.xlsx", sheet_title="a/b:c*d?[e]" + "x" * 40, headers=["t"], rows=[["bell\x07 & <tag>"], [long]]
    )
    book = workbook(response)
    sheet = book.worksheets[0]
    assert sheet.title == "a_b_c_d__e_" + "x" * 20
    assert sheet["A2"].value == "bell & <tag>"
    assert sheet["A3"].value == long[:32767]


def test_no_rows_is_a_header_only_workbook_and_a_valid_zip():
    response = xlsx_response(filename="t.xlsx", sheet_title="", headers=["a", "b"], rows=[])
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert archive.testzip() is None
    assert archive.namelist()[0] == "[Content_Types].xml"
    assert {"xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml", "_rels/.rels"} <= set(archive.namelist())
    book = workbook(response)
    assert book.worksheets[0].title == "Sheet1"
    assert list(book.worksheets[0].iter_rows(values_only=True)) == [("a", "b")]


def test_a_small_export_is_sent_whole():
    response = xlsx_response(filename="t.xlsx", sheet_title="t", headers=["n"], rows=([i] for i in range(100)))
    assert not response.streaming
    assert len(list(workbook(response).active.iter_rows())) == 101


def test_a_large_export_streams_while_its_rows_are_read(monkeypatch):
    monkeypatch.setattr(tabular, "XLSX_BUFFER_BYTES", 20_000)
    read = []

    def rows():
        for i in range(20_000):
            read.append(i)
            yield [i, f"隐患{i}", datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 365)]

    response = xlsx_response(filename="t.xlsx", sheet_title="t", headers=["n", "title", "found"], rows=rows())
    assert isinstance(response, StreamingHttpResponse)
    # The first bytes were written in the view; most rows are read only as the body is sent.
    assert 0 < len(read) < 20_000
    content = body(response)
    assert len(read) == 20_000
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 20_001
    assert values[-1] == (19_999, "隐患19999", datetime.datetime(2026, 1, 1) + datetime.timedelta(days=19_999 % 365))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN")])
def test_numbers_excel_has_no_name_for_are_written_as_text(value):
    response = xlsx_response(filename="t.xlsx", sheet_title="t", headers=["v"], rows=[[value]])
    assert workbook(response).active["A2"].value == str(value)


def test_choices_and_other_objects_are_written_as_their_value():
    import uuid

    from django.db.models import IntegerChoices, TextChoices

    class Colour(TextChoices):
        RED = "red", "Red"

    class Size(IntegerChoices):
        BIG = 3, "Big"

    token = uuid.UUID("12345678-1234-5678-1234-567812345678")
    response = xlsx_response(filename="t.xlsx", sheet_title="t", headers=["a", "b", "c"], rows=[[Colour.RED, Size.BIG, token]])
    assert list(workbook(response).active.iter_rows(min_row=2, values_only=True)) == [("red", 3, str(token))]


def test_a_streamed_export_keeps_the_language_of_the_request(monkeypatch):
    from django.utils import translation

    monkeypatch.setattr(tabular, "XLSX_BUFFER_BYTES", 1)
    rows = ([i, gettext_lazy("Status")] for i in range(3))
    with translation.override("zh-hans"):
        response = xlsx_response(filename="t.xlsx", sheet_title="t", headers=["n", "label"], rows=rows)
    assert response.streaming
    with translation.override("en"):
        content = body(response)  # sent after the view, another language active
    sheet = load_workbook(io.BytesIO(content)).active
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"状态"}
