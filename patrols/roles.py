"""What every role may do with patrols.

The safety office is the patrol office: it plans terms, targets and batches, plans patrols,
forms their groups, records approvals, routes findings and closes patrols, for the issuing
jurisdiction its scope covers. ``view_patrol`` is the patrol office's alone, because a patrol is
confidential until its feedback (see :mod:`patrols.querysets`); the members of a group get
``view_patrol`` and ``conduct_patrol`` on their own patrol through per-object grants, whatever
their role.

After the feedback, the patrolled unit sees its patrols (``receive_patrol``) and submits its
rectification plan and report (``rectify_patrol``): its leaders, departments, safety office and
county system. Auditors read them.
"""

from responsibility.roles import Role, manage, view

_PLANS = ("patrols.PatrolTerm", "patrols.PatrolTarget", "patrols.PatrolBatch")
_RECORDS = (
    "patrols.PatrolMember", "patrols.PatrolMilestone", "patrols.PatrolAreaCheck", "patrols.PatrolDocument",
    "patrols.PatrolEvent", "patrols.PatrolFinding", "patrols.FindingDisposition",
)
_REFERENCE = ("patrols.PatrolRules", "patrols.PatrolContentArea")

PERMISSIONS = {
    Role.SAFETY_OFFICE: [
        *manage(*_PLANS, "patrols.Patrol"),
        *view(*_RECORDS, *_REFERENCE),
        "patrols.conduct_patrol",
        "patrols.approve_patrol",
        "patrols.receive_patrol",
        "patrols.rectify_patrol",
    ],
    Role.LEADER: [*view(*_PLANS, *_REFERENCE), "patrols.receive_patrol", "patrols.rectify_patrol"],
    Role.DEPARTMENT: [*view(*_REFERENCE), "patrols.receive_patrol", "patrols.rectify_patrol"],
    Role.COUNTY_SYSTEM: ["patrols.receive_patrol", "patrols.rectify_patrol"],
    Role.AUDITOR: [*view(*_PLANS, *_REFERENCE), "patrols.receive_patrol"],
}
