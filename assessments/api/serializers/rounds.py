"""Serializers of the read-only assessment API: schemes with their categories and indicators,
rounds, ranked results, and one unit's scores with the explanation, inputs and the records
behind them."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.choices import Grade, IndicatorKind, PeriodKind, RoundStatus, TargetKind
from assessments.models import (
    AssessmentRound,
    AssessmentScheme,
    GradeBand,
    Indicator,
    IndicatorThreshold,
    RoundTarget,
    SchemeCategory,
    Score,
    ScoreSource,
)
from assessments.selectors import rounds as selectors
from hazards.api.serializers.base import ChoiceDisplayField, display_name

# --- Schemes --------------------------------------------------------------------------------


class ThresholdSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True, help_text="Division code.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = IndicatorThreshold
        fields = ["jurisdiction", "jurisdiction_name", "threshold"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField(IndicatorKind.choices, source="kind")
    metric_label = serializers.SerializerMethodField(help_text="What a computed, deduction or veto item is computed from.")
    rule = serializers.SerializerMethodField(help_text="The rule in words, in the request's language.")
    thresholds = ThresholdSerializer(many=True, read_only=True, help_text="Jurisdictions with their own veto threshold.")
    params = serializers.JSONField(read_only=True, help_text="Rule parameters (full_at, zero_at, levels, min_deaths, types, window, …).")

    class Meta:
        model = Indicator
        fields = [
            "id", "code", "name", "kind", "kind_display", "max_points", "metric", "metric_label", "params", "points_each",
            "cap", "threshold", "veto_effect", "thresholds", "evidence_required", "guidance", "position", "rule",
        ]
        read_only_fields = fields

    def get_metric_label(self, indicator: Indicator) -> str:
        return selectors.metric_label(indicator.metric)

    def get_rule(self, indicator: Indicator) -> str:
        code_names = self.context.get("threshold_code_names", {})
        return selectors.rule_in_words(indicator, list(indicator.thresholds.all()), code_names)


class CategorySerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = SchemeCategory
        fields = ["id", "name", "max_points", "position", "indicators"]
        read_only_fields = fields


class GradeBandSerializer(serializers.ModelSerializer):
    grade_display = ChoiceDisplayField(Grade.choices, source="grade")

    class Meta:
        model = GradeBand
        fields = ["grade", "grade_display", "min_total"]
        read_only_fields = fields


class SchemeSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(
        source="jurisdiction.code", read_only=True, allow_null=True, default=None,
        help_text="Division code of the level keeping the scheme; null for the platform's defaults.",
    )
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True, allow_null=True, default=None)
    target_kind_display = ChoiceDisplayField(TargetKind.choices, source="target_kind")
    period_kind_display = ChoiceDisplayField(PeriodKind.choices, source="period_kind")
    is_frozen = serializers.BooleanField(read_only=True, help_text="Used by a round: this version no longer changes.")

    class Meta:
        model = AssessmentScheme
        fields = [
            "id", "name", "jurisdiction", "jurisdiction_name", "target_kind", "target_kind_display", "period_kind",
            "period_kind_display", "version", "supersedes", "total_points", "is_active", "is_frozen", "frozen_at",
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class SchemeDetailSerializer(SchemeSerializer):
    categories = CategorySerializer(many=True, read_only=True)
    grade_bands = GradeBandSerializer(many=True, read_only=True)

    class Meta(SchemeSerializer.Meta):
        fields = [*SchemeSerializer.Meta.fields, "basis", "categories", "grade_bands"]
        read_only_fields = fields


# --- Rounds ---------------------------------------------------------------------------------


class RoundSerializer(serializers.ModelSerializer):
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    scheme_version = serializers.IntegerField(source="scheme.version", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True, help_text="Division code of the assessing level.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    period_label = serializers.CharField(read_only=True)
    status_display = ChoiceDisplayField(RoundStatus.choices, source="status")
    target_levels = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Levels of the governments assessed.")
    transmitted_to_name = serializers.CharField(source="transmitted_to.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AssessmentRound
        fields = [
            "id", "scheme", "scheme_name", "scheme_version", "jurisdiction", "jurisdiction_name", "period_kind", "year",
            "quarter", "period_label", "starts_on", "ends_on", "target_levels", "status", "status_display",
            "self_evaluation_until", "computed_at", "finalized_at", "published_at", "transmitted_to", "transmitted_to_name",
            "transmitted_on", "transmission_reference", "reopen_count", "created_at", "updated_at",
        ]
        read_only_fields = fields


class RoundDetailSerializer(RoundSerializer):
    target_count = serializers.IntegerField(read_only=True, help_text="Assessed units you may see.")
    computed_count = serializers.IntegerField(read_only=True, help_text="Of them, with a computed result.")
    manual_count = serializers.IntegerField(read_only=True, help_text="Manual items of those units.")
    manual_scored = serializers.IntegerField(read_only=True, help_text="Of them, scored.")

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "target_count", "computed_count", "manual_count", "manual_scored"]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    """An assessed unit's result in a round."""

    round = serializers.IntegerField(source="round_id", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    jurisdiction = serializers.CharField(source="organization.jurisdiction.code", read_only=True, help_text="Division code of the unit.")
    grade_display = ChoiceDisplayField(Grade.choices, source="grade")
    total_change = serializers.SerializerMethodField(help_text="Total minus last period's total (null without a last period).")
    rank_group = serializers.SerializerMethodField(
        help_text=(
            "The group the unit is ranked in: city, county (counties and development zones, ranked together), "
            "township or department."
        )
    )

    class Meta:
        model = RoundTarget
        fields = [
            "id", "round", "organization", "organization_name", "jurisdiction", "rank_group", "rank", "score_total",
            "deductions", "bonus",
            "total", "grade", "grade_display", "grade_before_veto", "excellence_removed", "unqualified_by_veto",
            "previous_total", "previous_rank", "total_change", "self_evaluated_at",
        ]
        read_only_fields = fields

    def get_rank_group(self, target: RoundTarget) -> str:
        return selectors.rank_group(target)

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_total_change(self, target: RoundTarget) -> str | None:
        if target.total is None or target.previous_total is None:
            return None
        return f"{target.total - target.previous_total:.2f}"


class ScoreSourceSerializer(serializers.ModelSerializer):
    model = serializers.SerializerMethodField(help_text="app_label.model of the record (assessments.accident, hazards.hazard, …).")

    class Meta:
        model = ScoreSource
        fields = ["model", "object_id", "label", "note"]
        read_only_fields = fields

    def get_model(self, source: ScoreSource) -> str:
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_id(source.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


class ScoreSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    category = serializers.CharField(source="indicator.category.name", read_only=True)
    kind = serializers.ChoiceField(source="indicator.kind", choices=IndicatorKind.choices, read_only=True)
    max_points = serializers.DecimalField(source="indicator.max_points", max_digits=6, decimal_places=2, read_only=True)
    inputs = serializers.JSONField(read_only=True, help_text="What the computation used: numerator, denominator, rate, count, threshold, records, list_url …")
    has_evidence_file = serializers.SerializerMethodField()
    scored_by = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="lock_version", read_only=True, help_text="Changes whenever the score is entered again.")
    sources = ScoreSourceSerializer(many=True, read_only=True, help_text="The records behind the score (the first ones; see inputs.records).")

    class Meta:
        model = Score
        fields = [
            "id", "indicator", "indicator_code", "indicator_name", "category", "kind", "max_points", "points",
            "self_points", "veto_triggered", "explanation", "inputs", "evidence", "has_evidence_file", "self_evidence",
            "scored_by", "scored_at", "version", "sources",
        ]
        read_only_fields = fields

    def get_has_evidence_file(self, score: Score) -> bool:
        return bool(score.evidence_file)

    def get_scored_by(self, score: Score) -> str | None:
        return display_name(score.scored_by)


class TargetDetailSerializer(ResultSerializer):
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta(ResultSerializer.Meta):
        fields = [*ResultSerializer.Meta.fields, "self_evaluation_note", "scores"]
        read_only_fields = fields
