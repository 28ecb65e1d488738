"""HTML views: the permission matrix through the pages, plus page-specific behaviour.

These render the project's templates (templates/…); until they exist the tests fail with
TemplateDoesNotExist, which is expected while the templates are being written.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from responsibility.choices import OrganizationKind
from responsibility.models import Organization
from responsibility.roles import Role
from tests.conftest import detail_url, update_url

pytestmark = pytest.mark.django_db


# --- The permission matrix -------------------------------------------------------------------


def test_list_page_shows_object_only_when_role_and_jurisdiction_allow(client, matrix_case):
    case = matrix_case
    client.force_login(case.user)
    response = client.get(reverse(case.spec.list_url))
    assert response.status_code == 200
    listed = {obj.pk for obj in response.context["object_list"]}
    assert (case.obj.pk in listed) is case.expected.listed, case


def test_detail_page_is_200_inside_scope_and_404_outside(client, matrix_case):
    case = matrix_case
    client.force_login(case.user)
    response = client.get(detail_url(case))
    assert response.status_code == case.expected.detail, case
    if case.expected.detail == 200:
        assert response.context["object"] == case.obj


def test_edit_form_post_saves_only_for_safety_office_inside_scope(client, matrix_case):
    case = matrix_case
    client.force_login(case.user)
    before = case.stored_name()
    response = client.post(update_url(case), case.html_form_data())
    # a saved form redirects to the object's page
    assert response.status_code == case.expected.write_status(ok=302), case
    if case.expected.write == "ok":
        assert response["Location"] == detail_url(case)
        assert case.stored_name() == case.new_name
    else:
        assert case.stored_name() == before


# --- Page behaviour ---------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(reverse("responsibility:organization_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_township_official_cannot_see_other_county_organizations(client, world):
    from tests.factories import official_user

    township_user = official_user(role=Role.LEADER, organization=world.a.orgs["township"])
    client.force_login(township_user)
    response = client.get(reverse("responsibility:organization_list"))
    names = {o.name for o in response.context["object_list"]}
    # a township sees its own subtree only: not its county's bureaus, not the other county
    assert names == {"安海镇人民政府"}


def test_organization_create_page_refuses_read_only_role(client, world):
    client.force_login(world.user(Role.AUDITOR))
    response = client.post(
        reverse("responsibility:organization_create"),
        {"jurisdiction": world.a.county.pk, "name": "新单位", "kind": OrganizationKind.OTHER_DEPARTMENT, "sort_order": 1},
    )
    assert response.status_code == 403
    assert not Organization.objects.filter(name="新单位").exists()


def test_organization_create_form_offers_only_jurisdictions_in_scope(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:organization_create"),
        {"jurisdiction": world.b.county.pk, "name": "越权单位", "kind": OrganizationKind.OTHER_DEPARTMENT, "sort_order": 1},
    )
    # the foreign county is not among the choices: the form comes back invalid, nothing saved
    assert response.status_code == 200
    assert "jurisdiction" in response.context["form"].errors
    assert not Organization.objects.filter(name="越权单位").exists()


def test_safety_office_creates_organization_in_own_county(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:organization_create"),
        {"jurisdiction": world.a.county.pk, "name": "晋江市住建局", "kind": OrganizationKind.SUPERVISORY_DEPARTMENT, "sort_order": 5},
    )
    created = Organization.objects.get(name="晋江市住建局")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.jurisdiction == world.a.county


def test_service_error_comes_back_on_the_form_with_the_typed_values(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:organization_create"),
        {
            "jurisdiction": world.a.county.pk,
            "name": "晋江市应急管理局",  # already exists in this county
            "kind": OrganizationKind.SUPERVISORY_DEPARTMENT,
            "sort_order": 1,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert form.data["name"] == "晋江市应急管理局"
    assert Organization.objects.filter(name="晋江市应急管理局").count() == 1


def test_organization_list_export_downloads_xlsx_of_visible_rows(client, world):
    import io

    from openpyxl import load_workbook

    client.force_login(world.user(Role.AUDITOR))
    response = client.get(reverse("responsibility:organization_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {o.name for o in world.a.orgs.values()}


def test_official_detail_lists_posts_and_history(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:official_detail", args=[world.a.official.pk]))
    assert response.status_code == 200
    assert [p.title for p in response.context["posts"]] == ["副局长"]
    assert response.context["can_change"] is True
