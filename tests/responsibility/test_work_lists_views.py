"""Pages of the key-work lists: lists, items, status changes, checks with evidence, the
overdue page and the home-page panels."""

# The shared fixtures are imported by name, so pytest finds them; test arguments of the same name
# are what pytest passes, not a redefinition.
# ruff: noqa: F811
from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from responsibility.choices import CheckResult, WorkItemStatus
from responsibility.models import WorkItem, WorkItemCheck, WorkList
from responsibility.roles import Role
from responsibility.services import duties as services
from tests.factories import WorkItemFactory, WorkListFactory
from tests.responsibility.duties_fixtures import duty_world, owned_item, work_list  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _today():
    return timezone.localdate()


# --- Lists -----------------------------------------------------------------------------------


def test_the_list_page_counts_items_done_and_overdue(client, duty_world, work_list):
    owner = duty_world.official(duty_world.gov_leader)
    yesterday = _today() - datetime.timedelta(days=1)
    WorkItemFactory(work_list=work_list, owner=owner, due_date=yesterday)
    WorkItemFactory(work_list=work_list, owner=owner, status=WorkItemStatus.DONE)
    WorkItemFactory(work_list=work_list, owner=owner)
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:work_list_list"))
    row = response.context["object_list"][0]
    assert (row.item_count, row.done_count, row.overdue_count) == (3, 1, 1)


def test_another_countys_list_is_not_listed_and_not_found(client, duty_world):
    other = WorkListFactory(jurisdiction=duty_world.world.b.county)
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    assert other not in client.get(reverse("responsibility:work_list_list")).context["object_list"]
    assert client.get(other.get_absolute_url()).status_code == 404


def test_the_principal_creates_the_list_through_the_form(client, duty_world):
    world = duty_world.world
    client.force_login(duty_world.principal)
    response = client.post(
        reverse("responsibility:work_list_create"),
        {"jurisdiction": world.a.county.pk, "year": 2026, "title": "", "check_frequency": "quarterly", "issued_on": "2026-02-15"},
    )
    created = WorkList.objects.get()
    assert response.status_code == 302
    assert created.organizer == duty_world.official(duty_world.principal)


def test_a_leader_who_is_not_principal_cannot_open_the_new_list_form(client, duty_world):
    client.force_login(duty_world.gov_leader)
    assert client.get(reverse("responsibility:work_list_create")).status_code == 403


def test_a_duplicate_list_comes_back_with_the_input(client, duty_world, work_list):
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:work_list_create"),
        {"jurisdiction": duty_world.world.a.county.pk, "year": work_list.year, "title": "我的标题", "check_frequency": "quarterly"},
    )
    assert response.status_code == 200
    assert "我的标题" in response.content.decode()
    assert "already has a key-work list" in response.content.decode()
    assert WorkList.objects.count() == 1


