"""Views: accountability decisions (问责), duty-performance dossiers (尽职免责) and the trace-back
report of an accident (倒查)."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from assessments.choices import DossierStatus
from assessments.forms.accountability import (
    DecisionFilterSet,
    DecisionForm,
    DossierFilterSet,
    DossierRequestForm,
)
from assessments.models import Accident, AccountabilityDecision, DutyDossier
from assessments.selectors.dossier import dossier_display
from assessments.selectors.traceback import gap_text, trace_back
from assessments.services import accountability as decisions
from assessments.services import dossiers
from core.errors import ConflictError
from core.files import attachment_response
from core.registry import NavItem
from core.tabular import xlsx_response
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ScopedQuerysetMixin,
    add_service_errors,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url_or_none(name: str, *args) -> str | None:
    """Pages of other features are linked only when they exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Decisions --------------------------------------------------------------------------------

EXPORT_HEADERS = [
    gettext_lazy("Decided on"),
    gettext_lazy("Official"),
    gettext_lazy("Unit"),
    gettext_lazy("Post at the time"),
    gettext_lazy("Measure"),
    gettext_lazy("Modifier"),
    gettext_lazy("Reason for the modifier"),
    gettext_lazy("Lifelong accountability"),
    gettext_lazy("Decided by"),
    gettext_lazy("Document reference"),
    gettext_lazy("Grounds"),
    gettext_lazy("Accident"),
    gettext_lazy("Patrol finding"),
    gettext_lazy("Hazard"),
    gettext_lazy("Jurisdiction"),
]


