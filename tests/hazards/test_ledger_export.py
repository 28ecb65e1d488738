"""The ledger's XLSX export: the usual ledger layout, filtered like the list, a fixed number of
queries whatever the rows, and 10,000 rows in one file."""

from __future__ import annotations

import datetime
import io
import math
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hazards.choices import HazardLevel, HazardStatus
from hazards.imports import headers
from hazards.models import Hazard
from hazards.selectors.ledger import EXPORT_CHUNK
from hazards.services import ledger
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, photo, sector
from tests.hazards.test_ledger_views import add_hazards

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
EXPORT = reverse("hazards:hazard_list") + "?export=xlsx"


def body(response) -> bytes:
    """The whole file, sent whole (small exports) or streamed (large ones)."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return b"".join(response.streaming_content) if response.streaming else response.content


def read(response_or_body) -> list[list]:
    content = response_or_body if isinstance(response_or_body, bytes) else body(response_or_body)
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def column(rows, header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def test_export_has_the_ledger_layout(world, client):
    office = world.user(Role.SAFETY_OFFICE)
    client.force_login(office)
    enterprise = EnterpriseFactory(jurisdiction=world.a.township, name="晋江化工有限公司")
    hazard = ledger.hazard_report(
        actor=office, enterprise=enterprise, sector=sector(), category="management", source="patrol", title="液氨储罐无喷淋",
        description="储罐区未设喷淋降温", found_on=TODAY - datetime.timedelta(days=30), level=HazardLevel.MAJOR,
        finder_name="王检查", photos=[photo()],
    )
    deadline = TODAY - datetime.timedelta(days=4)
    ledger.hazard_set_plan(
        actor=office, hazard=hazard, deadline=deadline, plan_responsible="张厂长", plan_measures="加装喷淋",
        plan_funds=120000, plan_contingency="泄漏应急预案",
    )
    ledger.hazard_transition(actor=office, hazard=hazard, action="accept")
    rows = read(client.get(EXPORT))
    assert rows[0] == headers()
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference number"] == hazard.code
    assert row["Enterprise or responsible unit"] == "晋江化工有限公司"
    assert row["Unified social credit code"] == enterprise.credit_code
    assert row["Division code"] == world.a.township.code
    assert row["Sector"] == sector().name
    assert row["Category"] == "Management deficiency"
    assert row["Level"] == "Major hazard"
    assert row["Source"] == "Safety patrol"
    assert row["Found by"] == "王检查"
    assert (row["Responsible person"], row["Measures"], row["Contingency plan"]) == ("张厂长", "加装喷淋", "泄漏应急预案")
    assert float(row["Funds (yuan)"]) == 120000
    assert row["Rectification deadline"].date() == deadline
    assert row["Status"] == "Accepted and assigned"
    assert row["Days overdue"] == 4
    assert row["Linked leader"] in (None, "")


def test_export_is_filtered_like_the_list(world, client):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    made = add_hazards(world, 10)
    add_hazards(world, 3, county=world.b)  # another county: never exported
    rows = read(client.get(EXPORT))
    assert len(rows) == 11
    majors = {h.code for h in made if h.level == HazardLevel.MAJOR}
    rows = read(client.get(EXPORT + "&level=major"))
    assert set(column(rows, "Reference number")) == majors
    ownerless = Hazard.objects.create(
        jurisdiction=world.a.township, responsible_organization=world.a.orgs["government"], sector=sector(),
        category="environment", source="tip_off", title="边坡开裂", description="村道边坡", found_on=TODAY,
    )
    rows = read(client.get(EXPORT + "&q=边坡"))
    assert column(rows, "Enterprise or responsible unit") == [world.a.orgs["government"].name]
    assert column(rows, "Reference number") == [ownerless.code]


def export_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(EXPORT)
        assert response.status_code == 200
    return len(context.captured_queries)


def test_export_query_count_does_not_grow_with_rows(world, client):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    add_hazards(world, 3)
    small = export_queries(client)
    add_hazards(world, 30)
    # Session and user (2), permissions (2), scope (1), hazard grants (1), the user's other
    # object grants (1, asked while the filters' choices are restricted), the ids (1) and the
    # rows (1, read by id).
    assert export_queries(client) == small == 9


def test_ten_thousand_rows_export(world, client):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    enterprises = [EnterpriseFactory(jurisdiction=world.a.township) for _ in range(20)]
    industry = sector()
    year = TODAY.year
    Hazard.objects.bulk_create(
        [
            Hazard(
                code=Hazard.make_code(year, 10_000_000 + i), enterprise=enterprises[i % 20], jurisdiction=world.a.township,
                jurisdiction_path=world.a.township.path, sector=industry, category="equipment", source="department_inspection",
                title=f"隐患{i}", description="消防通道堵塞",
                status=HazardStatus.RECTIFYING if i % 4 else HazardStatus.CLOSED,
                deadline=TODAY + datetime.timedelta(days=i % 7 - 3), plan_responsible="责任人",
                found_on=TODAY - datetime.timedelta(days=i % 300 + 5),
            )
            for i in range(10_000)
        ],
        batch_size=1000,
    )
    started = time.monotonic()
    with CaptureQueriesContext(connection) as context:
        # A large export streams: its later rows are read while the body is sent.
        content = body(client.get(EXPORT))
    seconds = time.monotonic() - started
    rows = read(content)
    assert len(rows) == 10_001
    # Those of a small export but the rows, then a query per chunk of rows read by primary
    # key, none per row.
    assert len(context.captured_queries) == 8 + math.ceil(10_000 / EXPORT_CHUNK)
    print(f"\n10,000-row export: {seconds:.2f} s, {len(content) / 1024:.0f} KB")
