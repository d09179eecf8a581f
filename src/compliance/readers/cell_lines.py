"""Text that prints every table cell on a line of its own.

Office suites saving a document as plain text (LibreOffice's "Text" filter, some "save as .txt"
paths) write a table cell by cell, one line each: a row's label, then its figures one a line, a
blank cell as a line holding only a no-break space (``\\xa0``). No tab or bar marks the columns, yet
nothing is lost: the blank cells are printed. Here each run of such cell lines becomes one
tab-separated row of its figures (blank cells kept as empty fields), so the row is read like any
tab-separated table; its label stays the line above, which the mapping joins to it by the template's
row labels. A run is at least two cells with a figure among them; the rewriting is done only in a text
with at least three such runs, so wrapped prose that happens to end in a number is never touched.
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


def join_cell_lines(lines: list[str]) -> list[str] | None:
    """The lines with each run of cell lines written as one tab-separated row (the run's other lines
    left empty, so line numbers hold); None when the text is not printed cell by cell."""
    runs: list[tuple[int, int]] = []
    blank_runs: list[tuple[int, int]] = []
    start: int | None = None
    for number, line in enumerate([*lines, "end"]):
        if _cell(line) is not None:
            if start is None:
                start = number
            continue
        if start is not None and _is_run(lines[start:number]):
            runs.append((start, number))
        elif start is not None and number - start >= _BLANK_ROW and start > 0 and _label(lines[start - 1]):
            blank_runs.append((start, number))
        start = None
    if len(runs) < MIN_RUNS:
        return None
    out = list(lines)
    for first, end in runs:
        out[first] = "\t".join(_cell(line) or "" for line in lines[first:end])
        out[first + 1 : end] = [""] * (end - first - 1)
    for first, end in blank_runs:
        # A row printed with every cell blank: its label line carries the blanks (a blank row).
        out[first - 1] = lines[first - 1].strip() + "\t" * (end - first)
        out[first:end] = [""] * (end - first)
    return out


def _label(line: str) -> bool:
    text = line.strip()
    return bool(text) and len(text) <= _LABEL_MAX and not is_number_shaped(text)


def _cell(line: str) -> str | None:
    """The cell a line holds: its figure, or "" for a printed blank; None for any other line."""
    if not line or len(line) > _CELL_MAX:
        return None
    text = line.strip()
    if not text:
        return "" if "\xa0" in line or "\u3000" in line else None  # a blank cell, not an empty line
    return text if is_number_shaped(text) else None


def _is_run(cells: list[str]) -> bool:
    return len(cells) >= MIN_CELLS and any(_cell(line) for line in cells)
