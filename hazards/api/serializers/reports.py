"""Serializers of the read-only report endpoints: enterprises' monthly self-reports and public
tip-offs."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hazards.api.serializers.base import ChoiceDisplayField, display_name
from hazards.choices import TipOffStatus
from hazards.models import EnterpriseSelfReport, TipOff

TRIAGE_PERMISSION = "hazards.triage_tipoff"


class SelfReportSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    jurisdiction = serializers.CharField(source="enterprise.jurisdiction.code", read_only=True, help_text="Division code of the enterprise's place.")
    jurisdiction_name = serializers.CharField(source="enterprise.jurisdiction.name", read_only=True)
    month = serializers.DateField(read_only=True, format="%Y-%m", help_text="YYYY-MM.")
    submitted_by_name = serializers.SerializerMethodField()

    class Meta:
        model = EnterpriseSelfReport
        fields = [
            "id", "enterprise", "enterprise_name", "jurisdiction", "jurisdiction_name", "month", "none_found",
            "hazards_found", "hazards_rectified", "note", "submitted_by_name", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def get_submitted_by_name(self, report) -> str | None:
        return display_name(report.submitted_by)


class TipOffSerializer(serializers.ModelSerializer):
    """A tip-off as the office sees it. The tipster's name and phone are only given to those who
    may triage tip-offs; for everyone else they are null."""

    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True, help_text="Division code.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    status_display = ChoiceDisplayField(TipOffStatus.choices, source="status")
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, allow_null=True, default=None)
    contact_name = serializers.SerializerMethodField(help_text="Null unless you may triage tip-offs.")
    contact_phone = serializers.SerializerMethodField(help_text="Null unless you may triage tip-offs.")

    class Meta:
        model = TipOff
        fields = [
            "id", "reference", "jurisdiction", "jurisdiction_name", "place", "description", "status", "status_display",
            "hazard", "hazard_code", "dismissal_reason", "handled_at", "contact_name", "contact_phone", "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _may_see_contact(self) -> bool:
        if "may_see_contact" not in self.context:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            self.context["may_see_contact"] = bool(user is not None and user.has_perm(TRIAGE_PERMISSION))
        return self.context["may_see_contact"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact_name(self, tip_off) -> str | None:
        return tip_off.contact_name if self._may_see_contact() else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact_phone(self, tip_off) -> str | None:
        return tip_off.contact_phone if self._may_see_contact() else None
