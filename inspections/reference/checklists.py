"""Seeded checklists (DOMAIN.md §5): one per seeded sector (``responsibility.reference.sectors``)
and a general one after Sanming's notice list of common enterprise violations (seed 001 names
the list — 《三明市企业常见违法风险点行政提示清单（安全生产类）》, 20 points — without its text;
the 20 items below are the common violations of the Work Safety Law such notice lists are made of).

Each item: (requirement, legal basis, severity if failed, hazard category). An item is "major"
when it matches the sector's 重大事故隐患判定标准 named in its legal basis; articles are cited
only where the article is certain, otherwise the law or standard alone.

These are defaults: the office adapts them (a copy in its jurisdiction) or publishes new
versions of its own; the loader never overwrites anything once it exists.
"""

from __future__ import annotations

G, M = "general", "major"
EQUIPMENT, BEHAVIOUR, MANAGEMENT, ENVIRONMENT = "equipment", "behaviour", "management", "environment"

SAFETY_LAW = "《中华人民共和国安全生产法》"
FIRE_LAW = "《中华人民共和国消防法》"
SPECIAL_EQUIPMENT_LAW = "《中华人民共和国特种设备安全法》"
FIRE_OFFICE_RULES = "《机关、团体、企业、事业单位消防安全管理规定》（公安部令第61号）"
FIRE_MAJOR = "《重大火灾隐患判定方法》GB 35181-2017"
CONTROL_ROOM = "《消防控制室通用技术要求》GB 25506-2010"
HAZCHEM_RULES = "《危险化学品安全管理条例》"

INDUSTRY_MAJOR = "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）"
CONSTRUCTION_MAJOR = "《房屋市政工程生产安全重大事故隐患判定标准（2022版）》"
CONSTRUCTION_RULES = "《建设工程安全生产管理条例》"
CHEMICAL_MAJOR = "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）"
FIREWORKS_MAJOR = "《烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）"
MINE_MAJOR = "《金属非金属矿山重大事故隐患判定标准》"
MINE_RULES = "《金属非金属矿山安全规程》GB 16423-2020"
ROAD_MAJOR = "《道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）》"
ROAD_RULES = "《中华人民共和国道路运输条例》"
ROAD_TRAFFIC_LAW = "《中华人民共和国道路交通安全法》"
GAS_MAJOR = "《城镇燃气经营安全重大隐患判定标准》"
GAS_RULES = "《城镇燃气管理条例》"
SPECIAL_EQUIPMENT_MAJOR = "《特种设备重大事故隐患判定准则》GB 45067-2024"
INLAND_WATER_RULES = "《中华人民共和国内河交通安全管理条例》"
FERRY_RULES = "《内河渡口渡船安全管理规定》"
FISHING_INSPECTION_RULES = "《中华人民共和国渔业船舶检验条例》"
FISHING_CREW_RULES = "《中华人民共和国渔业船员管理办法》"
SCHOOL_RULES = "《中小学幼儿园安全管理办法》"
TOURISM_LAW = "《中华人民共和国旅游法》"
MEDICAL_FIRE = "《医疗机构消防安全管理》WS 308-2019"
DAM_RULES = "《水库大坝安全管理条例》"
WATER_WORKS_RULES = "《水利工程建设安全生产管理规定》"
WATER_MAJOR = "《水利工程生产安全重大事故隐患清单指南》"
EXPLOSIVES_RULES = "《民用爆炸物品安全管理条例》"
BLASTING = "《爆破安全规程》GB 6722-2014"
ELDERLY_CARE = "《养老机构服务安全基本规范》GB 38600-2019"

SANMING_LIST = "《三明市企业常见违法风险点行政提示清单（安全生产类）》"

#: The general checklist (no sector): the common violations of the notice list.
COMMON_VIOLATIONS = {
    "sector": None,
    "name": "企业常见安全生产违法行为检查表（20项）",
    "source": f"参照{SANMING_LIST}，按{SAFETY_LAW}整理",
    "items": [
        ("建立健全并落实全员安全生产责任制，制定安全生产规章制度和操作规程", f"{SAFETY_LAW}第四条、第二十一条、第二十二条", G, MANAGEMENT),
        ("按规定设置安全生产管理机构或者配备专职（兼职）安全生产管理人员", f"{SAFETY_LAW}第二十四条", G, MANAGEMENT),
        ("高危行业主要负责人和安全生产管理人员经安全生产知识和管理能力考核合格", f"{SAFETY_LAW}第二十七条", G, MANAGEMENT),
        ("对从业人员（含被派遣劳动者、实习学生）进行安全生产教育和培训，如实记录培训情况", f"{SAFETY_LAW}第二十八条", G, MANAGEMENT),
        ("特种作业人员经专门的安全作业培训，取得相应资格后上岗作业", f"{SAFETY_LAW}第三十条", G, BEHAVIOUR),
        ("保证安全生产资金投入，按规定提取和使用安全生产费用", f"{SAFETY_LAW}第二十三条", G, MANAGEMENT),
        ("有较大危险因素的生产经营场所和设施、设备上设置明显的安全警示标志", f"{SAFETY_LAW}第三十五条", G, ENVIRONMENT),
        ("安全设备的安装、使用、检测、改造和报废符合国家标准或者行业标准，经常性维护、保养并定期检测", f"{SAFETY_LAW}第三十六条", G, EQUIPMENT),
        ("未关闭、破坏直接关系生产安全的监控、报警、防护、救生设备、设施，未篡改、隐瞒、销毁其相关数据、信息", f"{SAFETY_LAW}第三十六条", G, BEHAVIOUR),
        ("未使用国家明令淘汰的危及生产安全的工艺、设备", f"{SAFETY_LAW}第三十八条", G, EQUIPMENT),
        ("重大危险源登记建档，定期检测、评估、监控，制定应急预案并按规定备案", f"{SAFETY_LAW}第四十条", G, MANAGEMENT),
        ("建立安全风险分级管控制度，按照安全风险分级采取相应的管控措施", f"{SAFETY_LAW}第四十一条", G, MANAGEMENT),
        ("建立并落实事故隐患排查治理制度，如实记录隐患排查治理情况并向从业人员通报", f"{SAFETY_LAW}第四十一条", G, MANAGEMENT),
        ("生产、经营、储存、使用危险物品的车间、商店、仓库未与员工宿舍设在同一座建筑物内，与员工宿舍保持安全距离", f"{SAFETY_LAW}第四十二条", G, ENVIRONMENT),
        ("生产经营场所和员工宿舍设有符合紧急疏散要求、标志明显、保持畅通的出口和疏散通道，未占用、锁闭、封堵", f"{SAFETY_LAW}第四十二条", G, ENVIRONMENT),
        ("爆破、吊装、动火、临时用电等危险作业安排专门人员进行现场安全管理", f"{SAFETY_LAW}第四十三条", G, BEHAVIOUR),
        ("为从业人员提供符合国家标准或者行业标准的劳动防护用品，并监督、教育其正确佩戴和使用", f"{SAFETY_LAW}第四十五条", G, EQUIPMENT),
        ("同一作业区域内的生产经营单位签订安全生产管理协议；未将项目、场所、设备发包或出租给不具备安全生产条件或相应资质的单位或个人", f"{SAFETY_LAW}第四十八条、第四十九条", G, MANAGEMENT),
        ("制定生产安全事故应急救援预案，与当地政府预案相衔接，并定期组织演练", f"{SAFETY_LAW}第八十一条", G, MANAGEMENT),
        ("依法参加工伤保险；高危行业领域按规定投保安全生产责任保险", f"{SAFETY_LAW}第五十一条", G, MANAGEMENT),
    ],
}

