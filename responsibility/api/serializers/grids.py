"""API serializers: grid cells, grid supervisors and the coverage summary."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from responsibility.choices import GridLevel
from responsibility.models import Grid, GridSupervisor, Jurisdiction, Sector
from responsibility.selectors import coverage


class NamedSupervisorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    post = serializers.IntegerField(source="post_id", read_only=True)
    official = serializers.IntegerField(source="post.official_id", read_only=True)
    official_name = serializers.CharField(source="post.official.name", read_only=True)
    role = serializers.CharField(source="post.role", read_only=True)
    title = serializers.CharField(source="post.title", read_only=True)
    organization_name = serializers.CharField(source="post.organization.name", read_only=True)


class GridSerializer(serializers.ModelSerializer):
    jurisdiction = ScopedSlugRelatedField(
        slug_field="code", queryset=Jurisdiction.objects.all(), help_text="Division code of the cell's city, county, township or village."
    )
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    level = serializers.ChoiceField(
        choices=GridLevel.choices, required=False, help_text="Follows from the jurisdiction; when given it must match."
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent = ScopedPrimaryKeyRelatedField(
        queryset=Grid.objects.all(),
        required=False,
        allow_null=True,
        help_text="The cell one level up; omitted on creation: the single active cell one level up, if there is one.",
    )
    sectors = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Sector.objects.all(), required=False, help_text="Sector codes; empty: all sectors."
    )
    named_supervisor = serializers.SerializerMethodField()
    enterprise_count = serializers.IntegerField(read_only=True, help_text="Enterprises directly in this cell.")

    class Meta:
        model = Grid
        fields = [
            "id", "jurisdiction", "jurisdiction_name", "level", "level_display", "name", "parent", "sectors",
            "is_active", "named_supervisor", "enterprise_count", "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        # Uniqueness is checked by the service, in its transaction.
        validators: list = []

    @extend_schema_field(NamedSupervisorSerializer(allow_null=True))
    def get_named_supervisor(self, obj: Grid) -> dict | None:
        named = obj.named_supervisor
        return NamedSupervisorSerializer(named).data if named else None


class GridSupervisorSerializer(serializers.ModelSerializer):
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    jurisdiction_code = serializers.CharField(source="grid.jurisdiction.code", read_only=True)
    official = serializers.IntegerField(source="post.official_id", read_only=True)
    official_name = serializers.CharField(source="post.official.name", read_only=True)
    role = serializers.CharField(source="post.role", read_only=True)
    role_display = serializers.CharField(source="post.get_role_display", read_only=True)
    title = serializers.CharField(source="post.title", read_only=True)
    organization = serializers.IntegerField(source="post.organization_id", read_only=True)
    organization_name = serializers.CharField(source="post.organization.name", read_only=True)
    post_is_current = serializers.BooleanField(read_only=True, help_text="The post is held today.")

    class Meta:
        model = GridSupervisor
        fields = [
            "id", "grid", "grid_name", "jurisdiction_code", "post", "official", "official_name", "role", "role_display",
            "title", "organization", "organization_name", "is_primary", "post_is_current", "updated_at",
        ]
        read_only_fields = fields


class AssignEnterprisesSerializer(serializers.Serializer):
    jurisdiction = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        help_text="Division code of the place whose enterprises join the cell (the cell's own or one below it).",
    )
    include_assigned = serializers.BooleanField(default=False, help_text="Also move enterprises already in another cell.")


class AssignEnterprisesResultSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="Enterprises moved into the cell.")


# --- Coverage ---------------------------------------------------------------------------------


def _gap_fields(help_prefix: str = "") -> dict:
    return {
        key: serializers.IntegerField(required=False, help_text=f"{help_prefix}{coverage.TITLES[key]}")
        for key in coverage.ALL_KEYS
    }


CoverageGapsSerializer = type(
    "CoverageGapsSerializer",
    (serializers.Serializer,),
    {**_gap_fields(), "__doc__": "Counts per gap; a gap the caller's role cannot see is left out."},
)

CoverageCountySerializer = type(
    "CoverageCountySerializer",
    (serializers.Serializer,),
    {
        "path": serializers.CharField(help_text="Materialized path (division code prefix) of the county-level unit."),
        "name": serializers.CharField(),
        "enterprises": serializers.IntegerField(help_text="Enterprises (not closed) in the caller's scope."),
        **_gap_fields(),
    },
)


class CoverageSummarySerializer(serializers.Serializer):
    enterprises = serializers.IntegerField(help_text="Enterprises (not closed) in the caller's scope.")
    gaps = CoverageGapsSerializer()
    counties = CoverageCountySerializer(many=True)
