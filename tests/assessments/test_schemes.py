"""Assessment schemes: the seeded defaults, validation with every problem named, versions and
freezing, the editing services and who may use them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import AssessmentScheme, GradeBand, Indicator, IndicatorThreshold, SchemeCategory
from assessments.services import schemes as services
from assessments.services.rounds import round_create
from tests.assessments.conftest import SCHEME_NAMES

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- The seeded schemes -----------------------------------------------------------------------


@pytest.mark.parametrize(("target_kind", "period_kind"), list(SCHEME_NAMES))
def test_seeded_schemes_are_valid_and_worth_100(seeded_scheme, target_kind, period_kind):
    scheme = seeded_scheme(target_kind, period_kind)
    assert scheme.jurisdiction is None and scheme.total_points == 100
    assert services.scheme_errors(scheme) == []
    assert dict(scheme.grade_bands.values_list("grade", "min_total")) == {
        "excellent": Decimal("90.00"), "good": Decimal("80.00"), "qualified": Decimal("60.00"),
    }
    kinds = set(Indicator.objects.filter(category__scheme=scheme).values_list("kind", flat=True))
    assert kinds == {"computed", "manual", "deduction", "bonus", "veto"}
    assert not Indicator.objects.filter(category__scheme=scheme, kind="manual", evidence_required=False).exists()


def test_seeded_schemes_use_every_metric_and_carry_the_quanzhou_rules(seeded_scheme):
    from assessments.metrics import METRICS

    used = set(Indicator.objects.filter(category__scheme__jurisdiction__isnull=True).exclude(metric="").values_list("metric", flat=True))
    assert used == set(METRICS)
    scheme = seeded_scheme("government", "quarterly")
    deduction = Indicator.objects.get(category__scheme=scheme, kind="deduction")
    assert (deduction.metric, deduction.points_each, deduction.params) == ("accidents", Decimal("50.00"), {"min_deaths": 2, "window": "period"})
    no_excellence = Indicator.objects.get(category__scheme=scheme, kind="veto", veto_effect="no_excellence")
    assert no_excellence.threshold == 1
    assert no_excellence.params["thresholds_by_code"] == {"350582": 2, "350583": 2}
    assert no_excellence.params["window"] == "year"
    unqualified = Indicator.objects.get(category__scheme=scheme, kind="veto", veto_effect="unqualified")
    assert unqualified.threshold == 3
    annual = seeded_scheme("government", "annual")
    assert Indicator.objects.filter(category__scheme=annual, metric="quarterly_average").exists()


def test_loading_the_schemes_again_adds_nothing():
    import importlib

    from django.apps import apps

    module = importlib.import_module("assessments.migrations.0002_reference_schemes")
    before = (AssessmentScheme.objects.count(), Indicator.objects.count(), GradeBand.objects.count())
    module.load(apps, None)
    assert (AssessmentScheme.objects.count(), Indicator.objects.count(), GradeBand.objects.count()) == before


# --- Validation -------------------------------------------------------------------------------


def test_a_scheme_whose_points_do_not_add_up_is_refused_with_every_problem(make_scheme):
    scheme = make_scheme(
        items=[
            ("组织领导", 30, [
                {"code": "A1", "name": "会议", "kind": "computed", "max_points": 10, "metric": "meetings_held"},
                {"code": "A2", "name": "人工", "kind": "manual", "max_points": 15},
            ]),
            ("事故", 60, [
                {"code": "B1", "name": "未知", "kind": "computed", "max_points": 60, "metric": "no_such_metric"},
                {"code": "D1", "name": "扣分", "kind": "deduction", "metric": "accidents"},
                {"code": "V1", "name": "否决", "kind": "veto", "metric": "accidents"},
                {"code": "C1", "name": "无来源", "kind": "computed", "max_points": 0},
                {"code": "C2", "name": "计数", "kind": "deduction", "metric": "hazards_on_time", "points_each": 1},
            ]),
        ],
        bands=(("excellent", 80), ("good", 85)),
    )
    with pytest.raises(ValidationError) as caught:
        services.scheme_validate(scheme)
    text = "\n".join(messages(caught.value))
    assert "Category “组织领导” is worth 30.00 points but its computed and manual items add up to 25.00." in text
    assert "The categories add up to 90.00 points but the scheme's total is 100.00." in text
    assert "B1 未知: “no_such_metric” is not a known metric." in text
    assert "D1 扣分: a deduction needs the points per occurrence." in text
    assert "V1 否决: a veto needs a threshold of at least 1." in text
    assert "V1 否决: a veto needs its effect." in text
    assert "C1 无来源: choose what it is computed from." in text
    assert "C2 计数: “Hazards rectified on time” is a rate; deductions and vetoes count occurrences." in text
    assert "The bands must descend" in text


def test_validation_of_bands_and_of_a_rate_used_as_a_count(make_scheme):
    scheme = make_scheme(
        items=[("全部", 100, [{"code": "A1", "name": "事故率", "kind": "computed", "max_points": 100, "metric": "accidents"}])],
        bands=(),
    )
    problems = services.scheme_errors(scheme)
    assert "A1 事故率: “Accidents” is a count; a computed indicator needs a rate." in problems
    assert "The scheme has no grade bands." in problems


def test_a_valid_small_scheme_passes(make_scheme):
    assert services.scheme_errors(make_scheme()) == []


# --- Versions and freezing --------------------------------------------------------------------


def test_new_version_is_a_deep_unfrozen_copy(world, make_scheme, office_a):
    scheme = make_scheme(jurisdiction=world.a.county)
    veto = Indicator.objects.get(category__scheme=scheme, code="V1")
    IndicatorThreshold.objects.create(indicator=veto, jurisdiction=world.a.township, threshold=4)
    scheme.frozen_at = scheme.created_at
    scheme.save()
    copy = services.scheme_new_version(actor=office_a, scheme=scheme)
    assert (copy.version, copy.supersedes_id, copy.frozen_at, copy.jurisdiction_id) == (2, scheme.pk, None, world.a.county.pk)
    assert copy.is_active and not AssessmentScheme.objects.get(pk=scheme.pk).is_active

    def shape(s):
        return sorted(
            Indicator.objects.filter(category__scheme=s).values_list(
                "category__name", "code", "kind", "max_points", "metric", "params", "points_each", "threshold", "veto_effect"
            )
        )

    assert shape(copy) == shape(scheme)
    assert not set(Indicator.objects.filter(category__scheme=copy).values_list("pk", flat=True)) & set(
        Indicator.objects.filter(category__scheme=scheme).values_list("pk", flat=True)
    )
    assert list(IndicatorThreshold.objects.filter(indicator__category__scheme=copy).values_list("jurisdiction", "threshold")) == [
        (world.a.township.pk, 4)
    ]
    assert sorted(copy.grade_bands.values_list("grade", "min_total")) == sorted(scheme.grade_bands.values_list("grade", "min_total"))
    assert services.scheme_new_version(actor=office_a, scheme=scheme).version == 3


def test_a_round_freezes_the_scheme_and_edits_are_then_refused(world, make_scheme):
    scheme = make_scheme()
    round_create(actor=None, scheme=scheme, jurisdiction=world.city, year=2025, quarter=3)
    scheme.refresh_from_db()
    assert scheme.is_frozen
    category = scheme.categories.get()
    indicator = category.indicators.get(code="M1")
    frozen = "in use by a round and can no longer change: make a new version"
    calls = [
        lambda: services.category_save(actor=None, scheme=scheme, name="新类别", max_points=0),
        lambda: services.category_delete(actor=None, category=category),
        lambda: services.indicator_save(actor=None, category=category, indicator=indicator, max_points=Decimal("50")),
        lambda: services.indicator_delete(actor=None, indicator=indicator),
        lambda: services.grade_bands_set(actor=None, scheme=scheme, bands={"excellent": Decimal("95")}),
        lambda: services.threshold_set(actor=None, indicator=category.indicators.get(code="V1"), jurisdiction=world.a.county, threshold=2),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match=frozen):
            call()
    assert Indicator.objects.get(pk=indicator.pk).max_points == 60


# --- Editing ----------------------------------------------------------------------------------


def test_editing_categories_indicators_bands_and_thresholds(world, make_scheme, office_a):
    scheme = make_scheme(jurisdiction=world.a.county)
    category = services.category_save(actor=office_a, scheme=scheme, name="基础工作", max_points=Decimal("10"))
    assert category.position > scheme.categories.exclude(pk=category.pk).get().position
    indicator = services.indicator_save(
        actor=office_a, category=category, code="E1", name="宣传培训", kind="manual", max_points=Decimal("10"), evidence_required=True
    )
    assert indicator.pk and indicator.evidence_required
    services.indicator_save(actor=office_a, category=category, indicator=indicator, name="宣传教育培训")
    assert Indicator.objects.get(pk=indicator.pk).name == "宣传教育培训"
    services.grade_bands_set(actor=office_a, scheme=scheme, bands={"excellent": "92", "good": "82", "qualified": "62"})
    assert dict(scheme.grade_bands.values_list("grade", "min_total"))["excellent"] == Decimal("92.00")
    veto = scheme.categories.get(name="基本").indicators.get(code="V1")
    services.threshold_set(actor=office_a, indicator=veto, jurisdiction=world.a.township, threshold=2)
    services.threshold_set(actor=office_a, indicator=veto, jurisdiction=world.a.township, threshold=3)
    assert list(IndicatorThreshold.objects.filter(indicator=veto).values_list("threshold", flat=True)) == [3]
    services.threshold_set(actor=office_a, indicator=veto, jurisdiction=world.a.township, threshold=None)
    assert not IndicatorThreshold.objects.filter(indicator=veto).exists()
    services.indicator_delete(actor=office_a, indicator=indicator)
    services.category_delete(actor=office_a, category=category)
    assert services.scheme_errors(scheme) == []


def test_bad_edits_are_refused_with_clear_errors(world, make_scheme, office_a):
    scheme = make_scheme(jurisdiction=world.a.county)
    category = scheme.categories.get()
    with pytest.raises(ValidationError, match="not a known metric"):
        services.indicator_save(actor=office_a, category=category, code="X1", name="x", kind="computed", max_points=1, metric="nope")
    with pytest.raises(ValidationError, match="Another indicator of this scheme has the code M1"):
        services.indicator_save(actor=office_a, category=SchemeCategory.objects.create(scheme=scheme, name="另一类"), code="M1",
                                name="重复", kind="manual", max_points=1)
    with pytest.raises(ValidationError, match="a deduction needs the points per occurrence"):
        services.indicator_save(actor=office_a, category=category, code="D9", name="扣分", kind="deduction", metric="accidents")
    with pytest.raises(ValidationError, match="The bands must descend"):
        services.grade_bands_set(actor=office_a, scheme=scheme, bands={"excellent": "80", "good": "85"})
    with pytest.raises(ValidationError, match="must lie between 0 and the total"):
        services.grade_bands_set(actor=office_a, scheme=scheme, bands={"excellent": "120"})
    with pytest.raises(ValidationError, match="Only a veto indicator"):
        services.threshold_set(actor=office_a, indicator=category.indicators.get(code="M1"), jurisdiction=world.a.county, threshold=2)
    with pytest.raises(ValidationError, match="whole number of at least 1"):
        services.threshold_set(actor=office_a, indicator=category.indicators.get(code="V1"), jurisdiction=world.a.county, threshold=0)


def test_only_superusers_change_the_platform_defaults(world, seeded_scheme, office_a):
    from tests.factories import UserFactory

    default = seeded_scheme("government", "quarterly")
    with pytest.raises(PermissionDenied, match="system administrator"):
        services.category_save(actor=office_a, scheme=default, name="新类别")
    with pytest.raises(PermissionDenied, match="system administrator"):
        services.scheme_new_version(actor=office_a, scheme=default)
    # A safety office adapts a default as its own scheme.
    own = services.scheme_new_version(actor=office_a, scheme=default, jurisdiction=world.a.county)
    assert (own.jurisdiction_id, own.version, own.supersedes_id, own.name) == (world.a.county.pk, 1, default.pk, default.name)
    assert AssessmentScheme.objects.get(pk=default.pk).is_active  # the default stays in use elsewhere
    admin = UserFactory(is_superuser=True)
    services.category_save(actor=admin, scheme=services.scheme_new_version(actor=admin, scheme=default), name="新类别")


def test_scope_and_role_limit_who_edits_a_scheme(world, make_scheme, office_b):
    scheme = make_scheme(jurisdiction=world.a.county)
    with pytest.raises(PermissionDenied, match="outside your scope"):
        services.category_save(actor=office_b, scheme=scheme, name="越权")
    with pytest.raises(PermissionDenied, match="does not allow"):
        services.category_save(actor=world.user("leader"), scheme=scheme, name="越权")
    with pytest.raises(PermissionDenied):
        services.scheme_new_version(actor=office_b, scheme=scheme, jurisdiction=world.a.county)
