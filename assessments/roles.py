"""What every role may do with accidents, assessments, accountability decisions and dossiers.

The safety office records accidents, keeps the schemes, runs rounds (``run``) and reviews,
finalizes and publishes them (``review``); an assessed unit's office submits its own
self-evaluation (``selfevaluate``), which its scope decides (a county office sees only its own row
of the city's round, see :mod:`assessments.querysets`). County systems push accidents over the
API. Leaders and departments read; auditors read everything.
"""

from responsibility.roles import Role, manage, view

_ACCIDENTS = ("assessments.Accident", "assessments.AccidentEvent")
_SCHEMES = ("assessments.AssessmentScheme", "assessments.SchemeCategory", "assessments.Indicator",
            "assessments.IndicatorThreshold", "assessments.GradeBand")
_ROUNDS = ("assessments.AssessmentRound", "assessments.RoundTarget", "assessments.Score", "assessments.ScoreSource",
           "assessments.RoundEvent")
_ACCOUNTABILITY = ("assessments.AccountabilityDecision", "assessments.DutyDossier")

PERMISSIONS = {
    Role.SAFETY_OFFICE: [
        *manage(*_ACCIDENTS, *_SCHEMES, *_ROUNDS, *_ACCOUNTABILITY, "assessments.AccidentPolicy"),
        "assessments.run_assessmentround",
        "assessments.review_assessmentround",
        "assessments.selfevaluate_assessmentround",
    ],
    Role.LEADER: [*view(*_ACCIDENTS, *_SCHEMES, *_ROUNDS, *_ACCOUNTABILITY), "assessments.add_dutydossier"],
    Role.DEPARTMENT: [*view(*_ACCIDENTS, *_SCHEMES, *_ROUNDS), "assessments.selfevaluate_assessmentround"],
    Role.INSPECTOR: [*view(*_ACCIDENTS)],
    Role.COUNTY_SYSTEM: [
        *view(*_ACCIDENTS, *_ROUNDS, *_SCHEMES, "assessments.DutyDossier"),
        "assessments.add_accident",
        "assessments.change_accident",
        "assessments.add_dutydossier",
    ],
    Role.AUDITOR: [*view(*_ACCIDENTS, *_SCHEMES, *_ROUNDS, *_ACCOUNTABILITY, "assessments.AccidentPolicy")],
}
