"""Assessment scheme pages: the versions grouped per scheme, a version's page with its rules in
words, thresholds per jurisdiction, grade bands, rounds and the validation summary; new
versions (also of a platform default, into one's own jurisdiction); editing categories,
indicators, bands and thresholds with typed values kept on errors; frozen versions refused;
who may edit; the query count of a scheme's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import AssessmentScheme, Indicator, IndicatorThreshold, SchemeCategory
from assessments.services import rounds as round_services
from responsibility.roles import Role
from tests.assessments.conftest import ROUND_QUARTER, ROUND_YEAR, build_scheme
from tests.responsibility.test_query_counts import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("assessments:scheme_list")


@pytest.fixture
def scheme(world):
    return build_scheme(jurisdiction=world.city, name="泉州市县级政府季度考核细则")


@pytest.fixture
def default_scheme(db):
    return build_scheme(jurisdiction=None, name="平台默认细则")


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def test_list_groups_versions(client, world, city_office, scheme):
    client.force_login(city_office)
    round_services.round_create(actor=city_office, scheme=scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=ROUND_QUARTER)
    from assessments.services.schemes import scheme_new_version

    scheme_new_version(actor=city_office, scheme=scheme)
    response = client.get(LIST)
    assert response.status_code == 200
    family = next(f for f in response.context["families"] if f["name"] == scheme.name)
    assert [v.version for v in family["versions"]] == [2, 1]
    assert family["versions"][1].round_count == 1
    html = response.content.decode()
    assert "Frozen" in html and "Superseded" in html


def test_scheme_page_shows_rules_in_words_thresholds_bands_and_rounds(client, world, city_office, scheme):
    client.force_login(city_office)
    veto = Indicator.objects.get(category__scheme=scheme, code="V2")
    IndicatorThreshold.objects.create(indicator=veto, jurisdiction=world.a.county, threshold=4)
    round_ = round_services.round_create(actor=city_office, scheme=scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=ROUND_QUARTER)
    response = client.get(scheme.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    indicators = {i.code: i for c in response.context["categories"] for i in c.indicator_list}
    assert indicators["D1"].rule == "50 points each; deaths ≥ 2"
    assert indicators["V1"].rule.endswith("own thresholds: 晋江市 2、南安市 2")
    assert "≥ 1 → No excellence this year" in indicators["V1"].rule
    assert "晋江市 4" in indicators["V2"].rule
    assert indicators["C1"].metric_label == "Hazards rectified on time"
    assert "full points at 100%, none at 0%" in html
    assert round_.get_absolute_url() in html
    assert "Frozen since" in html
    assert response.context["problems"] == [] and not response.context["editable"]


def test_validation_summary_lists_the_problems(client, world, city_office, scheme):
    client.force_login(city_office)
    SchemeCategory.objects.filter(scheme=scheme).update(max_points=90)
    response = client.get(scheme.get_absolute_url())
    problems = response.context["problems"]
    assert any("add up to" in p for p in problems)
    assert "problems to fix before a round can use it" in response.content.decode() or "problem to fix" in response.content.decode()


def test_editing_a_category_and_keeping_input_on_errors(client, world, city_office, scheme):
    client.force_login(city_office)
    category = scheme.categories.get()
    edit = url("scheme_category_update", scheme.pk, category.pk)
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"name": "", "max_points": "abc"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"name", "max_points"}
    response = client.post(edit, {"name": "基础工作", "max_points": "100"})
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "基础工作"
    response = client.post(url("scheme_category_create", scheme.pk), {"name": "加分项", "max_points": "0"})
    assert response.status_code == 302 and scheme.categories.count() == 2


def test_adding_an_indicator_with_rule_fields_and_service_errors(client, world, city_office, scheme):
    client.force_login(city_office)
    category = scheme.categories.get()
    create = url("scheme_indicator_create", scheme.pk, category.pk)
    assert client.get(create).status_code == 200
    # A deduction without its points per occurrence: the service's message, typed values kept.
    data = {"code": "D9", "name": "一次死亡3人以上事故", "kind": "deduction", "max_points": "0", "metric": "accidents", "min_deaths": "3", "levels": ["larger"]}
    response = client.post(create, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "needs the points per occurrence" in html
    assert 'value="一次死亡3人以上事故"' in html
    response = client.post(create, {**data, "points_each": "30", "cap": "60", "window": "year"})
    assert response.status_code == 302
    indicator = Indicator.objects.get(category=category, code="D9")
    assert indicator.params == {"levels": ["larger"], "min_deaths": 3, "window": "year"}
    assert indicator.points_each == 30 and indicator.cap == 60
    page = client.get(scheme.get_absolute_url())
    rule = next(i for c in page.context["categories"] for i in c.indicator_list if i.code == "D9").rule
    assert rule == "30 points each; level: Larger; deaths ≥ 3; counted over the year so far; at most 60 points"


def test_editing_a_computed_indicator_keeps_its_rates_in_percent(client, world, city_office, scheme):
    client.force_login(city_office)
    indicator = Indicator.objects.get(category__scheme=scheme, code="C1")
    edit = url("scheme_indicator_update", scheme.pk, indicator.pk)
    data = {"code": "C1", "name": "隐患按期整改率", "kind": "computed", "max_points": "40", "metric": "hazards_on_time", "full_at": "95", "zero_at": "60"}
    assert client.post(edit, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.params == {"full_at": 0.95, "zero_at": 0.6}
    form = client.get(edit).context["form"]
    assert form["full_at"].value() == 95 and form["zero_at"].value() == 60
    # A rate for a deduction: refused by the service.
    response = client.post(edit, {**data, "metric": "accidents"})
    assert response.status_code == 400 and "needs a rate" in response.content.decode()


def test_grade_bands_must_descend(client, world, city_office, scheme):
    client.force_login(city_office)
    bands = url("scheme_bands", scheme.pk)
    assert client.get(bands).context["form"]["excellent"].value() == 90
    response = client.post(bands, {"excellent": "80", "good": "85", "qualified": "60"})
    assert response.status_code == 400
    assert "must descend" in response.content.decode() and 'value="85"' in response.content.decode()
    assert client.post(bands, {"excellent": "92", "good": "85", "qualified": "70"}).status_code == 302
    assert dict(scheme.grade_bands.values_list("grade", "min_total")) == {"excellent": 92, "good": 85, "qualified": 70}


def test_jurisdiction_threshold_set_and_removed(client, world, city_office, scheme):
    client.force_login(city_office)
    veto = Indicator.objects.get(category__scheme=scheme, code="V2")
    page = url("scheme_threshold", scheme.pk, veto.pk)
    assert client.get(page).status_code == 200
    assert client.post(page, {"jurisdiction": world.a.county.pk, "threshold": "4"}).status_code == 302
    assert IndicatorThreshold.objects.get(indicator=veto).threshold == 4
    assert client.post(page, {"jurisdiction": world.a.county.pk, "threshold": ""}).status_code == 302
    assert not IndicatorThreshold.objects.filter(indicator=veto).exists()
    # Only veto indicators have thresholds.
    computed = Indicator.objects.get(category__scheme=scheme, code="C1")
    assert client.get(url("scheme_threshold", scheme.pk, computed.pk)).status_code == 404


def test_frozen_version_is_refused_and_a_new_version_is_editable(client, world, city_office, scheme):
    client.force_login(city_office)
    round_services.round_create(actor=city_office, scheme=scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=ROUND_QUARTER)
    category = scheme.categories.get()
    response = client.post(url("scheme_category_update", scheme.pk, category.pk), {"name": "改名", "max_points": "100"})
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    category.refresh_from_db()
    assert category.name == "基本"
    response = client.post(url("scheme_indicator_delete", scheme.pk, Indicator.objects.filter(category=category).first().pk), follow=True)
    assert "can no longer change" in response.content.decode()
    response = client.post(url("scheme_new_version", scheme.pk), {"name": ""})
    new = AssessmentScheme.objects.get(supersedes=scheme)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert new.version == 2 and not new.is_frozen
    assert client.get(new.get_absolute_url()).context["editable"]


def test_office_copies_a_platform_default_into_its_own_jurisdiction(client, world, city_office, default_scheme):
    client.force_login(city_office)
    page = client.get(default_scheme.get_absolute_url())
    assert page.context["can_copy"] and not page.context["editable"]
    response = client.post(url("scheme_new_version", default_scheme.pk), {"jurisdiction": world.city.pk, "name": "泉州市细则"})
    assert response.status_code == 302
    copy = AssessmentScheme.objects.get(name="泉州市细则")
    assert copy.jurisdiction == world.city and copy.supersedes == default_scheme
    # Editing the default itself is for administrators only.
    category = default_scheme.categories.get()
    assert client.get(url("scheme_category_update", default_scheme.pk, category.pk)).status_code == 403


def test_read_only_roles_see_but_do_not_edit(client, world, scheme):
    leader = world.user(Role.LEADER)  # county A: sees the city's scheme (a level above)
    client.force_login(leader)
    response = client.get(scheme.get_absolute_url())
    assert response.status_code == 200 and not response.context["editable"] and not response.context["can_copy"]
    assert client.get(url("scheme_bands", scheme.pk)).status_code == 403
    assert client.post(url("scheme_category_delete", scheme.pk, scheme.categories.get().pk)).status_code == 403


def test_another_citys_scheme_is_a_404(client, world, city_office):
    from responsibility.choices import JurisdictionLevel
    from tests.factories import jurisdiction

    other = jurisdiction("350600", JurisdictionLevel.CITY, world.province, "漳州市")
    foreign = build_scheme(jurisdiction=other, name="漳州市细则")
    client.force_login(city_office)
    assert client.get(foreign.get_absolute_url()).status_code == 404
    assert client.get(url("scheme_bands", foreign.pk)).status_code == 404
    assert foreign.name not in client.get(LIST).content.decode()


def test_scheme_page_query_count_does_not_grow_with_indicators(client, world, city_office, django_assert_num_queries):
    client.force_login(city_office)
    small = build_scheme(jurisdiction=world.city, name="小")
    few = count_queries(client, small.get_absolute_url())
    items = [
        (f"类{n}", 20, [{"code": f"M{n}{i}", "name": f"项{i}", "kind": "manual", "max_points": 5} for i in range(4)])
        for n in range(5)
    ]
    large = build_scheme(jurisdiction=world.city, name="大", items=items)
    veto = Indicator.objects.create(
        category=large.categories.first(), code="VX", name="否决", kind="veto", metric="accidents", threshold=1,
        veto_effect="unqualified", params={"thresholds_by_code": {"350582": 2}},
    )
    IndicatorThreshold.objects.create(indicator=veto, jurisdiction=world.b.county, threshold=3)
    with django_assert_num_queries(few):
        client.get(large.get_absolute_url())
