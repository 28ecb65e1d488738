from django.urls import reverse
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from responsibility.models import Meeting, Obligation, Official, Organization
from responsibility.services.meetings import minutes_error


class MeetingSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    jurisdiction_code = serializers.CharField(source="organization.jurisdiction.code", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    chair = ScopedPrimaryKeyRelatedField(queryset=Official.objects.all(), required=False, allow_null=True)
    chair_name = serializers.CharField(source="chair.name", read_only=True, allow_null=True, default=None)
    attendees = ScopedPrimaryKeyRelatedField(queryset=Official.objects.all(), many=True, required=False)
    minutes = serializers.FileField(
        write_only=True, required=False, allow_null=True,
        help_text="Minutes file (PDF, DOC, DOCX, JPG or PNG, at most 20 MB); send the request as multipart/form-data.",
    )
    minutes_url = serializers.SerializerMethodField(help_text="Download address of the minutes file, or null.")

    class Meta:
        model = Meeting
        fields = [
            "id", "organization", "organization_name", "jurisdiction_code", "kind", "kind_display", "held_on", "title",
            "chair", "chair_name", "attendees", "topics", "decisions", "minutes", "minutes_url", "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]

    def get_minutes_url(self, obj) -> str | None:
        if not obj.minutes:
            return None
        url = reverse("api:meeting-minutes", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def validate_minutes(self, value):
        if value:
            error = minutes_error(value)
            if error:
                raise serializers.ValidationError(error)
        return value


class ObligationSerializer(serializers.ModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True, allow_null=True, default=None)
    subject_display = serializers.CharField(source="get_subject_display", read_only=True)
    activity_display = serializers.CharField(source="get_activity_display", read_only=True)
    period_display = serializers.CharField(source="get_period_display", read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id", "name", "subject", "subject_display", "roles", "organization_kinds", "levels", "department_posts_only",
            "activity", "activity_display", "meeting_kind", "minimum", "period", "period_display", "source",
            "jurisdiction", "jurisdiction_code", "replaces", "is_active", "updated_at",
        ]
        read_only_fields = fields


# --- Compliance (read-only, documented shapes) --------------------------------------------------


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="2026, 2026-H1, 2026-Q3 or 2026-10.")
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()


class WindowCountSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.key")
    count = serializers.IntegerField()
    status = serializers.CharField()


class ComplianceRowSerializer(serializers.Serializer):
    subject_type = serializers.SerializerMethodField()
    id = serializers.IntegerField(source="subject.pk")
    name = serializers.CharField()
    jurisdiction_code = serializers.CharField(source="jurisdiction.code")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name")
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    posts = serializers.CharField()
    done = serializers.IntegerField()
    required = serializers.IntegerField()
    held = serializers.IntegerField()
    status = serializers.CharField(help_text="short, in_progress, not_due or met.")
    windows = WindowCountSerializer(many=True)

    def get_subject_type(self, row) -> str:
        return "organization" if row.subject_kind == "organization_kind" else "official"


class ObligationResultSerializer(serializers.Serializer):
    obligation = ObligationSerializer()
    available = serializers.BooleanField(
        help_text="False when the activity's records are not kept by the platform yet (e.g. inspections): not evaluated."
    )
    windows = PeriodSerializer(many=True)
    short_count = serializers.IntegerField()
    in_progress_count = serializers.IntegerField()
    met_count = serializers.IntegerField()
    rows = ComplianceRowSerializer(many=True)


class ComplianceSerializer(serializers.Serializer):
    period = PeriodSerializer()
    jurisdiction = serializers.CharField(allow_null=True, help_text="Division code the evaluation was narrowed to.")
    results = ObligationResultSerializer(many=True)
