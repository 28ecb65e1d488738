"""Power-and-responsibility lists: the workflow services (draft → submitted → both reviews →
approved → published), their permissions, the refusals that change nothing, concurrency,
item import and publication deadlines."""

from __future__ import annotations

import datetime
import io
import os
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.tabular import ImportRejected
from responsibility.choices import PowerListStatus, ReviewDecision, ReviewOffice
from responsibility.models import PowerListItem, PowerListReview, PowerListVersion, PublicationDeadline
from responsibility.roles import Role
from responsibility.services import power_lists as services
from responsibility.services.power_lists import TRANSITIONS, Action, StaleVersion
from tests.responsibility.power_lists_fixtures import department, make_version, office, staffing

pytestmark = pytest.mark.django_db

S = PowerListStatus


def _submitted(world, items=3):
    version = make_version(world.a.orgs["emergency"], items=items)
    return services.power_list_submit(version=version, actor=department(world))


def _approve(world, version, office_name, **kwargs):
    actor = staffing(world) if office_name == ReviewOffice.STAFFING else office(world)
    return services.power_list_review(version=version, actor=actor, office=office_name, decision=ReviewDecision.APPROVE, **kwargs)


# --- Versions -----------------------------------------------------------------------------------


def test_first_list_of_an_organization_starts_as_an_empty_draft_numbered_one(world):
    version = services.power_list_version_create(actor=department(world), organization=world.a.orgs["emergency"])
    assert (version.number, version.status, version.items.count()) == (1, S.DRAFT, 0)


def test_new_version_copies_the_latest_items_into_a_draft_numbered_after_it(world):
    published = make_version(world.a.orgs["emergency"], status=S.PUBLISHED, number=4, items=5)
    version = services.power_list_version_create(actor=department(world), organization=world.a.orgs["emergency"], change_summary="修订")
    assert (version.number, version.status, version.change_summary) == (5, S.DRAFT, "修订")
    copied = list(version.items.values_list("sequence", "title", "legal_basis"))
    assert copied == list(published.items.values_list("sequence", "title", "legal_basis"))
    assert published.items.count() == 5  # the published version keeps its own items


def test_a_second_version_in_progress_is_refused(world):
    make_version(world.a.orgs["emergency"], status=S.RETURNED)
    with pytest.raises(ValidationError, match="already has a list version in progress"):
        services.power_list_version_create(actor=department(world), organization=world.a.orgs["emergency"])
    assert PowerListVersion.objects.count() == 1


def test_an_organization_that_keeps_no_list_cannot_start_one(world):
    with pytest.raises(ValidationError) as caught:
        services.power_list_version_create(actor=office(world), organization=world.a.orgs["committee"])
    assert "keeps no power-and-responsibility list" in str(caught.value)


def test_department_user_can_only_draft_the_list_of_an_organization_where_they_hold_a_post(world):
    with pytest.raises(PermissionDenied):
        services.power_list_version_create(actor=department(world), organization=world.a.orgs["government"])
    assert not PowerListVersion.objects.exists()


def test_safety_office_may_draft_for_any_organization_in_its_scope(world):
    version = services.power_list_version_create(actor=office(world), organization=world.a.orgs["government"])
    assert version.status == S.DRAFT


def test_drafting_for_an_organization_outside_the_scope_is_refused(world):
    with pytest.raises(ValidationError, match="outside your scope"):
        services.power_list_version_create(actor=office(world), organization=world.b.orgs["emergency"])


def test_discarding_a_draft_deletes_it_but_a_returned_version_cannot_be_discarded(world):
    draft = make_version(world.a.orgs["emergency"])
    services.power_list_version_discard(instance=draft, actor=department(world))
    assert not PowerListVersion.objects.exists()
    returned = make_version(world.a.orgs["emergency"], status=S.RETURNED, submitted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError, match="Only a draft"):
        services.power_list_version_discard(instance=returned, actor=department(world))
    assert PowerListVersion.objects.filter(pk=returned.pk).exists()


# --- The workflow -------------------------------------------------------------------------------


def test_submitting_an_empty_list_is_refused_and_nothing_changes(world):
    version = make_version(world.a.orgs["emergency"], items=0)
    with pytest.raises(ValidationError, match="empty list cannot be submitted"):
        services.power_list_submit(version=version, actor=department(world))
    version.refresh_from_db()
    assert (version.status, version.submitted_at, version.lock_version) == (S.DRAFT, None, 0)


