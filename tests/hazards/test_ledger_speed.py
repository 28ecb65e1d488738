"""What keeps the ledger fast on a million hazards, checked for correctness: pages read by id
(same rows and order as plain slicing, for every ordering offered), the "sort in full" ordering
(same order, NULL deadlines included), exports read in chunks (every row once, in order, a
query per chunk), the home panel counted by parts (a leader's grants outside the scope counted
once), the inline badges (same markup as their partials) and the lighter filter form."""

from __future__ import annotations

import datetime
import math

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from core.access import forget_scope
from hazards.choices import HazardLevel, HazardStatus
from hazards.filters.ledger import ORDERINGS, HazardFilterSet
from hazards.forms.widgets import FastSelect
from hazards.models import Hazard
from hazards.selectors.ledger import ledger_totals, parts_totals, read_in_chunks, sorted_in_full
from hazards.views.ledger import ledger_home_panel
from responsibility.choices import PostRole
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, HazardFactory, OfficialFactory, PostFactory
from tests.hazards.test_ledger_views import add_hazards

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
LIST = reverse("hazards:hazard_list")


@pytest.fixture
def office(world, client):
    user = world.user(Role.SAFETY_OFFICE)
    client.force_login(user)
    return user


@pytest.fixture
def ledger(world):
    """30 hazards in county A with ties on every sort key and NULL deadlines, 3 in county B."""
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    made = []
    for i in range(30):
        made.append(
            HazardFactory(
                enterprise=enterprise,
                found_on=TODAY - datetime.timedelta(days=10 + i % 4),
                deadline=None if i % 3 == 0 else TODAY + datetime.timedelta(days=i % 5 - 2),
                status=HazardStatus.RECTIFYING if i % 2 else HazardStatus.REPORTED,
                level=HazardLevel.MAJOR if i % 7 == 0 else HazardLevel.GENERAL,
            )
        )
    add_hazards(world, 3, county=world.b)
    return made


def listed(client, query: str = "") -> list[int]:
    """Every row of every page of the list, in order."""
    pks, page = [], 1
    while True:
        response = client.get(f"{LIST}?{query}&page={page}")
        pks += [h.pk for h in response.context["object_list"]]
        if not response.context["page_obj"].has_next():
            return pks
        page += 1


def test_pages_read_by_id_hold_the_rows_of_plain_slicing_in_the_same_order(world, office, client, ledger):
    for ordering in ("", *(value for value, _label in ORDERINGS)):
        request = RequestFactory().get(LIST, {"ordering": ordering} if ordering else {})
        request.user = office
        base = Hazard.objects.order_by("-found_on", "-pk").restrict(office)
        filterset = HazardFilterSet(request.GET or None, queryset=base, request=request)
        expected = list(filterset.qs.values_list("pk", flat=True))
        assert len(expected) == 30
        assert listed(client, f"ordering={ordering}" if ordering else "") == expected, ordering
        # Filtered (the ids are then sorted in full): the same rows as the plain filter.
        overdue = [pk for pk in expected if Hazard.objects.get(pk=pk).is_overdue]
        assert overdue
        assert listed(client, f"overdue=true&ordering={ordering}" if ordering else "overdue=true") == overdue, ordering


def test_sorting_in_full_keeps_the_order_nulls_included(ledger):
    orderings = [("-found_on", "-pk"), ("found_on", "-pk"), ("deadline", "-pk"), ("-deadline", "-pk"), ("-updated_at", "-pk"), ("-pk",)]
    for ordering in orderings:
        queryset = Hazard.objects.order_by(*ordering)
        expected = list(queryset.values_list("pk", flat=True))
        assert list(sorted_in_full(queryset).values_list("pk", flat=True)) == expected, ordering
        assert "COALESCE" in str(sorted_in_full(queryset).query)


def test_a_page_past_the_end_shows_the_last_page(office, client, ledger):
    response = client.get(f"{LIST}?page=99")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["object_list"]) == 5


def test_exports_read_every_row_once_in_order_a_query_per_chunk(ledger):
    def read(chunk):
        return chunk.values_list("pk", flat=True)

    for ordering in (("-found_on", "-pk"), ("deadline", "-pk"), ("-deadline", "-pk")):
        queryset = Hazard.objects.order_by(*ordering)
        expected = list(queryset.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as context:
            got = list(read_in_chunks(queryset, rows=Hazard.objects.all(), read=read, limit=1000, chunk_size=7))
        assert got == expected, ordering
        # The ids, then one query per chunk.
        assert len(context.captured_queries) == 1 + math.ceil(len(expected) / 7)
        # A limit cuts the rows.
        assert list(read_in_chunks(queryset, rows=Hazard.objects.all(), read=read, limit=10, chunk_size=7)) == expected[:10]


def test_home_panel_counts_a_leaders_grants_outside_the_scope_once(world, rf, ledger):
    leader = world.user(Role.LEADER)
    foreign = Hazard.objects.filter(jurisdiction_path__startswith=world.b.county.path).first()
    assign_perm("hazards.view_hazard", leader, foreign)
    assign_perm("hazards.view_hazard", leader, ledger[0])  # inside the scope as well
    forget_scope(leader)
    visible = Hazard.objects.restrict(leader)
    assert visible.count() == 31
    assert len(Hazard.objects.restrict_parts(leader)) == 2
    assert parts_totals(Hazard.objects.restrict_parts(leader)) == ledger_totals(visible)
    request = rf.get("/")
    request.user = leader
    assert ledger_home_panel(request)


def test_list_badges_are_those_of_the_partials(world, office, client):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township)
    hazards = [
        HazardFactory(enterprise=enterprise, level=HazardLevel.MAJOR, status=HazardStatus.RECTIFYING,
                      deadline=TODAY - datetime.timedelta(days=3), extension_count=2),
        HazardFactory(enterprise=enterprise, status=HazardStatus.CLOSED, deadline=TODAY - datetime.timedelta(days=1)),
        HazardFactory(enterprise=enterprise, deadline=None),
    ]
    page = client.get(LIST).content.decode()
    for hazard in hazards:
        for partial in ("hazard_level_badge", "hazard_status_badge", "hazard_deadline"):
            markup = render_to_string(f"hazards/{partial}.html", {"hazard": hazard}).strip()
            assert markup in page, (partial, hazard.pk)


def test_filter_form_renders_every_option_and_reads_each_list_once(world, office, client):
    leader = OfficialFactory(name="张副县长", registered_in=world.a.county)
    PostFactory(official=leader, organization=world.a.orgs["government"], role=PostRole.GOVERNMENT_LEADER)
    request = RequestFactory().get(LIST, {"leader": leader.pk, "status": "open"})
    request.user = office
    form = HazardFilterSet(request.GET, queryset=Hazard.objects.all(), request=request).form
    assert isinstance(form.fields["leader"].widget, FastSelect)
    assert form.is_valid()
    with CaptureQueriesContext(connection) as context:
        first = str(form["leader"])
        again = str(form["leader"])
    assert first == again
    assert len(context.captured_queries) == 1
    assert f'<option value="{leader.pk}" selected>' in first and "张副县长" in first
    assert '<option value="open" selected>' in str(form["status"])
    assert 'name="sector"' in str(form["sector"]) and 'id="id_sector"' in str(form["sector"])
