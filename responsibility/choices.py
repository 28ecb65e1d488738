from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


#: Parent level(s) allowed for each level.
PARENT_LEVELS = {
    JurisdictionLevel.PROVINCE: (),
    JurisdictionLevel.CITY: (JurisdictionLevel.PROVINCE,),
    JurisdictionLevel.COUNTY: (JurisdictionLevel.CITY,),
    JurisdictionLevel.DEVELOPMENT_ZONE: (JurisdictionLevel.CITY,),
    JurisdictionLevel.TOWNSHIP: (JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE),
    JurisdictionLevel.VILLAGE: (JurisdictionLevel.TOWNSHIP,),
}

#: Length of the administrative division code at each level (GB/T 2260 to county, the
#: statistical code's 9 digits for townships and 12 for villages) and the length of its
#: significant prefix, which is the materialized path.
CODE_LENGTH = {
    JurisdictionLevel.PROVINCE: 6,
    JurisdictionLevel.CITY: 6,
    JurisdictionLevel.COUNTY: 6,
    JurisdictionLevel.DEVELOPMENT_ZONE: 6,
    JurisdictionLevel.TOWNSHIP: 9,
    JurisdictionLevel.VILLAGE: 12,
}
PATH_LENGTH = {
    JurisdictionLevel.PROVINCE: 2,
    JurisdictionLevel.CITY: 4,
    JurisdictionLevel.COUNTY: 6,
    JurisdictionLevel.DEVELOPMENT_ZONE: 6,
    JurisdictionLevel.TOWNSHIP: 9,
    JurisdictionLevel.VILLAGE: 12,
}


class OrganizationKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    GOVERNMENT = "government", _("Government")
    PARTY_DEPARTMENT = "party_department", _("Party working department")
    SUPERVISORY_DEPARTMENT = "supervisory_department", _("Department with safety supervision duties")
    OTHER_DEPARTMENT = "other_department", _("Other relevant department")
    SAFETY_COMMITTEE = "safety_committee", _("Safety committee")
    SAFETY_OFFICE = "safety_office", _("Safety committee office")
    TASK_GROUP = "task_group", _("Special task group")
    VILLAGE_COMMITTEE = "village_committee", _("Village or residents' committee")


DEPARTMENT_KINDS = (
    OrganizationKind.PARTY_DEPARTMENT,
    OrganizationKind.SUPERVISORY_DEPARTMENT,
    OrganizationKind.OTHER_DEPARTMENT,
)

#: Organizations that keep a published power-and-responsibility list (Quanzhou: the Party
#: committee, the government and every department).
LIST_KEEPING_KINDS = (
    OrganizationKind.PARTY_COMMITTEE,
    OrganizationKind.GOVERNMENT,
    *DEPARTMENT_KINDS,
)


class OrganizationFunction(models.TextChoices):
    """Organs other features address by what they do, not by name (notices are copied to the
    organization department, lists are reviewed by the staffing office, …)."""

    NONE = "", _("—")
    ORGANIZATION = "organization", _("Organization department")
    STAFFING = "staffing", _("Staffing office")
    DISCIPLINE = "discipline", _("Discipline inspection and supervision")
    PROPAGANDA = "propaganda", _("Propaganda department")
    POLITICAL_LEGAL = "political_legal", _("Political and legal affairs commission")
    UNITED_FRONT = "united_front", _("United front work department")
    EMERGENCY = "emergency", _("Emergency management")
    HOUSING = "housing", _("Housing and urban-rural development")
    TRANSPORT = "transport", _("Transport")
    PUBLIC_SECURITY = "public_security", _("Public security")
    FIRE = "fire", _("Fire and rescue")
    MARKET = "market", _("Market regulation")
    EDUCATION = "education", _("Education")
    INDUSTRY = "industry", _("Industry and information technology")
    NATURAL_RESOURCES = "natural_resources", _("Natural resources")
    ECOLOGY = "ecology", _("Ecology and environment")
    WATER = "water", _("Water resources")
    AGRICULTURE = "agriculture", _("Agriculture and rural affairs")
    COMMERCE = "commerce", _("Commerce")
    CULTURE = "culture", _("Culture and tourism")
    HEALTH = "health", _("Health")
    DEVELOPMENT_REFORM = "development_reform", _("Development and reform")
    FINANCE = "finance", _("Finance")
    FORESTRY = "forestry", _("Forestry")
    TOWNSHIP_STATION = "township_station", _("Township safety station")


