"""Views of patrols: the list with its filters, overdue flags and XLSX export; planning a
patrol; a patrol's page (stage timeline, group, content areas, documents, findings); the form of
each stage; documents (uploads checked, downloads access-checked, the generated Word files).

A patrol the user may not see is a 404 (a member of another group opening a confidential
patrol, say); an action the user may not take on a visible patrol a 403. Every form that fails
comes back with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from core.audit import object_history
from core.errors import ConflictError
from core.files import attachment_response
from core.registry import HomePanel, NavItem
from core.viewmixins import FilteredListView, ScopedQuerysetMixin, ServiceFormMixin, add_service_errors
from patrols.choices import AFTER_FEEDBACK, DocumentKind, Milestone, PatrolStatus
from patrols.filters.patrols import OPEN, PatrolFilterSet
from patrols.forms.patrols import (
    AreaChecklistForm,
    DocumentUploadForm,
    MemberForm,
    PatrolCreateForm,
    PatrolUpdateForm,
    PlannedDatesForm,
    TransitionForm,
)
from patrols.models import Patrol, PatrolDocument, PatrolEvent, PatrolMember, PatrolRules, PatrolTerm
from patrols.selectors import patrols as selectors
from patrols.services import patrols as services
from patrols.workflow import TRANSITIONS

# --- The list ---------------------------------------------------------------------------------


class PatrolListView(FilteredListView):
    model = Patrol
    filterset_class = PatrolFilterSet
    template_name = "patrols/patrol_list.html"
    export_filename = gettext_lazy("patrols")
    export_columns = [
        (gettext_lazy("Reference number"), "code"),
        (gettext_lazy("Term"), "term.name"),
        (gettext_lazy("Batch"), "batch_label"),
        (gettext_lazy("Target"), "target.name"),
        (gettext_lazy("Kind"), "get_kind_display"),
        (gettext_lazy("Group"), "group_name"),
        (gettext_lazy("Stage"), "get_status_display"),
        (gettext_lazy("Next step"), "get_next_due_milestone_display"),
        (gettext_lazy("Due"), "next_due_on"),
        (gettext_lazy("Days overdue"), "overdue_days"),
        (gettext_lazy("Working-day calendar missing for"), "calendar_missing_year"),
        (gettext_lazy("Findings"), "finding_count"),
        (gettext_lazy("Findings rectified"), "rectified_count"),
    ]

    def get_base_queryset(self):
        return selectors.list_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        context["open"] = OPEN
        return context


# --- Planning ---------------------------------------------------------------------------------


class PatrolCreateView(LoginRequiredMixin, ServiceFormMixin, FormView):
    form_class = PatrolCreateForm
    template_name = "form.html"
    success_message = gettext_lazy("Patrol planned.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.term = get_object_or_404(PatrolTerm.objects.restrict(request.user, "view"), pk=kwargs["term_pk"])
            if not request.user.has_perm("patrols.add_patrol"):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        for name in ("target", "kind", "batch", "follows"):
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "term": self.term, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("Plan a patrol"), "object": self.term}

    def run_service(self, form):
        return services.patrol_create(actor=self.request.user, **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


# --- A patrol's page --------------------------------------------------------------------------


class PatrolDetailView(ScopedQuerysetMixin, View):
    template_name = "patrols/patrol_detail.html"

    def get(self, request, pk):
        patrol = get_object_or_404(Patrol.objects.restrict(request.user, "view"), pk=pk)
        if services.due_dates_stale(patrol):
            # The missing working-day calendar has been entered since: the due dates now exist.
            services.patrol_refresh_due_dates(patrol=patrol)
        patrol = selectors.detail_queryset().get(pk=patrol.pk)
        return render(request, self.template_name, patrol_context(request, patrol))


def patrol_context(request, patrol: Patrol) -> dict:
    user = request.user
    may = selectors.Permissions(user, patrol)
    caps = selectors.capabilities(user, patrol, may)
    rules = PatrolRules.for_path(patrol.issuing_path)
    transitions = [
        {
            "transition": t,
            "form": TransitionForm(transition=t, patrol=patrol),
            "url": reverse("patrols:patrol_transition", args=[patrol.pk, t.action]),
        }
        for t in selectors.transitions_for(user, patrol, may)
    ]
    checks = list(patrol.area_checks.select_related("area").order_by("area__sort_order", "area_id"))
    documents = selectors.documents_for(user, patrol)
    findings = selectors.findings_of(patrol)
    by_finding = _by_finding(documents)
    for finding in findings:
        finding.document_list = by_finding.get(finding.pk, [])
    context = {
        "patrol": patrol,
        "object": patrol,
        "caps": caps,
        "rules": rules,
        "stages": selectors.timeline(patrol, rules),
        "transitions": transitions,
        "members": list(patrol.memberships.all()),
        "checks": checks,
        "checked": sum(1 for c in checks if c.covered),
        "documents": [d for d in documents if not d.finding_id],
        "findings": findings,
        "events": list(PatrolEvent.objects.restrict(user).filter(patrol=patrol).order_by("at", "pk")),
        "history": object_history(patrol)[:50] if caps["insider"] else [],
        "today": timezone.localdate(),
    }
    if caps["change"]:
        context["member_form"] = MemberForm(patrol=patrol)
        context["planned_form"] = PlannedDatesForm(milestones=list(patrol.milestones.all()))
    if caps["conduct"]:
        context["area_form"] = AreaChecklistForm(checks=checks)
    if caps["upload"]:
        context["upload_form"] = DocumentUploadForm(milestones=upload_milestones(user, patrol, may))
    return context


def _by_finding(documents) -> dict:
    grouped: dict[int, list] = {}
    for document in documents:
        if document.finding_id:
            grouped.setdefault(document.finding_id, []).append(document)
    return grouped


def upload_milestones(user, patrol: Patrol, may) -> list[str]:
    """Stages the user may attach documents to: every stage for the office and the group, the
    rectification stages for the patrolled unit."""
    if may("conduct"):
        return list(Milestone.values)
    if patrol.status in AFTER_FEEDBACK and may("rectify"):
        return [Milestone.RECTIFICATION_PLAN, Milestone.RECTIFICATION_REPORT]
    return []


class _PatrolFormView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """One form about one patrol on its own page: posted from the patrol's page, back there on
    success; an error comes back here with what the user typed.

    A patrol the user cannot see is a 404; a visible patrol the user may not act on a 403."""

    template_name = "patrols/patrol_form.html"
    #: the restrict() action the user needs on the patrol
    action = "change"
    title = ""
    intro = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.patrol = get_object_or_404(
                Patrol.objects.restrict(request.user, "view").select_related("term", "target"), pk=kwargs["pk"]
            )
            if not self.allowed(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user) -> bool:
        return Patrol.objects.restrict(user, self.action).filter(pk=self.patrol.pk).exists()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_extra()}

    def form_extra(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "patrol": self.patrol, "form_title": self.get_title(), "intro": self.intro}

    def get_title(self):
        return self.title

    def get_success_url(self):
        return self.patrol.get_absolute_url()

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("Your role does not allow this action."))
            response = self.form_invalid(form)
            response.status_code = 403
            return response


class PatrolUpdateView(_PatrolFormView):
    form_class = PatrolUpdateForm
    title = gettext_lazy("Edit the patrol")
    success_message = gettext_lazy("Saved.")

    def form_extra(self):
        return {"instance": self.patrol}

    def run_service(self, form):
        return services.patrol_update(actor=self.request.user, patrol=self.patrol, **form.cleaned_data)


class PlannedDatesView(_PatrolFormView):
    form_class = PlannedDatesForm
    title = gettext_lazy("Planned dates")
    success_message = gettext_lazy("Planned dates saved.")

    def form_extra(self):
        return {"milestones": list(self.patrol.milestones.all())}

    def run_service(self, form):
        return services.patrol_set_planned_dates(actor=self.request.user, patrol=self.patrol, planned=form.planned())


class MemberAddView(_PatrolFormView):
    form_class = MemberForm
    title = gettext_lazy("Add a group member")
    intro = gettext_lazy("Members see the patrol and record its work, whatever their own jurisdiction.")
    success_message = gettext_lazy("Member added.")

    def form_extra(self):
        return {"patrol": self.patrol}

    def run_service(self, form):
        data = form.cleaned_data
        return services.member_add(actor=self.request.user, patrol=self.patrol, official=data["official"], role=data["role"], note=data["note"])


class MemberRemoveView(_PatrolFormView):
    http_method_names = ["post"]

    def post(self, request, pk, member_pk):
        member = get_object_or_404(PatrolMember.objects.filter(patrol=self.patrol), pk=member_pk)
        try:
            services.member_remove(actor=request.user, member=member)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Member removed."))
        return HttpResponseRedirect(self.patrol.get_absolute_url())


class AreaChecklistView(_PatrolFormView):
    form_class = AreaChecklistForm
    action = "conduct"
    title = gettext_lazy("Content areas examined")
    success_message = gettext_lazy("Checklist saved.")
    template_name = "patrols/area_form.html"

    def form_extra(self):
        return {"checks": list(self.patrol.area_checks.select_related("area").order_by("area__sort_order", "area_id"))}

    def run_service(self, form):
        return services.areas_check(actor=self.request.user, patrol=self.patrol, checks=form.service_checks())


class TransitionView(_PatrolFormView):
    """The form of one stage: the date it happened, its document, a comment."""

    form_class = TransitionForm

    def dispatch(self, request, *args, **kwargs):
        self.transition = TRANSITIONS.get(kwargs.get("action"))
        if self.transition is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user) -> bool:
        return Patrol.objects.restrict(user, self.transition.permission).filter(pk=self.patrol.pk).exists()

    def get_title(self):
        return self.transition.label

    def form_extra(self):
        return {"transition": self.transition, "patrol": self.patrol}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stages"] = selectors.timeline(selectors.detail_queryset().get(pk=self.patrol.pk))
        return context

    def form_valid(self, form):
        try:
            patrol = services.patrol_transition(
                actor=self.request.user, patrol=self.patrol, action=self.transition.action, **form.service_kwargs()
            )
        except ConflictError as error:
            messages.warning(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.patrol.get_absolute_url())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(action)s: done.") % {"action": self.transition.label})
        if patrol.calendar_missing_year:
            messages.warning(
                self.request,
                _("Saved, but the working-day calendar for %(year)s is missing: the next due date cannot be computed until an administrator enters it.")
                % {"year": patrol.calendar_missing_year},
            )
        return HttpResponseRedirect(self.patrol.get_absolute_url())


# --- Documents --------------------------------------------------------------------------------


class DocumentUploadView(_PatrolFormView):
    form_class = DocumentUploadForm
    title = gettext_lazy("Add documents")
    success_message = gettext_lazy("Documents added.")

    def allowed(self, user) -> bool:
        self.may = selectors.Permissions(user, self.patrol)
        return bool(upload_milestones(user, self.patrol, self.may))

    def form_extra(self):
        return {"milestones": upload_milestones(self.request.user, self.patrol, self.may)}

    def run_service(self, form):
        data = form.cleaned_data
        return services.document_add(
            actor=self.request.user, patrol=self.patrol, milestone=data["milestone"], files=data["files"], title=data.get("title", "")
        )


class DocumentDownloadView(LoginRequiredMixin, View):
    """A document the user may see (the unit never gets the confidential stages' documents)."""

    def get(self, request, pk, document_pk):
        document = get_object_or_404(PatrolDocument.objects.restrict(request.user), pk=document_pk, patrol_id=pk)
        response = attachment_response(document.file, document.filename)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class GenerateDocumentView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, kind):
        patrol = get_object_or_404(Patrol.objects.restrict(request.user, "view"), pk=pk)
        if kind not in (DocumentKind.PATROL_REPORT, DocumentKind.FEEDBACK_LETTER):
            raise Http404
        if not Patrol.objects.restrict(request.user, "conduct").filter(pk=patrol.pk).exists():
            raise PermissionDenied
        try:
            document = services.patrol_generate_document(actor=request.user, patrol=patrol, kind=kind)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Generated: %(name)s.") % {"name": document.filename})
        return HttpResponseRedirect(patrol.get_absolute_url() + "#documents")


