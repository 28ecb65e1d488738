from rest_framework import serializers

from responsibility.models import SupervisionMatter, SupervisionNotice, SupervisionProgress


class SupervisionMatterSerializer(serializers.ModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text="Open and past its deadline.")
    last_progress_month = serializers.DateField(source="last_month", read_only=True, allow_null=True)

    class Meta:
        model = SupervisionMatter
        fields = [
            "id", "jurisdiction", "jurisdiction_code", "year", "number", "title", "description", "owner", "owner_name",
            "lead_unit", "lead_unit_name", "cooperating_units", "deadline", "status", "status_display", "completed_on",
            "is_overdue", "last_progress_month", "updated_at",
        ]
        read_only_fields = fields


class SupervisionProgressSerializer(serializers.ModelSerializer):
    reported_by_name = serializers.CharField(source="reported_by.__str__", read_only=True)

    class Meta:
        model = SupervisionProgress
        fields = ["id", "matter", "month", "progress", "problems", "reported_by_name", "updated_at"]
        read_only_fields = fields


class SupervisionNoticeSerializer(serializers.ModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    document_number = serializers.CharField(read_only=True, help_text="E.g. 泉安办督〔2026〕3号.")
    matter_ids = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionNotice
        fields = [
            "id", "jurisdiction", "jurisdiction_code", "year", "number", "prefix", "document_number", "month", "title",
            "body", "rows", "matter_ids", "issued_on", "updated_at",
        ]
        read_only_fields = fields

    def get_matter_ids(self, obj) -> list[int]:
        return [m.pk for m in obj.matters.all()]
