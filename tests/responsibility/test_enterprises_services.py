"""Enterprise services: registration rules, supervising departments, upserts and accounts."""

from __future__ import annotations

import os
import threading

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core.access import forget_scope
from core.choices import AccountType
from responsibility.choices import JurisdictionLevel, OrganizationFunction, OrganizationKind, PostRole
from responsibility.models import Enterprise, EnterpriseSupervision
from responsibility.roles import Role
from responsibility.services.enterprises import (
    enterprise_create,
    enterprise_grant_account,
    enterprise_revoke_account,
    enterprise_update,
    enterprise_upsert,
)
from tests.factories import (
    EnterpriseFactory,
    OrganizationFactory,
    UserFactory,
    assigned_user,
    make_credit_code,
    official_user,
    sector,
)

pytestmark = pytest.mark.django_db


def fields(world, **overrides) -> dict:
    return {
        "credit_code": make_credit_code(1001),
        "name": "晋江市恒安鞋业有限公司",
        "jurisdiction": world.a.township,
        "sector": sector("industry_trade"),
        **overrides,
    }


def field_errors(caught) -> dict:
    return caught.value.message_dict


def city_office_user(world):
    office = OrganizationFactory(jurisdiction=world.city, name="泉州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE)
    return official_user(role=Role.SAFETY_OFFICE, organization=office, post_role=PostRole.OFFICE_STAFF)


# --- Registration -----------------------------------------------------------------------------


def test_safety_office_registers_enterprise_with_one_primary_and_other_departments(world):
    other = OrganizationFactory(jurisdiction=world.a.county, name="晋江市住房和城乡建设局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
    enterprise = enterprise_create(
        actor=world.user(Role.SAFETY_OFFICE),
        primary_department=world.a.orgs["emergency"],
        other_departments=[other],
        **fields(world),
    )
    rows = {(s.organization_id, s.is_primary) for s in enterprise.supervisions.all()}
    assert rows == {(world.a.orgs["emergency"].pk, True), (other.pk, False)}
    assert enterprise.primary_department == world.a.orgs["emergency"]


def test_credit_code_is_stored_upper_case_without_spaces(world):
    code = make_credit_code(1002)
    enterprise = enterprise_create(actor=world.user(Role.SAFETY_OFFICE), **fields(world, credit_code=f"  {code.lower()} "))
    assert enterprise.credit_code == code


def test_wrong_check_character_is_a_credit_code_error_and_nothing_is_saved(world):
    code = make_credit_code(1003)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        enterprise_create(actor=world.user(Role.SAFETY_OFFICE), primary_department=world.a.orgs["emergency"], **fields(world, credit_code=wrong))
    assert "check character" in field_errors(caught)["credit_code"][0]
    assert not Enterprise.objects.exists()
    assert not EnterpriseSupervision.objects.exists()


def test_duplicate_credit_code_is_refused_even_when_the_other_enterprise_is_in_another_county(world):
    EnterpriseFactory(credit_code=make_credit_code(1004), jurisdiction=world.b.township)
    with pytest.raises(ValidationError) as caught:
        enterprise_create(actor=world.user(Role.SAFETY_OFFICE), **fields(world, credit_code=make_credit_code(1004)))
    assert field_errors(caught) == {"credit_code": ["An enterprise with this unified social credit code is already registered."]}
    assert Enterprise.objects.count() == 1


def test_jurisdiction_of_another_county_is_refused_in_the_same_words_as_a_wrong_level(world):
    actor = world.user(Role.SAFETY_OFFICE)
    with pytest.raises(ValidationError) as other_county:
        enterprise_create(actor=actor, **fields(world, jurisdiction=world.b.township))
    with pytest.raises(ValidationError) as county_level:
        enterprise_create(actor=actor, **fields(world, jurisdiction=world.a.county))
    assert field_errors(other_county) == field_errors(county_level) == {"jurisdiction": ["Choose a township or village in your scope."]}
    # the message names nothing of the other county
    assert world.b.township.name not in str(field_errors(other_county))


def test_enterprise_may_be_registered_in_a_village(world):
    enterprise = enterprise_create(actor=world.user(Role.SAFETY_OFFICE), **fields(world, jurisdiction=world.a.village))
    assert enterprise.jurisdiction == world.a.village


def test_department_of_another_county_cannot_supervise(world):
    with pytest.raises(ValidationError) as caught:
        enterprise_create(actor=world.user(Role.SAFETY_OFFICE), primary_department=world.b.orgs["emergency"], **fields(world))
    assert list(field_errors(caught)) == ["primary_department"]
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("org_key", ["government", "office", "committee", "township"])
def test_organization_that_is_not_a_department_of_county_or_city_cannot_supervise(world, org_key):
    with pytest.raises(ValidationError) as caught:
        enterprise_create(actor=world.user(Role.SAFETY_OFFICE), primary_department=world.a.orgs[org_key], **fields(world))
    assert "primary_department" in field_errors(caught)


def test_city_department_may_supervise_when_the_actor_sees_the_city(world):
    city_bureau = OrganizationFactory(jurisdiction=world.city, name="泉州市应急管理局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
    # a county office does not see the city's departments
    with pytest.raises(ValidationError):
        enterprise_create(actor=world.user(Role.SAFETY_OFFICE), primary_department=city_bureau, **fields(world))
    enterprise = enterprise_create(actor=city_office_user(world), primary_department=city_bureau, **fields(world))
    assert enterprise.primary_department == city_bureau


def test_other_departments_without_a_primary_one_are_refused(world):
    with pytest.raises(ValidationError) as caught:
        enterprise_create(actor=world.user(Role.SAFETY_OFFICE), other_departments=[world.a.orgs["emergency"]], **fields(world))
    assert "primary_department" in field_errors(caught)


def test_enterprise_without_any_department_is_allowed_and_shows_as_a_gap(world):
    enterprise = enterprise_create(actor=world.user(Role.SAFETY_OFFICE), **fields(world))
    assert enterprise.primary_department is None
    assert Enterprise.objects.filter(supervisions__isnull=True).get() == enterprise


def test_primary_department_listed_again_among_the_others_counts_once(world):
    enterprise = enterprise_create(
        actor=world.user(Role.SAFETY_OFFICE),
        primary_department=world.a.orgs["emergency"],
        other_departments=[world.a.orgs["emergency"]],
        **fields(world),
    )
    assert list(enterprise.supervisions.values_list("is_primary", flat=True)) == [True]


@pytest.mark.parametrize("role", [Role.LEADER, Role.INSPECTOR, Role.AUDITOR, Role.DEPARTMENT, Role.ENTERPRISE])
def test_roles_without_add_permission_cannot_register(world, role):
    with pytest.raises(PermissionDenied):
        enterprise_create(actor=world.user(role), **fields(world))
    assert not Enterprise.objects.exists()


def test_county_system_registers_enterprises_in_its_county(world):
    enterprise = enterprise_create(actor=world.user(Role.COUNTY_SYSTEM), **fields(world, source_system="jjaj", external_id="E-1"))
    assert (enterprise.source_system, enterprise.external_id) == ("jjaj", "E-1")


# --- Changes ----------------------------------------------------------------------------------


def test_update_replaces_departments_and_records_it_on_the_enterprise_history(world):
    actor = world.user(Role.SAFETY_OFFICE)
    enterprise = enterprise_create(actor=actor, primary_department=world.a.orgs["emergency"], **fields(world))
    housing = OrganizationFactory(jurisdiction=world.a.county, name="晋江市住房和城乡建设局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
    enterprise_update(instance=enterprise, actor=actor, primary_department=housing, other_departments=[world.a.orgs["emergency"]])
    assert {(s.organization_id, s.is_primary) for s in enterprise.supervisions.all()} == {
        (housing.pk, True),
        (world.a.orgs["emergency"].pk, False),
    }
    entry = LogEntry.objects.filter(object_pk=str(enterprise.pk)).order_by("-pk").first()
    [(before, after)] = entry.changes_dict.values()
    assert "晋江市应急管理局" in before and after.startswith("晋江市住房和城乡建设局")
    assert entry.actor == actor


def test_update_without_department_arguments_keeps_the_departments(world):
    actor = world.user(Role.SAFETY_OFFICE)
    enterprise = enterprise_create(actor=actor, primary_department=world.a.orgs["emergency"], **fields(world))
    enterprise_update(instance=enterprise, actor=actor, name="新名称有限公司", risk_class="orange")
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.risk_class) == ("新名称有限公司", "orange")
    assert enterprise.supervisions.get().organization == world.a.orgs["emergency"]


def test_moving_an_enterprise_to_another_county_rechecks_its_departments(world):
    actor = city_office_user(world)
    enterprise = enterprise_create(actor=actor, primary_department=world.a.orgs["emergency"], **fields(world))
    with pytest.raises(ValidationError) as caught:
        enterprise_update(instance=enterprise, actor=actor, jurisdiction=world.b.township)
    assert "primary_department" in field_errors(caught)
    enterprise.refresh_from_db()
    assert enterprise.jurisdiction == world.a.township
    enterprise_update(instance=enterprise, actor=actor, jurisdiction=world.b.township, primary_department=world.b.orgs["emergency"])
    assert enterprise.supervisions.get().organization == world.b.orgs["emergency"]


def test_county_office_keeps_a_city_department_it_cannot_see_when_saving(world):
    city_bureau = OrganizationFactory(jurisdiction=world.city, name="泉州市应急管理局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
    enterprise = enterprise_create(
        actor=city_office_user(world), primary_department=world.a.orgs["emergency"], other_departments=[city_bureau], **fields(world)
    )
    county_office = world.user(Role.SAFETY_OFFICE)
    enterprise_update(
        instance=enterprise, actor=county_office, name="改名有限公司",
        primary_department=world.a.orgs["emergency"], other_departments=[city_bureau],
    )
    assert set(enterprise.supervisions.values_list("organization__name", flat=True)) == {"晋江市应急管理局", "泉州市应急管理局"}
    # but it cannot add a city department that was not there
    other_city = OrganizationFactory(jurisdiction=world.city, name="泉州市住建局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT)
    with pytest.raises(ValidationError):
        enterprise_update(instance=enterprise, actor=county_office, other_departments=[city_bureau, other_city])


def test_department_role_changes_an_enterprise_but_cannot_move_it_out_of_scope(world):
    enterprise = enterprise_create(actor=world.user(Role.SAFETY_OFFICE), **fields(world))
    department = world.user(Role.DEPARTMENT)
    enterprise_update(instance=enterprise, actor=department, risk_class="red")
    with pytest.raises(ValidationError):
        enterprise_update(instance=enterprise, actor=department, jurisdiction=world.b.township)
    enterprise.refresh_from_db()
    assert (enterprise.risk_class, enterprise.jurisdiction) == ("red", world.a.township)


def test_enterprise_of_another_county_cannot_be_changed(world):
    foreign = EnterpriseFactory(jurisdiction=world.b.township, name="南安企业")
    with pytest.raises(PermissionDenied):
        enterprise_update(instance=foreign, actor=world.user(Role.SAFETY_OFFICE), name="改名")
    foreign.refresh_from_db()
    assert foreign.name == "南安企业"


def test_changing_to_a_taken_credit_code_is_refused(world):
    EnterpriseFactory(credit_code=make_credit_code(1010), jurisdiction=world.a.township)
    enterprise = EnterpriseFactory(credit_code=make_credit_code(1011), jurisdiction=world.a.township)
    with pytest.raises(ValidationError) as caught:
        enterprise_update(instance=enterprise, actor=world.user(Role.SAFETY_OFFICE), credit_code=make_credit_code(1010))
    assert "credit_code" in field_errors(caught)


# --- Upserts ----------------------------------------------------------------------------------


def test_upsert_by_credit_code_creates_once_then_updates(world):
    actor = world.user(Role.COUNTY_SYSTEM)
    first, created = enterprise_upsert(actor=actor, **fields(world))
    second, created_again = enterprise_upsert(actor=actor, **fields(world, name="改名后有限公司"))
    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert Enterprise.objects.get().name == "改名后有限公司"


def test_upsert_by_external_id_updates_the_record_pushed_before(world):
    actor = world.user(Role.COUNTY_SYSTEM)
    first, _ = enterprise_upsert(actor=actor, match_on="external_id", **fields(world, source_system="jjaj", external_id="A-7"))
    code = make_credit_code(1020)
    second, created = enterprise_upsert(
        actor=actor, match_on="external_id", **fields(world, credit_code=code, source_system="jjaj", external_id="A-7")
    )
    assert created is False and second.pk == first.pk
    assert Enterprise.objects.get().credit_code == code


def test_upsert_of_a_code_registered_in_another_county_is_refused_without_changing_it(world):
    foreign = EnterpriseFactory(credit_code=make_credit_code(1030), jurisdiction=world.b.township, name="南安企业")
    with pytest.raises(ValidationError) as caught:
        enterprise_upsert(actor=world.user(Role.COUNTY_SYSTEM), **fields(world, credit_code=make_credit_code(1030)))
    assert "credit_code" in field_errors(caught)
    foreign.refresh_from_db()
    assert (foreign.name, foreign.jurisdiction) == ("南安企业", world.b.township)


USES_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://", "psql://"))


@pytest.mark.postgres
@pytest.mark.skipif(not USES_POSTGRES, reason="DATABASE_URL is not a PostgreSQL URL: SQLite cannot run two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_systems_upserting_the_same_new_code_at_once_make_one_enterprise():
    from tests.conftest import build_world

    world = build_world()
    actor = world.user(Role.COUNTY_SYSTEM)
    barrier = threading.Barrier(2)
    outcomes: list = []

    def push(name: str) -> None:
        try:
            barrier.wait()
            user = type(actor).objects.get(pk=actor.pk)
            outcomes.append(enterprise_upsert(actor=user, **fields(world, name=name))[1])
        except Exception as error:  # pragma: no cover - reported by the assertion below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=push, args=(f"并发企业{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [False, True], outcomes
    assert Enterprise.objects.count() == 1


# --- Accounts ---------------------------------------------------------------------------------


def enterprise_account(world, username="qiye"):
    return assigned_user(role=Role.ENTERPRISE, jurisdiction=world.a.township, username=username, account_type=AccountType.ENTERPRISE)


def test_enterprise_account_sees_its_own_enterprise_and_not_the_one_next_door(world):
    own = EnterpriseFactory(jurisdiction=world.a.township, name="自己的企业")
    EnterpriseFactory(jurisdiction=world.a.township, name="隔壁企业")
    account = enterprise_account(world)
    assert not Enterprise.objects.restrict(account, "view").exists()
    enterprise_grant_account(actor=world.user(Role.SAFETY_OFFICE), enterprise=own, user=account)
    forget_scope(account)
    assert list(Enterprise.objects.restrict(account, "view").values_list("name", flat=True)) == ["自己的企业"]
    assert not Enterprise.objects.restrict(account, "change").exists()


def test_only_an_enterprise_account_can_be_linked(world):
    person = UserFactory(account_type=AccountType.PERSON)
    with pytest.raises(ValidationError) as caught:
        enterprise_grant_account(actor=world.user(Role.SAFETY_OFFICE), enterprise=EnterpriseFactory(jurisdiction=world.a.township), user=person)
    assert "user" in field_errors(caught)


def test_granting_an_enterprise_of_another_county_is_forbidden(world):
    with pytest.raises(PermissionDenied):
        enterprise_grant_account(
            actor=world.user(Role.SAFETY_OFFICE), enterprise=EnterpriseFactory(jurisdiction=world.b.township), user=enterprise_account(world)
        )


def test_revoking_access_hides_the_enterprise_again(world):
    own = EnterpriseFactory(jurisdiction=world.a.township)
    account = enterprise_account(world)
    office = world.user(Role.SAFETY_OFFICE)
    enterprise_grant_account(actor=office, enterprise=own, user=account)
    enterprise_revoke_account(actor=office, enterprise=own, user=account)
    forget_scope(account)
    assert not Enterprise.objects.restrict(account, "view").exists()


def test_world_county_a_has_an_emergency_bureau_of_department_kind(world):
    """The tests above rely on it: a supervisory department of county A."""
    bureau = world.a.orgs["emergency"]
    assert (bureau.kind, bureau.function, bureau.jurisdiction.level) == (
        OrganizationKind.SUPERVISORY_DEPARTMENT,
        OrganizationFunction.EMERGENCY,
        JurisdictionLevel.COUNTY,
    )
