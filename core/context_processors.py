from django.conf import settings
from django.urls import NoReverseMatch, reverse

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
        "current_nav_url": _current_nav_url(request.path, items),
        "user_scope": get_scope(user) if user is not None else None,
    }


def _current_nav_url(path: str, items) -> str:
    """The menu entry the page belongs to: the longest entry URL the path lies under, so that
    /hazards/major/ marks "Major hazards", not also the ledger at /hazards/."""
    best = ""
    for item in items:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        if url != "/" and path.startswith(url) and len(url) > len(best):
            best = url
    return best
