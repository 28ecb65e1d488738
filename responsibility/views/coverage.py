"""Views: coverage gaps ("宁可有交叉、不能留缝隙") — the page summarising every gap in the user's
scope, and one full, filtered, exportable list per gap ("show all")."""

from __future__ import annotations

from functools import cache

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.registry import NavItem
from core.tabular import xlsx_response
from core.viewmixins import FilteredListView
from responsibility.choices import PowerListStatus
from responsibility.filters.coverage import (
    CoverageEnterpriseFilterSet,
    CoverageOrganizationFilterSet,
    CoveragePlaceFilterSet,
    CoverageSectorFilterSet,
    CoverageSectorOverlapFilterSet,
)
from responsibility.models import (
    Enterprise,
    EnterpriseSupervision,
    Jurisdiction,
    Organization,
    Sector,
    SectorResponsibility,
)
from responsibility.selectors import coverage as selectors

NAV = [NavItem(gettext_lazy("Coverage gaps"), "responsibility:coverage", "responsibility.view_enterprise", 85)]

#: The "show all" page of each section.
LIST_URL_NAMES = {key: f"responsibility:coverage_{key}" for key in selectors.ALL_KEYS}


@cache
def _url_exists(name: str, *args) -> bool:
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


def url_or_none(name: str, *args, query: dict | None = None) -> str | None:
    """The URL of ``name`` if that page exists. The pages that fix a gap belong to other
    features (enterprises, sector mapping, lists); linking through this keeps the coverage
    page working whichever of them is installed."""
    if not _url_exists(name, *(1 for _ in args)):
        return None
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


# --- Where each gap is fixed ------------------------------------------------------------------


def link_enterprise(enterprise, user, key: str) -> None:
    enterprise.detail_url = url_or_none("responsibility:enterprise_detail", enterprise.pk)
    if key == selectors.UNGRIDDED and user.has_perm("responsibility.change_grid"):
        back = reverse("responsibility:coverage") + f"#gap-{key}"
        enterprise.fix_url = reverse("responsibility:enterprise_grid", args=[enterprise.pk]) + "?" + urlencode({"next": back})
        enterprise.fix_label = _("Assign a grid cell")
    elif key == selectors.UNSUPERVISED and user.has_perm("responsibility.change_enterprise"):
        enterprise.fix_url = url_or_none("responsibility:enterprise_update", enterprise.pk) or enterprise.detail_url
        enterprise.fix_label = _("Add a supervising department")
    else:
        enterprise.fix_url, enterprise.fix_label = enterprise.detail_url, _("Open")


def link_organization(organization, user) -> None:
    organization.fix_url = (
        url_or_none("responsibility:power_list_organization", organization.pk)
        or (url_or_none("responsibility:power_list_detail", organization.latest_list_id) if organization.latest_list_id else None)
        or organization.get_absolute_url()
    )
    organization.fix_label = _("Open the list")
    status = getattr(organization, "latest_list_status", None)
    organization.latest_list_status_label = str(PowerListStatus(status).label) if status else ""


def link_place(place, user) -> None:
    can_add = user.has_perm("responsibility.add_grid")
    if place.cell_id:
        place.fix_url, place.fix_label = reverse("responsibility:grid_detail", args=[place.cell_id]), _("Name a supervisor")
    elif can_add:
        place.fix_url = reverse("responsibility:grid_create") + "?" + urlencode({"jurisdiction": place.pk})
        place.fix_label = _("Create a grid cell")
    else:
        place.fix_url, place.fix_label = place.get_absolute_url(), _("Open")


def link_sector_row(row) -> None:
    if row.place.pk and row.place.visible:
        row.fix_url = (
            url_or_none("responsibility:sector_mapping_detail", row.place.pk)
            or url_or_none("responsibility:sector_mapping", query={"jurisdiction": row.place.pk})
            or url_or_none("responsibility:sector_mapping_list")
            or reverse("responsibility:jurisdiction_detail", args=[row.place.pk])
        )
    else:
        row.fix_url = None
    row.fix_label = _("Open the sector mapping")


def add_links(report: selectors.CoverageReport, user) -> None:
    for section in report.sections:
        for item in section.items:
            if isinstance(item, Enterprise):
                link_enterprise(item, user, section.key)
            elif isinstance(item, Organization):
                link_organization(item, user)
            elif isinstance(item, Jurisdiction):
                link_place(item, user)
            else:
                link_sector_row(item)
        section.list_url = reverse(LIST_URL_NAMES[section.key])


