"""The results of an assessment round as documents: a PDF in the form of an official results
table (title, issuing office, date, the ranked table and the veto notes) and an XLSX working
sheet with every category's subtotal.

The PDF's text is Chinese, the language the results are issued in, whatever the interface
language (like the supervision notices of ``inspections.documents``); the XLSX is a working
file and follows the interface language.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.choices import Grade, PeriodKind, RoundStatus
from assessments.models import AssessmentRound, RoundTarget
from assessments.selectors.results import ResultsTable
from core import pdf

QUARTERS = {1: "一", 2: "二", 3: "三", 4: "四"}
GRADES_CN = {Grade.EXCELLENT: "优秀", Grade.GOOD: "良好", Grade.QUALIFIED: "合格", Grade.UNQUALIFIED: "不合格"}

TEXT = {
    "issuer": "{name}安全生产委员会办公室",
    "title_quarter": "{name}{year}年第{quarter}季度安全生产责任制考核结果",
    "title_annual": "{name}{year}年度安全生产目标责任制考核结果",
    "intro": (
        "根据《{scheme}》，{issuer}对{count}个被考核单位{period}安全生产责任制落实情况进行了考核。"
        "考核结果按总分排名如下（总分＝基本分－扣分＋加分，等次已计入一票否决情形）。"
    ),
    "period_quarter": "{year}年第{quarter}季度",
    "period_annual": "{year}年度",
    "draft": "（未定稿，仅供审核）",
    "veto_heading": "一票否决情形",
    "veto_none": "本期无一票否决情形。",
    "veto_excellence": "{unit}：触发否决条款，取消当年度评优评先资格（原等次：{before}）。",
    "veto_unqualified": "{unit}：触发否决条款，认定为不合格单位（原等次：{before}）。",
    "mark_excellence": "取消评优",
    "mark_unqualified": "认定不合格",
    "empty": "本轮考核暂无结果。",
}
NUMERALS = "一二三四五六七八九十"
LEVELS_CN = {"city": "设区市", "county": "县（市、区）", "development_zone": "开发区", "township": "乡镇（街道）"}


def _group_heading(group) -> str:
    if group.key == "department":
        return "安委会成员单位"
    levels = []
    for row in group.rows:
        level = row.organization.jurisdiction.level
        if level not in levels:
            levels.append(level)
    order = list(LEVELS_CN)
    levels.sort(key=lambda level: order.index(level) if level in order else len(order))
    return "和".join(LEVELS_CN.get(level, level) for level in levels)


HEADERS = ("名次", "被考核单位", "基本分", "扣分", "加分", "总分", "等次", "否决情形", "较上期")
WIDTHS = (1.25, 3.6, 1.5, 1.2, 1.2, 1.4, 1.6, 1.9, 1.5)


def _number(value: Decimal | None) -> str:
    """Two decimals, as results tables print them (0 as "0")."""
    if value is None:
        return "—"
    value = Decimal(value).quantize(Decimal("0.01"))
    return "0" if value == 0 else f"{value:f}"


def _signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = _number(abs(value))
    return f"↑{text}" if value > 0 else (f"↓{text}" if value < 0 else "持平")


def _date_cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def issuer(round_: AssessmentRound) -> str:
    return TEXT["issuer"].format(name=round_.jurisdiction.name)


def title(round_: AssessmentRound) -> str:
    if round_.period_kind == PeriodKind.QUARTERLY:
        return TEXT["title_quarter"].format(
            name=round_.jurisdiction.name, year=round_.year, quarter=QUARTERS.get(round_.quarter, round_.quarter)
        )
    return TEXT["title_annual"].format(name=round_.jurisdiction.name, year=round_.year)


def issue_date(round_: AssessmentRound):
    """The day the results were published (or finalized); a draft carries today's date."""
    moment = round_.published_at or round_.finalized_at
    return timezone.localdate(moment) if moment else timezone.localdate()


def _veto_mark(row: RoundTarget) -> str:
    if row.unqualified_by_veto:
        return TEXT["mark_unqualified"]
    if row.excellence_removed:
        return TEXT["mark_excellence"]
    return ""


