"""Division-list import: CSV and XLSX, all-or-nothing with row-numbered errors, idempotent."""

from __future__ import annotations

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from core.tabular import ImportRejected
from responsibility.choices import JurisdictionLevel as L
from responsibility.imports import jurisdiction_import
from responsibility.models import DivisionImport, Jurisdiction
from responsibility.roles import Role
from tests.factories import assigned_user, jurisdiction

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "level", "parent_code"]
QUANZHOU = [
    ["350000", "福建省", "province", ""],
    ["350500", "泉州市", "city", "350000"],
    ["350582", "晋江市", "county", "350500"],
    ["350583", "南安市", "county", "350500"],
    ["350582100", "安海镇", "township", "350582"],
    ["350582100001", "安平村", "village", "350582100"],
    ["350583100", "溪美街道", "township", "350583"],
]


def csv_file(rows, header=HEADER, name="divisions.csv", encoding="utf-8") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, header=HEADER, name="divisions.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def rejected_rows(uploaded, actor=None) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        jurisdiction_import(uploaded=uploaded, actor=actor)
    return [(e.row, e.column, e.message) for e in caught.value.errors]


# --- Valid files ------------------------------------------------------------------------------


def test_csv_import_creates_the_tree_with_parents_and_paths():
    record = jurisdiction_import(uploaded=csv_file(QUANZHOU))
    assert (record.rows, record.created, record.updated, record.unchanged) == (7, 7, 0, 0)
    assert record.file_name == "divisions.csv"
    village = Jurisdiction.objects.get(code="350582100001")
    assert (village.level, village.path, village.parent.code, village.parent.parent.code) == (
        L.VILLAGE, "350582100001", "350582100", "350582"
    )
    assert Jurisdiction.objects.get(code="350000").parent is None
    assert Jurisdiction.objects.get(code="350500").path == "3505"


def test_xlsx_import_with_codes_typed_as_numbers():
    rows = [[int(c) if c else None, n, lvl, int(p) if p else None] for c, n, lvl, p in QUANZHOU]
    record = jurisdiction_import(uploaded=xlsx_file(rows))
    assert record.created == 7
    assert Jurisdiction.objects.get(code="350582100001").parent.code == "350582100"


def test_chinese_headers_and_level_names_are_accepted():
    rows = [
        ["350000", "福建省", "省", ""],
        ["350500", "泉州市", "市", "350000"],
        ["350582", "晋江市", "县(市、区)", "350500"],
        ["350582100", "安海镇", "乡镇(街道)", "350582"],
        ["350582100001", "安平村", "村(社区)", "350582100"],
    ]
    record = jurisdiction_import(uploaded=xlsx_file(rows, header=["区划代码", "名称", "级别", "上级代码"]))
    assert record.created == 5
    assert Jurisdiction.objects.get(code="350582100").level == L.TOWNSHIP


def test_gb18030_csv_is_decoded():
    record = jurisdiction_import(uploaded=csv_file(QUANZHOU[:2], header=["代码", "区划名称", "层级", "上级区划代码"], encoding="gb18030"))
    assert record.created == 2
    assert Jurisdiction.objects.get(code="350500").name == "泉州市"


def test_12_digit_padded_codes_are_normalised():
    rows = [
        ["350000000000", "福建省", "province", ""],
        ["350500000000", "泉州市", "city", "350000000000"],
        ["350582000000", "晋江市", "county", "350500000000"],
        ["350582100000", "安海镇", "township", "350582000000"],
        ["350582100001", "安平村", "village", "350582100000"],
    ]
    jurisdiction_import(uploaded=csv_file(rows))
    assert sorted(Jurisdiction.objects.values_list("code", flat=True)) == [
        "350000", "350500", "350582", "350582100", "350582100001"
    ]


def test_rows_may_come_in_any_order_and_blank_lines_are_skipped():
    rows = [QUANZHOU[5], [], QUANZHOU[4], QUANZHOU[2], ["", "", "", ""], QUANZHOU[1], QUANZHOU[0]]
    record = jurisdiction_import(uploaded=csv_file(rows))
    assert record.rows == 5 and record.created == 5


def test_import_under_existing_parent_in_the_platform():
    jurisdiction_import(uploaded=csv_file(QUANZHOU[:3]))
    record = jurisdiction_import(uploaded=csv_file([["350582101", "东石镇", "township", "350582"]]))
    assert record.created == 1
    assert Jurisdiction.objects.get(code="350582101").parent.code == "350582"


