"""API: the meetings register (read and create), the obligations (read) and compliance (read)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.viewsets import ScopedReadOnlyModelViewSet, ScopedViewSetMixin
from core.files import attachment_response
from responsibility.api.serializers.meetings import (
    ComplianceSerializer,
    MeetingSerializer,
    ObligationSerializer,
)
from responsibility.filters.meetings import MeetingFilterSet, ObligationFilterSet
from responsibility.forms.meetings import meeting_jurisdictions
from responsibility.models import Meeting, Obligation
from responsibility.selectors import compliance
from responsibility.services import meetings as services


@extend_schema_view(
    list=extend_schema(summary="List meetings in scope"),
    retrieve=extend_schema(summary="A meeting"),
    create=extend_schema(summary="Register a meeting (JSON, or multipart/form-data with the minutes file)"),
)
class MeetingViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Safety meetings: Party standing-committee sessions, government safety meetings, safety
    committee plenaries. Writes go through the meetings service (scope, kinds, file checks)."""

    queryset = Meeting.objects.select_related("organization__jurisdiction", "chair").prefetch_related("attendees")
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["held_on", "updated_at", "id"]
    ordering = ["-held_on", "-id"]
    search_fields = ["title", "topics"]
    create_service = staticmethod(services.meeting_create)

    @extend_schema(
        summary="Download the minutes file of a meeting",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY), 404: None},
    )
    @action(detail=True, methods=["get"], url_path="minutes")
    def minutes(self, request, pk=None):
        return attachment_response(self.get_object().minutes)


class ObligationViewSet(ScopedReadOnlyModelViewSet):
    """Rules "who must do what how often". ``jurisdiction`` empty: applies everywhere; a rule
    with ``replaces`` takes the place of that general rule in its jurisdiction's subtree."""

    queryset = Obligation.objects.select_related("jurisdiction")
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilterSet
    ordering_fields = ["name", "updated_at", "id"]
    ordering = ["activity", "subject", "name", "id"]
    search_fields = ["name"]


class ComplianceViewSet(viewsets.ViewSet):
    """Obligations evaluated for the caller's scope over a period."""

    skip_model_permission = True

    @extend_schema(
        summary="Compliance with the obligations over a period",
        parameters=[
            OpenApiParameter("period", str, description="2026, 2026-H1, 2026-Q3 or 2026-10; default: the current quarter."),
            OpenApiParameter("jurisdiction", str, description="Division code narrowing the evaluation to that subtree."),
            OpenApiParameter("obligation", int, description="Only this obligation."),
        ],
        responses={200: ComplianceSerializer},
    )
    def list(self, request):
        errors = {}
        try:
            period = compliance.parse_period(request.query_params.get("period"))
        except ValueError as error:
            errors["period"] = [str(error)]
            period = None
        jurisdiction = None
        code = request.query_params.get("jurisdiction", "").strip()
        if code:
            jurisdiction = meeting_jurisdictions(request.user).filter(code=code).first()
            if jurisdiction is None:
                errors["jurisdiction"] = ["No jurisdiction with this code in your scope."]
        obligation = request.query_params.get("obligation", "").strip()
        if obligation and not obligation.isdigit():
            errors["obligation"] = ["A whole number is required."]
        if errors:
            raise exceptions.ValidationError(errors)
        results = compliance.evaluate_compliance(user=request.user, period=period, jurisdiction=jurisdiction)
        if obligation:
            results = [r for r in results if r.obligation.pk == int(obligation)]
        data = {
            "period": _period(period),
            "jurisdiction": jurisdiction.code if jurisdiction else None,
            "results": [
                {
                    "obligation": r.obligation,
                    "available": r.available,
                    "windows": [_period(w) for w in r.windows],
                    "short_count": r.short_count,
                    "in_progress_count": r.in_progress_count,
                    "met_count": r.met_count,
                    "rows": r.rows,
                }
                for r in results
            ],
        }
        return Response(ComplianceSerializer(data, context={"request": request}).data)


def _period(period) -> dict:
    return {"key": period.key, "kind": period.kind, "start": period.start, "end": period.end, "label": period.label}


def register(router) -> None:
    router.register("meetings", MeetingViewSet)
    router.register("obligations", ObligationViewSet)
    router.register("compliance", ComplianceViewSet, basename="compliance")
