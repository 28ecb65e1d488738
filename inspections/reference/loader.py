"""Load the seeded checklists (``inspections.reference.checklists``). Used by a data migration
with historical models and by ``manage.py load_checklists``; idempotent, and it never touches a
checklist that exists already (an office's edits are new versions, never overwritten)."""

from __future__ import annotations

from django.utils import timezone

from inspections.reference.checklists import CHECKLISTS

SEEDED_NOTE = "平台预置版本"


def load_checklists(*, ChecklistTemplate, ChecklistVersion, ChecklistItem, Sector) -> dict[str, int]:
    """Create each seeded platform checklist (no jurisdiction) missing by name, as a published
    version 1 with its items. A sector checklist whose sector is not in the database is skipped
    (a later run creates it)."""
    created = {"checklists": 0, "items": 0}
    sectors = {s.code: s for s in Sector.objects.all()}
    now = timezone.now()
    for spec in CHECKLISTS:
        sector = None
        if spec["sector"] is not None:
            sector = sectors.get(spec["sector"])
            if sector is None:
                continue
        if ChecklistTemplate.objects.filter(name=spec["name"], jurisdiction__isnull=True).exists():
            continue
        template = ChecklistTemplate.objects.create(name=spec["name"], sector=sector, jurisdiction=None, source=spec["source"])
        version = ChecklistVersion.objects.create(template=template, number=1, published_at=now, note=SEEDED_NOTE)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                version=version, order=order, requirement=requirement, legal_basis=basis, severity=severity, category=category
            )
            for order, (requirement, basis, severity, category) in enumerate(spec["items"], start=1)
        )
        created["checklists"] += 1
        created["items"] += len(spec["items"])
    return created
