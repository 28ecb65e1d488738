"""Demo data: power-and-responsibility lists (权力和责任清单).

Every list-keeping organization of the demo city gets a list in some state, planned from a
random generator seeded per organization (the same plan on every run):

* most have a published list, some of them two published versions (so a diff shows);
* some are revising their list: a new version drafted, submitted (with or without one office's
  approval), returned with a comment, or approved and waiting to be published;
* a few have a first list still in progress or none at all, and are late against the
  publication deadline set for the current year.

Items come from templates per organization kind and function (8–20 each), in Chinese with
their legal basis. An organization that already has any list version is left alone, so a
second run creates nothing and work done in the demo is never overwritten.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from responsibility.choices import (
    LIST_KEEPING_KINDS,
    PowerCategory,
    PowerItemKind,
    PowerListStatus,
    ReviewDecision,
    ReviewOffice,
)
from responsibility.demo import data
from responsibility.models import (
    Jurisdiction,
    PowerListItem,
    PowerListReview,
    PowerListVersion,
    PublicationDeadline,
)

P, R = PowerItemKind.POWER, PowerItemKind.RESPONSIBILITY
LIC, PEN, COE, INS, CON, OTH = (
    PowerCategory.LICENSING,
    PowerCategory.PENALTY,
    PowerCategory.COERCION,
    PowerCategory.INSPECTION,
    PowerCategory.CONFIRMATION,
    PowerCategory.OTHER,
)
S = PowerListStatus

LAW = "《中华人民共和国安全生产法》"
RULE = "《地方党政领导干部安全生产责任制规定》"
LOCAL = "《泉州市党委政府及其部门安全生产权力和责任清单明细》"

# (kind, category, title, content, legal basis, responsible unit); "{S}" is the organization's
# short name.
Item = tuple[str, str, str, str, str, str]

PARTY_COMMITTEE: list[Item] = [
    (R, "", "贯彻落实党中央和上级党委关于安全生产的决策部署", "认真贯彻落实党中央和上级党委关于安全生产的决策部署和指示精神，安全生产工作中的重大问题及时向上级党委报告。", f"{RULE}第五条第一项", "{S}办公室"),
    (R, "", "把安全生产纳入党委议事日程", "党委常委会每年至少两次听取安全生产工作汇报，定期分析安全生产形势，研究解决重大问题。", f"{RULE}第五条第二项", "{S}办公室"),
    (R, "", "把安全生产纳入党委常委会及其成员职责清单", "明确党委常委会成员安全生产工作职责，督促落实“一岗双责”。", f"{RULE}第五条第三项", "{S}办公室"),
    (R, "", "把安全生产纳入经济社会发展总体布局", "推动安全生产与经济社会同步规划、同步部署、同步推进。", f"{RULE}第五条第四项", "{S}办公室"),
    (R, "", "把安全生产纳入领导干部考核评价体系", "将安全生产工作情况作为领导班子和领导干部工作实绩评价的重要内容。", f"{RULE}第五条第五项", "{S}组织部"),
    (R, "", "把安全生产纳入党政领导干部培训内容", "将安全生产法律法规和安全生产知识纳入党委理论学习中心组学习和干部培训。", f"{RULE}第五条第六项", "{S}组织部"),
    (R, "", "推动组织、宣传、政法、机构编制等单位支持保障安全生产工作", "督促党委有关部门按照职责做好安全生产相关工作。", f"{RULE}第五条", "{S}办公室"),
    (R, "", "支持政府加强安全生产监管执法力量建设", "推动落实安全生产监管执法机构、人员编制和经费保障。", "《中共中央 国务院关于推进安全生产领域改革发展的意见》", "{S}编办"),
    (R, "", "落实安全生产“党政同责、一岗双责、齐抓共管、失职追责”", "建立健全党委领导、政府监管、行业自律、社会监督的安全生产工作格局。", f"{LAW}第三条；{RULE}第三条", "{S}办公室"),
    (R, "", "依规依纪追究安全生产失职失责党员领导干部责任", "对发生生产安全事故负有责任的党员领导干部依规依纪严肃追责问责。", f"《中国共产党问责条例》第七条；{RULE}第十八条", "{S}纪委监委"),
]

GOVERNMENT: list[Item] = [
    (R, "", "贯彻落实国家和上级政府关于安全生产的决策部署", "全面落实安全生产法律法规和上级政府工作部署，及时研究解决安全生产重大问题。", f"{RULE}第六条第一项", "{S}办公室"),
    (R, "", "把安全生产纳入国民经济和社会发展规划", "编制并组织实施安全生产规划，推动安全生产基础设施建设。", f"{LAW}第八条", "{S}发展改革部门"),
    (R, "", "组织制定政府领导干部年度安全生产重点工作责任清单", "明确政府领导干部年度安全生产重点工作任务，定期检查考核。", f"{RULE}第六条第二项", "{S}办公室"),
    (R, "", "将安全生产专项资金列入本级财政预算", "保障安全生产监管执法、隐患治理、应急救援等所需经费。", f"{RULE}第六条第三项", "{S}财政部门"),
    (R, "", "领导本级安全生产委员会工作", "健全安委会工作机制，统筹协调解决安全生产重大问题。", f"{RULE}第六条第四项", "{S}安委会办公室"),
    (R, "", "组织开展安全生产巡查和考核", "对下级政府和本级负有安全生产监督管理职责的部门开展巡查和考核。", f"{RULE}第六条第五项", "{S}安委会办公室"),
    (R, "", "明确各部门安全生产监督管理职责", "按照“三管三必须”要求明确部门职责，消除监管盲区。", f"{LAW}第十条", "{S}编办"),
    (R, "", "构建安全风险分级管控和隐患排查治理双重预防机制", "组织有关部门加强安全风险辨识管控和重大事故隐患排查治理。", f"{LAW}第八条", "{S}安委会办公室"),
    (R, "", "组织开展安全生产大检查", "组织有关部门按照职责分工对本行政区域内容易发生重大生产安全事故的生产经营单位进行严格检查。", f"{LAW}第六十三条", "{S}安委会办公室"),
    (R, "", "组织制定并实施生产安全事故应急救援预案", "建立应急救援体系，组织开展应急演练。", f"{LAW}第八十条；《生产安全事故应急条例》第五条", "{S}应急管理部门"),
    (P, OTH, "对生产安全事故调查报告作出批复", "对本级人民政府负责调查的生产安全事故调查报告依法作出批复。", "《生产安全事故报告和调查处理条例》第三十二条", "{S}办公室"),
    (P, OTH, "依法关闭不具备安全生产条件的生产经营单位", "对经停产停业整顿仍不具备安全生产条件的生产经营单位予以关闭。", f"{LAW}第一百一十三条", "{S}办公室"),
    (R, "", "加强安全生产监管执法能力建设", "加强安全生产监管执法机构和队伍建设，保障执法装备。", f"{LAW}第九条", "{S}应急管理部门"),
]

TOWNSHIP_PARTY: list[Item] = [
    (R, "", "贯彻落实上级党委关于安全生产的决策部署", "及时传达学习上级安全生产工作部署，结合实际抓好落实。", f"{RULE}第二十三条（参照执行）", "{S}党政办"),
    (R, "", "定期研究安全生产工作", "党委会议每季度至少研究一次安全生产工作。", f"{RULE}第五条（参照执行）", "{S}党政办"),
    (R, "", "明确党委班子成员安全生产工作职责", "落实班子成员“一岗双责”，分片包村抓安全。", f"{RULE}第三条（参照执行）", "{S}党政办"),
    (R, "", "把安全生产纳入乡镇干部考核", "将安全生产工作情况纳入乡镇干部和村（社区）干部年度考核。", f"{RULE}第五条第五项（参照执行）", "{S}党建办"),
    (R, "", "加强村（社区）安全生产组织建设", "指导村（社区）配备安全员，建立网格化安全管理队伍。", "《福建省安全生产条例》", "{S}党建办"),
    (R, "", "组织开展安全生产宣传教育", "组织党员干部学习安全生产法律法规，开展“安全生产月”活动。", f"{LAW}第十三条", "{S}宣传委员"),
    (R, "", "支持乡镇政府履行安全生产监管职责", "保障乡镇安全生产监管机构人员和工作经费。", f"{LAW}第九条", "{S}党政办"),
    (R, "", "对安全生产失职失责问题追责问责", "配合上级纪检监察机关对安全生产失职失责问题开展调查处理。", "《中国共产党问责条例》第七条", "{S}纪委"),
    (R, "", "落实网格化安全监管总督导员职责", "党委书记任网格总督导员，督促各级网格督导员履职。", f"{LOCAL}", "{S}党政办"),
]

TOWNSHIP_GOVERNMENT: list[Item] = [
    (R, "", "明确负责安全生产监督管理的工作机构及其职责", "设立安全生产监督管理站，配齐配强监管力量。", f"{LAW}第九条第二款", "{S}党政办"),
    (P, INS, "对本行政区域内生产经营单位安全生产状况进行监督检查", "按照职责对辖区生产经营单位开展安全生产检查，督促整改事故隐患。", f"{LAW}第九条第二款", "{S}安监站"),
    (R, "", "协助县级有关部门依法履行安全生产监督管理职责", "配合县级部门开展执法检查、专项整治和事故调查。", f"{LAW}第九条第二款", "{S}安监站"),
    (R, "", "组织开展安全生产隐患排查治理", "建立隐患排查治理台账，对重大事故隐患实行挂包整改。", f"{LAW}第四十一条", "{S}安监站"),
    (R, "", "组织制定乡镇生产安全事故应急救援预案", "建立应急救援队伍，定期组织应急演练。", f"{LAW}第八十一条", "{S}应急办"),
    (R, "", "落实安全生产网格化监管", "划分安全生产网格，明确各级网格督导员和监管对象。", f"{LOCAL}", "{S}安监站"),
    (R, "", "开展安全生产宣传教育培训", "组织辖区生产经营单位主要负责人和村（社区）安全员培训。", f"{LAW}第十三条", "{S}安监站"),
    (R, "", "及时报告生产安全事故", "接到事故报告后按规定向县级人民政府和有关部门报告，并组织先期处置。", "《生产安全事故报告和调查处理条例》第九条", "{S}党政办"),
    (R, "", "保障安全生产工作经费", "将安全生产工作经费列入乡镇财政预算。", f"{RULE}第六条第三项（参照执行）", "{S}财政所"),
    (R, "", "督促村（社区）落实安全生产工作", "指导村（社区）开展安全巡查，发现隐患及时报告。", "《福建省安全生产条例》", "{S}安监站"),
]

TOWNSHIP_STATION: list[Item] = [
    (P, INS, "辖区生产经营单位安全生产日常检查", "按照年度检查计划对辖区生产经营单位开展日常巡查检查。", f"{LAW}第九条第二款", "{S}"),
    (R, "", "建立辖区生产经营单位安全生产基础台账", "掌握辖区企业底数，动态更新“一企一档”。", f"{LOCAL}", "{S}"),
    (R, "", "督促生产经营单位整改事故隐患", "对检查发现的事故隐患下达整改通知并跟踪复查。", f"{LAW}第四十一条", "{S}"),
    (R, "", "落实网格化安全监管", "指导二级、三级网格督导员开展巡查，汇总网格信息。", f"{LOCAL}", "{S}"),
    (R, "", "开展安全生产宣传培训", "组织村（社区）安全员和企业负责人培训。", f"{LAW}第十三条", "{S}"),
    (R, "", "报告生产安全事故和重大事故隐患", "发现重大事故隐患或者发生事故的，立即向乡镇政府和县级有关部门报告。", "《生产安全事故报告和调查处理条例》第九条", "{S}"),
    (R, "", "协助开展执法检查和专项整治", "配合县级有关部门开展执法检查、打非治违和专项整治。", f"{LAW}第九条第二款", "{S}"),
    (R, "", "管理村（社区）安全员队伍", "组织村（社区）安全员履职考核。", "《福建省安全生产条例》", "{S}"),
    (R, "", "参与生产安全事故应急处置", "事故发生后第一时间赶赴现场，协助开展先期处置。", f"{LAW}第八十三条", "{S}"),
]

DEPARTMENT_COMMON: list[Item] = [
    (R, "", "负责本行业领域安全生产监督管理工作", "按照“管行业必须管安全、管业务必须管安全、管生产经营必须管安全”的要求，将安全生产纳入本行业领域规划和年度工作，同部署、同检查、同考核。", f"{LAW}第三条、第十条；{RULE}第十条", "{S}"),
    (R, "", "督促指导本行业领域生产经营单位落实安全生产主体责任", "督促生产经营单位建立健全全员安全生产责任制，加大安全投入，开展安全生产标准化建设。", f"{LAW}第四条、第二十一条", "{S}"),
    (R, "", "组织开展本行业领域安全生产检查和隐患排查治理", "建立安全风险分级管控和隐患排查治理双重预防机制，重大事故隐患挂牌督办。", f"{LAW}第四十一条", "{S}"),
    (R, "", "参与本行业领域生产安全事故应急救援和调查处理", "按照职责参与事故应急救援，配合事故调查，督促落实整改措施。", f"{LAW}第八十二条、第八十六条", "{S}"),
    (R, "", "开展本行业领域安全生产宣传教育和培训", "组织开展“安全生产月”等宣传活动和从业人员安全培训。", f"{LAW}第十三条", "{S}"),
    (R, "", "落实本单位安全生产“一岗双责”", "领导班子成员对分管领域安全生产工作负领导责任。", f"{RULE}第三条", "{S}"),
    (R, "", "及时报送本行业领域安全生产信息", "按月向本级安委会办公室报送安全生产工作情况和隐患排查治理情况。", f"{LOCAL}", "{S}办公室"),
]

PARTY_DEPARTMENT_COMMON: list[Item] = [
    (R, "", "落实本单位安全生产“一岗双责”", "领导班子成员对分管领域安全生产工作负领导责任。", f"{RULE}第三条", "{S}"),
    (R, "", "建立健全本单位安全生产责任制", "明确单位内部安全生产责任，落实办公场所安全管理。", f"{LAW}第四条", "{S}办公室"),
    (R, "", "做好本单位办公场所消防和用电安全", "定期检查办公场所消防设施和用电安全。", "《中华人民共和国消防法》第十六条", "{S}办公室"),
    (R, "", "组织本单位干部职工参加安全生产教育培训", "将安全生产知识纳入本单位学习计划。", f"{LAW}第十三条", "{S}"),
    (R, "", "配合开展安全生产巡查、考核工作", "按照本级安委会安排参加安全生产巡查和考核。", f"{RULE}第十三条", "{S}"),
    (R, "", "在本系统宣传贯彻安全生产法律法规", "组织本系统学习宣传安全生产法律法规和政策。", f"{LAW}第十三条", "{S}"),
]

SPECIFIC: dict[str, list[Item]] = {
    "emergency": [
        (P, LIC, "危险化学品经营许可", "对经营危险化学品的企业（不含仓储经营）核发危险化学品经营许可证。", "《危险化学品安全管理条例》第三十三条、第三十五条", "{S}危险化学品安全监督管理科"),
        (P, LIC, "烟花爆竹经营（零售）许可", "对烟花爆竹零售经营者核发零售许可证。", "《烟花爆竹安全管理条例》第十六条、第十九条", "{S}危险化学品安全监督管理科"),
        (P, PEN, "对未依法进行安全评价的行政处罚", "对未按照规定对矿山、金属冶炼建设项目或者用于生产、储存、装卸危险物品的建设项目进行安全评价的生产经营单位予以处罚。", f"{LAW}第九十八条第一项", "{S}综合执法大队"),
        (P, PEN, "对未按照规定设置安全生产管理机构或者配备安全生产管理人员的行政处罚", "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿。", f"{LAW}第九十七条第一项", "{S}综合执法大队"),
        (P, PEN, "对未如实记录安全生产教育和培训情况的行政处罚", "", f"{LAW}第九十七条第四项", "{S}综合执法大队"),
        (P, PEN, "对未建立事故隐患排查治理制度的行政处罚", "对未建立事故隐患排查治理制度，或者重大事故隐患排查治理情况未按照规定报告的生产经营单位予以处罚。", f"{LAW}第一百零一条第五项", "{S}综合执法大队"),
        (P, PEN, "对生产经营单位未采取措施消除事故隐患的行政处罚", "", f"{LAW}第一百零二条", "{S}综合执法大队"),
        (P, PEN, "对生产经营单位主要负责人未履行安全生产管理职责的行政处罚", "", f"{LAW}第九十四条、第九十五条", "{S}综合执法大队"),
        (P, COE, "查封、扣押不符合保障安全生产标准的设施、设备、器材", "对有根据认为不符合保障安全生产的国家标准或者行业标准的设施、设备、器材以及违法生产、储存、使用、经营的危险物品予以查封或者扣押。", f"{LAW}第六十五条第一款第四项", "{S}综合执法大队"),
        (P, COE, "对拒不执行停产停业决定的生产经营单位通知停止供电", "对存在重大事故隐患、拒不执行停产停业决定的生产经营单位，通知有关单位停止供电、停止供应民用爆炸物品。", f"{LAW}第七十条", "{S}综合执法大队"),
        (P, INS, "安全生产监督检查", "进入生产经营单位进行检查，调阅有关资料，向有关单位和人员了解情况。", f"{LAW}第六十五条第一款第一项", "{S}综合执法大队"),
        (P, OTH, "组织一般生产安全事故调查", "按照本级人民政府授权或者委托组织一般生产安全事故调查。", "《生产安全事故报告和调查处理条例》第十九条", "{S}调查评估和统计科"),
        (R, "", "承担本级安全生产委员会办公室日常工作", "组织协调安全生产巡查、考核和重大事故隐患挂牌督办。", f"{LAW}第十条", "{S}综合协调科"),
        (R, "", "对工贸、危险化学品、烟花爆竹行业实施安全生产监督管理", "", f"{LAW}第十条第一款", "{S}安全生产基础科"),
        (R, "", "组织编制生产安全事故应急救援预案并组织演练", "", f"{LAW}第八十条；《生产安全事故应急条例》第五条", "{S}应急指挥科"),
    ],
    "housing": [
        (P, LIC, "建筑工程施工许可", "对符合条件的房屋建筑和市政基础设施工程核发施工许可证。", "《中华人民共和国建筑法》第七条", "{S}建筑业管理科"),
        (P, PEN, "对施工单位未设立安全生产管理机构、配备专职安全生产管理人员的行政处罚", "", "《建设工程安全生产管理条例》第六十二条第一项", "{S}建设工程安全监督站"),
        (P, PEN, "对施工单位挪用安全生产费用的行政处罚", "对挪用列入建设工程概算的安全生产作业环境及安全施工措施所需费用的施工单位予以处罚。", "《建设工程安全生产管理条例》第六十三条", "{S}建设工程安全监督站"),
        (P, PEN, "对建设单位未提供安全施工措施所需费用的行政处罚", "", "《建设工程安全生产管理条例》第五十四条", "{S}建设工程安全监督站"),
        (P, OTH, "建筑起重机械使用登记", "", "《建设工程安全生产管理条例》第三十五条；《建筑起重机械安全监督管理规定》第十七条", "{S}建设工程安全监督站"),
        (P, INS, "建筑施工安全监督检查", "对在建房屋建筑和市政基础设施工程开展安全生产监督检查。", "《建设工程安全生产管理条例》第四十三条", "{S}建设工程安全监督站"),
        (R, "", "负责房屋建筑和市政基础设施工程施工安全监督管理", "", "《建设工程安全生产管理条例》第三十九条", "{S}建设工程安全监督站"),
        (R, "", "负责既有房屋安全管理的指导和监督", "组织开展既有房屋安全隐患排查整治。", "《城市危险房屋管理规定》第四条", "{S}房屋安全管理科"),
    ],
    "transport": [
        (P, LIC, "道路旅客运输经营许可", "", "《中华人民共和国道路运输条例》第十条", "{S}运输管理科"),
        (P, LIC, "道路危险货物运输许可", "", "《中华人民共和国道路运输条例》第二十四条", "{S}运输管理科"),
        (P, PEN, "对道路运输企业未按规定配备专职安全管理人员的行政处罚", "", "《中华人民共和国道路运输条例》第七十一条", "{S}交通综合执法大队"),
        (P, INS, "道路运输和港口安全监督检查", "", "《中华人民共和国道路运输条例》第五十九条；《中华人民共和国港口法》第三十三条", "{S}交通综合执法大队"),
        (R, "", "负责道路、水路运输和港口安全监督管理", "", f"{LAW}第十条第二款", "{S}安全监督科"),
        (R, "", "负责公路水运工程建设施工安全监督管理", "", "《公路水运工程安全生产监督管理办法》第四条", "{S}工程建设科"),
    ],
    "public_security": [
        (P, LIC, "民用爆炸物品购买许可", "", "《民用爆炸物品安全管理条例》第二十一条", "{S}治安管理大队"),
        (P, LIC, "烟花爆竹道路运输许可", "", "《烟花爆竹安全管理条例》第二十二条", "{S}治安管理大队"),
        (P, LIC, "剧毒化学品购买许可", "", "《危险化学品安全管理条例》第三十八条", "{S}治安管理大队"),
        (P, PEN, "对违反道路交通安全法律法规行为的行政处罚", "", "《中华人民共和国道路交通安全法》第八十七条", "{S}交通警察大队"),
        (R, "", "负责道路交通安全管理", "", "《中华人民共和国道路交通安全法》第五条", "{S}交通警察大队"),
        (R, "", "负责民用爆炸物品公共安全管理", "", "《民用爆炸物品安全管理条例》第四条", "{S}治安管理大队"),
    ],
    "fire": [
        (P, LIC, "公众聚集场所投入使用、营业前消防安全检查", "", "《中华人民共和国消防法》第十五条", "{S}防火监督科"),
        (P, PEN, "对消防设施、器材配置不符合标准的行政处罚", "", "《中华人民共和国消防法》第六十条第一款第一项", "{S}防火监督科"),
        (P, COE, "对危及公共安全的场所实施临时查封", "", "《中华人民共和国消防法》第五十四条、第七十条", "{S}防火监督科"),
        (P, INS, "消防监督检查", "", "《中华人民共和国消防法》第五十三条", "{S}防火监督科"),
        (R, "", "负责消防工作监督管理", "", "《中华人民共和国消防法》第四条", "{S}"),
        (R, "", "负责火灾事故调查", "", "《中华人民共和国消防法》第五十一条", "{S}火灾调查科"),
    ],
    "market": [
        (P, LIC, "特种设备使用登记", "", "《中华人民共和国特种设备安全法》第三十三条", "{S}特种设备安全监察科"),
        (P, PEN, "对使用未经检验或者检验不合格的特种设备的行政处罚", "", "《中华人民共和国特种设备安全法》第八十四条", "{S}综合执法大队"),
        (P, COE, "查封、扣押存在严重事故隐患的特种设备", "", "《中华人民共和国特种设备安全法》第六十一条", "{S}综合执法大队"),
        (P, INS, "特种设备安全监督检查", "", "《中华人民共和国特种设备安全法》第五十七条", "{S}特种设备安全监察科"),
        (R, "", "负责特种设备安全监督管理", "", "《中华人民共和国特种设备安全法》第五条", "{S}特种设备安全监察科"),
        (R, "", "负责工业产品质量安全监督管理", "", "《中华人民共和国产品质量法》第八条", "{S}产品质量安全监督管理科"),
    ],
    "education": [
        (R, "", "负责学校、幼儿园安全管理工作的指导和监督", "", "《中小学幼儿园安全管理办法》第六条", "{S}安全稳定科"),
        (R, "", "负责校车安全管理有关工作", "", "《校车安全管理条例》第五条", "{S}安全稳定科"),
        (R, "", "指导学校开展安全教育和应急疏散演练", "", "《中小学幼儿园安全管理办法》第三十九条", "{S}安全稳定科"),
        (P, INS, "学校安全检查", "", "《中小学幼儿园安全管理办法》第十四条", "{S}安全稳定科"),
    ],
    "industry": [
        (R, "", "负责工业和信息化领域行业安全生产管理", "", f"{LAW}第十条第二款", "{S}"),
        (R, "", "负责民用爆炸物品生产、销售的安全监督管理", "", "《民用爆炸物品安全管理条例》第四条", "{S}"),
        (P, LIC, "民用爆炸物品销售许可", "", "《民用爆炸物品安全管理条例》第十八条", "{S}"),
    ],
    "natural_resources": [
        (P, LIC, "采矿许可", "", "《中华人民共和国矿产资源法》第三条、第十六条", "{S}矿产资源管理科"),
        (P, PEN, "对无证开采或者越界开采的行政处罚", "", "《中华人民共和国矿产资源法》第三十九条、第四十条", "{S}执法监察大队"),
        (R, "", "负责地质灾害防治的组织、协调、指导和监督", "", "《地质灾害防治条例》第七条", "{S}地质灾害防治科"),
    ],
    "ecology": [
        (R, "", "负责危险废物收集、贮存、处置的监督管理", "", "《中华人民共和国固体废物污染环境防治法》第九条", "{S}固体废物与化学品科"),
        (P, PEN, "对未按照规定贮存、处置危险废物的行政处罚", "", "《中华人民共和国固体废物污染环境防治法》第一百一十二条", "{S}生态环境综合执法大队"),
        (R, "", "负责辐射安全监督管理", "", "《放射性同位素与射线装置安全和防护条例》第三条", "{S}辐射安全科"),
    ],
    "water": [
        (R, "", "负责水利工程建设和运行安全监督管理", "", "《水库大坝安全管理条例》第四条", "{S}运行管理科"),
        (P, INS, "水利工程安全检查", "", "《水利工程建设安全生产管理规定》第二十八条", "{S}运行管理科"),
        (R, "", "负责农村水电站安全监督管理", "", "《水利工程建设安全生产管理规定》第四条", "{S}农村水电科"),
    ],
    "agriculture": [
        (P, LIC, "拖拉机、联合收割机登记", "", "《农业机械安全监督管理条例》第二十一条", "{S}农机管理科"),
        (P, PEN, "对渔业船舶未经检验擅自下水作业的行政处罚", "", "《中华人民共和国渔业船舶检验条例》第三十二条", "{S}农业综合执法大队"),
        (R, "", "负责渔业船舶和农业机械安全监督管理", "", "《农业机械安全监督管理条例》第四条", "{S}渔业渔政科"),
    ],
    "culture": [
        (R, "", "负责旅游安全监督管理", "", "《中华人民共和国旅游法》第七十六条", "{S}市场管理科"),
        (P, INS, "对文化娱乐场所和A级旅游景区的安全检查", "", "《娱乐场所管理条例》第三十四条", "{S}文化市场综合执法大队"),
        (R, "", "负责文物建筑消防安全的指导和监督", "", "《中华人民共和国文物保护法》第九条", "{S}文物保护科"),
    ],
    "health": [
        (R, "", "负责医疗卫生机构安全生产管理", "", "《医疗机构管理条例》第五条", "{S}"),
        (R, "", "负责职业病防治的监督管理", "", "《中华人民共和国职业病防治法》第九条", "{S}职业健康科"),
        (P, PEN, "对用人单位违反职业病防治规定的行政处罚", "", "《中华人民共和国职业病防治法》第七十一条", "{S}卫生监督所"),
    ],
    "forestry": [
        (R, "", "负责森林防火的监督和管理", "", "《森林防火条例》第五条", "{S}森林防火科"),
        (P, PEN, "对森林防火期内擅自野外用火的行政处罚", "", "《森林防火条例》第五十条", "{S}林业执法大队"),
    ],
    "urban": [
        (P, LIC, "燃气经营许可", "", "《城镇燃气管理条例》第十五条", "{S}燃气管理科"),
        (P, PEN, "对燃气经营者未安全稳定供应燃气的行政处罚", "", "《城镇燃气管理条例》第四十六条", "{S}城市管理综合执法大队"),
        (R, "", "负责城镇燃气安全监督管理", "", "《城镇燃气管理条例》第五条", "{S}燃气管理科"),
        (R, "", "负责户外广告设施和市政设施安全管理", "", "《城市道路管理条例》第六条", "{S}市政设施科"),
    ],
    "development_reform": [
        (R, "", "负责电力安全生产有关工作", "", "《电力设施保护条例》第五条", "{S}能源科"),
        (R, "", "将安全生产纳入国民经济和社会发展规划", "", f"{LAW}第八条", "{S}规划科"),
        (R, "", "负责粮食储存安全监督管理", "", "《粮食流通管理条例》第五条", "{S}粮食和物资储备科"),
    ],
    "commerce": [
        (R, "", "负责商贸流通行业安全生产管理", "", f"{LAW}第十条第二款", "{S}"),
        (R, "", "负责成品油流通行业管理", "", "《成品油市场管理办法》", "{S}市场运行科"),
    ],
    "finance": [
        (R, "", "将安全生产监管执法和隐患治理经费列入本级预算", "", f"{RULE}第六条第三项", "{S}预算科"),
        (R, "", "监督安全生产专项资金的使用", "", "《中华人民共和国预算法》第八十七条", "{S}监督检查科"),
    ],
    "civil_affairs": [
        (R, "", "负责养老机构、儿童福利机构等民政服务机构安全管理", "", "《养老机构管理办法》第三十条", "{S}养老服务科"),
        (R, "", "负责殡葬服务机构安全管理", "", "《殡葬管理条例》第四条", "{S}社会事务科"),
    ],
    "human_resources": [
        (R, "", "负责技工院校和职业技能培训机构安全管理", "", "《中华人民共和国职业教育法》", "{S}职业能力建设科"),
        (R, "", "负责工伤保险工作", "", "《工伤保险条例》第五条", "{S}工伤保险科"),
    ],
    # Party departments
    "organization": [
        (R, "", "将安全生产责任制落实情况纳入领导班子和领导干部年度考核", "", f"{RULE}第二十条", "{S}干部科"),
        (R, "", "把安全生产作为干部教育培训的重要内容", "", f"{RULE}第五条第六项", "{S}干部教育科"),
        (R, "", "对安全生产工作成绩突出的领导干部在选拔任用中予以考虑", "", f"{RULE}第二十二条", "{S}干部科"),
    ],
    "propaganda": [
        (R, "", "组织开展安全生产宣传教育和舆论引导", "", f"{LAW}第十三条", "{S}"),
        (R, "", "指导新闻媒体开展安全生产公益宣传和舆论监督", "", f"{LAW}第七十七条", "{S}新闻科"),
    ],
    "political_legal": [
        (R, "", "指导政法各部门依法打击安全生产领域违法犯罪", "", f"{RULE}第七条", "{S}"),
        (R, "", "将安全生产纳入平安建设考评", "", "《健全落实社会治安综合治理领导责任制规定》", "{S}平安建设科"),
    ],
    "united_front": [
        (R, "", "指导非公有制经济组织落实安全生产主体责任", "", f"{RULE}第七条", "{S}经济科"),
        (R, "", "通过工商联、商会开展安全生产宣传", "", f"{LAW}第十三条", "{S}经济科"),
    ],
    "discipline": [
        (R, "", "对安全生产领域失职失责问题进行监督执纪问责", "", f"《中国共产党问责条例》第七条；{RULE}第十八条", "{S}"),
        (R, "", "参与较大以上生产安全事故调查", "依规依纪依法追究有关公职人员责任。", "《生产安全事故报告和调查处理条例》第二十二条", "{S}"),
    ],
    "staffing": [
        (R, "", "明确和调整负有安全生产监督管理职责部门的职责和机构编制", "", f"{RULE}第七条", "{S}"),
        (R, "", "会同安委会办公室审核各部门安全生产权力和责任清单", "", LOCAL, "{S}"),
        (R, "", "保障安全生产监管执法机构人员编制", "", "《中共中央 国务院关于推进安全生产领域改革发展的意见》", "{S}"),
    ],
}

#: Items new versions add when there is nothing left in the organization's templates.
NEW_ITEMS: list[Item] = [
    (R, "", "落实安全生产治本攻坚三年行动任务", "按照本级安委会部署，推进本行业领域安全生产治本攻坚。", "《安全生产治本攻坚三年行动方案（2024—2026年）》", "{S}"),
    (R, "", "推进安全生产“一件事”全链条长效机制建设", "", "《国务院安委会关于加强安全生产“一件事”全链条长效机制建设的意见》", "{S}"),
    (R, "", "开展重大事故隐患专项排查整治", "", "《关于开展重大事故隐患专项排查整治2023行动的通知》", "{S}"),
]

RETURN_COMMENTS = [
    "第3项法律依据引用的条款已修订，请按2021年修正的《中华人民共和国安全生产法》更新。",
    "缺少对本行业领域生产经营单位日常监督检查的事项，请补充。",
    "责任单位表述不规范，请写明具体承办科室或执法队伍。",
    "行政处罚事项请补充裁量基准依据。",
    "与其他部门职责存在交叉，请与相关部门沟通后明确分工（宁可交叉、不留缝隙）。",
    "部分事项内容过于笼统，请细化到可检查、可考核。",
]

# Scenarios: the versions an organization's list has, oldest first.
SCENARIOS: dict[str, list[str]] = {
    "published": ["published"],
    "published2": ["superseded", "published"],
    "rev_draft": ["published", "draft"],
    "rev_submitted": ["published", "submitted"],
    "rev_half": ["published", "half"],  # submitted, one office has approved
    "rev_returned": ["published", "returned"],
    "rev_approved": ["published", "approved"],
    "first_draft": ["draft"],
    "first_submitted": ["submitted"],
    "first_returned": ["returned"],
    "none": [],
}
WEIGHTS = {
    "published": 55, "published2": 17, "rev_draft": 5, "rev_submitted": 4, "rev_half": 3, "rev_returned": 5,
    "rev_approved": 3, "first_draft": 1, "first_submitted": 1, "first_returned": 1, "none": 5,
}
#: Fixed scenarios for the organizations the demo logins work with.
OVERRIDES = {
    ("350500", "party"): "published",
    ("350500", "gov"): "published2",
    ("350500", "dept:emergency"): "published2",
    ("350500", "dept:housing"): "rev_returned",  # the `department` login revises and resubmits it
    ("350500", "dept:transport"): "rev_submitted",  # waits for `staffing` and `office`
    ("350500", "dept:market"): "rev_half",  # the staffing office approved; `office` completes it
    ("350500", "dept:education"): "rev_approved",  # `office` publishes it
    ("350500", "dept:urban"): "none",  # late
    ("350500", "dept:civil_affairs"): "first_draft",  # late
    ("350582", "dept:emergency"): "rev_submitted",  # `county_office` reviews it
    ("350582", "party"): "published2",
}

FIRST_PUBLISHED = (date(2023, 3, 1), date(2024, 12, 31))
SECOND_PUBLISHED = (date(2025, 3, 1), date(2025, 12, 31))
IN_PROGRESS = (date(2026, 6, 1), date(2026, 10, 31))


@dataclass
class PlannedVersion:
    number: int
    status: str
    items: list[Item]
    change_summary: str = ""
    submitted_at: datetime | None = None
    staffing_approved_at: datetime | None = None
    safety_approved_at: datetime | None = None
    published_at: datetime | None = None
    reviews: list[tuple[str, str, str, datetime]] = field(default_factory=list)  # office, decision, comment, at
    short_name: str = ""  # the organization's, for the responsible units
    in_county_office_scope: bool = False  # reviewed by the `county_office` login


def _pool(code: str, key: str, kind: str) -> list[Item]:
    township = len(code) == 9
    if key == "party":
        return TOWNSHIP_PARTY if township else PARTY_COMMITTEE
    if key == "gov":
        return TOWNSHIP_GOVERNMENT if township else GOVERNMENT
    if key == "station":
        return TOWNSHIP_STATION
    function = key.split(":", 1)[1] if key.startswith("dept:") else ""
    common = PARTY_DEPARTMENT_COMMON if kind == "party_department" else DEPARTMENT_COMMON
    return common + SPECIFIC.get(function, [])


def _moment(rng: random.Random, span: tuple[date, date], latest: date) -> datetime:
    start, end = span
    end = min(end, latest)
    start = min(start, end)
    day = start + timedelta(days=rng.randint(0, (end - start).days))
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45)))))


def _revise(rng: random.Random, items: list[Item], pool: list[Item]) -> tuple[list[Item], str]:
    """A new version's items: one removed, one or two added, one reworded."""
    items = list(items)
    notes = []
    if len(items) > 8:
        removed = items.pop(rng.randrange(len(items)))
        notes.append(f"删除“{removed[2]}”")
    unused = [item for item in pool if item not in items] or [item for item in NEW_ITEMS if item not in items]
    for item in rng.sample(unused, min(len(unused), rng.randint(1, 2))):
        items.insert(rng.randint(0, len(items)), item)
        notes.append(f"新增“{item[2]}”")
    index = rng.randrange(len(items))
    kind, category, title, content, basis, unit = items[index]
    content = (content + "并建立工作台账，定期通报。") if content else "明确工作要求，建立工作台账，定期通报。"
    items[index] = (kind, category, title, content, basis, unit)
    notes.append(f"细化“{title}”的内容")
    return items, "；".join(notes) + "。"


