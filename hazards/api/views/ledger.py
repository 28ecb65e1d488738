"""API: the hazard ledger. Lists for mirroring (filters, ``updated_since``, keyset cursors),
reports, corrections, the closed-loop transitions as actions, extensions, photos and the
idempotent upsert by ``(source_system, external_id)``. Every write calls a service."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.viewsets import ScopedViewSetMixin
from core.files import attachment_response
from hazards.api.filters import HazardApiFilterSet
from hazards.api.pagination import KeysetCursorPagination
from hazards.api.schema import CONFLICT, ILLEGAL_TRANSITION, MISSING_EVIDENCE, NOT_AN_IMAGE, errors
from hazards.api.serializers.ledger import (
    ExtensionDecisionSerializer,
    ExtensionRequestSerializer,
    HazardCreateSerializer,
    HazardDetailSerializer,
    HazardExtensionSerializer,
    HazardPhotoSerializer,
    HazardPlanRequestSerializer,
    HazardSerializer,
    HazardTransitionRequestSerializer,
    HazardTransitionsSerializer,
    HazardUpsertSerializer,
    HazardWriteSerializer,
    PhotoUploadSerializer,
)
from hazards.models import Hazard, HazardEvent, HazardExtension, HazardPhoto, LeaderVisit
from hazards.services import ledger as services
from hazards.services import sync
from hazards.workflow import Transition, allowed_actions

#: The joins a list row needs (one query for the whole page).
LIST_RELATED = (
    "enterprise", "jurisdiction", "sector", "supervising_department", "responsible_organization", "linked_leader",
)
DETAIL_RELATED = (*LIST_RELATED, "finder", "listing_office", "verified_by", "closed_by")
#: The columns a list row shows. Loading whole related rows (an enterprise has some thirty
#: columns) for a hundred hazards costs more than the query itself.
LIST_ONLY = (
    "id", "code", "title", "status", "level", "source", "category", "enterprise", "jurisdiction", "sector", "location",
    "latitude", "longitude", "found_on", "deadline", "original_deadline", "extension_count", "supervising_department",
    "responsible_organization", "linked_leader", "listing_level", "listed_on", "status_changed_at", "rectified_on",
    "verified_at", "closed_at", "source_system", "external_id", "created_at", "updated_at",
    "enterprise__name", "jurisdiction__code", "jurisdiction__name", "sector__code", "sector__name",
    "supervising_department__name", "responsible_organization__name", "linked_leader__name",
)


def detail_queryset(queryset):
    """A hazard with everything its detail shows, in a fixed number of queries."""
    return queryset.select_related(*DETAIL_RELATED).prefetch_related(
        Prefetch("photos", queryset=HazardPhoto.objects.select_related("uploaded_by")),
        Prefetch("events", queryset=HazardEvent.objects.all()),
        Prefetch("extensions", queryset=HazardExtension.objects.select_related("requested_by", "decided_by")),
        Prefetch("visits", queryset=LeaderVisit.objects.select_related("leader").prefetch_related("photos")),
    )


def allowed_for(user, hazard: Hazard) -> list[Transition]:
    """The transitions the table allows from the hazard's status that ``user`` may perform
    (role, scope, and for a major hazard's close-out the listing office). Prerequisites such
    as a major hazard's linked leader are checked when the action is taken."""
    may: dict[str, bool] = {}
    result = []
    for transition in allowed_actions(hazard.status):
        if transition.permission not in may:
            may[transition.permission] = Hazard.objects.restrict(user, transition.permission).filter(pk=hazard.pk).exists()
        if not may[transition.permission]:
            continue
        if (
            transition.action == "close"
            and hazard.is_major
            and not user.is_superuser
            and not services.holds_post_in(user, hazard.listing_office_id)
        ):
            continue
        result.append(transition)
    return result


HAZARD_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the hazard.")
UPSERT_RESULT = OpenApiParameter(
    "Upsert-Result",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=list(sync.OUTCOMES),
    response=[200, 201],
    description="created (201), updated or unchanged (200): what the request did.",
)


class HazardViewSetBase(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Shared by the hazard ledger and the major-hazard endpoints."""

    queryset = Hazard.objects.select_related(*LIST_RELATED)
    serializer_class = HazardSerializer
    filterset_class = HazardApiFilterSet
    pagination_class = KeysetCursorPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # Each has an index ending with the id, and none is ever null: keyset cursors need both.
    ordering_fields = ["found_on", "updated_at", "id"]
    ordering = ["-found_on", "-id"]
    lookup_value_regex = "[0-9]+"
    #: the columns the list serializer reads (see LIST_ONLY)
    list_only: tuple[str, ...] = LIST_ONLY

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.only(*self.list_only)
        if self.action == "retrieve":
            return detail_queryset(queryset)
        # Actions read the hazard to check it is visible; the answer is read afresh.
        return queryset

    def detail_response(self, hazard: Hazard, status_code: int = status.HTTP_200_OK, headers=None) -> Response:
        """The hazard as it now is, read back through the caller's scope."""
        fresh = detail_queryset(Hazard.objects.restrict(self.request.user, "view")).filter(pk=hazard.pk).first()
        if fresh is None:
            fresh = detail_queryset(Hazard.objects.all()).get(pk=hazard.pk)
        data = HazardDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=headers)

    def validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(
        summary="List hazards in scope",
        description=(
            "Keyset-paginated: follow `next` until it is null. For mirroring, filter with `updated_since` and order by "
            "`updated_at`; every page costs the same however deep it is."
        ),
        responses={200: HazardSerializer(many=True), **errors(400)},
    ),
    retrieve=extend_schema(
        summary="A hazard with its plan, photos, timeline, extensions and visits",
        responses={200: HazardDetailSerializer, **errors(404)},
    ),
)
class HazardViewSet(HazardViewSetBase, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Hazards (隐患台账). Enterprise accounts see their own enterprises' hazards only."""

    def get_serializer_class(self):
        return HazardDetailSerializer if self.action == "retrieve" else HazardSerializer

    # --- Report and correct ---------------------------------------------------------------------

    @extend_schema(
        summary="Report a hazard",
        description=(
            "Puts a hazard on the ledger with the status `reported`. Without `enterprise` it is ownerless and the "
            "county government is responsible. JSON, or multipart/form-data to send photos (`photos`, repeated). "
            "Enterprise accounts report their own enterprise's hazards; the source is then `self_check`."
        ),
        request={"application/json": HazardCreateSerializer, "multipart/form-data": HazardCreateSerializer},
        responses={201: HazardDetailSerializer, **errors(400, 403, examples={400: [NOT_AN_IMAGE]})},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(HazardCreateSerializer)
        photos = data.pop("photos", [])
        hazard = services.hazard_report(actor=request.user, photos=photos, **data)
        return self.detail_response(hazard, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct some details of an open hazard",
        description="Only the fields sent change; the timeline records which. The status moves only through transitions.",
        request=HazardWriteSerializer,
        responses={200: HazardDetailSerializer, **errors(400, 403, 404)},
    )
    def partial_update(self, request, *args, **kwargs):
        hazard = self.get_object()
        data = self.validated(HazardWriteSerializer, partial=True)
        hazard = services.hazard_update(actor=request.user, hazard=hazard, **data)
        return self.detail_response(hazard)

    @extend_schema(
        summary="Record the rectification plan (the five in place)",
        request=HazardPlanRequestSerializer,
        responses={200: HazardDetailSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="plan")
    def plan(self, request, pk=None):
        hazard = self.get_object()
        data = self.validated(HazardPlanRequestSerializer)
        hazard = services.hazard_set_plan(actor=request.user, hazard=hazard, **data)
        return self.detail_response(hazard)

    # --- The closed loop --------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="What you may do with this hazard now",
        responses={200: HazardTransitionsSerializer, **errors(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Move the hazard along its closed loop",
        description=(
            "`accept` (optionally with `deadline`) → `start` → `submit` (with `evidence` and at least one photo after "
            "rectification: send `after_photos` as multipart/form-data unless already uploaded) → `verify` or `return` "
            "(with `comment`) → `close`; `cancel` (with the reason in `comment`) from any open status. Send "
            "`expected_status` (the status you saw) to get a 409 instead of acting on a hazard someone else moved."
        ),
        request={
            "application/json": HazardTransitionRequestSerializer,
            "multipart/form-data": HazardTransitionRequestSerializer,
        },
        responses={
            200: HazardDetailSerializer,
            **errors(400, 403, 404, 409, examples={400: [ILLEGAL_TRANSITION, MISSING_EVIDENCE], 409: [CONFLICT]}),
        },
    )
    @action(detail=True, methods=["get", "post"], url_path="transitions")
    def transitions(self, request, pk=None):
        hazard = self.get_object()
        if request.method == "GET":
            actions = [
                {"action": t.action, "label": str(t.label), "target_status": t.target, "comment_required": t.comment_required}
                for t in allowed_for(request.user, hazard)
            ]
            return Response(HazardTransitionsSerializer({"status": hazard.status, "actions": actions}).data)
        data = self.validated(HazardTransitionRequestSerializer)
        hazard = services.hazard_transition(
            actor=request.user,
            hazard=hazard,
            action=data["action"],
            comment=data.get("comment") or "",
            expected_status=data.get("expected_status") or None,
            evidence=data.get("evidence") or "",
            rectified_on=data.get("rectified_on"),
            after_photos=data.get("after_photos") or [],
            deadline=data.get("deadline"),
        )
        return self.detail_response(hazard)

    # --- Extensions -------------------------------------------------------------------------------

    @extend_schema(methods=["GET"], summary="Deadline extensions of a hazard", responses={200: HazardExtensionSerializer(many=True), **errors(404)})
    @extend_schema(
        methods=["POST"],
        summary="Ask for a deadline extension",
        description="Limited in number and length by the place's hazard rules; one request at a time.",
        request=ExtensionRequestSerializer,
        responses={201: HazardExtensionSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["get", "post"], url_path="extensions", pagination_class=None, filter_backends=[])
    def extensions(self, request, pk=None):
        hazard = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            extensions = hazard.extensions.select_related("requested_by", "decided_by")
            return Response(HazardExtensionSerializer(extensions, many=True, context=context).data)
        data = self.validated(ExtensionRequestSerializer)
        extension = services.hazard_request_extension(actor=request.user, hazard=hazard, **data)
        return Response(HazardExtensionSerializer(extension, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve or refuse a deadline extension",
        parameters=[OpenApiParameter("extension_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the request.")],
        request=ExtensionDecisionSerializer,
        responses={200: HazardExtensionSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path=r"extensions/(?P<extension_id>[0-9]+)/decision", url_name="extension-decision")
    def extension_decision(self, request, pk=None, extension_id=None):
        hazard = self.get_object()
        extension = hazard.extensions.filter(pk=extension_id).first()
        if extension is None:
            raise Http404
        data = self.validated(ExtensionDecisionSerializer)
        extension = services.hazard_decide_extension(actor=request.user, extension=extension, **data)
        extension = HazardExtension.objects.select_related("requested_by", "decided_by").get(pk=extension.pk)
        return Response(HazardExtensionSerializer(extension, context=self.get_serializer_context()).data)

    # --- Photos -----------------------------------------------------------------------------------

    @extend_schema(methods=["GET"], summary="Photos of a hazard", responses={200: HazardPhotoSerializer(many=True), **errors(404)})
    @extend_schema(
        methods=["POST"],
        summary="Upload photos (multipart/form-data)",
        description="`stage` and one or more `photos` (repeated field). JPG or PNG only, checked by content, at most 10 MB each.",
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: HazardPhotoSerializer(many=True), **errors(400, 403, 404, examples={400: [NOT_AN_IMAGE]})},
    )
    @action(detail=True, methods=["get", "post"], url_path="photos", pagination_class=None, filter_backends=[])
    def photos(self, request, pk=None):
        hazard = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            photos = hazard.photos.select_related("uploaded_by")
            return Response(HazardPhotoSerializer(photos, many=True, context=context).data)
        data = self.validated(PhotoUploadSerializer)
        saved = services.hazard_add_photos(actor=request.user, hazard=hazard, stage=data["stage"], files=data["photos"])
        saved = HazardPhoto.objects.select_related("uploaded_by").filter(pk__in=[p.pk for p in saved])
        return Response(HazardPhotoSerializer(saved, many=True, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a photo of a hazard",
        parameters=[OpenApiParameter("photo_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the photo.")],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY), **errors(404)},
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>[0-9]+)/file", url_name="photo-file")
    def photo_file(self, request, pk=None, photo_id=None):
        hazard = self.get_object()
        photo = hazard.photos.filter(pk=photo_id).first()
        if photo is None:
            raise Http404
        return attachment_response(photo.file)

    # --- Idempotent upsert --------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The hazard pushed as (source_system, external_id)",
        responses={200: HazardDetailSerializer, **errors(404)},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Create or update the hazard pushed as (source_system, external_id) (idempotent)",
        description=(
            "Creates the hazard (201) or updates the one already pushed with this key (200). Sending the same body "
            "again changes nothing and adds nothing to the timeline; the `Upsert-Result` header says `created`, "
            "`updated` or `unchanged`. The status is never changed here (use the transitions); `deadline` is used "
            "only when the hazard is created. A key already used by a record you cannot see is refused (400). "
            "Photos are added with the photos endpoint."
        ),
        request=HazardUpsertSerializer,
        responses={
            200: OpenApiResponse(HazardDetailSerializer, description="Updated, or unchanged."),
            201: OpenApiResponse(HazardDetailSerializer, description="Created."),
            **errors(400, 403),
        },
        parameters=[UPSERT_RESULT],
    )
    @action(
        detail=False,
        methods=["get", "put"],
        url_path=r"by-external-id/(?P<source_system>[^/]+)/(?P<external_id>.+)",
        url_name="by-external-id",
        # Creating needs add_hazard, updating change_hazard: the service decides which applies.
        permission_classes=[IsAuthenticated],
        pagination_class=None,
        filter_backends=[],
    )
    def by_external_id(self, request, source_system: str, external_id: str):
        if request.method == "GET":
            hazard = Hazard.objects.restrict(request.user, "view").filter(source_system=source_system, external_id=external_id).first()
            if hazard is None:
                raise Http404
            return self.detail_response(hazard)
        data = self.validated(HazardUpsertSerializer)
        for name, value in (("source_system", source_system), ("external_id", external_id)):
            given = data.pop(name, None)
            if given is not None and given.strip() != value.strip():
                raise serializers.ValidationError({name: [_("The value in the body differs from the one in the address.")]})
        result = sync.hazard_upsert_outcome(actor=request.user, source_system=source_system, external_id=external_id, **data)
        return self.detail_response(
            result.hazard,
            status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
            headers={"Upsert-Result": result.outcome},
        )


def register(router) -> None:
    router.register("hazards", HazardViewSet)
