"""Power-and-responsibility lists in the browser: the office's overview (scope, filters, late,
export, constant query count), a version's page with the actions each role may take, forms that
keep what was typed, stale pages, and the organization page's list status."""

from __future__ import annotations

import datetime
import io
import itertools

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from responsibility.choices import OrganizationKind, PowerListStatus, ReviewOffice
from responsibility.models import PowerListItem, PowerListVersion, PublicationDeadline
from responsibility.roles import Role
from tests.factories import OrganizationFactory, PublicationDeadlineFactory
from tests.responsibility.power_lists_fixtures import department, make_version, office, staffing

pytestmark = pytest.mark.django_db

S = PowerListStatus
OVERVIEW = reverse("responsibility:power_list_overview")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Overview -------------------------------------------------------------------------------------


def test_overview_lists_the_list_keeping_organizations_in_scope_with_their_state(client, world):
    make_version(world.a.orgs["emergency"], status=S.PUBLISHED)
    make_version(world.b.orgs["emergency"], status=S.PUBLISHED)
    client.force_login(office(world))
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    rows = {org.name: org for org in response.context["object_list"]}
    assert set(rows) == {"晋江市人民政府", "晋江市应急管理局", "安海镇人民政府", "中共晋江市委机构编制委员会办公室"}
    assert rows["晋江市应急管理局"].latest_status == S.PUBLISHED
    assert "晋江市安全生产委员会" not in rows  # keeps no list


def test_overview_late_filter_shows_the_organizations_behind_the_deadline(client, world):
    today = timezone.localdate()
    PublicationDeadlineFactory(jurisdiction=world.a.county, year=today.year, deadline=datetime.date(today.year, 1, 1))
    make_version(world.a.orgs["emergency"], status=S.PUBLISHED, published_at=timezone.now() - datetime.timedelta(days=400))
    client.force_login(office(world))
    response = client.get(OVERVIEW, {"late": "true"})
    names = {org.name for org in response.context["object_list"]}
    if today > datetime.date(today.year, 1, 1):
        assert names == {"晋江市人民政府", "安海镇人民政府", "中共晋江市委机构编制委员会办公室"}
        assert response.context["totals"]["late"] == 3
    response = client.get(OVERVIEW, {"state": "none"})
    assert "晋江市应急管理局" not in {org.name for org in response.context["object_list"]}


def test_overview_exports_the_filtered_rows_to_excel(client, world):
    from openpyxl import load_workbook

    make_version(world.a.orgs["emergency"], status=S.RETURNED)
    client.force_login(office(world))
    response = client.get(OVERVIEW, {"q": "应急", "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "晋江市应急管理局" and rows[1][4] == "Returned for revision"


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ENTERPRISE])
def test_roles_without_list_permission_get_403_on_the_overview(client, world, role):
    client.force_login(world.user(role))
    assert client.get(OVERVIEW).status_code == 403


_numbers = itertools.count(500)


def _add_organizations(world, n: int) -> None:
    for _ in range(n):
        number = next(_numbers)
        org = OrganizationFactory(jurisdiction=world.a.county, name=f"测试局{number}", kind=OrganizationKind.OTHER_DEPARTMENT)
        make_version(org, status=S.SUPERSEDED, number=1, items=1)
        make_version(org, status=S.PUBLISHED, number=2, items=1)


# Session and user (2), the access rule (4), the jurisdiction choices of the filter and the
# scope label (2), the year's deadlines, COUNT, page and the totals (4).
OVERVIEW_QUERIES = 12


def test_overview_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    PublicationDeadlineFactory(jurisdiction=world.city, year=timezone.localdate().year)
    client.force_login(office(world))
    _add_organizations(world, 3)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        assert client.get(OVERVIEW).status_code == 200
    _add_organizations(world, 27)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(OVERVIEW)
    assert len(response.context["object_list"]) == 34


# --- A version's page -----------------------------------------------------------------------------


def test_detail_offers_each_role_only_the_actions_it_may_take(client, world):
    version = make_version(world.a.orgs["emergency"], status=S.SUBMITTED)
    expected = {
        Role.DEPARTMENT: {"can_edit": False, "can_submit": False, "can_review": False, "can_publish": False},
        Role.STAFFING_REVIEWER: {"can_edit": False, "can_submit": False, "can_review": True, "can_publish": False},
        Role.SAFETY_OFFICE: {"can_edit": False, "can_submit": False, "can_review": True, "can_publish": False},
        Role.LEADER: {"can_edit": False, "can_submit": False, "can_review": False, "can_publish": False},
    }
    for role, flags in expected.items():
        client.force_login(world.user(role))
        response = client.get(version.get_absolute_url())
        assert response.status_code == 200, role
        assert {name: response.context[name] for name in flags} == flags, role
    client.force_login(staffing(world))
    form = client.get(version.get_absolute_url()).context["review_form"]
    assert [value for value, _label in form.fields["office"].choices] == [ReviewOffice.STAFFING]


