"""HTML reader: span expansion, Word runs, blanks, charsets, page chrome, headings and line numbers."""

from __future__ import annotations

import pytest

from compliance.document import Grid, LoadError, Paragraph
from compliance.readers.grid import SpanCell, expand_spans
from compliance.readers.html import HtmlReader


def read(markup: str | bytes) -> list:
    data = markup.encode("utf-8") if isinstance(markup, str) else markup
    return HtmlReader().read(data, "page.html").blocks


def texts(grid: Grid, *, copies: bool = True) -> list[list[str]]:
    return [[c.text for c in row if copies or not c.span_copy] for row in grid.rows]


def test_expand_spans_makes_rectangular_grid_with_flagged_copies() -> None:
    rows = [
        [SpanCell("A", rowspan=2), SpanCell("B", colspan=2)],
        [SpanCell("1"), SpanCell("2")],
    ]
    grid = expand_spans(rows)
    assert [[c.text for c in r] for r in grid] == [["A", "B", "B"], ["A", "1", "2"]]
    assert [[c.span_copy for c in r] for r in grid] == [[False, False, True], [True, False, False]]


def test_expand_spans_repeated_label_after_table_break_does_not_shift_columns() -> None:
    # Word repeats a rowspan label after a page break while the first rowspan still runs on.
    rows = [
        [SpanCell("结果", rowspan=4), SpanCell("a"), SpanCell("1"), SpanCell("2")],
        [SpanCell("b"), SpanCell("3"), SpanCell("4")],
        [SpanCell("结果", rowspan=2), SpanCell("c"), SpanCell("5"), SpanCell("6")],
        [SpanCell("d"), SpanCell("7"), SpanCell("8")],
    ]
    grid = expand_spans(rows)
    assert [[c.text for c in r] for r in grid] == [
        ["结果", "a", "1", "2"],
        ["结果", "b", "3", "4"],
        ["结果", "c", "5", "6"],
        ["结果", "d", "7", "8"],
    ]


def test_expand_spans_pads_short_rows_with_blank_cells() -> None:
    grid = expand_spans([[SpanCell("x"), SpanCell("1"), SpanCell("2")], [SpanCell("y")]])
    assert [[c.text for c in r] for r in grid] == [["x", "1", "2"], ["y", "", ""]]


def test_expand_spans_bounds_hostile_colspan() -> None:
    grid = expand_spans([[SpanCell("x", colspan=10**6)]])
    assert len(grid[0]) <= 200


def test_html_word_runs_join_digits_and_nbsp_is_blank() -> None:
    blocks = read(
        "<html><body><table><tr><td><span>行政</span><font>许可</font></td>"
        "<td><span>20</span><span>23</span></td><td>&nbsp;</td></tr></table></body></html>"
    )
    (grid,) = [b for b in blocks if isinstance(b, Grid)]
    assert texts(grid) == [["行政许可", "2023", ""]]


def test_html_rowspan_colspan_expanded_and_copies_flagged() -> None:
    blocks = read(
        "<table><tr><td rowspan=2>三、结果</td><td colspan=2>（一）予以公开</td><td>5</td></tr>"
        "<tr><td>1.秘密</td><td>x</td><td>6</td></tr></table>"
    )
    (grid,) = [b for b in blocks if isinstance(b, Grid)]
    assert texts(grid, copies=False) == [["三、结果", "（一）予以公开", "5"], ["1.秘密", "x", "6"]]
    assert texts(grid) == [["三、结果", "（一）予以公开", "（一）予以公开", "5"], ["三、结果", "1.秘密", "x", "6"]]


def test_html_gbk_page_decoded_from_meta_charset() -> None:
    page = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head>"
    page += "<body><p>一、总体情况</p><p>政府信息公开（規範）</p></body></html>"
    blocks = read(page.encode("gb18030"))
    assert [b.text for b in blocks] == ["一、总体情况", "政府信息公开（規範）"]


def test_html_chrome_scripts_and_navigation_ignored() -> None:
    body = "".join(f"<p>第{i}段正文内容，报告的正文比导航长得多。</p>" for i in range(10))
    page = (
        "<html><body><div class='nav'><a href='/'>首页</a> 当前位置：政府信息公开</div>"
        f"<script>document.write('<p>脚本</p>')</script><div class='content'>{body}</div>"
        "<div class='footer'>版权所有：某某人民政府 联系电话</div></body></html>"
    )
    text = "".join(b.text for b in read(page) if isinstance(b, Paragraph))
    assert "第0段" in text and "第9段" in text
    assert "首页" not in text and "脚本" not in text and "版权所有" not in text


def test_html_headings_levels_and_source_lines() -> None:
    blocks = read("<html>\n<body>\n<h2>一、总体情况</h2>\n<p>正文<br>第二行</p>\n</body></html>")
    assert [(b.text, b.heading_level, b.loc.line) for b in blocks] == [
        ("一、总体情况", 2, 3),
        ("正文", None, 4),
        ("第二行", None, 4),
    ]


def test_html_cjk_line_breaks_are_not_spaces() -> None:
    (paragraph,) = read("<p>政府信息\n  公开 annual\nreport</p>")
    assert paragraph.text == "政府信息公开 annual report"


def test_html_without_text_is_load_error() -> None:
    with pytest.raises(LoadError):
        read("<html><head><script>x</script></head><body>   </body></html>")


def test_html_sniff_by_content_and_extension() -> None:
    reader = HtmlReader()
    assert reader.sniff(b"<!DOCTYPE html><html>", "report.txt") >= 90
    assert reader.sniff(b"plain text", "report.txt") == 0
    assert reader.sniff(b"plain", "report.html") > 0
