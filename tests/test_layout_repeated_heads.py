"""Word's repeated header rows (重复标题行) in page-broken layout text are read once.

Our samples are printed as layout text (``layout_render``) and broken over pages inside a table, each
new page opening with the table's caption and header lines again, laid out afresh (other indents), as
``pdftotext -layout`` prints a PDF whose tables repeat their header rows. The reading must equal the
unbroken text's, cell for cell; lines that only look like a header stay.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from layout_render import layout_text

from compliance.document import Grid, Paragraph
from compliance.readers.layout_text import _runs, layout_blocks
from compliance.readers.repeated_heads import blank_repeated_heads
from conftest import SAMPLES
from helpers import cell_readings, load_text


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _index(lines: list[str], starts: str) -> int:
    return next(n for n, line in enumerate(lines) if line.strip().startswith(starts))


def _head(lines: list[str], first: str, until: str) -> list[str]:
    """The table's opening lines (caption and headers) from the line starting ``first`` to ``until``."""
    return lines[_index(lines, first) : _index(lines, until)]


def _broken(text: str, before: str, head: list[str], indent: int = 2) -> str:
    """The text with a page break before the line starting ``before``, the new page opening with
    ``head`` again (moved right by ``indent``: a page lays its lines out afresh)."""
    lines = _lines(text)
    at = _index(lines, before)
    repeated = [(" " * indent + line) if line.strip() else line for line in head]
    repeated[0] = "\f" + repeated[0]
    return "\n".join([*lines[:at], *repeated, *lines[at:]])


def _count(text: str) -> int:
    return len(_runs(text))


@pytest.mark.parametrize("sample", ["v2021-clean-2023.txt", "v2019-clean-2020.txt"])
@pytest.mark.parametrize("indent", [3])
def test_table_three_broken_over_pages_with_its_header_repeated_reads_as_unbroken(
    tmp_path: Path, sample: str, indent: int
) -> None:
    spaced = layout_text((SAMPLES / sample).read_text(encoding="utf-8"))
    lines = _lines(spaced)
    head = _head(lines, "（本列数据", "一、本年新收")
    assert len([line for line in head if line.strip()]) >= 2
    broken = _broken(spaced, "5.属于三类内部事务信息", head, indent)
    assert broken.count("（本列数据") == 2
    expected = cell_readings(load_text(tmp_path, spaced, "unbroken.txt"))
    read = cell_readings(load_text(tmp_path, broken, "broken.txt"))
    assert {k for k in expected if k[0] == "T3"}
    assert read == expected


# Table 二 of our V2019 sample as ``pdftotext -layout`` prints one Word table of sub-tables whose first
# two rows repeat on each page: the page top carries sub-table (一)'s caption and header again, above
# 行政强制 of sub-table (六), and the captions break at one space (``本年新 制作数量``).
_TABLE_TWO_BROKEN = """第二十条第（一）项
信息内容        本年新 制作数量 本年新 公开数量 对外公开 总数量
规章          0       0        0
规范性文件       4       4        31
第二十条第（五）项
信息内容        上一年 项目数量 本年增/减   处理决定数量
行政许可        146      +3      2381
其他对外管理服务事项 58      -2      912
第二十条第（六）项
信息内容        上一年 项目数量 本年增/减   处理决定数量
行政处罚        203    +5      167
\f第二十条第（一）项
信息内容          本年新 制作数量 本年新 公开数量 对外公开 总数量
行政强制          21             0                   9
第二十条第（八）项
信息内容          上一年 项目数量 本年增/减
行政事业性收费       12              -1
第二十条第（九）项
信息内容          采购项目数量 采购总金额
政府集中采购        37           356.2100万元
"""


def test_a_sub_table_header_repeated_above_another_sub_table_is_dropped(tmp_path: Path) -> None:
    """Read under the repeated (一) captions, 行政强制's three figures were left unplaced."""
    source = (SAMPLES / "v2019-clean-2020.txt").read_text(encoding="utf-8")
    lines = _lines(layout_text(source))
    start, end = _index(lines, "第二十条第（一）项"), _index(lines, "三、收到")
    broken = "\n".join([*lines[:start], *_TABLE_TWO_BROKEN.split("\n"), *lines[end:]])
    expected = cell_readings(load_text(tmp_path, source, "source.txt"))
    read = cell_readings(load_text(tmp_path, broken, "broken.txt"))
    table_two = {k: v for k, v in expected.items() if k[0] == "T2"}
    assert table_two[("T2", "coercion", "decisions")] == (9, "read")
    assert {k: read.get(k) for k in table_two} == table_two


def test_lines_that_only_look_repeated_are_kept() -> None:
    """A heading alone at a page top, a data row, and a header not followed by the table stay."""
    text = "\n".join(
        [
            "一、总体情况",
            "",
            "项目        甲      乙",
            "行政许可    3       4",
            "\f一、总体情况",
            "其他内容照常书写。",
            "\f项目        甲      乙",
            "以上为本页全部内容。",
            "\f行政许可    3       4",
            "行政处罚    5       6",
        ]
    )
    assert blank_repeated_heads(text, _count) == text


def test_the_repeated_block_leaves_line_numbers_and_pages_as_they_were() -> None:
    text = "\n".join(
        [
            "表甲",
            "项目        甲      乙",
            "行政许可    3       4",
            "\f表甲",
            "  项目          甲      乙",
            "行政处罚    5       6",
        ]
    )
    cleaned = blank_repeated_heads(text, _count)
    assert cleaned.split("\n") == [
        "表甲",
        "项目        甲      乙",
        "行政许可    3       4",
        "\f",
        "",
        "行政处罚    5       6",
    ]
    grid = next(b for b in layout_blocks(text) if isinstance(b, Grid))
    assert [c.text for c in grid.rows[-1]] == ["行政处罚", "5", "6"]
    assert grid.rows[-1][0].loc.line == 6 and grid.rows[-1][0].loc.page == 2
    assert not [b for b in layout_blocks(text) if isinstance(b, Paragraph) and b.text == "表甲" and b.loc.line == 4]


@pytest.mark.parametrize("sample", ["v2019-clean-2020.txt", "v2021-clean-2023.txt"])
def test_a_page_opening_on_a_sub_table_header_like_an_earlier_one_reads_as_unbroken(
    tmp_path: Path, sample: str
) -> None:
    """Sub-tables of 二 print the same header (信息内容 …): a page that opens on one is blanked as a
    repeat, which costs nothing, since the header printed before says the same."""
    spaced = layout_text((SAMPLES / sample).read_text(encoding="utf-8"))
    lines = _lines(spaced)
    caption = _index(lines, "第二十条第（六）项")
    head = next(n for n in range(caption + 1, len(lines)) if lines[n].startswith("信息内容"))
    broken = "\n".join([*lines[:head], "\f" + lines[head], *lines[head + 1 :]])
    assert blank_repeated_heads(broken, _count) != broken
    expected = cell_readings(load_text(tmp_path, spaced, "unbroken.txt"))
    assert cell_readings(load_text(tmp_path, broken, "broken.txt")) == expected