# --- Bad files: everything or nothing ------------------------------------------------------------


def test_file_with_bad_rows_is_rejected_with_row_numbers_and_nothing_is_imported():
    jurisdiction("350000", L.PROVINCE, None, "福建省")
    before = Jurisdiction.objects.count()
    rows = [
        ["350500", "泉州市", "city", "350000"],  # row 2: fine
        ["350582", "晋江市", "county", "350000"],  # row 3: a county directly under the province
        ["350500", "泉州市", "city", "350000"],  # row 4: duplicate of row 2
        ["350583", "南安市", "county", "359900"],  # row 5: unknown parent
        ["35058X", "石狮市", "county", "350500"],  # row 6: bad code
        ["350584", "", "county", "350500"],  # row 7: empty name
        ["350585", "惠安县", "prefecture", "350500"],  # row 8: unknown level
        ["350524", "安溪县", "county", "350500"],  # row 9: fine
    ]
    errors = rejected_rows(csv_file(rows))
    assert [(row, column) for row, column, _ in errors] == [
        (3, "code"), (4, "code"), (5, "parent_code"), (6, "code"), (7, "name"), (8, "level")
    ]
    messages = {(row, column): message for row, column, message in errors}
    assert "The parent of a County must be a City" in messages[(3, "code")]
    assert messages[(4, "code")] == "Code 350500 appears twice (also in row 2)."
    assert messages[(5, "parent_code")] == "Parent 359900 is neither in the file nor in the platform."
    assert messages[(6, "code")] == "The code must consist of digits only."
    assert Jurisdiction.objects.count() == before
    assert not DivisionImport.objects.exists()


def test_structural_change_of_an_existing_code_is_rejected():
    jurisdiction_import(uploaded=csv_file(QUANZHOU[:3]))
    errors = rejected_rows(csv_file([["350582", "晋江市", "development_zone", "350500"]]))
    assert errors == [(2, "code", "Code 350582 exists with another level or parent; structural changes are not imported.")]


def test_missing_column_rejects_the_file_before_reading_rows():
    errors = rejected_rows(csv_file(QUANZHOU, header=["code", "name", "level"]))
    assert [(row, column) for row, column, _ in errors] == [(1, "parent_code")]
    assert not Jurisdiction.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"", "empty.csv"), (b"\xff\xfe\x00garbage", "bad.csv"), (b"PK\x03\x04not really a zip", "broken.xlsx"), (b"x", "list.pdf")],
)
def test_unreadable_files_are_rejected_as_a_whole(content, name):
    errors = rejected_rows(SimpleUploadedFile(name, content))
    assert len(errors) == 1 and errors[0][0] == 1


def test_file_over_the_size_limit_is_rejected(settings):
    settings.MAX_IMPORT_FILE_SIZE = 1024
    errors = rejected_rows(csv_file(QUANZHOU * 20))
    assert errors[0][:2] == (1, "file")
    assert not Jurisdiction.objects.exists()


# --- Re-import --------------------------------------------------------------------------------


def test_reimport_is_idempotent():
    jurisdiction_import(uploaded=csv_file(QUANZHOU))
    count = Jurisdiction.objects.count()
    second = jurisdiction_import(uploaded=csv_file(QUANZHOU))
    assert (second.created, second.updated, second.unchanged) == (0, 0, 7)
    assert Jurisdiction.objects.count() == count == 7


def test_reimport_renames_existing_jurisdictions():
    jurisdiction_import(uploaded=csv_file(QUANZHOU))
    ids = dict(Jurisdiction.objects.values_list("code", "pk"))
    renamed = [row[:] for row in QUANZHOU]
    renamed[4][1] = "安海镇（新）"
    renamed[6][1] = "溪美"
    record = jurisdiction_import(uploaded=csv_file(renamed))
    assert (record.created, record.updated, record.unchanged) == (0, 2, 5)
    assert Jurisdiction.objects.get(code="350582100").name == "安海镇（新）"
    assert Jurisdiction.objects.get(code="350583100").name == "溪美"
    assert dict(Jurisdiction.objects.values_list("code", "pk")) == ids  # same rows, not new ones


# --- Scope ------------------------------------------------------------------------------------


