"""Static data of the demo city (泉州市, Fujian): divisions, organization templates, name
pools, historical moves and the demo logins. The builder turns it into rows; everything
random is drawn from ``random.Random`` seeded with :data:`SEED`, so every run plans the same
city."""

from __future__ import annotations

SEED = 350500
PASSWORD = "Demo@2026"

PROVINCE = ("350000", "福建省")
CITY = ("350500", "泉州市")

#: County-level units: (code, name, level). 金门县 (350527) is left out: not administered.
COUNTIES = [
    ("350502", "鲤城区", "county"),
    ("350503", "丰泽区", "county"),
    ("350504", "洛江区", "county"),
    ("350505", "泉港区", "county"),
    ("350521", "惠安县", "county"),
    ("350524", "安溪县", "county"),
    ("350525", "永春县", "county"),
    ("350526", "德化县", "county"),
    ("350581", "石狮市", "county"),
    ("350582", "晋江市", "county"),
    ("350583", "南安市", "county"),
    ("350571", "泉州经济技术开发区", "development_zone"),
    ("350572", "泉州台商投资区", "development_zone"),
]

#: Townships per county: the known names, then how many there should be in all (the rest is
#: generated). Codes follow the statistical convention: 街道 001…, 镇 100…, 乡 200….
#: 洛阳镇, 东园镇, 张坂镇 and 百崎回族乡 belong to 惠安县 but are administered by the 台商投资区;
#: a node has one parent, so the demo puts them under the zone.
TOWNSHIPS: dict[str, tuple[list[str], int]] = {
    "350502": (["海滨街道", "临江街道", "鲤中街道", "开元街道", "浮桥街道", "江南街道", "金龙街道", "常泰街道"], 8),
    "350503": (["东湖街道", "丰泽街道", "泉秀街道", "清源街道", "华大街道", "城东街道", "东海街道", "北峰街道"], 8),
    "350504": (["万安街道", "双阳街道", "河市镇", "马甲镇", "罗溪镇", "虹山乡"], 6),
    "350505": (["山腰街道", "南埔镇", "界山镇", "后龙镇", "峰尾镇", "前黄镇", "涂岭镇"], 7),
    "350521": (
        ["螺城镇", "螺阳镇", "黄塘镇", "紫山镇", "崇武镇", "山霞镇", "涂寨镇", "东岭镇", "东桥镇", "净峰镇", "小岞镇", "辋川镇"],
        12,
    ),
    "350524": (
        [
            "凤城镇", "蓬莱镇", "湖头镇", "官桥镇", "剑斗镇", "城厢镇", "金谷镇", "龙门镇", "虎邱镇", "芦田镇",
            "感德镇", "魁斗镇", "西坪镇", "参内镇", "长卿镇", "尚卿乡", "白濑乡", "湖上乡", "大坪乡", "龙涓乡",
            "桃舟乡", "福田乡", "蓝田乡", "祥华乡",
        ],
        24,
    ),
    "350525": (
        [
            "桃城镇", "五里街镇", "一都镇", "下洋镇", "蓬壶镇", "达埔镇", "吾峰镇", "石鼓镇", "岵山镇", "东平镇",
            "湖洋镇", "坑仔口镇", "玉斗镇", "锦斗镇", "东关镇", "桂洋镇", "苏坑镇", "仙夹镇", "横口乡", "呈祥乡",
            "外山乡", "介福乡",
        ],
        22,
    ),
    "350526": (
        [
            "浔中镇", "龙浔镇", "三班镇", "龙门滩镇", "雷峰镇", "南埕镇", "水口镇", "赤水镇", "葛坑镇", "上涌镇",
            "盖德镇", "美湖镇", "杨梅乡", "汤头乡", "桂阳乡", "国宝乡", "大铭乡", "春美乡",
        ],
        18,
    ),
    "350581": (["湖滨街道", "凤里街道", "灵秀镇", "宝盖镇", "蚶江镇", "祥芝镇", "鸿山镇", "锦尚镇", "永宁镇"], 9),
    "350582": (
        [
            "青阳街道", "梅岭街道", "西园街道", "罗山街道", "灵源街道", "新塘街道", "陈埭镇", "池店镇", "安海镇",
            "磁灶镇", "内坑镇", "紫帽镇", "东石镇", "永和镇", "英林镇", "金井镇", "龙湖镇", "深沪镇", "西滨镇",
        ],
        19,
    ),
    "350583": (
        [
            "溪美街道", "柳城街道", "美林街道", "省新镇", "仑苍镇", "东田镇", "英都镇", "翔云镇", "金淘镇", "诗山镇",
            "蓬华镇", "码头镇", "九都镇", "乐峰镇", "罗东镇", "梅山镇", "洪梅镇", "康美镇", "丰州镇", "霞美镇",
            "官桥镇", "水头镇", "石井镇", "洪濑镇", "眉山乡", "向阳乡",
        ],
        26,
    ),
    "350571": (["清濛街道"], 3),
    "350572": (["洛阳镇", "东园镇", "张坂镇", "百崎回族乡"], 4),
}

