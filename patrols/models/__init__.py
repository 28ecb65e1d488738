from patrols.models.findings import FindingDisposition, PatrolFinding
from patrols.models.patrols import (
    Patrol,
    PatrolAreaCheck,
    PatrolDocument,
    PatrolEvent,
    PatrolMember,
    PatrolMilestone,
    PatrolUserObjectPermission,
)
from patrols.models.plans import PatrolBatch, PatrolContentArea, PatrolRules, PatrolTarget, PatrolTerm

__all__ = [
    "FindingDisposition",
    "Patrol",
    "PatrolAreaCheck",
    "PatrolBatch",
    "PatrolContentArea",
    "PatrolDocument",
    "PatrolEvent",
    "PatrolFinding",
    "PatrolMember",
    "PatrolMilestone",
    "PatrolRules",
    "PatrolTarget",
    "PatrolTerm",
    "PatrolUserObjectPermission",
]