def _veto_note(row: RoundTarget) -> str:
    before = GRADES_CN.get(row.grade_before_veto, row.grade_before_veto or "—")
    key = "veto_unqualified" if row.unqualified_by_veto else "veto_excellence"
    return TEXT[key].format(unit=row.organization.name, before=before)


def _pdf_row(row: RoundTarget) -> tuple:
    return (
        row.rank or "—",
        row.organization.name,
        _number(row.score_total),
        _number(row.deductions),
        _number(row.bonus),
        _number(row.total),
        GRADES_CN.get(row.grade, "—"),
        _veto_mark(row) or "—",
        _signed(row.total_delta),
    )


def results_pdf(table: ResultsTable) -> bytes:
    round_ = table.round
    office = issuer(round_)
    period = (
        TEXT["period_quarter"].format(year=round_.year, quarter=QUARTERS.get(round_.quarter, round_.quarter))
        if round_.period_kind == PeriodKind.QUARTERLY
        else TEXT["period_annual"].format(year=round_.year)
    )
    final = round_.status in (RoundStatus.FINALIZED, RoundStatus.PUBLISHED)
    vetoed = [row for row in table.rows if row.excellence_removed or row.unqualified_by_veto]
    blocks: list[pdf.Block] = [
        pdf.Paragraph(TEXT["intro"].format(scheme=round_.scheme.name, issuer=office, count=len(table.rows), period=period)),
    ]
    groups = table.groups
    for number, group in enumerate(groups, start=1):
        if len(groups) > 1:
            # Units are ranked within their group (counties, development zones, departments).
            blocks.append(pdf.Heading(f"{NUMERALS[number - 1] if number <= len(NUMERALS) else number}、{_group_heading(group)}"))
        blocks.append(pdf.Table(HEADERS, [_pdf_row(row) for row in group.rows], widths=WIDTHS, empty_text=TEXT["empty"]))
    if not groups:
        blocks.append(pdf.Table(HEADERS, [], widths=WIDTHS, empty_text=TEXT["empty"]))
    blocks += [
        pdf.Heading(TEXT["veto_heading"]),
        *([pdf.Paragraph(_veto_note(row)) for row in vetoed] or [pdf.Paragraph(TEXT["veto_none"])]),
        pdf.Paragraph(""),
        pdf.Paragraph(office, align="right"),
        pdf.Paragraph(_date_cn(issue_date(round_)), align="right"),
    ]
    subtitle = office if final else f"{office}{TEXT['draft']}"
    return pdf.render_pdf(pdf.Document(title=title(round_), subtitle=subtitle, blocks=blocks, author=office, footer=office))


def results_filename(round_: AssessmentRound, extension: str) -> str:
    return f"{title(round_)}.{extension}"


# --- XLSX ----------------------------------------------------------------------------------


def xlsx_headers(table: ResultsTable) -> list[str]:
    return [
        _("Rank"),
        _("Ranked among"),
        _("Assessed unit"),
        *[f"{c.name} ({format(Decimal(c.max_points).normalize(), 'f')})" for c in table.categories],
        _("Score"),
        _("Deductions"),
        _("Bonus"),
        _("Total"),
        _("Grade"),
        _("Grade before veto"),
        _("Veto"),
        _("Last period's total"),
        _("Change"),
        _("Last period's rank"),
    ]


def xlsx_rows(table: ResultsTable):
    grades = dict(Grade.choices)
    for group in table.groups:
        for row in group.rows:
            yield _xlsx_row(table, row, group.label, grades)


def _xlsx_row(table: ResultsTable, row: RoundTarget, group: str, grades: dict) -> list:
    veto = _("Rated unqualified") if row.unqualified_by_veto else (_("Excellence removed") if row.excellence_removed else "")
    return [
        row.rank,
        group,
        row.organization.name,
        *table.category_values(row),
        row.score_total,
        row.deductions,
        row.bonus,
        row.total,
        str(grades.get(row.grade, "")),
        str(grades.get(row.grade_before_veto, "")),
        veto,
        row.previous_total,
        row.total_delta,
        row.previous_rank,
    ]
