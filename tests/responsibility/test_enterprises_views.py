"""Enterprise pages: who sees what, filters, forms keeping the input, export, accounts, and a
query count that does not grow with the rows."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from core.choices import AccountType
from responsibility.choices import OrganizationKind
from responsibility.models import Enterprise
from responsibility.roles import Role
from responsibility.services.enterprises import enterprise_grant_account
from tests.conftest import ALL_ROLES
from tests.factories import (
    EnterpriseFactory,
    EnterpriseSupervisionFactory,
    OrganizationFactory,
    assigned_user,
    make_credit_code,
    sector,
)
from tests.responsibility.test_query_counts import count_queries

pytestmark = pytest.mark.django_db

#: Roles that see enterprises of their jurisdiction (the enterprise role only sees its own).
VIEWERS = tuple(r for r in ALL_ROLES if r not in (Role.ENTERPRISE, Role.STAFFING_REVIEWER))
CHANGERS = (Role.SAFETY_OFFICE, Role.DEPARTMENT, Role.COUNTY_SYSTEM)


@pytest.fixture
def pair(world):
    """An enterprise in each county, each supervised by its county's emergency bureau."""
    inside = EnterpriseFactory(jurisdiction=world.a.township, name="晋江鞋业有限公司", credit_code=make_credit_code(11))
    outside = EnterpriseFactory(jurisdiction=world.b.township, name="南安石材有限公司", credit_code=make_credit_code(12))
    EnterpriseSupervisionFactory(enterprise=inside, organization=world.a.orgs["emergency"])
    EnterpriseSupervisionFactory(enterprise=outside, organization=world.b.orgs["emergency"])
    return inside, outside


def form_data(world, **overrides) -> dict:
    return {
        "credit_code": make_credit_code(21),
        "name": "晋江市新企业有限公司",
        "jurisdiction": world.a.township.pk,
        "sector": sector("construction").pk,
        "scale": "small",
        "risk_class": "yellow",
        "status": "operating",
        "accident_count": 0,
        "primary_department": world.a.orgs["emergency"].pk,
        **overrides,
    }


