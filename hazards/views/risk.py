"""Views: risk points (list, summary, detail, create and edit, retirement), the half-yearly
re-identification rounds, and the risk map ("电子一张图") with its GeoJSON."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View
from django.views.generic import CreateView, FormView, TemplateView, UpdateView

from core.registry import HomePanel, NavItem
from core.tabular import xlsx_response
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ScopedQuerysetMixin,
    ServiceFormMixin,
    add_service_errors,
)
from hazards.choices import AccidentType, GradingMethod, ReviewOutcome, RiskPointStatus, RoundStatus
from hazards.filters.risk import (
    RiskMapFilterSet,
    RiskPointFilterSet,
    RiskRoundFilterSet,
    RiskSummaryFilterSet,
)
from hazards.forms.risk import RiskPointForm, RiskPointRetireForm, RiskPointReviewForm, RiskRoundOpenForm
from hazards.geojson import (
    HAZARD_FIELDS,
    RISK_POINT_FIELDS,
    Layer,
    hazard_feature_builder,
    risk_point_feature_builder,
    stream_feature_collection,
)
from hazards.models import Hazard, RiskPoint, RiskPointReview, RiskReviewRound
from hazards.selectors.risk import (
    GRADES,
    colour_totals,
    counts_by_area,
    counts_by_level,
    grade_rank,
    round_points,
    summary_areas,
    with_progress,
)
from hazards.services import risk as services

ACCIDENT_LABELS = dict(AccidentType.choices)


def accident_types_text(point: RiskPoint) -> str:
    return "、".join(str(ACCIDENT_LABELS.get(t, t)) for t in point.accident_types or [])


def _can_change(user, point: RiskPoint) -> bool:
    return RiskPoint.objects.restrict(user, "change").filter(pk=point.pk).exists()


# --- Risk points ------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    (gettext_lazy("Name"), "name"),
    (gettext_lazy("Enterprise"), "enterprise.name"),
    (gettext_lazy("Unified social credit code"), "enterprise.credit_code"),
    (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
    (gettext_lazy("Division code"), "jurisdiction.code"),
    (gettext_lazy("Sector"), "sector.name"),
    (gettext_lazy("Location"), "location"),
    (gettext_lazy("Latitude"), "latitude"),
    (gettext_lazy("Longitude"), "longitude"),
    (gettext_lazy("Hazard factors"), "hazard_factors"),
    (gettext_lazy("Possible accident types"), accident_types_text),
    (gettext_lazy("Control measures"), "controls"),
    (gettext_lazy("Responsible person"), "responsible_person"),
    (gettext_lazy("Responsible person's phone"), "responsible_phone"),
    (gettext_lazy("Managed at"), "get_management_level_display"),
    (gettext_lazy("Grading method"), "get_method_display"),
    ("L", "lec_l"),
    ("E", "lec_e"),
    ("C", "lec_c"),
    (gettext_lazy("L (1–5)"), "ls_l"),
    (gettext_lazy("S (1–5)"), "ls_s"),
    (gettext_lazy("Score"), "score"),
    (gettext_lazy("Grade"), "get_grade_display"),
    (gettext_lazy("Status"), "get_status_display"),
    (gettext_lazy("Identified on"), "identified_on"),
    (gettext_lazy("Last re-identified on"), "last_reviewed_on"),
]


def _cell(point: RiskPoint, getter):
    if callable(getter):
        return getter(point)
    value = point
    for part in getter.split("."):
        value = getattr(value, part, None)
        if value is None:
            return ""
        if callable(value):
            value = value()
    return value


class RiskPointListView(FilteredListView):
    model = RiskPoint
    filterset_class = RiskPointFilterSet
    template_name = "hazards/risk_point_list.html"
    export_filename = gettext_lazy("risk-points")
    export_columns = EXPORT_COLUMNS

    def get_base_queryset(self):
        return RiskPoint.objects.select_related("enterprise", "jurisdiction", "sector").order_by(grade_rank(), "jurisdiction_path", "name", "pk")

    def export_xlsx(self):
        queryset = self.get_queryset()[: self.export_limit]
        columns = self.export_columns
        rows = ([_cell(point, getter) for _header, getter in columns] for point in queryset.iterator(chunk_size=2000))
        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(header) for header, _getter in columns],
            rows=rows,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.has_perm("hazards.add_riskpoint")
        context["can_see_rounds"] = user.has_perm("hazards.view_riskreviewround")
        context["query_string_for_map"] = context["query_string"]
        return context


class RiskPointSummaryView(ModelPermissionRequiredMixin, ScopedQuerysetMixin, TemplateView):
    """Active points counted by colour × management level and by colour × area (the children of
    the chosen jurisdiction): one aggregate query each."""

    required_permission = "hazards.view_riskpoint"
    model = RiskPoint
    template_name = "hazards/risk_point_summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = self.get_queryset().filter(status=RiskPointStatus.ACTIVE)
        filterset = RiskSummaryFilterSet(self.request.GET or None, queryset=base, request=self.request)
        valid = not filterset.is_bound or filterset.is_valid()
        queryset = filterset.qs if valid else base.none()
        selected = filterset.form.cleaned_data.get("jurisdiction") if filterset.is_bound and valid else None
        parent, areas = summary_areas(self.request.user, selected)
        level_rows, total = counts_by_level(queryset)
        params = self.request.GET.copy()
        params.pop("jurisdiction", None)
        context.update(
            filterset=filterset,
            grades=GRADES,
            level_rows=level_rows,
            total=total,
            parent=parent,
            area_rows=counts_by_area(queryset, parent, areas),
            query_string=params.urlencode(),
        )
        return context


class RiskPointDetailView(ScopedDetailView):
    model = RiskPoint
    template_name = "hazards/risk_point_detail.html"
    context_object_name = "point"

    def get_base_queryset(self):
        return RiskPoint.objects.select_related("enterprise", "jurisdiction__parent", "sector")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        point, user = self.object, self.request.user
        context["reviews"] = (
            point.reviews.select_related("round__jurisdiction", "reviewed_by").order_by("-reviewed_at", "-pk")
        )
        context["can_change"] = point.status == RiskPointStatus.ACTIVE and _can_change(user, point)
        context["accident_types"] = accident_types_text(point)
        context["formula"] = _formula(point)
        context["open_round"] = _open_round_for(user, point)
        return context


def _open_round_for(user, point: RiskPoint) -> RiskReviewRound | None:
    """The narrowest open round the user sees whose jurisdiction contains the point and that
    has not reviewed it yet (a county's round before the city's)."""
    if point.status != RiskPointStatus.ACTIVE:
        return None
    prefixes = [point.jurisdiction_path[:n] for n in (2, 4, 6, 9, 12) if n <= len(point.jurisdiction_path)]
    reviewed = RiskPointReview.objects.filter(round=OuterRef("pk"), risk_point=point)
    return (
        RiskReviewRound.objects.restrict(user, "view")
        .filter(status=RoundStatus.OPEN, jurisdiction__path__in=prefixes)
        .filter(~Exists(reviewed))
        .select_related("jurisdiction")
        .order_by("-jurisdiction__path")
        .first()
    )


def _formula(point: RiskPoint) -> str:
    """How the grade came about, e.g. "D = L × E × C = 3 × 6 × 15 = 270"."""

    def number(value) -> str:
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    if point.method == GradingMethod.LEC and None not in (point.lec_l, point.lec_e, point.lec_c, point.score):
        return f"D = L × E × C = {number(point.lec_l)} × {number(point.lec_e)} × {number(point.lec_c)} = {number(point.score)}"
    if point.method == GradingMethod.LS and None not in (point.ls_l, point.ls_s, point.score):
        return f"R = L × S = {point.ls_l} × {point.ls_s} = {number(point.score)}"
    return ""


class _RiskPointFormMixin(ServiceFormMixin):
    model = RiskPoint
    form_class = RiskPointForm
    template_name = "hazards/risk_point_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        response = super().form_valid(form)
        if isinstance(response, HttpResponseRedirect):
            messages.success(
                self.request,
                _("Saved. Grade: %(grade)s.") % {"grade": self.object.get_grade_display()}
                + (f" {_formula(self.object)}" if _formula(self.object) else ""),
            )
        return response

    def get_success_url(self):
        return self.object.get_absolute_url()


class RiskPointCreateView(ModelPermissionRequiredMixin, _RiskPointFormMixin, CreateView):
    required_permission = "hazards.add_riskpoint"

    def get_initial(self):
        initial = super().get_initial()
        enterprise_id = self.request.GET.get("enterprise", "")
        if enterprise_id.isdigit():
            from responsibility.models import Enterprise

            enterprise = Enterprise.objects.restrict(self.request.user, "view").filter(pk=enterprise_id).first()
            if enterprise is not None:
                initial["enterprise_ref"] = enterprise.credit_code
        initial.setdefault("identified_on", timezone.localdate())
        return initial

    def run_service(self, form):
        fields = form.service_fields()
        return services.risk_point_create(
            actor=self.request.user, name=fields.pop("name"), hazard_factors=fields.pop("hazard_factors"), **fields
        )


class RiskPointUpdateView(ObjectActionRequiredMixin, _RiskPointFormMixin, UpdateView):
    def get_base_queryset(self):
        return RiskPoint.objects.select_related("enterprise", "jurisdiction")

    def get_object(self, queryset=None):
        point = super().get_object(queryset)
        if point.status != RiskPointStatus.ACTIVE:
            raise PermissionDenied(_("A retired risk point cannot be changed."))
        return point

    def run_service(self, form):
        return services.risk_point_update(actor=self.request.user, risk_point=self.object, **form.service_fields())


class RiskPointRetireView(ObjectActionRequiredMixin, FormView):
    model = RiskPoint
    form_class = RiskPointRetireForm
    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if not _can_change(request.user, self.object):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_title"] = _("Retire the risk point %(name)s") % {"name": self.object.name}
        context["object"] = self.object
        return context

    def form_valid(self, form):
        try:
            services.risk_point_retire(actor=self.request.user, risk_point=self.object, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The risk point was retired."))
        return HttpResponseRedirect(self.object.get_absolute_url())


# --- Re-identification rounds -----------------------------------------------------------------


class RiskRoundListView(ModelPermissionRequiredMixin, FilteredListView):
    required_permission = "hazards.view_riskreviewround"
    model = RiskReviewRound
    filterset_class = RiskRoundFilterSet
    template_name = "hazards/risk_round_list.html"

    def get_base_queryset(self):
        return with_progress(
            RiskReviewRound.objects.select_related("jurisdiction", "opened_by", "closed_by").order_by(
                "-year", "-half", "jurisdiction__path"
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_open"] = self.request.user.has_perm("hazards.add_riskreviewround")
        return context


class RiskRoundOpenView(ModelPermissionRequiredMixin, FormView):
    required_permission = "hazards.add_riskreviewround"
    form_class = RiskRoundOpenForm
    template_name = "form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_title"] = _("Open a re-identification round")
        return context

    def form_valid(self, form):
        try:
            opened = services.risk_round_open(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The round is open: review every active risk point, then close it."))
        return HttpResponseRedirect(opened.get_absolute_url())


class RiskRoundDetailView(ScopedDetailView):
    model = RiskReviewRound
    template_name = "hazards/risk_round_detail.html"
    context_object_name = "round"
    paginate_by = 50

    def get_base_queryset(self):
        return with_progress(RiskReviewRound.objects.select_related("jurisdiction", "opened_by", "closed_by"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review_round, user = self.object, self.request.user
        state = self.request.GET.get("state", "pending" if review_round.status == RoundStatus.OPEN else "reviewed")
        points = round_points(review_round).order_by(grade_rank(), "jurisdiction_path", "name", "pk")
        if state == "pending":
            points = points.filter(review_outcome__isnull=True)
        elif state == "reviewed":
            points = points.filter(review_outcome__isnull=False)
        else:
            state = "all"
        page = Paginator(points, self.paginate_by).get_page(self.request.GET.get("page"))
        is_open = review_round.status == RoundStatus.OPEN
        total = review_round.reviewed_count + review_round.pending_count
        context.update(
            state=state,
            page_obj=page,
            paginator=page.paginator,
            points=page.object_list,
            query_string=f"state={state}",
            total=total,
            percent=round(100 * review_round.reviewed_count / total) if total else 100,
            can_review=is_open and user.has_perm("hazards.add_riskpointreview"),
            can_close=is_open and user.has_perm("hazards.change_riskreviewround"),
            outcomes=dict(ReviewOutcome.choices),
        )
        return context


class _RoundActionMixin(LoginRequiredMixin):
    def load_round(self, pk) -> RiskReviewRound:
        return get_object_or_404(
            RiskReviewRound.objects.restrict(self.request.user, "view").select_related("jurisdiction"), pk=pk
        )


class RiskPointReviewView(_RoundActionMixin, FormView):
    """Review one point of a round. The round's page posts here too (its inline "confirm")."""

    form_class = RiskPointReviewForm
    template_name = "hazards/risk_round_review.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.round = self.load_round(kwargs["pk"])
            self.point = get_object_or_404(
                RiskPoint.objects.restrict(request.user, "view")
                .filter(jurisdiction_path__startswith=self.round.jurisdiction.path)
                .select_related("enterprise", "jurisdiction", "sector"),
                pk=kwargs["point_pk"],
            )
            if not (request.user.has_perm("hazards.add_riskpointreview") and _can_change(request.user, self.point)):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "risk_point": self.point}

    def get_initial(self):
        return {"outcome": self.request.GET.get("outcome", "")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            round=self.round,
            point=self.point,
            formula=_formula(self.point),
            review=RiskPointReview.objects.filter(round=self.round, risk_point=self.point).select_related("reviewed_by").first(),
        )
        return context

    def form_invalid(self, form):
        if self.request.POST.get("inline"):
            for error in form.errors.values():
                messages.error(self.request, " ".join(error))
            return redirect(self.round.get_absolute_url())
        return super().form_invalid(form)

    def form_valid(self, form):
        try:
            review = services.risk_point_review(
                actor=self.request.user, round=self.round, risk_point=self.point, **form.service_fields()
            )
        except ValidationError as error:
            if self.request.POST.get("inline"):
                messages.error(self.request, " ".join(error.messages))
                return redirect(self.round.get_absolute_url())
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s: %(outcome)s.") % {"name": self.point.name, "outcome": review.get_outcome_display()},
        )
        return redirect(f"{self.round.get_absolute_url()}?state=pending")