# --- Menu and home page -----------------------------------------------------------------------


def patrol_home_panel(request) -> str | None:
    """Patrols waiting for the user: the group's, the office's overdue ones, the unit's plan
    and report to submit (two queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    visible = Patrol.objects.restrict(user, "view").exclude(status=PatrolStatus.CLOSED)
    rows = list(visible.select_related("target").order_by("next_due_on", "pk")[:6])
    if not rows:
        return None
    today = timezone.localdate()
    overdue = visible.filter(next_due_on__lt=today).count()
    return render_to_string(
        "patrols/home_panel.html", {"patrols": rows, "overdue": overdue, "today": today}, request=request
    )


NAV = [NavItem(gettext_lazy("Patrols"), "patrols:patrol_list", "patrols.receive_patrol", 90)]
HOME_PANELS = [HomePanel(patrol_home_panel, 60)]

urlpatterns = [
    path("", PatrolListView.as_view(), name="patrol_list"),
    path("terms/<int:term_pk>/patrols/new/", PatrolCreateView.as_view(), name="patrol_create"),
    path("<int:pk>/", PatrolDetailView.as_view(), name="patrol_detail"),
    path("<int:pk>/edit/", PatrolUpdateView.as_view(), name="patrol_update"),
    path("<int:pk>/planned/", PlannedDatesView.as_view(), name="patrol_planned"),
    path("<int:pk>/members/new/", MemberAddView.as_view(), name="member_add"),
    path("<int:pk>/members/<int:member_pk>/remove/", MemberRemoveView.as_view(), name="member_remove"),
    path("<int:pk>/areas/", AreaChecklistView.as_view(), name="patrol_areas"),
    path("<int:pk>/stages/<slug:action>/", TransitionView.as_view(), name="patrol_transition"),
    path("<int:pk>/documents/new/", DocumentUploadView.as_view(), name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", DocumentDownloadView.as_view(), name="document_download"),
    path("<int:pk>/documents/generate/<slug:kind>/", GenerateDocumentView.as_view(), name="document_generate"),
]
