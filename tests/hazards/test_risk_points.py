"""Risk points: grading by the band data, the place rules of the services, and the pages
(list with filters and export, summary, detail, create, edit, retire) within the user's scope."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import ConflictError
from hazards.choices import GradingMethod, RiskPointLevel, RiskPointStatus
from hazards.models import RiskGradingBand, RiskPoint
from hazards.services import risk as services
from responsibility.choices import PostRole
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, RiskPointFactory, official_user, sector

TODAY = datetime.date.today()


@pytest.fixture
def office(world):
    return world.user(Role.SAFETY_OFFICE)


@pytest.fixture
def enterprise(world):
    return EnterpriseFactory(jurisdiction=world.a.township)


@pytest.fixture
def office_b(world):
    """A safety office user of county B."""
    return official_user(
        role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], post_role=PostRole.OFFICE_STAFF, username="b_office"
    )


def create(office, enterprise, **fields):
    values = {
        "name": "液氨储罐区",
        "hazard_factors": "液氨泄漏",
        "enterprise": enterprise,
        "method": GradingMethod.LEC,
        "lec_l": Decimal("3"),
        "lec_e": Decimal("6"),
        "lec_c": Decimal("15"),
    }
    values.update(fields)
    return services.risk_point_create(actor=office, **values)


# --- Grading ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("likelihood", "exposure", "consequence", "score", "grade"),
    [
        (4, 8, 10, "320.00", "red"),  # the lowest red score
        (3, 6, 17, "306.00", "orange"),
        (2, 8, 10, "160.00", "orange"),
        (3, 6, 8, "144.00", "yellow"),
        (1, 7, 10, "70.00", "yellow"),
        (1, 6, 7, "42.00", "blue"),
    ],
)
def test_lec_score_is_graded_by_the_bands(likelihood, exposure, consequence, score, grade):
    assert services.risk_grade("lec", likelihood, exposure, consequence, None, None) == (Decimal(score), grade)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("likelihood", "severity", "grade"),
    [(5, 4, "red"), (4, 4, "orange"), (3, 5, "orange"), (3, 4, "yellow"), (3, 3, "yellow"), (2, 4, "blue"), (1, 1, "blue")],
)
def test_ls_matrix_is_graded_by_the_bands(likelihood, severity, grade):
    score, result = services.risk_grade("ls", None, None, None, likelihood, severity)
    assert score == Decimal(likelihood * severity)
    assert result == grade


@pytest.mark.django_db
def test_changing_the_band_data_changes_the_grade():
    assert services.risk_grade("lec", 3, 6, 15, None, None)[1] == "orange"  # 270
    RiskGradingBand.objects.filter(method="lec", grade="red").update(min_score=Decimal("250"))
    assert services.risk_grade("lec", 3, 6, 15, None, None) == (Decimal("270.00"), "red")


@pytest.mark.django_db
def test_direct_grade_has_no_score_and_must_be_chosen():
    assert services.risk_grade("direct", None, None, None, None, None, grade="orange") == (None, "orange")
    with pytest.raises(ValidationError) as error:
        services.risk_grade("direct", None, None, None, None, None)
    assert "grade" in error.value.message_dict


@pytest.mark.django_db
def test_missing_inputs_are_named():
    with pytest.raises(ValidationError) as error:
        services.risk_grade("lec", 3, None, None, None, None)
    assert set(error.value.message_dict) == {"lec_e", "lec_c"}
    with pytest.raises(ValidationError) as error:
        services.risk_grade("ls", None, None, None, 3, None)
    assert set(error.value.message_dict) == {"ls_s"}


@pytest.mark.django_db
def test_a_score_below_every_band_is_an_error_not_a_guess():
    RiskGradingBand.objects.filter(method="ls", grade="blue").update(min_score=Decimal("2"))
    with pytest.raises(ValidationError) as error:
        services.risk_grade("ls", None, None, None, 1, 1)
    assert "method" in error.value.message_dict


# --- Create, update, retire -------------------------------------------------------------------


def test_create_computes_the_grade_and_ignores_a_typed_one(office, enterprise):
    point = create(office, enterprise, grade="blue", ls_l=5, ls_s=5)
    assert (point.score, point.grade) == (Decimal("270.00"), "orange")
    assert point.ls_l is None and point.ls_s is None  # another method's inputs are not kept
    assert point.jurisdiction == enterprise.jurisdiction
    assert point.sector == enterprise.sector
    assert point.jurisdiction_path == enterprise.jurisdiction.path
    assert point.identified_on == TODAY
    assert point.status == RiskPointStatus.ACTIVE


def test_direct_method_takes_the_chosen_grade(office, enterprise):
    point = create(office, enterprise, method=GradingMethod.DIRECT, grade="red", lec_l=None, lec_e=None, lec_c=None)
    assert (point.score, point.grade) == (None, "red")


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        (Decimal("24.78"), None, "longitude"),
        (None, Decimal("118.55"), "latitude"),
        (Decimal("118.55"), Decimal("24.78"), "latitude"),  # swapped
        (Decimal("-24.78"), Decimal("118.55"), "latitude"),
        (Decimal("24.78"), Decimal("-118.55"), "longitude"),
    ],
)
def test_coordinates_are_both_or_neither_and_in_china(office, enterprise, latitude, longitude, field):
    with pytest.raises(ValidationError) as error:
        create(office, enterprise, latitude=latitude, longitude=longitude)
    assert field in error.value.message_dict
    assert not RiskPoint.objects.exists()


def test_valid_coordinates_are_kept(office, enterprise):
    point = create(office, enterprise, latitude=Decimal("24.781234"), longitude=Decimal("118.552345"))
    point.refresh_from_db()
    assert (point.latitude, point.longitude) == (Decimal("24.781234"), Decimal("118.552345"))


def test_accident_types_are_checked_and_kept_in_classification_order(office, enterprise):
    point = create(office, enterprise, accident_types=["poisoning", "fire", "poisoning"])
    assert point.accident_types == ["fire", "poisoning"]
    with pytest.raises(ValidationError) as error:
        create(office, enterprise, accident_types=["meteor"])
    assert "accident_types" in error.value.message_dict


def test_cannot_create_outside_scope_or_for_a_foreign_enterprise(world, office):
    with pytest.raises(ValidationError) as error:
        create(office, None, jurisdiction=world.b.township, sector=sector())
    assert "jurisdiction" in error.value.message_dict
    foreign = EnterpriseFactory(jurisdiction=world.b.township)
    with pytest.raises(ValidationError):
        create(office, foreign)
    with pytest.raises(ValidationError) as error:
        create(office, foreign, jurisdiction=world.a.township)
    assert "enterprise" in error.value.message_dict
    assert not RiskPoint.objects.exists()


def test_enterprise_must_lie_in_the_points_jurisdiction(world, office):
    other_town = EnterpriseFactory(jurisdiction=world.a.county)  # registered at county level
    point = create(office, other_town, jurisdiction=world.a.township)  # below its registration: fine
    assert point.jurisdiction == world.a.township
    elsewhere = EnterpriseFactory(jurisdiction=world.a.village)
    from tests.factories import jurisdiction as make_jurisdiction

    second_town = make_jurisdiction("350582101", "township", world.a.county, "磁灶镇")
    with pytest.raises(ValidationError) as error:
        create(office, elsewhere, jurisdiction=second_town)
    assert "jurisdiction" in error.value.message_dict


def test_public_place_needs_a_jurisdiction(office):
    with pytest.raises(ValidationError) as error:
        create(office, None, sector=sector())
    assert "jurisdiction" in error.value.message_dict


def test_roles_without_the_permission_cannot_create(world, enterprise):
    with pytest.raises(PermissionDenied):
        create(world.user(Role.INSPECTOR), enterprise)
    point = create(world.user(Role.DEPARTMENT), enterprise)  # departments manage risk points
    assert point.pk


def test_update_grades_again_and_keeps_history(office, enterprise):
    point = create(office, enterprise)
    updated = services.risk_point_update(actor=office, risk_point=point, method=GradingMethod.LS, ls_l=5, ls_s=4)
    assert (updated.score, updated.grade) == (Decimal("20.00"), "red")
    assert updated.lec_l is None
    from core.audit import object_history

    assert object_history(updated).count() >= 1


def test_update_cannot_move_a_point_out_of_scope(world, office, enterprise):
    point = create(office, enterprise)
    with pytest.raises(ValidationError):
        services.risk_point_update(actor=office, risk_point=point, enterprise=None, jurisdiction=world.b.township)
    point.refresh_from_db()
    assert point.jurisdiction == world.a.township


def test_another_county_cannot_update(office, office_b, enterprise):
    point = create(office, enterprise)
    with pytest.raises(PermissionDenied):
        services.risk_point_update(actor=office_b, risk_point=point, name="改")


def test_retire_needs_a_reason_and_happens_once(office, enterprise):
    point = create(office, enterprise)
    with pytest.raises(ValidationError) as error:
        services.risk_point_retire(actor=office, risk_point=point, reason=" ")
    assert "reason" in error.value.message_dict
    services.risk_point_retire(actor=office, risk_point=point, reason="车间拆除")
    point.refresh_from_db()
    assert (point.status, point.retired_reason) == (RiskPointStatus.RETIRED, "车间拆除")
    with pytest.raises(ConflictError):
        services.risk_point_retire(actor=office, risk_point=point, reason="再次")
    with pytest.raises(ValidationError):
        services.risk_point_update(actor=office, risk_point=point, name="改")


# --- Pages ------------------------------------------------------------------------------------

LIST_URL = reverse("hazards:risk_point_list")


def test_list_shows_points_in_scope_only(client, world, office, office_b, enterprise):
    mine = RiskPointFactory(enterprise=enterprise, name="晋江风险点")
    theirs = RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.b.township), name="南安风险点")
    client.force_login(office_b)
    body = client.get(LIST_URL).content.decode()
    assert theirs.name in body and mine.name not in body
    assert client.get(mine.get_absolute_url()).status_code == 404
    assert client.get(reverse("hazards:risk_point_update", args=[mine.pk])).status_code == 404
    client.force_login(office)
    body = client.get(LIST_URL).content.decode()
    assert mine.name in body and theirs.name not in body


def test_enterprise_account_sees_only_its_own_points(client, world, enterprise):
    from responsibility.services.enterprises import enterprise_grant_account

    account = world.user(Role.ENTERPRISE)
    enterprise_grant_account(actor=None, enterprise=enterprise, user=account)
    own = RiskPointFactory(enterprise=enterprise, name="本企业风险点")
    other = RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), name="别家风险点")
    client.force_login(account)
    body = client.get(LIST_URL).content.decode()
    assert own.name in body and other.name not in body
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(own.get_absolute_url()).status_code == 200


def test_list_filters(client, world, office, enterprise):
    red = RiskPointFactory(enterprise=enterprise, grade="red", name="红色点", management_level=RiskPointLevel.CITY)
    blue = RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township, name="蓝天公司"), grade="blue", name="蓝色点")
    retired = RiskPointFactory(enterprise=enterprise, status=RiskPointStatus.RETIRED, name="已销点")
    client.force_login(office)

    def names(**params):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200
        return {p.name for p in response.context["object_list"]}

    assert names(grade="red") == {red.name}
    assert names(management_level="city") == {red.name}
    assert names(q="蓝天") == {blue.name}
    assert names(enterprise=enterprise.pk) == {red.name, retired.name}
    assert names(status="active") == {red.name, blue.name}
    assert names(jurisdiction=world.a.township.pk) == {red.name, blue.name, retired.name}
    assert names(sector="industry_trade") == {red.name, blue.name, retired.name}
    assert names(grade="purple") == set()  # an invalid filter shows nothing, never a 500


def test_list_export_xlsx(client, office, enterprise):
    from openpyxl import load_workbook

    RiskPointFactory(enterprise=enterprise, name="导出点", accident_types=["fire", "poisoning"], grade="red")
    client.force_login(office)
    response = client.get(LIST_URL, {"export": "xlsx", "grade": "red"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "导出点"
    assert "Fire" in rows[1][10] and "Poisoning" in rows[1][10]


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def _add_points(world, n: int) -> None:
    for i in range(n):
        RiskPointFactory(
            enterprise=EnterpriseFactory(jurisdiction=world.a.township if i % 2 else world.a.village),
            grade=("red", "orange", "yellow", "blue")[i % 4],
            management_level=RiskPointLevel.values[i % 4],
        )


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (LIST_URL, {}),
        (LIST_URL, {"grade": "red", "jurisdiction": "placeholder"}),
        (reverse("hazards:risk_point_summary"), {}),
        (reverse("hazards:risk_point_summary"), {"jurisdiction": "placeholder"}),
    ],
)
def test_query_count_does_not_grow_with_points(client, world, office, url, params, django_assert_num_queries):
    if params.get("jurisdiction") == "placeholder":
        params = {**params, "jurisdiction": world.a.county.pk}
    client.force_login(office)
    _add_points(world, 3)
    client.get(url, params)
    small = _count(client, url, params)
    _add_points(world, 30)
    with django_assert_num_queries(small):
        client.get(url, params)


def test_summary_counts_by_colour_level_and_jurisdiction(client, world, office):
    from tests.factories import jurisdiction as make_jurisdiction

    second_town = make_jurisdiction("350582101", "township", world.a.county, "磁灶镇")
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), grade="red", management_level="city")
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.village), grade="red", management_level="county")
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=second_town), grade="blue", management_level="county")
    RiskPointFactory(enterprise=None, jurisdiction=world.a.county, grade="orange", management_level="county")
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), grade="yellow", status="retired")
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.b.township), grade="red")  # out of scope
    client.force_login(office)
    response = client.get(reverse("hazards:risk_point_summary"))
    assert response.status_code == 200
    levels = {row.label: row.cells for row in response.context["level_rows"]}
    assert levels["City-level"] == [1, 0, 0, 0]
    assert levels["County-level"] == [1, 1, 0, 1]
    assert response.context["total"].cells == [2, 1, 0, 1]
    areas = {row.label: row.cells for row in response.context["area_rows"]}
    assert response.context["parent"] == world.a.county
    assert areas["安海镇"] == [2, 0, 0, 0]
    assert areas["磁灶镇"] == [0, 0, 0, 1]
    assert areas["晋江市 itself"] == [0, 1, 0, 0]

    response = client.get(reverse("hazards:risk_point_summary"), {"jurisdiction": world.a.township.pk})
    areas = {row.label: row.cells for row in response.context["area_rows"]}
    assert areas == {"安海镇 itself": [1, 0, 0, 0], "安平村": [1, 0, 0, 0]}


def test_create_page_grades_and_shows_the_grade(client, world, office, enterprise):
    client.force_login(office)
    url = reverse("hazards:risk_point_create")
    page = client.get(url, {"enterprise": enterprise.pk})
    assert page.status_code == 200
    assert page.context["form"].initial["enterprise_ref"] == enterprise.credit_code
    body = page.content.decode()
    assert 'data-method-group="lec"' in body and 'value="fire"' in body
    data = {
        "name": "危化品仓库",
        "enterprise_ref": enterprise.credit_code.lower(),
        "jurisdiction": "",
        "sector": "",
        "hazard_factors": "易燃液体",
        "accident_types": ["fire", "other_explosion"],
        "management_level": "county",
        "identified_on": TODAY.isoformat(),
        "method": "lec",
        "lec_l": "6",
        "lec_e": "6",
        "lec_c": "15",
        "grade": "blue",  # ignored: LEC computes it
        "latitude": "24.78123456",
        "longitude": "118.5521",
    }
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    point = RiskPoint.objects.get(name="危化品仓库")
    assert (point.grade, point.score) == ("red", Decimal("540.00"))
    assert point.latitude == Decimal("24.781235")
    assert point.accident_types == ["fire", "other_explosion"]
    body = response.content.decode()
    assert "Saved. Grade: Major risk (red)." in body
    assert "D = L × E × C = 6 × 6 × 15 = 540" in body


def test_create_page_returns_errors_with_what_was_typed(client, office, enterprise):
    client.force_login(office)
    data = {
        "name": "只填纬度",
        "enterprise_ref": enterprise.credit_code,
        "hazard_factors": "x",
        "management_level": "county",
        "method": "ls",
        "ls_l": "3",
        "latitude": "24.7",
    }
    response = client.post(reverse("hazards:risk_point_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "longitude" in form.errors and "ls_s" in form.errors
    assert form["name"].value() == "只填纬度"
    assert not RiskPoint.objects.exists()
    response = client.post(reverse("hazards:risk_point_create"), {**data, "enterprise_ref": "不存在的公司"})
    assert "enterprise_ref" in response.context["form"].errors
    # Out-of-range inputs come back from the model's validators, next to their field.
    lec = {**data, "method": "lec", "lec_l": "50", "lec_e": "6", "lec_c": "15", "latitude": "", "ls_l": ""}
    response = client.post(reverse("hazards:risk_point_create"), lec)
    assert list(response.context["form"].errors) == ["lec_l"]
    assert not RiskPoint.objects.exists()


def test_edit_and_retire_pages(client, office, enterprise, world):
    point = create(office, enterprise)
    client.force_login(office)
    edit = reverse("hazards:risk_point_update", args=[point.pk])
    page = client.get(edit)
    assert page.status_code == 200 and page.context["form"].initial["enterprise_ref"] == enterprise.credit_code
    data = {
        "name": point.name, "enterprise_ref": enterprise.credit_code, "jurisdiction": point.jurisdiction_id,
        "sector": point.sector_id, "hazard_factors": point.hazard_factors, "management_level": "enterprise",
        "identified_on": point.identified_on.isoformat(), "method": "direct", "grade": "blue",
        "lec_l": "3", "lec_e": "6", "lec_c": "15",
    }
    assert client.post(edit, data).status_code == 302
    point.refresh_from_db()
    assert (point.method, point.grade, point.score, point.lec_l) == ("direct", "blue", None, None)

    retire = reverse("hazards:risk_point_retire", args=[point.pk])
    assert client.post(retire, {"reason": ""}).status_code == 200
    assert client.post(retire, {"reason": "已拆除"}).status_code == 302
    point.refresh_from_db()
    assert point.status == "retired"
    assert client.get(edit).status_code == 403
    # Read-only roles see the point but may not change it.
    client.force_login(world.user(Role.LEADER))
    active = create(office, enterprise)
    assert client.get(active.get_absolute_url()).status_code == 200
    assert client.get(reverse("hazards:risk_point_update", args=[active.pk])).status_code == 403
    assert client.post(reverse("hazards:risk_point_retire", args=[active.pk]), {"reason": "x"}).status_code == 403


def test_detail_shows_grading_reviews_and_history(client, office, enterprise, world):
    point = create(office, enterprise, accident_types=["fire"])
    round_ = services.risk_round_open(actor=office, jurisdiction=world.a.county, year=TODAY.year, half=1)
    services.risk_point_review(
        actor=office, round=round_, risk_point=point, outcome="changed", method="lec", lec_l=Decimal("10"),
        lec_e=Decimal("6"), lec_c=Decimal("15"),
    )
    client.force_login(office)
    response = client.get(point.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "D = L × E × C = 10 × 6 × 15 = 900" in body
    assert "Re-identification history" in body and "Changed" in body
    assert "risk-badge risk-orange" in body and "risk-badge risk-red" in body  # before → after
    assert "history-item" in body  # the audit trail of the point's creation and change


def test_create_page_needs_the_permission(client, world):
    client.force_login(world.user(Role.INSPECTOR))
    assert client.get(reverse("hazards:risk_point_create")).status_code == 403
    assert client.get(LIST_URL).status_code == 200


def test_home_panel_counts_colours_in_scope(client, office, enterprise, world):
    RiskPointFactory(enterprise=enterprise, grade="red")
    RiskPointFactory(enterprise=enterprise, grade="red")
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.b.township), grade="blue")
    client.force_login(office)
    body = client.get(reverse("home")).content.decode()
    assert "risk-panel-title" in body
    assert "?grade=red&amp;status=active" in body
