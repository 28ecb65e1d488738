"""Models of the responsibility system, one module per concept."""

from responsibility.models.backbone import (  # noqa: F401
    DivisionImport,
    Jurisdiction,
    Official,
    Organization,
    Post,
    ScopeAssignment,
)
from responsibility.models.committee import CommitteeMembership  # noqa: F401
from responsibility.models.duties import (  # noqa: F401
    DutyTemplate,
    ResponsibilityItem,
    WorkItem,
    WorkItemCheck,
    WorkList,
)
from responsibility.models.enterprises import (  # noqa: F401
    Enterprise,
    EnterpriseSupervision,
    Sector,
    SectorResponsibility,
)
from responsibility.models.grids import Grid, GridSupervisor  # noqa: F401
from responsibility.models.meetings import Meeting, Obligation  # noqa: F401
from responsibility.models.power_lists import (  # noqa: F401
    PowerListItem,
    PowerListReview,
    PowerListVersion,
    PublicationDeadline,
)
from responsibility.models.supervision import (  # noqa: F401
    SupervisionMatter,
    SupervisionNotice,
    SupervisionProgress,
)
