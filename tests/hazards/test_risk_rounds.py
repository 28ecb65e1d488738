"""Half-yearly re-identification rounds: open, review every active point (confirm, change,
retire), close; refusals and their messages; the round pages."""

from __future__ import annotations

import datetime
import os
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError
from hazards.choices import ReviewOutcome, RiskPointStatus, RoundStatus
from hazards.models import RiskPoint, RiskPointReview, RiskReviewRound
from hazards.services import risk as services
from responsibility.choices import PostRole
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, RiskPointFactory, official_user

TODAY = datetime.date.today()


@pytest.fixture
def office(world):
    return world.user(Role.SAFETY_OFFICE)


@pytest.fixture
def points(world):
    """Three active points in county A (one retired and one in county B that do not count)."""
    a = [
        RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), grade="yellow", name="甲"),
        RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.village), grade="blue", name="乙"),
        RiskPointFactory(enterprise=None, jurisdiction=world.a.county, grade="orange", name="丙"),
    ]
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), status=RiskPointStatus.RETIRED)
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.b.township))
    return a


def open_round(world, office, **kwargs):
    values = {"jurisdiction": world.a.county, "year": TODAY.year, "half": 1}
    values.update(kwargs)
    return services.risk_round_open(actor=office, **values)


# --- Opening ----------------------------------------------------------------------------------


def test_one_open_round_per_jurisdiction(world, office):
    first = open_round(world, office)
    assert first.status == RoundStatus.OPEN and first.opened_by == office
    with pytest.raises(ConflictError):
        open_round(world, office, half=2)
    services.risk_round_close(actor=office, round=first)
    second = open_round(world, office, half=2)
    assert second.status == RoundStatus.OPEN
    services.risk_round_close(actor=office, round=second)
    with pytest.raises(ValidationError):  # the same half-year twice
        open_round(world, office, half=2)


def test_rounds_run_at_city_or_county_level_in_scope(world, office):
    with pytest.raises(ValidationError) as error:
        open_round(world, office, jurisdiction=world.a.township)
    assert "jurisdiction" in error.value.message_dict
    with pytest.raises(ValidationError):
        open_round(world, office, jurisdiction=world.b.county)
    with pytest.raises(ValidationError):
        open_round(world, office, jurisdiction=world.city)  # the city is outside a county office's scope
    with pytest.raises(PermissionDenied):
        open_round(world, world.user(Role.LEADER))
    assert services.risk_round_open(actor=None, jurisdiction=world.city, year=TODAY.year, half=1).pk


# --- The lifecycle ----------------------------------------------------------------------------


def test_round_lifecycle(world, office, points):
    confirmed, changed, retired = points
    round_ = open_round(world, office)
    # Identified after the round opened: freshly identified, not pending.
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))

    assert services.round_pending_points(round_).count() == 3
    with pytest.raises(ValidationError) as error:
        services.risk_round_close(actor=office, round=round_)
    assert "3 active risk points have not been reviewed" in str(error.value)

    review = services.risk_point_review(actor=office, round=round_, risk_point=confirmed, outcome=ReviewOutcome.CONFIRMED)
    assert (review.grade_before, review.grade_after, review.reviewed_by) == ("yellow", "yellow", office)

    review = services.risk_point_review(
        actor=office, round=round_, risk_point=changed, outcome=ReviewOutcome.CHANGED,
        method="ls", ls_l=4, ls_s=4, controls="加装泄漏报警",
    )
    assert (review.grade_before, review.grade_after) == ("blue", "orange")
    changed.refresh_from_db()
    assert (changed.grade, changed.score, changed.controls, changed.last_reviewed_on) == ("orange", Decimal("16.00"), "加装泄漏报警", TODAY)

    with pytest.raises(ValidationError) as error:
        services.risk_point_review(actor=office, round=round_, risk_point=retired, outcome=ReviewOutcome.RETIRED)
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.risk_round_close(actor=office, round=round_)
    assert "1 active risk point has not been reviewed" in str(error.value)

    review = services.risk_point_review(
        actor=office, round=round_, risk_point=retired, outcome=ReviewOutcome.RETIRED, note="边坡已治理"
    )
    assert (review.grade_before, review.grade_after) == ("orange", "")
    retired.refresh_from_db()
    assert (retired.status, retired.retired_reason) == (RiskPointStatus.RETIRED, "边坡已治理")

    closed = services.risk_round_close(actor=office, round=round_)
    assert (closed.status, closed.closed_by) == (RoundStatus.CLOSED, office)
    assert closed.closed_at is not None
    with pytest.raises(ConflictError):
        services.risk_round_close(actor=office, round=round_)
    late = RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
    with pytest.raises(ConflictError):
        services.risk_point_review(actor=office, round=round_, risk_point=late, outcome=ReviewOutcome.CONFIRMED)


