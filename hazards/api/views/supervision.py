"""API: major hazards (重大隐患) under listed supervision: the linked leader (挂包), the listing
(挂牌督办), the double report (双报告) and the leader's visits. A linked leader sees the hazard
wherever it is (a per-object grant), so ``?mine=true`` lists "my linked hazards"."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from hazards.api.filters import MajorHazardApiFilterSet
from hazards.api.schema import errors
from hazards.api.serializers.ledger import HazardDetailSerializer, LeaderVisitSerializer
from hazards.api.serializers.supervision import (
    DoubleReportRequestSerializer,
    LeaderCandidateSerializer,
    LinkLeaderRequestSerializer,
    ListingRequestSerializer,
    MajorHazardSerializer,
    VisitRequestSerializer,
)
from hazards.api.views.ledger import LIST_ONLY, LIST_RELATED, HazardViewSetBase
from hazards.choices import HazardLevel
from hazards.models import Hazard, LeaderVisit
from hazards.services import supervision as services
from hazards.services.ledger import leader_candidates


def _visits():
    return LeaderVisit.objects.filter(hazard=OuterRef("pk")).order_by()


@extend_schema_view(
    list=extend_schema(
        summary="List major hazards in scope (and those you are the linked leader of)",
        responses={200: MajorHazardSerializer(many=True), **errors(400)},
    ),
    retrieve=extend_schema(summary="A major hazard", responses={200: HazardDetailSerializer, **errors(404)}),
)
class MajorHazardViewSet(HazardViewSetBase, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Major hazards with their supervision. Rectification itself runs through
    ``/hazards/{id}/transitions/`` like any hazard's."""

    queryset = (
        Hazard.objects.filter(level=HazardLevel.MAJOR)
        .select_related(*LIST_RELATED, "listing_office")
        .annotate(
            visit_count=Coalesce(
                Subquery(_visits().values("hazard").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
            ),
            last_visit_on=Subquery(_visits().order_by("-visited_on").values("visited_on")[:1]),
        )
    )
    filterset_class = MajorHazardApiFilterSet
    list_only = (
        *LIST_ONLY, "listing_office", "listing_office__name", "reported_to_department_on", "reported_to_workers_congress_on",
        "plan_responsible", "plan_measures", "plan_funds", "plan_contingency",
    )

    def get_serializer_class(self):
        return HazardDetailSerializer if self.action == "retrieve" else MajorHazardSerializer

    @extend_schema(
        summary="Leaders who may be linked to this hazard",
        description="Current Party and government leaders of the hazard's city and county.",
        responses={200: LeaderCandidateSerializer(many=True), **errors(404)},
    )
    @action(detail=True, methods=["get"], url_path="leader-candidates", pagination_class=None, filter_backends=[])
    def leader_candidates(self, request, pk=None):
        hazard = self.get_object()
        return Response(LeaderCandidateSerializer(leader_candidates(hazard), many=True).data)

    @extend_schema(
        summary="Link a leader to the hazard (挂包)",
        description="The leader gets access to the hazard even outside their own jurisdiction.",
        request=LinkLeaderRequestSerializer,
        responses={200: HazardDetailSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="leader")
    def leader(self, request, pk=None):
        hazard = self.get_object()
        serializer = LinkLeaderRequestSerializer(
            data=request.data, context={**self.get_serializer_context(), "leader_candidates": leader_candidates(hazard)}
        )
        serializer.is_valid(raise_exception=True)
        hazard = services.hazard_link_leader(actor=request.user, hazard=hazard, **serializer.validated_data)
        return self.detail_response(hazard)

    @extend_schema(
        summary="List the hazard for supervision (挂牌督办)",
        description="The listing level's safety committee office becomes the only one that may close the hazard out.",
        request=ListingRequestSerializer,
        responses={200: HazardDetailSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="listing")
    def listing(self, request, pk=None):
        hazard = self.get_object()
        data = self.validated(ListingRequestSerializer)
        hazard = services.hazard_list_for_supervision(
            actor=request.user, hazard=hazard, listing_level=data["listing_level"], listed_on=data.get("listed_on")
        )
        return self.detail_response(hazard)

    @extend_schema(
        summary="Record the double report (双报告)",
        request=DoubleReportRequestSerializer,
        responses={200: HazardDetailSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="double-report")
    def double_report(self, request, pk=None):
        hazard = self.get_object()
        data = self.validated(DoubleReportRequestSerializer)
        hazard = services.hazard_record_double_report(
            actor=request.user,
            hazard=hazard,
            to_department_on=data.get("to_department_on", hazard.reported_to_department_on),
            to_workers_congress_on=data.get("to_workers_congress_on", hazard.reported_to_workers_congress_on),
        )
        return self.detail_response(hazard)

    @extend_schema(methods=["GET"], summary="Visits and coordination actions of the linked leader",
                   responses={200: LeaderVisitSerializer(many=True), **errors(404)})
    @extend_schema(
        methods=["POST"],
        summary="Log a visit or coordination action",
        description="By the linked leader, or by the office for them. JSON, or multipart/form-data with `photos`.",
        request={"application/json": VisitRequestSerializer, "multipart/form-data": VisitRequestSerializer},
        responses={201: LeaderVisitSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["get", "post"], url_path="visits", pagination_class=None, filter_backends=[])
    def visits(self, request, pk=None):
        hazard = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            visits = hazard.visits.select_related("leader").prefetch_related("photos")
            return Response(LeaderVisitSerializer(visits, many=True, context=context).data)
        data = self.validated(VisitRequestSerializer)
        visit = services.leader_visit_record(actor=request.user, hazard=hazard, **data)
        visit = LeaderVisit.objects.select_related("leader").prefetch_related("photos").get(pk=visit.pk)
        return Response(LeaderVisitSerializer(visit, context=context).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("major-hazards", MajorHazardViewSet, basename="major-hazard")
