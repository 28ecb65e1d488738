"""Serializers of the inspection API: records (list row, detail, draft writes), their answers,
findings and photos, checklists with their items, and inspection quotas."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from hazards.api.serializers.base import ChoiceDisplayField, PhotoListField, StrictFieldsMixin, display_name
from inspections.choices import (
    AnswerResult,
    InspectionKind,
    InspectionMethod,
    InspectionStatus,
    ItemSeverity,
    ParticipantRole,
)
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Inspection,
    InspectionAmendment,
    InspectionAnswer,
    InspectionFinding,
    InspectionParticipant,
    InspectionPhoto,
    InspectionTarget,
    RandomDraw,
    SupervisionRound,
)
from responsibility.models import Enterprise, Jurisdiction, Official


def _absolute(context, url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


# --- Reading --------------------------------------------------------------------------------


class TargetRowSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = InspectionTarget
        fields = ["enterprise", "enterprise_name"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    """A row of the inspection list: the record without its answers, findings and photos."""

    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True, help_text="Division code.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    kind_display = ChoiceDisplayField(InspectionKind.choices, source="kind")
    status_display = ChoiceDisplayField(InspectionStatus.choices, source="status")
    methods = serializers.ListField(child=serializers.ChoiceField(choices=InspectionMethod.choices), read_only=True)
    lead_official_name = serializers.CharField(source="lead_official.name", read_only=True)
    enterprises = TargetRowSerializer(source="targets", many=True, read_only=True, help_text="The enterprises inspected.")

    class Meta:
        model = Inspection
        fields = [
            "id", "code", "client_uuid", "status", "status_display", "kind", "kind_display", "methods", "jurisdiction",
            "jurisdiction_name", "started_at", "ended_at", "place", "lead_official", "lead_official_name", "enterprises",
            "campaign", "draw", "supervision_round", "submitted_at", "amendment_count", "source_system", "external_id",
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class ParticipantSerializer(serializers.ModelSerializer):
    official_name = serializers.CharField(source="official.name", read_only=True)

    class Meta:
        model = InspectionParticipant
        fields = ["official", "official_name", "role"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="item.requirement", read_only=True)

    class Meta:
        model = InspectionAnswer
        fields = ["item", "requirement", "result", "note"]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    checklist_name = serializers.CharField(source="checklist.template.name", read_only=True, allow_null=True, default=None)
    checklist_number = serializers.IntegerField(
        source="checklist.number", read_only=True, allow_null=True, default=None, help_text="Version number of the checklist."
    )
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionTarget
        fields = ["enterprise", "enterprise_name", "checklist", "checklist_name", "checklist_number", "note", "answers"]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="target.enterprise_id", read_only=True, allow_null=True, default=None)
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, allow_null=True, default=None)
    hazard_status = serializers.CharField(source="hazard.status", read_only=True, allow_null=True, default=None)
    photo_ids = serializers.SerializerMethodField(help_text="Ids of the finding's photos in the inspection's `photos`.")

    class Meta:
        model = InspectionFinding
        fields = ["id", "enterprise", "item", "description", "severity", "hazard", "hazard_code", "hazard_status", "photo_ids", "created_at"]
        read_only_fields = fields

    def get_photo_ids(self, finding) -> list[int]:
        return [photo.pk for photo in finding.photos.all()]


class InspectionPhotoSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="__str__", read_only=True)
    url = serializers.SerializerMethodField(help_text="Download address (needs the same credentials as the API).")
    uploaded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPhoto
        fields = ["id", "finding", "file_name", "url", "content_hash", "uploaded_by_name", "uploaded_at"]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        return _absolute(self.context, reverse("api:inspection-photo-file", args=[photo.inspection_id, photo.pk]))

    def get_uploaded_by_name(self, photo) -> str | None:
        return display_name(photo.uploaded_by)


class AmendmentSerializer(serializers.ModelSerializer):
    amended_by_name = serializers.SerializerMethodField()
    changes = serializers.JSONField(read_only=True, help_text="Per field: {from, to}.")

    class Meta:
        model = InspectionAmendment
        fields = ["id", "reason", "changes", "amended_by_name", "amended_at"]
        read_only_fields = fields

    def get_amended_by_name(self, amendment) -> str | None:
        return display_name(amendment.amended_by)


class InspectionDetailSerializer(InspectionSerializer):
    """An inspection with its people, enterprises and answers, findings, photos and amendments."""

    participants = ParticipantSerializer(source="participations", many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    photos = InspectionPhotoSerializer(many=True, read_only=True)
    amendments = AmendmentSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [
            *[name for name in InspectionSerializer.Meta.fields if name != "enterprises"],
            "summary", "latitude", "longitude", "draft_saved_at", "participants", "targets", "findings", "photos", "amendments",
        ]
        read_only_fields = fields


# --- Writing --------------------------------------------------------------------------------


class ParticipantInputSerializer(serializers.Serializer):
    official = ScopedPrimaryKeyRelatedField(queryset=Official.objects.all(), help_text="Id of an official in your scope.")
    role = serializers.ChoiceField(choices=ParticipantRole.choices, default=ParticipantRole.MEMBER)


class TargetInputSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.select_related("jurisdiction"), help_text="Id of an enterprise in your scope."
    )
    checklist = ScopedPrimaryKeyRelatedField(
        queryset=ChecklistVersion.objects.filter(published_at__isnull=False),
        required=False,
        allow_null=True,
        help_text="Id of the published checklist version used there (see /api/v1/checklists/).",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerInputSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(help_text="Id of an enterprise of the inspection.")
    item = serializers.IntegerField(help_text="Id of an item of the checklist version used at that enterprise.")
    result = serializers.ChoiceField(choices=AnswerResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class InspectionWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """The fields of a draft. Related records must be in your scope (otherwise they do not exist
    for you). Lists (``participants``, ``targets``) replace what the draft had; ``answers`` are
    added or changed one by one."""

    jurisdiction = ScopedSlugRelatedField(
        slug_field="code", queryset=Jurisdiction.objects.all(), help_text="Division code of where it took place (in your scope)."
    )
    kind = serializers.ChoiceField(choices=InspectionKind.choices, required=False)
    methods = serializers.ListField(child=serializers.ChoiceField(choices=InspectionMethod.choices), required=False)
    started_at = serializers.DateTimeField(required=False, help_text="When it took place (not in the future). Default: now.")
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text="Where, when it is not an enterprise.")
    lead_official = ScopedPrimaryKeyRelatedField(
        queryset=Official.objects.all(), required=False, help_text="Id of the official who led it. Default: your own official."
    )
    summary = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    campaign = ScopedPrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    draw = ScopedPrimaryKeyRelatedField(queryset=RandomDraw.objects.all(), required=False, allow_null=True)
    supervision_round = ScopedPrimaryKeyRelatedField(queryset=SupervisionRound.objects.all(), required=False, allow_null=True)
    participants = ParticipantInputSerializer(many=True, required=False, help_text="Besides the lead: officials and experts.")
    targets = TargetInputSerializer(many=True, required=False, help_text="The enterprises inspected, with their checklists.")
    answers = AnswerInputSerializer(many=True, required=False, help_text="Checklist answers per enterprise and item.")


class InspectionCreateSerializer(InspectionWriteSerializer):
    client_uuid = serializers.UUIDField(
        help_text=(
            "Chosen by the client when the draft is first saved. Sending the same value again returns the same "
            "draft (200) instead of creating a second one."
        )
    )


class InspectionUpsertSerializer(InspectionWriteSerializer):
    """The body of an upsert: the draft's fields, and whether to submit. ``source_system`` and
    ``external_id`` come from the address; if repeated in the body they must be equal."""

    submit = serializers.BooleanField(
        required=False, default=False, help_text="true: submit after saving (every required checklist item must be answered)."
    )
    source_system = serializers.CharField(required=False, max_length=50)
    external_id = serializers.CharField(required=False, max_length=100)


class AnswersRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    answers = AnswerInputSerializer(many=True, allow_empty=False)


class FindingRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    description = serializers.CharField(help_text="What was found.")
    enterprise = serializers.IntegerField(required=False, allow_null=True, help_text="Id of an enterprise of the inspection.")
    item = serializers.IntegerField(required=False, allow_null=True, help_text="Id of the failed item of that enterprise's checklist.")
    severity = serializers.ChoiceField(
        choices=ItemSeverity.choices, required=False, allow_null=True, help_text="Default: the item's severity, or general."
    )


class FindingToHazardRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Default: the finding's text.")


class FindingHazardSerializer(serializers.Serializer):
    finding = FindingSerializer()
    hazard = serializers.IntegerField(help_text="Id of the hazard now on the ledger (see /api/v1/hazards/{id}/).")
    hazard_code = serializers.CharField()


class InspectionPhotoUploadSerializer(StrictFieldsMixin, serializers.Serializer):
    photos = PhotoListField(required=True, allow_empty=False, help_text="JPG or PNG files (multipart/form-data), at most 10 at once.")
    finding = serializers.IntegerField(required=False, allow_null=True, help_text="Id of a finding of this inspection the photos show.")


# --- Checklists -----------------------------------------------------------------------------


class ChecklistItemSerializer(serializers.ModelSerializer):
    severity_display = ChoiceDisplayField(ItemSeverity.choices, source="severity")

    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "requirement", "legal_basis", "severity", "severity_display", "category", "answer_required"]
        read_only_fields = fields


class ChecklistVersionSerializer(serializers.ModelSerializer):
    template_name = serializers.CharField(source="template.name", read_only=True)
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistVersion
        fields = ["id", "template", "template_name", "number", "published_at", "note", "items"]
        read_only_fields = fields


class CurrentVersionSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistVersion
        fields = ["id", "number", "published_at", "note", "items"]
        read_only_fields = fields


class ChecklistSerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector.code", read_only=True, allow_null=True, default=None, help_text="Sector code.")
    sector_name = serializers.CharField(source="sector.name", read_only=True, allow_null=True, default=None)
    jurisdiction = serializers.CharField(
        source="jurisdiction.code", read_only=True, allow_null=True, default=None, help_text="Division code of the keeper; null: the platform's."
    )
    current_version = serializers.SerializerMethodField(help_text="The published version inspections use now, with its items.")

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "sector", "sector_name", "jurisdiction", "source", "is_active", "current_version", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(CurrentVersionSerializer(allow_null=True))
    def get_current_version(self, template):
        versions = getattr(template, "current_versions", None)
        version = versions[0] if versions else None
        return CurrentVersionSerializer(version, context=self.context).data if version is not None else None


# --- Quotas ---------------------------------------------------------------------------------


class QuotaPeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="2026, 2026-H1, 2026-Q3 or 2026-10.")
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()


class QuotaWindowSerializer(serializers.Serializer):
    period = QuotaPeriodSerializer()
    count = serializers.IntegerField(help_text="Submitted inspections led or joined in the window.")
    status = serializers.CharField(help_text="short, in_progress, not_due or met.")


class QuotaObligationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    period = serializers.CharField(help_text="year, half_year, quarter or month: how often.")
    minimum = serializers.IntegerField(help_text="Inspections required in each period.")


class QuotaRowSerializer(serializers.Serializer):
    official = serializers.IntegerField()
    official_name = serializers.CharField()
    jurisdiction = serializers.CharField(help_text="Division code of the post's organization.")
    jurisdiction_name = serializers.CharField()
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    posts = serializers.CharField(help_text="The official's posts the rule binds.")
    obligation = QuotaObligationSerializer()
    windows = QuotaWindowSerializer(many=True)
    done = serializers.IntegerField()
    required = serializers.IntegerField()
    shortfall = serializers.IntegerField()
    status = serializers.CharField(help_text="short, in_progress, not_due or met.")


class QuotaPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = QuotaRowSerializer(many=True)


# --- Campaigns ------------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True, help_text="Division code.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id", "name", "jurisdiction", "jurisdiction_name", "status", "self_check_start", "self_check_end", "sector_start",
            "sector_end", "local_start", "local_end", "guard_start", "guard_end", "expert_ratio_min", "description",
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class CoverageTotalsSerializer(serializers.Serializer):
    listed = serializers.IntegerField(help_text="Operating enterprises on some department's list (in your scope).")
    inspected = serializers.IntegerField(help_text="Of those, named by a submitted inspection of the campaign.")
    uncovered = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="Inspected / listed, in percent.")
    unlisted = serializers.IntegerField(help_text="Operating enterprises no department lists (a gap in the mapping).")


class DepartmentCoverageSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization_id")
    name = serializers.CharField(source="organization__name")
    jurisdiction_name = serializers.CharField(source="organization__jurisdiction__name")
    listed = serializers.IntegerField()
    inspected = serializers.IntegerField()
    uncovered = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class TownshipCoverageSerializer(serializers.Serializer):
    township = serializers.CharField(help_text="Materialized path of the township.")
    name = serializers.CharField()
    listed = serializers.IntegerField()
    inspected = serializers.IntegerField()
    uncovered = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class CampaignCoverageSerializer(serializers.Serializer):
    campaign = CampaignSerializer()
    totals = CoverageTotalsSerializer()
    departments = DepartmentCoverageSerializer(many=True)
    townships = TownshipCoverageSerializer(many=True)


class UncoveredEnterpriseSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True, allow_null=True, default=None)
    departments = serializers.SerializerMethodField(help_text="Ids of the supervising departments.")
    priority = serializers.BooleanField(source="is_priority", read_only=True, help_text="High-risk, weak or with accidents.")

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "credit_code", "jurisdiction", "jurisdiction_name", "sector", "risk_class", "is_weak",
            "accident_count", "priority", "departments",
        ]
        read_only_fields = fields

    def get_departments(self, enterprise) -> list[int]:
        return [s.organization_id for s in enterprise.supervisions.all()]
