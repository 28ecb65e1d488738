"""Importing a hazard ledger spreadsheet: rows matched to enterprises in scope, ownerless rows,
all-or-nothing with row-numbered errors (service errors included), the template, and an
exported ledger that cannot be imported twice."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from hazards.choices import HazardLevel, HazardStatus
from hazards.imports import TEMPLATE_COLUMNS, hazard_import, template_headers
from hazards.models import Hazard
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, make_credit_code, sector

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
IMPORT = reverse("hazards:hazard_import")
HEADERS = [
    "统一社会信用代码", "单位名称", "区划代码", "行业领域", "隐患类别", "隐患级别", "隐患来源", "隐患名称", "隐患描述",
    "隐患部位", "发现日期", "发现人", "整改责任人", "整改措施", "整改资金", "整改时限", "应急预案",
]


def xlsx(rows: list[list], headers: list[str] = HEADERS, name: str = "台账.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def row(**values) -> list:
    defaults = {
        "统一社会信用代码": "", "单位名称": "", "区划代码": "", "行业领域": sector().name, "隐患类别": "物的不安全状态",
        "隐患级别": "一般隐患", "隐患来源": "部门检查", "隐患名称": "灭火器过期", "隐患描述": "二楼灭火器超过有效期",
        "隐患部位": "二楼走廊", "发现日期": (TODAY - datetime.timedelta(days=3)).isoformat(), "发现人": "李检查",
        "整改责任人": "", "整改措施": "", "整改资金": "", "整改时限": "", "应急预案": "",
    }
    defaults.update(values)
    return [defaults[h] for h in HEADERS]


@pytest.fixture
def enterprises(world):
    shoes = EnterpriseFactory(jurisdiction=world.a.township, name="晋江鞋业有限公司", credit_code=make_credit_code(301))
    textile = EnterpriseFactory(jurisdiction=world.a.village, name="安平纺织有限公司", credit_code=make_credit_code(302))
    foreign = EnterpriseFactory(jurisdiction=world.b.township, name="南安石材有限公司", credit_code=make_credit_code(303, division="350583"))
    return shoes, textile, foreign


def test_import_creates_the_hazards(world, client, enterprises):
    shoes, textile, _foreign = enterprises
    client.force_login(world.user(Role.SAFETY_OFFICE))
    deadline = TODAY + datetime.timedelta(days=60)
    upload = xlsx([
        row(统一社会信用代码=shoes.credit_code),
        row(单位名称="安平纺织有限公司", 隐患级别="重大隐患", 隐患来源="巡查", 隐患类别="管理缺陷", 整改责任人="王厂长",
            整改措施="更换线路", 整改资金="50,000元", 整改时限=deadline.isoformat(), 应急预案="停产撤人"),
        row(区划代码=world.a.township.code, 隐患名称="边坡开裂", 隐患类别="环境", 隐患来源="群众举报"),
    ])
    response = client.post(IMPORT, {"file": upload})
    assert response.status_code == 302 and response.url == reverse("hazards:hazard_list")
    hazards = {h.title if h.enterprise is None else h.enterprise.name: h for h in Hazard.objects.select_related("enterprise")}
    assert set(hazards) == {"晋江鞋业有限公司", "安平纺织有限公司", "边坡开裂"}
    major = hazards["安平纺织有限公司"]
    assert major.level == HazardLevel.MAJOR and major.source == "patrol" and major.category == "management"
    assert major.deadline == deadline and str(major.plan_funds) == "50000.00" and major.plan_responsible == "王厂长"
    assert major.jurisdiction == world.a.village
    ownerless = hazards["边坡开裂"]
    assert ownerless.responsible_organization == world.a.orgs["government"] and ownerless.source == "tip_off"
    assert all(h.status == HazardStatus.REPORTED and h.events.count() == 1 for h in hazards.values())
    assert hazards["晋江鞋业有限公司"].finder_name == "李检查"


def test_import_is_all_or_nothing_with_row_numbers(world, client, enterprises):
    shoes, textile, foreign = enterprises
    client.force_login(world.user(Role.SAFETY_OFFICE))
    upload = xlsx([
        row(统一社会信用代码=shoes.credit_code),                    # row 2: fine
        row(统一社会信用代码=foreign.credit_code),                  # row 3: another county's enterprise
        row(单位名称="安平纺织有限公司", 行业领域="不存在的行业"),       # row 4: unknown sector
        row(统一社会信用代码=textile.credit_code, 发现日期="昨天"),    # row 5: not a date
        row(统一社会信用代码=textile.credit_code),                  # row 6: fine
    ])
    response = client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert errors == [(3, "credit_code"), (4, "sector"), (5, "found_on")]
    page = response.content.decode()
    assert "Nothing was imported" in page and "不存在的行业" in page
    assert not Hazard.objects.exists()


def test_service_errors_roll_back_rows_already_written(world, enterprises):
    """Rows pass the parsing but the service refuses one (a found date in the future): the rows
    before it, already written inside the transaction, are rolled back."""
    shoes, textile, _foreign = enterprises
    office = world.user(Role.SAFETY_OFFICE)
    upload = xlsx([
        row(统一社会信用代码=shoes.credit_code),
        row(统一社会信用代码=textile.credit_code, 发现日期=(TODAY + datetime.timedelta(days=2)).isoformat()),
        row(统一社会信用代码=textile.credit_code, 整改时限=(TODAY - datetime.timedelta(days=30)).isoformat()),
    ])
    from core.tabular import ImportRejected

    with pytest.raises(ImportRejected) as rejected:
        hazard_import(uploaded=upload, actor=office)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "found_on"), (4, "time_limit")]
    assert not Hazard.objects.exists()


def test_ambiguous_name_and_missing_enterprise(world, client, enterprises):
    EnterpriseFactory(jurisdiction=world.a.village, name="晋江鞋业有限公司", credit_code=make_credit_code(304))
    client.force_login(world.user(Role.SAFETY_OFFICE))
    upload = xlsx([row(单位名称="晋江鞋业有限公司"), row(), row(单位名称="无此企业", 区划代码=world.a.township.code)])
    response = client.post(IMPORT, {"file": upload})
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "enterprise"), (3, "enterprise"), (4, "enterprise")]
    assert "Several enterprises" in response.content.decode()


def test_missing_required_column_rejects_the_file(world, client):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    headers = [h for h in HEADERS if h != "隐患名称"]
    response = client.post(IMPORT, {"file": xlsx([[""] * len(headers)], headers=headers)})
    assert response.status_code == 400
    assert [e.column for e in response.context["errors"]] == ["title"]


def test_exported_ledger_cannot_be_imported_twice(world, client, enterprises):
    shoes, _textile, _foreign = enterprises
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.post(IMPORT, {"file": xlsx([row(统一社会信用代码=shoes.credit_code)])}).status_code == 302
    exported = client.get(reverse("hazards:hazard_list") + "?export=xlsx").content
    upload = SimpleUploadedFile("导出.xlsx", exported)
    response = client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert "is already on the ledger" in response.content.decode()
    assert Hazard.objects.count() == 1


def test_template_download_has_the_import_columns(world, client):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("hazards:hazard_import_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    first = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(first) == template_headers()
    assert len(first) == len(TEMPLATE_COLUMNS)


def test_template_filled_in_imports(world, client, enterprises):
    shoes, _textile, _foreign = enterprises
    client.force_login(world.user(Role.SAFETY_OFFICE))
    values = {
        "Unified social credit code": shoes.credit_code, "Sector": "industry_trade", "Category": "Unsafe behaviour",
        "Hazard": "违章作业", "Description": "未佩戴安全帽", "Found on": TODAY.isoformat(),
    }
    headers = template_headers()
    upload = xlsx([[values.get(h, "") for h in headers]], headers=headers)
    assert client.post(IMPORT, {"file": upload}).status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.category == "behaviour" and hazard.level == HazardLevel.GENERAL and hazard.source == "department_inspection"


@pytest.mark.parametrize("role", [Role.LEADER, Role.ENTERPRISE, Role.AUDITOR])
def test_import_needs_add_and_change(world, client, role):
    client.force_login(world.user(role))
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": xlsx([row()])}).status_code == 403
