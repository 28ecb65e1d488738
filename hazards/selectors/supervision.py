"""Reads for major-hazard supervision: the panel on a major hazard's detail page, the board of
major hazards, a leader's own linked hazards, and which supervision forms a user may use.

The services in :mod:`hazards.services.supervision` hold the rules and re-check everything;
the ``can_*`` functions here only decide which forms to offer and which pages answer 403, so
that nobody is shown a form whose every submission would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.choices import FINAL_STATUSES, OPEN_STATUSES, HazardStatus, ListingLevel
from hazards.models import Hazard, HazardPhoto, LeaderVisit
from hazards.querysets import HazardQuerySet
from responsibility.models import Post

#: The closed loop as the progress bar shows it (a cancelled hazard has no progress).
STATUS_STEPS = (
    HazardStatus.REPORTED,
    HazardStatus.ACCEPTED,
    HazardStatus.RECTIFYING,
    HazardStatus.SUBMITTED,
    HazardStatus.VERIFIED,
    HazardStatus.CLOSED,
)

#: How many of a leader's hazards the home page lists.
HOME_PANEL_HAZARDS = 5

#: Labels of the "five in place" (the keys of ``Hazard.five_in_place``).
FIVE_IN_PLACE_LABELS = {
    "responsibility": _("Responsible person"),
    "measures": _("Measures"),
    "funds": _("Funds"),
    "deadline": _("Deadline"),
    "contingency": _("Contingency plan"),
}


# --- Querysets --------------------------------------------------------------------------------


def last_visit_on() -> Subquery:
    """The date of a hazard's latest leader visit, as an annotation (one subquery, no join)."""
    return Subquery(
        LeaderVisit.objects.filter(hazard=OuterRef("pk")).order_by("-visited_on", "-pk").values("visited_on")[:1]
    )


