"""Roles are Django groups holding model permissions.

This module names the roles; each domain app declares what every role may do with its own
models in ``<app>/roles.py`` (a ``PERMISSIONS`` dict), so no single file has to know every
model. :func:`sync_role_groups` (run after every migrate and by ``manage.py sync_roles``)
makes the groups match the declarations exactly.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SAFETY_OFFICE = "safety_office", _("Safety office")
    LEADER = "leader", _("Leader")
    INSPECTOR = "inspector", _("Inspector")
    DEPARTMENT = "department", _("Department")
    ENTERPRISE = "enterprise", _("Enterprise")
    COUNTY_SYSTEM = "county_system", _("County system")
    AUDITOR = "auditor", _("Read-only auditor")
    STAFFING_REVIEWER = "staffing_reviewer", _("Staffing office reviewer")


def view(*models_: str) -> list[str]:
    return [_perm(m, "view") for m in models_]


def manage(*models_: str) -> list[str]:
    return [_perm(m, action) for m in models_ for action in ("view", "add", "change", "delete")]


def _perm(model: str, action: str) -> str:
    app_label, model_name = model.split(".")
    return f"{app_label}.{action}_{model_name.lower()}"


# What every role may do with this app's models.
_BACKBONE = ("responsibility.Jurisdiction", "responsibility.Organization", "responsibility.Official", "responsibility.Post")
_SYSTEM = (
    "responsibility.DutyTemplate", "responsibility.ResponsibilityItem", "responsibility.WorkList",
    "responsibility.WorkItem", "responsibility.WorkItemCheck", "responsibility.PowerListVersion",
    "responsibility.PowerListItem", "responsibility.PowerListReview", "responsibility.PublicationDeadline",
    "responsibility.Meeting", "responsibility.Obligation", "responsibility.SupervisionMatter",
    "responsibility.SupervisionProgress", "responsibility.SupervisionNotice", "responsibility.Sector",
    "responsibility.Enterprise", "responsibility.EnterpriseSupervision", "responsibility.SectorResponsibility",
    "responsibility.Grid", "responsibility.GridSupervisor", "responsibility.CommitteeMembership",
)
_LISTS = ("responsibility.PowerListVersion", "responsibility.PowerListItem", "responsibility.PowerListReview")
_ENTERPRISES = ("responsibility.Enterprise", "responsibility.EnterpriseSupervision", "responsibility.Sector")

PERMISSIONS: dict[str, list[str]] = {
    Role.SAFETY_OFFICE: [
        *manage(*_BACKBONE),
        *manage(*_SYSTEM),
        *manage("responsibility.ScopeAssignment"),
        *view("responsibility.DivisionImport"),
        "responsibility.add_divisionimport",
        "responsibility.review_safety_powerlistversion",
        "responsibility.publish_powerlistversion",
        "auditlog.view_logentry",
    ],
    Role.LEADER: [
        *view(*_BACKBONE),
        *view(*_SYSTEM),
        "responsibility.change_workitem",
        "responsibility.add_workitemcheck",
        "responsibility.add_supervisionprogress",
    ],
    Role.INSPECTOR: [*view(*_BACKBONE), *view(*_ENTERPRISES, "responsibility.Grid", "responsibility.GridSupervisor")],
    Role.DEPARTMENT: [
        *view(*_BACKBONE),
        *view(*_SYSTEM),
        # a department drafts and submits its own list (the service checks the post)
        "responsibility.add_powerlistversion",
        "responsibility.change_powerlistversion",
        *manage("responsibility.PowerListItem"),
        "responsibility.change_enterprise",
        "responsibility.add_supervisionprogress",
        "responsibility.change_workitem",
    ],
    # Enterprises see their own record through a per-object grant, not by jurisdiction.
    Role.ENTERPRISE: [*view("responsibility.Jurisdiction", "responsibility.Organization", "responsibility.Sector")],
    Role.COUNTY_SYSTEM: [
        *view(*_BACKBONE),
        *view(*_SYSTEM),
        "responsibility.add_enterprise",
        "responsibility.change_enterprise",
    ],
    Role.AUDITOR: [
        *view(*_BACKBONE),
        *view(*_SYSTEM),
        *view("responsibility.DivisionImport"),
        "auditlog.view_logentry",
    ],
    Role.STAFFING_REVIEWER: [
        *view(*_BACKBONE),
        *view(*_LISTS, "responsibility.PublicationDeadline"),
        "responsibility.review_staffing_powerlistversion",
    ],
}


def declared_permissions() -> dict[str, set[str]]:
    """The union of every installed app's ``roles.PERMISSIONS``."""
    merged: dict[str, set[str]] = {role: set() for role in Role.values}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
            continue
        for role, perms in getattr(module, "PERMISSIONS", {}).items():
            merged.setdefault(str(role), set()).update(perms)
    return merged


def sync_role_groups(*, strict: bool = True) -> dict[str, int]:
    """Create one group per role and set exactly the declared permissions on it.

    ``strict=False`` (used after each app's migrations) skips permissions whose app has not
    migrated yet; they are added when that app's migrations finish."""
    from django.contrib.auth.models import Group, Permission

    wanted = declared_permissions()
    all_codes = {p for perms in wanted.values() for p in perms}
    lookup = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    missing = sorted(all_codes - lookup.keys())
    if missing and strict:
        raise LookupError(f"Role permissions name unknown permissions: {', '.join(missing)}")
    counts = {}
    for role, perms in wanted.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([lookup[p] for p in perms if p in lookup])
        counts[role] = len(perms)
    return counts


def role_label(group_name: str) -> str:
    try:
        return str(Role(group_name).label)
    except ValueError:
        return group_name
