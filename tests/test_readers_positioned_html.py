"""PDFs converted to web pages (text placed by absolute position) read by position, as the PDF is.

The hand-written pages below are our own: a two-page table in the shape PDF-to-HTML converters
write (one positioned container per page, runs placed by inline style or by ``<style>`` classes,
``&#160;`` for spaces, runs holding several cells). Our sample reports rendered by LibreOffice to
PDF and converted by poppler's ``pdftohtml`` must read with the same cells and errors as the
samples themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from bench.renderings import render, tools
from bench.renderings.compare import Judge
from compliance.document import Document, Grid, Paragraph
from compliance.readers.geometry import Word, blocks_from_words
from compliance.readers.html import HtmlReader, parse_html
from compliance.readers.positioned_html.css import StyleSheet, length, sheet_of
from compliance.readers.positioned_html.runs import Run, positioned_text
from compliance.readers.positioned_html.words import em_scales, run_words
from conftest import SAMPLES


def _page(body: str, style: str = "") -> bytes:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        "p {margin:0} .r{position:absolute;white-space:nowrap;font-size:16px}"
        f"{style}</style></head><body>{body}</body></html>"
    ).encode()


def _run(top: int, left: int, text: str) -> str:
    return f'<p class="r" style="top:{top}px;left:{left}px">{text}</p>'


# A table of three value columns (x 300, 400, 500), carried over a page break. Row 二 runs its label
# and first figure into one run and its last two figures into another (as pdftohtml does when
# cells stand close); row 四 prints 1 and 1 in one run: its second figure may stand in column 乙
# or 丙, which the page does not say.
_TABLE = _page(
    '<div id="p1" style="position:relative;width:800px;height:1000px">'
    + _run(60, 80, "二、示例统计")
    + _run(120, 80, "项目")
    + _run(120, 300, "甲")
    + _run(120, 400, "乙")
    + _run(120, 500, "丙")
    + _run(160, 80, "第一行")
    + _run(160, 300, "1")
    + _run(160, 400, "2")
    + _run(160, 500, "3")
    + _run(200, 80, "第二行&#160;4")
    + _run(200, 400, "5&#160;6")
    + "</div>"
    + '<div id="p2" style="position:relative;width:800px;height:1000px">'
    + _run(60, 80, "第三行")
    + _run(60, 300, "7")
    + _run(60, 400, "8")
    + _run(60, 500, "9")
    + _run(100, 80, "第四行")
    + _run(100, 300, "1&#160;1")
    + _run(200, 80, "以上数据截至年底。")
    + "</div>"
)


def _read(data: bytes) -> Document:
    return HtmlReader().read(data, "converted.html")


def _texts(grid: Grid) -> list[list[str]]:
    return [[cell.text for cell in row] for row in grid.rows]


def test_a_positioned_page_is_read_by_position_and_a_table_carried_over_a_page_is_one_grid() -> None:
    document = _read(_TABLE)
    grids = document.grids()
    assert len(grids) == 1
    rows = _texts(grids[0])
    assert rows[0] == ["项目", "甲", "乙", "丙"]
    assert rows[1] == ["第一行", "1", "2", "3"]
    assert rows[3] == ["第三行", "7", "8", "9"]
    # Every cell is located on its page by its box, as in a PDF.
    third = grids[0].rows[3]
    assert {cell.loc.page for cell in third} == {2}
    assert all(cell.loc.bbox is not None for cell in third)
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert paragraphs == ["二、示例统计", "以上数据截至年底。"]


def test_figures_run_into_one_run_are_cells_of_their_own_in_order() -> None:
    rows = _texts(_read(_TABLE).grids()[0])
    # The label and its first figure, and two figures a space apart, are separate cells: a full row.
    assert rows[2] == ["第二行", "4", "5", "6"]


def test_a_run_whose_figures_may_stand_in_several_columns_is_never_placed_by_guess() -> None:
    rows = _texts(_read(_TABLE).grids()[0])
    # Given in order and without blanks (two values for three columns): the mapping places them
    # only where a single placement fits. A reading as (1, 1, blank) would be a guess.
    assert rows[4] == ["第四行", "1", "1"]


def test_positions_from_classes_and_from_the_bottom_of_the_page() -> None:
    # pdf2htmlEX-style: classes give left and bottom; the page box gives the height to measure from.
    style = (
        ".pg{position:relative;height:400px} .t{position:absolute;font-size:16px;white-space:pre}"
        ".x1{left:50px} .x2{left:200px} .y1{bottom:350px} .y2{bottom:320px}"
    )
    body = (
        '<div class="pg">'
        '<div class="t x1 y2">第二行</div><div class="t x2 y2">20</div>'
        '<div class="t x1 y1">第一行</div><div class="t x2 y1">10</div>'
        "</div>"
    )
    root = parse_html(_page(body, style).decode())
    runs = positioned_text(root, _sheet(root)).runs
    tops = {run.text: run.top for run in runs}
    assert tops["第一行"] < tops["第二行"]
    assert tops["10"] == tops["第一行"]
    assert {run.left for run in runs} == {50.0, 200.0}


def _sheet(root: etree._Element) -> StyleSheet:
    return sheet_of(root)


def test_an_ordinary_page_with_a_positioned_banner_is_read_as_a_flow_of_paragraphs() -> None:
    body = (
        "<h1>二〇二三年度报告</h1><p>本机关依法公开政府信息。</p>"
        "<table><tr><td>项目</td><td>数量</td></tr><tr><td>规章</td><td>3</td></tr>"
        "<tr><td>规范性文件</td><td>12</td></tr></table>"
    )
    banner = '<div style="position:absolute;top:0;left:0">网站导航</div>'
    plain = _read(_page(body))
    with_banner = _read(_page(banner + body))
    assert _texts(with_banner.grids()[0]) == [["项目", "数量"], ["规章", "3"], ["规范性文件", "12"]]
    assert [b.loc.bbox for b in with_banner.blocks] == [None] * len(with_banner.blocks)
    rest = [b for b in with_banner.blocks if not (isinstance(b, Paragraph) and b.text == "网站导航")]
    assert [type(b) for b in rest] == [type(b) for b in plain.blocks]


def test_an_article_placed_by_css_in_one_positioned_box_is_read_as_a_flow() -> None:
    # All its text stands inside an absolutely positioned element, but in paragraphs and a table:
    # a container placed by CSS, not runs of text placed one by one.
    body = (
        "<h1>二〇二三年度报告</h1>"
        + "<p>本机关依法公开政府信息。</p>" * 3
        + "<table><tr><td>项目</td><td>数量</td></tr>"
        "<tr><td>规章</td><td>3</td></tr><tr><td>规范性文件</td><td>12</td></tr></table>"
    )
    placed = _read(_page(f'<div style="position:absolute;top:120px;left:40px;width:900px">{body}</div>'))
    flow = _read(_page(body))
    assert (
        _texts(placed.grids()[0]) == _texts(flow.grids()[0]) == [["项目", "数量"], ["规章", "3"], ["规范性文件", "12"]]
    )
    assert [b.loc.bbox for b in placed.blocks] == [None] * len(placed.blocks)


def test_style_sheet_rules_cascade_and_at_blocks_are_skipped() -> None:
    sheet = StyleSheet()
    sheet.add(".a{left:10px} #b{left:30px} @media print{.a{left:99pt}} .c{top:12pt;left:20px}")
    root = parse_html('<html><body><p id="b" class="a c" style="top:5px">x</p></body></html>')
    found = sheet.computed(next(iter(root.iter("p"))))
    assert found["left"] == "30px"  # the id rule wins over both classes; @media print is not read
    assert found["top"] == "5px"  # inline style wins over the class
    assert length("12pt") == pytest.approx(16.0)
    assert length("2em") is None


def _words(text: str) -> list[tuple[str, bool]]:
    root = parse_html(_page(_run(0, 100, text)).decode())
    run: Run = positioned_text(root, _sheet(root)).runs[0]
    return [(w.text, w.estimated) for w in run_words(run, 1)]


def test_a_run_is_split_at_its_trailing_figures_and_only_its_first_word_is_placed() -> None:
    assert _words("0&#160;0&#160;0") == [("0", False), ("0", True), ("0", True)]
    assert _words("本年新收申请数量&#160;705") == [("本年新收申请数量", False), ("705", True)]
    # Prose keeps its figures inside its phrase: a space there is a word space, not a column.
    assert _words("共收到申请&#160;26&#160;件，办结&#160;25&#160;件") == [("共收到申请 26 件，办结 25 件", False)]
    # Two spaces or more are a gap between cells.
    assert _words("信息内容&#160;&#160;&#160;本年新制作数量") == [("信息内容", False), ("本年新制作数量", True)]


def _samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


@pytest.mark.parametrize("kind", ["lo-pdf-a4.pdftohtml", "lo-pdf-a4.pdftohtml-c", "lo-pdf-a4.pdftohtml-xml"])
def test_our_samples_converted_from_pdf_read_like_the_samples(kind: str) -> None:
    missing = [t for t in tools.missing_tools() if t in ("soffice", "pdftotext")]
    if tools.find_tool(("pdftohtml",)) is None:
        missing.append("pdftohtml")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"converters missing: {', '.join(missing)}; .ci/run must install them")
        pytest.skip(f"converters missing: {', '.join(missing)}")
    sources = render.discover(_samples())
    assert sources, "the samples read no tables"
    made = render.generate(sources, kinds=["lo-docx", "lo-pdf-a4", kind])
    judge = Judge()
    verdicts = [judge.judge(r) for r in made if r.name == kind]
    assert len(verdicts) == len(sources)
    for verdict in verdicts:
        assert verdict.status == "pass", verdict.explain()
        assert verdict.cells_right == verdict.cells_total > 0, verdict.explain()


def _word(text: str, x0: float, top: float, *, estimated: bool = False, page: int = 1) -> Word:
    width = sum(16.0 if ord(c) > 0x2E80 else 9.0 for c in text)
    return Word(text, x0, top, x0 + width, top + 16, page, estimated=estimated)


def _row(label: str, top: float, values: list[tuple[str, float]], estimated: bool = False) -> list[Word]:
    return [_word(label, 80, top)] + [
        _word(text, x0, top, estimated=estimated and index > 0) for index, (text, x0) in enumerate(values)
    ]


def test_the_grid_builder_gives_estimated_values_in_order_and_measures_columns_without_them() -> None:
    words = [_word("项目", 80, 100), _word("甲", 300, 100), _word("乙", 400, 100), _word("丙", 500, 100)]
    words += _row("第一行", 140, [("1", 300), ("2", 400), ("3", 500)])
    # Estimated at 310 (a space after 1): nearest to column 甲, yet it may stand under 乙 or 丙.
    words += _row("第二行", 180, [("1", 300), ("5", 310)], estimated=True)
    words += _row("第三行", 220, [("7", 300), ("9", 500)])
    grids = [b for b in blocks_from_words(words, word_gap=float("-inf")) if isinstance(b, Grid)]
    rows = _texts(grids[0])
    assert rows[2] == ["第二行", "1", "5"]
    # Measured by the full placed row, not by the estimated one: 9 stands under 丙, 乙 is blank.
    assert rows[3] == ["第三行", "7", "", "9"]


def test_a_label_less_row_left_of_the_open_tables_values_starts_a_new_table() -> None:
    words = [_word("项目", 80, 100), _word("甲", 400, 100), _word("乙", 500, 100)]
    words += _row("第一行", 140, [("1", 400), ("2", 500)])
    words += _row("第二行", 180, [("3", 400), ("4", 500)])
    # A table of values only (no label column) printed right below, its figures in the first one's labels.
    words += [_word("10", 80, 220), _word("20", 160, 220), _word("30", 240, 220)]
    words += [_word("11", 80, 260), _word("21", 160, 260), _word("31", 240, 260)]
    grids = [b for b in blocks_from_words(words) if isinstance(b, Grid)]
    assert len(grids) == 2
    assert _texts(grids[0])[-1] == ["第二行", "3", "4"]
    assert [c.text for c in grids[1].rows[-1] if c.text] == ["11", "21", "31"]


_PDF2XML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE pdf2xml SYSTEM "pdf2xml.dtd">
<pdf2xml producer="ours">
<page number="1" position="absolute" top="0" left="0" height="1000" width="800">
<fontspec id="0" size="16" family="Serif" color="#000000"/>
<text top="60" left="80" width="96" height="20" font="0"><b>二、示例统计</b></text>
<text top="120" left="80" width="32" height="20" font="0">项目</text>
<text top="120" left="300" width="16" height="20" font="0">甲</text>
<text top="120" left="400" width="16" height="20" font="0">乙</text>
<text top="120" left="500" width="16" height="20" font="0">丙</text>
<text top="160" left="80" width="48" height="20" font="0">第一行</text>
<text top="160" left="300" width="9" height="20" font="0">1</text>
<text top="160" left="400" width="9" height="20" font="0">2</text>
<text top="160" left="500" width="9" height="20" font="0">3</text>
</page>
<page number="2" position="absolute" top="0" left="0" height="1000" width="800">
<text top="60" left="80" width="48" height="20" font="0">第二行</text>
<text top="60" left="300" width="9" height="20" font="0">4</text>
<text top="60" left="400" width="210" height="20" font="0">5 6</text>
</page>
</pdf2xml>
"""