@pytest.mark.parametrize("first", [ReviewOffice.STAFFING, ReviewOffice.SAFETY])
def test_list_is_approved_only_once_both_offices_have_approved_in_either_order(world, first):
    version = _submitted(world)
    second = ReviewOffice.SAFETY if first == ReviewOffice.STAFFING else ReviewOffice.STAFFING
    version = _approve(world, version, first)
    assert version.status == S.SUBMITTED
    version = _approve(world, version, second)
    assert version.status == S.APPROVED
    assert version.staffing_approved_at and version.safety_approved_at
    assert list(version.reviews.values_list("office", "decision")) == [
        (first, ReviewDecision.APPROVE),
        (second, ReviewDecision.APPROVE),
    ]


def test_publishing_makes_it_public_and_the_previous_published_version_superseded(world):
    old = make_version(world.a.orgs["emergency"], status=S.PUBLISHED, number=1)
    version = services.power_list_version_create(actor=department(world), organization=world.a.orgs["emergency"])
    version = services.power_list_submit(version=version, actor=department(world))
    version = _approve(world, _approve(world, version, ReviewOffice.STAFFING), ReviewOffice.SAFETY)
    version = services.power_list_publish(version=version, actor=office(world))
    old.refresh_from_db()
    assert (version.status, version.published_by) == (S.PUBLISHED, office(world))
    assert version.published_at is not None
    assert old.status == S.SUPERSEDED and old.published_at is not None  # kept, still dated
    assert set(PowerListVersion.objects.published().values_list("number", flat=True)) == {1, 2}


def test_approving_twice_is_refused_and_no_second_review_is_recorded(world):
    version = _approve(world, _submitted(world), ReviewOffice.STAFFING)
    with pytest.raises(ValidationError, match="staffing office has already approved"):
        _approve(world, version, ReviewOffice.STAFFING)
    assert PowerListReview.objects.filter(version=version).count() == 1
    version.refresh_from_db()
    assert version.status == S.SUBMITTED


def test_publishing_without_both_reviews_is_refused_and_changes_nothing(world):
    version = _approve(world, _submitted(world), ReviewOffice.STAFFING)
    lock = version.lock_version
    with pytest.raises(ValidationError, match="both the staffing office and the safety office have approved"):
        services.power_list_publish(version=version, actor=office(world))
    version.refresh_from_db()
    assert (version.status, version.published_at, version.lock_version) == (S.SUBMITTED, None, lock)


def test_an_approved_status_without_both_approval_dates_is_not_publishable(world):
    version = make_version(world.a.orgs["emergency"], status=S.APPROVED, safety_approved_at=None)
    with pytest.raises(ValidationError, match="Both the staffing office and the safety office must approve"):
        services.power_list_publish(version=version, actor=office(world))


def test_returning_needs_a_comment(world):
    version = _submitted(world)
    with pytest.raises(ValidationError) as caught:
        services.power_list_review(version=version, actor=staffing(world), office=ReviewOffice.STAFFING, decision=ReviewDecision.RETURN, comment="  ")
    assert "comment" in caught.value.message_dict
    version.refresh_from_db()
    assert version.status == S.SUBMITTED


def test_a_returned_list_is_editable_again_and_both_offices_review_it_afresh(world):
    version = _approve(world, _submitted(world), ReviewOffice.STAFFING)
    version = services.power_list_review(
        version=version, actor=office(world), office=ReviewOffice.SAFETY, decision=ReviewDecision.RETURN, comment="请补充检查事项"
    )
    assert version.status == S.RETURNED
    assert version.staffing_approved_at is None  # the staffing approval does not carry over
    services.power_list_item_create(
        actor=department(world), version=version, kind="responsibility", title="补充事项", legal_basis="依据", responsible_unit="科室"
    )
    version = services.power_list_submit(version=version, actor=department(world))
    version = _approve(world, version, ReviewOffice.SAFETY)
    assert version.status == S.SUBMITTED  # the staffing office must approve again
    assert _approve(world, version, ReviewOffice.STAFFING).status == S.APPROVED
    assert version.reviews.filter(decision=ReviewDecision.RETURN, comment="请补充检查事项").exists()


