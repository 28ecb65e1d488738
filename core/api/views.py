from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import get_scope


class MeView(APIView):
    """The calling account: who it is, its roles and the jurisdiction scope it may see."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "display_name": serializers.CharField(),
                "account_type": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.CharField()),
                "scope_paths": serializers.ListField(child=serializers.CharField()),
                "unrestricted": serializers.BooleanField(),
            },
        )
    )
    def get(self, request):
        user = request.user
        scope = get_scope(user)
        return Response(
            {
                "username": user.username,
                "display_name": str(user),
                "account_type": user.account_type,
                "roles": sorted(user.groups.values_list("name", flat=True)),
                "scope_paths": list(scope.paths),
                "unrestricted": scope.unrestricted,
            }
        )
