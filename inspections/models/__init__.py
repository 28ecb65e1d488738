from inspections.models.programmes import (
    Campaign,
    DrawnEnterprise,
    RandomDraw,
    SupervisionProblem,
    SupervisionRound,
)
from inspections.models.records import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Inspection,
    InspectionAmendment,
    InspectionAnswer,
    InspectionFinding,
    InspectionParticipant,
    InspectionPhoto,
    InspectionTarget,
)

__all__ = [
    "Campaign",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistVersion",
    "DrawnEnterprise",
    "Inspection",
    "InspectionAmendment",
    "InspectionAnswer",
    "InspectionFinding",
    "InspectionParticipant",
    "InspectionPhoto",
    "InspectionTarget",
    "RandomDraw",
    "SupervisionProblem",
    "SupervisionRound",
]
