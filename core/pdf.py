"""Rendering a simple document (title, subtitle, headings, paragraphs, tables) to PDF with
Chinese text.

The text uses reportlab's built-in CID font ``STSong-Light``: the PDF names the font and its
character collection (Adobe-GB1) without embedding glyphs, so there is no font file to ship
and every PDF reader substitutes a system Song typeface. Output is invariant (no creation
time or random document id), so rendering the same document twice gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

FONT = "STSong-Light"

_font_registered = False


def _register_font() -> None:
    global _font_registered
    if not _font_registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _font_registered = True


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    #: "body" (first line indented two characters), "plain", "right" or "center"
    align: str = "body"
    bold: bool = False


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    #: relative column widths (any positive numbers); equal when empty
    widths: Sequence[float] = ()
    #: shown in a single row spanning the table when there are no rows
    empty_text: str = "—"


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | PageBreak


@dataclass
class Document:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    author: str = ""
    #: printed at the foot of every page before the page number (e.g. the issuing office)
    footer: str = ""


def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    # wordWrap="CJK" breaks lines between any two Chinese characters (there are no spaces).
    base = ParagraphStyle("base", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK", alignment=TA_JUSTIFY)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=18, alignment=TA_CENTER, spaceAfter=14),
        "heading": ParagraphStyle("heading", parent=base, fontSize=14, leading=22, spaceBefore=10, spaceAfter=4, alignment=TA_LEFT),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=24),
        "plain": ParagraphStyle("plain", parent=base),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14, alignment=TA_LEFT),
        "head_cell": ParagraphStyle("head_cell", parent=base, fontSize=10, leading=14, alignment=TA_CENTER),
    }


def _markup(text: object) -> str:
    """Text as reportlab paragraph markup: escaped, line breaks kept."""
    return escape("" if text is None else str(text)).replace("\n", "<br/>")


def _flowables(document: Document, width: float) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import PageBreak as RLPageBreak
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    styles = _styles()
    story: list = [RLParagraph(_markup(document.title), styles["title"])]
    if document.subtitle:
        story.append(RLParagraph(_markup(document.subtitle), styles["subtitle"]))
    else:
        story.append(Spacer(1, 8))
    for block in document.blocks:
        if isinstance(block, Heading):
            story.append(RLParagraph(_markup(block.text), styles["heading"]))
        elif isinstance(block, Paragraph):
            style = styles.get(block.align, styles["body"])
            if block.bold:
                # The CID font has no bold face: emphasis is a larger size.
                style = style.clone(f"{style.name}_bold", fontSize=style.fontSize + 1, leading=style.leading + 2)
            story.append(RLParagraph(_markup(block.text), style))
        elif isinstance(block, PageBreak):
            story.append(RLPageBreak())
        elif isinstance(block, Table):
            story.append(_table(block, width, styles, colors, RLParagraph, RLTable, TableStyle))
            story.append(Spacer(1, 8))
        else:  # pragma: no cover - a programming error, not input
            raise TypeError(f"Unknown block {block!r}")
    return story


def _table(block: Table, width: float, styles, colors, RLParagraph, RLTable, TableStyle):
    columns = len(block.headers)
    weights = list(block.widths) if block.widths else [1] * columns
    if len(weights) != columns or any(w <= 0 for w in weights):
        raise ValueError("Table widths must be one positive number per column.")
    total = sum(weights)
    col_widths = [width * w / total for w in weights]
    data = [[RLParagraph(_markup(h), styles["head_cell"]) for h in block.headers]]
    for row in block.rows:
        if len(row) != columns:
            raise ValueError("Every table row needs one value per column.")
        data.append([RLParagraph(_markup(value), styles["cell"]) for value in row])
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if not block.rows:
        data.append([RLParagraph(_markup(block.empty_text), styles["cell"])] + [""] * (columns - 1))
        commands.append(("SPAN", (0, 1), (-1, 1)))
    # The header row repeats on every page a long table runs over.
    return RLTable(data, colWidths=col_widths, repeatRows=1, style=TableStyle(commands))


def render_pdf(document: Document) -> bytes:
    """The document as an A4 PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    _register_font()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=document.title,
        subject=document.subtitle,
        author=document.author,
        creator="",
        producer="",
        invariant=1,
    )

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 9)
        text = f"{document.footer}  {doc.page}" if document.footer else f"{doc.page}"
        canvas.drawCentredString(A4[0] / 2, 12 * mm, text)
        canvas.restoreState()

    template.build(_flowables(document, template.width), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def pdf_blocks(*blocks: Block | Iterable[Block]) -> list[Block]:
    """Flatten blocks and lists of blocks (convenient when building a document in parts)."""
    flat: list[Block] = []
    for block in blocks:
        if isinstance(block, (Heading, Paragraph, Table, PageBreak)):
            flat.append(block)
        else:
            flat.extend(block)
    return flat
