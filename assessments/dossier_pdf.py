"""The duty-performance dossier (履职尽责档案) as a PDF (``core.pdf``), built from the snapshot a
dossier stored when it was generated, so the same dossier always prints the same.

The document text is Chinese, the language accountability reviews are conducted in, whatever
the interface language (as the platform's other documents); the labels of recorded values
(roles, statuses …) are the platform's own, taken in the platform's language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from assessments.selectors.dossier import dossier_display
from core import pdf

TEXT = {
    "title": "{name}履职尽责档案",
    "subtitle": "{start}至{end}",
    "intro": (
        "本档案汇集平台记录的{name}同志在{start}至{end}期间履行安全生产职责的情况，包括任职情况、责任清单、"
        "年度重点工作及其检查、安全检查与检查频次要求、参加会议、挂包重大隐患整改、所在单位权责清单公布、"
        "巡查发现问题和问责记录，供尽职免责认定参考。档案内容截至{asof}，生成于{generated}。"
    ),
    "accident": "本档案为{code}“{title}”（发生于{occurred}）的责任认定而生成。",
    "gaps_heading": "一、履职缺项",
    "no_gaps": "在平台记录中未发现履职缺项。",
    "summary_heading": "二、履职概况",
    "posts_heading": "三、任职情况",
    "items_heading": "四、安全生产责任清单",
    "work_heading": "五、年度重点工作及检查",
    "inspections_heading": "六、安全检查",
    "quota_heading": "（一）检查频次完成情况",
    "inspection_list_heading": "（二）检查记录",
    "meetings_heading": "七、参加会议",
    "hazards_heading": "八、挂包重大隐患",
    "lists_heading": "九、所在单位权责清单公布",
    "findings_heading": "十、巡查发现问题",
    "decisions_heading": "十一、问责记录",
    "none": "无",
    "present": "至今",
    "led": "带队",
    "joined": "参加",
    "chaired": "主持",
    "attended": "参加",
    "yes": "是",
    "footer": "履职尽责档案",
    "lifelong": "终身追责",
}

GAP_TEXT = {
    "quota_shortfall": "检查频次“{rule}”在{window}未达要求：完成{count}次，应完成{required}次。",
    "work_item_overdue": "年度重点工作逾期未完成（时限{due_date}）：{content}",
    "hazard_overdue": "挂包重大隐患{code}超过整改时限{deadline}：{title}",
    "hazard_no_visit": "挂包重大隐患{code}在本期间无督导或协调记录：{title}",
    "list_unpublished": "{organization}在本期间结束前没有公布的权责清单。",
}

SUMMARY_ROWS = (
    ("任职", "posts"),
    ("责任清单事项", "responsibility_items"),
    ("年度重点工作（完成 / 逾期）", ("work_items", "work_items_done", "work_items_overdue")),
    ("重点工作检查记录", "work_item_checks"),
    ("带队检查 / 参加检查", ("inspections_led", "inspections_joined")),
    ("检查频次（完成 / 应完成）", ("quota_done", "quota_required")),
    ("主持会议 / 参加会议", ("meetings_chaired", "meetings_attended")),
    ("挂包重大隐患（逾期）", ("major_hazards", "major_hazards_overdue")),
    ("本人督导协调次数", "visits_by_official"),
    ("公布权责清单", "lists_published"),
    ("巡查发现问题（未整改）", ("patrol_findings", "patrol_findings_open")),
    ("问责记录", "decisions"),
    ("履职缺项", "gaps"),
)


def _summary_value(summary: dict, keys) -> str:
    if isinstance(keys, str):
        return str(summary.get(keys, 0))
    if len(keys) == 3:
        return f"{summary.get(keys[0], 0)}（{summary.get(keys[1], 0)} / {summary.get(keys[2], 0)}）"
    return f"{summary.get(keys[0], 0)} / {summary.get(keys[1], 0)}"


def gap_line(gap: dict, window_label) -> str:
    template = GAP_TEXT.get(gap.get("kind"))
    if template is None:
        return str(gap)
    values = dict(gap)
    if "window" in values:
        values["window"] = window_label(values["window"])
    return template.format(**values)


def _window_cn(key: str) -> str:
    """2026 → 2026年, 2026-H1 → 2026年上半年, 2026-Q3 → 2026年第三季度, 2026-10 → 2026年10月."""
    year, _, rest = key.partition("-")
    if not rest:
        return f"{year}年"
    if rest.startswith("H"):
        return f"{year}年{'上' if rest == 'H1' else '下'}半年"
    if rest.startswith("Q"):
        return f"{year}年第{'一二三四'[int(rest[1]) - 1]}季度"
    return f"{year}年{int(rest)}月"


def dossier_document(dossier) -> pdf.Document:
    with translation.override(settings.LANGUAGE_CODE):
        data = dossier_display(dossier.data)
    name = data["official"]["name"]
    start, end = data["period"]["start"], data["period"]["end"]
    summary = data.get("summary", {})
    blocks: list[pdf.Block] = [
        pdf.Paragraph(TEXT["intro"].format(name=name, start=start, end=end, asof=data.get("as_of"), generated=data.get("generated_on")))
    ]
    if data.get("accident"):
        accident = data["accident"]
        blocks.append(pdf.Paragraph(TEXT["accident"].format(code=accident["code"], title=accident["title"], occurred=accident["occurred_at"])))

    blocks.append(pdf.Heading(TEXT["gaps_heading"]))
    if data["gaps"]:
        blocks += [pdf.Paragraph(f"{i}．{gap_line(g, _window_cn)}", align="plain") for i, g in enumerate(data["gaps"], start=1)]
    else:
        blocks.append(pdf.Paragraph(TEXT["no_gaps"]))

    blocks.append(pdf.Heading(TEXT["summary_heading"]))
    blocks.append(pdf.Table(("项目", "数量"), [(label, _summary_value(summary, keys)) for label, keys in SUMMARY_ROWS], widths=(3, 2)))

    blocks.append(pdf.Heading(TEXT["posts_heading"]))
    blocks.append(pdf.Table(
        ("单位", "职务", "任职起止"),
        [(p["organization"], p["title"] or p["role_label"], f"{p['start']}—{p['end'] or TEXT['present']}") for p in data["posts"]],
        widths=(3, 3, 2.5), empty_text=TEXT["none"],
    ))

    blocks.append(pdf.Heading(TEXT["items_heading"]))
    blocks.append(pdf.Table(
        ("序号", "职务", "职责内容"),
        [(i, item["post"], item["content"]) for i, item in enumerate(data["responsibility_items"], start=1)],
        widths=(0.6, 2.2, 6), empty_text=TEXT["none"],
    ))

    blocks.append(pdf.Heading(TEXT["work_heading"]))
    work_rows = []
    for work in data["work_items"]:
        checks = "；".join(
            f"{c['date']} {c['result_label']}{('：' + c['note']) if c['note'] else ''}{('（附' + c['evidence'] + '）') if c['evidence'] else ''}"
            for c in work["checks"]
        ) or TEXT["none"]
        status = work["status_label"] + ("（逾期）" if work["overdue"] else "")
        work_rows.append((f"{work['year']}-{work['sequence']}", work["content"], work["due_date"], status, checks))
    blocks.append(pdf.Table(("编号", "工作任务", "时限", "状态", "检查情况"), work_rows, widths=(1, 3.5, 1.4, 1.4, 3.5), empty_text=TEXT["none"]))

    blocks.append(pdf.Heading(TEXT["inspections_heading"]))
    blocks.append(pdf.Paragraph(TEXT["quota_heading"], align="plain", bold=True))
    quota_rows = []
    for quota in data["quotas"]:
        windows = "；".join(f"{_window_cn(w['key'])} {w['count']}/{w['required']} {w['status_label']}" for w in quota["windows"])
        quota_rows.append((quota["rule"], quota["posts"], f"{quota['done']}/{quota['required']}", windows))
    blocks.append(pdf.Table(("检查频次要求", "适用职务", "完成/应完成", "各期情况"), quota_rows, widths=(2.5, 2.5, 1.3, 4), empty_text=TEXT["none"]))
    blocks.append(pdf.Paragraph(TEXT["inspection_list_heading"], align="plain", bold=True))
    blocks.append(pdf.Table(
        ("时间", "编号", "类型", "本人", "地点或企业"),
        [
            (i["started_at"], i["code"], i["kind_label"], TEXT["led"] if i["role"] == "led" else TEXT["joined"],
             "、".join(i["enterprises"]) or i["place"] or i["jurisdiction"])
            for i in data["inspections"]
        ],
        widths=(2, 2.2, 1.6, 0.9, 4), empty_text=TEXT["none"],
    ))

    blocks.append(pdf.Heading(TEXT["meetings_heading"]))
    blocks.append(pdf.Table(
        ("日期", "会议", "召开单位", "本人"),
        [(m["held_on"], m["title"], m["organization"], TEXT["chaired"] if m["chaired"] else TEXT["attended"]) for m in data["meetings"]],
        widths=(1.5, 4, 3, 1), empty_text=TEXT["none"],
    ))

    blocks.append(pdf.Heading(TEXT["hazards_heading"]))
    hazard_rows = []
    for hazard in data["major_hazards"]:
        status = hazard["status_label"] + ("（逾期）" if hazard["overdue"] else "")
        visits = f"{hazard['visits_by_official']}次" + (f"，最近{hazard['last_visit']}" if hazard["last_visit"] else "")
        hazard_rows.append((hazard["code"], f"{hazard['enterprise'] or hazard['jurisdiction']} {hazard['title']}", hazard["deadline"] or "—", status, visits))
    blocks.append(pdf.Table(("编号", "隐患", "整改时限", "状态", "本人督导"), hazard_rows, widths=(2.2, 4, 1.5, 1.6, 1.8), empty_text=TEXT["none"]))

    blocks.append(pdf.Heading(TEXT["lists_heading"]))
    blocks.append(pdf.Table(
        ("单位", "版本", "公布时间"),
        [(v["organization"], f"第{v['number']}版", v["published_at"]) for v in data["power_lists"]],
        widths=(4, 1.5, 2.5), empty_text=TEXT["none"],
    ))

    blocks.append(pdf.Heading(TEXT["findings_heading"]))
    blocks.append(pdf.Table(
        ("发现日期", "巡查", "问题", "责任单位", "整改情况"),
        [
            (f["found_on"], f["patrol"], f"{f['number']}. {f['title']}", f["unit"], f["status_label"] + (f"（{f['rectified_on']}）" if f["rectified_on"] else ""))
            for f in data["patrol_findings"]
        ],
        widths=(1.5, 2, 4, 2.2, 1.8), empty_text=TEXT["none"],
    ))

    blocks.append(pdf.Heading(TEXT["decisions_heading"]))
    blocks.append(pdf.Table(
        ("决定日期", "问责方式", "决定机关", "文号", "情节"),
        [
            (d["decided_on"], d["measure_label"], d["decided_by"], d["document_reference"] or "—",
             "；".join(x for x in (d["modifier_label"], TEXT["lifelong"] if d["lifelong"] else "") if x) or "—")
            for d in data["decisions"]
        ],
        widths=(1.6, 2.2, 2.6, 2.2, 2), empty_text=TEXT["none"],
    ))
    return pdf.Document(
        title=TEXT["title"].format(name=name),
        subtitle=TEXT["subtitle"].format(start=start, end=end),
        blocks=blocks,
        author=name,
        footer=TEXT["footer"],
    )


def dossier_pdf(dossier) -> bytes:
    return pdf.render_pdf(dossier_document(dossier))


def dossier_filename(dossier) -> str:
    return f"{dossier.official.name} {dossier.period_start:%Y%m%d}-{dossier.period_end:%Y%m%d}.pdf"