# --- The page ---------------------------------------------------------------------------------


class CoverageAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("responsibility.view_enterprise"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CoverageView(CoverageAccessMixin, TemplateView):
    template_name = "responsibility/coverage.html"
    limit = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = selectors.coverage_report(self.request.user, limit=self.limit)
        add_links(report, self.request.user)
        context["report"] = report
        return context


# --- "Show all" lists -------------------------------------------------------------------------


class _GapListView(CoverageAccessMixin, FilteredListView):
    key: str = ""
    template_name = "responsibility/coverage_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.can_view_section(request.user, self.key):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def export_filename(self):
        return selectors.TITLES[self.key]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["gap_key"] = self.key
        context["title"] = selectors.TITLES[self.key]
        context["description"] = selectors.DESCRIPTIONS[self.key]
        context["is_overlap"] = self.key in selectors.OVERLAP_KEYS
        self.link_rows(context["object_list"])
        return context

    def link_rows(self, rows) -> None:
        pass


_ENTERPRISE_COLUMNS = [
    (gettext_lazy("Unified social credit code"), "credit_code"),
    (gettext_lazy("Name"), "name"),
    (gettext_lazy("Township or village"), "jurisdiction.name"),
    (gettext_lazy("Sector"), "sector.name"),
    (gettext_lazy("Risk class"), "get_risk_class_display"),
]


class _EnterpriseGapListView(_GapListView):
    model = Enterprise
    filterset_class = CoverageEnterpriseFilterSet
    export_columns = _ENTERPRISE_COLUMNS

    def get_base_queryset(self):
        return selectors._enterprise_rows(self.selector(self.request.user))

    def link_rows(self, rows) -> None:
        for enterprise in rows:
            link_enterprise(enterprise, self.request.user, self.key)


class UnsupervisedListView(_EnterpriseGapListView):
    key = selectors.UNSUPERVISED
    selector = staticmethod(selectors.unsupervised_enterprises)


class UngriddedListView(_EnterpriseGapListView):
    key = selectors.UNGRIDDED
    selector = staticmethod(selectors.ungridded_enterprises)


class SupervisionOverlapListView(_EnterpriseGapListView):
    key = selectors.SUPERVISION_OVERLAPS
    selector = staticmethod(selectors.multi_supervised_enterprises)
    export_columns = [*_ENTERPRISE_COLUMNS, (gettext_lazy("Supervising departments"), "supervising_departments_text")]

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .prefetch_related(
                Prefetch(
                    "supervisions",
                    queryset=EnterpriseSupervision.objects.select_related("organization").order_by("-is_primary", "organization__name"),
                )
            )
        )

    def export_xlsx(self):
        # Departments joined in one cell, from the prefetch (the model has no such attribute).
        from django.utils import timezone

        headers = [str(h) for h, _p in self.export_columns]

        def rows():
            for enterprise in self.get_queryset()[: self.export_limit].iterator(chunk_size=2000):
                names = "、".join(s.organization.name for s in enterprise.supervisions.all())
                yield [
                    enterprise.credit_code,
                    enterprise.name,
                    enterprise.jurisdiction.name,
                    enterprise.sector.name,
                    enterprise.get_risk_class_display(),
                    names,
                ]

        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=headers,
            rows=rows(),
        )


class UnpublishedListsListView(_GapListView):
    key = selectors.UNPUBLISHED_LISTS
    model = Organization
    filterset_class = CoverageOrganizationFilterSet
    export_columns = [
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Kind"), "get_kind_display"),
        (gettext_lazy("Latest version"), "latest_list_status_label"),
    ]

    def export_xlsx(self):
        from django.utils import timezone

        def rows():
            for organization in self.get_queryset()[: self.export_limit].iterator(chunk_size=2000):
                link_organization(organization, self.request.user)
                yield [organization.jurisdiction.name, organization.name, organization.get_kind_display(), organization.latest_list_status_label]

        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(h) for h, _p in self.export_columns],
            rows=rows(),
        )

    def get_base_queryset(self):
        return selectors.unpublished_list_organizations(self.request.user).select_related("jurisdiction").order_by(
            "jurisdiction__path", "sort_order", "name", "pk"
        )

    def link_rows(self, rows) -> None:
        for organization in rows:
            link_organization(organization, self.request.user)


