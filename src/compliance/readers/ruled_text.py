"""Text tables drawn with rule lines: pandoc's grid tables, box-drawing tables, full-width bars.

A grid table (``+----+----+`` between rows, ``| a | b |`` rows, what pandoc writes for DOCX tables in
plain text and Markdown) wraps a long cell over several lines between two rule lines: the lines
between two rules are one row, cell by cell (``| 本年新 |`` over ``| 制作数量 |`` is one caption).
A table whose rule lines stand only around its header (``+---+`` above and below the header, rows
under it, as database tools print) holds one row per line; the two are told apart by the number of
ruled groups and by the figures: two lines that both print a figure in one column are two rows.
"""

from __future__ import annotations

from compliance.readers.geometry import is_number_shaped
from compliance.readers.grid import clean_inline, is_rule_line, with_ascii_bars

# A ruled table has its rows between rules when it has at least this many ruled groups.
_MIN_GROUPS = 3


def has_rule_lines(text: str) -> bool:
    """Whether the text may hold a ruled table at all (a cheap test before reading lines twice)."""
    return "+--" in text or "├" in text or "┼" in text or "╪" in text or "╬" in text


def join_ruled_rows(lines: list[str]) -> dict[int, tuple[int, str]]:
    """Rows of grid tables wrapped over several lines: first line index → (last index, joined row)."""
    joined: dict[int, tuple[int, str]] = {}
    groups: list[list[int]] = []
    current: list[int] = []
    for index, raw in enumerate(lines):
        line = with_ascii_bars(raw)
        if is_rule_line(line):
            if current:
                groups.append(current)
            current = []
            continue
        if _cells(line) is None:
            _join_table(lines, groups, joined)
            groups, current = [], []
            continue
        current.append(index)
    _join_table(lines, groups, joined)
    return joined


def _join_table(lines: list[str], groups: list[list[int]], joined: dict[int, tuple[int, str]]) -> None:
    if len(groups) < _MIN_GROUPS:
        return
    for group in groups:
        if len(group) < 2 or group[-1] - group[0] != len(group) - 1:
            continue
        rows = [_cells(with_ascii_bars(lines[i])) for i in group]
        widths = {len(r) for r in rows if r is not None}
        if len(widths) != 1 or any(r is None for r in rows):
            continue
        cells: list[list[str]] = [r for r in rows if r is not None]
        if _two_figures_in_a_column(cells):
            continue  # one row per line: a figure per line in the same column
        columns = zip(*cells, strict=True)
        # A wrapped cell's lines joined as a browser shows them: CJK runs on, other words keep a space.
        merged = [clean_inline("\n".join(part for part in column if part)) for column in columns]
        joined[group[0]] = (group[-1], "| " + " | ".join(merged) + " |")


def _cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if len(stripped) < 2 or not (stripped.startswith("|") and stripped.endswith("|")):
        return None
    return [cell.strip() for cell in stripped[1:-1].split("|")]


def _two_figures_in_a_column(rows: list[list[str]]) -> bool:
    return any(sum(1 for text in column if text and is_number_shaped(text)) >= 2 for column in zip(*rows, strict=True))
