"""Accountability decisions (问责): the service's validation and scoping, the pages (list with
filters and export, detail, form), the object links and the API."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AccountabilityDecision, DutyDossier
from assessments.services.accountability import decision_record, decision_update, post_title_at
from core.errors import ConflictError
from responsibility.choices import PostRole
from responsibility.roles import Role
from tests.assessments.conftest import make_accident, make_patrol_finding
from tests.factories import OfficialFactory, PostFactory

D = datetime.date


def _official_with_history(world):
    """Township head of 安海镇 until 2024, then deputy head of county A's emergency bureau."""
    official = OfficialFactory(name="王历任", registered_in=world.a.county)
    PostFactory(official=official, organization=world.a.orgs["township"], role=PostRole.GOVERNMENT_PRINCIPAL, title="镇长",
                start_date=D(2021, 1, 1), end_date=D(2024, 12, 31))
    PostFactory(official=official, organization=world.a.orgs["emergency"], role=PostRole.DEPARTMENT_LEADER, title="副局长",
                start_date=D(2025, 1, 1))
    return official


def _record(actor, **fields):
    values = {"measure": "admonition_talk", "decided_on": D(2025, 3, 1), "decided_by": "晋江市纪委监委", "grounds": "督导检查不力", **fields}
    return decision_record(actor=actor, **values)


# --- The service ------------------------------------------------------------------------------


def test_the_unit_post_and_jurisdiction_come_from_the_posts_held_on_the_decision_date(world):
    office = world.user(Role.SAFETY_OFFICE)
    official = _official_with_history(world)
    then = _record(office, official=official, decided_on=D(2024, 6, 1))
    assert (then.organization, then.post_title, then.jurisdiction) == (world.a.orgs["township"], "安海镇人民政府 镇长", world.a.township)
    now = _record(office, official=official, decided_on=D(2025, 6, 1))
    assert (now.organization, now.post_title, now.jurisdiction) == (world.a.orgs["emergency"], "晋江市应急管理局 副局长", world.a.county)
    assert now.created_by == office
    # What the user typed is kept.
    typed = _record(office, official=official, decided_on=D(2025, 6, 1), post_title="原安海镇镇长")
    assert typed.post_title == "原安海镇镇长"
    assert post_title_at(official, D(2020, 1, 1)) == ""


