"""Views: the meetings register, the obligations and the compliance page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, UpdateView

from core.files import attachment_response
from core.registry import NavItem
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ScopedQuerysetMixin,
    ServiceFormMixin,
)
from responsibility.choices import ObligationSubject
from responsibility.filters.meetings import MeetingFilterSet, ObligationFilterSet
from responsibility.forms.meetings import (
    MeetingForm,
    MeetingJurisdictionForm,
    ObligationForm,
    meeting_jurisdictions,
)
from responsibility.models import Meeting, Obligation
from responsibility.scope import single_scope_root
from responsibility.selectors import compliance
from responsibility.services import meetings as services

# --- Meetings ---------------------------------------------------------------------------------


class MeetingListView(FilteredListView):
    model = Meeting
    filterset_class = MeetingFilterSet
    template_name = "responsibility/meeting_list.html"
    export_filename = gettext_lazy("meetings")
    export_columns = [
        (gettext_lazy("Date"), "held_on"),
        (gettext_lazy("Kind"), "get_kind_display"),
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Organization"), "organization.name"),
        (gettext_lazy("Jurisdiction"), "organization.jurisdiction.name"),
        (gettext_lazy("Chair"), "chair.name"),
        (gettext_lazy("Attendees"), "attendee_count"),
        (gettext_lazy("Topics"), "topics"),
        (gettext_lazy("Decisions"), "decisions"),
        (gettext_lazy("Minutes"), "minutes.name"),
    ]

    def get_base_queryset(self):
        # A correlated count, not a GROUP BY over every meeting: the database computes it for
        # the page's rows only, and the COUNT of the list leaves it out.
        attendees = (
            Meeting.attendees.through.objects.filter(meeting_id=OuterRef("pk"))
            .order_by()
            .values("meeting_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Meeting.objects.select_related("organization__jurisdiction", "chair")
            .annotate(attendee_count=Coalesce(Subquery(attendees), 0))
            .order_by("-held_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("responsibility.add_meeting")
        return context


class MeetingDetailView(ScopedDetailView):
    model = Meeting
    template_name = "responsibility/meeting_detail.html"

    def get_base_queryset(self):
        return Meeting.objects.select_related("organization__jurisdiction", "chair")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        meeting = self.object
        context["attendees"] = meeting.attendees.order_by("name", "pk")
        context["can_change"] = Meeting.objects.restrict(user, "change").filter(pk=meeting.pk).exists()
        context["can_delete"] = Meeting.objects.restrict(user, "delete").filter(pk=meeting.pk).exists()
        context["compliance_url"] = (
            reverse("responsibility:compliance")
            + "?"
            + urlencode({"jurisdiction": meeting.organization.jurisdiction_id, "period": str(meeting.held_on.year)})
        )
        return context


class _MeetingFormMixin(ServiceFormMixin):
    model = Meeting
    form_class = MeetingForm
    template_name = "responsibility/meeting_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "jurisdiction": self.jurisdiction}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "jurisdiction": self.jurisdiction}

    def get_success_url(self):
        return self.object.get_absolute_url()


class MeetingCreateView(ModelPermissionRequiredMixin, _MeetingFormMixin, CreateView):
    """Step one picks the jurisdiction (even with a single scope root: a county office also
    registers its townships' meetings); step two is the meeting itself, with the
    organizations and people of that jurisdiction to choose from."""

    required_permission = "responsibility.add_meeting"
    success_message = gettext_lazy("Meeting registered.")

    def dispatch(self, request, *args, **kwargs):
        self.jurisdiction = None
        if request.user.is_authenticated and request.user.has_perm(self.required_permission):
            raw = request.GET.get("jurisdiction", "")
            if raw:
                if not raw.isdigit():
                    raise Http404
                self.jurisdiction = get_object_or_404(meeting_jurisdictions(request.user), pk=raw)
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
        form = MeetingJurisdictionForm(user=request.user, initial={"jurisdiction": single_scope_root(request.user)})
        return render(request, "responsibility/meeting_start.html", {"form": form})

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("organization", "").isdigit():
            initial["organization"] = self.request.GET["organization"]
        if self.request.GET.get("kind"):
            initial["kind"] = self.request.GET["kind"]
        return initial

    def run_service(self, form):
        return services.meeting_create(actor=self.request.user, **form.cleaned_data)


class MeetingUpdateView(ObjectActionRequiredMixin, _MeetingFormMixin, UpdateView):
    model = Meeting  # ScopedQuerysetMixin's ``model = None`` comes first in the MRO
    success_message = gettext_lazy("Saved.")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.jurisdiction = obj.organization.jurisdiction
        return obj

    def get_base_queryset(self):
        return Meeting.objects.select_related("organization__jurisdiction")

    def run_service(self, form):
        data = dict(form.cleaned_data)
        # Only a new upload (a file) or a cleared box (False) touches the stored minutes.
        data["minutes"] = data.get("minutes") if "minutes" in form.changed_data else None
        return services.meeting_update(instance=self.object, actor=self.request.user, **data)


class MeetingDeleteView(ObjectActionRequiredMixin, DetailView):
    model = Meeting
    required_action = "delete"
    template_name = "responsibility/meeting_confirm_delete.html"

    def post(self, request, *args, **kwargs):
        meeting = self.get_object()
        try:
            services.meeting_delete(instance=meeting, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(meeting.get_absolute_url())
        messages.success(request, _("Meeting deleted."))
        return HttpResponseRedirect(reverse("responsibility:meeting_list"))


class MeetingMinutesView(ScopedQuerysetMixin, View):
    """The minutes file, for those who may see the meeting (not through a public media URL)."""

    model = Meeting

    def get(self, request, pk):
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        filename = f"{meeting.held_on:%Y%m%d}-{meeting.title}{_extension(meeting.minutes.name)}"
        return attachment_response(meeting.minutes, filename)


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


# --- Obligations ------------------------------------------------------------------------------


class ObligationListView(FilteredListView):
    model = Obligation
    filterset_class = ObligationFilterSet
    template_name = "responsibility/obligation_list.html"
    export_filename = gettext_lazy("obligations")
    export_columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Applies to"), "get_subject_display"),
        (gettext_lazy("Activity"), "get_activity_display"),
        (gettext_lazy("Meeting kind"), "get_meeting_kind_display"),
        (gettext_lazy("Minimum count"), "minimum"),
        (gettext_lazy("Period"), "get_period_display"),
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Replaces"), "replaces.name"),
        (gettext_lazy("Source"), "source"),
        (gettext_lazy("Active"), "is_active"),
    ]

    def get_base_queryset(self):
        return Obligation.objects.select_related("jurisdiction", "replaces").order_by(
            "activity", "subject", "jurisdiction__path", "name", "pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("responsibility.add_obligation")
        return context


class ObligationDetailView(ScopedDetailView):
    model = Obligation
    template_name = "responsibility/obligation_detail.html"

    def get_base_queryset(self):
        return Obligation.objects.select_related("jurisdiction", "replaces__jurisdiction")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rule = self.object
        context["local_versions"] = (
            rule.local_versions.restrict(user, "view").select_related("jurisdiction").order_by("jurisdiction__path")
        )
        context["can_change"] = Obligation.objects.restrict(user, "change").filter(pk=rule.pk).exists()
        # A rule of another level is adapted, not edited: a local version replaces it below.
        context["can_adapt"] = (
            not context["can_change"] and rule.replaces_id is None and user.has_perm("responsibility.add_obligation")
        )
        context["role_labels"] = _labels(rule.roles, "responsibility.choices.PostRole")
        context["kind_labels"] = _labels(rule.organization_kinds, "responsibility.choices.OrganizationKind")
        context["level_labels"] = _labels(rule.levels, "responsibility.choices.JurisdictionLevel")
        return context


def _labels(values, choices_path: str) -> list[str]:
    from django.utils.module_loading import import_string

    choices = import_string(choices_path)
    labels = dict(choices.choices)
    return [str(labels.get(v, v)) for v in values or []]


class ObligationCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_obligation"
    model = Obligation
    form_class = ObligationForm
    template_name = "form.html"
    success_message = gettext_lazy("Rule saved.")

    def dispatch(self, request, *args, **kwargs):
        self.replaces = None
        raw = request.GET.get("replaces", "")
        if request.user.is_authenticated and raw:
            if not raw.isdigit():
                raise Http404
            self.replaces = get_object_or_404(Obligation.objects.restrict(request.user, "view"), pk=raw)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        root = single_scope_root(self.request.user)
        if root is not None:
            initial["jurisdiction"] = root.pk
        rule = self.replaces
        if rule is not None:
            for name in (
                "name", "subject", "roles", "organization_kinds", "levels", "department_posts_only", "activity",
                "meeting_kind", "minimum", "period", "source",
            ):
                initial[name] = getattr(rule, name)
            initial["replaces"] = rule.pk
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.replaces is not None:
            context["form_title"] = _("Adapt “%(name)s” for your jurisdiction") % {"name": self.replaces.name}
        return context

    def run_service(self, form):
        return services.obligation_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObligationUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = Obligation
    form_class = ObligationForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def run_service(self, form):
        return services.obligation_update(instance=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


# --- Compliance -------------------------------------------------------------------------------


class ComplianceView(LoginRequiredMixin, View):
    """Obligations against what was done, for the user's scope and a period; one tab per
    obligation, shortfalls first; ``?export=xlsx`` downloads every evaluated row."""

    template_name = "responsibility/compliance_page.html"
    rows_per_page = 50

    def get(self, request):
        user = request.user
        if not user.has_perm("responsibility.view_obligation"):
            raise PermissionDenied
        errors = []
        try:
            period = compliance.parse_period(request.GET.get("period"))
        except ValueError as error:
            errors.append(str(error))
            period = compliance.parse_period(None)
        jurisdictions = meeting_jurisdictions(user)
        jurisdiction = None
        raw = request.GET.get("jurisdiction", "")
        if raw:
            jurisdiction = jurisdictions.filter(pk=raw).first() if raw.isdigit() else None
            if jurisdiction is None:
                errors.append(_("That jurisdiction is not in your scope; showing your whole scope."))
        results = compliance.evaluate_compliance(user=user, period=period, jurisdiction=jurisdiction)
        if request.GET.get("export") == "xlsx":
            return self._export(results, period)
        selected = self._selected(results, request.GET.get("obligation", ""))
        page = None
        if selected is not None and selected.rows:
            page = Paginator(selected.rows, self.rows_per_page).get_page(request.GET.get("page"))
        base = {"period": period.key}
        if jurisdiction is not None:
            base["jurisdiction"] = jurisdiction.pk
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            "period": period,
            "period_choices": compliance.period_choices(),
            "jurisdiction": jurisdiction,
            "jurisdictions": jurisdictions,
            "results": results,
            "selected": selected,
            "page_obj": page,
            "paginator": page.paginator if page else None,
            "query_string": params.urlencode(),
            "base_query": urlencode(base),
            "errors": errors,
            "status_labels": compliance.Status.LABELS,
            "today": timezone.localdate(),
            "ORGANIZATION_KIND": ObligationSubject.ORGANIZATION_KIND,
        }
        return render(request, self.template_name, context)

    @staticmethod
    def _selected(results, raw: str):
        if raw.isdigit():
            for result in results:
                if result.obligation.pk == int(raw):
                    return result
        for result in results:
            if result.short_count:
                return result
        return results[0] if results else None

    @staticmethod
    def _export(results, period):
        from core.tabular import xlsx_response

        headers = [
            _("Obligation"), _("Evaluated over"), _("Subject"), _("Jurisdiction"), _("Organization"), _("Posts"),
            _("Done"), _("Required"), _("Held"), _("Status"),
        ]
        rows = (
            [
                result.obligation.name, result.windows_label, row.name, row.jurisdiction.name, row.organization.name,
                row.posts, row.done, row.required, row.held, row.status_label,
            ]
            for result in results
            if result.available
            for row in result.rows
        )
        return xlsx_response(
            filename=f"{_('compliance')}-{period.key}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(_("compliance")),
            headers=[str(h) for h in headers],
            rows=rows,
        )


NAV = [
    NavItem(gettext_lazy("Meetings"), "responsibility:meeting_list", "responsibility.view_meeting", 60),
    NavItem(gettext_lazy("Compliance"), "responsibility:compliance", "responsibility.view_obligation", 62),
]

urlpatterns = [
    path("meetings/", MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", MeetingUpdateView.as_view(), name="meeting_update"),
    path("meetings/<int:pk>/delete/", MeetingDeleteView.as_view(), name="meeting_delete"),
    path("meetings/<int:pk>/minutes/", MeetingMinutesView.as_view(), name="meeting_minutes"),
    path("obligations/", ObligationListView.as_view(), name="obligation_list"),
    path("obligations/new/", ObligationCreateView.as_view(), name="obligation_create"),
    path("obligations/<int:pk>/", ObligationDetailView.as_view(), name="obligation_detail"),
    path("obligations/<int:pk>/edit/", ObligationUpdateView.as_view(), name="obligation_update"),
    path("compliance/", ComplianceView.as_view(), name="compliance"),
]