class RiskRoundCloseView(_RoundActionMixin, View):
    def post(self, request, pk):
        review_round = self.load_round(pk)
        if not request.user.has_perm("hazards.change_riskreviewround"):
            raise PermissionDenied
        try:
            services.risk_round_close(actor=request.user, round=review_round)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The round is closed."))
        return redirect(review_round.get_absolute_url())


# --- The risk map -----------------------------------------------------------------------------


class RiskMapView(ModelPermissionRequiredMixin, TemplateView):
    required_permission = "hazards.view_riskpoint"
    template_name = "hazards/risk_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = RiskMapFilterSet(self.request.GET or None, queryset=RiskPoint.objects.none(), request=self.request)
        if filterset.is_bound:
            filterset.is_valid()
        context["filterset"] = filterset
        context["map_config"] = {
            "dataUrl": reverse("hazards:risk_map_data"),
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "labels": {
                "loading": _("Loading…"),
                "failed": _("The map data could not be loaded."),
                "invalid": _("Some filters are not valid."),
                "capped": _("Only the first %(limit)s of each kind are shown: narrow the filters."),
                "summary": _("%(points)s risk points, %(hazards)s open major hazards with coordinates."),
                "riskPoint": _("Risk point"),
                "majorHazard": _("Open major hazard"),
                "enterprise": _("Enterprise"),
                "grade": _("Grade"),
                "status": _("Status"),
                "deadline": _("Deadline"),
                "overdue": _("Overdue"),
                "open": _("Open"),
                "noData": _("Nothing with coordinates matches these filters."),
                "zoomIn": _("Zoom in"),
                "zoomOut": _("Zoom out"),
                "lat": pgettext("latitude north", "N"),
                "lon": pgettext("longitude east", "E"),
            },
        }
        context["grades"] = GRADES
        return context


