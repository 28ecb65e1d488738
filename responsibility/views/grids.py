"""Views: the four-level grid (网格化) — cells, their named supervisors, their enterprises."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, UpdateView

from core.access import get_scope
from core.registry import NavItem
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ServiceFormMixin,
    add_service_errors,
)
from responsibility.filters.grids import GridEnterpriseFilterSet, GridFilterSet
from responsibility.forms.grids import (
    EnterpriseGridForm,
    GridAssignEnterprisesForm,
    GridForm,
    GridSupervisorForm,
)
from responsibility.models import Enterprise, Grid, GridSupervisor, Jurisdiction, Sector
from responsibility.selectors.coverage import risk_rank
from responsibility.selectors.grids import current_post_q, with_list_data
from responsibility.services import grids as services

NAV = [NavItem(gettext_lazy("Grids"), "responsibility:grid_list", "responsibility.view_grid", 80)]


class UserFormKwargsMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class GridListView(FilteredListView):
    model = Grid
    filterset_class = GridFilterSet
    template_name = "responsibility/grid_list.html"
    export_filename = gettext_lazy("grid cells")
    export_columns = [
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Division code"), "jurisdiction.code"),
        (gettext_lazy("Level"), "get_level_display"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Parent grid"), "parent.name"),
        (gettext_lazy("Sectors"), "sectors_text"),
        (gettext_lazy("Named supervisor"), "named_supervisor_text"),
        (gettext_lazy("Enterprises"), "enterprise_count"),
        (gettext_lazy("Active"), "is_active"),
    ]

    def get_base_queryset(self):
        # Ordered by jurisdiction path, the list reads as the tree: city, county, its townships, their villages.
        return with_list_data(Grid.objects.all()).order_by("jurisdiction__path", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("responsibility.add_grid")
        return context


class GridDetailView(ScopedDetailView):
    model = Grid
    template_name = "responsibility/grid_detail.html"
    enterprise_preview = 20

    def get_base_queryset(self):
        return Grid.objects.select_related("jurisdiction", "parent__jurisdiction").prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.order_by("sort_order", "code"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grid, user = self.object, self.request.user
        supervisors = list(
            GridSupervisor.objects.filter(grid=grid)
            .select_related("post__official", "post__organization")
            .annotate(post_current=ExpressionWrapper(current_post_q(), output_field=BooleanField()))
            .order_by("-is_primary", "post__role", "post__official__name")
        )
        context["supervisors"] = supervisors
        context["named"] = next((s for s in supervisors if s.is_primary and s.post_current), None)
        context["children"] = with_list_data(grid.children.restrict(user, "view")).order_by("jurisdiction__path", "name")
        enterprises = grid.enterprises.restrict(user, "view").select_related("jurisdiction", "sector")
        context["enterprise_total"] = enterprises.count()
        context["enterprises"] = enterprises.annotate(risk_rank=risk_rank()).order_by("risk_rank", "name")[: self.enterprise_preview]
        context["parent_visible"] = grid.parent_id is not None and get_scope(user).contains(grid.parent.jurisdiction.path)
        context["can_change"] = Grid.objects.restrict(user, "change").filter(pk=grid.pk).exists()
        context["can_add_supervisor"] = context["can_change"] and user.has_perm("responsibility.add_gridsupervisor")
        context["can_change_supervisor"] = context["can_change"] and user.has_perm("responsibility.change_gridsupervisor")
        context["can_remove_supervisor"] = context["can_change"] and user.has_perm("responsibility.delete_gridsupervisor")
        context["history"] = self._history()
        return context

    def _history(self):
        """The cell's own entries and those of its supervisors (also removed ones: each entry
        carries the cell's id in ``additional_data``)."""
        from auditlog.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        types = ContentType.objects.get_for_models(Grid, GridSupervisor)
        return (
            LogEntry.objects.filter(
                Q(content_type=types[Grid], object_pk=str(self.object.pk))
                | Q(content_type=types[GridSupervisor], additional_data__grid_id=self.object.pk)
            )
            .select_related("actor", "content_type")
            .order_by("-timestamp", "-pk")[: self.history_limit]
        )


