"""Blocks of one OCR'd page: ruled tables from the rule lattice, the other text as lines.

Stand-in until the shared geometric builder (``compliance.readers.geometry``) is merged: OCR'd
words and rules are then handed to it instead. A ruled table is its lattice: the distinct
positions of horizontal and vertical rules cut the table into elementary slots; two neighbouring
slots belong to one printed cell when no rule separates them, so merged header and label cells
are printed once and their other slots are span copies (as the PDF and HTML readers mark them).
Each cell keeps its words' text, box, page and the lowest confidence among them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from compliance.document import GridCell
from compliance.model import Loc
from compliance.readers.grid import clean_cell, clean_inline
from compliance.readers.ocr.engine import TextBox
from compliance.readers.ocr.prepare import Segment

_SNAP = 3.0  # points: rules closer than this are one rule
_REACH = 4.0  # points: how far a rule may fall short of a crossing and still meet it
# Marks a speck of dirt or a rule's fringe is read as, at either end of a number.
# A dash after a figure too: a sign stands before a number, never after it.
_STRAY = re.compile(r"^[.。·°,，'`\"“”:：;；_~()（）\[\]|丨!]+|[.。·°,，'`\"“”:：;；_~()（）\[\]|丨!\-—–－]+$")
# Letters the recogniser gives for a lone digit, and the digit.
_DIGIT_SHAPED = {"l": "1", "I": "1", "O": "0", "o": "0", "〇": "0", "。": "0"}
_DIGIT_TABLE = str.maketrans(_DIGIT_SHAPED)
# Confidence given to a number read with a stray mark: below ocr_readings' trust threshold.
DOUBTFUL = 0.75


@dataclass
class PageTable:
    rows: list[list[GridCell]]
    top: float
    bottom: float
    x0: float
    x1: float


@dataclass
class TextLine:
    boxes: list[TextBox] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(b.top for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b.bottom for b in self.boxes)

    @property
    def x0(self) -> float:
        return min(b.x0 for b in self.boxes)

    @property
    def x1(self) -> float:
        return max(b.x1 for b in self.boxes)

    @property
    def text(self) -> str:
        parts: list[str] = []
        previous: TextBox | None = None
        for box in sorted(self.boxes, key=lambda b: b.x0):
            text = box.text
            # Overlapping boxes of one line both read the character where they meet.
            if previous is not None and box.x0 < previous.x1 and parts and text[:1] == parts[-1][-1:]:
                text = text[1:]
            parts.append(text)
            previous = box
        return join_texts([p for p in parts if p])


def join_texts(parts: list[str]) -> str:
    """Join pieces of one line: no space between CJK pieces, one between Latin/digit pieces."""
    out = ""
    for part in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and part[:1].isascii() and part[:1].isalnum():
            out += " "
        out += part
    return clean_inline(out)


def _snap(values: list[float]) -> list[float]:
    snapped: list[float] = []
    for value in sorted(values):
        if snapped and value - snapped[-1] <= _SNAP:
            continue
        snapped.append(value)
    return snapped


def _tables(rules: list[Segment]) -> list[tuple[list[Segment], list[Segment]]]:
    """Group rules into tables: horizontal and vertical rules that touch belong together."""
    horizontals = [r for r in rules if not r.vertical]
    verticals = [r for r in rules if r.vertical]
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = {id(r): i for i, r in enumerate(rules)}
    for h in horizontals:
        y = (h.top + h.bottom) / 2
        for v in verticals:
            x = (v.x0 + v.x1) / 2
            if h.x0 - _REACH <= x <= h.x1 + _REACH and v.top - _REACH <= y <= v.bottom + _REACH:
                parent[find(index[id(h)])] = find(index[id(v)])
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for rule in rules:
        pair = groups.setdefault(find(index[id(rule)]), ([], []))
        (pair[1] if rule.vertical else pair[0]).append(rule)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _separated_across(verticals: list[Segment], x: float, top: float, bottom: float) -> bool:
    middle = (top + bottom) / 2
    return any(abs((v.x0 + v.x1) / 2 - x) <= _SNAP and v.top - _REACH <= middle <= v.bottom + _REACH for v in verticals)


def _separated_down(horizontals: list[Segment], y: float, x0: float, x1: float) -> bool:
    middle = (x0 + x1) / 2
    return any(
        abs((h.top + h.bottom) / 2 - y) <= _SNAP and h.x0 - _REACH <= middle <= h.x1 + _REACH for h in horizontals
    )


def lattice_table(
    horizontals: list[Segment], verticals: list[Segment], boxes: list[TextBox], page: int
) -> tuple[PageTable, set[int]] | None:
    """The table a group of rules draws, and the indexes of the boxes it took."""
    ys = _snap([(h.top + h.bottom) / 2 for h in horizontals])
    xs = _snap([(v.x0 + v.x1) / 2 for v in verticals])
    # A table cut by the page edge (continued overleaf) has verticals but no closing rule.
    reach = max(v.bottom for v in verticals)
    if ys and reach > ys[-1] + 4 * _SNAP:
        horizontals = [*horizontals, Segment(xs[0], reach, xs[-1], reach)]
        ys.append(reach)
    reach = min(v.top for v in verticals)
    if ys and reach < ys[0] - 4 * _SNAP:
        horizontals = [*horizontals, Segment(xs[0], reach, xs[-1], reach)]
        ys.insert(0, reach)
    if len(ys) < 2 or len(xs) < 2:
        return None
    rows, columns = len(ys) - 1, len(xs) - 1
    owner = {(r, c): (r, c) for r in range(rows) for c in range(columns)}
    for r in range(rows):
        for c in range(columns):
            # Merge with the slot to the left / above when no rule separates them.
            if c and not _separated_across(verticals, xs[c], ys[r], ys[r + 1]):
                owner[(r, c)] = owner[(r, c - 1)]
            elif r and not _separated_down(horizontals, ys[r], xs[c], xs[c + 1]):
                owner[(r, c)] = owner[(r - 1, c)]
    extent: dict[tuple[int, int], list[int]] = {}
    for (r, c), o in owner.items():
        box = extent.setdefault(o, [r, c, r, c])
        box[2], box[3] = max(box[2], r), max(box[3], c)
    contents: dict[tuple[int, int], list[TextBox]] = {o: [] for o in extent}
    taken: set[int] = set()
    for i, b in enumerate(boxes):
        cx, cy = (b.x0 + b.x1) / 2, (b.top + b.bottom) / 2
        if not (xs[0] < cx < xs[-1] and ys[0] < cy < ys[-1]):
            continue
        r = next(k for k in range(rows) if cy < ys[k + 1])
        c = next(k for k in range(columns) if cx < xs[k + 1])
        contents[owner[(r, c)]].append(b)
        taken.add(i)
    cells: dict[tuple[int, int], GridCell] = {}
    for o, (r0, c0, r1, c1) in extent.items():
        inside = contents[o]
        text = clean_cell("\n".join(_lines_text(inside)))
        confidence = min((b.confidence for b in inside), default=None)
        if inside:
            text, confidence = numeric_reading(text, confidence)
        bbox = (round(xs[c0], 1), round(ys[r0], 1), round(xs[c1 + 1], 1), round(ys[r1 + 1], 1))
        cells[o] = GridCell(text, Loc(page=page, bbox=bbox), confidence=confidence)
    grid = []
    for r in range(rows):
        row = []
        for c in range(columns):
            o = owner[(r, c)]
            cell = cells[o]
            row.append(cell if o == (r, c) else GridCell(cell.text, cell.loc, True, cell.confidence))
        grid.append(row)
    return PageTable(grid, ys[0], ys[-1], xs[0], xs[-1]), taken


def numeric_reading(text: str, confidence: float | None) -> tuple[str, float | None]:
    """A cell read as a number with a stray mark or a digit-shaped letter, as that number.

    A speck beside a figure is read as punctuation ("0."), and a lone digit as the letter it
    resembles ("l" for 1, "o" or "。" for 0). Left as printed, such a cell is not a number and
    takes its row's figures with it. The digits are kept and the confidence is capped, so the
    reading is checked as uncertain (mapping.ocr_readings), never trusted.
    """
    capped = min(confidence if confidence is not None else 1.0, DOUBTFUL)
    core = text.strip()
    translated = core.translate(_DIGIT_TABLE)
    if core and translated != core and translated.isdigit():
        return translated, capped
    stripped = _STRAY.sub("", core)
    if stripped and stripped != core and stripped.translate(_DIGIT_TABLE).isdigit():
        return stripped.translate(_DIGIT_TABLE), capped
    return text, confidence


def digit_shaped(text: str, confidence: float) -> tuple[str, float]:
    """A piece of text made only of letters shaped like digits ("o", "l", "。"), as those digits,
    its confidence capped below trust; any other text unchanged."""
    core = text.strip()
    translated = core.translate(_DIGIT_TABLE)
    if core and translated != core and translated.isdigit():
        return translated, min(confidence, DOUBTFUL)
    return text, confidence


def _lines_text(boxes: list[TextBox]) -> list[str]:
    return [line.text for line in group_lines(boxes)]


def group_lines(boxes: list[TextBox]) -> list[TextLine]:
    """Boxes whose vertical centres fall within each other's height form one line."""
    lines: list[TextLine] = []
    for b in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        middle = (b.top + b.bottom) / 2
        if lines and lines[-1].top <= middle <= lines[-1].bottom:
            lines[-1].boxes.append(b)
        else:
            lines.append(TextLine([b]))
    return lines


def page_tables(boxes: list[TextBox], rules: list[Segment], page: int) -> tuple[list[PageTable], list[TextBox]]:
    """The ruled tables of a page and the boxes left over for prose."""
    tables = []
    taken: set[int] = set()
    for horizontals, verticals in _tables(rules):
        found = lattice_table(horizontals, verticals, boxes, page)
        if found is not None:
            tables.append(found[0])
            taken |= found[1]
    rest = [b for i, b in enumerate(boxes) if i not in taken]
    return tables, rest


def empty_slots(boxes: list[TextBox], rules: list[Segment]) -> list[tuple[float, float, float, float]]:
    """Ruled cells (merged cells whole) that no detected text falls in, in the boxes' unit."""
    slots = []
    for horizontals, verticals in _tables(rules):
        found = lattice_table(horizontals, verticals, boxes, 0)
        if found is None:
            continue
        for row in found[0].rows:
            for cell in row:
                if not cell.span_copy and not cell.text and cell.loc.bbox is not None:
                    slots.append(cell.loc.bbox)
    return slots
