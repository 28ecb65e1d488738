from rest_framework import serializers

from responsibility.choices import ReviewDecision, ReviewOffice
from responsibility.models import PowerListItem, PowerListReview, PowerListVersion


class PowerListItemSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    organization = serializers.IntegerField(source="version.organization_id", read_only=True)

    class Meta:
        model = PowerListItem
        fields = [
            "id", "version", "organization", "sequence", "kind", "kind_display", "category", "category_display",
            "title", "content", "legal_basis", "responsible_unit",
        ]
        read_only_fields = fields


class PowerListReviewSerializer(serializers.ModelSerializer):
    reviewer_name = serializers.CharField(source="reviewer.__str__", read_only=True)

    class Meta:
        model = PowerListReview
        fields = ["id", "office", "decision", "comment", "reviewer", "reviewer_name", "reviewed_at"]
        read_only_fields = fields


class PowerListVersionSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    jurisdiction_code = serializers.CharField(source="organization.jurisdiction.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    item_count = serializers.IntegerField(read_only=True, help_text="Number of items in this version.")

    class Meta:
        model = PowerListVersion
        fields = [
            "id", "organization", "organization_name", "jurisdiction_code", "number", "status", "status_display",
            "change_summary", "item_count", "submitted_at", "staffing_approved_at", "safety_approved_at",
            "published_at", "lock_version", "created_at", "updated_at",
        ]
        read_only_fields = fields


class PowerListVersionDetailSerializer(PowerListVersionSerializer):
    items = PowerListItemSerializer(many=True, read_only=True)
    reviews = PowerListReviewSerializer(many=True, read_only=True)

    class Meta(PowerListVersionSerializer.Meta):
        fields = [*PowerListVersionSerializer.Meta.fields, "items", "reviews"]
        read_only_fields = fields


class LockVersionSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="The lock_version you read. If the list changed since, the answer is 409 conflict; "
        "leave it out to rely on the workflow's own checks.",
    )


class PowerListReviewInputSerializer(LockVersionSerializer):
    office = serializers.ChoiceField(choices=ReviewOffice.choices)
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required when returning.")