def test_items_of_a_submitted_list_cannot_be_added_changed_or_deleted(world):
    version = _submitted(world)
    item = version.items.first()
    with pytest.raises(ValidationError, match="can only be changed while it is a draft or returned"):
        services.power_list_item_create(actor=department(world), version=version, kind="power", title="新事项", legal_basis="x", responsible_unit="y")
    with pytest.raises(ValidationError, match="can only be changed"):
        services.power_list_item_update(instance=item, actor=department(world), title="改")
    with pytest.raises(ValidationError, match="can only be changed"):
        services.power_list_item_delete(instance=item, actor=department(world))
    assert version.items.count() == 3
    item.refresh_from_db()
    assert item.title != "改"


def test_a_reviewer_can_only_act_for_the_office_their_role_holds(world):
    version = _submitted(world)
    with pytest.raises(PermissionDenied):
        services.power_list_review(version=version, actor=staffing(world), office=ReviewOffice.SAFETY, decision=ReviewDecision.APPROVE)
    with pytest.raises(PermissionDenied):
        services.power_list_review(version=version, actor=department(world), office=ReviewOffice.STAFFING, decision=ReviewDecision.APPROVE)
    with pytest.raises(PermissionDenied):
        services.power_list_publish(version=version, actor=staffing(world))
    assert not version.reviews.exists()


def test_the_staffing_reviewer_cannot_prepare_lists(world):
    version = make_version(world.a.orgs["staffing"])  # even the list of their own office
    with pytest.raises(PermissionDenied):
        services.power_list_submit(version=version, actor=staffing(world))


def test_every_move_missing_from_the_transition_table_is_refused(world):
    version = PowerListVersion(status=S.DRAFT)
    actions = [getattr(Action, name) for name in dir(Action) if name.isupper()]
    for status in S.values:
        for action in actions:
            version.status = status
            if (status, action) in TRANSITIONS:
                assert services.check_transition(version, action) == TRANSITIONS[(status, action)]
            else:
                with pytest.raises(ValidationError):
                    services.check_transition(version, action)


# --- Two reviewers at once ------------------------------------------------------------------------


def test_two_reviewers_with_the_same_page_state_one_wins_the_other_is_told(world):
    version = _submitted(world)
    seen = version.lock_version  # both pages were loaded before either decision
    _approve(world, version, ReviewOffice.STAFFING, lock_version=seen)
    with pytest.raises(StaleVersion, match="changed by someone else"):
        services.power_list_review(
            version=version, actor=office(world), office=ReviewOffice.SAFETY, decision=ReviewDecision.RETURN,
            comment="退回", lock_version=seen,
        )
    version.refresh_from_db()
    assert version.status == S.SUBMITTED and version.staffing_approved_at is not None
    assert list(version.reviews.values_list("office", flat=True)) == [ReviewOffice.STAFFING]


def test_every_change_bumps_the_lock_version(world):
    version = make_version(world.a.orgs["emergency"])
    item = services.power_list_item_create(
        actor=department(world), version=version, kind="power", title="新事项", legal_basis="x", responsible_unit="y", lock_version=0
    )
    assert item.sequence == 4  # an empty number goes last
    version.refresh_from_db()
    assert version.lock_version == 1
    with pytest.raises(StaleVersion):
        services.power_list_item_update(instance=item, actor=department(world), title="改", lock_version=0)


USES_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://", "psql://"))