def test_a_unit_alone_may_be_held_to_account(world):
    decision = _record(world.user(Role.SAFETY_OFFICE), organization=world.a.orgs["emergency"], measure="criticism_notice")
    assert decision.official is None and decision.jurisdiction == world.a.county


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "official"),  # neither official nor unit
        ({"modifier": "lighter"}, "modifier_reason"),
        ({"modifier": "exempted", "modifier_reason": "   "}, "modifier_reason"),
        ({"modifier_reason": "主动整改"}, "modifier"),
        ({"decided_on": datetime.date.today() + datetime.timedelta(days=1)}, "decided_on"),
        ({"measure": "beheading"}, "measure"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_saved(world, fields, field):
    subject = {} if not fields else {"official": world.a.official}
    with pytest.raises(ValidationError) as raised:
        _record(world.user(Role.SAFETY_OFFICE), **{**subject, **fields})
    assert field in raised.value.message_dict
    assert not AccountabilityDecision.objects.exists()


def test_records_outside_the_scope_cannot_be_named(world, office_b):
    office = world.user(Role.SAFETY_OFFICE)
    accident_b = make_accident(jurisdiction=world.b.township, occurred_on=D(2025, 2, 1))
    with pytest.raises(ValidationError) as raised:
        _record(office, official=world.b.official)
    assert "official" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        _record(office, official=world.a.official, accident=accident_b)
    assert "accident" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        _record(office_b, organization=world.a.orgs["emergency"])
    assert "organization" in raised.value.message_dict


def test_roles_without_the_permission_cannot_record(world):
    with pytest.raises(PermissionDenied):
        _record(world.user(Role.LEADER), official=world.a.official)


def test_an_exemption_rests_on_the_officials_ready_dossier(world):
    office = world.user(Role.SAFETY_OFFICE)
    dossier = DutyDossier.objects.create(
        official=world.a.official, jurisdiction_path=world.a.county.path, period_start=D(2024, 1, 1), period_end=D(2024, 12, 31),
    )
    fields = {"official": world.a.official, "measure": "other", "modifier": "exempted", "modifier_reason": "已全面履职", "dossier": dossier}
    with pytest.raises(ValidationError) as raised:
        _record(office, **fields)
    assert "dossier" in raised.value.message_dict  # not generated yet
    dossier.status = "ready"
    dossier.save()
    with pytest.raises(ValidationError) as raised:
        _record(office, **{**fields, "official": _official_with_history(world)})
    assert "dossier" in raised.value.message_dict  # somebody else's
    decision = _record(office, **fields, lifelong=True)
    assert decision.dossier == dossier and decision.lifelong and decision.modifier == "exempted"


def test_an_edit_on_a_stale_page_conflicts_and_other_roles_cannot_edit(world):
    office = world.user(Role.SAFETY_OFFICE)
    decision = _record(office, official=world.a.official)
    loaded = decision.updated_at
    decision_update(actor=office, decision=decision, expected_updated_at=loaded, measure="warning")
    with pytest.raises(ConflictError):
        decision_update(actor=office, decision=decision, expected_updated_at=loaded, measure="demerit")
    assert AccountabilityDecision.objects.get().measure == "warning"
    with pytest.raises(PermissionDenied):
        decision_update(actor=world.user(Role.LEADER), decision=decision, measure="demerit")


# --- Pages ------------------------------------------------------------------------------------


@pytest.fixture
def decisions(world, office_b):
    office = world.user(Role.SAFETY_OFFICE)
    accident = make_accident(jurisdiction=world.a.township, occurred_on=D(2025, 2, 1), deaths=1, title="安海镇机械伤害事故")
    return {
        "talk": _record(office, official=world.a.official, accident=accident, decided_on=D(2025, 3, 1)),
        "exempted": _record(office, official=world.a.official, measure="other", modifier="exempted", modifier_reason="已全面履职",
                            decided_on=D(2024, 5, 1)),
        "lifelong": _record(office, organization=world.a.orgs["emergency"], measure="warning", lifelong=True, decided_on=D(2025, 4, 1)),
        "b": _record(office_b, official=world.b.official, decided_on=D(2025, 3, 1)),
        "accident": accident,
    }


def _names(response) -> set[int]:
    return {d.pk for d in response.context["object_list"]}


def test_the_list_shows_the_scope_and_filters(client, world, decisions):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("assessments:decision_list")
    response = client.get(url)
    assert response.status_code == 200
    assert _names(response) == {decisions["talk"].pk, decisions["exempted"].pk, decisions["lifelong"].pk}
    assert _names(client.get(url, {"modifier": "exempted"})) == {decisions["exempted"].pk}
    assert _names(client.get(url, {"modifier": "none", "year": "2025"})) == {decisions["talk"].pk, decisions["lifelong"].pk}
    assert _names(client.get(url, {"measure": "warning"})) == {decisions["lifelong"].pk}
    assert _names(client.get(url, {"accident": decisions["accident"].pk})) == {decisions["talk"].pk}
    assert _names(client.get(url, {"linked": "accident"})) == {decisions["talk"].pk}
    assert _names(client.get(url, {"lifelong": "true"})) == {decisions["lifelong"].pk}
    assert _names(client.get(url, {"jurisdiction": world.b.county.pk})) == set()  # an invalid choice: nothing


def test_the_export_has_the_filtered_rows(client, world, decisions):
    from openpyxl import load_workbook

    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("assessments:decision_list"), {"year": "2025", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Decided on", "Official")
    assert len(rows) == 3
    assert {r[13] or r[11] for r in rows[1:]} >= {decisions["accident"].code}
    assert "Notice of criticism" not in {r[4] for r in rows[1:]} and "Warning" in {r[4] for r in rows[1:]}


def test_the_list_query_count_does_not_grow(client, world, decisions):
    office = world.user(Role.SAFETY_OFFICE)
    client.force_login(office)
    url = reverse("assessments:decision_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        _record(office, official=world.a.official, accident=decisions["accident"], hazard=None, decided_on=D(2025, 1, 1 + n))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["object_list"]) == 23
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_foreign_decision_is_a_404_and_the_detail_shows_the_decision(client, world, decisions):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(decisions["b"].get_absolute_url()).status_code == 404
    assert client.get(reverse("assessments:decision_update", args=[decisions["b"].pk])).status_code == 404
    response = client.get(decisions["talk"].get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "安海镇机械伤害事故" in body and "晋江市纪委监委" in body
    assert reverse("assessments:accident_traceback", args=[decisions["accident"].pk]) in body
    client.force_login(world.user(Role.LEADER))  # reads, never edits
    assert client.get(decisions["talk"].get_absolute_url()).status_code == 200
    assert client.get(reverse("assessments:decision_update", args=[decisions["talk"].pk])).status_code == 403
    client.force_login(world.user(Role.INSPECTOR))  # no accountability records at all
    assert client.get(reverse("assessments:decision_list")).status_code == 403


def test_the_form_keeps_what_was_typed_and_records_a_valid_decision(client, world):
    office = world.user(Role.SAFETY_OFFICE)
    client.force_login(office)
    official = _official_with_history(world)
    url = reverse("assessments:decision_create")
    page = client.get(url, {"official": official.pk, "who": "王历"})
    assert page.status_code == 200
    assert page.context["form"].initial["post_title"] == "晋江市应急管理局 副局长"
    assert "王历任" in page.content.decode()
    data = {
        "official": official.pk, "measure": "admonition_talk", "decided_on": "2025-03-01", "decided_by": "晋江市纪委监委",
        "grounds": "挂包隐患督导不力", "modifier": "lighter", "modifier_reason": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "needs its reason" in response.content.decode() and "挂包隐患督导不力" in response.content.decode()
    # The prefill button recomputes the unit and post from the decision date, saving nothing.
    response = client.post(url, {**data, "decided_on": "2024-03-01", "prefill": "1"})
    assert response.context["form"].data["post_title"] == "安海镇人民政府 镇长"
    assert not AccountabilityDecision.objects.exists()
    response = client.post(url, {**data, "modifier_reason": "主动采取补救措施", "hazard_code": "YH000"})
    assert response.status_code == 400 and "No hazard with this reference number" in response.content.decode()
    response = client.post(url, {**data, "modifier_reason": "主动采取补救措施"})
    decision = AccountabilityDecision.objects.get()
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    assert (decision.modifier, decision.organization, decision.post_title) == ("lighter", world.a.orgs["emergency"], "晋江市应急管理局 副局长")


def test_the_form_links_a_patrol_finding_and_a_hazard_in_scope(client, world, city_office):
    from tests.factories import HazardFactory

    finding = make_patrol_finding(issuing=world.city, target_jurisdiction=world.a.county, unit=world.a.orgs["government"],
                                  found_on=D(2025, 7, 1))
    hazard = HazardFactory(jurisdiction=world.a.township, enterprise=None, title="无主隐患")
    client.force_login(city_office)
    url = reverse("assessments:decision_create")
    page = client.get(url, {"patrol_finding": finding.pk, "hazard": hazard.pk})
    assert page.context["form"].initial["hazard_code"] == hazard.code
    response = client.post(url, {
        "organization": world.a.orgs["government"].pk, "measure": "criticism_notice", "decided_on": "2025-08-01",
        "decided_by": "泉州市委", "grounds": "巡查发现问题整改不力", "patrol_finding": finding.pk, "hazard_code": hazard.code.lower(),
    })
    assert response.status_code == 302
    decision = AccountabilityDecision.objects.get()
    assert (decision.patrol_finding, decision.hazard) == (finding, hazard)


def test_an_edit_on_a_stale_form_is_a_409(client, world, decisions):
    client.force_login(world.user(Role.SAFETY_OFFICE))
    decision = decisions["talk"]
    url = reverse("assessments:decision_update", args=[decision.pk])
    form = client.get(url).context["form"]
    stale = form.initial["expected_updated_at"]
    data = {
        "official": decision.official_id, "organization": decision.organization_id, "post_title": decision.post_title,
        "measure": "warning", "decided_on": "2025-03-01", "decided_by": "晋江市纪委监委", "grounds": "督导检查不力",
        "accident": decision.accident_id, "expected_updated_at": stale,
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "measure": "demerit"})
    assert response.status_code == 409
    assert AccountabilityDecision.objects.get(pk=decision.pk).measure == "warning"


def test_the_official_and_the_accident_get_links(rf, world, decisions, accountability_links):
    from core.registry import links_for

    request = rf.get("/")
    request.user = world.user(Role.SAFETY_OFFICE)
    links = dict(links_for(request, world.a.official))
    assert links["Accountability decisions (2)"] == f"{reverse('assessments:decision_list')}?official={world.a.official.pk}"
    assert links["Duty-performance dossier"].startswith(reverse("assessments:dossier_create"))
    links = dict(links_for(request, decisions["accident"]))
    assert links["Trace-back report"] == reverse("assessments:accident_traceback", args=[decisions["accident"].pk])
    assert "Accountability decisions (1)" in links and "Record an accountability decision" in links
    request.user = world.user(Role.INSPECTOR)  # sees accidents, not accountability
    assert [label for label, _url in links_for(request, decisions["accident"])] == ["Trace-back report"]


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_decisions_in_scope_only(api_client, world, decisions, office_b):
    url = reverse("api:accountability-decision-list")
    api_client.force_authenticate(world.user(Role.COUNTY_SYSTEM))  # its role reads dossiers, not decisions
    assert api_client.get(url).json()["results"] == []
    api_client.force_authenticate(world.user(Role.AUDITOR))
    response = api_client.get(url)
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {decisions["talk"].pk, decisions["exempted"].pk, decisions["lifelong"].pk}
    row = api_client.get(url, {"modifier": "exempted"}).json()["results"]
    assert [r["id"] for r in row] == [decisions["exempted"].pk] and row[0]["modifier_display"] == "Exempted (duties fully performed)"
    assert [r["id"] for r in api_client.get(url, {"accident": decisions["accident"].pk}).json()["results"]] == [decisions["talk"].pk]
    detail = api_client.get(reverse("api:accountability-decision-detail", args=[decisions["talk"].pk])).json()
    assert detail["accident_code"] == decisions["accident"].code and detail["measure"] == "admonition_talk"
    assert api_client.get(reverse("api:accountability-decision-detail", args=[decisions["b"].pk])).status_code == 404
    assert api_client.post(url, {}).status_code in (403, 405)
    assert api_client.get(url, {"accident": "x"}).status_code == 400
