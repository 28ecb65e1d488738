"""Serializers of the patrol API: read views of patrols, their stages, groups, content areas,
documents, findings and dispositions; the patrolled unit's plan and report upload."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hazards.api.serializers.base import ChoiceDisplayField, StrictFieldsMixin
from patrols.choices import (
    DispositionRoute,
    DispositionStatus,
    DocumentKind,
    FindingCategory,
    FindingStatus,
    MemberRole,
    Milestone,
    PatrolKind,
    PatrolStatus,
    TargetKind,
)
from patrols.models import FindingDisposition, Patrol, PatrolDocument, PatrolFinding, PatrolMilestone


class PatrolStageSerializer(serializers.ModelSerializer):
    """One dated stage. ``due_on`` is computed on the working-day calendar; when the calendar of
    the year it falls in is missing, it is null and ``calendar_missing_year`` names the year."""

    stage = serializers.CharField(source="key")
    stage_display = ChoiceDisplayField(Milestone.choices, source="key")
    calendar_missing_year = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    late = serializers.BooleanField(source="is_late", read_only=True)

    class Meta:
        model = PatrolMilestone
        fields = ["stage", "stage_display", "planned_on", "actual_on", "due_on", "calendar_missing_year", "overdue", "late"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_calendar_missing_year(self, milestone) -> int | None:
        return milestone.due_missing_year if not milestone.actual_on else None


class PatrolMemberSerializer(serializers.Serializer):
    official = serializers.IntegerField(source="official_id")
    name = serializers.CharField(source="official.name")
    role = serializers.CharField()
    role_display = ChoiceDisplayField(MemberRole.choices, source="role")


class PatrolAreaSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    examined = serializers.BooleanField(source="covered")
    note = serializers.CharField()


class PatrolDocumentSerializer(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField(DocumentKind.choices, source="kind")
    download = serializers.SerializerMethodField()

    class Meta:
        model = PatrolDocument
        fields = ["id", "milestone", "kind", "kind_display", "title", "finding", "uploaded_at", "download"]

    def get_download(self, document) -> str:
        return reverse("api:patrol-document-file", args=[document.patrol_id, document.pk])


class PatrolSerializer(serializers.ModelSerializer):
    term_name = serializers.CharField(source="term.name")
    target_name = serializers.CharField(source="target.name")
    target_kind = serializers.CharField(source="target.kind")
    target_kind_display = ChoiceDisplayField(TargetKind.choices, source="target.kind")
    jurisdiction_code = serializers.CharField(source="target.jurisdiction.code")
    kind_display = ChoiceDisplayField(PatrolKind.choices, source="kind")
    status_display = ChoiceDisplayField(PatrolStatus.choices, source="status")
    next_due_stage = serializers.CharField(source="next_due_milestone")
    overdue = serializers.SerializerMethodField()
    rectification_rate = serializers.FloatField(read_only=True)

    class Meta:
        model = Patrol
        fields = [
            "id", "code", "term", "term_name", "batch", "target", "target_name", "target_kind", "target_kind_display",
            "jurisdiction_code", "kind", "kind_display", "follows", "group_name", "status", "status_display", "next_due_on",
            "next_due_stage", "overdue", "calendar_missing_year", "finding_count", "rectified_count", "rectification_rate",
            "created_at", "updated_at",
        ]

    def get_overdue(self, patrol) -> bool:
        return bool(patrol.next_due_on and patrol.status != PatrolStatus.CLOSED and patrol.next_due_on < timezone.localdate())


class PatrolDetailSerializer(PatrolSerializer):
    focus = serializers.CharField()
    stages = PatrolStageSerializer(source="milestones", many=True)
    members = PatrolMemberSerializer(source="memberships", many=True)
    areas = PatrolAreaSerializer(source="area_checks", many=True)
    documents = serializers.SerializerMethodField()

    class Meta(PatrolSerializer.Meta):
        fields = [*PatrolSerializer.Meta.fields, "focus", "stages", "members", "areas", "documents"]

    @extend_schema_field(PatrolDocumentSerializer(many=True))
    def get_documents(self, patrol):
        return PatrolDocumentSerializer(self.context.get("documents", []), many=True, context=self.context).data


class PatrolDispositionSerializer(serializers.ModelSerializer):
    route_display = ChoiceDisplayField(DispositionRoute.choices, source="route")
    status_display = ChoiceDisplayField(DispositionStatus.choices, source="status")
    recipient_name = serializers.CharField(source="recipient_label")
    patrol = serializers.IntegerField(source="finding.patrol_id", read_only=True)

    class Meta:
        model = FindingDisposition
        fields = [
            "id", "finding", "patrol", "route", "route_display", "routed_on", "recipient", "recipient_name", "reference", "note",
            "status", "status_display", "closed_on", "result", "updated_at",
        ]


class PatrolFindingSerializer(serializers.ModelSerializer):
    """A finding; its ``evidence`` only for the patrol office and the group."""

    category_display = ChoiceDisplayField(FindingCategory.choices, source="category")
    status_display = ChoiceDisplayField(FindingStatus.choices, source="status")
    content_area = serializers.CharField(source="content_area.code", allow_null=True, default=None)
    responsible_unit_name = serializers.CharField(source="responsible_name")
    hazard_code = serializers.CharField(source="hazard.code", allow_null=True, default=None)
    evidence = serializers.SerializerMethodField()
    dispositions = PatrolDispositionSerializer(many=True)

    class Meta:
        model = PatrolFinding
        fields = [
            "id", "patrol", "number", "category", "category_display", "content_area", "title", "description", "evidence",
            "responsible_unit", "responsible_unit_name", "found_on", "status", "status_display", "rectified_on",
            "rectification_note", "hazard", "hazard_code", "dispositions", "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_evidence(self, finding) -> str | None:
        return finding.evidence if getattr(finding, "insider", False) else None


class PatrolRectificationUploadSerializer(StrictFieldsMixin, serializers.Serializer):
    """The patrolled unit's rectification plan or report: the document and the day it was
    submitted (today when left out)."""

    document = serializers.FileField(help_text="PDF, Word, OFD, Excel, JPG or PNG; checked by its content.")
    submitted_on = serializers.DateField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
