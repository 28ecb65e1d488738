"""The safety office's formalism flags: duplicated photos, copy-pasted findings and late
logging, each a tab with its groups paged and exportable to Excel (see
``inspections.selectors.flags`` for the queries)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.registry import NavItem
from core.tabular import xlsx_response
from inspections.forms.flags import FlagFilterForm
from inspections.selectors import flags as selectors
from inspections.views.quotas import quota_jurisdictions

#: The office's oversight of inspection records: the role that may amend them sees the flags.
PERMISSION = "inspections.amend_inspection"
PHOTOS, FINDINGS, LATE = "photos", "findings", "late"
KINDS = {
    PHOTOS: gettext_lazy("Duplicated photos"),
    FINDINGS: gettext_lazy("Copy-pasted findings"),
    LATE: gettext_lazy("Logged late"),
}
EXPORT_CHUNK = 500
EXPORT_LIMIT = 20_000
#: Groups read for the page and the export (the most serious first).
GROUP_LIMIT = 20_000


class FormalismFlagsView(LoginRequiredMixin, View):
    template_name = "inspections/flags_page.html"
    groups_per_page = 20
    rows_per_page = 50

    def get(self, request):
        user = request.user
        if not user.has_perm(PERMISSION):
            raise PermissionDenied
        kind = request.GET.get("kind", PHOTOS)
        if kind not in KINDS:
            kind = PHOTOS
        form = FlagFilterForm(request.GET or None, jurisdictions=quota_jurisdictions(user))
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        days = data.get("days") or selectors.late_days_setting()
        inspections = selectors.flagged_inspections(
            user, jurisdiction=data.get("jurisdiction"), date_from=data.get("date_from"), date_to=data.get("date_to")
        )
        if form.is_bound and not form.is_valid():
            inspections = inspections.none()
        export = request.GET.get("export") == "xlsx"
        # Groups are read once (one grouped query) and paged here: a paginator's COUNT would
        # run the whole grouping a second time.
        if kind == PHOTOS:
            groups = list(
                selectors.duplicate_photo_groups(inspections, across_enterprises=bool(data.get("across")))[:GROUP_LIMIT]
            )
            if export:
                return self._export_photos(inspections, groups)
            page = Paginator(groups, self.groups_per_page).get_page(request.GET.get("page"))
            members = selectors.photo_group_members(inspections, [g["content_hash"] for g in page.object_list])
            rows = [(group, members.get(group["content_hash"], [])) for group in page.object_list]
        elif kind == FINDINGS:
            groups = list(selectors.copied_finding_groups(inspections)[:GROUP_LIMIT])
            if export:
                return self._export_findings(inspections, groups)
            page = Paginator(groups, self.groups_per_page).get_page(request.GET.get("page"))
            members = selectors.finding_group_members(inspections, [g["description_hash"] for g in page.object_list])
            rows = [(group, members.get(group["description_hash"], [])) for group in page.object_list]
        else:
            late = selectors.late_inspections(inspections, days)
            if export:
                return self._export_late(late)
            page = Paginator(late, self.rows_per_page).get_page(request.GET.get("page"))
            names = selectors.enterprise_names([i.pk for i in page.object_list])
            rows = [(inspection, names.get(inspection.pk, [])) for inspection in page.object_list]
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("export", None)
        filters = request.GET.copy()
        for name in ("page", "export", "kind"):
            filters.pop(name, None)
        context = {
            "kind": kind,
            "kinds": list(KINDS.items()),
            "form": form,
            "days": days,
            "rows": rows,
            "page_obj": page,
            "paginator": page.paginator,
            "query_string": params.urlencode(),
            "filter_query": filters.urlencode(),
            "export_query": urlencode({**params.dict(), "kind": kind, "export": "xlsx"}),
        }
        return render(request, self.template_name, context)

    # --- Exports --------------------------------------------------------------------------------

    @staticmethod
    def _response(name: str, headers: list, rows):
        return xlsx_response(
            filename=f"{name}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=name,
            headers=[str(h) for h in headers],
            rows=rows,
        )

    @staticmethod
    def _inspection_cells(inspection) -> list:
        return [
            inspection.code, timezone.localtime(inspection.started_at).strftime("%Y-%m-%d %H:%M"), inspection.jurisdiction.name,
            inspection.lead_official.name,
        ]

    def _export_photos(self, inspections, groups):
        headers = [
            _("Photo fingerprint"), _("Inspections sharing it"), _("Enterprises sharing it"), _("Reference number"),
            _("Date and time"), _("Jurisdiction"), _("Led by"), _("Enterprises inspected"), _("Photos in this inspection"),
        ]

        def rows():
            for start in range(0, len(groups), EXPORT_CHUNK):
                chunk = groups[start:start + EXPORT_CHUNK]
                members = selectors.photo_group_members(inspections, [g["content_hash"] for g in chunk], limit=None)
                for group in chunk:
                    for entry in members.get(group["content_hash"], []):
                        yield [
                            group["content_hash"][:16], group["inspection_count"], group["enterprise_count"],
                            *self._inspection_cells(entry.inspection), "、".join(entry.enterprises), len(entry.photo_ids),
                        ]

        return self._response(str(_("duplicated photos")), headers, rows())

    def _export_findings(self, inspections, groups):
        headers = [
            _("Finding"), _("Enterprises with this text"), _("Enterprise"), _("Reference number"), _("Date and time"),
            _("Jurisdiction"), _("Led by"),
        ]

        def rows():
            for start in range(0, len(groups), EXPORT_CHUNK):
                chunk = groups[start:start + EXPORT_CHUNK]
                members = selectors.finding_group_members(inspections, [g["description_hash"] for g in chunk], limit=None)
                for group in chunk:
                    for finding in members.get(group["description_hash"], []):
                        cells = self._inspection_cells(finding.inspection)
                        yield [finding.description, group["enterprise_count"], finding.target.enterprise.name, *cells]

        return self._response(str(_("copy-pasted findings")), headers, rows())

    def _export_late(self, late):
        headers = [
            _("Reference number"), _("Date and time"), _("Jurisdiction"), _("Led by"), _("Submitted at"), _("Days late"),
            _("Type"),
        ]
        rows = (
            [
                *self._inspection_cells(inspection),
                timezone.localtime(inspection.submitted_at).strftime("%Y-%m-%d %H:%M"), inspection.delay.days,
                inspection.get_kind_display(),
            ]
            for inspection in late[:EXPORT_LIMIT].iterator(chunk_size=2000)
        )
        return self._response(str(_("logged late")), headers, rows)


NAV = [NavItem(gettext_lazy("Formalism flags"), "inspections:formalism_flags", PERMISSION, 69)]

urlpatterns = [path("flags/", FormalismFlagsView.as_view(), name="formalism_flags")]
