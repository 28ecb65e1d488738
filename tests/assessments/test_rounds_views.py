"""Assessment round pages: the list with its counts, opening a round (typed values kept on
errors), a round's page with the workflow buttons, recomputation, the ranked results with veto
marks and changes, exports, transmission and timeline; one unit's page with explanations,
inputs and linked records; manual scoring with conflict detection; the assessed unit's
self-evaluation; scoping (a county office sees only its own row of the city's round, another
city's round is a 404); the home panel; and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime
import io
import itertools
import re

import pytest
from django.urls import reverse

from assessments.choices import RoundStatus
from assessments.models import AssessmentRound, RoundTarget, Score
from assessments.services import rounds as services
from responsibility.choices import JurisdictionLevel, OrganizationKind, PostRole
from responsibility.roles import Role
from tests.assessments.conftest import (
    IN_QUARTER,
    ROUND_QUARTER,
    ROUND_YEAR,
    build_scheme,
    make_accident,
    make_hazard,
)
from tests.factories import OrganizationFactory, jurisdiction, official_user
from tests.responsibility.test_query_counts import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("assessments:round_list")
_county_numbers = itertools.count(21)


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def city_scheme(world):
    """The city's own quarterly scheme for the counties (manual 60, computed 40, bonus, the
    50-point deduction per accident with two deaths, the accident vetoes)."""
    return build_scheme(jurisdiction=world.city, name="泉州市县级政府季度考核细则")


@pytest.fixture
def city_round(world, city_office, city_scheme):
    """Q3 2025 of the city over its two counties: county A had an accident with three deaths
    (a larger accident: 50 points deducted) and one hazard overdue of two due."""
    make_hazard(jurisdiction=world.a.village, deadline=IN_QUARTER, title="仓库消防通道堵塞")
    make_hazard(jurisdiction=world.a.village, deadline=IN_QUARTER, status="closed", rectified_on=IN_QUARTER, title="配电箱未接地")
    make_accident(jurisdiction=world.a.township, occurred_on=IN_QUARTER, deaths=3, title="安海镇厂房坍塌事故")
    return services.round_create(actor=city_office, scheme=city_scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=ROUND_QUARTER)


def target_of(round_, organization) -> RoundTarget:
    return RoundTarget.objects.get(round=round_, organization=organization)


def manual_score(target) -> Score:
    return Score.objects.get(target=target, indicator__code="M1")


def score_all(round_, actor, points=50):
    for score in Score.objects.filter(target__round=round_, indicator__kind="manual"):
        services.score_enter(actor=actor, score=score, points=points, evidence="材料齐全")


def move(round_, actor, *actions):
    for action in actions:
        round_ = services.round_transition(actor=actor, round=round_, action=action, comment="原因")
    return round_


def publish(round_, actor):
    score_all(round_, actor)
    return move(round_, actor, "start_scoring", "submit_review", "finalize", "publish")


@pytest.fixture
def other_city(db):
    """漳州市 with one county, its own office and a round of its own."""
    from tests.factories import jurisdiction as make_jurisdiction

    province = make_jurisdiction("350000", JurisdictionLevel.PROVINCE, None, "福建省")
    city = make_jurisdiction("350600", JurisdictionLevel.CITY, province, "漳州市")
    county = make_jurisdiction("350623", JurisdictionLevel.COUNTY, city, "漳浦县")
    OrganizationFactory(jurisdiction=county, name="漳浦县人民政府", kind=OrganizationKind.GOVERNMENT)
    office = OrganizationFactory(jurisdiction=city, name="漳州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE)
    user = official_user(role=Role.SAFETY_OFFICE, organization=office, post_role=PostRole.OFFICE_STAFF, username="zz_office")
    scheme = build_scheme(jurisdiction=city, name="漳州市考核细则")
    round_ = services.round_create(actor=user, scheme=scheme, jurisdiction=city, year=ROUND_YEAR, quarter=ROUND_QUARTER)
    return {"city": city, "user": user, "round": round_}


def add_counties(world, n: int) -> None:
    for _ in range(n):
        number = next(_county_numbers)
        county = jurisdiction(f"3505{number:02d}", JurisdictionLevel.COUNTY, world.city, f"测试县{number}")
        OrganizationFactory(jurisdiction=county, name=f"测试县{number}人民政府", kind=OrganizationKind.GOVERNMENT)


# --- The list -------------------------------------------------------------------------------------


def test_list_shows_rounds_in_scope_with_counts(client, world, city_office, city_round, other_city):
    client.force_login(city_office)
    response = client.get(LIST)
    assert response.status_code == 200
    rounds = list(response.context["object_list"])
    assert rounds == [city_round]
    row = rounds[0]
    assert (row.target_count, row.computed_count, row.manual_count, row.manual_scored) == (2, 2, 2, 0)
    html = response.content.decode()
    assert "泉州市 · 2025 Q3" in html
    assert reverse("assessments:round_create") in html


def test_county_office_lists_the_city_round_counting_its_own_unit_only(client, world, office_a, city_round):
    client.force_login(office_a)
    response = client.get(LIST)
    rounds = list(response.context["object_list"])
    assert rounds == [city_round]
    assert rounds[0].target_count == 1


def test_list_filters_by_status(client, city_office, city_round):
    client.force_login(city_office)
    assert list(client.get(LIST, {"status": "open"}).context["object_list"]) == [city_round]
    assert list(client.get(LIST, {"status": "published"}).context["object_list"]) == []


def test_list_query_count_does_not_grow_with_rounds(client, world, city_office, city_scheme, django_assert_num_queries):
    client.force_login(city_office)
    services.round_create(actor=city_office, scheme=city_scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=1)
    few = count_queries(client, LIST)
    add_counties(world, 3)
    services.round_create(actor=city_office, scheme=city_scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=2)
    services.round_create(actor=city_office, scheme=city_scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=3)
    assert count_queries(client, LIST) == few
    with django_assert_num_queries(few):
        client.get(LIST)


# --- Opening a round --------------------------------------------------------------------------------


def test_open_a_round(client, world, city_office, city_scheme):
    client.force_login(city_office)
    url = reverse("assessments:round_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"scheme": city_scheme.pk, "jurisdiction": world.city.pk, "year": ROUND_YEAR, "quarter": 2})
    round_ = AssessmentRound.objects.get()
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    assert round_.targets.count() == 2 and round_.quarter == 2


def test_open_a_round_keeps_input_on_errors(client, world, city_office, city_scheme):
    client.force_login(city_office)
    url = reverse("assessments:round_create")
    # A quarterly scheme without its quarter: the form says so, keeps the year typed.
    response = client.post(url, {"scheme": city_scheme.pk, "jurisdiction": world.city.pk, "year": "2024", "quarter": ""})
    assert response.status_code == 200
    assert "A quarterly scheme needs the quarter." in response.content.decode()
    assert 'value="2024"' in response.content.decode()
    # A period not begun yet: the service's error, on its field.
    response = client.post(url, {"scheme": city_scheme.pk, "jurisdiction": world.city.pk, "year": "2099", "quarter": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AssessmentRound.objects.exists()


def test_only_the_safety_office_opens_rounds(client, world):
    client.force_login(world.user(Role.LEADER))
    assert client.get(reverse("assessments:round_create")).status_code == 403


# --- A round's page ------------------------------------------------------------------------------------


def test_round_page_shows_ranked_results_with_deductions_and_actions(client, world, city_office, city_round):
    client.force_login(city_office)
    response = client.get(city_round.get_absolute_url())
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.organization for r in rows] == [world.b.orgs["government"], world.a.orgs["government"]]
    a_row = rows[1]
    assert a_row.deductions == 50 and a_row.rank == 2
    actions = [t["transition"].action for t in response.context["transitions"]]
    assert actions == ["start_self_evaluation", "start_scoring"]
    html = response.content.decode()
    assert "−50" in html
    assert reverse("assessments:round_compute", args=[city_round.pk]) in html
    assert 'name="start_scoring-expected_status" value="open"' in html
    # Manual items still to score: 0 of 2.
    assert response.context["progress"].manual_scored == 0 and response.context["progress"].manual_count == 2


def test_county_office_sees_only_its_own_row_and_no_actions(client, world, office_a, city_round):
    client.force_login(office_a)
    response = client.get(city_round.get_absolute_url())
    assert response.status_code == 200
    assert [r.organization for r in response.context["rows"]] == [world.a.orgs["government"]]
    assert response.context["transitions"] == [] and not response.context["can_compute"]
    assert "南安市人民政府" not in response.content.decode()
    # Its own row: yes; the other county's row: 404.
    mine, theirs = target_of(city_round, world.a.orgs["government"]), target_of(city_round, world.b.orgs["government"])
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_county_office_cannot_move_or_recompute_the_city_round(client, world, office_a, city_round):
    client.force_login(office_a)
    url = reverse("assessments:round_transition", args=[city_round.pk, "start_scoring"])
    assert client.post(url, {"start_scoring-expected_status": "open"}).status_code == 403
    assert client.post(reverse("assessments:round_compute", args=[city_round.pk])).status_code == 403
    city_round.refresh_from_db()
    assert city_round.status == RoundStatus.OPEN


def test_another_citys_round_is_a_404(client, city_office, other_city):
    client.force_login(city_office)
    round_ = other_city["round"]
    assert client.get(round_.get_absolute_url()).status_code == 404
    target = round_.targets.get()
    assert client.get(target.get_absolute_url()).status_code == 404
    assert client.get(reverse("assessments:round_results_pdf", args=[round_.pk])).status_code == 404
    assert client.post(reverse("assessments:round_compute", args=[round_.pk])).status_code == 404


def test_transition_moves_the_round_and_records_the_timeline(client, city_office, city_round):
    client.force_login(city_office)
    url = reverse("assessments:round_transition", args=[city_round.pk, "start_self_evaluation"])
    response = client.post(url, {"start_self_evaluation-expected_status": "open"})
    assert response.status_code == 302
    city_round.refresh_from_db()
    assert city_round.status == RoundStatus.SELF_EVALUATION
    page = client.get(city_round.get_absolute_url())
    kinds = [e.kind for e in page.context["events"]]
    assert kinds[0] == "created" and "transition" in kinds


def test_stale_page_gets_a_conflict_message_instead_of_acting(client, city_office, city_round):
    client.force_login(city_office)
    move(city_round, city_office, "start_scoring")
    url = reverse("assessments:round_transition", args=[city_round.pk, "start_self_evaluation"])
    # The page showed "open"; someone started scoring meanwhile.
    response = client.post(url, {"start_self_evaluation-expected_status": "open"}, follow=True)
    assert "Someone else has moved this round meanwhile" in response.content.decode()
    city_round.refresh_from_db()
    assert city_round.status == RoundStatus.SCORING


def test_reopening_needs_a_reason_and_keeps_what_was_typed(client, city_office, city_round):
    client.force_login(city_office)
    publish(city_round, city_office)
    url = reverse("assessments:round_transition", args=[city_round.pk, "reopen"])
    response = client.post(url, {"reopen-expected_status": "published", "reopen-comment": ""})
    assert response.status_code == 400
    form = next(t["form"] for t in response.context["transitions"] if t["transition"].action == "reopen")
    assert form.errors["comment"]
    city_round.refresh_from_db()
    assert city_round.status == RoundStatus.PUBLISHED


def test_finalizing_with_unscored_items_is_refused_with_the_items_named(client, city_office, city_round):
    client.force_login(city_office)
    move(city_round, city_office, "start_scoring", "submit_review")
    url = reverse("assessments:round_transition", args=[city_round.pk, "finalize"])
    response = client.post(url, {"finalize-expected_status": "review"})
    assert response.status_code == 400
    assert "manual item(s) are not scored yet" in response.content.decode()
    city_round.refresh_from_db()
    assert city_round.status == RoundStatus.REVIEW


def test_recompute_reports_changes_and_a_finalized_round_is_frozen(client, world, city_office, city_round):
    client.force_login(city_office)
    make_accident(jurisdiction=world.b.township, occurred_on=IN_QUARTER, deaths=2, title="溪美街道火灾")
    response = client.post(reverse("assessments:round_compute", args=[city_round.pk]), follow=True)
    assert "Scores computed for 2 units" in response.content.decode()
    assert target_of(city_round, world.b.orgs["government"]).deductions == 50
    score_all(city_round, city_office)
    move(city_round, city_office, "start_scoring", "submit_review", "finalize")
    page = client.get(city_round.get_absolute_url())
    assert page.context["frozen"] and "Scores frozen" in page.content.decode()
    response = client.post(reverse("assessments:round_compute", args=[city_round.pk]), follow=True)
    assert "its scores are frozen" in response.content.decode()


def test_veto_marks_and_change_against_last_period(client, world, city_office, city_scheme):
    client.force_login(city_office)
    # Q2: no accidents. Q3: three larger accidents in county B → unqualified by veto.
    q2 = services.round_create(actor=city_office, scheme=city_scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=2)
    publish(q2, city_office)
    for day in (1, 2, 3):
        make_accident(jurisdiction=world.b.township, occurred_on=datetime.date(2025, 8, day), deaths=3, title=f"事故{day}")
    q3 = services.round_create(actor=city_office, scheme=city_scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=3)
    response = client.get(q3.get_absolute_url())
    b_row = next(r for r in response.context["rows"] if r.organization == world.b.orgs["government"])
    assert b_row.unqualified_by_veto and b_row.grade == "unqualified"
    assert b_row.total_delta is not None and b_row.total_delta < 0
    html = response.content.decode()
    assert "Unqualified by veto" in html and "▼" in html
    assert response.context["vetoed"] == [b_row]


def test_units_are_shown_in_the_groups_they_are_ranked_in(client, world, city_office, city_scheme):
    """A development zone is ranked with the counties (same level of the tree); the townships
    of a round over two levels are ranked, and shown, apart."""
    zone = jurisdiction("350599", JurisdictionLevel.DEVELOPMENT_ZONE, world.city, "泉州经济技术开发区")
    OrganizationFactory(jurisdiction=zone, name="泉州经济技术开发区管理委员会", kind=OrganizationKind.GOVERNMENT)
    make_accident(jurisdiction=world.a.township, occurred_on=datetime.date(2025, 5, 5), deaths=2, title="安海镇事故")
    client.force_login(city_office)
    round_ = services.round_create(
        actor=city_office, scheme=city_scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=2, target_levels=["county", "development_zone", "township"]
    )
    response = client.get(round_.get_absolute_url())
    groups = response.context["groups"]
    assert [(g.key, g.label, [r.organization.name for r in g.rows]) for g in groups] == [
        ("county", "Counties and development zones", ["南安市人民政府", "泉州经济技术开发区管理委员会", "晋江市人民政府"]),
        ("township", "Townships", ["溪美街道人民政府", "安海镇人民政府"]),
    ]
    assert [r.rank for r in groups[0].rows] == [1, 1, 3] and [r.rank for r in groups[1].rows] == [1, 2]
    html = response.content.decode()
    assert "Counties and development zones" in html and "Townships" in html
    ranked = client.get(f"/api/v1/assessment-rounds/{round_.pk}/results/").json()
    assert [r["rank_group"] for r in ranked] == ["county", "county", "county", "township", "township"]


# --- Exports ------------------------------------------------------------------------------------------


def test_results_pdf_is_an_official_table(client, city_office, city_round):
    from tests.core.test_pdf import shown_text

    client.force_login(city_office)
    publish(city_round, city_office)
    response = client.get(reverse("assessments:round_results_pdf", args=[city_round.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = shown_text(response.content)
    assert "泉州市2025年第三季度安全生产责任制考核结果" in text
    assert "泉州市安全生产委员会办公室" in text
    assert "晋江市人民政府" in text and "南安市人民政府" in text
    assert "未定稿" not in text


def test_results_xlsx_has_a_row_per_unit_with_category_subtotals(client, world, city_office, city_round):
    from openpyxl import load_workbook

    client.force_login(city_office)
    response = client.get(reverse("assessments:round_results_xlsx", args=[city_round.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Rank", "Ranked among", "Assessed unit", "基本 (100)")
    assert {row[2] for row in rows[1:]} == {"晋江市人民政府", "南安市人民政府"}
    a_row = next(row for row in rows[1:] if row[2] == "晋江市人民政府")
    assert a_row[:2] == (2, "Counties")
    assert a_row[rows[0].index("Deductions")] == 50


def test_county_office_exports_only_its_own_row(client, office_a, city_round):
    from openpyxl import load_workbook

    client.force_login(office_a)
    response = client.get(reverse("assessments:round_results_xlsx", args=[city_round.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[2] for row in rows[1:]] == ["晋江市人民政府"]


# --- Transmission -----------------------------------------------------------------------------------


def test_transmission_to_the_organization_department(client, world, city_office, city_round, city_departments):
    client.force_login(city_office)
    publish(city_round, city_office)
    page = client.get(city_round.get_absolute_url())
    assert page.context["can_transmit"]
    form = page.context["transmission_form"]
    assert form["organization"].initial == city_departments["organization"].pk
    url = reverse("assessments:round_transmit", args=[city_round.pk])
    # A date in the future: refused, the typed reference kept.
    future = datetime.date.today() + datetime.timedelta(days=3)
    response = client.post(url, {"organization": city_departments["organization"].pk, "sent_on": future, "reference": "泉安办〔2025〕12号"})
    assert response.status_code == 400
    assert "泉安办〔2025〕12号" in response.content.decode()
    response = client.post(url, {"organization": city_departments["organization"].pk, "sent_on": datetime.date.today(), "reference": "泉安办〔2025〕12号"})
    assert response.status_code == 302
    city_round.refresh_from_db()
    assert city_round.transmitted_to == city_departments["organization"]
    assert city_round.transmission_reference == "泉安办〔2025〕12号"


# --- One unit's page --------------------------------------------------------------------------------


def test_unit_page_explains_every_point_and_links_the_records(client, world, city_office, city_round):
    client.force_login(city_office)
    target = target_of(city_round, world.a.orgs["government"])
    response = client.get(target.get_absolute_url())
    assert response.status_code == 200
    scores = {s.indicator.code: s for block in response.context["blocks"] for s in block.scores}
    deduction = scores["D1"]
    assert deduction.points == 50
    assert deduction.rule == "50 points each; deaths ≥ 2"
    assert [s.label for s in deduction.source_list][0].endswith("安海镇厂房坍塌事故")
    assert deduction.source_list[0].url  # the office may see the accident: linked
    computed = scores["C1"]
    assert ("Counted", "1") in computed.input_pairs and ("Out of", "2") in computed.input_pairs
    assert ("Rate", "50%") in computed.input_pairs
    html = response.content.decode()
    assert deduction.explanation in html
    assert deduction.source_list[0].url in html
    assert "Hazards rectified on time" in html  # the metric's label


def test_unit_page_query_count_does_not_grow_with_records(client, world, city_office, city_round, django_assert_num_queries):
    client.force_login(city_office)
    target = target_of(city_round, world.a.orgs["government"])
    url = target.get_absolute_url()
    few = count_queries(client, url)
    for day in range(1, 6):
        make_accident(jurisdiction=world.a.township, occurred_on=datetime.date(2025, 7, day), deaths=2, title=f"事故{day}")
        make_hazard(jurisdiction=world.a.village, deadline=datetime.date(2025, 9, day), title=f"隐患{day}")
    services.round_compute(actor=city_office, round=city_round)
    assert Score.objects.get(target=target, indicator__code="D1").sources.count() == 6
    with django_assert_num_queries(few):
        client.get(url)


def test_round_page_query_count_does_not_grow_with_units(client, world, city_office, city_scheme, django_assert_num_queries):
    client.force_login(city_office)
    small = services.round_create(actor=city_office, scheme=city_scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=2)
    few = count_queries(client, small.get_absolute_url())
    add_counties(world, 4)
    large = services.round_create(actor=city_office, scheme=city_scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=3)
    assert large.targets.count() == 6
    with django_assert_num_queries(few):
        client.get(large.get_absolute_url())


# --- Manual scoring --------------------------------------------------------------------------------


def score_url(target, score):
    return reverse("assessments:score_enter", args=[target.round_id, target.pk, score.pk])


def test_office_scores_a_manual_item_with_evidence_file(client, world, city_office, city_round):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city_office)
    target = target_of(city_round, world.a.orgs["government"])
    score = manual_score(target)
    prefix = f"score-{score.pk}"
    evidence = SimpleUploadedFile("材料.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = client.post(
        score_url(target, score),
        {f"{prefix}-points": "55.5", f"{prefix}-evidence": "会议纪要3份", f"{prefix}-evidence_file": evidence, f"{prefix}-expected_version": 0},
    )
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.points == 55.5 and score.scored_by == city_office and score.evidence_file
    page = client.get(target.get_absolute_url())
    assert "会议纪要3份" in page.content.decode()
    download = client.get(reverse("assessments:score_evidence", args=[city_round.pk, target.pk, score.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_score_above_the_maximum_comes_back_with_what_was_typed(client, world, city_office, city_round):
    client.force_login(city_office)
    target = target_of(city_round, world.a.orgs["government"])
    score = manual_score(target)
    prefix = f"score-{score.pk}"
    response = client.post(
        score_url(target, score), {f"{prefix}-points": "75", f"{prefix}-evidence": "材料", f"{prefix}-expected_version": 0}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is worth at most 60.00 points" in html
    assert f'name="{prefix}-points" value="75"' in html
    score.refresh_from_db()
    assert score.points is None


def test_stale_score_is_not_overwritten_and_names_who_changed_it(client, world, city_orgs, city_office, city_round):
    client.force_login(city_office)
    colleague = official_user(
        role=Role.SAFETY_OFFICE, organization=city_orgs["office"], post_role=PostRole.OFFICE_STAFF, username="colleague",
        display_name="王同事",
    )
    target = target_of(city_round, world.a.orgs["government"])
    score = manual_score(target)
    services.score_enter(actor=colleague, score=score, points=40, evidence="抽查记录", expected_version=0)
    prefix = f"score-{score.pk}"
    response = client.post(
        score_url(target, score), {f"{prefix}-points": "58", f"{prefix}-evidence": "我的材料", f"{prefix}-expected_version": 0}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "王同事 changed this score" in html and "it is now 40.00 points" in html
    assert f'name="{prefix}-points" value="58"' in html
    # The form now expects the current version: saving again replaces the colleague's score.
    assert f'name="{prefix}-expected_version" value="1"' in html
    score.refresh_from_db()
    assert score.points == 40


def test_county_office_cannot_score_its_own_row(client, world, office_a, city_round):
    client.force_login(office_a)
    target = target_of(city_round, world.a.orgs["government"])
    score = manual_score(target)
    prefix = f"score-{score.pk}"
    response = client.post(score_url(target, score), {f"{prefix}-points": "60", f"{prefix}-expected_version": 0})
    assert response.status_code == 403
    assert "Save the score" not in client.get(target.get_absolute_url()).content.decode()


# --- Self-evaluation --------------------------------------------------------------------------------


def test_county_office_self_evaluates_its_own_row(client, world, city_office, office_a, city_round):
    move(city_round, city_office, "start_self_evaluation")
    client.force_login(office_a)
    target = target_of(city_round, world.a.orgs["government"])
    page = client.get(city_round.get_absolute_url())
    assert page.context["own_targets"] == [target]
    url = reverse("assessments:target_self_evaluation", args=[city_round.pk, target.pk])
    score = manual_score(target)
    bonus = Score.objects.get(target=target, indicator__code="B1")
    # Over the maximum: refused, typed values kept.
    response = client.post(url, {f"points_{score.pk}": "70", f"evidence_{score.pk}": "自查报告", "note": "总体良好"})
    assert response.status_code == 400
    assert "自查报告" in response.content.decode() and "总体良好" in response.content.decode()
    response = client.post(
        url, {f"points_{score.pk}": "58", f"evidence_{score.pk}": "自查报告", f"points_{bonus.pk}": "3", "note": "总体良好"}
    )
    assert response.status_code == 302
    score.refresh_from_db()
    target.refresh_from_db()
    assert score.self_points == 58 and score.self_evidence == "自查报告" and target.self_evaluation_note == "总体良好"
    # The office sees it next to its own score.
    client.force_login(city_office)
    html = client.get(target.get_absolute_url()).content.decode()
    assert "自查报告" in html and "总体良好" in html


def test_only_the_assessed_unit_self_evaluates(client, world, city_office, office_b, city_round):
    move(city_round, city_office, "start_self_evaluation")
    target = target_of(city_round, world.a.orgs["government"])
    url = reverse("assessments:target_self_evaluation", args=[city_round.pk, target.pk])
    client.force_login(city_office)
    assert client.get(url).status_code == 403  # the assessing office does not speak for the county
    client.force_login(office_b)
    assert client.get(url).status_code == 404  # another county's row does not exist for it


# --- Home panel ------------------------------------------------------------------------------------


def test_home_panel_office_and_assessed_unit(client, world, city_office, office_a, city_round):
    client.force_login(city_office)
    html = client.get(reverse("home")).content.decode()
    assert city_round.get_absolute_url() in html
    publish(city_round, city_office)
    client.force_login(office_a)
    html = client.get(reverse("home")).content.decode()
    target = target_of(city_round, world.a.orgs["government"])
    assert target.get_absolute_url() in html
    assert re.search(r"rank \d", html)


def test_menu_lists_rounds_and_schemes(client, world, city_office):
    client.force_login(city_office)
    html = client.get(reverse("home")).content.decode()
    assert LIST in html and reverse("assessments:scheme_list") in html
