"""API: the coverage summary — how many gaps of each kind in the caller's scope."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from responsibility.api.serializers.grids import CoverageSummarySerializer
from responsibility.selectors.coverage import coverage_report


class CoverageViewSet(viewsets.ViewSet):
    """Counts only (no items): enterprises with no supervising department, sectors with no
    responsible department, organizations with no published list, townships and villages with
    no grid supervisor, enterprises in no grid cell, and the overlaps, in total and per county."""

    # No model: reading needs the enterprise view permission, checked below.
    queryset = None

    @extend_schema(summary="Coverage gaps in the caller's scope", responses=CoverageSummarySerializer)
    def list(self, request):
        if not request.user.has_perm("responsibility.view_enterprise"):
            raise PermissionDenied()
        report = coverage_report(request.user, limit=0)
        return Response(CoverageSummarySerializer(report.as_dict()).data)


def register(router) -> None:
    router.register("coverage", CoverageViewSet, basename="coverage")
