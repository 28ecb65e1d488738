"""Public assessment results (no login): published rounds only, the ranking with grades and
veto marks, nothing of rounds not (or no longer) published, no internal evidence, notes or
explanations."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessments.models import Score
from assessments.services import rounds as services
from tests.assessments.conftest import ROUND_QUARTER, ROUND_YEAR, build_scheme, make_accident

pytestmark = pytest.mark.django_db

LIST = reverse("assessments_public:round_list")


@pytest.fixture
def scheme(world):
    return build_scheme(jurisdiction=world.city, name="泉州市县级政府季度考核细则")


def scored(round_, actor, evidence="内部材料：某局长谈话记录"):
    for score in Score.objects.filter(target__round=round_, indicator__kind="manual"):
        services.score_enter(actor=actor, score=score, points=55, evidence=evidence)


def published(world, city_office, scheme, quarter=ROUND_QUARTER):
    round_ = services.round_create(actor=city_office, scheme=scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=quarter)
    scored(round_, city_office)
    for action in ("start_scoring", "submit_review", "finalize", "publish"):
        round_ = services.round_transition(actor=city_office, round=round_, action=action)
    return round_


def test_published_round_shows_its_ranking_without_login(client, world, city_office, scheme):
    for day in (1, 2, 3):
        make_accident(jurisdiction=world.b.township, occurred_on=datetime.date(2025, 8, day), deaths=3, title=f"事故{day}")
    round_ = published(world, city_office, scheme)
    response = client.get(LIST)
    assert response.status_code == 200
    assert reverse("assessments_public:round_detail", args=[round_.pk]) in response.content.decode()
    response = client.get(reverse("assessments_public:round_detail", args=[round_.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "晋江市人民政府" in html and "南安市人民政府" in html
    rows = response.context["rows"]
    assert [r.rank for r in rows] == [1, 2]
    assert rows[1].unqualified_by_veto and "Unqualified by veto" in html
    assert {grade: count for grade, _label, count in response.context["grades"]}["unqualified"] == 1
    # Nothing internal: no evidence, no explanation trail, no links into the platform.
    assert "内部材料" not in html
    assert "points deducted" not in html
    assert "/assessments/" not in html.replace("/public/assessments/", "")


def test_unpublished_rounds_do_not_exist_for_the_public(client, world, city_office, scheme):
    open_round = services.round_create(actor=city_office, scheme=scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=2)
    assert client.get(reverse("assessments_public:round_detail", args=[open_round.pk])).status_code == 404
    finalized = services.round_create(actor=city_office, scheme=scheme, jurisdiction=world.city, year=ROUND_YEAR, quarter=1)
    scored(finalized, city_office)
    for action in ("start_scoring", "submit_review", "finalize"):
        finalized = services.round_transition(actor=city_office, round=finalized, action=action)
    assert client.get(reverse("assessments_public:round_detail", args=[finalized.pk])).status_code == 404
    assert list(client.get(LIST).context["rounds"]) == []


def test_a_reopened_round_leaves_the_public_page(client, world, city_office, scheme):
    round_ = published(world, city_office, scheme)
    detail = reverse("assessments_public:round_detail", args=[round_.pk])
    assert client.get(detail).status_code == 200
    services.round_transition(actor=city_office, round=round_, action="reopen", comment="数据更正")
    assert client.get(detail).status_code == 404
    assert list(client.get(LIST).context["rounds"]) == []


def test_public_pages_need_no_login_and_show_no_user(client, world, city_office, scheme):
    round_ = published(world, city_office, scheme)
    client.force_login(city_office)
    html = client.get(reverse("assessments_public:round_detail", args=[round_.pk])).content.decode()
    assert city_office.username not in html and "市安办" not in html
