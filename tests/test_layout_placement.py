"""Where layout text puts a table's figures, and when those positions are no evidence.

The texts are our own, printed the way ``pdftotext -layout`` prints a CJK table: captions wrapped
over several lines and laid out at another scale than the figures (one position per glyph).
"""

from __future__ import annotations

from compliance.document import Grid
from compliance.readers.geometry import Word, blocks_from_words
from compliance.readers.layout_text import layout_blocks

# Captions wrapped over four lines: "社会公益组织" prints as 社会 / 公益 / 组织, at other places.
_WRAPPED_CAPTIONS = """三、收到和处理政府信息公开申请情况

（本列数据的勾稽关系为：第一项加第二项 申请人情况
之和，等于第三项加第四项之和）     自然人 法人或其他组织                       总计
                               商业企业 科研 社会   法律服务 其他
                                          公益
                                     机构        机构
                                          组织
一、本年新收政府信息公开申请数量         4102   35   0    0    16   2   4155
二、上年结转政府信息公开申请数量         12     0    0    0    0    0   12
     （一）予以公开             2203   12   0    0    5    1   2221
"""

# Table 四's captions three characters apart, its one row of figures spread wider than they are.
_DENSE_CAPTIONS = """四、政府信息公开行政复议、行政诉讼情况

          行政复议                 行政诉讼

                               未经复议直接起诉                  复议后起诉
          结果 结果 其他 尚未
                      总计
          维持 纠正 结果 审结    结果 结果 其他 尚未    结果 结果 其他 尚未
                                     总计             总计
                         维持 纠正 结果 审结    维持 纠正 结果 审结

          3           1   4    6            2        8

五、存在的主要问题及改进情况
"""


def _rows(text: str) -> list[list[str]]:
    return [[c.text for c in row] for b in layout_blocks(text) if isinstance(b, Grid) for row in b.rows]


def _values(rows: list[list[str]], label: str) -> list[str]:
    return next(row[1:] for row in rows if row[0] == label)


def test_figures_printed_apart_as_many_as_the_fullest_row_are_not_run_together() -> None:
    """Split captions make the columns look narrower than a four-digit figure; the figures stay cells."""
    rows = _rows(_WRAPPED_CAPTIONS)
    assert _values(rows, "一、本年新收政府信息公开申请数量") == ["4102", "35", "0", "0", "16", "2", "4155"]
    assert _values(rows, "（一）予以公开") == ["2203", "12", "0", "0", "5", "1", "2221"]


def test_a_row_with_blanks_is_not_placed_by_captions_too_dense_to_tell_columns_apart() -> None:
    """Every figure stands within a character and a half of some caption by chance: the row comes
    without blanks (the mapping then places it only where one placement fits, or says it cannot)."""
    rows = _rows(_DENSE_CAPTIONS)
    figures = next(row for row in rows if "3" in row)
    assert [cell for cell in figures if cell] == ["3", "1", "4", "6", "2", "8"]
    assert "" not in figures[figures.index("3") :]


def test_a_label_line_printed_shifted_into_the_value_columns_stays_a_label() -> None:
    """A row printed with every cell empty, its label shifted right: a label, never a text cell."""
    words = [
        Word(text, x, y, x + len(text), y + 1, None, y, x)
        for y, cells in enumerate(
            [
                [(0, "项目"), (20, "甲列"), (30, "乙列"), (40, "合计")],
                [(0, "第一行"), (20, "1"), (30, "2"), (40, "3")],
                [(24, "（二）无数字的行")],
                [(0, "（三）第三行"), (20, "4"), (30, "5"), (40, "9")],
            ],
            start=1,
        )
        for x, text in cells
    ]
    rows = [[c.text for c in row] for b in blocks_from_words(words) if isinstance(b, Grid) for row in b.rows]
    shifted = [row for row in rows if "（二）无数字的行" in row]
    assert shifted == [["（二）无数字的行", "", "", ""]]
