"""Demo data: membership of the safety committees and of the city's special task groups.

Each committee (the city's and every county-level unit's): the government principal chairs
it; the safety deputy and a Party standing-committee member are vice-chairs; the head of the
safety office directs the office — the demo's offices have no head post, so, as is usual in
practice (应急管理局局长兼任安委办主任), the emergency-management bureau's head does; the heads of
the departments with safety-supervision duties are members. Each of the city's task groups
is led by the head of its lead department, with a deputy from that department and the heads
of two or three related departments.

Idempotent: memberships are keyed on (body, post) and only created when missing.
"""

from __future__ import annotations

import random
from collections import defaultdict

from responsibility.choices import CommitteePosition as Position
from responsibility.choices import OrganizationKind
from responsibility.choices import PostRole as Role
from responsibility.demo import data
from responsibility.models import CommitteeMembership, Organization, Post


def build(ctx) -> None:
    """Idempotent: safe to run on a database that already holds the demo."""
    plan = ctx.plan
    unit_codes = [unit.code for unit in plan.units]
    org_ids = ctx.organization_ids
    unit_orgs = {org_ids[k] for k in org_ids if k[0] in unit_codes}
    kinds = dict(Organization.objects.filter(pk__in=unit_orgs).values_list("pk", "kind"))
    # (organization id, role) -> current posts, oldest first: one query for every unit.
    posts: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for pk, org_id, role, official_id in (
        Post.objects.current().filter(organization_id__in=unit_orgs).order_by("pk").values_list("pk", "organization_id", "role", "official_id")
    ):
        posts[(org_id, role)].append((pk, official_id))

    def first(code: str, org_key: str, role: str, skip_officials=()) -> tuple[int, int] | None:
        org_id = org_ids.get((code, org_key))
        for post in posts.get((org_id, role), []):
            if post[1] not in skip_officials:
                return post
        return None

    rows: list[dict] = []
    for code in unit_codes:
        committee_id = org_ids.get((code, "committee"))
        if committee_id is None:
            continue
        seats: list[tuple[tuple[int, int] | None, str, int]] = []
        chair = first(code, "gov", Role.GOVERNMENT_PRINCIPAL)
        deputy = first(code, "gov", Role.SAFETY_DEPUTY)
        taken = {p[1] for p in (chair, deputy) if p}
        standing = first(code, "party", Role.STANDING_MEMBER, skip_officials=taken)
        director = first(code, "office", Role.DEPARTMENT_HEAD) or first(code, "dept:emergency", Role.DEPARTMENT_HEAD)
        seats += [(chair, Position.CHAIR, 10), (deputy, Position.VICE_CHAIR, 20), (standing, Position.VICE_CHAIR, 21)]
        seats.append((director, Position.OFFICE_DIRECTOR, 30))
        number = 100
        for (org_code, key), org_id in sorted(org_ids.items(), key=lambda kv: kv[1]):
            if org_code != code or not key.startswith("dept:") or kinds.get(org_id) != OrganizationKind.SUPERVISORY_DEPARTMENT:
                continue
            head = first(code, key, Role.DEPARTMENT_HEAD)
            if head is not None and head != director:
                seats.append((head, Position.MEMBER, number))
                number += 1
        rows += _rows(committee_id, seats)

    rows += _city_task_groups(first, org_ids)
    ctx.sync(
        "committee memberships",
        CommitteeMembership,
        rows,
        key=("body_id", "post_id"),
        fields=(),  # seats the office changed since are left as they are
        existing=CommitteeMembership.objects.filter(body_id__in=unit_orgs),
    )


def _rows(body_id: int, seats) -> list[dict]:
    rows, seen = [], set()
    for post, position, sequence in seats:
        if post is None or post[0] in seen:
            continue
        seen.add(post[0])
        rows.append({"body_id": body_id, "post_id": post[0], "position": position, "sequence": sequence})
    return rows


def _city_task_groups(first, org_ids) -> list[dict]:
    code = data.CITY[0]
    departments = sorted({lead for _key, _subject, lead in data.TASK_GROUPS})
    rows = []
    for key, _subject, lead in data.TASK_GROUPS:
        group_id = org_ids.get((code, f"tg:{key}"))
        if group_id is None:
            continue
        rng = random.Random(f"{data.SEED}-task-group-{key}")
        seats = [
            (first(code, f"dept:{lead}", Role.DEPARTMENT_HEAD), Position.GROUP_LEADER, 10),
            (first(code, f"dept:{lead}", Role.DEPARTMENT_LEADER), Position.GROUP_DEPUTY, 20),
        ]
        others = [d for d in departments if d != lead]
        for number, other in enumerate(sorted(rng.sample(others, rng.randint(2, 3))), start=100):
            seats.append((first(code, f"dept:{other}", Role.DEPARTMENT_HEAD), Position.GROUP_MEMBER, number))
        rows += _rows(group_id, seats)
    return rows
