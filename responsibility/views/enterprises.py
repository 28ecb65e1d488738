"""Views: enterprises (生产经营单位) with their supervising departments, import and export,
enterprise accounts, and the sector → department mapping ("三管三必须")."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, FormView, UpdateView

from core.access import get_scope
from core.registry import HomePanel, NavItem
from core.tabular import ImportRejected, xlsx_response
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ServiceFormMixin,
    add_service_errors,
)
from responsibility.filters.enterprises import EnterpriseFilterSet, SectorMappingFilterSet
from responsibility.forms.enterprises import (
    EnterpriseAccountForm,
    EnterpriseForm,
    EnterpriseImportForm,
    SectorResponsibilityForm,
)
from responsibility.models import (
    Enterprise,
    EnterpriseSupervision,
    Jurisdiction,
    Sector,
    SectorResponsibility,
)
from responsibility.services import enterprises as services
from responsibility.services.enterprise_import import (
    EXPORT_COLUMNS,
    LAYOUT,
    REQUIRED,
    enterprise_import,
    export_rows,
)


def _supervisions_prefetch() -> Prefetch:
    return Prefetch("supervisions", queryset=EnterpriseSupervision.objects.select_related("organization"))


# --- Enterprises ------------------------------------------------------------------------------


class EnterpriseListView(FilteredListView):
    model = Enterprise
    filterset_class = EnterpriseFilterSet
    template_name = "responsibility/enterprise_list.html"
    export_filename = gettext_lazy("enterprises")
    export_columns = EXPORT_COLUMNS

    def get_base_queryset(self):
        return (
            Enterprise.objects.select_related("jurisdiction__parent", "sector")
            .prefetch_related(_supervisions_prefetch())
            .order_by("name", "pk")
        )

    def export_xlsx(self):
        # The same columns as the import (EXPORT_COLUMNS), written without a lookup per cell.
        queryset = self.get_queryset()[: self.export_limit]
        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(header) for header, _attribute in self.export_columns],
            rows=export_rows(queryset.iterator(chunk_size=2000)),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.has_perm("responsibility.add_enterprise")
        context["can_import"] = context["can_add"] and user.has_perm("responsibility.change_enterprise")
        params = self.request.GET.copy()
        for name in ("page", "department"):
            params.pop(name, None)
        context["query_string_without_department"] = params.urlencode()
        return context


class EnterpriseDetailView(ScopedDetailView):
    model = Enterprise
    template_name = "responsibility/enterprise_detail.html"

    def get_base_queryset(self):
        return Enterprise.objects.select_related("jurisdiction__parent", "sector", "grid")

    def get_context_data(self, **kwargs):
        from django.contrib.contenttypes.models import ContentType
        from guardian.models import UserObjectPermission

        context = super().get_context_data(**kwargs)
        enterprise, user = self.object, self.request.user
        # Part of the enterprise's own record: shown to whoever may see the enterprise,
        # including its own account (which may not list departments' supervision rows).
        supervisions = sorted(
            enterprise.supervisions.select_related("organization__jurisdiction"),
            key=lambda s: (not s.is_primary, s.organization.jurisdiction.path, s.organization.sort_order),
        )
        scope = get_scope(user)
        for supervision in supervisions:
            # Link only what the user can open (an enterprise account sees names only).
            supervision.linkable = scope.contains(supervision.organization.jurisdiction.path)
        context["supervisions"] = supervisions
        can_change = Enterprise.objects.restrict(user, "change").filter(pk=enterprise.pk).exists()
        context["can_change"] = can_change
        if can_change:
            context["accounts"] = (
                UserObjectPermission.objects.filter(
                    content_type=ContentType.objects.get_for_model(Enterprise),
                    object_pk=str(enterprise.pk),
                    permission__codename="view_enterprise",
                )
                .select_related("user")
                .order_by("user__username")
            )
        return context


class EnterpriseCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_enterprise"
    model = Enterprise
    form_class = EnterpriseForm
    template_name = "form.html"
    success_message = gettext_lazy("Enterprise registered.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        for name in ("jurisdiction", "sector"):
            if name in self.request.GET:
                initial[name] = self.request.GET[name]
        return initial

    def run_service(self, form):
        return services.enterprise_create(actor=self.request.user, **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class EnterpriseUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = Enterprise
    form_class = EnterpriseForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def get_base_queryset(self):
        return Enterprise.objects.prefetch_related(_supervisions_prefetch())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def run_service(self, form):
        return services.enterprise_update(instance=self.object, actor=self.request.user, **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class EnterpriseImportView(ModelPermissionRequiredMixin, View):
    required_permission = "responsibility.add_enterprise"
    template_name = "responsibility/enterprise_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("responsibility.change_enterprise"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form, errors=None, status=200):
        columns = [(name, header, aliases[0] if aliases else "", name in REQUIRED) for name, header, aliases, _a in LAYOUT]
        context = {"form": form, "errors": errors or [], "columns": columns}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, EnterpriseImportForm())

    def post(self, request):
        form = EnterpriseImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            result = enterprise_import(uploaded=form.cleaned_data["file"], actor=request.user)
        except ImportRejected as rejected:
            return self._render(request, form, errors=rejected.errors, status=400)
        messages.success(
            request,
            _("Imported %(rows)d rows in %(seconds).1f s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"rows": result.rows, "seconds": result.seconds, "created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("responsibility:enterprise_list")


class EnterpriseAccountGrantView(ObjectActionRequiredMixin, FormView):
    """Link an enterprise account to this enterprise: the account then sees it, and only it."""

    model = Enterprise
    form_class = EnterpriseAccountForm
    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not Enterprise.objects.restrict(self.request.user, self.required_action).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_title"] = _("Give an account access to %(name)s") % {"name": self.object.name}
        context["object"] = self.object
        return context

    def form_valid(self, form):
        try:
            services.enterprise_grant_account(actor=self.request.user, enterprise=self.object, user=form.account)
        except ValidationError as error:
            errors = getattr(error, "error_dict", None)
            if errors and "user" in errors:
                form.add_error("username", errors["user"])  # the service's "user" is this field
            else:
                add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The account %(username)s now sees this enterprise.") % {"username": form.account.get_username()})
        return HttpResponseRedirect(self.object.get_absolute_url())


class EnterpriseAccountRevokeView(ObjectActionRequiredMixin, View):
    model = Enterprise

    def post(self, request, pk, user_pk):
        from django.contrib.auth import get_user_model

        enterprise = get_object_or_404(self.get_queryset(), pk=pk)
        if not Enterprise.objects.restrict(request.user, "change").filter(pk=enterprise.pk).exists():
            raise PermissionDenied
        account = get_object_or_404(get_user_model(), pk=user_pk)
        services.enterprise_revoke_account(actor=request.user, enterprise=enterprise, user=account)
        messages.success(request, _("The account %(username)s no longer sees this enterprise.") % {"username": account.get_username()})
        return redirect(enterprise.get_absolute_url())


# --- Sector mapping ---------------------------------------------------------------------------


@dataclass
class SectorRow:
    sector: Sector
    leads: list = field(default_factory=list)
    others: list = field(default_factory=list)
    basis: str = ""
    enterprises: int = 0

    @property
    def is_unmapped(self) -> bool:
        return not self.leads and not self.others

    @property
    def is_overlap(self) -> bool:
        return len(self.leads) + len(self.others) > 1


def sector_matrix(jurisdiction: Jurisdiction) -> list[SectorRow]:
    """Every active sector with its departments in ``jurisdiction`` and the number of
    enterprises of that sector in the jurisdiction's subtree (three queries)."""
    rows = {sector.pk: SectorRow(sector) for sector in Sector.objects.filter(is_active=True)}
    mapping = (
        SectorResponsibility.objects.filter(jurisdiction=jurisdiction)
        .select_related("organization")
        .order_by("-is_lead", "organization__sort_order", "organization__name")
    )
    for item in mapping:
        row = rows.get(item.sector_id)
        if row is None:
            continue
        (row.leads if item.is_lead else row.others).append(item.organization)
        row.basis = row.basis or item.basis
    counts = (
        Enterprise.objects.filter(jurisdiction__path__startswith=jurisdiction.path)
        .order_by()
        .values("sector_id")
        .annotate(n=Count("pk"))
    )
    for item in counts:
        if item["sector_id"] in rows:
            rows[item["sector_id"]].enterprises = item["n"]
    return list(rows.values())


