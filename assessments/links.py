"""Links the assessments app adds to other apps' detail pages (core.registry.ObjectLink): an
enterprise's page links to its accidents and to recording one."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.registry import ObjectLink


def _enterprise_link(url_name: str, permission: str, label, extra: dict | None = None):
    def build(request, enterprise):
        if not request.user.has_perm(permission):
            return None
        return str(label()), f"{reverse(url_name)}?{urlencode({'enterprise': enterprise.pk, **(extra or {})})}"

    return build


ENTERPRISE_LINKS = [
    ObjectLink(
        "responsibility.Enterprise",
        # Every year: an enterprise's accident history is what an inspection looks at.
        _enterprise_link("assessments:accident_list", "assessments.view_accident", lambda: _("Accidents"), {"period": "all"}),
        30,
    ),
    ObjectLink(
        "responsibility.Enterprise",
        _enterprise_link("assessments:accident_create", "assessments.add_accident", lambda: _("Record an accident")),
        31,
    ),
]