class NoGridSupervisorListView(_GapListView):
    key = selectors.NO_GRID_SUPERVISOR
    model = Jurisdiction
    filterset_class = CoveragePlaceFilterSet
    export_columns = [
        (gettext_lazy("Division code"), "code"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Level"), "get_level_display"),
        (gettext_lazy("Parent"), "parent.name"),
    ]

    def get_base_queryset(self):
        return selectors.places_without_grid_supervisor(self.request.user).select_related("parent").order_by("path")

    def link_rows(self, rows) -> None:
        for place in rows:
            link_place(place, self.request.user)


class _SectorGapListView(_GapListView):
    """Lists of aggregated (jurisdiction, sector) rows: the page's rows become
    :class:`selectors.SectorRow` objects (names in two queries, whatever the page size)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = self.build_rows(list(context["object_list"]))
        for row in context["object_list"]:
            link_sector_row(row)
        return context

    def export_xlsx(self):
        from django.utils import timezone

        rows = self.build_rows(list(self.get_queryset()[: self.export_limit]))
        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(h) for h in self.export_headers()],
            rows=(self.export_row(row) for row in rows),
        )


class UnmappedSectorListView(_SectorGapListView):
    key = selectors.UNMAPPED_SECTORS
    model = Enterprise
    filterset_class = CoverageSectorFilterSet
    export_columns = [("", "")]  # shows the export button; rows come from export_row

    def get_base_queryset(self):
        return selectors.unmapped_sector_pairs(self.request.user).order_by("-enterprises", "county_path", "sector_id")

    def build_rows(self, values) -> list[selectors.SectorRow]:
        from core.access import get_scope

        scope = get_scope(self.request.user)
        places = {
            path: selectors.Place(path=path, name=name, pk=pk, visible=scope.contains(path))
            for pk, path, name in Jurisdiction.objects.filter(path__in={v["county_path"] for v in values}).values_list("pk", "path", "name")
        }
        sectors = Sector.objects.in_bulk({v["sector_id"] for v in values})
        return [
            selectors.SectorRow(
                place=places.get(v["county_path"], selectors.Place(path=v["county_path"], name=v["county_path"])),
                sector=sectors.get(v["sector_id"]),
                count=v["enterprises"],
            )
            for v in values
        ]

    def export_headers(self):
        return [_("County or zone"), _("Sector"), _("Enterprises")]

    def export_row(self, row):
        return [row.place.name, row.sector.name if row.sector else "", row.count]


class SectorOverlapListView(_SectorGapListView):
    key = selectors.SECTOR_OVERLAPS
    model = SectorResponsibility
    filterset_class = CoverageSectorOverlapFilterSet
    export_columns = [("", "")]

    def get_base_queryset(self):
        return selectors.sector_overlap_rows(self.request.user).order_by("-departments", "jurisdiction__path", "sector__sort_order")

    def build_rows(self, values) -> list[selectors.SectorRow]:
        from core.access import get_scope

        scope = get_scope(self.request.user)
        places = {
            pk: selectors.Place(path=path, name=name, pk=pk, visible=scope.contains(path))
            for pk, path, name in Jurisdiction.objects.filter(pk__in={v["jurisdiction_id"] for v in values}).values_list("pk", "path", "name")
        }
        sectors = Sector.objects.in_bulk({v["sector_id"] for v in values})
        rows = [
            selectors.SectorRow(place=places[v["jurisdiction_id"]], sector=sectors.get(v["sector_id"]), count=v["departments"])
            for v in values
        ]
        selectors.attach_departments(rows)
        return rows

    def export_headers(self):
        return [_("Jurisdiction"), _("Sector"), _("Departments"), _("Department names")]

    def export_row(self, row):
        return [row.place.name, row.sector.name if row.sector else "", row.count, "、".join(d.name for d in row.departments)]


GAP_LIST_VIEWS = {
    selectors.UNSUPERVISED: UnsupervisedListView,
    selectors.UNMAPPED_SECTORS: UnmappedSectorListView,
    selectors.UNPUBLISHED_LISTS: UnpublishedListsListView,
    selectors.NO_GRID_SUPERVISOR: NoGridSupervisorListView,
    selectors.UNGRIDDED: UngriddedListView,
    selectors.SECTOR_OVERLAPS: SectorOverlapListView,
    selectors.SUPERVISION_OVERLAPS: SupervisionOverlapListView,
}

urlpatterns = [
    path("coverage/", CoverageView.as_view(), name="coverage"),
    *(
        path(f"coverage/{key.replace('_', '-')}/", view.as_view(), name=f"coverage_{key}")
        for key, view in GAP_LIST_VIEWS.items()
    ),
]
