"""The rendering harness itself: renderings keep what they claim to keep, and the judge is honest.

No converter and no corpus is needed: the documents here are our own, built in the test.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from bench.renderings import compare, render, textforms
from compliance.document import Document, Grid, GridCell, Paragraph
from compliance.model import Cell, CellStatus
from compliance.readers.html import HtmlReader
from compliance.readers.text import TextReader


def _merged_document() -> Document:
    """A table whose header spans two columns and whose label spans two rows."""

    def cell(text: str, copy: bool = False) -> GridCell:
        return GridCell(text, span_copy=copy)

    grid = Grid(
        rows=[
            [cell("项目"), cell("申请人"), cell("申请人", copy=True), cell("总计")],
            [cell("收到"), cell("3"), cell("4"), cell("7")],
            [cell("收到", copy=True), cell("1"), cell(""), cell("1")],
        ]
    )
    return Document(blocks=[Paragraph("一、总体情况", heading_level=2), grid, Paragraph("正文 12 件")], format="test")


def _cells(document: Document) -> list[list[tuple[str, bool]]]:
    return [[(c.text, c.span_copy) for c in row] for grid in document.grids() for row in grid.rows]


def test_html_rebuilt_from_a_reading_restores_its_merged_cells() -> None:
    document = _merged_document()
    page = textforms.document_html(document, "标题").encode("utf-8")
    assert b'colspan="2"' in page and b'rowspan="2"' in page
    again = HtmlReader().read(page, "rebuilt.html")
    assert _cells(again) == _cells(document)
    assert [p.heading_level for p in again.paragraphs() if p.text == "一、总体情况"] == [2]


def test_plain_text_prints_a_merged_cell_once_and_a_continued_row_empty() -> None:
    rows = textforms.plain_rows(_merged_document().grids()[0])
    assert rows == [["项目", "申请人", "总计"], ["收到", "3", "4", "7"], ["", "1", "", "1"]]
    tsv = textforms.document_tsv(_merged_document())
    assert "收到\t3\t4\t7" in tsv and "\t1\t\t1" in tsv
    aligned = textforms.document_aligned(_merged_document()).splitlines()
    row = next(line for line in aligned if line.startswith("收到"))
    # Wide characters count two columns: the numbers start in the same column on every row.
    assert textforms.display_width(row[: row.index("3")]) == textforms.display_width("项目") + 2


def test_reencoded_page_declares_its_new_charset() -> None:
    page = '<html><head><meta charset="utf-8" name="viewport"></head><body><p>申请 5 件</p></body></html>'
    gbk = textforms.reencode(page, "enc-gbk", is_html=True)
    assert b'charset="gbk"' in gbk and "申请".encode("gbk") in gbk
    bare = textforms.reencode("<p>申请 5 件</p>", "enc-utf16le-bom", is_html=True)
    assert bare.startswith(b"\xff\xfe")
    assert bare[2:].decode("utf-16-le").startswith('<meta charset="utf-16">')
    with_head = textforms.declare_charset(b"<html><head><title>t</title></head></html>", "gb18030")
    assert with_head.startswith(b'<html><head><meta charset="gb18030">')


def test_text_that_an_encoding_cannot_hold_is_not_applicable_rather_than_altered() -> None:
    with pytest.raises(textforms.NotApplicable):
        textforms.reencode("数据 ✓ 12", "enc-gbk", is_html=False)
    # In HTML a browser writes a character reference instead, which keeps the text.
    page = textforms.reencode("<p>数据 ✓ 12</p>", "enc-gbk", is_html=True)
    assert b"&#10003;" in page


def test_numbers_are_counted_as_printed() -> None:
    counted = compare.numbers_in("共１２件，金额 1,234.50 万元，另 3、4 和 0012")
    assert counted == Counter({"12": 2, "1234.5": 1, "3": 1, "4": 1})
    assert compare.number_key("0") == "0" and compare.number_key("7.00") == "7"


def _rendering(tmp_path: Path) -> render.Rendering:
    source = render.Source(tmp_path / "report.txt", "0" * 64, "text")
    return render.Rendering(source, "plain-tsv", tmp_path / "plain-tsv.txt")


def _verdict(tmp_path: Path, diffs: list[compare.CellDiff], lost: Counter[str], extra: list[compare.FindingKey]) -> str:
    verdict = compare.Verdict(
        _rendering(tmp_path),
        "pass",
        cells_total=10,
        cells_right=10 - len(diffs),
        template_source="V2021",
        template_rendering="V2021",
        cell_diffs=diffs,
        lost_numbers=lost,
        extra_errors=extra,
    )
    return compare._status(verdict)


def test_a_cell_read_as_another_number_is_a_misread_even_when_the_rendering_lost_content() -> None:
    key = ("T3", "new", "total")
    expected = Cell(value=7, raw="7", status=CellStatus.read)
    lost = Counter({"7": 1})
    wrong = compare._compare_cell(key, expected, Cell(value=1, raw="1", status=CellStatus.read), lost)
    assert wrong is not None and wrong.kind == "wrong"
    assert _kind(expected, None, lost) == "lost"
    assert _kind(expected, None, Counter()) == "missed"
    assert _kind(expected, Cell(value=None, raw="", status=CellStatus.ambiguous), lost) == "lost"
    blank = Cell(value=None, raw="", status=CellStatus.blank)
    assert compare._compare_cell(key, Cell(value=None, status=CellStatus.blank), blank, Counter()) is None
    zero = Cell(value=Decimal(0), raw="0", status=CellStatus.read)
    assert _kind(Cell(value=None, status=CellStatus.blank), zero, lost) == "wrong"


def test_a_row_with_a_blank_is_unplaceable_only_where_blanks_cannot_be_printed() -> None:
    expected = Cell(value=3, raw="3", status=CellStatus.read)
    ambiguous = Cell(value=None, raw="", status=CellStatus.ambiguous)
    assert _kind(expected, ambiguous, Counter(), unplaceable=True) == "lost"
    assert _kind(expected, ambiguous, Counter(), unplaceable=False) == "missed"
    # Dropping the row, or guessing, is still a misread.
    assert _kind(expected, None, Counter(), unplaceable=True) == "missed"
    guessed = Cell(value=4, raw="4", status=CellStatus.inferred)
    assert _kind(expected, guessed, Counter(), unplaceable=True) == "wrong"
    source = render.Source(Path("r.pdf"), "0" * 64, "pdf")
    assert not render.Rendering(source, "lo-pdf-a4.raw").prints_blank_cells
    assert render.Rendering(source, "lo-pdf-a4.layout").prints_blank_cells


def _kind(expected: Cell, got: Cell | None, lost: Counter[str], unplaceable: bool = False) -> str:
    diff = compare._compare_cell(("T3", "new", "total"), expected, got, lost, unplaceable)
    return "right" if diff is None else diff.kind


def test_cannot_verify_only_when_every_unread_cell_is_missing_from_the_rendering(tmp_path: Path) -> None:
    key = ("T3", "new", "total")
    lost_cell = compare.CellDiff(key, "7", "missing", "lost")
    missed_cell = compare.CellDiff(key, "7", "missing", "missed")
    wrong_cell = compare.CellDiff(key, "7", "1", "wrong")
    structure = [("STRUCT-T3-ROWS", "S3", "T3", "new", "")]
    arithmetic = [("T3-ROW-TOTAL", "S3", "T3", "new", "total")]
    assert _verdict(tmp_path, [lost_cell], Counter({"7": 1}), structure) == "cannot-verify"
    # Differing findings with every cell right and nothing lost: a false error, not lost content.
    assert _verdict(tmp_path, [], Counter(), structure) == "fail"
    assert _verdict(tmp_path, [lost_cell, missed_cell], Counter({"7": 1}), []) == "fail"
    assert _verdict(tmp_path, [lost_cell, wrong_cell], Counter({"7": 1}), []) == "fail"
    # A false arithmetic error is never excused by lost content: the engine must say it cannot verify.
    assert _verdict(tmp_path, [lost_cell], Counter({"7": 1}), arithmetic) == "fail"
    assert _verdict(tmp_path, [], Counter(), []) == "pass"


def test_judge_compares_a_rendering_with_its_source(tmp_path: Path) -> None:
    """End to end without converters: a tab-separated rendering of one of our samples reads the same."""
    sample = Path(__file__).resolve().parents[1] / "reports" / "v2021-clean-2023.txt"
    [source] = render.discover([sample])
    document = TextReader().read(sample.read_bytes(), str(sample))
    tsv = tmp_path / "plain-tsv.txt"
    tsv.write_text(textforms.document_tsv(document), encoding="utf-8")
    verdict = compare.Judge().judge(render.Rendering(source, "plain-tsv", tsv))
    assert verdict.status == "pass", verdict.explain()
    assert verdict.cells_total >= 150 and verdict.cells_right == verdict.cells_total
    # Dropping a table row is caught, and its cells are missed (their numbers are still printed).
    lines = tsv.read_text(encoding="utf-8").splitlines()
    cut = [line for line in lines if not line.startswith("（一）予以公开")]
    assert len(cut) == len(lines) - 1
    tsv.write_text("\n".join(cut), encoding="utf-8")
    damaged = compare.Judge().judge(render.Rendering(source, "plain-tsv", tsv))
    # The row is gone from the rendering itself: the engine, which guessed nothing, cannot verify it.
    assert damaged.status == "cannot-verify", damaged.explain()
    assert any(d.key[1] == "granted" for d in damaged.cell_diffs), damaged.explain()


def test_a_source_that_reads_no_cell_fails_every_rendering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the engine reads no cell of a source (it broke on it), its renderings prove nothing: they
    fail, where equal empty readings had passed."""
    sample = Path(__file__).resolve().parents[1] / "reports" / "v2021-clean-2023.txt"
    [source] = render.discover([sample])
    document = TextReader().read(sample.read_bytes(), str(sample))
    tsv = tmp_path / "plain-tsv.txt"
    tsv.write_text(textforms.document_tsv(document), encoding="utf-8")
    empty = compare.Reading(None, {}, Counter(), None, 0.0)
    monkeypatch.setattr(compare, "read", lambda _path: empty)
    verdict = compare.Judge().judge(render.Rendering(source, "plain-tsv", tsv))
    assert verdict.status == "fail"
    assert "no table cell" in verdict.explain()
