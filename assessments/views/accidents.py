"""Pages of the accident registry (事故): the list with its counts strip (compared with the same
period last year) and XLSX export, recording and correcting an accident, an accident's page
(its level explained, the reporting delay, the investigation, listing and evaluation actions,
the timeline), the rectification evaluations falling due, and the home panel.

Every action is a POST to its own URL that calls one service and redirects back to the
accident; invalid input shows the accident's page again with the errors next to what was typed,
a stale page (someone else saved first) a warning. An accident outside the user's scope is a
404, an action the user's role may not take on a visible accident a 403.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, ListView, UpdateView

from assessments.choices import ACCIDENT_LEVEL_ORDER, AccidentLevel, AccidentType, InvestigationStatus
from assessments.filters.accidents import (
    DEFAULT_PERIOD,
    LARGER_OR_ABOVE,
    PERIODS,
    AccidentFilterSet,
    one_year_earlier,
    period_dates,
)
from assessments.forms.accidents import (
    AccidentForm,
    CloseCaseForm,
    EvaluationForm,
    InvestigationForm,
    ListingForm,
)
from assessments.models import Accident, AccidentPolicy
from assessments.services import accidents as services
from assessments.services.accidents import AccidentEventKind
from core.access import get_scope
from core.choices import AccountType
from core.errors import ConflictError
from core.registry import HomePanel, NavItem
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ServiceFormMixin,
    add_service_errors,
)
from hazards.forms.ledger import enterprise_label
from responsibility.models import Enterprise

#: Evaluations due within this many days are listed (with the overdue ones).
EVALUATION_WINDOW_DAYS = 60


# --- Counts ---------------------------------------------------------------------------------


def accident_totals(queryset) -> dict:
    """How many accidents, deaths, missing, serious injuries and loss ``queryset`` holds, by
    level, and how many were reported late or are listed: one aggregate query."""
    # The aliases must not be field names: the conditional counts refer to the fields.
    aggregates = {
        "total": Count("pk"),
        "sum_deaths": Sum("deaths"),
        "sum_missing": Sum("missing"),
        "sum_injuries": Sum("serious_injuries"),
        "sum_loss": Sum("direct_loss"),
        "late": Count("pk", filter=Q(reported_late=True)),
        "listed_count": Count("pk", filter=Q(listed=True)),
        "fatal": Count("pk", filter=Q(deaths__gt=0)),
    }
    for level in ACCIDENT_LEVEL_ORDER:
        aggregates[f"level_{level}"] = Count("pk", filter=Q(level=level))
    totals = queryset.order_by().aggregate(**aggregates)
    for name in ("deaths", "missing", "injuries"):
        totals[name] = totals.pop(f"sum_{name}") or 0
    totals["loss"] = totals.pop("sum_loss") or Decimal("0")
    totals["listed"] = totals.pop("listed_count")
    totals["larger_or_above"] = sum(totals[f"level_{level}"] for level in ACCIDENT_LEVEL_ORDER[1:])
    return totals


def _change(current, previous) -> dict:
    """``{"delta": …, "direction": "up"|"down"|"same"}`` of a count against last year's."""
    delta = current - previous
    return {"delta": abs(delta), "direction": "up" if delta > 0 else "down" if delta < 0 else "same", "previous": previous}


# --- The list and its export ------------------------------------------------------------------


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


