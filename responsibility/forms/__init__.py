"""Forms of the responsibility system, one module per feature."""

from responsibility.forms.backbone import (  # noqa: F401
    DivisionImportForm,
    JurisdictionForm,
    OfficialForm,
    OrganizationForm,
    PostForm,
    ScopedFormMixin,
)