class RiskMapDataView(LoginRequiredMixin, View):
    """The map's data as GeoJSON: active risk points and open major hazards with coordinates,
    in the user's scope, filtered like the map; ``?download=1`` saves it as a file."""

    def get(self, request):
        user = request.user
        points = RiskPoint.objects.restrict(user, "view").filter(status=RiskPointStatus.ACTIVE)
        filterset = RiskMapFilterSet(request.GET or None, queryset=points, request=request)
        if filterset.is_bound and not filterset.is_valid():
            return JsonResponse(
                {"status": 400, "code": "invalid", "detail": _("Some filters are not valid."), "errors": filterset.errors},
                status=400,
            )
        layers = [
            Layer("risk_points", filterset.qs.order_by(grade_rank(), "-pk"), RISK_POINT_FIELDS, risk_point_feature_builder())
        ]
        cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
        if cleaned.get("hazards") is not False:
            hazards = Hazard.objects.restrict(user, "view").open().major()
            if cleaned.get("jurisdiction"):
                hazards = hazards.filter(jurisdiction_path__startswith=cleaned["jurisdiction"].path)
            if cleaned.get("sector"):
                hazards = hazards.filter(sector=cleaned["sector"])
            layers.append(Layer("major_hazards", hazards.order_by("-found_on", "-pk"), HAZARD_FIELDS, hazard_feature_builder()))
        response = StreamingHttpResponse(stream_feature_collection(layers), content_type="application/geo+json; charset=utf-8")
        if request.GET.get("download"):
            response["Content-Disposition"] = f'attachment; filename="risk-map-{timezone.localdate():%Y%m%d}.geojson"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- Menu and home page -----------------------------------------------------------------------


