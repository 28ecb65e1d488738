"""Static texts of the inspections demo (泉州市): summaries, what inspectors write next to a
failed checklist item, places inspected without an enterprise, and the problems a quarterly
supervision round lists."""

SEED = 20260600

SUMMARIES = {
    "leader": [
        "带队深入企业一线，听取企业安全生产工作汇报，查看生产现场，对发现的问题当场提出整改要求。",
        "采取“四不两直”方式暗查暗访，重点检查主体责任落实和隐患排查治理情况。",
        "检查节前安全生产工作，要求企业绷紧安全弦，落实领导带班和值班值守制度。",
        "督导企业开展安全生产大排查大整治，强调压实全员安全生产责任。",
    ],
    "special": [
        "开展行业领域专项检查，对照检查表逐项核查，现场反馈检查意见。",
        "围绕有限空间、动火作业等危险作业开展专项检查。",
        "联合开展消防安全专项检查，重点检查疏散通道和消防设施。",
    ],
    "enforcement": [
        "依法开展执法检查，现场制作检查记录，对违法行为责令限期改正。",
        "按年度监督检查计划实施执法检查，检查企业安全管理台账和现场作业。",
        "开展重点企业执法检查，复查前期隐患整改情况。",
    ],
    "campaign": [
        "按照安全生产大检查工作部署，开展行业部门检查，聘请专家参与。",
        "大检查属地督查阶段，督促企业完成自查自改。",
    ],
    "random_draw": ["按双随机抽查结果实施检查，检查结果依法公示。"],
    "quarterly_supervision": ["季度安全生产综合督查：查阅资料、听取汇报、随机抽查企业。"],
}
#: Appended to a failed checklist item: what was seen, where.
OBSERVATIONS = [
    "现场检查发现{where}存在问题，需立即整改",
    "{where}未落实，企业未能提供相关记录",
    "{where}部分落实，仍有{n}处不符合要求",
    "{where}检查不合格，已责令限期整改",
    "{where}存在{n}处问题，现场拍照取证",
]
WHERE = ["一车间", "二车间", "三号厂房", "成品仓库", "原料仓库", "配电房", "员工宿舍区", "办公楼", "生产区", "装卸区", "锅炉房", "污水处理站"]
#: Inspections of a place rather than an enterprise.
PLACES = [
    "城区燃气管网及调压站",
    "汛期地质灾害隐患点",
    "中心城区在建工地周边道路",
    "农村自建房集中区域",
    "镇区人员密集场所",
    "渔港码头及停泊渔船",
    "旅游景区游客集散点",
]
#: One free finding filed, word for word, at three different enterprises (a formalism flag).
COPIED_FINDING = "企业安全生产责任制不健全，未按规定开展安全生产教育培训，隐患排查治理台账记录不完整。"
ROUND_PROBLEMS = [
    "部分乡镇安全生产“党政同责、一岗双责”责任清单未及时更新。",
    "重大事故隐患挂牌督办整改进度滞后，未按期销号。",
    "行业部门安全生产执法检查计划执行率偏低。",
    "乡镇安监站人员配备不足，网格员履职记录不完整。",
    "企业安全生产大检查“回头看”工作不扎实，部分企业自查流于形式。",
]
FEEDBACK = [
    "已组织专题会议研究部署，责任清单已全部更新并公示。",
    "已督促企业加快整改进度，整改完成后组织验收销号。",
    "已调整执法检查计划，增派执法力量，确保年底前完成。",
]
