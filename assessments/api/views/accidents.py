"""API: the accident registry. Lists for mirroring (filters, ``updated_since``, keyset
cursors), an accident with its level explained and its timeline, recording, correcting (409 on
a stale write) and the idempotent upsert by ``(source_system, external_id)``. Every write calls
a service; the scope is the caller's, so another county's accident is a 404."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assessments.api.serializers.accidents import (
    AccidentCreateSerializer,
    AccidentDetailSerializer,
    AccidentSerializer,
    AccidentUpdateSerializer,
    AccidentUpsertSerializer,
)
from assessments.filters.accidents import AccidentApiFilterSet
from assessments.models import Accident, AccidentEvent
from assessments.services import accidents as services
from assessments.services import sync
from core.api.viewsets import ScopedViewSetMixin
from hazards.api.pagination import KeysetCursorPagination
from hazards.api.schema import errors

#: The joins a list row needs (one query for the whole page).
LIST_RELATED = ("jurisdiction", "enterprise", "sector", "supervising_department")
DETAIL_RELATED = (*LIST_RELATED, "listing_body", "created_by")

ACCIDENT_CONFLICT = OpenApiExample(
    "Conflict",
    value={
        "status": 409,
        "code": "conflict",
        "detail": "Someone else has changed this accident meanwhile; reload it and check before saving your changes.",
    },
    response_only=True,
    status_codes=["409"],
)
NEGATIVE = OpenApiExample(
    "Negative count",
    value={
        "status": 400,
        "code": "invalid",
        "detail": "The request contains invalid data.",
        "errors": {"deaths": ["The number of deaths cannot be negative."]},
    },
    response_only=True,
    status_codes=["400"],
)
FUTURE = OpenApiExample(
    "Occurred in the future",
    value={
        "status": 400,
        "code": "invalid",
        "detail": "The request contains invalid data.",
        "errors": {"occurred_at": ["The accident cannot have occurred in the future."]},
    },
    response_only=True,
    status_codes=["400"],
)
UPSERT_RESULT = OpenApiParameter(
    "Upsert-Result",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=list(sync.OUTCOMES),
    response=[200, 201],
    description="created (201), updated or unchanged (200): what the request did.",
)


def detail_queryset(queryset):
    """An accident with everything its detail shows, in a fixed number of queries."""
    return queryset.select_related(*DETAIL_RELATED).prefetch_related(
        Prefetch("events", queryset=AccidentEvent.objects.select_related("actor"))
    )


@extend_schema_view(
    list=extend_schema(
        summary="List accidents in scope",
        description=(
            "Keyset-paginated: follow `next` until it is null. For mirroring, filter with `updated_since` and order by "
            "`updated_at`; every page costs the same however deep it is."
        ),
        responses={200: AccidentSerializer(many=True), **errors(400)},
    ),
    retrieve=extend_schema(
        summary="An accident with its level explained, its reporting delay and its timeline",
        responses={200: AccidentDetailSerializer, **errors(404)},
    ),
)
class AccidentViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Production safety accidents (事故)."""

    queryset = Accident.objects.select_related(*LIST_RELATED)
    serializer_class = AccidentSerializer
    filterset_class = AccidentApiFilterSet
    pagination_class = KeysetCursorPagination
    parser_classes = [JSONParser]
    # Each has an index ending with the id, and none is ever null: keyset cursors need both.
    ordering_fields = ["occurred_at", "updated_at", "id"]
    ordering = ["-occurred_at", "-id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return detail_queryset(queryset)
        return queryset

    def get_serializer_class(self):
        return AccidentDetailSerializer if self.action == "retrieve" else AccidentSerializer

    def detail_response(self, accident: Accident, status_code: int = status.HTTP_200_OK, headers=None) -> Response:
        """The accident as it now is, read back through the caller's scope."""
        fresh = detail_queryset(Accident.objects.restrict(self.request.user, "view")).filter(pk=accident.pk).first()
        if fresh is None:
            fresh = detail_queryset(Accident.objects.all()).get(pk=accident.pk)
        data = AccidentDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=headers)

    def validated(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer

    @extend_schema(
        summary="Record an accident",
        description=(
            "Without `jurisdiction` the accident is the enterprise's; without `sector` or `supervising_department`, "
            "the enterprise's. The level, `reported_late` (against the place's reporting limit, 1 hour by default) and "
            "the evaluation due date are derived. Counts and the loss cannot be negative; the accident cannot have "
            "occurred in the future nor be reported before it occurred."
        ),
        request=AccidentCreateSerializer,
        responses={201: AccidentDetailSerializer, **errors(400, 403, examples={400: [NEGATIVE, FUTURE]})},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(AccidentCreateSerializer).service_fields()
        accident = services.accident_report(actor=request.user, **data)
        return self.detail_response(accident, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct the facts of an accident",
        description=(
            "Only the fields sent change; the level, late reporting and due date follow and the timeline records which "
            "fields changed. Send `expected_updated_at` (the `updated_at` you read) to get a 409 instead of overwriting "
            "someone else's change."
        ),
        request=AccidentUpdateSerializer,
        responses={
            200: AccidentDetailSerializer,
            **errors(400, 403, 404, 409, examples={400: [NEGATIVE], 409: [ACCIDENT_CONFLICT]}),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        accident = self.get_object()
        data = self.validated(AccidentUpdateSerializer, partial=True).service_fields()
        expected = data.pop("expected_updated_at", None)
        accident = services.accident_update(actor=request.user, accident=accident, expected_updated_at=expected, **data)
        return self.detail_response(accident)

    # --- Idempotent upsert --------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The accident pushed as (source_system, external_id)",
        responses={200: AccidentDetailSerializer, **errors(404)},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Create or update the accident pushed as (source_system, external_id) (idempotent)",
        description=(
            "Creates the accident (201) or updates the one already pushed with this key (200). Sending the same body "
            "again changes nothing and adds nothing to the timeline; the `Upsert-Result` header says `created`, "
            "`updated` or `unchanged`. Only the facts are pushed: the investigation, listing and evaluation are "
            "recorded on the platform. A key already used by a record you cannot see is refused (400)."
        ),
        request=AccidentUpsertSerializer,
        responses={
            200: OpenApiResponse(AccidentDetailSerializer, description="Updated, or unchanged."),
            201: OpenApiResponse(AccidentDetailSerializer, description="Created."),
            **errors(400, 403, examples={400: [NEGATIVE, FUTURE]}),
        },
        parameters=[UPSERT_RESULT],
    )
    @action(
        detail=False,
        methods=["get", "put"],
        url_path=r"by-external-id/(?P<source_system>[^/]+)/(?P<external_id>.+)",
        url_name="by-external-id",
        # Creating needs add_accident, updating change_accident: the service decides which applies.
        permission_classes=[IsAuthenticated],
        pagination_class=None,
        filter_backends=[],
    )
    def by_external_id(self, request, source_system: str, external_id: str):
        if request.method == "GET":
            accident = Accident.objects.restrict(request.user, "view").filter(source_system=source_system, external_id=external_id).first()
            if accident is None:
                raise Http404
            return self.detail_response(accident)
        serializer = self.validated(AccidentUpsertSerializer)
        data = serializer.service_fields()
        for name, value in (("source_system", source_system), ("external_id", external_id)):
            given = data.pop(name, None)
            if given is not None and given.strip() != value.strip():
                raise serializers.ValidationError({name: [_("The value in the body differs from the one in the address.")]})
        result = sync.accident_upsert_outcome(actor=request.user, source_system=source_system, external_id=external_id, data=data)
        return self.detail_response(
            result.accident,
            status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
            headers={"Upsert-Result": result.outcome},
        )


def register(router) -> None:
    router.register("accidents", AccidentViewSet)
