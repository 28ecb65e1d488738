"""API: risk points (风险点), graded red/orange/yellow/blue. Writes go through the risk-point
services, which compute the grade from the chosen method."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ScopedViewSetMixin
from hazards.api.filters import RiskPointApiFilterSet
from hazards.api.pagination import KeysetCursorPagination
from hazards.api.schema import errors
from hazards.api.serializers.risk import (
    RiskPointCreateSerializer,
    RiskPointRetireSerializer,
    RiskPointSerializer,
    RiskPointWriteSerializer,
)
from hazards.models import RiskPoint
from hazards.services import risk as services


@extend_schema_view(
    list=extend_schema(summary="List risk points in scope", responses={200: RiskPointSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(summary="A risk point", responses={200: RiskPointSerializer, **errors(404)}),
)
class RiskPointViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Risk points of enterprises and public places, with coordinates and grade. Enterprise
    accounts see their own enterprises' points."""

    queryset = RiskPoint.objects.select_related("enterprise", "jurisdiction", "sector")
    serializer_class = RiskPointSerializer
    filterset_class = RiskPointApiFilterSet
    pagination_class = KeysetCursorPagination
    ordering_fields = ["updated_at", "id"]
    ordering = ["id"]
    lookup_value_regex = "[0-9]+"

    def _respond(self, point: RiskPoint, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = RiskPoint.objects.select_related("enterprise", "jurisdiction", "sector").get(pk=point.pk)
        return Response(RiskPointSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def _validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(
        summary="Identify a risk point",
        request=RiskPointCreateSerializer,
        responses={201: RiskPointSerializer, **errors(400, 403)},
    )
    def create(self, request, *args, **kwargs):
        point = services.risk_point_create(actor=request.user, **self._validated(RiskPointCreateSerializer))
        return self._respond(point, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct or re-grade some fields of a risk point",
        description="The grade is computed again from the (possibly new) inputs.",
        request=RiskPointWriteSerializer,
        responses={200: RiskPointSerializer, **errors(400, 403, 404)},
    )
    def partial_update(self, request, *args, **kwargs):
        point = self.get_object()
        point = services.risk_point_update(actor=request.user, risk_point=point, **self._validated(RiskPointWriteSerializer, partial=True))
        return self._respond(point)

    @extend_schema(
        summary="Retire a risk point",
        request=RiskPointRetireSerializer,
        responses={200: RiskPointSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="retire")
    def retire(self, request, pk=None):
        point = self.get_object()
        point = services.risk_point_retire(actor=request.user, risk_point=point, **self._validated(RiskPointRetireSerializer))
        return self._respond(point)


def register(router) -> None:
    router.register("risk-points", RiskPointViewSet)