#: Counties whose every township gets villages/communities (with a level-3 grid supervisor each).
VILLAGE_COUNTIES = ("350582", "350503", "350581")
VILLAGES_PER_TOWNSHIP = (5, 12)

#: Characters for generated place names (two-character stems).
PLACE_CHARS = (
    "东西南北前后上下新旧大小长高中内外山溪坑埔厝林洋塘湖岩美华安平和福丰庄田坂头尾港浦石梅桥兴"
    "龙凤霞云峰岭江海泉源清莲桂竹松柏茂盛荣锦秀德仁义礼乐康宁永泰昌盛珠玉金银水月星光明辉"
)

SURNAMES = (
    "陈陈陈陈林林林林黄黄黄王王王张张李李吴吴刘蔡蔡郑郑许洪苏庄庄杨施施曾谢柯周傅颜郭何叶詹蒋肖姚"
    "戴赖卢潘徐方余范邱骆潘"
)
MALE_CHARS = "建国志强明辉伟峰斌军勇文海涛鹏杰华俊东宏振荣清福龙德忠晓永锦金水良春阳亮平坤鸿泽雄彬毅超剑锋"
FEMALE_CHARS = "丽娟芳燕秀梅玲琳婷红霞萍慧静雪颖莉艳敏珊蓉佳琴雅洁晶凤莹琼"

# --- Organizations ----------------------------------------------------------------------------
# Templates are expanded for each county-level unit ("J" = its full name, e.g. 晋江市).
# (key, name template, short-name template, kind, function, head title, deputy title, where)
# "where": "all", "city", "county" (county-level units, not zones), "zone", "rural" (county
# and county-level city, not districts), "no_zone".

PARTY_DEPARTMENTS = [
    ("organization", "中共{J}委组织部", "{J}委组织部", "organization", "部长", "副部长", "no_zone"),
    ("propaganda", "中共{J}委宣传部", "{J}委宣传部", "propaganda", "部长", "副部长", "no_zone"),
    ("political_legal", "中共{J}委政法委员会", "{J}委政法委", "political_legal", "书记", "副书记", "no_zone"),
    ("united_front", "中共{J}委统战部", "{J}委统战部", "united_front", "部长", "副部长", "no_zone"),
    ("discipline", "{J}纪委监委", "{J}纪委监委", "discipline", "书记、主任", "副书记、副主任", "no_zone"),
    ("staffing", "中共{J}委机构编制委员会办公室", "{J}委编办", "staffing", "主任", "副主任", "no_zone"),
    ("organization", "{J}党群工作部", "党群工作部", "organization", "部长", "副部长", "zone"),
    ("discipline", "{J}纪检监察工作委员会", "纪检监察工委", "discipline", "书记", "副书记", "zone"),
]

