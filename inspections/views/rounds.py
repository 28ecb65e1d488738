"""Views of the quarterly comprehensive supervision (每季度综合督查): rounds, their problems and
deadlines, the supervised jurisdictions' feedback, and the notice (通报) as DOCX and PDF with
its copy to the organization department."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from core.registry import NavItem
from core.viewmixins import FilteredListView, ModelPermissionRequiredMixin, ScopedDetailView, ServiceFormMixin
from inspections.choices import ProblemStatus
from inspections.filters.programmes import RoundFilterSet
from inspections.forms.programmes import (
    FeedbackForm,
    LinkInspectionForm,
    ProblemForm,
    ProblemStatusForm,
    ProgrammeJurisdictionForm,
    RoundForm,
    StartVisitForm,
    link_candidates,
    programme_jurisdictions,
)
from inspections.models import Inspection, SupervisionProblem, SupervisionRound
from inspections.services import rounds as services
from inspections.views.programmes import (
    DOCX_TYPE,
    LocalTimeExportMixin,
    ObjectActionView,
    ObjectFormView,
    _ObjectMixin,
    download,
)
from responsibility.scope import single_scope_root

ADD = "inspections.add_supervisionround"


def _overdue_q(today) -> Q:
    return Q(status=ProblemStatus.OPEN, deadline__lt=today)


class RoundListView(LocalTimeExportMixin, FilteredListView):
    model = SupervisionRound
    filterset_class = RoundFilterSet
    template_name = "inspections/round_list.html"
    export_filename = gettext_lazy("quarterly supervision rounds")
    export_columns = [
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Run by"), "jurisdiction.name"),
        (gettext_lazy("Year"), "year"),
        (gettext_lazy("Quarter"), "quarter"),
        (gettext_lazy("Problems"), "problem_count"),
        (gettext_lazy("Awaiting rectification"), "open_count"),
        (gettext_lazy("Overdue"), "overdue_count"),
        (gettext_lazy("Notice issued at"), "notice_issued_at"),
    ]

    def get_base_queryset(self):
        today = timezone.localdate()
        return (
            SupervisionRound.objects.select_related("jurisdiction")
            .annotate(
                problem_count=Count("problems"),
                open_count=Count("problems", filter=Q(problems__status=ProblemStatus.OPEN)),
                feedback_count=Count("problems", filter=Q(problems__status=ProblemStatus.FEEDBACK)),
                overdue_count=Count("problems", filter=Q(problems__status=ProblemStatus.OPEN, problems__deadline__lt=today)),
            )
            .order_by("-year", "-quarter", "jurisdiction__path", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.has_perm(ADD)
        context["can_view_problems"] = user.has_perm("inspections.view_supervisionproblem")
        return context


class RoundDetailView(ScopedDetailView):
    """The round: its targets and problems. The running office sees every problem; a
    supervised jurisdiction sees its own, with the feedback form."""

    model = SupervisionRound
    template_name = "inspections/round_detail.html"

    def get_base_queryset(self):
        return SupervisionRound.objects.select_related("jurisdiction", "copied_to")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_, user = self.object, self.request.user
        today = timezone.localdate()
        runs = services.runs_round(user, round_) and SupervisionRound.objects.restrict(user, "change").filter(pk=round_.pk).exists()
        problems = list(
            SupervisionProblem.objects.restrict(user, "view")
            .filter(round=round_)
            .select_related("target", "inspection")
            .order_by("target__path", "pk")
        )
        may_feedback = user.has_perm("inspections.change_supervisionproblem")
        for problem in problems:
            problem.round = round_  # saves a query per row in may_give_feedback
            problem.is_overdue = problem.status == ProblemStatus.OPEN and problem.deadline < today
            problem.can_feedback = (
                may_feedback and problem.status in (ProblemStatus.OPEN, ProblemStatus.FEEDBACK)
                and services.may_give_feedback(user, problem)
            )
        targets = list(round_.targets.order_by("path"))
        counts = {t.pk: {"total": 0, "open": 0, "overdue": 0} for t in targets}
        for problem in problems:
            row = counts.setdefault(problem.target_id, {"total": 0, "open": 0, "overdue": 0})
            row["total"] += 1
            row["open"] += problem.status != ProblemStatus.CLOSED
            row["overdue"] += problem.is_overdue
        for target in targets:
            target.counts = counts.get(target.pk)
        inspections = (
            Inspection.objects.restrict(user, "view")
            .filter(supervision_round=round_)
            .select_related("jurisdiction", "lead_official")
            .order_by("-started_at")
        )
        context.update(
            runs=runs,
            problems=problems,
            targets=targets,
            inspections=inspections,
            today=today,
            overdue_count=sum(1 for p in problems if p.is_overdue),
            can_add_problem=runs and round_.notice_issued_at is None and user.has_perm("inspections.add_supervisionproblem"),
            can_edit_problem=runs and round_.notice_issued_at is None and user.has_perm("inspections.change_supervisionproblem"),
            can_decide=runs and user.has_perm("inspections.change_supervisionproblem"),
            can_log=runs and user.has_perm("inspections.add_inspection"),
            can_download=runs or round_.notice_issued_at is not None,
            organization_department=services.organization_department(round_.jurisdiction) if runs and not round_.notice_issued_at else None,
            visit_form=StartVisitForm(round_=round_) if runs else None,
        )
        return context


class RoundCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, FormView):
    """With one scope root the round belongs to it; otherwise step one asks where
    (``?jurisdiction=``)."""

    required_permission = ADD
    form_class = RoundForm
    template_name = "inspections/round_form.html"
    success_message = gettext_lazy("Round opened.")

    def dispatch(self, request, *args, **kwargs):
        self.jurisdiction = None
        if request.user.is_authenticated and request.user.has_perm(self.required_permission):
            raw = request.GET.get("jurisdiction", "")
            if raw:
                if not raw.isdigit():
                    raise Http404
                self.jurisdiction = get_object_or_404(programme_jurisdictions(request.user), pk=raw)
            else:
                self.jurisdiction = single_scope_root(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.jurisdiction is None:
            return render(request, "inspections/round_start.html", {"form": ProgrammeJurisdictionForm(user=request.user)})
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.jurisdiction is None:
            return render(request, "inspections/round_start.html", {"form": ProgrammeJurisdictionForm(user=request.user)})
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "jurisdiction": self.jurisdiction}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "jurisdiction": self.jurisdiction}

    def run_service(self, form):
        data = form.cleaned_data
        return services.round_create(
            actor=self.request.user, jurisdiction=self.jurisdiction, year=data["year"], quarter=data["quarter"],
            title=data["title"], targets=data["targets"],
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class _RunningOfficeMixin:
    """Only the office running the round acts on it through these views."""

    def check_object(self, request, obj) -> None:
        round_ = obj if isinstance(obj, SupervisionRound) else obj.round
        if not services.runs_round(request.user, round_):
            raise PermissionDenied


class RoundUpdateView(_RunningOfficeMixin, ObjectFormView):
    model = SupervisionRound
    form_class = RoundForm
    template_name = "inspections/round_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "jurisdiction": self.object.jurisdiction, "round_": self.object}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "jurisdiction": self.object.jurisdiction}

    def run_service(self, form):
        data = form.cleaned_data
        return services.round_update(actor=self.request.user, round_=self.object, title=data["title"], targets=data["targets"])


class ProblemCreateView(_RunningOfficeMixin, ObjectFormView):
    model = SupervisionRound
    form_class = ProblemForm
    template_name = "inspections/round_action_form.html"
    success_message = gettext_lazy("Problem listed.")

    @property
    def form_title(self):
        return _("A problem found in %(round)s") % {"round": self.object.title}

    def get_initial(self):
        initial = super().get_initial()
        raw = self.request.GET.get("target", "")
        if raw.isdigit():
            initial["target"] = int(raw)
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "round_": self.object}

    def run_service(self, form):
        services.problem_add(actor=self.request.user, round_=self.object, **form.cleaned_data)
        return self.object


class _ProblemView(_RunningOfficeMixin, ObjectFormView):
    model = SupervisionProblem
    template_name = "inspections/round_action_form.html"

    def get_object_queryset(self):
        return SupervisionProblem.objects.select_related("round__jurisdiction", "target")

    def get_success_url(self):
        return self.object.round.get_absolute_url()


class ProblemUpdateView(_ProblemView):
    form_class = ProblemForm
    success_message = gettext_lazy("Saved.")

    @property
    def form_title(self):
        return _("Edit the problem")

    def get_initial(self):
        problem = self.object
        return {"target": problem.target_id, "description": problem.description, "deadline": problem.deadline, "inspection": problem.inspection_id}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "round_": self.object.round}

    def run_service(self, form):
        data = form.cleaned_data
        if data["target"].pk != self.object.target_id:
            from django.core.exceptions import ValidationError

            raise ValidationError({"target": _("A listed problem stays with its jurisdiction; delete it and list it again.")})
        return services.problem_update(
            actor=self.request.user, problem=self.object, description=data["description"], deadline=data["deadline"],
            inspection=data["inspection"],
        )


class ProblemStatusView(_ProblemView):
    """Close a problem after its feedback, or return it for more work."""

    form_class = ProblemStatusForm
    success_message = gettext_lazy("Status changed.")

    @property
    def form_title(self):
        return _("Decide on the feedback to “%(problem)s”") % {"problem": self.object.description[:40]}

    def get_form_kwargs(self):
        allowed = [
            (status, ProblemStatus(status).label)
            for status, side in services.PROBLEM_TRANSITIONS.get(self.object.status, {}).items()
            if side == "office"
        ]
        return {**super().get_form_kwargs(), "choices": allowed}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_intro"] = self.object.feedback
        return context

    def run_service(self, form):
        return services.problem_set_status(actor=self.request.user, problem=self.object, status=form.cleaned_data["status"])


class ProblemDeleteView(_RunningOfficeMixin, ObjectActionView):
    model = SupervisionProblem
    required_action = "delete"
    success_message = gettext_lazy("Problem removed.")

    def act(self, request, obj):
        services.problem_delete(actor=request.user, problem=obj)

    def back_url(self, obj) -> str:
        return obj.round.get_absolute_url()


class ProblemFeedbackView(ObjectFormView):
    """The supervised jurisdiction's office reports how it rectified a problem."""

    model = SupervisionProblem
    form_class = FeedbackForm
    required_action = None
    template_name = "inspections/round_action_form.html"
    success_message = gettext_lazy("Feedback recorded.")

    def get_object_queryset(self):
        return SupervisionProblem.objects.select_related("round__jurisdiction", "target")

    def check_object(self, request, obj) -> None:
        if not services.may_give_feedback(request.user, obj):
            raise PermissionDenied

    @property
    def form_title(self):
        return _("Feedback on “%(problem)s”") % {"problem": self.object.description[:40]}

    def get_initial(self):
        return {"feedback": self.object.feedback}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_intro"] = self.object.description
        return context

    def run_service(self, form):
        return services.problem_feedback(actor=self.request.user, problem=self.object, feedback=form.cleaned_data["feedback"])

    def get_success_url(self):
        return self.object.round.get_absolute_url()


