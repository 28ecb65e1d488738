"""Major-hazard supervision in the browser: the panel's forms, the board of major hazards, the
linked leader's own hazards and their home-page panel."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from core.access import get_scope
from hazards.choices import HazardLevel, HazardStatus, ListingLevel, VisitKind
from hazards.models import Hazard, HazardUserObjectPermission, LeaderVisit
from hazards.selectors.supervision import major_panel
from hazards.services import ledger, supervision
from hazards.views.supervision import leader_home_panel
from responsibility.choices import JurisdictionLevel, PostRole
from responsibility.roles import Role
from tests.factories import (
    PNG_BYTES,
    EnterpriseFactory,
    HazardFactory,
    PostFactory,
    jurisdiction,
    official_user,
    photo,
    sector,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
BOARD = "/hazards/major/"
MINE = "/hazards/mine/"


# --- Set-up -----------------------------------------------------------------------------------


def major_hazard(world, *, county=None, actor=None, title="尾矿库坝体渗漏"):
    """A major hazard reported and accepted through the services (status "accepted")."""
    county = county or world.a
    actor = actor or world.user(Role.SAFETY_OFFICE)
    hazard = ledger.hazard_report(
        actor=actor,
        enterprise=EnterpriseFactory(jurisdiction=county.township),
        sector=sector(),
        category="equipment",
        source="department_inspection",
        title=title,
        description="坝体下游坡出现渗水",
        found_on=TODAY - datetime.timedelta(days=20),
        level=HazardLevel.MAJOR,
    )
    return ledger.hazard_transition(actor=actor, hazard=hazard, action="accept", deadline=TODAY + datetime.timedelta(days=60))


def leader_user(world, username="vice_mayor", county=None):
    county = county or world.a
    return official_user(
        role=Role.LEADER, organization=county.orgs["government"], post_role=PostRole.GOVERNMENT_LEADER, username=username
    )


@pytest.fixture
def office(world):
    return world.user(Role.SAFETY_OFFICE)


@pytest.fixture
def linked(world, office):
    """A major hazard in county A with a county-A leader linked to it."""
    hazard = major_hazard(world)
    user = leader_user(world)
    supervision.hazard_link_leader(actor=office, hazard=hazard, leader=user.official)
    hazard.refresh_from_db()
    return hazard, user


@pytest.fixture
def transferred(world, office):
    """The linked leader has since moved to county B: their scope no longer covers the hazard,
    which they keep seeing through the grant made when they were linked."""
    hazard = major_hazard(world)
    user = leader_user(world, username="moved_leader")
    supervision.hazard_link_leader(actor=office, hazard=hazard, leader=user.official)
    user.official.posts.update(end_date=TODAY - datetime.timedelta(days=1))
    PostFactory(official=user.official, organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_LEADER,
                start_date=TODAY - datetime.timedelta(days=1))
    hazard.refresh_from_db()
    return hazard, user


def ledger_detail_exists() -> bool:
    try:
        reverse("hazards:hazard_detail", args=[1])
    except NoReverseMatch:
        return False
    return True


def board_rows(client, query="") -> list[Hazard]:
    response = client.get(BOARD + query)
    assert response.status_code == 200
    return list(response.context["object_list"])


# --- The panel on the detail page -------------------------------------------------------------


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_panel_context_of_a_general_hazard_is_empty(world, office):
    hazard = HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
    assert major_panel(_request(office), hazard) == {}


def test_panel_offers_the_office_every_form_and_reports_what_is_missing(world, office):
    hazard = major_hazard(world)
    panel = major_panel(_request(office), hazard)["major"]
    assert panel["leader"] is None and not panel["ready"] and panel["awaiting_start"]
    assert [done for _, done in panel["checklist"]] == [False, False, False]
    assert panel["link_form"] is not None and panel["listing_form"] is not None
    assert panel["double_report_form"] is not None
    assert panel["visit_form"] is None  # no leader yet: nobody to visit


def test_panel_for_the_linked_leader_offers_only_the_visit_form(linked):
    hazard, user = linked
    panel = major_panel(_request(user), hazard)["major"]
    assert panel["is_linked_leader"] and panel["leader"] == user.official
    assert panel["visit_form"] is not None
    assert panel["link_form"] is None and panel["listing_form"] is None and panel["double_report_form"] is None


def test_panel_is_read_only_for_an_auditor_and_once_closed(world, linked, office):
    hazard, _user = linked
    panel = major_panel(_request(world.user(Role.AUDITOR)), hazard)["major"]
    assert not any(panel[key] for key in ("link_form", "listing_form", "double_report_form", "visit_form"))
    Hazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.CANCELLED, cancel_reason="重复")
    hazard.refresh_from_db()
    panel = major_panel(_request(office), hazard)["major"]
    assert not any(panel[key] for key in ("link_form", "listing_form", "double_report_form", "visit_form"))


def test_panel_lists_visits_with_their_photos(linked):
    hazard, user = linked
    supervision.leader_visit_record(actor=user, hazard=hazard, visited_on=TODAY, note="现场协调资金", photos=[photo()])
    panel = major_panel(_request(user), hazard)["major"]
    assert [v.note for v in panel["visits"]] == ["现场协调资金"]
    assert len(panel["visits"][0].photos.all()) == 1
    assert panel["last_visit"] == TODAY and panel["days_since_visit"] == 0


# --- The panel's forms ------------------------------------------------------------------------


def test_office_links_a_leader_and_goes_back_to_the_detail_page(client, world, office):
    hazard = major_hazard(world)
    user = leader_user(world)
    client.force_login(office)
    response = client.post(reverse("hazards:hazard_link_leader", args=[hazard.pk]), {"leader-leader": user.official.pk, "leader-note": "市里指定"})
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    hazard.refresh_from_db()
    assert hazard.linked_leader == user.official
    assert HazardUserObjectPermission.objects.filter(user=user, content_object=hazard).exists()


def test_linking_a_non_leader_is_a_form_error_and_changes_nothing(client, world, office):
    hazard = major_hazard(world)
    client.force_login(office)
    response = client.post(
        reverse("hazards:hazard_link_leader", args=[hazard.pk]), {"leader-leader": world.a.official.pk, "leader-note": "试试"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "leader" in form.errors
    assert form.data["leader-note"] == "试试"  # what was typed comes back
    assert "Party or government leader" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.linked_leader_id is None


def test_listing_at_a_level_without_a_safety_office_is_a_form_error(client, world, office):
    hazard = major_hazard(world)
    client.force_login(office)
    url = reverse("hazards:hazard_listing", args=[hazard.pk])
    response = client.post(url, {"listing-listing_level": ListingLevel.PROVINCE, "listing-listed_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "listing_level" in response.context["form"].errors
    assert "No safety committee office" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.listing_level == "" and hazard.listing_office_id is None

    response = client.post(url, {"listing-listing_level": ListingLevel.COUNTY, "listing-listed_on": TODAY.isoformat()})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.listing_level == ListingLevel.COUNTY and hazard.listing_office == world.a.orgs["office"]


def test_double_report_dates_are_recorded_and_checked(client, world, office):
    hazard = major_hazard(world)
    client.force_login(office)
    url = reverse("hazards:hazard_double_report", args=[hazard.pk])
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"report-to_department_on": future, "report-to_workers_congress_on": ""})
    assert response.status_code == 200 and "to_department_on" in response.context["form"].errors
    response = client.post(url, {"report-to_department_on": TODAY.isoformat(), "report-to_workers_congress_on": TODAY.isoformat()})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.reported_to_department_on == TODAY and hazard.reported_to_workers_congress_on == TODAY


def test_action_pages_show_the_form_on_get(client, world, office):
    hazard = major_hazard(world)
    client.force_login(office)
    for name in ("hazard_link_leader", "hazard_listing", "hazard_double_report"):
        response = client.get(reverse(f"hazards:{name}", args=[hazard.pk]))
        assert response.status_code == 200, name
        assert hazard.code in response.content.decode()


def test_general_and_foreign_hazards_have_no_supervision_pages(client, world, office):
    general = HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
    office_b = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    foreign = major_hazard(world, county=world.b, actor=office_b)
    client.force_login(office)
    for hazard in (general, foreign):
        assert client.get(reverse("hazards:hazard_listing", args=[hazard.pk])).status_code == 404
        assert client.post(reverse("hazards:hazard_visit_create", args=[hazard.pk]), {}).status_code == 404


def test_roles_without_supervision_get_403(client, world):
    hazard = major_hazard(world)
    for role in (Role.LEADER, Role.INSPECTOR, Role.AUDITOR):
        client.force_login(world.user(role))
        response = client.post(
            reverse("hazards:hazard_listing", args=[hazard.pk]), {"listing-listing_level": ListingLevel.COUNTY}
        )
        assert response.status_code == 403, role
    hazard.refresh_from_db()
    assert hazard.listing_level == ""


def test_anonymous_users_are_sent_to_log_in(client, world):
    hazard = major_hazard(world)
    for url in (BOARD, MINE, reverse("hazards:hazard_visit_create", args=[hazard.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


# --- Visits -----------------------------------------------------------------------------------


def _visit_data(**overrides):
    data = {"visit-visited_on": TODAY.isoformat(), "visit-kind": VisitKind.VISIT, "visit-note": "到现场督促落实资金"}
    data.update(overrides)
    return data


def test_linked_leader_outside_the_county_sees_opens_and_visits_their_hazard(client, transferred):
    hazard, user = transferred
    assert not any(hazard.jurisdiction_path.startswith(p) for p in get_scope(user).paths)

    client.force_login(user)
    response = client.get(MINE)
    assert response.status_code == 200
    assert [h.pk for h in response.context["object_list"]] == [hazard.pk]
    assert "Log a visit" in response.content.decode()

    if ledger_detail_exists():
        response = client.get(hazard.get_absolute_url())
        assert response.status_code == 200
        assert response.context["major"]["visit_form"] is not None

    response = client.get(reverse("hazards:hazard_visit_create", args=[hazard.pk]))
    assert response.status_code == 200
    assert 'capture="environment"' in response.content.decode()

    response = client.post(
        reverse("hazards:hazard_visit_create", args=[hazard.pk]),
        _visit_data(**{"visit-kind": VisitKind.COORDINATION, "visit-photos": [photo(), photo("b.png", PNG_BYTES)]}),
    )
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    visit = LeaderVisit.objects.get(hazard=hazard)
    assert visit.leader == user.official and visit.kind == VisitKind.COORDINATION and visit.recorded_by == user
    assert visit.photos.count() == 2


def test_someone_elses_visit_is_refused(client, world, linked):
    hazard, _user = linked
    other_leader = world.user(Role.LEADER)  # a county-A leader who sees the hazard but is not linked to it
    client.force_login(other_leader)
    url = reverse("hazards:hazard_visit_create", args=[hazard.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _visit_data()).status_code == 403
    assert not LeaderVisit.objects.exists()


def test_office_may_log_a_visit_for_the_leader(client, linked, office):
    hazard, user = linked
    client.force_login(office)
    response = client.post(reverse("hazards:hazard_visit_create", args=[hazard.pk]), _visit_data())
    assert response.status_code == 302
    assert LeaderVisit.objects.get().leader == user.official


def test_a_bad_visit_comes_back_with_what_was_typed(client, linked):
    hazard, user = linked
    client.force_login(user)
    url = reverse("hazards:hazard_visit_create", args=[hazard.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("fake.jpg", b"MZ\x90\x00not an image", content_type="image/jpeg")
    response = client.post(url, _visit_data(**{"visit-photos": [fake]}))
    assert response.status_code == 200
    assert "photos" in response.context["form"].errors
    assert "到现场督促落实资金" in response.content.decode()
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, _visit_data(**{"visit-visited_on": tomorrow}))
    assert response.status_code == 200 and "visited_on" in response.context["form"].errors
    response = client.post(url, _visit_data(**{"visit-visited_on": "not a date", "visit-note": ""}))
    assert response.status_code == 200
    assert {"visited_on", "note"} <= set(response.context["form"].errors)
    assert not LeaderVisit.objects.exists()


def test_visit_before_a_leader_is_linked_is_a_form_error(client, world, office):
    hazard = major_hazard(world)
    client.force_login(office)
    response = client.post(reverse("hazards:hazard_visit_create", args=[hazard.pk]), _visit_data())
    assert response.status_code == 200
    assert "Link a leader" in response.content.decode()
    assert not LeaderVisit.objects.exists()


# --- The board --------------------------------------------------------------------------------


@pytest.fixture
def board(world, office):
    """County A: a listed major hazard with a leader and two visits, an overdue one without a
    leader (both in 安海镇), a closed one in another township; plus a general hazard and a
    county-B major hazard."""
    leader = leader_user(world)
    listed = major_hazard(world, title="甲")
    supervision.hazard_link_leader(actor=office, hazard=listed, leader=leader.official)
    supervision.hazard_list_for_supervision(actor=office, hazard=listed, listing_level=ListingLevel.COUNTY)
    LeaderVisit.objects.create(hazard=listed, leader=leader.official, visited_on=TODAY - datetime.timedelta(days=4), note="x")
    LeaderVisit.objects.create(hazard=listed, leader=leader.official, visited_on=TODAY - datetime.timedelta(days=9), note="y")
    overdue = major_hazard(world, title="乙")
    Hazard.objects.filter(pk=overdue.pk).update(deadline=TODAY - datetime.timedelta(days=2))
    other_township = jurisdiction("350582101", JurisdictionLevel.TOWNSHIP, world.a.county, "东石镇")
    closed = HazardFactory(enterprise=EnterpriseFactory(jurisdiction=other_township), level=HazardLevel.MAJOR,
                           status=HazardStatus.CLOSED, title="丙")
    general = HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), title="丁")
    office_b = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    foreign = major_hazard(world, county=world.b, actor=office_b, title="戊")
    return {"listed": listed, "overdue": overdue, "closed": closed, "general": general, "foreign": foreign, "leader": leader}


def test_board_shows_the_major_hazards_in_scope_most_urgent_first(client, office, board):
    client.force_login(office)
    response = client.get(BOARD)
    rows = list(response.context["object_list"])
    assert [h.title for h in rows] == ["乙", "甲", "丙"]  # overdue, open, closed
    listed = rows[1]
    assert listed.last_visit == TODAY - datetime.timedelta(days=4) and listed.days_since_visit == 4
    counts = response.context["counts"]
    assert counts["county"] == 1 and counts["city"] == 0 and counts["province"] == 0
    assert counts["open"] == 2 and counts["not_listed"] == 1 and counts["without_leader"] == 1 and counts["overdue"] == 1
    content = response.content.decode()
    assert "甲" in content and "戊" not in content and "丁" not in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?listing_level=county", ["甲"]),
        ("?status=open", ["乙", "甲"]),
        ("?status=closed", ["丙"]),
        ("?without_leader=true", ["乙", "丙"]),
        ("?without_leader=false", ["甲"]),
        ("?not_listed=true", ["乙", "丙"]),
        ("?overdue=true", ["乙"]),
        ("?overdue=false", ["甲", "丙"]),
        ("?q=甲", ["甲"]),
        ("?status=open&not_listed=true&without_leader=true", ["乙"]),
    ],
)
def test_board_filters(client, office, board, query, expected):
    client.force_login(office)
    assert [h.title for h in board_rows(client, query)] == expected


def test_board_filters_by_leader_and_jurisdiction(client, world, office, board):
    client.force_login(office)
    assert [h.title for h in board_rows(client, f"?leader={board['leader'].official.pk}")] == ["甲"]
    assert [h.title for h in board_rows(client, f"?jurisdiction={world.a.township.pk}")] == ["乙", "甲"]
    assert [h.title for h in board_rows(client, f"?jurisdiction={world.a.county.pk}")] == ["乙", "甲", "丙"]
    # Another county is not a choice: the filter is invalid and shows nothing.
    assert board_rows(client, f"?jurisdiction={world.b.county.pk}") == []


def test_board_exports_the_filtered_rows(client, office, board):
    from openpyxl import load_workbook

    client.force_login(office)
    response = client.get(BOARD + "?status=open&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["乙", "甲"]
    header = list(rows[0])
    last_visit = rows[2][header.index("Days since last visit")]
    assert last_visit == 4


def test_linked_leader_sees_their_hazards_on_the_board_too(client, board):
    client.force_login(board["leader"])
    assert "甲" in [h.title for h in board_rows(client)]


def _add_major_rows(world, office, n: int) -> None:
    leader = leader_user(world, username=f"leader_{Hazard.objects.count()}")
    for index in range(n):
        hazard = HazardFactory(
            enterprise=EnterpriseFactory(jurisdiction=world.a.township), level=HazardLevel.MAJOR, status=HazardStatus.RECTIFYING,
            found_on=TODAY - datetime.timedelta(days=100), deadline=TODAY + datetime.timedelta(days=index - n // 2),
            linked_leader=leader.official,
            listing_level=ListingLevel.COUNTY, listing_office=world.a.orgs["office"], listed_on=TODAY,
        )
        LeaderVisit.objects.create(hazard=hazard, leader=leader.official, visited_on=TODAY, note="协调")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# Session and user, the user's permissions (2), scope and grant tables (2), the counts by
# listing level, which also count the rows for the paginator (1), the page (1: its ids sorted in
# a subquery, its rows joined outside), "my linked hazards" (official, exists), the scope label,
# the generic grant lookup, the leader and jurisdiction filter choices.
BOARD_QUERIES = 14


@pytest.mark.parametrize("url", [BOARD, BOARD + "?status=open&overdue=false&listing_level=county"])
def test_board_query_count_does_not_grow_with_rows(client, world, office, url, django_assert_num_queries):
    client.force_login(office)
    _add_major_rows(world, office, 3)
    client.get(url)  # warm the per-process caches
    small = _count(client, url)
    _add_major_rows(world, office, 30)
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(url)
    assert response.context["paginator"].count > 3
    assert small == BOARD_QUERIES


MINE_QUERIES = 10


def test_my_linked_hazards_query_count_does_not_grow_with_rows(client, world, office, django_assert_num_queries):
    user = leader_user(world, username="busy_leader")
    client.force_login(user)

    def add(n):
        for _ in range(n):
            hazard = HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), level=HazardLevel.MAJOR,
                                   status=HazardStatus.RECTIFYING, deadline=TODAY, linked_leader=user.official)
            LeaderVisit.objects.create(hazard=hazard, leader=user.official, visited_on=TODAY, note="协调")

    add(2)
    client.get(MINE)
    small = _count(client, MINE)
    add(15)
    with django_assert_num_queries(MINE_QUERIES):
        response = client.get(MINE)
    assert len(response.context["object_list"]) == 17
    assert small == MINE_QUERIES


# --- My linked hazards and the home panel -----------------------------------------------------


def test_my_linked_hazards_show_progress_and_only_mine(client, world, linked, office):
    hazard, user = linked
    ledger.hazard_set_plan(actor=office, hazard=hazard, plan_responsible="张三", plan_measures="加固", plan_funds=1000)
    someone_elses = major_hazard(world, title="别人的")
    supervision.hazard_link_leader(actor=office, hazard=someone_elses, leader=leader_user(world, username="other_vm").official)
    client.force_login(user)
    response = client.get(MINE)
    rows = list(response.context["object_list"])
    assert [h.pk for h in rows] == [hazard.pk]
    row = rows[0]
    assert [s.state for s in row.steps] == ["done", "current", "todo", "todo", "todo", "todo"]
    assert row.plan_done == 4  # person, measures, funds and the deadline; no contingency plan
    assert row.last_visit is None


def test_my_linked_hazards_for_an_account_without_an_official(client, world):
    client.force_login(world.user(Role.AUDITOR))
    response = client.get(MINE)
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert "not linked to an official" in response.content.decode()


def test_home_panel_lists_the_leaders_open_hazards_most_urgent_first(world, office, django_assert_max_num_queries):
    user = leader_user(world, username="moved_leader")
    hazards = {}
    for title in ("按期的", "逾期的", "已销号"):
        hazards[title] = major_hazard(world, title=title)
        supervision.hazard_link_leader(actor=office, hazard=hazards[title], leader=user.official)
    Hazard.objects.filter(pk=hazards["逾期的"].pk).update(deadline=TODAY - datetime.timedelta(days=1))
    Hazard.objects.filter(pk=hazards["已销号"].pk).update(status=HazardStatus.CLOSED)
    # The leader has moved to county B since: the hazards reach them through the grants.
    user.official.posts.update(end_date=TODAY - datetime.timedelta(days=1))
    PostFactory(official=user.official, organization=world.b.orgs["government"], role=PostRole.GOVERNMENT_LEADER,
                start_date=TODAY - datetime.timedelta(days=1))
    user.refresh_from_db()
    request = _request(user)
    # The user's scope, permissions and grant tables are looked up once per request, shared by
    # every panel; the panel itself is one query.
    Hazard.objects.restrict(user, "view")
    with django_assert_max_num_queries(1):
        html = leader_home_panel(request)
    assert html is not None
    assert html.index("逾期的") < html.index("按期的")
    assert "已销号" not in html
    assert "(2)" in html and "1 overdue" in html


def test_home_panel_is_hidden_without_linked_hazards(world, linked):
    assert leader_home_panel(_request(world.user(Role.LEADER))) is None
    assert leader_home_panel(_request(world.user(Role.AUDITOR))) is None


def test_board_is_in_the_menu_and_the_panel_on_the_home_page(client, linked):
    _hazard, user = linked
    client.force_login(user)
    response = client.get("/")
    content = response.content.decode()
    assert reverse("hazards:major_board") in content
    assert reverse("hazards:my_linked_hazards") in content
