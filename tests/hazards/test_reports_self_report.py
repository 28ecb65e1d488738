"""Enterprises' monthly self-reports: the service's rules, the report form, the list and the
page of enterprises that have not reported (correct counts, constant queries)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm
from openpyxl import load_workbook

from hazards.models import EnterpriseSelfReport
from hazards.selectors.reports import missing_summary, without_report
from hazards.services.reports import next_month, self_report_submit, this_month
from responsibility.choices import EnterpriseStatus
from responsibility.roles import Role
from tests.factories import (
    EnterpriseFactory,
    EnterpriseSupervisionFactory,
    HazardFactory,
    OrganizationFactory,
    official_user,
)

MONTH = this_month()
LAST_MONTH = (MONTH - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def enterprise(world):
    return EnterpriseFactory(jurisdiction=world.a.township, name="安海机械厂")


@pytest.fixture
def account(world, enterprise):
    """County A's enterprise account, linked to ``enterprise``."""
    user = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", user, enterprise)
    return user


def submit(actor, enterprise, **fields):
    values = {"month": MONTH, "none_found": False, "hazards_found": 2, "hazards_rectified": 1, "note": ""}
    values.update(fields)
    return self_report_submit(actor=actor, enterprise=enterprise, **values)


# --- The service ------------------------------------------------------------------------------


def test_enterprise_reports_for_the_month_normalised_to_its_first_day(account, enterprise, today):
    report = submit(account, enterprise, month=today, note=" 自查三次 ")
    assert report.month == today.replace(day=1)
    assert (report.hazards_found, report.hazards_rectified, report.note) == (2, 1, "自查三次")
    assert report.submitted_by == account


def test_none_found_with_counts_is_refused(account, enterprise):
    with pytest.raises(ValidationError) as error:
        submit(account, enterprise, none_found=True, hazards_found=1, hazards_rectified=0)
    assert "A report of no hazards found cannot count hazards." in str(error.value)
    assert not EnterpriseSelfReport.objects.exists()


def test_a_report_must_say_none_found_or_count_something(account, enterprise):
    with pytest.raises(ValidationError) as error:
        submit(account, enterprise, none_found=False, hazards_found=0, hazards_rectified=0)
    assert "tick “no hazards found”" in str(error.value)
    report = submit(account, enterprise, none_found=True, hazards_found=0, hazards_rectified=0)
    assert report.none_found


def test_a_month_that_has_not_begun_is_refused(account, enterprise):
    with pytest.raises(ValidationError) as error:
        submit(account, enterprise, month=next_month(MONTH))
    assert "month" in error.value.message_dict


def test_resubmitting_within_the_month_replaces_the_report(account, enterprise, today):
    first = submit(account, enterprise, hazards_found=2)
    second = submit(account, enterprise, month=today, hazards_found=5)  # any day of the month
    assert second.pk == first.pk
    assert EnterpriseSelfReport.objects.get().hazards_found == 5


def test_a_past_month_may_be_reported_late_but_not_replaced(account, enterprise):
    late = submit(account, enterprise, month=LAST_MONTH)
    assert late.month == LAST_MONTH
    with pytest.raises(ValidationError) as error:
        submit(account, enterprise, month=LAST_MONTH, hazards_found=9)
    assert "can only be corrected until the end of that month" in str(error.value)
    assert EnterpriseSelfReport.objects.get().hazards_found == 2


def test_an_enterprise_cannot_report_for_another_enterprise(world, account):
    neighbour = EnterpriseFactory(jurisdiction=world.a.township, name="隔壁企业")
    with pytest.raises(ValidationError) as error:
        submit(account, neighbour)
    assert error.value.message_dict["enterprise"] == ["An enterprise account reports for its own enterprise only."]
    assert not EnterpriseSelfReport.objects.exists()


