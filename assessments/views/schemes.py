"""Views of the assessment schemes (考核细则): the versions of each scheme, one version with its
categories, indicators, rules in words, veto thresholds, grade bands and the rounds that use
it, and, while a version is not frozen, the editing of all of it. A frozen version (used by a
round) is changed by making a new version.

Editing goes through :mod:`assessments.services.schemes`; its ValidationError comes back on
the form with what was typed, and the scheme's page lists every problem the scheme still has
(:func:`scheme_errors`), so an office sees at once why a round cannot use it yet.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from assessments.forms.schemes import (
    CategoryForm,
    GradeBandsForm,
    IndicatorForm,
    SchemeNewVersionForm,
    ThresholdForm,
)
from assessments.models import (
    AssessmentRound,
    AssessmentScheme,
    Indicator,
    IndicatorThreshold,
    SchemeCategory,
)
from assessments.selectors import rounds as selectors
from core.registry import NavItem
from core.viewmixins import ScopedDetailView, ScopedQuerysetMixin, add_service_errors

VIEW = "assessments.view_assessmentscheme"


def _services():
    from assessments.services import schemes

    return schemes


def may_change(user, scheme: AssessmentScheme) -> bool:
    """Whether the user may edit ``scheme`` (frozen or not): the service's own check."""
    try:
        _services().require_scheme_change(user, scheme)
    except PermissionDenied:
        return False
    return True


def may_copy(user, scheme: AssessmentScheme) -> bool:
    """A new version: of one's own scheme, or of a platform default into one's jurisdiction."""
    if scheme.jurisdiction_id is None:
        return user.is_superuser or user.has_perm("assessments.add_assessmentscheme")
    return may_change(user, scheme)


# --- The list -------------------------------------------------------------------------------


class SchemeListView(ScopedQuerysetMixin, ListView):
    """Every scheme the user may see, its versions grouped under it, the latest first."""

    model = AssessmentScheme
    template_name = "assessments/scheme_list.html"
    context_object_name = "schemes"

    def get_base_queryset(self):
        return (
            AssessmentScheme.objects.select_related("jurisdiction")
            .annotate(
                round_count=Count("rounds", distinct=True),
                indicator_count=Count("categories__indicators", distinct=True),
            )
            .order_by("jurisdiction__path", "name", "-version", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        families: dict[tuple, dict] = {}
        for scheme in context["schemes"]:
            key = (scheme.jurisdiction_id, scheme.name)
            family = families.setdefault(key, {"name": scheme.name, "jurisdiction": scheme.jurisdiction, "versions": []})
            family["versions"].append(scheme)
        context["families"] = list(families.values())
        return context


# --- A scheme's page ------------------------------------------------------------------------


def scheme_context(request, scheme: AssessmentScheme) -> dict:
    """Categories with their indicators and thresholds, bands, rounds and problems: a fixed
    number of queries whatever the size of the scheme."""
    user = request.user
    categories = list(
        scheme.categories.order_by("position", "pk").prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("thresholds", queryset=IndicatorThreshold.objects.select_related("jurisdiction").order_by("jurisdiction__path"))
                ),
            )
        )
    )
    indicators = [indicator for category in categories for indicator in category.indicators.all()]
    code_names = selectors.threshold_codes(indicators)
    for indicator in indicators:
        indicator.threshold_list = list(indicator.thresholds.all())
        indicator.rule = selectors.rule_in_words(indicator, indicator.threshold_list, code_names)
        indicator.metric_label = selectors.metric_label(indicator.metric)
    for category in categories:
        category.indicator_list = list(category.indicators.all())
    problems = _services().scheme_errors(scheme)
    editable = not scheme.is_frozen and may_change(user, scheme)
    rounds = (
        AssessmentRound.objects.restrict(user, "view").filter(scheme=scheme).select_related("jurisdiction").order_by("-year", "-quarter", "pk")
    )
    versions = AssessmentScheme.objects.restrict(user, "view").filter(
        Q(jurisdiction_id=scheme.jurisdiction_id) if scheme.jurisdiction_id else Q(jurisdiction__isnull=True), name=scheme.name
    ).order_by("-version")
    return {
        "scheme": scheme,
        "categories": categories,
        "bands": list(scheme.grade_bands.order_by("-min_total")),
        "problems": problems,
        "editable": editable,
        "can_copy": may_copy(user, scheme),
        "rounds": list(rounds[:50]),
        "other_versions": list(versions.exclude(pk=scheme.pk).only("id", "version")),
        "scored_total": sum((c.max_points for c in categories), start=0),
    }


