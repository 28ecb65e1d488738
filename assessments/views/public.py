"""Public pages, without login: the results of published assessment rounds (向社会公布).

Only rounds whose status is "published" exist here; a round still being scored, in review,
finalized but not yet published, or reopened after publication is a 404. A round's page shows
the ranking, totals, grades and veto marks: never evidence, self-evaluations, notes, the
explanation trail or anything about the people who scored.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from assessments.selectors.results import grade_counts, public_results, published_rounds
from assessments.selectors.rounds import group_rows

PAGE_SIZE = 30


def public_round_list(request):
    paginator = Paginator(published_rounds(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"rounds": page.object_list, "page_obj": page, "paginator": paginator, "query_string": ""}
    return render(request, "assessments/public/round_list.html", context)


def public_round_detail(request, pk: int):
    round_ = published_rounds().filter(pk=pk).first()
    if round_ is None:
        raise Http404
    rows = public_results(round_)
    context = {
        "round": round_,
        "rows": rows,
        "groups": group_rows(rows),
        "grades": grade_counts(rows),
        "vetoed": [r for r in rows if r.excellence_removed or r.unqualified_by_veto],
    }
    return render(request, "assessments/public/round_detail.html", context)


urlpatterns = [
    path("", public_round_list, name="round_list"),
    path("<int:pk>/", public_round_detail, name="round_detail"),
]
