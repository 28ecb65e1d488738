from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    LEADER = "leader", _("Leader inspection")
    QUARTERLY_SUPERVISION = "quarterly_supervision", _("Quarterly comprehensive supervision")
    SPECIAL = "special", _("Special inspection")
    ENFORCEMENT = "enforcement", _("Law enforcement inspection")
    CAMPAIGN = "campaign", _("Inspection campaign")
    RANDOM_DRAW = "random_draw", _("Random inspection (double random)")


class InspectionMethod(models.TextChoices):
    UNANNOUNCED = "unannounced", _("Unannounced (four no's, two straights)")
    OPEN = "open", _("Open visit")
    COVERT = "covert", _("Covert visit")
    EXPERT_LED = "expert_led", _("Expert-led")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ParticipantRole(models.TextChoices):
    MEMBER = "member", _("Member")
    EXPERT = "expert", _("Expert")
    PROFESSIONAL = "professional", _("Professional")


#: Participants who count towards a campaign team's expert ratio.
EXPERT_ROLES = (ParticipantRole.EXPERT, ParticipantRole.PROFESSIONAL)


class AnswerResult(models.TextChoices):
    PASS = "pass", _("Compliant")
    FAIL = "fail", _("Not compliant")
    NOT_APPLICABLE = "na", _("Not applicable")


class ItemSeverity(models.TextChoices):
    GENERAL = "general", _("General hazard if failed")
    MAJOR = "major", _("Major hazard if failed")


class CampaignStage(models.TextChoices):
    SELF_CHECK = "self_check", _("Enterprise self-check")
    SECTOR = "sector", _("Sector inspection")
    LOCAL = "local", _("Local government supervision")
    GUARD = "guard", _("Strict guard")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class DrawWeighting(models.TextChoices):
    EQUAL = "equal", _("Equal chance")
    RISK = "risk", _("Weighted by risk class")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Awaiting rectification")
    FEEDBACK = "feedback", _("Feedback received")
    CLOSED = "closed", _("Closed")