@pytest.mark.postgres
@pytest.mark.skipif(not USES_POSTGRES, reason="DATABASE_URL is not a PostgreSQL URL: SQLite serializes writers, no real race")
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_racing_on_postgres_exactly_one_succeeds():
    from django.db import connection

    from tests.conftest import build_world

    world = build_world()
    version = _submitted(world)
    seen = version.lock_version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def review(actor, office_name, decision, comment=""):
        try:
            barrier.wait()
            services.power_list_review(
                version=version, actor=actor, office=office_name, decision=decision, comment=comment, lock_version=seen
            )
            outcomes.append("ok")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=(staffing(world), ReviewOffice.STAFFING, ReviewDecision.APPROVE)),
        threading.Thread(target=review, args=(office(world), ReviewOffice.SAFETY, ReviewDecision.RETURN, "退回")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale"]
    assert PowerListReview.objects.filter(version=version).count() == 1


# --- Item import ----------------------------------------------------------------------------------


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("items.csv", text.encode("utf-8"), content_type="text/csv")


def test_item_import_with_a_bad_row_imports_nothing_and_names_each_row(world):
    version = make_version(world.a.orgs["emergency"], items=1)
    upload = _csv(
        "序号,类别,权力类型,事项名称,法律依据,责任单位\n"
        "2,权力,行政处罚,对未进行安全评价的处罚,《安全生产法》第九十八条,执法大队\n"
        "3,职责,,未知类别的事项,依据,科室\n"
        "2,责任,,重复编号的事项,依据,科室\n"
        "4,责任,行政许可,责任不应有权力类型,依据,科室\n"
        "5,权力,,缺少依据,,科室\n"
    )
    with pytest.raises(ImportRejected) as caught:
        services.power_list_items_import(actor=department(world), version=version, uploaded=upload)
    rows = sorted({error.row for error in caught.value.errors})
    assert rows == [3, 4, 5, 6]
    assert version.items.count() == 1


def test_item_import_accepts_chinese_headers_numbers_items_after_the_last_and_can_replace(world):
    version = make_version(world.a.orgs["emergency"], items=2)
    upload = _csv(
        "类别,权力类型,事项名称,法律依据,责任单位\n"
        "权力,行政处罚,对未进行安全评价的处罚,《安全生产法》第九十八条,执法大队\n"
        "责任,,负责综合监督管理,《安全生产法》第十条,综合科\n"
    )
    assert services.power_list_items_import(actor=department(world), version=version, uploaded=upload) == 2
    assert list(version.items.order_by("sequence").values_list("sequence", "kind", "category")) == [
        (1, "power", "penalty"), (2, "power", "penalty"), (3, "power", "penalty"), (4, "responsibility", ""),
    ]
    upload = _csv("kind,title,legal_basis,responsible_unit\nresponsibility,唯一事项,依据,科室\n")
    assert services.power_list_items_import(actor=department(world), version=version, uploaded=upload, replace=True) == 1
    assert list(version.items.values_list("sequence", "title")) == [(1, "唯一事项")]


def test_item_import_reads_xlsx(world):
    from openpyxl import Workbook

    version = make_version(world.a.orgs["emergency"], items=0)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "类别", "事项名称", "法律依据", "责任单位"])
    sheet.append([1, "责任", "负责综合监督管理", "《安全生产法》第十条", "综合科"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("items.xlsx", buffer.getvalue())
    assert services.power_list_items_import(actor=department(world), version=version, uploaded=upload) == 1


def test_item_import_into_a_submitted_list_is_refused(world):
    version = _submitted(world)
    with pytest.raises(ValidationError):
        services.power_list_items_import(actor=department(world), version=version, uploaded=_csv("kind,title,legal_basis,responsible_unit\n"))
    assert version.items.count() == 3


# --- Publication deadlines ------------------------------------------------------------------------


def test_deadline_is_set_once_per_jurisdiction_and_year_inside_the_scope(world):
    services.publication_deadline_create(actor=office(world), jurisdiction=world.a.county, year=2026, deadline=datetime.date(2026, 6, 30))
    with pytest.raises(ValidationError, match="already has a deadline for that year"):
        services.publication_deadline_create(actor=office(world), jurisdiction=world.a.county, year=2026, deadline=datetime.date(2026, 7, 31))
    with pytest.raises(ValidationError, match="outside your scope"):
        services.publication_deadline_create(actor=office(world), jurisdiction=world.b.county, year=2026, deadline=datetime.date(2026, 6, 30))
    with pytest.raises(ValidationError, match="must fall in the chosen year"):
        services.publication_deadline_create(actor=office(world), jurisdiction=world.a.township, year=2026, deadline=datetime.date(2027, 1, 31))
    with pytest.raises(PermissionDenied):
        services.publication_deadline_create(actor=staffing(world), jurisdiction=world.a.township, year=2026, deadline=datetime.date(2026, 6, 30))
    assert PublicationDeadline.objects.count() == 1


def test_item_numbers_stay_unique_within_a_version(world):
    version = make_version(world.a.orgs["emergency"], items=2)
    with pytest.raises(ValidationError, match="same number"):
        services.power_list_item_create(
            actor=department(world), version=version, sequence=2, kind="power", title="x", legal_basis="y", responsible_unit="z"
        )
    assert PowerListItem.objects.filter(version=version).count() == 2


def test_roles_hold_the_permissions_the_workflow_needs(world):
    assert world.user(Role.STAFFING_REVIEWER).has_perm("responsibility.review_staffing_powerlistversion")
    assert world.user(Role.SAFETY_OFFICE).has_perm("responsibility.review_safety_powerlistversion")
    assert world.user(Role.SAFETY_OFFICE).has_perm("responsibility.publish_powerlistversion")
    assert not world.user(Role.DEPARTMENT).has_perm("responsibility.publish_powerlistversion")