def _risk_colours_panel(request) -> str | None:
    user = request.user
    if not user.has_perm("hazards.view_riskpoint"):
        return None
    totals = colour_totals(RiskPoint.objects.restrict(user, "view"))
    if not any(totals.values()):
        return None
    return render_to_string(
        "hazards/risk_home_panel.html",
        {"totals": [(grade, totals[grade]) for grade in GRADES], "total": sum(totals.values())},
        request=request,
    )


NAV = [
    NavItem(gettext_lazy("Risk points"), "hazards:risk_point_list", "hazards.view_riskpoint", 76),
    NavItem(gettext_lazy("Risk map"), "hazards:risk_map", "hazards.view_riskpoint", 77),
]
HOME_PANELS = [HomePanel(_risk_colours_panel, 76)]

urlpatterns = [
    path("risk-points/", RiskPointListView.as_view(), name="risk_point_list"),
    path("risk-points/summary/", RiskPointSummaryView.as_view(), name="risk_point_summary"),
    path("risk-points/new/", RiskPointCreateView.as_view(), name="risk_point_create"),
    path("risk-points/<int:pk>/", RiskPointDetailView.as_view(), name="risk_point_detail"),
    path("risk-points/<int:pk>/edit/", RiskPointUpdateView.as_view(), name="risk_point_update"),
    path("risk-points/<int:pk>/retire/", RiskPointRetireView.as_view(), name="risk_point_retire"),
    path("risk-rounds/", RiskRoundListView.as_view(), name="risk_round_list"),
    path("risk-rounds/new/", RiskRoundOpenView.as_view(), name="risk_round_open"),
    path("risk-rounds/<int:pk>/", RiskRoundDetailView.as_view(), name="risk_round_detail"),
    path("risk-rounds/<int:pk>/points/<int:point_pk>/review/", RiskPointReviewView.as_view(), name="risk_point_review"),
    path("risk-rounds/<int:pk>/close/", RiskRoundCloseView.as_view(), name="risk_round_close"),
    path("map/", RiskMapView.as_view(), name="risk_map"),
    path("map/data.geojson", RiskMapDataView.as_view(), name="risk_map_data"),
]
