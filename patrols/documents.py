"""The patrol report (巡查报告) and the feedback letter (巡查反馈意见) as Word documents in the
house style of Party and government documents (see ``responsibility.supervision_docx``), built
from what the patrol records: its dates, group, content areas and findings. The text is
Chinese, the language the documents are issued in, whatever the interface language.

Each generation is stored with the patrol (:func:`patrols.services.patrols.patrol_generate_document`),
so what was sent can be downloaded again later even after the records change.
"""

from __future__ import annotations

import io
from datetime import date

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from patrols.choices import FindingCategory, MemberRole, Milestone
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

NUMERALS = "一二三四五六七八九十"
CATEGORY_HEADINGS = {
    FindingCategory.PROBLEM: "安全生产问题和违法违规行为",
    FindingCategory.MAJOR_HAZARD: "重大事故隐患",
    FindingCategory.FORMALISM: "形式主义、官僚主义问题",
    FindingCategory.DERELICTION: "失职渎职、滥用职权问题",
}
ROUTE_ADVICE = {
    FindingCategory.PROBLEM: "移交{target}处理，跟踪整改到位",
    FindingCategory.MAJOR_HAZARD: "提请安委会挂牌督办，落实整改责任、措施、资金、时限和预案",
    FindingCategory.FORMALISM: "移交纪检监察机关，按照干部管理权限调查处理",
    FindingCategory.DERELICTION: "移交纪检监察机关，按照干部管理权限调查处理",
}
ROLE_NAMES = {
    MemberRole.LEADER: "组长",
    MemberRole.DEPUTY_LEADER: "副组长",
    MemberRole.MEMBER: "成员",
    MemberRole.LIAISON: "联络员",
    MemberRole.EXPERT: "专家",
}
TABLE_HEADERS = ("序号", "问题类别", "发现的问题", "责任单位", "处置建议")


def _new_document():
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    return document


def _head(document, issuer: str, number: str, title: str) -> None:
    _paragraph(document, issuer, font=TITLE_FONT, size=26, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, indent=False)
    _red_rule(_paragraph(document, number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False))
    _paragraph(document, indent=False)
    _paragraph(document, title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, indent=False)


