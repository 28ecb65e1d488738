"""core.pdf: a document with Chinese text rendered to PDF with the built-in CID font."""

from __future__ import annotations

import base64
import re
import zlib

from core import pdf


def _page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", data))


def _pdf_string(raw: bytes) -> bytes:
    """Undo the escapes of a PDF literal string (\\ddd octal, \\( \\) \\\\ and friends)."""
    out, i = bytearray(), 0
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    while i < len(raw):
        char = raw[i]
        if char != 0x5C:  # backslash
            out.append(char)
            i += 1
            continue
        following = raw[i + 1 : i + 4]
        octal = re.match(rb"[0-7]{1,3}", following)
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += escapes.get(following[0], bytes([following[0]]))
            i += 2
    return bytes(out)


def shown_text(data: bytes) -> str:
    """The text drawn in the Chinese font, from the page streams (ASCII85 + Flate, as reportlab
    writes them), decoded from the font's UCS-2 encoding."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        except ValueError:
            continue
        for _font, strings in re.findall(rb"/F(\d+) [\d.]+ Tf(.*?)(?=/F\d+ [\d.]+ Tf|ET)", content, re.S):
            for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", strings, re.S):
                raw = _pdf_string(literal)
                if len(raw) % 2 == 0:
                    texts.append(raw.decode("utf-16-be", errors="replace"))
    return "".join(texts)


def document(rows: int = 2) -> pdf.Document:
    return pdf.Document(
        title="安全生产综合督查通报",
        subtitle="泉州市安全生产委员会办公室",
        blocks=[
            pdf.Heading("一、晋江市（2项）"),
            pdf.Paragraph("督查发现消防通道堵塞<问题>&整改不到位。"),
            pdf.Table(["序号", "存在问题", "整改时限"], [[str(n), f"问题{n}：安全出口锁闭", "2026年6月30日"] for n in range(1, rows + 1)]),
            pdf.Paragraph("泉州市安全生产委员会办公室", align="right"),
        ],
        footer="泉州市安委办",
    )


def test_output_is_a_pdf_naming_the_chinese_cid_font():
    data = pdf.render_pdf(document())
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert b"/BaseFont /STSong-Light" in data and b"/Encoding /UniGB-UCS2-H" in data
    assert _page_count(data) == 1


def test_the_chinese_text_is_drawn():
    text = shown_text(pdf.render_pdf(document()))
    for expected in ("安全生产综合督查通报", "一、晋江市", "消防通道堵塞<问题>&整改不到位", "问题2：安全出口锁闭", "2026年6月30日"):
        assert expected in text.replace(" ", "")


def test_a_long_table_runs_over_several_pages():
    assert _page_count(pdf.render_pdf(document(rows=120))) > 2


def test_the_same_document_gives_the_same_bytes():
    assert pdf.render_pdf(document()) == pdf.render_pdf(document())


def test_an_empty_table_says_so():
    data = pdf.render_pdf(pdf.Document(title="清单", blocks=[pdf.Table(["序号", "问题"], [], empty_text="无")]))
    assert "无" in shown_text(data)
