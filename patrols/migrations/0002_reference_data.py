"""The eight content areas of a patrol (seed 004) and the default time limits (editable data)."""

from django.db import migrations

AREAS = [
    ("laws_and_instructions", "贯彻安全生产法律法规、重要决策部署和领导指示批示情况", 10),
    ("responsibility_system", "健全责任体系、落实监管责任、严格责任追究情况", 20),
    ("key_tasks", "落实重点工作任务、破解矛盾问题情况", 30),
    ("rule_of_law", "推进安全生产依法治理情况", 40),
    ("supervision_mechanisms", "完善安全生产监管体制机制情况", 50),
    ("dual_prevention", "建立健全安全风险分级管控和隐患排查治理双重预防机制情况", 60),
    ("informatization", "加强安全生产信息化建设情况", 70),
    ("accident_handling", "调查处理各类生产安全事故情况", 80),
]


def load(apps, schema_editor):
    Area = apps.get_model("patrols", "PatrolContentArea")
    for code, name, order in AREAS:
        Area.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    Rules = apps.get_model("patrols", "PatrolRules")
    if not Rules.objects.filter(jurisdiction__isnull=True).exists():
        Rules.objects.create(jurisdiction=None)


class Migration(migrations.Migration):
    dependencies = [("patrols", "0001_patrols")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
