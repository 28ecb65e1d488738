"""Small bases shared by the views of organised inspection work (campaigns, random draws,
quarterly rounds): a form acting on one visible object, a button acting on one, and downloads.

Like the platform's base classes, they read objects through ``restrict()``: an object outside
the user's scope is a 404, an action their role may not take on a visible one a 403, and a
service's refusal comes back as a message (buttons) or on the form (forms).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from core.viewmixins import ServiceFormMixin

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def excel_value(value):
    """Excel has no time zones: aware datetimes are written as local wall-clock time."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class LocalTimeExportMixin:
    """For FilteredListView subclasses whose export columns include date-times."""

    def export_xlsx(self):
        from core.tabular import xlsx_response
        from core.viewmixins import _resolve

        queryset = self.get_queryset()[: self.export_limit]
        rows = (
            [excel_value(_resolve(obj, path)) for _, path in self.export_columns]
            for obj in queryset.iterator(chunk_size=2000)
        )
        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(h) for h, _ in self.export_columns],
            rows=rows,
        )


def error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class _ObjectMixin(LoginRequiredMixin):
    """``self.object``: the visible object of ``model`` named by the URL (else 404), on which
    the user's role holds ``required_action`` (else 403; None skips the check)."""

    model = None
    required_action: str | None = "change"

    def get_object_queryset(self):
        return self.model._default_manager.all()

    def load_object(self, request, pk):
        obj = get_object_or_404(self.get_object_queryset().restrict(request.user, "view"), pk=pk)
        if self.required_action and not type(obj)._default_manager.restrict(request.user, self.required_action).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.load_object(request, kwargs["pk"])
            self.check_object(request, self.object)
        return super().dispatch(request, *args, **kwargs)

    def check_object(self, request, obj) -> None:
        """Further checks (raise PermissionDenied); none by default."""


class ObjectFormView(_ObjectMixin, ServiceFormMixin, FormView):
    """A form acting on one object through a service (``run_service``)."""

    template_name = "form.html"
    form_title = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": self.form_title, "subject": self.object}

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectActionView(_ObjectMixin, View):
    """A button (POST) acting on one object; the outcome is a message on the object's page."""

    http_method_names = ["post"]
    success_message = ""

    def act(self, request, obj):
        raise NotImplementedError

    def back_url(self, obj) -> str:
        """Where the button was, and where a refusal is shown."""
        return obj.get_absolute_url()

    def redirect_url(self, obj, result) -> str:
        return self.back_url(obj)

    def post(self, request, *args, **kwargs):
        try:
            result = self.act(request, self.object)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return HttpResponseRedirect(self.back_url(self.object))
        if self.success_message:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.redirect_url(self.object, result))