class GridCreateView(ModelPermissionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_grid"
    model = Grid
    form_class = GridForm
    template_name = "form.html"
    success_message = gettext_lazy("Grid cell created.")

    def _from_query(self, name: str, queryset):
        value = self.request.GET.get(name, "")
        return queryset.restrict(self.request.user, "view").filter(pk=value).first() if value.isdigit() else None

    def get_form_kwargs(self):
        # ?jurisdiction= (from the coverage page) or ?parent= (from a cell's "New cell below")
        # narrow the form to a few choices; the query string stays on the form's POST.
        kwargs = super().get_form_kwargs()
        kwargs["place"] = self._from_query("jurisdiction", Jurisdiction.objects.all())
        kwargs["below"] = self._from_query("parent", Grid.objects.select_related("jurisdiction"))
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        place = self._from_query("jurisdiction", Jurisdiction.objects.all())
        if place is not None:
            initial["jurisdiction"] = place.pk
            initial["name"] = _("%(place)s grid") % {"place": place.name}
        return initial

    def run_service(self, form):
        return services.grid_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class GridUpdateView(ObjectActionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, UpdateView):
    model = Grid
    form_class = GridForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def run_service(self, form):
        data = dict(form.cleaned_data)
        data.pop("jurisdiction", None)
        return services.grid_update(instance=self.object, actor=self.request.user, **data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class _GridActionView(LoginRequiredMixin, View):
    """A form acting on one cell: the cell must be visible (else 404) and changeable by the
    user's role in their scope (else 403)."""

    template_name = "form.html"
    permission: str = "responsibility.change_grid"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.grid = get_object_or_404(Grid.objects.restrict(request.user, "view").select_related("jurisdiction"), pk=kwargs["pk"])
        if not request.user.has_perm(self.permission) or not Grid.objects.restrict(request.user, "change").filter(pk=self.grid.pk).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        raise NotImplementedError

    def title(self) -> str:
        raise NotImplementedError

    def render_form(self, form, status=200):
        context = {"form": form, "form_title": self.title(), "object": self.grid, "view": self}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_form(self.make_form())

    def post(self, request, pk):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                message = self.run_service(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(self.grid.get_absolute_url())
        return self.render_form(form, status=400)

    def get_success_url(self):
        return self.grid.get_absolute_url()


class GridSupervisorAddView(_GridActionView):
    permission = "responsibility.add_gridsupervisor"

    def title(self):
        return _("Add a supervisor to %(grid)s") % {"grid": self.grid.name}

    def make_form(self, data=None):
        return GridSupervisorForm(data, grid=self.grid, user=self.request.user)

    def run_service(self, form):
        services.grid_supervisor_add(actor=self.request.user, grid=self.grid, **form.cleaned_data)
        return _("Supervisor added.")


class GridAssignEnterprisesView(_GridActionView):
    def title(self):
        return _("Assign enterprises to %(grid)s") % {"grid": self.grid.name}

    def make_form(self, data=None):
        return GridAssignEnterprisesForm(data, grid=self.grid, user=self.request.user)

    def run_service(self, form):
        moved = services.grid_assign_enterprises(actor=self.request.user, grid=self.grid, **form.cleaned_data)
        return _("%(n)d enterprises assigned to the cell.") % {"n": moved}


class _SupervisorActionView(ObjectActionRequiredMixin, View):
    """POST on one supervisor row; GET shows a confirmation page."""

    model = GridSupervisor
    template_name = "responsibility/grid_supervisor_confirm.html"
    pk_url_kwarg = "pk"

    def get_object(self, queryset=None):
        queryset = self.get_queryset().select_related("grid__jurisdiction", "post__official", "post__organization")
        obj = get_object_or_404(queryset, pk=self.kwargs["pk"])
        if not GridSupervisor.objects.restrict(self.request.user, self.required_action).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def get(self, request, pk):
        supervisor = self.get_object()
        return render(request, self.template_name, {"supervisor": supervisor, "grid": supervisor.grid, "view": self})

    def post(self, request, pk):
        supervisor = self.get_object()
        try:
            message = self.run_service(supervisor)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return redirect(supervisor.grid.get_absolute_url())


class GridSupervisorNameView(_SupervisorActionView):
    required_action = "change"
    confirm_label = gettext_lazy("Make named supervisor")
    question = gettext_lazy("Make this person the named supervisor of the cell? The present named supervisor remains a supervisor.")

    def run_service(self, supervisor):
        services.grid_supervisor_set_primary(actor=self.request.user, supervisor=supervisor)
        return _("Named supervisor changed.")


class GridSupervisorRemoveView(_SupervisorActionView):
    required_action = "delete"
    confirm_label = gettext_lazy("Remove")
    question = gettext_lazy("Remove this supervisor from the cell? The post and the person's record remain.")

    def run_service(self, supervisor):
        services.grid_supervisor_remove(actor=self.request.user, supervisor=supervisor)
        return _("Supervisor removed.")


class GridEnterpriseListView(FilteredListView):
    """All the enterprises of one cell, filtered, paged and exportable."""

    model = Enterprise
    filterset_class = GridEnterpriseFilterSet
    template_name = "responsibility/grid_enterprise_list.html"
    export_filename = gettext_lazy("grid enterprises")
    export_columns = [
        (gettext_lazy("Unified social credit code"), "credit_code"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Township or village"), "jurisdiction.name"),
        (gettext_lazy("Sector"), "sector.name"),
        (gettext_lazy("Risk class"), "get_risk_class_display"),
        (gettext_lazy("Status"), "get_status_display"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.grid = get_object_or_404(Grid.objects.restrict(request.user, "view").select_related("jurisdiction"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return (
            Enterprise.objects.filter(grid=self.grid)
            .select_related("jurisdiction", "sector")
            .annotate(risk_rank=risk_rank())
            .order_by("risk_rank", "name", "pk")
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "grid": self.grid}


class EnterpriseGridView(LoginRequiredMixin, View):
    """Put one enterprise into a grid cell (from the coverage page or the enterprise's page)."""

    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.enterprise = get_object_or_404(
            Enterprise.objects.restrict(request.user, "view").select_related("jurisdiction", "grid"), pk=kwargs["pk"]
        )
        if not request.user.has_perm("responsibility.change_grid"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form, status=200):
        title = _("Grid cell of %(name)s") % {"name": self.enterprise.name}
        return render(self.request, self.template_name, {"form": form, "form_title": title, "view": self}, status=status)

    def get(self, request, pk):
        return self._render(EnterpriseGridForm(enterprise=self.enterprise, user=request.user))

    def post(self, request, pk):
        form = EnterpriseGridForm(request.POST, enterprise=self.enterprise, user=request.user)
        if form.is_valid():
            try:
                services.enterprise_assign_grid(actor=request.user, enterprise=self.enterprise, grid=form.cleaned_data["grid"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.get_success_url())
        return self._render(form, status=400)

    def get_success_url(self):
        next_url = self.request.POST.get("next") or self.request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(next_url, {self.request.get_host()}, self.request.is_secure()):
            return next_url
        try:
            return self.enterprise.get_absolute_url()
        except Exception:  # the enterprise pages are another feature's; fall back to the grids
            return reverse("responsibility:grid_list")


urlpatterns = [
    path("grids/", GridListView.as_view(), name="grid_list"),
    path("grids/new/", GridCreateView.as_view(), name="grid_create"),
    path("grids/<int:pk>/", GridDetailView.as_view(), name="grid_detail"),
    path("grids/<int:pk>/edit/", GridUpdateView.as_view(), name="grid_update"),
    path("grids/<int:pk>/supervisors/new/", GridSupervisorAddView.as_view(), name="grid_supervisor_add"),
    path("grids/<int:pk>/assign/", GridAssignEnterprisesView.as_view(), name="grid_assign_enterprises"),
    path("grids/<int:pk>/enterprises/", GridEnterpriseListView.as_view(), name="grid_enterprise_list"),
    path("grid-supervisors/<int:pk>/name/", GridSupervisorNameView.as_view(), name="grid_supervisor_name"),
    path("grid-supervisors/<int:pk>/remove/", GridSupervisorRemoveView.as_view(), name="grid_supervisor_remove"),
    path("enterprises/<int:pk>/grid/", EnterpriseGridView.as_view(), name="enterprise_grid"),
]
