"""Roles are groups whose permissions are synced from the apps' declarations."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from responsibility import roles
from responsibility.roles import Role, declared_permissions, role_label, sync_role_groups

pytestmark = pytest.mark.django_db


def _perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_every_role_has_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_groups_hold_exactly_the_declared_permissions():
    declared = declared_permissions()
    for role in Role.values:
        assert _perms(role) == declared[role], role


def test_safety_office_manages_the_backbone_and_imports():
    perms = _perms(Role.SAFETY_OFFICE)
    for model in ("jurisdiction", "organization", "official", "post"):
        assert {f"responsibility.{a}_{model}" for a in ("view", "add", "change", "delete")} <= perms
    assert "responsibility.add_divisionimport" in perms
    assert "auditlog.view_logentry" in perms


BACKBONE_AND_ACCESS = ("jurisdiction", "organization", "official", "post", "scopeassignment", "divisionimport")


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SAFETY_OFFICE])
def test_only_the_safety_office_changes_the_backbone_and_scopes(role):
    perms = _perms(role)
    assert perms
    backbone = [p for p in perms if p.split(".")[1].split("_", 1)[1] in BACKBONE_AND_ACCESS]
    assert all(p.split(".")[1].startswith("view_") for p in backbone), backbone


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.AUDITOR, Role.ENTERPRISE])
def test_read_only_roles_hold_only_view_permissions_on_the_responsibility_system(role):
    # Inspectors record hazards and inspections, enterprises rectify their own hazards: what
    # they may write there is declared and tested by those apps.
    perms = {p for p in _perms(role) if p.startswith("responsibility.")}
    assert all(p.split(".")[1].startswith("view_") for p in perms), perms


def test_enterprise_sees_no_people_and_no_enterprise_by_role():
    assert {p for p in _perms(Role.ENTERPRISE) if p.startswith("responsibility.")} == {
        "responsibility.view_jurisdiction",
        "responsibility.view_organization",
        "responsibility.view_sector",
    }


def test_only_the_safety_office_and_auditor_read_the_audit_trail():
    readers = {role for role in Role.values if "auditlog.view_logentry" in _perms(role)}
    assert readers == {Role.SAFETY_OFFICE, Role.AUDITOR}


def test_sync_removes_permissions_added_by_hand_and_restores_missing_ones():
    group = Group.objects.get(name=Role.LEADER)
    group.permissions.add(Permission.objects.get(codename="delete_organization"))
    group.permissions.remove(Permission.objects.get(codename="view_official"))
    sync_role_groups()
    assert _perms(Role.LEADER) == declared_permissions()[Role.LEADER]


def test_sync_recreates_a_deleted_group():
    Group.objects.filter(name=Role.AUDITOR).delete()
    counts = sync_role_groups()
    assert _perms(Role.AUDITOR) == declared_permissions()[Role.AUDITOR]
    assert counts[Role.AUDITOR] == len(declared_permissions()[Role.AUDITOR])


def test_strict_sync_refuses_unknown_permissions(monkeypatch):
    monkeypatch.setitem(roles.PERMISSIONS, Role.LEADER, [*roles.PERMISSIONS[Role.LEADER], "responsibility.fly_organization"])
    with pytest.raises(LookupError, match="responsibility.fly_organization"):
        sync_role_groups(strict=True)
    # the lenient mode (used after each app's migrations) skips it
    sync_role_groups(strict=False)
    assert "responsibility.fly_organization" not in _perms(Role.LEADER)


def test_sync_roles_command_lists_every_role():
    out = StringIO()
    call_command("sync_roles", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(Role.values)
    count = len(declared_permissions()[Role.SAFETY_OFFICE])
    assert f"safety_office ({role_label('safety_office')}): {count} permissions" in lines


def test_role_label():
    assert role_label("auditor") == str(Role.AUDITOR.label)
    assert role_label("custom-group") == "custom-group"


def test_user_gets_permissions_through_the_role_group():
    from tests.factories import UserFactory

    user = UserFactory(roles=[Role.SAFETY_OFFICE])
    assert user.has_perm("responsibility.change_organization")
    other = UserFactory(roles=[Role.AUDITOR])
    assert other.has_perm("responsibility.view_organization")
    assert not other.has_perm("responsibility.change_organization")
