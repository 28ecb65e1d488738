"""Views of a patrol's findings: recording and correcting them (the group), routing them (the
patrol office), recording their rectification (the patrolled unit, or the office for it) and
closing dispositions (the office)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patrols.forms.findings import DispositionCloseForm, DispositionForm, FindingForm, RectifyForm
from patrols.models import FindingDisposition, Patrol, PatrolFinding
from patrols.services import findings as services
from patrols.views.patrols import _PatrolFormView


class FindingCreateView(_PatrolFormView):
    form_class = FindingForm
    action = "conduct"
    title = gettext_lazy("Record a finding")
    success_message = gettext_lazy("Finding recorded.")

    def form_extra(self):
        return {"patrol": self.patrol}

    def run_service(self, form):
        return services.finding_record(actor=self.request.user, patrol=self.patrol, **form.service_fields())

    def get_success_url(self):
        return self.patrol.get_absolute_url() + "#findings"


class _FindingFormView(_PatrolFormView):
    """A form about one finding; the finding's patrol must be visible (else 404)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.finding = get_object_or_404(
                PatrolFinding.objects.restrict(request.user).select_related("patrol__term", "patrol__target__jurisdiction", "hazard"),
                pk=kwargs["finding_pk"],
            )
            kwargs["pk"] = self.finding.patrol_id
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "finding": self.finding}

    def get_success_url(self):
        return self.patrol.get_absolute_url() + f"#finding-{self.finding.pk}"


class FindingUpdateView(_FindingFormView):
    form_class = FindingForm
    action = "conduct"
    title = gettext_lazy("Correct the finding")
    success_message = gettext_lazy("Saved.")

    def form_extra(self):
        return {"patrol": self.patrol, "instance": self.finding}

    def run_service(self, form):
        fields = form.service_fields()
        files = fields.pop("files", [])
        return services.finding_update(actor=self.request.user, finding=self.finding, files=files, **fields)


class DispositionCreateView(_FindingFormView):
    form_class = DispositionForm
    action = "approve"
    title = gettext_lazy("Route the finding")
    intro = gettext_lazy(
        "Problems and violations go to the local Party committee and government; a major hazard onto the hazard ledger "
        "under listed supervision; formalism, bureaucratism, dereliction and abuse of power to discipline inspection; "
        "the results to the organization department. Each route is taken once."
    )
    success_message = gettext_lazy("Finding routed.")
    template_name = "patrols/disposition_form.html"

    def form_extra(self):
        return {"finding": self.finding, "user": self.request.user}

    def run_service(self, form):
        return services.disposition_route(actor=self.request.user, finding=self.finding, **form.service_kwargs())


class FindingRectifyView(_FindingFormView):
    form_class = RectifyForm
    title = gettext_lazy("Record the rectification")
    success_message = gettext_lazy("Rectification recorded.")

    def allowed(self, user) -> bool:
        return any(Patrol.objects.restrict(user, action).filter(pk=self.patrol.pk).exists() for action in ("rectify", "approve"))

    def run_service(self, form):
        data = form.cleaned_data
        return services.finding_rectify(
            actor=self.request.user, finding=self.finding, rectified_on=data["rectified_on"], note=data["note"], files=data["files"]
        )


class DispositionCloseView(_PatrolFormView):
    form_class = DispositionCloseForm
    action = "approve"
    success_message = gettext_lazy("Disposition closed.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.disposition = get_object_or_404(
                FindingDisposition.objects.restrict(request.user).select_related("finding"), pk=kwargs["disposition_pk"]
            )
            kwargs["pk"] = self.disposition.finding.patrol_id
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return _("Close: %(route)s") % {"route": self.disposition.get_route_display()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "finding": self.disposition.finding}

    def run_service(self, form):
        data = form.cleaned_data
        return services.disposition_close(
            actor=self.request.user, disposition=self.disposition, closed_on=data["closed_on"], result=data["result"]
        )


urlpatterns = [
    path("<int:pk>/findings/new/", FindingCreateView.as_view(), name="finding_create"),
    path("findings/<int:finding_pk>/edit/", FindingUpdateView.as_view(), name="finding_update"),
    path("findings/<int:finding_pk>/route/", DispositionCreateView.as_view(), name="finding_route"),
    path("findings/<int:finding_pk>/rectify/", FindingRectifyView.as_view(), name="finding_rectify"),
    path("dispositions/<int:disposition_pk>/close/", DispositionCloseView.as_view(), name="disposition_close"),
]
