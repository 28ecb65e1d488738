"""Duty-performance dossiers (尽职免责): what the selector collects, the request and its
background generation (eager or through a worker), idempotency, failures and retries, the PDF."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.choices import DossierStatus
from assessments.models import DutyDossier
from assessments.selectors.dossier import collect_dossier, dossier_display
from assessments.services import dossiers as services
from responsibility.roles import Role
from tests.assessments.conftest import DOSSIER_END, DOSSIER_START, build_duty_records
from tests.core.test_pdf import shown_text

D = datetime.date


@pytest.fixture
def records(world, enterprise_a):
    return build_duty_records(world, enterprise_a)


def _collect(records, **kwargs):
    return collect_dossier(records["official"], DOSSIER_START, DOSSIER_END, today=D(2026, 11, 1), **kwargs)


# --- The selector -----------------------------------------------------------------------------


def test_dossier_holds_posts_duties_and_key_work_with_checks(records):
    data = _collect(records)
    assert data["official"]["name"] == records["official"].name
    assert [p["id"] for p in data["posts"]] == [records["post"].pk]
    assert data["posts"][0]["role"] == "safety_deputy"
    assert [i["sequence"] for i in data["responsibility_items"]] == [1, 2]
    work = {w["id"]: w for w in data["work_items"]}
    done, overdue = work[records["done"].pk], work[records["overdue"].pk]
    assert done["status"] == "done" and not done["overdue"]
    assert [(c["date"], c["result"], c["evidence"]) for c in done["checks"]] == [("2025-04-01", "on_track", "检查记录.pdf")]
    assert overdue["overdue"] and overdue["checks"] == []


def test_dossier_counts_submitted_inspections_in_the_period_against_the_yearly_quota(records):
    data = _collect(records)
    assert [(i["code"], i["role"]) for i in data["inspections"]] == [(records["led"].code, "led"), (records["joined"].code, "joined")]
    assert data["inspections"][0]["enterprises"] == ["晋江鞋业有限公司"]
    [quota] = data["quotas"]  # county leaders: at least one inspection a year
    assert quota["rule"] == "市、县两级党政领导每年至少开展1次安全检查"
    assert [(w["key"], w["count"], w["status"]) for w in quota["windows"]] == [("2024", 0, "short"), ("2025", 2, "met")]
    assert (quota["required"], quota["done"], quota["shortfall"]) == (2, 1, 1)
    assert data["summary"]["inspections_led"] == 1 and data["summary"]["inspections_joined"] == 1


def test_dossier_holds_meetings_linked_major_hazards_lists_findings_and_decisions(records):
    data = _collect(records)
    assert [(m["title"], m["chaired"]) for m in data["meetings"]] == [("安委会全体会议", False), ("2025年第一季度安全生产工作会议", True)]
    hazards = {h["id"]: h for h in data["major_hazards"]}
    assert set(hazards) == {records["late"].pk, records["unvisited"].pk}  # the one closed before the period is left out
    late = hazards[records["late"].pk]
    assert late["overdue"] and late["visits_by_official"] == 1 and late["last_visit"] == "2025-05-02"
    assert [(v["leader"], v["by_official"]) for v in late["visits"]] == [(records["official"].name, True), ("同事", False)]
    assert hazards[records["unvisited"].pk]["visits_by_official"] == 0
    assert [(v["organization"], v["number"]) for v in data["power_lists"]] == [("晋江市人民政府", 1)]
    assert [f["id"] for f in data["patrol_findings"]] == [records["finding"].pk]
    assert [(d["id"], d["measure"]) for d in data["decisions"]] == [(records["decision"].pk, "admonition_talk")]


def test_dossier_gaps_name_the_shortfall_the_overdue_item_the_overdue_and_the_unvisited_hazard(records):
    data = _collect(records)
    gaps = {(g["kind"], g.get("id") or g.get("window")) for g in data["gaps"]}
    assert gaps == {
        ("quota_shortfall", "2024"),
        ("work_item_overdue", records["overdue"].pk),
        ("hazard_overdue", records["late"].pk),
        ("hazard_no_visit", records["unvisited"].pk),
    }
    assert data["summary"]["gaps"] == 4
    shown = dossier_display(data)
    texts = [g["text"] for g in shown["gaps"]]
    assert any("not met in Year 2024: 0 of 1" in t for t in texts)
    assert shown["posts"][0]["role_label"] == "Leader in charge of work safety"


def test_an_official_with_everything_done_has_no_gaps(world, enterprise_a):
    from tests.assessments.conftest import make_inspection

    official = world.user(Role.LEADER).official
    make_inspection(lead=official, day=D(2025, 3, 1), jurisdiction=world.a.county, enterprises=[enterprise_a])
    data = collect_dossier(official, D(2025, 1, 1), D(2025, 12, 31), today=D(2026, 1, 10))
    assert data["gaps"] == []
    assert data["quotas"][0]["windows"][0]["status"] == "met"


def test_dossier_query_count_does_not_grow_with_the_records(world, enterprise_a):
    records = build_duty_records(world, enterprise_a)
    with CaptureQueriesContext(connection) as few:
        first = _collect(records)
    from tests.factories import EnterpriseFactory

    # Five more of every kind of record, for the same official.
    _more(world, records, EnterpriseFactory(jurisdiction=world.a.township))
    with CaptureQueriesContext(connection) as many:
        second = _collect(records)
    assert len(second["inspections"]) > len(first["inspections"]) and len(second["major_hazards"]) > len(first["major_hazards"])
    assert len(many.captured_queries) == len(few.captured_queries) <= 14


def _more(world, records, enterprise):
    from hazards.models import LeaderVisit
    from responsibility.models import ResponsibilityItem, WorkItemCheck
    from tests.assessments.conftest import make_hazard, make_inspection, make_patrol_finding
    from tests.factories import MeetingFactory, WorkItemFactory

    official, D_ = records["official"], D
    for n in range(5):
        ResponsibilityItem.objects.create(official=official, post=records["post"], sequence=10 + n, content=f"更多职责{n}")
        item = WorkItemFactory(work_list=records["done"].work_list, owner=official, due_date=D_(2025, 3, 1), status="done",
                               completed_on=D_(2025, 2, 1))
        WorkItemCheck.objects.create(item=item, check_date=D_(2025, 2, 2), result="done", checker=world.user(Role.SAFETY_OFFICE))
        make_inspection(lead=official, day=D_(2025, 4, 1 + n), jurisdiction=world.a.township, enterprises=[enterprise])
        MeetingFactory(organization=world.a.orgs["government"], held_on=D_(2025, 6, 1 + n), attendees=[official])
        hazard = make_hazard(jurisdiction=world.a.township, deadline=D_(2026, 3, 1), level="major", found_on=D_(2025, 2, 1))
        hazard.linked_leader = official
        hazard.save()
        LeaderVisit.objects.create(hazard=hazard, leader=official, visited_on=D_(2025, 2, 10), note="督导")
        make_patrol_finding(issuing=world.city, target_jurisdiction=world.a.county, unit=world.a.orgs["government"],
                            found_on=D_(2025, 7, 2 + n))


# --- Requesting and generating ------------------------------------------------------------------


def test_request_validates_the_period_and_the_scope(world, records, office_b):
    office = world.user(Role.SAFETY_OFFICE)
    official = records["official"]
    cases = [
        ({"period_start": D(2025, 6, 1), "period_end": D(2025, 1, 1)}, "period_end"),
        ({"period_start": D(2025, 1, 1), "period_end": datetime.date.today() + datetime.timedelta(days=1)}, "period_end"),
        ({"period_start": D(2010, 1, 1), "period_end": D(2025, 1, 1)}, "period_start"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as raised:
            services.dossier_request(actor=office, official=official, **fields)
        assert field in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.dossier_request(actor=office_b, official=official, period_start=DOSSIER_START, period_end=DOSSIER_END)
    assert "official" in raised.value.message_dict
    with pytest.raises(PermissionDenied):
        services.dossier_request(actor=world.user(Role.DEPARTMENT), official=official, period_start=DOSSIER_START, period_end=DOSSIER_END)
    assert not DutyDossier.objects.exists()


def test_eager_request_generates_the_dossier_after_the_commit(world, records, eager_celery, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_request(
            actor=world.user(Role.LEADER), official=records["official"], period_start=DOSSIER_START, period_end=DOSSIER_END
        )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.READY and dossier.error == ""
    assert dossier.data["summary"]["gaps"] == 4
    assert dossier.file.name.endswith(".pdf") and dossier.generated_at is not None
    assert dossier.jurisdiction_path == world.a.county.path  # filed where the post is


def test_with_a_worker_the_request_queues_the_task_and_stays_pending(world, records, monkeypatch, django_capture_on_commit_callbacks):
    from assessments import tasks

    queued = []
    monkeypatch.setattr(tasks.generate_dossier, "delay", lambda dossier_id: queued.append(dossier_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = services.dossier_request(
            actor=world.user(Role.SAFETY_OFFICE), official=records["official"], period_start=DOSSIER_START, period_end=DOSSIER_END
        )
    assert queued == []  # nothing is sent before the commit: a worker must find the row
    for callback in callbacks:
        callback()
    assert queued == [dossier.pk]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PENDING
    # The same request again while it is pending returns it instead of queueing a second one.
    again = services.dossier_request(
        actor=world.user(Role.SAFETY_OFFICE), official=records["official"], period_start=DOSSIER_START, period_end=DOSSIER_END
    )
    assert again.pk == dossier.pk
    # The worker runs the task.
    assert tasks.generate_dossier.run(dossier.pk) == DossierStatus.READY
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.READY


def _pending(world, records) -> DutyDossier:
    return DutyDossier.objects.create(
        official=records["official"], jurisdiction_path=world.a.county.path, period_start=DOSSIER_START, period_end=DOSSIER_END,
        requested_by=world.user(Role.SAFETY_OFFICE),
    )


def test_running_the_task_twice_leaves_the_same_state(world, records):
    from assessments.tasks import generate_dossier

    dossier = _pending(world, records)
    assert generate_dossier.run(dossier.pk) == DossierStatus.READY
    first = DutyDossier.objects.get(pk=dossier.pk)
    assert generate_dossier.run(dossier.pk) == DossierStatus.READY
    second = DutyDossier.objects.get(pk=dossier.pk)
    assert (second.file.name, second.generated_at, second.data, second.updated_at) == (
        first.file.name, first.generated_at, first.data, first.updated_at
    )
    assert generate_dossier.run(999999) == "missing"


def test_a_failure_is_recorded_and_a_retry_generates_it(world, records, monkeypatch, eager_celery, django_capture_on_commit_callbacks):
    from assessments.tasks import generate_dossier

    dossier = _pending(world, records)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "collect_dossier", broken)
    assert generate_dossier.run(dossier.pk) == DossierStatus.FAILED
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.FAILED and "RuntimeError: database went away" in dossier.error
    assert not dossier.file

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_retry(actor=world.user(Role.LEADER), dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.READY and dossier.error == ""
    with pytest.raises(ValidationError):
        services.dossier_retry(actor=world.user(Role.LEADER), dossier=dossier)


def test_an_unreachable_broker_fails_the_dossier_with_the_reason(world, records, monkeypatch, django_capture_on_commit_callbacks):
    from assessments import tasks

    def down(dossier_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.generate_dossier, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_request(
            actor=world.user(Role.SAFETY_OFFICE), official=records["official"], period_start=DOSSIER_START, period_end=DOSSIER_END
        )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.FAILED and "broker down" in dossier.error


def test_the_pdf_is_a_pdf_with_the_dossier_in_chinese(world, records):
    from assessments.tasks import generate_dossier

    dossier = _pending(world, records)
    generate_dossier.run(dossier.pk)
    dossier.refresh_from_db()
    content = dossier.file.read()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    text = shown_text(content)
    assert f"{records['official'].name}履职尽责档案" in text
    assert "一、履职缺项" in text and "完成应急预案修订" in text and "储罐区防火间距不足" in text
