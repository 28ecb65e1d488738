from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.access import get_scope
from core.calendar import missing_calendar_years
from core.health import calendar_status, check_broker, check_database, worker_status
from core.registry import home_panels


@login_required
def home(request):
    panels = [html for html in (p.render(request) for p in home_panels) if html]
    return render(request, "core/home.html", {"panels": panels, "scope": get_scope(request.user)})


def calendar_home_panel(request):
    """A warning for administrators while this year's (or, from November, next year's)
    working-day calendar is missing."""
    user = request.user
    if not (user.is_superuser or user.is_staff) or not user.has_perm("core.change_calendarday"):
        return None
    missing = missing_calendar_years()
    if not missing:
        return None
    context = {"years": ", ".join(str(year) for year in missing), "can_enter": user.has_perm("core.add_calendaryear")}
    return render_to_string("core/calendar_home_panel.html", context, request=request)


@never_cache
@require_GET
def healthz(request):
    database = check_database()
    broker = check_broker()
    ok = database["ok"] and broker["ok"]
    body = {"status": "ok" if ok else "unavailable", "database": database, "broker": broker}
    if database["ok"]:
        body["worker"] = worker_status()
        # Missing calendar data is a warning for the administrators, not an outage.
        body["calendar"] = calendar_status()
    return JsonResponse(body, status=200 if ok else 503)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def _error(request, status: int, title: str, message: str):
    if _wants_json(request):
        return JsonResponse({"status": status, "code": "error", "detail": message}, status=status)
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Not allowed"), _("Your role does not allow this action."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("Not found"), _("The page does not exist or is outside your jurisdiction."))


def server_error(request):
    # Rendered without the request: context processors may need the database, which may be
    # the very thing that failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    title, message = _("Something went wrong"), _("An internal error occurred; it has been logged.")
    if _wants_json(request):
        return JsonResponse({"status": 500, "code": "server_error", "detail": message}, status=500)
    html = loader.get_template("error.html").render({"status": 500, "title": title, "message": message})
    return HttpResponseServerError(html)
