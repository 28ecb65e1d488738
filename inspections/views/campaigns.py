"""Views of big inspection campaigns (大检查): the list, planning a campaign and its four
stages, its page with the current stage, coverage and expert-ratio warnings, coverage by
department and by township, the enterprises not yet inspected, team composition and the
monthly follow-up. Tables download as XLSX with the same rows."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from core.registry import NavItem
from core.tabular import xlsx_response
from core.viewmixins import FilteredListView, ModelPermissionRequiredMixin, ScopedDetailView, ServiceFormMixin
from inspections.choices import CampaignStage
from inspections.filters.programmes import CampaignFilterSet
from inspections.forms.programmes import CampaignForm
from inspections.models import Campaign
from inspections.selectors import campaigns as selectors
from inspections.services import campaigns as services
from inspections.views.programmes import LocalTimeExportMixin, ObjectFormView, _ObjectMixin
from responsibility.models import Organization

ADD = "inspections.add_campaign"
COVERAGE_PAGE_SIZE = 50


class CampaignListView(LocalTimeExportMixin, FilteredListView):
    model = Campaign
    filterset_class = CampaignFilterSet
    template_name = "inspections/campaign_list.html"
    export_filename = gettext_lazy("inspection campaigns")
    export_columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Enterprise self-check from"), "self_check_start"),
        (gettext_lazy("Strict guard until"), "guard_end"),
        (gettext_lazy("Minimum share of experts"), "expert_ratio_min"),
    ]

    def get_base_queryset(self):
        return Campaign.objects.select_related("jurisdiction").order_by("-self_check_start", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["can_add"] = self.request.user.has_perm(ADD)
        context["today"] = today
        for campaign in context["object_list"]:
            campaign.current_status = services.status_on(campaign, today)
            stage = services.stage_on(campaign, today)
            campaign.current_stage_label = CampaignStage(stage).label if stage else ""
        return context


class CampaignDetailView(ScopedDetailView):
    model = Campaign
    template_name = "inspections/campaign_detail.html"
    warning_limit = 10

    def get_base_queryset(self):
        return Campaign.objects.select_related("jurisdiction")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign, user = self.object, self.request.user
        today = timezone.localdate()
        stage = services.stage_on(campaign, today)
        below = selectors.below_expert_minimum(campaign, user)
        below_rows = list(below[: self.warning_limit])
        for inspection in below_rows:
            inspection.expert_share = selectors.expert_share(inspection)
        context.update(
            stages=services.stage_rows(campaign, today),
            current_stage=CampaignStage(stage).label if stage else "",
            current_status=services.status_on(campaign, today),
            totals=selectors.coverage_totals(campaign, user),
            below=below_rows,
            below_count=below.count() if len(below_rows) == self.warning_limit else len(below_rows),
            expert_minimum=int(round(campaign.expert_ratio_min * 100)),
            can_change=Campaign.objects.restrict(user, "change").filter(pk=campaign.pk).exists(),
            can_log=user.has_perm("inspections.add_inspection"),
        )
        return context


class CampaignCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, FormView):
    required_permission = ADD
    form_class = CampaignForm
    template_name = "inspections/campaign_form.html"
    success_message = gettext_lazy("Campaign planned.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        from responsibility.scope import single_scope_root

        root = single_scope_root(self.request.user)
        return {**super().get_initial(), "jurisdiction": root.pk if root else None}

    def run_service(self, form):
        return services.campaign_create(
            actor=self.request.user, jurisdiction=form.cleaned_data["jurisdiction"], **form.service_fields()
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class CampaignUpdateView(ObjectFormView):
    model = Campaign
    form_class = CampaignForm
    template_name = "inspections/campaign_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "campaign": self.object}

    def run_service(self, form):
        return services.campaign_update(actor=self.request.user, campaign=self.object, **form.service_fields())


# --- Coverage, teams and the monthly follow-up ------------------------------------------------


class _CampaignPage(_ObjectMixin, View):
    model = Campaign
    required_action = None
    http_method_names = ["get", "head"]

    def get_object_queryset(self):
        return Campaign.objects.select_related("jurisdiction")

    def page(self, rows):
        return Paginator(rows, COVERAGE_PAGE_SIZE).get_page(self.request.GET.get("page"))

    def query_string(self) -> str:
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("export", None)
        return params.urlencode()

    def xlsx(self, name: str, headers, rows):
        return xlsx_response(
            filename=f"{self.object.name} {name}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=name,
            headers=[str(h) for h in headers],
            rows=rows,
        )


def _share_cell(share):
    return "" if share is None else share


class CampaignCoverageView(_CampaignPage):
    """Coverage per supervising department (``?by=department``, the default) or per township."""

    def get(self, request, pk):
        campaign, user = self.object, request.user
        by = "township" if request.GET.get("by") == "township" else "department"
        rows = selectors.township_coverage(campaign, user) if by == "township" else selectors.department_coverage(campaign, user)
        if request.GET.get("export") == "xlsx":
            return self._export(by, rows)
        page = self.page(rows)
        if by == "township":
            names = selectors.township_names(r["township"] for r in page.object_list)
            page.object_list = selectors.with_shares(page.object_list, names=names)
        else:
            page.object_list = selectors.with_shares(page.object_list)
        return render(
            request,
            "inspections/campaign_coverage.html",
            {
                "campaign": campaign, "by": by, "page_obj": page, "paginator": page.paginator, "rows": page.object_list,
                "totals": selectors.coverage_totals(campaign, user), "query_string": self.query_string(),
            },
        )

    def _export(self, by, rows):
        rows = list(rows)
        if by == "township":
            names = selectors.township_names(r["township"] for r in rows)
            data = selectors.with_shares(rows, names=names)
            headers = [_("Township"), _("Listed"), _("Inspected"), _("Not inspected"), _("Coverage (%)")]
            cells = ([r["name"], r["listed"], r["inspected"], r["uncovered"], _share_cell(r["share"])] for r in data)
            return self.xlsx(_("coverage by township"), headers, cells)
        data = selectors.with_shares(rows)
        headers = [_("Department"), _("Jurisdiction"), _("Listed"), _("Inspected"), _("Not inspected"), _("Coverage (%)")]
        cells = (
            [r["organization__name"], r["organization__jurisdiction__name"], r["listed"], r["inspected"], r["uncovered"],
             _share_cell(r["share"])]
            for r in data
        )
        return self.xlsx(_("coverage by department"), headers, cells)


class CampaignUncoveredView(_CampaignPage):
    """Listed enterprises not inspected yet, the priority ones first; ``?department=`` and
    ``?township=`` narrow it (links from the coverage tables)."""

    def get(self, request, pk):
        campaign, user = self.object, request.user
        department = request.GET.get("department", "")
        department = int(department) if department.isdigit() else None
        township = request.GET.get("township", "")
        township = township if township.isdigit() else None
        rows = selectors.uncovered_enterprises(campaign, user, department=department, township=township)
        if request.GET.get("export") == "xlsx":
            headers = [
                _("Enterprise"), _("Unified social credit code"), _("Township or village"), _("Sector"), _("Risk class"),
                _("Weak safety foundation"), _("Accidents in the last three years"), _("Supervising departments"),
            ]
            cells = (
                [e.name, e.credit_code, e.jurisdiction.name, e.sector.name, e.get_risk_class_display(),
                 _("Yes") if e.is_weak else "", e.accident_count,
                 "、".join(s.organization.name for s in e.supervisions.all())]
                for e in rows[:100_000]
            )
            return self.xlsx(_("not inspected"), headers, cells)
        page = self.page(rows)
        context = {
            "campaign": campaign, "page_obj": page, "paginator": page.paginator, "rows": page.object_list,
            "query_string": self.query_string(),
            "department": self._department(campaign, department) if department else None,
            "township": township,
            "township_name": selectors.township_names([township]).get(township, township) if township else "",
        }
        return render(request, "inspections/campaign_uncovered.html", context)

    def _department(self, campaign, pk: int):
        """The department named in the link, if it supervises enterprises of this list."""
        listed = selectors.listed_enterprises(campaign, self.request.user).values("pk")
        return Organization.objects.filter(pk=pk, supervised_enterprises__enterprise__in=listed).distinct().first()


class CampaignTeamsView(_CampaignPage):
    """Each campaign inspection's team against the minimum share of experts; ``?below=1``
    keeps those below it."""

    def get(self, request, pk):
        campaign, user = self.object, request.user
        only_below = request.GET.get("below") == "1"
        rows = selectors.below_expert_minimum(campaign, user) if only_below else selectors.team_composition(campaign, user)
        minimum = int(round(campaign.expert_ratio_min * 100))
        if request.GET.get("export") == "xlsx":
            headers = [
                _("Reference number"), _("Date"), _("Led by"), _("Team size"), _("Experts and professionals"),
                _("Share of experts (%)"), _("Below the minimum"),
            ]
            cells = (
                [i.code, timezone.localtime(i.started_at).date(), i.lead_official.name, i.team_size, i.experts,
                 selectors.expert_share(i), _("Yes") if i.shortfall > 0 else ""]
                for i in rows
            )
            return self.xlsx(_("team composition"), headers, cells)
        page = self.page(rows)
        for inspection in page.object_list:
            inspection.expert_share = selectors.expert_share(inspection)
        return render(
            request,
            "inspections/campaign_teams.html",
            {
                "campaign": campaign, "page_obj": page, "paginator": page.paginator, "rows": page.object_list,
                "only_below": only_below, "minimum": minimum, "query_string": self.query_string(),
            },
        )


class CampaignMonthlyView(_CampaignPage):
    """The monthly follow-up (一月一跟进): per month, inspections, enterprises covered, hazards
    found and rectified."""

    def get(self, request, pk):
        campaign, user = self.object, request.user
        months = selectors.monthly_summary(campaign, user)
        if request.GET.get("export") == "xlsx":
            headers = [_("Month"), _("Inspections"), _("Enterprises inspected"), _("Hazards found"), _("Rectified"), _("Not yet rectified")]
            cells = ([f"{m.month:%Y-%m}", m.inspections, m.enterprises, m.hazards, m.rectified, m.open_hazards] for m in months)
            return self.xlsx(_("monthly follow-up"), headers, cells)
        totals = {
            "inspections": sum(m.inspections for m in months),
            "hazards": sum(m.hazards for m in months),
            "rectified": sum(m.rectified for m in months),
        }
        return render(request, "inspections/campaign_monthly.html", {"campaign": campaign, "months": months, "totals": totals})


NAV = [NavItem(gettext_lazy("Inspection campaigns"), "inspections:campaign_list", "inspections.view_campaign", 69.2)]

urlpatterns = [
    path("campaigns/", CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", CampaignUpdateView.as_view(), name="campaign_update"),
    path("campaigns/<int:pk>/coverage/", CampaignCoverageView.as_view(), name="campaign_coverage"),
    path("campaigns/<int:pk>/not-inspected/", CampaignUncoveredView.as_view(), name="campaign_uncovered"),
    path("campaigns/<int:pk>/teams/", CampaignTeamsView.as_view(), name="campaign_teams"),
    path("campaigns/<int:pk>/monthly/", CampaignMonthlyView.as_view(), name="campaign_monthly"),
]
