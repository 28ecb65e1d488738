"""The assessment round's workflow as one table of allowed transitions, checked in one place.

    open ─start_self_evaluation→ self_evaluation ─start_scoring→ scoring ─submit_review→ review
      └────────────start_scoring (no self-evaluation)───────────↑            │
                                                   scoring ←─return─────────┤
                                                                            └─finalize→ finalized ─publish→ published
    finalized / published ─reopen (with a reason)→ scoring

Each action names the permission it needs (``<prefix>_assessmentround``, checked with the
actor's scope by ``AssessmentRound.objects.restrict``). Checks beyond the table (finalizing
needs every manual item scored; the round's scores are recomputed before review) live in
:mod:`assessments.services.rounds`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assessments.choices import RoundStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    permission: str
    comment_required: bool = False
    style: str = "primary"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("start_self_evaluation", _("Open self-evaluation"), (S.OPEN,), S.SELF_EVALUATION, "run"),
        Transition("start_scoring", _("Start office scoring"), (S.OPEN, S.SELF_EVALUATION), S.SCORING, "run"),
        Transition("submit_review", _("Submit for review"), (S.SCORING,), S.REVIEW, "run"),
        Transition("return", _("Send back to scoring"), (S.REVIEW,), S.SCORING, "review", comment_required=True, style="warning"),
        Transition("finalize", _("Finalize"), (S.REVIEW,), S.FINALIZED, "review"),
        Transition("publish", _("Publish"), (S.FINALIZED,), S.PUBLISHED, "review"),
        Transition(
            "reopen", _("Reopen"), (S.FINALIZED, S.PUBLISHED), S.SCORING, "review", comment_required=True, style="danger"
        ),
    )
}


def allowed_actions(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
