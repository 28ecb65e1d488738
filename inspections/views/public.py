"""Public pages, without login (双随机一公开): the published random draws, the enterprises and
inspectors drawn, and the outcomes of the inspections made for them.

Only what a draw publishes is shown: enterprise names, inspectors' names, dates and outcomes
(counts of problems found and hazards rectified). Nothing else about the people (no posts,
phone numbers or accounts), nothing about unpublished draws (a 404, as if they did not exist).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from inspections.models import RandomDraw
from inspections.selectors import draws as selectors
from inspections.views.draws import pool_download, rules_summary

PAGE_SIZE = 20


def _published(pk: int) -> RandomDraw:
    draw = selectors.published_draws().filter(pk=pk).first()
    if draw is None:
        raise Http404
    return draw


@require_safe
def draw_list(request):
    page = Paginator(selectors.published_draws(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/public/draw_list.html", {"page_obj": page, "paginator": page.paginator, "draws": page.object_list})


@require_safe
def draw_detail(request, pk: int):
    draw = _published(pk)
    rows = selectors.drawn_rows(draw)
    outcomes = selectors.outcomes(draw)
    for row in rows:
        row.outcome = outcomes.get(row.enterprise_id)
    return render(request, "inspections/public/draw_detail.html", {"draw": draw, "rows": rows, "rules": rules_summary(draw)})


@require_safe
def draw_pool(request, pk: int):
    return pool_download(_published(pk))


urlpatterns = [
    path("", draw_list, name="draw_list"),
    path("<int:pk>/", draw_detail, name="draw_detail"),
    path("<int:pk>/pool.json", draw_pool, name="draw_pool"),
]
