from assessments.models.accidents import Accident, AccidentEvent, AccidentPolicy, accident_level
from assessments.models.accountability import AccountabilityDecision, DutyDossier
from assessments.models.rounds import (
    SOURCES_PER_SCORE,
    AssessmentRound,
    RoundEvent,
    RoundTarget,
    Score,
    ScoreSource,
)
from assessments.models.schemes import (
    AssessmentScheme,
    GradeBand,
    Indicator,
    IndicatorThreshold,
    SchemeCategory,
)

__all__ = [
    "SOURCES_PER_SCORE",
    "Accident",
    "AccidentEvent",
    "AccidentPolicy",
    "AccountabilityDecision",
    "AssessmentRound",
    "AssessmentScheme",
    "DutyDossier",
    "GradeBand",
    "Indicator",
    "IndicatorThreshold",
    "RoundEvent",
    "RoundTarget",
    "SchemeCategory",
    "Score",
    "ScoreSource",
    "accident_level",
]
