import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from core.files import attachment_response, upload_error

KW = {"allowed": (".pdf", ".png"), "max_bytes": 1024, "type_message": "wrong type"}


def test_a_file_whose_content_matches_its_extension_is_accepted():
    assert upload_error(SimpleUploadedFile("a.PDF", b"%PDF-1.7 ..."), **KW) is None


def test_a_renamed_file_is_refused_by_its_content():
    assert "does not match" in upload_error(SimpleUploadedFile("a.png", b"MZ\x90\x00 exe"), **KW)


def test_an_extension_not_allowed_gets_the_callers_message():
    assert upload_error(SimpleUploadedFile("a.docx", b"PK\x03\x04"), **KW) == "wrong type"


def test_size_and_empty_files_are_refused():
    assert "larger than" in upload_error(SimpleUploadedFile("a.pdf", b"%PDF" + b"0" * 2048), allowed=(".pdf",), max_bytes=1024 * 1024 // 1024, type_message="x")
    assert "empty" in upload_error(SimpleUploadedFile("a.pdf", b""), **KW)


def test_reading_the_head_leaves_the_file_where_it_was():
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.7 body")
    upload_error(upload, **KW)
    assert upload.read() == b"%PDF-1.7 body"


def test_a_missing_file_is_a_404():
    class Empty:
        def __bool__(self):
            return False

    with pytest.raises(Http404):
        attachment_response(Empty())


def test_xlsx_export_writes_aware_datetimes_as_local_time():
    import datetime
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    from core.tabular import xlsx_response

    moment = datetime.datetime(2026, 1, 1, 1, 30, tzinfo=datetime.UTC)
    response = xlsx_response(filename="t.xlsx", sheet_title="t", headers=["at"], rows=[[moment]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == timezone.localtime(moment).replace(tzinfo=None)