# --- Who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_shows_the_enterprise_of_the_own_county_only_to_viewing_roles(client, world, pair, role):
    inside, outside = pair
    client.force_login(world.user(role))
    response = client.get(reverse("responsibility:enterprise_list"))
    assert response.status_code == 200
    listed = {e.pk for e in response.context["object_list"]}
    assert outside.pk not in listed
    assert (inside.pk in listed) is (role in VIEWERS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_detail_is_200_for_viewers_in_scope_and_404_otherwise(client, world, pair, role):
    inside, outside = pair
    client.force_login(world.user(role))
    assert client.get(inside.get_absolute_url()).status_code == (200 if role in VIEWERS else 404)
    assert client.get(outside.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_edit_saves_for_changing_roles_is_403_for_other_viewers_and_404_outside(client, world, pair, role):
    inside, outside = pair
    client.force_login(world.user(role))
    data = form_data(world, credit_code=inside.credit_code, name="改名有限公司", sector=inside.sector_id)
    response = client.post(reverse("responsibility:enterprise_update", args=[inside.pk]), data)
    expected = 302 if role in CHANGERS else (403 if role in VIEWERS else 404)
    assert response.status_code == expected
    inside.refresh_from_db()
    assert (inside.name == "改名有限公司") is (role in CHANGERS)
    foreign = client.post(reverse("responsibility:enterprise_update", args=[outside.pk]), {**data, "credit_code": outside.credit_code})
    assert foreign.status_code == 404


def test_enterprise_account_sees_its_own_enterprise_and_not_the_one_next_door(client, world, pair):
    inside, _outside = pair
    neighbour = EnterpriseFactory(jurisdiction=world.a.township, name="隔壁企业")
    account = assigned_user(role=Role.ENTERPRISE, jurisdiction=world.a.township, username="qiye", account_type=AccountType.ENTERPRISE)
    enterprise_grant_account(actor=world.user(Role.SAFETY_OFFICE), enterprise=inside, user=account)
    client.force_login(account)
    assert [e.pk for e in client.get(reverse("responsibility:enterprise_list")).context["object_list"]] == [inside.pk]
    detail = client.get(inside.get_absolute_url())
    assert detail.status_code == 200
    assert "晋江市应急管理局" in detail.content.decode()  # its supervising department, by name
    assert client.get(neighbour.get_absolute_url()).status_code == 404
    assert client.get(reverse("responsibility:enterprise_update", args=[inside.pk])).status_code == 403
    assert inside.name in client.get(reverse("home")).content.decode()  # the home page links to it


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(reverse("responsibility:enterprise_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Filters ----------------------------------------------------------------------------------


def listed_names(client, **params) -> set[str]:
    response = client.get(reverse("responsibility:enterprise_list"), params)
    assert response.status_code == 200
    return {e.name for e in response.context["object_list"]}


def test_filters_narrow_the_list(client, world, pair):
    village = EnterpriseFactory(jurisdiction=world.a.village, name="安平危化有限公司", sector=sector("hazardous_chemicals"), risk_class="red", scale="large")
    EnterpriseFactory(jurisdiction=world.a.township, name="停产企业", status="suspended", accident_count=2)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert listed_names(client, sector="hazardous_chemicals") == {village.name}
    assert listed_names(client, risk_class="red", scale="large") == {village.name}
    assert listed_names(client, status="suspended") == {"停产企业"}
    assert listed_names(client, unsupervised="true") == {village.name, "停产企业"}
    assert listed_names(client, unsupervised="false") == {"晋江鞋业有限公司"}
    assert listed_names(client, accident_history="true") == {"停产企业"}
    assert listed_names(client, q=make_credit_code(11)[:17].lower()) == {"晋江鞋业有限公司"}
    assert listed_names(client, q="鞋业") == {"晋江鞋业有限公司"}
    assert listed_names(client, department=world.a.orgs["emergency"].pk) == {"晋江鞋业有限公司"}


def test_jurisdiction_filter_takes_the_subtree_and_ignores_other_counties(client, world, pair):
    EnterpriseFactory(jurisdiction=world.a.village, name="村里企业")
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert listed_names(client, jurisdiction=world.a.township.pk) == {"晋江鞋业有限公司", "村里企业"}
    assert listed_names(client, jurisdiction_code=world.a.village.code) == {"村里企业"}
    # another county's jurisdiction is no valid choice, and its code finds nothing
    assert listed_names(client, jurisdiction_code=world.b.township.code) == set()
    response = client.get(reverse("responsibility:enterprise_list"), {"jurisdiction": world.b.township.pk})
    assert response.status_code == 200 and list(response.context["object_list"]) == []


def test_page_past_the_end_shows_the_last_page(client, world, pair):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:enterprise_list"), {"page": 99})
    assert response.status_code == 200 and len(response.context["object_list"]) == 1


# --- Forms ------------------------------------------------------------------------------------


def test_create_form_registers_the_enterprise_and_redirects_to_it(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(reverse("responsibility:enterprise_create"), form_data(world, credit_code=make_credit_code(21).lower()))
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302 and response["Location"] == enterprise.get_absolute_url()
    assert enterprise.credit_code == make_credit_code(21)
    assert enterprise.primary_department == world.a.orgs["emergency"]


def test_invalid_credit_code_keeps_everything_the_user_typed(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    data = form_data(world, credit_code="91350582ABCDEFGHIO", name="保留名称有限公司", address="工业路8号")
    response = client.post(reverse("responsibility:enterprise_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "not allowed" in form.errors["credit_code"][0]
    html = response.content.decode()
    for typed in ("91350582ABCDEFGHIO", "保留名称有限公司", "工业路8号"):
        assert typed in html
    assert not Enterprise.objects.exists()


def test_service_errors_come_back_on_their_fields_with_the_input_kept(client, world, pair):
    inside, _ = pair
    client.force_login(world.user(Role.SAFETY_OFFICE))
    # a duplicate code, and another county's department
    response = client.post(
        reverse("responsibility:enterprise_create"),
        form_data(world, credit_code=inside.credit_code, name="重复企业有限公司"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == ["An enterprise with this unified social credit code is already registered."]
    assert "重复企业有限公司" in response.content.decode()
    housing = OrganizationFactory(jurisdiction=world.a.county, name="晋江市住建局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
    response = client.post(
        reverse("responsibility:enterprise_create"),
        {**form_data(world), "other_departments": [housing.pk], "primary_department": ""},
    )
    assert "primary_department" in response.context["form"].errors
    assert response.context["form"]["other_departments"].value() == [str(housing.pk)]


def test_other_countys_township_is_not_a_choice(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(reverse("responsibility:enterprise_create"), form_data(world, jurisdiction=world.b.township.pk))
    assert response.status_code == 200 and "jurisdiction" in response.context["form"].errors
    assert world.b.township.name not in response.content.decode()


def test_edit_form_shows_current_departments(client, world, pair):
    inside, _ = pair
    client.force_login(world.user(Role.SAFETY_OFFICE))
    form = client.get(reverse("responsibility:enterprise_update", args=[inside.pk])).context["form"]
    assert form["primary_department"].value() == world.a.orgs["emergency"].pk


def test_saving_the_form_keeps_a_city_department_the_county_office_cannot_see(client, world, pair):
    inside, _ = pair
    city_bureau = OrganizationFactory(jurisdiction=world.city, name="泉州市应急管理局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
    EnterpriseSupervisionFactory(enterprise=inside, organization=city_bureau, is_primary=False)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:enterprise_update", args=[inside.pk])
    form = client.get(url).context["form"]
    assert form["other_departments"].value() == [city_bureau.pk]
    data = form_data(world, credit_code=inside.credit_code, name="改名有限公司", sector=inside.sector_id, other_departments=[city_bureau.pk])
    assert client.post(url, data).status_code == 302
    assert inside.other_departments == [city_bureau]


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DEPARTMENT, Role.INSPECTOR, Role.ENTERPRISE])
def test_create_page_is_forbidden_without_add_permission(client, world, role):
    client.force_login(world.user(role))
    assert client.post(reverse("responsibility:enterprise_create"), form_data(world)).status_code == 403
    assert not Enterprise.objects.exists()


# --- Detail, export, accounts -------------------------------------------------------------------


def test_detail_shows_departments_gap_and_history(client, world, pair):
    inside, _ = pair
    gap = EnterpriseFactory(jurisdiction=world.a.township, name="无人监管企业")
    client.force_login(world.user(Role.SAFETY_OFFICE))
    client.post(reverse("responsibility:enterprise_update", args=[inside.pk]), form_data(world, credit_code=inside.credit_code, name="改名鞋业有限公司"))
    response = client.get(inside.get_absolute_url())
    assert "晋江市应急管理局" in response.content.decode()
    assert response.context["history"].count() >= 1
    assert "No department supervises this enterprise" in client.get(gap.get_absolute_url()).content.decode()


def test_export_has_the_import_layout_and_only_rows_in_scope(client, world, pair):
    from openpyxl import load_workbook

    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:enterprise_list"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("Unified social credit code", "Enterprise name", "Township or village code", "Township or village")
    assert [r[1] for r in rows[1:]] == ["晋江鞋业有限公司"]
    assert rows[1][8] == "晋江市应急管理局"


def test_safety_office_gives_and_removes_account_access_from_the_page(client, world, pair):
    inside, _ = pair
    account = assigned_user(role=Role.ENTERPRISE, jurisdiction=world.a.township, username="qiye", account_type=AccountType.ENTERPRISE)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:enterprise_account_grant", args=[inside.pk])
    unknown = client.post(url, {"username": "nobody"})
    assert unknown.status_code == 200 and "username" in unknown.context["form"].errors
    assert client.post(url, {"username": "qiye"}).status_code == 302
    assert Enterprise.objects.restrict(account, "view").get() == inside
    client.post(reverse("responsibility:enterprise_account_revoke", args=[inside.pk, account.pk]))
    del account._object_grant_content_types
    assert not Enterprise.objects.restrict(account, "view").exists()


def test_auditor_cannot_give_account_access(client, world, pair):
    inside, _ = pair
    assigned_user(role=Role.ENTERPRISE, jurisdiction=world.a.township, username="qiye", account_type=AccountType.ENTERPRISE)
    client.force_login(world.user(Role.AUDITOR))
    assert client.post(reverse("responsibility:enterprise_account_grant", args=[inside.pk]), {"username": "qiye"}).status_code == 403


# --- Query counts -----------------------------------------------------------------------------


def add_enterprises(world, n: int, start: int) -> None:
    """``n`` enterprises in county A, each with two supervising departments, in a village."""
    housing = OrganizationFactory(jurisdiction=world.a.county, name=f"住建局{start}", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
    for i in range(start, start + n):
        enterprise = EnterpriseFactory(jurisdiction=world.a.village, credit_code=make_credit_code(10_000 + i))
        EnterpriseSupervisionFactory(enterprise=enterprise, organization=world.a.orgs["emergency"])
        EnterpriseSupervisionFactory(enterprise=enterprise, organization=housing, is_primary=False)


# Session and user (2), access rule (4), COUNT and page (2), supervisions prefetch (1), scope
# label (1), the filter form's jurisdiction and sector choices (2). A sector in the query string
# is looked up to validate it (1).
LIST_QUERIES = {"": 12, "?unsupervised=false&sector=industry_trade&risk_class=yellow": 13}


@pytest.mark.parametrize(("params", "expected"), LIST_QUERIES.items(), ids=["unfiltered", "filtered"])
def test_enterprise_list_query_count_does_not_grow_with_rows(client, world, params, expected, django_assert_num_queries):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:enterprise_list") + params
    client.get(url)  # warms the content-type cache, as in a running server
    add_enterprises(world, 3, 0)
    small = count_queries(client, url)
    add_enterprises(world, 27, 100)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["object_list"]) == 25
    assert small == expected


def test_enterprise_api_list_query_count_does_not_grow_with_rows(api_client, world, django_assert_num_queries):
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    api_client.get("/api/v1/enterprises/")  # warms the content-type cache, as in a running server
    add_enterprises(world, 3, 0)
    small = count_queries(api_client, "/api/v1/enterprises/")
    add_enterprises(world, 27, 100)
    with django_assert_num_queries(small):
        response = api_client.get("/api/v1/enterprises/")
    assert response.json()["count"] == 30
    # session and user, access rule (4), COUNT and page, supervisions prefetch
    assert small == 9
