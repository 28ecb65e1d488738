"""Views of major-hazard supervision: the forms of the major-hazard panel (link a leader, list
for supervision, the double report, log a visit), the board of major hazards, the leader's own
linked hazards and their home-page panel."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.registry import HomePanel, NavItem
from core.viewmixins import FilteredListView, ScopedQuerysetMixin, ServiceFormMixin
from hazards.filters.supervision import MajorHazardFilterSet
from hazards.forms.supervision import DoubleReportForm, LinkLeaderForm, ListingForm, VisitForm
from hazards.models import Hazard
from hazards.selectors import supervision as selectors
from hazards.selectors.ledger import read_in_chunks
from hazards.services import supervision as services
from hazards.views.ledger import paginate_by_ids

# --- The forms of the major-hazard panel ------------------------------------------------------


class _MajorHazardFormView(ScopedQuerysetMixin, ServiceFormMixin, FormView):
    """One form of the panel on its own page: the panel posts here, success goes back to the
    hazard's detail page, and an error comes back here with everything the user typed.

    A hazard the user cannot see is a 404, a general hazard too (it has no such form); a
    visible hazard the user may not act on is a 403."""

    model = Hazard
    template_name = "hazards/major_action_form.html"
    title = ""
    intro = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.hazard = get_object_or_404(
                self.get_queryset().select_related("enterprise", "responsible_organization", "jurisdiction", "linked_leader", "listing_office"),
                pk=kwargs["pk"],
            )
            if not self.hazard.is_major:
                raise Http404
            if not self.allowed(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user) -> bool:
        return selectors.can_supervise(user, self.hazard)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "hazard": self.hazard}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "hazard": self.hazard,
            "form_title": self.title,
            "intro": self.intro,
        }

    def get_success_url(self):
        return self.hazard.get_absolute_url()


class LinkLeaderView(_MajorHazardFormView):
    form_class = LinkLeaderForm
    title = gettext_lazy("Link a leader")
    intro = gettext_lazy(
        "A city- or county-level Party or government leader leads the rectification of this major hazard and clears its blockers."
    )
    success_message = gettext_lazy("Leader linked.")

    def run_service(self, form):
        return services.hazard_link_leader(
            actor=self.request.user, hazard=self.hazard, leader=form.cleaned_data["leader"], note=form.cleaned_data["note"]
        )


class ListingView(_MajorHazardFormView):
    form_class = ListingForm
    title = gettext_lazy("List for supervision")
    intro = gettext_lazy("The safety committee of the chosen level supervises the hazard, and only its office may close it out.")
    success_message = gettext_lazy("Hazard listed for supervision.")

    def run_service(self, form):
        return services.hazard_list_for_supervision(
            actor=self.request.user,
            hazard=self.hazard,
            listing_level=form.cleaned_data["listing_level"],
            listed_on=form.cleaned_data["listed_on"],
        )


class DoubleReportView(_MajorHazardFormView):
    form_class = DoubleReportForm
    title = gettext_lazy("Double report")
    intro = gettext_lazy("When the major hazard was reported to the supervising department and to the workers' congress.")
    success_message = gettext_lazy("Double report saved.")

    def allowed(self, user) -> bool:
        return selectors.can_record_double_report(user, self.hazard)

    def run_service(self, form):
        return services.hazard_record_double_report(
            actor=self.request.user,
            hazard=self.hazard,
            to_department_on=form.cleaned_data["to_department_on"],
            to_workers_congress_on=form.cleaned_data["to_workers_congress_on"],
        )


class VisitCreateView(_MajorHazardFormView):
    form_class = VisitForm
    title = gettext_lazy("Log a visit")
    intro = gettext_lazy("A site visit, a coordination meeting or another action that pushed the rectification.")
    success_message = gettext_lazy("Visit recorded.")

    def allowed(self, user) -> bool:
        return selectors.can_log_visit(user, self.hazard)

    def run_service(self, form):
        data = form.cleaned_data
        return services.leader_visit_record(
            actor=self.request.user,
            hazard=self.hazard,
            visited_on=data["visited_on"],
            kind=data["kind"],
            note=data["note"],
            photos=data["photos"],
        )


# --- The board of major hazards ---------------------------------------------------------------


def _annotate_days(rows, today) -> None:
    for hazard in rows:
        hazard.days_since_visit = selectors.days_since(hazard.last_visit, today)


class MajorHazardBoardView(FilteredListView):
    """Every major hazard in scope with its leader, listing, deadline and the leader's latest
    visit; a fixed number of queries whatever the number of rows."""

    model = Hazard
    filterset_class = MajorHazardFilterSet
    template_name = "hazards/major_board.html"
    export_filename = gettext_lazy("major hazards")
    export_columns = [
        (gettext_lazy("Reference number"), "code"),
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Responsible unit"), "owner_name"),
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Found on"), "found_on"),
        (gettext_lazy("Linked leader"), "linked_leader.name"),
        (gettext_lazy("Listed by"), "get_listing_level_display"),
        (gettext_lazy("Listing safety office"), "listing_office.name"),
        (gettext_lazy("Listed on"), "listed_on"),
        (gettext_lazy("Reported to the supervising department on"), "reported_to_department_on"),
        (gettext_lazy("Reported to the workers' congress on"), "reported_to_workers_congress_on"),
        (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("Deadline"), "deadline"),
        (gettext_lazy("Days overdue"), "overdue_days"),
        (gettext_lazy("Last visit"), "last_visit"),
        (gettext_lazy("Days since last visit"), "days_since_visit"),
    ]

    def get_base_queryset(self):
        return selectors.major_board_queryset()

    def paginate_queryset(self, queryset, page_size):
        # The board's aggregate also counts the rows, so the paginator needs no COUNT; the
        # page's ids are sorted from the covering index, then only the page's rows are read.
        self.counts = selectors.board_counts(queryset)
        return paginate_by_ids(self, queryset, page_size, count=self.counts["total"], rows=self.get_base_queryset())

    def export_xlsx(self):
        # The days since the last visit are computed per row as the rows stream out.
        from core.tabular import xlsx_response
        from core.viewmixins import _resolve

        today = timezone.localdate()

        def read(chunk):
            for hazard in chunk:
                hazard.days_since_visit = selectors.days_since(hazard.last_visit, today)
                yield [_resolve(hazard, attribute) for _, attribute in self.export_columns]

        return xlsx_response(
            filename=f"{self.export_filename}-{today:%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(header) for header, _ in self.export_columns],
            rows=read_in_chunks(self.get_queryset(), rows=self.get_base_queryset(), read=read, limit=self.export_limit),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        _annotate_days(context["object_list"], today)
        context["counts"] = self.counts
        official = selectors.official_of(self.request.user)
        context["has_linked_hazards"] = official is not None and official.linked_hazards.exists()
        return context


# --- The leader's own hazards -----------------------------------------------------------------


class MyLinkedHazardsView(FilteredListView):
    """The hazards linked to the logged-in official, with their progress; the leader may see
    some of them only through the grant made when they were linked."""

    model = Hazard
    template_name = "hazards/leader_hazards.html"
    paginate_by = 20

    def get_base_queryset(self):
        official = selectors.official_of(self.request.user)
        if official is None:
            return Hazard.objects.none()
        return selectors.linked_hazards_queryset(official)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = context["object_list"]
        _annotate_days(rows, today)
        user = self.request.user
        for hazard in rows:
            hazard.steps = selectors.status_steps(hazard)
            hazard.plan_done = selectors.plan_done_count(hazard)
            # The leader logs visits on their own hazards while they are open.
            hazard.can_log_visit = hazard.is_major and not hazard.is_final
        context["official"] = selectors.official_of(user)
        context["today"] = today
        return context


def leader_home_panel(request) -> str | None:
    """For a leader with linked hazards still open: how many, how many overdue, the most urgent."""
    hazards = selectors.home_panel_hazards(request.user)
    if not hazards:
        return None
    return render_to_string(
        "hazards/leader_home_panel.html",
        {
            "hazards": hazards,
            "total": hazards[0].total,
            "overdue": hazards[0].overdue_total,
            "more": hazards[0].total > len(hazards),
        },
        request=request,
    )


NAV = [NavItem(gettext_lazy("Major hazards"), "hazards:major_board", "hazards.view_hazard", 71)]

HOME_PANELS = [HomePanel(leader_home_panel, 22)]

urlpatterns = [
    path("major/", MajorHazardBoardView.as_view(), name="major_board"),
    path("mine/", MyLinkedHazardsView.as_view(), name="my_linked_hazards"),
    path("<int:pk>/leader/", LinkLeaderView.as_view(), name="hazard_link_leader"),
    path("<int:pk>/listing/", ListingView.as_view(), name="hazard_listing"),
    path("<int:pk>/double-report/", DoubleReportView.as_view(), name="hazard_double_report"),
    path("<int:pk>/visits/new/", VisitCreateView.as_view(), name="hazard_visit_create"),
]
