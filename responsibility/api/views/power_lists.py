"""API of power-and-responsibility lists: versions and items to read, and the workflow's moves
(submit, review, publish) as POST actions going through the same services as the pages."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.exceptions import Conflict
from core.api.viewsets import ScopedReadOnlyModelViewSet
from responsibility.api.serializers.power_lists import (
    LockVersionSerializer,
    PowerListItemSerializer,
    PowerListReviewInputSerializer,
    PowerListVersionDetailSerializer,
    PowerListVersionSerializer,
)
from responsibility.filters.power_lists import PowerListItemFilterSet, PowerListVersionFilterSet
from responsibility.models import PowerListItem, PowerListReview, PowerListVersion
from responsibility.services import power_lists as services

_TRANSITION_RESPONSES = {200: PowerListVersionSerializer}


def _run(service, **kwargs):
    """A stale ``lock_version`` is a 409 conflict; other refusals keep their usual answers."""
    try:
        return service(**kwargs)
    except services.StaleVersion as stale:
        raise Conflict(stale.messages[0]) from None


@extend_schema_view(
    list=extend_schema(summary="List power-and-responsibility list versions in scope"),
    retrieve=extend_schema(summary="A list version with its items and reviews"),
)
class PowerListVersionViewSet(ScopedReadOnlyModelViewSet):
    """Versions of organizations' power-and-responsibility lists. ``?published=true`` gives each
    organization's current published list; ``status`` filters by workflow state."""

    queryset = PowerListVersion.objects.select_related("organization__jurisdiction").annotate(item_count=Count("items"))
    # The only writes are the workflow actions, whose services check each office's permission
    # (a staffing reviewer holds no "add" permission, yet reviews); the lookup is restricted.
    skip_model_permission = True
    filterset_class = PowerListVersionFilterSet
    ordering_fields = ["number", "published_at", "updated_at", "id"]
    ordering = ["organization_id", "-number"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PowerListVersionDetailSerializer
        return PowerListVersionSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("items", queryset=PowerListItem.objects.order_by("sequence")),
                Prefetch("reviews", queryset=PowerListReview.objects.select_related("reviewer").order_by("reviewed_at", "pk")),
            )
        return queryset

    def _answer(self, version):
        version = self.get_queryset().get(pk=version.pk)
        return Response(PowerListVersionSerializer(version, context=self.get_serializer_context()).data, status=status.HTTP_200_OK)

    @extend_schema(summary="Submit a draft or returned list for review", request=LockVersionSerializer, responses=_TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        version = self.get_object()
        data = LockVersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = _run(
            services.power_list_submit, version=version, actor=request.user, lock_version=data.validated_data.get("lock_version")
        )
        return self._answer(version)

    @extend_schema(
        summary="Approve or return a submitted list for the staffing office or the safety office",
        request=PowerListReviewInputSerializer,
        responses=_TRANSITION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        version = self.get_object()
        data = PowerListReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = _run(services.power_list_review, version=version, actor=request.user, **data.validated_data)
        return self._answer(version)

    @extend_schema(summary="Publish an approved list", request=LockVersionSerializer, responses=_TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        version = self.get_object()
        data = LockVersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = _run(
            services.power_list_publish, version=version, actor=request.user, lock_version=data.validated_data.get("lock_version")
        )
        return self._answer(version)


@extend_schema_view(
    list=extend_schema(summary="List items of power-and-responsibility lists in scope"),
    retrieve=extend_schema(summary="A list item"),
)
class PowerListItemViewSet(ScopedReadOnlyModelViewSet):
    queryset = PowerListItem.objects.select_related("version")
    serializer_class = PowerListItemSerializer
    filterset_class = PowerListItemFilterSet
    ordering_fields = ["sequence", "id"]
    ordering = ["version_id", "sequence"]
    search_fields = ["title", "content", "legal_basis"]


def register(router) -> None:
    router.register("power-lists", PowerListVersionViewSet, basename="powerlistversion")
    router.register("power-list-items", PowerListItemViewSet, basename="powerlistitem")
