"""API: inspection records (lists for mirroring, drafts saved idempotently by ``client_uuid``,
answers, findings and photos, submission, findings put on the hazard ledger, and the upsert by
``(source_system, external_id)``), checklists with their items, and inspection quotas. Every
write calls a service."""

from __future__ import annotations

from django.db import IntegrityError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.pagination import StandardPagination
from core.api.viewsets import ScopedViewSetMixin
from core.files import attachment_response
from hazards.api.pagination import KeysetCursorPagination
from hazards.api.schema import NOT_AN_IMAGE, _example, errors
from inspections.api.filters import ChecklistApiFilterSet, InspectionApiFilterSet
from inspections.api.serializers import (
    AnswersRequestSerializer,
    CampaignCoverageSerializer,
    CampaignSerializer,
    ChecklistSerializer,
    ChecklistVersionSerializer,
    FindingHazardSerializer,
    FindingRequestSerializer,
    FindingSerializer,
    FindingToHazardRequestSerializer,
    InspectionCreateSerializer,
    InspectionDetailSerializer,
    InspectionPhotoSerializer,
    InspectionPhotoUploadSerializer,
    InspectionSerializer,
    InspectionUpsertSerializer,
    InspectionWriteSerializer,
    QuotaPageSerializer,
    QuotaRowSerializer,
    UncoveredEnterpriseSerializer,
)
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Inspection,
    InspectionAmendment,
    InspectionAnswer,
    InspectionFinding,
    InspectionParticipant,
    InspectionPhoto,
    InspectionTarget,
)
from inspections.selectors import campaigns
from inspections.services import records as services
from inspections.services import sync
from inspections.services.records import AnswerInput, TargetInput
from responsibility.choices import ObligationActivity, ObligationSubject
from responsibility.models import Jurisdiction, Official, Post
from responsibility.selectors import compliance

MISSING_ANSWERS = _example(
    "Missing answers",
    400,
    "invalid",
    "The request contains invalid data.",
    {"answers": ["2 required checklist item(s) have no answer, e.g. “安全出口畅通” at 晋江某鞋业有限公司."]},
)
ALREADY_SUBMITTED = _example("Already submitted", 409, "conflict", "This inspection has already been submitted.")
SUBMITTED_DRAFT = _example(
    "Submitted", 409, "conflict", "This inspection has been submitted; correct it through an amendment."
)
ALREADY_ON_LEDGER = _example("Already on the ledger", 409, "conflict", "This finding is already on the hazard ledger.")

INSPECTION_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the inspection.")
UPSERT_RESULT = OpenApiParameter(
    "Upsert-Result",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=list(sync.OUTCOMES),
    response=[200, 201],
    description="created (201), updated or unchanged (200): what the request did.",
)
#: The columns a list row reads (whole enterprise or official rows cost more than the query).
LIST_ONLY = (
    "id", "code", "client_uuid", "status", "kind", "methods", "jurisdiction", "started_at", "ended_at", "place",
    "lead_official", "campaign", "draw", "supervision_round", "submitted_at", "amendment_count", "source_system",
    "external_id", "created_at", "updated_at", "jurisdiction__code", "jurisdiction__name", "lead_official__name",
)


def _list_targets() -> Prefetch:
    return Prefetch(
        "targets",
        queryset=InspectionTarget.objects.select_related("enterprise").only("id", "inspection_id", "enterprise_id", "enterprise__name"),
    )


def detail_queryset(queryset):
    """An inspection with everything its detail shows, in a fixed number of queries."""
    return queryset.select_related("jurisdiction", "lead_official").prefetch_related(
        Prefetch("participations", queryset=InspectionParticipant.objects.select_related("official").order_by("pk")),
        Prefetch(
            "targets",
            queryset=InspectionTarget.objects.select_related("enterprise", "checklist__template").prefetch_related(
                Prefetch("answers", queryset=InspectionAnswer.objects.select_related("item"))
            ),
        ),
        Prefetch(
            "findings",
            queryset=InspectionFinding.objects.select_related("target", "hazard").prefetch_related(
                Prefetch("photos", queryset=InspectionPhoto.objects.only("id", "finding_id"))
            ),
        ),
        Prefetch("photos", queryset=InspectionPhoto.objects.select_related("uploaded_by")),
        Prefetch("amendments", queryset=InspectionAmendment.objects.select_related("amended_by")),
    )


