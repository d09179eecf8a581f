"""A column caption broken in two at a space (``上一年 项目数量``) is one column again.

The grids are shaped as the layout reader gives our V2019 sample's table 二 when ``pdftotext -layout``
prints its narrow columns one space apart: the caption's two words as two header cells, and under the
second an empty cell in every row the reader placed."""

from __future__ import annotations

from pathlib import Path

from compliance.document import Grid, GridCell
from compliance.engine import get_registry
from compliance.mapping.headers import HeaderVocabulary
from compliance.mapping.split_captions import join_split_captions
from compliance.mapping.tables import LabelIndex, MappedTable, PrintedHeaders, map_row_table
from compliance.model import CellStatus, Loc

SAMPLE = Path(__file__).resolve().parents[1] / "reports" / "v2019-clean-2020.txt"


def _sub_table(title: str) -> list[list[str]]:
    """The sample's rows of one sub-table of 二 (header first), as tab-separated cells."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith(title))
    rows = []
    for line in lines[at + 1 :]:
        if line.startswith("第二十条") or not line.strip():
            break
        rows.append([cell for cell in line.split("\t") if cell])
    return rows


def _grid(rows: list[list[str]]) -> Grid:
    cells = [
        [GridCell(text, Loc(line=n + 1, column=1 + 8 * c)) for c, text in enumerate(row)] for n, row in enumerate(rows)
    ]
    return Grid(rows=cells, loc=Loc(line=1, line_end=len(rows)))


def _map(grid: Grid) -> MappedTable:
    layouts = get_registry().layouts
    spec = layouts["V2019"].tables["T2"]
    printed = PrintedHeaders(
        HeaderVocabulary.build(layouts, "T2"), {v: each.tables["T2"] for v, each in layouts.items()}, "V2019"
    )
    index = LabelIndex.build(list(layouts.values()), "T2")
    return map_row_table("T2", [grid], index, {r.id: spec for r in spec.rows}, printed)


def _broken(rows: list[list[str]], fill: str = "") -> list[list[str]]:
    """The header's 上一年项目数量 printed as 上一年 / 项目数量, every row with ``fill`` under 项目数量."""
    header, *body = rows
    at = header.index("上一年项目数量")
    header = [*header[:at], "上一年", "项目数量", *header[at + 1 :]]
    return [header, *[[*row[: at + 1], fill, *row[at + 1 :]] for row in body]]


def test_a_caption_broken_at_a_space_over_an_empty_column_is_one_column() -> None:
    rows = _sub_table("第二十条第（五）项")
    mapped = _map(_grid(_broken(rows)))
    _label, *figures = rows[1]
    assert [cell.raw for cell in mapped.data["license"].values()] == figures
    assert {cell.status for cell in mapped.data["license"].values()} == {CellStatus.read}


def test_a_row_filling_the_second_column_keeps_the_columns_apart() -> None:
    # Something printed under 项目数量: it is a column of its own, and the row cannot be placed.
    rows = _sub_table("第二十条第（五）项")
    mapped = _map(_grid(_broken(rows, fill="7")))
    assert {cell.status for cell in mapped.data["license"].values()} == {CellStatus.ambiguous}


def test_two_captions_that_name_columns_of_their_own_stay_apart() -> None:
    # 本年增/减 names a column by itself: under an empty column it is still a caption, never a tail.
    header, *body = _sub_table("第二十条第（八）项")
    blanked = [[row[0], row[1], ""] for row in body]
    vocabulary = HeaderVocabulary.build(get_registry().layouts, "T2")
    joined = join_split_captions(_grid([header, *blanked]), vocabulary)
    assert [cell.text for cell in joined.rows[0]] == header
    assert [len(row) for row in joined.rows[1:]] == [3] * len(blanked)
