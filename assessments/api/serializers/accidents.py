"""Serializers of the accident API: the list row, the detail (with the level explained and the
timeline), and the writes (report, correction, upsert). Related records are given by code or
id and must be in the caller's scope (otherwise they do not exist for the caller)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.choices import AccidentLevel, AccidentType, InvestigationStatus
from assessments.models import Accident, AccidentEvent
from assessments.services.accidents import (
    COUNT_FIELDS,
    DETAIL_FIELDS,
    AccidentEventKind,
    level_explanation,
    negative_message,
)
from core.api.fields import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from hazards.api.serializers.base import ChoiceDisplayField, StrictFieldsMixin, display_name
from responsibility.models import Enterprise, Jurisdiction, Organization, Sector

# --- Reading --------------------------------------------------------------------------------


class AccidentSerializer(serializers.ModelSerializer):
    """A row of the accident list."""

    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True, help_text="Division code.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True, default=None)
    sector = serializers.CharField(source="sector.code", read_only=True, allow_null=True, default=None, help_text="Sector code.")
    sector_name = serializers.CharField(source="sector.name", read_only=True, allow_null=True, default=None)
    supervising_department_name = serializers.CharField(
        source="supervising_department.name", read_only=True, allow_null=True, default=None
    )
    accident_type_display = ChoiceDisplayField(AccidentType.choices, source="accident_type")
    level = serializers.ChoiceField(
        choices=AccidentLevel.choices, read_only=True,
        help_text="Computed: the highest level any of deaths, serious injuries and direct loss reaches.",
    )
    level_display = ChoiceDisplayField(AccidentLevel.choices, source="level")
    investigation_status_display = ChoiceDisplayField(InvestigationStatus.choices, source="investigation_status")
    reported_late = serializers.BooleanField(
        read_only=True, help_text="Reported to the department later than the place's limit after it occurred (derived)."
    )
    evaluation_due_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="When the rectification evaluation is due (derived from the closing date)."
    )

    class Meta:
        model = Accident
        fields = [
            "id", "code", "title", "occurred_at", "jurisdiction", "jurisdiction_name", "place", "enterprise", "enterprise_name",
            "sector", "sector_name", "supervising_department", "supervising_department_name", "accident_type",
            "accident_type_display", "deaths", "missing", "serious_injuries", "direct_loss", "level", "level_display",
            "reported_at", "reported_late", "concealed", "investigation_status", "investigation_status_display",
            "investigation_body", "case_closed_on", "evaluation_due_on", "evaluated_on", "listed", "listing_body", "listed_on",
            "source_system", "external_id", "created_at", "updated_at",
        ]
        read_only_fields = fields


class AccidentEventSerializer(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField(AccidentEventKind.choices, source="kind")
    actor_name = serializers.SerializerMethodField()
    data = serializers.JSONField(read_only=True, help_text="Details of the event (changed fields, dates, bodies, …).")

    class Meta:
        model = AccidentEvent
        fields = ["id", "kind", "kind_display", "at", "actor_name", "comment", "data"]
        read_only_fields = fields

    def get_actor_name(self, event) -> str | None:
        return display_name(event.actor)


class MeasureLevelSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=[(n, n) for n in ("deaths", "serious_injuries", "direct_loss")])
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    level = serializers.ChoiceField(choices=AccidentLevel.choices, help_text="The level this measure reaches on its own.")
    threshold = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="The threshold of that level the value reached (null: ordinary)."
    )
    next_threshold = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="Where the next level starts (null at the top)."
    )
    decides = serializers.BooleanField(help_text="This measure reaches the accident's level.")


class AccidentDetailSerializer(AccidentSerializer):
    """An accident with its summary, findings, the level explained, the reporting delay and
    the timeline."""

    listing_body_name = serializers.CharField(source="listing_body.name", read_only=True, allow_null=True, default=None)
    report_delay_minutes = serializers.SerializerMethodField(help_text="Minutes from the accident to the report (null: not reported).")
    level_explanation = serializers.SerializerMethodField()
    created_by_name = serializers.SerializerMethodField()
    events = AccidentEventSerializer(many=True, read_only=True, help_text="The timeline, oldest first.")

    class Meta(AccidentSerializer.Meta):
        fields = [
            *AccidentSerializer.Meta.fields, "summary", "evaluation_note", "listing_body_name", "report_delay_minutes",
            "level_explanation", "created_by_name", "events",
        ]
        read_only_fields = fields

    def get_report_delay_minutes(self, accident) -> int | None:
        delay = accident.report_delay
        return int(delay.total_seconds() // 60) if delay is not None else None

    @staticmethod
    def _measure(row) -> dict:
        return {
            "name": row.name, "value": row.value, "level": row.level, "threshold": row.threshold,
            "next_threshold": row.next_threshold, "decides": row.decides,
        }

    @extend_schema_field(MeasureLevelSerializer(many=True))
    def get_level_explanation(self, accident) -> list[dict]:
        rows = [self._measure(row) for row in level_explanation(accident)]
        return MeasureLevelSerializer(rows, many=True).data

    def get_created_by_name(self, accident) -> str | None:
        return display_name(accident.created_by)


# --- Writing --------------------------------------------------------------------------------


class _DepartmentField(ScopedPrimaryKeyRelatedField):
    """Supervising departments of the caller's counties and of the levels above them (a county
    accident may be the city housing bureau's)."""

    def get_queryset(self):
        from assessments.forms.accidents import _departments

        request = self.context.get("request")
        if request is None:
            return Organization.objects.none()
        return _departments(request.user)


class AccidentWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """The facts of an accident. The level, late reporting and the evaluation due date are
    derived, never written."""

    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the enterprise (in your scope); null for an accident without one (then give `jurisdiction`).",
    )
    jurisdiction = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        required=False,
        allow_null=True,
        help_text="Division code of the place (in your scope). Defaults to the enterprise's.",
    )
    sector = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Sector.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Sector code (see /api/v1/sectors/). Defaults to the enterprise's.",
    )
    supervising_department = _DepartmentField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the supervising department. Defaults to the enterprise's primary department.",
    )

    class Meta:
        model = Accident
        fields = list(DETAIL_FIELDS)
        extra_kwargs = {
            **{name: {"error_messages": {"min_value": negative_message(name)}} for name in COUNT_FIELDS if name != "direct_loss"},
            "direct_loss": {"min_value": 0, "error_messages": {"min_value": negative_message("direct_loss")}},
        }
        # Uniqueness of (source_system, external_id) is the service's to check: an upsert must reach it.
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's unsigned columns give min_value 0; the message says what is wrong.
        for name in COUNT_FIELDS:
            field = self.fields[name]
            field.error_messages["min_value"] = negative_message(name)

    def validate(self, attrs):
        if not self.partial and attrs.get("enterprise") is None and attrs.get("jurisdiction") is None:
            raise serializers.ValidationError({"jurisdiction": ["Give the enterprise or the place (jurisdiction) of the accident."]})
        return attrs

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        for name in ("jurisdiction", "sector", "supervising_department"):
            if name in data and data[name] is None and not self.partial:
                data.pop(name)
        return data


class AccidentCreateSerializer(AccidentWriteSerializer):
    class Meta(AccidentWriteSerializer.Meta):
        fields = [*AccidentWriteSerializer.Meta.fields, "source_system", "external_id"]


class AccidentUpdateSerializer(AccidentWriteSerializer):
    """Only the fields sent change. Send ``expected_updated_at`` (the ``updated_at`` you read) to
    get a 409 instead of overwriting a change made since."""

    expected_updated_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text="The `updated_at` you read. If the accident changed since, the answer is 409 and nothing changes.",
    )

    class Meta(AccidentWriteSerializer.Meta):
        fields = [*AccidentWriteSerializer.Meta.fields, "concealed", "expected_updated_at"]


class AccidentUpsertSerializer(AccidentWriteSerializer):
    """The body of an upsert: the accident's facts. ``source_system`` and ``external_id`` come
    from the address; if repeated in the body they must be equal."""

    source_system = serializers.CharField(required=False, max_length=50)
    external_id = serializers.CharField(required=False, max_length=100)

    class Meta(AccidentWriteSerializer.Meta):
        fields = [*AccidentWriteSerializer.Meta.fields, "source_system", "external_id"]