def _targets(rows) -> list[TargetInput]:
    return [TargetInput(enterprise=row["enterprise"], checklist=row.get("checklist"), note=row.get("note", "")) for row in rows]


def _answers(rows) -> list[AnswerInput]:
    return [AnswerInput(row["enterprise"], row["item"], row["result"], row.get("note", "")) for row in rows]


def _participants(rows) -> list[tuple[Official, str]]:
    return [(row["official"], row["role"]) for row in rows]


def service_values(data: dict) -> dict:
    """Validated request fields → the keyword arguments of ``inspection_save_draft``."""
    values = {name: data[name] for name in services.RECORD_FIELDS if name in data}
    if "participants" in data:
        values["participants"] = _participants(data["participants"])
    if "targets" in data:
        values["targets"] = _targets(data["targets"])
    if "answers" in data:
        values["answers"] = _answers(data["answers"])
    return values


@extend_schema_view(
    list=extend_schema(
        summary="List inspections in scope",
        description=(
            "Keyset-paginated: follow `next` until it is null. For mirroring, filter with `updated_since` and order by "
            "`updated_at`; every page costs the same however deep it is."
        ),
        responses={200: InspectionSerializer(many=True), **errors(400)},
    ),
    retrieve=extend_schema(
        summary="An inspection with its participants, enterprises and answers, findings, photos and amendments",
        responses={200: InspectionDetailSerializer, **errors(404)},
    ),
)
class InspectionViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Inspection records (检查记录). A draft is saved as often as the client likes; submitting
    locks it."""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    filterset_class = InspectionApiFilterSet
    pagination_class = KeysetCursorPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # Each has an index with the id and is never null (keyset cursors need both).
    ordering_fields = ["started_at", "updated_at", "id"]
    ordering = ["-started_at", "-id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.select_related("jurisdiction", "lead_official").only(*LIST_ONLY).prefetch_related(_list_targets())
        if self.action == "retrieve":
            return detail_queryset(queryset)
        return queryset  # actions answer with detail_response or their own rows

    def get_serializer_class(self):
        return InspectionDetailSerializer if self.action == "retrieve" else InspectionSerializer

    def detail_response(self, inspection: Inspection, status_code: int = status.HTTP_200_OK, headers=None) -> Response:
        """The inspection as it now is, read back through the caller's scope."""
        fresh = detail_queryset(Inspection.objects.restrict(self.request.user, "view")).filter(pk=inspection.pk).first()
        if fresh is None:
            fresh = detail_queryset(Inspection.objects.all()).get(pk=inspection.pk)
        data = InspectionDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=headers)

    def validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    # --- Drafts -----------------------------------------------------------------------------

    @extend_schema(
        summary="Create a draft (idempotent by client_uuid)",
        description=(
            "Saves a new draft: the record, its participants, the enterprises with their checklist versions and any "
            "answers. The client chooses `client_uuid`; a retry with the same value (after a lost answer) returns the "
            "draft already saved, unchanged, with 200 instead of 201. Completeness is checked on submit, not here."
        ),
        request=InspectionCreateSerializer,
        responses={
            201: OpenApiResponse(InspectionDetailSerializer, description="Created."),
            200: OpenApiResponse(InspectionDetailSerializer, description="A draft with this client_uuid exists already: returned as it is."),
            **errors(400, 403),
        },
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(InspectionCreateSerializer)
        client_uuid = data.pop("client_uuid")
        existing = Inspection.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            if not Inspection.objects.restrict(request.user, "view").filter(pk=existing.pk).exists():
                raise serializers.ValidationError({"client_uuid": [_("This client id is already used; choose a new one.")]})
            return self.detail_response(existing)
        try:
            inspection = services.inspection_save_draft(actor=request.user, client_uuid=client_uuid, **service_values(data))
        except IntegrityError:
            # The same draft's first save, sent twice at once: the other request created it.
            existing = Inspection.objects.restrict(request.user, "view").filter(client_uuid=client_uuid).first()
            if existing is None:
                raise
            return self.detail_response(existing)
        return self.detail_response(inspection, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Save changes to a draft",
        description=(
            "Only the fields sent change. `participants` and `targets` replace the lists; `answers` are added or "
            "changed one by one. A submitted inspection is locked (409): corrections are amendments."
        ),
        request=InspectionWriteSerializer,
        responses={200: InspectionDetailSerializer, **errors(400, 403, 404, 409, examples={409: [SUBMITTED_DRAFT]})},
    )
    def partial_update(self, request, *args, **kwargs):
        inspection = self.get_object()
        data = self.validated(InspectionWriteSerializer, partial=True)
        values = service_values(data)
        if "participants" in values:
            # The draft service rewrites the participants (an emptied list included) with the lead.
            values.setdefault("lead_official", inspection.lead_official)
        inspection = services.inspection_save_draft(actor=request.user, client_uuid=inspection.client_uuid, **values)
        return self.detail_response(inspection)

    @extend_schema(
        summary="Record checklist answers",
        description="Adds or changes answers (one per enterprise and item). The items must be on the checklist version used there.",
        request=AnswersRequestSerializer,
        responses={200: InspectionDetailSerializer, **errors(400, 403, 404, 409, examples={409: [SUBMITTED_DRAFT]})},
    )
    @action(detail=True, methods=["post"], url_path="answers")
    def answers(self, request, pk=None):
        inspection = self.get_object()
        data = self.validated(AnswersRequestSerializer)
        inspection = services.inspection_save_draft(
            actor=request.user, client_uuid=inspection.client_uuid, answers=_answers(data["answers"])
        )
        return self.detail_response(inspection)

    @extend_schema(
        summary="Submit the inspection",
        description=(
            "Locks the record. Refused with field errors (400) while a required checklist item has no answer, no "
            "enterprise or place is named, or the time is in the future; 409 when it was submitted already."
        ),
        request=None,
        responses={
            200: InspectionDetailSerializer,
            **errors(400, 403, 404, 409, examples={400: [MISSING_ANSWERS], 409: [ALREADY_SUBMITTED]}),
        },
    )
    @action(detail=True, methods=["post"], url_path="submit")
    def submit(self, request, pk=None):
        inspection = services.inspection_submit(actor=request.user, inspection=self.get_object())
        return self.detail_response(inspection)

    # --- Findings ---------------------------------------------------------------------------

    def _findings(self, inspection: Inspection):
        return InspectionFinding.objects.filter(inspection=inspection).select_related("target", "hazard").prefetch_related(
            Prefetch("photos", queryset=InspectionPhoto.objects.only("id", "finding_id"))
        )

    @extend_schema(methods=["GET"], summary="Findings of an inspection", responses={200: FindingSerializer(many=True), **errors(404)})
    @extend_schema(
        methods=["POST"],
        summary="Record a finding",
        description="A failed checklist item (`enterprise` and `item`) or a free finding (`description`, optionally `enterprise`).",
        request=FindingRequestSerializer,
        responses={201: FindingSerializer, **errors(400, 403, 404, 409, examples={409: [SUBMITTED_DRAFT]})},
    )
    @action(detail=True, methods=["get", "post"], url_path="findings", pagination_class=None, filter_backends=[])
    def findings(self, request, pk=None):
        inspection = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(FindingSerializer(self._findings(inspection), many=True, context=context).data)
        data = self.validated(FindingRequestSerializer)
        enterprise = item = None
        if data.get("enterprise") is not None:
            target = inspection.targets.select_related("enterprise").filter(enterprise_id=data["enterprise"]).first()
            if target is None:
                raise serializers.ValidationError({"enterprise": [_("Add the enterprise to the inspection first.")]})
            enterprise = target.enterprise
        if data.get("item") is not None:
            item = ChecklistItem.objects.filter(pk=data["item"]).first()
            if item is None:
                raise serializers.ValidationError({"item": [_("The item is not on this enterprise's checklist.")]})
        finding = services.finding_record(
            actor=request.user, inspection=inspection, description=data["description"], enterprise=enterprise, item=item,
            severity=data.get("severity"),
        )
        return Response(FindingSerializer(self._findings(inspection).get(pk=finding.pk), context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Put a finding on the hazard ledger",
        description=(
            "Reports a hazard through the hazard ledger, pre-filled from the inspection (enterprise, sector, description, "
            "photos, source, level from the item's severity), and links it to the finding. Allowed on submitted "
            "inspections too. 409 when the finding already has its hazard."
        ),
        parameters=[OpenApiParameter("finding_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the finding.")],
        request=FindingToHazardRequestSerializer,
        responses={201: FindingHazardSerializer, **errors(400, 403, 404, 409, examples={409: [ALREADY_ON_LEDGER]})},
    )
    @action(detail=True, methods=["post"], url_path=r"findings/(?P<finding_id>[0-9]+)/hazard", url_name="finding-hazard")
    def finding_hazard(self, request, pk=None, finding_id=None):
        inspection = self.get_object()
        finding = inspection.findings.filter(pk=finding_id).first()
        if finding is None:
            raise Http404
        data = self.validated(FindingToHazardRequestSerializer)
        hazard = services.finding_to_hazard(actor=request.user, finding=finding, title=data.get("title") or None)
        finding = self._findings(inspection).get(pk=finding.pk)
        body = {"finding": finding, "hazard": hazard.pk, "hazard_code": hazard.code}
        return Response(FindingHazardSerializer(body, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    # --- Photos -----------------------------------------------------------------------------

    @extend_schema(methods=["GET"], summary="Photos of an inspection", responses={200: InspectionPhotoSerializer(many=True), **errors(404)})
    @extend_schema(
        methods=["POST"],
        summary="Upload photos (multipart/form-data)",
        description="One or more `photos` (repeated field), optionally the `finding` they show. JPG or PNG only, checked by content.",
        request={"multipart/form-data": InspectionPhotoUploadSerializer},
        responses={201: InspectionPhotoSerializer(many=True), **errors(400, 403, 404, 409, examples={400: [NOT_AN_IMAGE]})},
    )
    @action(detail=True, methods=["get", "post"], url_path="photos", pagination_class=None, filter_backends=[])
    def photos(self, request, pk=None):
        inspection = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(InspectionPhotoSerializer(inspection.photos.select_related("uploaded_by"), many=True, context=context).data)
        data = self.validated(InspectionPhotoUploadSerializer)
        finding = None
        if data.get("finding") is not None:
            finding = inspection.findings.filter(pk=data["finding"]).first()
            if finding is None:
                raise serializers.ValidationError({"finding": [_("No such finding in this inspection.")]})
        saved = services.inspection_add_photos(actor=request.user, inspection=inspection, files=data["photos"], finding=finding)
        saved = InspectionPhoto.objects.select_related("uploaded_by").filter(pk__in=[p.pk for p in saved])
        return Response(InspectionPhotoSerializer(saved, many=True, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a photo of an inspection",
        parameters=[OpenApiParameter("photo_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the photo.")],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY), **errors(404)},
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>[0-9]+)/file", url_name="photo-file")
    def photo_file(self, request, pk=None, photo_id=None):
        photo = self.get_object().photos.filter(pk=photo_id).first()
        if photo is None:
            raise Http404
        return attachment_response(photo.file)

    # --- Idempotent upsert ------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The inspection pushed as (source_system, external_id)",
        responses={200: InspectionDetailSerializer, **errors(404)},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Create or update the inspection pushed as (source_system, external_id) (idempotent)",
        description=(
            "Creates the draft (201) or updates the one already pushed with this key while it is a draft (200); with "
            "`submit: true` it is then submitted. Sending the same body again changes nothing; the `Upsert-Result` "
            "header says `created`, `updated` or `unchanged`. A submitted inspection pushed with different values is "
            "refused (409): corrections are amendments. A key already used by a record you cannot see is refused "
            "(400). Findings and photos are added with their endpoints."
        ),
        request=InspectionUpsertSerializer,
        responses={
            200: OpenApiResponse(InspectionDetailSerializer, description="Updated, or unchanged."),
            201: OpenApiResponse(InspectionDetailSerializer, description="Created."),
            **errors(400, 403, 409, examples={409: [SUBMITTED_DRAFT], 400: [MISSING_ANSWERS]}),
        },
        parameters=[UPSERT_RESULT],
    )
    @action(
        detail=False,
        methods=["get", "put"],
        url_path=r"by-external-id/(?P<source_system>[^/]+)/(?P<external_id>.+)",
        url_name="by-external-id",
        # Creating needs add_inspection, updating change_inspection: the services decide.
        permission_classes=[IsAuthenticated],
        pagination_class=None,
        filter_backends=[],
    )
    def by_external_id(self, request, source_system: str, external_id: str):
        if request.method == "GET":
            inspection = (
                Inspection.objects.restrict(request.user, "view").filter(source_system=source_system, external_id=external_id).first()
            )
            if inspection is None:
                raise Http404
            return self.detail_response(inspection)
        data = self.validated(InspectionUpsertSerializer)
        for name, value in (("source_system", source_system), ("external_id", external_id)):
            given = data.pop(name, None)
            if given is not None and given.strip() != value.strip():
                raise serializers.ValidationError({name: [_("The value in the body differs from the one in the address.")]})
        submit = data.pop("submit", False)
        values = service_values(data)
        result = sync.inspection_upsert_outcome(
            actor=request.user, source_system=source_system, external_id=external_id, submit=submit, **values
        )
        return self.detail_response(
            result.inspection,
            status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
            headers={"Upsert-Result": result.outcome},
        )


# --- Checklists -----------------------------------------------------------------------------


def _current_versions() -> Prefetch:
    """Only the newest published version of each checklist, with its items (two queries)."""
    newer = ChecklistVersion.objects.filter(template=OuterRef("template"), published_at__isnull=False, number__gt=OuterRef("number"))
    return Prefetch(
        "versions",
        queryset=ChecklistVersion.objects.filter(published_at__isnull=False).filter(~Exists(newer)).prefetch_related("items"),
        to_attr="current_versions",
    )


@extend_schema_view(
    list=extend_schema(summary="Checklists you may use, with the items of their current version"),
    retrieve=extend_schema(summary="A checklist with the items of its current version", responses={200: ChecklistSerializer, **errors(404)}),
)
class ChecklistViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Checklists (检查表) per sector: the platform's and those kept by jurisdictions in and above
    your scope. An inspection keeps the version it used (see checklist-versions)."""

    queryset = ChecklistTemplate.objects.select_related("sector", "jurisdiction").prefetch_related(_current_versions())
    serializer_class = ChecklistSerializer
    filterset_class = ChecklistApiFilterSet
    pagination_class = StandardPagination
    ordering_fields = ["name", "updated_at", "id"]
    ordering = ["sector__sort_order", "name", "id"]
    search_fields = ["name"]
    lookup_value_regex = "[0-9]+"


@extend_schema_view(
    list=extend_schema(summary="Published checklist versions with their items"),
    retrieve=extend_schema(summary="A checklist version with its items", responses={200: ChecklistVersionSerializer, **errors(404)}),
)
class ChecklistVersionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every published version, so the items an old inspection answered can be read back."""

    queryset = ChecklistVersion.objects.filter(published_at__isnull=False).select_related("template").prefetch_related("items")
    serializer_class = ChecklistVersionSerializer
    pagination_class = StandardPagination
    filterset_fields = ["template"]
    ordering_fields = ["number", "id"]
    ordering = ["template_id", "-number"]
    lookup_value_regex = "[0-9]+"


# --- Quotas ---------------------------------------------------------------------------------


class InspectionQuotaViewSet(viewsets.ViewSet):
    """Inspection quotas (检查频次): the inspection obligations evaluated per official."""

    skip_model_permission = True
    pagination_class = StandardPagination

    @extend_schema(
        summary="Inspection quotas per official over a period",
        description=(
            "For each official in your scope bound by an inspection obligation (by the posts they hold), the "
            "submitted inspections they led or joined in each of the rule's periods within `period`, against the "
            "minimum. Shortfalls first. Paginated by page number."
        ),
        parameters=[
            OpenApiParameter("period", str, description="2026, 2026-H1, 2026-Q3 or 2026-10; default: the current quarter."),
            OpenApiParameter("official", int, description="Only this official (id)."),
            OpenApiParameter("jurisdiction", str, description="Division code narrowing the evaluation to that subtree."),
            OpenApiParameter("status", str, enum=["short", "in_progress", "not_due", "met"], description="Only rows in this status."),
            OpenApiParameter("page", int, description="Page number."),
            OpenApiParameter("page_size", int, description="Rows per page (at most 500)."),
        ],
        responses={200: QuotaPageSerializer, **errors(400)},
        examples=[
            OpenApiExample(
                "A township principal short of a quarter",
                response_only=True,
                value={
                    "count": 1, "next": None, "previous": None,
                    "results": [{
                        "official": 12, "official_name": "王建国", "jurisdiction": "350582100", "jurisdiction_name": "安海镇",
                        "organization": 40, "organization_name": "安海镇党委", "posts": "党委书记",
                        "obligation": {"id": 2, "name": "乡镇党委主要负责人每季度至少开展1次安全检查", "period": "quarter", "minimum": 1},
                        "windows": [{"period": {"key": "2026-Q1", "kind": "quarter", "start": "2026-01-01", "end": "2026-03-31", "label": "2026年第1季度"}, "count": 0, "status": "short"}],
                        "done": 0, "required": 1, "shortfall": 1, "status": "short",
                    }],
                },
            )
        ],
    )
    def list(self, request):
        errors_: dict[str, list[str]] = {}
        today = timezone.localdate()
        try:
            period = compliance.parse_period(request.query_params.get("period"), today)
        except ValueError as error:
            errors_["period"] = [str(error)]
            period = None
        jurisdiction = None
        code = request.query_params.get("jurisdiction", "").strip()
        if code:
            jurisdiction = Jurisdiction.objects.restrict(request.user, "view").filter(code=code).first()
            if jurisdiction is None:
                errors_["jurisdiction"] = [_("No jurisdiction with this code in your scope.")]
        official = None
        raw = request.query_params.get("official", "").strip()
        if raw:
            if not raw.isdigit():
                errors_["official"] = [_("A whole number is required.")]
            else:
                official = Official.objects.restrict(request.user, "view").filter(pk=int(raw)).first()
                if official is None:
                    errors_["official"] = [_("No official with this id in your scope.")]
        wanted_status = request.query_params.get("status", "").strip()
        if wanted_status and wanted_status not in compliance.Status.ORDER:
            errors_["status"] = [_("Choose short, in_progress, not_due or met.")]
        if errors_:
            raise exceptions.ValidationError(errors_)
        if official is not None and jurisdiction is None:
            jurisdiction = _common_jurisdiction(official, min(period.end, today))
        results = compliance.evaluate_compliance(user=request.user, period=period, jurisdiction=jurisdiction, today=today)
        rows = [
            (result.obligation, row)
            for result in results
            if result.available and result.obligation.activity == ObligationActivity.INSPECTION
            and result.obligation.subject == ObligationSubject.ROLE
            for row in result.rows
            if (official is None or row.subject.pk == official.pk) and (not wanted_status or row.status == wanted_status)
        ]
        rows.sort(key=lambda pair: pair[1].sort_key())
        paginator = StandardPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        data = [_quota_row(obligation, row) for obligation, row in page]
        return paginator.get_paginated_response(QuotaRowSerializer(data, many=True).data)


def _common_jurisdiction(official: Official, on) -> Jurisdiction | None:
    """Where all the official's current posts are (the narrowest common ancestor), to evaluate
    only that subtree instead of the caller's whole scope."""
    paths = list(Post.objects.current(on).filter(official=official).values_list("organization__jurisdiction__path", flat=True))
    if not paths:
        return None
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[:-1]
    return Jurisdiction.objects.filter(path__in=[common[:n] for n in range(len(common), 0, -1)]).order_by("-path").first()


def _period(period) -> dict:
    return {"key": period.key, "kind": period.kind, "start": period.start, "end": period.end, "label": str(period.label)}


def _quota_row(obligation, row) -> dict:
    return {
        "official": row.subject.pk,
        "official_name": row.subject.name,
        "jurisdiction": row.jurisdiction.code,
        "jurisdiction_name": row.jurisdiction.name,
        "organization": row.organization.pk,
        "organization_name": row.organization.name,
        "posts": row.posts,
        "obligation": {"id": obligation.pk, "name": obligation.name, "period": obligation.period, "minimum": obligation.minimum},
        "windows": [{"period": _period(w.period), "count": w.count, "status": w.status} for w in row.windows],
        "done": row.done,
        "required": row.required,
        "shortfall": row.shortfall,
        "status": row.status,
    }


# --- Campaigns ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Big inspection campaigns in scope"),
    retrieve=extend_schema(summary="A campaign with its four stages", responses={200: CampaignSerializer, **errors(404)}),
)
class CampaignViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Big inspection campaigns (大检查). Coverage counts the part of the campaign in your scope."""

    queryset = Campaign.objects.select_related("jurisdiction")
    serializer_class = CampaignSerializer
    pagination_class = StandardPagination
    filterset_fields = ["status"]
    ordering_fields = ["self_check_start", "updated_at", "id"]
    ordering = ["-self_check_start", "-id"]
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        summary="Coverage of a campaign: totals, per supervising department and per township",
        responses={200: CampaignCoverageSerializer, **errors(404)},
    )
    @action(detail=True, methods=["get"], url_path="coverage", pagination_class=None, filter_backends=[])
    def coverage(self, request, pk=None):
        campaign = self.get_object()
        user = request.user
        townships = list(campaigns.township_coverage(campaign, user))
        body = {
            "campaign": campaign,
            "totals": campaigns.coverage_totals(campaign, user),
            "departments": campaigns.with_shares(campaigns.department_coverage(campaign, user)),
            "townships": campaigns.with_shares(townships, names=campaigns.township_names(r["township"] for r in townships)),
        }
        return Response(CampaignCoverageSerializer(body, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Enterprises of a campaign not yet inspected (high-risk, weak and accident-history first)",
        parameters=[
            OpenApiParameter("department", int, description="Only the list of this supervising department (id)."),
            OpenApiParameter("township", str, description="Only this township (its materialized path, as in `coverage`)."),
            OpenApiParameter("page", int, description="Page number."),
            OpenApiParameter("page_size", int, description="Rows per page (at most 500)."),
        ],
        responses={200: UncoveredEnterpriseSerializer(many=True), **errors(400, 404)},
    )
    @action(detail=True, methods=["get"], url_path="uncovered", filter_backends=[])
    def uncovered(self, request, pk=None):
        campaign = self.get_object()
        department = request.query_params.get("department", "").strip()
        if department and not department.isdigit():
            raise exceptions.ValidationError({"department": [_("A whole number is required.")]})
        township = request.query_params.get("township", "").strip() or None
        rows = campaigns.uncovered_enterprises(campaign, request.user, department=int(department) if department else None, township=township)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(UncoveredEnterpriseSerializer(page, many=True, context=self.get_serializer_context()).data)


def register(router) -> None:
    router.register("inspections", InspectionViewSet)
    router.register("checklists", ChecklistViewSet)
    router.register("checklist-versions", ChecklistVersionViewSet)
    router.register("inspection-quotas", InspectionQuotaViewSet, basename="inspection-quota")
    router.register("campaigns", CampaignViewSet)
