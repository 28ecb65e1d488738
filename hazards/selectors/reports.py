"""Reads for monthly self-reports and tip-offs: who has not reported for a month (counted by
the database: NOT EXISTS and GROUP BY, a constant number of queries whatever the number of
enterprises), the ledger's suggestion for a report, and what the public may learn of a tip."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.choices import HazardSource, HazardStatus, TipOffStatus
from hazards.models import EnterpriseSelfReport, Hazard, TipOff
from hazards.services.reports import TIP_OFF_LEVELS, next_month
from responsibility.choices import EnterpriseStatus, JurisdictionLevel
from responsibility.models import Enterprise, EnterpriseSupervision, Jurisdiction, Organization

#: A township's materialized path is the first 9 characters of its villages' paths.
TOWNSHIP_PATH_LENGTH = 9


# --- Who has not reported ---------------------------------------------------------------------


def enterprises_due(user) -> QuerySet[Enterprise]:
    """Enterprises that owe a monthly report: operating ones the user may see."""
    return Enterprise.objects.restrict(user, "view").filter(status=EnterpriseStatus.OPERATING)


def reported(month: date) -> Exists:
    return Exists(EnterpriseSelfReport.objects.filter(enterprise=OuterRef("pk"), month=month))


def without_report(queryset: QuerySet[Enterprise], month: date) -> QuerySet[Enterprise]:
    return queryset.filter(~reported(month))


@dataclass
class Group:
    """One row of a grouping: a department or a township and how many have not reported."""

    name: str
    count: int
    pk: int | None = None
    sub: str = ""


@dataclass
class MissingSummary:
    month: date
    due: int
    missing: int
    by_department: list[Group] = field(default_factory=list)
    by_township: list[Group] = field(default_factory=list)

    @property
    def reported(self) -> int:
        return self.due - self.missing

    @property
    def percent_reported(self) -> int:
        return round(100 * self.reported / self.due) if self.due else 100


def missing_summary(due: QuerySet[Enterprise], month: date) -> MissingSummary:
    """How many of ``due`` have not reported for ``month``, grouped by primary supervising
    department and by township, in four queries whatever the number of enterprises.

    One grouped scan counts the missing per (township, primary department): the reports are a
    NOT EXISTS, which PostgreSQL runs as a hashed anti-join, and the primary department a left
    join on the one-primary-per-enterprise index. The two groupings are summed from its few
    rows (townships × departments)."""
    due = due.order_by()
    summary = MissingSummary(month=month, due=due.count(), missing=0)
    cells = list(
        without_report(due, month)
        .annotate(
            primary_supervision=FilteredRelation("supervisions", condition=Q(supervisions__is_primary=True)),
            township_path=Substr("jurisdiction__path", 1, TOWNSHIP_PATH_LENGTH),
        )
        .values_list("township_path", "primary_supervision__organization_id")
        .annotate(n=Count("pk"))
    )
    per_township: Counter = Counter()
    per_department: Counter = Counter()
    for township_path, department_id, n in cells:
        per_township[township_path] += n
        per_department[department_id] += n
    summary.missing = sum(per_township.values())
    if not summary.missing:
        return summary

    places = {j.path: j for j in Jurisdiction.objects.filter(path__in=list(per_township)).select_related("parent")}
    summary.by_township = sorted(
        (
            Group(
                name=places[path].name if path in places else path,
                count=n,
                pk=places[path].pk if path in places else None,
                sub=places[path].parent.name if path in places and places[path].parent_id else "",
            )
            for path, n in per_township.items()
        ),
        key=lambda g: (-g.count, g.name),
    )
    departments = Organization.objects.filter(pk__in=[pk for pk in per_department if pk is not None]).select_related("jurisdiction")
    summary.by_department = sorted(
        (Group(name=o.name, count=per_department[o.pk], pk=o.pk, sub=o.jurisdiction.name) for o in departments),
        key=lambda g: (-g.count, g.name),
    )
    if per_department.get(None):
        summary.by_department.append(Group(name=str(_("No supervising department")), count=per_department[None]))
    return summary


def primary_department_name() -> Subquery:
    return Subquery(
        EnterpriseSupervision.objects.filter(enterprise=OuterRef("pk"), is_primary=True).values("organization__name")[:1]
    )


def missing_export_rows(missing: QuerySet[Enterprise]):
    """Rows of the missing-reports export, read as plain values (building 100,000 model
    instances with their departments would take most of a minute)."""
    return (
        missing.annotate(department_name=primary_department_name())
        .values_list(
            "credit_code", "name", "jurisdiction__name", "sector__name", "department_name", "safety_contact", "contact_phone",
        )
        .iterator(chunk_size=5000)
    )


def missing_count(user, month: date) -> int:
    return without_report(enterprises_due(user), month).order_by().count()


# --- The report form --------------------------------------------------------------------------


def ledger_suggestion(enterprise: Enterprise, month: date) -> dict[str, int]:
    """What the ledger says of the enterprise's month: hazards it reported from its own checks
    and hazards of its rectified in the month (cancelled ones left out). Offered as a starting
    point; the enterprise reports what it knows."""
    end = next_month(month)
    return Hazard.objects.filter(enterprise=enterprise).exclude(status=HazardStatus.CANCELLED).aggregate(
        found=Count("pk", filter=Q(source=HazardSource.SELF_CHECK, found_on__gte=month, found_on__lt=end)),
        rectified=Count("pk", filter=Q(rectified_on__gte=month, rectified_on__lt=end)),
    )


def own_enterprises_with_report(user, month: date, limit: int = 20) -> list[Enterprise]:
    """An enterprise account's enterprises, each with ``month_report`` (this month's report or
    None), in two queries."""
    enterprises = list(
        Enterprise.objects.restrict(user, "view").exclude(status=EnterpriseStatus.CLOSED).order_by("name", "pk")[:limit]
    )
    reports = {r.enterprise_id: r for r in EnterpriseSelfReport.objects.filter(enterprise__in=enterprises, month=month)}
    for enterprise in enterprises:
        enterprise.month_report = reports.get(enterprise.pk)
    return enterprises


# --- Tip-offs ---------------------------------------------------------------------------------


def tip_off_place_choices() -> list:
    """The places offered on the public form, grouped by county: the county as a whole (for
    someone who does not know the township), then its townships; active ones only. Counties
    of several cities are prefixed with the city's name."""
    rows = list(
        Jurisdiction.objects.filter(is_active=True, level__in=TIP_OFF_LEVELS)
        .select_related("parent")
        .order_by("path")
        .only("pk", "name", "level", "path", "parent__name")
    )
    counties = [j for j in rows if j.level != JurisdictionLevel.TOWNSHIP]
    several_cities = len({j.path[:4] for j in counties}) > 1
    groups: dict[str, tuple[str, list]] = {}
    for county in counties:
        label = f"{county.parent.name} {county.name}" if several_cities and county.parent_id else county.name
        groups[county.path] = (label, [(county.pk, _("%(county)s (whole county, or not sure of the township)") % {"county": county.name})])
    for township in rows:
        if township.level == JurisdictionLevel.TOWNSHIP and township.path[:6] in groups:
            groups[township.path[:6]][1].append((township.pk, township.name))
    return [(label, options) for label, options in groups.values()]


