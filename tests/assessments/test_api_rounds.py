"""Assessment API: schemes with their categories and indicators, rounds (filters, keyset
pages, updated_since), ranked results, a unit's scores with explanation, inputs and records;
scoping (a county system sees its own row of the city's round, another city's round is a 404);
read-only; query counts; and an OpenAPI schema without warnings."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.services import rounds as services
from responsibility.choices import JurisdictionLevel, OrganizationKind, PostRole
from responsibility.roles import Role
from tests.assessments.conftest import IN_QUARTER, ROUND_QUARTER, ROUND_YEAR, build_scheme, make_accident
from tests.conftest import results
from tests.factories import OrganizationFactory, jurisdiction, official_user

pytestmark = pytest.mark.django_db

ROUNDS = "/api/v1/assessment-rounds/"
SCHEMES = "/api/v1/assessment-schemes/"
TARGETS = "/api/v1/assessment-targets/"

#: The choice sets of these endpoints, named in the schema (for the platform's settings).
ENUM_NAME_OVERRIDES = {
    "AssessmentRoundStatusEnum": "assessments.choices.RoundStatus",
    "AssessmentGradeEnum": "assessments.choices.Grade",
    "IndicatorKindEnum": "assessments.choices.IndicatorKind",
}


@pytest.fixture
def city_round(world, city_office):
    make_accident(jurisdiction=world.a.township, occurred_on=IN_QUARTER, deaths=3, title="安海镇厂房坍塌事故")
    scheme = build_scheme(jurisdiction=world.city, name="泉州市县级政府季度考核细则")
    return services.round_create(actor=city_office, scheme=scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=ROUND_QUARTER)


@pytest.fixture
def other_round(db):
    province = jurisdiction("350000", JurisdictionLevel.PROVINCE, None, "福建省")
    city = jurisdiction("350600", JurisdictionLevel.CITY, province, "漳州市")
    county = jurisdiction("350623", JurisdictionLevel.COUNTY, city, "漳浦县")
    OrganizationFactory(jurisdiction=county, name="漳浦县人民政府", kind=OrganizationKind.GOVERNMENT)
    office = OrganizationFactory(jurisdiction=city, name="漳州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE)
    user = official_user(role=Role.SAFETY_OFFICE, organization=office, post_role=PostRole.OFFICE_STAFF, username="zz")
    scheme = build_scheme(jurisdiction=city, name="漳州市考核细则")
    return services.round_create(actor=user, scheme=scheme, jurisdiction=city, year=ROUND_YEAR, quarter=ROUND_QUARTER)


def test_city_office_lists_rounds_and_reads_results(api_client, world, city_office, city_round, other_round):
    api_client.force_authenticate(city_office)
    response = api_client.get(ROUNDS)
    assert response.status_code == 200
    rows = results(response)
    assert [r["id"] for r in rows] == [city_round.pk]
    assert rows[0]["jurisdiction"] == "350500" and rows[0]["status"] == "open" and rows[0]["period_label"] == "2025 Q3"
    detail = api_client.get(f"{ROUNDS}{city_round.pk}/").json()
    assert detail["target_count"] == 2 and detail["manual_count"] == 2 and detail["manual_scored"] == 0
    ranked = api_client.get(f"{ROUNDS}{city_round.pk}/results/").json()
    assert [r["organization_name"] for r in ranked] == ["南安市人民政府", "晋江市人民政府"]
    jinjiang = ranked[1]
    assert jinjiang["deductions"] == "50.00" and jinjiang["rank"] == 2 and jinjiang["excellence_removed"] is False


def test_county_system_sees_its_own_row_only(api_client, world, city_round, other_round):
    county_system = world.user(Role.COUNTY_SYSTEM)
    api_client.force_authenticate(county_system)
    assert [r["id"] for r in results(api_client.get(ROUNDS))] == [city_round.pk]
    ranked = api_client.get(f"{ROUNDS}{city_round.pk}/results/").json()
    assert [r["organization_name"] for r in ranked] == ["晋江市人民政府"]
    assert api_client.get(f"{ROUNDS}{city_round.pk}/").json()["target_count"] == 1
    # The other county's row and another city's round do not exist for it.
    theirs = city_round.targets.get(organization=world.b.orgs["government"])
    assert api_client.get(f"{TARGETS}{theirs.pk}/").status_code == 404
    assert api_client.get(f"{ROUNDS}{other_round.pk}/").status_code == 404
    assert api_client.get(f"{ROUNDS}{other_round.pk}/results/").status_code == 404
    assert [t["organization_name"] for t in results(api_client.get(TARGETS, {"round": city_round.pk}))] == ["晋江市人民政府"]


def test_unit_scores_with_explanation_inputs_and_sources(api_client, world, city_office, city_round):
    api_client.force_authenticate(city_office)
    target = city_round.targets.get(organization=world.a.orgs["government"])
    body = api_client.get(f"{TARGETS}{target.pk}/").json()
    scores = {s["indicator_code"]: s for s in body["scores"]}
    deduction = scores["D1"]
    assert deduction["points"] == "50.00" and deduction["kind"] == "deduction"
    assert deduction["inputs"]["count"] == 1 and deduction["inputs"]["records"] == 1
    assert "50" in deduction["explanation"]
    assert deduction["sources"][0]["model"] == "assessments.accident"
    assert deduction["sources"][0]["label"].endswith("安海镇厂房坍塌事故")
    veto = scores["V1"]
    assert veto["veto_triggered"] is False and veto["inputs"]["threshold"] == 2
    assert scores["M1"]["points"] is None and scores["M1"]["version"] == 0


def test_filters_and_incremental_sync(api_client, world, city_office, city_round):
    api_client.force_authenticate(city_office)
    assert len(results(api_client.get(ROUNDS, {"year": 2025, "quarter": 3}))) == 1
    assert results(api_client.get(ROUNDS, {"year": 2024})) == []
    assert len(results(api_client.get(ROUNDS, {"status": "open"}))) == 1
    assert results(api_client.get(ROUNDS, {"status": "published"})) == []
    assert len(results(api_client.get(ROUNDS, {"jurisdiction_code": "350500"}))) == 1
    assert results(api_client.get(ROUNDS, {"jurisdiction_code": "350582"})) == []
    later = (timezone.now() + datetime.timedelta(minutes=5)).isoformat()
    assert results(api_client.get(ROUNDS, {"updated_since": later})) == []
    assert api_client.get(ROUNDS, {"quarter": 7}).status_code == 400


def test_county_system_filters_by_the_assessing_citys_code(api_client, world, city_round):
    api_client.force_authenticate(world.user(Role.COUNTY_SYSTEM))
    assert [r["id"] for r in results(api_client.get(ROUNDS, {"jurisdiction_code": "350500"}))] == [city_round.pk]


def test_keyset_pages(api_client, world, city_office):
    api_client.force_authenticate(city_office)
    scheme = build_scheme(jurisdiction=world.city, name="分页")
    for quarter in (1, 2, 3):
        services.round_create(actor=city_office, scheme=scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=quarter)
    first = api_client.get(ROUNDS, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api_client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert {r["quarter"] for r in first["results"] + second["results"]} == {1, 2, 3}


def test_schemes_with_categories_indicators_and_rules(api_client, world, city_office, city_round):
    api_client.force_authenticate(city_office)
    rows = results(api_client.get(SCHEMES, {"target_kind": "government"}))
    scheme = next(r for r in rows if r["id"] == city_round.scheme_id)
    assert scheme["jurisdiction"] == "350500" and scheme["is_frozen"] is True
    body = api_client.get(f"{SCHEMES}{scheme['id']}/").json()
    indicators = {i["code"]: i for c in body["categories"] for i in c["indicators"]}
    assert indicators["D1"]["rule"] == "50 points each; deaths ≥ 2"
    assert "晋江市 2" in indicators["V1"]["rule"]
    assert indicators["C1"]["metric_label"] == "Hazards rectified on time"
    assert [b["grade"] for b in body["grade_bands"]] == ["excellent", "good", "qualified"]


def test_the_api_is_read_only(api_client, world, city_office, city_round):
    api_client.force_authenticate(city_office)
    assert api_client.post(ROUNDS, {}, format="json").status_code == 405
    assert api_client.patch(f"{ROUNDS}{city_round.pk}/", {"status": "published"}, format="json").status_code == 405
    assert api_client.delete(f"{SCHEMES}{city_round.scheme_id}/").status_code == 405
    assert api_client.get(ROUNDS).status_code == 200


def test_anonymous_is_refused(api_client, city_round):
    assert api_client.get(ROUNDS).status_code in (401, 403)


def test_results_and_target_query_counts_do_not_grow(api_client, world, city_office, city_round):
    api_client.force_authenticate(city_office)
    target = city_round.targets.get(organization=world.a.orgs["government"])

    def count(url):
        api_client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert api_client.get(url).status_code == 200
        return len(context.captured_queries)

    few = (count(f"{ROUNDS}{city_round.pk}/results/"), count(f"{TARGETS}{target.pk}/"), count(ROUNDS))
    for day in range(1, 5):
        make_accident(jurisdiction=world.a.township, occurred_on=datetime.date(2025, 7, day), deaths=2, title=f"事故{day}")
        county = jurisdiction(f"35052{day}", JurisdictionLevel.COUNTY, world.city, f"县{day}")
        OrganizationFactory(jurisdiction=county, name=f"县{day}人民政府", kind=OrganizationKind.GOVERNMENT)
    services.round_compute(actor=city_office, round=city_round)
    scheme = build_scheme(jurisdiction=world.city, name="另一细则")
    services.round_create(actor=city_office, scheme=scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=2)
    assert (count(f"{ROUNDS}{city_round.pk}/results/"), count(f"{TARGETS}{target.pk}/"), count(ROUNDS)) == few


def test_openapi_schema_of_these_endpoints_has_no_warnings(monkeypatch):
    """The schema of the assessment endpoints, with the enum names this feature asks the
    platform's settings for (ENUM_NAME_OVERRIDES), generates without a warning."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.plumbing import _load_enum_name_overrides as load_enum_name_overrides
    from drf_spectacular.settings import spectacular_settings
    from rest_framework.routers import DefaultRouter

    from assessments.api.views import rounds

    router = DefaultRouter()
    rounds.register(router)
    overrides = {**spectacular_settings.ENUM_NAME_OVERRIDES, **ENUM_NAME_OVERRIDES}
    monkeypatch.setattr(spectacular_settings, "ENUM_NAME_OVERRIDES", overrides)
    load_enum_name_overrides.cache_clear()
    try:
        GENERATOR_STATS.reset()
        schema = SchemaGenerator(patterns=router.urls).get_schema(request=None, public=True)
        assert not GENERATOR_STATS, "schema warnings (see the output above)"
    finally:
        load_enum_name_overrides.cache_clear()
    components = schema["components"]["schemas"]
    for name in ENUM_NAME_OVERRIDES:
        assert name in components
    assert "/assessment-rounds/{id}/results/" in schema["paths"]
    assert "/assessment-targets/{id}/" in schema["paths"]
