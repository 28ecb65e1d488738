"""``restrict()`` with per-object grants held in a direct grant table (core.querysets): the
granted ids as a literal list for a few grants, a subquery beyond ``GRANT_LITERAL_LIMIT``, the
same rows either way; and ``restrict_parts``, the same rows split into scope and grants."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from core import querysets
from core.access import forget_scope
from core.choices import AccountType
from hazards.models import Hazard, HazardUserObjectPermission
from responsibility.roles import Role
from tests.factories import EnterpriseFactory, HazardFactory, UserFactory, sector

pytestmark = pytest.mark.django_db


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def sql(queryset) -> str:
    return str(queryset.query)


@pytest.fixture
def hazards(world):
    """Two hazards in county A (the leader's scope) and two in county B."""
    a = [HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.a.township)) for _ in range(2)]
    b = [HazardFactory(enterprise=EnterpriseFactory(jurisdiction=world.b.township)) for _ in range(2)]
    return a, b


def test_few_grants_are_written_into_the_query_as_a_literal_list(world, hazards):
    (a1, a2), (b1, b2) = hazards
    leader = world.user(Role.LEADER)
    assign_perm("hazards.view_hazard", leader, b1)
    forget_scope(leader)
    visible = Hazard.objects.restrict(leader)
    assert ids(visible) == {a1.pk, a2.pk, b1.pk}
    text = sql(visible)
    assert "hazarduserobjectpermission" not in text.lower()
    assert f"IN ({b1.pk})" in text


def test_grants_are_read_once_per_request_in_one_query(world, hazards):
    _a, (b1, b2) = hazards
    leader = world.user(Role.LEADER)
    assign_perm("hazards.view_hazard", leader, b1)
    assign_perm("hazards.view_hazard", leader, b2)
    forget_scope(leader)
    with CaptureQueriesContext(connection) as context:
        for action in ("view", "change", "view"):
            Hazard.objects.restrict(leader, action)
    grant_queries = [q for q in context.captured_queries if "hazarduserobjectpermission" in q["sql"].lower()]
    assert len(grant_queries) == 1


def test_a_grant_for_another_action_gives_nothing_for_this_one(world, hazards):
    _a, (b1, _b2) = hazards
    user = UserFactory()  # no role, no scope: only grants
    assign_perm("hazards.view_hazard", user, b1)
    assert ids(Hazard.objects.restrict(user)) == {b1.pk}
    assert not Hazard.objects.restrict(user, "change").exists()


def test_more_grants_than_the_limit_fall_back_to_a_subquery(world, hazards):
    (a1, a2), (b1, b2) = hazards
    leader = world.user(Role.LEADER)
    industry = sector()
    others = Hazard.objects.bulk_create(
        [
            Hazard(
                code=f"T{i:08d}", jurisdiction=world.b.township, jurisdiction_path=world.b.township.path, sector=industry,
                category="equipment", source="department_inspection", title=f"隐患{i}", description="消防通道堵塞",
                found_on=datetime.date(2026, 1, 1),
            )
            for i in range(querysets.GRANT_LITERAL_LIMIT)
        ]
    )
    view = Permission.objects.get(codename="view_hazard", content_type__app_label="hazards")
    HazardUserObjectPermission.objects.bulk_create(
        [HazardUserObjectPermission(user=leader, permission=view, content_object=h) for h in [b1, *others]]
    )
    forget_scope(leader)
    visible = Hazard.objects.restrict(leader)
    assert "hazarduserobjectpermission" in sql(visible).lower()
    assert ids(visible) == {a1.pk, a2.pk, b1.pk, *(h.pk for h in others)}
    assert b2.pk not in ids(visible)


def test_restrict_parts_split_the_rows_into_scope_and_grants_outside_it(world, hazards):
    (a1, a2), (b1, _b2) = hazards
    leader = world.user(Role.LEADER)
    assign_perm("hazards.view_hazard", leader, b1)
    assign_perm("hazards.view_hazard", leader, a1)  # inside the scope: counted once
    forget_scope(leader)
    scope_part, granted_part = Hazard.objects.restrict_parts(leader)
    assert ids(scope_part) == {a1.pk, a2.pk}
    assert ids(granted_part) == {b1.pk}
    assert ids(Hazard.objects.restrict(leader)) == ids(scope_part) | ids(granted_part)


def test_restrict_parts_is_restrict_itself_when_there_is_nothing_to_split(world, hazards):
    (a1, a2), (b1, _b2) = hazards
    office = world.user(Role.SAFETY_OFFICE)  # a scope, no grants
    assert [ids(p) for p in Hazard.objects.restrict_parts(office)] == [{a1.pk, a2.pk}]
    grants_only = UserFactory()
    assign_perm("hazards.view_hazard", grants_only, b1)
    assert [ids(p) for p in Hazard.objects.restrict_parts(grants_only)] == [{b1.pk}]
    admin = UserFactory(is_superuser=True)
    assert [p.count() for p in Hazard.objects.restrict_parts(admin)] == [4]


def test_restrict_parts_keep_the_rules_of_a_subclass(world, hazards):
    # An enterprise account sees its enterprise's hazards whatever its scope and grants
    # (EnterpriseOwnedQuerySet.restrict): not split, the same rows as restrict().
    (a1, _a2), (b1, _b2) = hazards
    account = world.user(Role.ENTERPRISE)
    assert account.account_type == AccountType.ENTERPRISE
    assign_perm("hazards.view_hazard", account, b1)
    forget_scope(account)
    parts = Hazard.objects.restrict_parts(account)
    assert len(parts) == 1
    assert ids(parts[0]) == ids(Hazard.objects.restrict(account))
