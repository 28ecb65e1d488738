"""Template helpers for the platform's HTML pages (``{% load platform %}``).

``core`` stays domain-free: anything from a domain app is imported inside the function that
needs it, never at module import time.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()

EMPTY = "—"


@register.simple_tag(takes_context=True)
def user_scope_label(context) -> str:
    """The jurisdictions the current user may act in, as one short label."""
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    from responsibility.filters import user_scope_label as label

    return label(user)


@register.filter
def verbose_name(obj) -> str:
    """The verbose name of a model class or instance."""
    meta = getattr(obj, "_meta", None)
    return str(meta.verbose_name) if meta is not None else ""


@register.filter
def verbose_name_plural(obj) -> str:
    meta = getattr(obj, "_meta", None)
    return str(meta.verbose_name_plural) if meta is not None else ""


@register.simple_tag
def page_range(page_obj):
    """Page numbers around the current page, with ``…`` gaps (``Paginator.ELLIPSIS``)."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)


@register.filter
def extra_filter_count(form) -> int:
    """How many filter fields other than the first (the search box) have a value."""
    if form is None or not form.is_bound:
        return 0
    count = 0
    for index, field in enumerate(form):
        if index == 0 or field.is_hidden:
            continue
        value = field.value()
        if isinstance(value, (list, tuple)):
            value = [v for v in value if v not in (None, "")]
        if value not in (None, "", [], "unknown"):
            count += 1
    return count


@register.filter
def audit_changes(entry) -> list[tuple[str, str, str]]:
    """``(field label, old, new)`` for an auditlog ``LogEntry``: verbose field names, choice
    labels and related objects' names where auditlog can work them out, raw values otherwise."""
    try:
        changes = entry.changes_display_dict
    except Exception:  # the model is gone or a value cannot be displayed: show what was stored
        changes = entry.changes_dict
    rows = []
    for field, values in (changes or {}).items():
        if not isinstance(values, (list, tuple)) or len(values) != 2:
            # many-to-many changes are stored as {"type": ..., "objects": [...]}
            rows.append((str(field), "", _m2m_text(entry, str(field)) or str(values)))
            continue
        old, new = (EMPTY if v in (None, "", "None") else str(v) for v in values)
        rows.append((str(field), old, new))
    return rows


def _m2m_text(entry, label: str) -> str:
    """auditlog's display dict flattens a many-to-many change to its keys; read the stored
    change instead: "+ added objects" or "− removed objects"."""
    for name, change in (entry.changes_dict or {}).items():
        if not (isinstance(change, dict) and change.get("type") == "m2m"):
            continue
        try:
            verbose = str(entry.content_type.model_class()._meta.get_field(name).verbose_name)
        except Exception:
            verbose = name
        if label in (name, verbose):
            sign = "+" if change.get("operation") == "add" else "−"
            return f"{sign} " + "、".join(str(o) for o in change.get("objects", []))
    return ""


@register.simple_tag(takes_context=True)
def cancel_url(context) -> str:
    """Where a form's Cancel link goes: a safe ``?next=``, the object's page, the view's
    success URL, the model's list page (``app:model_list``) or the home page."""
    request = context.get("request")
    if request is not None:
        next_url = request.GET.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return next_url
    obj = context.get("object")
    if obj is not None and hasattr(obj, "get_absolute_url"):
        try:
            return obj.get_absolute_url()
        except Exception:
            pass
    view = context.get("view")
    if view is not None and hasattr(view, "get_success_url"):
        try:
            return str(view.get_success_url())
        except Exception:
            pass
    model = getattr(view, "model", None)
    if model is not None:
        try:
            return reverse(f"{model._meta.app_label}:{model._meta.model_name}_list")
        except NoReverseMatch:
            pass
    return reverse("home")


@register.simple_tag(takes_context=True)
def object_links(context, obj) -> list[tuple[str, str]]:
    """Links other apps registered for this object's detail page (core.registry.ObjectLink)."""
    from core.registry import links_for

    request = context.get("request")
    return links_for(request, obj) if request is not None else []