SECTOR_CHECKLISTS: list[dict] = [
    {
        "sector": "industry_trade",
        "name": "工贸企业安全生产检查表",
        "source": f"依据{INDUSTRY_MAJOR}、《工贸企业粉尘防爆安全规定》、《工贸企业有限空间作业安全规定》等整理",
        "items": [
            ("对承包单位、承租单位的安全生产工作统一协调、管理，并定期进行安全检查", INDUSTRY_MAJOR, M, MANAGEMENT),
            ("特种作业人员（电工、焊工等）经专门培训并取得相应资格后上岗作业", f"{SAFETY_LAW}第三十条；{INDUSTRY_MAJOR}", M, BEHAVIOUR),
            ("对有限空间进行辨识，建立安全管理台账，并设置明显的安全警示标志", f"{INDUSTRY_MAJOR}；《工贸企业有限空间作业安全规定》", M, MANAGEMENT),
            ("有限空间作业履行审批，执行“先通风、再检测、后作业”，作业现场设置监护人员", f"{INDUSTRY_MAJOR}；《工贸企业有限空间作业安全规定》", M, BEHAVIOUR),
            ("粉尘爆炸危险场所未设置在非框架结构的多层建（构）筑物内，场所内未设员工宿舍、会议室、办公室、休息室等人员聚集场所", f"{INDUSTRY_MAJOR}；《工贸企业粉尘防爆安全规定》", M, ENVIRONMENT),
            ("干式除尘系统采取泄爆、惰化、抑爆等爆炸防控措施；不同类别粉尘、不同建（构）筑物或防火分区未共用一套除尘系统", f"{INDUSTRY_MAJOR}；《粉尘防爆安全规程》GB 15577-2018", M, EQUIPMENT),
            ("落实粉尘清理制度，作业现场无严重积尘", INDUSTRY_MAJOR, M, MANAGEMENT),
            ("涉氨制冷：包装、分割、产品整理场所的空调系统未采用氨直接蒸发制冷；快速冻结装置设在单独作业间内且作业人员不超过9人", INDUSTRY_MAJOR, M, EQUIPMENT),
            ("机械设备转动、传动部位的防护罩、防护栏等安全防护装置齐全有效", f"{SAFETY_LAW}第三十六条", G, EQUIPMENT),
            ("配电箱（柜）完好，电气线路敷设规范、无私拉乱接，漏电保护装置有效", f"{SAFETY_LAW}第三十六条", G, EQUIPMENT),
            ("叉车、起重机械等特种设备在检验有效期内，作业人员持证", f"{SPECIAL_EQUIPMENT_LAW}第十四条、第四十条", G, EQUIPMENT),
            ("油漆、稀释剂等危险化学品设专用仓库或储存柜存放，不超量存放", HAZCHEM_RULES, G, MANAGEMENT),
            ("车间安全出口、疏散通道畅通，未占用、锁闭、封堵", f"{SAFETY_LAW}第四十二条", G, ENVIRONMENT),
            ("动火、临时用电等危险作业执行审批并安排专人现场安全管理", f"{SAFETY_LAW}第四十三条", G, BEHAVIOUR),
        ],
    },
    {
        "sector": "construction",
        "name": "建筑施工安全生产检查表",
        "source": f"依据{CONSTRUCTION_MAJOR}（建质规〔2022〕2号）、{CONSTRUCTION_RULES}等整理",
        "items": [
            ("施工单位取得安全生产许可证后从事建筑施工活动", f"《安全生产许可证条例》；{CONSTRUCTION_MAJOR}", M, MANAGEMENT),
            ("施工单位主要负责人、项目负责人、专职安全生产管理人员取得安全生产考核合格证书", f"{CONSTRUCTION_RULES}第三十六条；{CONSTRUCTION_MAJOR}", M, MANAGEMENT),
            ("建筑施工特种作业人员取得特种作业操作资格证书后上岗作业", f"{CONSTRUCTION_RULES}第二十五条；{CONSTRUCTION_MAJOR}", M, BEHAVIOUR),
            ("危险性较大的分部分项工程编制、审核专项施工方案；超过一定规模的专项施工方案经专家论证", f"{CONSTRUCTION_RULES}第二十六条；《危险性较大的分部分项工程安全管理规定》（住房和城乡建设部令第37号）；{CONSTRUCTION_MAJOR}", M, MANAGEMENT),
            ("深基坑按要求进行第三方监测，基坑周边堆载不超过设计荷载", CONSTRUCTION_MAJOR, M, ENVIRONMENT),
            ("模板支架、脚手架地基基础承载力和变形满足设计要求，连墙件按规定设置", CONSTRUCTION_MAJOR, M, EQUIPMENT),
            ("塔式起重机、施工升降机等起重机械经验收合格并办理使用登记，限位器、限制器等安全装置齐全有效", f"{CONSTRUCTION_RULES}第三十五条；{CONSTRUCTION_MAJOR}", M, EQUIPMENT),
            ("施工现场临时用电采用TN-S接零保护系统，实行三级配电、两级漏电保护", "《施工现场临时用电安全技术规范》JGJ 46-2005", G, EQUIPMENT),
            ("临边、洞口防护及高处作业安全防护设施符合规范", "《建筑施工高处作业安全技术规范》JGJ 80-2016", G, ENVIRONMENT),
            ("作业人员正确佩戴安全帽，高处作业系挂安全带", f"{SAFETY_LAW}第四十五条", G, BEHAVIOUR),
            ("动火作业审批、消防器材配置和易燃材料存放符合要求", "《建设工程施工现场消防安全技术规范》GB 50720-2011", G, MANAGEMENT),
            ("安全技术交底逐级落实并有书面签字记录", f"{CONSTRUCTION_RULES}第二十七条", G, MANAGEMENT),
            ("办公、生活区与作业区分开设置，宿舍未使用易燃可燃材料搭建", f"{CONSTRUCTION_RULES}第二十九条", G, ENVIRONMENT),
        ],
    },
    {
        "sector": "road_transport",
        "name": "道路运输企业安全生产检查表",
        "source": f"依据{ROAD_RULES}、{ROAD_TRAFFIC_LAW}、{ROAD_MAJOR}等整理",
        "items": [
            ("取得道路运输经营许可，营运车辆持有效《道路运输证》", f"{ROAD_RULES}；{ROAD_MAJOR}", M, MANAGEMENT),
            ("驾驶员持有相应准驾车型驾驶证和道路运输从业资格证", f"{ROAD_RULES}；{ROAD_MAJOR}", M, BEHAVIOUR),
            ("车辆按期安全技术检验，无报废、拼装、擅自改装车辆从事营运", f"{ROAD_TRAFFIC_LAW}；{ROAD_MAJOR}", M, EQUIPMENT),
            ("客车不超员，货车不超载", f"{ROAD_TRAFFIC_LAW}第四十八条、第四十九条", G, BEHAVIOUR),
            ("营运车辆安装卫星定位装置并接入监控平台，对车辆和驾驶员实施动态监控", "《道路运输车辆动态监督管理办法》", G, MANAGEMENT),
            ("驾驶员连续驾驶不超过4小时、停车休息不少于20分钟，落实防疲劳驾驶措施", "《中华人民共和国道路交通安全法实施条例》第六十二条", G, BEHAVIOUR),
            ("客运车辆出车前进行安全例检，客运站落实“三不进站、六不出站”", "《道路旅客运输及客运站管理规定》", G, MANAGEMENT),
            ("主要负责人和安全生产管理人员经考核合格", f"{SAFETY_LAW}第二十七条", G, MANAGEMENT),
            ("定期对驾驶员进行安全教育培训和考核，建立培训档案", f"{SAFETY_LAW}第二十八条", G, MANAGEMENT),
            ("危险货物运输车辆、驾驶员和押运员资质齐全，按规定路线和时间行驶", "《道路危险货物运输管理规定》", G, MANAGEMENT),
            ("车辆灭火器、安全锤、安全带、三角警告牌等安全设施齐全有效", "《机动车运行安全技术条件》GB 7258-2017", G, EQUIPMENT),
            ("动态监控发现的违法违规行为及时纠正处理并建立台账", "《道路运输车辆动态监督管理办法》", G, MANAGEMENT),
        ],
    },
    {
        "sector": "hazardous_chemicals",
        "name": "危险化学品企业安全生产检查表",
        "source": f"依据{CHEMICAL_MAJOR}、{HAZCHEM_RULES}等整理",
        "items": [
            ("主要负责人和安全生产管理人员依法经考核合格", f"{SAFETY_LAW}第二十七条；{CHEMICAL_MAJOR}", M, MANAGEMENT),
            ("特种作业人员持证上岗", f"{SAFETY_LAW}第三十条；{CHEMICAL_MAJOR}", M, BEHAVIOUR),
            ("涉及“两重点一重大”的生产装置、储存设施外部安全防护距离符合国家标准要求", CHEMICAL_MAJOR, M, ENVIRONMENT),
            ("涉及重点监管危险化工工艺的装置实现自动化控制，紧急停车系统投入使用", CHEMICAL_MAJOR, M, EQUIPMENT),
            ("一级、二级重大危险源危险化学品罐区实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的配备独立的安全仪表系统", f"{CHEMICAL_MAJOR}；《危险化学品重大危险源辨识》GB 18218-2018", M, EQUIPMENT),
            ("液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装使用万向管道充装系统", CHEMICAL_MAJOR, M, EQUIPMENT),
            ("可燃和有毒有害气体泄漏场所按国家标准设置检测报警装置，爆炸危险场所安装使用防爆电气设备", f"{CHEMICAL_MAJOR}；《石油化工可燃气体和有毒气体检测报警设计标准》GB/T 50493-2019", M, EQUIPMENT),
            ("控制室或机柜间面向具有火灾、爆炸危险性装置一侧满足防火防爆要求", CHEMICAL_MAJOR, M, ENVIRONMENT),
            ("安全阀、爆破片等安全附件正常投用", CHEMICAL_MAJOR, M, EQUIPMENT),
            ("建立与岗位相匹配的全员安全生产责任制，制定并实施事故隐患排查治理制度", f"{SAFETY_LAW}第四十一条；{CHEMICAL_MAJOR}", M, MANAGEMENT),
            ("制定操作规程和工艺控制指标", CHEMICAL_MAJOR, M, MANAGEMENT),
            ("动火、进入受限空间等特殊作业按国家标准制定管理制度并有效执行", f"{CHEMICAL_MAJOR}；《危险化学品企业特殊作业安全规范》GB 30871-2022", M, BEHAVIOUR),
            ("按国家标准分区分类储存危险化学品，不超量、超品种储存，相互禁配物质不混放混存", f"{CHEMICAL_MAJOR}；{HAZCHEM_RULES}", M, MANAGEMENT),
            ("精细化工企业按要求开展反应安全风险评估", CHEMICAL_MAJOR, M, MANAGEMENT),
            ("重大危险源登记建档、落实包保责任人并按规定备案", f"{SAFETY_LAW}第四十条；《危险化学品重大危险源监督管理暂行规定》", G, MANAGEMENT),
            ("危险化学品安全技术说明书和安全标签齐全", HAZCHEM_RULES, G, MANAGEMENT),
        ],
    },
    {
        "sector": "mining",
        "name": "金属非金属矿山安全生产检查表",
        "source": f"依据{MINE_MAJOR}、{MINE_RULES}、《中华人民共和国矿山安全法》等整理",
        "items": [
            ("取得安全生产许可证，无超层越界开采", f"《安全生产许可证条例》；{MINE_MAJOR}", M, MANAGEMENT),
            ("地下矿山有两个以上独立直达地面的安全出口，各中段有两个便于行人的安全出口", f"{MINE_MAJOR}；{MINE_RULES}", M, ENVIRONMENT),
            ("地下矿山机械通风系统正常运行，风量、风质符合要求", f"{MINE_MAJOR}；{MINE_RULES}", M, EQUIPMENT),
            ("提升系统防坠、防过卷等安全保护装置齐全有效", f"{MINE_MAJOR}；{MINE_RULES}", M, EQUIPMENT),
            ("排水系统能力满足要求，防治水措施落实", f"{MINE_MAJOR}；{MINE_RULES}", M, EQUIPMENT),
            ("采空区按设计要求处理或监测", MINE_MAJOR, M, ENVIRONMENT),
            ("露天矿山台阶、边坡参数符合设计，无危岩、伞檐", f"{MINE_MAJOR}；{MINE_RULES}", M, ENVIRONMENT),
            ("尾矿库排洪系统畅通，干滩长度、安全超高满足设计要求", f"{MINE_MAJOR}；《尾矿库安全规程》GB 39496-2020", M, ENVIRONMENT),
            ("监测监控、人员定位、紧急避险、压风自救、供水施救、通信联络等安全避险系统正常运行", MINE_RULES, G, EQUIPMENT),
            ("爆破作业按爆破安全规程设计施工，爆破器材管理符合要求", BLASTING, G, BEHAVIOUR),
            ("井下电气、提升机操作、爆破等特种作业人员持证上岗", f"{SAFETY_LAW}第三十条；《中华人民共和国矿山安全法》", G, BEHAVIOUR),
            ("主要负责人和安全生产管理人员经考核合格", f"{SAFETY_LAW}第二十七条", G, MANAGEMENT),
            ("入井人员登记并携带自救器", MINE_RULES, G, MANAGEMENT),
        ],
    },
    {
        "sector": "fireworks",
        "name": "烟花爆竹生产经营单位安全生产检查表",
        "source": f"依据{FIREWORKS_MAJOR}、《烟花爆竹安全管理条例》等整理",
        "items": [
            ("主要负责人、安全生产管理人员经考核合格", f"{SAFETY_LAW}第二十七条；{FIREWORKS_MAJOR}", M, MANAGEMENT),
            ("烟火药调制、混合、造粒、装药、筑药等特种作业人员持证上岗", f"{SAFETY_LAW}第三十条；{FIREWORKS_MAJOR}", M, BEHAVIOUR),
            ("工（库）房实际存药量不超过设计药量，作业人员不超过核定人数", f"{FIREWORKS_MAJOR}；《烟花爆竹作业安全技术规程》GB 11652-2012", M, MANAGEMENT),
            ("工（库）房设置准确、清晰、醒目的定员、定量、定级标识", FIREWORKS_MAJOR, M, MANAGEMENT),
            ("防雷设施经检测合格、完好有效", FIREWORKS_MAJOR, M, EQUIPMENT),
            ("未擅自改变工（库）房设计用途", FIREWORKS_MAJOR, M, MANAGEMENT),
            ("药物混合、造粒、装药、筑药、压药等危险工序按要求实现机械化作业和人机隔离", FIREWORKS_MAJOR, M, EQUIPMENT),
            ("零售点未与居民居住场所设置在同一建筑物内，不超量储存", f"{FIREWORKS_MAJOR}；《烟花爆竹安全管理条例》", M, ENVIRONMENT),
            ("批发仓库内不从事分装、拆箱等作业，不超量储存", "《烟花爆竹安全管理条例》", G, MANAGEMENT),
            ("危险品生产区、总仓库区的安全距离符合设计标准", "《烟花爆竹工程设计安全标准》GB 50161-2022", G, ENVIRONMENT),
            ("生产、经营许可证在有效期内，按许可范围生产经营", "《烟花爆竹安全管理条例》", G, MANAGEMENT),
            ("人体静电释放装置、导静电地面有效，作业人员穿防静电工作服", "《烟花爆竹作业安全技术规程》GB 11652-2012", G, EQUIPMENT),
        ],
    },
    {
        "sector": "metallurgy",
        "name": "冶金企业安全生产检查表",
        "source": f"依据{INDUSTRY_MAJOR}（冶金部分）、《工业企业煤气安全规程》等整理",
        "items": [
            ("金属冶炼企业主要负责人、安全生产管理人员经考核合格", f"{SAFETY_LAW}第二十七条；{INDUSTRY_MAJOR}", M, MANAGEMENT),
            ("会议室、活动室、休息室、操作室、交接班室、更衣室等人员聚集场所及钢（铁）水罐冷热修工位未设置在铁水、钢水、液渣吊运跨的地坪区域内", INDUSTRY_MAJOR, M, ENVIRONMENT),
            ("冶炼、精炼、铸造区域的事故坑、炉下渣坑及熔融金属泼溅和滴漏区域内无积水、无易燃易爆物品", INDUSTRY_MAJOR, M, ENVIRONMENT),
            ("金属铸造、连铸、浇铸流程设置高温熔融金属紧急排放和应急储存设施", INDUSTRY_MAJOR, M, EQUIPMENT),
            ("吊运铁水、钢水或液渣的起重机符合冶金起重机的相关要求", INDUSTRY_MAJOR, M, EQUIPMENT),
            ("炉、窑、槽、罐类设备本体及附属设施定期检查，无严重焊缝开裂、腐蚀、衬砖损坏、壳体发红或明显变形仍继续使用", INDUSTRY_MAJOR, M, EQUIPMENT),
            ("氧枪等水冷元件配置出水温度与进出水流量差检测报警装置，并与炉体倾动、氧气开闭等联锁", INDUSTRY_MAJOR, M, EQUIPMENT),
            ("煤气危险区域设置固定式一氧化碳浓度监测报警装置，监测数据接入有人值守的场所", f"{INDUSTRY_MAJOR}；《工业企业煤气安全规程》GB 6222-2005", M, EQUIPMENT),
            ("煤气、氧气管道阀门和放散管等标识清晰，定期检查", "《工业企业煤气安全规程》GB 6222-2005", G, EQUIPMENT),
            ("检修作业落实停电、挂牌、上锁等能量隔离措施", "《冶金企业和有色金属企业安全生产规定》", G, BEHAVIOUR),
            ("高温熔融金属作业人员按规定佩戴劳动防护用品", f"{SAFETY_LAW}第四十五条", G, BEHAVIOUR),
        ],
    },
    {
        "sector": "crowded_places",
        "name": "人员密集场所消防安全检查表",
        "source": f"依据{FIRE_LAW}、{FIRE_OFFICE_RULES}、{FIRE_MAJOR}等整理",
        "items": [
            ("疏散通道、安全出口畅通，未占用、堵塞、封闭；门窗未设置影响逃生和灭火救援的障碍物", f"{FIRE_LAW}第二十八条；{FIRE_MAJOR}", M, ENVIRONMENT),
            ("生产、储存、经营易燃易爆危险品的场所未与人员密集场所、居住场所设置在同一建筑物内", f"{FIRE_LAW}第十九条；{FIRE_MAJOR}", M, ENVIRONMENT),
            ("疏散指示标志、应急照明完好有效", f"《建筑设计防火规范》GB 50016-2014；{FIRE_MAJOR}", G, EQUIPMENT),
            ("火灾自动报警系统、自动喷水灭火系统处于正常工作状态", f"{FIRE_LAW}第十六条；{FIRE_MAJOR}", G, EQUIPMENT),
            ("灭火器、室内消火栓等消防设施器材配置齐全，定期检查维护", f"{FIRE_LAW}第十六条", G, EQUIPMENT),
            ("消防控制室24小时专人值班，每班不少于2人，值班人员持证", CONTROL_ROOM, G, MANAGEMENT),
            ("营业期间至少每2小时开展一次防火巡查，并有记录", FIRE_OFFICE_RULES, G, MANAGEMENT),
            ("室内装修装饰材料燃烧性能符合规范要求", "《建筑内部装修设计防火规范》GB 50222-2017", G, ENVIRONMENT),
            ("电气线路和用电设备敷设、使用规范，无私拉乱接", FIRE_LAW, G, EQUIPMENT),
            ("电动自行车未在楼梯间、疏散通道、安全出口停放、充电", f"{FIRE_LAW}第二十八条", G, BEHAVIOUR),
            ("使用燃气的餐饮场所安装可燃气体报警装置并保障正常使用", f"{SAFETY_LAW}第三十六条", G, EQUIPMENT),
            ("组织员工消防安全培训，按预案定期组织灭火和应急疏散演练", FIRE_OFFICE_RULES, G, MANAGEMENT),
        ],
    },
    {
        "sector": "special_equipment",
        "name": "特种设备使用单位安全检查表",
        "source": f"依据{SPECIAL_EQUIPMENT_LAW}、{SPECIAL_EQUIPMENT_MAJOR}等整理",
        "items": [
            ("使用取得许可生产并经检验合格的特种设备，未使用国家明令淘汰和已经报废的特种设备", f"{SPECIAL_EQUIPMENT_LAW}第三十二条；{SPECIAL_EQUIPMENT_MAJOR}", M, EQUIPMENT),
            ("特种设备按期定期检验，未使用超过检验有效期或检验不合格的设备", f"{SPECIAL_EQUIPMENT_LAW}第四十条；{SPECIAL_EQUIPMENT_MAJOR}", M, EQUIPMENT),
            ("安全阀、压力表、限位器、限速器等安全附件和安全保护装置齐全有效，按期校验", f"{SPECIAL_EQUIPMENT_LAW}第三十九条；{SPECIAL_EQUIPMENT_MAJOR}", M, EQUIPMENT),
            ("特种设备办理使用登记，登记标志置于显著位置", f"{SPECIAL_EQUIPMENT_LAW}第三十三条", G, MANAGEMENT),
            ("按规定配备特种设备安全管理人员和作业人员，持证上岗", f"{SPECIAL_EQUIPMENT_LAW}第十三条、第十四条", G, BEHAVIOUR),
            ("建立特种设备安全技术档案", f"{SPECIAL_EQUIPMENT_LAW}第三十五条", G, MANAGEMENT),
            ("对特种设备进行经常性维护保养和定期自行检查，并作出记录", f"{SPECIAL_EQUIPMENT_LAW}第三十九条", G, MANAGEMENT),
            ("电梯由取得许可的单位进行维护保养", f"{SPECIAL_EQUIPMENT_LAW}第四十五条；《电梯维护保养规则》TSG T5002-2017", G, MANAGEMENT),
            ("压力容器、气瓶、压力管道未超压、超温运行", SPECIAL_EQUIPMENT_LAW, G, EQUIPMENT),
            ("大型游乐设施每日运营前进行试运行和例行安全检查", f"{SPECIAL_EQUIPMENT_LAW}；《大型游乐设施安全规范》GB 8408-2018", G, MANAGEMENT),
            ("制定特种设备事故应急专项预案并定期演练", SPECIAL_EQUIPMENT_LAW, G, MANAGEMENT),
        ],
    },
    {
        "sector": "gas",
        "name": "城镇燃气安全检查表",
        "source": f"依据{GAS_RULES}、{GAS_MAJOR}（建城规〔2023〕4号）、《燃气工程项目规范》等整理",
        "items": [
            ("取得燃气经营许可证，在许可范围内经营", f"{GAS_RULES}；{GAS_MAJOR}", M, MANAGEMENT),
            ("瓶装液化石油气只充装自有产权、在检验有效期内的气瓶，未充装超期未检、报废或改装气瓶", f"{GAS_RULES}；{GAS_MAJOR}", M, EQUIPMENT),
            ("燃气场站可燃气体泄漏报警、紧急切断装置完好有效", GAS_MAJOR, M, EQUIPMENT),
            ("燃气管道及设施未被违章占压，安全保护范围内无违规施工", f"{GAS_RULES}；{GAS_MAJOR}", M, ENVIRONMENT),
            ("燃气场站的安全间距、防雷防静电设施符合规范", "《城镇燃气设计规范》GB 50028-2006", G, ENVIRONMENT),
            ("餐饮等用户安装可燃气体报警装置并保障正常使用", f"{SAFETY_LAW}第三十六条", G, EQUIPMENT),
            ("用户燃气连接软管不超长、无老化破损，未穿越墙体、门窗", "《燃气工程项目规范》GB 55009-2021", G, EQUIPMENT),
            ("未在地下室、半地下室使用瓶装液化石油气", "《燃气工程项目规范》GB 55009-2021", G, ENVIRONMENT),
            ("按规定开展入户安全检查并建立用户安全档案", GAS_RULES, G, MANAGEMENT),
            ("燃气从业人员经专业培训并考核合格", GAS_RULES, G, MANAGEMENT),
            ("燃气管网定期巡查、检测，老化管道及时更新改造", GAS_RULES, G, MANAGEMENT),
            ("制定燃气安全事故应急预案，配备抢修人员和设备", f"{SAFETY_LAW}第八十一条", G, MANAGEMENT),
        ],
    },
    {
        "sector": "water_transport",
        "name": "水上交通安全检查表",
        "source": f"依据{INLAND_WATER_RULES}、{FERRY_RULES}等整理",
        "items": [
            ("船舶持有有效的检验证书和登记证书", INLAND_WATER_RULES, G, MANAGEMENT),
            ("船员持有有效适任证书，满足最低安全配员要求", f"{INLAND_WATER_RULES}；《中华人民共和国船员条例》", G, BEHAVIOUR),
            ("客船不超员、货船不超载，在核定航区内航行", INLAND_WATER_RULES, G, BEHAVIOUR),
            ("遇恶劣天气、能见度不良等按规定停航，不冒险航行", INLAND_WATER_RULES, G, BEHAVIOUR),
            ("救生衣、救生圈、消防器材按规定配备并完好", INLAND_WATER_RULES, G, EQUIPMENT),
            ("渡船开航前进行乘客安全告知，渡口设置安全标志和设施", FERRY_RULES, G, MANAGEMENT),
            ("载运危险货物的船舶持有相关证书并按规定申报", "《船舶载运危险货物安全监督管理规定》", G, MANAGEMENT),
            ("落实航行值班制度，无酒后驾驶船舶", INLAND_WATER_RULES, G, BEHAVIOUR),
            ("船舶通信、导航和船舶自动识别设备正常开启", f"{SAFETY_LAW}第三十六条", G, EQUIPMENT),
        ],
    },
    {
        "sector": "fishing_vessels",
        "name": "渔业船舶安全检查表",
        "source": f"依据{FISHING_INSPECTION_RULES}、{FISHING_CREW_RULES}等整理",
        "items": [
            ("渔船持有有效的检验证书、登记证书和捕捞许可证", f"{FISHING_INSPECTION_RULES}；《中华人民共和国渔业法》", G, MANAGEMENT),
            ("未使用无船名船号、无船舶证书、无船籍港的“三无”船舶从事生产", FISHING_INSPECTION_RULES, G, MANAGEMENT),
            ("职务船员持证上岗，满足最低配员要求", FISHING_CREW_RULES, G, BEHAVIOUR),
            ("普通船员参加基本安全培训", FISHING_CREW_RULES, G, MANAGEMENT),
            ("救生筏、救生衣、救生圈等救生设备配备齐全有效", FISHING_INSPECTION_RULES, G, EQUIPMENT),
            ("消防设备配备齐全，机舱防火措施落实", FISHING_INSPECTION_RULES, G, EQUIPMENT),
            ("船位监测、通信等安全设备正常开启，未擅自关闭", f"{SAFETY_LAW}第三十六条", G, BEHAVIOUR),
            ("台风等恶劣天气按要求回港避风、人员上岸", "", G, ENVIRONMENT),
        ],
    },
    {
        "sector": "schools",
        "name": "校园安全检查表",
        "source": f"依据{SCHOOL_RULES}、{FIRE_LAW}、《校车安全管理条例》等整理",
        "items": [
            ("校舍定期安全检查，无危房使用", SCHOOL_RULES, G, ENVIRONMENT),
            ("教学楼、宿舍楼疏散通道和安全出口畅通，未锁闭", f"{FIRE_LAW}第二十八条", G, ENVIRONMENT),
            ("每学期至少开展一次紧急疏散演练", SCHOOL_RULES, G, MANAGEMENT),
            ("门卫值守和来访登记制度落实", SCHOOL_RULES, G, MANAGEMENT),
            ("实验室危险化学品专柜存放、双人双锁管理，领用登记", HAZCHEM_RULES, G, MANAGEMENT),
            ("食堂使用燃气的安装可燃气体报警装置并保障正常使用", f"{SAFETY_LAW}第三十六条", G, EQUIPMENT),
            ("校车取得使用许可，驾驶人具备资格，不超员", "《校车安全管理条例》", G, BEHAVIOUR),
            ("消防设施器材配置齐全有效，宿舍无违规用电", FIRE_LAW, G, EQUIPMENT),
            ("体育器材、游乐设施定期检查维护", SCHOOL_RULES, G, EQUIPMENT),
            ("开展防溺水、交通等安全教育", SCHOOL_RULES, G, MANAGEMENT),
            ("学生宿舍落实夜间值班巡查", SCHOOL_RULES, G, MANAGEMENT),
        ],
    },
    {
        "sector": "tourism",
        "name": "文化旅游场所安全检查表",
        "source": f"依据{TOURISM_LAW}、{FIRE_LAW}、{SPECIAL_EQUIPMENT_LAW}等整理",
        "items": [
            ("景区核定最大承载量，落实预约、限流等措施", TOURISM_LAW, G, MANAGEMENT),
            ("漂流、玻璃栈道、滑索等高风险旅游项目取得经营许可并落实安全措施", TOURISM_LAW, G, MANAGEMENT),
            ("大型游乐设施、客运索道经检验合格并在有效期内", f"{SPECIAL_EQUIPMENT_LAW}第四十条", G, EQUIPMENT),
            ("景区危险地段设置警示标志和防护设施", f"{TOURISM_LAW}；{SAFETY_LAW}第三十五条", G, ENVIRONMENT),
            ("旅行社租用具备资质的旅游客运车辆和驾驶人", TOURISM_LAW, G, MANAGEMENT),
            ("娱乐场所、剧院安全出口畅通，疏散指示有效", f"{FIRE_LAW}第二十八条；《娱乐场所管理条例》", G, ENVIRONMENT),
            ("汛期和恶劣天气及时关闭危险区域并发布预警", TOURISM_LAW, G, ENVIRONMENT),
            ("演出场所舞台设施和临时搭建设施安全可靠", "《营业性演出管理条例》", G, EQUIPMENT),
            ("制定旅游突发事件应急预案并定期演练", f"{TOURISM_LAW}；{SAFETY_LAW}第八十一条", G, MANAGEMENT),
            ("配备安全管理人员和救援力量", TOURISM_LAW, G, MANAGEMENT),
        ],
    },
    {
        "sector": "medical",
        "name": "医疗卫生机构安全检查表",
        "source": f"依据{MEDICAL_FIRE}、{FIRE_LAW}、《医疗废物管理条例》等整理",
        "items": [
            ("病房楼、门诊楼疏散通道和安全出口畅通", f"{FIRE_LAW}第二十八条；{MEDICAL_FIRE}", G, ENVIRONMENT),
            ("住院区加强夜间防火巡查，并有记录", f"{FIRE_OFFICE_RULES}；{MEDICAL_FIRE}", G, MANAGEMENT),
            ("消防控制室24小时值班，消防设施正常运行", f"{CONTROL_ROOM}；{MEDICAL_FIRE}", G, MANAGEMENT),
            ("医用氧（液氧储罐、汇流排）周边无可燃物，压力容器在检验有效期内", f"{SPECIAL_EQUIPMENT_LAW}第四十条", G, EQUIPMENT),
            ("实验室、药库危险化学品分类存放、专人管理", HAZCHEM_RULES, G, MANAGEMENT),
            ("放射源和射线装置取得许可，辐射安全防护措施落实", "《放射性同位素与射线装置安全和防护条例》", G, MANAGEMENT),
            ("医疗废物分类收集、暂存和交接登记", "《医疗废物管理条例》", G, MANAGEMENT),
            ("配电房、备用电源等电气设备定期检测维护", MEDICAL_FIRE, G, EQUIPMENT),
            ("改造施工区域与医疗区有效隔离，动火作业审批并专人监护", f"{SAFETY_LAW}第四十三条", G, BEHAVIOUR),
            ("制定应急预案并定期组织疏散演练", f"{SAFETY_LAW}第八十一条", G, MANAGEMENT),
        ],
    },
    {
        "sector": "hydraulic",
        "name": "水利工程安全检查表",
        "source": f"依据{DAM_RULES}、{WATER_WORKS_RULES}、{WATER_MAJOR}等整理",
        "items": [
            ("水库落实行政、技术、巡查责任人并公示", DAM_RULES, G, MANAGEMENT),
            ("水库大坝按规定开展安全鉴定，病险水库落实限制运用措施", f"{DAM_RULES}；《水库大坝安全鉴定办法》；{WATER_MAJOR}", M, MANAGEMENT),
            ("汛期未超汛限水位运行，执行调度运用计划", f"《中华人民共和国防洪法》；{DAM_RULES}；{WATER_MAJOR}", M, MANAGEMENT),
            ("大坝安全监测设施完好，按规定巡视检查并记录", DAM_RULES, G, MANAGEMENT),
            ("溢洪道、泄洪设施畅通，闸门启闭设备完好，备用电源可靠", DAM_RULES, G, EQUIPMENT),
            ("在建工程制定度汛方案和超标准洪水应急预案", WATER_WORKS_RULES, G, MANAGEMENT),
            ("施工围堰、高边坡、深基坑按方案施工并监测", WATER_WORKS_RULES, G, ENVIRONMENT),
            ("工程管理范围内无违章建筑、违规采砂等危害工程安全的活动", DAM_RULES, G, ENVIRONMENT),
            ("雨水情测报和预警设施正常运行", DAM_RULES, G, EQUIPMENT),
            ("制定大坝安全管理应急预案并组织演练", f"{DAM_RULES}；{SAFETY_LAW}第八十一条", G, MANAGEMENT),
        ],
    },
    {
        "sector": "civil_explosives",
        "name": "民用爆炸物品安全检查表",
        "source": f"依据{EXPLOSIVES_RULES}、{BLASTING}等整理",
        "items": [
            ("取得民用爆炸物品生产、销售、购买、运输或爆破作业许可，在许可范围内作业", EXPLOSIVES_RULES, G, MANAGEMENT),
            ("储存库实际储存量不超过核定容量", f"{EXPLOSIVES_RULES}；《小型民用爆炸物品储存库安全规范》GA 838-2009", G, MANAGEMENT),
            ("性质相抵触的民用爆炸物品（雷管与炸药）分库储存，不混存", EXPLOSIVES_RULES, G, MANAGEMENT),
            ("储存库双人双锁、24小时专人值守，视频监控和报警等技防设施有效", f"{EXPLOSIVES_RULES}；《民用爆炸物品储存库治安防范要求》GA 837-2009", G, MANAGEMENT),
            ("出入库检查、登记，账物相符", EXPLOSIVES_RULES, G, MANAGEMENT),
            ("爆破作业人员持证上岗，按爆破安全规程设计施工", f"{EXPLOSIVES_RULES}；{BLASTING}", G, BEHAVIOUR),
            ("民用爆炸物品流向信息如实登记，剩余物品当班清退回库", EXPLOSIVES_RULES, G, MANAGEMENT),
            ("储存库防雷、消防设施检测合格", "《小型民用爆炸物品储存库安全规范》GA 838-2009", G, EQUIPMENT),
            ("运输车辆符合要求，押运人员随车押运", EXPLOSIVES_RULES, G, BEHAVIOUR),
            ("储存库与周边建筑物的安全距离符合标准", "《民用爆炸物品工程设计安全标准》GB 50089-2018", G, ENVIRONMENT),
        ],
    },
    {
        "sector": "social_services",
        "name": "养老等社会服务机构安全检查表",
        "source": f"依据{ELDERLY_CARE}、{FIRE_LAW}等整理",
        "items": [
            ("消防设施器材完好，老年人居室和疏散通道畅通", f"{FIRE_LAW}第二十八条；{ELDERLY_CARE}", G, ENVIRONMENT),
            ("配备夜间值班人员并落实防火巡查", f"{ELDERLY_CARE}；{FIRE_OFFICE_RULES}", G, MANAGEMENT),
            ("老年人居室内未使用大功率电器，电动自行车未在室内停放、充电", FIRE_LAW, G, BEHAVIOUR),
            ("使用燃气的厨房安装可燃气体报警装置并保障正常使用", f"{SAFETY_LAW}第三十六条", G, EQUIPMENT),
            ("开展入院评估，落实防跌倒、防走失、防噎食等风险防范措施", ELDERLY_CARE, G, MANAGEMENT),
            ("落实食品安全管理制度和食品留样", "《中华人民共和国食品安全法》", G, MANAGEMENT),
            ("建筑物未违规改建，装修材料符合消防要求", "《建筑内部装修设计防火规范》GB 50222-2017", G, ENVIRONMENT),
            ("殡仪馆火化设备和燃油、燃气储存设施安全管理落实", "《殡葬管理条例》", G, EQUIPMENT),
            ("制定突发事件应急预案并组织演练", f"{SAFETY_LAW}第八十一条；{ELDERLY_CARE}", G, MANAGEMENT),
        ],
    },
]

CHECKLISTS: list[dict] = [COMMON_VIOLATIONS, *SECTOR_CHECKLISTS]
