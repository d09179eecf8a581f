"""Rows of layout text placed by position are doubted where that reading cannot be right.

Our samples with table 三's zeros left blank (only the first row and the total row print every
column), printed as layout text whose parts between group labels (``（三）不予公开``…) each close up
their empty columns, as ``pdftotext -layout`` lays out each block of a page afresh. A figure then
stands where another part prints a different column; read by position alone, totals landed in the
其他 column and the column sums failed — errors the agency never made (``mapping/positional.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from layout_render import layout_text, zeros_left_blank

from compliance.engine import Options, check_file, get_registry
from compliance.model import CellStatus
from conftest import SAMPLES
from helpers import cell_readings, load_text

FULL = ("一、本年新收", "（七）总计")


def _paged(text: str, starts: str, shift: int) -> str:
    """The text with a page break before the line starting ``starts``, the page after it laid out
    afresh: every gap between its cells ``shift`` characters wider."""
    lines = text.split("\n")
    at = next(n for n, line in enumerate(lines) if line.strip().startswith(starts))
    rest = [re.sub(r"  +", lambda m: m.group(0) + " " * shift, line) for line in lines[at:]]
    return "\n".join([*lines[:at], "\f" + rest[0], *rest[1:]])


def _errors(path: Path) -> Counter[tuple[str, str, str, str]]:
    findings = check_file(path, get_registry(), Options()).result.findings
    return Counter(
        (f.rule, f.location.table or "", f.location.row or "", f.location.column or "")
        for f in findings
        if f.severity == "error"
    )


@pytest.mark.parametrize("sample", ["v2019-clean-2020.txt", "v2021-clean-2023.txt"])
@pytest.mark.parametrize(("wide", "wrap", "page"), [(False, 6, 0), (True, 6, 0), (False, 4, 0), (False, 5, 4)])
def test_closed_up_columns_never_give_a_wrong_cell_nor_a_false_error(
    tmp_path: Path, sample: str, wide: bool, wrap: int, page: int
) -> None:
    source = zeros_left_blank((SAMPLES / sample).read_text(encoding="utf-8"), keep=FULL)
    spaced = layout_text(source, wide=wide, wrap=wrap)
    if page:
        spaced = _paged(spaced, "5.属于", page)
    expected = cell_readings(load_text(tmp_path, source, "source.txt"))
    read = cell_readings(load_text(tmp_path, spaced, "layout.txt"))
    definite = (CellStatus.read, CellStatus.inferred)
    wrong = {
        key: (value, read[key])
        for key, value in expected.items()
        if key in read and read[key][1] in definite and read[key][0] is not None and read[key][0] != value[0]
    }
    assert not wrong
    # The rows read at all are read right, the full rows among them.
    assert read[("T3", "result_total", "total")] == expected[("T3", "result_total", "total")]
    (tmp_path / "s.txt").write_text(source, encoding="utf-8")
    (tmp_path / "l.txt").write_text(spaced, encoding="utf-8")
    assert not _errors(tmp_path / "l.txt") - _errors(tmp_path / "s.txt")


def test_a_table_that_leaves_its_totals_blank_keeps_its_rows_read_by_position(tmp_path: Path) -> None:
    """Blank totals are the table's habit there, not the sign of a misplaced figure: rows placed by
    position whose identities hold stay read."""
    text = (SAMPLES / "v2019-clean-2020.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith("（一）予以公开"))
    end = next(n for n, line in enumerate(lines) if line.startswith("（七）总计"))
    for number in range(start, end):
        cells = lines[number].split("\t")
        if len(cells) == 8:
            lines[number] = "\t".join([*cells[:-1], ""])
    # Only （一）予以公开 leaves its zeros blank too: the other rows show the table's habit.
    source = zeros_left_blank("\n".join(lines), first="（一）予以公开", last="（一）予以公开")
    spaced = layout_text(source, wrap=None)
    expected = cell_readings(load_text(tmp_path, source, "source.txt"))
    read = cell_readings(load_text(tmp_path, spaced, "layout.txt"))
    granted = [key for key in expected if key[:2] == ("T3", "granted")]
    assert expected[("T3", "granted", "total")][0] is None
    assert expected[("T3", "granted", "ngo")][1] is CellStatus.blank
    assert all(read[key][0] == expected[key][0] and read[key][1] is not CellStatus.ambiguous for key in granted)


def test_a_real_error_in_a_table_whose_positions_hold_is_still_found(tmp_path: Path) -> None:
    """Our faulty sample, zeros left blank, figures right-aligned in columns the whole table shares:
    rows placed by position stand with the figures of their columns in the full rows, so the table's
    broken sums are the agency's, reported as in the source, and no cell is read otherwise."""
    source = zeros_left_blank((SAMPLES / "v2021-faults-2022.txt").read_text(encoding="utf-8"), keep=FULL)
    spaced = layout_text(source, right=True, one_table=True)
    (tmp_path / "s.txt").write_text(source, encoding="utf-8")
    (tmp_path / "l.txt").write_text(spaced, encoding="utf-8")
    expected = _errors(tmp_path / "s.txt")
    assert {key[0] for key in expected} >= {"T3-ROW-TOTAL", "T3-RESULT-SUM"}
    assert _errors(tmp_path / "l.txt") == expected
    source_cells = cell_readings(load_text(tmp_path, source, "source.txt"))
    read = cell_readings(load_text(tmp_path, spaced, "layout.txt"))
    table_three = [key for key in source_cells if key[0] == "T3"]
    assert all(read[key][0] == source_cells[key][0] for key in table_three)
