"""Views: the supervision list (督办清单), monthly progress and the monthly notices."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, FormView, UpdateView

from core.access import get_scope
from core.registry import HomePanel, NavItem
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ScopedQuerysetMixin,
    ServiceFormMixin,
)
from responsibility.choices import SupervisionStatus
from responsibility.filters.supervision import SupervisionMatterFilterSet, SupervisionNoticeFilterSet
from responsibility.forms.supervision import (
    SupervisionJurisdictionForm,
    SupervisionMatterForm,
    SupervisionNoticeForm,
    SupervisionProgressForm,
    SupervisionStatusForm,
    supervision_jurisdictions,
)
from responsibility.models import (
    Post,
    SupervisionMatter,
    SupervisionNotice,
    SupervisionProgress,
)
from responsibility.scope import single_scope_root
from responsibility.selectors.supervision import last_progress_month
from responsibility.services import supervision as services
from responsibility.services.supervision import MATTER_TRANSITIONS, may_report_progress, month_start

# --- Matters ----------------------------------------------------------------------------------


class SupervisionMatterListView(FilteredListView):
    model = SupervisionMatter
    filterset_class = SupervisionMatterFilterSet
    template_name = "responsibility/supervision_matter_list.html"
    export_filename = gettext_lazy("supervision list")
    export_columns = [
        (gettext_lazy("Year"), "year"),
        (gettext_lazy("Number"), "number"),
        (gettext_lazy("Matter"), "title"),
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Responsible leader"), "owner.name"),
        (gettext_lazy("Lead unit"), "lead_unit.name"),
        (gettext_lazy("Deadline"), "deadline"),
        (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("Completed on"), "completed_on"),
        (gettext_lazy("Overdue"), "is_overdue"),
        (gettext_lazy("Latest progress"), "last_month"),
    ]

    def get_base_queryset(self):
        return (
            SupervisionMatter.objects.select_related("jurisdiction", "owner", "lead_unit")
            .annotate(last_month=last_progress_month())
            .order_by("-year", "jurisdiction__path", "number")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.has_perm("responsibility.add_supervisionmatter")
        context["can_view_notices"] = user.has_perm("responsibility.view_supervisionnotice")
        context["this_month"] = month_start(timezone.localdate())
        # The headline numbers of what is listed (one aggregate over the filtered rows).
        today = timezone.localdate()
        context["totals"] = self.object_list.order_by().aggregate(
            open=Count("pk", filter=Q(status=SupervisionStatus.OPEN)),
            overdue=Count("pk", filter=Q(status=SupervisionStatus.OPEN, deadline__lt=today)),
            completed=Count("pk", filter=Q(status=SupervisionStatus.COMPLETED)),
        )
        return context


class SupervisionMatterDetailView(ScopedDetailView):
    model = SupervisionMatter
    template_name = "responsibility/supervision_matter_detail.html"

    def get_base_queryset(self):
        return SupervisionMatter.objects.select_related("jurisdiction", "owner", "lead_unit__jurisdiction")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        matter = self.object
        context["cooperating_units"] = matter.cooperating_units.select_related("jurisdiction").order_by("sort_order", "name")
        progress = list(matter.progress.select_related("reported_by").order_by("-month"))
        context["progress"] = progress
        context["notices"] = matter.notices.restrict(user, "view").order_by("-year", "-number")
        can_change = SupervisionMatter.objects.restrict(user, "change").filter(pk=matter.pk).exists()
        context["can_change"] = can_change
        context["can_change_status"] = can_change and bool(MATTER_TRANSITIONS.get(matter.status))
        can_report = matter.status == SupervisionStatus.OPEN and may_report_progress(user, matter)
        context["can_report"] = can_report
        this_month = month_start(timezone.localdate())
        context["this_month"] = this_month
        context["this_month_missing"] = can_report and not any(p.month == this_month for p in progress)
        context["can_edit_progress"] = may_report_progress(user, matter)
        return context


class _MatterFormMixin(ServiceFormMixin):
    model = SupervisionMatter
    form_class = SupervisionMatterForm
    template_name = "responsibility/supervision_matter_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "jurisdiction": self.jurisdiction}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "jurisdiction": self.jurisdiction}

    def get_success_url(self):
        return self.object.get_absolute_url()


class SupervisionMatterCreateView(ModelPermissionRequiredMixin, _MatterFormMixin, CreateView):
    """With one scope root the matter belongs to it; otherwise step one picks the
    jurisdiction (``?jurisdiction=``)."""

    required_permission = "responsibility.add_supervisionmatter"
    success_message = gettext_lazy("Matter added to the supervision list.")

    def dispatch(self, request, *args, **kwargs):
        self.jurisdiction = None
        if request.user.is_authenticated and request.user.has_perm(self.required_permission):
            raw = request.GET.get("jurisdiction", "")
            if raw:
                if not raw.isdigit():
                    raise Http404
                self.jurisdiction = get_object_or_404(supervision_jurisdictions(request.user), pk=raw)
            else:
                self.jurisdiction = single_scope_root(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.jurisdiction is None:
            return self._choose_jurisdiction(request)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.jurisdiction is None:
            return self._choose_jurisdiction(request)
        return super().post(request, *args, **kwargs)

    def _choose_jurisdiction(self, request):
        form = SupervisionJurisdictionForm(user=request.user)
        return render(request, "responsibility/supervision_start.html", {"form": form})

    def run_service(self, form):
        return services.supervision_matter_create(actor=self.request.user, jurisdiction=self.jurisdiction, **form.cleaned_data)


class SupervisionMatterUpdateView(ObjectActionRequiredMixin, _MatterFormMixin, UpdateView):
    model = SupervisionMatter  # ScopedQuerysetMixin's ``model = None`` comes first in the MRO
    success_message = gettext_lazy("Saved.")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.jurisdiction = obj.jurisdiction
        return obj

    def run_service(self, form):
        return services.supervision_matter_update(instance=self.object, actor=self.request.user, **form.cleaned_data)


class SupervisionMatterStatusView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    """Complete, cancel or reopen a matter (the transitions of ``MATTER_TRANSITIONS``)."""

    model = SupervisionMatter
    form_class = SupervisionStatusForm
    template_name = "form.html"
    success_message = gettext_lazy("Status changed.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return {**kwargs, "matter": self.object}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "form_title": _("Change the status of %(matter)s") % {"matter": self.object},
        }

    def run_service(self, form):
        return services.supervision_matter_set_status(
            matter=self.object, actor=self.request.user, status=form.cleaned_data["status"],
            completed_on=form.cleaned_data.get("completed_on"),
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


# --- Monthly progress -------------------------------------------------------------------------


class SupervisionProgressCreateView(ScopedQuerysetMixin, ServiceFormMixin, FormView):
    model = SupervisionMatter
    form_class = SupervisionProgressForm
    template_name = "form.html"
    success_message = gettext_lazy("Progress recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.matter = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if not may_report_progress(request.user, self.matter):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"month": month_start(timezone.localdate())}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("Monthly progress of %(matter)s") % {"matter": self.matter}}

    def run_service(self, form):
        return services.supervision_progress_report(actor=self.request.user, matter=self.matter, **form.cleaned_data)

    def get_success_url(self):
        return self.matter.get_absolute_url()


class SupervisionProgressUpdateView(ScopedQuerysetMixin, ServiceFormMixin, FormView):
    model = SupervisionProgress
    form_class = SupervisionProgressForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.entry = get_object_or_404(self.get_queryset().select_related("matter"), pk=kwargs["pk"])
            if not may_report_progress(request.user, self.entry.matter):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "fixed_month": True}

    def get_initial(self):
        return {"month": self.entry.month, "progress": self.entry.progress, "problems": self.entry.problems}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "form_title": _("Progress of %(matter)s in %(month)s") % {"matter": self.entry.matter, "month": f"{self.entry.month:%Y-%m}"},
        }

    def run_service(self, form):
        return services.supervision_progress_update(
            instance=self.entry, actor=self.request.user, progress=form.cleaned_data["progress"],
            problems=form.cleaned_data["problems"],
        )

    def get_success_url(self):
        return self.entry.matter.get_absolute_url()


# --- Notices ----------------------------------------------------------------------------------


class SupervisionNoticeListView(FilteredListView):
    model = SupervisionNotice
    filterset_class = SupervisionNoticeFilterSet
    template_name = "responsibility/supervision_notice_list.html"
    export_filename = gettext_lazy("supervision notices")
    export_columns = [
        (gettext_lazy("Document number"), "document_number"),
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Issued on"), "issued_on"),
        (gettext_lazy("Issued by"), "issued_by"),
    ]

    def get_base_queryset(self):
        return (
            SupervisionNotice.objects.select_related("jurisdiction", "issued_by")
            .annotate(matter_count=Count("matters"))
            .order_by("-year", "jurisdiction__path", "-number")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("responsibility.add_supervisionnotice")
        return context


class SupervisionNoticeDetailView(ScopedDetailView):
    model = SupervisionNotice
    template_name = "responsibility/supervision_notice_detail.html"

    def get_base_queryset(self):
        return SupervisionNotice.objects.select_related("jurisdiction", "issued_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["paragraphs"] = [p for p in self.object.body.split("\n\n") if p.strip()]
        context["matters"] = self.object.matters.restrict(self.request.user, "view").order_by("year", "number")
        return context


class SupervisionNoticeGenerateView(ModelPermissionRequiredMixin, ServiceFormMixin, FormView):
    required_permission = "responsibility.add_supervisionnotice"
    form_class = SupervisionNoticeForm
    template_name = "responsibility/supervision_notice_form.html"
    success_message = gettext_lazy("Notice issued.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        root = single_scope_root(self.request.user)
        if root is not None:
            initial["jurisdiction"] = root.pk
        return initial

    def run_service(self, form):
        data = form.cleaned_data
        return services.supervision_notice_generate(
            actor=self.request.user, jurisdiction=data["jurisdiction"], month=data["month"], prefix=data.get("prefix", ""),
            issued_on=data.get("issued_on"),
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class SupervisionNoticeDocxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        notice = get_object_or_404(
            SupervisionNotice.objects.restrict(request.user, "view").select_related("jurisdiction"), pk=pk
        )
        from responsibility.supervision_docx import notice_docx, notice_filename

        response = HttpResponse(
            notice_docx(notice), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(notice_filename(notice))}"
        return response


# --- Home page panel --------------------------------------------------------------------------


def home_panel(request) -> str | None:
    """Open and overdue matters in the user's scope; for people of a lead unit, the open
    matters their unit leads that still lack this month's progress."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("responsibility.view_supervisionmatter"):
        return None
    if get_scope(user).is_empty and not user.is_superuser:
        return None
    today = timezone.localdate()
    open_q = Q(status=SupervisionStatus.OPEN)
    totals = SupervisionMatter.objects.restrict(user, "view").aggregate(
        open=Count("pk", filter=open_q), overdue=Count("pk", filter=open_q & Q(deadline__lt=today))
    )
    if not totals["open"] and not totals["overdue"]:
        return None
    totals["mine_open"] = totals["mine_missing"] = None
    lead_unit = (
        Post.objects.current().filter(official__user=user, organization__led_supervision_matters__status=SupervisionStatus.OPEN)
        .values_list("organization_id", flat=True)
        .first()
    )
    if lead_unit is not None:
        reported = SupervisionProgress.objects.filter(matter=OuterRef("pk"), month=month_start(today))
        totals.update(
            SupervisionMatter.objects.filter(lead_unit_id=lead_unit, status=SupervisionStatus.OPEN).aggregate(
                mine_open=Count("pk"), mine_missing=Count("pk", filter=~Exists(reported))
            )
        )
    return render_to_string(
        "responsibility/supervision_home_panel.html", {"totals": totals, "lead_unit": lead_unit}, request=request
    )


