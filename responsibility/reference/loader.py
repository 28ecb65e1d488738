"""Load the seeded reference data (statutory duties, sectors, obligations). Used by a data
migration with historical models and by ``manage.py load_reference_data``; idempotent, and it
never overwrites what an office has edited (existing rows are left alone)."""

from responsibility.reference.duties import REGULATION_2018, STATUTORY_DUTIES
from responsibility.reference.obligations import OBLIGATIONS
from responsibility.reference.sectors import SECTORS


def load_reference_data(*, DutyTemplate, Sector, Obligation) -> dict[str, int]:
    created = {"duty templates": 0, "sectors": 0, "obligations": 0}
    for role, (article, duties) in STATUTORY_DUTIES.items():
        for number, content in enumerate(duties, start=1):
            _, new = DutyTemplate.objects.get_or_create(
                role=role,
                sequence=number,
                jurisdiction=None,
                defaults={"content": content, "source": f"{REGULATION_2018}{article}"},
            )
            created["duty templates"] += new
    for order, (code, name) in enumerate(SECTORS, start=1):
        _, new = Sector.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})
        created["sectors"] += new
    for rule in OBLIGATIONS:
        fields = {"roles": [], "organization_kinds": [], "meeting_kind": "", "department_posts_only": False, **rule}
        name = fields.pop("name")
        _, new = Obligation.objects.get_or_create(name=name, jurisdiction=None, defaults=fields)
        created["obligations"] += new
    return created
