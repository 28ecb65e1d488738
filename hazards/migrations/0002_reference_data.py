"""Default risk grading thresholds and hazard rules (editable data)."""

from decimal import Decimal

from django.db import migrations

#: The common thresholds: LEC D = L×E×C (>320 major, 160–320 larger, 70–160 general, <70 low);
#: the 5×5 L×S matrix (20–25 major, 15–16 larger, 9–12 general, 1–8 low).
BANDS = [
    ("lec", "red", "320"), ("lec", "orange", "160"), ("lec", "yellow", "70"), ("lec", "blue", "0"),
    ("ls", "red", "20"), ("ls", "orange", "15"), ("ls", "yellow", "9"), ("ls", "blue", "1"),
]


def load(apps, schema_editor):
    Band = apps.get_model("hazards", "RiskGradingBand")
    for method, grade, score in BANDS:
        Band.objects.get_or_create(method=method, grade=grade, defaults={"min_score": Decimal(score)})
    Policy = apps.get_model("hazards", "HazardPolicy")
    if not Policy.objects.filter(jurisdiction__isnull=True).exists():
        Policy.objects.create(jurisdiction=None)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_hazards")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
