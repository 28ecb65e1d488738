from django.db import models
from django.utils.translation import gettext_lazy as _

from responsibility.choices import RiskClass


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class HazardSource(models.TextChoices):
    SELF_CHECK = "self_check", _("Enterprise self-check")
    DEPARTMENT_INSPECTION = "department_inspection", _("Department inspection")
    LEADER_INSPECTION = "leader_inspection", _("Leader inspection")
    PATROL = "patrol", _("Safety patrol")
    CAMPAIGN = "campaign", _("Inspection campaign")
    TIP_OFF = "tip_off", _("Public tip-off")


class HazardCategory(models.TextChoices):
    """The four causes of the hazard classification used in ledgers (人、物、管理、环境)."""

    EQUIPMENT = "equipment", _("Unsafe condition of equipment or materials")
    BEHAVIOUR = "behaviour", _("Unsafe behaviour")
    MANAGEMENT = "management", _("Management deficiency")
    ENVIRONMENT = "environment", _("Environmental factor")


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted and assigned")
    RECTIFYING = "rectifying", _("Being rectified")
    SUBMITTED = "submitted", _("Submitted for verification")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed out")
    CANCELLED = "cancelled", _("Cancelled")


#: Statuses in which the rectification deadline runs (a hazard submitted for verification has
#: been rectified on the unit's side, so it is not overdue while it waits).
DEADLINE_STATUSES = (HazardStatus.ACCEPTED, HazardStatus.RECTIFYING)
OPEN_STATUSES = (HazardStatus.REPORTED, HazardStatus.ACCEPTED, HazardStatus.RECTIFYING, HazardStatus.SUBMITTED, HazardStatus.VERIFIED)
FINAL_STATUSES = (HazardStatus.CLOSED, HazardStatus.CANCELLED)


class ListingLevel(models.TextChoices):
    """Which safety committee lists a major hazard for supervision (挂牌督办)."""

    PROVINCE = "province", _("Provincial safety committee")
    CITY = "city", _("City safety committee")
    COUNTY = "county", _("County safety committee")


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("Before rectification")
    AFTER = "after", _("After rectification")
    EVIDENCE = "evidence", _("Rectification evidence")
    VISIT = "visit", _("Leader visit")


class HazardEventKind(models.TextChoices):
    REPORTED = "reported", _("Reported")
    TRANSITION = "transition", _("Status change")
    UPDATED = "updated", _("Details changed")
    PLAN = "plan", _("Rectification plan")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REJECTED = "extension_rejected", _("Extension rejected")
    LEADER_LINKED = "leader_linked", _("Leader linked")
    LISTED = "listed", _("Listed for supervision")
    DOUBLE_REPORT = "double_report", _("Double report")
    VISIT = "visit", _("Leader visit or coordination")
    COMMENT = "comment", _("Comment")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class VisitKind(models.TextChoices):
    VISIT = "visit", _("Site visit")
    COORDINATION = "coordination", _("Coordination meeting")
    OTHER = "other", _("Other action")


class TipOffStatus(models.TextChoices):
    NEW = "new", _("Awaiting triage")
    CONVERTED = "converted", _("Turned into a hazard")
    DISMISSED = "dismissed", _("Dismissed")


#: Risk grades use the four colours of enterprise risk classes.
RiskGrade = RiskClass


class GradingMethod(models.TextChoices):
    LEC = "lec", _("LEC (likelihood × exposure × consequence)")
    LS = "ls", _("L×S risk matrix")
    DIRECT = "direct", _("Direct determination")


class RiskPointLevel(models.TextChoices):
    """Who manages the risk point (the seeds count city-level and county-level points)."""

    CITY = "city", _("City-level")
    COUNTY = "county", _("County-level")
    TOWNSHIP = "township", _("Township-level")
    ENTERPRISE = "enterprise", _("Enterprise-level")


class RiskPointStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReviewOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed unchanged")
    CHANGED = "changed", _("Changed")
    RETIRED = "retired", _("Retired")


class AccidentType(models.TextChoices):
    """Accident types of GB 6441-1986 (企业职工伤亡事故分类)."""

    STRUCK_BY_OBJECT = "struck_by_object", _("Struck by object")
    VEHICLE = "vehicle", _("Vehicle injury")
    MACHINERY = "machinery", _("Machinery injury")
    LIFTING = "lifting", _("Lifting injury")
    ELECTROCUTION = "electrocution", _("Electrocution")
    DROWNING = "drowning", _("Drowning")
    SCALD = "scald", _("Burn or scald")
    FIRE = "fire", _("Fire")
    FALL = "fall", _("Fall from height")
    COLLAPSE = "collapse", _("Collapse")
    ROOF_FALL = "roof_fall", _("Roof or side fall")
    WATER_INRUSH = "water_inrush", _("Water inrush")
    BLASTING = "blasting", _("Blasting injury")
    EXPLOSIVES = "explosives", _("Explosives explosion")
    GAS_EXPLOSION = "gas_explosion", _("Gas explosion")
    BOILER_EXPLOSION = "boiler_explosion", _("Boiler explosion")
    VESSEL_EXPLOSION = "vessel_explosion", _("Pressure vessel explosion")
    OTHER_EXPLOSION = "other_explosion", _("Other explosion")
    POISONING = "poisoning", _("Poisoning and asphyxiation")
    OTHER = "other", _("Other injury")