def plan_versions(code: str, key: str, kind: str, today: date) -> list[PlannedVersion]:
    """The list versions of one organization; deterministic for (code, key)."""
    rng = random.Random(f"{data.SEED}:power_lists:{code}:{key}")
    scenario = OVERRIDES.get((code, key)) or rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    pool = _pool(code, key, kind)
    size = rng.randint(8, min(20, len(pool))) if len(pool) >= 8 else len(pool)
    items = [pool[i] for i in sorted(rng.sample(range(len(pool)), size))]
    latest_day = today - timedelta(days=3)
    planned: list[PlannedVersion] = []
    for number, state in enumerate(SCENARIOS[scenario], start=1):
        summary = "首次编制。"
        if number > 1:
            items, summary = _revise(rng, items, pool)
        version = PlannedVersion(number=number, status=state, items=items, change_summary=summary)
        if state in ("published", "superseded"):
            span = SECOND_PUBLISHED if number > 1 else FIRST_PUBLISHED
            published = _moment(rng, span, latest_day)
            submitted = published - timedelta(days=rng.randint(20, 50))
            if rng.random() < 0.25:  # a round of revision before approval
                office = rng.choice(ReviewOffice.values)
                version.reviews.append((office, ReviewDecision.RETURN, rng.choice(RETURN_COMMENTS), submitted + timedelta(days=3)))
                submitted += timedelta(days=10)
            version.submitted_at = submitted
            version.staffing_approved_at = submitted + timedelta(days=rng.randint(2, 6))
            version.safety_approved_at = submitted + timedelta(days=rng.randint(3, 9))
            version.published_at = published
            version.status = S.PUBLISHED if state == "published" else S.SUPERSEDED
        elif state in ("submitted", "half", "approved", "returned"):
            submitted = _moment(rng, IN_PROGRESS, latest_day - timedelta(days=10))
            version.submitted_at = submitted
            version.status = S.SUBMITTED
            if state in ("half", "approved"):
                version.staffing_approved_at = submitted + timedelta(days=rng.randint(1, 4))
            if state == "approved":
                version.safety_approved_at = submitted + timedelta(days=rng.randint(2, 6))
                version.status = S.APPROVED
            if state == "returned":
                version.status = S.RETURNED
                office = rng.choice(ReviewOffice.values)
                version.reviews.append((office, ReviewDecision.RETURN, rng.choice(RETURN_COMMENTS), submitted + timedelta(days=4)))
        else:
            version.status = S.DRAFT
        if version.staffing_approved_at:
            version.reviews.append((ReviewOffice.STAFFING, ReviewDecision.APPROVE, "", version.staffing_approved_at))
        if version.safety_approved_at:
            version.reviews.append((ReviewOffice.SAFETY, ReviewDecision.APPROVE, "", version.safety_approved_at))
        planned.append(version)
    return planned


