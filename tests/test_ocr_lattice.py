"""The OCR page's ruled-table lattice and cell readings, on boxes and rules we place by hand."""

from __future__ import annotations

from compliance.readers.ocr.engine import TextBox
from compliance.readers.ocr.lattice import empty_slots, numeric_reading, page_tables
from compliance.readers.ocr.prepare import Segment


def _rules() -> list[Segment]:
    # A 3-row table: a header cell spanning both value columns, then two rows of label + 2 values.
    xs, ys = [10.0, 110.0, 160.0, 210.0], [10.0, 30.0, 50.0, 70.0]
    rules = [Segment(xs[0], y, xs[-1], y + 1) for y in ys]
    rules += [Segment(x, ys[0], x + 1, ys[-1]) for x in (xs[0], xs[1], xs[-1])]
    rules.append(Segment(xs[2], ys[1], xs[2] + 1, ys[-1]))  # the middle rule starts below the header
    return rules


def test_lattice_keeps_spans_boxes_and_confidence() -> None:
    boxes = [
        TextBox("项目", 20, 14, 60, 26, 0.99),
        TextBox("数量", 150, 14, 170, 26, 0.98),
        TextBox("甲", 20, 34, 30, 46, 0.97),
        TextBox("12", 125, 34, 140, 46, 0.95),
        TextBox("3", 180, 34, 190, 46, 0.62),
        TextBox("乙", 20, 54, 30, 66, 0.99),
        TextBox("0.", 125, 54, 140, 66, 0.93),
        TextBox("正文", 20, 90, 60, 100, 0.99),  # below the table: prose
    ]
    tables, rest = page_tables(boxes, _rules(), page=3)
    assert [b.text for b in rest] == ["正文"]
    (table,) = tables
    texts = [[c.text for c in row] for row in table.rows]
    assert texts == [["项目", "数量", "数量"], ["甲", "12", "3"], ["乙", "0", ""]]
    assert [c.span_copy for c in table.rows[0]] == [False, False, True]
    low = table.rows[1][2]
    assert low.confidence == 0.62 and low.loc.page == 3 and low.loc.bbox == (160.5, 30.5, 210.5, 50.5)
    assert table.rows[2][1].confidence is not None and table.rows[2][1].confidence <= 0.75  # "0." capped
    assert table.rows[2][2].confidence is None  # nothing was read there
    assert empty_slots(boxes, _rules()) == [table.rows[2][2].loc.bbox]


def test_numeric_readings() -> None:
    assert numeric_reading("l", 0.9) == ("1", 0.75)
    assert numeric_reading("。", 0.6) == ("0", 0.6)
    assert numeric_reading("25,", 0.99) == ("25", 0.75)
    assert numeric_reading("（一）予以公开", 0.99) == ("（一）予以公开", 0.99)
    assert numeric_reading("-5", 0.99) == ("-5", 0.99)
    assert numeric_reading("12.5", 0.99) == ("12.5", 0.99)
