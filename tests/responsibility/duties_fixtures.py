"""Fixtures shared by the duties, key-work list and committee tests (imported by those modules).

On top of the ``world`` (see tests/conftest.py), county A gets a government principal and a
second government leader with logins (role "leader"), and county B a government principal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from responsibility.choices import PostRole
from responsibility.models import Official, Post
from responsibility.roles import Role
from tests.factories import WorkItemFactory, WorkListFactory, official_user


@dataclass
class DutyWorld:
    world: Any
    principal: Any  # user: government principal of county A
    gov_leader: Any  # user: another government leader of county A
    b_principal: Any  # user: government principal of county B

    def official(self, user) -> Official:
        return Official.objects.get(user=user)

    def post(self, user) -> Post:
        return Post.objects.get(official__user=user)


@pytest.fixture
def duty_world(world) -> DutyWorld:
    a_gov, b_gov = world.a.orgs["government"], world.b.orgs["government"]
    return DutyWorld(
        world=world,
        principal=official_user(role=Role.LEADER, organization=a_gov, post_role=PostRole.GOVERNMENT_PRINCIPAL,
                                username="a_principal", display_name="晋江市长"),
        gov_leader=official_user(role=Role.LEADER, organization=a_gov, post_role=PostRole.GOVERNMENT_LEADER,
                                 username="a_gov_leader", display_name="晋江副市长"),
        b_principal=official_user(role=Role.LEADER, organization=b_gov, post_role=PostRole.GOVERNMENT_PRINCIPAL,
                                  username="b_principal", display_name="南安市长"),
    )


@pytest.fixture
def work_list(duty_world):
    """This year's key-work list of county A, organized by its government principal."""
    world = duty_world.world
    return WorkListFactory(jurisdiction=world.a.county, organizer=duty_world.official(duty_world.principal))


@pytest.fixture
def owned_item(duty_world, work_list):
    """An item of county A's list owned by the safety deputy (the ``leader`` user), due at the
    end of the year."""
    owner = duty_world.official(duty_world.world.user(Role.LEADER))
    return WorkItemFactory(work_list=work_list, owner=owner, due_date=datetime.date(work_list.year, 12, 31))
