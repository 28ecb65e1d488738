"""Views of random draws (双随机一公开): defining a draw, making it, verifying it, publishing it
and starting the inspections of the enterprises drawn."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from core.registry import NavItem
from core.viewmixins import FilteredListView, ModelPermissionRequiredMixin, ScopedDetailView, ServiceFormMixin
from inspections.filters.programmes import DrawFilterSet
from inspections.forms.programmes import DrawForm
from inspections.models import DrawnEnterprise, RandomDraw
from inspections.selectors import draws as selectors
from inspections.services import draws as services
from inspections.views.programmes import (
    LocalTimeExportMixin,
    ObjectActionView,
    ObjectFormView,
    _ObjectMixin,
    download,
)
from responsibility.choices import PostRole, RiskClass
from responsibility.models import Sector

ADD = "inspections.add_randomdraw"
PUBLISH = "inspections.publish_randomdraw"


def rules_summary(draw: RandomDraw) -> dict:
    """The draw's rules in words, for its page and the public page."""
    rules = draw.rules or {}
    sectors = list(Sector.objects.filter(pk__in=rules.get("sectors") or []).order_by("sort_order").values_list("name", flat=True))
    weights = rules.get("weights") or {}
    return {
        "sectors": "、".join(sectors) or _("All sectors"),
        "risk_classes": "、".join(str(RiskClass(r).label) for r in rules.get("risk_classes") or []) or _("All risk classes"),
        "only_operating": rules.get("only_operating", True),
        "weights": [(RiskClass(k).label, weights.get(k, 1)) for k in RiskClass.values],
        "inspector_roles": "、".join(str(PostRole(r).label) for r in rules.get("inspector_roles") or [] if r in PostRole.values),
    }


def pool_document(draw: RandomDraw) -> dict:
    """Everything needed to re-run the draw, as published."""
    return {
        "draw": draw.pk,
        "name": draw.name,
        "algorithm": "inspections.draws.run_draw",
        "algorithm_version": (draw.rules or {}).get("algorithm"),
        "seed": draw.seed,
        "enterprise_count": draw.enterprise_count,
        "inspectors_per_enterprise": draw.inspectors_per_enterprise,
        "weighting": draw.weighting,
        "rules": draw.rules,
        "enterprise_pool": draw.enterprise_pool,
        "inspector_pool": draw.inspector_pool,
        "result": [
            {"enterprise": row.enterprise_id, "inspectors": [o.pk for o in row.inspector_list]} for row in selectors.drawn_rows(draw)
        ],
    }


def pool_download(draw: RandomDraw):
    content = json.dumps(pool_document(draw), ensure_ascii=False, indent=1).encode()
    return download(content, filename=f"draw-{draw.pk}-pool.json", content_type="application/json")


class DrawListView(LocalTimeExportMixin, FilteredListView):
    model = RandomDraw
    filterset_class = DrawFilterSet
    template_name = "inspections/draw_list.html"
    export_filename = gettext_lazy("random draws")
    export_columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Enterprises to draw"), "enterprise_count"),
        (gettext_lazy("Inspectors per enterprise"), "inspectors_per_enterprise"),
        (gettext_lazy("Drawn at"), "drawn_at"),
        (gettext_lazy("Published at"), "published_at"),
        (gettext_lazy("Seed"), "seed"),
    ]

    def get_base_queryset(self):
        return RandomDraw.objects.select_related("jurisdiction").defer("enterprise_pool", "inspector_pool").order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_add": self.request.user.has_perm(ADD)}


