"""Demo lists: a deterministic plan per organization, consistent with the workflow, and a build
that creates nothing the second time."""

from __future__ import annotations

import datetime
from collections import Counter
from types import SimpleNamespace

import pytest
from django.utils import timezone

from responsibility.choices import PowerListStatus
from responsibility.demo import power_lists as demo
from responsibility.demo.builder import DemoContext, OrgRow
from responsibility.models import PowerListItem, PowerListReview, PowerListVersion, PublicationDeadline
from tests.responsibility.power_lists_fixtures import office, staffing

S = PowerListStatus
TODAY = datetime.date(2026, 11, 1)
FINISHED = {S.PUBLISHED, S.SUPERSEDED}


def test_plan_is_the_same_on_every_run_and_follows_the_workflow():
    keys = [("350500", "party", "party_committee"), ("350500", "dept:emergency", "supervisory_department"),
            ("350582100", "station", "other_department"), ("350503", "dept:staffing", "party_department")]
    keys += [("350524", f"dept:{key}", "supervisory_department") for key in demo.SPECIFIC]
    for code, key, kind in keys:
        first = demo.plan_versions(code, key, kind, TODAY)
        again = demo.plan_versions(code, key, kind, TODAY)
        assert [(v.number, v.status, v.items, v.published_at) for v in first] == [
            (v.number, v.status, v.items, v.published_at) for v in again
        ]
        statuses = Counter(v.status for v in first)
        assert statuses[S.PUBLISHED] <= 1
        assert sum(n for status, n in statuses.items() if status not in FINISHED) <= 1
        for version in first:
            assert 8 <= len(version.items) <= 21, (code, key)  # a revision may add one to 20
            assert len({item[2] for item in version.items}) == len(version.items)  # no duplicate titles
            if version.status in FINISHED | {S.APPROVED}:
                assert version.staffing_approved_at and version.safety_approved_at
            if version.status == S.RETURNED:
                assert any(decision == "return" and comment for _o, decision, comment, _at in version.reviews)
            if version.published_at:
                assert version.published_at.date() < TODAY


def test_login_organizations_get_the_states_their_demo_walkthrough_needs():
    assert [v.status for v in demo.plan_versions("350500", "dept:housing", "supervisory_department", TODAY)] == [S.PUBLISHED, S.RETURNED]
    assert [v.status for v in demo.plan_versions("350500", "dept:emergency", "supervisory_department", TODAY)] == [S.SUPERSEDED, S.PUBLISHED]
    assert demo.plan_versions("350500", "dept:urban", "supervisory_department", TODAY) == []


@pytest.mark.django_db
def test_build_creates_lists_once_and_nothing_the_second_time(world):
    orgs = {
        ("350582", "dept:emergency"): (world.a.orgs["emergency"], "supervisory_department"),
        ("350582", "gov"): (world.a.orgs["government"], "government"),
        ("350582100", "gov"): (world.a.orgs["township"], "government"),
        ("350583", "dept:emergency"): (world.b.orgs["emergency"], "supervisory_department"),
    }

    def context():
        ctx = DemoContext()
        ctx._plan = SimpleNamespace(
            orgs={key: OrgRow(key[0], key[1], org.name, org.name[:6], kind) for key, (org, kind) in orgs.items()}
        )
        ctx.organization_ids = {key: org.pk for key, (org, _kind) in orgs.items()}
        ctx.jurisdiction_ids = {"350500": world.city.pk, "350582": world.a.county.pk}
        ctx.users = {"office": office(world), "staffing": staffing(world)}
        return ctx

    first = context()
    demo.build(first)
    counts = (PowerListVersion.objects.count(), PowerListItem.objects.count(), PowerListReview.objects.count())
    assert counts[0] >= 3 and counts[1] >= 8 * counts[0]
    assert PublicationDeadline.objects.count() == 3
    assert first.created["power-list versions"] == counts[0]
    latest = PowerListReview.objects.order_by("-reviewed_at").first()
    # planned times in the past, not the time of the build (auto_now_add on bulk inserts)
    assert latest is None or latest.reviewed_at < timezone.now() - datetime.timedelta(days=1)

    second = context()
    demo.build(second)
    assert (PowerListVersion.objects.count(), PowerListItem.objects.count(), PowerListReview.objects.count()) == counts
    assert PublicationDeadline.objects.count() == 3
    assert sum(second.created.values()) == 0
