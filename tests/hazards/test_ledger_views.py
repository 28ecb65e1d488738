"""Hazard ledger pages: who sees what, filters, the counts strip, query counts that do not
grow with the rows, reporting (typed values kept on errors), the actions on a hazard's page
(transitions with conflict detection, plan, extensions, photos, comments), editing, the home
panels and the enterprise account's view."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from guardian.shortcuts import assign_perm

from hazards.choices import ExtensionStatus, HazardLevel, HazardStatus
from hazards.models import Hazard, HazardExtension, HazardPhoto
from hazards.services import ledger
from responsibility.choices import OrganizationKind, PostRole
from responsibility.roles import Role
from tests.factories import (
    PNG_BYTES,
    EnterpriseFactory,
    EnterpriseSupervisionFactory,
    HazardFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    official_user,
    photo,
    sector,
)
from tests.responsibility.test_query_counts import count_queries

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
LIST = reverse("hazards:hazard_list")
_numbers = itertools.count(1)


@pytest.fixture
def enterprise_a(world):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township, name="晋江鞋业有限公司")
    EnterpriseSupervisionFactory(enterprise=enterprise, organization=world.a.orgs["emergency"])
    return enterprise


@pytest.fixture
def enterprise_b(world):
    return EnterpriseFactory(jurisdiction=world.b.township, name="南安石材有限公司")


@pytest.fixture
def office(world, client):
    user = world.user(Role.SAFETY_OFFICE)
    client.force_login(user)
    return user


def report(world, enterprise, *, actor=None, **fields):
    values = {
        "sector": sector(),
        "category": "equipment",
        "source": "department_inspection",
        "title": "配电箱未接地",
        "description": "二车间配电箱未做接地保护",
        "found_on": TODAY - datetime.timedelta(days=5),
        **fields,
    }
    return ledger.hazard_report(actor=actor or world.user(Role.SAFETY_OFFICE), enterprise=enterprise, **values)


def accepted(world, enterprise, *, deadline=None, **fields):
    hazard = report(world, enterprise, **fields)
    return ledger.hazard_transition(
        actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, action="accept", deadline=deadline or TODAY + datetime.timedelta(days=20)
    )


def rectifying(world, enterprise, **fields):
    hazard = accepted(world, enterprise, **fields)
    return ledger.hazard_transition(actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, action="start")


def add_hazards(world, n: int, *, county=None, **fields) -> list[Hazard]:
    """``n`` hazards of fresh enterprises in county A (or ``county``), some of them overdue and
    major, each with a supervising department and a village among the places."""
    county = county or world.a
    made = []
    for i in range(n):
        number = next(_numbers)
        enterprise = EnterpriseFactory(jurisdiction=county.village if i % 2 else county.township, name=f"企业{number:04d}")
        values = {
            "enterprise": enterprise,
            "supervising_department": county.orgs["emergency"],
            "level": HazardLevel.MAJOR if i % 5 == 0 else HazardLevel.GENERAL,
            "status": HazardStatus.RECTIFYING if i % 3 == 0 else HazardStatus.REPORTED,
            "deadline": TODAY - datetime.timedelta(days=2) if i % 3 == 0 else None,
            **fields,
        }
        made.append(HazardFactory(**values))
    return made


# --- Who sees what ----------------------------------------------------------------------------


def test_list_shows_only_the_users_county(world, client, enterprise_a, enterprise_b):
    mine = HazardFactory(enterprise=enterprise_a, title="晋江的隐患")
    foreign = HazardFactory(enterprise=enterprise_b, title="南安的隐患")
    b_office = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    client.force_login(b_office)
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [foreign]
    assert "晋江的隐患" not in response.content.decode()
    assert client.get(mine.get_absolute_url()).status_code == 404
    assert client.get(foreign.get_absolute_url()).status_code == 200


def test_foreign_hazard_actions_are_404(world, client, enterprise_b):
    foreign = HazardFactory(enterprise=enterprise_b)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("hazards:hazard_transition", args=[foreign.pk, "accept"])
    assert client.post(url, {"accept-expected_status": "reported"}).status_code == 404
    assert client.get(reverse("hazards:hazard_update", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == HazardStatus.REPORTED


def test_enterprise_account_sees_only_its_own(world, client, enterprise_a):
    account = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", account, enterprise_a)
    own = HazardFactory(enterprise=enterprise_a, title="本企业隐患")
    neighbour = HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), title="邻居隐患")
    client.force_login(account)
    response = client.get(LIST)
    assert list(response.context["object_list"]) == [own]
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(neighbour.get_absolute_url()).status_code == 404
    # No action of the office's is offered: the account may not accept.
    assert response.status_code == 200
    detail = client.get(own.get_absolute_url())
    assert not detail.context["actions"]["transitions"]


def test_enterprise_account_reports_a_self_check_finding(world, client, enterprise_a):
    account = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", account, enterprise_a)
    client.force_login(account)
    page = client.get(reverse("hazards:hazard_create"))
    assert page.status_code == 200
    assert "source" not in page.context["form"].fields
    response = client.post(
        reverse("hazards:hazard_create"),
        {
            "enterprise": enterprise_a.pk, "sector": sector().pk, "category": "management", "level": "general",
            "title": "安全培训记录缺失", "description": "新员工未培训", "found_on": TODAY.isoformat(), "finder_name": "王五",
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response.url == hazard.get_absolute_url()
    assert hazard.source == "self_check" and hazard.enterprise == enterprise_a


# --- Filters and the counts strip -------------------------------------------------------------


def test_filters(world, office, client, enterprise_a):
    target = HazardFactory(
        enterprise=enterprise_a, title="液氨储罐泄漏", level=HazardLevel.MAJOR, status=HazardStatus.RECTIFYING,
        deadline=TODAY - datetime.timedelta(days=3), category="management", source="patrol",
        found_on=TODAY - datetime.timedelta(days=40), supervising_department=world.a.orgs["emergency"],
    )
    other = HazardFactory(
        enterprise=EnterpriseFactory(jurisdiction=world.a.village, name="安平村作坊"), title="电线老化",
        sector=sector("construction"), status=HazardStatus.CLOSED,
    )

    def listed(query: str) -> list[Hazard]:
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200
        return list(response.context["object_list"])

    assert listed("q=液氨") == [target]
    assert listed(f"q={target.code}") == [target]
    assert listed("q=安平村") == [other]
    assert listed("status=open") == [target]
    assert listed("status=closed") == [other]
    assert listed("overdue=true") == [target]
    assert listed("overdue=false") == [other]
    assert listed("level=major") == [target]
    assert listed("major=true") == [target]
    assert listed("sector=construction") == [other]
    assert listed("category=management&source=patrol") == [target]
    assert listed(f"found_to={(TODAY - datetime.timedelta(days=30)).isoformat()}") == [target]
    assert listed(f"found_from={(TODAY - datetime.timedelta(days=30)).isoformat()}") == [other]
    assert listed(f"department={world.a.orgs['emergency'].pk}") == [target]
    assert listed(f"jurisdiction={world.a.county.pk}") == [target, other] or listed(f"jurisdiction={world.a.county.pk}") == [other, target]
    assert listed(f"enterprise={enterprise_a.pk}") == [target]
    assert listed("ordering=found_on") == [target, other]
    assert listed("ordering=-found_on") == [other, target]
    # A jurisdiction outside the scope is not a choice: nothing rather than everything.
    assert listed(f"jurisdiction={world.b.county.pk}") == []


def test_leader_filter(world, office, client, enterprise_a):
    leader = OfficialFactory(name="张副县长", registered_in=world.a.county)
    PostFactory(official=leader, organization=world.a.orgs["government"], role=PostRole.GOVERNMENT_LEADER)
    linked = HazardFactory(enterprise=enterprise_a, level=HazardLevel.MAJOR, linked_leader=leader)
    HazardFactory(enterprise=enterprise_a)
    response = client.get(f"{LIST}?leader={leader.pk}")
    assert list(response.context["object_list"]) == [linked]
    assert "张副县长" in response.content.decode()  # offered in the drop-down


def test_counts_strip_follows_the_filters(world, office, client):
    add_hazards(world, 6)  # i=0 and 3 overdue (rectifying, deadline passed); i=0 major
    response = client.get(LIST)
    assert response.context["totals"] == {"total": 6, "open": 6, "overdue": 2, "major_open": 2}
    response = client.get(f"{LIST}?level=general")
    assert response.context["totals"] == {"total": 4, "open": 4, "overdue": 1, "major_open": 0}
    page = response.content.decode()
    assert "level=general" in response.context["strip_links"]["overdue"]
    assert "days overdue" in page


# --- Query counts -----------------------------------------------------------------------------

# Session and user (2), permissions (2), the scope (1), the hazard grant table check (1), the
# counts strip's aggregate, which also counts the rows (1), the page (1), the scope label in
# the header (1), the user's generic object grants (1, for the jurisdiction choices), the
# choices of the jurisdiction, sector, department and leader filters (4).
LIST_QUERIES = 14


def test_list_query_count_does_not_grow_with_rows(world, office, client, django_assert_num_queries):
    add_hazards(world, 3)
    add_hazards(world, 2, enterprise=None, jurisdiction=world.a.township, responsible_organization=world.a.orgs["government"])
    small = count_queries(client, LIST)
    add_hazards(world, 30)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST)
    assert len(response.context["object_list"]) == 25
    assert small == LIST_QUERIES, f"{small} queries with 5 rows, {LIST_QUERIES} pinned for 35"


def test_detail_query_count_does_not_grow_with_events_and_photos(world, office, client, enterprise_a, django_assert_num_queries):
    hazard = report(world, enterprise_a, photos=[photo()])
    url = hazard.get_absolute_url()
    small = count_queries(client, url)
    for i in range(6):
        ledger.hazard_comment(actor=office, hazard=hazard, comment=f"第{i}次督促")
        ledger.hazard_add_photos(actor=office, hazard=hazard, stage="before", files=[photo(f"p{i}.jpg")])
    assert count_queries(client, url) == small


# --- Reporting --------------------------------------------------------------------------------


def report_data(world, enterprise=None, **overrides) -> dict:
    return {
        "enterprise": enterprise.pk if enterprise else "",
        "sector": sector().pk,
        "category": "equipment",
        "level": "general",
        "source": "department_inspection",
        "title": "消防通道堵塞",
        "description": "一号仓库消防通道堆放货物",
        "location": "一号仓库",
        "latitude": "24.781200",
        "longitude": "118.552300",
        "found_on": TODAY.isoformat(),
        "finder_name": "李四",
        **overrides,
    }


def test_report_form_creates_the_hazard_with_photos(world, office, client, enterprise_a):
    response = client.post(
        reverse("hazards:hazard_create"),
        {**report_data(world, enterprise_a), "photos": [photo("a.jpg"), photo("b.png", PNG_BYTES)]},
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response.url == hazard.get_absolute_url()
    assert hazard.enterprise == enterprise_a and hazard.jurisdiction == world.a.township
    assert hazard.photos.filter(stage="before").count() == 2
    assert str(hazard.latitude) == "24.781200"
    assert hazard.supervising_department == world.a.orgs["emergency"]


def test_bad_photo_keeps_what_was_typed(world, office, client, enterprise_a):
    evil = SimpleUploadedFile("evil.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post(
        reverse("hazards:hazard_create"),
        {**report_data(world, enterprise_a, title="配电房漏水", plan_measures="更换防水层"), "photos": [evil]},
    )
    assert response.status_code == 200
    assert not Hazard.objects.exists()
    page = response.content.decode()
    assert "配电房漏水" in page and "一号仓库消防通道堆放货物" in page and "更换防水层" in page
    assert "evil.jpg" in page  # the error names the file
    assert "choose them again" in page
    # The chosen enterprise is still chosen (and is the only enterprise rendered).
    assert f'<option value="{enterprise_a.pk}" selected>' in page


def test_report_form_does_not_list_the_countys_enterprises(world, office, client, enterprise_a):
    # A county has thousands of enterprises: the form offers the chosen one and search matches only.
    other = EnterpriseFactory(jurisdiction=world.a.township, name="不应列出的企业")
    page = client.get(reverse("hazards:hazard_create")).content.decode()
    assert other.name not in page and enterprise_a.name not in page
    page = client.get(reverse("hazards:hazard_create"), {"enterprise_q": "不应列出"}).content.decode()
    assert other.name in page and enterprise_a.name not in page


def test_report_without_enterprise_or_place_is_refused(world, office, client):
    response = client.post(reverse("hazards:hazard_create"), report_data(world))
    assert response.status_code == 200
    assert "Choose the enterprise" in response.content.decode()
    response = client.post(reverse("hazards:hazard_create"), report_data(world, ownerless="on"))
    assert "Say where the ownerless hazard is" in response.content.decode()
    assert not Hazard.objects.exists()


def test_ownerless_report(world, office, client):
    response = client.post(reverse("hazards:hazard_create"), report_data(world, ownerless="on", jurisdiction=world.a.township.pk))
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert hazard.enterprise is None and hazard.responsible_organization == world.a.orgs["government"]


def test_report_of_a_foreign_enterprise_is_refused(world, office, client, enterprise_b):
    response = client.post(reverse("hazards:hazard_create"), report_data(world, enterprise_b))
    assert response.status_code == 200
    assert not Hazard.objects.exists()


def test_report_form_preselects_the_enterprise_and_searches(world, office, client, enterprise_a, enterprise_b):
    EnterpriseFactory(jurisdiction=world.a.township, name="晋江纺织有限公司")
    page = client.get(reverse("hazards:hazard_create") + f"?enterprise={enterprise_a.pk}")
    form = page.context["form"]
    assert [e.pk for e in form.fields["enterprise"].shown] == [enterprise_a.pk]
    assert form.initial["sector"] == enterprise_a.sector_id
    # The search without JavaScript reloads the page with the matches in scope.
    page = client.get(reverse("hazards:hazard_create") + "?enterprise_q=晋江")
    names = {e.name for e in page.context["form"].fields["enterprise"].shown}
    assert names == {"晋江鞋业有限公司", "晋江纺织有限公司"}
    # The JSON search is scoped too.
    body = client.get(reverse("hazards:hazard_enterprise_search") + "?q=有限公司").json()
    assert {r["name"] for r in body["results"]} == {"晋江鞋业有限公司", "晋江纺织有限公司"}


def test_report_needs_the_add_permission(world, client):
    client.force_login(world.user(Role.LEADER))
    assert client.get(reverse("hazards:hazard_create")).status_code == 403
    assert client.get(reverse("hazards:hazard_enterprise_search") + "?q=x").status_code == 403


# --- A hazard's page and its actions ----------------------------------------------------------


def transition_url(hazard, action):
    return reverse("hazards:hazard_transition", args=[hazard.pk, action])


def test_detail_page_shows_timeline_photos_and_actions(world, office, client, enterprise_a):
    hazard = report(world, enterprise_a, photos=[photo()])
    ledger.hazard_comment(actor=office, hazard=hazard, comment="请尽快处理")
    response = client.get(hazard.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert [t["transition"].action for t in response.context["actions"]["transitions"]] == ["accept", "cancel"]
    assert "请尽快处理" in page
    photo_obj = hazard.photos.get()
    assert photo_obj.get_absolute_url() in page
    assert 'name="accept-expected_status" value="reported"' in page


def test_transition_by_post(world, office, client, enterprise_a):
    hazard = report(world, enterprise_a)
    deadline = TODAY + datetime.timedelta(days=15)
    response = client.post(
        transition_url(hazard, "accept"),
        {"accept-expected_status": "reported", "accept-deadline": deadline.isoformat(), "accept-comment": "交应急局督办"},
    )
    assert response.status_code == 302 and response.url == hazard.get_absolute_url()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ACCEPTED and hazard.deadline == deadline
    event = hazard.events.get(action="accept")
    assert event.actor == office and event.comment == "交应急局督办"


def test_stale_page_gets_the_conflict_message(world, office, client, enterprise_a):
    hazard = report(world, enterprise_a)
    ledger.hazard_transition(actor=office, hazard=hazard, action="accept")  # someone else, meanwhile
    response = client.post(transition_url(hazard, "cancel"), {"cancel-expected_status": "reported", "cancel-comment": "重复"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else has changed this hazard meanwhile" in page
    assert 'class="alert alert-warning"' in page
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ACCEPTED


def test_forbidden_action_is_403(world, client, enterprise_a):
    hazard = report(world, enterprise_a)
    client.force_login(world.user(Role.LEADER))  # sees hazards, may not accept them
    response = client.post(transition_url(hazard, "accept"), {"accept-expected_status": "reported"})
    assert response.status_code == 403
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REPORTED
    assert client.get(hazard.get_absolute_url()).context["actions"]["transitions"] == []


def test_submit_without_after_photo_shows_the_error(world, office, client, enterprise_a):
    hazard = rectifying(world, enterprise_a)
    response = client.post(
        transition_url(hazard, "submit"),
        {"submit-expected_status": "rectifying", "submit-evidence": "已重新接地", "submit-rectified_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Add at least one photo taken after rectification." in page
    assert "已重新接地" in page  # what was typed is still there
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
    response = client.post(
        transition_url(hazard, "submit"),
        {"submit-expected_status": "rectifying", "submit-evidence": "已重新接地", "submit-after_photos": [photo("after.jpg")]},
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.SUBMITTED and hazard.photos.filter(stage="after").count() == 1


def test_cancel_without_reason_comes_back_with_the_error(world, office, client, enterprise_a):
    hazard = report(world, enterprise_a)
    response = client.post(transition_url(hazard, "cancel"), {"cancel-expected_status": "reported", "cancel-comment": ""})
    assert response.status_code == 200
    assert response.context["actions"]["transitions"][1]["form"].errors
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REPORTED


def test_an_action_no_longer_possible_is_explained(world, office, client, enterprise_a):
    hazard = report(world, enterprise_a)
    response = client.post(transition_url(hazard, "verify"), {"verify-expected_status": "reported"})
    assert response.status_code == 200
    assert "is not possible while the hazard is" in response.content.decode()


def test_major_hazard_close_out_only_by_listing_office(world, office, client, enterprise_a):
    from hazards.services import supervision

    hazard = report(world, enterprise_a, level=HazardLevel.MAJOR)
    hazard = ledger.hazard_transition(actor=office, hazard=hazard, action="accept")
    leader = official_user(role=Role.LEADER, organization=world.a.orgs["government"], post_role=PostRole.GOVERNMENT_LEADER, username="vm")
    supervision.hazard_link_leader(actor=office, hazard=hazard, leader=leader.official)
    OrganizationFactory(jurisdiction=world.city, name="泉州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE)
    supervision.hazard_list_for_supervision(actor=office, hazard=hazard, listing_level="city")
    ledger.hazard_set_plan(actor=office, hazard=hazard, plan_responsible="张三", plan_measures="更换", plan_funds=1, plan_contingency="停产")
    for action, extra in (("start", {}), ("submit", {"evidence": "ok", "after_photos": [photo()]}), ("verify", {})):
        hazard = ledger.hazard_transition(actor=office, hazard=hazard, action=action, **extra)
    page = client.get(hazard.get_absolute_url())
    assert [t["transition"].action for t in page.context["actions"]["transitions"]] == ["cancel"]  # no close button
    # The major-hazard panel's context is merged into the page's.
    from hazards.selectors.supervision import major_panel

    panel = major_panel(page.wsgi_request, hazard) or {}
    assert set(panel) <= set(page.context.keys())
    response = client.post(transition_url(hazard, "close"), {"close-expected_status": "verified"})
    assert response.status_code == 403
    assert "may close out this major hazard" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.VERIFIED


def test_plan_form(world, office, client, enterprise_a):
    hazard = report(world, enterprise_a, level=HazardLevel.MAJOR)
    response = client.post(
        reverse("hazards:hazard_plan", args=[hazard.pk]),
        {"plan-plan_responsible": "张三", "plan-plan_measures": "更换储罐", "plan-plan_funds": "-5", "plan-plan_contingency": "停产"},
    )
    assert response.status_code == 200
    assert "Funds cannot be negative." in response.content.decode()
    response = client.post(
        reverse("hazards:hazard_plan", args=[hazard.pk]),
        {
            "plan-plan_responsible": "张三", "plan-plan_measures": "更换储罐", "plan-plan_funds": "50000",
            "plan-plan_contingency": "停产", "plan-deadline": (TODAY + datetime.timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.plan_complete


def test_extension_request_and_approval_from_the_queue(world, client, enterprise_a):
    office = world.user(Role.SAFETY_OFFICE)
    hazard = rectifying(world, enterprise_a)
    department = world.user(Role.DEPARTMENT)
    client.force_login(department)
    new_deadline = hazard.deadline + datetime.timedelta(days=10)
    response = client.post(
        reverse("hazards:hazard_extension_request", args=[hazard.pk]),
        {"extension-requested_deadline": new_deadline.isoformat(), "extension-reason": "设备未到货"},
    )
    assert response.status_code == 302
    extension = HazardExtension.objects.get()
    client.force_login(office)
    queue = client.get(reverse("hazards:hazard_extension_queue"))
    assert [row[0] for row in queue.context["rows"]] == [extension]
    decide = reverse("hazards:hazard_extension_decide", args=[extension.pk])
    prefix = f"decision-{extension.pk}"
    # Refusing needs a note.
    response = client.post(decide, {f"{prefix}-decision": "reject", f"{prefix}-note": ""})
    assert response.status_code == 200 and "Say why the extension is refused." in response.content.decode()
    response = client.post(decide, {f"{prefix}-decision": "approve", "next": reverse("hazards:hazard_extension_queue")})
    assert response.status_code == 302 and response.url == reverse("hazards:hazard_extension_queue")
    extension.refresh_from_db()
    hazard.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED and hazard.deadline == new_deadline
    # Deciding again is a conflict, not an error page.
    response = client.post(decide, {f"{prefix}-decision": "approve"}, follow=True)
    assert "already been decided" in response.content.decode()


def test_queue_needs_the_assign_permission(world, client):
    client.force_login(world.user(Role.INSPECTOR))
    assert client.get(reverse("hazards:hazard_extension_queue")).status_code == 403


def test_photo_upload_and_access_checked_photo_view(world, office, client, enterprise_a):
    hazard = rectifying(world, enterprise_a)
    response = client.post(
        reverse("hazards:hazard_photo_upload", args=[hazard.pk]), {"photos-stage": "evidence", "photos-photos": [photo("e.png", PNG_BYTES)]}
    )
    assert response.status_code == 302
    stored = HazardPhoto.objects.get(hazard=hazard)
    response = client.get(stored.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    b_office = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    client.force_login(b_office)
    assert client.get(stored.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(stored.get_absolute_url()).status_code == 302  # to the login page


def test_empty_photo_upload_is_an_error(world, office, client, enterprise_a):
    hazard = rectifying(world, enterprise_a)
    response = client.post(reverse("hazards:hazard_photo_upload", args=[hazard.pk]), {"photos-stage": "after"})
    assert response.status_code == 200
    assert "Choose at least one photo." in response.content.decode()


def test_comment(world, office, client, enterprise_a):
    hazard = report(world, enterprise_a)
    response = client.post(reverse("hazards:hazard_comment", args=[hazard.pk]), {"comment-comment": "已电话通知企业"}, follow=True)
    assert "已电话通知企业" in response.content.decode()
    assert hazard.events.filter(kind="comment").count() == 1


# --- Editing ----------------------------------------------------------------------------------


def test_edit_details(world, office, client, enterprise_a):
    hazard = report(world, enterprise_a)
    url = reverse("hazards:hazard_update", args=[hazard.pk])
    page = client.get(url)
    assert page.status_code == 200 and "jurisdiction" not in page.context["form"].fields
    data = {
        "sector": sector().pk, "category": "behaviour", "level": "general", "source": "patrol", "title": "改过的标题",
        "description": "新描述", "location": "", "latitude": "", "longitude": "",
        "found_on": (TODAY + datetime.timedelta(days=1)).isoformat(), "finder_name": "",
        "supervising_department": world.a.orgs["emergency"].pk,
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    response = client.post(url, {**data, "found_on": TODAY.isoformat()})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.title == "改过的标题" and hazard.category == "behaviour"


def test_edit_is_403_for_a_role_without_change(world, client, enterprise_a):
    hazard = report(world, enterprise_a)
    client.force_login(world.user(Role.LEADER))
    assert client.get(reverse("hazards:hazard_update", args=[hazard.pk])).status_code == 403


# --- Menu and home page -----------------------------------------------------------------------


def test_home_panel_and_menu(world, office, client):
    add_hazards(world, 4)
    page = client.get(reverse("home")).content.decode()
    assert "Hazard ledger" in page
    assert f'{LIST}?overdue=true' in page
    assert reverse("hazards:hazard_list") in page


def test_enterprise_home_panel_lists_what_to_rectify(world, client, enterprise_a):
    account = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", account, enterprise_a)
    hazard = accepted(world, enterprise_a, deadline=TODAY + datetime.timedelta(days=3))
    client.force_login(account)
    page = client.get(reverse("home")).content.decode()
    assert "Our hazards to rectify" in page and hazard.title in page


def _panel_queries(user, then=lambda: None) -> int:
    """Queries of the ledger panel alone, then ``then()`` (to add rows for the next call)."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from core.access import get_scope
    from hazards.views.ledger import ledger_home_panel

    request = RequestFactory().get("/")
    request.user = type(user).objects.get(pk=user.pk)
    # Permissions and scope are asked once per request, by the page and the other panels.
    request.user.has_perm("hazards.view_hazard")
    get_scope(request.user)
    with CaptureQueriesContext(connection) as context:
        html = ledger_home_panel(request)
    assert html
    then()
    return len(context.captured_queries)


def test_home_panels_cost_a_fixed_small_number_of_queries(world, enterprise_a):
    office_user = world.user(Role.SAFETY_OFFICE)
    add_hazards(world, 3)
    small = _panel_queries(office_user, lambda: add_hazards(world, 20))
    # The hazard grant table check (1) and the aggregate (1).
    assert _panel_queries(office_user) == small == 2
    account = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", account, enterprise_a)
    accepted(world, enterprise_a)
    small = _panel_queries(account, lambda: [accepted(world, enterprise_a) for _ in range(5)])
    # Its object grants (1), the aggregate (1), the hazards to rectify (1).
    assert _panel_queries(account) == small == 3


def test_enterprise_page_links_to_its_hazards_and_risk_points(client, world):
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    html = client.get(reverse("responsibility:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert f"/hazards/?enterprise={enterprise.pk}" in html
    assert f"/hazards/new/?enterprise={enterprise.pk}" in html
    assert f"/hazards/risk-points/?enterprise={enterprise.pk}" in html
    client.force_login(world.user(Role.AUDITOR))
    html = client.get(reverse("responsibility:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert f"/hazards/new/?enterprise={enterprise.pk}" not in html