def test_department_sees_edit_and_submit_on_its_own_draft_only(client, world):
    own = make_version(world.a.orgs["emergency"])
    other = make_version(world.a.orgs["government"])
    client.force_login(department(world))
    response = client.get(own.get_absolute_url())
    assert response.context["can_edit"] and response.context["can_submit"]
    assert "Submit for review" in response.content.decode()
    response = client.get(other.get_absolute_url())
    assert not response.context["can_edit"] and not response.context["can_submit"]
    assert client.get(reverse("responsibility:power_list_item_create", args=[other.pk])).status_code == 403


def test_a_list_of_another_county_is_not_found(client, world):
    version = make_version(world.b.orgs["emergency"])
    client.force_login(office(world))
    for url in (
        version.get_absolute_url(),
        reverse("responsibility:power_list_review", args=[version.pk]),
        reverse("responsibility:power_list_item_create", args=[version.pk]),
        reverse("responsibility:power_list_diff", args=[version.organization_id]),
        reverse("responsibility:power_list_organization", args=[version.organization_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("responsibility:power_list_submit", args=[version.pk]), {"lock_version": 0}).status_code == 404


def test_item_form_with_errors_keeps_what_was_typed(client, world):
    version = make_version(world.a.orgs["emergency"])
    client.force_login(department(world))
    url = reverse("responsibility:power_list_item_create", args=[version.pk])
    data = {"lock_version": version.lock_version, "kind": "responsibility", "category": "penalty", "title": "对未办理施工许可的处罚",
            "content": "详细内容", "legal_basis": "《建筑法》第六十四条", "responsible_unit": "建筑业管理科", "sequence": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Only a power has a category" in response.content.decode()
    assert response.context["form"]["title"].value() == "对未办理施工许可的处罚"
    assert "详细内容" in response.content.decode()
    data["kind"] = "power"
    response = client.post(url, data)
    assert response.status_code == 302
    assert version.items.filter(title="对未办理施工许可的处罚", sequence=4).exists()


def test_submitting_from_a_stale_page_is_refused_with_a_reload_message(client, world):
    version = make_version(world.a.orgs["emergency"])
    client.force_login(department(world))
    seen = version.lock_version
    client.post(reverse("responsibility:power_list_item_create", args=[version.pk]),
                {"lock_version": seen, "kind": "power", "category": "", "title": "新事项", "legal_basis": "x", "responsible_unit": "y"})
    response = client.post(reverse("responsibility:power_list_submit", args=[version.pk]), {"lock_version": seen}, follow=True)
    assert any("changed by someone else" in m for m in _messages(response))
    version.refresh_from_db()
    assert version.status == S.DRAFT
    response = client.post(reverse("responsibility:power_list_submit", args=[version.pk]), {"lock_version": version.lock_version}, follow=True)
    version.refresh_from_db()
    assert version.status == S.SUBMITTED


def test_review_form_returning_without_comment_keeps_the_choice_and_says_why(client, world):
    version = make_version(world.a.orgs["emergency"], status=S.SUBMITTED)
    client.force_login(office(world))
    url = reverse("responsibility:power_list_review", args=[version.pk])
    response = client.post(url, {"lock_version": version.lock_version, "office": "safety", "decision": "return", "comment": ""})
    assert response.status_code == 200
    assert "Say what must be revised" in response.content.decode()
    assert response.context["form"]["decision"].value() == "return"
    response = client.post(url, {"lock_version": version.lock_version, "office": "safety", "decision": "return", "comment": "请补充"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == S.RETURNED


def test_review_page_is_forbidden_to_roles_that_review_nothing(client, world):
    version = make_version(world.a.orgs["emergency"], status=S.SUBMITTED)
    client.force_login(department(world))
    url = reverse("responsibility:power_list_review", args=[version.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"lock_version": 0, "office": "staffing", "decision": "approve"}).status_code == 403
    assert not version.reviews.exists()


def test_publish_button_publishes_an_approved_list(client, world):
    version = make_version(world.a.orgs["emergency"], status=S.APPROVED)
    client.force_login(office(world))
    assert client.get(version.get_absolute_url()).context["can_publish"]
    response = client.post(reverse("responsibility:power_list_publish", args=[version.pk]), {"lock_version": version.lock_version}, follow=True)
    assert response.status_code == 200
    version.refresh_from_db()
    assert version.status == S.PUBLISHED


def test_item_import_page_lists_row_errors_and_imports_nothing(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    version = make_version(world.a.orgs["emergency"], items=0)
    client.force_login(department(world))
    upload = SimpleUploadedFile("items.csv", "类别,事项名称,法律依据,责任单位\n权力,好事项,依据,科室\n未知,坏事项,依据,科室\n".encode())
    response = client.post(reverse("responsibility:power_list_item_import", args=[version.pk]), {"lock_version": 0, "file": upload})
    assert response.status_code == 400
    assert [error.row for error in response.context["errors"]] == [3]
    assert not PowerListItem.objects.filter(version=version).exists()


def test_item_delete_needs_confirmation_and_is_recorded(client, world):
    version = make_version(world.a.orgs["emergency"], items=2)
    item = version.items.first()
    client.force_login(department(world))
    url = reverse("responsibility:power_list_item_delete", args=[item.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"lock_version": version.lock_version}).status_code == 302
    assert version.items.count() == 1


def test_starting_a_new_version_from_the_organization_page(client, world):
    org = world.a.orgs["emergency"]
    client.force_login(department(world))
    response = client.get(reverse("responsibility:power_list_organization", args=[org.pk]))
    assert response.status_code == 200 and response.context["can_create"]
    response = client.post(reverse("responsibility:power_list_create", args=[org.pk]), {"change_summary": "首次编制"})
    version = PowerListVersion.objects.get(organization=org)
    assert response["Location"] == version.get_absolute_url()
    # the organization page now leads to it, and a second one is not offered
    assert client.get(reverse("responsibility:power_list_organization", args=[org.pk]))["Location"] == version.get_absolute_url()
    assert client.get(reverse("responsibility:power_list_create", args=[org.pk])).status_code == 302


def test_diff_page_compares_any_two_versions_of_the_organization(client, world):
    org = world.a.orgs["emergency"]
    old = make_version(org, status=S.SUPERSEDED, number=1, items=2)
    new = make_version(org, status=S.PUBLISHED, number=2, items=3)
    client.force_login(staffing(world))
    response = client.get(reverse("responsibility:power_list_diff", args=[org.pk]), {"from": old.pk, "to": new.pk})
    assert response.status_code == 200
    assert [item.sequence for item in response.context["diff"].added] == [3]


def test_organization_page_shows_its_list_status_and_links_to_it(client, world):
    version = make_version(world.a.orgs["emergency"], status=S.PUBLISHED)
    client.force_login(world.user(Role.LEADER))
    response = client.get(world.a.orgs["emergency"].get_absolute_url())
    assert response.context["power_list_published"] == version
    assert reverse("public:list_detail", args=[version.organization_id]) in response.content.decode()
    response = client.get(world.a.orgs["committee"].get_absolute_url())
    assert response.context["shows_power_list"] is False


# --- Deadlines ------------------------------------------------------------------------------------


def test_deadline_form_keeps_input_on_error_and_saves_when_valid(client, world):
    client.force_login(office(world))
    url = reverse("responsibility:publication_deadline_create")
    data = {"jurisdiction": world.a.county.pk, "year": 2026, "deadline": "2027-01-15", "note": "公布期限"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "must fall in the chosen year" in response.content.decode()
    assert response.context["form"]["note"].value() == "公布期限"
    data["deadline"] = "2026-06-30"
    assert client.post(url, data).status_code == 302
    assert PublicationDeadline.objects.get().deadline == datetime.date(2026, 6, 30)
    client.force_login(staffing(world))
    assert client.get(url).status_code == 403


def test_home_panel_tells_reviewers_how_many_lists_wait_for_them(client, world):
    make_version(world.a.orgs["emergency"], status=S.SUBMITTED)
    make_version(world.a.orgs["government"], status=S.SUBMITTED, staffing_approved_at=timezone.now())
    client.force_login(staffing(world))
    html = client.get(reverse("home")).content.decode()
    assert "Waiting for your review" in html
    from responsibility.selectors.power_lists import awaiting_review

    assert awaiting_review(staffing(world)).count() == 1
    assert awaiting_review(office(world)).count() == 2
