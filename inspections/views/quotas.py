"""The safety office's view of inspection quotas: for a month, quarter or year, every official in
scope against the inspection obligations, summarised by jurisdiction and by role, with the
officials short (or in progress, or all) listed and exportable to Excel. The official's own
"my quota" is on the home page (inspections.views.records)."""

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

from core.access import get_scope
from core.registry import NavItem
from core.tabular import xlsx_response
from inspections.selectors.shortfalls import STATUSES, shortfall_report
from responsibility.choices import JurisdictionLevel, Period
from responsibility.models import Jurisdiction
from responsibility.selectors import compliance

#: The page shows what the compliance page shows for inspections: the same roles see it.
PERMISSIONS = ("inspections.view_inspection", "responsibility.view_obligation")
UPPER_LEVELS = (
    JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE,
)


def quota_jurisdictions(user):
    """Jurisdictions to narrow the page to: the user's scope down to townships for a county
    (or narrower) scope, down to counties for wider ones (a province has ~1,400 townships)."""
    scope = get_scope(user)
    queryset = Jurisdiction.objects.restrict(user, "view").filter(is_active=True).order_by("path")
    if scope.unrestricted or any(len(p) < 6 for p in scope.paths):
        return queryset.filter(level__in=UPPER_LEVELS)
    return queryset.exclude(level=JurisdictionLevel.VILLAGE)


def period_options(today=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Years, quarters and months (half-years left out: inspection quotas are counted by month,
    quarter and year)."""
    return [(year, [(key, label) for key, label in options if "-H" not in key]) for year, options in compliance.period_choices(today)]


class QuotaShortfallView(LoginRequiredMixin, View):
    template_name = "inspections/quota_shortfalls.html"
    rows_per_page = 50

    def get(self, request):
        user = request.user
        if not all(user.has_perm(p) for p in PERMISSIONS):
            raise PermissionDenied
        errors = []
        try:
            period = compliance.parse_period(request.GET.get("period"))
            if period.kind == Period.HALF_YEAR:
                raise ValueError(_("Choose a year, a quarter or a month."))
        except ValueError as error:
            errors.append(str(error))
            period = compliance.parse_period(None)
        jurisdiction = None
        raw = request.GET.get("jurisdiction", "")
        if raw:
            jurisdiction = (
                Jurisdiction.objects.restrict(user, "view").filter(pk=raw).first() if raw.isdigit() else None
            )
            if jurisdiction is None:
                errors.append(_("That jurisdiction is not in your scope; showing your whole scope."))
        status = request.GET.get("status", compliance.Status.SHORT)
        if status not in (*STATUSES, "all"):
            status = compliance.Status.SHORT
        report = shortfall_report(user=user, period=period, jurisdiction=jurisdiction)
        lines = report.lines_with(None if status == "all" else status)
        if request.GET.get("export") == "xlsx":
            return self._export(lines, period)
        page = Paginator(lines, self.rows_per_page).get_page(request.GET.get("page"))
        base = {"period": period.key}
        if jurisdiction is not None:
            base["jurisdiction"] = jurisdiction.pk
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("export", None)
        context = {
            "report": report,
            "period": period,
            "period_choices": period_options(),
            "jurisdiction": jurisdiction,
            "jurisdictions": quota_jurisdictions(user),
            "status": status,
            "status_tabs": [
                (compliance.Status.SHORT, compliance.Status.LABELS[compliance.Status.SHORT]),
                (compliance.Status.IN_PROGRESS, compliance.Status.LABELS[compliance.Status.IN_PROGRESS]),
                (compliance.Status.MET, compliance.Status.LABELS[compliance.Status.MET]),
                ("all", _("All")),
            ],
            "page_obj": page,
            "paginator": page.paginator,
            "query_string": params.urlencode(),
            "base_query": urlencode(base),
            "export_query": urlencode({**base, "status": status, "export": "xlsx"}),
            "errors": errors,
        }
        return render(request, self.template_name, context)

    @staticmethod
    def _export(lines, period):
        headers = [
            _("Official"), _("Jurisdiction"), _("Organization"), _("Posts"), _("Obligation"), _("Evaluated over"),
            _("Done"), _("Required"), _("Inspections"), _("Status"),
        ]
        rows = (
            [
                line.row.name, line.row.jurisdiction.name, line.row.organization.name, line.row.posts, line.obligation.name,
                line.result.windows_label, line.row.done, line.row.required, line.row.held, line.row.status_label,
            ]
            for line in lines
        )
        return xlsx_response(
            filename=f"{_('inspection quotas')}-{period.key}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(_("inspection quotas")),
            headers=[str(h) for h in headers],
            rows=rows,
        )


NAV = [NavItem(gettext_lazy("Inspection quotas"), "inspections:quota_shortfalls", "responsibility.view_obligation", 68)]

urlpatterns = [path("quotas/", QuotaShortfallView.as_view(), name="quota_shortfalls")]