SUPERVISORY_DEPARTMENTS = [
    ("emergency", "{J}应急管理局", "{S}应急局", "emergency", "局长", "副局长", "all"),
    ("housing", "{J}住房和城乡建设局", "{S}住建局", "housing", "局长", "副局长", "no_zone"),
    ("housing", "{J}规划建设局", "规划建设局", "housing", "局长", "副局长", "zone"),
    ("transport", "{J}交通运输局", "{S}交通局", "transport", "局长", "副局长", "no_zone"),
    ("public_security", "{J}公安局", "{S}公安局", "public_security", "局长", "副局长", "all"),  # name adjusted per unit
    ("fire", "{J}消防救援大队", "{S}消防大队", "fire", "大队长", "副大队长", "all"),  # 支队 for the city
    ("market", "{J}市场监督管理局", "{S}市场监管局", "market", "局长", "副局长", "all"),
    ("education", "{J}教育局", "{S}教育局", "education", "局长", "副局长", "no_zone"),
    ("industry", "{J}工业和信息化局", "{S}工信局", "industry", "局长", "副局长", "no_zone"),
    ("industry", "{J}经济发展局", "经济发展局", "industry", "局长", "副局长", "zone"),
    ("natural_resources", "{J}自然资源局", "{S}自然资源局", "natural_resources", "局长", "副局长", "no_zone"),
    ("ecology", "{J}生态环境局", "{S}生态环境局", "ecology", "局长", "副局长", "all"),
    ("water", "{J}水利局", "{S}水利局", "water", "局长", "副局长", "no_zone"),
    ("agriculture", "{J}农业农村局", "{S}农业农村局", "agriculture", "局长", "副局长", "no_zone"),
    ("culture", "{J}文化和旅游局", "{S}文旅局", "culture", "局长", "副局长", "no_zone"),
    ("health", "{J}卫生健康局", "{S}卫健局", "health", "局长", "副局长", "no_zone"),  # 委员会 for the city
    ("forestry", "{J}林业局", "{S}林业局", "forestry", "局长", "副局长", "rural"),
    ("urban", "{J}城市管理局", "{S}城管局", "", "局长", "副局长", "no_zone"),
]

OTHER_DEPARTMENTS = [
    ("development_reform", "{J}发展和改革局", "{S}发改局", "development_reform", "局长", "副局长", "no_zone"),  # 委员会 for the city
    ("commerce", "{J}商务局", "{S}商务局", "commerce", "局长", "副局长", "no_zone"),
    ("finance", "{J}财政局", "{S}财政局", "finance", "局长", "副局长", "all"),
    ("civil_affairs", "{J}民政局", "{S}民政局", "", "局长", "副局长", "no_zone"),
    ("human_resources", "{J}人力资源和社会保障局", "{S}人社局", "", "局长", "副局长", "no_zone"),
]

#: Overrides of the generic names at city level.
CITY_NAMES = {
    "fire": ("泉州市消防救援支队", "市消防支队", "支队长", "副支队长"),
    "health": ("泉州市卫生健康委员会", "市卫健委", "主任", "副主任"),
    "development_reform": ("泉州市发展和改革委员会", "市发改委", "主任", "副主任"),
}

#: Special task groups under the safety committee: (key, subject, lead department key).
#: The city has all 20; counties the first 8; zones those whose lead department exists.
TASK_GROUPS = [
    ("road", "道路交通安全", "public_security"),
    ("fire", "消防安全", "fire"),
    ("chemicals", "危险化学品安全", "emergency"),
    ("construction", "建筑施工安全", "housing"),
    ("transport", "交通运输安全", "transport"),
    ("special_equipment", "特种设备安全", "market"),
    ("campus", "校园安全", "education"),
    ("industry_trade", "工贸行业安全", "industry"),
    ("mines", "非煤矿山安全", "natural_resources"),
    ("gas", "城镇燃气安全", "urban"),
    ("waterway", "水上交通安全", "transport"),
    ("fishing", "渔业船舶安全", "agriculture"),
    ("tourism", "旅游安全", "culture"),
    ("water_works", "水利工程安全", "water"),
    ("forest_fire", "森林防灭火", "forestry"),
    ("farm_machinery", "农业机械安全", "agriculture"),
    ("health", "医疗卫生安全", "health"),
    ("explosives", "民用爆炸物品安全", "public_security"),
    ("power", "电力安全", "development_reform"),
    ("environment", "生态环境安全", "ecology"),
]
COUNTY_TASK_GROUPS = 8

