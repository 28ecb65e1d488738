"""Writes of the responsibility system, one module per feature. The backbone's services are
re-exported here because they are the ones other apps call most."""

from responsibility.services.backbone import (  # noqa: F401
    jurisdiction_update,
    official_create,
    official_update,
    organization_create,
    organization_update,
    post_create,
    post_end,
    post_update,
    require_in_scope,
    require_permission,
)
