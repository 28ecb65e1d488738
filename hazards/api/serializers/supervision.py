"""Serializers of the major-hazard API: listed supervision, linked leaders, double report and
the leader's visits."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hazards.api.serializers.base import PhotoListField, StrictFieldsMixin
from hazards.api.serializers.ledger import HazardSerializer
from hazards.choices import ListingLevel, VisitKind
from responsibility.models import Official


class MajorHazardSerializer(HazardSerializer):
    """A major hazard with its supervision at a glance."""

    listing_office_name = serializers.CharField(source="listing_office.name", read_only=True, allow_null=True, default=None)
    plan_complete = serializers.BooleanField(read_only=True, help_text="All five elements of the plan are recorded.")
    visit_count = serializers.IntegerField(read_only=True, help_text="Visits and coordination actions logged.")
    last_visit_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta(HazardSerializer.Meta):
        fields = [
            *HazardSerializer.Meta.fields,
            "listing_office", "listing_office_name", "reported_to_department_on", "reported_to_workers_congress_on",
            "plan_complete", "visit_count", "last_visit_on",
        ]
        read_only_fields = fields


class LeaderCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Official
        fields = ["id", "name"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class _CandidateField(serializers.PrimaryKeyRelatedField):
    """Only the leaders who may be linked to this hazard exist for this field (the view passes
    them in the context), so an id from elsewhere is simply an invalid choice."""

    def get_queryset(self):
        candidates = self.context.get("leader_candidates")
        return candidates if candidates is not None else Official.objects.none()


class LinkLeaderRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    leader = _CandidateField(help_text="Id of a current city- or county-level Party or government leader (see leader-candidates).")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ListingRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    listing_level = serializers.ChoiceField(choices=ListingLevel.choices, help_text="Whose safety committee lists it.")
    listed_on = serializers.DateField(required=False, allow_null=True, help_text="Default today.")


class DoubleReportRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    to_department_on = serializers.DateField(
        required=False, allow_null=True, help_text="Reported to the supervising department on. Left out: unchanged; null: cleared."
    )
    to_workers_congress_on = serializers.DateField(
        required=False, allow_null=True, help_text="Reported to the workers' congress on. Left out: unchanged; null: cleared."
    )


class VisitRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    visited_on = serializers.DateField()
    note = serializers.CharField(help_text="What was done or agreed.")
    kind = serializers.ChoiceField(choices=VisitKind.choices, default=VisitKind.VISIT)
    photos = PhotoListField(help_text="Photos (multipart/form-data, JPG or PNG).")
