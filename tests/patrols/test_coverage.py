"""The coverage of a term (patrolled / all targets, the gaps first) and the patrol list: their
numbers, and query counts that do not grow with the number of targets and patrols."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from patrols.choices import PatrolKind, TargetKind
from patrols.selectors.coverage import PATROLLED, PLANNED, UNPLANNED, coverage_summary, coverage_targets
from patrols.services import patrols as services
from patrols.services import plans
from responsibility.choices import JurisdictionLevel
from tests.factories import jurisdiction
from tests.patrols.conftest import D, advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def covered(pw, make):
    """County A patrolled (stationed, overdue: its stationing limit passed), county B planned
    only, the department not planned."""
    a = advance(pw, make(pw.target_a), "start_stationing")
    b = make(pw.target_b, batch=pw.batch2)
    return a, b


def grow(pw, n: int) -> None:
    """``n`` more counties as targets, two thirds of them with a patrol (half of those stationed)."""
    for i in range(n):
        place = jurisdiction(f"3505{40 + i:02d}", JurisdictionLevel.COUNTY, pw.world.city, f"测试县{i}")
        target = plans.target_create(actor=None, term=pw.term, kind=TargetKind.PARTY_GOVERNMENT, jurisdiction=place)
        if i % 3:
            patrol = services.patrol_create(actor=None, term=pw.term, target=target, batch=pw.batch1)
            if i % 2:
                services.patrol_transition(actor=None, patrol=patrol, action="start_stationing", on=D(2024, 8, 20 + i % 5))


def test_coverage_counts_patrolled_planned_and_unplanned_targets(pw, covered):
    summary = coverage_summary(pw.term)
    assert summary.as_dict() == {
        "targets": 3, "planned": 2, "patrolled": 1, "unplanned": 1, "patrols": 2, "stationed": 1, "closed": 0, "overdue": 1,
        "findings": 0, "rectified": 0,
    }
    assert {k.kind: (k.total, k.planned, k.patrolled) for k in summary.kinds} == {
        TargetKind.PARTY_GOVERNMENT: (2, 2, 1),
        TargetKind.DEPARTMENT: (1, 0, 0),
    }
    rows = list(coverage_targets(pw.term))
    assert [(r.name, r.state) for r in rows] == [
        (pw.target_department.name, UNPLANNED),
        (pw.target_b.name, PLANNED),
        (pw.target_a.name, PATROLLED),
    ]
    a_row = rows[2]
    assert (a_row.patrol_count, a_row.overdue_count, a_row.latest_code) == (1, 1, covered[0].code)


def test_special_and_follow_up_patrols_count_once_per_target(pw, make, covered):
    a, _b = covered
    a = advance(pw, a, "deliver_feedback")
    make(pw.target_a, kind=PatrolKind.FOLLOW_UP, batch=None, follows=a)
    rows = {r.pk: r for r in coverage_targets(pw.term)}
    assert (rows[pw.target_a.pk].patrol_count, rows[pw.target_a.pk].special_count) == (2, 1)
    summary = coverage_summary(pw.term)
    assert (summary.patrolled, summary.patrols, summary.by_patrol_kind[PatrolKind.FOLLOW_UP]) == (1, 3, 1)


def test_the_coverage_page_lists_the_gaps_first(pw, covered, client):
    client.force_login(pw.office)
    response = client.get(f"/patrols/terms/{pw.term.pk}/coverage/")
    html = response.content.decode()
    assert html.index(pw.target_department.name) < html.index(pw.target_b.name) < html.index(pw.target_a.name)
    assert "1 / 3" in html
    only_gaps = client.get(f"/patrols/terms/{pw.term.pk}/coverage/?state=unplanned").content.decode()
    assert pw.target_department.name in only_gaps and pw.target_a.name not in only_gaps


def test_the_coverage_page_is_the_planning_levels(pw, covered, client):
    from responsibility.roles import Role

    client.force_login(pw.user(Role.SAFETY_OFFICE))  # county A's office: below the issuing city
    assert client.get(f"/patrols/terms/{pw.term.pk}/coverage/").status_code == 404


@pytest.mark.parametrize("extra", [0, 24])
def test_the_coverage_page_has_a_constant_query_count(pw, covered, client, django_assert_num_queries, extra):
    grow(pw, extra)
    client.force_login(pw.office)
    url = f"/patrols/terms/{pw.term.pk}/coverage/"
    client.get(url)  # warm the per-process caches (calendar, content types)
    with django_assert_num_queries(COVERAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["summary"].total == 3 + extra


@pytest.mark.parametrize("extra", [0, 24])
def test_the_patrol_list_has_a_constant_query_count(pw, covered, client, django_assert_num_queries, extra):
    grow(pw, extra)
    client.force_login(pw.office)
    client.get("/patrols/")
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/patrols/?status=open")
    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(2 + extra * 2 // 3, 25)


@pytest.mark.parametrize("extra", [0, 24])
def test_the_term_page_has_a_constant_query_count(pw, covered, client, django_assert_num_queries, extra):
    grow(pw, extra)
    client.force_login(pw.office)
    client.get(pw.term.get_absolute_url())
    with django_assert_num_queries(TERM_QUERIES):
        assert client.get(pw.term.get_absolute_url()).status_code == 200


# Session, user, permissions (2), scope and grants: 6; then the page's own queries: the coverage
# page 5 (term, summary by kind, patrol totals, the page of targets, the scope label), the list 5
# (the unit's organizations, count, scope label, the term filter's choices, the page), the term
# page 8 (term, two summaries, batches, stages, the change check, scope label, history).
COVERAGE_QUERIES = 11
LIST_QUERIES = 11
TERM_QUERIES = 14


def test_the_patrol_list_exports_what_it_shows(pw, covered, client):
    client.force_login(pw.office)
    response = client.get("/patrols/?export=xlsx&overdue=true")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Reference number"
    assert [r[0] for r in rows[1:]] == [covered[0].code]
    assert rows[1][7] == "Stationing ends"


@pytest.mark.parametrize("extra", [0, 24])
def test_the_term_list_counts_targets_and_patrols_without_joining_them(pw, covered, client, django_assert_num_queries, extra):
    grow(pw, extra)
    client.force_login(pw.office)
    client.get("/patrols/terms/")
    with django_assert_num_queries(TERM_LIST_QUERIES):
        response = client.get("/patrols/terms/")
    term = response.context["object_list"][0]
    assert (term.target_count, term.patrol_count) == (3 + extra, 2 + sum(1 for i in range(extra) if i % 3))


TERM_LIST_QUERIES = 9