class RoundLinkInspectionView(_RunningOfficeMixin, ObjectFormView):
    model = SupervisionRound
    form_class = LinkInspectionForm
    template_name = "inspections/round_action_form.html"
    success_message = gettext_lazy("The inspection now counts in this round.")

    @property
    def form_title(self):
        return _("Count an inspection in %(round)s") % {"round": self.object.title}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "round_": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not link_candidates(self.request.user, self.object).exists():
            context["form_intro"] = _(
                "No inspection of quarterly comprehensive supervision in this quarter and these jurisdictions is waiting to be counted."
            )
        return context

    def run_service(self, form):
        services.round_link_inspection(actor=self.request.user, round_=self.object, inspection=form.cleaned_data["inspection"])
        return self.object


class RoundStartInspectionView(_RunningOfficeMixin, ObjectActionView):
    model = SupervisionRound
    required_action = None

    def act(self, request, obj):
        form = StartVisitForm(request.POST, round_=obj)
        if not form.is_valid():
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Choose the jurisdiction visited."))
        return services.round_start_inspection(actor=request.user, round_=obj, target=form.cleaned_data["target"])

    def redirect_url(self, obj, result) -> str:
        return reverse("inspections:inspection_edit", args=[result.pk])


class RoundIssueNoticeView(_RunningOfficeMixin, ObjectActionView):
    model = SupervisionRound
    success_message = gettext_lazy("Notice issued and its copy to the organization department recorded.")

    def act(self, request, obj):
        return services.round_issue_notice(actor=request.user, round_=obj)