class DecisionListView(ModelPermissionRequiredMixin, FilteredListView):
    required_permission = "assessments.view_accountabilitydecision"
    model = AccountabilityDecision
    filterset_class = DecisionFilterSet
    template_name = "assessments/decision_list.html"
    export_filename = gettext_lazy("accountability-decisions")
    export_columns = [(h, "") for h in EXPORT_HEADERS]  # turns the export on; export_xlsx writes the rows

    def get_base_queryset(self):
        # Newest first along the (jurisdiction_path, decided_on) index.
        return AccountabilityDecision.objects.select_related(
            "official", "organization", "jurisdiction", "accident", "patrol_finding__patrol", "hazard"
        ).order_by("-decided_on", "-pk")

    def export_xlsx(self):
        from assessments.choices import AccountabilityMeasure, AccountabilityModifier

        measures = {k: str(v) for k, v in AccountabilityMeasure.choices}
        modifiers = {k: str(v) for k, v in AccountabilityModifier.choices}
        yes, no = _("Yes"), _("No")
        rows = self.get_queryset()[: self.export_limit].values_list(
            "decided_on", "official__name", "organization__name", "post_title", "measure", "modifier", "modifier_reason", "lifelong",
            "decided_by", "document_reference", "grounds", "accident__code", "patrol_finding__patrol__code",
            "patrol_finding__number", "hazard__code", "jurisdiction__name",
        )

        def lines():
            for (decided_on, official, unit, post, measure, modifier, reason, lifelong, decided_by, reference, grounds,
                 accident, patrol, finding_number, hazard, place) in rows.iterator(chunk_size=2000):
                yield [
                    decided_on, official or "", unit or "", post, measures.get(measure, measure),
                    modifiers.get(modifier, "") if modifier else "", reason, yes if lifelong else no, decided_by, reference, grounds,
                    accident or "", f"{patrol}-{finding_number}" if patrol else "", hazard or "", place,
                ]

        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(h) for h in EXPORT_HEADERS],
            rows=lines(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("assessments.add_accountabilitydecision")
        form = self.filterset.form if self.filterset is not None else None
        data = form.cleaned_data if form is not None and form.is_bound and form.is_valid() else {}
        # Filters reached from an accident's or an official's page are named in the header.
        context["for_accident"] = (
            Accident.objects.restrict(self.request.user, "view").filter(pk=data["accident"]).first() if data.get("accident") else None
        )
        from responsibility.models import Official

        context["for_official"] = (
            Official.objects.restrict(self.request.user, "view").filter(pk=data["official"]).first() if data.get("official") else None
        )
        return context


class DecisionDetailView(ModelPermissionRequiredMixin, ScopedDetailView):
    required_permission = "assessments.view_accountabilitydecision"
    model = AccountabilityDecision
    template_name = "assessments/decision_detail.html"
    context_object_name = "decision"

    def get_base_queryset(self):
        return AccountabilityDecision.objects.select_related(
            "official", "organization", "jurisdiction", "accident", "patrol_finding__patrol", "patrol_finding__responsible_unit",
            "hazard", "dossier", "created_by",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision, user = self.object, self.request.user
        context["can_change"] = AccountabilityDecision.objects.restrict(user, "change").filter(pk=decision.pk).exists()
        context["accident_url"] = url_or_none("assessments:accident_detail", decision.accident_id) if decision.accident_id else None
        context["hazard_url"] = url_or_none("hazards:hazard_detail", decision.hazard_id) if decision.hazard_id else None
        context["patrol_url"] = (
            url_or_none("patrols:patrol_detail", decision.patrol_finding.patrol_id) if decision.patrol_finding_id else None
        )
        return context


class _DecisionFormMixin:
    form_class = DecisionForm
    template_name = "assessments/decision_form.html"

    @property
    def who(self) -> str:
        return (self.request.GET.get("who") or self.request.POST.get("who") or "").strip()[:50]

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "user": self.request.user, "who": self.who}
        if self.request.method == "POST" and "prefill" in self.request.POST:
            # "Take the unit and post from the decision date": recomputed, nothing saved.
            kwargs["data"] = self._prefilled(kwargs["data"])
        return kwargs

    def _prefilled(self, data):
        from django.forms import DateField

        from responsibility.models import Official

        data = data.copy()
        try:
            on = DateField().clean(data.get("decided_on") or "")
        except ValidationError:
            on = timezone.localdate()
        official_id = data.get("official") or ""
        official = (
            Official.objects.restrict(self.request.user, "view").filter(pk=int(official_id)).first() if official_id.isdigit() else None
        )
        if official is not None:
            held = decisions.posts_at(official, on)
            data["post_title"] = "；".join(f"{p.organization.name} {p.title or p.get_role_display()}" for p in held)
            data["organization"] = str(held[0].organization_id) if held else ""
        return data

    def post(self, request, *args, **kwargs):
        if "prefill" in request.POST:
            form = self.get_form()
            form.is_valid()  # show the recomputed values with any remaining errors
            return self.render_to_response(self.get_context_data(form=form, prefilled=True))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["who"] = self.who
        params = self.request.GET.copy()
        params.pop("who", None)
        context["keep_params"] = [(k, v) for k, v in params.items() if k in ("official", "accident", "patrol_finding", "hazard", "organization")]
        context["can_request_dossier"] = self.request.user.has_perm("assessments.add_dutydossier")
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class DecisionCreateView(ModelPermissionRequiredMixin, _DecisionFormMixin, FormView):
    required_permission = "assessments.add_accountabilitydecision"

    def get_initial(self):
        from hazards.models import Hazard
        from responsibility.models import Official

        user, params = self.request.user, self.request.GET
        initial = {"decided_on": timezone.localdate()}
        for name in ("official", "accident", "patrol_finding", "organization"):
            raw = params.get(name, "")
            if raw.isdigit():
                initial[name] = int(raw)
        raw = params.get("hazard", "")
        if raw.isdigit():
            hazard = Hazard.objects.restrict(user, "view").filter(pk=int(raw)).only("code").first()
            if hazard is not None:
                initial["hazard_code"] = hazard.code
        if "official" in initial:
            official = Official.objects.restrict(user, "view").filter(pk=initial["official"]).first()
            if official is not None:
                held = decisions.posts_at(official, initial["decided_on"])
                initial["post_title"] = "；".join(f"{p.organization.name} {p.title or p.get_role_display()}" for p in held)
                if held and "organization" not in initial:
                    initial["organization"] = held[0].organization_id
        return initial

    def form_valid(self, form):
        try:
            self.object = decisions.decision_record(actor=self.request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The accountability decision has been recorded."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_title"] = _("Record an accountability decision")
        return context


class DecisionUpdateView(ObjectActionRequiredMixin, _DecisionFormMixin, FormView):
    model = AccountabilityDecision
    required_action = "change"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        decision = get_object_or_404(self.get_queryset().select_related("hazard"), pk=self.kwargs["pk"])
        if not AccountabilityDecision.objects.restrict(self.request.user, "change").filter(pk=decision.pk).exists():
            raise PermissionDenied
        return decision

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def form_valid(self, form):
        fields = form.service_fields()
        try:
            self.object = decisions.decision_update(
                actor=self.request.user, decision=self.object, expected_updated_at=form.cleaned_data.get("expected_updated_at"), **fields
            )
        except ValidationError as error:
            add_service_errors(form, error)
            response = self.form_invalid(form)
            if isinstance(error, ConflictError):
                response.status_code = 409
            return response
        messages.success(self.request, _("The accountability decision has been saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_title"] = _("Edit the accountability decision")
        context["decision"] = self.object
        return context


# --- Dossiers ---------------------------------------------------------------------------------


class DossierListView(ModelPermissionRequiredMixin, FilteredListView):
    required_permission = "assessments.view_dutydossier"
    model = DutyDossier
    filterset_class = DossierFilterSet
    template_name = "assessments/dossier_list.html"

    def get_base_queryset(self):
        return DutyDossier.objects.select_related("official", "accident", "requested_by").defer("data").order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("assessments.add_dutydossier")
        return context


class DossierCreateView(ModelPermissionRequiredMixin, FormView):
    required_permission = "assessments.add_dutydossier"
    form_class = DossierRequestForm
    template_name = "assessments/dossier_form.html"

    @property
    def who(self) -> str:
        return (self.request.GET.get("who") or "").strip()[:50]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "who": self.who}

    def get_initial(self):
        today = timezone.localdate()
        initial = {"period_start": today - relativedelta(years=1), "period_end": today}
        for name in ("official", "accident"):
            raw = self.request.GET.get(name, "")
            if raw.isdigit():
                initial[name] = int(raw)
        if "accident" in initial:
            accident = Accident.objects.restrict(self.request.user, "view").filter(pk=initial["accident"]).first()
            if accident is not None:
                # The year before the accident: what the official had done when it happened.
                day = timezone.localdate(accident.occurred_at)
                initial["period_end"] = day
                initial["period_start"] = day - relativedelta(years=1)
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            dossier = dossiers.dossier_request(
                actor=self.request.user, official=data["official"], period_start=data["period_start"], period_end=data["period_end"],
                accident=data.get("accident"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(dossier.get_absolute_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["who"] = self.who
        context["keep_params"] = [(k, v) for k, v in self.request.GET.items() if k in ("official", "accident")]
        return context


def _status_payload(dossier: DutyDossier) -> dict:
    ready = dossier.status == DossierStatus.READY
    return {
        "id": dossier.pk,
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "error": dossier.error,
        "generated_at": dossier.generated_at.isoformat() if dossier.generated_at else None,
        "stale": dossiers.is_stale(dossier),
        "detail_url": dossier.get_absolute_url(),
        "download_url": reverse("assessments:dossier_download", args=[dossier.pk]) if ready and dossier.file else None,
    }


class DossierDetailView(ModelPermissionRequiredMixin, ScopedDetailView):
    required_permission = "assessments.view_dutydossier"
    model = DutyDossier
    template_name = "assessments/dossier_detail.html"
    context_object_name = "dossier"

    def get_base_queryset(self):
        return DutyDossier.objects.select_related("official", "accident", "requested_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dossier = self.object
        context["status"] = _status_payload(dossier)
        context["data"] = dossier_display(dossier.data) if dossier.status == DossierStatus.READY and dossier.data else None
        context["can_retry"] = self.request.user.has_perm("assessments.add_dutydossier") and (
            dossier.status == DossierStatus.FAILED or dossiers.is_stale(dossier)
        )
        context["official_url"] = url_or_none("responsibility:official_detail", dossier.official_id)
        context["accident_url"] = url_or_none("assessments:accident_detail", dossier.accident_id) if dossier.accident_id else None
        return context


class DossierStatusView(ModelPermissionRequiredMixin, ScopedQuerysetMixin, View):
    """The small JSON the dossier page polls while the dossier is being generated."""

    required_permission = "assessments.view_dutydossier"
    model = DutyDossier

    def get(self, request, pk):
        dossier = get_object_or_404(self.get_queryset().defer("data"), pk=pk)
        response = JsonResponse(_status_payload(dossier))
        response["Cache-Control"] = "no-store"
        return response


class DossierDownloadView(ModelPermissionRequiredMixin, ScopedQuerysetMixin, View):
    required_permission = "assessments.view_dutydossier"
    model = DutyDossier

    def get(self, request, pk):
        from assessments.dossier_pdf import dossier_filename

        dossier = get_object_or_404(self.get_queryset().select_related("official").defer("data"), pk=pk)
        if dossier.status != DossierStatus.READY or not dossier.file:
            raise Http404
        return attachment_response(dossier.file, filename=dossier_filename(dossier))


class DossierRetryView(ModelPermissionRequiredMixin, ScopedQuerysetMixin, View):
    required_permission = "assessments.add_dutydossier"
    model = DutyDossier

    def post(self, request, pk):
        dossier = get_object_or_404(self.get_queryset().defer("data"), pk=pk)
        try:
            dossiers.dossier_retry(actor=request.user, dossier=dossier)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The dossier is being generated again."))
        return HttpResponseRedirect(dossier.get_absolute_url())


# --- Trace-back -------------------------------------------------------------------------------


class _AccidentMixin(ModelPermissionRequiredMixin, ScopedQuerysetMixin):
    required_permission = "assessments.view_accident"
    model = Accident

    def get_accident(self) -> Accident:
        return get_object_or_404(
            self.get_queryset().select_related("jurisdiction", "enterprise", "supervising_department__jurisdiction", "sector"),
            pk=self.kwargs["pk"],
        )


class TraceBackView(_AccidentMixin, View):
    def get(self, request, pk):
        from django.shortcuts import render

        accident = self.get_accident()
        tb = trace_back(accident)
        user = request.user
        context = {
            "accident": accident,
            "tb": tb,
            "gaps": [gap_text(g) for g in tb.gaps],
            "accident_url": url_or_none("assessments:accident_detail", accident.pk),
            "can_request_dossier": user.has_perm("assessments.add_dutydossier"),
            "can_add_decision": user.has_perm("assessments.add_accountabilitydecision"),
            "dossier_url": reverse("assessments:dossier_create"),
            "decision_url": reverse("assessments:decision_create"),
        }
        return render(request, "assessments/traceback.html", context)


class TraceBackDocxView(_AccidentMixin, View):
    def get(self, request, pk):
        from assessments.traceback_docs import traceback_docx, traceback_filename

        tb = trace_back(self.get_accident())
        return download(traceback_docx(tb), filename=traceback_filename(tb, "docx"), content_type=DOCX_TYPE)


class TraceBackPdfView(_AccidentMixin, View):
    def get(self, request, pk):
        from assessments.traceback_docs import traceback_filename, traceback_pdf

        tb = trace_back(self.get_accident())
        return download(traceback_pdf(tb), filename=traceback_filename(tb, "pdf"), content_type="application/pdf")


def decision_query(**params) -> str:
    """The decision form's URL with choices made (from an accident's or an official's page)."""
    return f"{reverse('assessments:decision_create')}?{urlencode({k: v for k, v in params.items() if v})}"


NAV = [
    NavItem(gettext_lazy("Accountability"), "assessments:decision_list", "assessments.view_accountabilitydecision", 86),
    NavItem(gettext_lazy("Duty dossiers"), "assessments:dossier_list", "assessments.view_dutydossier", 87),
]
HOME_PANELS = []

urlpatterns = [
    path("decisions/", DecisionListView.as_view(), name="decision_list"),
    path("decisions/new/", DecisionCreateView.as_view(), name="decision_create"),
    path("decisions/<int:pk>/", DecisionDetailView.as_view(), name="decision_detail"),
    path("decisions/<int:pk>/edit/", DecisionUpdateView.as_view(), name="decision_update"),
    path("dossiers/", DossierListView.as_view(), name="dossier_list"),
    path("dossiers/new/", DossierCreateView.as_view(), name="dossier_create"),
    path("dossiers/<int:pk>/", DossierDetailView.as_view(), name="dossier_detail"),
    path("dossiers/<int:pk>/status/", never_cache(DossierStatusView.as_view()), name="dossier_status"),
    path("dossiers/<int:pk>/pdf/", DossierDownloadView.as_view(), name="dossier_download"),
    path("dossiers/<int:pk>/retry/", DossierRetryView.as_view(), name="dossier_retry"),
    path("accidents/<int:pk>/trace-back/", TraceBackView.as_view(), name="accident_traceback"),
    path("accidents/<int:pk>/trace-back.docx", TraceBackDocxView.as_view(), name="accident_traceback_docx"),
    path("accidents/<int:pk>/trace-back.pdf", TraceBackPdfView.as_view(), name="accident_traceback_pdf"),
]
