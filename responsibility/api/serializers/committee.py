"""API serializers: safety-committee and task-group membership."""

from __future__ import annotations

from rest_framework import serializers

from responsibility.choices import OrganizationKind
from responsibility.models import CommitteeMembership


class CommitteeMembershipSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    body_kind = serializers.CharField(source="body.kind", read_only=True)
    committee = serializers.SerializerMethodField(help_text="The safety committee: the body itself, or a task group's parent.")
    jurisdiction_code = serializers.CharField(source="body.jurisdiction.code", read_only=True)
    official = serializers.IntegerField(source="post.official_id", read_only=True)
    official_name = serializers.CharField(source="post.official.name", read_only=True)
    post_title = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="post.organization.name", read_only=True)
    position_display = serializers.CharField(source="get_position_display", read_only=True)
    post_is_current = serializers.BooleanField(source="post.is_current", read_only=True)

    class Meta:
        model = CommitteeMembership
        fields = [
            "id", "body", "body_name", "body_kind", "committee", "jurisdiction_code", "post", "official", "official_name",
            "post_title", "organization_name", "position", "position_display", "sequence", "post_is_current", "updated_at",
        ]
        read_only_fields = fields

    def get_committee(self, obj) -> int | None:
        body = obj.body
        return body.parent_id if body.kind == OrganizationKind.TASK_GROUP else body.pk

    def get_post_title(self, obj) -> str:
        return obj.post.title or obj.post.get_role_display()
