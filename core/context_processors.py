from django.conf import settings

from core.access import get_scope
from core.registry import nav_items


def platform(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items = [i for i in nav_items if i.permission is None or user.has_perm(i.permission)]
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "nav_items": items,
        "user_scope": get_scope(user) if user is not None else None,
    }
