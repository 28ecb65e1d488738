from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from responsibility.models import Jurisdiction, Official, Organization, Post


class JurisdictionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Jurisdiction
        fields = ["id", "code", "name", "level", "level_display", "parent", "parent_code", "path", "is_active", "updated_at"]
        read_only_fields = ["id", "code", "level", "parent", "path", "updated_at"]


class OrganizationSerializer(serializers.ModelSerializer):
    jurisdiction = ScopedSlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.all(), help_text="Division code of the jurisdiction.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    parent = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    lead_department = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id", "jurisdiction", "jurisdiction_name", "name", "short_name", "kind", "kind_display", "function",
            "parent", "lead_department", "sort_order", "is_active", "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]


class PostSerializer(serializers.ModelSerializer):
    official = ScopedPrimaryKeyRelatedField(queryset=Official.objects.all())
    official_name = serializers.CharField(source="official.name", read_only=True)
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    jurisdiction_code = serializers.CharField(source="organization.jurisdiction.code", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Post
        fields = [
            "id", "official", "official_name", "organization", "organization_name", "jurisdiction_code",
            "role", "role_display", "title", "start_date", "end_date", "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]

    def validate(self, attrs):
        start, end = attrs.get("start_date", getattr(self.instance, "start_date", None)), attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": "The end date cannot be before the start date."})
        return attrs


class OfficialSerializer(serializers.ModelSerializer):
    registered_in = ScopedSlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.all(), help_text="Division code of the jurisdiction keeping the record.")
    current_posts = serializers.SerializerMethodField()

    class Meta:
        model = Official
        fields = ["id", "name", "gender", "birth_year", "phone", "registered_in", "note", "current_posts", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def get_current_posts(self, obj) -> list[dict]:
        posts = getattr(obj, "current_post_list", None)
        if posts is None:
            posts = list(Post.objects.current().filter(official=obj).select_related("organization"))
        return [
            {"id": p.pk, "organization": p.organization_id, "organization_name": p.organization.name, "role": p.role, "title": p.title}
            for p in posts
        ]
