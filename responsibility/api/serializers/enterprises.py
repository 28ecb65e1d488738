from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from responsibility.choices import DEPARTMENT_KINDS, JurisdictionLevel
from responsibility.models import (
    Enterprise,
    EnterpriseSupervision,
    Jurisdiction,
    Organization,
    Sector,
    SectorResponsibility,
)
from responsibility.services.enterprises import normalise_credit_code
from responsibility.validators import credit_code_error


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "code", "name", "sort_order", "is_active"]
        read_only_fields = fields


class _DepartmentField(ScopedPrimaryKeyRelatedField):
    # The value comes from a model property (prefetched supervisions), not a foreign key, so
    # DRF's "pk only" shortcut does not apply.
    def use_pk_only_optimization(self) -> bool:
        return False


def _departments():
    return Organization.objects.filter(kind__in=DEPARTMENT_KINDS)


class EnterpriseSupervisionSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = EnterpriseSupervision
        fields = ["organization", "organization_name", "is_primary"]
        read_only_fields = fields


class CreditCodeField(serializers.CharField):
    """Upper-cased and checked against GB 32100 (length, alphabet, check character)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)  # the check below gives the precise message
        kwargs.setdefault("help_text", "Unified social credit code (18 characters, GB 32100 check character).")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = normalise_credit_code(super().to_internal_value(data))
        error = credit_code_error(code)
        if error:
            raise serializers.ValidationError(error, code="invalid_credit_code")
        return code


class EnterpriseSerializer(serializers.ModelSerializer):
    credit_code = CreditCodeField()
    jurisdiction = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Jurisdiction.objects.filter(level__in=[JurisdictionLevel.TOWNSHIP, JurisdictionLevel.VILLAGE]),
        help_text="Division code of the township or village (in your scope).",
    )
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.filter(is_active=True), help_text="Sector code (see /api/v1/sectors/).")
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    primary_department = _DepartmentField(
        queryset=_departments(),
        required=False,
        allow_null=True,
        help_text="Id of the primary supervising department, a department of the enterprise's county or city. Left out: unchanged.",
    )
    other_departments = _DepartmentField(
        queryset=_departments(),
        many=True,
        required=False,
        help_text="Ids of other supervising departments (overlap is allowed). Left out: unchanged.",
    )
    supervisions = EnterpriseSupervisionSerializer(many=True, read_only=True)
    grid = serializers.PrimaryKeyRelatedField(read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Enterprise
        fields = [
            "id", "credit_code", "name", "address", "jurisdiction", "jurisdiction_name", "sector", "sector_name",
            "scale", "risk_class", "status", "legal_representative", "safety_contact", "contact_phone", "employees",
            "accident_count", "last_accident_on", "is_weak", "latitude", "longitude", "primary_department",
            "other_departments", "supervisions", "grid", "grid_name", "source_system", "external_id", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness (credit code, external id) is the service's to check: an upsert must reach it.
        validators: list = []


class SectorResponsibilitySerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True, help_text="Division code of the jurisdiction.")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = SectorResponsibility
        fields = [
            "id", "jurisdiction", "jurisdiction_name", "sector", "sector_name", "organization", "organization_name",
            "is_lead", "basis", "updated_at",
        ]
        read_only_fields = fields