def test_pdftohtml_xml_is_read_as_its_positioned_runs_with_their_real_widths() -> None:
    reader = HtmlReader()
    data = _PDF2XML.encode()
    assert reader.sniff(data, "converted.xml") >= 90
    document = reader.read(data, "converted.xml")
    rows = _texts(document.grids()[0])
    assert rows[:2] == [["项目", "甲", "乙", "丙"], ["第一行", "1", "2", "3"]]
    # Page 2 carries the table on. "5 6" is stated 210 wide, so 6 stands at its end, under 丙 —
    # yet after a space of unknown width, so the row is given in order, not placed by guess.
    assert rows[2] == ["第二行", "4", "5", "6"]
    assert document.grids()[0].rows[2][1].loc.page == 2


def test_broken_pdftohtml_xml_is_a_load_error() -> None:
    from compliance.document import LoadError

    with pytest.raises(LoadError):
        HtmlReader().read(b'<?xml version="1.0"?><pdf2xml><page><text top="1"', "broken.xml")


def _runs(body: str) -> list[Run]:
    root = parse_html(_page(body).decode())
    return positioned_text(root, _sheet(root)).runs


def test_a_font_size_that_understates_its_glyphs_is_measured_from_runs_that_touch() -> None:
    # Text cut into runs at each font change (pdftohtml -c): stated 16px, set 18px apart.
    line = "".join(_run(100 + 30 * (i // 6), 80 + 18 * 2 * (i % 6), "政务") for i in range(24))
    assert em_scales(_runs(line)) == {16.0: pytest.approx(18 / 16)}
    # Cells set apart say nothing about the font: their distances scatter (here 40, 46, 47 px).
    cells = "".join(_run(100 + 30 * i, x, "数量") for i in range(6) for x in (80, 120, 166, 213))
    assert em_scales(_runs(cells)) == {}
