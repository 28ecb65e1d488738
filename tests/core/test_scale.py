"""``manage.py seed_scale`` and the registry of generator parts (core.scale), with the
responsibility system's part run on the ``tiny`` profile (the city and province profiles are
far too big for the test suite; they are measured by hand, see bench/RESULTS.md)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from core import scale
from core.access import forget_scope, get_scope
from core.models import User
from core.scale import ScaleContext, ScaleError, _copy_value, check_database, register_scale_part, scale_parts
from responsibility.divisions import code_errors
from responsibility.models import (
    DutyTemplate,
    Enterprise,
    EnterpriseSupervision,
    Jurisdiction,
    Meeting,
    Obligation,
    Official,
    Organization,
    Post,
    Sector,
)
from responsibility.validators import credit_code_error

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture
def parts(monkeypatch):
    """An empty registry for tests of the mechanism; the real one is restored afterwards."""
    monkeypatch.setattr(scale, "_PARTS", {})
    return scale._PARTS


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", profile=options.pop("profile", "tiny"), today=TODAY, force=True, stdout=out, **options)
    return out.getvalue()


def fingerprint() -> dict:
    """What a run wrote, by value: counts and sample rows of the main tables, ids included
    (parts allocate explicit ids), logins by name (their ids come from a sequence)."""
    return {
        "jurisdictions": list(Jurisdiction.objects.order_by("id").values_list("id", "code", "name", "level", "parent__code")),
        "organizations": list(Organization.objects.order_by("id").values_list("id", "jurisdiction__code", "name", "kind", "parent_id")),
        "officials": list(Official.objects.order_by("id").values_list("id", "name", "gender", "birth_year", "phone", "user__username")),
        "posts": list(Post.objects.order_by("id").values_list("official_id", "organization_id", "role", "title", "start_date", "end_date")),
        "enterprises": list(
            Enterprise.objects.order_by("id").values_list("id", "credit_code", "name", "sector__code", "risk_class", "jurisdiction__code", "grid_id")
        ),
        "supervisions": EnterpriseSupervision.objects.count(),
        "meetings": list(Meeting.objects.order_by("id").values_list("organization_id", "kind", "held_on", "title", "chair_id")),
        "logins": sorted(User.objects.filter(username__startswith="scale_").values_list("username", "groups__name")),
    }


# --- The registry -------------------------------------------------------------------------------


def test_parts_run_after_the_parts_they_require_then_by_order(parts):
    register_scale_part("hazards", lambda ctx: None, order=50, requires=("responsibility",))
    register_scale_part("responsibility", lambda ctx: None, order=100)
    register_scale_part("patrols", lambda ctx: None, order=300, requires=("hazards",))
    register_scale_part("inspections", lambda ctx: None, order=200, requires=("responsibility",))

    assert [p.name for p in scale_parts()] == ["responsibility", "hazards", "inspections", "patrols"]


def test_registering_a_part_again_replaces_it(parts):
    register_scale_part("responsibility", "a.b", order=100)
    register_scale_part("responsibility", "c.d", order=10)

    assert [(p.name, p.func, p.order) for p in scale_parts()] == [("responsibility", "c.d", 10)]


def test_a_part_requiring_an_unregistered_part_is_a_configuration_error(parts):
    register_scale_part("hazards", lambda ctx: None, requires=("responsibility",))

    with pytest.raises(ImproperlyConfigured, match="requires unregistered part"):
        scale_parts()


def test_parts_requiring_each_other_are_reported_as_a_cycle(parts):
    register_scale_part("a", lambda ctx: None, requires=("b",))
    register_scale_part("b", lambda ctx: None, requires=("a",))

    with pytest.raises(ImproperlyConfigured, match="cycle"):
        scale_parts()


def test_only_refuses_a_part_without_the_parts_it_requires(parts):
    register_scale_part("responsibility", lambda ctx: None, order=100)
    register_scale_part("hazards", lambda ctx: None, order=200, requires=("responsibility",))

    with pytest.raises(ScaleError, match="need responsibility too"):
        scale.run_scale(profile="tiny", only=["hazards"])


def test_responsibility_registers_its_part_from_its_app_config():
    registered = {p.name: p for p in scale_parts()}

    assert "responsibility" in registered
    assert "responsibility.Enterprise" in registered["responsibility"].models


def test_random_streams_are_seeded_by_seed_and_name_independently_of_each_other():
    ctx = ScaleContext(profile="tiny", seed=7, today=TODAY)
    again = ScaleContext(profile="tiny", seed=7, today=TODAY)
    other_seed = ScaleContext(profile="tiny", seed=8, today=TODAY)

    first = [ctx.random("hazards").random() for _ in range(3)]
    assert first == [again.random("hazards").random() for _ in range(3)]
    assert first != [ctx.random("inspections").random() for _ in range(3)]
    assert first != [other_seed.random("hazards").random() for _ in range(3)]


def test_copy_values_are_escaped_for_postgresql_text_format():
    assert _copy_value(None) == r"\N"
    assert (_copy_value(True), _copy_value(False)) == ("t", "f")
    assert _copy_value("a\tb\nc\\d\re") == r"a\tb\nc\\d\re"
    assert _copy_value(datetime.date(2026, 1, 2)) == "2026-01-02"
    assert _copy_value(["村", 1]) == '["村", 1]'


# --- Refusals -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_non_empty_database_is_refused_without_reset(world):
    with pytest.raises(CommandError) as refused:
        seed()

    message = str(refused.value)
    assert "not empty" in message and "responsibility.jurisdiction" in message
    assert "--reset" in message
    assert Enterprise.objects.count() == 0  # nothing was mixed in


@pytest.mark.django_db
def test_the_province_profile_is_refused_on_sqlite_with_what_to_do_instead(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")

    with pytest.raises(ScaleError) as refused:
        check_database(profile="province", reset=False, parts=scale_parts())

    message = str(refused.value)
    assert "needs PostgreSQL" in message and "DATABASE_URL=postgres://" in message and "--profile city" in message


@pytest.mark.django_db
def test_the_city_profile_is_allowed_on_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")

    check_database(profile="city", reset=False, parts=scale_parts())


@pytest.mark.django_db
def test_seeding_without_debug_needs_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_scale", profile="tiny", stdout=StringIO())
    assert not Jurisdiction.objects.exists()


# --- The tiny profile ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_with_the_same_ids():
    out = seed(seed=3)
    first = fingerprint()
    seed(seed=3, reset=True)

    assert fingerprint() == first
    assert "responsibility" in out and "rows in" in out
    assert first["enterprises"] and first["meetings"] and first["posts"]


@pytest.mark.django_db
def test_another_seed_gives_other_data():
    seed(seed=3)
    first = fingerprint()
    seed(seed=4, reset=True)

    assert fingerprint()["enterprises"] != first["enterprises"]


@pytest.mark.django_db
def test_reset_keeps_roles_and_restores_reference_data():
    groups = set(Group.objects.values_list("name", flat=True))
    reference = (Sector.objects.count(), DutyTemplate.objects.count(), Obligation.objects.count())
    seed()
    seed(reset=True)

    assert set(Group.objects.values_list("name", flat=True)) == groups
    assert (Sector.objects.count(), DutyTemplate.objects.count(), Obligation.objects.count()) == reference
    assert User.objects.filter(username__startswith="scale_").count() == 7


@pytest.mark.django_db
def test_division_and_credit_codes_are_valid_and_form_one_tree():
    seed()
    by_pk = {j.pk: j for j in Jurisdiction.objects.all()}

    for j in by_pk.values():
        parent = by_pk.get(j.parent_id)
        assert not code_errors(j.code, j.level, parent.code if parent else None, parent.level if parent else None), j.code
        assert j.path == j.code[: len(j.path)]
    assert {j.level for j in by_pk.values()} == {"province", "city", "county", "township", "village"} | (
        {"development_zone"} & {j.level for j in by_pk.values()}
    )
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert codes and all(credit_code_error(c) is None for c in codes)
    assert len(set(codes)) == len(codes)


@pytest.mark.django_db
def test_profile_shape_and_dates_never_lie_in_the_future():
    seed()

    assert Jurisdiction.objects.filter(level="township").count() == 6
    assert Jurisdiction.objects.filter(level="village").count() == 24
    assert Enterprise.objects.count() == 150
    assert not Post.objects.filter(start_date__gt=TODAY).exists()
    assert not Meeting.objects.filter(held_on__gt=TODAY).exists()
    # every role the grids need is there, and every township has its three organizations
    roles = set(Post.objects.values_list("role", flat=True))
    assert {"grid_chief", "grid_level_1", "grid_level_2", "grid_level_3", "office_staff", "safety_deputy"} <= roles
    assert Organization.objects.filter(jurisdiction__level="township").count() == 3 * 6


@pytest.mark.django_db
def test_the_scale_logins_see_their_county_or_the_whole_dataset():
    seed()
    county = User.objects.get(username="scale_county_office")
    top = User.objects.get(username="scale_office")
    system = User.objects.get(username="scale_countysys")
    for user in (county, top, system):
        forget_scope(user)

    assert len(get_scope(county).paths) == 1 and len(get_scope(county).paths[0]) == 6
    assert get_scope(system).paths == get_scope(county).paths
    assert get_scope(top).paths == ("3205",)  # the tiny profile's top unit is its city
    assert county.check_password("Demo@2026")
