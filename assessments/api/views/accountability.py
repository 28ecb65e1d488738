"""API: accountability decisions (read, scoped) and duty-performance dossiers.

A dossier is generated in the background: ``POST /dossiers/`` answers 202 Accepted with the
dossier (status ``pending``) and its status URL (also in ``Location``); ``GET
/dossiers/{id}/status/`` reports ``pending``, ``ready`` or ``failed`` (with the error), and
``GET /dossiers/{id}/download/`` returns the PDF once ready (404 before)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from assessments.api.serializers.accountability import (
    AccountabilityDecisionSerializer,
    DossierRequestSerializer,
    DutyDossierDetailSerializer,
    DutyDossierSerializer,
)
from assessments.choices import AccountabilityMeasure, AccountabilityModifier, DossierStatus
from assessments.models import AccountabilityDecision, DutyDossier
from assessments.services import dossiers as services
from core.api.viewsets import ScopedReadOnlyModelViewSet, ScopedViewSetMixin
from core.files import attachment_response
from hazards.api.filters import IdFilter, _JurisdictionFilters
from hazards.api.schema import errors


class DecisionApiFilterSet(_JurisdictionFilters):
    q = django_filters.CharFilter(method="search", label=_("Search"), help_text="Part of the official's or the unit's name.")
    measure = django_filters.MultipleChoiceFilter(choices=AccountabilityMeasure.choices, help_text="Repeat for several.")
    modifier = django_filters.ChoiceFilter(
        choices=[("none", "none"), *[(v, v) for v in AccountabilityModifier.values if v]],
        method="by_modifier",
        help_text="`none`, `heavier`, `lighter` or `exempted`.",
    )
    year = django_filters.NumberFilter(method="by_year", help_text="Decided in this year.")
    official = IdFilter(field_name="official_id", help_text="Id of the official held to account.")
    organization = IdFilter(field_name="organization_id", help_text="Id of the unit held to account.")
    accident = IdFilter(field_name="accident_id", help_text="Id of the accident the decision answers for.")
    patrol_finding = IdFilter(field_name="patrol_finding_id", help_text="Id of the patrol finding the decision answers for.")
    lifelong = django_filters.BooleanFilter(help_text="Lifelong accountability.")

    class Meta:
        model = AccountabilityDecision
        fields = ["q", "measure", "modifier", "year", "official", "organization", "accident", "patrol_finding", "lifelong"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(Q(official__name__icontains=value) | Q(organization__name__icontains=value)) if value else queryset

    def by_modifier(self, queryset, name, value):
        return queryset.filter(modifier="" if value == "none" else value) if value else queryset

    def by_year(self, queryset, name, value):
        if value is None:
            return queryset
        year = int(value)
        if not 1900 <= year <= 2200:
            return queryset.none()
        return queryset.filter(decided_on__gte=f"{year:04d}-01-01", decided_on__lte=f"{year:04d}-12-31")


@extend_schema_view(
    list=extend_schema(summary="Accountability decisions in your scope", responses={200: AccountabilityDecisionSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(summary="An accountability decision", responses={200: AccountabilityDecisionSerializer, **errors(404)}),
)
class AccountabilityDecisionViewSet(ScopedReadOnlyModelViewSet):
    """Decisions holding officials or units to account (问责), with the accident, patrol finding
    or hazard they answer for and the Regulation's modifiers. Recorded in the browser."""

    queryset = AccountabilityDecision.objects.select_related("jurisdiction", "official", "organization", "accident", "hazard")
    serializer_class = AccountabilityDecisionSerializer
    filterset_class = DecisionApiFilterSet
    ordering_fields = ["decided_on", "updated_at", "id"]
    ordering = ["-decided_on", "-id"]
    search_fields = []
    lookup_value_regex = "[0-9]+"


class DossierApiFilterSet(django_filters.FilterSet):
    official = IdFilter(field_name="official_id", help_text="Id of the official.")
    accident = IdFilter(field_name="accident_id", help_text="Id of the accident the dossier was generated for.")
    status = django_filters.ChoiceFilter(choices=DossierStatus.choices)

    class Meta:
        model = DutyDossier
        fields = ["official", "accident", "status"]


@extend_schema_view(
    list=extend_schema(summary="Duty-performance dossiers in your scope", responses={200: DutyDossierSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(
        summary="A dossier with its contents",
        description="`data` holds the snapshot once the dossier is `ready`.",
        responses={200: DutyDossierDetailSerializer, **errors(404)},
    ),
    create=extend_schema(
        summary="Generate a duty-performance dossier (尽职免责)",
        description=(
            "Queues the generation of the official's dossier for the period and answers **202 Accepted** at once, "
            "with the dossier (status `pending`) and its `status_url` (also in the `Location` header). Poll the status "
            "until it is `ready`, then download the PDF."
        ),
        request=DossierRequestSerializer,
        responses={202: DutyDossierSerializer, **errors(400, 403)},
    ),
)
class DutyDossierViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = DutyDossier.objects.select_related("official").defer("data")
    serializer_class = DutyDossierSerializer
    filterset_class = DossierApiFilterSet
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    search_fields = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = DutyDossier.objects.select_related("official").restrict(self.request.user, "view")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return DutyDossierDetailSerializer
        if self.action == "create":
            return DossierRequestSerializer
        return DutyDossierSerializer

    def create(self, request, *args, **kwargs):
        request_serializer = DossierRequestSerializer(data=request.data, context=self.get_serializer_context())
        request_serializer.is_valid(raise_exception=True)
        data = request_serializer.validated_data
        dossier = services.dossier_request(
            actor=request.user, official=data["official"], period_start=data["period_start"], period_end=data["period_end"],
            accident=data.get("accident"),
        )
        dossier.refresh_from_db()
        body = DutyDossierSerializer(dossier, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})

    @extend_schema(summary="Where the generation of a dossier stands", responses={200: DutyDossierSerializer, **errors(404)})
    @action(detail=True, methods=["get"], url_path="status", url_name="status", filter_backends=[], pagination_class=None)
    def generation_status(self, request, pk=None):
        return Response(DutyDossierSerializer(self.get_object(), context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Download the dossier's PDF",
        description="404 until the dossier is ready.",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), **errors(404)},
    )
    @action(detail=True, methods=["get"], url_path="download", filter_backends=[], pagination_class=None)
    def download(self, request, pk=None):
        from assessments.dossier_pdf import dossier_filename

        dossier = self.get_object()
        if dossier.status != DossierStatus.READY or not dossier.file:
            raise Http404
        return attachment_response(dossier.file, filename=dossier_filename(dossier))


def register(router) -> None:
    router.register("accountability-decisions", AccountabilityDecisionViewSet, basename="accountability-decision")
    router.register("dossiers", DutyDossierViewSet, basename="dossier")