class SectorMappingListView(ModelPermissionRequiredMixin, FilteredListView):
    """The cities, counties and zones in scope with how complete their mapping is."""

    required_permission = "responsibility.view_sectorresponsibility"
    model = Jurisdiction
    filterset_class = SectorMappingFilterSet
    template_name = "responsibility/sector_mapping_list.html"
    export_filename = gettext_lazy("sector-responsibilities")
    # Turns the export button on; the export itself (export_mapping) has one row per
    # jurisdiction and sector, which a column list cannot express.
    export_columns = [(gettext_lazy("Jurisdiction"), "name")]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_mapping()
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return (
            Jurisdiction.objects.filter(level__in=services.MAPPING_LEVELS)
            .annotate(department_count=Count("sector_responsibilities__organization", distinct=True))
            .order_by("path")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        active = set(Sector.objects.filter(is_active=True).values_list("pk", flat=True))
        page = list(context["object_list"])
        # Overlaps of the jurisdictions on this page, in one query.
        shared: dict[int, int] = {}
        for jurisdiction_id, _sector_id, _n in (
            SectorResponsibility.objects.filter(jurisdiction__in=page, sector_id__in=active)
            .order_by()
            .values_list("jurisdiction_id", "sector_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        ):
            shared[jurisdiction_id] = shared.get(jurisdiction_id, 0) + 1
        mapped: dict[int, int] = dict(
            SectorResponsibility.objects.filter(jurisdiction__in=page, sector_id__in=active)
            .order_by()
            .values_list("jurisdiction_id")
            .annotate(n=Count("sector_id", distinct=True))
        )
        for jurisdiction in page:
            jurisdiction.unmapped_sectors = len(active) - mapped.get(jurisdiction.pk, 0)
            jurisdiction.shared_sectors = shared.get(jurisdiction.pk, 0)
        context["object_list"] = page
        context["sector_total"] = len(active)
        return context

    def export_mapping(self):
        """One row per jurisdiction × sector of the filtered jurisdictions, unmapped ones too."""
        jurisdictions = list(self.get_queryset()[:500])
        sectors = list(Sector.objects.filter(is_active=True))
        mapping: dict[tuple[int, int], list] = {}
        for item in (
            SectorResponsibility.objects.filter(jurisdiction__in=jurisdictions)
            .select_related("organization")
            .order_by("-is_lead", "organization__sort_order")
        ):
            mapping.setdefault((item.jurisdiction_id, item.sector_id), []).append(item)

        def rows():
            for jurisdiction in jurisdictions:
                for sector in sectors:
                    items = mapping.get((jurisdiction.pk, sector.pk), [])
                    yield [
                        jurisdiction.code,
                        jurisdiction.name,
                        sector.code,
                        sector.name,
                        "、".join(i.organization.name for i in items if i.is_lead),
                        "、".join(i.organization.name for i in items if not i.is_lead),
                        next((i.basis for i in items if i.basis), ""),
                    ]

        headers = [_("Division code"), _("Jurisdiction"), _("Sector code"), _("Sector"), _("Lead department"), _("Other responsible departments"), _("Basis")]
        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(h) for h in headers],
            rows=rows(),
        )


class SectorMappingDetailView(ModelPermissionRequiredMixin, ScopedDetailView):
    """One jurisdiction's mapping as a table: sector → lead and other departments."""

    required_permission = "responsibility.view_sectorresponsibility"
    model = Jurisdiction
    template_name = "responsibility/sector_mapping_detail.html"
    context_object_name = "jurisdiction"

    def get_base_queryset(self):
        return Jurisdiction.objects.filter(level__in=services.MAPPING_LEVELS)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = sector_matrix(self.object)
        # Gaps first: they are what the page is for.
        context["rows"] = sorted(rows, key=lambda r: (not r.is_unmapped, r.sector.sort_order))
        context["unmapped"] = sum(r.is_unmapped for r in rows)
        context["shared"] = sum(r.is_overlap for r in rows)
        context["can_change"] = self.request.user.has_perm("responsibility.change_sectorresponsibility")
        # The mapping's history (rows added, changed and removed), not the jurisdiction's own.
        from auditlog.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        context["history"] = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(SectorResponsibility),
                additional_data__jurisdiction_id=self.object.pk,
            )
            .select_related("actor")
            .order_by("-timestamp", "-pk")[: self.history_limit]
        )
        return context


