"""Pages of the duty templates, the officials' lists and the printable "two lists"."""

# The shared fixtures are imported by name, so pytest finds them; test arguments of the same name
# are what pytest passes, not a redefinition.
# ruff: noqa: F811
from __future__ import annotations

import io

import pytest
from django.urls import reverse

from responsibility.choices import PostRole
from responsibility.models import DutyTemplate, Post, ResponsibilityItem
from responsibility.roles import Role
from responsibility.services import duties as services
from tests.factories import DutyTemplateFactory, WorkItemFactory
from tests.responsibility.duties_fixtures import duty_world, work_list  # noqa: F401

pytestmark = pytest.mark.django_db


def _leader_post(world) -> Post:
    return Post.objects.get(official__user=world.user(Role.LEADER))


def test_duty_page_groups_the_duties_by_role_with_their_source(client, world):
    client.force_login(world.user(Role.LEADER))
    response = client.get(reverse("responsibility:duty_template_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Party committee principal") < html.index("Government principal") < html.index("Leader in charge of work safety")
    assert "《地方党政领导干部安全生产责任制规定》（2018）第八条" in html
    assert len(response.context["object_list"]) == 24


def test_duty_page_filters_by_role(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:duty_template_list"), {"role": PostRole.GOVERNMENT_LEADER})
    assert {t.role for t in response.context["object_list"]} == {PostRole.GOVERNMENT_LEADER}


def test_duty_page_exports_to_excel(client, world):
    from openpyxl import load_workbook

    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:duty_template_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Role", "Number", "Duty")
    assert len(rows) == 25


def test_office_adds_a_local_duty_through_the_form(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:duty_template_create"),
        {"role": PostRole.SAFETY_DEPUTY, "jurisdiction": world.a.county.pk, "content": "每月检查一次", "source": "晋安委〔2024〕1号", "is_active": "on"},
    )
    template = DutyTemplate.objects.get(content="每月检查一次")
    assert response.status_code == 302
    assert response["Location"] == template.get_absolute_url()


def test_the_duty_form_keeps_the_input_when_the_jurisdiction_is_missing(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:duty_template_create"),
        {"role": PostRole.SAFETY_DEPUTY, "jurisdiction": "", "content": "保留我输入的内容", "source": "文件"},
    )
    assert response.status_code == 200
    assert "保留我输入的内容" in response.content.decode()
    assert response.context["form"].errors["jurisdiction"]
    assert not DutyTemplate.objects.filter(content="保留我输入的内容").exists()


def test_the_duty_form_refuses_another_countys_jurisdiction(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:duty_template_create"),
        {"role": PostRole.SAFETY_DEPUTY, "jurisdiction": world.b.county.pk, "content": "越权", "source": "文件"},
    )
    assert response.status_code == 200
    assert "jurisdiction" in response.context["form"].errors


def test_editing_a_statutory_duty_is_forbidden_for_the_office(client, world):
    statutory = DutyTemplate.objects.filter(jurisdiction__isnull=True).first()
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(reverse("responsibility:duty_template_update", args=[statutory.pk])).status_code == 403
    detail = client.get(statutory.get_absolute_url())
    assert detail.status_code == 200
    assert detail.context["can_change"] is False


def test_another_countys_local_duty_is_not_found(client, world):
    other = DutyTemplateFactory(jurisdiction=world.b.county)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("responsibility:duty_template_update", args=[other.pk])).status_code == 404


def test_deactivating_a_local_duty_from_its_page(client, world):
    template = DutyTemplateFactory(jurisdiction=world.a.county)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(reverse("responsibility:duty_template_active", args=[template.pk]), {"is_active": "0"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.is_active is False


def test_the_duty_page_shows_the_history_of_a_duty(client, world):
    office = world.user(Role.SAFETY_OFFICE)
    template = services.duty_template_create(
        actor=office, role=PostRole.SAFETY_DEPUTY, jurisdiction=world.a.county, content="旧表述", source="文件"
    )
    services.duty_template_update(actor=office, instance=template, content="新表述")
    client.force_login(office)
    response = client.get(template.get_absolute_url())
    assert len(response.context["history"]) == 2
    assert "旧表述" in response.content.decode()


# --- Officials' lists -------------------------------------------------------------------------


def test_the_list_overview_shows_which_posts_have_no_list(client, world):
    services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=_leader_post(world))
    client.force_login(world.user(Role.SAFETY_OFFICE))
    without = client.get(reverse("responsibility:responsibility_list_index"), {"has_list": "false"})
    with_list = client.get(reverse("responsibility:responsibility_list_index"), {"has_list": "true"})
    assert _leader_post(world) in with_list.context["object_list"]
    assert _leader_post(world) not in without.context["object_list"]
    assert without.context["object_list"]


def test_the_list_overview_needs_the_permission_to_see_lists(client, world):
    client.force_login(world.user(Role.INSPECTOR))
    assert client.get(reverse("responsibility:responsibility_list_index")).status_code == 403


def test_generating_a_list_from_the_officials_page(client, world):
    post = _leader_post(world)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(reverse("responsibility:responsibility_list_generate", args=[post.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith("#duties")
    assert ResponsibilityItem.objects.filter(post=post).count() == 6


def test_a_leader_is_refused_generating_a_list(client, world):
    post = _leader_post(world)
    client.force_login(world.user(Role.LEADER))
    assert client.post(reverse("responsibility:responsibility_list_generate", args=[post.pk])).status_code == 403
    assert not ResponsibilityItem.objects.exists()


def test_generating_the_lists_of_a_whole_jurisdiction(client, world):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(reverse("responsibility:responsibility_lists_generate"), {"jurisdiction": world.a.county.pk})
    assert response.status_code == 302
    assert ResponsibilityItem.objects.filter(post__organization__jurisdiction=world.a.county).exists()


def test_the_official_page_shows_the_list_and_who_may_change_it(client, world):
    post = _leader_post(world)
    services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=post)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("responsibility:official_detail", args=[post.official_id]))
    html = response.content.decode()
    assert [len(pl.items) for pl in response.context["duty_lists"]] == [6]
    assert DutyTemplate.objects.filter(role=PostRole.SAFETY_DEPUTY, sequence=3, jurisdiction__isnull=True).get().content in html
    assert reverse("responsibility:responsibility_item_create", args=[post.pk]) in html


def test_an_auditor_sees_the_list_without_buttons(client, world):
    post = _leader_post(world)
    services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=post)
    client.force_login(world.user(Role.AUDITOR))
    response = client.get(reverse("responsibility:official_detail", args=[post.official_id]))
    assert [len(pl.items) for pl in response.context["duty_lists"]] == [6]
    assert reverse("responsibility:responsibility_item_create", args=[post.pk]) not in response.content.decode()


def test_an_inspector_sees_no_duty_sections(client, world):
    client.force_login(world.user(Role.INSPECTOR))
    response = client.get(reverse("responsibility:official_detail", args=[_leader_post(world).official_id]))
    assert response.status_code == 200
    assert response.context["may_view_duties"] is False
    assert 'id="duties"' not in response.content.decode()


def test_a_custom_item_form_keeps_the_input_on_errors(client, world):
    post = _leader_post(world)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(reverse("responsibility:responsibility_item_create", args=[post.pk]), {"content": "", "source": "我的来源", "sequence": ""})
    assert response.status_code == 200
    assert "我的来源" in response.content.decode()
    response = client.post(reverse("responsibility:responsibility_item_create", args=[post.pk]), {"content": "分管工贸", "source": "", "sequence": ""})
    assert response.status_code == 302
    assert ResponsibilityItem.objects.get(post=post).content == "分管工贸"


def test_editing_a_generated_item_marks_it_customised(client, world):
    post = _leader_post(world)
    services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=post)
    item = ResponsibilityItem.objects.filter(post=post).first()
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(
        reverse("responsibility:responsibility_item_update", args=[item.pk]), {"content": "本人的表述", "source": item.source, "sequence": item.sequence}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.content, item.is_customised) == ("本人的表述", True)


def test_another_countys_item_cannot_be_edited(client, world):
    from tests.factories import PostFactory

    post = PostFactory(organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_LEADER)
    services.responsibility_list_generate(actor=None, post=post)
    item = ResponsibilityItem.objects.filter(post=post).first()
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(reverse("responsibility:responsibility_item_update", args=[item.pk])).status_code == 404
    assert client.post(reverse("responsibility:responsibility_item_active", args=[item.pk]), {"is_active": "0"}).status_code == 404


# --- Two lists ----------------------------------------------------------------------------------


@pytest.fixture
def leader_with_lists(duty_world, work_list):
    world = duty_world.world
    post = _leader_post(world)
    services.responsibility_list_generate(actor=world.user(Role.SAFETY_OFFICE), post=post)
    WorkItemFactory(work_list=work_list, owner=post.official, content="组织开展安全生产大检查")
    return post


def test_the_two_lists_page_shows_both_lists(client, duty_world, leader_with_lists):
    client.force_login(duty_world.world.user(Role.LEADER))
    response = client.get(reverse("responsibility:official_two_lists", args=[leader_with_lists.official_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "组织开展安全生产大检查" in html
    assert DutyTemplate.objects.filter(role=PostRole.SAFETY_DEPUTY, sequence=6, jurisdiction__isnull=True).get().content in html


def test_the_two_lists_download_is_a_word_document_with_both_lists(client, duty_world, leader_with_lists):
    from docx import Document

    client.force_login(duty_world.world.user(Role.LEADER))
    response = client.get(reverse("responsibility:official_two_lists_docx", args=[leader_with_lists.official_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "Responsibility list" in text
    assert sum(1 for p in document.paragraphs if p.text[:2] in {f"{n}." for n in range(1, 7)}) == 6
    assert "组织开展安全生产大检查" in cells
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.top_margin.cm, 1) == 3.7


def test_another_countys_two_lists_are_not_found(client, duty_world, leader_with_lists):
    client.force_login(duty_world.b_principal)
    assert client.get(reverse("responsibility:official_two_lists", args=[leader_with_lists.official_id])).status_code == 404
    assert client.get(reverse("responsibility:official_two_lists_docx", args=[leader_with_lists.official_id])).status_code == 404


def test_a_nonsense_year_on_the_two_lists_page_falls_back_to_this_year(client, duty_world, leader_with_lists):
    client.force_login(duty_world.world.user(Role.LEADER))
    response = client.get(reverse("responsibility:official_two_lists", args=[leader_with_lists.official_id]), {"year": "abc"})
    assert response.status_code == 200
    from django.utils import timezone

    assert response.context["lists"].year == timezone.localdate().year
