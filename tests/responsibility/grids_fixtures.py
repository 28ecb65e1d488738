"""Helpers for the grid and coverage tests: grid posts and a small grid in a world county.

``county_grid(world.a)`` gives, in county A (晋江市):

    county cell 晋江市网格 ── township cell 安海镇网格 ── village cell 安平村网格

each with a named supervisor: the county government's chief, the township government's
level-1 supervisor and a level-3 supervisor posted to the township (the village has no
organization of its own).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from responsibility.choices import PostRole
from tests.factories import GridFactory, GridSupervisorFactory, OfficialFactory, PostFactory

START = datetime.date(2020, 1, 1)


def grid_post(organization, role: str = PostRole.GRID_CHIEF, *, end=None, name: str | None = None, start=START):
    """A grid post held in ``organization`` (current unless ``end`` is past)."""
    official = OfficialFactory(registered_in=organization.jurisdiction, **({"name": name} if name else {}))
    return PostFactory(official=official, organization=organization, role=role, title=f"{role}", start_date=start, end_date=end)


@dataclass
class CountyGrid:
    county: Any
    township: Any
    village: Any
    posts: dict[str, Any]


def county_grid(county) -> CountyGrid:
    posts = {
        "county": grid_post(county.orgs["government"], PostRole.GRID_CHIEF),
        "township": grid_post(county.orgs["township"], PostRole.GRID_LEVEL_1),
        "village": grid_post(county.orgs["township"], PostRole.GRID_LEVEL_3),
    }
    top = GridFactory(jurisdiction=county.county, name=f"{county.county.name}网格")
    town = GridFactory(jurisdiction=county.township, name=f"{county.township.name}网格", parent=top)
    village = GridFactory(jurisdiction=county.village, name=f"{county.village.name}网格", parent=town)
    GridSupervisorFactory(grid=top, post=posts["county"])
    GridSupervisorFactory(grid=town, post=posts["township"])
    GridSupervisorFactory(grid=village, post=posts["village"])
    return CountyGrid(county=top, township=town, village=village, posts=posts)
