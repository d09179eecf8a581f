"""PDF reader: ruled tables by geometry, page numbers dropped, tables across pages, bad PDFs."""

from __future__ import annotations

import pytest
from documents import minimal_pdf, pdf_ruled_table, pdf_text

from compliance.document import Grid, LoadError, Paragraph
from compliance.readers.pdf.reader import PdfReader


def read(data: bytes) -> list:
    return PdfReader().read(data, "report.pdf").blocks


ROWS = [["Label", "A", "B", "Total"], ["first", "1", "2", "3"], ["second", "4", "", "4"]]


def test_pdf_ruled_table_read_by_cell_geometry_with_page_and_line() -> None:
    page = pdf_text(72, 780, "Annual report") + pdf_ruled_table(72, 700, [150, 60, 60, 60], ROWS)
    blocks = read(minimal_pdf([page]))
    grids = [b for b in blocks if isinstance(b, Grid)]
    assert len(grids) == 1
    assert [[c.text for c in row] for row in grids[0].rows] == ROWS
    cell = grids[0].rows[1][1]
    assert cell.loc.page == 1 and cell.loc.line is not None and cell.loc.bbox is not None
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    assert paragraphs[0].text == "Annual report" and paragraphs[0].loc.page == 1


def test_pdf_page_numbers_dropped_and_table_continued_on_next_page() -> None:
    first = pdf_ruled_table(72, 300, [150, 60, 60, 60], ROWS[:2]) + pdf_text(290, 30, "- 1 -")
    second = pdf_ruled_table(72, 800, [150, 60, 60, 60], ROWS[2:]) + pdf_text(290, 30, "- 2 -")
    blocks = read(minimal_pdf([first, second]))
    assert not [b for b in blocks if isinstance(b, Paragraph) and "-" in b.text]
    grids = [b for b in blocks if isinstance(b, Grid)]
    # One table carried over the page break: one grid, each row keeping its own page.
    assert len(grids) == 1
    assert [row[0].loc.page for row in grids[0].rows] == [1, 1, 2]
    assert [[c.text for c in row] for row in grids[0].rows] == ROWS


def test_pdf_wrapped_lines_joined_but_headings_kept_apart() -> None:
    long_line = "x" * 95
    page = pdf_text(72, 760, long_line) + pdf_text(72, 746, "tail of paragraph.") + pdf_text(90, 720, "Next one")
    texts = [b.text for b in read(minimal_pdf([page]))]
    assert texts == [f"{long_line} tail of paragraph.", "Next one"]


def test_pdf_without_text_layer_needs_ocr() -> None:
    with pytest.raises(LoadError, match="OCR"):
        read(minimal_pdf(["0 0 m 100 100 l S\n"]))


