"""Pages for the public, without login (向社会公布): published power-and-responsibility lists.

Only published and superseded versions are ever read here (``PowerListVersion.objects
.published()``): a draft, a list under review, reviewers' comments and who did what stay
internal. Anything else is a 404, exactly like a list that does not exist.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.generic import ListView, RedirectView

from responsibility.choices import PowerListStatus
from responsibility.filters.power_lists import PublicListFilterSet
from responsibility.models import Organization, PowerListVersion
from responsibility.selectors.power_lists import default_pair, diff_versions


def _published_organizations():
    """Organizations with a published list, annotated with it (constant number of queries)."""
    current = PowerListVersion.objects.filter(organization=OuterRef("pk"), status=PowerListStatus.PUBLISHED)
    published_count = (
        PowerListVersion.objects.published()
        .filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Organization.objects.filter(Exists(current))
        .select_related("jurisdiction")
        .annotate(
            published_number=Subquery(current.values("number")[:1]),
            published_at=Subquery(current.values("published_at")[:1]),
            published_versions=Subquery(published_count),
        )
        .order_by("jurisdiction__path", "sort_order", "name")
    )


class PublicListIndexView(ListView):
    """Every organization's current published list, by jurisdiction, with a search."""

    template_name = "public/list_index.html"
    paginate_by = 50
    context_object_name = "organizations"

    def get_queryset(self):
        self.filterset = PublicListFilterSet(self.request.GET or None, queryset=_published_organizations(), request=self.request)
        if not self.filterset.is_bound:
            return self.filterset.queryset
        return self.filterset.qs if self.filterset.is_valid() else self.filterset.queryset.none()

    def paginate_queryset(self, queryset, page_size):
        # Past the last page (after narrowing a search) shows the last page, not a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["filterset"] = self.filterset
        context["query_string"] = params.urlencode()
        return context


def _organization_versions(organization_pk: int):
    versions = list(
        PowerListVersion.objects.published()
        .filter(organization_id=organization_pk)
        .select_related("organization__jurisdiction")
        .order_by("-number")
    )
    if not versions:
        raise Http404
    return versions[0].organization, versions


def public_list(request, organization_pk: int, number: int | None = None):
    """The organization's current published list (or an older published version) with the
    other published versions."""
    organization, versions = _organization_versions(organization_pk)
    if number is None:
        version = next((v for v in versions if v.status == PowerListStatus.PUBLISHED), versions[0])
    else:
        version = {v.number: v for v in versions}.get(number)
        if version is None:
            raise Http404
    context = {
        "organization": organization,
        "version": version,
        "versions": versions,
        "items": version.items.order_by("sequence"),
        "previous": next((v for v in versions if v.number < version.number), None),
    }
    return render(request, "public/list_detail.html", context)


def public_diff(request, organization_pk: int):
    """The difference between two published versions."""
    organization, versions = _organization_versions(organization_pk)
    by_number = {str(v.number): v for v in versions}
    old, new = default_pair(versions)
    old = by_number.get(request.GET.get("from", ""), old)
    new = by_number.get(request.GET.get("to", ""), new)
    diff = diff_versions(old, new) if old is not None and new is not None and old != new else None
    context = {"organization": organization, "versions": versions, "old": old, "new": new, "diff": diff}
    return render(request, "public/list_diff.html", context)


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="public:list_index", permanent=False), name="index"),
    path("lists/", PublicListIndexView.as_view(), name="list_index"),
    path("lists/<int:organization_pk>/", public_list, name="list_detail"),
    path("lists/<int:organization_pk>/v<int:number>/", public_list, name="list_version"),
    path("lists/<int:organization_pk>/diff/", public_diff, name="list_diff"),
]
