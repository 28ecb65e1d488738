"""Accident registry pages: who sees what, the default period and the filters, the counts strip
against the same period last year, query counts that do not grow with the rows, the XLSX
export, recording and correcting (typed values kept on errors, conflicts on stale pages), the
actions on an accident's page, the evaluations due, the home panel and the enterprise link."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.choices import AccidentLevel, InvestigationStatus
from assessments.filters.accidents import one_year_earlier
from assessments.models import Accident
from assessments.services import accidents as services
from responsibility.roles import Role
from tests.assessments.conftest import hours_ago
from tests.responsibility.test_query_counts import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("assessments:accident_list")
CREATE = reverse("assessments:accident_create")
DUE = reverse("assessments:accident_evaluations_due")


def local(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@pytest.fixture
def signed_in(client, office_a):
    client.force_login(office_a)
    return client


def _today():
    return timezone.localdate()


# --- Who sees what ----------------------------------------------------------------------------


def test_a_county_never_sees_another_countys_accidents(client, report_accident, enterprise_a, enterprise_b, office_b):
    mine = report_accident(enterprise=enterprise_a, title="晋江的事故")
    foreign = report_accident(enterprise=enterprise_b, title="南安的事故", actor=office_b)
    client.force_login(office_b)
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [foreign]
    assert "晋江的事故" not in response.content.decode()
    assert client.get(mine.get_absolute_url()).status_code == 404
    assert client.get(reverse("assessments:accident_update", args=[mine.pk])).status_code == 404
    response = client.post(reverse("assessments:accident_investigate", args=[mine.pk]), {"investigate-investigation_body": "x"})
    assert response.status_code == 404
    assert client.get(foreign.get_absolute_url()).status_code == 200
    export = client.get(LIST, {"period": "all", "export": "xlsx"})
    assert "晋江的事故" not in _xlsx_rows(export)[1:].__repr__()


def test_city_office_sees_both_counties(client, report_accident, enterprise_a, enterprise_b, office_b, city_office):
    report_accident(enterprise=enterprise_a)
    report_accident(enterprise=enterprise_b, actor=office_b)
    client.force_login(city_office)
    assert client.get(LIST).context["totals"]["total"] == 2


def test_read_only_roles_see_but_cannot_act(client, world, report_accident, enterprise_a):
    accident = report_accident(enterprise=enterprise_a)
    client.force_login(world.user(Role.LEADER))
    response = client.get(accident.get_absolute_url())
    assert response.status_code == 200
    assert response.context["actions"]["forms"] == []
    assert "Correct the facts" not in response.content.decode()
    assert client.get(CREATE).status_code == 403
    assert client.get(reverse("assessments:accident_update", args=[accident.pk])).status_code == 403
    response = client.post(reverse("assessments:accident_close", args=[accident.pk]), {"close-closed_on": _today().isoformat()})
    assert response.status_code == 403
    assert Accident.objects.get(pk=accident.pk).investigation_status == InvestigationStatus.REPORTED


def test_enterprise_accounts_do_not_see_accidents(client, world, report_accident, enterprise_a):
    report_accident(enterprise=enterprise_a)
    client.force_login(world.user(Role.ENTERPRISE))
    response = client.get(LIST)
    assert response.status_code == 200 and not response.context["object_list"]


# --- The list: period, filters, counts --------------------------------------------------------


def test_list_opens_on_this_year_and_can_show_any_time(signed_in, report_accident, enterprise_a):
    today = _today()
    this_year = report_accident(enterprise=enterprise_a, occurred_at=hours_ago(3))
    last_year = report_accident(enterprise=enterprise_a, occurred_at=local(datetime.date(today.year - 1, 6, 1)))
    assert list(signed_in.get(LIST).context["object_list"]) == [this_year]
    assert signed_in.get(LIST).context["filterset"].form["period"].value() == "this_year"
    assert set(signed_in.get(LIST, {"period": "all"}).context["object_list"]) == {this_year, last_year}
    assert list(signed_in.get(LIST, {"period": "last_year"}).context["object_list"]) == [last_year]
    # A link from an enterprise's page is not limited to this year.
    assert set(signed_in.get(LIST, {"enterprise": enterprise_a.pk}).context["object_list"]) == {this_year, last_year}


def test_counts_strip_compares_with_the_same_period_last_year(signed_in, report_accident, enterprise_a):
    today = _today()
    now_a = report_accident(enterprise=enterprise_a, occurred_at=hours_ago(5), deaths=2, serious_injuries=1, direct_loss=Decimal("120.5"))
    report_accident(enterprise=enterprise_a, occurred_at=hours_ago(6), deaths=3)
    # Last year: one inside the same span (Jan 1 … the same day), one after it (not compared).
    inside = one_year_earlier(today) - datetime.timedelta(days=1) if today.timetuple().tm_yday > 1 else one_year_earlier(today)
    report_accident(enterprise=enterprise_a, occurred_at=local(inside), deaths=1)
    if today.month < 12:
        report_accident(enterprise=enterprise_a, occurred_at=local(datetime.date(today.year - 1, 12, 30)), deaths=9)
    response = signed_in.get(LIST)
    totals = response.context["totals"]
    assert (totals["total"], totals["deaths"], totals["injuries"]) == (2, 5, 1)
    assert totals["loss"] == Decimal("130.50")
    assert totals["level_ordinary"] == 1 and totals["level_larger"] == 1 and totals["larger_or_above"] == 1
    comparison = response.context["comparison"]
    assert comparison["totals"]["total"] == 1 and comparison["totals"]["deaths"] == 1
    assert comparison["changes"]["total"] == {"delta": 1, "direction": "up", "previous": 1}
    assert comparison["changes"]["deaths"]["delta"] == 4
    assert now_a.title in response.content.decode()
    assert "compared with the same period last year" in response.content.decode()


def test_no_comparison_for_any_time(signed_in, report_accident, enterprise_a):
    report_accident(enterprise=enterprise_a)
    response = signed_in.get(LIST, {"period": "all"})
    assert response.context["comparison"] is None
    assert "Choose a period to compare" in response.content.decode()


def test_filters(signed_in, report_accident, enterprise_a, world, office_a, city_orgs):
    occurred = hours_ago(30)
    ordinary = report_accident(enterprise=enterprise_a, title="一般事故")
    larger = report_accident(enterprise=enterprise_a, title="较大事故", deaths=3)
    report_accident(enterprise=enterprise_a, title="迟报事故", occurred_at=occurred, reported_at=occurred + datetime.timedelta(hours=5))
    road = report_accident(jurisdiction=world.a.village, title="道路事故", accident_type="road_traffic")
    services.accident_close_case(actor=office_a, accident=ordinary, closed_on=_today(), investigation_body="调查组")
    services.accident_list_for_supervision(actor=office_a, accident=larger, listing_body=world.a.orgs["committee"], listed_on=_today())

    def titles(**params):
        return {a.title for a in signed_in.get(LIST, {"period": "all", **params}).context["object_list"]}

    assert titles(level="larger_or_above") == {"较大事故"}
    assert titles(level="ordinary") == {"一般事故", "迟报事故", "道路事故"}
    assert titles(late="true") == {"迟报事故"}
    assert titles(listed="true") == {"较大事故"}
    assert titles(investigation="closed") == {"一般事故"}
    assert titles(accident_type="road_traffic") == {"道路事故"}
    assert titles(fatal="true") == {"较大事故"}
    assert titles(jurisdiction=world.a.township.pk) == {"一般事故", "较大事故", "迟报事故", "道路事故"}
    assert titles(jurisdiction=world.b.township.pk) == set()  # not a choice for county A
    assert titles(q="迟报") == {"迟报事故"}
    assert titles(q=larger.code) == {"较大事故"}
    assert titles(sector="industry_trade") == {"一般事故", "较大事故", "迟报事故"}
    today = _today()
    assert titles(occurred_from=today.isoformat()) <= {"一般事故", "较大事故", "道路事故", "迟报事故"}
    assert road.title not in titles(occurred_to=(today - datetime.timedelta(days=400)).isoformat())


def test_invalid_filter_shows_nothing_not_an_error(signed_in, report_accident, enterprise_a):
    report_accident(enterprise=enterprise_a)
    response = signed_in.get(LIST, {"occurred_from": "not-a-date"})
    assert response.status_code == 200
    assert not response.context["object_list"]


def _add_rows(report_accident, enterprise, n, start=0):
    for i in range(n):
        report_accident(enterprise=enterprise, title=f"事故{start + i}", occurred_at=hours_ago(3 + i), deaths=i % 4)


def test_list_query_count_does_not_grow_with_rows(signed_in, report_accident, enterprise_a, django_assert_num_queries):
    _add_rows(report_accident, enterprise_a, 3)
    small = count_queries(signed_in, LIST)
    _add_rows(report_accident, enterprise_a, 27, start=3)
    # Session and user (2), the access rule (4: user and group permissions, the scope, the
    # object-grant content types), the counts and the comparison's counts (2), the scope label
    # of the header, the jurisdiction and sector choices of the filter form (2), the page (1).
    with django_assert_num_queries(small):
        response = signed_in.get(LIST)
    assert response.status_code == 200 and len(response.context["object_list"]) == 25
    assert small == PINNED_LIST_QUERIES, small


PINNED_LIST_QUERIES = 12


def test_evaluations_due_query_count_is_constant(signed_in, report_accident, enterprise_a, office_a):
    def closed(n):
        for _ in range(n):
            accident = report_accident(enterprise=enterprise_a, occurred_at=hours_ago(24 * 400))
            services.accident_close_case(
                actor=office_a, accident=accident, closed_on=_today() - datetime.timedelta(days=360), investigation_body="调查组"
            )

    closed(2)
    small = count_queries(signed_in, DUE)
    closed(10)
    assert count_queries(signed_in, DUE) == small


# --- Export -----------------------------------------------------------------------------------


def _xlsx_rows(response) -> list[tuple]:
    from openpyxl import load_workbook

    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_export_is_a_readable_workbook_of_the_filtered_rows(signed_in, report_accident, enterprise_a):
    occurred = hours_ago(30)
    report_accident(enterprise=enterprise_a, title="较大事故", deaths=3, direct_loss=Decimal("1500.25"), occurred_at=occurred)
    report_accident(enterprise=enterprise_a, title="一般事故")
    response = signed_in.get(LIST, {"period": "all", "level": "larger", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _xlsx_rows(response)
    headers = rows[0]
    assert headers[:3] == ("Reference number", "Title", "Occurred at")
    assert len(rows) == 2
    row = dict(zip(headers, rows[1], strict=True))
    assert row["Title"] == "较大事故" and row["Deaths"] == 3 and row["Level"] == "Larger"
    assert float(row["Direct economic loss (10,000 yuan)"]) == 1500.25
    assert row["Enterprise"] == enterprise_a.name
    assert row["Occurred at"].replace(microsecond=0) == timezone.localtime(occurred).replace(tzinfo=None, microsecond=0)


def test_menu_export_is_this_year(signed_in, report_accident, enterprise_a):
    report_accident(enterprise=enterprise_a, title="今年")
    report_accident(enterprise=enterprise_a, title="去年", occurred_at=local(datetime.date(_today().year - 1, 3, 1)))
    rows = _xlsx_rows(signed_in.get(LIST, {"export": "xlsx"}))
    assert [r[1] for r in rows[1:]] == ["今年"]


# --- Recording and correcting -----------------------------------------------------------------


def _form_data(**overrides) -> dict:
    occurred = timezone.localtime(hours_ago(20))
    data = {
        "title": "厂房坍塌事故",
        "accident_type": "collapse",
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "reported_at": (occurred + datetime.timedelta(minutes=45)).strftime("%Y-%m-%dT%H:%M"),
        "place": "二号厂房",
        "deaths": "1",
        "missing": "0",
        "serious_injuries": "2",
        "direct_loss": "35.5",
        "summary": "钢结构厂房坍塌",
    }
    data.update(overrides)
    return data


def test_record_an_accident_with_phone_datetime_inputs(signed_in, enterprise_a, world):
    from tests.factories import EnterpriseFactory

    others = [EnterpriseFactory(jurisdiction=world.a.township, name=f"其他企业{i}") for i in range(3)]
    page = signed_in.get(CREATE, {"enterprise": enterprise_a.pk})
    assert page.status_code == 200
    content = page.content.decode()
    assert 'type="datetime-local"' in content and enterprise_a.name in content
    # The enterprise drop-down holds the chosen one (and a search's matches), never the county's thousands.
    assert not any(other.name in content for other in others)
    assert "其他企业1" in signed_in.get(CREATE, {"enterprise_q": "其他企业"}).content.decode()
    response = signed_in.post(CREATE, _form_data(enterprise=enterprise_a.pk))
    accident = Accident.objects.get()
    assert response.status_code == 302 and response["Location"] == accident.get_absolute_url()
    assert accident.supervising_department == world.a.orgs["emergency"]
    assert accident.sector == enterprise_a.sector
    assert accident.direct_loss == Decimal("35.50") and accident.serious_injuries == 2
    assert not accident.reported_late
    assert timezone.localtime(accident.occurred_at).strftime("%Y-%m-%dT%H:%M") == _form_data()["occurred_at"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deaths": "-1"}, "deaths", "The number of deaths cannot be negative."),
        ({"serious_injuries": "-3"}, "serious_injuries", "The number of serious injuries cannot be negative."),
        ({"direct_loss": "-0.5"}, "direct_loss", "The direct economic loss cannot be negative."),
        (
            {"occurred_at": timezone.localtime(hours_ago(-3)).strftime("%Y-%m-%dT%H:%M"), "reported_at": ""},
            "occurred_at",
            "The accident cannot have occurred in the future.",
        ),
        (
            {"reported_at": timezone.localtime(hours_ago(30)).strftime("%Y-%m-%dT%H:%M")},
            "reported_at",
            "An accident cannot be reported before it occurred.",
        ),
    ],
)
def test_bad_input_comes_back_with_what_was_typed(signed_in, enterprise_a, overrides, field, message):
    data = _form_data(enterprise=enterprise_a.pk, **overrides)
    response = signed_in.post(CREATE, data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not Accident.objects.exists()
    content = response.content.decode()
    assert "厂房坍塌事故" in content and "钢结构厂房坍塌" in content


def test_accident_without_enterprise_needs_the_place(signed_in, world):
    response = signed_in.post(CREATE, _form_data(accident_type="road_traffic"))
    assert response.status_code == 200 and "jurisdiction" in response.context["form"].errors
    response = signed_in.post(CREATE, _form_data(accident_type="road_traffic", jurisdiction=world.a.township.pk))
    assert response.status_code == 302
    assert Accident.objects.get().jurisdiction == world.a.township


def test_correcting_with_a_stale_page_is_refused(signed_in, report_accident, enterprise_a, city_office):
    accident = report_accident(enterprise=enterprise_a)
    url = reverse("assessments:accident_update", args=[accident.pk])
    page = signed_in.get(url)
    seen = page.context["form"].initial["expected_updated_at"]
    services.accident_update(actor=city_office, accident=accident, deaths=1)
    data = _form_data(enterprise=enterprise_a.pk, deaths="2", expected_updated_at=seen, concealed="")
    response = signed_in.post(url, data)
    assert response.status_code == 200
    assert "Someone else has changed this accident" in response.content.decode()
    assert Accident.objects.get(pk=accident.pk).deaths == 1
    fresh = signed_in.get(url).context["form"].initial["expected_updated_at"]
    response = signed_in.post(url, {**data, "expected_updated_at": fresh})
    assert response.status_code == 302
    stored = Accident.objects.get(pk=accident.pk)
    assert stored.deaths == 2 and stored.title == "厂房坍塌事故"


def test_enterprise_search(signed_in, enterprise_a, enterprise_b):
    url = reverse("assessments:accident_enterprise_search")
    body = signed_in.get(url, {"q": "鞋业"}).json()
    assert [r["id"] for r in body["results"]] == [enterprise_a.pk]
    assert signed_in.get(url, {"q": "石材"}).json()["results"] == []


# --- The accident's page and its actions ------------------------------------------------------


def test_detail_explains_the_level_and_the_delay(signed_in, report_accident, enterprise_a):
    occurred = hours_ago(30)
    accident = report_accident(
        enterprise=enterprise_a, deaths=3, direct_loss=Decimal("20"), occurred_at=occurred,
        reported_at=occurred + datetime.timedelta(hours=2, minutes=5),
    )
    response = signed_in.get(accident.get_absolute_url())
    content = response.content.decode()
    assert response.context["delay"] == "2 h 05 min"
    assert response.context["limit"] == "1 h 00 min"
    assert "decides the level" in content and "at least 3: Larger" in content
    assert "Reported late" in content
    deaths = response.context["levels"][0]
    assert deaths.name == "deaths" and deaths.decides and deaths.level == AccidentLevel.LARGER


def test_investigate_close_evaluate_through_the_page(signed_in, report_accident, enterprise_a):
    accident = report_accident(enterprise=enterprise_a, occurred_at=hours_ago(24 * 40))
    page = signed_in.get(accident.get_absolute_url())
    keys = [item["key"] for item in page.context["actions"]["forms"]]
    assert keys == ["investigate", "close", "list"]
    version = page.context["actions"]["forms"][0]["form"].initial["expected_updated_at"]
    response = signed_in.post(
        reverse("assessments:accident_investigate", args=[accident.pk]),
        {"investigate-investigation_body": "晋江市事故调查组", "investigate-expected_updated_at": version},
    )
    assert response.status_code == 302
    # Closing before the accident occurred: the page again, with the error and the date typed.
    bad = (timezone.localdate() - datetime.timedelta(days=100)).isoformat()
    response = signed_in.post(reverse("assessments:accident_close", args=[accident.pk]), {"close-closed_on": bad})
    assert response.status_code == 200
    assert "The case cannot be dated before the accident occurred." in response.content.decode()
    assert bad in response.content.decode()
    closed_on = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = signed_in.post(reverse("assessments:accident_close", args=[accident.pk]), {"close-closed_on": closed_on})
    assert response.status_code == 302
    accident.refresh_from_db()
    assert accident.investigation_status == InvestigationStatus.CLOSED and accident.evaluation_due_on is not None
    response = signed_in.post(
        reverse("assessments:accident_evaluate", args=[accident.pk]),
        {"evaluate-evaluated_on": timezone.localdate().isoformat(), "evaluate-note": "整改措施全部落实"},
    )
    assert response.status_code == 302
    assert Accident.objects.get(pk=accident.pk).evaluated_on == timezone.localdate()
    page = signed_in.get(accident.get_absolute_url())
    assert [item["key"] for item in page.context["actions"]["forms"]] == ["list"]
    assert [e.kind for e in page.context["events"]] == ["reported", "investigating", "closed", "evaluated"]


def test_stale_action_is_a_warning_and_changes_nothing(signed_in, report_accident, enterprise_a, city_office):
    accident = report_accident(enterprise=enterprise_a)
    version = accident.updated_at.isoformat()
    services.accident_update(actor=city_office, accident=accident, deaths=1)
    response = signed_in.post(
        reverse("assessments:accident_investigate", args=[accident.pk]),
        {"investigate-investigation_body": "调查组", "investigate-expected_updated_at": version},
        follow=True,
    )
    assert "Someone else has changed this accident" in response.content.decode()
    assert Accident.objects.get(pk=accident.pk).investigation_status == InvestigationStatus.REPORTED


def test_listing_through_the_page(signed_in, report_accident, enterprise_a, world):
    accident = report_accident(enterprise=enterprise_a, deaths=2)
    response = signed_in.post(
        reverse("assessments:accident_list_for_supervision", args=[accident.pk]),
        {"list-listing_body": world.a.orgs["committee"].pk, "list-listed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Accident.objects.get(pk=accident.pk).listed


# --- Evaluations due, home page, enterprise page ----------------------------------------------


def test_evaluations_due_lists_overdue_and_coming(signed_in, report_accident, enterprise_a, office_a):
    today = timezone.localdate()

    def closed(title, days_ago):
        accident = report_accident(enterprise=enterprise_a, title=title, occurred_at=hours_ago(24 * 500))
        return services.accident_close_case(
            actor=office_a, accident=accident, closed_on=today - datetime.timedelta(days=days_ago), investigation_body="调查组"
        )

    overdue = closed("逾期评估", 400)
    soon = closed("即将评估", 340)
    closed("尚早", 100)
    done = closed("已评估", 380)
    services.accident_record_evaluation(actor=office_a, accident=done, evaluated_on=today, note="已落实")
    response = signed_in.get(DUE)
    assert [a.title for a in response.context["accidents"]] == [overdue.title, soon.title]
    assert "days overdue" in response.content.decode()


def test_home_panel_this_year_against_last_year(signed_in, report_accident, enterprise_a):
    report_accident(enterprise=enterprise_a, deaths=2)
    response = signed_in.get(reverse("home"))
    content = response.content.decode()
    assert f"Accidents in {timezone.localdate().year}" in content
    assert reverse("assessments:accident_evaluations_due") in content


def test_home_panel_is_not_shown_to_read_only_roles(client, world):
    client.force_login(world.user(Role.LEADER))
    assert "Rectification evaluations due" not in client.get(reverse("home")).content.decode()


def test_enterprise_page_links_to_its_accidents(signed_in, enterprise_a):
    content = signed_in.get(enterprise_a.get_absolute_url()).content.decode()
    assert f"{LIST}?enterprise={enterprise_a.pk}&amp;period=all" in content
    assert f"{CREATE}?enterprise={enterprise_a.pk}" in content


# --- Administration ---------------------------------------------------------------------------


def test_admin_shows_every_model_and_edits_only_rules(admin_client, report_accident, enterprise_a):
    from assessments.models import AssessmentScheme, SchemeCategory

    accident = report_accident(enterprise=enterprise_a)
    for name in ("accident", "accidentpolicy", "assessmentscheme", "assessmentround", "accountabilitydecision", "dutydossier"):
        assert admin_client.get(reverse(f"admin:assessments_{name}_changelist")).status_code == 200, name
    page = admin_client.get(reverse("admin:assessments_accident_change", args=[accident.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert admin_client.get(reverse("admin:assessments_accident_add")).status_code == 403
    assert admin_client.get(reverse("admin:assessments_accidentpolicy_add")).status_code == 200
    scheme = AssessmentScheme.objects.create(name="测试细则", target_kind="government", period_kind="quarterly")
    SchemeCategory.objects.create(scheme=scheme, name="基础工作", max_points=40)
    page = admin_client.get(reverse("admin:assessments_assessmentscheme_change", args=[scheme.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"] and "基础工作" in page.content.decode()
    scheme.frozen_at = timezone.now()
    scheme.save()
    page = admin_client.get(reverse("admin:assessments_assessmentscheme_change", args=[scheme.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