def _deadlines(today: date) -> list[tuple[str, int, date, str]]:
    """(division code, year, deadline, note): the city's for last year and this year, and one
    county's own, earlier, deadline this year (it takes precedence for that county)."""
    year = today.year
    return [
        (data.CITY[0], year - 1, date(year - 1, 3, 31), "上年度清单公布期限"),
        (data.CITY[0], year, date(year, 3, 31), "各级党委政府及其部门权力和责任清单向社会公布"),
        ("350582", year, date(year, 2, 28), "晋江市提前完成公布"),
    ]


def build(ctx) -> None:
    """Idempotent: organizations that already have a list version are left alone."""
    today = timezone.localdate()
    User = get_user_model()
    users = {
        name: ctx.users.get(name) or User.objects.filter(username=name).first()
        for name in ("staffing", "office", "county_office")
    }
    reviewer = {
        ReviewOffice.STAFFING: users["staffing"] or users["office"],
        ReviewOffice.SAFETY: users["office"],
    }
    created = 0
    for code, year, deadline, note in _deadlines(today):
        jurisdiction_id = ctx.jurisdiction_ids.get(code) or Jurisdiction.objects.get(code=code).pk
        _, made = PublicationDeadline.objects.get_or_create(
            jurisdiction_id=jurisdiction_id, year=year, defaults={"deadline": deadline, "note": note}
        )
        created += made
    ctx.created["publication deadlines"] += created

    orgs = [
        (org, ctx.organization_ids[(org.code, org.key)])
        for org in ctx.plan.orgs.values()
        if org.kind in LIST_KEEPING_KINDS and (org.code, org.key) in ctx.organization_ids
    ]
    with_lists = set(
        PowerListVersion.objects.filter(organization_id__in=[pk for _org, pk in orgs]).values_list("organization_id", flat=True)
    )
    versions: list[PowerListVersion] = []
    plans: list[PlannedVersion] = []
    for org, pk in orgs:
        if pk in with_lists:
            continue
        for planned in plan_versions(org.code, org.key, org.kind, today):
            versions.append(
                PowerListVersion(
                    organization_id=pk,
                    number=planned.number,
                    status=planned.status,
                    change_summary=planned.change_summary,
                    submitted_at=planned.submitted_at,
                    staffing_approved_at=planned.staffing_approved_at,
                    safety_approved_at=planned.safety_approved_at,
                    published_at=planned.published_at,
                    published_by=users["office"] if planned.published_at else None,
                    lock_version=len(planned.reviews) + (1 if planned.submitted_at else 0),
                )
            )
            planned.short_name = org.short_name
            planned.in_county_office_scope = org.code.startswith("350582")
            plans.append(planned)
    if not versions:
        ctx.log("  power-and-responsibility lists: nothing to add")
        return
    # SQLite (3.35+) and PostgreSQL return the ids of bulk inserts, which the items need.
    PowerListVersion.objects.bulk_create(versions, batch_size=500)
    items: list[PowerListItem] = []
    reviews: list[tuple[PowerListReview, datetime]] = []
    for version, planned in zip(versions, plans, strict=True):
        for sequence, (kind, category, title, content, basis, unit) in enumerate(planned.items, start=1):
            items.append(
                PowerListItem(
                    version=version, sequence=sequence, kind=kind, category=category, title=title, content=content,
                    legal_basis=basis, responsible_unit=unit.format(S=planned.short_name),
                )
            )
        for office, decision, comment, at in sorted(planned.reviews, key=lambda r: r[3]):
            person = reviewer[office]
            if office == ReviewOffice.SAFETY and planned.in_county_office_scope and users["county_office"]:
                person = users["county_office"]
            review = PowerListReview(version=version, office=office, decision=decision, comment=comment, reviewer=person)
            reviews.append((review, at))
    PowerListItem.objects.bulk_create(items, batch_size=1000)
    PowerListReview.objects.bulk_create([review for review, _at in reviews], batch_size=1000)
    # reviewed_at is auto_now_add, so the insert stamped "now": put the planned times back.
    for review, at in reviews:
        review.reviewed_at = at
    PowerListReview.objects.bulk_update([review for review, _at in reviews], ["reviewed_at"], batch_size=1000)
    ctx.created["power-list versions"] += len(versions)
    ctx.created["power-list items"] += len(items)
    ctx.created["power-list reviews"] += len(reviews)
    ctx.log(f"  power-and-responsibility lists: {len(versions)} versions, {len(items)} items, {len(reviews)} reviews created")
