"""Annual key-work responsibility lists: creating lists and items, the status workflow and
the periodic checks with their evidence."""

# The shared fixtures are imported by name, so pytest finds them; test arguments of the same name
# are what pytest passes, not a redefinition.
# ruff: noqa: F811
from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from responsibility.choices import CheckResult, WorkItemStatus
from responsibility.models import WorkItem, WorkItemCheck, WorkList
from responsibility.roles import Role
from responsibility.services import duties as services
from tests.factories import WorkItemFactory
from tests.responsibility.duties_fixtures import duty_world, owned_item, work_list  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _today() -> datetime.date:
    return timezone.localdate()


# --- Lists ----------------------------------------------------------------------------------


def test_office_creates_a_list_with_a_default_title(duty_world):
    world = duty_world.world
    created = services.work_list_create(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county, year=2026)
    assert created.title == "2026 key-work responsibility list of 晋江市"
    assert created.organizer is None


def test_the_government_principal_creates_the_list_and_becomes_its_organizer(duty_world):
    world = duty_world.world
    created = services.work_list_create(actor=duty_world.principal, jurisdiction=world.a.county, year=2026)
    assert created.organizer == duty_world.official(duty_world.principal)


def test_another_leader_cannot_create_the_list(duty_world):
    world = duty_world.world
    with pytest.raises(PermissionDenied):
        services.work_list_create(actor=duty_world.gov_leader, jurisdiction=world.a.county, year=2026)


def test_the_principal_of_one_county_cannot_create_the_list_of_another(duty_world):
    with pytest.raises(PermissionDenied):
        services.work_list_create(actor=duty_world.principal, jurisdiction=duty_world.world.b.county, year=2026)


def test_office_cannot_create_a_list_outside_its_scope(duty_world):
    world = duty_world.world
    with pytest.raises(ValidationError) as caught:
        services.work_list_create(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.b.county, year=2026)
    assert caught.value.message_dict == {"jurisdiction": ["This jurisdiction is outside your scope."]}


def test_one_list_per_jurisdiction_and_year(duty_world, work_list):
    world = duty_world.world
    with pytest.raises(ValidationError) as caught:
        services.work_list_create(actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county, year=work_list.year)
    assert "This jurisdiction already has a key-work list for that year." in str(caught.value)
    assert WorkList.objects.count() == 1


def test_the_organizer_must_be_a_leader_of_the_jurisdiction(duty_world):
    world = duty_world.world
    with pytest.raises(ValidationError) as caught:
        services.work_list_create(
            actor=world.user(Role.SAFETY_OFFICE), jurisdiction=world.a.county, year=2026,
            organizer=duty_world.official(duty_world.b_principal),
        )
    assert "organizer" in caught.value.message_dict


# --- Items ----------------------------------------------------------------------------------


def test_items_are_numbered_in_order(duty_world, work_list):
    office = duty_world.world.user(Role.SAFETY_OFFICE)
    owner = duty_world.official(duty_world.gov_leader)
    first = services.work_item_add(actor=office, work_list=work_list, owner=owner, content="甲", due_date=datetime.date(work_list.year, 6, 30))
    second = services.work_item_add(actor=office, work_list=work_list, owner=owner, content="乙", due_date=datetime.date(work_list.year, 9, 30))
    assert (first.sequence, second.sequence) == (1, 2)


def test_an_item_owner_must_be_a_current_leader_of_the_list_jurisdiction(duty_world, work_list):
    office = duty_world.world.user(Role.SAFETY_OFFICE)
    with pytest.raises(ValidationError) as caught:
        services.work_item_add(
            actor=office, work_list=work_list, owner=duty_world.official(duty_world.b_principal), content="甲",
            due_date=datetime.date(work_list.year, 6, 30),
        )
    assert "owner" in caught.value.message_dict
    assert not WorkItem.objects.exists()


def test_an_item_is_due_in_the_year_of_its_list(duty_world, work_list):
    office = duty_world.world.user(Role.SAFETY_OFFICE)
    with pytest.raises(ValidationError) as caught:
        services.work_item_add(
            actor=office, work_list=work_list, owner=duty_world.official(duty_world.gov_leader), content="甲",
            due_date=datetime.date(work_list.year + 1, 1, 31),
        )
    assert "due_date" in caught.value.message_dict


