"""The sector → department mapping ("三管三必须"): the service's rules, the pages showing
unmapped and shared sectors, editing a row, history and export."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from responsibility.choices import OrganizationKind
from responsibility.models import Sector, SectorResponsibility
from responsibility.roles import Role
from responsibility.services.enterprises import sector_responsibility_set
from tests.factories import EnterpriseFactory, OrganizationFactory, sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing(world):
    return OrganizationFactory(jurisdiction=world.a.county, name="晋江市住房和城乡建设局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)


def mapping(jurisdiction, code: str) -> set[tuple[str, bool]]:
    return {
        (r.organization.name, r.is_lead)
        for r in SectorResponsibility.objects.filter(jurisdiction=jurisdiction, sector__code=code).select_related("organization")
    }


# --- The service ------------------------------------------------------------------------------


def test_set_maps_a_lead_and_other_departments_then_replaces_them(world, housing):
    office = world.user(Role.SAFETY_OFFICE)
    sector_responsibility_set(actor=office, jurisdiction=world.a.county, sector=sector("construction"), lead=housing, others=[world.a.orgs["emergency"]], basis="晋安委〔2024〕1号")
    assert mapping(world.a.county, "construction") == {("晋江市住房和城乡建设局", True), ("晋江市应急管理局", False)}
    sector_responsibility_set(actor=office, jurisdiction=world.a.county, sector=sector("construction"), lead=world.a.orgs["emergency"])
    assert mapping(world.a.county, "construction") == {("晋江市应急管理局", True)}
    sector_responsibility_set(actor=office, jurisdiction=world.a.county, sector=sector("construction"))
    assert mapping(world.a.county, "construction") == set()


def test_department_must_belong_to_the_mapped_jurisdiction(world):
    with pytest.raises(ValidationError) as caught:
        sector_responsibility_set(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county, sector=sector("mining"), lead=world.b.orgs["emergency"])
    assert "lead" in caught.value.message_dict
    assert not SectorResponsibility.objects.exists()


def test_an_organization_that_is_not_a_department_cannot_be_responsible(world):
    with pytest.raises(ValidationError) as caught:
        sector_responsibility_set(
            actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county, sector=sector("mining"),
            lead=world.a.orgs["emergency"], others=[world.a.orgs["office"]],
        )
    assert "others" in caught.value.message_dict


def test_others_need_a_lead(world, housing):
    with pytest.raises(ValidationError) as caught:
        sector_responsibility_set(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county, sector=sector("mining"), others=[housing])
    assert "lead" in caught.value.message_dict


def test_mapping_is_set_for_a_city_county_or_zone_only(world):
    with pytest.raises(ValidationError) as caught:
        sector_responsibility_set(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.township, sector=sector("mining"))
    assert "jurisdiction" in caught.value.message_dict


def test_another_countys_mapping_cannot_be_set(world):
    with pytest.raises(ValidationError) as caught:
        sector_responsibility_set(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.b.county, sector=sector("mining"), lead=world.b.orgs["emergency"])
    assert "jurisdiction" in caught.value.message_dict
    assert not SectorResponsibility.objects.exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.DEPARTMENT, Role.AUDITOR, Role.COUNTY_SYSTEM])
def test_roles_without_change_permission_cannot_set_the_mapping(world, role):
    with pytest.raises(PermissionDenied):
        sector_responsibility_set(actor=world.user(role), jurisdiction=world.a.county, sector=sector("mining"), lead=world.a.orgs["emergency"])


# --- The pages --------------------------------------------------------------------------------


def test_matrix_page_shows_unmapped_sectors_first_and_shared_ones_marked(client, world, housing):
    office = world.user(Role.SAFETY_OFFICE)
    for item in Sector.objects.exclude(code="gas"):
        sector_responsibility_set(actor=office, jurisdiction=world.a.county, sector=item, lead=world.a.orgs["emergency"])
    sector_responsibility_set(actor=office, jurisdiction=world.a.county, sector=sector("construction"), lead=housing, others=[world.a.orgs["emergency"]])
    EnterpriseFactory(jurisdiction=world.a.village, sector=sector("gas"))
    client.force_login(office)
    response = client.get(reverse("responsibility:sector_mapping_detail", args=[world.a.county.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0].sector.code == "gas" and rows[0].is_unmapped and rows[0].enterprises == 1
    construction = next(r for r in rows if r.sector.code == "construction")
    assert construction.is_overlap and [o.name for o in construction.leads] == ["晋江市住房和城乡建设局"]
    assert (response.context["unmapped"], response.context["shared"]) == (1, 1)
    assert "1 sector has no responsible department." in response.content.decode()
    assert response.context["history"]  # the rows' audit trail, removed rows included


def test_summary_lists_jurisdictions_in_scope_with_their_gaps(client, world):
    sector_responsibility_set(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county, sector=sector("mining"), lead=world.a.orgs["emergency"])
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:sector_mapping_list"))
    [county] = response.context["object_list"]
    assert county == world.a.county
    assert county.unmapped_sectors == Sector.objects.filter(is_active=True).count() - 1


def test_other_countys_mapping_page_is_404(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(reverse("responsibility:sector_mapping_detail", args=[world.b.county.pk])).status_code == 404
    assert client.get(reverse("responsibility:sector_responsibility_edit", args=[world.b.county.pk, "mining"])).status_code == 404


def test_edit_form_saves_and_keeps_input_on_a_service_error(client, world, housing):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:sector_responsibility_edit", args=[world.a.county.pk, "construction"])
    bad = client.post(url, {"others": [housing.pk], "basis": "晋安委〔2024〕1号"})
    assert bad.status_code == 200 and "lead" in bad.context["form"].errors
    assert "晋安委〔2024〕1号" in bad.content.decode()
    assert client.post(url, {"lead": housing.pk, "others": [world.a.orgs["emergency"].pk], "basis": "依据"}).status_code == 302
    assert mapping(world.a.county, "construction") == {("晋江市住房和城乡建设局", True), ("晋江市应急管理局", False)}
    assert client.get(url).context["form"].initial["lead"] == housing


@pytest.mark.parametrize("role", [Role.LEADER, Role.AUDITOR, Role.INSPECTOR])
def test_edit_form_is_forbidden_to_read_only_roles(client, world, role):
    client.force_login(world.user(role))
    url = reverse("responsibility:sector_responsibility_edit", args=[world.a.county.pk, "construction"])
    assert client.post(url, {"lead": world.a.orgs["emergency"].pk}).status_code == 403
    assert not SectorResponsibility.objects.exists()


def test_enterprise_account_has_no_mapping_pages(client, world):
    client.force_login(world.user(Role.ENTERPRISE))
    assert client.get(reverse("responsibility:sector_mapping_list")).status_code == 403


def test_export_has_one_row_per_jurisdiction_and_sector(client, world):
    from openpyxl import load_workbook

    sector_responsibility_set(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county, sector=sector("mining"), lead=world.a.orgs["emergency"])
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:sector_mapping_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + Sector.objects.filter(is_active=True).count()
    mining = next(r for r in rows if r[2] == "mining")
    assert (mining[0], mining[4]) == (world.a.county.code, "晋江市应急管理局")


def test_matrix_page_query_count_is_constant(client, world, housing, django_assert_num_queries):
    from tests.responsibility.test_query_counts import count_queries

    office = world.user(Role.SAFETY_OFFICE)
    url = reverse("responsibility:sector_mapping_detail", args=[world.a.county.pk])
    client.force_login(office)
    client.get(url)
    sector_responsibility_set(actor=office, jurisdiction=world.a.county, sector=sector("mining"), lead=world.a.orgs["emergency"])
    small = count_queries(client, url)
    for item in Sector.objects.all():
        sector_responsibility_set(actor=office, jurisdiction=world.a.county, sector=item, lead=housing, others=[world.a.orgs["emergency"]])
    with django_assert_num_queries(small):
        client.get(url)
