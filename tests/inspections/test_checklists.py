"""Checklists: the seeded ones, versioning (a published version never changes; an inspection
keeps the version it used), adapting a platform checklist, who may edit, and the pages."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError
from inspections.choices import ItemSeverity
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, InspectionTarget
from inspections.reference.checklists import COMMON_VIOLATIONS, SECTOR_CHECKLISTS
from inspections.reference.loader import load_checklists
from inspections.selectors.checklists import checklist_versions, diff_items
from inspections.services import checklists as services
from inspections.services import records
from inspections.services.records import AnswerInput, TargetInput
from responsibility.models import Sector
from responsibility.reference.sectors import SECTORS
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, official_user, sector


def platform_checklist(code: str = "industry_trade") -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(sector__code=code, jurisdiction__isnull=True)


def office_b(world):
    return official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")


def county_checklist(world, items=("安全出口畅通", "有限空间作业审批", "特种作业人员持证")) -> ChecklistTemplate:
    """A checklist kept by county A with a published version 1."""
    office = world.user(Role.SAFETY_OFFICE)
    template = services.checklist_create(actor=office, name="晋江市工贸企业检查表", jurisdiction=world.a.county, sector=sector())
    draft = template.versions.get()
    for text in items:
        services.checklist_item_add(actor=office, version=draft, requirement=text, legal_basis="《中华人民共和国安全生产法》")
    services.checklist_publish(actor=office, version=draft)
    return template


# --- Seeded ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_seeded_sector_has_a_published_checklist_with_items():
    for code, _name in SECTORS:
        template = platform_checklist(code)
        current = template.current_version
        assert current is not None and current.number == 1 and current.published_at is not None, code
        assert 8 <= current.items.count() <= 16, code
        assert not current.items.filter(requirement="").exists()
    general = ChecklistTemplate.objects.get(name=COMMON_VIOLATIONS["name"], jurisdiction__isnull=True)
    assert general.sector is None
    assert general.current_version.items.count() == 20


def test_major_items_cite_the_sectors_major_hazard_standard():
    for spec in SECTOR_CHECKLISTS:
        for requirement, basis, severity, _category in spec["items"]:
            if severity == ItemSeverity.MAJOR:
                assert "重大" in basis, requirement


@pytest.mark.django_db
def test_loading_again_creates_nothing_and_keeps_edits():
    template = platform_checklist()
    item = template.current_version.items.first()
    ChecklistItem.objects.filter(pk=item.pk).update(requirement="改过的要求")
    created = load_checklists(
        ChecklistTemplate=ChecklistTemplate, ChecklistVersion=ChecklistVersion, ChecklistItem=ChecklistItem, Sector=Sector
    )
    assert created == {"checklists": 0, "items": 0}
    assert ChecklistItem.objects.get(pk=item.pk).requirement == "改过的要求"


# --- Versioning -----------------------------------------------------------------------------------


def test_publishing_v2_leaves_an_inspection_on_v1_untouched(world):
    office = world.user(Role.SAFETY_OFFICE)
    template = county_checklist(world)
    v1 = template.current_version
    v1_items = list(v1.items.order_by("order").values_list("pk", "requirement"))
    inspector = world.user(Role.INSPECTOR)
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    inspection = records.inspection_save_draft(
        actor=inspector, client_uuid=uuid.uuid4(), jurisdiction=world.a.county,
        started_at=timezone.now() - datetime.timedelta(hours=1), targets=[TargetInput(enterprise=enterprise, checklist=v1)],
    )
    records.inspection_save_draft(
        actor=inspector, client_uuid=inspection.client_uuid,
        answers=[AnswerInput(enterprise.pk, pk, "pass") for pk, _ in v1_items],
    )
    records.inspection_submit(actor=inspector, inspection=inspection)

    v2 = services.checklist_draft_new_version(actor=office, template=template)
    assert v2.number == 2 and v2.published_at is None
    assert list(v2.items.order_by("order").values_list("requirement", flat=True)) == [r for _, r in v1_items]
    first = v2.items.order_by("order").first()
    services.checklist_item_remove(actor=office, item=first)
    services.checklist_item_add(actor=office, version=v2, requirement="动火作业审批", severity=ItemSeverity.MAJOR)
    with pytest.raises(ValidationError) as error:
        services.checklist_publish(actor=office, version=v2, note="  ")
    assert "note" in error.value.message_dict
    services.checklist_publish(actor=office, version=v2, note="删除一项，新增动火作业")

    template.refresh_from_db()
    assert template.current_version == v2
    target = InspectionTarget.objects.get(inspection=inspection)
    assert target.checklist_id == v1.pk
    assert list(v1.items.order_by("order").values_list("pk", "requirement")) == v1_items
    assert target.answers.count() == len(v1_items)


def test_a_published_version_is_never_edited(world):
    office = world.user(Role.SAFETY_OFFICE)
    template = county_checklist(world)
    v1 = template.current_version
    item = v1.items.first()
    with pytest.raises(ConflictError):
        services.checklist_item_update(actor=office, item=item, requirement="改")
    with pytest.raises(ConflictError):
        services.checklist_item_add(actor=office, version=v1, requirement="新")
    with pytest.raises(ConflictError):
        services.checklist_item_remove(actor=office, item=item)
    with pytest.raises(ConflictError):
        services.checklist_publish(actor=office, version=v1, note="再发布")
    assert ChecklistItem.objects.get(pk=item.pk).requirement == item.requirement
    assert v1.items.count() == 3


def test_a_second_draft_request_returns_the_same_draft(world):
    office = world.user(Role.SAFETY_OFFICE)
    template = county_checklist(world)
    first = services.checklist_draft_new_version(actor=office, template=template)
    again = services.checklist_draft_new_version(actor=office, template=template)
    assert first.pk == again.pk and template.versions.count() == 2


def test_items_move_and_are_renumbered(world):
    office = world.user(Role.SAFETY_OFFICE)
    draft = services.checklist_draft_new_version(actor=office, template=county_checklist(world))
    items = list(draft.items.order_by("order"))
    services.checklist_item_move(actor=office, item=items[2], offset=-1)
    assert list(draft.items.order_by("order").values_list("requirement", "order")) == [
        ("安全出口畅通", 1), ("特种作业人员持证", 2), ("有限空间作业审批", 3),
    ]
    services.checklist_item_move(actor=office, item=items[0], offset=-1)  # already first: stays
    services.checklist_item_remove(actor=office, item=items[2])
    assert list(draft.items.order_by("order").values_list("order", flat=True)) == [1, 2]


def test_publishing_an_empty_draft_is_refused(world):
    office = world.user(Role.SAFETY_OFFICE)
    template = services.checklist_create(actor=office, name="空表", jurisdiction=world.a.county)
    with pytest.raises(ValidationError) as error:
        services.checklist_publish(actor=office, version=template.versions.get())
    assert "items" in error.value.message_dict


def test_an_item_needs_a_requirement(world):
    office = world.user(Role.SAFETY_OFFICE)
    template = services.checklist_create(actor=office, name="表", jurisdiction=world.a.county)
    with pytest.raises(ValidationError) as error:
        services.checklist_item_add(actor=office, version=template.versions.get(), requirement="   ")
    assert "requirement" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.checklist_item_add(actor=office, version=template.versions.get(), requirement="x", severity="fatal")
    assert "severity" in error.value.message_dict


def test_diff_lists_added_removed_changed_and_reordered(world):
    office = world.user(Role.SAFETY_OFFICE)
    template = county_checklist(world)
    draft = services.checklist_draft_new_version(actor=office, template=template)
    items = list(draft.items.order_by("order"))
    services.checklist_item_update(actor=office, item=items[0], requirement="安全出口、疏散通道畅通")
    services.checklist_item_update(actor=office, item=items[1], severity=ItemSeverity.MAJOR)
    services.checklist_item_remove(actor=office, item=items[2])
    services.checklist_item_add(actor=office, version=draft, requirement="粉尘清理制度落实")
    versions = checklist_versions(template)
    diff = versions.draft.diff
    assert [i.requirement for i in diff.added] == ["粉尘清理制度落实"]
    assert [i.requirement for i in diff.removed] == ["特种作业人员持证"]
    assert {c.new.requirement for c in diff.changed} == {"安全出口、疏散通道畅通", "有限空间作业审批"}
    assert not diff.reordered
    old = list(template.current_version.items.order_by("order"))
    assert diff_items(old, list(reversed(old))).reordered
    assert not diff_items(old, old).has_changes


# --- Adapting and who may edit -------------------------------------------------------------------


def test_adapt_copies_a_platform_checklist_into_the_county(world):
    office = world.user(Role.SAFETY_OFFICE)
    platform = platform_checklist()
    assert services.may_adapt(office, platform) and not services.may_edit(office, platform)
    with pytest.raises(PermissionDenied):
        services.checklist_draft_new_version(actor=office, template=platform)
    copy = services.checklist_adapt(actor=office, template=platform, jurisdiction=world.a.county)
    assert copy.jurisdiction == world.a.county and copy.sector == platform.sector and copy.name == platform.name
    draft = copy.versions.get()
    assert draft.number == 1 and draft.published_at is None
    fields = ("order", "requirement", "legal_basis", "severity", "category", "answer_required")
    assert list(draft.items.order_by("order").values_list(*fields)) == list(
        platform.current_version.items.order_by("order").values_list(*fields)
    )
    assert services.may_edit(office, copy) and not services.may_adapt(office, copy)
    services.checklist_item_add(actor=office, version=draft, requirement="晋江市补充要求")
    services.checklist_publish(actor=office, version=draft)
    assert platform.current_version.items.count() == copy.current_version.items.count() - 1
    assert platform.versions.count() == 1


def test_county_b_cannot_edit_county_as_checklist(world, client):
    template = county_checklist(world)
    other = office_b(world)
    assert not services.may_edit(other, template)
    with pytest.raises(PermissionDenied):
        services.checklist_draft_new_version(actor=other, template=template)
    with pytest.raises(PermissionDenied):
        services.checklist_update(actor=other, template=template, name="改名")
    with pytest.raises(ValidationError):
        services.checklist_adapt(actor=other, template=template, jurisdiction=world.a.county)
    client.force_login(other)
    assert client.get(template.get_absolute_url()).status_code == 404
    assert client.post(reverse("inspections:checklist_draft", args=[template.pk])).status_code == 404
    draft = services.checklist_draft_new_version(actor=world.user(Role.SAFETY_OFFICE), template=template)
    assert client.get(reverse("inspections:checklist_editor", args=[draft.pk])).status_code == 404
    item = draft.items.first()
    assert client.post(reverse("inspections:checklist_item_remove", args=[item.pk])).status_code == 404
    assert draft.items.count() == 3


def test_a_city_checklist_is_seen_below_but_edited_only_by_the_city(world, client):
    city_office = official_user(role=Role.SAFETY_OFFICE, organization=_city_office(world), username="city_office")
    template = services.checklist_create(actor=city_office, name="泉州市燃气检查表", jurisdiction=world.city)
    services.checklist_item_add(actor=city_office, version=template.versions.get(), requirement="燃气报警装置")
    services.checklist_publish(actor=city_office, version=template.versions.get())
    county_office = world.user(Role.SAFETY_OFFICE)
    assert not services.may_edit(county_office, template) and services.may_adapt(county_office, template)
    client.force_login(county_office)
    assert client.get(template.get_absolute_url()).status_code == 200
    assert client.post(reverse("inspections:checklist_draft", args=[template.pk])).status_code == 403


def _city_office(world):
    from responsibility.choices import OrganizationKind
    from tests.factories import OrganizationFactory

    return OrganizationFactory(jurisdiction=world.city, name="泉州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE)


def test_a_leader_sees_checklists_but_cannot_edit_or_adapt(world, client):
    template = county_checklist(world)
    leader = world.user(Role.LEADER)
    client.force_login(leader)
    assert client.get(template.get_absolute_url()).status_code == 200
    assert client.post(reverse("inspections:checklist_draft", args=[template.pk])).status_code == 403
    assert client.get(reverse("inspections:checklist_adapt", args=[platform_checklist().pk])).status_code == 403
    assert client.get(reverse("inspections:checklist_create")).status_code == 403


# --- Pages --------------------------------------------------------------------------------------


def test_list_filters_by_sector_with_the_general_checklists(world, client):
    client.force_login(world.user(Role.INSPECTOR))
    gas = Sector.objects.get(code="gas")
    response = client.get(reverse("inspections:checklist_list"), {"sector": gas.pk})
    assert response.status_code == 200
    names = {c.name for c in response.context["object_list"]}
    assert names == {"城镇燃气安全检查表", COMMON_VIOLATIONS["name"]}
    row = next(c for c in response.context["object_list"] if c.name == "城镇燃气安全检查表")
    assert row.current_number == 1 and row.item_count == 12 and not row.has_draft


def test_list_query_count_does_not_grow_with_checklists(world, client, django_assert_num_queries):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("inspections:checklist_list")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        county_checklist(world, items=(f"要求{n}-1", f"要求{n}-2"))
    with django_assert_num_queries(len(before)):
        response = client.get(url)
    assert response.context["paginator"].count == ChecklistTemplate.objects.count()


def test_detail_shows_current_items_and_version_history(world, client):
    office = world.user(Role.SAFETY_OFFICE)
    template = county_checklist(world)
    draft = services.checklist_draft_new_version(actor=office, template=template)
    services.checklist_item_add(actor=office, version=draft, requirement="应急预案演练")
    services.checklist_publish(actor=office, version=draft, note="新增应急预案")
    client.force_login(world.user(Role.INSPECTOR))
    response = client.get(template.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "应急预案演练" in html and "新增应急预案" in html
    assert response.context["shown"].version.number == 2
    old = client.get(template.get_absolute_url(), {"version": 1})
    assert old.context["shown"].version.number == 1 and "应急预案演练" not in [
        i.requirement for i in old.context["shown"].items
    ]


def test_the_office_edits_and_publishes_through_the_pages(world, client):
    office = world.user(Role.SAFETY_OFFICE)
    client.force_login(office)
    response = client.post(
        reverse("inspections:checklist_create"),
        {"name": "晋江市校园检查表", "sector": Sector.objects.get(code="schools").pk, "jurisdiction": world.a.county.pk, "source": ""},
    )
    template = ChecklistTemplate.objects.get(name="晋江市校园检查表")
    draft = template.versions.get()
    editor = reverse("inspections:checklist_editor", args=[draft.pk])
    assert response.status_code == 302 and response["Location"] == editor

    bad = client.post(editor, {"requirement": "", "legal_basis": "《校车安全管理条例》", "severity": "general", "category": "management"})
    assert bad.status_code == 400
    assert "《校车安全管理条例》" in bad.content.decode()  # what was typed comes back
    for text in ("校车不超员", "门卫登记"):
        ok = client.post(editor, {"requirement": text, "severity": "major", "category": "behaviour", "answer_required": "on"})
        assert ok.status_code == 302
    second = draft.items.get(requirement="门卫登记")
    client.post(reverse("inspections:checklist_item_move", args=[second.pk]), {"direction": "up"})
    assert list(draft.items.order_by("order").values_list("requirement", flat=True)) == ["门卫登记", "校车不超员"]
    client.post(reverse("inspections:checklist_item_update", args=[second.pk]), {
        "requirement": "门卫值守和来访登记", "legal_basis": "", "severity": "general", "category": "management",
        "answer_required": "on",
    })
    assert ChecklistItem.objects.get(pk=second.pk).requirement == "门卫值守和来访登记"
    published = client.post(reverse("inspections:checklist_publish", args=[draft.pk]), {"note": ""})
    assert published.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.published_by == office
    # The published version's pages send the user back with a message; nothing changes.
    after = client.post(reverse("inspections:checklist_item_remove", args=[second.pk]))
    assert after.status_code == 302 and ChecklistItem.objects.filter(pk=second.pk).exists()
    assert client.get(editor).status_code == 302


def test_publishing_v2_without_a_note_comes_back_with_the_error(world, client):
    office = world.user(Role.SAFETY_OFFICE)
    template = county_checklist(world)
    draft = services.checklist_draft_new_version(actor=office, template=template)
    client.force_login(office)
    response = client.post(reverse("inspections:checklist_publish", args=[draft.pk]), {"note": ""})
    assert response.status_code == 400
    assert response.context["publish_form"].errors["note"]
    draft.refresh_from_db()
    assert draft.published_at is None


def test_adapt_page_copies_and_opens_the_editor(world, client):
    office = world.user(Role.SAFETY_OFFICE)
    client.force_login(office)
    platform = platform_checklist("gas")
    response = client.post(reverse("inspections:checklist_adapt", args=[platform.pk]), {"jurisdiction": world.a.county.pk})
    copy = ChecklistTemplate.objects.get(jurisdiction=world.a.county, sector__code="gas")
    assert response.status_code == 302 and response["Location"] == reverse("inspections:checklist_editor", args=[copy.versions.get().pk])
    # Outside the scope: the form refuses it and nothing is copied.
    refused = client.post(reverse("inspections:checklist_adapt", args=[platform.pk]), {"jurisdiction": world.b.county.pk})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert not ChecklistTemplate.objects.filter(jurisdiction=world.b.county).exists()


def test_discarding_a_never_published_checklist_deletes_it(world, client):
    office = world.user(Role.SAFETY_OFFICE)
    copy = services.checklist_adapt(actor=office, template=platform_checklist(), jurisdiction=world.a.county)
    client.force_login(office)
    response = client.post(reverse("inspections:checklist_discard", args=[copy.versions.get().pk]))
    assert response.status_code == 302 and not ChecklistTemplate.objects.filter(pk=copy.pk).exists()
