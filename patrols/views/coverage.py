"""The coverage of a term: patrolled targets out of all targets, the gaps first.

A fixed number of queries whatever the size of the term (see :mod:`patrols.selectors.coverage`):
the term, the summary by kind, the patrols' totals and the page of targets; the paginator's
count comes from the summary."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.views.generic import TemplateView

from core.viewmixins import ScopedQuerysetMixin
from patrols.choices import TargetKind
from patrols.models import PatrolTerm
from patrols.selectors.coverage import (
    PATROLLED,
    PLANNED,
    UNPLANNED,
    coverage_summary,
    coverage_targets,
    decorate,
)

STATES = {"unplanned": UNPLANNED, "planned": PLANNED, "patrolled": PATROLLED}


class CoverageView(ScopedQuerysetMixin, TemplateView):
    template_name = "patrols/coverage.html"
    paginate_by = 100

    def get(self, request, *args, **kwargs):
        self.term = get_object_or_404(PatrolTerm.objects.restrict(request.user, "view").select_related("issuing_jurisdiction"), pk=kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        kind = self.request.GET.get("kind", "")
        kind = kind if kind in TargetKind.values else ""
        state_key = self.request.GET.get("state", "")
        state = STATES.get(state_key)
        summary = coverage_summary(self.term, today)
        rows = coverage_targets(self.term, today, kind=kind, state=state)
        paginator = Paginator(rows, self.paginate_by)
        paginator.count = self._count(summary, kind, state)
        page = paginator.get_page(self.request.GET.get("page"))
        params = self.request.GET.copy()
        params.pop("page", None)
        user = self.request.user
        context.update(
            term=self.term,
            summary=summary,
            page_obj=page,
            paginator=paginator,
            rows=decorate(page.object_list),
            kinds=TargetKind.choices,
            kind=kind,
            state=state_key,
            query_string=params.urlencode(),
            today=today,
            can_add_target=user.has_perm("patrols.add_patroltarget"),
            can_plan=user.has_perm("patrols.add_patrol"),
        )
        return context

    @staticmethod
    def _count(summary, kind: str, state: int | None) -> int:
        kinds = [k for k in summary.kinds if not kind or k.kind == kind]
        if state == UNPLANNED:
            return sum(k.unplanned for k in kinds)
        if state == PLANNED:
            return sum(k.planned - k.patrolled for k in kinds)
        if state == PATROLLED:
            return sum(k.patrolled for k in kinds)
        return sum(k.total for k in kinds)


urlpatterns = [
    path("terms/<int:pk>/coverage/", CoverageView.as_view(), name="coverage"),
]
