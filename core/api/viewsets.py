"""API base classes. Every viewset gets its queryset through ``restrict()`` here, and every
write goes through the app's service functions, never ``serializer.save()``."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from rest_framework import mixins, viewsets

from core.api.permissions import ScopedModelPermissions


class ScopedViewSetMixin:
    permission_classes = [ScopedModelPermissions]
    #: services called with ``actor=`` and the validated fields
    create_service: Callable | None = None
    update_service: Callable | None = None
    delete_service: Callable | None = None

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, "view")

    def perform_create(self, serializer):
        service = type(self).create_service
        if service is None:
            raise NotImplementedError(f"{type(self).__name__} has no create_service")
        serializer.instance = service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        service = type(self).update_service
        if service is None:
            raise NotImplementedError(f"{type(self).__name__} has no update_service")
        serializer.instance = service(instance=serializer.instance, actor=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        service = type(self).delete_service
        if service is None:
            raise NotImplementedError(f"{type(self).__name__} has no delete_service")
        with transaction.atomic():
            service(instance=instance, actor=self.request.user)


class ScopedReadOnlyModelViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]


class ScopedCreateReadUpdateViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    pass
