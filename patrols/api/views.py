"""API: patrols with their stages, groups, content areas and documents; findings with their
dispositions; the patrolled unit's rectification plan and report upload. Read for every caller
within what :mod:`patrols.querysets` lets them see (a confidential patrol is a 404 like one
that does not exist); the uploads go through the stage service."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.viewsets import ScopedViewSetMixin
from core.files import attachment_response
from hazards.api.pagination import KeysetCursorPagination
from hazards.api.schema import errors
from patrols.api.filters import DispositionApiFilterSet, FindingApiFilterSet, PatrolApiFilterSet
from patrols.api.serializers import (
    PatrolDetailSerializer,
    PatrolDispositionSerializer,
    PatrolFindingSerializer,
    PatrolRectificationUploadSerializer,
    PatrolSerializer,
    PatrolStageSerializer,
)
from patrols.models import (
    FindingDisposition,
    Patrol,
    PatrolAreaCheck,
    PatrolDocument,
    PatrolFinding,
    PatrolMember,
    PatrolMilestone,
)
from patrols.services import patrols as services


class _ReadViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = KeysetCursorPagination
    ordering_fields = ["updated_at", "id"]
    ordering = ["-id"]
    lookup_value_regex = "[0-9]+"


@extend_schema_view(
    list=extend_schema(
        summary="List patrols you may see",
        description=(
            "The patrol office sees its jurisdiction's patrols, a group's members their own patrol, and the patrolled unit its "
            "patrols once the feedback has been delivered. Keyset-paginated; `updated_since` for incremental sync."
        ),
        responses={200: PatrolSerializer(many=True), **errors(400)},
    ),
    retrieve=extend_schema(summary="A patrol with its stages, group, content areas and documents", responses={200: PatrolDetailSerializer, **errors(404)}),
)
class PatrolViewSet(_ReadViewSet):
    queryset = Patrol.objects.select_related("term", "target__jurisdiction")
    serializer_class = PatrolSerializer
    filterset_class = PatrolApiFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("retrieve", "stages"):
            return queryset.prefetch_related(
                Prefetch("milestones", queryset=PatrolMilestone.objects.order_by("position")),
                Prefetch("memberships", queryset=PatrolMember.objects.select_related("official").order_by("pk")),
                Prefetch("area_checks", queryset=PatrolAreaCheck.objects.select_related("area").order_by("area__sort_order", "area_id")),
            )
        return queryset

    def get_serializer_class(self):
        return PatrolDetailSerializer if self.action == "retrieve" else PatrolSerializer

    def retrieve(self, request, *args, **kwargs):
        patrol = self.get_object()
        documents = PatrolDocument.objects.restrict(request.user).filter(patrol=patrol).order_by("uploaded_at", "pk")
        context = {**self.get_serializer_context(), "documents": documents}
        return Response(PatrolDetailSerializer(patrol, context=context).data)

    @extend_schema(summary="The patrol's stages with planned, actual and due dates", responses={200: PatrolStageSerializer(many=True), **errors(404)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def stages(self, request, pk=None):
        patrol = self.get_object()
        return Response(PatrolStageSerializer(patrol.milestones.all(), many=True).data)

    @extend_schema(summary="Download one of the patrol's documents", responses={200: None, **errors(404)})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>[0-9]+)/file", url_name="document-file",
            pagination_class=None, filter_backends=[])
    def document_file(self, request, pk=None, document_id=None):
        patrol = self.get_object()
        document = get_object_or_404(PatrolDocument.objects.restrict(request.user), pk=document_id, patrol=patrol)
        return attachment_response(document.file, document.filename)

    def _upload(self, request, action_name: str):
        patrol = self.get_object()
        serializer = PatrolRectificationUploadSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        patrol = services.patrol_transition(
            actor=request.user, patrol=patrol, action=action_name, on=data.get("submitted_on") or timezone.localdate(),
            comment=data.get("comment", ""), document=data["document"],
        )
        return self.retrieve(request, pk=patrol.pk)

    @extend_schema(
        summary="The patrolled unit submits its rectification plan",
        description="Due 30 working days after the feedback (the issuing jurisdiction's rules). Multipart: `document`, `submitted_on`.",
        request={"multipart/form-data": PatrolRectificationUploadSerializer},
        responses={200: PatrolDetailSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="rectification-plan")
    def rectification_plan(self, request, pk=None):
        return self._upload(request, "submit_plan")

    @extend_schema(
        summary="The patrolled unit submits its rectification report",
        description="Due six months after the feedback. Multipart: `document`, `submitted_on`.",
        request={"multipart/form-data": PatrolRectificationUploadSerializer},
        responses={200: PatrolDetailSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="rectification-report")
    def rectification_report(self, request, pk=None):
        return self._upload(request, "submit_rectification_report")


@extend_schema_view(
    list=extend_schema(summary="List findings of the patrols you may see", responses={200: PatrolFindingSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(summary="A finding with its dispositions", responses={200: PatrolFindingSerializer, **errors(404)}),
)
class FindingViewSet(_ReadViewSet):
    queryset = PatrolFinding.objects.select_related("content_area", "responsible_unit", "hazard")
    serializer_class = PatrolFindingSerializer
    filterset_class = FindingApiFilterSet

    def get_queryset(self):
        user = self.request.user
        insiders = Patrol.objects.insiders(user).filter(pk=OuterRef("patrol_id"))
        return (
            super()
            .get_queryset()
            .annotate(insider=Exists(insiders))
            .prefetch_related(Prefetch("dispositions", queryset=FindingDisposition.objects.select_related("recipient", "finding")))
        )


@extend_schema_view(
    list=extend_schema(summary="List dispositions of findings you may see", responses={200: PatrolDispositionSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(summary="A disposition", responses={200: PatrolDispositionSerializer, **errors(404)}),
)
class DispositionViewSet(_ReadViewSet):
    queryset = FindingDisposition.objects.select_related("recipient", "finding")
    serializer_class = PatrolDispositionSerializer
    filterset_class = DispositionApiFilterSet


def register(router) -> None:
    router.register("patrols", PatrolViewSet, basename="patrol")
    router.register("patrol-findings", FindingViewSet, basename="patrol-finding")
    router.register("patrol-dispositions", DispositionViewSet, basename="patrol-disposition")
