"""Public pages, without login: the tip-off form (12350) and the status lookup.

Abuse is kept in check before anything is read or stored:

1. the request body's declared size is checked first (``TIP_OFF_MAX_BODY_BYTES``): an
   oversized upload is refused with 413 before Django parses it;
2. every submission counts against the sender's limits (``TIP_OFF_RATE_LIMITS``, by default 5
   an hour and 20 a day per client address, counted atomically in the cache): past them the
   answer is 429 and the body is not even parsed;
3. only then the CSRF check, the form (with a honeypot field bots fill in) and the service.

The tipster learns the reference number and, with it, the status; never anything about who
handled the tip or any other tip.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.viewmixins import add_service_errors
from hazards.forms.reports import TipOffForm, TipOffLookupForm
from hazards.ratelimit import RateLimiter, client_address, client_fingerprint, parse_limits
from hazards.selectors.reports import public_status, tip_off_place_choices
from hazards.services import reports as services

DEFAULT_RATE_LIMITS = "5/h, 20/d"
DEFAULT_LOOKUP_RATE_LIMITS = "60/h"
#: Three photos at the public size limit, plus the text fields.
DEFAULT_MAX_BODY_BYTES = services.MAX_TIP_PHOTOS * services.DEFAULT_TIP_PHOTO_MAX_BYTES + 1024 * 1024


def submission_limiter() -> RateLimiter:
    return RateLimiter("tip-off", parse_limits(getattr(settings, "TIP_OFF_RATE_LIMITS", DEFAULT_RATE_LIMITS)))


def lookup_limiter() -> RateLimiter:
    return RateLimiter("tip-off-lookup", parse_limits(getattr(settings, "TIP_OFF_LOOKUP_RATE_LIMITS", DEFAULT_LOOKUP_RATE_LIMITS)))


def max_body_bytes() -> int:
    return int(getattr(settings, "TIP_OFF_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


def _refused(request, *, status: int, title: str, message: str):
    return render(request, "hazards/public/tip_off_refused.html", {"title": title, "message": message}, status=status)


def too_many(request):
    return _refused(
        request,
        status=429,
        title=_("Too many tip-offs from your connection"),
        message=_(
            "To keep the service open for everyone, a connection may send only a few tip-offs an hour and a day. "
            "Nothing was saved from this attempt. Please try again later, or call the 12350 hotline."
        ),
    )


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _render_form(request, form, status: int = 200):
    context = {"form": form, "max_photo_mb": services.tip_photo_max_bytes() // (1024 * 1024), "max_photos": services.MAX_TIP_PHOTOS}
    return render(request, "hazards/public/tip_off_form.html", context, status=status)


@csrf_protect
def _tip_off_form(request):
    if request.method != "POST":
        return _render_form(request, TipOffForm(place_choices=tip_off_place_choices()))
    form = TipOffForm(request.POST, request.FILES, place_choices=tip_off_place_choices())
    if not form.is_valid():
        return _render_form(request, form, status=400)
    if form.is_bot:
        # Said plainly: a person who somehow filled the hidden field can still see why.
        form.add_error(None, _("The tip-off could not be accepted. Leave the last field empty and send it again."))
        return _render_form(request, form, status=400)
    data = form.cleaned_data
    try:
        tip = services.tip_off_submit(
            jurisdiction=form.jurisdiction_object(),
            place=data["place"],
            description=data["description"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            photos=data["photos"],
            sender_address=client_address(request),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_form(request, form, status=400)
    return redirect("hazards_public:tip_off_submitted", reference=tip.reference)


@csrf_exempt  # checked by _tip_off_form's csrf_protect, after the size and rate checks
@never_cache
def tip_off_create(request):
    """The public form. POSTs are checked for size and rate before the body is read."""
    if request.method == "POST":
        if _declared_length(request) > max_body_bytes():
            return _refused(
                request,
                status=413,
                title=_("The tip-off is too large"),
                message=_("The photos together are too large. Send at most %(n)d photos of up to %(mb)d MB each.")
                % {"n": services.MAX_TIP_PHOTOS, "mb": services.tip_photo_max_bytes() // (1024 * 1024)},
            )
        if not submission_limiter().hit(client_fingerprint(client_address(request))):
            return too_many(request)
    elif request.method not in ("GET", "HEAD"):
        return _refused(request, status=405, title=_("Not allowed"), message=_("Use the form to send a tip-off."))
    return _tip_off_form(request)


@never_cache
def tip_off_submitted(request, reference: str):
    tip = services.find_tip_off(reference)
    if tip is None:
        raise Http404
    return render(request, "hazards/public/tip_off_submitted.html", {"status": public_status(tip)})


@never_cache
def tip_off_status(request):
    """Look a tip up by its reference number: its status, and nothing personal."""
    form = TipOffLookupForm(request.GET or None)
    context = {"form": form, "status": None, "not_found": False}
    status_code = 200
    if form.is_bound and form.is_valid():
        if not lookup_limiter().hit(client_fingerprint(client_address(request))):
            return _refused(
                request,
                status=429,
                title=_("Too many look-ups from your connection"),
                message=_("Please try again in an hour."),
            )
        tip = services.find_tip_off(form.cleaned_data["reference"])
        if tip is None:
            context["not_found"] = True
            status_code = 404
        else:
            context["status"] = public_status(tip)
    return render(request, "hazards/public/tip_off_status.html", context, status=status_code)


urlpatterns = [
    path("", tip_off_create, name="tip_off_create"),
    path("status/", tip_off_status, name="tip_off_status"),
    path("submitted/<str:reference>/", tip_off_submitted, name="tip_off_submitted"),
]