def _signature(document, signer: str, day: date) -> None:
    _paragraph(document, indent=False)
    _paragraph(document, signer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, _date_cn(day), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _save(document, title: str, subject: str) -> bytes:
    buffer = io.BytesIO()
    document.core_properties.title = title
    document.core_properties.subject = subject
    document.save(buffer)
    return buffer.getvalue()


class _Data:
    """What both documents read, loaded once."""

    def __init__(self, patrol):
        self.patrol = patrol
        self.term = patrol.term
        self.target = patrol.target
        self.issuing = self.term.issuing_jurisdiction
        self.milestones = {m.key: m for m in patrol.milestones.all()}
        self.members = list(patrol.memberships.select_related("official").order_by("pk"))
        self.areas = list(patrol.area_checks.select_related("area").order_by("area__sort_order", "area_id"))
        self.findings = list(patrol.findings.select_related("responsible_unit", "content_area").order_by("number"))
        self.group = patrol.group_name or "巡查组"

    def actual(self, key: str) -> date | None:
        return self.milestones[key].actual_on if key in self.milestones else None

    def when(self, key: str) -> str:
        day = self.actual(key) or self.milestones[key].planned_on if key in self.milestones else None
        return _date_cn(day) if day else "（待定）"

    @property
    def issuer(self) -> str:
        return f"{self.issuing.name}安全生产巡查{self.group}" if self.patrol.group_name else f"{self.issuing.name}安全生产巡查组"

    @property
    def leader(self) -> str:
        leaders = [m.official.name for m in self.members if m.role == MemberRole.LEADER]
        return leaders[0] if leaders else "（未确定）"

    def member_line(self) -> str:
        if not self.members:
            return "（巡查组成员未登记）"
        return "；".join(f"{ROLE_NAMES.get(m.role, '成员')}{m.official.name}" for m in self.members)

    def areas_line(self) -> str:
        covered = [a.area.name for a in self.areas if a.covered]
        return "、".join(covered) if covered else "（未记录）"

    def by_category(self) -> list[tuple[str, list]]:
        groups = []
        for category in FindingCategory.values:
            rows = [f for f in self.findings if f.category == category]
            if rows:
                groups.append((category, rows))
        return groups


def _findings_body(document, data: _Data, heading_number: int) -> int:
    """The findings grouped by category, numbered continuously; returns the next heading number."""
    groups = data.by_category()
    _paragraph(document, f"{NUMERALS[heading_number - 1]}、发现的主要问题", font=HEADING_FONT)
    if not groups:
        _paragraph(document, "巡查未发现需要报告的问题。")
        return heading_number + 1
    for index, (category, rows) in enumerate(groups, start=1):
        _paragraph(document, f"（{NUMERALS[index - 1]}）{CATEGORY_HEADINGS[category]}（{len(rows)}项）", font=BODY_FONT, bold=True)
        for finding in rows:
            unit = finding.responsible_name
            _paragraph(document, f"{finding.number}．{finding.title}。{finding.description.strip()}" + (f"（责任单位：{unit}）" if unit else ""))
    return heading_number + 1


def _findings_table(document, data: _Data) -> None:
    table = document.add_table(rows=1 + max(len(data.findings), 1), cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
    for row, finding in enumerate(data.findings, start=1):
        values = (
            str(finding.number), CATEGORY_HEADINGS[finding.category], finding.title, finding.responsible_name or "—",
            ROUTE_ADVICE[finding.category].format(target=data.target.name),
        )
        for cell, value in zip(table.rows[row].cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(value), BODY_FONT, 10.5)
    if not data.findings:
        cell = table.rows[1].cells[0].merge(table.rows[1].cells[-1])
        _font(cell.paragraphs[0].add_run("巡查未发现需要报告的问题。"), BODY_FONT, 10.5)


def patrol_report_docx(patrol) -> tuple[str, bytes]:
    """The group's report to the issuing Party committee and government: what was done, what was
    found, how the findings should be handled, with the findings as an attached table."""
    data = _Data(patrol)
    title = f"关于对{data.target.name}开展安全生产巡查情况的报告"
    document = _new_document()
    _head(document, data.issuer, f"巡查报告 {patrol.code}", title)
    _paragraph(document, f"{data.issuing.name}委、{data.issuing.name}人民政府：", indent=False)
    _paragraph(
        document,
        f"根据{data.term.name}安全生产巡查工作安排，{data.group}于{data.when(Milestone.STATIONING_START)}至"
        f"{data.when(Milestone.STATIONING_END)}对{data.target.name}开展了安全生产巡查。现将巡查情况报告如下：",
    )
    _paragraph(document, "一、巡查工作开展情况", font=HEADING_FONT)
    _paragraph(document, f"巡查组组成：{data.member_line()}。")
    _paragraph(document, f"巡查重点：{data.areas_line()}。")
    if patrol.focus:
        _paragraph(document, f"专项巡查内容：{patrol.focus.strip()}")
    next_heading = _findings_body(document, data, 2)
    _paragraph(document, f"{NUMERALS[next_heading - 1]}、处置意见和建议", font=HEADING_FONT)
    for index, (category, rows) in enumerate(data.by_category(), start=1):
        numbers = "、".join(str(f.number) for f in rows)
        advice = ROUTE_ADVICE[category].format(target=data.target.name)
        _paragraph(document, f"{index}．第{numbers}项{CATEGORY_HEADINGS[category]}，建议{advice}。")
    _paragraph(document, f"巡查结果建议及时通报{data.issuing.name}委组织部，作为被巡查单位领导班子和领导干部综合考核评价、奖惩任免的重要依据。")
    _paragraph(document, "以上报告，请审定。")
    _paragraph(document, indent=False)
    _paragraph(document, "附件：巡查发现问题清单")
    _signature(document, f"{data.issuer}（组长：{data.leader}）", data.actual(Milestone.REPORT) or timezone.localdate())
    document.add_page_break()
    _paragraph(document, "附件", font=HEADING_FONT, indent=False)
    _paragraph(document, "巡查发现问题清单", font=TITLE_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _findings_table(document, data)
    return f"{patrol.code} {title}.docx", _save(document, title, patrol.code)


def feedback_letter_docx(patrol) -> tuple[str, bytes]:
    """The feedback to the patrolled unit: the problems found and what is required of it, with
    the due dates of its rectification plan and report."""
    from patrols.models import PatrolRules

    data = _Data(patrol)
    rules = PatrolRules.for_path(patrol.issuing_path)
    title = f"关于对{data.target.name}安全生产巡查情况的反馈意见"
    document = _new_document()
    _head(document, data.issuer, f"巡查反馈 {patrol.code}", title)
    _paragraph(document, f"{data.target.name}：", indent=False)
    _paragraph(
        document,
        f"根据{data.term.name}安全生产巡查工作安排，{data.group}于{data.when(Milestone.STATIONING_START)}至"
        f"{data.when(Milestone.STATIONING_END)}对你单位开展了安全生产巡查。巡查报告已经{data.issuing.name}委、"
        f"{data.issuing.name}人民政府审定。现将巡查情况反馈如下：",
    )
    next_heading = _findings_body(document, data, 1)
    _paragraph(document, f"{NUMERALS[next_heading - 1]}、整改要求", font=HEADING_FONT)
    feedback_on = data.actual(Milestone.FEEDBACK)
    plan_due = data.milestones[Milestone.RECTIFICATION_PLAN].due_on if feedback_on else None
    report_due = data.milestones[Milestone.RECTIFICATION_REPORT].due_on if feedback_on else None
    plan_when = _date_cn(plan_due) if plan_due else f"反馈后{rules.plan_working_days}个工作日内"
    report_when = _date_cn(report_due) if report_due else f"反馈后{rules.rectification_months}个月内"
    _paragraph(
        document,
        f"1．请你单位按照本反馈意见，逐项制定整改方案，明确责任单位、责任人、整改措施和整改时限，"
        f"于{plan_when}前通过平台报送{data.issuing.name}委、{data.issuing.name}人民政府。",
    )
    _paragraph(document, f"2．请于{report_when}前将整改落实和查处情况报送{data.issuing.name}委、{data.issuing.name}人民政府。")
    _paragraph(document, f"3．{data.issuing.name}安全生产巡查工作领导小组将适时组织“回头看”，对整改落实不力的，视情节轻重提出责任追究建议。")
    _signature(document, data.issuer, feedback_on or timezone.localdate())
    if data.findings:
        document.add_page_break()
        _paragraph(document, "附件", font=HEADING_FONT, indent=False)
        _paragraph(document, "巡查发现问题清单", font=TITLE_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        _findings_table(document, data)
    return f"{patrol.code} {title}.docx", _save(document, title, patrol.code)


__all__ = ["feedback_letter_docx", "patrol_report_docx"]
