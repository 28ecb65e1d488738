"""What every role may do with hazards, self-reports, tip-offs and risk points."""

from responsibility.roles import Role, manage, view

_LEDGER = ("hazards.Hazard", "hazards.HazardPhoto", "hazards.HazardEvent", "hazards.HazardExtension", "hazards.LeaderVisit")
_REPORTS = ("hazards.EnterpriseSelfReport", "hazards.TipOff", "hazards.TipOffPhoto")
_RISK = ("hazards.RiskPoint", "hazards.RiskReviewRound", "hazards.RiskPointReview", "hazards.RiskGradingBand")
_ALL = (*_LEDGER, *_REPORTS, *_RISK, "hazards.HazardPolicy")

_WORKFLOW = [f"hazards.{p}_hazard" for p in ("assign", "rectify", "verify", "close", "cancel", "supervise")]

PERMISSIONS = {
    Role.SAFETY_OFFICE: [
        *manage(*_ALL),
        *_WORKFLOW,
        "hazards.triage_tipoff",
    ],
    # Leaders see everything in their scope, push their linked hazards and log visits.
    Role.LEADER: [*view(*_LEDGER, *_RISK, "hazards.EnterpriseSelfReport", "hazards.HazardPolicy")],
    Role.INSPECTOR: [
        *view(*_LEDGER, *_RISK, "hazards.EnterpriseSelfReport"),
        "hazards.add_hazard",
        "hazards.change_hazard",
    ],
    # Supervising departments run the loop for the enterprises they supervise; close-out of
    # general hazards is theirs too, of major hazards only the listing office's.
    Role.DEPARTMENT: [
        *view(*_LEDGER, *_RISK, "hazards.EnterpriseSelfReport", "hazards.HazardPolicy"),
        "hazards.add_hazard",
        "hazards.change_hazard",
        "hazards.assign_hazard",
        "hazards.verify_hazard",
        "hazards.close_hazard",
        "hazards.rectify_hazard",
        *manage("hazards.RiskPoint"),
        # a department records a monthly report on behalf of an enterprise it supervises
        "hazards.add_enterpriseselfreport",
        "hazards.change_enterpriseselfreport",
    ],
    # An enterprise account sees and rectifies its own hazards and reports monthly.
    Role.ENTERPRISE: [
        *view("hazards.Hazard", "hazards.EnterpriseSelfReport", "hazards.RiskPoint"),
        "hazards.add_hazard",
        "hazards.rectify_hazard",
        "hazards.add_enterpriseselfreport",
        "hazards.change_enterpriseselfreport",
    ],
    Role.COUNTY_SYSTEM: [
        *view(*_LEDGER, *_RISK, "hazards.EnterpriseSelfReport", "hazards.TipOff"),
        "hazards.add_hazard",
        "hazards.change_hazard",
        "hazards.add_riskpoint",
        "hazards.change_riskpoint",
    ],
    Role.AUDITOR: [*view(*_ALL)],
}