class SchemeDetailView(ScopedDetailView):
    model = AssessmentScheme
    template_name = "assessments/scheme_detail.html"
    context_object_name = "scheme"

    def get_base_queryset(self):
        return AssessmentScheme.objects.select_related("jurisdiction", "supersedes", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(scheme_context(self.request, self.object))
        context["new_version_form"] = SchemeNewVersionForm(user=self.request.user, scheme=self.object) if context["can_copy"] else None
        return context


# --- Editing --------------------------------------------------------------------------------


class SchemeEditView(LoginRequiredMixin, View):
    """A form page editing part of one scheme: the scheme visible (else 404), the user may
    change it (else 403). ``run`` calls the service; its errors come back on the form."""

    template_name = "assessments/scheme_form.html"
    title = ""
    #: whether the form needs an unfrozen scheme (a new version does not)
    needs_unfrozen = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scheme = get_object_or_404(
            AssessmentScheme.objects.restrict(request.user, "view").select_related("jurisdiction"), pk=kwargs["pk"]
        )
        self.check_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def check_permission(self, request) -> None:
        if not may_change(request.user, self.scheme):
            raise PermissionDenied

    def page(self, request, form, *, status: int = 200, **extra):
        context = {
            "scheme": self.scheme,
            "form": form,
            "title": self.get_title(),
            "problems": _services().scheme_errors(self.scheme),
            "frozen": self.needs_unfrozen and self.scheme.is_frozen,
            **extra,
        }
        return render(request, self.template_name, context, status=status)

    def get_title(self) -> str:
        return str(self.title)

    def run(self, request, form, call, success: str, url: str | None = None):
        if not form.is_valid():
            return self.page(request, form, status=400)
        try:
            result = call()
        except ValidationError as error:
            add_service_errors(form, error)
            return self.page(request, form, status=400)
        messages.success(request, success)
        return HttpResponseRedirect(url or (result.get_absolute_url() if hasattr(result, "get_absolute_url") else self.scheme.get_absolute_url()))


class SchemeNewVersionView(SchemeEditView):
    title = gettext_lazy("New version of the scheme")
    needs_unfrozen = False

    def check_permission(self, request) -> None:
        if not may_copy(request.user, self.scheme):
            raise PermissionDenied

    def get(self, request, pk):
        return self.page(request, SchemeNewVersionForm(user=request.user, scheme=self.scheme))

    def post(self, request, pk):
        form = SchemeNewVersionForm(request.POST, user=request.user, scheme=self.scheme)
        return self.run(
            request, form,
            lambda: _services().scheme_new_version(actor=request.user, scheme=self.scheme, **form.service_kwargs()),
            _("New version created: edit it, then use it for the next round."),
        )


class CategoryEditView(SchemeEditView):
    def get_category(self, category_pk):
        if category_pk is None:
            return None
        return get_object_or_404(SchemeCategory, scheme=self.scheme, pk=category_pk)

    def get_title(self) -> str:
        return _("Edit the category") if self.category else _("New category")

    def get(self, request, pk, category_pk=None):
        self.category = self.get_category(category_pk)
        return self.page(request, CategoryForm(category=self.category))

    def post(self, request, pk, category_pk=None):
        self.category = self.get_category(category_pk)
        form = CategoryForm(request.POST, category=self.category)

        def call():
            return _services().category_save(actor=request.user, scheme=self.scheme, category=self.category, **form.service_fields())

        return self.run(request, form, call, _("Category saved."), url=f"{self.scheme.get_absolute_url()}#categories")


class CategoryDeleteView(SchemeEditView):
    http_method_names = ["post"]

    def post(self, request, pk, category_pk):
        category = get_object_or_404(SchemeCategory, scheme=self.scheme, pk=category_pk)
        try:
            _services().category_delete(actor=request.user, category=category)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Category “%(name)s” deleted with its indicators.") % {"name": category.name})
        return HttpResponseRedirect(self.scheme.get_absolute_url())


class IndicatorEditView(SchemeEditView):
    template_name = "assessments/scheme_indicator_form.html"

    def setup_objects(self, category_pk=None, indicator_pk=None):
        self.indicator = None
        if indicator_pk is not None:
            self.indicator = get_object_or_404(Indicator.objects.select_related("category"), category__scheme=self.scheme, pk=indicator_pk)
            self.category = self.indicator.category
        else:
            self.category = get_object_or_404(SchemeCategory, scheme=self.scheme, pk=category_pk)
        self.categories = list(self.scheme.categories.order_by("position", "pk"))

    def get_title(self) -> str:
        return _("Edit the indicator") if self.indicator else _("New indicator in “%(category)s”") % {"category": self.category.name}

    def page(self, request, form, *, status: int = 200, **extra):
        return super().page(
            request, form, status=status, category=self.category, categories=self.categories,
            indicator_moves=self.indicator is not None, **extra,
        )

    def get(self, request, pk, category_pk=None, indicator_pk=None):
        self.setup_objects(category_pk, indicator_pk)
        return self.page(request, IndicatorForm(indicator=self.indicator))

    def post(self, request, pk, category_pk=None, indicator_pk=None):
        self.setup_objects(category_pk, indicator_pk)
        form = IndicatorForm(request.POST, indicator=self.indicator)
        moved = request.POST.get("category")
        category = self.category
        if moved and moved.isdigit() and self.indicator is not None:
            category = next((c for c in self.categories if c.pk == int(moved)), self.category)

        def call():
            return _services().indicator_save(actor=request.user, category=category, indicator=self.indicator, **form.service_fields())

        return self.run(request, form, call, _("Indicator saved."), url=f"{self.scheme.get_absolute_url()}#category-{category.pk}")


class IndicatorDeleteView(SchemeEditView):
    http_method_names = ["post"]

    def post(self, request, pk, indicator_pk):
        indicator = get_object_or_404(Indicator.objects.select_related("category__scheme"), category__scheme=self.scheme, pk=indicator_pk)
        try:
            _services().indicator_delete(actor=request.user, indicator=indicator)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Indicator “%(name)s” deleted.") % {"name": indicator.name})
        return HttpResponseRedirect(self.scheme.get_absolute_url())


class GradeBandsView(SchemeEditView):
    title = gettext_lazy("Grade bands")

    def get(self, request, pk):
        return self.page(request, GradeBandsForm(scheme=self.scheme))

    def post(self, request, pk):
        form = GradeBandsForm(request.POST, scheme=self.scheme)

        def call():
            _services().grade_bands_set(actor=request.user, scheme=self.scheme, bands=form.bands())

        return self.run(request, form, call, _("Grade bands saved."), url=f"{self.scheme.get_absolute_url()}#bands")


class ThresholdView(SchemeEditView):
    """A jurisdiction's own threshold for a veto indicator (晋江、南安: 2 larger accidents)."""

    def setup_indicator(self, indicator_pk):
        self.indicator = get_object_or_404(Indicator.objects.select_related("category"), category__scheme=self.scheme, pk=indicator_pk)
        if self.indicator.kind != "veto":
            raise Http404

    def get_title(self) -> str:
        return _("Own thresholds for “%(name)s”") % {"name": self.indicator.name}

    def page(self, request, form, *, status: int = 200, **extra):
        thresholds = self.indicator.thresholds.select_related("jurisdiction").order_by("jurisdiction__path")
        return super().page(request, form, status=status, indicator=self.indicator, thresholds=thresholds, **extra)

    def get(self, request, pk, indicator_pk):
        self.setup_indicator(indicator_pk)
        return self.page(request, ThresholdForm(user=request.user))

    def post(self, request, pk, indicator_pk):
        self.setup_indicator(indicator_pk)
        form = ThresholdForm(request.POST, user=request.user)

        def call():
            data = form.cleaned_data
            _services().threshold_set(actor=request.user, indicator=self.indicator, jurisdiction=data["jurisdiction"], threshold=data.get("threshold"))

        url = reverse("assessments:scheme_threshold", args=[self.scheme.pk, self.indicator.pk])
        return self.run(request, form, call, _("Threshold saved."), url=url)


NAV = [NavItem(gettext_lazy("Assessment schemes"), "assessments:scheme_list", VIEW, 96)]
HOME_PANELS: list = []

urlpatterns = [
    path("schemes/", SchemeListView.as_view(), name="scheme_list"),
    path("schemes/<int:pk>/", SchemeDetailView.as_view(), name="scheme_detail"),
    path("schemes/<int:pk>/new-version/", SchemeNewVersionView.as_view(), name="scheme_new_version"),
    path("schemes/<int:pk>/categories/new/", CategoryEditView.as_view(), name="scheme_category_create"),
    path("schemes/<int:pk>/categories/<int:category_pk>/", CategoryEditView.as_view(), name="scheme_category_update"),
    path("schemes/<int:pk>/categories/<int:category_pk>/delete/", CategoryDeleteView.as_view(), name="scheme_category_delete"),
    path("schemes/<int:pk>/categories/<int:category_pk>/indicators/new/", IndicatorEditView.as_view(), name="scheme_indicator_create"),
    path("schemes/<int:pk>/indicators/<int:indicator_pk>/", IndicatorEditView.as_view(), name="scheme_indicator_update"),
    path("schemes/<int:pk>/indicators/<int:indicator_pk>/delete/", IndicatorDeleteView.as_view(), name="scheme_indicator_delete"),
    path("schemes/<int:pk>/indicators/<int:indicator_pk>/thresholds/", ThresholdView.as_view(), name="scheme_threshold"),
    path("schemes/<int:pk>/bands/", GradeBandsView.as_view(), name="scheme_bands"),
]
