"""API: duty templates and responsibility-list items (read), key-work lists (read), their
items (read; PATCH the status) and checks (read; POST a check)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from core.api.viewsets import ScopedReadOnlyModelViewSet, ScopedViewSetMixin
from responsibility.api.serializers.duties import (
    DutyTemplateSerializer,
    ResponsibilityItemSerializer,
    WorkItemCheckSerializer,
    WorkItemSerializer,
    WorkListSerializer,
)
from responsibility.choices import WorkItemStatus
from responsibility.filters.duties import (
    DutyTemplateFilterSet,
    ResponsibilityItemFilterSet,
    WorkItemCheckFilterSet,
    WorkItemFilterSet,
    WorkListFilterSet,
)
from responsibility.models import DutyTemplate, ResponsibilityItem, WorkItem, WorkItemCheck, WorkList
from responsibility.services import duties as services


@extend_schema_view(
    list=extend_schema(summary="List duty templates (statutory and local supplements in scope)"),
    retrieve=extend_schema(summary="A duty template"),
)
class DutyTemplateViewSet(ScopedReadOnlyModelViewSet):
    """The duties of each role under the 2018 Regulation, and local supplements."""

    queryset = DutyTemplate.objects.select_related("jurisdiction")
    serializer_class = DutyTemplateSerializer
    filterset_class = DutyTemplateFilterSet
    ordering_fields = ["role", "sequence", "updated_at", "id"]
    ordering = ["role", "sequence", "id"]


@extend_schema_view(
    list=extend_schema(summary="List responsibility-list items (filter by official or post)"),
    retrieve=extend_schema(summary="A responsibility-list item"),
)
class ResponsibilityItemViewSet(ScopedReadOnlyModelViewSet):
    """Items of officials' responsibility lists (责任清单), one list per post."""

    queryset = ResponsibilityItem.objects.select_related("official", "post__organization__jurisdiction")
    serializer_class = ResponsibilityItemSerializer
    filterset_class = ResponsibilityItemFilterSet
    ordering_fields = ["sequence", "updated_at", "id"]
    ordering = ["post_id", "sequence", "id"]


def _overdue_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}due_date__lt": timezone.localdate()}) & ~Q(**{f"{prefix}status": WorkItemStatus.DONE})


@extend_schema_view(
    list=extend_schema(summary="List annual key-work responsibility lists"),
    retrieve=extend_schema(summary="A key-work list"),
)
class WorkListViewSet(ScopedReadOnlyModelViewSet):
    queryset = WorkList.objects.select_related("jurisdiction", "organizer")
    serializer_class = WorkListSerializer
    filterset_class = WorkListFilterSet
    ordering_fields = ["year", "updated_at", "id"]
    ordering = ["-year", "id"]

    def get_queryset(self):
        # Annotated per request: "overdue" depends on today's date.
        return (
            super()
            .get_queryset()
            .annotate(
                item_count=Count("items"),
                done_count=Count("items", filter=Q(items__status=WorkItemStatus.DONE)),
                overdue_count=Count("items", filter=_overdue_q("items__")),
            )
        )


def _set_status(*, instance, actor, **fields):
    if "status" not in fields:
        raise ValidationError({"status": _("This field is required.")})
    return services.work_item_set_status(
        actor=actor, instance=instance, status=fields["status"], completed_on=fields.get("completed_on")
    )


@extend_schema_view(
    list=extend_schema(summary="List key-work items (filter overdue=true for the overdue ones)"),
    retrieve=extend_schema(summary="A key-work item"),
    partial_update=extend_schema(summary="Change an item's status (the responsible leader or the safety office)"),
)
class WorkItemViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    queryset = WorkItem.objects.select_related("owner", "work_list__jurisdiction")
    serializer_class = WorkItemSerializer
    filterset_class = WorkItemFilterSet
    ordering_fields = ["due_date", "sequence", "updated_at", "id"]
    ordering = ["work_list_id", "sequence", "id"]
    http_method_names = ["get", "patch", "head", "options"]
    update_service = staticmethod(_set_status)

    def get_queryset(self):
        return super().get_queryset().annotate(check_count=Count("checks"), last_check_date=Max("checks__check_date"))

    def perform_update(self, serializer):
        super().perform_update(serializer)
        # Answer with the same annotated representation as a GET.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


@extend_schema_view(
    list=extend_schema(summary="List checks of key-work items"),
    retrieve=extend_schema(summary="A check"),
    create=extend_schema(summary="Record a check (multipart/form-data for an evidence file)"),
)
class WorkItemCheckViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = WorkItemCheck.objects.select_related("checker", "item")
    serializer_class = WorkItemCheckSerializer
    filterset_class = WorkItemCheckFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["check_date", "id"]
    ordering = ["-check_date", "-id"]
    create_service = staticmethod(services.work_item_check_record)


def register(router) -> None:
    router.register("duty-templates", DutyTemplateViewSet)
    router.register("responsibility-items", ResponsibilityItemViewSet)
    router.register("work-lists", WorkListViewSet)
    router.register("work-items", WorkItemViewSet)
    router.register("work-item-checks", WorkItemCheckViewSet)
