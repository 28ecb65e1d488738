"""Serializers of the hazard ledger API: hazards (list row, detail, writes), their photos,
timeline, extensions and the workflow actions' requests."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from hazards.api.serializers.base import ChoiceDisplayField, PhotoListField, StrictFieldsMixin, display_name
from hazards.choices import HazardEventKind, HazardStatus, PhotoStage
from hazards.models import Hazard, HazardEvent, HazardExtension, HazardPhoto, LeaderVisit
from hazards.workflow import TRANSITIONS
from responsibility.choices import DEPARTMENT_KINDS
from responsibility.models import Enterprise, Jurisdiction, Official, Organization, Sector

# --- Reading --------------------------------------------------------------------------------


class HazardSerializer(serializers.ModelSerializer):
    """A row of the hazard list: everything but the long texts and the related records."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True, default=None)
    owner_name = serializers.CharField(read_only=True, help_text="The enterprise, or for an ownerless hazard the responsible county government.")
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True, help_text="Division code.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True, help_text="Sector code.")
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    status_display = ChoiceDisplayField(HazardStatus.choices, source="status")
    is_overdue = serializers.BooleanField(read_only=True, help_text="Past the deadline and not yet rectified (derived).")
    overdue_days = serializers.IntegerField(read_only=True)
    supervising_department_name = serializers.CharField(
        source="supervising_department.name", read_only=True, allow_null=True, default=None
    )
    responsible_organization_name = serializers.CharField(
        source="responsible_organization.name", read_only=True, allow_null=True, default=None
    )
    linked_leader_name = serializers.CharField(source="linked_leader.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Hazard
        fields = [
            "id", "code", "title", "status", "status_display", "level", "source", "category", "enterprise",
            "enterprise_name", "owner_name", "jurisdiction", "jurisdiction_name", "sector", "sector_name", "location",
            "latitude", "longitude", "found_on", "deadline", "original_deadline", "extension_count", "is_overdue",
            "overdue_days", "supervising_department", "supervising_department_name", "responsible_organization",
            "responsible_organization_name", "linked_leader", "linked_leader_name", "listing_level", "listed_on",
            "status_changed_at", "rectified_on", "verified_at", "closed_at", "source_system", "external_id",
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class HazardPhotoSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="__str__", read_only=True)
    url = serializers.SerializerMethodField(help_text="Download address (needs the same credentials as the API).")
    uploaded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = HazardPhoto
        fields = ["id", "stage", "file_name", "caption", "visit", "url", "uploaded_by_name", "uploaded_at"]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        url = reverse("api:hazard-photo-file", args=[photo.hazard_id, photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_uploaded_by_name(self, photo) -> str | None:
        return display_name(photo.uploaded_by)


class HazardEventSerializer(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField(HazardEventKind.choices, source="kind")
    data = serializers.JSONField(read_only=True, help_text="Details of the event (changed fields, dates, …).")

    class Meta:
        model = HazardEvent
        fields = ["id", "kind", "kind_display", "action", "from_status", "to_status", "actor_name", "at", "comment", "data"]
        read_only_fields = fields


class HazardExtensionSerializer(serializers.ModelSerializer):
    days = serializers.IntegerField(read_only=True, help_text="How many days the deadline moves.")
    requested_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = HazardExtension
        fields = [
            "id", "hazard", "status", "current_deadline", "requested_deadline", "days", "reason", "requested_at",
            "requested_by_name", "decided_at", "decided_by_name", "decision_note",
        ]
        read_only_fields = fields

    def get_requested_by_name(self, extension) -> str | None:
        return display_name(extension.requested_by)

    def get_decided_by_name(self, extension) -> str | None:
        return display_name(extension.decided_by)


class LeaderVisitSerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.name", read_only=True)
    photo_ids = serializers.SerializerMethodField(help_text="Ids of the visit's photos in the hazard's `photos`.")

    class Meta:
        model = LeaderVisit
        fields = ["id", "hazard", "leader", "leader_name", "kind", "visited_on", "note", "photo_ids", "recorded_at"]
        read_only_fields = fields

    def get_photo_ids(self, visit) -> list[int]:
        return [photo.pk for photo in visit.photos.all()]


class FiveInPlaceSerializer(serializers.Serializer):
    responsibility = serializers.BooleanField()
    measures = serializers.BooleanField()
    funds = serializers.BooleanField()
    deadline = serializers.BooleanField()
    contingency = serializers.BooleanField()


class HazardDetailSerializer(HazardSerializer):
    """A hazard with its plan, evidence, supervision, photos, timeline, extensions and visits."""

    finder_name_display = serializers.SerializerMethodField(help_text="The finder: the official's name, or the name given.")
    five_in_place = FiveInPlaceSerializer(read_only=True, help_text="Which parts of the rectification plan are recorded.")
    plan_complete = serializers.BooleanField(read_only=True)
    listing_office_name = serializers.CharField(source="listing_office.name", read_only=True, allow_null=True, default=None)
    verified_by_name = serializers.SerializerMethodField()
    closed_by_name = serializers.SerializerMethodField()
    photos = HazardPhotoSerializer(many=True, read_only=True)
    events = HazardEventSerializer(many=True, read_only=True, help_text="The timeline, oldest first.")
    extensions = HazardExtensionSerializer(many=True, read_only=True)
    visits = LeaderVisitSerializer(many=True, read_only=True)

    class Meta(HazardSerializer.Meta):
        fields = [
            *HazardSerializer.Meta.fields,
            "description", "finder", "finder_name", "finder_name_display", "plan_responsible", "plan_measures",
            "plan_funds", "plan_contingency", "five_in_place", "plan_complete", "rectification_note", "verified_by_name",
            "closed_by_name", "cancel_reason", "listing_office", "listing_office_name", "reported_to_department_on",
            "reported_to_workers_congress_on", "photos", "events", "extensions", "visits",
        ]
        read_only_fields = fields

    def get_finder_name_display(self, hazard) -> str:
        return hazard.finder.name if hazard.finder_id else hazard.finder_name

    def get_verified_by_name(self, hazard) -> str | None:
        return display_name(hazard.verified_by)

    def get_closed_by_name(self, hazard) -> str | None:
        return display_name(hazard.closed_by)


# --- Writing --------------------------------------------------------------------------------


def _departments():
    return Organization.objects.filter(kind__in=DEPARTMENT_KINDS)


class HazardWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """What a report sets. Related records must be in your scope (otherwise they do not exist
    for you). The status is never written: it moves only through transitions."""

    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the enterprise; leave out (or null) for an ownerless hazard, then give `jurisdiction`.",
    )
    jurisdiction = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        required=False,
        help_text="Division code of the place (in your scope). Defaults to the enterprise's.",
    )
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.filter(is_active=True), help_text="Sector code (see /api/v1/sectors/)."
    )
    finder = ScopedPrimaryKeyRelatedField(
        queryset=Official.objects.all(), required=False, allow_null=True, help_text="Id of the official who found it."
    )
    supervising_department = ScopedPrimaryKeyRelatedField(
        queryset=_departments(),
        required=False,
        allow_null=True,
        help_text="Id of the supervising department. Defaults to the enterprise's primary department.",
    )

    class Meta:
        model = Hazard
        fields = [
            "enterprise", "jurisdiction", "sector", "category", "level", "source", "title", "description", "location",
            "latitude", "longitude", "found_on", "finder", "finder_name", "supervising_department",
            "plan_responsible", "plan_measures", "plan_funds", "plan_contingency",
        ]
        # Uniqueness of (source_system, external_id) is the service's to check: an upsert must reach it.
        validators: list = []


class HazardCreateSerializer(HazardWriteSerializer):
    deadline = serializers.DateField(
        required=False, allow_null=True, help_text="Rectification deadline; by default it is set when the hazard is accepted."
    )
    photos = PhotoListField(help_text="Photos before rectification (multipart/form-data, JPG or PNG, at most 10 MB each).")

    class Meta(HazardWriteSerializer.Meta):
        fields = [*HazardWriteSerializer.Meta.fields, "deadline", "source_system", "external_id", "photos"]


class HazardUpsertSerializer(HazardWriteSerializer):
    """The body of an upsert: the report's fields. ``source_system`` and ``external_id`` come
    from the address; if repeated in the body they must be equal."""

    deadline = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Used when the hazard is created; later it moves only through transitions and extensions.",
    )
    source_system = serializers.CharField(required=False, max_length=50)
    external_id = serializers.CharField(required=False, max_length=100)

    class Meta(HazardWriteSerializer.Meta):
        fields = [*HazardWriteSerializer.Meta.fields, "deadline", "source_system", "external_id"]


class HazardTransitionRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    action = serializers.ChoiceField(choices=[(t.action, t.label) for t in TRANSITIONS.values()])
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to send back and to cancel (the reason)."
    )
    expected_status = serializers.ChoiceField(
        choices=HazardStatus.choices,
        required=False,
        allow_null=True,
        help_text="The status you saw. If the hazard has moved on since, the answer is 409 and nothing changes.",
    )
    deadline = serializers.DateField(required=False, allow_null=True, help_text="With `accept` only: the rectification deadline.")
    evidence = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="With `submit`: what was done (required unless recorded before)."
    )
    rectified_on = serializers.DateField(required=False, allow_null=True, help_text="With `submit`: the day it was rectified (default today).")
    after_photos = PhotoListField(
        help_text="With `submit` (multipart/form-data): photos after rectification; at least one must exist."
    )


class HazardAllowedActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    target_status = serializers.ChoiceField(choices=HazardStatus.choices)
    comment_required = serializers.BooleanField()


class HazardTransitionsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HazardStatus.choices)
    actions = HazardAllowedActionSerializer(many=True, help_text="What you may do now, given the status, your role and scope.")


class HazardPlanRequestSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    deadline = serializers.DateField(
        required=False, allow_null=True, help_text="Only while no deadline is set (or the hazard is still reported)."
    )

    class Meta:
        model = Hazard
        fields = ["plan_responsible", "plan_measures", "plan_funds", "plan_contingency", "deadline"]
        extra_kwargs = {name: {"required": False} for name in fields}


class ExtensionRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    requested_deadline = serializers.DateField()
    reason = serializers.CharField()


class ExtensionDecisionSerializer(StrictFieldsMixin, serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required when refusing.")


class PhotoUploadSerializer(StrictFieldsMixin, serializers.Serializer):
    stage = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (PhotoStage.BEFORE, PhotoStage.AFTER, PhotoStage.EVIDENCE)],
        help_text="before (the hazard), after (rectified) or evidence (documents photographed).",
    )
    photos = PhotoListField(
        required=True, allow_empty=False, help_text="JPG or PNG files (multipart/form-data), at most 10 at once, 10 MB each."
    )