def test_a_point_is_reviewed_once_per_round(world, office, points):
    round_ = open_round(world, office)
    services.risk_point_review(actor=office, round=round_, risk_point=points[0], outcome=ReviewOutcome.CONFIRMED)
    with pytest.raises(ConflictError):
        services.risk_point_review(actor=office, round=round_, risk_point=points[0], outcome=ReviewOutcome.CONFIRMED)
    with pytest.raises(ConflictError):
        services.risk_point_review(
            actor=office, round=round_, risk_point=points[0], outcome=ReviewOutcome.CHANGED, grade="red", method="direct"
        )
    assert RiskPointReview.objects.filter(round=round_, risk_point=points[0]).count() == 1


def test_review_refusals(world, office, points):
    round_ = open_round(world, office)
    outside = RiskPoint.objects.get(jurisdiction_path__startswith=world.b.county.path)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.risk_point_review(actor=office, round=round_, risk_point=outside, outcome=ReviewOutcome.CONFIRMED)
    with pytest.raises(ValidationError) as error:
        services.risk_point_review(actor=office, round=round_, risk_point=points[0], outcome=ReviewOutcome.CHANGED)
    assert "Nothing was changed" in str(error.value)
    with pytest.raises(ValidationError):
        services.risk_point_review(
            actor=office, round=round_, risk_point=points[0], outcome=ReviewOutcome.CONFIRMED, name="改名"
        )
    with pytest.raises(ValidationError) as error:
        services.risk_point_review(
            actor=office, round=round_, risk_point=points[0], outcome=ReviewOutcome.CHANGED,
            enterprise=None, jurisdiction=world.b.township,
        )
    with pytest.raises(PermissionDenied):
        services.risk_point_review(
            actor=world.user(Role.LEADER), round=round_, risk_point=points[0], outcome=ReviewOutcome.CONFIRMED
        )
    assert not RiskPointReview.objects.exists()
    points[0].refresh_from_db()
    assert points[0].jurisdiction == points[0].enterprise.jurisdiction


def test_another_county_cannot_act_on_the_round(world, office, points):
    round_ = open_round(world, office)
    office_b = official_user(
        role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], post_role=PostRole.OFFICE_STAFF, username="b_office"
    )
    with pytest.raises(PermissionDenied):
        services.risk_round_close(actor=office_b, round=round_)
    with pytest.raises(PermissionDenied):
        services.risk_point_review(actor=office_b, round=round_, risk_point=points[0], outcome=ReviewOutcome.CONFIRMED)


USES_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://", "psql://"))


@pytest.mark.postgres
@pytest.mark.skipif(not USES_POSTGRES, reason="DATABASE_URL is not a PostgreSQL URL: SQLite serializes writers, no real race")
@pytest.mark.django_db(transaction=True)
def test_close_and_last_review_racing_on_postgres_leave_a_consistent_round():
    """The close and the last review both lock the round: either the review lands first and the
    close succeeds, or the close is refused; never a closed round with a review after it."""
    from tests.conftest import build_world

    world = build_world()
    office = world.user(Role.SAFETY_OFFICE)
    point = RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
    round_ = open_round(world, office)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name, action):
        try:
            barrier.wait()
            action()
            outcomes[name] = "ok"
        except ValidationError:
            outcomes[name] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("close", lambda: services.risk_round_close(actor=office, round=round_))),
        threading.Thread(
            target=run,
            args=("review", lambda: services.risk_point_review(actor=office, round=round_, risk_point=point, outcome="confirmed")),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    round_.refresh_from_db()
    reviewed_at = RiskPointReview.objects.filter(round=round_).values_list("reviewed_at", flat=True).first()
    if round_.status == RoundStatus.CLOSED:
        assert outcomes == {"close": "ok", "review": "ok"}
        assert reviewed_at is not None and reviewed_at <= round_.closed_at
    else:
        assert outcomes == {"close": "refused", "review": "ok"}


# --- Pages ------------------------------------------------------------------------------------


def test_open_round_page(client, world, office):
    client.force_login(office)
    url = reverse("hazards:risk_round_open")
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["form"].fields["jurisdiction"].queryset) == [world.a.county]
    response = client.post(url, {"jurisdiction": world.a.county.pk, "year": TODAY.year, "half": 2})
    round_ = RiskReviewRound.objects.get()
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    response = client.post(url, {"jurisdiction": world.a.county.pk, "year": TODAY.year, "half": 1})
    assert response.status_code == 200
    assert "already open" in response.content.decode()
    client.force_login(world.user(Role.LEADER))
    assert client.get(url).status_code == 403


