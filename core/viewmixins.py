"""Base classes for HTML views. Like the API base classes, they get every queryset through
``restrict()``: a foreign object is a 404, a forbidden action on a visible object a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import DetailView, ListView

from core.audit import object_history


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where the form has that
    field, otherwise as a form-wide error, so the user sees it next to what they typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ScopedQuerysetMixin(LoginRequiredMixin):
    # No ``model``/``queryset`` class attributes here: they would hide those of mixins listed
    # after this one (the generic views define both).

    def get_base_queryset(self):
        queryset = getattr(self, "queryset", None)
        if queryset is not None:
            return queryset.all()
        return self.model._default_manager.all()

    def get_queryset(self):
        return self.get_base_queryset().restrict(self.request.user, "view")


class ObjectActionRequiredMixin(ScopedQuerysetMixin):
    """For views acting on one object: visible (else 404) and allowed ``required_action``
    (else 403)."""

    required_action = "change"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        manager = type(obj)._default_manager
        if not manager.restrict(self.request.user, self.required_action).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj


class ModelPermissionRequiredMixin(LoginRequiredMixin):
    """For creating objects: the role must hold the model's ``add`` permission (else 403)."""

    required_permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.required_permission and not request.user.has_perm(self.required_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ServiceFormMixin:
    """``form_valid`` calls :meth:`run_service`; a ValidationError from the service comes back
    on the form with everything the user typed."""

    success_message: str | None = None

    def run_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.run_service(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


def _resolve(obj, path: str):
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return ""
        if callable(obj):
            obj = obj()
    return obj


class FilteredListView(ScopedQuerysetMixin, ListView):
    """A paged, filtered list; ``?export=xlsx`` downloads the same filtered rows."""

    filterset_class = None
    paginate_by = 25
    #: (header, attribute path) pairs for the XLSX export; empty means no export
    export_columns: list[tuple[str, str]] = []
    export_filename = "export"
    export_limit = 100_000

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.export_columns:
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # A page number past the end (after narrowing a filter, say) shows the last page
        # instead of a 404.
        paginator = self.get_paginator(queryset, page_size, orphans=self.get_paginate_orphans())
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def export_xlsx(self):
        from django.utils import timezone

        from core.tabular import xlsx_response

        queryset = self.get_queryset()[: self.export_limit]
        headers = [str(h) for h, _ in self.export_columns]
        rows = ([_resolve(obj, path) for _, path in self.export_columns] for obj in queryset.iterator(chunk_size=2000))
        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=headers,
            rows=rows,
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else (
            queryset.none() if self.filterset.is_bound else queryset
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        return context


class ScopedDetailView(ScopedQuerysetMixin, DetailView):
    history_limit = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = object_history(self.object)[: self.history_limit]
        return context