def test_the_organizer_may_add_items_but_another_leader_may_not(duty_world, work_list):
    owner = duty_world.official(duty_world.gov_leader)
    due = datetime.date(work_list.year, 6, 30)
    services.work_item_add(actor=duty_world.principal, work_list=work_list, owner=owner, content="甲", due_date=due)
    with pytest.raises(PermissionDenied):
        services.work_item_add(actor=duty_world.gov_leader, work_list=work_list, owner=owner, content="乙", due_date=due)


# --- Status workflow ------------------------------------------------------------------------


def test_the_owner_reports_progress_and_completion(duty_world, owned_item):
    owner = duty_world.world.user(Role.LEADER)
    services.work_item_set_status(actor=owner, instance=owned_item, status=WorkItemStatus.IN_PROGRESS)
    done = services.work_item_set_status(actor=owner, instance=owned_item, status=WorkItemStatus.DONE)
    assert (done.status, done.completed_on) == (WorkItemStatus.DONE, _today())


def test_another_leader_cannot_change_the_status(duty_world, owned_item):
    with pytest.raises(PermissionDenied):
        services.work_item_set_status(actor=duty_world.gov_leader, instance=owned_item, status=WorkItemStatus.IN_PROGRESS)
    owned_item.refresh_from_db()
    assert owned_item.status == WorkItemStatus.NOT_STARTED


def test_the_office_can_change_the_status(duty_world, owned_item):
    office = duty_world.world.user(Role.SAFETY_OFFICE)
    item = services.work_item_set_status(actor=office, instance=owned_item, status=WorkItemStatus.IN_PROGRESS)
    assert item.status == WorkItemStatus.IN_PROGRESS


def test_only_a_manager_reopens_a_completed_item(duty_world, owned_item):
    owner = duty_world.world.user(Role.LEADER)
    services.work_item_set_status(actor=owner, instance=owned_item, status=WorkItemStatus.DONE)
    with pytest.raises(PermissionDenied):
        services.work_item_set_status(actor=owner, instance=owned_item, status=WorkItemStatus.IN_PROGRESS)
    reopened = services.work_item_set_status(
        actor=duty_world.world.user(Role.SAFETY_OFFICE), instance=owned_item, status=WorkItemStatus.IN_PROGRESS
    )
    assert (reopened.status, reopened.completed_on) == (WorkItemStatus.IN_PROGRESS, None)


def test_a_move_the_workflow_does_not_allow_is_a_clear_error(duty_world, owned_item):
    owner = duty_world.world.user(Role.LEADER)
    services.work_item_set_status(actor=owner, instance=owned_item, status=WorkItemStatus.IN_PROGRESS)
    with pytest.raises(ValidationError) as caught:
        services.work_item_set_status(actor=owner, instance=owned_item, status=WorkItemStatus.NOT_STARTED)
    assert caught.value.message_dict == {"status": ["An item that is “In progress” cannot become “Not started”."]}


def test_setting_the_same_status_twice_is_a_clear_error(duty_world, owned_item):
    owner = duty_world.world.user(Role.LEADER)
    services.work_item_set_status(actor=owner, instance=owned_item, status=WorkItemStatus.DONE)
    with pytest.raises(ValidationError) as caught:
        services.work_item_set_status(actor=owner, instance=owned_item, status=WorkItemStatus.DONE)
    assert caught.value.message_dict == {"status": ["The item is already “Done”."]}


def test_a_completion_date_in_the_future_is_refused(duty_world, owned_item):
    with pytest.raises(ValidationError) as caught:
        services.work_item_set_status(
            actor=duty_world.world.user(Role.LEADER), instance=owned_item, status=WorkItemStatus.DONE,
            completed_on=_today() + datetime.timedelta(days=3),
        )
    assert "completed_on" in caught.value.message_dict
    owned_item.refresh_from_db()
    assert owned_item.status == WorkItemStatus.NOT_STARTED


def test_the_allowed_statuses_follow_the_workflow_and_the_actor(duty_world, owned_item):
    world = duty_world.world
    assert services.allowed_statuses(world.user(Role.LEADER), owned_item) == [WorkItemStatus.IN_PROGRESS, WorkItemStatus.DONE]
    assert services.allowed_statuses(duty_world.gov_leader, owned_item) == []
    owned_item.status = WorkItemStatus.DONE
    assert services.allowed_statuses(world.user(Role.LEADER), owned_item) == []
    assert services.allowed_statuses(world.user(Role.SAFETY_OFFICE), owned_item) == [WorkItemStatus.IN_PROGRESS]


