"""The trace-back report (倒查报告) of an accident as a Word document in the layout of Party and
government documents (see ``responsibility.supervision_docx``) and as a PDF (``core.pdf``).

Both are built from one list of blocks made from :func:`assessments.selectors.traceback.trace_back`.
The document text is Chinese, the language the report is written in, whatever the interface
language; labels of recorded values (roles, statuses) are the platform's, in its language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from assessments.selectors.traceback import LinkKind, TraceBack
from core import pdf
from responsibility.supervision_docx import (
    BODY_FONT,
    HEADING_FONT,
    RED,
    TITLE_FONT,
    _date_cn,
    _font,
    _paragraph,
    _red_rule,
)

TEXT = {
    "issuer": "{name}安全生产委员会办公室",
    "title": "关于{title}的责任倒查报告",
    "intro": (
        "{occurred}，{place}{enterprise}发生{kind}事故（{level}），造成{deaths}人死亡、{injuries}人重伤，"
        "直接经济损失{loss}万元。按照“党政同责、一岗双责、齐抓共管、失职追责”的要求，现对事故发生前十二个月"
        "（{start}至{end}）属地、行业监管、网格和挂包责任链条各环节的履职记录倒查如下。"
    ),
    "gaps": "一、倒查发现的问题",
    "no_gaps": "倒查未发现履职记录缺项。",
    "territorial": "二、属地管理责任",
    "department": "三、行业监管责任",
    "grid": "四、网格化监管责任",
    "leaders": "五、重大隐患挂包责任",
    "hazards": "六、企业隐患排查整改情况",
    "inspections": "七、对企业的检查记录",
    "none": "无",
    "vacant": "（空缺）",
    "present": "至今",
    "overdue": "（事故发生时已逾期）",
    "no_department": "未确定监管部门。",
    "no_grid": "企业未纳入网格。",
    "no_enterprise": "事故未登记生产经营单位，仅倒查属地责任。",
    "department_itself": "（部门）",
    "filename": "{code} 责任倒查报告.{ext}",
}
GAP_TEXT = {
    "no_inspection": "事故发生前十二个月内，{enterprise}无任何检查记录。",
    "department_no_inspection": "监管部门{department}在十二个月内未对该企业开展检查。",
    "grid_no_inspection": "网格{grid}的网格监管人员在十二个月内未对该企业开展检查。",
    "no_grid": "{enterprise}未纳入网格化监管。",
    "no_grid_supervisor": "网格{grid}未明确网格监管人员。",
    "no_department": "{enterprise}未明确行业监管部门，存在失管漏管。",
    "hazard_overdue": "隐患{code}在事故发生时已超过整改时限{deadline}：{title}",
    "major_no_leader": "重大隐患{code}未落实挂包领导：{title}",
    "major_no_visit": "挂包领导{leader}在十二个月内对重大隐患{code}无督导记录：{title}",
    "vacant": "事故发生时{place}{role}空缺。",
    "no_enterprise": "事故未登记生产经营单位，仅倒查属地责任。",
}
LINK_HEADERS = ("单位", "职务", "姓名", "任职起止", "检查该企业", "发现隐患", "督导记录")
LINK_WIDTHS = (2.6, 2, 1.3, 2.2, 2.4, 1.2, 1.2)
TABLE_WIDTHS = {
    "hazards": (2.2, 3.6, 1.2, 1.6, 1.6, 1.6),
    "inspections": (2.2, 2.2, 1.4, 4.6),
}


@dataclass(frozen=True)
class Block:
    kind: str  # heading, paragraph, table
    text: str = ""
    headers: tuple = ()
    rows: tuple = ()
    widths: tuple = ()


def issuer_of(tb: TraceBack) -> str:
    """The safety committee office of the accident's county (or of its city when the accident
    is recorded at city level)."""
    accident = tb.accident
    county = accident.jurisdiction
    for ancestor in county.ancestors():
        if len(ancestor.path) == 6:
            county = ancestor
    return TEXT["issuer"].format(name=county.name)


def title_of(tb: TraceBack) -> str:
    return TEXT["title"].format(title=tb.accident.title)


def _gap_line(gap: dict, roles: dict) -> str:
    template = GAP_TEXT.get(gap.get("kind"))
    if template is None:
        return str(gap)
    values = dict(gap)
    if "role" in values:
        values["role"] = roles.get(values["role"], values["role"])
    if values.get("deadline"):
        values["deadline"] = values["deadline"].isoformat()
    return template.format(**values)


def _link_rows(links, roles: dict) -> list[tuple]:
    rows = []
    for link in links:
        if link.official_id is None:
            inspections = "；".join(f"{r.started_at:%Y-%m-%d} {r.code}（{r.lead}）" for r in link.inspections) or TEXT["none"]
            rows.append((link.body, TEXT["department_itself"], "—", "—", inspections, str(len(link.hazards_found)), "—"))
            continue
        held = f"{link.start or ''}—{link.end or TEXT['present']}" if link.start else "—"
        inspections = "；".join(
            f"{r.started_at:%Y-%m-%d} {r.code}（{'带队' if r.role == 'led' else '参加'}）" for r in link.inspections
        ) or TEXT["none"]
        visits = str(len(link.visits)) if link.visits else TEXT["none"]
        rows.append((link.body, link.post_title or roles.get(link.role, link.role), link.official_name, held, inspections,
                     str(len(link.hazards_found)), visits))
    return rows


def build_blocks(tb: TraceBack) -> list[Block]:
    from assessments.choices import AccidentLevel, AccidentType
    from hazards.choices import HazardLevel, HazardStatus
    from responsibility.choices import PostRole

    with translation.override(settings.LANGUAGE_CODE):
        roles = {k: str(v) for k, v in PostRole.choices}
        levels = {k: str(v) for k, v in AccidentLevel.choices}
        kinds = {k: str(v) for k, v in AccidentType.choices}
        statuses = {k: str(v) for k, v in HazardStatus.choices}
        hazard_levels = {k: str(v) for k, v in HazardLevel.choices}
    accident = tb.accident
    occurred = timezone.localtime(accident.occurred_at)
    blocks = [
        Block("paragraph", TEXT["intro"].format(
            occurred=f"{occurred.year}年{occurred.month}月{occurred.day}日{occurred:%H:%M}",
            place=accident.jurisdiction.name,
            enterprise=tb.enterprise.name if tb.enterprise else (accident.place or ""),
            kind=kinds.get(accident.accident_type, accident.accident_type),
            level=levels.get(accident.level, accident.level),
            deaths=accident.deaths,
            injuries=accident.serious_injuries,
            loss=accident.direct_loss,
            start=_date_cn(tb.window_start),
            end=_date_cn(tb.window_end),
        )),
        Block("heading", TEXT["gaps"]),
    ]
    if tb.gaps:
        blocks += [Block("paragraph", f"{i}．{_gap_line(g, roles)}") for i, g in enumerate(tb.gaps, start=1)]
    else:
        blocks.append(Block("paragraph", TEXT["no_gaps"]))

    sections = (
        ("territorial", tb.territorial, None),
        ("department", tb.department_links, TEXT["no_department"] if tb.enterprise and tb.department is None else None),
        ("grid", tb.grid_links, TEXT["no_grid"] if tb.enterprise and not tb.grid_name else None),
        ("leaders", tb.linked_leaders, None),
    )
    for key, links, missing in sections:
        blocks.append(Block("heading", TEXT[key]))
        if missing:
            blocks.append(Block("paragraph", missing))
        blocks.append(Block("table", headers=LINK_HEADERS, rows=tuple(_link_rows(links, roles)), widths=LINK_WIDTHS))

    blocks.append(Block("heading", TEXT["hazards"]))
    if tb.enterprise is None:
        blocks.append(Block("paragraph", TEXT["no_enterprise"]))
    hazard_rows = tuple(
        (
            h.code, f"{h.title}（{hazard_levels.get(h.level, h.level)}）", h.found_on.isoformat(),
            h.deadline.isoformat() if h.deadline else "—",
            statuses.get(h.status, h.status) + (TEXT["overdue"] if h.overdue_at_accident else ""),
            h.linked_leader.name if h.linked_leader_id else "—",
        )
        for h in tb.hazards
    )
    blocks.append(Block("table", headers=("编号", "隐患", "发现日期", "整改时限", "整改情况", "挂包领导"), rows=hazard_rows,
                        widths=TABLE_WIDTHS["hazards"]))
    blocks.append(Block("heading", TEXT["inspections"]))
    blocks.append(Block(
        "table",
        headers=("检查时间", "编号", "带队", "检查情况"),
        rows=tuple((f"{timezone.localtime(r.started_at):%Y-%m-%d %H:%M}", r.code, r.lead, r.summary or "—") for r in tb.inspections),
        widths=TABLE_WIDTHS["inspections"],
    ))
    return blocks


def traceback_docx(tb: TraceBack, *, today=None) -> bytes:
    today = today or timezone.localdate()
    issuer, title = issuer_of(tb), title_of(tb)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _paragraph(document, issuer, font=TITLE_FONT, size=26, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, indent=False)
    _red_rule(_paragraph(document, indent=False))
    _paragraph(document, indent=False)
    _paragraph(document, title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, indent=False)
    for block in build_blocks(tb):
        if block.kind == "heading":
            _paragraph(document, block.text, font=HEADING_FONT)
        elif block.kind == "paragraph":
            _paragraph(document, block.text)
        else:
            rows = block.rows or ((TEXT["none"],) + ("",) * (len(block.headers) - 1),)
            table = document.add_table(rows=1 + len(rows), cols=len(block.headers))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
            for index, row in enumerate(rows, start=1):
                for cell, value in zip(table.rows[index].cells, row, strict=True):
                    cell.text = ""
                    _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 10.5)
            if not block.rows:
                table.rows[1].cells[0].merge(table.rows[1].cells[-1])
    _paragraph(document, indent=False)
    _paragraph(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, _date_cn(today), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    buffer = io.BytesIO()
    document.core_properties.title = title
    document.core_properties.author = issuer
    document.save(buffer)
    return buffer.getvalue()


def traceback_pdf(tb: TraceBack, *, today=None) -> bytes:
    today = today or timezone.localdate()
    issuer, title = issuer_of(tb), title_of(tb)
    blocks: list[pdf.Block] = []
    for block in build_blocks(tb):
        if block.kind == "heading":
            blocks.append(pdf.Heading(block.text))
        elif block.kind == "paragraph":
            blocks.append(pdf.Paragraph(block.text))
        else:
            blocks.append(pdf.Table(block.headers, block.rows, widths=block.widths, empty_text=TEXT["none"]))
    blocks += [pdf.Paragraph(issuer, align="right"), pdf.Paragraph(_date_cn(today), align="right")]
    return pdf.render_pdf(pdf.Document(title=title, subtitle=issuer, blocks=blocks, author=issuer, footer=issuer))


def traceback_filename(tb: TraceBack, extension: str) -> str:
    return TEXT["filename"].format(code=tb.accident.code, ext=extension)


__all__ = ["LinkKind", "build_blocks", "traceback_docx", "traceback_filename", "traceback_pdf"]
