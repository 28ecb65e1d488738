"""The trace-back report of an accident (倒查): the chain of responsible people, what each recorded
about the enterprise in the twelve months before, the gaps, the page and its Word and PDF files."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.selectors.traceback import LinkKind, gap_text, trace_back
from hazards.models import LeaderVisit
from responsibility.choices import OrganizationKind, PostRole
from responsibility.roles import Role
from tests.assessments.conftest import at, make_accident, make_hazard, make_inspection
from tests.core.test_pdf import shown_text
from tests.factories import (
    GridFactory,
    GridSupervisorFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
)

D = datetime.date
ACCIDENT_DAY = D(2025, 6, 15)


@pytest.fixture
def scene(world, enterprise_a):
    county_party = OrganizationFactory(jurisdiction=world.a.county, name="中共晋江市委员会", kind=OrganizationKind.PARTY_COMMITTEE)
    secretary = OfficialFactory(name="书记甲", registered_in=world.a.county)
    PostFactory(official=secretary, organization=county_party, role=PostRole.PARTY_PRINCIPAL, title="市委书记", start_date=D(2021, 1, 1))
    predecessor = OfficialFactory(name="前任书记", registered_in=world.a.county)
    PostFactory(official=predecessor, organization=county_party, role=PostRole.PARTY_PRINCIPAL, title="市委书记",
                start_date=D(2016, 1, 1), end_date=D(2020, 12, 31))  # left before the window: not in the chain
    mayor = OfficialFactory(name="镇长乙", registered_in=world.a.township)
    PostFactory(official=mayor, organization=world.a.orgs["township"], role=PostRole.GOVERNMENT_PRINCIPAL, title="镇长",
                start_date=D(2022, 1, 1))
    deputy = world.user(Role.LEADER).official  # county A's leader in charge of work safety
    head = world.user(Role.DEPARTMENT).official  # head of county A's emergency bureau

    grid = GridFactory(jurisdiction=world.a.township, name="安海镇工贸网格")
    grid_post = PostFactory(official=OfficialFactory(name="网格员丙", registered_in=world.a.township), organization=world.a.orgs["township"],
                            role=PostRole.GRID_LEVEL_2, title="安监站站长")
    GridSupervisorFactory(grid=grid, post=grid_post)
    enterprise_a.grid = grid
    enterprise_a.save()

    city_leader = OfficialFactory(name="市领导丁", registered_in=world.city)
    city_gov = OrganizationFactory(jurisdiction=world.city, name="泉州市人民政府", kind=OrganizationKind.GOVERNMENT)
    PostFactory(official=city_leader, organization=city_gov, role=PostRole.GOVERNMENT_LEADER, title="副市长", start_date=D(2021, 1, 1))

    def hazard(**fields):
        h = make_hazard(jurisdiction=world.a.township, **fields)
        h.enterprise = enterprise_a
        h.save()
        return h

    rectified = hazard(deadline=D(2025, 3, 1), found_on=D(2025, 1, 10), status="verified", rectified_on=D(2025, 2, 20), title="配电箱未接地")
    overdue = hazard(deadline=D(2025, 5, 1), found_on=D(2025, 4, 1), title="冲床防护罩缺失")
    overdue.finder = head
    overdue.supervising_department = world.a.orgs["emergency"]
    overdue.save()
    linked = hazard(deadline=D(2025, 12, 1), found_on=D(2025, 2, 1), level="major", title="粉尘涉爆除尘系统缺陷")
    linked.linked_leader = city_leader
    linked.save()
    unlinked = hazard(deadline=D(2025, 12, 1), found_on=D(2025, 5, 1), level="major", title="液氨储罐泄漏风险")
    old = hazard(deadline=D(2023, 3, 1), found_on=D(2023, 1, 1), status="closed", closed_at=at(D(2023, 2, 1)), title="早年隐患")
    LeaderVisit.objects.create(hazard=linked, leader=city_leader, visited_on=D(2024, 1, 5), note="窗口外的督导")

    checked = make_inspection(lead=head, day=D(2025, 3, 10), jurisdiction=world.a.township, enterprises=[enterprise_a],
                              participants=[deputy], summary="检查发现冲床防护罩缺失")
    make_inspection(lead=head, day=D(2024, 1, 10), jurisdiction=world.a.township, enterprises=[enterprise_a])  # before the window
    make_inspection(lead=deputy, day=D(2025, 6, 20), jurisdiction=world.a.township, enterprises=[enterprise_a])  # after the accident

    accident = make_accident(jurisdiction=world.a.township, occurred_on=ACCIDENT_DAY, deaths=1, enterprise=enterprise_a,
                             title="晋江鞋业机械伤害事故")
    return {
        "accident": accident, "secretary": secretary, "predecessor": predecessor, "mayor": mayor, "deputy": deputy, "head": head,
        "grid_post": grid_post, "city_leader": city_leader, "rectified": rectified, "overdue": overdue, "linked": linked,
        "unlinked": unlinked, "old": old, "checked": checked,
    }


def _names(links) -> list[str]:
    return [link.official_name or link.body for link in links]


def test_the_chain_names_the_territorial_leaders_the_department_the_grid_and_linked_leaders(world, scene):
    tb = trace_back(scene["accident"])
    assert (tb.window_start, tb.window_end) == (D(2024, 6, 15), ACCIDENT_DAY)
    assert _names(tb.territorial) == ["书记甲", scene["deputy"].name, "镇长乙"]
    assert _names(tb.department_links) == ["晋江市应急管理局", scene["head"].name]
    assert _names(tb.grid_links) == ["网格员丙"]
    assert _names(tb.linked_leaders) == ["市领导丁"]
    assert [h.pk for h in tb.linked_leaders[0].hazards] == [scene["linked"].pk]
    assert all(link.held_on_accident for link in tb.links if link.official_id)


def test_each_link_carries_what_that_person_recorded_about_the_enterprise(world, scene):
    tb = trace_back(scene["accident"])
    by_name = {link.official_name: link for link in tb.links if link.official_id}
    head, deputy = by_name[scene["head"].name], by_name[scene["deputy"].name]
    assert [(r.code, r.role) for r in head.inspections] == [(scene["checked"].code, "led")]
    assert [(r.code, r.role) for r in deputy.inspections] == [(scene["checked"].code, "joined")]
    assert [h.pk for h in head.hazards_found] == [scene["overdue"].pk]
    assert by_name["书记甲"].inspections == [] and by_name["网格员丙"].inspections == []
    assert by_name["市领导丁"].visits == []  # the one visit was before the window
    department = tb.department_links[0]
    assert department.official_id is None and [r.code for r in department.inspections] == [scene["checked"].code]
    assert [r.code for r in tb.inspections] == [scene["checked"].code]
    assert {h.pk for h in tb.hazards} == {scene[k].pk for k in ("rectified", "overdue", "linked", "unlinked")}
    assert [h.pk for h in tb.overdue_hazards] == [scene["overdue"].pk]


def test_the_gaps_are_highlighted(world, scene):
    tb = trace_back(scene["accident"])
    kinds = [(g["kind"], g.get("role") or g.get("code") or g.get("grid") or "") for g in tb.gaps]
    assert ("vacant", PostRole.GOVERNMENT_PRINCIPAL) in kinds  # county A has no mayor recorded
    assert ("vacant", PostRole.PARTY_PRINCIPAL) in kinds  # nor the township a Party secretary
    assert ("grid_no_inspection", "安海镇工贸网格") in kinds
    assert ("hazard_overdue", scene["overdue"].code) in kinds
    assert ("major_no_visit", scene["linked"].code) in kinds
    assert ("major_no_leader", scene["unlinked"].code) in kinds
    assert not any(kind in ("no_inspection", "department_no_inspection", "no_grid", "no_department") for kind, _ in kinds)
    texts = [gap_text(g) for g in tb.gaps]
    assert "No grid supervisor of 安海镇工贸网格 inspected the enterprise in the twelve months." in texts


def test_an_enterprise_without_grid_department_or_inspection(world):
    from tests.factories import EnterpriseFactory

    lonely = EnterpriseFactory(jurisdiction=world.a.township, name="无人监管厂")
    accident = make_accident(jurisdiction=world.a.township, occurred_on=ACCIDENT_DAY, enterprise=lonely)
    kinds = {g["kind"] for g in trace_back(accident).gaps}
    assert {"no_inspection", "no_grid", "no_department"} <= kinds
    ownerless = make_accident(jurisdiction=world.a.township, occurred_on=ACCIDENT_DAY)
    tb = trace_back(ownerless)
    assert "no_enterprise" in {g["kind"] for g in tb.gaps} and tb.hazards == [] and tb.links_of(LinkKind.GRID) == []


def test_the_trace_back_query_count_does_not_grow(world, scene, enterprise_a):
    with CaptureQueriesContext(connection) as few:
        trace_back(scene["accident"])
    for n in range(6):
        make_inspection(lead=scene["head"], day=D(2025, 4, 1 + n), jurisdiction=world.a.township, enterprises=[enterprise_a],
                        participants=[scene["deputy"]])
        h = make_hazard(jurisdiction=world.a.township, deadline=D(2025, 12, 1), found_on=D(2025, 3, 1 + n), level="major")
        h.enterprise, h.linked_leader = enterprise_a, OfficialFactory(registered_in=world.city)
        h.save()
        LeaderVisit.objects.create(hazard=h, leader=h.linked_leader, visited_on=D(2025, 4, 1), note="督导")
    with CaptureQueriesContext(connection) as many:
        tb = trace_back(scene["accident"])
    assert len(tb.inspections) == 7 and len(tb.linked_leaders) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Page and documents -----------------------------------------------------------------------


def test_the_page_shows_the_chain_and_a_foreign_accident_is_a_404(client, world, scene, office_b):
    url = reverse("assessments:accident_traceback", args=[scene["accident"].pk])
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("书记甲", "镇长乙", "网格员丙", "市领导丁", scene["checked"].code, "冲床防护罩缺失", "Overdue at the accident"):
        assert text in body
    assert f"{reverse('assessments:dossier_create')}?official={scene['head'].pk}&amp;accident={scene['accident'].pk}" in body
    client.force_login(office_b)
    for name in ("accident_traceback", "accident_traceback_docx", "accident_traceback_pdf"):
        assert client.get(reverse(f"assessments:{name}", args=[scene["accident"].pk])).status_code == 404


def test_the_word_document_opens_and_reads_as_a_report(client, world, scene):
    from docx import Document

    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("assessments:accident_traceback_docx", args=[scene["accident"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "晋江市安全生产委员会办公室" in text
    assert "关于晋江鞋业机械伤害事故的责任倒查报告" in text
    assert "隐患" in text and "在事故发生时已超过整改时限" in text
    cells = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for text in ("书记甲", "网格员丙", "市领导丁", scene["checked"].code, "冲床防护罩缺失"):
        assert text in cells


def test_the_pdf_is_a_pdf(client, world, scene):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("assessments:accident_traceback_pdf", args=[scene["accident"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = shown_text(response.content)
    assert "责任倒查报告" in text and "书记甲" in text and "网格员丙" in text
