from django.db import migrations


def load(apps, schema_editor):
    from inspections.reference.loader import load_checklists

    load_checklists(
        ChecklistTemplate=apps.get_model("inspections", "ChecklistTemplate"),
        ChecklistVersion=apps.get_model("inspections", "ChecklistVersion"),
        ChecklistItem=apps.get_model("inspections", "ChecklistItem"),
        Sector=apps.get_model("responsibility", "Sector"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_inspections"),
        ("responsibility", "0003_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
