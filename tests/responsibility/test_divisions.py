"""Administrative division codes: normalise_code, division_path and code_errors."""

from __future__ import annotations

import os

import pytest
from django.core.exceptions import ValidationError

from responsibility.choices import JurisdictionLevel as L
from responsibility.divisions import code_errors, division_path, normalise_code
from responsibility.models import Jurisdiction


@pytest.mark.parametrize(
    ("code", "level", "parent", "parent_level"),
    [
        ("350000", L.PROVINCE, None, None),
        ("350500", L.CITY, "350000", L.PROVINCE),
        ("350582", L.COUNTY, "350500", L.CITY),
        ("350598", L.DEVELOPMENT_ZONE, "350500", L.CITY),
        ("350582100", L.TOWNSHIP, "350582", L.COUNTY),
        ("350598001", L.TOWNSHIP, "350598", L.DEVELOPMENT_ZONE),
        ("350582100001", L.VILLAGE, "350582100", L.TOWNSHIP),
    ],
)
def test_valid_codes_have_no_errors(code, level, parent, parent_level):
    assert code_errors(code, level, parent, parent_level) == []


def _one_error(*args) -> str:
    errors = code_errors(*args)
    assert len(errors) == 1, errors
    return errors[0]


@pytest.mark.parametrize(
    ("code", "level", "digits"),
    [("35058", L.COUNTY, 5), ("3505820", L.COUNTY, 7), ("35058210", L.TOWNSHIP, 8), ("350582100001", L.TOWNSHIP, 12)],
)
def test_wrong_length_is_reported_with_expected_and_actual_digits(code, level, digits):
    message = _one_error(code, level, "350500", L.CITY)
    expected = {L.COUNTY: 6, L.TOWNSHIP: 9}[level]
    assert f"has {expected} digits, this one has {digits}" in message


@pytest.mark.parametrize("code", ["35058X", "3505 2", "", "３５０５８２", "-35058"])
def test_non_digits_are_rejected(code):
    assert _one_error(code, L.COUNTY, "350500", L.CITY) == "The code must consist of digits only."


def test_unknown_level():
    assert _one_error("350582", "prefecture", "350500", L.CITY) == "Unknown level “prefecture”."


def test_code_not_under_its_parent():
    message = _one_error("350682", L.COUNTY, "350500", L.CITY)
    assert message == "The code 350682 does not start with its parent's prefix 3505."


def test_township_not_under_its_county():
    assert "prefix 350582" in _one_error("350583100", L.TOWNSHIP, "350582", L.COUNTY)


@pytest.mark.parametrize(
    ("code", "level", "parent", "parent_level"),
    [
        ("350582100", L.TOWNSHIP, "350500", L.CITY),  # township directly under a city
        ("350582", L.COUNTY, "350000", L.PROVINCE),  # county directly under a province
        ("350582100001", L.VILLAGE, "350582", L.COUNTY),  # village directly under a county
        ("350500", L.CITY, "350500", L.CITY),  # city under a city
    ],
)
def test_wrong_parent_level(code, level, parent, parent_level):
    assert "The parent of a" in _one_error(code, level, parent, parent_level)


def test_development_zone_may_parent_townships_but_not_villages():
    assert code_errors("350598001", L.TOWNSHIP, "350598", L.DEVELOPMENT_ZONE) == []
    assert "The parent of a" in _one_error("350598001001", L.VILLAGE, "350598", L.DEVELOPMENT_ZONE)


def test_all_zero_significant_part_is_rejected():
    # 350500 is the city; as a county its own two digits would be 00
    assert _one_error("350500", L.COUNTY, "350500", L.CITY) == "The last significant digits of the code cannot all be zero."
    assert "cannot all be zero" in _one_error("350582000", L.TOWNSHIP, "350582", L.COUNTY)


def test_padding_must_be_zeros():
    assert "ends in 4 zeros" in _one_error("350001", L.PROVINCE, None, None)
    assert "ends in 2 zeros" in _one_error("350510", L.CITY, "350000", L.PROVINCE)


def test_province_has_no_parent_and_others_need_one():
    assert _one_error("350000", L.PROVINCE, "110000", L.PROVINCE) == "A province has no parent."
    assert "needs a parent" in _one_error("350582", L.COUNTY, None, None)


@pytest.mark.parametrize(
    ("raw", "level", "expected"),
    [
        ("350000000000", L.PROVINCE, "350000"),
        ("350500000000", L.CITY, "350500"),
        ("350582000000", L.COUNTY, "350582"),
        ("350582100000", L.TOWNSHIP, "350582100"),
        ("350582100001", L.VILLAGE, "350582100001"),
        (" 350582 ", L.COUNTY, "350582"),
        ("350582100001", L.COUNTY, "350582100001"),  # not zero-padded: left alone, then rejected
        ("", L.COUNTY, ""),
        (None, L.COUNTY, ""),
    ],
)
def test_normalise_code_accepts_12_digit_padded_codes(raw, level, expected):
    assert normalise_code(raw, level) == expected


def test_padded_code_that_is_not_zero_padded_still_fails_validation():
    code = normalise_code("350582100001", L.COUNTY)
    assert "has 6 digits, this one has 12" in _one_error(code, L.COUNTY, "350500", L.CITY)


@pytest.mark.parametrize(
    ("code", "level", "path"),
    [
        ("350000", L.PROVINCE, "35"),
        ("350500", L.CITY, "3505"),
        ("350582", L.COUNTY, "350582"),
        ("350582100", L.TOWNSHIP, "350582100"),
        ("350582100001", L.VILLAGE, "350582100001"),
    ],
)
def test_division_path_is_the_significant_prefix(code, level, path):
    assert division_path(code, level) == path


@pytest.mark.django_db
def test_jurisdiction_clean_rejects_code_outside_parent_and_save_sets_path():
    province = Jurisdiction.objects.create(code="350000", name="福建省", level=L.PROVINCE)
    assert province.path == "35"
    city = Jurisdiction(code="360500", name="新余市", level=L.CITY, parent=province)
    with pytest.raises(ValidationError) as caught:
        city.full_clean()
    assert "does not start with its parent's prefix 35" in caught.value.message_dict["code"][0]
    good = Jurisdiction(code="350500", name="泉州市", level=L.CITY, parent=province)
    good.full_clean()
    good.save()
    assert good.path == "3505"
    assert list(good.ancestors()) == [province]


# --- PostgreSQL: the subtree filter is an index scan ----------------------------------------------

USES_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://", "psql://"))


@pytest.mark.postgres
@pytest.mark.skipif(not USES_POSTGRES, reason="DATABASE_URL is not a PostgreSQL URL: no varchar_pattern_ops index to check")
@pytest.mark.django_db
def test_postgres_has_a_like_index_on_jurisdiction_path_and_uses_it():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'responsibility_jurisdiction' AND indexname LIKE %s",
            ["%path%_like"],
        )
        indexes = cursor.fetchall()
    assert len(indexes) == 1, indexes
    name, definition = indexes[0]
    assert "varchar_pattern_ops" in definition and "(path varchar_pattern_ops)" in definition

    sql, params = Jurisdiction.objects.filter(path__startswith="350582").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert name in plan, plan
