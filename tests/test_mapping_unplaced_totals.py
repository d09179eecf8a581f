"""Totals of rows whose figures text printed without their blank cells and could not be placed.

When many rows of table 三 lack their blanks at once, no sum can name their columns, yet a row's total
can be the same under every placement of its figures (``mapping/unplaced_totals.py``). Our V2019
sample is rewritten the way reading-order text prints a table whose zeros and totals were left blank.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.document import GridCell
from compliance.engine import CheckedReport, Options, check_file, get_registry
from compliance.layout import TableSpec
from compliance.mapping.cells import SplitRow
from compliance.mapping.confirm import PrintedRow
from compliance.mapping.unplaced_totals import agreed_totals
from compliance.model import CellStatus, Loc

SAMPLE = Path(__file__).resolve().parents[1] / "reports" / "v2019-clean-2020.txt"


def _spec() -> TableSpec:
    return get_registry().layouts["V2019"].tables["T3"]


def _row(*figures: str) -> PrintedRow:
    loc = Loc(line=1)
    return PrintedRow("granted", 0, SplitRow("（一）予以公开", [GridCell(f, loc) for f in figures], loc))


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        # No figure is the sum of the others: the total column is blank in every placement.
        (("258", "12", "1", "1"), {"total": 272}),
        (("3",), {"total": 3}),
        # Zeros total zero wherever they stand, printed total or not.
        (("0", "0"), {"total": 0}),
        # The last figure is the sum of the others: a printed total (859) or a blank one (1718).
        (("821", "35", "2", "1", "859"), {}),
        (("18", "18"), {}),
        # Not counts: nothing is claimed.
        (("1.5", "2"), {}),
        # More cells than columns: the text kept blanks and the row still fits nowhere, so a figure
        # may have been printed apart from it (3 + 1 + 4 = 8 would be wrong if the 3 was its).
        (("1", "", "0", "", "0", "", "0", "", "0", "", "4"), {}),
    ],
)
def test_a_total_is_known_only_when_every_placement_agrees(figures: tuple[str, ...], expected: dict) -> None:
    assert agreed_totals(_spec(), _row(*figures)) == expected


def _reading_order_text(prose_change: tuple[str, str] | None = None) -> str:
    """The sample with table 三's rows printed one space apart, their zeros and totals left blank."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("一、本年新收"))
    last = next(n for n in range(first, len(lines)) if lines[n].startswith("四、结转下年度"))
    out = []
    for number, line in enumerate(lines):
        if first <= number <= last and "\t" in line:
            label, *figures = line.split("\t")
            line = " ".join([label, *(f for f in figures[:-1] if f not in ("0", ""))])
        out.append(line)
    text = "\n".join(out) + "\n"
    return text.replace(*prose_change) if prose_change else text


def _sample_totals() -> dict[str, int]:
    """Each template row's 总计 as the sample prints it, by row id."""
    report = check_file(SAMPLE, get_registry(), Options()).report
    assert report is not None
    return {row: cells["total"].value for row, cells in report.tables["T3"].items()}  # type: ignore[misc]


def _check(tmp_path: Path, text: str) -> CheckedReport:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return check_file(path, get_registry(), Options())


def test_unplaced_rows_keep_the_totals_every_placement_agrees_on(tmp_path: Path) -> None:
    result = _check(tmp_path, _reading_order_text())
    assert result.report is not None
    totals = result.report.table_info["T3"].unplaced_totals
    truth = _sample_totals()
    assert len(totals) >= 5
    for row, known in totals.items():
        assert known == {"total": truth[row]}, row
        # Which column holds which figure is still unknown: the cells stay ambiguous.
        assert {c.status for c in result.report.tables["T3"][row].values()} == {CellStatus.ambiguous}


def test_prose_is_checked_against_unplaced_totals(tmp_path: Path) -> None:
    agreeing = _check(tmp_path, _reading_order_text())
    assert not [f for f in agreeing.result.findings if f.rule == "T3-TEXT"]
    contradicting = _check(tmp_path, _reading_order_text(("予以公开15件", "予以公开14件")))
    found = [f for f in contradicting.result.findings if f.rule == "T3-TEXT"]
    assert [(f.severity, f.expected, f.actual) for f in found] == [("error", _sample_totals()["granted"], 14)]
    # An unplaced total is not a blank total the agency left unfilled: BLANK-POLICY does not list it.
    derived = [f for f in contradicting.result.findings if f.rule == "BLANK-POLICY" and "总计单元格未填写" in f.message]
    assert not derived


def _wrapped(text: str, tail_carries_figures: bool) -> str:
    """Table 三's long labels wrapped after ten characters, as reading-order text prints a narrow
    cell: the figures follow the label's last line on the same line, or on a line of their own."""
    out = []
    for line in text.splitlines():
        label, _, figures = line.partition(" ")
        if len(label) > 12 and figures and label[0] in "一二三四（123456789":
            head, tail = label[:10], label[10:]
            out += [head, f"{tail} {figures}"] if tail_carries_figures else [head, tail, figures]
        else:
            out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("tail_carries_figures", [True, False])
def test_rows_whose_labels_wrap_read_like_unwrapped_rows(tmp_path: Path, tail_carries_figures: bool) -> None:
    flat = _check(tmp_path, _reading_order_text())
    wrapped = _check(tmp_path, _wrapped(_reading_order_text(), tail_carries_figures))
    assert flat.report is not None and wrapped.report is not None
    assert set(wrapped.report.tables["T3"]) == set(flat.report.tables["T3"])
    assert wrapped.report.table_info["T3"].unplaced_totals == flat.report.table_info["T3"].unplaced_totals
    assert [f.rule for f in wrapped.result.findings if f.severity == "error"] == []