def test_pdf_truncated_is_load_error() -> None:
    data = minimal_pdf([pdf_text(72, 700, "hello")])
    with pytest.raises(LoadError):
        read(data[: len(data) // 3])


def test_pdf_encrypted_is_load_error_saying_so() -> None:
    data = minimal_pdf([pdf_text(72, 700, "hello")], extra_trailer="/Encrypt << /Filter /Standard /V 9 /R 9 >> ")
    with pytest.raises(LoadError, match="加密"):
        read(data)


def test_pdf_not_a_pdf_is_load_error() -> None:
    with pytest.raises(LoadError, match="PDF"):
        read(b"hello, not a pdf")


def test_pdf_sniff_by_magic_bytes() -> None:
    reader = PdfReader()
    assert reader.sniff(b"%PDF-1.7\n...", "report.txt") == 100
    assert reader.sniff(b"<html>", "report.html") == 0


def test_pdf_row_with_only_its_label_printed_is_kept_with_blank_cells() -> None:
    rows = [*ROWS, ["third", "", "", ""], ["fourth", "5", "6", "11"]]
    page = pdf_ruled_table(72, 700, [150, 60, 60, 60], rows)
    grids = [b for b in read(minimal_pdf([page])) if isinstance(b, Grid)]
    assert [[c.text for c in row] for g in grids for row in g.rows] == rows


def test_pdf_frame_row_of_one_cell_stays_prose() -> None:
    framed = pdf_ruled_table(72, 700, [330], [["A framed paragraph of prose"]])
    table = pdf_ruled_table(72, 600, [150, 60, 60, 60], ROWS)
    blocks = read(minimal_pdf([framed + table]))
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["A framed paragraph of prose"]
    assert [[c.text for c in row] for b in blocks if isinstance(b, Grid) for row in b.rows] == ROWS


def test_pdf_label_only_row_under_a_spanning_group_label_is_kept() -> None:
    """A group label spanning down the first column; a row below it printed with only its label."""
    ops = pdf_ruled_table(72, 700, [60, 120, 60, 60], [["", "a. first", "1", "2"], ["", "b. second", "", ""]])
    # Erase the rule between the two rows in the first column: the group label spans both rows.
    ops = ops.replace("72 680 m 372 680 l S\n", "132 680 m 372 680 l S\n") + pdf_text(75, 670, "Group")
    grids = [b for b in read(minimal_pdf([ops])) if isinstance(b, Grid)]
    rows = [[c.text for c in row] for g in grids for row in g.rows]
    assert [row[1:] for row in rows] == [["a. first", "1", "2"], ["b. second", "", ""]]


def test_pdf_row_at_top_of_page_without_its_top_rule_is_kept() -> None:
    """The border a row shares with the row above was drawn on the previous page only."""
    first = pdf_ruled_table(72, 300, [150, 60, 60, 60], ROWS[:2])
    second = pdf_ruled_table(72, 800, [150, 60, 60, 60], [["carried", "7", "8", "15"], *ROWS[2:]])
    second = second.replace("72 800 m 402 800 l S\n", "", 1)  # no rule closing the first row at the top
    assert "72 800 m 402 800 l S" not in second
    grids = [b for b in read(minimal_pdf([first, second])) if isinstance(b, Grid)]
    rows = [[c.text for c in row] for g in grids for row in g.rows]
    assert rows == [*ROWS[:2], ["carried", "7", "8", "15"], *ROWS[2:]]


def test_pdf_table_without_rules_is_read_by_alignment() -> None:
    """A borderless table: the words outside ruled tables go through the geometric grid builder."""
    rows = [
        ["Item", "Made", "Gone", "Valid"],
        ["first", "1", "2", "3"],
        ["second", "4", "", "14"],
        ["third", "7", "8", "9"],
    ]
    ops = pdf_text(72, 780, "A paragraph of prose before the table.")
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                ops += pdf_text(72 + 110 * c, 720 - 20 * r, text)
    blocks = read(minimal_pdf([ops]))
    grids = [b for b in blocks if isinstance(b, Grid)]
    assert len(grids) == 1
    assert [[c.text for c in row] for row in grids[0].rows][-3:] == rows[1:]
    assert all(c.loc.page == 1 and c.loc.bbox is not None for c in grids[0].rows[-1] if c.text)
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["A paragraph of prose before the table."]


def test_pdf_short_heading_on_a_page_of_tables_is_not_joined_to_the_next_line() -> None:
    page = (
        pdf_text(72, 780, "Heading four")
        + pdf_text(72, 766, "Caption one")
        + pdf_ruled_table(72, 740, [200, 100, 100, 100], ROWS)
    )
    texts = [b.text for b in read(minimal_pdf([page])) if isinstance(b, Paragraph)]
    assert texts == ["Heading four", "Caption one"]


def test_pdf_row_broken_by_the_page_edge_keeps_its_whole_label() -> None:
    """A row split over two pages: its figures on the first, the rest of its label on the next."""
    first = pdf_ruled_table(72, 300, [150, 60, 60, 60], [*ROWS[:2], ["(6) other", "5", "6", "11"]])
    second = pdf_ruled_table(72, 800, [150, 60, 60, 60], [["handling", "", "", ""], ["(7) total", "6", "8", "14"]])
    grids = [b for b in read(minimal_pdf([first, second])) if isinstance(b, Grid)]
    assert len(grids) == 1
    rows = [[c.text for c in row] for row in grids[0].rows]
    assert rows[-2:] == [["(6) otherhandling", "5", "6", "11"], ["(7) total", "6", "8", "14"]]


def test_a_line_hanging_past_the_margin_does_not_make_full_lines_end_their_paragraph() -> None:
    # Full lines end at 522; one hangs its last mark out to 542 (as CJK typesetting does). Measured
    # from the widest line, every full line would seem to stop short and end a paragraph.
    widths = [90, 90, 94, 90, 88]
    lines = [pdf_text(72, 760 - 14 * i, "x" * n) for i, n in enumerate(widths)]
    lines.append(pdf_text(72, 760 - 14 * len(widths), "xxxx end."))
    lines.append(pdf_text(72, 640, "Next paragraph after a gap."))
    document = PdfReader().read(minimal_pdf(["".join(lines)]), "wrapped.pdf")
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert len(paragraphs) == 2
    assert paragraphs[0].split() == ["x" * n for n in widths] + ["xxxx", "end."]


def test_a_line_short_by_the_character_a_closing_mark_took_down_still_wraps() -> None:
    # "…配置工" stops two characters short because "作、" went down together (a mark may not open a
    # line); a line as short before an ordinary character ends its paragraph.
    from compliance.readers.pdf.assemble import Line, _continues

    def line(text: str, x1: float, top: float) -> Line:
        return Line(text=text, x0=72, x1=x1, top=top, bottom=top + 12, page=1, height=12)

    edges = {1: (72.0, 522.0)}
    above = line("扎实推进公共租赁房配置工", 498, 100)
    assert _continues(above, line("作、环境卫生综合整治", 400, 114), edges)
    assert not _continues(above, line("作环境卫生综合整治", 400, 114), edges)
    assert not _continues(line("扎实推进公共租赁", 400, 100), line("作、环境卫生综合整治", 400, 114), edges)


def test_paragraphs_of_recognised_lines_keep_the_least_sure_confidence() -> None:
    from compliance.readers.pdf.assemble import Line, assemble

    lines = [
        Line("x" * 90, 72, 522, 100, 112, 1, 842, 0.97),
        Line("x" * 90, 72, 522, 114, 126, 1, 842, 0.64),
        Line("x" * 90, 72, 522, 128, 140, 1, 842, 0.99),
        Line("end.", 72, 100, 142, 154, 1, 842, 0.9),
    ]
    (paragraph,) = assemble(lines, [])
    assert isinstance(paragraph, Paragraph) and paragraph.confidence == 0.64
    printed = [Line(ln.text, ln.x0, ln.x1, ln.top, ln.bottom, ln.page, ln.height) for ln in lines]
    assert all(b.confidence is None for b in assemble(printed, []) if isinstance(b, Paragraph))


def test_pdf_header_rows_repeated_on_the_next_page_are_said_once() -> None:
    """Word's 重复标题行 prints a table's header again on every page; the grid keeps one copy."""
    head = [["Label", "A", "B", "Total"], ["", "a1", "b1", ""]]
    widths = [150.0, 60.0, 60.0, 60.0]
    first = pdf_ruled_table(72, 300, widths, [*head, ["first", "1", "2", "3"], ["(6) other", "5", "6", "11"]])
    second = pdf_ruled_table(72, 800, widths, [*head, ["handling", "", "", ""], ["second", "4", "", "4"]])
    grids = [b for b in read(minimal_pdf([first, second])) if isinstance(b, Grid)]
    assert len(grids) == 1
    rows = [[c.text for c in row] for row in grids[0].rows]
    assert rows == [*head, ["first", "1", "2", "3"], ["(6) otherhandling", "5", "6", "11"], ["second", "4", "", "4"]]


def test_pdf_table_equal_to_the_one_before_is_not_taken_for_a_repeated_header() -> None:
    table = [["Label", "A", "B"], ["", "a1", "b1"]]
    first = pdf_ruled_table(72, 300, [150, 60, 60], table)
    second = pdf_ruled_table(72, 800, [150, 60, 60], table)
    grids = [b for b in read(minimal_pdf([first, second])) if isinstance(b, Grid)]
    assert sum(len(g.rows) for g in grids) == 4


def test_pdf_numbered_row_with_blank_figures_at_a_page_top_is_its_own_row() -> None:
    first = pdf_ruled_table(72, 300, [150, 60, 60, 60], [*ROWS[:2], ["6. other", "5", "6", "11"]])
    second = pdf_ruled_table(72, 800, [150, 60, 60, 60], [["7. files", "", "", ""], ["(7) total", "6", "8", "14"]])
    grids = [b for b in read(minimal_pdf([first, second])) if isinstance(b, Grid)]
    rows = [[c.text for c in row] for g in grids for row in g.rows]
    assert rows[-3:] == [["6. other", "5", "6", "11"], ["7. files", "", "", ""], ["(7) total", "6", "8", "14"]]
