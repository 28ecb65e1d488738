"""The notice (通报) of a quarterly comprehensive supervision round, as a Word document in the
house style of Party and government documents (see ``responsibility.supervision_docx``) and as
a PDF (``core.pdf``).

Both are built from one :class:`RoundNotice`: title, body paragraphs, the problems per
supervised jurisdiction and the copy line. The problem list is fixed once the notice is issued,
so downloading it again later gives the same document. The document text is Chinese, the
language the notice is issued in, whatever the interface language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from core import pdf
from inspections.models import SupervisionRound
from inspections.services.rounds import organization_department
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

CHINESE_NUMERALS = "一二三四五六七八九十"
QUARTERS = {1: "一", 2: "二", 3: "三", 4: "四"}

NOTICE_TEXT = {
    "issuer": "{name}安全生产委员会办公室",
    "title": "关于{year}年第{quarter}季度安全生产综合督查发现问题的通报",
    "salutation": "各{level}安委会：",
    "intro": (
        "根据年度工作安排，{issuer}于{year}年第{quarter}季度对{targets}开展了安全生产综合督查，"
        "共发现问题{total}项。现将督查发现的问题通报如下："
    ),
    "intro_none": "根据年度工作安排，{issuer}于{year}年第{quarter}季度对{targets}开展了安全生产综合督查，未发现需要通报的问题。",
    "section": "{numeral}、{target}（{count}项）",
    "item": "{index}．{description}（整改时限：{deadline}）",
    "closing": (
        "请各地对照问题清单，举一反三、逐项整改，明确责任人和整改措施，于整改时限前将整改情况书面反馈{issuer}。"
        "{issuer}将对整改情况进行跟踪督办，对整改不力的予以通报，并将有关情况抄送组织部门。"
    ),
    "attachment": "附件：{year}年第{quarter}季度安全生产综合督查问题清单",
    "attachment_title": "{year}年第{quarter}季度安全生产综合督查问题清单",
    "copy": "抄送：{department}。",
    "draft": "（未印发）",
    "none": "本季度综合督查未发现需要通报的问题。",
}
TABLE_HEADERS = ("序号", "被督查地区", "存在问题", "整改时限")
TABLE_WIDTHS = (1, 2.5, 8, 2.5)


@dataclass
class NoticeSection:
    heading: str
    items: list[str] = field(default_factory=list)


@dataclass
class RoundNotice:
    issuer: str
    title: str
    salutation: str
    intro: str
    sections: list[NoticeSection]
    closing: str
    attachment: str
    attachment_title: str
    rows: list[tuple[str, str, str, str]]
    date_text: str
    copy_line: str
    issued: bool


def _level_word(round_: SupervisionRound) -> str:
    levels = {t.level for t in round_.targets.all()}
    if levels <= {"county", "development_zone"}:
        return "县（市、区）"
    if levels <= {"township"}:
        return "乡镇（街道）"
    return "地"


def build_notice(round_: SupervisionRound) -> RoundNotice:
    """What the notice says, from the round and its problems."""
    jurisdiction = round_.jurisdiction
    issuer = NOTICE_TEXT["issuer"].format(name=jurisdiction.name)
    quarter = QUARTERS.get(round_.quarter, str(round_.quarter))
    targets = list(round_.targets.order_by("path"))
    problems = list(round_.problems.select_related("target").order_by("target__path", "pk"))
    target_names = "、".join(t.name for t in targets) or "—"
    by_target: dict[int, list] = {}
    for problem in problems:
        by_target.setdefault(problem.target_id, []).append(problem)
    sections, rows = [], []
    for target in targets:
        found = by_target.get(target.pk, [])
        if not found:
            continue
        numeral = CHINESE_NUMERALS[len(sections)] if len(sections) < len(CHINESE_NUMERALS) else str(len(sections) + 1)
        section = NoticeSection(NOTICE_TEXT["section"].format(numeral=numeral, target=target.name, count=len(found)))
        for index, problem in enumerate(found, start=1):
            section.items.append(
                NOTICE_TEXT["item"].format(index=index, description=problem.description, deadline=_date_cn(problem.deadline))
            )
            rows.append((str(len(rows) + 1), target.name, problem.description, _date_cn(problem.deadline)))
        sections.append(section)
    facts = {"issuer": issuer, "year": round_.year, "quarter": quarter, "targets": target_names, "total": len(problems)}
    intro = NOTICE_TEXT["intro" if problems else "intro_none"].format(**facts)
    if round_.notice_issued_at is not None:
        date_text = _date_cn(timezone.localtime(round_.notice_issued_at).date())
        department = round_.copied_to
    else:
        date_text = NOTICE_TEXT["draft"]
        department = organization_department(jurisdiction)
    return RoundNotice(
        issuer=issuer,
        title=NOTICE_TEXT["title"].format(year=round_.year, quarter=quarter),
        salutation=NOTICE_TEXT["salutation"].format(level=_level_word(round_)),
        intro=intro,
        sections=sections,
        closing=NOTICE_TEXT["closing"].format(issuer=issuer),
        attachment=NOTICE_TEXT["attachment"].format(year=round_.year, quarter=quarter),
        attachment_title=NOTICE_TEXT["attachment_title"].format(year=round_.year, quarter=quarter),
        rows=rows,
        date_text=date_text,
        copy_line=NOTICE_TEXT["copy"].format(department=department.name) if department else "",
        issued=round_.notice_issued_at is not None,
    )


def notice_docx(round_: SupervisionRound) -> bytes:
    notice = build_notice(round_)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    _paragraph(document, notice.issuer, font=TITLE_FONT, size=26, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, indent=False)
    _red_rule(_paragraph(document, indent=False))
    _paragraph(document, indent=False)
    _paragraph(document, notice.title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, indent=False)
    _paragraph(document, notice.salutation, indent=False)
    _paragraph(document, notice.intro)
    for block in notice.sections:
        _paragraph(document, block.heading, font=HEADING_FONT)
        for item in block.items:
            _paragraph(document, item)
    _paragraph(document, notice.closing)
    if notice.rows:
        _paragraph(document, indent=False)
        _paragraph(document, notice.attachment)
    _paragraph(document, indent=False)
    _paragraph(document, notice.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, notice.date_text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    if notice.copy_line:
        _paragraph(document, indent=False)
        _paragraph(document, notice.copy_line, size=14, indent=False)

    if notice.rows:
        document.add_page_break()
        _paragraph(document, "附件", font=HEADING_FONT, size=16, indent=False)
        _paragraph(document, notice.attachment_title, font=TITLE_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        table = document.add_table(rows=1 + len(notice.rows), cols=len(TABLE_HEADERS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, header in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
        for index, row in enumerate(notice.rows, start=1):
            for cell, value in zip(table.rows[index].cells, row, strict=True):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(value), BODY_FONT, 10.5)

    buffer = io.BytesIO()
    document.core_properties.title = notice.title
    document.core_properties.author = notice.issuer
    document.save(buffer)
    return buffer.getvalue()


def notice_pdf(round_: SupervisionRound) -> bytes:
    notice = build_notice(round_)
    blocks: list[pdf.Block] = [pdf.Paragraph(notice.salutation, align="plain"), pdf.Paragraph(notice.intro)]
    for block in notice.sections:
        blocks.append(pdf.Heading(block.heading))
        blocks.extend(pdf.Paragraph(item) for item in block.items)
    blocks.append(pdf.Paragraph(notice.closing))
    if notice.rows:
        blocks.append(pdf.Paragraph(notice.attachment))
    blocks += [pdf.Paragraph(notice.issuer, align="right"), pdf.Paragraph(notice.date_text, align="right")]
    if notice.copy_line:
        blocks.append(pdf.Paragraph(notice.copy_line, align="plain"))
    if notice.rows:
        blocks += [
            pdf.PageBreak(),
            pdf.Heading("附件"),
            pdf.Paragraph(notice.attachment_title, align="center", bold=True),
            pdf.Table(TABLE_HEADERS, notice.rows, widths=TABLE_WIDTHS),
        ]
    return pdf.render_pdf(
        pdf.Document(title=notice.title, subtitle=notice.issuer, blocks=blocks, author=notice.issuer, footer=notice.issuer)
    )


def notice_filename(round_: SupervisionRound, extension: str) -> str:
    return f"{round_.year}Q{round_.quarter} {build_title(round_)}.{extension}"


def build_title(round_: SupervisionRound) -> str:
    return NOTICE_TEXT["title"].format(year=round_.year, quarter=QUARTERS.get(round_.quarter, str(round_.quarter)))
