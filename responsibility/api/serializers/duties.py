"""API serializers: duty templates, responsibility-list items, key-work lists, items and checks."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from responsibility.choices import WorkItemStatus
from responsibility.models import DutyTemplate, ResponsibilityItem, WorkItem, WorkItemCheck, WorkList


class DutyTemplateSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    jurisdiction_code = serializers.CharField(
        source="jurisdiction.code", read_only=True, allow_null=True, default=None,
        help_text="Division code of the jurisdiction of a local supplement; null for the statutory duties.",
    )
    statutory = serializers.SerializerMethodField()

    class Meta:
        model = DutyTemplate
        fields = ["id", "role", "role_display", "sequence", "content", "source", "jurisdiction_code", "statutory", "is_active", "updated_at"]
        read_only_fields = fields

    def get_statutory(self, obj) -> bool:
        return obj.jurisdiction_id is None


class ResponsibilityItemSerializer(serializers.ModelSerializer):
    official_name = serializers.CharField(source="official.name", read_only=True)
    post_title = serializers.SerializerMethodField()
    organization = serializers.IntegerField(source="post.organization_id", read_only=True)
    organization_name = serializers.CharField(source="post.organization.name", read_only=True)
    jurisdiction_code = serializers.CharField(source="post.organization.jurisdiction.code", read_only=True)
    custom = serializers.SerializerMethodField(help_text="Added for this post, not generated from a duty template.")

    class Meta:
        model = ResponsibilityItem
        fields = [
            "id", "official", "official_name", "post", "post_title", "organization", "organization_name", "jurisdiction_code",
            "template", "sequence", "content", "source", "by_reference", "is_active", "is_customised", "custom", "updated_at",
        ]
        read_only_fields = fields

    def get_post_title(self, obj) -> str:
        return obj.post.title or obj.post.get_role_display()

    def get_custom(self, obj) -> bool:
        return obj.template_id is None


class WorkListSerializer(serializers.ModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    organizer_name = serializers.CharField(source="organizer.name", read_only=True, allow_null=True, default=None)
    item_count = serializers.IntegerField(read_only=True)
    done_count = serializers.IntegerField(read_only=True)
    overdue_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = WorkList
        fields = [
            "id", "jurisdiction", "jurisdiction_code", "jurisdiction_name", "year", "title", "organizer", "organizer_name",
            "check_frequency", "issued_on", "item_count", "done_count", "overdue_count", "updated_at",
        ]
        read_only_fields = fields


class WorkItemSerializer(serializers.ModelSerializer):
    """Read: the whole item. PATCH: ``status`` (and ``completed_on`` when it becomes done),
    by the responsible leader or the list's managers."""

    year = serializers.IntegerField(source="work_list.year", read_only=True)
    jurisdiction_code = serializers.CharField(source="work_list.jurisdiction.code", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    status = serializers.ChoiceField(choices=WorkItemStatus.choices)
    check_count = serializers.IntegerField(read_only=True)
    last_check_date = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = WorkItem
        fields = [
            "id", "work_list", "year", "jurisdiction_code", "sequence", "owner", "owner_name", "content", "measures",
            "due_date", "status", "completed_on", "is_overdue", "check_count", "last_check_date", "updated_at",
        ]
        read_only_fields = [f for f in fields if f not in ("status", "completed_on")]


class WorkItemCheckSerializer(serializers.ModelSerializer):
    """POST (multipart for an evidence file): the checker is the calling account."""

    item = ScopedPrimaryKeyRelatedField(queryset=WorkItem.objects.all())
    checker_name = serializers.CharField(source="checker.__str__", read_only=True)
    evidence = serializers.FileField(write_only=True, required=False, allow_null=True, help_text="PDF, JPG, PNG, Word, Excel or OFD.")
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = WorkItemCheck
        fields = ["id", "item", "check_date", "result", "note", "evidence", "evidence_url", "checker", "checker_name", "created_at"]
        read_only_fields = ["id", "checker", "created_at"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_evidence_url(self, obj):
        if not obj.evidence:
            return None
        url = reverse("responsibility:work_check_evidence", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
