from hazards.models.ledger import (
    Hazard,
    HazardEvent,
    HazardExtension,
    HazardPhoto,
    HazardPolicy,
    HazardUserObjectPermission,
    LeaderVisit,
)
from hazards.models.reports import EnterpriseSelfReport, TipOff, TipOffPhoto
from hazards.models.risk import RiskGradingBand, RiskPoint, RiskPointReview, RiskReviewRound

__all__ = [
    "EnterpriseSelfReport",
    "Hazard",
    "HazardEvent",
    "HazardExtension",
    "HazardPhoto",
    "HazardPolicy",
    "HazardUserObjectPermission",
    "LeaderVisit",
    "RiskGradingBand",
    "RiskPoint",
    "RiskPointReview",
    "RiskReviewRound",
    "TipOff",
    "TipOffPhoto",
]
