"""API: safety-committee and task-group membership (read)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.viewsets import ScopedReadOnlyModelViewSet
from responsibility.api.serializers.committee import CommitteeMembershipSerializer
from responsibility.filters.committee import CommitteeMembershipFilterSet
from responsibility.models import CommitteeMembership


@extend_schema_view(
    list=extend_schema(summary="List safety-committee and task-group memberships in scope"),
    retrieve=extend_schema(summary="A committee membership"),
)
class CommitteeMembershipViewSet(ScopedReadOnlyModelViewSet):
    """Seats on safety committees and their special task groups; each seats a post."""

    queryset = CommitteeMembership.objects.select_related(
        "body__jurisdiction", "post__official", "post__organization"
    )
    serializer_class = CommitteeMembershipSerializer
    filterset_class = CommitteeMembershipFilterSet
    ordering_fields = ["sequence", "updated_at", "id"]
    ordering = ["body_id", "sequence", "id"]


def register(router) -> None:
    router.register("committee-memberships", CommitteeMembershipViewSet)
