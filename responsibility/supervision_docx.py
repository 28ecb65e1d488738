"""The monthly supervision notice as a Word document in the layout of Party and government
documents (GB/T 9704-2012): issuing office in red, document number, red rule, title, body,
issuing office and date, and the list of matters as an attachment table.

The document is built from what the notice stored when it was issued (body and list table),
so downloading it again later gives the same document.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from responsibility.models import SupervisionNotice
from responsibility.services.supervision import NOTICE_TEXT

RED = RGBColor(0xC0, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"

TABLE_HEADERS = ("序号", "督办事项", "责任领导", "牵头单位", "办理时限", "最新进展", "状态")


def _font(run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    # Word picks the font of Chinese characters from the eastAsia attribute, not from name.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(document, text: str = "", *, font=BODY_FONT, size=16, bold=False, color=None, align=None, indent=True):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    if text:
        _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _red_rule(paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _date_cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_filename(notice: SupervisionNotice) -> str:
    return f"{notice.document_number} {notice.title}.docx"


def notice_docx(notice: SupervisionNotice) -> bytes:
    issuer = NOTICE_TEXT["issuer"].format(name=notice.jurisdiction.name)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    _paragraph(document, issuer, font=TITLE_FONT, size=26, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, indent=False)
    number = _paragraph(document, notice.document_number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _red_rule(number)
    _paragraph(document, indent=False)
    _paragraph(document, notice.title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, indent=False)
    _paragraph(document, "各有关单位：", indent=False)
    for block in notice.body.split("\n\n"):
        for line in block.splitlines():
            if line.strip():
                _paragraph(document, line.strip())
    _paragraph(document, indent=False)
    _paragraph(document, f"附件：{notice.month.year}年{notice.month.month}月督办事项清单")
    _paragraph(document, indent=False)
    _paragraph(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, _date_cn(notice.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)

    document.add_page_break()
    _paragraph(document, "附件", font=HEADING_FONT, size=16, indent=False)
    _paragraph(
        document, f"{notice.month.year}年{notice.month.month}月督办事项清单", font=TITLE_FONT, size=18,
        align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
    )
    rows = notice.rows or []
    table = document.add_table(rows=1 + max(len(rows), 1), cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
    for index, row in enumerate(rows, start=1):
        values = (
            str(index), row.get("title", ""), row.get("owner", ""), row.get("lead_unit", ""), row.get("deadline", ""),
            row.get("progress", "") or "—", row.get("status", ""),
        )
        for cell, value in zip(table.rows[index].cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(value), BODY_FONT, 10.5, bold=bool(row.get("overdue")) and value == row.get("status"))
    if not rows:
        cell = table.rows[1].cells[0].merge(table.rows[1].cells[-1])
        _font(cell.paragraphs[0].add_run(NOTICE_TEXT["none"]), BODY_FONT, 10.5)

    buffer = io.BytesIO()
    document.core_properties.title = notice.title
    document.core_properties.subject = notice.document_number
    document.save(buffer)
    return buffer.getvalue()
