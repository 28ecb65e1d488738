"""The platform's default assessment schemes (考核细则), editable data: quarterly and annual, for
lower-level governments and for safety-committee member departments, 100 points each.

The accident rules are Quanzhou's (seed 000): 50 points off per accident killing two or more
people (每发生1起1次死亡2人生产安全事故扣50分); one larger accident in a year removes the
excellence eligibility — two for Jinjiang (350582) and Nan'an (350583) —, three or more make the
unit unqualified. The two cities' thresholds are kept as ``params["thresholds_by_code"]`` (the
jurisdictions do not exist when this migration runs; the code is matched to the assessed
jurisdiction when a round is computed, see :mod:`assessments.services.schemes`).

``load`` is idempotent (a default scheme already present under its name is left as it is) and is
called again by the tests after a flush.
"""

from django.db import migrations

LARGER_AND_ABOVE = ["larger", "major", "extraordinary"]
BASIS = (
    "《地方党政领导干部安全生产责任制规定》（2018）；泉州市安全生产目标责任制考评规定：每发生1起1次死亡2人生产安全事故"
    "责任制考评扣50分；晋江、南安市一年内发生2起，其他县（市、区）一年内发生1起较大生产安全事故，原则上取消当年度目标责任制"
    "评先资格；一年内发生3起（含3起）以上较大生产安全事故的，当年度考评认定为不合格单位。"
)
BANDS = (("excellent", 90), ("good", 80), ("qualified", 60))

RATE_GUIDANCE = "比率达到{full}%及以上得满分，低于{zero}%不得分，其间按比例计分；当期无应考核事项的得满分。"


def computed(code, name, points, metric, full=1, zero=0, guidance=""):
    params = {}
    if full != 1:
        params["full_at"] = full
    if zero != 0:
        params["zero_at"] = zero
    text = guidance or RATE_GUIDANCE.format(full=round(full * 100), zero=round(zero * 100))
    return {"code": code, "name": name, "kind": "computed", "max_points": points, "metric": metric, "params": params, "guidance": text}


def manual(code, name, points, guidance):
    return {"code": code, "name": name, "kind": "manual", "max_points": points, "evidence_required": True, "guidance": guidance}


def bonus(code, name, points, guidance):
    return {"code": code, "name": name, "kind": "bonus", "max_points": points, "evidence_required": True, "guidance": guidance}


def fatal_deduction(code, window_name):
    return {
        "code": code,
        "name": "每发生1起一次死亡2人及以上生产安全事故扣50分",
        "kind": "deduction",
        "max_points": 0,
        "metric": "accidents",
        "params": {"min_deaths": 2, "window": "period"},
        "points_each": 50,
        "guidance": f"{window_name}内辖区（监管行业领域）每发生1起一次死亡2人及以上的生产安全事故，扣50分。",
    }


def deaths_deduction(code):
    return {
        "code": code,
        "name": "生产安全事故死亡人数控制：每死亡1人扣1分，最多扣10分",
        "kind": "deduction",
        "max_points": 0,
        "metric": "accident_deaths",
        "params": {"window": "period"},
        "points_each": 1,
        "cap": 10,
        "guidance": "年度内生产安全事故每死亡1人扣1分，扣完10分为止。",
    }


def no_excellence(code, by_code=True):
    params = {"levels": LARGER_AND_ABOVE, "window": "year"}
    name = "一年内发生较大及以上生产安全事故，取消当年度评先资格"
    guidance = "当年1月1日至考核期末发生较大及以上生产安全事故达到限值的，取消当年度评先资格（优秀等次降为良好）。"
    if by_code:
        params["thresholds_by_code"] = {"350582": 2, "350583": 2}
        name = "一年内发生较大及以上生产安全事故取消评先资格（晋江、南安市2起，其他1起）"
        guidance += "晋江市、南安市限值为2起，其他县（市、区）为1起。"
    return {
        "code": code,
        "name": name,
        "kind": "veto",
        "max_points": 0,
        "metric": "accidents",
        "params": params,
        "threshold": 1,
        "veto_effect": "no_excellence",
        "guidance": guidance,
    }


def unqualified(code):
    return {
        "code": code,
        "name": "一年内发生3起（含）以上较大及以上生产安全事故，认定为不合格",
        "kind": "veto",
        "max_points": 0,
        "metric": "accidents",
        "params": {"levels": LARGER_AND_ABOVE, "window": "year"},
        "threshold": 3,
        "veto_effect": "unqualified",
        "guidance": "当年发生3起（含3起）以上较大及以上生产安全事故的，当年度考评认定为不合格单位，取消各类评先评优资格（一票否决）。",
    }