#: What becomes of a hazard, in words for the public.
PLAIN_HAZARD_STATUS = {
    HazardStatus.REPORTED: _("Recorded as a hazard; the responsible office is assigning it."),
    HazardStatus.ACCEPTED: _("Assigned, with a deadline for putting it right."),
    HazardStatus.RECTIFYING: _("Being put right."),
    HazardStatus.SUBMITTED: _("Reported as put right; the office is checking the work."),
    HazardStatus.VERIFIED: _("Checked and found put right."),
    HazardStatus.CLOSED: _("Put right and closed."),
    HazardStatus.CANCELLED: _("Closed without further action (for example, because it was already being dealt with)."),
}


@dataclass
class PublicStatus:
    """What the tipster may learn of a tip: nothing personal, nothing internal."""

    reference: str
    status: str
    label: str
    received_on: date
    progress: str = ""
    reason: str = ""


def public_status(tip: TipOff) -> PublicStatus:
    status = PublicStatus(
        reference=tip.reference, status=tip.status, label=tip.get_status_display(), received_on=timezone.localtime(tip.created_at).date()
    )
    if tip.status == TipOffStatus.CONVERTED and tip.hazard_id:
        status.progress = str(PLAIN_HAZARD_STATUS.get(tip.hazard.status, ""))
    elif tip.status == TipOffStatus.DISMISSED:
        status.reason = tip.dismissal_reason
    return status


def new_tip_count(user) -> int:
    return TipOff.objects.restrict(user, "view").filter(status=TipOffStatus.NEW).count()
