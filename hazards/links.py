"""Links the hazards app adds to other apps' detail pages (core.registry.ObjectLink)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.registry import ObjectLink


def _enterprise_link(url_name: str, permission: str, label):
    def build(request, enterprise):
        if not request.user.has_perm(permission):
            return None
        return str(label()), f"{reverse(url_name)}?{urlencode({'enterprise': enterprise.pk})}"

    return build


ENTERPRISE_LINKS = [
    ObjectLink("responsibility.Enterprise", _enterprise_link("hazards:hazard_list", "hazards.view_hazard", lambda: _("Hazards")), 10),
    ObjectLink(
        "responsibility.Enterprise", _enterprise_link("hazards:hazard_create", "hazards.add_hazard", lambda: _("Report a hazard")), 11
    ),
    ObjectLink(
        "responsibility.Enterprise", _enterprise_link("hazards:risk_point_list", "hazards.view_riskpoint", lambda: _("Risk points")), 12
    ),
]