def test_overdue_means_not_done_and_past_the_due_date(duty_world, work_list):
    owner = duty_world.official(duty_world.gov_leader)
    yesterday = _today() - datetime.timedelta(days=1)
    late = WorkItemFactory(work_list=work_list, owner=owner, due_date=yesterday)
    WorkItemFactory(work_list=work_list, owner=owner, due_date=yesterday, status=WorkItemStatus.DONE)
    WorkItemFactory(work_list=work_list, owner=owner, due_date=_today())
    assert list(WorkItem.objects.overdue()) == [late]
    assert late.is_overdue


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_completing_an_item_at_once_one_wins_and_the_other_is_told(duty_world, owned_item):
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL is not a PostgreSQL URL: SQLite serializes writers, there is no race to test")
    actors = [duty_world.world.user(Role.LEADER), duty_world.world.user(Role.SAFETY_OFFICE)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor):
        from django.db import connections

        try:
            barrier.wait()
            services.work_item_set_status(actor=actor, instance=owned_item, status=WorkItemStatus.DONE)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.message_dict["status"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(a,)) for a in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["The item is already “Done”.", "ok"]


# --- Checks ---------------------------------------------------------------------------------


def _check(actor, item, **fields):
    data = {"check_date": _today(), "result": CheckResult.ON_TRACK, "note": "按计划推进", **fields}
    return services.work_item_check_record(actor=actor, item=item, **data)


def test_a_leader_records_a_check_as_the_checker(duty_world, owned_item):
    check = _check(duty_world.principal, owned_item)
    assert check.checker == duty_world.principal
    assert check.item == owned_item


def test_the_owner_cannot_check_their_own_item(duty_world, owned_item):
    with pytest.raises(PermissionDenied):
        _check(duty_world.world.user(Role.LEADER), owned_item)
    assert not WorkItemCheck.objects.exists()


def test_a_department_cannot_record_checks(duty_world, owned_item):
    with pytest.raises(PermissionDenied):
        _check(duty_world.world.user(Role.DEPARTMENT), owned_item)


def test_another_county_cannot_check_the_item(duty_world, owned_item):
    with pytest.raises(ValidationError) as caught:
        _check(duty_world.b_principal, owned_item)
    assert "item" in caught.value.message_dict


def test_a_check_finding_the_item_completed_completes_it(duty_world, owned_item):
    check_date = _today() - datetime.timedelta(days=2)
    _check(duty_world.world.user(Role.SAFETY_OFFICE), owned_item, result=CheckResult.DONE, check_date=check_date)
    owned_item.refresh_from_db()
    assert (owned_item.status, owned_item.completed_on) == (WorkItemStatus.DONE, check_date)


def test_a_check_dated_in_the_future_is_refused(duty_world, owned_item):
    with pytest.raises(ValidationError) as caught:
        _check(duty_world.principal, owned_item, check_date=_today() + datetime.timedelta(days=1))
    assert "check_date" in caught.value.message_dict


def test_evidence_is_stored_with_the_check(duty_world, owned_item):
    check = _check(duty_world.principal, owned_item, evidence=SimpleUploadedFile("检查记录.pdf", PDF))
    assert check.evidence.name.endswith(".pdf")
    with check.evidence.open("rb") as handle:
        assert handle.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "“.exe” files are not accepted"),
        ("fake.pdf", b"<html>not a pdf</html>", "does not match its type"),
        ("photo.png", b"\xff\xd8\xff\xe0jpeg", "does not match its type"),
    ],
)
def test_evidence_of_the_wrong_type_is_refused_and_nothing_is_saved(duty_world, owned_item, name, content, message):
    with pytest.raises(ValidationError) as caught:
        _check(duty_world.principal, owned_item, evidence=SimpleUploadedFile(name, content))
    assert message in caught.value.message_dict["evidence"][0]
    assert not WorkItemCheck.objects.exists()


def test_evidence_larger_than_the_limit_is_refused(duty_world, owned_item, settings):
    settings.MAX_EVIDENCE_FILE_SIZE = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        _check(duty_world.principal, owned_item, evidence=big)
    assert caught.value.message_dict == {"evidence": ["The file is larger than 1 MB."]}
