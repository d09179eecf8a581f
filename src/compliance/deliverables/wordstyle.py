"""The look of an official letter in Word: title, headings and body in the fonts such letters use.

Chinese official documents set the title in 小标宋 (二号), first-level headings in 黑体, second-level
headings in 楷体 and the body in 仿宋 (三号) with a two-character first-line indent. Where a machine lacks
those fonts Word substitutes its own; the structure (styles, numbering, alignment) is what matters.
python-docx is imported only when a letter is written.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from compliance.deliverables.describe import xml_text

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
BLANK_DATE = "    年  月  日"


def new_letter() -> Any:
    """An empty document with the body style set (font, size, line spacing) and A4 margins."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_font(normal.font, normal.element, BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(28)
    return document


def _set_font(font: Any, element: Any, name: str) -> None:
    """Set a font for Latin and East Asian text alike (Word keeps them apart)."""
    from docx.oxml.ns import qn

    font.name = name
    r_pr = element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), name)


def title(document: Any, text: str) -> Any:
    """The title, centred, in black without the rule Word's Title style draws under it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style = document.styles["Title"]
    border = style.element.pPr.find(qn("w:pBdr")) if style.element.pPr is not None else None
    if border is not None:
        style.element.pPr.remove(border)
    paragraph = document.add_paragraph(style="Title")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(BODY_PT)
    run = paragraph.add_run(xml_text(text))
    run.font.size = Pt(TITLE_PT)
    run.font.bold = False
    run.font.color.rgb = RGBColor(0, 0, 0)
    _set_font(run.font, run._element, TITLE_FONT)
    return paragraph


def heading(document: Any, text: str, level: int = 1) -> Any:
    """一、 headings in 黑体 (level 1), （一） headings in 楷体 (level 2); body size, Word heading styles."""
    from docx.shared import Pt, RGBColor

    paragraph = document.add_paragraph(style=f"Heading {level}")
    paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    run = paragraph.add_run(xml_text(text))
    run.font.size = Pt(BODY_PT)
    run.font.bold = level == 2
    run.font.color.rgb = RGBColor(0, 0, 0)
    _set_font(run.font, run._element, HEADING_FONT if level == 1 else SUBHEADING_FONT)
    return paragraph


def body(document: Any, text: str, *, indent: bool = True) -> Any:
    from docx.shared import Pt

    paragraph = document.add_paragraph(xml_text(text))
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    return paragraph


def signature(document: Any, signer: str | None, when: date | None) -> None:
    """The issuing body and the date, right-aligned; blanks for the supervisor to fill in and seal."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document.add_paragraph()
    for text in (signer or "（检查单位名称并盖章）", chinese_date(when)):
        paragraph = document.add_paragraph(xml_text(text))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def chinese_date(when: date | None) -> str:
    """``2027年1月5日``, or a blank to fill in by hand."""
    return f"{when.year}年{when.month}月{when.day}日" if when else BLANK_DATE


def table(document: Any, headers: list[str], rows: list[list[object]]) -> Any:
    """A plain grid table (small print) for a batch's figures."""
    from docx.shared import Pt

    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = xml_text(text)
    for values in rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = xml_text(value)
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.line_spacing = 1.0  # not the body's fixed 28 pt
                for run in paragraph.runs:
                    run.font.size = Pt(11)
    return grid


def to_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
