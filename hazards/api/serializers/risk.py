"""Serializers of the risk-point API."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from hazards.api.serializers.base import ChoiceDisplayField, StrictFieldsMixin
from hazards.choices import AccidentType, RiskGrade
from hazards.models import RiskPoint
from responsibility.models import Enterprise, Jurisdiction, Sector

ACCIDENT_TYPES_HELP = "Possible accident types (GB 6441 classification codes)."


class RiskPointSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True, default=None)
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True, help_text="Division code.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True, help_text="Sector code.")
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    grade_display = ChoiceDisplayField(RiskGrade.choices, source="grade")
    accident_types = serializers.ListField(child=serializers.ChoiceField(choices=AccidentType.choices), read_only=True, help_text=ACCIDENT_TYPES_HELP)

    class Meta:
        model = RiskPoint
        fields = [
            "id", "name", "enterprise", "enterprise_name", "jurisdiction", "jurisdiction_name", "sector", "sector_name",
            "location", "latitude", "longitude", "hazard_factors", "accident_types", "controls", "responsible_person",
            "responsible_phone", "management_level", "method", "lec_l", "lec_e", "lec_c", "ls_l", "ls_s", "score",
            "grade", "grade_display", "status", "identified_on", "last_reviewed_on", "retired_reason", "source_system",
            "external_id", "created_at", "updated_at",
        ]
        read_only_fields = fields


class RiskPointWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """The grade is computed from the method's inputs (LEC: L, E, C; L×S: L, S); only with the
    direct method is ``grade`` taken as sent."""

    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True, help_text="Id of the enterprise; empty for a public place."
    )
    jurisdiction = ScopedSlugRelatedField(
        slug_field="code", queryset=Jurisdiction.objects.all(), required=False,
        help_text="Division code of the place (in your scope). Defaults to the enterprise's.",
    )
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.filter(is_active=True), required=False,
        help_text="Sector code. Defaults to the enterprise's.",
    )
    accident_types = serializers.ListField(
        child=serializers.ChoiceField(choices=AccidentType.choices), required=False, help_text=ACCIDENT_TYPES_HELP
    )

    class Meta:
        model = RiskPoint
        fields = [
            "name", "enterprise", "jurisdiction", "sector", "location", "latitude", "longitude", "hazard_factors",
            "accident_types", "controls", "responsible_person", "responsible_phone", "management_level", "identified_on",
            "method", "lec_l", "lec_e", "lec_c", "ls_l", "ls_s", "grade",
        ]
        extra_kwargs = {"grade": {"required": False}, "identified_on": {"required": False}}
        validators: list = []


class RiskPointCreateSerializer(RiskPointWriteSerializer):
    class Meta(RiskPointWriteSerializer.Meta):
        fields = [*RiskPointWriteSerializer.Meta.fields, "source_system", "external_id"]


class RiskPointRetireSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(help_text="Why the point is taken off the map.")
