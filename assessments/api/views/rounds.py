"""API: assessment schemes, rounds, their ranked results and one unit's scores with the
explanation trail — read-only, scoped like the pages (a county system sees the rounds run by
its county and its own row of the city's rounds; another city's round is a 404)."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from assessments.api.serializers.rounds import (
    ResultSerializer,
    RoundDetailSerializer,
    RoundSerializer,
    SchemeDetailSerializer,
    SchemeSerializer,
    TargetDetailSerializer,
)
from assessments.choices import Grade, PeriodKind, TargetKind
from assessments.filters.rounds import RoundApiFilterSet
from assessments.models import (
    AssessmentRound,
    AssessmentScheme,
    Indicator,
    IndicatorThreshold,
    RoundTarget,
    SchemeCategory,
    Score,
    ScoreSource,
)
from assessments.selectors import rounds as selectors
from core.api.viewsets import ScopedViewSetMixin
from hazards.api.pagination import KeysetCursorPagination
from hazards.api.schema import errors

# --- Schemes --------------------------------------------------------------------------------


class SchemeApiFilterSet(django_filters.FilterSet):
    target_kind = django_filters.ChoiceFilter(choices=TargetKind.choices, label="Assesses")
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label="Period")
    is_active = django_filters.BooleanFilter(label="In use", help_text="true: the current versions only.")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed since", help_text="ISO 8601 date-time (incremental sync)."
    )

    class Meta:
        model = AssessmentScheme
        fields = ["target_kind", "period_kind", "is_active", "updated_since"]


def scheme_detail_queryset(queryset):
    """A scheme with its categories, indicators, thresholds and bands in five queries."""
    return queryset.prefetch_related(
        Prefetch(
            "categories",
            queryset=SchemeCategory.objects.order_by("position", "pk").prefetch_related(
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.order_by("position", "pk").prefetch_related(
                        Prefetch("thresholds", queryset=IndicatorThreshold.objects.select_related("jurisdiction"))
                    ),
                )
            ),
        ),
        "grade_bands",
    )


@extend_schema_view(
    list=extend_schema(summary="List assessment schemes you may see", responses={200: SchemeSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(
        summary="A scheme version with its categories, indicators, veto thresholds and grade bands",
        responses={200: SchemeDetailSerializer, **errors(404)},
    ),
)
class SchemeViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assessment schemes (考核细则): the platform's defaults and those kept by your level and
    the levels above it. A version used by a round is frozen."""

    queryset = AssessmentScheme.objects.select_related("jurisdiction")
    serializer_class = SchemeSerializer
    filterset_class = SchemeApiFilterSet
    pagination_class = KeysetCursorPagination
    ordering_fields = ["updated_at", "id"]
    ordering = ["id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        queryset = super().get_queryset()
        return scheme_detail_queryset(queryset) if self.action == "retrieve" else queryset

    def get_serializer_class(self):
        return SchemeDetailSerializer if self.action == "retrieve" else SchemeSerializer

    def retrieve(self, request, *args, **kwargs):
        scheme = self.get_object()
        indicators = [i for c in scheme.categories.all() for i in c.indicators.all()]
        context = {**self.get_serializer_context(), "threshold_code_names": selectors.threshold_codes(indicators)}
        return Response(SchemeDetailSerializer(scheme, context=context).data)


# --- Rounds ---------------------------------------------------------------------------------


ROUND_RELATED = ("jurisdiction", "scheme", "transmitted_to")


@extend_schema_view(
    list=extend_schema(
        summary="List assessment rounds you may see",
        description=(
            "Rounds run by your level and those assessing your units (of which you see your own rows only). "
            "Keyset-paginated: follow `next` until it is null; for mirroring filter with `updated_since` and order by `updated_at`."
        ),
        responses={200: RoundSerializer(many=True), **errors(400)},
    ),
    retrieve=extend_schema(
        summary="A round with the counts of its units and manual items",
        responses={200: RoundDetailSerializer, **errors(404)},
    ),
)
class RoundViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assessment rounds (考核): quarterly and annual, with their status in the workflow."""

    queryset = AssessmentRound.objects.select_related(*ROUND_RELATED)
    serializer_class = RoundSerializer
    filterset_class = RoundApiFilterSet
    pagination_class = KeysetCursorPagination
    ordering_fields = ["updated_at", "id"]
    ordering = ["-id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.round_list_queryset(self.request.user).select_related(*ROUND_RELATED)
        return super().get_queryset()

    def get_serializer_class(self):
        return RoundDetailSerializer if self.action == "retrieve" else RoundSerializer

    @extend_schema(
        summary="The ranked results of a round",
        description=(
            "Every unit you may see in the round with its score, deductions, bonus, total, grade, veto flags and "
            "the change against last period. Units are ranked within their `rank_group` (counties with development "
            "zones, townships, member departments); the list is ordered group by group, by rank (units not ranked yet last). "
            "Not paginated: a round has at most a few thousand units."
        ),
        responses={200: ResultSerializer(many=True), **errors(404)},
    )
    @action(detail=True, methods=["get"], url_path="results", pagination_class=None, filter_backends=[])
    def results(self, request, pk=None):
        round_ = self.get_object()
        targets = RoundTarget.objects.restrict(request.user, "view").filter(round=round_).select_related("organization__jurisdiction")
        ranked = sorted(targets, key=selectors.ranked_order)
        return Response(ResultSerializer(ranked, many=True, context=self.get_serializer_context()).data)


# --- Assessed units -----------------------------------------------------------------------------


class TargetApiFilterSet(django_filters.FilterSet):
    round = django_filters.NumberFilter(field_name="round_id", label="Round (id)")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="Grade")
    vetoed = django_filters.BooleanFilter(method="only_vetoed", label="Vetoed", help_text="true: units a veto rule applied to.")

    class Meta:
        model = RoundTarget
        fields = ["round", "grade", "vetoed"]

    def only_vetoed(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(excellence_removed=True) | Q(unqualified_by_veto=True)
        return queryset.filter(condition) if value else queryset.exclude(condition)


def target_detail_queryset(queryset):
    """A unit with its scores, their indicators and records, in three queries."""
    return queryset.select_related("organization__jurisdiction").prefetch_related(
        Prefetch(
            "scores",
            queryset=Score.objects.select_related("indicator__category", "scored_by")
            .prefetch_related(Prefetch("sources", queryset=ScoreSource.objects.order_by("pk")))
            .order_by("indicator__category__position", "indicator__category_id", "indicator__position", "indicator_id"),
        )
    )


@extend_schema_view(
    list=extend_schema(
        summary="List assessed units' results",
        description="Filter by `round`; keyset-paginated by id.",
        responses={200: ResultSerializer(many=True), **errors(400)},
    ),
    retrieve=extend_schema(
        summary="An assessed unit's result with every score, its explanation, inputs and records",
        responses={200: TargetDetailSerializer, **errors(404)},
    ),
)
class TargetViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assessed units (考核对象) and their scores. A unit of another jurisdiction's round is a
    404; an assessed unit sees its own row only."""

    queryset = RoundTarget.objects.select_related("organization__jurisdiction")
    serializer_class = ResultSerializer
    filterset_class = TargetApiFilterSet
    pagination_class = KeysetCursorPagination
    ordering_fields = ["id"]
    ordering = ["id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        queryset = super().get_queryset()
        return target_detail_queryset(queryset) if self.action == "retrieve" else queryset

    def get_serializer_class(self):
        return TargetDetailSerializer if self.action == "retrieve" else ResultSerializer


def register(router) -> None:
    router.register("assessment-schemes", SchemeViewSet, basename="assessment-scheme")
    router.register("assessment-rounds", RoundViewSet, basename="assessment-round")
    router.register("assessment-targets", TargetViewSet, basename="assessment-target")
