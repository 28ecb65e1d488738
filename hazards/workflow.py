"""The hazard's closed loop as one table of allowed transitions, checked in one place.

    reported ─accept→ accepted ─start→ rectifying ─submit→ submitted ─verify→ verified ─close→ closed
                                            ↑                  │
                                            └──────return──────┘
    any open status ─cancel (with a reason)→ cancelled

Each action names the permission it needs (checked with the actor's scope by
``Hazard.objects.restrict(actor, <permission prefix>)``), what must be recorded with it, and the
status it leads to. Business checks beyond the table (a major hazard needs its leader and its
listing before it leaves "accepted"; only the listing office closes a major hazard out) live in
:mod:`hazards.services.workflow`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hazards.choices import HazardStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    #: the prefix of the permission codename (``<prefix>_hazard``), also the restrict() action
    permission: str
    comment_required: bool = False
    #: a style hint for the button (primary, danger …)
    style: str = "primary"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("accept", _("Accept and assign"), (S.REPORTED,), S.ACCEPTED, "assign"),
        Transition("start", _("Start rectification"), (S.ACCEPTED,), S.RECTIFYING, "rectify"),
        Transition("submit", _("Submit for verification"), (S.RECTIFYING,), S.SUBMITTED, "rectify"),
        Transition("return", _("Send back"), (S.SUBMITTED,), S.RECTIFYING, "verify", comment_required=True, style="warning"),
        Transition("verify", _("Verify"), (S.SUBMITTED,), S.VERIFIED, "verify"),
        Transition("close", _("Close out"), (S.VERIFIED,), S.CLOSED, "close"),
        Transition(
            "cancel",
            _("Cancel"),
            (S.REPORTED, S.ACCEPTED, S.RECTIFYING, S.SUBMITTED, S.VERIFIED),
            S.CANCELLED,
            "cancel",
            comment_required=True,
            style="danger",
        ),
    )
}


def allowed_actions(status: str) -> list[Transition]:
    """Transitions the table allows from ``status`` (before permissions)."""
    return [t for t in TRANSITIONS.values() if status in t.sources]