class PostRole(models.TextChoices):
    """Roles of the 2018 Regulation (DOMAIN.md §3) and the other posts the platform tracks."""

    PARTY_PRINCIPAL = "party_principal", _("Party committee principal")
    GOVERNMENT_PRINCIPAL = "government_principal", _("Government principal")
    STANDING_MEMBER = "standing_member", _("Other standing-committee member")
    SAFETY_DEPUTY = "safety_deputy", _("Leader in charge of work safety")
    GOVERNMENT_LEADER = "government_leader", _("Other government leader")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    DEPARTMENT_LEADER = "department_leader", _("Department leadership member")
    OFFICE_STAFF = "office_staff", _("Safety office staff")
    GRID_CHIEF = "grid_chief", _("Chief grid supervisor")
    GRID_LEVEL_1 = "grid_level_1", _("Level-1 grid supervisor")
    GRID_LEVEL_2 = "grid_level_2", _("Level-2 grid supervisor")
    GRID_LEVEL_3 = "grid_level_3", _("Level-3 grid supervisor")
    INSPECTOR = "inspector", _("Inspector")
    EXPERT = "expert", _("Expert")


LEADER_ROLES = (
    PostRole.PARTY_PRINCIPAL,
    PostRole.GOVERNMENT_PRINCIPAL,
    PostRole.STANDING_MEMBER,
    PostRole.SAFETY_DEPUTY,
    PostRole.GOVERNMENT_LEADER,
)
GRID_ROLES = (PostRole.GRID_CHIEF, PostRole.GRID_LEVEL_1, PostRole.GRID_LEVEL_2, PostRole.GRID_LEVEL_3)


class Gender(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


#: Roles that apply the Regulation's duties "by reference" (参照执行) and the role whose
#: statutory duties they take over. Township and development-zone leaders hold the same roles
#: as county leaders and take those roles' duties; department leaders take the duties of
#: government leaders for their own department's field.
DUTY_REFERENCE_ROLES = {
    PostRole.DEPARTMENT_HEAD: PostRole.GOVERNMENT_LEADER,
    PostRole.DEPARTMENT_LEADER: PostRole.GOVERNMENT_LEADER,
}


class WorkItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class CheckFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class CheckResult(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind schedule")
    DONE = "done", _("Completed")


class PowerListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved by both reviewers")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class ReviewOffice(models.TextChoices):
    STAFFING = "staffing", _("Staffing office")
    SAFETY = "safety", _("Safety committee office")


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for revision")


class PowerItemKind(models.TextChoices):
    POWER = "power", _("Power")
    RESPONSIBILITY = "responsibility", _("Responsibility")


class PowerCategory(models.TextChoices):
    NONE = "", _("—")
    LICENSING = "licensing", _("Administrative licensing")
    PENALTY = "penalty", _("Administrative penalty")
    COERCION = "coercion", _("Administrative coercion")
    INSPECTION = "inspection", _("Administrative inspection")
    CONFIRMATION = "confirmation", _("Administrative confirmation")
    OTHER = "other", _("Other power")


class MeetingKind(models.TextChoices):
    STANDING_COMMITTEE = "standing_committee", _("Party standing committee session hearing safety work")
    GOVERNMENT_SAFETY = "government_safety", _("Government safety meeting")
    SAFETY_COMMITTEE_PLENARY = "safety_committee_plenary", _("Safety committee plenary")
    SAFETY_OFFICE = "safety_office", _("Safety office meeting")
    OTHER = "other", _("Other meeting")


class ObligationSubject(models.TextChoices):
    ROLE = "role", _("Officials holding a role")
    ORGANIZATION_KIND = "organization_kind", _("Organizations of a kind")


class ObligationActivity(models.TextChoices):
    MEETING = "meeting", _("Meetings")
    INSPECTION = "inspection", _("Safety inspections")


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF_YEAR = "half_year", _("Half-year")
    YEAR = "year", _("Year")


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class EnterpriseScale(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class RiskClass(models.TextChoices):
    """Enterprise safety risk class, in the four colours of risk grading."""

    MAJOR = "red", _("Major risk (red)")
    LARGER = "orange", _("Larger risk (orange)")
    GENERAL = "yellow", _("General risk (yellow)")
    LOW = "blue", _("Low risk (blue)")


HIGH_RISK_CLASSES = (RiskClass.MAJOR, RiskClass.LARGER)


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class GridLevel(models.TextChoices):
    CITY = "city", _("City grid")
    COUNTY = "county", _("County grid")
    TOWNSHIP = "township", _("Township grid")
    VILLAGE = "village", _("Village grid")


class CommitteePosition(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")
    OFFICE_DIRECTOR = "office_director", _("Office director")
    GROUP_LEADER = "group_leader", _("Group leader")
    GROUP_DEPUTY = "group_deputy", _("Deputy group leader")
    GROUP_MEMBER = "group_member", _("Group member")
