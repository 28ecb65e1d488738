"""Reads of a big inspection campaign: coverage by department and by township, the enterprises
not yet inspected (high-risk, weak and accident-history ones first), the expert share of each
inspection team, and the monthly follow-up.

An enterprise is on the campaign's list when it is operating, lies in the campaign's
jurisdiction and has a supervising department (each department's list is the supervision
mapping, ``EnterpriseSupervision``). It is covered once a submitted inspection of the campaign
names it. Every figure is counted by the database; the number of queries never depends on the
number of enterprises or inspections. A viewer sees the part of the campaign in their own scope
(a county office following its city's campaign sees its county).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from hazards.choices import HazardStatus
from inspections.choices import EXPERT_ROLES, InspectionStatus
from inspections.models import Campaign, Inspection, InspectionFinding, InspectionTarget
from responsibility.choices import HIGH_RISK_CLASSES, EnterpriseStatus, PostRole, RiskClass
from responsibility.models import Enterprise, EnterpriseSupervision, Jurisdiction, Post

#: A hazard counts as rectified once its rectification is verified (and after, when closed out).
RECTIFIED_STATUSES = (HazardStatus.VERIFIED, HazardStatus.CLOSED)
TOWNSHIP_PATH_LENGTH = 9
RISK_RANK = {RiskClass.MAJOR: 0, RiskClass.LARGER: 1, RiskClass.GENERAL: 2, RiskClass.LOW: 3}


def covered(campaign: Campaign, enterprise_ref: str = "pk") -> Exists:
    """Whether a submitted inspection of the campaign names the enterprise. Inspections by any
    level count, seen or not by the viewer: the question is whether the enterprise was covered."""
    return Exists(
        InspectionTarget.objects.filter(
            enterprise=OuterRef(enterprise_ref), inspection__campaign=campaign, inspection__status=InspectionStatus.SUBMITTED
        )
    )


def _operating_in_campaign(campaign: Campaign, user) -> QuerySet:
    return Enterprise.objects.restrict(user, "view").filter(
        jurisdiction__path__startswith=campaign.jurisdiction.path, status=EnterpriseStatus.OPERATING
    )


def listed_enterprises(campaign: Campaign, user) -> QuerySet:
    """The enterprises on some department's list, in the campaign and the viewer's scope."""
    supervised = Exists(EnterpriseSupervision.objects.filter(enterprise=OuterRef("pk")))
    return _operating_in_campaign(campaign, user).filter(supervised)


def coverage_totals(campaign: Campaign, user) -> dict:
    """Listed, inspected and the share; plus operating enterprises no department lists (they
    escape every department's list: a gap to close on the coverage page)."""
    supervised = Exists(EnterpriseSupervision.objects.filter(enterprise=OuterRef("pk")))
    totals = _operating_in_campaign(campaign, user).aggregate(
        listed=Count("pk", filter=Q(supervised)),
        inspected=Count("pk", filter=Q(supervised) & Q(covered(campaign))),
        unlisted=Count("pk", filter=~Q(supervised)),
    )
    totals["uncovered"] = totals["listed"] - totals["inspected"]
    totals["share"] = _share(totals["inspected"], totals["listed"])
    return totals


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def department_coverage(campaign: Campaign, user) -> QuerySet:
    """One row per supervising department: its listed and inspected enterprises."""
    return (
        EnterpriseSupervision.objects.filter(enterprise__in=listed_enterprises(campaign, user).values("pk"))
        .values(
            "organization_id", "organization__name", "organization__jurisdiction__name",
            "organization__jurisdiction__path", "organization__sort_order",
        )
        .annotate(listed=Count("enterprise_id"), inspected=Count("enterprise_id", filter=Q(covered(campaign, "enterprise_id"))))
        .order_by("organization__jurisdiction__path", "organization__sort_order", "organization__name", "organization_id")
    )


def township_coverage(campaign: Campaign, user) -> QuerySet:
    """One row per township (an enterprise in a village counts for its township)."""
    return (
        listed_enterprises(campaign, user)
        .annotate(township=Substr("jurisdiction__path", 1, TOWNSHIP_PATH_LENGTH))
        .values("township")
        .annotate(listed=Count("pk"), inspected=Count("pk", filter=Q(covered(campaign))))
        .order_by("township")
    )


def with_shares(rows, *, names: dict[str, str] | None = None) -> list[dict]:
    """Rows of a coverage table with the share and, for townships, the name (one query for a
    page of rows is done by :func:`township_names`)."""
    result = []
    for row in rows:
        row = dict(row)
        row["uncovered"] = row["listed"] - row["inspected"]
        row["share"] = _share(row["inspected"], row["listed"])
        if names is not None:
            row["name"] = names.get(row["township"], row["township"])
        result.append(row)
    return result


def township_names(paths) -> dict[str, str]:
    return dict(Jurisdiction.objects.filter(path__in=list(paths)).values_list("path", "name"))


def uncovered_enterprises(campaign: Campaign, user, *, department: int | None = None, township: str | None = None) -> QuerySet:
    """Listed enterprises not yet inspected: high-risk (red, orange), weak and accident-history
    enterprises first; within them red before orange, weak before sound, more accidents first."""
    priority = Q(risk_class__in=HIGH_RISK_CLASSES) | Q(is_weak=True) | Q(accident_count__gt=0)
    queryset = (
        listed_enterprises(campaign, user)
        .filter(~Q(covered(campaign)))
        .annotate(
            is_priority=Case(When(priority, then=Value(1)), default=Value(0), output_field=IntegerField()),
            risk_rank=Case(
                *(When(risk_class=risk, then=Value(rank)) for risk, rank in RISK_RANK.items()),
                default=Value(9), output_field=IntegerField(),
            ),
        )
        .select_related("jurisdiction", "sector")
        .prefetch_related(
            Prefetch("supervisions", queryset=EnterpriseSupervision.objects.select_related("organization"))
        )
        .order_by("-is_priority", "risk_rank", "-is_weak", "-accident_count", "name", "pk")
    )
    if department:
        queryset = queryset.filter(Exists(EnterpriseSupervision.objects.filter(enterprise=OuterRef("pk"), organization_id=department)))
    if township:
        queryset = queryset.filter(jurisdiction__path__startswith=township)
    return queryset


# --- Team composition -------------------------------------------------------------------------


def team_composition(campaign: Campaign, user) -> QuerySet:
    """The campaign's inspections with their team size (lead + participants), the experts and
    professionals among them and whether the share is below the campaign's minimum. The lead
    counts as an expert when they hold a current post of an expert."""
    lead_is_expert = Exists(Post.objects.current().filter(official=OuterRef("lead_official_id"), role=PostRole.EXPERT))
    minimum = int(round(campaign.expert_ratio_min * 100))
    return (
        Inspection.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .annotate(
            team_size=Count("participations") + Value(1),
            experts=Count("participations", filter=Q(participations__role__in=EXPERT_ROLES))
            + Case(When(lead_is_expert, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .annotate(
            shortfall=ExpressionWrapper(F("team_size") * minimum - F("experts") * 100, output_field=IntegerField()),
        )
        .select_related("lead_official", "jurisdiction")
        .order_by("-started_at", "-pk")
    )


def below_expert_minimum(campaign: Campaign, user) -> QuerySet:
    return team_composition(campaign, user).filter(shortfall__gt=0)


def expert_share(inspection) -> float:
    return round(100.0 * inspection.experts / inspection.team_size, 1) if inspection.team_size else 0.0


# --- Monthly follow-up (一月一跟进) -------------------------------------------------------------


@dataclass
class MonthRow:
    month: date
    inspections: int = 0
    enterprises: int = 0
    hazards: int = 0
    rectified: int = 0

    @property
    def open_hazards(self) -> int:
        return self.hazards - self.rectified


def _months(start: date, end: date) -> list[date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def monthly_summary(campaign: Campaign, user, *, today: date | None = None) -> list[MonthRow]:
    """Per month of the campaign up to today: submitted inspections, the enterprises they
    covered, the hazards they put on the ledger and how many of those are rectified. Three
    grouped queries, whatever the campaign's size."""
    today = today or timezone.localdate()
    end = min(campaign.guard_end, today)
    rows = {month: MonthRow(month) for month in _months(campaign.self_check_start, end)} if end >= campaign.self_check_start else {}
    if not rows:
        return []
    inspections = Inspection.objects.restrict(user, "view").filter(campaign=campaign, status=InspectionStatus.SUBMITTED)
    month = TruncMonth("started_at", output_field=DateField())
    for entry in inspections.annotate(m=month).values("m").annotate(n=Count("pk")).order_by("m"):
        if entry["m"] in rows:
            rows[entry["m"]].inspections = entry["n"]
    target_month = TruncMonth("inspection__started_at", output_field=DateField())
    targets = InspectionTarget.objects.filter(inspection__in=inspections.values("pk"))
    for entry in targets.annotate(m=target_month).values("m").annotate(n=Count("enterprise_id", distinct=True)).order_by("m"):
        if entry["m"] in rows:
            rows[entry["m"]].enterprises = entry["n"]
    findings = InspectionFinding.objects.filter(inspection__in=inspections.values("pk"), hazard__isnull=False)
    grouped = (
        findings.annotate(m=target_month)
        .values("m")
        .annotate(n=Count("hazard_id"), done=Count("hazard_id", filter=Q(hazard__status__in=RECTIFIED_STATUSES)))
        .order_by("m")
    )
    for entry in grouped:
        if entry["m"] in rows:
            rows[entry["m"]].hazards, rows[entry["m"]].rectified = entry["n"], entry["done"]
    return list(rows.values())
