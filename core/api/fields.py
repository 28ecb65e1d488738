from rest_framework import serializers


class _ScopedRelatedMixin:
    """A related field whose choices are the objects the requesting user may see.

    An object outside the user's scope is answered exactly like one that does not exist, so a
    write can neither use nor discover another jurisdiction's records.
    """

    scope_action = "view"

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.restrict(request.user, self.scope_action)


class ScopedPrimaryKeyRelatedField(_ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):
    pass


class ScopedSlugRelatedField(_ScopedRelatedMixin, serializers.SlugRelatedField):
    pass
