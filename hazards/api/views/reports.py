"""API (read-only): enterprises' monthly self-reports and public tip-offs. Submitting and
triaging happen in the platform's pages; the public checks a tip's status on the public page
with its reference number."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.viewsets import ScopedReadOnlyModelViewSet
from hazards.api.filters import SelfReportApiFilterSet, TipOffApiFilterSet
from hazards.api.pagination import KeysetCursorPagination
from hazards.api.schema import errors
from hazards.api.serializers.reports import SelfReportSerializer, TipOffSerializer
from hazards.models import EnterpriseSelfReport, TipOff


@extend_schema_view(
    list=extend_schema(summary="List monthly self-reports in scope", responses={200: SelfReportSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(summary="A monthly self-report", responses={200: SelfReportSerializer, **errors(404)}),
)
class SelfReportViewSet(ScopedReadOnlyModelViewSet):
    """Enterprises' monthly hazard self-reports (found, rectified, or an explicit "none found").
    Enterprise accounts see their own enterprises' reports."""

    queryset = EnterpriseSelfReport.objects.select_related("enterprise__jurisdiction", "submitted_by")
    serializer_class = SelfReportSerializer
    filterset_class = SelfReportApiFilterSet
    pagination_class = KeysetCursorPagination
    ordering_fields = ["month", "updated_at", "id"]
    ordering = ["-month", "-id"]
    lookup_value_regex = "[0-9]+"


@extend_schema_view(
    list=extend_schema(summary="List tip-offs in scope", responses={200: TipOffSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(summary="A tip-off", responses={200: TipOffSerializer, **errors(404)}),
)
class TipOffViewSet(ScopedReadOnlyModelViewSet):
    """Public tip-offs (12350) and what became of them: turned into a hazard (``hazard``) or
    dismissed (with the reason). The tipster's contact details are null unless you may triage."""

    queryset = TipOff.objects.select_related("jurisdiction", "hazard")
    serializer_class = TipOffSerializer
    filterset_class = TipOffApiFilterSet
    pagination_class = KeysetCursorPagination
    ordering_fields = ["created_at", "updated_at", "id"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = "[0-9]+"


def register(router) -> None:
    router.register("self-reports", SelfReportViewSet)
    router.register("tip-offs", TipOffViewSet)
