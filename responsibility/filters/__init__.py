"""django-filter FilterSets of the responsibility system, one module per feature."""

from responsibility.filters.backbone import (  # noqa: F401
    JurisdictionFilterSet,
    OfficialFilterSet,
    OrganizationFilterSet,
    PostFilterSet,
    user_scope_label,
)