class _NoticeDownloadView(_ObjectMixin, View):
    model = SupervisionRound
    required_action = None

    def check_object(self, request, obj) -> None:
        # The supervised jurisdictions receive the notice once it is issued; before that it is
        # the running office's draft.
        if obj.notice_issued_at is None and not services.runs_round(request.user, obj):
            raise PermissionDenied

    def get_object_queryset(self):
        return SupervisionRound.objects.select_related("jurisdiction", "copied_to")


class RoundNoticeDocxView(_NoticeDownloadView):
    def get(self, request, pk):
        from inspections.documents import notice_docx, notice_filename

        return download(notice_docx(self.object), filename=notice_filename(self.object, "docx"), content_type=DOCX_TYPE)


class RoundNoticePdfView(_NoticeDownloadView):
    def get(self, request, pk):
        from inspections.documents import notice_filename, notice_pdf

        return download(notice_pdf(self.object), filename=notice_filename(self.object, "pdf"), content_type="application/pdf")


# --- Problems across rounds (the supervised side's to-do list) --------------------------------


class ProblemListView(LocalTimeExportMixin, FilteredListView):
    """Problems from quarterly rounds in the user's scope: for a county office, what the city
    found and awaits feedback on; for the city office, everything it listed."""

    model = SupervisionProblem
    template_name = "inspections/round_problem_list.html"
    export_filename = gettext_lazy("supervision problems")
    export_columns = [
        (gettext_lazy("Round"), "round.title"),
        (gettext_lazy("Jurisdiction"), "target.name"),
        (gettext_lazy("Problem"), "description"),
        (gettext_lazy("Deadline"), "deadline"),
        (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("Feedback"), "feedback"),
        (gettext_lazy("Feedback at"), "feedback_at"),
    ]

    def get_base_queryset(self):
        queryset = SupervisionProblem.objects.select_related("round__jurisdiction", "target").order_by(
            "deadline", "round__year", "target__path", "pk"
        )
        status = self.request.GET.get("status", "")
        if status in ProblemStatus.values:
            queryset = queryset.filter(status=status)
        if self.request.GET.get("overdue") == "1":
            queryset = queryset.filter(_overdue_q(timezone.localdate()))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        for problem in context["object_list"]:
            problem.is_overdue = problem.status == ProblemStatus.OPEN and problem.deadline < today
            problem.can_feedback = problem.status != ProblemStatus.CLOSED and services.may_give_feedback(user, problem)
        context.update(status=self.request.GET.get("status", ""), overdue=self.request.GET.get("overdue") == "1",
                       statuses=ProblemStatus.choices)
        return context


