"""Random draws (双随机一公开): the deterministic algorithm, conflicts of interest, making a
draw once, verification, publishing and the public page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError
from inspections import draws as algorithm
from inspections.choices import DrawWeighting, InspectionKind, InspectionStatus
from inspections.models import DrawnEnterprise, Inspection, RandomDraw
from inspections.selectors.draws import verify_draw
from inspections.services import draws as services
from inspections.services import records
from responsibility.choices import JurisdictionLevel, OrganizationKind, PostRole
from responsibility.roles import Role
from tests.factories import (
    EnterpriseFactory,
    GridFactory,
    GridSupervisorFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    jurisdiction,
)

# --- The algorithm alone ----------------------------------------------------------------------


def pool(n: int = 12, *, township: str = "350582100"):
    return [algorithm.PoolEnterprise(i, 1 + i % 4, township, ()).as_dict() for i in range(1, n + 1)]


def inspectors(n: int = 6):
    return [algorithm.PoolInspector(100 + i, (), ()).as_dict() for i in range(n)]


def test_same_pool_and_seed_give_the_same_result():
    first = algorithm.run_draw(seed="abc123", enterprise_pool=pool(), inspector_pool=inspectors(), count=5, per_enterprise=2)
    again = algorithm.run_draw(seed="abc123", enterprise_pool=pool(), inspector_pool=inspectors(), count=5, per_enterprise=2)
    assert first == again
    assert len(first) == 5 and len({p.enterprise_id for p in first}) == 5
    for pick in first:
        assert len(set(pick.inspector_ids)) == 2  # never twice for one enterprise


def test_weight_zero_is_never_drawn_and_pool_too_small_is_refused():
    entries = [algorithm.PoolEnterprise(1, 0, "", ()).as_dict(), *pool(3)[1:]]
    for seed in ("a", "b", "c", "d"):
        picks = algorithm.run_draw(seed=seed, enterprise_pool=entries, inspector_pool=inspectors(), count=2, per_enterprise=1)
        assert 1 not in {p.enterprise_id for p in picks}
    with pytest.raises(algorithm.DrawError) as error:
        algorithm.run_draw(seed="a", enterprise_pool=entries, inspector_pool=inspectors(), count=3, per_enterprise=1)
    assert error.value.code == "too_few_enterprises"


def test_conflicted_inspectors_are_never_drawn():
    enterprises = [
        algorithm.PoolEnterprise(1, 1, "350582100", (7,)).as_dict(),
        algorithm.PoolEnterprise(2, 1, "350582101", ()).as_dict(),
    ]
    people = [
        algorithm.PoolInspector(10, ("350582100",), ()).as_dict(),  # local to enterprise 1's township
        algorithm.PoolInspector(11, (), (7,)).as_dict(),  # supervises enterprise 1's grid cell
        algorithm.PoolInspector(12, (), ()).as_dict(),
        algorithm.PoolInspector(13, (), ()).as_dict(),
    ]
    picks = {p.enterprise_id: set(p.inspector_ids) for p in algorithm.run_draw(
        seed="s", enterprise_pool=enterprises, inspector_pool=people, count=2, per_enterprise=2
    )}
    assert picks[1] == {12, 13}
    with pytest.raises(algorithm.DrawError) as error:
        algorithm.run_draw(seed="s", enterprise_pool=enterprises, inspector_pool=people, count=2, per_enterprise=3)
    assert error.value.code == "too_few_inspectors" and error.value.enterprise_id == 1 and error.value.available == 2


# --- Draws in the database --------------------------------------------------------------------


@pytest.fixture
def office(world):
    return world.user(Role.SAFETY_OFFICE)


def inspector_post(organization, name: str, *, role=PostRole.INSPECTOR):
    official = OfficialFactory(name=name, registered_in=organization.jurisdiction, phone="13800000000")
    PostFactory(official=official, organization=organization, role=role)
    return official


@pytest.fixture
def setup(world):
    """Six enterprises in county A's township, one of them in a grid cell; a second township;
    county inspectors, one posted in the township, one supervising the grid cell."""
    town = world.a.township
    grid = GridFactory(jurisdiction=town)
    enterprises = [EnterpriseFactory(jurisdiction=town, name=f"抽查企业{n}", risk_class="red" if n < 2 else "blue") for n in range(6)]
    enterprises[0].grid = grid
    enterprises[0].save()
    bureau = world.a.orgs["emergency"]
    # with the world's own inspector of the bureau
    county_inspectors = [world.user(Role.INSPECTOR).official, *(inspector_post(bureau, f"执法员{n}") for n in range(3))]
    local = inspector_post(world.a.orgs["township"], "乡镇执法员")
    grid_man = inspector_post(bureau, "网格执法员")
    grid_post = PostFactory(official=grid_man, organization=world.a.orgs["township"], role=PostRole.GRID_LEVEL_1)
    GridSupervisorFactory(grid=grid, post=grid_post)
    return {"enterprises": enterprises, "county": county_inspectors, "local": local, "grid_man": grid_man, "grid": grid}


def make_draw(world, office, **fields):
    values = {"name": "2026年第二季度双随机抽查", "enterprise_count": 4, "inspectors_per_enterprise": 2, "weighting": DrawWeighting.RISK}
    values.update(fields)
    return services.draw_create(actor=office, jurisdiction=world.a.county, **values)


def stored(draw):
    return [
        (row.enterprise_id, {o.pk for o in row.inspectors.all()})
        for row in DrawnEnterprise.objects.filter(draw=draw).order_by("order").prefetch_related("inspectors")
    ]


def test_draw_snapshots_pools_and_seed_and_reruns_identically(world, office, setup):
    draw = services.draw_perform(actor=office, draw=make_draw(world, office))
    assert draw.drawn_at is not None and len(draw.seed) == 32
    assert [e["id"] for e in draw.enterprise_pool] == sorted(e.pk for e in setup["enterprises"])
    weights = {e["id"]: e["weight"] for e in draw.enterprise_pool}
    assert weights[setup["enterprises"][0].pk] == 4 and weights[setup["enterprises"][5].pk] == 1
    assert [i["id"] for i in draw.inspector_pool] == sorted(o.pk for o in [*setup["county"], setup["local"], setup["grid_man"]])
    result = stored(draw)
    assert len(result) == 4
    picks = algorithm.run_draw(
        seed=draw.seed, enterprise_pool=draw.enterprise_pool, inspector_pool=draw.inspector_pool, count=4, per_enterprise=2
    )
    assert [(p.enterprise_id, set(p.inspector_ids)) for p in picks] == result
    assert verify_draw(draw).matches


def test_inspectors_are_never_drawn_for_their_own_township_or_grid(world, office, setup):
    # Every enterprise is in the township where "乡镇执法员" holds a post; the grid supervisor
    # may go anywhere but to the enterprise of their grid cell.
    draw = services.draw_perform(actor=office, draw=make_draw(world, office, enterprise_count=6, inspectors_per_enterprise=4))
    for enterprise_id, people in stored(draw):
        assert setup["local"].pk not in people
        if enterprise_id == setup["enterprises"][0].pk:
            assert setup["grid_man"].pk not in people
            assert people == {o.pk for o in setup["county"]}


def test_drawing_twice_is_refused(world, office, setup):
    draw = services.draw_perform(actor=office, draw=make_draw(world, office))
    seed = draw.seed
    with pytest.raises(ConflictError):
        services.draw_perform(actor=office, draw=draw)
    draw.refresh_from_db()
    assert draw.seed == seed and DrawnEnterprise.objects.filter(draw=draw).count() == 4
    with pytest.raises(ConflictError):
        services.draw_update(actor=office, draw=draw, name="改名")


def test_too_few_inspectors_is_a_clear_error_and_nothing_is_saved(world, office, setup, client):
    draw = make_draw(world, office, enterprise_count=6, inspectors_per_enterprise=5)
    with pytest.raises(ValidationError) as error:
        services.draw_perform(actor=office, draw=draw)
    assert "inspectors_per_enterprise" in error.value.message_dict
    assert "without a conflict of interest" in error.value.message_dict["inspectors_per_enterprise"][0]
    draw.refresh_from_db()
    assert draw.drawn_at is None and draw.seed == "" and draw.enterprise_pool == []
    assert not DrawnEnterprise.objects.filter(draw=draw).exists()
    # Through the page: a message, still nothing drawn.
    client.force_login(office)
    response = client.post(reverse("inspections:draw_perform", args=[draw.pk]), follow=True)
    assert "without a conflict of interest" in response.content.decode()
    assert RandomDraw.objects.get(pk=draw.pk).drawn_at is None


def test_verify_page_reports_a_match_and_a_tampered_result(world, office, setup, client):
    draw = services.draw_perform(actor=office, draw=make_draw(world, office))
    client.force_login(office)
    url = reverse("inspections:draw_verify", args=[draw.pk])
    response = client.get(url)
    assert response.status_code == 200 and 'data-verification="match"' in response.content.decode()
    row = DrawnEnterprise.objects.filter(draw=draw).order_by("order").first()
    row.inspectors.set([setup["local"]])
    response = client.get(url)
    assert 'data-verification="mismatch"' in response.content.decode()


def test_only_the_publishing_role_publishes(world, office, setup, client):
    draw = services.draw_perform(actor=office, draw=make_draw(world, office))
    with pytest.raises(PermissionDenied):
        services.draw_publish(actor=world.user(Role.INSPECTOR), draw=draw)
    client.force_login(world.user(Role.INSPECTOR))
    assert client.post(reverse("inspections:draw_publish", args=[draw.pk])).status_code == 403
    # Another county's office does not see the draw at all.
    other = _county_b_office(world)
    client.force_login(other)
    assert client.post(reverse("inspections:draw_publish", args=[draw.pk])).status_code == 404
    assert client.get(reverse("inspections:draw_detail", args=[draw.pk])).status_code == 404


def _county_b_office(world):
    from tests.factories import official_user

    return official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")


def test_started_inspection_is_led_by_the_drawn_inspectors_and_made_once(world, office, setup):
    draw = services.draw_perform(actor=office, draw=make_draw(world, office))
    drawn = DrawnEnterprise.objects.filter(draw=draw).order_by("order").first()
    inspection = services.draw_start_inspection(actor=office, drawn=drawn)
    assert inspection.kind == InspectionKind.RANDOM_DRAW and inspection.draw == draw and inspection.is_draft
    team = {inspection.lead_official_id, *inspection.participations.values_list("official_id", flat=True)}
    assert team == {o.pk for o in drawn.inspectors.all()}
    assert list(inspection.targets.values_list("enterprise_id", flat=True)) == [drawn.enterprise_id]
    assert services.draw_start_inspection(actor=office, drawn=drawn).pk == inspection.pk


def test_public_page_shows_published_draws_and_outcomes_without_login(world, office, setup, client):
    published = services.draw_perform(actor=office, draw=make_draw(world, office, name="已公开的抽查"))
    hidden = services.draw_perform(actor=office, draw=make_draw(world, office, name="未公开的抽查"))
    services.draw_publish(actor=office, draw=published)
    drawn = DrawnEnterprise.objects.filter(draw=published).order_by("order").first()
    inspection = services.draw_start_inspection(actor=office, drawn=drawn)
    records.inspection_save_draft(
        actor=office, client_uuid=inspection.client_uuid, started_at=timezone.now() - datetime.timedelta(hours=3)
    )
    records.finding_record(actor=office, inspection=inspection, description="消防通道堵塞", enterprise=drawn.enterprise)
    records.inspection_submit(actor=office, inspection=inspection)
    assert Inspection.objects.get(pk=inspection.pk).status == InspectionStatus.SUBMITTED

    listing = client.get(reverse("inspections_public:draw_list"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "已公开的抽查" in body and "未公开的抽查" not in body
    assert client.get(reverse("inspections_public:draw_detail", args=[hidden.pk])).status_code == 404

    page = client.get(reverse("inspections_public:draw_detail", args=[published.pk])).content.decode()
    assert drawn.enterprise.name in page
    for official in drawn.inspectors.all():
        assert official.name in page
    assert "1 problem found" in page
    assert "13800000000" not in page  # no personal data beyond names
    assert client.get(reverse("inspections_public:draw_pool", args=[published.pk])).json()["seed"] == published.seed


def test_pool_roles_and_jurisdiction_bound_the_inspector_pool(world, office, setup):
    # An inspector of county B and a department head of county A are not in the default pool.
    inspector_post(world.b.orgs["emergency"], "南安执法员")
    head = inspector_post(world.a.orgs["emergency"], "局长", role=PostRole.DEPARTMENT_HEAD)
    town_b2 = jurisdiction("350582101", JurisdictionLevel.TOWNSHIP, world.a.county, "东石镇")
    OrganizationFactory(jurisdiction=town_b2, name="东石镇人民政府", kind=OrganizationKind.GOVERNMENT)
    draw = make_draw(world, office)
    ids = {i["id"] for i in services.snapshot_inspector_pool(draw)}
    assert ids == {o.pk for o in [*setup["county"], setup["local"], setup["grid_man"]]}
    draw = services.draw_update(actor=office, draw=draw, rules=services.draw_rules(inspector_roles=[PostRole.DEPARTMENT_HEAD]))
    assert head.pk in {i["id"] for i in services.snapshot_inspector_pool(draw)}


def test_draw_pages_render(world, office, setup, client):
    undrawn = make_draw(world, office, name="待抽")
    drawn = services.draw_perform(actor=office, draw=make_draw(world, office, name="已抽"))
    client.force_login(office)
    for url in (
        reverse("inspections:draw_list"),
        reverse("inspections:draw_list") + "?state=drawn&export=xlsx",
        reverse("inspections:draw_create"),
        reverse("inspections:draw_detail", args=[undrawn.pk]),
        reverse("inspections:draw_update", args=[undrawn.pk]),
        reverse("inspections:draw_detail", args=[drawn.pk]),
        reverse("inspections:draw_pool", args=[drawn.pk]),
        reverse("inspections:draw_verify", args=[undrawn.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("inspections:draw_update", args=[drawn.pk])).status_code == 200
    response = client.post(reverse("inspections:draw_update", args=[drawn.pk]), {"name": "改"})
    assert response.status_code == 200  # the form comes back; a made draw does not change
    response = client.post(
        reverse("inspections:draw_create"),
        {
            "jurisdiction": world.a.county.pk, "name": "新抽查", "enterprise_count": 3, "inspectors_per_enterprise": 2,
            "weighting": "risk", "weight_red": 5, "weight_orange": 3, "weight_yellow": 2, "weight_blue": 0,
            "inspector_roles": ["inspector"], "only_operating": "on", "risk_classes": ["red", "blue"],
        },
    )
    assert response.status_code == 302
    created = RandomDraw.objects.get(name="新抽查")
    assert created.rules["weights"] == {"red": 5, "orange": 3, "yellow": 2, "blue": 0}
    assert created.rules["risk_classes"] == ["blue", "red"]