def urgency() -> Case:
    """0 for overdue hazards, 1 for others still open, 2 for closed or cancelled ones."""
    return Case(
        When(HazardQuerySet.overdue_q(), then=Value(0)),
        When(status__in=FINAL_STATUSES, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def major_board_queryset() -> QuerySet[Hazard]:
    """Every major hazard with what the board shows, most urgent first (not yet restricted)."""
    return (
        Hazard.objects.major()
        .select_related("enterprise", "responsible_organization", "jurisdiction", "linked_leader", "listing_office")
        .annotate(last_visit=last_visit_on(), urgency=urgency())
        .order_by("urgency", F("deadline").asc(nulls_last=True), "-found_on", "-pk")
    )


def linked_hazards_queryset(official) -> QuerySet[Hazard]:
    """The hazards linked to ``official``, with their progress data, most urgent first (not yet
    restricted: a leader sees them through their scope or the grant made when linked)."""
    return (
        Hazard.objects.filter(linked_leader=official)
        .select_related("enterprise", "responsible_organization", "jurisdiction", "listing_office")
        .annotate(last_visit=last_visit_on(), urgency=urgency())
        .order_by("urgency", F("deadline").asc(nulls_last=True), "-found_on", "-pk")
    )


def home_panel_hazards(user, limit: int = HOME_PANEL_HAZARDS) -> list[Hazard]:
    """The most urgent open hazards linked to ``user``, each carrying ``total`` and
    ``overdue_total`` (the counts of all of them) — one query besides the scope lookup."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    overdue = HazardQuerySet.overdue_q()
    return list(
        Hazard.objects.restrict(user, "view")
        .filter(linked_leader__user=user, status__in=OPEN_STATUSES)
        .select_related("enterprise", "responsible_organization")
        .annotate(
            urgency=urgency(),
            total=Window(Count("pk")),
            overdue_total=Window(Sum(Case(When(overdue, then=Value(1)), default=Value(0), output_field=IntegerField()))),
        )
        .order_by("urgency", F("deadline").asc(nulls_last=True), "-found_on", "-pk")[:limit]
    )


def official_of(user):
    """The user's official record, or None (accounts without one: systems, auditors)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "official", None)


def days_since(day, today=None) -> int | None:
    if day is None:
        return None
    return ((today or timezone.localdate()) - day).days


# --- Progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    state: str  # "done", "current" or "todo"


def status_steps(hazard: Hazard) -> list[Step]:
    """The closed loop with the hazard's place on it; empty for a cancelled hazard."""
    if hazard.status not in STATUS_STEPS:
        return []
    position = STATUS_STEPS.index(hazard.status)
    steps = []
    for index, status in enumerate(STATUS_STEPS):
        if index < position or (index == position and status == HazardStatus.CLOSED):
            state = "done"
        elif index == position:
            state = "current"
        else:
            state = "todo"
        steps.append(Step(status, HazardStatus(status).label, state))
    return steps


def plan_items(hazard: Hazard) -> list[tuple[str, bool]]:
    return [(FIVE_IN_PLACE_LABELS[key], done) for key, done in hazard.five_in_place.items()]


def plan_done_count(hazard: Hazard) -> int:
    return sum(hazard.five_in_place.values())


# --- Who may use which form -------------------------------------------------------------------
# The permission alone: the views answer 403 without it. The panel offers a form only when the
# hazard is also in a state where the service would accept it (major and still open).


def _can(user, hazard: Hazard, action: str) -> bool:
    return Hazard.objects.restrict(user, action).filter(pk=hazard.pk).exists()


def can_supervise(user, hazard: Hazard) -> bool:
    """Link a leader and list the hazard: the safety office of its place."""
    return _can(user, hazard, "supervise")


def can_record_double_report(user, hazard: Hazard, *, supervise: bool | None = None) -> bool:
    """The office, or whoever rectifies the hazard (its department, its enterprise)."""
    if supervise if supervise is not None else can_supervise(user, hazard):
        return True
    return _can(user, hazard, "rectify")


def is_linked_leader(user, hazard: Hazard) -> bool:
    official = official_of(user)
    return official is not None and hazard.linked_leader_id is not None and official.pk == hazard.linked_leader_id


def can_log_visit(user, hazard: Hazard, *, supervise: bool | None = None) -> bool:
    """The linked leader logs their own visits; the office may log one for them."""
    if is_linked_leader(user, hazard):
        return True
    return supervise if supervise is not None else can_supervise(user, hazard)


def _changeable(hazard: Hazard) -> bool:
    return hazard.is_major and not hazard.is_final


# --- The panel on a major hazard's detail page ------------------------------------------------


def readiness(hazard: Hazard) -> list[tuple[str, bool]]:
    """What a major hazard needs before rectification starts (checked by the "start" transition)."""
    return [
        (_("A linked leader"), hazard.linked_leader_id is not None),
        (_("A listing level"), bool(hazard.listing_level)),
        (_("A complete rectification plan (five in place)"), hazard.plan_complete),
    ]


def hazard_visits(hazard: Hazard) -> list[LeaderVisit]:
    """The hazard's visits, newest first, with their leader and photos (two queries)."""
    photos = HazardPhoto.objects.order_by("uploaded_at", "pk")
    return list(
        LeaderVisit.objects.filter(hazard=hazard)
        .select_related("leader")
        .prefetch_related(Prefetch("photos", queryset=photos))
        .order_by("-visited_on", "-pk")
    )


def major_panel(request, hazard) -> dict:
    """Context for ``hazards/hazard_major_panel.html`` on a major hazard's detail page, under
    the key ``major``; empty for a general hazard.

    The forms are those the user may use now (None otherwise); they post to the views of
    :mod:`hazards.views.supervision`, which come back to the detail page.
    """
    if not getattr(hazard, "is_major", False):
        return {}
    from hazards.forms.supervision import DoubleReportForm, LinkLeaderForm, ListingForm, VisitForm

    user = request.user
    changeable = _changeable(hazard)
    supervise = changeable and can_supervise(user, hazard)
    double_report = changeable and can_record_double_report(user, hazard, supervise=supervise)
    log_visit = changeable and hazard.linked_leader_id is not None and can_log_visit(user, hazard, supervise=supervise)
    checklist = readiness(hazard)
    leader = hazard.linked_leader if hazard.linked_leader_id else None
    visits = hazard_visits(hazard)
    return {
        "major": {
            "hazard": hazard,
            "leader": leader,
            "leader_posts": _leader_posts(leader),
            "checklist": checklist,
            "ready": all(done for _, done in checklist),
            "awaiting_start": hazard.status in (HazardStatus.REPORTED, HazardStatus.ACCEPTED),
            "plan_items": plan_items(hazard),
            "visits": visits,
            "last_visit": visits[0].visited_on if visits else None,
            "days_since_visit": days_since(visits[0].visited_on) if visits else None,
            "is_linked_leader": is_linked_leader(user, hazard),
            "link_form": LinkLeaderForm(hazard=hazard) if supervise else None,
            "listing_form": ListingForm(hazard=hazard) if supervise else None,
            "double_report_form": DoubleReportForm(hazard=hazard) if double_report else None,
            "visit_form": VisitForm(hazard=hazard) if log_visit else None,
        }
    }


def _leader_posts(leader) -> list:
    if leader is None:
        return []
    return list(Post.objects.current().filter(official=leader).select_related("organization").order_by("organization__jurisdiction__path", "pk"))


# --- Counts -----------------------------------------------------------------------------------


def board_counts(queryset: QuerySet[Hazard]) -> dict[str, int]:
    """Totals of the board's rows by listing level and by what is missing (one aggregate)."""
    open_q = Q(status__in=OPEN_STATUSES)
    return queryset.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_q),
        province=Count("pk", filter=Q(listing_level=ListingLevel.PROVINCE)),
        city=Count("pk", filter=Q(listing_level=ListingLevel.CITY)),
        county=Count("pk", filter=Q(listing_level=ListingLevel.COUNTY)),
        not_listed=Count("pk", filter=open_q & Q(listing_level="")),
        without_leader=Count("pk", filter=open_q & Q(linked_leader__isnull=True)),
        overdue=Count("pk", filter=HazardQuerySet.overdue_q()),
    )