class DrawDetailView(ScopedDetailView):
    model = RandomDraw
    template_name = "inspections/draw_detail.html"

    def get_base_queryset(self):
        return RandomDraw.objects.select_related("jurisdiction", "drawn_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draw, user = self.object, self.request.user
        can_change = RandomDraw.objects.restrict(user, "change").filter(pk=draw.pk).exists()
        context.update(rules=rules_summary(draw), can_change=can_change)
        if draw.drawn_at is None:
            context["pool_enterprises"] = services.enterprise_pool_queryset(draw).count()
            context["pool_inspectors"] = len(services.snapshot_inspector_pool(draw)) if can_change else None
        else:
            rows = selectors.drawn_rows(draw)
            outcomes = selectors.outcomes(draw)
            for row in rows:
                row.outcome = outcomes.get(row.enterprise_id)
            context.update(
                rows=rows,
                pool_enterprises=len(draw.enterprise_pool),
                pool_inspectors=len(draw.inspector_pool),
                can_publish=draw.published_at is None and user.has_perm(PUBLISH) and can_change,
                can_log=user.has_perm("inspections.add_inspection"),
            )
        return context


class DrawCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, FormView):
    required_permission = ADD
    form_class = DrawForm
    template_name = "inspections/draw_form.html"
    success_message = gettext_lazy("Draw defined. Check the pool, then make the draw.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        from responsibility.scope import single_scope_root

        root = single_scope_root(self.request.user)
        return {**super().get_initial(), "jurisdiction": root.pk if root else None}

    def run_service(self, form):
        return services.draw_create(actor=self.request.user, jurisdiction=form.cleaned_data["jurisdiction"], **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class DrawUpdateView(ObjectFormView):
    model = RandomDraw
    form_class = DrawForm
    template_name = "inspections/draw_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "draw": self.object}

    def run_service(self, form):
        return services.draw_update(actor=self.request.user, draw=self.object, **form.service_fields())


class DrawDeleteView(ObjectActionView):
    model = RandomDraw
    required_action = "delete"
    success_message = gettext_lazy("Draw deleted.")

    def act(self, request, obj):
        services.draw_delete(actor=request.user, draw=obj)

    def redirect_url(self, obj, result) -> str:
        return reverse("inspections:draw_list")


class DrawPerformView(ObjectActionView):
    model = RandomDraw
    success_message = gettext_lazy("The draw has been made. Anyone can verify it from the stored pool and seed.")

    def act(self, request, obj):
        return services.draw_perform(actor=request.user, draw=obj)


class DrawPublishView(ObjectActionView):
    model = RandomDraw
    required_action = "publish"
    success_message = gettext_lazy("Published on the public page.")

    def act(self, request, obj):
        return services.draw_publish(actor=request.user, draw=obj)


class DrawVerifyView(_ObjectMixin, View):
    """Re-run the algorithm from the stored pool, rules and seed and compare."""

    model = RandomDraw
    required_action = None

    def get(self, request, pk):
        verification = selectors.verify_draw(self.object)
        return render(request, "inspections/draw_verify.html", {"draw": self.object, "verification": verification})


class DrawPoolView(_ObjectMixin, View):
    model = RandomDraw
    required_action = None

    def get(self, request, pk):
        return pool_download(self.object)


class DrawStartInspectionView(ObjectActionView):
    """The draft inspection of one drawn enterprise, for its inspectors to fill in."""

    model = RandomDraw
    required_action = None

    def check_object(self, request, obj) -> None:
        from django.core.exceptions import PermissionDenied

        if not request.user.has_perm("inspections.add_inspection"):
            raise PermissionDenied

    def act(self, request, obj):
        drawn = get_object_or_404(DrawnEnterprise, draw=obj, pk=self.kwargs["result_pk"])
        inspection = services.draw_start_inspection(actor=request.user, drawn=drawn)
        messages.info(request, _("The inspection of %(name)s is ready to fill in.") % {"name": drawn.enterprise.name})
        return inspection

    def redirect_url(self, obj, result) -> str:
        if result.is_draft:
            return reverse("inspections:inspection_edit", args=[result.pk])
        return result.get_absolute_url()


NAV = [NavItem(gettext_lazy("Random draws"), "inspections:draw_list", "inspections.view_randomdraw", 69.4)]

urlpatterns = [
    path("draws/", DrawListView.as_view(), name="draw_list"),
    path("draws/new/", DrawCreateView.as_view(), name="draw_create"),
    path("draws/<int:pk>/", DrawDetailView.as_view(), name="draw_detail"),
    path("draws/<int:pk>/edit/", DrawUpdateView.as_view(), name="draw_update"),
    path("draws/<int:pk>/delete/", DrawDeleteView.as_view(), name="draw_delete"),
    path("draws/<int:pk>/draw/", DrawPerformView.as_view(), name="draw_perform"),
    path("draws/<int:pk>/publish/", DrawPublishView.as_view(), name="draw_publish"),
    path("draws/<int:pk>/verify/", DrawVerifyView.as_view(), name="draw_verify"),
    path("draws/<int:pk>/pool.json", DrawPoolView.as_view(), name="draw_pool"),
    path("draws/<int:pk>/results/<int:result_pk>/inspect/", DrawStartInspectionView.as_view(), name="draw_start_inspection"),
]