GOVERNMENT_QUARTERLY = {
    "name": "下级政府安全生产目标责任制季度考核细则",
    "target_kind": "government",
    "period_kind": "quarterly",
    "categories": [
        ("组织领导", 20, [
            computed("A1", "安全生产会议按规定召开（常委会、政府常务会、安委会全体会议）", 10, "meetings_held", zero=0.5),
            computed("A2", "安全生产权力和责任清单按期向社会公布", 5, "lists_published_on_time"),
            manual("A3", "党政同责、一岗双责落实（责任清单、工作清单制定和定期检查）", 5,
                   "查阅责任清单、工作清单及检查记录，制定并定期检查的得满分，未制定或未检查的酌情扣分。"),
        ]),
        ("隐患排查治理", 30, [
            computed("B1", "隐患按期整改率", 15, "hazards_on_time", full=0.95, zero=0.6),
            computed("B2", "重大隐患挂牌督办销号率", 10, "major_hazards_closed", zero=0.5),
            computed("B3", "企业隐患月度自查自报率", 5, "self_report_rate", full=0.95, zero=0.5),
        ]),
        ("监督检查", 25, [
            computed("C1", "领导干部安全生产检查任务完成率", 15, "inspection_quota", zero=0.5),
            computed("C2", "安全生产巡查发现问题整改率", 5, "patrol_findings_rectified", zero=0.5),
            manual("C3", "季度综合督查发现问题限期整改和反馈", 5, "督查问题逐项整改并按期反馈的得满分；逾期未反馈每项扣1分。"),
        ]),
        ("事故控制", 15, [
            manual("D1", "事故调查处理和防范整改措施落实", 10, "事故按期结案、责任追究到位、防范整改措施落实的得满分，否则酌情扣分。"),
            manual("D2", "事故信息报告及时准确", 5, "迟报、漏报每起扣2分；谎报、瞒报不得分。"),
            fatal_deduction("D3", "考核期"),
            no_excellence("D4"),
            unqualified("D5"),
        ]),
        ("基础工作", 10, [
            manual("E1", "安全生产宣传教育和培训", 5, "按计划开展宣传教育和培训、有记录可查的得满分。"),
            manual("E2", "应急管理和安全生产信息化建设", 5, "应急预案、演练和信息化平台数据报送情况。"),
            bonus("E3", "创新工作和上级表彰加分", 5, "工作经验被上级推广或获上级表彰的，每项加1至2分，最多加5分。"),
        ]),
    ],
}

GOVERNMENT_ANNUAL = {
    "name": "下级政府安全生产目标责任制年度考核细则",
    "target_kind": "government",
    "period_kind": "annual",
    "categories": [
        ("季度考核", 40, [
            computed("Q1", "季度考核平均得分", 40, "quarterly_average",
                     guidance="按当年已定稿季度考核得分的平均值占季度满分的比例计分。"),
        ]),
        ("组织领导", 15, [
            computed("A1", "安全生产会议按规定召开", 5, "meetings_held", zero=0.5),
            computed("A2", "安全生产权力和责任清单按期向社会公布", 5, "lists_published_on_time"),
            manual("A3", "年度安全生产述职、目标责任书签订和考核", 5, "逐级签订目标责任书并组织述职、考核的得满分。"),
        ]),
        ("隐患排查治理", 15, [
            computed("B1", "隐患按期整改率", 5, "hazards_on_time", full=0.95, zero=0.6),
            computed("B2", "重大隐患挂牌督办销号率", 5, "major_hazards_closed", zero=0.5),
            computed("B3", "企业隐患月度自查自报率", 5, "self_report_rate", full=0.95, zero=0.5),
        ]),
        ("监督检查", 15, [
            computed("C1", "领导干部安全生产检查任务完成率", 10, "inspection_quota", zero=0.5),
            computed("C2", "安全生产巡查发现问题整改率", 5, "patrol_findings_rectified", zero=0.5),
        ]),
        ("年终考评", 15, [
            manual("Y1", "年度重点工作责任清单完成情况", 10, "对照年度重点工作责任清单逐项核查，未完成的每项扣1分。"),
            manual("Y2", "安全生产专项整治和大检查工作成效", 5, "专项整治和大检查各阶段任务完成情况。"),
            bonus("Y3", "创新工作和上级表彰加分", 5, "工作经验被上级推广或获上级表彰的，每项加1至2分，最多加5分。"),
        ]),
        ("事故控制（扣分和一票否决）", 0, [
            fatal_deduction("D1", "年度"),
            deaths_deduction("D2"),
            no_excellence("D3"),
            unqualified("D4"),
        ]),
    ],
}

