"""API: enterprises (with idempotent upserts for county systems), sectors and the sector
mapping ("三管三必须")."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.viewsets import ScopedCreateReadUpdateViewSet, ScopedReadOnlyModelViewSet
from responsibility.api.serializers.enterprises import (
    EnterpriseSerializer,
    SectorResponsibilitySerializer,
    SectorSerializer,
)
from responsibility.filters.enterprises import EnterpriseFilterSet, SectorResponsibilityFilterSet
from responsibility.models import Enterprise, EnterpriseSupervision, Sector, SectorResponsibility
from responsibility.services import enterprises as services

CREDIT_CODE_PARAMETER = OpenApiParameter(
    "credit_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Unified social credit code (18 characters)."
)


@extend_schema_view(
    list=extend_schema(summary="List enterprises in scope"),
    retrieve=extend_schema(summary="An enterprise"),
    create=extend_schema(
        summary="Register an enterprise (or update the one with the same source_system and external_id)",
        description=(
            "With `external_id` set, a record already pushed from the same `source_system` is updated (200) "
            "instead of duplicated; otherwise a new enterprise is created (201). A credit code already "
            "registered is a 400."
        ),
        responses={201: EnterpriseSerializer, 200: EnterpriseSerializer},
    ),
    update=extend_schema(summary="Change an enterprise"),
    partial_update=extend_schema(summary="Change some fields of an enterprise"),
)
class EnterpriseViewSet(ScopedCreateReadUpdateViewSet):
    """Enterprises (生产经营单位) with their supervising departments. Jurisdictions are given
    by division code, sectors by code, departments by id; all must be in your scope."""

    queryset = Enterprise.objects.select_related("jurisdiction", "sector", "grid").prefetch_related(
        Prefetch("supervisions", queryset=EnterpriseSupervision.objects.select_related("organization"))
    )
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["name", "credit_code", "updated_at", "id"]
    ordering = ["name", "id"]
    search_fields = ["name", "credit_code"]
    create_service = staticmethod(services.enterprise_create)
    update_service = staticmethod(services.enterprise_update)

    def _respond(self, enterprise: Enterprise, created: bool) -> Response:
        fresh = self.get_queryset().filter(pk=enterprise.pk).first() or enterprise
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("external_id"):
            enterprise, created = services.enterprise_upsert(actor=request.user, match_on="external_id", **data)
        else:
            enterprise, created = services.enterprise_create(actor=request.user, **data), True
        return self._respond(enterprise, created)

    @extend_schema(
        methods=["GET"],
        summary="The enterprise with this credit code",
        parameters=[CREDIT_CODE_PARAMETER],
        responses={200: EnterpriseSerializer},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Create or update the enterprise with this credit code (idempotent)",
        description=(
            "Creates the enterprise (201) or updates it (200). Sending the same body twice changes nothing the "
            "second time. `credit_code` in the body, if given, must equal the one in the path. Supervising "
            "departments left out of the body are kept."
        ),
        parameters=[CREDIT_CODE_PARAMETER],
        request=EnterpriseSerializer,
        responses={
            200: EnterpriseSerializer,
            201: EnterpriseSerializer,
            400: OpenApiResponse(description="Invalid data, e.g. a wrong check character or a jurisdiction outside your scope."),
        },
    )
    @action(detail=False, methods=["get", "put"], url_path=r"by-credit-code/(?P<credit_code>[^/]+)", url_name="by-credit-code")
    def by_credit_code(self, request, credit_code: str):
        code = services.normalise_credit_code(credit_code)
        if request.method == "GET":
            enterprise = self.get_queryset().filter(credit_code=code).first()
            if enterprise is None:
                raise Http404
            return Response(self.get_serializer(enterprise).data)
        data = request.data.copy()
        given = services.normalise_credit_code(data.get("credit_code")) if data.get("credit_code") else code
        if given != code:
            raise serializers.ValidationError({"credit_code": [_("The credit code in the body differs from the one in the path.")]})
        data["credit_code"] = code
        serializer = self.get_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        enterprise, created = services.enterprise_upsert(actor=request.user, match_on="credit_code", **serializer.validated_data)
        return self._respond(enterprise, created)


@extend_schema_view(list=extend_schema(summary="Industry sectors"), retrieve=extend_schema(summary="A sector"))
class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    """Industry sectors (行业领域): reference data, the same for every jurisdiction."""

    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "code"
    ordering_fields = ["sort_order", "code"]
    ordering = ["sort_order", "code"]
    search_fields = ["code", "name"]


@extend_schema_view(list=extend_schema(summary="Sector responsibilities in scope"), retrieve=extend_schema(summary="A sector responsibility"))
class SectorResponsibilityViewSet(ScopedReadOnlyModelViewSet):
    """Who is responsible for each sector in each city, county and zone ("三管三必须"). A
    sector listed several times in a jurisdiction is shared (allowed); a sector absent is a gap."""

    queryset = SectorResponsibility.objects.select_related("jurisdiction", "sector", "organization")
    serializer_class = SectorResponsibilitySerializer
    filterset_class = SectorResponsibilityFilterSet
    ordering_fields = ["updated_at", "id"]
    ordering = ["jurisdiction__path", "sector__sort_order", "-is_lead", "id"]


def register(router) -> None:
    router.register("enterprises", EnterpriseViewSet)
    router.register("sectors", SectorViewSet)
    router.register("sector-responsibilities", SectorResponsibilityViewSet)
