from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, UpdateView

from core.tabular import ImportRejected
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ScopedQuerysetMixin,
    ServiceFormMixin,
)
from responsibility import services
from responsibility.filters import JurisdictionFilterSet, OfficialFilterSet, OrganizationFilterSet
from responsibility.forms import (
    DivisionImportForm,
    JurisdictionForm,
    OfficialForm,
    OrganizationForm,
    PostForm,
)
from responsibility.imports import jurisdiction_import
from responsibility.models import DivisionImport, Jurisdiction, Official, Organization, Post


class UserFormKwargsMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


# --- Jurisdictions ----------------------------------------------------------------------------


class JurisdictionListView(FilteredListView):
    model = Jurisdiction
    filterset_class = JurisdictionFilterSet
    template_name = "responsibility/jurisdiction_list.html"
    export_filename = gettext_lazy("jurisdictions")
    export_columns = [
        (gettext_lazy("Division code"), "code"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Level"), "get_level_display"),
        (gettext_lazy("Parent"), "parent.name"),
    ]

    def get_base_queryset(self):
        # Explicit order: Meta.ordering is not applied to GROUP BY queries, and pages need one.
        return Jurisdiction.objects.select_related("parent").annotate(child_count=Count("children")).order_by("path")


class JurisdictionDetailView(ScopedDetailView):
    model = Jurisdiction
    template_name = "responsibility/jurisdiction_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jurisdiction = self.object
        user = self.request.user
        context["ancestors"] = jurisdiction.ancestors().restrict(user, "view")
        context["children"] = (
            jurisdiction.children.restrict(user, "view").annotate(child_count=Count("children")).order_by("path")[:500]
        )
        context["organizations"] = (
            jurisdiction.organizations.restrict(user, "view").select_related("parent", "lead_department").order_by("sort_order", "name")
        )
        context["can_change"] = Jurisdiction.objects.restrict(user, "change").filter(pk=jurisdiction.pk).exists()
        return context


class JurisdictionUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = Jurisdiction
    form_class = JurisdictionForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def run_service(self, form):
        return services.jurisdiction_update(
            instance=self.object, actor=self.request.user, name=form.cleaned_data["name"], is_active=form.cleaned_data["is_active"]
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class DivisionImportView(ModelPermissionRequiredMixin, View):
    required_permission = "responsibility.add_divisionimport"
    template_name = "responsibility/division_import.html"

    def _render(self, request, form, errors=None, status=200):
        recent = DivisionImport.objects.select_related("imported_by")
        if not request.user.is_superuser:
            recent = recent.filter(imported_by=request.user)  # imports carry no jurisdiction of their own
        recent = recent[:10]
        return render(request, self.template_name, {"form": form, "errors": errors or [], "recent": recent}, status=status)

    def get(self, request):
        return self._render(request, DivisionImportForm())

    def post(self, request):
        form = DivisionImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            record = jurisdiction_import(uploaded=form.cleaned_data["file"], actor=request.user)
        except ImportRejected as rejected:
            return self._render(request, form, errors=rejected.errors, status=400)
        messages.success(
            request,
            _("Imported %(rows)d rows in %(seconds).1f s: %(created)d created, %(updated)d renamed, %(unchanged)d unchanged.")
            % {"rows": record.rows, "seconds": record.seconds, "created": record.created, "updated": record.updated, "unchanged": record.unchanged},
        )
        return redirect("responsibility:division_import")


# --- Organizations ----------------------------------------------------------------------------


class OrganizationListView(FilteredListView):
    model = Organization
    filterset_class = OrganizationFilterSet
    template_name = "responsibility/organization_list.html"
    export_filename = gettext_lazy("organizations")
    export_columns = [
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Kind"), "get_kind_display"),
        (gettext_lazy("Function"), "get_function_display"),
        (gettext_lazy("Lead department"), "lead_department.name"),
    ]

    def get_base_queryset(self):
        return Organization.objects.select_related("jurisdiction", "lead_department").order_by(
            "jurisdiction__path", "sort_order", "name"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("responsibility.add_organization")
        return context


class OrganizationDetailView(ScopedDetailView):
    model = Organization
    template_name = "responsibility/organization_detail.html"

    def get_base_queryset(self):
        return Organization.objects.select_related("jurisdiction", "parent", "lead_department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        posts = self.object.posts.restrict(user, "view").select_related("official").order_by("end_date", "role", "-start_date")
        context["current_posts"] = [p for p in posts if p.is_current]
        context["past_posts"] = [p for p in posts if not p.is_current]
        context["units"] = self.object.units.restrict(user, "view").order_by("sort_order", "name")
        context["led_groups"] = self.object.led_task_groups.restrict(user, "view").order_by("name")
        context["can_change"] = Organization.objects.restrict(user, "change").filter(pk=self.object.pk).exists()
        context.update(self._power_list_context(user))
        return context

    def _power_list_context(self, user) -> dict:
        """The organization's power-and-responsibility list: latest version and the one the
        public sees, for organizations that keep a list and users who may see lists."""
        from responsibility.choices import LIST_KEEPING_KINDS, PowerListStatus

        if self.object.kind not in LIST_KEEPING_KINDS or not user.has_perm("responsibility.view_powerlistversion"):
            return {"shows_power_list": False}
        versions = list(self.object.power_lists.restrict(user, "view").order_by("-number")[:50])
        return {
            "shows_power_list": True,
            "power_list_latest": versions[0] if versions else None,
            "power_list_published": next((v for v in versions if v.status == PowerListStatus.PUBLISHED), None),
        }


class OrganizationCreateView(ModelPermissionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_organization"
    model = Organization
    form_class = OrganizationForm
    template_name = "form.html"
    success_message = gettext_lazy("Organization created.")

    def get_initial(self):
        initial = super().get_initial()
        if "jurisdiction" in self.request.GET:
            initial["jurisdiction"] = self.request.GET["jurisdiction"]
        return initial

    def run_service(self, form):
        data = dict(form.cleaned_data)
        return services.organization_create(actor=self.request.user, **data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class OrganizationUpdateView(ObjectActionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, UpdateView):
    model = Organization
    form_class = OrganizationForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def run_service(self, form):
        return services.organization_update(instance=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


# --- Officials and posts ----------------------------------------------------------------------


class OfficialListView(FilteredListView):
    model = Official
    filterset_class = OfficialFilterSet
    template_name = "responsibility/official_list.html"
    export_filename = gettext_lazy("officials")
    export_columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Registered in"), "registered_in.name"),
        (gettext_lazy("Current posts"), "current_posts_text"),
    ]

    def get_base_queryset(self):
        current = Post.objects.current().restrict(self.request.user, "view").select_related("organization")
        return Official.objects.select_related("registered_in").prefetch_related(
            Prefetch("posts", queryset=current, to_attr="current_post_list")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("responsibility.add_official")
        return context


class OfficialDetailView(ScopedDetailView):
    model = Official
    template_name = "responsibility/official_detail.html"

    def get_base_queryset(self):
        return Official.objects.select_related("registered_in", "user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["posts"] = (
            self.object.posts.restrict(user, "view").select_related("organization__jurisdiction").order_by("-start_date")
        )
        context["can_change"] = Official.objects.restrict(user, "change").filter(pk=self.object.pk).exists()
        context["can_add_post"] = user.has_perm("responsibility.add_post")
        # The official's responsibility lists and key-work items (duties feature).
        from responsibility.duties_document import official_duty_context

        context.update(official_duty_context(self.object, user))
        return context


class OfficialCreateView(ModelPermissionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_official"
    model = Official
    form_class = OfficialForm
    template_name = "form.html"
    success_message = gettext_lazy("Official created.")

    def run_service(self, form):
        return services.official_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class OfficialUpdateView(ObjectActionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, UpdateView):
    model = Official
    form_class = OfficialForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def run_service(self, form):
        return services.official_update(instance=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class PostCreateView(ModelPermissionRequiredMixin, ScopedQuerysetMixin, UserFormKwargsMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_post"
    model = Post
    form_class = PostForm
    template_name = "form.html"
    success_message = gettext_lazy("Post added.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.official = get_object_or_404(Official.objects.restrict(request.user, "view"), pk=kwargs["official_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("New post for %(name)s") % {"name": self.official.name}}

    def run_service(self, form):
        return services.post_create(actor=self.request.user, official=self.official, **form.cleaned_data)

    def get_success_url(self):
        return reverse("responsibility:official_detail", args=[self.official.pk])


class PostUpdateView(ObjectActionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, UpdateView):
    model = Post
    form_class = PostForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def run_service(self, form):
        return services.post_update(instance=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("responsibility:official_detail", args=[self.object.official_id])


urlpatterns = [
    path("jurisdictions/", JurisdictionListView.as_view(), name="jurisdiction_list"),
    path("jurisdictions/import/", DivisionImportView.as_view(), name="division_import"),
    path("jurisdictions/<int:pk>/", JurisdictionDetailView.as_view(), name="jurisdiction_detail"),
    path("jurisdictions/<int:pk>/edit/", JurisdictionUpdateView.as_view(), name="jurisdiction_update"),
    path("organizations/", OrganizationListView.as_view(), name="organization_list"),
    path("organizations/new/", OrganizationCreateView.as_view(), name="organization_create"),
    path("organizations/<int:pk>/", OrganizationDetailView.as_view(), name="organization_detail"),
    path("organizations/<int:pk>/edit/", OrganizationUpdateView.as_view(), name="organization_update"),
    path("officials/", OfficialListView.as_view(), name="official_list"),
    path("officials/new/", OfficialCreateView.as_view(), name="official_create"),
    path("officials/<int:pk>/", OfficialDetailView.as_view(), name="official_detail"),
    path("officials/<int:pk>/edit/", OfficialUpdateView.as_view(), name="official_update"),
    path("officials/<int:official_pk>/posts/new/", PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/edit/", PostUpdateView.as_view(), name="post_update"),
]
