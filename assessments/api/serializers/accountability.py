"""Serializers of the accountability API: decisions (read) and duty-performance dossiers
(request, status, contents)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.choices import AccountabilityMeasure, AccountabilityModifier, DossierStatus
from assessments.models import Accident, AccountabilityDecision, DutyDossier
from hazards.api.serializers.base import ChoiceDisplayField, StrictFieldsMixin
from responsibility.models import Official


class AccountabilityDecisionSerializer(serializers.ModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    official_name = serializers.CharField(source="official.name", read_only=True, allow_null=True, default=None)
    organization_name = serializers.CharField(source="organization.name", read_only=True, allow_null=True, default=None)
    measure = serializers.ChoiceField(choices=AccountabilityMeasure.choices, read_only=True)
    measure_display = ChoiceDisplayField(AccountabilityMeasure.choices, source="measure")
    modifier = serializers.ChoiceField(
        choices=AccountabilityModifier.choices, read_only=True, help_text="Empty when no modifier applies."
    )
    modifier_display = ChoiceDisplayField(AccountabilityModifier.choices, source="modifier")
    accident_code = serializers.CharField(source="accident.code", read_only=True, allow_null=True, default=None)
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AccountabilityDecision
        fields = [
            "id", "jurisdiction", "jurisdiction_code", "jurisdiction_name", "official", "official_name", "organization",
            "organization_name", "post_title", "measure", "measure_display", "decided_on", "decided_by", "document_reference",
            "grounds", "accident", "accident_code", "patrol_finding", "hazard", "hazard_code", "modifier", "modifier_display",
            "modifier_reason", "lifelong", "dossier", "created_at", "updated_at",
        ]
        read_only_fields = fields


class DutyDossierSerializer(serializers.ModelSerializer):
    official_name = serializers.CharField(source="official.name", read_only=True)
    status = serializers.ChoiceField(choices=DossierStatus.choices, read_only=True)
    status_display = ChoiceDisplayField(DossierStatus.choices, source="status")
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text="The PDF, once the dossier is ready; null before.")

    class Meta:
        model = DutyDossier
        fields = [
            "id", "official", "official_name", "period_start", "period_end", "accident", "status", "status_display", "error",
            "generated_at", "created_at", "updated_at", "status_url", "download_url",
        ]
        read_only_fields = fields

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(OpenApiTypes.URI)
    def get_status_url(self, dossier) -> str:
        return self._absolute(reverse("api:dossier-status", args=[dossier.pk]))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, dossier) -> str | None:
        if dossier.status != DossierStatus.READY or not dossier.file:
            return None
        return self._absolute(reverse("api:dossier-download", args=[dossier.pk]))


class DutyDossierDetailSerializer(DutyDossierSerializer):
    data = serializers.JSONField(
        read_only=True,
        help_text="The snapshot of the official's recorded duties (posts, responsibility items, key work and checks, "
        "inspections and quotas, meetings, linked major hazards and visits, lists, patrol findings, decisions, gaps and "
        "summary); empty until the dossier is ready.",
    )

    class Meta(DutyDossierSerializer.Meta):
        fields = [*DutyDossierSerializer.Meta.fields, "data"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class _ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """Only rows the caller may see exist for this field: another county's id is an invalid
    choice, exactly like one that does not exist."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        return self.model.objects.restrict(request.user, "view")


class DossierRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    official = _ScopedPrimaryKeyField(Official, help_text="Id of an official in your scope.")
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text="Not after today; at most six years after the start.")
    accident = _ScopedPrimaryKeyField(
        Accident, required=False, allow_null=True, help_text="Optional: the accident whose responsibility is being determined."
    )