#: Party departments headed by a standing-committee member, in the order members are seated,
#: with the portfolio as written after "市委常委、".
STANDING_PORTFOLIOS = [
    ("organization", "组织部部长"),
    ("discipline", "纪委书记、监委主任"),
    ("propaganda", "宣传部部长"),
    ("political_legal", "政法委书记"),
    ("united_front", "统战部部长"),
]

EXPERT_FIELDS = [
    "危险化学品", "非煤矿山", "建筑施工", "消防", "特种设备", "工贸行业", "道路交通", "电气安全",
    "职业健康", "应急救援", "粉尘防爆", "有限空间", "燃气", "水上交通", "石油化工", "冶金", "纺织鞋服",
    "陶瓷", "机械制造", "安全评价",
]

# --- History --------------------------------------------------------------------------------
# Slots are named "<jurisdiction code>:<organization key>:<role>:<n>" (see builder.py).

#: Officials who moved: (slot now held, slot held before, start of the old post, end of it).
#: The old slot's current holder starts after the mover left.
MOVES = [
    ("350500:dept:emergency:department_head:1", "350582:dept:emergency:department_head:1", "2021-03-01", "2024-05-31"),
    ("350583:gov:safety_deputy:1", "350524:gov:government_leader:1", "2021-09-15", "2024-12-31"),
    ("350503:party:party_principal:1", "350502:gov:government_principal:1", "2021-06-01", "2025-03-31"),
    ("350582100:party:party_principal:1", "350582:dept:emergency:department_leader:1", "2022-01-10", "2025-02-28"),
    ("350581:dept:emergency:inspector:1", "350582:dept:emergency:inspector:2", "2023-03-01", "2024-08-31"),
    ("350500:dept:housing:department_leader:1", "350521:dept:housing:department_head:1", "2021-04-01", "2025-06-30"),
]

#: Officials who retired: (slot they held, start, end). Nobody holds a post for them today.
RETIREMENTS = [
    ("350582:gov:safety_deputy:1", "2021-01-20", "2024-10-31"),
    ("350500:dept:transport:department_head:1", "2021-04-12", "2025-01-31"),
    ("350582100:gov:government_principal:1", "2021-07-01", "2024-06-30"),
    ("350524:dept:emergency:department_head:1", "2021-02-08", "2025-05-31"),
    ("350526:gov:government_principal:1", "2021-05-18", "2024-12-31"),
]

# --- Logins -----------------------------------------------------------------------------------
# (username, group, official slot or None, ScopeAssignment jurisdiction code or None,
#  account type, description shown in the display name)
# The enterprise account is scoped to a township until enterprises exist (a later issue links
# it to an enterprise record).
LOGINS = [
    ("admin", None, None, None, "person", "系统管理员"),
    ("office", "safety_office", "350500:office:office_staff:1", None, "person", "市安办"),
    ("leader", "leader", "350500:gov:safety_deputy:1", None, "person", "分管安全生产副市长"),
    ("inspector", "inspector", "350582:dept:emergency:inspector:1", None, "person", "晋江市应急局执法人员"),
    ("department", "department", "350500:dept:housing:department_head:1", None, "person", "市住建局局长"),
    ("enterprise", "enterprise", None, "350582100", "enterprise", "陈埭镇演示企业"),
    ("county_office", "safety_office", "350582:office:office_staff:1", None, "person", "晋江市安办"),
    ("countysys", "county_system", None, "350582", "county_system", "晋江市安全生产信息系统"),
    ("auditor", "auditor", None, "350500", "person", "审计员"),
    ("staffing", "staffing_reviewer", "350500:dept:staffing:department_leader:1", None, "person", "市委编办审核员"),
]