def test_office_records_a_report_in_its_scope_only(world, enterprise):
    report = submit(world.user(Role.SAFETY_OFFICE), enterprise)
    assert report.submitted_by == world.user(Role.SAFETY_OFFICE)
    county_b_office = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    with pytest.raises(ValidationError) as error:
        submit(county_b_office, enterprise, hazards_found=7)
    assert "enterprise" in error.value.message_dict
    assert EnterpriseSelfReport.objects.get().hazards_found == 2


def test_a_closed_enterprise_does_not_report(world, enterprise):
    enterprise.status = EnterpriseStatus.CLOSED
    enterprise.save()
    with pytest.raises(ValidationError):
        submit(world.user(Role.SAFETY_OFFICE), enterprise)


# --- The form ---------------------------------------------------------------------------------


def test_form_is_prefilled_with_this_month_and_the_ledgers_counts(client, account, enterprise, today):
    HazardFactory(enterprise=enterprise, source="self_check", found_on=today)
    HazardFactory(enterprise=enterprise, source="self_check", found_on=today, rectified_on=today, status="submitted")
    HazardFactory(enterprise=enterprise, source="department_inspection", found_on=today)  # not the enterprise's own
    HazardFactory(enterprise=enterprise, source="self_check", found_on=today, status="cancelled", cancel_reason="重复")
    client.force_login(account)
    response = client.get(reverse("hazards:self_report_submit"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["month"] == MONTH
    assert (form.initial["hazards_found"], form.initial["hazards_rectified"]) == (2, 1)
    assert form.fixed_enterprise == enterprise
    assert f'value="{MONTH:%Y-%m}"' in response.content.decode()


def test_form_submission_creates_the_report(client, account, enterprise):
    client.force_login(account)
    response = client.post(
        reverse("hazards:self_report_submit"),
        {"enterprise": enterprise.pk, "month": f"{MONTH:%Y-%m}", "none_found": "on", "hazards_found": "0", "hazards_rectified": "0"},
    )
    report = EnterpriseSelfReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.none_found and report.month == MONTH
    detail = client.get(report.get_absolute_url())
    assert detail.status_code == 200 and "No hazards found" in detail.content.decode()


def test_form_errors_keep_what_was_typed(client, account, enterprise):
    client.force_login(account)
    response = client.post(
        reverse("hazards:self_report_submit"),
        {"enterprise": enterprise.pk, "month": f"{MONTH:%Y-%m}", "none_found": "on", "hazards_found": "3", "hazards_rectified": "0", "note": "三号车间"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "A report of no hazards found cannot count hazards." in body
    assert "三号车间" in body and 'value="3"' in body
    assert not EnterpriseSelfReport.objects.exists()


def test_enterprise_account_cannot_open_the_form_for_another_enterprise(client, world, account):
    neighbour = EnterpriseFactory(jurisdiction=world.a.township)
    client.force_login(account)
    assert client.get(reverse("hazards:self_report_submit"), {"enterprise": neighbour.pk}).status_code == 404
    response = client.post(
        reverse("hazards:self_report_submit"),
        {"enterprise": neighbour.pk, "month": f"{MONTH:%Y-%m}", "hazards_found": "1", "hazards_rectified": "0"},
    )
    assert response.status_code == 200 and response.context["form"].errors["enterprise"]
    assert not EnterpriseSelfReport.objects.exists()


def test_office_records_a_report_by_credit_code(client, world, enterprise):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("hazards:self_report_submit"),
        {"enterprise": enterprise.credit_code.lower(), "month": f"{LAST_MONTH:%Y-%m}", "hazards_found": "1", "hazards_rectified": "1"},
    )
    assert response.status_code == 302
    assert EnterpriseSelfReport.objects.get().month == LAST_MONTH


# --- The list ---------------------------------------------------------------------------------


def test_list_filters_by_none_found_and_month_and_exports(client, world, enterprise):
    office = world.user(Role.SAFETY_OFFICE)
    other = EnterpriseFactory(jurisdiction=world.a.village, name="安平村砖厂")
    submit(office, enterprise, none_found=True, hazards_found=0, hazards_rectified=0)
    submit(office, other, month=LAST_MONTH)
    client.force_login(office)
    url = reverse("hazards:self_report_list")
    names = lambda response: [r.enterprise.name for r in response.context["object_list"]]  # noqa: E731
    assert names(client.get(url)) == ["安海机械厂", "安平村砖厂"]
    assert names(client.get(url, {"none_found": "true"})) == ["安海机械厂"]
    assert names(client.get(url, {"month": f"{LAST_MONTH:%Y-%m}"})) == ["安平村砖厂"]
    response = client.get(url, {"month": f"{LAST_MONTH:%Y-%m}", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == f"{LAST_MONTH:%Y-%m}" and rows[1][2] == "安平村砖厂"


def test_enterprise_account_lists_only_its_own_reports(client, world, account, enterprise):
    submit(account, enterprise)
    submit(world.user(Role.SAFETY_OFFICE), EnterpriseFactory(jurisdiction=world.a.township))
    client.force_login(account)
    response = client.get(reverse("hazards:self_report_list"))
    assert [r.enterprise for r in response.context["object_list"]] == [enterprise]
    assert client.get(reverse("hazards:self_report_missing")).status_code == 403


# --- Who has not reported ---------------------------------------------------------------------


@pytest.fixture
def scene(world):
    """County A: five operating enterprises (two reported this month), one suspended; county B:
    one that has not reported."""
    emergency = world.a.orgs["emergency"]
    housing = OrganizationFactory(jurisdiction=world.a.county, name="晋江市住建局", kind="supervisory_department")
    second_town = world.a.township.__class__.objects.create(
        code="350582101", name="东石镇", level="township", parent=world.a.county
    )
    e = {
        "reported": EnterpriseFactory(jurisdiction=world.a.township, name="甲已报"),
        "reported_village": EnterpriseFactory(jurisdiction=world.a.village, name="乙已报"),
        "missing_emergency": EnterpriseFactory(jurisdiction=world.a.village, name="丙未报"),
        "missing_housing": EnterpriseFactory(jurisdiction=second_town, name="丁未报"),
        "missing_unsupervised": EnterpriseFactory(jurisdiction=world.a.township, name="戊未报"),
        "suspended": EnterpriseFactory(jurisdiction=world.a.township, name="己停产", status=EnterpriseStatus.SUSPENDED),
        "county_b": EnterpriseFactory(jurisdiction=world.b.township, name="南安未报"),
    }
    for key in ("reported", "reported_village", "missing_emergency"):
        EnterpriseSupervisionFactory(enterprise=e[key], organization=emergency)
    EnterpriseSupervisionFactory(enterprise=e["missing_housing"], organization=housing)
    # A second, non-primary department does not count it twice.
    EnterpriseSupervisionFactory(enterprise=e["missing_housing"], organization=emergency, is_primary=False)
    office = world.user(Role.SAFETY_OFFICE)
    for key in ("reported", "reported_village"):
        submit(office, e[key])
    # Last month's report does not count for this month.
    submit(office, e["missing_emergency"], month=LAST_MONTH)
    return {"enterprises": e, "housing": housing, "second_town": second_town}


def test_missing_page_counts_by_department_and_township(client, world, scene):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("hazards:self_report_missing"), {"month": f"{MONTH:%Y-%m}"})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.due, summary.missing, summary.reported) == (5, 3, 2)
    assert [(g.name, g.count) for g in summary.by_department] == [
        ("晋江市住建局", 1), ("晋江市应急管理局", 1), ("No supervising department", 1),
    ]
    assert sorted((g.name, g.count) for g in summary.by_township) == [("东石镇", 1), ("安海镇", 2)]
    assert [e.name for e in response.context["object_list"]] == ["丁未报", "丙未报", "戊未报"]
    body = response.content.decode()
    assert "南安未报" not in body and "己停产" not in body


def test_missing_page_filters_by_group_links(client, world, scene):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("hazards:self_report_missing")
    by_department = client.get(url, {"department": world.a.orgs["emergency"].pk})
    assert [e.name for e in by_department.context["object_list"]] == ["丙未报"]
    by_town = client.get(url, {"jurisdiction": scene["second_town"].pk})
    assert [e.name for e in by_town.context["object_list"]] == ["丁未报"]
    assert by_town.context["summary"].due == 1


def test_missing_page_for_last_month_and_refuses_future_months(client, world, scene):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("hazards:self_report_missing")
    last = client.get(url, {"month": f"{LAST_MONTH:%Y-%m}"})
    assert last.context["summary"].missing == 4  # only 丙 reported last month
    future = client.get(url, {"month": f"{next_month(MONTH):%Y-%m}"})
    assert future.status_code == 200 and not future.context["object_list"]
    assert "This month has not begun yet." in future.content.decode()
    bad = client.get(url, {"month": "2025-13"})
    assert "Enter a month as YYYY-MM" in bad.content.decode()


def test_missing_page_export_lists_the_same_enterprises(client, world, scene):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("hazards:self_report_missing"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["丁未报", "丙未报", "戊未报"]
    assert rows[1][4] == "晋江市住建局"


def test_county_b_office_sees_only_its_own_missing(client, world, scene):
    office_b = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    client.force_login(office_b)
    response = client.get(reverse("hazards:self_report_missing"))
    assert [e.name for e in response.context["object_list"]] == ["南安未报"]


def test_missing_selectors_agree_with_a_python_count(world, scene):
    office = world.user(Role.SAFETY_OFFICE)
    from hazards.selectors.reports import enterprises_due

    due = enterprises_due(office)
    expected = {e.pk for e in due if not EnterpriseSelfReport.objects.filter(enterprise=e, month=MONTH).exists()}
    assert set(without_report(due, MONTH).values_list("pk", flat=True)) == expected
    assert missing_summary(due, MONTH).missing == len(expected)


def _count(client, url, params):
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def test_missing_page_query_count_does_not_grow_with_enterprises(client, world, scene, django_assert_num_queries):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url, params = reverse("hazards:self_report_missing"), {"month": f"{MONTH:%Y-%m}"}
    _count(client, url, params)  # warm the content-type cache
    small = _count(client, url, params)
    towns = [world.a.township, world.a.village, scene["second_town"]]
    departments = [world.a.orgs["emergency"], scene["housing"], OrganizationFactory(jurisdiction=world.a.county, kind="supervisory_department")]
    for n in range(30):
        enterprise = EnterpriseFactory(jurisdiction=towns[n % 3])
        EnterpriseSupervisionFactory(enterprise=enterprise, organization=departments[n % 3])
        if n % 4 == 0:
            EnterpriseSupervisionFactory(enterprise=enterprise, organization=world.a.orgs["government"], is_primary=False)
    with django_assert_num_queries(small):
        response = client.get(url, params)
    assert response.context["summary"].missing == 33


def test_self_report_list_query_count_does_not_grow(client, world, enterprise, django_assert_num_queries):
    office = world.user(Role.SAFETY_OFFICE)
    submit(office, enterprise)
    client.force_login(office)
    url = reverse("hazards:self_report_list")
    _count(client, url, {})
    small = _count(client, url, {})
    for _n in range(15):
        submit(office, EnterpriseFactory(jurisdiction=world.a.village), month=LAST_MONTH)
    with django_assert_num_queries(small):
        client.get(url)


# --- Home page --------------------------------------------------------------------------------


def test_home_panel_tells_the_enterprise_its_report_is_due_then_submitted(client, account, enterprise):
    client.force_login(account)
    body = client.get(reverse("home")).content.decode()
    assert "Due: submit it" in body
    submit(account, enterprise)
    body = client.get(reverse("home")).content.decode()
    assert "Due: submit it" not in body and "Submitted" in body


def test_home_panel_gives_the_office_the_missing_count(client, world, scene):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert "Enterprises not yet reported this month" in body
    assert reverse("hazards:self_report_missing") in body
