"""Views of checklists: the list (by sector), a checklist's page (the current version's items,
the version history with what each version changed), and the office's editor of a draft
version (add, edit, move, remove items; publish with a note; discard), plus adapting a platform
or higher-level checklist into the office's own jurisdiction.

A checklist outside the user's scope is a 404; editing one the user may see but not edit (a
platform checklist, another level's) a 403; changing a published version is refused with a
message (it never changes: inspections keep the version they were answered against).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from core.registry import NavItem
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ScopedDetailView,
    ServiceFormMixin,
    add_service_errors,
)
from inspections.filters.checklists import ChecklistFilterSet
from inspections.forms.checklists import (
    ChecklistAdaptForm,
    ChecklistCreateForm,
    ChecklistEditForm,
    ChecklistItemForm,
    ChecklistPublishForm,
)
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from inspections.selectors.checklists import checklist_list_queryset, checklist_versions, uses_of_versions
from inspections.services import checklists as services
from responsibility.scope import single_scope_root

VIEW = "inspections.view_checklisttemplate"


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _visible_template(user, pk) -> ChecklistTemplate:
    return get_object_or_404(
        ChecklistTemplate.objects.restrict(user, "view").select_related("sector", "jurisdiction"), pk=pk
    )


def _visible_version(user, pk) -> ChecklistVersion:
    return get_object_or_404(
        ChecklistVersion.objects.restrict(user, "view").select_related("template__sector", "template__jurisdiction"), pk=pk
    )


def _visible_item(user, pk) -> ChecklistItem:
    versions = ChecklistVersion.objects.restrict(user, "view").values("pk")
    return get_object_or_404(
        ChecklistItem.objects.filter(version__in=versions).select_related("version__template__jurisdiction"), pk=pk
    )


def _require_edit(user, template: ChecklistTemplate) -> None:
    if not services.may_edit(user, template):
        raise PermissionDenied


def editor_url(version: ChecklistVersion) -> str:
    return reverse("inspections:checklist_editor", args=[version.pk])


# --- List and detail ----------------------------------------------------------------------------


class ChecklistListView(FilteredListView):
    model = ChecklistTemplate
    filterset_class = ChecklistFilterSet
    template_name = "inspections/checklist_list.html"
    export_filename = gettext_lazy("checklists")
    export_columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Sector"), "sector.name"),
        (gettext_lazy("Kept by"), "jurisdiction.name"),
        (gettext_lazy("Current version"), "current_number"),
        (gettext_lazy("Items"), "item_count"),
        (gettext_lazy("Published at"), "current_published_at"),
        (gettext_lazy("Source"), "source"),
    ]

    def get_base_queryset(self):
        return checklist_list_queryset().order_by(
            F("sector__sort_order").asc(nulls_first=True), F("jurisdiction__path").asc(nulls_first=True), "name", "pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm(services.ADD)
        return context


class ChecklistDetailView(ScopedDetailView):
    model = ChecklistTemplate
    template_name = "inspections/checklist_detail.html"
    context_object_name = "checklist"

    def get_base_queryset(self):
        return ChecklistTemplate.objects.select_related("sector", "jurisdiction")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        template: ChecklistTemplate = self.object
        can_edit = services.may_edit(user, template)
        versions = checklist_versions(template)
        if not can_edit:
            # A draft is the office's work in progress, not yet part of the checklist.
            versions.entries = [e for e in versions.entries if not e.is_draft]
        shown = versions.get(self.request.GET.get("version")) or versions.current or versions.draft
        uses = uses_of_versions(template)
        for entry in versions.entries:
            entry.uses = uses.get(entry.version.pk, 0)
        context.update(
            versions=versions,
            shown=shown,
            can_edit=can_edit,
            can_adapt=services.may_adapt(user, template),
            draft=versions.draft,
        )
        return context


# --- Creating, editing the checklist's details, adapting ------------------------------------


class ChecklistCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, FormView):
    required_permission = services.ADD
    form_class = ChecklistCreateForm
    template_name = "form.html"
    success_message = gettext_lazy("Checklist created. Add its items, then publish the first version.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        root = single_scope_root(self.request.user)
        return {"jurisdiction": root.pk} if root is not None else {}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("New checklist")}

    def run_service(self, form):
        data = form.cleaned_data
        return services.checklist_create(
            actor=self.request.user, name=data["name"], jurisdiction=data["jurisdiction"], sector=data["sector"],
            source=data["source"],
        )

    def get_success_url(self):
        return editor_url(self.object.versions.get())


class ChecklistUpdateView(LoginRequiredMixin, ServiceFormMixin, FormView):
    form_class = ChecklistEditForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.template = _visible_template(request.user, kwargs["pk"])
            _require_edit(request.user, self.template)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.template}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("Edit %(checklist)s") % {"checklist": self.template}}

    def run_service(self, form):
        return services.checklist_update(actor=self.request.user, template=self.template, **form.cleaned_data)

    def get_success_url(self):
        return self.template.get_absolute_url()


class ChecklistDraftView(LoginRequiredMixin, View):
    """"Edit items": open the draft version (started from the current items if there is none)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        template = _visible_template(request.user, pk)
        _require_edit(request.user, template)
        version = services.checklist_draft_new_version(actor=request.user, template=template)
        return redirect(editor_url(version))


