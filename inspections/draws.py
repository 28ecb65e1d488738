"""The random-draw algorithm (双随机): which enterprises are inspected and by whom.

Everything the algorithm reads is passed in as plain data, the pools as they were stored with
the draw (sorted by id) and the seed, so anyone holding them can re-run the draw and must get
the same result. The algorithm uses nothing but :class:`random.Random` seeded with the stored
seed string (Python seeds a string through SHA-512, independent of the process's hash seed).

1. **Enterprises**: weighted sampling without replacement by Efraimidis–Spirakis keys: each
   enterprise gets ``log(u) / weight`` with ``u`` uniform in (0, 1], drawn in pool order, and
   the ``count`` largest keys win (ties by id). An enterprise of weight 4 is four times as
   likely as one of weight 1 to be drawn first.
2. **Inspectors**, for each drawn enterprise in draw order: the inspectors without a conflict
   of interest (their post's organization in the enterprise's township; supervising the
   enterprise's grid cell or a cell above it) are shuffled, then those with the fewest
   enterprises so far come first, and the first ``per_enterprise`` are taken. An inspector is
   never drawn twice for one enterprise, and the work is spread evenly across the pool.

This module knows nothing of Django or of the database.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: The weighting used when the office does not change it: red 4, orange 3, yellow 2, blue 1.
DEFAULT_RISK_WEIGHTS: dict[str, int] = {"red": 4, "orange": 3, "yellow": 2, "blue": 1}

#: Version of the algorithm stored with each draw, so a later change to it cannot silently
#: make an old draw unverifiable.
ALGORITHM_VERSION = 1


@dataclass(frozen=True)
class PoolEnterprise:
    id: int
    weight: int
    township: str  # the township's path, "" when the enterprise sits directly under a county
    grids: tuple[int, ...]  # the enterprise's grid cell and the cells above it

    @classmethod
    def from_dict(cls, data: Mapping) -> PoolEnterprise:
        return cls(int(data["id"]), int(data["weight"]), str(data.get("township", "")), tuple(data.get("grids", ())))

    def as_dict(self) -> dict:
        return {"id": self.id, "weight": self.weight, "township": self.township, "grids": list(self.grids)}


@dataclass(frozen=True)
class PoolInspector:
    id: int
    townships: tuple[str, ...]  # townships of the organizations where they hold posts
    grids: tuple[int, ...]  # grid cells they supervise

    @classmethod
    def from_dict(cls, data: Mapping) -> PoolInspector:
        return cls(int(data["id"]), tuple(data.get("townships", ())), tuple(data.get("grids", ())))

    def as_dict(self) -> dict:
        return {"id": self.id, "townships": list(self.townships), "grids": list(self.grids)}


@dataclass(frozen=True)
class Pick:
    enterprise_id: int
    inspector_ids: tuple[int, ...]


class DrawError(Exception):
    """The draw cannot be made with this pool; nothing should be saved."""

    def __init__(self, code: str, *, enterprise_id: int | None = None, available: int = 0, wanted: int = 0):
        self.code = code
        self.enterprise_id = enterprise_id
        self.available = available
        self.wanted = wanted
        super().__init__(f"{code}: enterprise={enterprise_id} available={available} wanted={wanted}")


def has_conflict(inspector: PoolInspector, enterprise: PoolEnterprise) -> bool:
    """An inspector may not inspect an enterprise in their own township or in a grid cell they
    supervise."""
    if enterprise.township and enterprise.township in inspector.townships:
        return True
    return bool(set(inspector.grids) & set(enterprise.grids))


def draw_enterprises(rng: random.Random, pool: Sequence[PoolEnterprise], count: int) -> list[PoolEnterprise]:
    candidates = [e for e in pool if e.weight > 0]
    if count > len(candidates):
        raise DrawError("too_few_enterprises", available=len(candidates), wanted=count)
    keyed = []
    for enterprise in candidates:
        u = 1.0 - rng.random()  # in (0, 1]: log(0) is undefined
        keyed.append((math.log(u) / enterprise.weight, -enterprise.id, enterprise))
    keyed.sort(key=lambda k: (k[0], k[1]), reverse=True)
    return [enterprise for _key, _tie, enterprise in keyed[:count]]


def draw_inspectors(
    rng: random.Random, enterprises: Sequence[PoolEnterprise], pool: Sequence[PoolInspector], per_enterprise: int
) -> list[Pick]:
    load = {inspector.id: 0 for inspector in pool}
    picks = []
    for enterprise in enterprises:
        eligible = [i for i in pool if not has_conflict(i, enterprise)]
        if len(eligible) < per_enterprise:
            raise DrawError("too_few_inspectors", enterprise_id=enterprise.id, available=len(eligible), wanted=per_enterprise)
        shuffled = rng.sample(eligible, len(eligible))
        shuffled.sort(key=lambda i: load[i.id])  # stable: the shuffle decides among equals
        chosen = shuffled[:per_enterprise]
        for inspector in chosen:
            load[inspector.id] += 1
        picks.append(Pick(enterprise.id, tuple(i.id for i in chosen)))
    return picks


def run_draw(
    *,
    seed: str,
    enterprise_pool: Sequence[Mapping],
    inspector_pool: Sequence[Mapping],
    count: int,
    per_enterprise: int,
) -> list[Pick]:
    """The draw's result, in draw order. Raises :class:`DrawError` when the pool is too small
    or conflicts leave an enterprise with too few inspectors."""
    if not seed:
        raise DrawError("no_seed")
    if count < 1:
        raise DrawError("too_few_enterprises", available=0, wanted=count)
    rng = random.Random(seed)
    enterprises = draw_enterprises(rng, [PoolEnterprise.from_dict(e) for e in enterprise_pool], count)
    return draw_inspectors(rng, enterprises, [PoolInspector.from_dict(i) for i in inspector_pool], per_enterprise)