class SectorResponsibilityEditView(ModelPermissionRequiredMixin, FormView):
    required_permission = "responsibility.change_sectorresponsibility"
    form_class = SectorResponsibilityForm
    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.jurisdiction = get_object_or_404(
                Jurisdiction.objects.filter(level__in=services.MAPPING_LEVELS).restrict(request.user, "view"), pk=kwargs["pk"]
            )
            self.sector = get_object_or_404(Sector, code=kwargs["sector"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "jurisdiction": self.jurisdiction}

    def get_initial(self):
        rows = list(SectorResponsibility.objects.filter(jurisdiction=self.jurisdiction, sector=self.sector).select_related("organization"))
        return {
            "lead": next((r.organization for r in rows if r.is_lead), None),
            "others": [r.organization for r in rows if not r.is_lead],
            "basis": next((r.basis for r in rows if r.basis), ""),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_title"] = _("%(sector)s in %(jurisdiction)s: responsible departments") % {
            "sector": self.sector.name,
            "jurisdiction": self.jurisdiction.name,
        }
        return context

    def form_valid(self, form):
        try:
            services.sector_responsibility_set(
                actor=self.request.user,
                jurisdiction=self.jurisdiction,
                sector=self.sector,
                lead=form.cleaned_data["lead"],
                others=list(form.cleaned_data["others"]),
                basis=form.cleaned_data["basis"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse("responsibility:sector_mapping_detail", args=[self.jurisdiction.pk])


# --- Menu and home page -----------------------------------------------------------------------


def _own_enterprises_panel(request) -> str | None:
    """Enterprise accounts have no menu entry for the list (they hold no model permission):
    the home page links them to the enterprise(s) they were given."""
    user = request.user
    if user.has_perm("responsibility.view_enterprise"):
        return None
    own = list(Enterprise.objects.restrict(user, "view").select_related("jurisdiction", "sector")[:20])
    if not own:
        return None
    return render_to_string("responsibility/enterprise_home_panel.html", {"enterprises": own}, request=request)


NAV = [
    NavItem(gettext_lazy("Enterprises"), "responsibility:enterprise_list", "responsibility.view_enterprise", 60),
    NavItem(gettext_lazy("Sector responsibilities"), "responsibility:sector_mapping_list", "responsibility.view_sectorresponsibility", 65),
]
HOME_PANELS = [HomePanel(_own_enterprises_panel, 60)]

urlpatterns = [
    path("enterprises/", EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/new/", EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("enterprises/import/", EnterpriseImportView.as_view(), name="enterprise_import"),
    path("enterprises/<int:pk>/", EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", EnterpriseUpdateView.as_view(), name="enterprise_update"),
    path("enterprises/<int:pk>/accounts/new/", EnterpriseAccountGrantView.as_view(), name="enterprise_account_grant"),
    path("enterprises/<int:pk>/accounts/<int:user_pk>/revoke/", EnterpriseAccountRevokeView.as_view(), name="enterprise_account_revoke"),
    path("sector-responsibilities/", SectorMappingListView.as_view(), name="sector_mapping_list"),
    path("sector-responsibilities/<int:pk>/", SectorMappingDetailView.as_view(), name="sector_mapping_detail"),
    path("sector-responsibilities/<int:pk>/<slug:sector>/edit/", SectorResponsibilityEditView.as_view(), name="sector_responsibility_edit"),
]