NAV = [NavItem(gettext_lazy("Quarterly supervision"), "inspections:round_list", "inspections.view_supervisionround", 69.6)]

urlpatterns = [
    path("rounds/", RoundListView.as_view(), name="round_list"),
    path("rounds/new/", RoundCreateView.as_view(), name="round_create"),
    path("rounds/problems/", ProblemListView.as_view(), name="round_problem_list"),
    path("rounds/<int:pk>/", RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/edit/", RoundUpdateView.as_view(), name="round_update"),
    path("rounds/<int:pk>/problems/new/", ProblemCreateView.as_view(), name="round_problem_create"),
    path("rounds/<int:pk>/inspections/link/", RoundLinkInspectionView.as_view(), name="round_link_inspection"),
    path("rounds/<int:pk>/inspections/new/", RoundStartInspectionView.as_view(), name="round_start_inspection"),
    path("rounds/<int:pk>/notice/issue/", RoundIssueNoticeView.as_view(), name="round_issue_notice"),
    path("rounds/<int:pk>/notice.docx", RoundNoticeDocxView.as_view(), name="round_notice_docx"),
    path("rounds/<int:pk>/notice.pdf", RoundNoticePdfView.as_view(), name="round_notice_pdf"),
    path("rounds/problems/<int:pk>/edit/", ProblemUpdateView.as_view(), name="round_problem_update"),
    path("rounds/problems/<int:pk>/status/", ProblemStatusView.as_view(), name="round_problem_status"),
    path("rounds/problems/<int:pk>/delete/", ProblemDeleteView.as_view(), name="round_problem_delete"),
    path("rounds/problems/<int:pk>/feedback/", ProblemFeedbackView.as_view(), name="round_problem_feedback"),
]
