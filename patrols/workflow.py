"""A patrol's stages as one table of allowed transitions, checked in one place.

    preparation ─start_stationing→ stationing ─end_stationing→ reporting ─submit_report→ approval
        ─approve_report→ feedback ─deliver_feedback→ rectification_plan ─submit_plan→
        rectification_report ─submit_rectification_report→ review ─close→ closed
                                      ↑                                      │
                                      └──────────return_rectification────────┘

Every transition records the actual date of one milestone (the day the stationing began, the
day the report was approved …). It may only be taken from its source status, so a stage
completed out of order is refused, and its date may not precede the milestone before it (a
feedback dated before the report's approval is refused): both checked by
:func:`patrols.services.patrols.patrol_transition`.

``permission`` is the prefix of the codename the actor needs on the patrol
(``Patrol.objects.restrict(actor, <permission>)``): ``conduct`` for the patrol office and the
group, ``approve`` for the patrol office, ``rectify`` for the patrolled unit (and the office
acting for it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from patrols.choices import DocumentKind, Milestone
from patrols.choices import PatrolStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    source: str
    target: str
    permission: str
    #: the milestone whose actual date the transition records (cleared again by a send-back)
    milestone: str
    #: the kind of document the transition must come with ("" for none)
    document_kind: str = ""
    document_required: bool = False
    comment_required: bool = False
    style: str = "primary"

    @property
    def sends_back(self) -> bool:
        return self.action == "return_rectification"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("start_stationing", _("Begin stationing"), S.PREPARATION, S.STATIONING, "conduct", Milestone.STATIONING_START),
        Transition("end_stationing", _("End stationing"), S.STATIONING, S.REPORTING, "conduct", Milestone.STATIONING_END),
        Transition(
            "submit_report", _("Submit the patrol report"), S.REPORTING, S.APPROVAL, "conduct", Milestone.REPORT,
            document_kind=DocumentKind.PATROL_REPORT,
        ),
        Transition("approve_report", _("Record the approval"), S.APPROVAL, S.FEEDBACK, "approve", Milestone.APPROVAL),
        Transition(
            "deliver_feedback", _("Record the feedback"), S.FEEDBACK, S.RECTIFICATION_PLAN, "conduct", Milestone.FEEDBACK,
            document_kind=DocumentKind.FEEDBACK_LETTER,
        ),
        Transition(
            "submit_plan", _("Submit the rectification plan"), S.RECTIFICATION_PLAN, S.RECTIFICATION_REPORT, "rectify",
            Milestone.RECTIFICATION_PLAN, document_kind=DocumentKind.RECTIFICATION_PLAN, document_required=True,
        ),
        Transition(
            "submit_rectification_report", _("Submit the rectification report"), S.RECTIFICATION_REPORT, S.REVIEW, "rectify",
            Milestone.RECTIFICATION_REPORT, document_kind=DocumentKind.RECTIFICATION_REPORT, document_required=True,
        ),
        Transition(
            "return_rectification", _("Send the rectification report back"), S.REVIEW, S.RECTIFICATION_REPORT, "approve",
            Milestone.RECTIFICATION_REPORT, comment_required=True, style="warning",
        ),
        Transition("close", _("Close the patrol"), S.REVIEW, S.CLOSED, "approve", Milestone.CLOSURE),
    )
}

#: The milestone recorded just before each milestone: its date may not be earlier.
PREVIOUS_MILESTONE = {
    Milestone.STATIONING_START: Milestone.PREPARATION,
    Milestone.STATIONING_END: Milestone.STATIONING_START,
    Milestone.REPORT: Milestone.STATIONING_END,
    Milestone.APPROVAL: Milestone.REPORT,
    Milestone.FEEDBACK: Milestone.APPROVAL,
    Milestone.RECTIFICATION_PLAN: Milestone.FEEDBACK,
    Milestone.RECTIFICATION_REPORT: Milestone.RECTIFICATION_PLAN,
    Milestone.CLOSURE: Milestone.RECTIFICATION_REPORT,
}


def allowed_actions(status: str) -> list[Transition]:
    """Transitions the table allows from ``status`` (before permissions)."""
    return [t for t in TRANSITIONS.values() if t.source == status]