def test_round_pages_review_and_close(client, world, office, points):
    round_ = open_round(world, office)
    client.force_login(office)
    detail = client.get(round_.get_absolute_url())
    assert detail.status_code == 200
    assert detail.context["total"] == 3 and detail.context["round"].pending_count == 3
    body = detail.content.decode()
    assert all(p.name in body for p in points)

    # Close refused while points are pending.
    response = client.post(reverse("hazards:risk_round_close", args=[round_.pk]), follow=True)
    assert "3 active risk points have not been reviewed" in response.content.decode()

    review_url = reverse("hazards:risk_point_review", args=[round_.pk, points[0].pk])
    assert client.post(review_url, {"outcome": "confirmed", "inline": "1"}).status_code == 302
    # The same inline confirm again: a message, no second review.
    response = client.post(review_url, {"outcome": "confirmed", "inline": "1"}, follow=True)
    assert "already been reviewed" in response.content.decode()

    url = reverse("hazards:risk_point_review", args=[round_.pk, points[1].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["hazard_factors"].value() == points[1].hazard_factors
    data = {
        "outcome": "changed", "note": "", "hazard_factors": points[1].hazard_factors, "management_level": "county",
        "method": "lec", "lec_l": "3", "lec_e": "6", "lec_c": "7", "grade": "red",
    }
    assert client.post(url, data).status_code == 302
    review = RiskPointReview.objects.get(risk_point=points[1])
    assert (review.outcome, review.grade_before, review.grade_after) == ("changed", "blue", "yellow")

    url = reverse("hazards:risk_point_review", args=[round_.pk, points[2].pk])
    response = client.post(url, {"outcome": "retired", "note": ""})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    assert client.post(url, {"outcome": "retired", "note": "已治理"}).status_code == 302

    response = client.post(reverse("hazards:risk_round_close", args=[round_.pk]), follow=True)
    assert "The round is closed." in response.content.decode()
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    detail = client.get(round_.get_absolute_url())
    assert detail.context["state"] == "reviewed" and len(detail.context["points"]) == 3
    assert not detail.context["can_close"]


def test_round_pages_are_scoped(client, world, office, points):
    round_ = open_round(world, office)
    office_b = official_user(
        role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], post_role=PostRole.OFFICE_STAFF, username="b_office"
    )
    client.force_login(office_b)
    assert client.get(round_.get_absolute_url()).status_code == 404
    assert client.post(reverse("hazards:risk_round_close", args=[round_.pk])).status_code == 404
    assert client.get(reverse("hazards:risk_point_review", args=[round_.pk, points[0].pk])).status_code == 404
    assert round_.jurisdiction.name not in client.get(reverse("hazards:risk_round_list")).content.decode()
    client.force_login(world.user(Role.LEADER))
    assert client.get(round_.get_absolute_url()).status_code == 200
    assert client.get(reverse("hazards:risk_point_review", args=[round_.pk, points[0].pk])).status_code == 403
    assert client.post(reverse("hazards:risk_round_close", args=[round_.pk])).status_code == 403


def test_round_list_progress_and_query_count(client, world, office, django_assert_num_queries):
    client.force_login(office)
    url = reverse("hazards:risk_round_list")

    def add_rounds(years):
        for year in years:
            r = RiskReviewRound.objects.create(jurisdiction=world.a.county, year=year, half=1, status=RoundStatus.CLOSED)
            for _ in range(2):
                point = RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
                RiskPointReview.objects.create(round=r, risk_point=point, outcome="confirmed", grade_before="yellow", grade_after="yellow")

    add_rounds([2001])
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    small = len(context.captured_queries)
    add_rounds(range(2002, 2012))
    open_round(world, office)
    with django_assert_num_queries(small):
        response = client.get(url)
    rounds = {(r.year, r.status): (r.reviewed_count, r.pending_count) for r in response.context["object_list"]}
    assert rounds[(2001, "closed")] == (2, 0)
    assert rounds[(TODAY.year, "open")] == (0, 22)


def test_round_detail_query_count_does_not_grow(client, world, office, django_assert_num_queries):
    round_ = open_round(world, office)
    client.force_login(office)
    RiskReviewRound.objects.filter(pk=round_.pk).update(created_at=timezone.now() + datetime.timedelta(days=1))

    def add(n):
        for _ in range(n):
            point = RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
            RiskPointReview.objects.create(round=round_, risk_point=point, outcome="confirmed", grade_before="yellow", grade_after="yellow")
            RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.village))

    add(2)
    for state in ("pending", "reviewed", "all"):
        url = f"{round_.get_absolute_url()}?state={state}"
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        small = len(context.captured_queries)
        add(10)
        with django_assert_num_queries(small):
            response = client.get(url)
        assert len(response.context["points"]) > 2
