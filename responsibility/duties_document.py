"""Reads for an official's "two lists" (两个清单): the responsibility list of each of their
posts and the key-work items they own; shown on the official's page, on a printable page and
as a Word document in the official-document layout (GB/T 9704: A4, its margins, a title in
Song, headings in Hei, body text in FangSong at 16 pt)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from responsibility.choices import WorkItemStatus
from responsibility.models import Official, Post, ResponsibilityItem, WorkItem, WorkItemCheck
from responsibility.services.duties import LIST_ROLES


@dataclass
class PostList:
    post: Post
    items: list[ResponsibilityItem] = field(default_factory=list)

    @property
    def active_items(self) -> list[ResponsibilityItem]:
        return [i for i in self.items if i.is_active]

    @property
    def by_reference(self) -> bool:
        return any(i.by_reference for i in self.active_items)


@dataclass
class TwoLists:
    official: Official
    year: int
    posts: list[PostList]
    work_items: list[WorkItem]
    generated_on: object

    @property
    def overdue_count(self) -> int:
        return sum(1 for i in self.work_items if i.is_overdue)


def _overdue_first(queryset, today):
    return queryset.annotate(
        overdue_rank=Case(
            When(Q(due_date__lt=today) & ~Q(status=WorkItemStatus.DONE), then=Value(0)),
            When(status=WorkItemStatus.DONE, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "due_date", "pk")


def owned_work_items(official: Official, user, year: int | None = None):
    """Key-work items ``official`` is responsible for and ``user`` may see: those of ``year``'s
    lists (default this year) and any earlier ones still not done; overdue first."""
    today = timezone.localdate()
    year = year or today.year
    items = (
        WorkItem.objects.restrict(user, "view")
        .filter(owner=official)
        .filter(Q(work_list__year=year) | Q(work_list__year__lt=year, status__in=[WorkItemStatus.NOT_STARTED, WorkItemStatus.IN_PROGRESS]))
        .select_related("work_list__jurisdiction")
    )
    return _overdue_first(items, today)


def _latest_checks(items: list[WorkItem]) -> None:
    """Attach ``latest_check`` to each item (one query)."""
    latest: dict[int, WorkItemCheck] = {}
    for check in WorkItemCheck.objects.filter(item__in=[i.pk for i in items]).select_related("checker").order_by("item_id", "-check_date", "-pk"):
        latest.setdefault(check.item_id, check)
    for item in items:
        item.latest_check = latest.get(item.pk)


def post_lists(official: Official, user, *, current_only: bool, include_inactive: bool = False) -> list[PostList]:
    """The official's posts that carry a responsibility list, each with its items."""
    today = timezone.localdate()
    posts = Post.objects.restrict(user, "view").filter(official=official, role__in=LIST_ROLES)
    if current_only:
        posts = posts.current(today)
    posts = list(posts.select_related("organization__jurisdiction").order_by("end_date", "-start_date"))
    items = ResponsibilityItem.objects.restrict(user, "view").filter(post__in=[p.pk for p in posts]).select_related("template")
    if not include_inactive:
        items = items.filter(is_active=True)
    grouped: dict[int, list[ResponsibilityItem]] = {}
    for item in items.order_by("post_id", "sequence", "pk"):
        grouped.setdefault(item.post_id, []).append(item)
    result = [PostList(post=p, items=grouped.get(p.pk, [])) for p in posts]
    # Past posts matter only when they had a list (the record of what the official answered for).
    return [pl for pl in result if pl.post.is_current or pl.items]


def two_lists(official: Official, user, year: int | None = None) -> TwoLists:
    today = timezone.localdate()
    year = year or today.year
    work_items = list(owned_work_items(official, user, year))
    _latest_checks(work_items)
    return TwoLists(
        official=official,
        year=year,
        posts=post_lists(official, user, current_only=True),
        work_items=work_items,
        generated_on=today,
    )


def official_duty_context(official: Official, user) -> dict:
    """What the official's page shows of their duties (see OfficialDetailView)."""
    may_view_items = user.has_perm("responsibility.view_responsibilityitem") or user.is_superuser
    may_view_work = user.has_perm("responsibility.view_workitem") or user.is_superuser
    can_manage_items = user.has_perm("responsibility.add_responsibilityitem")
    context = {
        "duty_lists": post_lists(official, user, current_only=False, include_inactive=can_manage_items) if may_view_items else [],
        "may_view_duties": may_view_items,
        "may_view_work_items": may_view_work,
        "can_manage_items": can_manage_items,
        "work_items": [],
    }
    if may_view_work:
        items = list(owned_work_items(official, user))
        _latest_checks(items)
        context["work_items"] = items
    return context


# --- Word document ----------------------------------------------------------------------------

TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # East Asian text uses the eastAsia font slot, which python-docx does not set by itself.
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(document, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False, align=None, indent: bool = False):
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(28)  # the fixed 28-point line spacing of official documents
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _cell(cell, text: str, *, bold: bool = False, size: float = 12) -> None:
    cell.text = ""
    _font(cell.paragraphs[0].add_run(text), HEADING_FONT if bold else BODY_FONT, size, bold)


def two_lists_docx(data: TwoLists) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    official = data.official
    _paragraph(
        document,
        _("Work-safety responsibility list and work list of %(name)s") % {"name": official.name},
        font=TITLE_FONT, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(document, "")

    _paragraph(document, _("I. Responsibility list"), font=HEADING_FONT)
    if not data.posts:
        _paragraph(document, _("No current post with a responsibility list."), indent=True)
    for number, post_list in enumerate(data.posts, start=1):
        post = post_list.post
        label = f"（{_chinese_number(number)}）" if (get_language() or "").startswith("zh") else f"({number}) "
        heading = f"{label}{post.organization.name} {post.title or post.get_role_display()}"
        _paragraph(document, heading, font="楷体", bold=True)
        if post_list.by_reference:
            _paragraph(document, _("The Regulation applies to this post by reference."), indent=True)
        items = post_list.active_items
        if not items:
            _paragraph(document, _("The list of this post has not been generated yet."), indent=True)
        for index, item in enumerate(items, start=1):
            text = f"{index}. {item.content}"
            if item.source:
                text += f"（{item.source}）"
            _paragraph(document, text, indent=True)

    _paragraph(document, "")
    _paragraph(document, _("II. Work list: key-work items of %(year)s") % {"year": data.year}, font=HEADING_FONT)
    if not data.work_items:
        _paragraph(document, _("No key-work items."), indent=True)
    else:
        headers = [_("No."), _("Task"), _("Measures"), _("Due date"), _("Status"), _("Latest check")]
        table = document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            _cell(cell, header, bold=True)
        for index, item in enumerate(data.work_items, start=1):
            status = item.get_status_display()
            if item.is_overdue:
                status += _(" (overdue)")
            check = item.latest_check
            check_text = f"{check.check_date:%Y-%m-%d} {check.get_result_display()}" if check else "—"
            values = [str(index), item.content, item.measures or "—", f"{item.due_date:%Y-%m-%d}", status, check_text]
            for cell, value in zip(table.add_row().cells, values, strict=True):
                _cell(cell, value)

    _paragraph(document, "")
    _paragraph(
        document, _("Generated on %(date)s") % {"date": f"{data.generated_on:%Y-%m-%d}"}, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
