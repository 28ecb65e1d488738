"""What every role may do with inspections, checklists and organised inspection work."""

from responsibility.roles import Role, manage, view

_RECORDS = ("inspections.Inspection",)
_CHECKLISTS = ("inspections.ChecklistTemplate", "inspections.ChecklistVersion")
_PROGRAMMES = ("inspections.Campaign", "inspections.RandomDraw", "inspections.SupervisionRound", "inspections.SupervisionProblem")

# Officials who inspect log their own inspections (leaders, inspectors, departments); the
# office also runs campaigns, draws and quarterly rounds.
_LOGGING = [*view(*_RECORDS, *_CHECKLISTS, *_PROGRAMMES), "inspections.add_inspection", "inspections.change_inspection"]

PERMISSIONS = {
    Role.SAFETY_OFFICE: [
        *manage(*_RECORDS, *_CHECKLISTS, *_PROGRAMMES),
        "inspections.amend_inspection",
        "inspections.publish_randomdraw",
    ],
    Role.LEADER: _LOGGING,
    Role.INSPECTOR: _LOGGING,
    Role.DEPARTMENT: _LOGGING,
    Role.COUNTY_SYSTEM: _LOGGING,
    Role.AUDITOR: [*view(*_RECORDS, *_CHECKLISTS, *_PROGRAMMES)],
}
