"""The risk map: its GeoJSON (structure, filters, scope, cap, download) and the page, which
must load nothing from outside the platform except a configured tile server."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards import geojson
from hazards.choices import HazardLevel, HazardStatus
from responsibility.choices import PostRole
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, HazardFactory, RiskPointFactory, official_user, sector

MAP_URL = reverse("hazards:risk_map")
DATA_URL = reverse("hazards:risk_map_data")


@pytest.fixture
def office(world):
    return world.user(Role.SAFETY_OFFICE)


def located(**fields):
    fields.setdefault("latitude", Decimal("24.781000"))
    fields.setdefault("longitude", Decimal("118.552000"))
    return RiskPointFactory(**fields)


def major_hazard(world, **fields):
    fields.setdefault("enterprise", EnterpriseFactory(jurisdiction=world.a.township))
    fields.setdefault("latitude", Decimal("24.790000"))
    fields.setdefault("longitude", Decimal("118.560000"))
    fields.setdefault("status", HazardStatus.RECTIFYING)
    return HazardFactory(level=HazardLevel.MAJOR, **fields)


def fetch(client, **params) -> dict:
    response = client.get(DATA_URL, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    return json.loads(b"".join(response.streaming_content))


def features(body, kind):
    return [f for f in body["features"] if f["properties"]["kind"] == kind]


def test_geojson_structure(client, world, office):
    point = located(enterprise=EnterpriseFactory(jurisdiction=world.a.township, name="泉港石化"), grade="red", name="储罐区")
    hazard = major_hazard(world, title="边坡滑移")
    client.force_login(office)
    body = fetch(client)
    assert body["type"] == "FeatureCollection"
    assert body["capped"] is False and body["counts"] == {"risk_points": 1, "major_hazards": 1}
    (risk,) = features(body, "risk_point")
    assert risk["type"] == "Feature"
    assert risk["geometry"] == {"type": "Point", "coordinates": [118.552, 24.781]}  # [lon, lat]
    props = risk["properties"]
    assert (props["id"], props["name"], props["grade"], props["enterprise"]) == (point.pk, "储罐区", "red", "泉港石化")
    assert props["grade_label"] == "Major risk (red)"
    assert props["url"] == point.get_absolute_url()
    (major,) = features(body, "major_hazard")
    assert major["properties"]["name"] == "边坡滑移" and major["properties"]["code"] == hazard.code
    assert major["geometry"]["coordinates"] == [118.56, 24.79]


def test_geojson_leaves_out_what_is_not_on_the_map(client, world, office):
    RiskPointFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township))  # no coordinates
    located(enterprise=EnterpriseFactory(jurisdiction=world.a.township), status="retired")
    major_hazard(world, status=HazardStatus.CLOSED)
    HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township), latitude=Decimal("24.7"), longitude=Decimal("118.5"))
    client.force_login(office)
    assert fetch(client)["features"] == []


def test_geojson_filters(client, world, office):
    from tests.factories import jurisdiction as make_jurisdiction

    second_town = make_jurisdiction("350582101", "township", world.a.county, "磁灶镇")
    red = located(enterprise=EnterpriseFactory(jurisdiction=world.a.township), grade="red")
    blue = located(enterprise=EnterpriseFactory(jurisdiction=second_town), grade="blue", sector=sector("construction"))
    hazard_here = major_hazard(world)
    hazard_there = major_hazard(world, enterprise=EnterpriseFactory(jurisdiction=second_town), sector=sector("construction"))
    client.force_login(office)

    def ids(body, kind):
        return {f["properties"]["id"] for f in features(body, kind)}

    body = fetch(client, grade="red")
    assert ids(body, "risk_point") == {red.pk}
    assert ids(body, "major_hazard") == {hazard_here.pk, hazard_there.pk}  # the grade is for risk points only
    body = client.get(DATA_URL + "?grade=red&grade=blue")
    assert len(json.loads(b"".join(body.streaming_content))["features"]) == 4
    body = fetch(client, jurisdiction=second_town.pk)
    assert (ids(body, "risk_point"), ids(body, "major_hazard")) == ({blue.pk}, {hazard_there.pk})
    body = fetch(client, sector="construction")
    assert (ids(body, "risk_point"), ids(body, "major_hazard")) == ({blue.pk}, {hazard_there.pk})
    body = fetch(client, hazards="false")
    assert ids(body, "major_hazard") == set() and body["counts"] == {"risk_points": 2}
    bad = client.get(DATA_URL, {"grade": "purple"})
    assert bad.status_code == 400 and "grade" in bad.json()["errors"]
    assert client.get(DATA_URL, {"jurisdiction": world.b.township.pk}).status_code == 400  # not in scope


def test_geojson_is_scoped(client, world, office):
    mine = located(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
    theirs = located(enterprise=EnterpriseFactory(jurisdiction=world.b.township))
    hazard_mine = major_hazard(world)
    hazard_theirs = major_hazard(world, enterprise=EnterpriseFactory(jurisdiction=world.b.township))
    office_b = official_user(
        role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], post_role=PostRole.OFFICE_STAFF, username="b_office"
    )
    client.force_login(office_b)
    body = fetch(client)
    assert {(f["properties"]["kind"], f["properties"]["id"]) for f in body["features"]} == {
        ("risk_point", theirs.pk), ("major_hazard", hazard_theirs.pk),
    }
    client.force_login(office)
    body = fetch(client)
    assert {(f["properties"]["kind"], f["properties"]["id"]) for f in body["features"]} == {
        ("risk_point", mine.pk), ("major_hazard", hazard_mine.pk),
    }
    client.logout()
    assert client.get(DATA_URL).status_code == 302  # to the login page


def test_geojson_is_capped_and_says_so(client, world, office, monkeypatch):
    monkeypatch.setattr(geojson, "FEATURE_LIMIT", 2)
    blue = [located(enterprise=EnterpriseFactory(jurisdiction=world.a.township), grade="blue") for _ in range(2)]
    red = located(enterprise=EnterpriseFactory(jurisdiction=world.a.township), grade="red")
    client.force_login(office)
    body = fetch(client, hazards="false")
    assert body["capped"] is True and body["limit"] == 2
    kept = [f["properties"]["id"] for f in body["features"]]
    assert len(kept) == 2 and kept[0] == red.pk  # the most severe first
    assert set(kept) < {red.pk, *(p.pk for p in blue)}
    assert fetch(client, grade="red")["capped"] is False


def test_geojson_download(client, office, world):
    located(enterprise=EnterpriseFactory(jurisdiction=world.a.township))
    client.force_login(office)
    response = client.get(DATA_URL, {"download": "1", "grade": "yellow"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="risk-map-')
    assert len(json.loads(b"".join(response.streaming_content))["features"]) == 1


def test_geojson_query_count_does_not_grow(client, world, office, django_assert_num_queries):
    client.force_login(office)

    def add(n):
        for i in range(n):
            located(enterprise=EnterpriseFactory(jurisdiction=world.a.township), grade=("red", "blue")[i % 2])
            major_hazard(world)

    def consume():
        response = client.get(DATA_URL, {"sector": "industry_trade"})
        return json.loads(b"".join(response.streaming_content))

    add(2)
    consume()
    with CaptureQueriesContext(connection) as context:
        consume()
    small = len(context.captured_queries)
    add(20)
    with django_assert_num_queries(small):
        body = consume()
    assert body["counts"] == {"risk_points": 22, "major_hazards": 22}


# --- The page ---------------------------------------------------------------------------------

EXTERNAL = re.compile(r"https?://[^\s\"'<>)]+")
#: XML namespace names in inline SVG are identifiers, never fetched.
NAMESPACES = ("http://www.w3.org/",)


def external_urls(html: str) -> set[str]:
    return {url for url in EXTERNAL.findall(html) if not url.startswith(NAMESPACES)}


def test_map_page_uses_only_local_assets(client, office, settings):
    settings.MAP_TILE_URL = ""
    client.force_login(office)
    response = client.get(MAP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert external_urls(html) == set()
    static = settings.STATIC_URL
    for asset in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "js/riskmap.js", "css/riskmap.css"):
        assert f"{static}{asset}" in html
        assert finders.find(asset), asset
    config = json.loads(re.search(r'<script id="risk-map-config" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert config["tileUrl"] == "" and config["dataUrl"] == DATA_URL
    assert "download=1" in html


def test_map_page_names_only_the_configured_tile_server(client, office, settings):
    tiles = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.MAP_TILE_URL = tiles
    settings.MAP_TILE_ATTRIBUTION = "示例测绘院"
    client.force_login(office)
    html = client.get(MAP_URL).content.decode()
    assert external_urls(html) == {tiles}


def test_vendored_leaflet_is_complete():
    root = Path(settings.BASE_DIR) / "static" / "vendor" / "leaflet"
    for name in ("leaflet.js", "leaflet.css", "LICENSE", "images/layers.png", "images/marker-icon.png"):
        assert (root / name).is_file(), name
    # The stylesheet's images and the script's source map must resolve for collectstatic.
    assert "sourceMappingURL=leaflet.js.map" not in (root / "leaflet.js").read_text() or (root / "leaflet.js.map").is_file()
    for image in re.findall(r"url\((images/[^)]+)\)", (root / "leaflet.css").read_text()):
        assert (root / image).is_file(), image
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", (root / "leaflet.css").read_text())  # nothing fetched from outside


def test_map_page_needs_the_permission_and_keeps_filters(client, world, office):
    client.force_login(world.user(Role.STAFFING_REVIEWER))
    assert client.get(MAP_URL).status_code == 403
    client.force_login(office)
    response = client.get(MAP_URL, {"grade": "red", "jurisdiction": world.a.township.pk})
    form = response.context["filterset"].form
    assert form["grade"].value() == ["red"]
    assert 'name="grade" value="red" id="id_grade_0" checked' in response.content.decode()


def test_nav_links_to_risk_points_and_map(client, office):
    client.force_login(office)
    html = client.get(reverse("home")).content.decode()
    assert reverse("hazards:risk_point_list") in html and MAP_URL in html
