"""Views: enterprises' monthly self-reports (the report form, the list, who has not reported)
and the office's queue of public tip-offs (triage: turn into a hazard or dismiss)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from core.choices import AccountType
from core.errors import ConflictError
from core.files import attachment_response
from core.registry import HomePanel, NavItem
from core.tabular import xlsx_response
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ScopedDetailView,
    ScopedQuerysetMixin,
    add_service_errors,
)
from hazards.choices import TipOffStatus
from hazards.filters.reports import MissingReportFilterSet, SelfReportFilterSet, TipOffFilterSet
from hazards.forms.reports import SelfReportForm, TipOffConvertForm, TipOffDismissForm
from hazards.models import EnterpriseSelfReport, TipOff, TipOffPhoto
from hazards.selectors import reports as selectors
from hazards.services import reports as services
from responsibility.choices import EnterpriseStatus
from responsibility.models import Enterprise, EnterpriseSupervision


def _url_or_none(name: str, *args) -> str | None:
    """Pages of other features (the hazard's own page) are linked only when installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _month_param(month) -> str:
    return month.strftime("%Y-%m")


# --- Monthly self-reports ---------------------------------------------------------------------


SELF_REPORT_EXPORT_HEADERS = [
    gettext_lazy("Month"),
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Enterprise"),
    gettext_lazy("Township or village"),
    gettext_lazy("Sector"),
    gettext_lazy("No hazards found"),
    gettext_lazy("Hazards found"),
    gettext_lazy("Hazards rectified"),
    gettext_lazy("Note"),
    gettext_lazy("Submitted by"),
    gettext_lazy("Submitted at"),
]


class SelfReportListView(ModelPermissionRequiredMixin, FilteredListView):
    required_permission = "hazards.view_enterpriseselfreport"
    model = EnterpriseSelfReport
    filterset_class = SelfReportFilterSet
    template_name = "hazards/self_report_list.html"
    export_filename = gettext_lazy("monthly-self-reports")
    # Turns the export button on; export_xlsx writes the rows itself (dates and yes/no).
    export_columns = [(h, "") for h in SELF_REPORT_EXPORT_HEADERS]

    def get_base_queryset(self):
        # Newest month first, then by enterprise id: both walk the (month, enterprise) index,
        # where sorting a month's tens of thousands of reports by name took most of a second.
        return EnterpriseSelfReport.objects.select_related(
            "enterprise__jurisdiction__parent", "enterprise__sector", "submitted_by"
        ).order_by("-month", "-enterprise_id")

    def export_xlsx(self):
        yes, no = _("Yes"), _("No")
        reports = self.get_queryset()[: self.export_limit].values_list(
            "month", "enterprise__credit_code", "enterprise__name", "enterprise__jurisdiction__name", "enterprise__sector__name",
            "none_found", "hazards_found", "hazards_rectified", "note",
            "submitted_by__display_name", "submitted_by__username", "updated_at",
        )

        def rows():
            # Plain values, not model instances: tens of thousands of rows stay quick.
            for (month, code, name, place, sector, none_found, found, rectified, note,
                 display_name, username, updated_at) in reports.iterator(chunk_size=5000):
                yield [
                    _month_param(month), code, name, place, sector, yes if none_found else no, found, rectified, note,
                    display_name or username or "", timezone.localtime(updated_at).strftime("%Y-%m-%d %H:%M"),
                ]

        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(h) for h in SELF_REPORT_EXPORT_HEADERS],
            rows=rows(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_submit"] = user.has_perm("hazards.add_enterpriseselfreport")
        context["can_see_missing"] = user.has_perm("responsibility.view_enterprise")
        context["this_month"] = services.this_month()
        return context


class SelfReportDetailView(ScopedDetailView):
    model = EnterpriseSelfReport
    template_name = "hazards/self_report_detail.html"
    context_object_name = "report"

    def get_base_queryset(self):
        return EnterpriseSelfReport.objects.select_related("enterprise__jurisdiction__parent", "enterprise__sector", "submitted_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        can_change = EnterpriseSelfReport.objects.restrict(user, "change").filter(pk=report.pk).exists()
        context["can_correct"] = can_change and services.is_correctable(report)
        context["correct_url"] = reverse("hazards:self_report_submit") + "?" + urlencode(
            {"enterprise": report.enterprise_id, "month": _month_param(report.month)}
        )
        return context


class SelfReportSubmitView(ModelPermissionRequiredMixin, FormView):
    """The monthly report form. An enterprise account reports for its enterprise (chosen in a
    drop-down when it has several); office staff come from the missing-reports list with the
    enterprise chosen, or type its credit code."""

    required_permission = "hazards.add_enterpriseselfreport"
    form_class = SelfReportForm
    template_name = "hazards/self_report_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.required_permission):
            self.enterprise = self._chosen_enterprise(request)
            self.month = self._chosen_month(request)
        return super().dispatch(request, *args, **kwargs)

    def _visible_enterprises(self):
        return Enterprise.objects.restrict(self.request.user, "view").exclude(status=EnterpriseStatus.CLOSED)

    def _chosen_enterprise(self, request) -> Enterprise | None:
        raw = request.GET.get("enterprise", "")
        if raw:
            if not raw.isdigit():
                raise Http404
            return get_object_or_404(self._visible_enterprises().select_related("jurisdiction"), pk=int(raw))
        if request.user.account_type == AccountType.ENTERPRISE:
            own = list(self._visible_enterprises().select_related("jurisdiction")[:2])
            if len(own) == 1:
                return own[0]
        return None

    def _chosen_month(self, request):
        from hazards.forms.reports import MonthField

        try:
            month = MonthField(required=False).clean(request.GET.get("month", ""))
        except ValidationError:
            month = None
        current = services.this_month()
        return month if month and month <= current else current

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "enterprise": self.enterprise}

    def get_initial(self):
        initial = {"month": self.month}
        if self.enterprise is None:
            return initial
        initial["enterprise"] = self.enterprise.pk
        existing = EnterpriseSelfReport.objects.filter(enterprise=self.enterprise, month=self.month).first()
        if existing is not None:
            initial.update(
                none_found=existing.none_found,
                hazards_found=existing.hazards_found,
                hazards_rectified=existing.hazards_rectified,
                note=existing.note,
            )
        else:
            suggestion = selectors.ledger_suggestion(self.enterprise, self.month)
            initial.update(hazards_found=suggestion["found"], hazards_rectified=suggestion["rectified"])
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enterprise"] = self.enterprise
        context["month"] = self.month
        if self.enterprise is not None:
            context["existing"] = EnterpriseSelfReport.objects.filter(enterprise=self.enterprise, month=self.month).first()
            context["suggestion"] = selectors.ledger_suggestion(self.enterprise, self.month)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = services.self_report_submit(
                actor=self.request.user,
                enterprise=data["enterprise"],
                month=data["month"],
                none_found=data["none_found"],
                hazards_found=data["hazards_found"],
                hazards_rectified=data["hazards_rectified"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The monthly report of %(enterprise)s for %(month)s has been submitted.")
            % {"enterprise": self.object.enterprise.name, "month": _month_param(self.object.month)},
        )
        return HttpResponseRedirect(self.object.get_absolute_url())


def _supervisions_prefetch() -> Prefetch:
    return Prefetch("supervisions", queryset=EnterpriseSupervision.objects.select_related("organization"))


class MissingReportsView(ModelPermissionRequiredMixin, FilteredListView):
    """Enterprises (operating, in scope) with no report for the month, counted by primary
    supervising department and by township, then listed."""

    required_permission = "hazards.view_enterpriseselfreport"
    model = Enterprise
    filterset_class = MissingReportFilterSet
    template_name = "hazards/self_report_missing.html"
    paginate_by = 50
    export_filename = gettext_lazy("missing-monthly-reports")
    export_columns = [
        (gettext_lazy("Unified social credit code"), "credit_code"),
        (gettext_lazy("Enterprise"), "name"),
        (gettext_lazy("Township or village"), "jurisdiction.name"),
        (gettext_lazy("Sector"), "sector.name"),
        (gettext_lazy("Primary supervising department"), "primary_department_name"),
        (gettext_lazy("Safety contact"), "safety_contact"),
        (gettext_lazy("Contact phone"), "contact_phone"),
    ]

    def dispatch(self, request, *args, **kwargs):
        # The page is the offices': an enterprise account has its own report form instead.
        if request.user.is_authenticated and not request.user.has_perm("responsibility.view_enterprise"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _missing(self):
        """The missing enterprises after the filters (None when a filter is invalid); sets
        ``self.month`` and ``self.due``."""
        data = self.request.GET.copy()
        if not data.get("month"):
            data["month"] = _month_param(services.this_month())
        base = selectors.enterprises_due(self.request.user)
        self.filterset = self.filterset_class(data, queryset=base, request=self.request)
        self.month, self.due = services.this_month(), None
        if not self.filterset.is_valid():
            return None
        month = self.filterset.form.cleaned_data.get("month") or self.month
        if month > services.this_month():
            self.filterset.form.add_error("month", _("This month has not begun yet."))
            return None
        self.month, self.due = month, self.filterset.qs
        return selectors.without_report(self.due, month).order_by("name", "pk")

    def get_queryset(self):
        missing = self._missing()
        self.summary = None
        if missing is None:
            return Enterprise.objects.none()
        self.summary = selectors.missing_summary(self.due, self.month)
        return missing.select_related("jurisdiction__parent", "sector").prefetch_related(_supervisions_prefetch())

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, orphans=self.get_paginate_orphans())
        if self.summary is not None:
            paginator.count = self.summary.missing  # counted already; spares a COUNT(*)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def export_xlsx(self):
        missing = self._missing()
        rows = selectors.missing_export_rows(missing[: self.export_limit]) if missing is not None else []
        return xlsx_response(
            filename=f"{self.export_filename}-{_month_param(self.month)}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(header) for header, _attribute in self.export_columns],
            rows=rows,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = self.summary
        context["month"] = self.month
        context["month_param"] = _month_param(self.month)
        context["can_record"] = self.request.user.has_perm("hazards.add_enterpriseselfreport")
        params = self.request.GET.copy()
        for name in ("page", "department", "jurisdiction"):
            params.pop(name, None)
        params["month"] = context["month_param"]
        context["group_query"] = params.urlencode()
        return context


# --- Tip-off triage ---------------------------------------------------------------------------


class TipOffListView(ModelPermissionRequiredMixin, FilteredListView):
    required_permission = "hazards.view_tipoff"
    model = TipOff
    filterset_class = TipOffFilterSet
    template_name = "hazards/tip_off_list.html"

    def get_base_queryset(self):
        # Tips awaiting triage first, the newest of them on top.
        return (
            TipOff.objects.select_related("jurisdiction__parent")
            .annotate(handled=Case(When(status=TipOffStatus.NEW, then=Value(0)), default=Value(1), output_field=IntegerField()))
            .order_by("handled", "-created_at", "-pk")
        )


class TipOffDetailView(ModelPermissionRequiredMixin, ScopedDetailView):
    required_permission = "hazards.view_tipoff"
    model = TipOff
    template_name = "hazards/tip_off_detail.html"
    context_object_name = "tip"

    def get_base_queryset(self):
        return TipOff.objects.select_related("jurisdiction__parent", "hazard", "handled_by").prefetch_related("photos")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tip, user = self.object, self.request.user
        context["can_triage"] = tip.status == TipOffStatus.NEW and TipOff.objects.restrict(user, "triage").filter(pk=tip.pk).exists()
        context["dismiss_form"] = kwargs.get("dismiss_form") or TipOffDismissForm()
        context["hazard_url"] = _url_or_none("hazards:hazard_detail", tip.hazard_id) if tip.hazard_id else None
        context["public_status"] = selectors.public_status(tip)
        return context


class _TriageMixin(ScopedQuerysetMixin):
    """A tip the user may see (else 404) and triage (else 403)."""

    model = TipOff

    def get_tip(self) -> TipOff:
        tip = get_object_or_404(self.get_queryset().select_related("jurisdiction"), pk=self.kwargs["pk"])
        if not TipOff.objects.restrict(self.request.user, "triage").filter(pk=tip.pk).exists():
            raise PermissionDenied
        return tip


class TipOffConvertView(_TriageMixin, FormView):
    form_class = TipOffConvertForm
    template_name = "hazards/tip_off_convert.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.tip = self.get_tip()
            if request.method == "GET" and self.tip.status != TipOffStatus.NEW:
                messages.info(request, _("This tip-off has already been handled."))
                return HttpResponseRedirect(self.tip.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        tip = self.tip
        first_line = tip.description.strip().splitlines()[0] if tip.description.strip() else ""
        return {
            "title": f"{tip.place} {first_line}"[:60].strip(),
            "description": tip.description,
            "location": tip.place,
            "jurisdiction": tip.jurisdiction_id,
            "found_on": timezone.localtime(tip.created_at).date(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tip"] = self.tip
        # Enterprises of the tip's place whose name the tipster may have written.
        words = self.tip.place.strip()
        context["enterprise_hints"] = (
            list(
                Enterprise.objects.restrict(self.request.user, "view")
                .filter(jurisdiction__path__startswith=self.tip.jurisdiction_path, name__icontains=words[:20])
                .exclude(status=EnterpriseStatus.CLOSED)
                .order_by("name")[:5]
            )
            if len(words) >= 2
            else []
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            hazard = services.tip_off_convert(actor=self.request.user, tip_off=self.tip, **data)
        except ValidationError as error:
            add_service_errors(form, error)
            response = self.form_invalid(form)
            if isinstance(error, ConflictError):
                response.status_code = 409
            return response
        messages.success(self.request, _("The tip-off is now hazard %(code)s on the ledger.") % {"code": hazard.code})
        return HttpResponseRedirect(_url_or_none("hazards:hazard_detail", hazard.pk) or self.tip.get_absolute_url())


class TipOffDismissView(_TriageMixin, View):
    def post(self, request, pk):
        tip = self.get_tip()
        form = TipOffDismissForm(request.POST)
        error = None
        if form.is_valid():
            try:
                services.tip_off_dismiss(actor=request.user, tip_off=tip, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                error = exc
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The tip-off has been dismissed."))
                return HttpResponseRedirect(tip.get_absolute_url())
        view = TipOffDetailView()
        view.setup(request, pk=pk)
        view.object = view.get_object()
        response = view.render_to_response(view.get_context_data(object=view.object, dismiss_form=form))
        response.status_code = 409 if isinstance(error, ConflictError) else 400
        return response


class TipOffPhotoView(ModelPermissionRequiredMixin, ScopedQuerysetMixin, View):
    """A tip's photo, for those who may see the tip; shown in the page (``?inline=1``) or
    downloaded. Only JPG and PNG files whose content was checked are ever stored."""

    required_permission = "hazards.view_tipoff"
    model = TipOffPhoto

    def get(self, request, pk):
        photo = get_object_or_404(self.get_queryset(), pk=pk)
        if request.GET.get("inline"):
            try:
                handle = photo.file.open("rb")
            except FileNotFoundError:
                raise Http404 from None
            return FileResponse(handle, as_attachment=False, filename=str(photo))
        return attachment_response(photo.file)


# --- Menu and home page -----------------------------------------------------------------------


def _self_report_panel(request) -> str | None:
    """Enterprise accounts: this month's report, submitted or due. Safety-office staff: how
    many enterprises in their scope have not reported this month."""
    user = request.user
    month = services.this_month()
    if getattr(user, "account_type", None) == AccountType.ENTERPRISE:
        if not user.has_perm("hazards.add_enterpriseselfreport"):
            return None
        enterprises = selectors.own_enterprises_with_report(user, month)
        if not enterprises:
            return None
        context = {"enterprises": enterprises, "month": month, "month_param": _month_param(month)}
        return render_to_string("hazards/self_report_enterprise_panel.html", context, request=request)
    if not (user.has_perm("hazards.add_enterpriseselfreport") and user.has_perm("responsibility.view_enterprise")):
        return None
    context = {"missing": selectors.missing_count(user, month), "month": month, "month_param": _month_param(month)}
    if user.has_perm("hazards.triage_tipoff"):
        context["new_tips"] = selectors.new_tip_count(user)
    return render_to_string("hazards/self_report_office_panel.html", context, request=request)


NAV = [
    NavItem(gettext_lazy("Monthly self-reports"), "hazards:self_report_list", "hazards.view_enterpriseselfreport", 72),
    NavItem(gettext_lazy("Tip-offs"), "hazards:tip_off_list", "hazards.view_tipoff", 73),
]
HOME_PANELS = [HomePanel(_self_report_panel, 70)]

urlpatterns = [
    path("self-reports/", SelfReportListView.as_view(), name="self_report_list"),
    path("self-reports/submit/", SelfReportSubmitView.as_view(), name="self_report_submit"),
    path("self-reports/missing/", MissingReportsView.as_view(), name="self_report_missing"),
    path("self-reports/<int:pk>/", SelfReportDetailView.as_view(), name="self_report_detail"),
    path("tip-offs/", TipOffListView.as_view(), name="tip_off_list"),
    path("tip-offs/<int:pk>/", TipOffDetailView.as_view(), name="tip_off_detail"),
    path("tip-offs/<int:pk>/convert/", TipOffConvertView.as_view(), name="tip_off_convert"),
    path("tip-offs/<int:pk>/dismiss/", TipOffDismissView.as_view(), name="tip_off_dismiss"),
    path("tip-offs/photos/<int:pk>/", TipOffPhotoView.as_view(), name="tip_off_photo"),
]
