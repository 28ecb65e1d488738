"""The hazard API: scope, the closed loop as actions (409 on a stale status, 400 on an illegal
move, 403 on a forbidden one, nothing changed), photos, keyset pagination, filters, constant
query counts, major-hazard supervision, tip-offs and self-reports, and the error body."""

from __future__ import annotations

import base64
import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import assign_perm

from core.services import api_token_create
from hazards.choices import HazardEventKind, HazardLevel, HazardStatus, ListingLevel, TipOffStatus
from hazards.models import EnterpriseSelfReport, Hazard, HazardEvent, HazardPhoto, TipOff
from hazards.services import ledger, supervision
from responsibility.choices import PostRole
from responsibility.roles import Role
from tests.conftest import results
from tests.factories import (
    JPEG_BYTES,
    PNG_BYTES,
    EnterpriseFactory,
    HazardFactory,
    official_user,
    photo,
    sector,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
URL = "/api/v1/hazards/"


@pytest.fixture
def enterprise(world):
    return EnterpriseFactory(jurisdiction=world.a.township)


@pytest.fixture
def enterprise_b(world):
    return EnterpriseFactory(jurisdiction=world.b.township)


@pytest.fixture
def office_b(world):
    return official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")


def token_client(api_client, user):
    issued = api_token_create(user=user, name="test")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    return api_client


@pytest.fixture
def system(api_client, world):
    """County A's system, as a real integration calls: with a token."""
    return token_client(api_client, world.user(Role.COUNTY_SYSTEM))


@pytest.fixture
def office(api_client, world):
    api_client.force_login(world.user(Role.SAFETY_OFFICE))
    return api_client


def report(enterprise, actor, *, level=HazardLevel.GENERAL, found_on=None, **fields):
    return ledger.hazard_report(
        actor=actor,
        enterprise=enterprise,
        sector=sector(),
        category="equipment",
        source="department_inspection",
        title=fields.pop("title", "配电箱未接地"),
        description="二车间配电箱未做接地保护",
        found_on=found_on or TODAY - datetime.timedelta(days=5),
        level=level,
        **fields,
    )


def body(world, **overrides) -> dict:
    return {
        "jurisdiction": world.a.township.code,
        "sector": "industry_trade",
        "category": "equipment",
        "source": "department_inspection",
        "title": "消防通道堵塞",
        "description": "仓库消防通道被货物堵塞",
        "found_on": (TODAY - datetime.timedelta(days=2)).isoformat(),
        **overrides,
    }


def transition(client, hazard, action, fmt="json", **data):
    return client.post(f"{URL}{hazard.pk}/transitions/", {"action": action, **data}, format=fmt)


# --- Scope ------------------------------------------------------------------------------------


def test_county_system_sees_only_its_county(system, world, enterprise, enterprise_b, office_b):
    own = report(enterprise, world.user(Role.SAFETY_OFFICE))
    foreign = report(enterprise_b, office_b)
    ids = {row["id"] for row in results(system.get(URL))}
    assert ids == {own.pk}
    assert system.get(f"{URL}{foreign.pk}/").status_code == 404
    assert system.get(f"{URL}{own.pk}/").status_code == 200


def test_county_b_user_sees_nothing_of_county_a(api_client, world, enterprise, office_b):
    report(enterprise, world.user(Role.SAFETY_OFFICE))
    api_client.force_login(office_b)
    assert results(api_client.get(URL)) == []
    assert results(api_client.get("/api/v1/major-hazards/")) == []


def test_foreign_hazard_is_404_on_every_action(office, world, enterprise_b, office_b):
    foreign = report(enterprise_b, office_b, photos=[photo()])
    picture = foreign.photos.get()
    assert transition(office, foreign, "accept").status_code == 404
    assert office.get(f"{URL}{foreign.pk}/transitions/").status_code == 404
    assert office.patch(f"{URL}{foreign.pk}/", {"title": "x"}, format="json").status_code == 404
    assert office.post(f"{URL}{foreign.pk}/photos/", {"stage": "before", "photos": [photo()]}, format="multipart").status_code == 404
    assert office.get(f"{URL}{foreign.pk}/photos/{picture.pk}/file/").status_code == 404
    assert office.get(f"/api/v1/major-hazards/{foreign.pk}/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == HazardStatus.REPORTED and foreign.title == "配电箱未接地"


def test_create_in_a_foreign_jurisdiction_is_refused(system, world, enterprise_b):
    response = system.post(URL, body(world, jurisdiction=world.b.township.code), format="json")
    assert response.status_code == 400
    assert "jurisdiction" in response.json()["errors"]
    response = system.post(URL, body(world, enterprise=enterprise_b.pk), format="json")
    assert response.status_code == 400
    assert "enterprise" in response.json()["errors"]
    assert not Hazard.objects.exists()


def test_foreign_filter_value_reveals_nothing(system, world):
    response = system.get(URL, {"jurisdiction": world.b.county.pk})
    missing = system.get(URL, {"jurisdiction": 999999})
    assert response.status_code == missing.status_code == 400
    assert response.json()["errors"].keys() == missing.json()["errors"].keys() == {"jurisdiction"}
    assert results(system.get(URL, {"jurisdiction_code": world.b.county.code})) == []


def test_enterprise_account_token_sees_only_its_enterprise(api_client, world, enterprise):
    account = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", account, enterprise)
    office_user = world.user(Role.SAFETY_OFFICE)
    own = report(enterprise, office_user)
    other = report(EnterpriseFactory(jurisdiction=world.a.township), office_user)
    client = token_client(api_client, account)
    assert [row["id"] for row in results(client.get(URL))] == [own.pk]
    assert client.get(f"{URL}{other.pk}/").status_code == 404
    created = client.post(URL, body(world, enterprise=enterprise.pk, source="department_inspection"), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["source"] == "self_check"
    refused = client.post(URL, body(world, enterprise=other.enterprise_id), format="json")
    assert refused.status_code == 400 and "enterprise" in refused.json()["errors"]


# --- Create, read, correct ---------------------------------------------------------------------


def test_create_with_photos_then_download_them(office, world, enterprise):
    response = office.post(
        URL, {**body(world, enterprise=enterprise.pk), "photos": [photo(), photo("b.png", PNG_BYTES)]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "reported" and data["code"].startswith("YH")
    assert data["enterprise_name"] == enterprise.name and data["jurisdiction"] == world.a.township.code
    assert [p["stage"] for p in data["photos"]] == ["before", "before"]
    assert [e["kind"] for e in data["events"]] == ["reported"]
    download = office.get(data["photos"][0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == JPEG_BYTES


def test_ownerless_hazard_is_the_county_governments(system, world):
    response = system.post(URL, body(world), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["responsible_organization"] == world.a.orgs["government"].pk
    assert response.json()["owner_name"] == world.a.orgs["government"].name


def test_non_image_photo_is_refused_with_nothing_saved(office, world, enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile

    evil = SimpleUploadedFile("evil.jpg", b"MZ\x90\x00not an image", content_type="image/jpeg")
    response = office.post(URL, {**body(world, enterprise=enterprise.pk), "photos": [evil]}, format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()["errors"]
    assert not Hazard.objects.exists()

    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    evil.seek(0)
    response = office.post(f"{URL}{hazard.pk}/photos/", {"stage": "before", "photos": [evil]}, format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()["errors"]
    assert not HazardPhoto.objects.exists()


def test_photo_upload_and_listing(office, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    response = office.post(f"{URL}{hazard.pk}/photos/", {"stage": "evidence", "photos": [photo(), photo()]}, format="multipart")
    assert response.status_code == 201, response.json()
    assert [p["stage"] for p in response.json()] == ["evidence", "evidence"]
    assert len(office.get(f"{URL}{hazard.pk}/photos/").json()) == 2
    assert office.post(f"{URL}{hazard.pk}/photos/", {"stage": "visit", "photos": [photo()]}, format="multipart").status_code == 400


def test_partial_update_records_the_change(system, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    response = system.patch(f"{URL}{hazard.pk}/", {"title": "仓库消防通道堵塞", "location": "3号仓库"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "仓库消防通道堵塞"
    event = hazard.events.get(kind=HazardEventKind.UPDATED)
    assert set(event.data["fields"]) == {"title", "location"}


def test_unknown_field_is_a_400_and_status_is_not_writable(system, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    response = system.patch(f"{URL}{hazard.pk}/", {"status": "closed", "titel": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "titel"}
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REPORTED


def test_read_only_role_may_not_change(api_client, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    api_client.force_login(world.user(Role.AUDITOR))
    assert api_client.get(f"{URL}{hazard.pk}/").status_code == 200
    assert api_client.patch(f"{URL}{hazard.pk}/", {"title": "x"}, format="json").status_code == 403
    assert api_client.post(URL, body(world), format="json").status_code == 403


# --- The closed loop ------------------------------------------------------------------------


def test_full_loop_through_the_api(office, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    allowed = office.get(f"{URL}{hazard.pk}/transitions/").json()
    assert allowed["status"] == "reported"
    assert [a["action"] for a in allowed["actions"]] == ["accept", "cancel"]

    deadline = (TODAY + datetime.timedelta(days=20)).isoformat()
    response = transition(office, hazard, "accept", deadline=deadline, expected_status="reported")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted" and response.json()["deadline"] == deadline
    assert transition(office, hazard, "start").json()["status"] == "rectifying"

    missing = transition(office, hazard, "submit")
    assert missing.status_code == 400
    assert {"evidence", "after_photos"} <= set(missing.json()["errors"])

    response = transition(
        office, hazard, "submit", fmt="multipart", evidence="已重新接地", after_photos=[photo("after.png", PNG_BYTES)]
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert [p["stage"] for p in response.json()["photos"]] == ["after"]

    assert transition(office, hazard, "return").status_code == 400  # a reason is required
    assert transition(office, hazard, "return", comment="接地电阻未测").json()["status"] == "rectifying"
    assert transition(office, hazard, "submit", evidence="已测 3.2Ω").json()["status"] == "submitted"
    assert transition(office, hazard, "verify").json()["status"] == "verified"
    closed = transition(office, hazard, "close").json()
    assert closed["status"] == "closed" and closed["closed_at"]
    actions = [e["action"] for e in closed["events"] if e["kind"] == "transition"]
    assert actions == ["accept", "start", "submit", "return", "submit", "verify", "close"]
    assert office.get(f"{URL}{hazard.pk}/transitions/").json()["actions"] == []


def test_stale_expected_status_is_a_409_with_nothing_changed(office, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    assert transition(office, hazard, "accept", expected_status="reported").status_code == 200
    events = hazard.events.count()
    response = transition(office, hazard, "cancel", comment="重复", expected_status="reported")
    assert response.status_code == 409
    body_ = response.json()
    assert body_["status"] == 409 and body_["code"] == "conflict" and "reload" in body_["detail"]
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ACCEPTED and hazard.events.count() == events


def test_illegal_transition_is_a_400_with_nothing_changed(office, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    before = hazard.updated_at
    response = transition(office, hazard, "close")
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "The request contains invalid data.",
        "errors": {"non_field_errors": ["“Close out” is not possible while the hazard is “Reported”."]},
    }
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REPORTED and hazard.updated_at == before
    assert hazard.events.count() == 1
    assert transition(office, hazard, "fly").json()["errors"].keys() == {"action"}


def test_forbidden_action_is_a_403(api_client, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    api_client.force_login(world.user(Role.LEADER))
    assert api_client.get(f"{URL}{hazard.pk}/transitions/").json()["actions"] == []
    response = transition(api_client, hazard, "accept")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied" and set(response.json()) == {"status", "code", "detail"}
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REPORTED


def test_extension_request_and_decision(office, world, enterprise):
    office_user = world.user(Role.SAFETY_OFFICE)
    hazard = report(enterprise, office_user)
    hazard = ledger.hazard_transition(actor=office_user, hazard=hazard, action="accept", deadline=TODAY + datetime.timedelta(days=5))
    requested = (hazard.deadline + datetime.timedelta(days=10)).isoformat()
    response = office.post(f"{URL}{hazard.pk}/extensions/", {"requested_deadline": requested, "reason": "设备未到"}, format="json")
    assert response.status_code == 201, response.json()
    extension_id = response.json()["id"]
    assert response.json()["status"] == "pending" and response.json()["days"] == 10
    decision_url = f"{URL}{hazard.pk}/extensions/{extension_id}/decision/"
    assert office.post(decision_url, {"approve": False}, format="json").json()["errors"].keys() == {"note"}
    response = office.post(decision_url, {"approve": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert office.post(decision_url, {"approve": True}, format="json").status_code == 409
    detail = office.get(f"{URL}{hazard.pk}/").json()
    assert detail["deadline"] == requested and detail["extension_count"] == 1
    assert len(office.get(f"{URL}{hazard.pk}/extensions/").json()) == 1
    other = report(enterprise, office_user)
    assert office.post(f"{URL}{other.pk}/extensions/{extension_id}/decision/", {"approve": True}, format="json").status_code == 404


def test_plan_action_records_the_five_in_place(office, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE), level=HazardLevel.MAJOR)
    response = office.post(
        f"{URL}{hazard.pk}/plan/",
        {"plan_responsible": "张三", "plan_measures": "更换", "plan_funds": "50000.00", "plan_contingency": "停产",
         "deadline": (TODAY + datetime.timedelta(days=60)).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["plan_complete"] is True


# --- Lists: pagination, filters, query counts ---------------------------------------------------


def _walk(client, url, params=None, direction="next"):
    pages, response = [], client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.json()
        data = response.json()
        pages.append([row["id"] for row in data["results"]])
        if not data[direction]:
            return pages, data
        response = client.get(data[direction])


@pytest.mark.parametrize("ordering", [None, "found_on", "updated_at", "-updated_at", "-id"])
def test_cursor_pages_cover_every_row_once_in_order(system, world, enterprise, ordering):
    # Three days, several hazards each: ties on the ordering field are the hard case.
    hazards = [
        HazardFactory(enterprise=enterprise, found_on=TODAY - datetime.timedelta(days=i % 3)) for i in range(8)
    ]
    Hazard.objects.filter(pk__in=[h.pk for h in hazards[:4]]).update(updated_at=timezone.now())  # ties here too
    field = (ordering or "-found_on").lstrip("-")
    descending = (ordering or "-found_on").startswith("-")
    rows = Hazard.objects.filter(pk__in=[h.pk for h in hazards]).values_list(field, "id")
    expected = [pk for _value, pk in sorted(rows, reverse=descending)]
    pages, last = _walk(system, URL, {"page_size": 3, **({"ordering": ordering} if ordering else {})})
    assert [len(p) for p in pages] == [3, 3, 2]
    assert [pk for page in pages for pk in page] == expected
    # And back again from the last page.
    back, _ = _walk(system, last["previous"], direction="previous")
    assert [pages[-1], *back] == list(reversed(pages))


def test_cursor_is_stable_when_rows_are_added_meanwhile(system, world, enterprise):
    for i in range(6):
        HazardFactory(enterprise=enterprise, found_on=TODAY - datetime.timedelta(days=i))
    first = system.get(URL, {"page_size": 3, "ordering": "id"}).json()
    HazardFactory(enterprise=enterprise, found_on=TODAY)  # a new row, after every existing id
    second = system.get(first["next"]).json()
    seen = [row["id"] for row in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 6


def test_invalid_cursor_is_a_400(system):
    for cursor in ("garbage", base64.b64encode(json.dumps({"k": "x", "p": [1], "r": 0}).encode()).decode()):
        response = system.get(URL, {"cursor": cursor})
        assert response.status_code == 400
        assert response.json()["errors"].keys() == {"cursor"}


def test_updated_since_and_ordering_by_update(system, world, enterprise):
    old, new = HazardFactory(enterprise=enterprise), HazardFactory(enterprise=enterprise)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Hazard.objects.filter(pk=old.pk).update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert [row["id"] for row in results(system.get(URL, {"updated_since": since}))] == [new.pk]
    ordered = [row["id"] for row in results(system.get(URL, {"ordering": "updated_at"}))]
    assert ordered == [old.pk, new.pk]
    assert system.get(URL, {"updated_since": "yesterday"}).status_code == 400


def test_filters(system, world, enterprise):
    office_user = world.user(Role.SAFETY_OFFICE)
    general = report(enterprise, office_user, found_on=TODAY - datetime.timedelta(days=40))
    major = report(enterprise, office_user, level=HazardLevel.MAJOR)
    overdue = report(EnterpriseFactory(jurisdiction=world.a.village), office_user)
    ledger.hazard_transition(actor=office_user, hazard=overdue, action="accept", deadline=TODAY - datetime.timedelta(days=1))
    ownerless = report(None, office_user, jurisdiction=world.a.township)

    def ids(**params):
        response = system.get(URL, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in results(response)}

    assert ids(major="true") == {major.pk} == ids(level="major")
    assert ids(overdue="true") == {overdue.pk}
    assert ids(status=["accepted"]) == {overdue.pk}
    assert ids(status=["accepted", "reported"]) == {general.pk, major.pk, overdue.pk, ownerless.pk}
    assert ids(found_on_before=(TODAY - datetime.timedelta(days=30)).isoformat()) == {general.pk}
    assert ids(found_on_after=(TODAY - datetime.timedelta(days=30)).isoformat()) == {major.pk, overdue.pk, ownerless.pk}
    assert ids(enterprise=enterprise.pk) == {general.pk, major.pk}
    assert ids(ownerless="true") == {ownerless.pk}
    assert ids(jurisdiction=world.a.township.pk) == {general.pk, major.pk, overdue.pk, ownerless.pk}
    assert ids(jurisdiction_code=world.a.village.code) == {overdue.pk}
    assert ids(sector="industry_trade") == {general.pk, major.pk, overdue.pk, ownerless.pk}
    assert ids(q=major.code) == {major.pk}
    assert system.get(URL, {"status": "nonsense"}).status_code == 400
    assert system.get(URL, {"enterprise": "x"}).status_code == 400


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


def _add_hazards(world, n: int) -> None:
    for i in range(n):
        enterprise = EnterpriseFactory(jurisdiction=world.a.township)
        HazardFactory(
            enterprise=enterprise,
            supervising_department=world.a.orgs["emergency"],
            linked_leader=world.a.official,
            level=HazardLevel.MAJOR if i % 2 else HazardLevel.GENERAL,
        )


# Token, the account's permissions (user and group), its scope, its grants (the hazards' own
# grant table, then guardian's generic one), and the page itself: no COUNT with keyset pages,
# every row's enterprise, place, sector, departments and leader joined in.
LIST_QUERIES = {URL: 7, "/api/v1/major-hazards/": 7, "/api/v1/tip-offs/": 6, "/api/v1/self-reports/": 6}


@pytest.mark.parametrize(("url", "expected"), LIST_QUERIES.items(), ids=list(LIST_QUERIES))
def test_list_query_count_does_not_grow_with_rows(system, world, url, expected, django_assert_num_queries):
    def add(n):
        _add_hazards(world, n)
        for _ in range(n):
            enterprise = EnterpriseFactory(jurisdiction=world.a.township)
            _tip(world.a.village, hazard=HazardFactory(enterprise=enterprise))
            EnterpriseSelfReport.objects.create(enterprise=enterprise, month=TODAY.replace(day=1), none_found=True)

    add(4)
    system.get(url)  # warm the per-process caches and the token's last-used stamp
    assert _count_queries(system, url) == expected
    add(40)
    with django_assert_num_queries(expected):
        response = system.get(url)
    assert len(response.json()["results"]) == {URL: 88, "/api/v1/major-hazards/": 22}.get(url, 44)


def test_detail_query_count_does_not_grow_with_related_rows(office, world, enterprise):
    office_user = world.user(Role.SAFETY_OFFICE)
    hazard = report(enterprise, office_user, photos=[photo()])
    url = f"{URL}{hazard.pk}/"
    office.get(url)
    small = _count_queries(office, url)
    ledger.hazard_add_photos(actor=office_user, hazard=hazard, stage="before", files=[photo(), photo()])
    for i in range(3):
        ledger.hazard_comment(actor=office_user, hazard=hazard, comment=f"意见{i}")
    assert _count_queries(office, url) == small


# --- Major hazards ------------------------------------------------------------------------------


def _leader(world):
    return official_user(
        role=Role.LEADER, organization=world.a.orgs["government"], post_role=PostRole.GOVERNMENT_LEADER, username="vice_mayor"
    )


def test_major_hazard_supervision_through_the_api(office, api_client, world, enterprise):
    office_user = world.user(Role.SAFETY_OFFICE)
    hazard = report(enterprise, office_user, level=HazardLevel.MAJOR)
    ledger.hazard_transition(actor=office_user, hazard=hazard, action="accept")
    base = f"/api/v1/major-hazards/{hazard.pk}/"
    leader_user = _leader(world)
    candidates = office.get(f"{base}leader-candidates/").json()
    assert leader_user.official.pk in [c["id"] for c in candidates]
    assert office.post(f"{base}leader/", {"leader": world.a.official.pk}, format="json").json()["errors"].keys() == {"leader"}
    response = office.post(f"{base}leader/", {"leader": leader_user.official.pk, "note": "县政府分管"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["linked_leader"] == leader_user.official.pk
    response = office.post(f"{base}listing/", {"listing_level": ListingLevel.COUNTY}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["listing_office"] == world.a.orgs["office"].pk
    response = office.post(f"{base}double-report/", {"to_department_on": TODAY.isoformat()}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["reported_to_department_on"] == TODAY.isoformat()
    assert response.json()["reported_to_workers_congress_on"] is None
    response = office.post(f"{base}double-report/", {"to_workers_congress_on": TODAY.isoformat()}, format="json")
    assert response.json()["reported_to_department_on"] == TODAY.isoformat()  # left out: kept

    leader_client = type(api_client)()
    leader_client.force_login(leader_user)
    visit = leader_client.post(
        f"{base}visits/", {"visited_on": TODAY.isoformat(), "note": "现场协调资金", "photos": [photo()]}, format="multipart"
    )
    assert visit.status_code == 201, visit.json()
    assert len(visit.json()["photo_ids"]) == 1
    future = leader_client.post(f"{base}visits/", {"visited_on": (TODAY + datetime.timedelta(days=1)).isoformat(), "note": "x"}, format="json")
    assert future.status_code == 400 and "visited_on" in future.json()["errors"]
    mine = results(leader_client.get("/api/v1/major-hazards/", {"mine": "true"}))
    assert [row["id"] for row in mine] == [hazard.pk]
    assert mine[0]["visit_count"] == 1 and mine[0]["last_visit_on"] == TODAY.isoformat()
    assert mine[0]["listing_office_name"] == world.a.orgs["office"].name


def test_major_actions_refuse_a_general_hazard_and_a_forbidden_role(office, api_client, world, enterprise):
    office_user = world.user(Role.SAFETY_OFFICE)
    general = report(enterprise, office_user)
    assert office.get(f"/api/v1/major-hazards/{general.pk}/").status_code == 404
    major = report(enterprise, office_user, level=HazardLevel.MAJOR)
    api_client.force_login(world.user(Role.INSPECTOR))
    response = api_client.post(f"/api/v1/major-hazards/{major.pk}/listing/", {"listing_level": "county"}, format="json")
    assert response.status_code == 403


def test_linked_leader_outside_the_scope_sees_the_hazard(api_client, world, enterprise_b, office_b):
    hazard = report(enterprise_b, office_b, level=HazardLevel.MAJOR)
    leader_b = official_user(role=Role.LEADER, organization=world.b.orgs["government"], username="b_vm", post_role=PostRole.GOVERNMENT_LEADER)
    supervision.hazard_link_leader(actor=office_b, hazard=hazard, leader=leader_b.official)
    api_client.force_login(leader_b)
    assert [row["id"] for row in results(api_client.get("/api/v1/major-hazards/", {"mine": "true"}))] == [hazard.pk]


# --- Tip-offs and self-reports -----------------------------------------------------------------


def _tip(jurisdiction, **fields):
    return TipOff.objects.create(
        jurisdiction=jurisdiction, place="某五金厂", description="夜间违规动火", contact_name="王先生", contact_phone="13800000000", **fields
    )


def test_tip_offs_are_scoped_and_hide_contacts_without_triage(api_client, system, world):
    own, foreign = _tip(world.a.township), _tip(world.b.township)
    rows = results(system.get("/api/v1/tip-offs/"))
    assert [row["id"] for row in rows] == [own.pk]
    assert rows[0]["contact_name"] is None and rows[0]["contact_phone"] is None
    assert rows[0]["reference"] == own.reference and rows[0]["status"] == TipOffStatus.NEW
    assert system.get(f"/api/v1/tip-offs/{foreign.pk}/").status_code == 404
    assert results(system.get("/api/v1/tip-offs/", {"reference": own.reference.lower()}))[0]["id"] == own.pk

    office_client = type(api_client)()
    office_client.force_login(world.user(Role.SAFETY_OFFICE))
    detail = office_client.get(f"/api/v1/tip-offs/{own.pk}/").json()
    assert detail["contact_name"] == "王先生" and detail["contact_phone"] == "13800000000"

    enterprise_client = type(api_client)()
    enterprise_client.force_login(world.user(Role.ENTERPRISE))
    assert results(enterprise_client.get("/api/v1/tip-offs/")) == []


def test_self_reports_are_read_only_and_filtered(system, api_client, world, enterprise, enterprise_b):
    march = datetime.date(2026, 3, 1)
    own = EnterpriseSelfReport.objects.create(enterprise=enterprise, month=march, none_found=True)
    EnterpriseSelfReport.objects.create(enterprise=enterprise, month=datetime.date(2026, 2, 1), hazards_found=2)
    EnterpriseSelfReport.objects.create(enterprise=enterprise_b, month=march, none_found=True)
    rows = results(system.get("/api/v1/self-reports/", {"month": "2026-03"}))
    assert [(row["id"], row["month"]) for row in rows] == [(own.pk, "2026-03")]
    assert len(results(system.get("/api/v1/self-reports/", {"enterprise": enterprise.pk}))) == 2
    assert len(results(system.get("/api/v1/self-reports/", {"jurisdiction_code": world.a.county.code}))) == 2
    assert system.get("/api/v1/self-reports/", {"month": "March"}).status_code == 400
    assert system.post("/api/v1/self-reports/", {}, format="json").status_code in (403, 405)  # read-only

    account = world.user(Role.ENTERPRISE)
    assign_perm("responsibility.view_enterprise", account, enterprise_b)
    enterprise_client = type(api_client)()
    enterprise_client.force_login(account)
    assert {row["enterprise"] for row in results(enterprise_client.get("/api/v1/self-reports/"))} == {enterprise_b.pk}


# --- Errors and documentation -----------------------------------------------------------------


def test_error_bodies_share_one_shape(api_client, system, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    not_found = system.get(f"{URL}999999/")
    assert not_found.json() == {"status": 404, "code": "not_found", "detail": "Not found."}
    invalid = system.post(URL, {}, format="json")
    assert invalid.status_code == 400 and {"status", "code", "detail", "errors"} == set(invalid.json())
    anonymous = type(api_client)().get(URL)
    assert anonymous.status_code in (401, 403) and set(anonymous.json()) == {"status", "code", "detail"}
    assert system.get(f"{URL}{hazard.pk}/").status_code == 200


def test_schema_documents_the_hazard_api_without_warnings(api_client):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/hazards/", "/api/v1/hazards/{id}/transitions/", "/api/v1/hazards/{id}/photos/",
        "/api/v1/hazards/by-external-id/{source_system}/{external_id}/", "/api/v1/major-hazards/{id}/leader/",
        "/api/v1/risk-points/", "/api/v1/tip-offs/", "/api/v1/self-reports/",
    ):
        assert path in paths, path
    post = paths["/api/v1/hazards/{id}/transitions/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(post["responses"])
    assert "HazardStatusEnum" in schema["components"]["schemas"]


def test_events_are_visible_to_whoever_sees_the_hazard(system, world, enterprise):
    hazard = report(enterprise, world.user(Role.SAFETY_OFFICE))
    ledger.hazard_comment(actor=world.user(Role.SAFETY_OFFICE), hazard=hazard, comment="请尽快处理")
    events = system.get(f"{URL}{hazard.pk}/").json()["events"]
    assert [e["kind"] for e in events] == ["reported", "comment"]
    assert HazardEvent.objects.restrict(world.user(Role.COUNTY_SYSTEM)).count() == 2
