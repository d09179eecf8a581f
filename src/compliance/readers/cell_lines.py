"""Text that prints every table cell on a line of its own.

Office suites saving a document as plain text (LibreOffice's "Text" filter, some "save as .txt"
paths) write a table cell by cell, one line each: a row's label, then its figures one a line. A blank
cell is a line holding only a no-break space (``\\xa0``) when the cell held one, and an empty line when
it held nothing; a cell covered by a merged cell above it (a group label spanning rows) is an empty
line too, printed before the row's label. No tab or bar marks the columns, yet nothing is lost: every
cell has its line. Here each run of such cell lines becomes one tab-separated row (blank cells kept as
empty fields), so the row is read like any tab-separated table; its label stays the line above, which
the mapping joins to it by the template's row labels. Empty lines at the edges of a run may be the next
row's covered cells rather than blank figures: they are kept as padding fields, which the mapping places
like the padding of any tab-separated row (the one window that keeps every figure, else the grid's
convention, else ambiguous).

A run is at least two cells with a figure among them (two figures when it counts empty lines, so a page
number between empty lines is never a row); the rewriting is done only in a text with at least three
such runs, so wrapped prose that happens to end in a number is never touched. In a double-spaced text
(almost every line followed by an empty one) empty lines separate lines and are never cells.
"""

from __future__ import annotations

from compliance.readers.geometry import is_number_shaped

# Cells of a run: enough that prose never forms one, few enough for a two-figure row of table 二.
MIN_CELLS = 2
MIN_RUNS = 3
# A cell line is short: a figure, a placeholder, or a blank.
_CELL_MAX = 24
# A row printed with every cell blank has at least this many cells (table 二 rows have three).
_BLANK_ROW = 3
_LABEL_MAX = 60
# Share of text lines followed by an empty line above which empty lines are separators.
_DOUBLE_SPACED = 0.8


def join_cell_lines(lines: list[str]) -> list[str] | None:
    """The lines with each run of cell lines written as one tab-separated row (the run's other lines
    left empty, so line numbers hold); None when the text is not printed cell by cell."""
    if not _double_spaced(lines):
        return _joined(lines, empty_cells=True)
    # Every cell a paragraph of its own, an empty line after each (a text browser's dump): one empty
    # line separates, each further one is a cell printed blank. Read without the separators; a row
    # then goes on the separator line right under its label, as does a lone figure.
    printed = [number for number, line in enumerate(lines) if line.strip() or _printed_blank(line)]
    positions: list[int] = []
    compact: list[str] = []
    for at, number in enumerate(printed):
        if at > 0:
            blanks = range(printed[at - 1] + 2, number)
            positions += blanks
            compact += ["\xa0"] * len(blanks)
        positions.append(number)
        compact.append(lines[number])
    joined = _joined(compact, empty_cells=False)
    if joined is None:
        return None
    out = list(lines)
    for at, (before, after) in enumerate(zip(compact, joined, strict=True)):
        out[positions[at]] = "" if not after.strip() and "\t" not in after else after
        moved = after != before or _cell(before) is not None
        if moved and at > 0 and _cell(before) is not None and _cell(compact[at - 1]) is None:
            # A row (or a lone figure) right after its label's line: onto the separator under it.
            out[positions[at]] = ""
            out[positions[at - 1] + 1] = after
    return out


def _joined(lines: list[str], *, empty_cells: bool) -> list[str] | None:
    runs: list[tuple[int, int, int]] = []  # where the row is written, its first and end cell lines
    blank_runs: list[tuple[int, int]] = []
    start: int | None = None
    for number, line in enumerate([*lines, "end"]):
        if _cell(line, empty_cells) is not None:
            if start is None:
                start = number
            continue
        span = _hard_span(lines, start, number) if start is not None else None
        if start is not None and span is not None and _is_run(lines[span[0] : span[1]], empty_cells):
            runs.append((start, *span))
        elif start is not None and _is_blank_row(lines, start, number):
            blank_runs.append((start, number))
        start = None
    if len(runs) < MIN_RUNS:
        return None
    out = list(lines)
    for at, first, end in runs:
        # Written on the run's first line, right under the label even when a covered cell (an empty
        # line) stands between them.
        out[at:end] = [""] * (end - at)
        out[at] = "\t".join(_cell(line, empty_cells) or "" for line in lines[first:end])
    for first, end in blank_runs:
        # A row printed with every cell blank: its label line carries the blanks (a blank row).
        out[first - 1] = lines[first - 1].strip() + "\t" * (end - first)
        out[first:end] = [""] * (end - first)
    return out


def _hard_span(lines: list[str], start: int, end: int) -> tuple[int, int] | None:
    """The run without the empty lines at its edges: those may be another row's covered cells as
    well as this row's blank ones, so the row is given from its first to its last printed cell."""
    hard = [i for i in range(start, end) if lines[i].strip() or "\xa0" in lines[i] or "\u3000" in lines[i]]
    return (hard[0], hard[-1] + 1) if hard else None


def _printed_blank(line: str) -> bool:
    return "\xa0" in line or "\u3000" in line


def _double_spaced(lines: list[str]) -> bool:
    printed = [i for i, line in enumerate(lines) if line.strip()]
    if not printed:
        return False
    spaced = sum(1 for i in printed if i + 1 < len(lines) and not lines[i + 1].strip())
    return spaced > _DOUBLE_SPACED * len(printed)


def _label(line: str) -> bool:
    text = line.strip()
    return bool(text) and len(text) <= _LABEL_MAX and not is_number_shaped(text)


def _cell(line: str, empty_cells: bool = False) -> str | None:
    """The cell a line holds: its figure, or "" for a blank; None for any other line."""
    text = line.strip()
    if len(text) > _CELL_MAX:  # indentation aside: a text browser centres some cells
        return None
    if not text:
        printed_blank = "\xa0" in line or "\u3000" in line
        return "" if printed_blank or empty_cells else None
    return text if is_number_shaped(text) else None


def _is_run(cells: list[str], empty_cells: bool) -> bool:
    figures = sum(1 for line in cells if line.strip() and _cell(line))
    soft = any(not line.strip() and "\xa0" not in line and "\u3000" not in line for line in cells)
    return len(cells) >= MIN_CELLS and figures >= (2 if soft and empty_cells else 1)


def _is_blank_row(lines: list[str], start: int, end: int) -> bool:
    """A label followed by at least three printed blanks (no-break spaces): a row with every cell
    blank. Empty lines alone never make one: they also end paragraphs."""
    printed = sum(1 for line in lines[start:end] if "\xa0" in line or "\u3000" in line)
    return printed >= _BLANK_ROW and start > 0 and _label(lines[start - 1])