DEPARTMENT_QUARTERLY = {
    "name": "安委会成员单位安全生产季度考核细则",
    "target_kind": "department",
    "period_kind": "quarterly",
    "categories": [
        ("组织领导", 20, [
            computed("A1", "部门安全生产会议按规定召开", 5, "meetings_held", zero=0.5),
            computed("A2", "部门安全生产权力和责任清单细化梳理并按期公布", 10, "lists_published_on_time"),
            manual("A3", "管行业必须管安全、管业务必须管安全责任落实", 5, "部门领导班子安全生产责任分工明确并落实的得满分。"),
        ]),
        ("行业监管", 35, [
            computed("B1", "监管行业领域隐患按期整改率", 15, "hazards_on_time", full=0.95, zero=0.6),
            computed("B2", "监管行业领域重大隐患销号率", 10, "major_hazards_closed", zero=0.5),
            computed("B3", "监管企业隐患月度自查自报率", 10, "self_report_rate", full=0.95, zero=0.5),
        ]),
        ("监督检查", 25, [
            computed("C1", "部门领导班子成员安全生产检查任务完成率", 15, "inspection_quota", zero=0.5),
            computed("C2", "巡查发现问题整改率", 5, "patrol_findings_rectified", zero=0.5),
            manual("C3", "执法检查和行政处罚", 5, "按计划开展执法检查、依法处罚违法行为的得满分。"),
        ]),
        ("事故控制", 10, [
            manual("D1", "行业领域事故查处和整改评估", 10, "事故按期结案、整改评估按期开展的得满分，否则酌情扣分。"),
            fatal_deduction("D2", "考核期"),
            no_excellence("D3", by_code=False),
            unqualified("D4"),
        ]),
        ("基础工作", 10, [
            manual("E1", "宣传培训和应急演练", 5, "按计划开展宣传培训和应急演练的得满分。"),
            manual("E2", "信息报送和统计分析", 5, "按时报送信息、开展月度分析的得满分。"),
            bonus("E3", "创新工作和上级表彰加分", 5, "工作经验被上级推广或获上级表彰的，每项加1至2分，最多加5分。"),
        ]),
    ],
}

DEPARTMENT_ANNUAL = {
    "name": "安委会成员单位安全生产年度考核细则",
    "target_kind": "department",
    "period_kind": "annual",
    "categories": [
        ("季度考核", 40, [
            computed("Q1", "季度考核平均得分", 40, "quarterly_average",
                     guidance="按当年已定稿季度考核得分的平均值占季度满分的比例计分。"),
        ]),
        ("组织领导", 15, [
            computed("A1", "部门安全生产会议按规定召开", 5, "meetings_held", zero=0.5),
            computed("A2", "部门安全生产权力和责任清单细化梳理并按期公布", 10, "lists_published_on_time"),
        ]),
        ("行业监管", 15, [
            computed("B1", "监管行业领域隐患按期整改率", 5, "hazards_on_time", full=0.95, zero=0.6),
            computed("B2", "监管行业领域重大隐患销号率", 5, "major_hazards_closed", zero=0.5),
            computed("B3", "监管企业隐患月度自查自报率", 5, "self_report_rate", full=0.95, zero=0.5),
        ]),
        ("监督检查", 15, [
            computed("C1", "部门领导班子成员安全生产检查任务完成率", 10, "inspection_quota", zero=0.5),
            computed("C2", "巡查发现问题整改率", 5, "patrol_findings_rectified", zero=0.5),
        ]),
        ("年终考评", 15, [
            manual("Y1", "年度安全生产工作要点和重点任务完成情况", 10, "对照年度工作要点逐项核查，未完成的每项扣1分。"),
            manual("Y2", "安全生产大检查和专项整治行业牵头任务完成情况", 5, "牵头任务完成情况。"),
            bonus("Y3", "创新工作和上级表彰加分", 5, "工作经验被上级推广或获上级表彰的，每项加1至2分，最多加5分。"),
        ]),
        ("事故控制（扣分和一票否决）", 0, [
            fatal_deduction("D1", "年度"),
            deaths_deduction("D2"),
            no_excellence("D3", by_code=False),
            unqualified("D4"),
        ]),
    ],
}

SCHEMES = (GOVERNMENT_QUARTERLY, GOVERNMENT_ANNUAL, DEPARTMENT_QUARTERLY, DEPARTMENT_ANNUAL)


def load(apps, schema_editor):
    Scheme = apps.get_model("assessments", "AssessmentScheme")
    Category = apps.get_model("assessments", "SchemeCategory")
    Indicator = apps.get_model("assessments", "Indicator")
    GradeBand = apps.get_model("assessments", "GradeBand")
    for spec in SCHEMES:
        if Scheme.objects.filter(jurisdiction__isnull=True, name=spec["name"]).exists():
            continue
        scheme = Scheme.objects.create(
            name=spec["name"],
            jurisdiction=None,
            target_kind=spec["target_kind"],
            period_kind=spec["period_kind"],
            version=1,
            total_points=100,
            basis=BASIS,
            is_active=True,
        )
        for position, (name, points, indicators) in enumerate(spec["categories"], start=1):
            category = Category.objects.create(scheme=scheme, name=name, max_points=points, position=position * 10)
            Indicator.objects.bulk_create(
                [Indicator(category=category, position=i * 10, **fields) for i, fields in enumerate(indicators, start=1)]
            )
        GradeBand.objects.bulk_create([GradeBand(scheme=scheme, grade=grade, min_total=total) for grade, total in BANDS])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_assessments")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
