"""Choices of the assessments app: accidents, assessment schemes and rounds, accountability."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccidentLevel(models.TextChoices):
    """Levels of the State Council's accident reporting regulation (Decree 493, art. 3)."""

    ORDINARY = "ordinary", _("Ordinary")
    LARGER = "larger", _("Larger")
    MAJOR = "major", _("Major")
    EXTRAORDINARY = "extraordinary", _("Extraordinarily major")


#: Lower bounds of each level above "ordinary" for (deaths, serious injuries, direct loss in
#: 10,000 yuan); the level is the highest any of the three measures reaches. National law, the
#: same everywhere, hence code and not data.
ACCIDENT_LEVEL_THRESHOLDS = (
    (AccidentLevel.EXTRAORDINARY, 30, 100, 10000),
    (AccidentLevel.MAJOR, 10, 50, 5000),
    (AccidentLevel.LARGER, 3, 10, 1000),
)

#: Levels from the least to the most serious, for "at least larger" comparisons.
ACCIDENT_LEVEL_ORDER = [AccidentLevel.ORDINARY, AccidentLevel.LARGER, AccidentLevel.MAJOR, AccidentLevel.EXTRAORDINARY]


class AccidentType(models.TextChoices):
    """Accident categories of GB 6441 (企业职工伤亡事故分类) plus road traffic."""

    OBJECT_STRIKE = "object_strike", _("Struck by object")
    VEHICLE = "vehicle", _("Vehicle injury")
    MACHINERY = "machinery", _("Machinery injury")
    LIFTING = "lifting", _("Lifting injury")
    ELECTRIC = "electric", _("Electric shock")
    DROWNING = "drowning", _("Drowning")
    SCALD = "scald", _("Burn or scald")
    FIRE = "fire", _("Fire")
    FALL = "fall", _("Fall from height")
    COLLAPSE = "collapse", _("Collapse")
    ROOF_FALL = "roof_fall", _("Roof fall or rib spalling")
    FLOODING = "flooding", _("Water inrush")
    BLASTING = "blasting", _("Blasting")
    GAS_EXPLOSION = "gas_explosion", _("Gas explosion")
    EXPLOSIVE = "explosive", _("Explosive explosion")
    BOILER = "boiler", _("Boiler explosion")
    VESSEL = "vessel", _("Pressure vessel explosion")
    OTHER_EXPLOSION = "other_explosion", _("Other explosion")
    POISONING = "poisoning", _("Poisoning or asphyxiation")
    ROAD_TRAFFIC = "road_traffic", _("Road traffic")
    OTHER = "other", _("Other injury")


class InvestigationStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", _("Case closed")


class TargetKind(models.TextChoices):
    """Who an assessment scheme assesses."""

    GOVERNMENT = "government", _("Lower-level governments")
    DEPARTMENT = "department", _("Safety committee member departments")


class PeriodKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from records")
    MANUAL = "manual", _("Scored by staff")
    DEDUCTION = "deduction", _("Deduction")
    BONUS = "bonus", _("Bonus")
    VETO = "veto", _("Veto")


#: Kinds whose maximum points make up the scheme's total.
SCORED_KINDS = (IndicatorKind.COMPUTED, IndicatorKind.MANUAL)


class VetoEffect(models.TextChoices):
    NO_EXCELLENCE = "no_excellence", _("No excellence this year")
    UNQUALIFIED = "unqualified", _("Rated unqualified")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    QUALIFIED = "qualified", _("Qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


#: Grades from the best down (the grade bands are checked in this order).
GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.QUALIFIED, Grade.UNQUALIFIED]


class RoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("assessment round", "Open")
    SELF_EVALUATION = "self_evaluation", _("Self-evaluation")
    SCORING = "scoring", _("Office scoring")
    REVIEW = "review", _("Review")
    FINALIZED = "finalized", _("Finalized")
    PUBLISHED = "published", _("Published")


#: Statuses in which scores may still change.
EDITABLE_ROUND_STATUSES = (RoundStatus.OPEN, RoundStatus.SELF_EVALUATION, RoundStatus.SCORING, RoundStatus.REVIEW)


class RoundEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    TRANSITION = "transition", _("Status changed")
    COMPUTED = "computed", _("Scores computed")
    SCORED = "scored", _("Score entered")
    SELF_EVALUATED = "self_evaluated", _("Self-evaluation submitted")
    TRANSMITTED = "transmitted", _("Sent to the organization department")


class AccountabilityMeasure(models.TextChoices):
    """Measures of the Regulation (art. 18–19) and of Party discipline and public-servant law."""

    CRITICISM_NOTICE = "criticism_notice", _("Notice of criticism")
    ADMONITION_TALK = "admonition_talk", _("Admonition talk")
    WRITTEN_SELF_CRITICISM = "written_self_criticism", _("Ordered to make a written self-criticism")
    REMOVAL_FROM_POST = "removal_from_post", _("Removed from post")
    ORDERED_RESIGNATION = "ordered_resignation", _("Ordered to resign")
    WARNING = "warning", _("Warning")
    SERIOUS_WARNING = "serious_warning", _("Serious warning")
    DEMERIT = "demerit", _("Demerit")
    MAJOR_DEMERIT = "major_demerit", _("Major demerit")
    DEMOTION = "demotion", _("Demotion")
    DISMISSAL = "dismissal", _("Dismissal")
    EXPULSION = "expulsion", _("Expulsion")
    CRIMINAL_REFERRAL = "criminal_referral", _("Referred to judicial authorities")
    OTHER = "other", _("Other")


class AccountabilityModifier(models.TextChoices):
    """How the Regulation's modifiers changed the decision (the reason is recorded with it)."""

    NONE = "", _("None")
    HEAVIER = "heavier", _("Heavier (aggravating conduct)")
    LIGHTER = "lighter", _("Lighter (remedial action)")
    EXEMPTED = "exempted", _("Exempted (duties fully performed)")


class DossierStatus(models.TextChoices):
    PENDING = "pending", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