class AccidentListView(FilteredListView):
    model = Accident
    filterset_class = AccidentFilterSet
    template_name = "assessments/accident_list.html"
    export_filename = gettext_lazy("accidents")
    #: (header, how a row's cell is read); the labels of choices are looked up in tables made
    #: once per export (``get_FOO_display`` hashes every lazy label on each call: seconds for
    #: a few thousand rows).
    export_columns = [
        (gettext_lazy("Reference number"), lambda a, labels: a.code),
        (gettext_lazy("Title"), lambda a, labels: a.title),
        (gettext_lazy("Occurred at"), lambda a, labels: _local(a.occurred_at)),
        (gettext_lazy("Jurisdiction"), lambda a, labels: a.jurisdiction.name),
        (gettext_lazy("Division code"), lambda a, labels: a.jurisdiction.code),
        (gettext_lazy("Place"), lambda a, labels: a.place),
        (gettext_lazy("Enterprise"), lambda a, labels: a.enterprise.name if a.enterprise_id else ""),
        (gettext_lazy("Credit code"), lambda a, labels: a.enterprise.credit_code if a.enterprise_id else ""),
        (gettext_lazy("Sector"), lambda a, labels: a.sector.name if a.sector_id else ""),
        (gettext_lazy("Supervising department"), lambda a, labels: a.supervising_department.name if a.supervising_department_id else ""),
        (gettext_lazy("Accident type"), lambda a, labels: labels["type"].get(a.accident_type, a.accident_type)),
        (gettext_lazy("Level"), lambda a, labels: labels["level"].get(a.level, a.level)),
        (gettext_lazy("Deaths"), lambda a, labels: a.deaths),
        (gettext_lazy("Missing persons"), lambda a, labels: a.missing),
        (gettext_lazy("Serious injuries"), lambda a, labels: a.serious_injuries),
        (gettext_lazy("Direct economic loss (10,000 yuan)"), lambda a, labels: a.direct_loss),
        (gettext_lazy("Reported to the department at"), lambda a, labels: _local(a.reported_at)),
        (gettext_lazy("Reported late"), lambda a, labels: a.reported_late),
        (gettext_lazy("Concealed or falsely reported"), lambda a, labels: a.concealed),
        (gettext_lazy("Investigation"), lambda a, labels: labels["investigation"].get(a.investigation_status, a.investigation_status)),
        (gettext_lazy("Investigated by"), lambda a, labels: a.investigation_body),
        (gettext_lazy("Case closed on"), lambda a, labels: a.case_closed_on),
        (gettext_lazy("Rectification evaluation due"), lambda a, labels: a.evaluation_due_on),
        (gettext_lazy("Rectification evaluated on"), lambda a, labels: a.evaluated_on),
        (gettext_lazy("Listed for supervision"), lambda a, labels: a.listed),
        (gettext_lazy("Listed by"), lambda a, labels: a.listing_body.name if a.listing_body_id else ""),
        (gettext_lazy("Listed on"), lambda a, labels: a.listed_on),
        (gettext_lazy("What happened"), lambda a, labels: a.summary),
    ]

    #: Parameters that do not choose anything: a request with only these opens on this year.
    NEUTRAL_PARAMETERS = {"page", "export"}

    def get_base_queryset(self):
        return Accident.objects.select_related("jurisdiction__parent", "enterprise", "sector").order_by("-occurred_at", "-pk")

    def filter_data(self) -> QueryDict:
        """The request's filters; opened from the menu (no filter at all), this year."""
        data = self.request.GET
        if set(data) <= self.NEUTRAL_PARAMETERS:
            data = data.copy()
            data["period"] = DEFAULT_PERIOD
        return data

    def get_queryset(self):
        queryset = self.get_base_queryset().restrict(self.request.user, "view")
        self.filterset = self.filterset_class(self.filter_data(), queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()

    def export_xlsx(self):
        from core.tabular import xlsx_response

        queryset = self.get_queryset().select_related("supervising_department", "listing_body")[: self.export_limit]
        labels = {
            "type": {key: str(label) for key, label in AccidentType.choices},
            "level": {key: str(label) for key, label in AccidentLevel.choices},
            "investigation": {key: str(label) for key, label in InvestigationStatus.choices},
        }
        readers = [read for _header, read in self.export_columns]

        def rows():
            for accident in queryset.iterator(chunk_size=2000):
                yield [read(accident, labels) for read in readers]

        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(header) for header, _read in self.export_columns],
            rows=rows(),
        )

    def paginate_queryset(self, queryset, page_size):
        # The counts strip's aggregate also counts the rows, so the paginator needs no COUNT.
        self.totals = accident_totals(queryset)
        paginator = self.get_paginator(queryset, page_size, orphans=self.get_paginate_orphans())
        paginator.count = self.totals["total"]
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def comparison(self) -> dict | None:
        """The same filters over the same span one year earlier, when the filters choose a
        span: ``{"first", "last", "totals", "changes"}``."""
        if not self.filterset.is_valid():
            return None
        span = self.filterset.period_range()
        if not span or span[0] is None:
            return None
        first, last = span
        last = last or timezone.localdate()
        previous = (one_year_earlier(first), one_year_earlier(last))
        data = self.filter_data().copy()
        for name in ("period", "occurred_from", "occurred_to", "page", "export", "ordering"):
            data.pop(name, None)
        data["occurred_from"], data["occurred_to"] = previous[0].isoformat(), previous[1].isoformat()
        queryset = Accident.objects.restrict(self.request.user, "view")
        filterset = self.filterset_class(data, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            return None
        totals = accident_totals(filterset.qs)
        changes = {name: _change(self.totals[name], totals[name]) for name in ("total", "deaths", "injuries", "larger_or_above", "late")}
        changes["loss"] = _change(self.totals["loss"], totals["loss"])
        return {"first": first, "last": last, "previous": previous, "totals": totals, "changes": changes}

    def _narrowed(self, values: dict[str, str]) -> str:
        params = self.filter_data().copy()
        for name in ("page", "export", *values):
            params.pop(name, None)
        params.update(values)
        return f"?{params.urlencode()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["totals"] = self.totals
        context["comparison"] = self.comparison()
        context["level_counts"] = [
            (level, AccidentLevel(level).label, self.totals[f"level_{level}"], self._narrowed({"level": level}))
            for level in ACCIDENT_LEVEL_ORDER
        ]
        context["strip_links"] = {
            "fatal": self._narrowed({"fatal": "true"}),
            "late": self._narrowed({"late": "true"}),
            "listed": self._narrowed({"listed": "true"}),
            "larger": self._narrowed({"level": LARGER_OR_ABOVE}),
        }
        params = self.filter_data().copy()
        params.pop("page", None)
        params.pop("export", None)
        context["query_string"] = params.urlencode()
        context["period_label"] = dict(PERIODS).get(params.get("period", ""), "")
        context["can_add"] = user.has_perm("assessments.add_accident")
        return context


# --- Recording and correcting -----------------------------------------------------------------


class _EnterpriseSearchContext:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "enterprise_query": self.request.GET.get("enterprise_q", "")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search_url"] = reverse("assessments:accident_enterprise_search")
        context["enterprise_query"] = self.request.GET.get("enterprise_q", "")
        return context


class AccidentCreateView(ModelPermissionRequiredMixin, _EnterpriseSearchContext, ServiceFormMixin, CreateView):
    required_permission = "assessments.add_accident"
    model = Accident
    form_class = AccidentForm
    template_name = "assessments/accident_form.html"
    success_message = gettext_lazy("Accident recorded.")

    #: Values a link may preset (?enterprise=<id> from an enterprise's page).
    PRESETS = ("enterprise", "jurisdiction", "accident_type")

    def get_initial(self):
        initial = super().get_initial()
        for name in self.PRESETS:
            value = self.request.GET.get(name)
            if value:
                initial[name] = value
        return initial

    def run_service(self, form):
        return services.accident_report(actor=self.request.user, **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class AccidentUpdateView(ObjectActionRequiredMixin, _EnterpriseSearchContext, ServiceFormMixin, UpdateView):
    model = Accident
    form_class = AccidentForm
    template_name = "assessments/accident_form.html"
    required_action = "change"
    success_message = gettext_lazy("Saved.")

    def get_base_queryset(self):
        return Accident.objects.select_related("enterprise__jurisdiction", "jurisdiction__parent", "sector", "supervising_department")

    def run_service(self, form):
        return services.accident_update(actor=self.request.user, accident=self.object, **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class EnterpriseSearchView(LoginRequiredMixin, View):
    """Enterprises in the user's scope matching ``?q=`` (name or credit code), as JSON for the
    form's picker."""

    limit = 20

    def get(self, request):
        if not request.user.has_perm("assessments.add_accident") and not request.user.has_perm("assessments.change_accident"):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        if not query:
            return JsonResponse({"results": []})
        enterprises = (
            Enterprise.objects.restrict(request.user, "view")
            .filter(Q(name__icontains=query) | Q(credit_code__startswith=query.upper()))
            .select_related("jurisdiction")
            .order_by("name", "pk")[: self.limit]
        )
        return JsonResponse(
            {
                "results": [
                    {"id": e.pk, "label": enterprise_label(e), "name": e.name, "credit_code": e.credit_code,
                     "jurisdiction": e.jurisdiction.name, "sector": e.sector_id}
                    for e in enterprises
                ]
            }
        )


# --- An accident's page -----------------------------------------------------------------------


ACTION_URLS = {
    "investigate": "assessments:accident_investigate",
    "close": "assessments:accident_close",
    "evaluate": "assessments:accident_evaluate",
    "list": "assessments:accident_list_for_supervision",
}


def accident_actions(user, accident: Accident, bound: dict | None = None) -> dict:
    """The forms of what ``user`` may do with ``accident`` now (one permission query), keyed as
    the action views key the bound forms they send back with errors."""
    bound = bound or {}
    may_change = user.is_superuser or (
        user.has_perm("assessments.change_accident")
        and Accident.objects.restrict(user, "change").filter(pk=accident.pk).exists()
    )
    actions: dict = {"can_change": may_change, "forms": []}
    if not may_change:
        actions["other_errors"] = []
        return actions
    status = accident.investigation_status
    candidates = []
    if status == InvestigationStatus.REPORTED:
        candidates.append(("investigate", _("Start the investigation"), InvestigationForm, "primary"))
    if status != InvestigationStatus.CLOSED:
        candidates.append(("close", _("Close the case"), CloseCaseForm, "primary" if status == InvestigationStatus.INVESTIGATING else ""))
    if status == InvestigationStatus.CLOSED and accident.evaluated_on is None:
        candidates.append(("evaluate", _("Record the rectification evaluation"), EvaluationForm, "primary"))
    if not accident.listed:
        candidates.append(("list", _("List for supervision"), ListingForm, ""))
    used = set()
    for key, label, form_class, style in candidates:
        form = bound.get(key) or form_class(accident=accident)
        actions["forms"].append({"key": key, "label": label, "form": form, "style": style,
                                 "url": reverse(ACTION_URLS[key], args=[accident.pk])})
        used.add(key)
    # Errors of a form that has no place on the page any more (the action is no longer possible).
    actions["other_errors"] = [
        str(message) for key, form in bound.items() if key not in used for errors in form.errors.values() for message in errors
    ]
    return actions


class AccidentDetailView(ScopedDetailView):
    model = Accident
    template_name = "assessments/accident_detail.html"
    bound_forms: dict | None = None

    def get_base_queryset(self):
        return Accident.objects.select_related(
            "enterprise__jurisdiction", "jurisdiction__parent", "sector", "supervising_department__jurisdiction",
            "listing_body__jurisdiction", "created_by",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        accident, user = self.object, self.request.user
        policy = AccidentPolicy.for_path(accident.jurisdiction_path)
        today = timezone.localdate()
        context["policy"] = policy
        context["levels"] = services.level_explanation(accident)
        context["delay"] = services.format_delay(accident.report_delay)
        context["limit"] = services.format_delay(timedelta(minutes=policy.report_limit_minutes))
        labels = dict(AccidentEventKind.choices)
        context["events"] = events = list(accident.events.select_related("actor"))
        for event in events:
            event.label = labels.get(event.kind, event.kind)
        context["actions"] = accident_actions(user, accident, self.bound_forms)
        context["evaluation_overdue"] = bool(
            accident.evaluation_due_on and accident.evaluated_on is None and accident.evaluation_due_on < today
        )
        context["evaluation_days_left"] = (
            (accident.evaluation_due_on - today).days if accident.evaluation_due_on and accident.evaluated_on is None else None
        )
        context["related_url"] = (
            f"{reverse('assessments:accident_list')}?{urlencode({'enterprise': accident.enterprise_id, 'period': 'all'})}"
            if accident.enterprise_id else ""
        )
        return context


def render_detail(request, accident: Accident, *, bound: dict, status: int = 200):
    """The accident's page again, with the form the user sent (and its errors)."""
    view = AccidentDetailView()
    view.setup(request, pk=accident.pk)
    view.object = view.get_object()
    view.bound_forms = bound
    return render(request, view.template_name, view.get_context_data(object=view.object), status=status)


class AccidentActionView(LoginRequiredMixin, View):
    """A POST acting on one accident: visible to the user (else 404), allowed for their role
    and scope (else 403), one service call, then back to the accident."""

    http_method_names = ["post"]
    key = ""
    form_class = None
    success = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.accident = get_object_or_404(Accident.objects.restrict(request.user, "view"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def call(self, form) -> None:
        raise NotImplementedError

    def post(self, request, pk):
        if not Accident.objects.restrict(request.user, "change").filter(pk=self.accident.pk).exists():
            raise PermissionDenied
        form = self.form_class(request.POST, accident=self.accident)
        if not form.is_valid():
            return render_detail(request, self.accident, bound={self.key: form})
        try:
            self.call(form)
        except ConflictError as error:
            messages.warning(request, " ".join(error.messages))
            return HttpResponseRedirect(self.accident.get_absolute_url())
        except ValidationError as error:
            add_service_errors(form, error)
            return render_detail(request, self.accident, bound={self.key: form})
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("Your role does not allow this action."))
            return render_detail(request, self.accident, bound={self.key: form}, status=403)
        messages.success(request, str(self.success))
        return HttpResponseRedirect(self.accident.get_absolute_url())


class AccidentInvestigateView(AccidentActionView):
    key, form_class, success = "investigate", InvestigationForm, gettext_lazy("Investigation started.")

    def call(self, form):
        services.accident_start_investigation(actor=self.request.user, accident=self.accident, **form.service_kwargs())


class AccidentCloseView(AccidentActionView):
    key, form_class, success = "close", CloseCaseForm, gettext_lazy("Case closed; the rectification evaluation is scheduled.")

    def call(self, form):
        services.accident_close_case(actor=self.request.user, accident=self.accident, **form.service_kwargs())


class AccidentEvaluateView(AccidentActionView):
    key, form_class, success = "evaluate", EvaluationForm, gettext_lazy("Rectification evaluation recorded.")

    def call(self, form):
        services.accident_record_evaluation(actor=self.request.user, accident=self.accident, **form.service_kwargs())


class AccidentListingView(AccidentActionView):
    key, form_class, success = "list", ListingForm, gettext_lazy("Accident listed for supervision.")

    def call(self, form):
        services.accident_list_for_supervision(actor=self.request.user, accident=self.accident, **form.service_kwargs())


# --- Evaluations due --------------------------------------------------------------------------


def evaluations_due(queryset, today):
    """Closed accidents whose rectification evaluation is overdue or due within the window."""
    return queryset.filter(
        evaluated_on__isnull=True, evaluation_due_on__isnull=False,
        evaluation_due_on__lte=today + timedelta(days=EVALUATION_WINDOW_DAYS),
    )


class EvaluationsDueView(LoginRequiredMixin, ListView):
    """One-year rectification evaluations overdue or due in the next 60 days, the earliest first."""

    template_name = "assessments/accident_evaluations_due.html"
    paginate_by = 25
    context_object_name = "accidents"

    def get_queryset(self):
        self.today = timezone.localdate()
        return (
            evaluations_due(Accident.objects.restrict(self.request.user, "view"), self.today)
            .select_related("jurisdiction__parent", "enterprise")
            .order_by("evaluation_due_on", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for accident in context["accidents"]:
            accident.days_left = (accident.evaluation_due_on - self.today).days
            accident.days_overdue = -accident.days_left
        context["window"] = EVALUATION_WINDOW_DAYS
        context["today"] = self.today
        return context


# --- Menu and home page -----------------------------------------------------------------------


def accidents_home_panel(request) -> str | None:
    """The safety office's panel: accidents, deaths and larger-or-above accidents this year
    against the same days of last year, and the rectification evaluations due (two queries)."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("assessments.change_accident"):
        return None
    if getattr(user, "account_type", AccountType.PERSON) != AccountType.PERSON:
        return None
    if get_scope(user).is_empty and not user.is_superuser:
        return None
    today = timezone.localdate()
    this_year = period_dates("this_year", today)
    last_year = (one_year_earlier(this_year[0]), one_year_earlier(today))
    from assessments.filters.accidents import day_start

    accidents = Accident.objects.restrict(user, "view")
    current = Q(occurred_at__gte=day_start(this_year[0]), occurred_at__lt=day_start(today + timedelta(days=1)))
    previous = Q(occurred_at__gte=day_start(last_year[0]), occurred_at__lt=day_start(last_year[1] + timedelta(days=1)))
    larger = Q(level__in=ACCIDENT_LEVEL_ORDER[1:])
    counts = accidents.filter(occurred_at__gte=day_start(last_year[0])).order_by().aggregate(
        now=Count("pk", filter=current),
        before=Count("pk", filter=previous),
        deaths_now=Sum("deaths", filter=current),
        deaths_before=Sum("deaths", filter=previous),
        larger_now=Count("pk", filter=current & larger),
        larger_before=Count("pk", filter=previous & larger),
    )
    counts = {name: value or 0 for name, value in counts.items()}
    due = evaluations_due(accidents, today).order_by().aggregate(
        due=Count("pk"), overdue=Count("pk", filter=Q(evaluation_due_on__lt=today))
    )
    context = {
        "counts": counts,
        "changes": {
            "accidents": _change(counts["now"], counts["before"]),
            "deaths": _change(counts["deaths_now"], counts["deaths_before"]),
            "larger": _change(counts["larger_now"], counts["larger_before"]),
        },
        "due": due,
        "year": today.year,
        "can_add": user.has_perm("assessments.add_accident"),
        "larger_or_above": LARGER_OR_ABOVE,
    }
    return render_to_string("assessments/accident_home_panel.html", context, request=request)


NAV = [
    NavItem(gettext_lazy("Accidents"), "assessments:accident_list", "assessments.view_accident", 94),
    NavItem(gettext_lazy("Evaluations due"), "assessments:accident_evaluations_due", "assessments.change_accident", 94.5),
]
HOME_PANELS = [HomePanel(accidents_home_panel, 60)]

urlpatterns = [
    path("accidents/", AccidentListView.as_view(), name="accident_list"),
    path("accidents/new/", AccidentCreateView.as_view(), name="accident_create"),
    path("accidents/evaluations-due/", EvaluationsDueView.as_view(), name="accident_evaluations_due"),
    path("accidents/enterprises/search/", EnterpriseSearchView.as_view(), name="accident_enterprise_search"),
    path("accidents/<int:pk>/", AccidentDetailView.as_view(), name="accident_detail"),
    path("accidents/<int:pk>/edit/", AccidentUpdateView.as_view(), name="accident_update"),
    path("accidents/<int:pk>/investigate/", AccidentInvestigateView.as_view(), name="accident_investigate"),
    path("accidents/<int:pk>/close/", AccidentCloseView.as_view(), name="accident_close"),
    path("accidents/<int:pk>/evaluate/", AccidentEvaluateView.as_view(), name="accident_evaluate"),
    path("accidents/<int:pk>/list/", AccidentListingView.as_view(), name="accident_list_for_supervision"),
]
