"""Enterprise import: CSV and XLSX with Chinese headers, all-or-nothing with row-numbered
errors, upsert by credit code, and an export that imports back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tabular import ImportRejected
from responsibility.choices import OrganizationKind
from responsibility.models import Enterprise, EnterpriseSupervision
from responsibility.roles import Role
from responsibility.services.enterprise_import import enterprise_import
from tests.factories import (
    EnterpriseFactory,
    EnterpriseSupervisionFactory,
    OrganizationFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "单位名称", "地址", "所在乡镇/村代码", "行业领域", "规模", "风险等级", "主管部门", "其他监管部门"]


def row(n: int, world, **values) -> list:
    data = {
        "code": make_credit_code(n),
        "name": f"晋江市企业{n}有限公司",
        "address": f"安海镇工业路{n}号",
        "jurisdiction": world.a.township.code,
        "sector": "工贸",
        "scale": "小型",
        "risk": "黄",
        "primary": "晋江市应急管理局",
        "others": "",
        **values,
    }
    return [data["code"], data["name"], data["address"], data["jurisdiction"], data["sector"], data["scale"], data["risk"], data["primary"], data["others"]]


def csv_file(rows, header=HEADER, name="enterprises.csv", encoding="utf-8") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, header=HEADER, name="enterprises.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def rejected(uploaded, actor) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        enterprise_import(uploaded=uploaded, actor=actor)
    return [(e.row, e.column, e.message) for e in caught.value.errors]


@pytest.fixture
def office(world):
    return world.user(Role.SAFETY_OFFICE)


@pytest.fixture
def housing(world):
    return OrganizationFactory(
        jurisdiction=world.a.county, name="晋江市住房和城乡建设局", short_name="晋江市住建局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT
    )


# --- Valid files ------------------------------------------------------------------------------


def test_csv_with_chinese_headers_creates_enterprises_and_their_departments(world, office, housing):
    result = enterprise_import(
        uploaded=csv_file([row(1, world), row(2, world, jurisdiction=world.a.village.code, sector="construction", others="晋江市住建局")]),
        actor=office,
    )
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    second = Enterprise.objects.get(credit_code=make_credit_code(2))
    assert (second.jurisdiction, second.sector.code, second.scale, second.risk_class) == (world.a.village, "construction", "small", "yellow")
    assert second.primary_department == world.a.orgs["emergency"]
    assert second.other_departments == [housing]


def test_xlsx_with_division_codes_typed_as_numbers_and_gb18030_csv_both_import(world, office):
    assert enterprise_import(uploaded=xlsx_file([row(1, world, jurisdiction=int(world.a.township.code))]), actor=office).created == 1
    gbk = csv_file([row(2, world)], encoding="gb18030")
    assert enterprise_import(uploaded=gbk, actor=office).created == 1


def test_only_the_required_columns_are_needed(world, office):
    header = ["统一社会信用代码", "单位名称", "所在乡镇/村代码", "行业领域"]
    result = enterprise_import(uploaded=csv_file([[make_credit_code(5), "最少列企业", world.a.township.code, "industry_trade"]], header=header), actor=office)
    assert result.created == 1
    enterprise = Enterprise.objects.get()
    assert (enterprise.scale, enterprise.risk_class, enterprise.primary_department) == ("small", "yellow", None)


def test_reimporting_the_same_file_changes_nothing_and_a_changed_row_is_updated(world, office):
    rows = [row(n, world) for n in range(1, 6)]
    enterprise_import(uploaded=csv_file(rows), actor=office)
    before = dict(Enterprise.objects.values_list("credit_code", "updated_at"))
    again = enterprise_import(uploaded=csv_file(rows), actor=office)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert dict(Enterprise.objects.values_list("credit_code", "updated_at")) == before
    rows[2] = row(3, world, risk="红", name="改名企业有限公司")
    third = enterprise_import(uploaded=csv_file(rows), actor=office)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 4)
    changed = Enterprise.objects.get(credit_code=make_credit_code(3))
    assert (changed.name, changed.risk_class) == ("改名企业有限公司", "red")
    assert changed.updated_at > before[make_credit_code(3)]


def test_a_file_without_the_department_columns_keeps_the_departments(world, office):
    enterprise = EnterpriseFactory(credit_code=make_credit_code(7), jurisdiction=world.a.township)
    EnterpriseSupervisionFactory(enterprise=enterprise, organization=world.a.orgs["emergency"])
    header = ["统一社会信用代码", "单位名称", "所在乡镇/村代码", "行业领域"]
    enterprise_import(uploaded=csv_file([[make_credit_code(7), "新名称", world.a.township.code, "工贸"]], header=header), actor=office)
    assert enterprise.supervisions.get().organization == world.a.orgs["emergency"]


def test_an_empty_department_cell_removes_the_departments(world, office):
    enterprise = EnterpriseFactory(credit_code=make_credit_code(8), jurisdiction=world.a.township)
    EnterpriseSupervisionFactory(enterprise=enterprise, organization=world.a.orgs["emergency"])
    result = enterprise_import(uploaded=csv_file([row(8, world, name=enterprise.name, primary="")]), actor=office)
    assert result.updated == 1
    assert not EnterpriseSupervision.objects.exists()


def test_import_writes_the_audit_trail_with_the_file_name(world, office):
    enterprise_import(uploaded=csv_file([row(1, world)], name="晋江企业.csv"), actor=office)
    enterprise = Enterprise.objects.get()
    entry = LogEntry.objects.get(object_pk=str(enterprise.pk))
    assert (entry.action, entry.actor, entry.additional_data) == (LogEntry.Action.CREATE, office, {"import": "晋江企业.csv"})
    assert "晋江市应急管理局" in str(entry.changes_dict)


def test_export_of_the_list_imports_back_unchanged(client, world, office, housing):
    enterprise_import(
        uploaded=csv_file([row(1, world), row(2, world, primary="晋江市住房和城乡建设局", others="晋江市应急管理局", risk="橙")]),
        actor=office,
    )
    Enterprise.objects.filter(credit_code=make_credit_code(1)).update(employees=120, latitude="24.812345", is_weak=True)
    client.force_login(office)
    exported = client.get(reverse("responsibility:enterprise_list"), {"export": "xlsx"})
    assert exported.status_code == 200
    result = enterprise_import(uploaded=SimpleUploadedFile("export.xlsx", exported.content), actor=office)
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 0, 0, 2)


# --- Rejected files ---------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_written(world, office):
    code = make_credit_code(3)
    rows = [
        row(1, world),
        row(2, world, code=make_credit_code(2)[:17] + "0" if make_credit_code(2)[17] != "0" else make_credit_code(2)[:17] + "1"),
        row(3, world),
        row(4, world, code=code),  # duplicate of row 4 in the sheet (file row 3)
        row(5, world, jurisdiction=world.b.township.code),
        row(6, world, sector="航天"),
        row(7, world, primary="晋江市不存在局"),
        row(8, world, risk="紫"),
        row(9, world, primary="", others="晋江市应急管理局"),
    ]
    errors = rejected(csv_file(rows), office)
    assert [(number, column) for number, column, _ in errors] == [
        (3, "credit_code"),
        (5, "credit_code"),
        (6, "jurisdiction_code"),
        (7, "sector"),
        (8, "primary_department"),
        (9, "risk_class"),
        (10, "primary_department"),
    ]
    assert "appears twice (also in row 4)" in errors[1][2]
    assert not Enterprise.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="enterprise").exists()


def test_another_countys_township_reads_like_an_unknown_code(world, office):
    errors = rejected(csv_file([row(1, world, jurisdiction=world.b.township.code), row(2, world, jurisdiction="350582999")]), office)
    assert [message.replace(world.b.township.code, "X").replace("350582999", "X") for _n, _c, message in errors] == [
        "No township or village with code “X” in your scope."
    ] * 2


def test_department_of_another_county_is_not_found_for_the_row(world, office):
    errors = rejected(csv_file([row(1, world, primary="南安市应急管理局")]), office)
    assert errors == [(2, "primary_department", "No department “南安市应急管理局” in the enterprise's county or city.")]


def test_a_code_registered_in_another_county_is_a_row_error(world, office):
    EnterpriseFactory(credit_code=make_credit_code(4), jurisdiction=world.b.township, name="南安企业")
    errors = rejected(csv_file([row(4, world)]), office)
    assert errors == [(2, "credit_code", "This code is registered to an enterprise outside your scope.")]
    assert Enterprise.objects.get().name == "南安企业"


def test_missing_required_columns_reject_the_file(world, office):
    errors = rejected(csv_file([["x", "y"]], header=["单位名称", "地址"]), office)
    assert {column for _n, column, _m in errors} == {"credit_code", "jurisdiction_code", "sector"}


# --- The page ---------------------------------------------------------------------------------


def test_import_page_shows_row_errors_with_status_400(client, world, office):
    client.force_login(office)
    response = client.post(reverse("responsibility:enterprise_import"), {"file": csv_file([row(1, world, sector="航天")])})
    assert response.status_code == 400
    assert "Unknown sector “航天”." in response.content.decode()
    assert not Enterprise.objects.exists()


def test_import_page_imports_and_reports_the_counts(client, world, office):
    client.force_login(office)
    response = client.post(reverse("responsibility:enterprise_import"), {"file": csv_file([row(1, world), row(2, world)])}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("responsibility:enterprise_list")
    assert "2 created, 0 updated, 0 unchanged" in response.content.decode()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DEPARTMENT, Role.LEADER, Role.ENTERPRISE])
def test_import_page_is_forbidden_to_roles_that_cannot_add_enterprises(client, world, role):
    client.force_login(world.user(role))
    assert client.get(reverse("responsibility:enterprise_import")).status_code == 403


def test_five_thousand_rows_import_in_bulk(world, office, housing, django_assert_max_num_queries):
    """Bulk, not per row: inserts go in batches (SQLite allows 999 parameters a statement, so
    about 40 enterprises a batch there; 1,000 on PostgreSQL), updates in one executemany. A
    query per row would be 5,000+. Speed itself is measured by the benchmark suite, not here."""
    rows = [row(n, world, others="晋江市住建局" if n % 10 == 0 else "") for n in range(1, 5001)]
    with django_assert_max_num_queries(len(rows) // 10):
        result = enterprise_import(uploaded=csv_file(rows), actor=office)
    assert result.created == 5000
    assert EnterpriseSupervision.objects.count() == 5500
    rows[::2] = [row(n, world, risk="红") for n in range(1, 5001, 2)]
    with django_assert_max_num_queries(len(rows) // 10):
        result = enterprise_import(uploaded=csv_file(rows), actor=office)
    assert (result.updated, result.unchanged) == (2500, 2500)
