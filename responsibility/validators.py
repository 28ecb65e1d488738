"""Validation of identifiers used in the responsibility system."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 32100-2015, 法人和其他组织统一社会信用代码编码规则: 18 characters from a 31-character
# alphabet (digits and capitals without I, O, Z, S, V); the last one is a check character.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None when it is."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)}
    bad = sorted({c for c in code if c not in CREDIT_CODE_ALPHABET})
    if bad:
        return _("The code contains characters that are not allowed: %(chars)s.") % {"chars": " ".join(bad)}
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        return _("The check character is wrong: expected %(expected)s, got %(got)s.") % {"expected": expected, "got": code[17]}
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="invalid_credit_code")
