"""Demo data: the four-level grid.

A city cell, one cell per county and development zone, one per township and one per village,
each with a named supervisor from the grid posts of builder.py (township chief: the Party
secretary's 网格总督导员 post; levels 1 and 2 as further supervisors; village cells: the
level-3 supervisor posted to the township's safety station). The city and county Party
secretaries get a 网格总督导员 companion post here, since the builder creates grid posts only
in townships.

Deliberate gaps, for the coverage page: one township cell without a named supervisor, a few
villages without a cell, and about one enterprise in thirty left out of the grid.

Idempotent like the other steps: rows are keyed on natural keys and only missing or differing
rows are written; enterprises are only assigned while they are in no cell, so assignments
changed by hand survive a re-run.
"""

from __future__ import annotations

import zlib

from responsibility.choices import GridLevel
from responsibility.choices import PostRole as Role
from responsibility.models import Enterprise, Grid, GridSupervisor, Post
from responsibility.services.grids import GRID_LEVEL_FOR

#: Villages left without a cell: every VILLAGE_GAP_EVERY-th village of the plan.
VILLAGE_GAP_EVERY = 40
#: About one enterprise in this many stays out of the grid.
UNASSIGNED_ONE_IN = 30


def _gap_township(plan) -> str:
    """The township whose cell has supervisors but no named one: the first of the last county."""
    county = plan.units[-1].code
    return plan.township_codes[county][0]


def build(ctx) -> None:
    """Idempotent: safe to run on a database that already holds the demo."""
    plan, jids, oids = ctx.plan, ctx.jurisdiction_ids, ctx.organization_ids

    # 1. City and county Party secretaries also head the grid of their level.
    chief_rows = []
    for unit in plan.units:
        slot = f"{unit.code}:party:party_principal:1"
        _person, posts = plan.slots[slot]
        chief_rows.append(
            {
                "official_id": ctx.official_ids[slot],
                "organization_id": oids[(unit.code, "party")],
                "role": Role.GRID_CHIEF,
                "title": "网格总督导员",
                "start_date": posts[0].start,
                "end_date": None,
            }
        )
    ctx.sync(
        "grid chief posts",
        Post,
        chief_rows,
        key=("official_id", "organization_id", "role", "start_date"),
        fields=("title", "end_date"),
        existing=Post.objects.filter(role=Role.GRID_CHIEF, organization_id__in=[r["organization_id"] for r in chief_rows]),
    )

    # 2. Cells, top down (a cell's parent must exist first).
    levels = (
        (GridLevel.CITY, [plan.units[0].code]),
        (GridLevel.COUNTY, [u.code for u in plan.units[1:]]),
        (GridLevel.TOWNSHIP, [c for codes in plan.township_codes.values() for c in codes]),
        (GridLevel.VILLAGE, [c for codes in plan.village_codes.values() for c in codes]),
    )
    skipped_villages = set(levels[3][1][VILLAGE_GAP_EVERY // 2 :: VILLAGE_GAP_EVERY])
    cell_of: dict[str, int] = {}  # division code → grid pk
    existing = Grid.objects.filter(jurisdiction_id__in=jids.values())
    for level, codes in levels:
        rows = []
        for code in codes:
            if code in skipped_villages:
                continue
            row = plan.jurisdiction(code)
            assert GRID_LEVEL_FOR[row.level] == level, (code, row.level)
            rows.append(
                {
                    "jurisdiction_id": jids[code],
                    "name": f"{row.name}网格",
                    "level": level,
                    "parent_id": cell_of.get(row.parent_code) if level != GridLevel.CITY else None,
                    "is_active": True,
                }
            )
        written = ctx.sync(
            f"{level} grid cells", Grid, rows, key=("jurisdiction_id", "name"), fields=("level", "parent_id", "is_active"), existing=existing
        )
        code_of = {jids[c]: c for c in codes}
        for (jurisdiction_id, _name), pk in written.items():
            cell_of[code_of[jurisdiction_id]] = pk

    # 3. Supervisors, from the grid posts the plan gave each place.
    post_pk = {
        (official_id, organization_id, role, start): pk
        for pk, official_id, organization_id, role, start in Post.objects.filter(
            role__in=(Role.GRID_CHIEF, Role.GRID_LEVEL_1, Role.GRID_LEVEL_2, Role.GRID_LEVEL_3),
            organization_id__in=oids.values(),
        ).values_list("pk", "official_id", "organization_id", "role", "start_date")
    }

    def post_of(slot: str, role: str) -> int | None:
        _person, posts = plan.slots[slot]
        # City and county chiefs: the companion post of step 1, beside the slot's first post.
        post = next((p for p in posts if p.role == role), posts[0])
        return post_pk.get((ctx.official_ids[slot], oids[(post.code, post.org_key)], role, post.start))

    gap_township = _gap_township(plan)
    supervisors = []

    def supervise(code: str, slot: str, role: str, primary: bool) -> None:
        pk = post_of(slot, role)
        if pk is not None and code in cell_of:
            supervisors.append({"grid_id": cell_of[code], "post_id": pk, "is_primary": primary})

    for unit in plan.units:
        supervise(unit.code, f"{unit.code}:party:party_principal:1", Role.GRID_CHIEF, True)
    for codes in plan.township_codes.values():
        for code in codes:
            supervise(code, f"{code}:party:party_principal:1", Role.GRID_CHIEF, code != gap_township)
            for number in (1, 2):
                supervise(code, f"{code}:gov:grid_level_1:{number}", Role.GRID_LEVEL_1, False)
                supervise(code, f"{code}:station:grid_level_2:{number}", Role.GRID_LEVEL_2, False)
            for village in plan.village_codes.get(code, ()):
                supervise(village, f"{code}:station:grid_level_3:{village}", Role.GRID_LEVEL_3, True)
    ctx.sync(
        "grid supervisors",
        GridSupervisor,
        supervisors,
        key=("grid_id", "post_id"),
        fields=("is_primary",),
        existing=GridSupervisor.objects.filter(grid_id__in=cell_of.values()),
    )

    # 4. Enterprises not yet in a cell join the cell of their village, else of their township.
    code_of_pk = {pk: code for code, pk in jids.items()}
    assignments = []
    left_out = 0
    unassigned = Enterprise.objects.filter(grid__isnull=True, jurisdiction_id__in=jids.values()).exclude(status="closed")
    for pk, credit_code, jurisdiction_id in unassigned.values_list("pk", "credit_code", "jurisdiction_id").iterator(chunk_size=5000):
        if zlib.crc32(credit_code.encode()) % UNASSIGNED_ONE_IN == 0:
            left_out += 1
            continue
        code = code_of_pk[jurisdiction_id]
        while code is not None and code not in cell_of:
            code = plan.jurisdiction(code).parent_code
        if code is not None:
            assignments.append(Enterprise(pk=pk, grid_id=cell_of[code]))
    if assignments:
        Enterprise.objects.bulk_update(assignments, ["grid"], batch_size=1000)
    ctx.updated["enterprises assigned to grid cells"] += len(assignments)
    ctx.log(f"  enterprises: {len(assignments)} assigned to grid cells, {left_out} deliberately left out")
    ctx.extra["grid_gaps"] = {
        "township_without_named_supervisor": gap_township,
        "villages_without_cell": sorted(skipped_villages),
    }

