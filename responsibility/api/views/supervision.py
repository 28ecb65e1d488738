"""API: the supervision list, its monthly progress and the monthly notices (read-only)."""

from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action

from core.api.viewsets import ScopedReadOnlyModelViewSet
from responsibility.api.serializers.supervision import (
    SupervisionMatterSerializer,
    SupervisionNoticeSerializer,
    SupervisionProgressSerializer,
)
from responsibility.filters.supervision import (
    SupervisionMatterFilterSet,
    SupervisionNoticeFilterSet,
    SupervisionProgressFilterSet,
)
from responsibility.models import SupervisionMatter, SupervisionNotice, SupervisionProgress
from responsibility.selectors.supervision import last_progress_month

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class SupervisionMatterViewSet(ScopedReadOnlyModelViewSet):
    """Key matters tracked by the Party committee and the government (督办清单)."""

    queryset = (
        SupervisionMatter.objects.select_related("jurisdiction", "owner", "lead_unit")
        .prefetch_related("cooperating_units")
        .annotate(last_month=last_progress_month())
    )
    serializer_class = SupervisionMatterSerializer
    filterset_class = SupervisionMatterFilterSet
    ordering_fields = ["year", "number", "deadline", "updated_at", "id"]
    ordering = ["-year", "number", "id"]


class SupervisionProgressViewSet(ScopedReadOnlyModelViewSet):
    """Monthly progress entries of the supervised matters (one per matter and month)."""

    queryset = SupervisionProgress.objects.select_related("reported_by")
    serializer_class = SupervisionProgressSerializer
    filterset_class = SupervisionProgressFilterSet
    ordering_fields = ["month", "updated_at", "id"]
    ordering = ["matter_id", "-month"]


class SupervisionNoticeViewSet(ScopedReadOnlyModelViewSet):
    """Numbered monthly supervision notices; ``docx`` gives the official document."""

    queryset = SupervisionNotice.objects.select_related("jurisdiction").prefetch_related("matters")
    serializer_class = SupervisionNoticeSerializer
    filterset_class = SupervisionNoticeFilterSet
    ordering_fields = ["year", "number", "issued_on", "updated_at", "id"]
    ordering = ["-year", "-number", "id"]

    @extend_schema(summary="The notice as a Word document", responses={(200, DOCX): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        from responsibility.supervision_docx import notice_docx, notice_filename

        notice = self.get_object()
        response = HttpResponse(notice_docx(notice), content_type=DOCX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(notice_filename(notice))}"
        return response


def register(router) -> None:
    router.register("supervision-matters", SupervisionMatterViewSet)
    router.register("supervision-progress", SupervisionProgressViewSet)
    router.register("supervision-notices", SupervisionNoticeViewSet)
