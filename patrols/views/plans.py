"""Views of patrol plans: the terms, a term's plan (its batches, its targets' coverage in
numbers, its patrols by stage), and the forms for terms, targets and batches."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, FormView, ListView, UpdateView

from core.registry import NavItem
from core.viewmixins import (
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ScopedQuerysetMixin,
    ServiceFormMixin,
    add_service_errors,
)
from patrols.choices import PatrolStatus
from patrols.forms.plans import BatchForm, TargetForm, TargetsFromPlacesForm, TermForm
from patrols.models import Patrol, PatrolBatch, PatrolTarget, PatrolTerm
from patrols.selectors.coverage import coverage_summary
from patrols.services import plans as services


def _count(model):
    rows = model.objects.filter(term=OuterRef("pk")).order_by().values("term").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class TermListView(ScopedQuerysetMixin, ListView):
    model = PatrolTerm
    template_name = "patrols/term_list.html"
    paginate_by = 25

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("issuing_jurisdiction")
            # Two independent counts: subqueries, not a join of targets × patrols.
            .annotate(target_count=_count(PatrolTarget), patrol_count=_count(Patrol))
            .order_by("-start_date", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("patrols.add_patrolterm")
        return context


class TermDetailView(ScopedDetailView):
    """The term's plan: batches with their patrols, coverage in numbers, patrols by stage."""

    model = PatrolTerm
    template_name = "patrols/term_detail.html"

    def get_base_queryset(self):
        return PatrolTerm.objects.select_related("issuing_jurisdiction", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        term, user = self.object, self.request.user
        context["summary"] = coverage_summary(term)
        context["batches"] = list(
            term.batches.annotate(
                patrol_count=Count("patrols"),
                stationed=Count("patrols", filter=~Q(patrols__status=PatrolStatus.PREPARATION)),
                closed=Count("patrols", filter=Q(patrols__status=PatrolStatus.CLOSED)),
            ).order_by("number")
        )
        by_status = dict(Patrol.objects.filter(term=term).order_by().values_list("status").annotate(n=Count("pk")))
        context["by_status"] = [(value, label, by_status.get(value, 0)) for value, label in PatrolStatus.choices]
        context["can_change"] = user.has_perm("patrols.change_patrolterm") and PatrolTerm.objects.restrict(user, "change").filter(pk=term.pk).exists()
        context["can_plan"] = user.has_perm("patrols.add_patrol") and context["can_change"]
        context["can_add_target"] = user.has_perm("patrols.add_patroltarget") and context["can_change"]
        context["can_add_batch"] = user.has_perm("patrols.add_patrolbatch") and context["can_change"]
        return context


class TermCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, CreateView):
    required_permission = "patrols.add_patrolterm"
    model = PatrolTerm
    form_class = TermForm
    template_name = "form.html"
    success_message = gettext_lazy("Term planned.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def run_service(self, form):
        return services.term_create(actor=self.request.user, **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class TermUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = PatrolTerm
    form_class = TermForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def run_service(self, form):
        return services.term_update(actor=self.request.user, term=self.object, **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class _TermChildMixin(ScopedQuerysetMixin):
    """Forms under a term: the term visible (else 404) and changeable by the user (else 403)."""

    required_permission = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.term = get_object_or_404(PatrolTerm.objects.restrict(request.user, "view"), pk=kwargs["term_pk"])
            if not (request.user.has_perm(self.required_permission) and PatrolTerm.objects.restrict(request.user, "change").filter(pk=self.term.pk).exists()):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "term": self.term}

    def get_success_url(self):
        return self.term.get_absolute_url()


class TargetCreateView(_TermChildMixin, ServiceFormMixin, CreateView):
    required_permission = "patrols.add_patroltarget"
    model = PatrolTarget
    form_class = TargetForm
    template_name = "form.html"
    success_message = gettext_lazy("Target added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "term": self.term}

    def run_service(self, form):
        return services.target_create(actor=self.request.user, term=self.term, **form.service_fields())

    def get_success_url(self):
        return reverse("patrols:coverage", args=[self.term.pk])


class TargetUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = PatrolTarget
    form_class = TargetForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "term": self.object.term}

    def run_service(self, form):
        return services.target_update(actor=self.request.user, target=self.object, **form.service_fields())

    def get_success_url(self):
        return reverse("patrols:coverage", args=[self.object.term_id])


class TargetsFromPlacesView(_TermChildMixin, FormView):
    required_permission = "patrols.add_patroltarget"
    form_class = TargetsFromPlacesForm
    template_name = "form.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("Add the places below %(place)s") % {"place": self.term.issuing_jurisdiction}}

    def form_valid(self, form):
        try:
            created = services.targets_add_jurisdictions(actor=self.request.user, term=self.term, levels=form.cleaned_data["levels"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(n)d targets added.") % {"n": len(created)})
        return HttpResponseRedirect(reverse("patrols:coverage", args=[self.term.pk]))


class BatchCreateView(_TermChildMixin, ServiceFormMixin, CreateView):
    required_permission = "patrols.add_patrolbatch"
    model = PatrolBatch
    form_class = BatchForm
    template_name = "form.html"
    success_message = gettext_lazy("Batch added.")

    def get_initial(self):
        return {"number": (self.term.batches.count() or 0) + 1}

    def run_service(self, form):
        return services.batch_create(actor=self.request.user, term=self.term, **form.cleaned_data)


class BatchUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = PatrolBatch
    form_class = BatchForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def run_service(self, form):
        return services.batch_update(actor=self.request.user, batch=self.object, **form.cleaned_data)

    def get_success_url(self):
        return self.object.term.get_absolute_url()


NAV = [NavItem(gettext_lazy("Patrol plans"), "patrols:term_list", "patrols.view_patrolterm", 91)]

urlpatterns = [
    path("terms/", TermListView.as_view(), name="term_list"),
    path("terms/new/", TermCreateView.as_view(), name="term_create"),
    path("terms/<int:pk>/", TermDetailView.as_view(), name="term_detail"),
    path("terms/<int:pk>/edit/", TermUpdateView.as_view(), name="term_update"),
    path("terms/<int:term_pk>/targets/new/", TargetCreateView.as_view(), name="target_create"),
    path("terms/<int:term_pk>/targets/from-places/", TargetsFromPlacesView.as_view(), name="targets_from_places"),
    path("targets/<int:pk>/edit/", TargetUpdateView.as_view(), name="target_update"),
    path("terms/<int:term_pk>/batches/new/", BatchCreateView.as_view(), name="batch_create"),
    path("batches/<int:pk>/edit/", BatchUpdateView.as_view(), name="batch_update"),
]
