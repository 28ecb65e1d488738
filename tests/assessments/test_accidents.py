"""The accident registry's services: the level at every threshold, what a report fills in
from the enterprise, late reporting and the evaluation due date by the place's rules, bad
input refused with nothing saved, scope, conflicts on stale edits, the investigation, listing
and evaluation steps, the timeline and audit trail, and the idempotent upsert."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.choices import AccidentLevel, InvestigationStatus
from assessments.models import Accident, AccidentEvent, AccidentPolicy, accident_level
from assessments.services import accidents as services
from assessments.services import sync
from core.errors import ConflictError
from tests.assessments.conftest import hours_ago
from tests.factories import sector

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


# --- The level --------------------------------------------------------------------------------

LEVEL_CASES = [
    # deaths
    ((0, 0, 0), AccidentLevel.ORDINARY),
    ((2, 0, 0), AccidentLevel.ORDINARY),
    ((3, 0, 0), AccidentLevel.LARGER),
    ((9, 0, 0), AccidentLevel.LARGER),
    ((10, 0, 0), AccidentLevel.MAJOR),
    ((29, 0, 0), AccidentLevel.MAJOR),
    ((30, 0, 0), AccidentLevel.EXTRAORDINARY),
    # serious injuries
    ((0, 9, 0), AccidentLevel.ORDINARY),
    ((0, 10, 0), AccidentLevel.LARGER),
    ((0, 49, 0), AccidentLevel.LARGER),
    ((0, 50, 0), AccidentLevel.MAJOR),
    ((0, 99, 0), AccidentLevel.MAJOR),
    ((0, 100, 0), AccidentLevel.EXTRAORDINARY),
    # direct loss in 10,000 yuan
    ((0, 0, Decimal("999.99")), AccidentLevel.ORDINARY),
    ((0, 0, Decimal("1000")), AccidentLevel.LARGER),
    ((0, 0, Decimal("4999.99")), AccidentLevel.LARGER),
    ((0, 0, Decimal("5000")), AccidentLevel.MAJOR),
    ((0, 0, Decimal("9999.99")), AccidentLevel.MAJOR),
    ((0, 0, Decimal("10000")), AccidentLevel.EXTRAORDINARY),
    # the highest measure decides
    ((1, 12, Decimal("20")), AccidentLevel.LARGER),
    ((2, 9, Decimal("5000")), AccidentLevel.MAJOR),
    ((31, 0, Decimal("1")), AccidentLevel.EXTRAORDINARY),
]


@pytest.mark.parametrize(("measures", "level"), LEVEL_CASES, ids=[f"{m[0]}-{m[1]}-{m[2]}" for m, _ in LEVEL_CASES])
def test_level_is_the_highest_any_measure_reaches(measures, level):
    deaths, injuries, loss = measures
    assert accident_level(deaths, injuries, float(loss)) == level


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "level"),
    [
        (2, 9, Decimal("999.99"), AccidentLevel.ORDINARY),
        (3, 0, Decimal("0"), AccidentLevel.LARGER),
        (0, 10, Decimal("0"), AccidentLevel.LARGER),
        (0, 0, Decimal("1000.00"), AccidentLevel.LARGER),
        (9, 49, Decimal("4999.99"), AccidentLevel.LARGER),
        (10, 0, Decimal("0"), AccidentLevel.MAJOR),
        (0, 0, Decimal("10000"), AccidentLevel.EXTRAORDINARY),
    ],
)
def test_recorded_accident_stores_its_level(report_accident, enterprise_a, deaths, injuries, loss, level):
    accident = report_accident(enterprise=enterprise_a, deaths=deaths, serious_injuries=injuries, direct_loss=loss)
    accident.refresh_from_db()
    assert accident.level == level


def test_level_explanation_names_the_measure_and_threshold(report_accident, enterprise_a):
    accident = report_accident(enterprise=enterprise_a, deaths=3, serious_injuries=4, direct_loss=Decimal("1200"))
    rows = {row.name: row for row in services.level_explanation(accident)}
    assert rows["deaths"].level == AccidentLevel.LARGER and rows["deaths"].threshold == 3 and rows["deaths"].decides
    assert rows["deaths"].next_threshold == 10
    assert rows["serious_injuries"].level == AccidentLevel.ORDINARY and not rows["serious_injuries"].decides
    assert rows["serious_injuries"].next_threshold == 10
    assert rows["direct_loss"].level == AccidentLevel.LARGER and rows["direct_loss"].threshold == 1000


def test_updating_the_toll_recomputes_the_level_and_records_it(report_accident, enterprise_a, office_a):
    accident = report_accident(enterprise=enterprise_a, deaths=1)
    assert accident.level == AccidentLevel.ORDINARY
    accident = services.accident_update(actor=office_a, accident=accident, deaths=3)
    assert Accident.objects.get(pk=accident.pk).level == AccidentLevel.LARGER
    event = accident.events.order_by("pk").last()
    assert event.kind == "updated"
    assert event.data == {"fields": ["deaths"], "level": {"from": "ordinary", "to": "larger"}}


# --- What a report fills in -------------------------------------------------------------------


def test_report_takes_place_sector_and_department_from_the_enterprise(report_accident, enterprise_a, world):
    accident = report_accident(enterprise=enterprise_a)
    assert accident.jurisdiction == enterprise_a.jurisdiction
    assert accident.jurisdiction_path == world.a.township.path
    assert accident.sector == enterprise_a.sector
    assert accident.supervising_department == world.a.orgs["emergency"]
    assert accident.code == f"SG{accident.occurred_at.year}{accident.pk:07d}"
    assert Accident.objects.get(pk=accident.pk).code == accident.code
    event = AccidentEvent.objects.get(accident=accident)
    assert event.kind == "reported" and event.actor == world.user("safety_office")


def test_given_sector_and_department_are_kept(report_accident, enterprise_a, world):
    construction = sector("construction")
    accident = report_accident(enterprise=enterprise_a, sector=construction, supervising_department=world.a.orgs["emergency"])
    assert accident.sector == construction


def test_accident_without_enterprise_needs_a_place(report_accident):
    with pytest.raises(ValidationError) as error:
        report_accident(accident_type="road_traffic")
    assert "jurisdiction" in error.value.message_dict
    assert not Accident.objects.exists()


def test_road_accident_in_a_jurisdiction(report_accident, world):
    accident = report_accident(jurisdiction=world.a.village, accident_type="road_traffic", place="G15沈海高速晋江段")
    assert accident.enterprise is None and accident.supervising_department is None
    assert accident.jurisdiction_path == world.a.village.path


def test_enterprise_of_another_place_is_refused(report_accident, enterprise_a, world):
    from tests.factories import jurisdiction

    other_town = jurisdiction("350582101", "township", world.a.county, "磁灶镇")
    with pytest.raises(ValidationError) as error:
        report_accident(enterprise=enterprise_a, jurisdiction=other_town)
    assert error.value.message_dict["jurisdiction"] == ["The enterprise is registered in another jurisdiction."]


def test_department_of_another_county_is_refused(report_accident, enterprise_a, world):
    with pytest.raises(ValidationError) as error:
        report_accident(enterprise=enterprise_a, supervising_department=world.b.orgs["emergency"])
    assert "supervising_department" in error.value.message_dict


# --- Late reporting and the evaluation due date, by the place's rules ------------------------


@pytest.mark.parametrize(("minutes", "late"), [(0, False), (59, False), (60, False), (61, True), (600, True)])
def test_default_limit_is_one_hour(report_accident, enterprise_a, minutes, late):
    occurred = hours_ago(30)
    accident = report_accident(enterprise=enterprise_a, occurred_at=occurred, reported_at=occurred + datetime.timedelta(minutes=minutes))
    assert Accident.objects.get(pk=accident.pk).reported_late is late


def test_no_report_time_is_not_flagged(report_accident, enterprise_a):
    accident = report_accident(enterprise=enterprise_a, reported_at=None)
    assert accident.reported_late is False


def test_limit_of_the_nearest_place_applies(report_accident, enterprise_a, enterprise_b, world, office_b):
    AccidentPolicy.objects.create(jurisdiction=None, report_limit_minutes=60)
    AccidentPolicy.objects.create(jurisdiction=world.b.county, report_limit_minutes=120)
    occurred = hours_ago(30)
    reported = occurred + datetime.timedelta(minutes=90)
    in_a = report_accident(enterprise=enterprise_a, occurred_at=occurred, reported_at=reported)
    in_b = report_accident(enterprise=enterprise_b, occurred_at=occurred, reported_at=reported, actor=office_b)
    assert in_a.reported_late is True
    assert in_b.reported_late is False
    event = in_a.events.get()
    assert event.data == {"level": "ordinary", "reported_late": True, "limit_minutes": 60}


def test_correcting_the_report_time_recomputes_the_flag(report_accident, enterprise_a, office_a):
    occurred = hours_ago(30)
    accident = report_accident(enterprise=enterprise_a, occurred_at=occurred, reported_at=occurred + datetime.timedelta(hours=3))
    assert accident.reported_late
    accident = services.accident_update(actor=office_a, accident=accident, reported_at=occurred + datetime.timedelta(minutes=20))
    assert Accident.objects.get(pk=accident.pk).reported_late is False


def test_closing_sets_the_evaluation_due_date_by_the_rules(report_accident, enterprise_a, enterprise_b, world, office_a, office_b):
    AccidentPolicy.objects.create(jurisdiction=world.b.county, evaluation_months=6)
    occurred = hours_ago(24 * 100)
    closed = (occurred + datetime.timedelta(days=40)).date()
    a = report_accident(enterprise=enterprise_a, occurred_at=occurred)
    b = report_accident(enterprise=enterprise_b, occurred_at=occurred, actor=office_b)
    a = services.accident_close_case(actor=office_a, accident=a, closed_on=closed, investigation_body="晋江市事故调查组")
    b = services.accident_close_case(actor=office_b, accident=b, closed_on=closed, investigation_body="南安市事故调查组")
    assert a.investigation_status == InvestigationStatus.CLOSED
    assert a.evaluation_due_on == closed + relativedelta(months=12)
    assert b.evaluation_due_on == closed + relativedelta(months=6)
    event = a.events.get(kind="closed")
    assert event.data["evaluation_due_on"] == a.evaluation_due_on.isoformat()


# --- Bad input: a clear error, nothing saved --------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("deaths", -1, "The number of deaths cannot be negative."),
        ("serious_injuries", -2, "The number of serious injuries cannot be negative."),
        ("missing", -1, "The number of missing people cannot be negative."),
        ("direct_loss", Decimal("-0.01"), "The direct economic loss cannot be negative."),
    ],
)
def test_negative_numbers_are_refused(report_accident, enterprise_a, field, value, message):
    with pytest.raises(ValidationError) as error:
        report_accident(enterprise=enterprise_a, **{field: value})
    assert error.value.message_dict[field] == [message]
    assert not Accident.objects.exists()
    assert not AccidentEvent.objects.exists()


def test_occurred_in_the_future_is_refused(report_accident, enterprise_a):
    future = hours_ago(-2)
    with pytest.raises(ValidationError) as error:
        report_accident(enterprise=enterprise_a, occurred_at=future, reported_at=None)
    assert error.value.message_dict["occurred_at"] == ["The accident cannot have occurred in the future."]
    assert not Accident.objects.exists()


def test_reported_before_it_occurred_is_refused(report_accident, enterprise_a):
    occurred = hours_ago(5)
    with pytest.raises(ValidationError) as error:
        report_accident(enterprise=enterprise_a, occurred_at=occurred, reported_at=occurred - datetime.timedelta(minutes=1))
    assert error.value.message_dict["reported_at"] == ["An accident cannot be reported before it occurred."]
    assert not Accident.objects.exists()


def test_closed_before_it_occurred_is_refused(report_accident, enterprise_a, office_a):
    occurred = hours_ago(24 * 10)
    accident = report_accident(enterprise=enterprise_a, occurred_at=occurred)
    with pytest.raises(ValidationError) as error:
        services.accident_close_case(
            actor=office_a, accident=accident, closed_on=occurred.date() - datetime.timedelta(days=3), investigation_body="调查组"
        )
    assert "closed_on" in error.value.message_dict
    assert Accident.objects.get(pk=accident.pk).investigation_status == InvestigationStatus.REPORTED


def test_closed_in_the_future_is_refused(report_accident, enterprise_a, office_a):
    accident = report_accident(enterprise=enterprise_a)
    with pytest.raises(ValidationError) as error:
        services.accident_close_case(actor=office_a, accident=accident, closed_on=TODAY + datetime.timedelta(days=1), investigation_body="调查组")
    assert "closed_on" in error.value.message_dict


def test_closing_needs_the_investigating_body(report_accident, enterprise_a, office_a):
    accident = report_accident(enterprise=enterprise_a)
    with pytest.raises(ValidationError) as error:
        services.accident_close_case(actor=office_a, accident=accident, closed_on=TODAY)
    assert "investigation_body" in error.value.message_dict


def test_evaluation_before_closing_is_refused(report_accident, enterprise_a, office_a):
    accident = report_accident(enterprise=enterprise_a, occurred_at=hours_ago(24 * 30))
    with pytest.raises(ValidationError) as error:
        services.accident_record_evaluation(actor=office_a, accident=accident, evaluated_on=TODAY, note="整改到位")
    assert error.value.messages == ["The rectification is evaluated after the case is closed."]
    closed = TODAY - datetime.timedelta(days=5)
    accident = services.accident_close_case(actor=office_a, accident=accident, closed_on=closed, investigation_body="调查组")
    with pytest.raises(ValidationError) as error:
        services.accident_record_evaluation(
            actor=office_a, accident=accident, evaluated_on=closed - datetime.timedelta(days=1), note="整改到位"
        )
    assert error.value.message_dict["evaluated_on"] == ["The evaluation cannot be dated before the case was closed."]
    with pytest.raises(ValidationError) as error:
        services.accident_record_evaluation(actor=office_a, accident=accident, evaluated_on=TODAY, note="  ")
    assert "note" in error.value.message_dict
    accident = services.accident_record_evaluation(actor=office_a, accident=accident, evaluated_on=TODAY, note="整改措施全部落实")
    assert Accident.objects.get(pk=accident.pk).evaluated_on == TODAY
    with pytest.raises(ValidationError):
        services.accident_record_evaluation(actor=office_a, accident=accident, evaluated_on=TODAY, note="再次评估")


# --- Investigation and listing ----------------------------------------------------------------


def test_investigation_then_close_then_evaluate_makes_a_timeline(report_accident, enterprise_a, office_a):
    accident = report_accident(enterprise=enterprise_a, occurred_at=hours_ago(24 * 60))
    accident = services.accident_start_investigation(actor=office_a, accident=accident, investigation_body="晋江市政府事故调查组")
    assert accident.investigation_status == InvestigationStatus.INVESTIGATING
    with pytest.raises(ValidationError):
        services.accident_start_investigation(actor=office_a, accident=accident, investigation_body="again")
    accident = services.accident_close_case(actor=office_a, accident=accident, closed_on=TODAY - datetime.timedelta(days=2), concealed=True)
    assert accident.investigation_body == "晋江市政府事故调查组" and accident.concealed
    with pytest.raises(ValidationError):
        services.accident_close_case(actor=office_a, accident=accident, closed_on=TODAY, investigation_body="x")
    services.accident_record_evaluation(actor=office_a, accident=accident, evaluated_on=TODAY, note="整改到位")
    assert list(accident.events.values_list("kind", flat=True)) == ["reported", "investigating", "closed", "evaluated"]


def test_listing_by_a_committee_of_the_accident_level_or_above(report_accident, enterprise_a, world, city_orgs, city_office):
    accident = report_accident(enterprise=enterprise_a, deaths=2)
    with pytest.raises(ValidationError) as error:
        services.accident_list_for_supervision(actor=city_office, accident=accident, listing_body=world.b.orgs["committee"], listed_on=TODAY)
    assert "listing_body" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.accident_list_for_supervision(actor=city_office, accident=accident, listing_body=city_orgs["housing"], listed_on=TODAY)
    assert "listing_body" in error.value.message_dict
    accident = services.accident_list_for_supervision(
        actor=city_office, accident=accident, listing_body=city_orgs["committee"], listed_on=TODAY, comment="一次死亡2人"
    )
    stored = Accident.objects.get(pk=accident.pk)
    assert stored.listed and stored.listing_body == city_orgs["committee"] and stored.listed_on == TODAY
    assert accident.events.get(kind="listed").comment == "一次死亡2人"
    with pytest.raises(ValidationError):
        services.accident_list_for_supervision(actor=city_office, accident=accident, listing_body=city_orgs["committee"], listed_on=TODAY)


def test_listing_bodies_are_the_accident_level_and_above(report_accident, enterprise_a, world, city_orgs):
    accident = report_accident(enterprise=enterprise_a)
    bodies = set(services.listing_bodies(accident))
    assert {city_orgs["committee"], city_orgs["office"], city_orgs["government"], world.a.orgs["committee"]} <= bodies
    assert world.b.orgs["committee"] not in bodies and city_orgs["housing"] not in bodies


# --- Scope and roles --------------------------------------------------------------------------


def test_other_county_cannot_record_in_my_county(report_accident, enterprise_a, office_b, world):
    with pytest.raises(ValidationError) as error:
        report_accident(jurisdiction=world.a.township, actor=office_b)
    assert error.value.message_dict["jurisdiction"] == ["This jurisdiction is outside your scope."]
    with pytest.raises(ValidationError) as error:
        report_accident(enterprise=enterprise_a, jurisdiction=world.b.township, actor=office_b)
    assert "enterprise" in error.value.message_dict


def test_other_county_cannot_touch_my_accident(report_accident, enterprise_a, office_b):
    accident = report_accident(enterprise=enterprise_a)
    with pytest.raises(PermissionDenied):
        services.accident_update(actor=office_b, accident=accident, deaths=1)
    with pytest.raises(PermissionDenied):
        services.accident_close_case(actor=office_b, accident=accident, closed_on=TODAY, investigation_body="x")
    assert Accident.objects.get(pk=accident.pk).deaths == 0


def test_read_only_roles_cannot_record_or_change(report_accident, enterprise_a, world):
    accident = report_accident(enterprise=enterprise_a)
    for role in ("leader", "inspector", "department", "auditor"):
        with pytest.raises(PermissionDenied):
            report_accident(enterprise=enterprise_a, actor=world.user(role))
        with pytest.raises(PermissionDenied):
            services.accident_update(actor=world.user(role), accident=accident, deaths=1)


def test_city_office_sees_and_changes_county_accidents(report_accident, enterprise_a, city_office):
    accident = report_accident(enterprise=enterprise_a)
    services.accident_update(actor=city_office, accident=accident, title="更正后的标题")
    assert Accident.objects.get(pk=accident.pk).title == "更正后的标题"


# --- Conflicts and the audit trail ------------------------------------------------------------


def test_stale_edit_is_a_conflict(report_accident, enterprise_a, office_a, city_office):
    accident = report_accident(enterprise=enterprise_a)
    seen = Accident.objects.get(pk=accident.pk).updated_at
    services.accident_update(actor=city_office, accident=accident, expected_updated_at=seen, deaths=1)
    with pytest.raises(ConflictError):
        services.accident_update(actor=office_a, accident=accident, expected_updated_at=seen, serious_injuries=2)
    stored = Accident.objects.get(pk=accident.pk)
    assert (stored.deaths, stored.serious_injuries) == (1, 0)


def test_changes_are_in_the_audit_trail(report_accident, enterprise_a, office_a):
    from core.audit import object_history

    accident = report_accident(enterprise=enterprise_a)
    services.accident_update(actor=office_a, accident=accident, deaths=2)
    entries = list(object_history(accident))
    assert len(entries) >= 2
    assert any("deaths" in (entry.changes_dict or {}) for entry in entries)


def test_nothing_changed_records_nothing(report_accident, enterprise_a, office_a):
    accident = report_accident(enterprise=enterprise_a)
    services.accident_update(actor=office_a, accident=accident, deaths=0, title=accident.title)
    assert accident.events.count() == 1


# --- The idempotent upsert --------------------------------------------------------------------


def _push(world, **overrides):
    occurred = overrides.pop("occurred_at", None) or datetime.datetime(TODAY.year, 1, 5, 9, 30, tzinfo=datetime.UTC)
    if occurred.date() >= TODAY:
        occurred = occurred.replace(year=TODAY.year - 1)
    return {
        "title": "叉车碰撞事故",
        "occurred_at": occurred,
        "jurisdiction": world.a.township,
        "accident_type": "vehicle",
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss": Decimal("85.5"),
        "reported_at": occurred + datetime.timedelta(minutes=40),
        **overrides,
    }


def test_upsert_creates_then_leaves_alone_then_updates(world):
    system = world.user("county_system")
    first = sync.accident_upsert_outcome(actor=system, source_system="jj-sg", external_id="SG-1", data=_push(world))
    assert first.outcome == sync.CREATED
    stamp = Accident.objects.get(pk=first.accident.pk).updated_at
    again = sync.accident_upsert_outcome(actor=system, source_system="jj-sg", external_id="SG-1", data=_push(world, direct_loss=Decimal("85.50")))
    assert again.outcome == sync.UNCHANGED and again.accident.pk == first.accident.pk
    assert Accident.objects.get(pk=first.accident.pk).updated_at == stamp
    assert AccidentEvent.objects.filter(accident=first.accident).count() == 1
    changed = sync.accident_upsert_outcome(actor=system, source_system="jj-sg", external_id="SG-1", data=_push(world, deaths=3))
    assert changed.outcome == sync.UPDATED and changed.changed == ("deaths",)
    assert Accident.objects.get().level == AccidentLevel.LARGER
    assert Accident.objects.count() == 1


def test_upsert_with_an_enterprise_is_unchanged_when_repeated(world, enterprise_a):
    system = world.user("county_system")
    data = _push(world, jurisdiction=None, enterprise=enterprise_a)
    sync.accident_upsert(actor=system, source_system="jj-sg", external_id="SG-2", data=data)
    result = sync.accident_upsert_outcome(actor=system, source_system="jj-sg", external_id="SG-2", data=data)
    assert result.outcome == sync.UNCHANGED


def test_upsert_of_another_countys_key_is_refused(world, office_b):
    sync.accident_upsert(actor=world.user("county_system"), source_system="shared", external_id="X1", data=_push(world))
    with pytest.raises(ValidationError) as error:
        sync.accident_upsert(actor=office_b, source_system="shared", external_id="X1", data=_push(world, jurisdiction=world.b.township))
    assert "external_id" in error.value.message_dict
    assert Accident.objects.get().jurisdiction == world.a.township


def test_upsert_needs_both_parts_of_the_key(world):
    with pytest.raises(ValidationError) as error:
        sync.accident_upsert(actor=world.user("county_system"), source_system=" ", external_id="", data=_push(world))
    assert set(error.value.message_dict) == {"source_system", "external_id"}
