"""Text and Markdown tables as converters draw them: box-drawing and full-width bars, pandoc's grid,
multiline and simple tables, raw HTML tables inside Markdown, "-" placeholders, inline markup.

Each variant is made from our V2021 sample (tab-separated) and must read cell for cell like it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from compliance.model import CellStatus
from helpers import cell_readings, load_text

SAMPLE = Path(__file__).resolve().parents[1] / "reports" / "v2021-clean-2023.txt"
Table = list[list[str]]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _redraw(draw: Callable[[Table], list[str]]) -> str:
    """The sample with each run of tab-separated rows replaced by ``draw(rows)``."""
    out: list[str] = []
    rows: Table = []
    for line in [*SAMPLE.read_text(encoding="utf-8").splitlines(), ""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            width = max(len(r) for r in rows)
            out += draw([r + [""] * (width - len(r)) for r in rows])
            rows = []
        out.append(line)
    return "\n".join(out) + "\n"


def _padded(row: list[str], widths: list[int]) -> list[str]:
    return [" " + cell + " " * (w - _width(cell) - 1) for cell, w in zip(row, widths, strict=True)]


def _widths(rows: Table) -> list[int]:
    return [max(_width(r[i]) for r in rows) + 2 for i in range(len(rows[0]))]


def box_drawn(rows: Table, bar: str = "│") -> list[str]:
    widths = _widths(rows)
    rule = "├" + "┼".join("─" * w for w in widths) + "┤"
    out = ["┌" + "┬".join("─" * w for w in widths) + "┐"]
    for row in rows:
        out += [bar + bar.join(_padded(row, widths)) + bar, rule]
    out[-1] = "└" + "┴".join("─" * w for w in widths) + "┘"
    return out


def grid_wrapped(rows: Table) -> list[str]:
    """Pandoc's grid table, every cell of over four characters wrapped over two lines."""
    halves = [[(c[: len(c) // 2], c[len(c) // 2 :]) if len(c) > 4 else (c, "") for c in row] for row in rows]
    widths = _widths(rows)
    rule = "+" + "+".join("-" * w for w in widths) + "+"
    out = [rule]
    for row in halves:
        for part in (0, 1):
            out.append("|" + "|".join(_padded([cell[part] for cell in row], widths)) + "|")
        out.append(rule)
    return out


def _aligned(row: list[str], widths: list[int]) -> str:
    return "  " + " ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True))


def multiline(rows: Table) -> list[str]:
    """Pandoc's multiline table without header: a rule of dash runs, rows apart, the rule again;
    a blank line before and after, as pandoc writes every table."""
    widths = [w + 1 for w in _widths(rows)]
    rule = "  " + " ".join("-" * w for w in widths)
    out = ["", rule]
    for row in rows:
        out += [_aligned(row, widths), ""]
    return [*out[:-1], rule, ""]


def simple(rows: Table) -> list[str]:
    """Pandoc's simple table: the first row as header, a rule of dash runs under it, one row a line,
    a blank line before and after."""
    widths = [w + 1 for w in _widths(rows)]
    rule = "  " + " ".join("-" * w for w in widths)
    return ["", _aligned(rows[0], widths), rule, *(_aligned(r, widths) for r in rows[1:]), ""]


def html_in_markdown(rows: Table) -> list[str]:
    body = "".join("<tr>" + "".join(f"<td><p>{c}</p></td>" for c in row) + "</tr>\n" for row in rows)
    return ["<table>", *body.splitlines(), "</table>"]


def pipes_with_dashes(rows: Table) -> list[str]:
    """A Markdown pipe table whose zero cells print "-", its header row first, delimiter second; a row
    of only zeros has its label on the line above, as PDF-to-Markdown tools leave a label they did
    not place in the table (the row is then ``| - | - | … |``, shaped like a delimiter row)."""
    head = ["-" if c == "0" else c for c in rows[0]]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(rows[0])]
    for row in rows[1:]:
        label = [c for c in row if c and not c.isdigit()]
        figures = [c for c in row if c.isdigit()]
        if figures and set(figures) == {"0"} and len(label) == 1:
            out += [label[0], "|" + "-|" * len(figures)]
        else:
            out.append("| " + " | ".join("-" if c == "0" else c for c in row) + " |")
    return out


def _reading(tmp_path: Path, text: str, name: str) -> dict:
    return cell_readings(load_text(tmp_path, text, name))


@pytest.mark.parametrize(
    ("draw", "name"),
    [
        (box_drawn, "report.txt"),
        (lambda rows: box_drawn(rows, "｜"), "report.txt"),
        (box_drawn, "report.md"),
        (grid_wrapped, "report.txt"),
        (grid_wrapped, "report.md"),
        (html_in_markdown, "report.md"),
        (multiline, "report.txt"),
        (multiline, "report.md"),
        (simple, "report.txt"),
    ],
    ids=[
        "box-text",
        "full-width-bars",
        "box-markdown",
        "grid-text",
        "grid-markdown",
        "html-in-markdown",
        "multiline-text",
        "multiline-markdown",
        "simple-text",
    ],
)
def test_drawn_tables_read_like_the_tab_separated_sample(tmp_path: Path, draw: Callable, name: str) -> None:
    source = cell_readings(load_text(tmp_path, SAMPLE.read_text(encoding="utf-8")))
    assert _reading(tmp_path, _redraw(draw), name) == source


def test_dash_placeholders_are_blank_cells_not_delimiter_rows(tmp_path: Path) -> None:
    source = cell_readings(load_text(tmp_path, SAMPLE.read_text(encoding="utf-8")))
    read = _reading(tmp_path, _redraw(pipes_with_dashes), "report.md")
    assert read.keys() == source.keys()
    for key, (value, status) in source.items():
        # A row of only "-" cells is a row of blanks, not a second delimiter row dropped.
        expected = (None, CellStatus.blank) if value == 0 else (value, status)
        assert read[key] == expected, key


@pytest.mark.parametrize(("before", "after"), [("<u>", "</u>"), ("[", "]{.underline}"), ("**", "**")])
def test_inline_markup_in_markdown_headings_is_not_words(tmp_path: Path, before: str, after: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    for numeral in "一二三四五六":
        at = text.index(f"\n{numeral}、") + 1
        end = text.index("\n", at)
        text = text[:at] + before + text[at:end] + after + text[end:]
    report = load_text(tmp_path, text, "report.md")
    assert [s.key for s in report.outline if s.key] == ["S1", "S2", "S3", "S4", "S5", "S6"]


def cell_per_line(rows: Table) -> list[str]:
    """What an office suite's "save as text" writes: every cell on a line of its own, a blank cell as a
    no-break space, a blank row's label followed by its blank cells."""
    out: list[str] = []
    for row in rows:
        out += [cell if cell else "\xa0" for cell in row if cell or any(c.isdigit() for c in row)]
    return out


@pytest.mark.parametrize("sample", ["v2019-clean-2020.txt", "v2021-clean-2023.txt"])
def test_a_table_printed_one_cell_a_line_reads_like_the_sample(tmp_path: Path, sample: str) -> None:
    text = (SAMPLE.parent / sample).read_text(encoding="utf-8")
    source = cell_readings(load_text(tmp_path, text))
    lines: list[str] = []
    rows: Table = []
    for line in [*text.splitlines(), ""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        lines += [*cell_per_line(rows), line]
        rows = []
    read = cell_readings(load_text(tmp_path, "\n".join(lines) + "\n"))
    figures = {k: v for k, v in source.items() if v[0] is not None}
    assert {k: read.get(k) for k in figures} == figures


def _zeros_blanked(text: str) -> str:
    """The sample with every zero figure of its tables left blank (blank = unknown, never 0)."""
    return "\n".join(
        "\t".join("" if i and f == "0" else f for i, f in enumerate(line.split("\t"))) if "\t" in line else line
        for line in text.splitlines()
    )


def office_text(text: str, *, double_spaced: bool = False) -> str:
    """What LibreOffice's "save as text" writes for tables whose blank cells hold nothing: each cell on
    a line, a blank cell as an empty line, and a cell covered by a group label spanning rows (the
    （三）不予公开 beside 1.属于国家秘密) as an empty line before the row's label."""
    lines: list[str] = []
    for line in text.splitlines():
        if "\t" not in line:
            lines.append(line)
            continue
        label, *values = line.split("\t")
        if label[:1].isdigit():  # a numbered sub-row: its group label's cell is covered
            lines.append("")
        lines += [label, *values]
    if double_spaced:
        lines = [part for line in lines for part in (line, "")]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("sample", ["v2019-clean-2020.txt", "v2021-clean-2023.txt"])
def test_office_text_with_empty_lines_for_blank_and_covered_cells(tmp_path: Path, sample: str) -> None:
    text = _zeros_blanked((SAMPLE.parent / sample).read_text(encoding="utf-8"))
    source = cell_readings(load_text(tmp_path, text))
    read = cell_readings(load_text(tmp_path, office_text(text)))
    # Rows whose first and last value cells are printed are bounded: every cell is read as in the source.
    bounded = {
        (table, row)
        for (table, row, column), (value, _) in source.items()
        if table == "T3" and column == "natural" and value is not None and source[(table, row, "total")][0] is not None
    }
    assert len(bounded) >= 8
    for (table, row, column), expected in source.items():
        if (table, row) in bounded:
            assert read.get((table, row, column)) == expected, (table, row, column)
    # Elsewhere an empty line at a row's edge may be a blank cell or another row's covered cell: a
    # figure is read where the source has it, or left uncertain, never put in another column.
    for cell, (value, status) in read.items():
        if status == CellStatus.read and value is not None:
            assert source[cell][0] == value, cell


def browser_dump(text: str) -> str:
    """What a text browser (``lynx -dump``) writes for a page whose tables hold a paragraph per cell:
    every paragraph and cell indented and followed by an empty line, a blank cell only its empty line."""
    lines: list[str] = []
    for line in text.splitlines():
        for cell in line.split("\t") if "\t" in line else [line]:
            lines += [f"   {cell}", ""] if cell.strip() else [""]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("sample", ["v2019-clean-2020.txt", "v2021-clean-2023.txt"])
def test_a_text_browser_dump_reads_like_the_sample(tmp_path: Path, sample: str) -> None:
    for blanked in (False, True):
        text = (SAMPLE.parent / sample).read_text(encoding="utf-8")
        text = _zeros_blanked(text) if blanked else text
        source = cell_readings(load_text(tmp_path, text))
        read = cell_readings(load_text(tmp_path, browser_dump(text)))
        figures = {k: v for k, v in source.items() if v[0] is not None}
        if not blanked:
            assert {k: read.get(k) for k in figures} == figures
        # With blank cells a row's edges may stay unplaced; a figure read is never in another column.
        assert sum(1 for k in figures if read.get(k) == figures[k]) >= 0.8 * len(figures)
        for cell, (value, status) in read.items():
            if status == CellStatus.read and value is not None:
                assert source[cell][0] == value, (blanked, cell)


def test_double_spaced_cell_lines_never_take_separators_for_cells(tmp_path: Path) -> None:
    text = _zeros_blanked(SAMPLE.read_text(encoding="utf-8"))
    source = cell_readings(load_text(tmp_path, text))
    read = cell_readings(load_text(tmp_path, office_text(text, double_spaced=True)))
    for cell, (value, status) in read.items():
        if status == CellStatus.read and value is not None:
            assert source[cell][0] == value, cell


def test_figures_under_two_stacked_labels_of_rows_apart_go_to_neither_label(tmp_path: Path) -> None:
    # Reading order that scrambled table 三: 5.属于三类内部事务信息 and 1.本机关不掌握相关政府信息 (rows
    # apart in the template) stand over one row of figures, and the second row is printed nowhere else.
    # The nearest label does not take them: by labels, whose they are is unknown (the table's order
    # then decides, as for any row without a label: the one row its gap lacks).
    text = (SAMPLE.parent / "v2019-clean-2020.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("1.本机关不掌握相关政府信息")]
    at = next(n for n, line in enumerate(lines) if line.startswith("5.属于三类内部事务信息"))
    lines[at : at + 1] = ["5.属于三类内部事务", "信息", "1.本机关不掌握相关", "政府信息", "7 1 1 1 1 1 12"]
    tables = load_text(tmp_path, "\n".join(lines) + "\n").tables["T3"]
    assert 12 not in [cell.value for cell in tables.get("unable.not_held", {}).values()]


@pytest.mark.parametrize(
    ("upper", "labelled"),
    [(["8.属于行政查询", "事项"], True), (["5.属于三类内部事务", "信息"], False)],
    ids=["the-row-before-printed-blank", "a-row-apart"],
)
def test_a_label_stacked_over_another_is_taken_only_for_the_row_before(upper: list[str], labelled: bool) -> None:
    from compliance.document import Grid, GridCell, Paragraph
    from compliance.engine import get_registry
    from compliance.mapping.labels import LabelIndex
    from compliance.mapping.text_rows import with_wrapped_label
    from compliance.model import Loc

    index = LabelIndex.build(list(get_registry().layouts.values()), "T3")
    texts = [*upper, "1.本机关不掌握相关", "政府信息"]
    blocks: list = [Paragraph(text=t, loc=Loc(line=n + 1)) for n, t in enumerate(texts)]
    figures = [GridCell(f, Loc(line=len(texts) + 1)) for f in ["2", "1", "1", "0", "0", "0", "4"]]
    blocks.append(Grid(rows=[figures], loc=Loc(line=len(texts) + 1, line_end=len(texts) + 1)))
    grid = with_wrapped_label(blocks, len(texts), index)
    labels = [row[0].text for row in grid.rows if len(row) == 1]
    assert labels == (["1.本机关不掌握相关政府信息"] if labelled else [])


def test_tables_under_rules_of_dashes_count_against_the_cell_limit() -> None:
    from compliance.readers.limits import LimitExceeded
    from compliance.readers.text import TextReader

    table = "\n".join(["", "  ---- ---- ----", "  甲   1    2", "  乙   3    4", "  ---- ---- ----", ""])
    with pytest.raises(LimitExceeded) as refused:
        TextReader().read((table * 5_000).encode(), "tables.txt")
    assert refused.value.key == "max-cells"


@pytest.mark.parametrize("sample", ["v2019-clean-2020.txt", "v2021-clean-2023.txt"])
def test_version_markers_printed_as_caption_lines_are_seen(tmp_path: Path, sample: str) -> None:
    # Column captions a text export printed one a line, outside any grid, still tell the version.
    text = (SAMPLE.parent / sample).read_text(encoding="utf-8")
    source = load_text(tmp_path, text).template_evidence
    read = load_text(tmp_path, office_text(text)).template_evidence
    version = source.detected or ""
    # The captions of table 二 (row labels long enough to be prose are not taken as captions).
    assert len(read.markers[version]) >= 3
    assert set(read.markers[version]) <= set(source.markers[version])
    assert read.detected == version


def emphasised_markdown(text: str) -> str:
    """What an HTML-to-Markdown converter (html2text) writes for a page that sets its text in <em>:
    every paragraph and cell wrapped in ``_``, nested runs around figures (``_ __0_``), list numbers
    run into the label (``_1.__属于国家秘密_``), tables without outer pipes."""
    out: list[str] = []
    header_done = False
    for line in text.splitlines():
        if "\t" not in line:
            header_done = False
            out.append(f"_{line}_" if line.strip() else "")
            continue
        cells = []
        for cell in line.split("\t"):
            if cell == "0":
                cells.append("_ __0_")
            elif cell[:2].rstrip(".").isdigit() and "." in cell[:3]:
                number, rest = cell.split(".", 1)
                cells.append(f"_{number}.__{rest}_")
            else:
                cells.append(f"_{cell}_" if cell else "")
        out.append(" |  ".join(cells))
        if not header_done:
            out.append("---|" * (len(cells) - 1) + "---")
            header_done = True
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("sample", ["v2019-clean-2020.txt", "v2021-clean-2023.txt"])
def test_markdown_emphasis_a_converter_wraps_round_every_cell_is_markup(tmp_path: Path, sample: str) -> None:
    text = (SAMPLE.parent / sample).read_text(encoding="utf-8")
    source = load_text(tmp_path, text)
    read = load_text(tmp_path, emphasised_markdown(text), "report.md")
    assert [s.key for s in read.outline if s.key] == ["S1", "S2", "S3", "S4", "S5", "S6"]
    figures = {k: v for k, v in cell_readings(source).items() if v[0] is not None}
    assert {k: cell_readings(read).get(k) for k in figures} == figures
