"""The unified social credit code check (GB 32100-2015): 18 characters from a 31-character
alphabet, the last one a check character computed from the first 17."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError

from responsibility.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    credit_code_error,
    validate_credit_code,
)

# The example printed in GB 32100-2015 and a registered company's code.
PUBLISHED = ["91350100M000100Y43", "91110000600037341L"]


def generated(count: int, seed: int = 32100) -> list[str]:
    """Codes of the real layout: registration authority and kind, a 6-digit division code, a
    9-character organization code, then the check character."""
    rng = random.Random(seed)
    codes = []
    for _ in range(count):
        head = rng.choice(["91", "92", "93", "12", "52", "11", "31"]) + rng.choice(["350582", "350583", "110108", "440300"])
        body = "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
        codes.append(head + body + credit_code_check_character(head + body))
    return codes


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert credit_code_error(code) is None


def test_generated_codes_with_their_check_character_are_valid():
    assert [c for c in generated(500) if credit_code_error(c) is not None] == []


def test_check_character_of_the_standard_example():
    assert credit_code_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", generated(50, seed=7))
def test_every_other_check_character_is_rejected(code):
    wrong = [c for c in CREDIT_CODE_ALPHABET if c != code[17]]
    for character in wrong:
        error = credit_code_error(code[:17] + character)
        assert error is not None and "check character" in error
        assert f"expected {code[17]}" in error


def test_a_changed_body_character_is_caught_by_the_check_character():
    code = PUBLISHED[0]
    altered = code[:10] + ("1" if code[10] != "1" else "2") + code[11:]
    assert "check character" in credit_code_error(altered)


def test_lower_case_and_surrounding_spaces_are_accepted():
    assert credit_code_error("  91350100m000100y43 ") is None


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_letters_outside_the_alphabet_are_rejected(letter):
    code = "91350100M000100Y4" + letter
    error = credit_code_error(code)
    assert error is not None and "not allowed" in error and letter in error
    assert credit_code_error(letter + code[1:]) is not None


def test_other_characters_are_rejected():
    assert "not allowed" in credit_code_error("91350100M000100-43")
    assert "not allowed" in credit_code_error("91350100M000100Y4中")


@pytest.mark.parametrize("code", ["", "9135010", "91350100M000100Y4", "91350100M000100Y433", "9" * 30])
def test_wrong_lengths_are_rejected_with_the_length(code):
    error = credit_code_error(code)
    assert error is not None and f"this one has {len(code.strip())}" in error


def test_validator_raises_a_validation_error_with_its_code():
    validate_credit_code(PUBLISHED[0])
    with pytest.raises(ValidationError) as caught:
        validate_credit_code("91350100M000100Y44")
    assert caught.value.code == "invalid_credit_code"


def test_alphabet_has_31_characters_without_i_o_z_s_v():
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert not set("IOZSV") & set(CREDIT_CODE_ALPHABET)
