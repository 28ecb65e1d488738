"""Administrative division codes (GB/T 2260 and the statistical division code).

Codes are hierarchical: the first 2 digits name the province, 4 the city, 6 the county (or a
development zone beside counties), 9 the township and 12 the village. The significant prefix
of a code is therefore a materialized path, and "everything under X" is a prefix match.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from responsibility.choices import CODE_LENGTH, PARENT_LEVELS, PATH_LENGTH, JurisdictionLevel

DIGITS = re.compile(r"^[0-9]+\Z")  # ASCII only: \d would accept full-width ３５０５８２


def normalise_code(code: str, level: str) -> str:
    """Accept a 12-digit statistical code padded with zeros for higher levels (350582000000
    for a county) and return the canonical length for ``level``."""
    code = (code or "").strip()
    wanted = CODE_LENGTH.get(level)
    if wanted and len(code) == 12 and wanted < 12 and code[wanted:] == "0" * (12 - wanted):
        return code[:wanted]
    return code


def division_path(code: str, level: str) -> str:
    return code[: PATH_LENGTH[level]]


def code_errors(code: str, level: str, parent_code: str | None, parent_level: str | None) -> list[str]:
    """Everything wrong with a code, given its level and its parent's code and level."""
    errors: list[str] = []
    if level not in CODE_LENGTH:
        return [_("Unknown level “%(level)s”.") % {"level": level}]
    if not code or not DIGITS.match(code):
        return [_("The code must consist of digits only.")]
    wanted = CODE_LENGTH[level]
    if len(code) != wanted:
        return [
            _("A %(level)s code has %(n)d digits, this one has %(m)d.")
            % {"level": JurisdictionLevel(level).label, "n": wanted, "m": len(code)}
        ]
    path_length = PATH_LENGTH[level]
    significant, padding = code[:path_length], code[path_length:]
    if padding.strip("0"):
        errors.append(
            _("A %(level)s code ends in %(n)d zeros.") % {"level": JurisdictionLevel(level).label, "n": len(padding)}
        )
    # the part this level adds must not be all zeros (350500 is a city, not a county)
    parent_length = {2: 0, 4: 2, 6: 4, 9: 6, 12: 9}[path_length]
    if significant[parent_length:].strip("0") == "":
        errors.append(_("The last significant digits of the code cannot all be zero."))
    allowed_parents = PARENT_LEVELS[level]
    if not allowed_parents:
        if parent_code:
            errors.append(_("A province has no parent."))
        return errors
    if not parent_code:
        errors.append(_("A %(level)s needs a parent.") % {"level": JurisdictionLevel(level).label})
        return errors
    if parent_level not in allowed_parents:
        errors.append(
            _("The parent of a %(level)s must be a %(allowed)s, not a %(parent)s.")
            % {
                "level": JurisdictionLevel(level).label,
                "allowed": " / ".join(str(JurisdictionLevel(p).label) for p in allowed_parents),
                "parent": JurisdictionLevel(parent_level).label if parent_level in JurisdictionLevel.values else parent_level,
            }
        )
        return errors
    parent_path = division_path(parent_code, parent_level)
    if not code.startswith(parent_path):
        errors.append(
            _("The code %(code)s does not start with its parent's prefix %(prefix)s.") % {"code": code, "prefix": parent_path}
        )
    return errors
