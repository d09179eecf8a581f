"""Text tables whose columns a rule of dashes marks: pandoc's simple and multiline tables.

Pandoc writes a DOCX or HTML table it cannot draw with bars as text aligned under a rule of dash
runs, one run per column (``----------  -----  ------``), in plain text and in its Markdown. The
rule says exactly where each column starts, so no alignment has to be guessed: a cell is the text
standing from its column's start to the next column's start, in display columns (a CJK character is
two wide, as the writer counts). The table runs to the next rule with the same runs. Where blank
lines separate its lines, each group of lines is one row whose cells wrap over the lines (a multiline
table); otherwise each line is a row.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence

from compliance.document import Grid, GridCell
from compliance.model import Loc
from compliance.readers.grid import caption_spans, clean_cell, label_spans
from compliance.readers.limits import check_table_cells

# A rule has at least two runs of at least this many dashes; a table at most this many lines.
_MIN_RUN = 3
_MAX_TABLE_LINES = 2000
_MAX_HEADER_LINES = 6


def has_dash_rules(text: str) -> bool:
    """Whether the text may hold such a table (a cheap test before reading lines twice)."""
    return "--- -" in text


def dash_rule_tables(lines: list[str], first_line: int = 1) -> dict[int, tuple[int, Grid]]:
    """Each table: index of its first line → (index of its last line, the table's grid), the grid's
    locations numbered from ``first_line`` for ``lines[0]``.

    The three shapes pandoc writes, each with a blank line before it:

    - a simple table: one header line, the rule under it, rows one a line, ended by a blank line;
    - a multiline table: a border of dashes, header lines, the rule, rows apart, a closing border;
    - a headerless table: the rule, rows (apart or not), and the same rule again.

    Anything else with a rule of dashes in it is left to the text reader.
    """
    found: dict[int, tuple[int, Grid]] = {}
    index = 0
    cells = 0
    marks = _Marks(lines)
    while index < len(lines):
        runs = marks.runs[index]
        shape = _shape(lines, index, runs, marks) if runs is not None else None
        if runs is None or shape is None:
            index += 1
            continue
        first, header_lines, body_end, last, wrapped = shape
        header = None
        if header_lines:
            header = _grid(lines, header_lines[0], index, runs, first_line, wrapped=True, one_row=True)
        grid = _grid(lines, index + 1, body_end, runs, first_line, wrapped=wrapped)
        if grid is not None:
            if header is not None:
                grid.rows[:0] = header.rows
                grid.loc = grid.loc.moved(line=header.loc.line)
            found[first] = (last, grid)
            # Every table's cells count against one limit, before more are built.
            cells += sum(len(row) for row in grid.rows)
            check_table_cells(cells)
        index = last + 1
    return found


class _Marks:
    """Each line's rule runs, and where the next rule, line of dashes and blank line stand: found
    once, so that a text of many rules is read in linear time."""

    def __init__(self, lines: list[str]) -> None:
        self.runs = [rule_runs(line) for line in lines]
        self._same: dict[tuple[int, ...], list[int]] = {}
        for number, runs in enumerate(self.runs):
            if runs is not None:
                self._same.setdefault(runs, []).append(number)
        self.next_dashes = self._next(lines, _dashes_only)
        self.next_blank = self._next(lines, lambda line: not line.strip())

    @staticmethod
    def _next(lines: list[str], test: Callable[[str], bool]) -> list[int | None]:
        out: list[int | None] = [None] * len(lines)
        following: int | None = None
        for number in range(len(lines) - 1, -1, -1):
            out[number] = following
            if test(lines[number]):
                following = number
        return out

    def next_same(self, index: int) -> int | None:
        runs = self.runs[index]
        same = self._same.get(runs, []) if runs is not None else []
        at = bisect.bisect_right(same, index)
        return same[at] if at < len(same) else None


def _shape(
    lines: list[str], rule: int, runs: tuple[int, ...], marks: _Marks
) -> tuple[int, list[int], int, int, bool] | None:
    """(first line, header lines, end of the rows, last line, whether rows wrap over lines) of the
    table whose column rule is at ``rule``; None when the lines around it are no table pandoc writes."""
    limit = rule + _MAX_TABLE_LINES
    above = rule - 1
    if above < 0 or not lines[above].strip():
        # Headerless: the same rule closes it.
        end = marks.next_same(rule)
        return None if end is None or end > limit else (rule, [], end, end, True)
    top = above
    while top > 0 and rule - top < _MAX_HEADER_LINES and lines[top - 1].strip() and not _dashes_only(lines[top - 1]):
        top -= 1
    if top > 0 and _dashes_only(lines[top - 1]):
        # Multiline with a header under its border; the next line of only dashes closes it.
        end = marks.next_dashes[rule]
        return None if end is None or end > limit else (top - 1, list(range(top, rule)), end, end, True)
    if top == above and (top == 0 or not lines[top - 1].strip()):
        # Simple: one header line after a blank line; a blank line ends it.
        blank = marks.next_blank[rule]
        end = min(blank if blank is not None else len(lines), limit)
        return top, [top], end, end - 1, False
    return None


def rule_runs(line: str) -> tuple[int, ...] | None:
    """The display column where each dash run of a rule line starts; None for any other line."""
    if "-" not in line or line.strip(" -") or "\t" in line:
        return None
    runs = list(re.finditer(r"-+", line))
    if len(runs) < 2 or min(len(run.group()) for run in runs) < _MIN_RUN:
        return None
    return tuple(run.start() for run in runs)


def _dashes_only(line: str) -> bool:
    return "-" in line and not line.strip(" -")


def _grid(
    lines: list[str], first: int, end: int, starts: Sequence[int], first_line: int, wrapped: bool, one_row: bool = False
) -> Grid | None:
    body = list(range(first, end))
    groups: list[list[int]] = []
    if one_row:
        groups = [[n for n in body if lines[n].strip()]]
    elif wrapped and any(not lines[n].strip() for n in body):
        current: list[int] = []
        for n in body:
            if lines[n].strip():
                current.append(n)
            elif current:
                groups.append(current)
                current = []
        if current:
            groups.append(current)
    else:
        groups = [[n] for n in body]
    printed: list[tuple[int, list[str]]] = []
    for group in groups:
        pieces = [_split(lines[n], starts) for n in group]
        texts = [clean_cell("\n".join(p[c] for p in pieces if p[c])) for c in range(len(starts))]
        if any(texts):
            printed.append((first_line + group[0], texts))
    if not printed:
        return None
    rows = caption_spans(label_spans([[GridCell(text, Loc(line=line)) for text in texts] for line, texts in printed]))
    return Grid(rows=rows, loc=Loc(line=first_line + first, line_end=first_line + end - 1))


def _split(line: str, starts: Sequence[int]) -> list[str]:
    """The line's text under each column, by display column (a character belongs where it starts).

    A word running past its column's end stays whole: the next column begins after a space."""
    cells = [""] * len(starts)
    column = 0
    slot = 0
    previous = " "
    for char in line:
        while slot + 1 < len(starts) and column >= starts[slot + 1] and previous == " ":
            slot += 1
        cells[slot] += char
        previous = char
        column += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return [cell.strip() for cell in cells]
