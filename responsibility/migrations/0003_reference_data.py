from django.db import migrations


def load(apps, schema_editor):
    from responsibility.reference.loader import load_reference_data

    load_reference_data(
        DutyTemplate=apps.get_model("responsibility", "DutyTemplate"),
        Sector=apps.get_model("responsibility", "Sector"),
        Obligation=apps.get_model("responsibility", "Obligation"),
    )


class Migration(migrations.Migration):
    dependencies = [("responsibility", "0002_responsibility_system")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