class ChecklistAdaptView(LoginRequiredMixin, FormView):
    form_class = ChecklistAdaptForm
    template_name = "inspections/checklist_adapt.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.template = _visible_template(request.user, kwargs["pk"])
            if not services.may_adapt(request.user, self.template):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        root = single_scope_root(self.request.user)
        return {"jurisdiction": root.pk} if root is not None else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checklist"] = self.template
        context["current"] = services.current_version(self.template)
        return context

    def form_valid(self, form):
        try:
            copy = services.checklist_adapt(
                actor=self.request.user, template=self.template, jurisdiction=form.cleaned_data["jurisdiction"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Copied into %(place)s as a draft. Adjust the items, then publish it.") % {
            "place": copy.jurisdiction.name
        })
        return redirect(editor_url(copy.versions.get()))


# --- The draft editor ---------------------------------------------------------------------------


def render_editor(request, version: ChecklistVersion, *, item_form=None, publish_form=None, status: int = 200):
    template = version.template
    versions = checklist_versions(template)
    entry = versions.get(version.number)
    context = {
        "checklist": template,
        "version": version,
        "items": entry.items if entry else [],
        "diff": entry.diff if entry else None,
        "current": versions.current,
        "item_form": item_form or ChecklistItemForm(),
        "publish_form": publish_form or ChecklistPublishForm(),
    }
    return render(request, "inspections/checklist_editor.html", context, status=status)


class DraftMixin(LoginRequiredMixin):
    """Views on one draft version (/checklists/versions/<pk>/…): visible or 404, editable or
    403, still a draft or back to the checklist with a message."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.version = _visible_version(request.user, kwargs["pk"])
        _require_edit(request.user, self.version.template)
        if self.version.published_at is not None:
            messages.info(
                request,
                _("Version %(number)d is published and no longer changes. Use “Edit items” to prepare a new version.")
                % {"number": self.version.number},
            )
            return redirect(self.version.template)
        return super().dispatch(request, *args, **kwargs)


class ChecklistEditorView(DraftMixin, View):
    """The draft's items with their buttons; POST adds an item."""

    def get(self, request, pk):
        return render_editor(request, self.version)

    def post(self, request, pk):
        form = ChecklistItemForm(request.POST)
        if form.is_valid():
            try:
                item = services.checklist_item_add(actor=request.user, version=self.version, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Item added."))
                return redirect(f"{editor_url(self.version)}#item-{item.pk}")
        return render_editor(request, self.version, item_form=form, status=400)


class ChecklistPublishView(DraftMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = ChecklistPublishForm(request.POST)
        if form.is_valid():
            try:
                version = services.checklist_publish(actor=request.user, version=self.version, note=form.cleaned_data["note"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(number)d published: new inspections use it; earlier ones keep the version they used.")
                    % {"number": version.number},
                )
                return redirect(version.template)
        return render_editor(request, self.version, publish_form=form, status=400)


class ChecklistDiscardView(DraftMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        template = services.checklist_discard_draft(actor=request.user, version=self.version)
        messages.success(request, _("The draft was discarded."))
        return redirect(template if template is not None else reverse("inspections:checklist_list"))


# --- Items of a draft ---------------------------------------------------------------------------


class ItemMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.item = _visible_item(request.user, kwargs["pk"])
        self.version = self.item.version
        _require_edit(request.user, self.version.template)
        if self.version.published_at is not None:
            messages.error(request, _("This item belongs to a published version, which no longer changes."))
            return redirect(self.version.template)
        return super().dispatch(request, *args, **kwargs)


class ChecklistItemUpdateView(ItemMixin, ServiceFormMixin, FormView):
    form_class = ChecklistItemForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.item}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("Edit item %(number)d") % {"number": self.item.order}}

    def run_service(self, form):
        return services.checklist_item_update(actor=self.request.user, item=self.item, **form.cleaned_data)

    def get_success_url(self):
        return f"{editor_url(self.version)}#item-{self.item.pk}"


class ChecklistItemRemoveView(ItemMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.checklist_item_remove(actor=request.user, item=self.item)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Item removed."))
        return redirect(editor_url(self.version))


class ChecklistItemMoveView(ItemMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
        if offset is None:
            messages.error(request, _("Move the item up or down."))
        else:
            try:
                services.checklist_item_move(actor=request.user, item=self.item, offset=offset)
            except ValidationError as error:
                messages.error(request, _error_text(error))
        return redirect(f"{editor_url(self.version)}#item-{self.item.pk}")


NAV = [NavItem(gettext_lazy("Checklists"), "inspections:checklist_list", VIEW, 67)]

urlpatterns = [
    path("checklists/", ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/new/", ChecklistCreateView.as_view(), name="checklist_create"),
    path("checklists/<int:pk>/", ChecklistDetailView.as_view(), name="checklist_detail"),
    path("checklists/<int:pk>/edit/", ChecklistUpdateView.as_view(), name="checklist_update"),
    path("checklists/<int:pk>/draft/", ChecklistDraftView.as_view(), name="checklist_draft"),
    path("checklists/<int:pk>/adapt/", ChecklistAdaptView.as_view(), name="checklist_adapt"),
    path("checklists/versions/<int:pk>/", ChecklistEditorView.as_view(), name="checklist_editor"),
    path("checklists/versions/<int:pk>/publish/", ChecklistPublishView.as_view(), name="checklist_publish"),
    path("checklists/versions/<int:pk>/discard/", ChecklistDiscardView.as_view(), name="checklist_discard"),
    path("checklists/items/<int:pk>/edit/", ChecklistItemUpdateView.as_view(), name="checklist_item_update"),
    path("checklists/items/<int:pk>/remove/", ChecklistItemRemoveView.as_view(), name="checklist_item_remove"),
    path("checklists/items/<int:pk>/move/", ChecklistItemMoveView.as_view(), name="checklist_item_move"),
]