HOME_PANELS = [HomePanel(home_panel, 45)]

NAV = [
    NavItem(gettext_lazy("Supervision list"), "responsibility:supervision_matter_list", "responsibility.view_supervisionmatter", 64),
]

urlpatterns = [
    path("supervision/", SupervisionMatterListView.as_view(), name="supervision_matter_list"),
    path("supervision/new/", SupervisionMatterCreateView.as_view(), name="supervision_matter_create"),
    path("supervision/<int:pk>/", SupervisionMatterDetailView.as_view(), name="supervision_matter_detail"),
    path("supervision/<int:pk>/edit/", SupervisionMatterUpdateView.as_view(), name="supervision_matter_update"),
    path("supervision/<int:pk>/status/", SupervisionMatterStatusView.as_view(), name="supervision_matter_status"),
    path("supervision/<int:pk>/progress/new/", SupervisionProgressCreateView.as_view(), name="supervision_progress_create"),
    path("supervision/progress/<int:pk>/edit/", SupervisionProgressUpdateView.as_view(), name="supervision_progress_update"),
    path("supervision/notices/", SupervisionNoticeListView.as_view(), name="supervision_notice_list"),
    path("supervision/notices/new/", SupervisionNoticeGenerateView.as_view(), name="supervision_notice_generate"),
    path("supervision/notices/<int:pk>/", SupervisionNoticeDetailView.as_view(), name="supervision_notice_detail"),
    path("supervision/notices/<int:pk>/docx/", SupervisionNoticeDocxView.as_view(), name="supervision_notice_docx"),
]
