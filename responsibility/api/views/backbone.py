from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from core.api.viewsets import ScopedCreateReadUpdateViewSet, ScopedViewSetMixin
from responsibility import services
from responsibility.api.serializers.backbone import (
    JurisdictionSerializer,
    OfficialSerializer,
    OrganizationSerializer,
    PostSerializer,
)
from responsibility.filters import (
    JurisdictionFilterSet,
    OfficialFilterSet,
    OrganizationFilterSet,
    PostFilterSet,
)
from responsibility.models import Jurisdiction, Official, Organization, Post


@extend_schema_view(
    list=extend_schema(summary="List jurisdictions in scope"),
    retrieve=extend_schema(summary="A jurisdiction"),
    partial_update=extend_schema(summary="Rename or deactivate a jurisdiction"),
    update=extend_schema(summary="Rename or deactivate a jurisdiction"),
)
class JurisdictionViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Jurisdictions (province → village). Structure changes come from division imports."""

    queryset = Jurisdiction.objects.select_related("parent")
    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilterSet
    ordering_fields = ["path", "code", "name", "updated_at"]
    ordering = ["path"]
    search_fields = ["name", "code"]

    @staticmethod
    def update_service(*, instance, actor, **fields):
        return services.jurisdiction_update(instance=instance, actor=actor, name=fields.get("name"), is_active=fields.get("is_active"))


class OrganizationViewSet(ScopedCreateReadUpdateViewSet):
    queryset = Organization.objects.select_related("jurisdiction")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    ordering_fields = ["name", "sort_order", "updated_at", "id"]
    ordering = ["jurisdiction__path", "sort_order", "name"]
    search_fields = ["name", "short_name"]
    create_service = staticmethod(services.organization_create)
    update_service = staticmethod(services.organization_update)


class OfficialViewSet(ScopedCreateReadUpdateViewSet):
    queryset = Official.objects.select_related("registered_in")
    serializer_class = OfficialSerializer
    filterset_class = OfficialFilterSet
    ordering_fields = ["name", "updated_at", "id"]
    ordering = ["name", "id"]
    search_fields = ["name"]
    create_service = staticmethod(services.official_create)
    update_service = staticmethod(services.official_update)

    def get_queryset(self):
        current_posts = Post.objects.current().restrict(self.request.user, "view").select_related("organization")
        return super().get_queryset().prefetch_related(Prefetch("posts", queryset=current_posts, to_attr="current_post_list"))


class PostViewSet(ScopedCreateReadUpdateViewSet):
    queryset = Post.objects.select_related("official", "organization__jurisdiction")
    serializer_class = PostSerializer
    filterset_class = PostFilterSet
    ordering_fields = ["start_date", "end_date", "updated_at", "id"]
    ordering = ["-start_date", "id"]
    create_service = staticmethod(services.post_create)
    update_service = staticmethod(services.post_update)


def register(router) -> None:
    router.register("jurisdictions", JurisdictionViewSet)
    router.register("organizations", OrganizationViewSet)
    router.register("officials", OfficialViewSet)
    router.register("posts", PostViewSet)