def test_actor_cannot_import_under_another_city():
    jurisdiction_import(uploaded=csv_file(QUANZHOU + [["350100", "福州市", "city", "350000"]]))
    actor = assigned_user(role=Role.SAFETY_OFFICE, jurisdiction=Jurisdiction.objects.get(code="350500"))
    count = Jurisdiction.objects.count()
    errors = rejected_rows(
        csv_file([["350524", "安溪县", "county", "350500"], ["350102", "鼓楼区", "county", "350100"]]), actor=actor
    )
    assert errors == [(3, "parent_code", "This jurisdiction is outside your scope.")]
    assert Jurisdiction.objects.count() == count
    # the same actor may import under its own city
    record = jurisdiction_import(uploaded=csv_file([["350524", "安溪县", "county", "350500"]]), actor=actor)
    assert record.created == 1 and record.imported_by == actor


def test_county_actor_cannot_add_a_county_beside_its_own():
    jurisdiction_import(uploaded=csv_file(QUANZHOU))
    actor = assigned_user(role=Role.SAFETY_OFFICE, jurisdiction=Jurisdiction.objects.get(code="350582"))
    errors = rejected_rows(csv_file([["350524", "安溪县", "county", "350500"]]), actor=actor)
    assert errors == [(2, "parent_code", "This jurisdiction is outside your scope.")]
    # a province row has no parent, so nobody with a limited scope may import one
    errors = rejected_rows(csv_file([["360000", "江西省", "province", ""]]), actor=actor)
    assert errors == [(2, "parent_code", "This jurisdiction is outside your scope.")]


# --- A whole province --------------------------------------------------------------------------


def province_rows(total: int = 25_000) -> list[list[str]]:
    """1 province, 10 cities, 100 counties, 1,500 townships and villages for the rest."""
    rows = [["350000", "福建省", "province", ""]]
    cities = [f"35{c:02d}00" for c in range(1, 11)]
    rows += [[code, f"市{code}", "city", "350000"] for code in cities]
    counties = [f"{city[:4]}{k:02d}" for city in cities for k in range(1, 11)]
    rows += [[code, f"县{code}", "county", f"{code[:4]}00"] for code in counties]
    townships = [f"{county}{t:03d}" for county in counties for t in range(1, 16)]
    rows += [[code, f"镇{code}", "township", code[:6]] for code in townships]
    for i in range(total - len(rows)):
        township = townships[i % len(townships)]
        code = f"{township}{i // len(townships) + 1:03d}"
        rows.append([code, f"村{code}", "village", township])
    return rows


def test_a_25000_row_province_imports_fully():
    rows = province_rows()
    assert len(rows) == 25_000
    started = time.monotonic()
    record = jurisdiction_import(uploaded=csv_file(rows))
    seconds = time.monotonic() - started
    print(f"\n25,000-row division import: {seconds:.2f} s")
    assert record.created == 25_000
    assert Jurisdiction.objects.count() == 25_000
    assert Jurisdiction.objects.filter(level=L.VILLAGE).count() == 25_000 - 1 - 10 - 100 - 1500
    # county 350101: itself, 15 townships, 16 villages each (23,389 villages dealt round-robin)
    assert Jurisdiction.objects.filter(path__startswith="350101").count() == 1 + 15 + 15 * 16
    last = Jurisdiction.objects.get(code=rows[-1][0])
    assert last.parent.code == rows[-1][3]


# --- The HTML page ----------------------------------------------------------------------------


def test_import_page_shows_row_numbered_errors_with_400_and_keeps_nothing(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    count = Jurisdiction.objects.count()
    uploaded = csv_file([["350582101", "东石镇", "township", "350582"], ["350582102", "", "township", "350582"]])
    response = client.post(reverse("responsibility:division_import"), {"file": uploaded})
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "name")]
    assert escape(response.context["errors"][0].message) in response.content.decode()
    assert Jurisdiction.objects.count() == count


def test_import_page_imports_a_valid_file_and_redirects(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:division_import"), {"file": csv_file([["350582101", "东石镇", "township", "350582"]])}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("responsibility:division_import")
    assert Jurisdiction.objects.get(code="350582101").parent == world.a.county
    assert DivisionImport.objects.get().imported_by == world.user(Role.SAFETY_OFFICE)


def test_import_page_is_forbidden_for_read_only_roles(client, world):
    client.force_login(world.user(Role.AUDITOR))
    response = client.post(
        reverse("responsibility:division_import"), {"file": csv_file([["350582101", "东石镇", "township", "350582"]])}
    )
    assert response.status_code == 403
    assert not Jurisdiction.objects.filter(code="350582101").exists()
