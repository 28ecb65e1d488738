from rest_framework import permissions

# The action whose model permission each HTTP method needs. Reads need no model permission at
# this level because the queryset is already restricted (a list without permission is empty,
# a detail is a 404), which also keeps objects granted individually reachable.
METHOD_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ScopedModelPermissions(permissions.BasePermission):
    """Authenticated users only; writes need the role's model permission (403 otherwise) and,
    on an existing object, the object must be in the user's scope for that action."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        action = METHOD_ACTIONS.get(request.method)
        if action is None or getattr(view, "skip_model_permission", False):
            return True
        if self._targets_one_object(view):
            # Decided by has_object_permission after the (restricted) lookup, so an object
            # outside the scope is a 404 for every role, as in the HTML views, and a visible
            # one the role may not change is a 403. A POST on one object is a workflow action
            # (submit, review, …) whose service checks its own permission.
            return True
        model = self._model(view)
        if model is None:
            return True
        opts = model._meta
        return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") or (
            action != "add" and self._has_object_grants(user, model, action)
        )

    def has_object_permission(self, request, view, obj):
        action = METHOD_ACTIONS.get(request.method)
        if action is None or action == "add":
            return True
        return type(obj)._default_manager.restrict(request.user, action).filter(pk=obj.pk).exists()

    @staticmethod
    def _targets_one_object(view) -> bool:
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        return bool(lookup) and lookup in (getattr(view, "kwargs", None) or {})

    @staticmethod
    def _model(view):
        queryset = getattr(view, "queryset", None)
        return queryset.model if queryset is not None else None

    @staticmethod
    def _has_object_grants(user, model, action) -> bool:
        from django.contrib.contenttypes.models import ContentType
        from guardian.models import UserObjectPermission

        return UserObjectPermission.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(model),
            permission__codename=f"{action}_{model._meta.model_name}",
        ).exists()
