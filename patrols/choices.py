from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    """Who a term's patrols cover (seed 004): the Party committees and governments below the
    issuing level, development zones (Party working committee and management committee) and
    the departments with safety supervision or industry duties of the issuing level."""

    PARTY_GOVERNMENT = "party_government", _("Party committee and government")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")
    DEPARTMENT = "department", _("Department with safety duties")


class PatrolKind(models.TextChoices):
    REGULAR = "regular", _("Regular patrol")
    SPECIAL = "special", _("Special patrol")
    FOLLOW_UP = "follow_up", _("Follow-up review")


class PatrolStatus(models.TextChoices):
    """Where a patrol stands: the five stages of the seed, with the handling and rectification
    stage split into the steps the patrolled unit takes."""

    PREPARATION = "preparation", _("Preparation")
    STATIONING = "stationing", _("Stationed")
    REPORTING = "reporting", _("Report being drafted")
    APPROVAL = "approval", _("Report awaiting approval")
    FEEDBACK = "feedback", _("Feedback pending")
    RECTIFICATION_PLAN = "rectification_plan", _("Awaiting the rectification plan")
    RECTIFICATION_REPORT = "rectification_report", _("Awaiting the rectification report")
    REVIEW = "review", _("Rectification under review")
    CLOSED = "closed", _("Closed")


#: The order of the statuses, for "at or after" comparisons.
STATUS_ORDER = tuple(PatrolStatus.values)

#: Until the feedback has been delivered, a patrol is confidential (patrol office and group only).
AFTER_FEEDBACK = (
    PatrolStatus.RECTIFICATION_PLAN,
    PatrolStatus.RECTIFICATION_REPORT,
    PatrolStatus.REVIEW,
    PatrolStatus.CLOSED,
)
#: The group still works on its findings until the feedback is delivered.
FINDING_STATUSES = (PatrolStatus.STATIONING, PatrolStatus.REPORTING, PatrolStatus.APPROVAL, PatrolStatus.FEEDBACK)
#: Findings are routed once the report is approved.
ROUTING_STATUSES = (PatrolStatus.FEEDBACK, *AFTER_FEEDBACK[:-1])
#: The patrolled unit rectifies between the feedback and the close-out.
RECTIFYING_STATUSES = AFTER_FEEDBACK[:-1]


class Milestone(models.TextChoices):
    """The dated steps of a patrol, each with a planned, an actual and (for some) a due date."""

    PREPARATION = "preparation", _("Preparation begins")
    STATIONING_START = "stationing_start", _("Stationing begins")
    STATIONING_END = "stationing_end", _("Stationing ends")
    REPORT = "report", _("Patrol report submitted")
    APPROVAL = "approval", _("Report approved")
    FEEDBACK = "feedback", _("Feedback to the patrolled unit")
    RECTIFICATION_PLAN = "rectification_plan", _("Rectification plan submitted")
    RECTIFICATION_REPORT = "rectification_report", _("Rectification report submitted")
    CLOSURE = "closure", _("Closed out")


MILESTONE_ORDER = tuple(Milestone.values)
#: Documents and events of these milestones are for the patrol office and the group only.
CONFIDENTIAL_MILESTONES = (
    Milestone.PREPARATION,
    Milestone.STATIONING_START,
    Milestone.STATIONING_END,
    Milestone.REPORT,
    Milestone.APPROVAL,
)

#: The milestone a patrol in each status is waiting for.
PENDING_MILESTONE = {
    PatrolStatus.PREPARATION: Milestone.STATIONING_START,
    PatrolStatus.STATIONING: Milestone.STATIONING_END,
    PatrolStatus.REPORTING: Milestone.REPORT,
    PatrolStatus.APPROVAL: Milestone.APPROVAL,
    PatrolStatus.FEEDBACK: Milestone.FEEDBACK,
    PatrolStatus.RECTIFICATION_PLAN: Milestone.RECTIFICATION_PLAN,
    PatrolStatus.RECTIFICATION_REPORT: Milestone.RECTIFICATION_REPORT,
    PatrolStatus.REVIEW: Milestone.CLOSURE,
}


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Group leader")
    DEPUTY_LEADER = "deputy_leader", _("Deputy group leader")
    MEMBER = "member", _("Member")
    LIAISON = "liaison", _("Liaison officer")
    EXPERT = "expert", _("Expert")


class FindingCategory(models.TextChoices):
    """The four kinds of findings of seed 004, each with its usual disposition."""

    PROBLEM = "problem", _("Problem or violation")
    MAJOR_HAZARD = "major_hazard", _("Major hazard")
    FORMALISM = "formalism", _("Formalism or bureaucratism")
    DERELICTION = "dereliction", _("Dereliction of duty or abuse of power")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RECTIFIED = "rectified", _("Rectified")


class DispositionRoute(models.TextChoices):
    TRANSFER = "transfer", _("Transferred to the local Party committee and government")
    HAZARD = "hazard", _("Major hazard under listed supervision")
    DISCIPLINE = "discipline", _("Referred to discipline inspection and supervision")
    ORGANIZATION = "organization", _("Results to the organization department")


#: The route the seed gives each category of finding (offered first in the forms).
USUAL_ROUTE = {
    FindingCategory.PROBLEM: DispositionRoute.TRANSFER,
    FindingCategory.MAJOR_HAZARD: DispositionRoute.HAZARD,
    FindingCategory.FORMALISM: DispositionRoute.DISCIPLINE,
    FindingCategory.DERELICTION: DispositionRoute.DISCIPLINE,
}


class DispositionStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Closed")


class DocumentKind(models.TextChoices):
    UPLOAD = "upload", _("Document")
    PATROL_REPORT = "patrol_report", _("Patrol report")
    FEEDBACK_LETTER = "feedback_letter", _("Feedback letter")
    RECTIFICATION_PLAN = "rectification_plan", _("Rectification plan")
    RECTIFICATION_REPORT = "rectification_report", _("Rectification report")
    EVIDENCE = "evidence", _("Evidence of a finding")
    RECTIFICATION_EVIDENCE = "rectification_evidence", _("Rectification evidence")


class EventKind(models.TextChoices):
    CREATED = "created", _("Patrol planned")
    TRANSITION = "transition", _("Stage completed")
    RETURNED = "returned", _("Sent back")
    PLANNED = "planned", _("Planned dates changed")
    MEMBER = "member", _("Group changed")
    AREAS = "areas", _("Content areas checked")
    DOCUMENT = "document", _("Document added")
    FINDING = "finding", _("Finding recorded")
    DISPOSITION = "disposition", _("Finding routed")
    DISPOSITION_CLOSED = "disposition_closed", _("Disposition closed")
    RECTIFIED = "rectified", _("Finding rectified")
    DUE_DATES = "due_dates", _("Due dates recomputed")
