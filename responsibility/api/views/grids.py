"""API: grid cells (read, create and update through the services) and grid supervisors (read)."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.viewsets import ScopedCreateReadUpdateViewSet, ScopedReadOnlyModelViewSet
from responsibility.api.serializers.grids import (
    AssignEnterprisesResultSerializer,
    AssignEnterprisesSerializer,
    GridSerializer,
    GridSupervisorSerializer,
)
from responsibility.filters.grids import GridFilterSet, GridSupervisorFilterSet
from responsibility.models import Grid, GridSupervisor
from responsibility.selectors.grids import current_post_q, with_list_data
from responsibility.services import grids as services


@extend_schema_view(
    list=extend_schema(summary="List grid cells in scope"),
    retrieve=extend_schema(summary="A grid cell"),
    create=extend_schema(summary="Create a grid cell"),
    update=extend_schema(summary="Change a grid cell"),
    partial_update=extend_schema(summary="Change a grid cell"),
)
class GridViewSet(ScopedCreateReadUpdateViewSet):
    """Four-level grid cells (city, county, township, village) with their named supervisor and
    the number of enterprises in each."""

    queryset = Grid.objects.all()
    serializer_class = GridSerializer
    filterset_class = GridFilterSet
    ordering_fields = ["name", "updated_at", "id"]
    ordering = ["jurisdiction__path", "name", "id"]
    search_fields = ["name", "jurisdiction__name"]
    create_service = staticmethod(services.grid_create)
    update_service = staticmethod(services.grid_update)

    def get_queryset(self):
        return with_list_data(super().get_queryset())

    @extend_schema(
        summary="Assign the enterprises of a place to the cell",
        request=AssignEnterprisesSerializer,
        responses={200: AssignEnterprisesResultSerializer},
    )
    @action(detail=True, methods=["post"], url_path="assign-enterprises")
    def assign_enterprises(self, request, pk=None):
        grid = self.get_object()
        if not Grid.objects.restrict(request.user, "change").filter(pk=grid.pk).exists():
            raise PermissionDenied()
        serializer = AssignEnterprisesSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        moved = services.grid_assign_enterprises(actor=request.user, grid=grid, **serializer.validated_data)
        return Response({"assigned": moved}, status=status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="List grid supervisors in scope"),
    retrieve=extend_schema(summary="A grid supervisor"),
)
class GridSupervisorViewSet(ScopedReadOnlyModelViewSet):
    """Who supervises which cell, through which grid post; ``is_primary`` marks the named supervisor."""

    queryset = GridSupervisor.objects.select_related("grid__jurisdiction", "post__official", "post__organization")
    serializer_class = GridSupervisorSerializer
    filterset_class = GridSupervisorFilterSet
    ordering_fields = ["updated_at", "id"]
    ordering = ["grid__jurisdiction__path", "-is_primary", "id"]

    def get_queryset(self):
        return super().get_queryset().annotate(post_is_current=ExpressionWrapper(current_post_q(), output_field=BooleanField()))


def register(router) -> None:
    router.register("grids", GridViewSet)
    router.register("grid-supervisors", GridSupervisorViewSet)