def test_an_item_with_a_due_date_in_another_year_comes_back_with_the_input(client, duty_world, work_list):
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    owner = duty_world.official(duty_world.gov_leader)
    response = client.post(
        reverse("responsibility:work_item_create", args=[work_list.pk]),
        {"owner": owner.pk, "content": "推进燃气安全整治", "measures": "排查餐饮场所", "due_date": f"{work_list.year + 1}-03-31"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "推进燃气安全整治" in html and "排查餐饮场所" in html
    assert "due_date" in response.context["form"].errors
    assert not WorkItem.objects.exists()


def test_the_owner_picker_offers_the_leaders_of_the_list_jurisdiction_only(client, duty_world, work_list):
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:work_item_create", args=[work_list.pk]))
    owners = set(response.context["form"].fields["owner"].queryset)
    assert duty_world.official(duty_world.gov_leader) in owners
    assert duty_world.official(duty_world.b_principal) not in owners


def test_another_leader_cannot_add_items(client, duty_world, work_list):
    client.force_login(duty_world.gov_leader)
    assert client.get(reverse("responsibility:work_item_create", args=[work_list.pk])).status_code == 403


# --- Status -----------------------------------------------------------------------------------


def test_the_owner_sees_the_status_buttons_and_completes_the_item(client, duty_world, owned_item):
    client.force_login(duty_world.world.user(Role.LEADER))
    page = client.get(owned_item.get_absolute_url())
    assert page.context["status_form"] is not None
    response = client.post(reverse("responsibility:work_item_status", args=[owned_item.pk]), {"status": WorkItemStatus.DONE})
    assert response.status_code == 302
    owned_item.refresh_from_db()
    assert owned_item.status == WorkItemStatus.DONE


def test_another_leader_sees_no_status_buttons_and_is_refused(client, duty_world, owned_item):
    client.force_login(duty_world.gov_leader)
    assert client.get(owned_item.get_absolute_url()).context["status_form"] is None
    assert client.post(reverse("responsibility:work_item_status", args=[owned_item.pk]), {"status": "done"}).status_code == 403
    owned_item.refresh_from_db()
    assert owned_item.status == WorkItemStatus.NOT_STARTED


def test_a_status_change_in_the_future_comes_back_with_the_reason(client, duty_world, owned_item):
    client.force_login(duty_world.world.user(Role.LEADER))
    tomorrow = (_today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("responsibility:work_item_status", args=[owned_item.pk]), {"status": "done", "completed_on": tomorrow}
    )
    assert response.status_code == 400
    assert tomorrow in response.content.decode()
    assert "The completion date cannot be in the future." in response.content.decode()


def test_another_countys_item_is_not_found(client, duty_world, owned_item):
    client.force_login(duty_world.b_principal)
    assert client.get(owned_item.get_absolute_url()).status_code == 404
    assert client.post(reverse("responsibility:work_item_status", args=[owned_item.pk]), {"status": "done"}).status_code == 404


# --- Checks -----------------------------------------------------------------------------------


def test_a_check_with_evidence_is_recorded_and_the_evidence_downloads(client, duty_world, owned_item):
    client.force_login(duty_world.principal)
    response = client.post(
        reverse("responsibility:work_item_check_create", args=[owned_item.pk]),
        {"check_date": _today().isoformat(), "result": CheckResult.ON_TRACK, "note": "进度正常", "evidence": SimpleUploadedFile("记录.pdf", PDF)},
    )
    assert response.status_code == 302
    check = WorkItemCheck.objects.get()
    assert check.checker == duty_world.principal
    download = client.get(reverse("responsibility:work_check_evidence", args=[check.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_a_check_with_a_bad_file_comes_back_with_the_finding_typed(client, duty_world, owned_item):
    client.force_login(duty_world.principal)
    response = client.post(
        reverse("responsibility:work_item_check_create", args=[owned_item.pk]),
        {"check_date": _today().isoformat(), "result": CheckResult.BEHIND, "note": "进度滞后两周", "evidence": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert "进度滞后两周" in response.content.decode()
    assert "evidence" in response.context["form"].errors
    assert not WorkItemCheck.objects.exists()


def test_the_owner_cannot_open_the_check_form_of_their_own_item(client, duty_world, owned_item):
    client.force_login(duty_world.world.user(Role.LEADER))
    assert client.get(reverse("responsibility:work_item_check_create", args=[owned_item.pk])).status_code == 403
    assert client.get(owned_item.get_absolute_url()).context["can_check"] is False


def test_evidence_of_another_county_is_not_found(client, duty_world, owned_item):
    check = services.work_item_check_record(
        actor=duty_world.principal, item=owned_item, check_date=_today(), result=CheckResult.ON_TRACK,
        evidence=SimpleUploadedFile("记录.pdf", PDF),
    )
    client.force_login(duty_world.b_principal)
    assert client.get(reverse("responsibility:work_check_evidence", args=[check.pk])).status_code == 404


# --- Overdue page and home panels ---------------------------------------------------------------


@pytest.fixture
def mixed_items(duty_world, work_list):
    owner = duty_world.official(duty_world.world.user(Role.LEADER))
    yesterday = _today() - datetime.timedelta(days=1)
    late = WorkItemFactory(work_list=work_list, owner=owner, due_date=yesterday, content="逾期的任务")
    on_time = WorkItemFactory(work_list=work_list, owner=owner, content="未到期的任务")
    done = WorkItemFactory(work_list=work_list, owner=owner, due_date=yesterday, status=WorkItemStatus.DONE, content="已完成的任务")
    other = WorkItemFactory(work_list=WorkListFactory(jurisdiction=duty_world.world.b.county), owner=owner, due_date=yesterday)
    return late, on_time, done, other


def test_the_overdue_page_lists_only_overdue_items_in_scope(client, duty_world, mixed_items):
    late, on_time, done, other = mixed_items
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:work_item_overdue"))
    assert list(response.context["object_list"]) == [late]


def test_the_overdue_page_filters_by_owner_name_and_exports(client, duty_world, mixed_items):
    from openpyxl import load_workbook

    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    nobody = client.get(reverse("responsibility:work_item_overdue"), {"owner_name": "不存在的人"})
    assert list(nobody.context["object_list"]) == []
    export = client.get(reverse("responsibility:work_item_overdue"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and "逾期的任务" in rows[1]


def test_the_owner_sees_my_key_work_items_on_the_home_page_overdue_first(client, duty_world, mixed_items):
    client.force_login(duty_world.world.user(Role.LEADER))
    html = client.get(reverse("home")).content.decode()
    assert "My key-work items" in html
    assert html.index("逾期的任务") < html.index("未到期的任务")


def test_a_user_who_owns_no_items_gets_no_panel(client, duty_world, mixed_items):
    client.force_login(duty_world.gov_leader)
    assert "My key-work items" not in client.get(reverse("home")).content.decode()


def test_the_office_sees_the_overdue_count_on_the_home_page(client, duty_world, mixed_items):
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert "Overdue key-work items" in html
    assert "1 item of the key-work lists in your scope is past its due date" in html


def test_the_official_page_lists_their_items_overdue_first(client, duty_world, mixed_items):
    late, on_time, done, other = mixed_items
    client.force_login(duty_world.world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:official_detail", args=[late.owner_id]))
    assert response.context["work_items"] == [late, on_time, done]
