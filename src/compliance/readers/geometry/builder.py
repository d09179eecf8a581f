"""Positioned words → Paragraphs and Grids: the grid builder shared by layout text, OCR and OFD.

Stages: words become lines (vertical overlap) and close words phrases; page numbers at the
top or bottom of a page are dropped; table regions are told from prose (see ``regions``); in
each table the label zone (left of the first value column) is split into a group-label column
and a row-label column when fragments recur at two left edges; body lines become rows (a label
wrapped over several lines is joined, a numbered label starts a new row); value columns come
from the rows and the header (see ``columns``); every slot is kept, a blank one as an empty
cell. The rest is prose, with wrapped lines joined into paragraphs. The builder knows geometry
and generic table conventions (numbers, numbering marks, alignment), never a template's labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from compliance.document import Block, Grid, GridCell, Paragraph, least_sure
from compliance.model import Loc
from compliance.readers.geometry.columns import PAGE_STRIDE, ColumnModel, Slotted, column_model, header_leaves, stack
from compliance.readers.geometry.regions import Geometry, Region, RegionFinder, value_tokens
from compliance.readers.geometry.words import (
    NUMBERED,
    Line,
    Ruling,
    Word,
    char_width,
    group_lines,
    is_number_shaped,
    line_height,
    merge_phrases,
)
from compliance.readers.grid import clean_cell, clean_inline

_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[\s\-—–－·•]*$"
)


def blocks_from_words(
    words: Iterable[Word],
    rulings: Iterable[Ruling] = (),
    *,
    word_gap: float | None = None,
    char: float | None = None,
) -> list[Block]:
    """Paragraphs and Grids, in reading order, from positioned words (and optional drawn rules).

    ``word_gap``: words closer than this (in the words' unit) are one phrase; by default half a
    line height, which joins OCR's word boxes within a cell but never two table columns.
    ``char``: the width of one character, the unit of every horizontal tolerance; by default the
    words' median width per character.
    """
    kept = [w for w in words if w.text.strip()]
    if not kept:
        return []
    raw = group_lines(kept)
    geometry = Geometry(char=char if char is not None else char_width(kept), height=line_height(raw))
    gap = word_gap if word_gap is not None else 0.5 * geometry.height
    lines = _drop_page_numbers([merge_phrases(line, gap) for line in raw])
    finder = RegionFinder(lines, geometry, tuple(rulings))
    regions = finder.find()
    placed: list[tuple[int, Block]] = []
    used = set(finder.dropped)
    for region in regions:
        placed.append((region.lines[0], _grid(region, lines, geometry)))
        used.update(region.lines)
    placed.extend(_paragraphs(lines, used, geometry))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _drop_page_numbers(lines: list[Line]) -> list[Line]:
    """A page's first or last line that is only a page number is furniture, not content."""
    if not lines or lines[0].page is None:
        return lines
    drop: set[int] = set()
    for index, line in enumerate(lines):
        first = index == 0 or lines[index - 1].page != line.page
        last = index == len(lines) - 1 or lines[index + 1].page != line.page
        if (first or last) and len(line.words) == 1 and _PAGE_NUMBER.match(line.words[0].text):
            drop.add(index)
    return [line for index, line in enumerate(lines) if index not in drop]


def _line_number(lines: list[Line], index: int) -> int:
    return lines[index].words[0].line or index + 1


def _loc(words: list[Word], fallback_line: int) -> Loc:
    first = words[0]
    if first.column is not None:  # text formats: a character column on the line, not a page box
        return Loc(line=first.line or fallback_line, page=first.page, column=first.column + 1)
    box = (
        round(min(w.x0 for w in words), 1),
        round(min(w.top for w in words), 1),
        round(max(w.x1 for w in words), 1),
        round(max(w.bottom for w in words), 1),
    )
    return Loc(line=first.line or fallback_line, page=first.page, bbox=box)


def _joined(words: list[Word]) -> str:
    return clean_cell("\n".join(w.text for w in words))


@dataclass
class _Row:
    lines: list[int] = field(default_factory=list)
    labels: list[list[Word]] = field(default_factory=list)
    values: list[Word] = field(default_factory=list)
    full: bool = False  # its last label line reached the label column's edge (so it wraps)


@dataclass
class _Zones:
    value_start: float
    group_edge: float | None  # left edge of the row labels when a group-label column stands left of them
    label_right: float
    char: float
    label_reach: float = 0.0  # where the longer labels end (three in four end before it)

    def split(self, line: Line, shifted_labels: bool = False) -> tuple[list[Word], list[Word], list[Word]]:
        """(group-label words, row-label words, value words) of one line.

        A line's values start at its first value token: layout text shifts whole rows, so a
        table-wide boundary would cut some rows' labels. Lines without values split at the
        table's first value column.
        """
        first = value_tokens(line)
        if first:
            labels, values = line.words[: first[0]], line.words[first[0] :]
        else:
            labels = [w for w in line.words if w.x0 < self.value_start - self.char / 2]
            values = [w for w in line.words if w.x0 >= self.value_start - self.char / 2]
            if shifted_labels and not labels and not any(is_number_shaped(w.text) for w in values):
                # No figure and nothing in the label zone: a label printed shifted into the value
                # columns (layout text shifts whole rows), never a row of text cells. Only rows are
                # read so; the label zone itself is measured on unshifted lines.
                labels, values = values, []
        if self.group_edge is None:
            return [], labels, values
        group = [w for w in labels if w.x0 < self.group_edge - self.char / 2]
        return group, [w for w in labels if w not in group], values

    def split_header(self, line: Line) -> tuple[list[Word], list[Word]]:
        """(label words, column captions) of a header line.

        A caption may start left of its values (a header spaced apart from its rows), so only
        words starting within the row labels' usual extent, or ending where longer labels end,
        are the header's label.
        """
        edge = min(self.value_start - self.char / 2, self.label_right + self.char)
        labels = [w for w in line.words if w.x0 < edge or w.x1 <= self.label_reach + self.char]
        return labels, [w for w in line.words if w not in labels]


def _zones(region: Region, lines: list[Line], geometry: Geometry) -> _Zones:
    labels = [_Zones(region.value_start, None, 0.0, geometry.char).split(lines[i])[1] for i in region.body]
    seconds = [found[1].x0 for found in labels if len(found) >= 2]
    edge = min(seconds) if seconds else None
    # A second label column needs evidence twice: two lines split there, or a line starting there.
    if (
        edge is not None
        and len(seconds) < 2
        and not any(found and abs(found[0].x0 - edge) <= geometry.char for found in labels)
    ):
        edge = None
    zones = _Zones(region.value_start, edge, 0.0, geometry.char)
    # The label column's edge: where most label lines end (a few long labels overflow it).
    ends = sorted(w.x1 for i in region.body for w in zones.split(lines[i])[1][-1:])
    zones.label_right = ends[len(ends) // 2] if ends else 0.0
    zones.label_reach = ends[(len(ends) * 3) // 4] if ends else 0.0
    return zones


def _rows(region: Region, lines: list[Line], zones: _Zones, geometry: Geometry) -> list[_Row]:
    width = 2 if zones.group_edge is not None else 1
    rows: list[_Row] = []
    current: _Row | None = None
    previous: Line | None = None
    for index in region.body:
        line = lines[index]
        group, own, values = zones.split(line, shifted_labels=True)
        gap = previous is not None and geometry.gap(previous, line)
        numbered = bool(own) and bool(NUMBERED.match(own[0].text))
        if current is None:
            new = True
        elif values:
            # A label printed before its values continues, unless numbered or set apart.
            new = bool(current.values) or numbered or (bool(own) and gap)
        elif own:
            # A label line continues a row still waiting for its values, or one whose label wrapped.
            new = numbered or gap or (bool(current.values) and not current.full)
        else:
            # A numbered group-column line after a row with values starts a row (a wide label
            # whose values follow); beside a row still waiting for values it is a group label.
            new = bool(group) and bool(NUMBERED.match(group[0].text)) and bool(current.values)
        if new or current is None:
            current = _Row(labels=[[] for _ in range(width)])
            rows.append(current)
        current.lines.append(index)
        if width == 2:
            current.labels[0].extend(group)
        current.labels[-1].extend(own)
        current.values.extend(values)
        if own:
            current.full = own[-1].x1 >= zones.label_right - 1.5 * geometry.char
        previous = line
    return rows


def _position(line: Line) -> float:
    return (line.page or 0) * PAGE_STRIDE + line.top


def _grid(region: Region, lines: list[Line], geometry: Geometry) -> Grid:
    zones = _zones(region, lines, geometry)
    rows = _rows(region, lines, zones, geometry)
    pieces = [stack(row.values, 0) for row in rows]
    header = [zones.split_header(lines[i]) for i in region.header]
    leaves, groups = header_leaves([captions for _, captions in header], geometry.char / 2)
    # Rows whose values stand at estimated places say nothing about where the columns are, unless
    # no row says more (their values are given in order anyway; only the header is placed by them).
    measured = [(r, p) for r, p in zip(rows, pieces, strict=True) if not _estimated(r.values)]
    if not any(p for _, p in measured):
        measured = list(zip(rows, pieces, strict=True))
    model, leaves = column_model([(_position(lines[r.lines[0]]), p) for r, p in measured], leaves, geometry.char)
    label_width = 2 if zones.group_edge is not None else 1
    out = _header_rows(region, lines, header, model, leaves, groups, label_width)
    placed = [model.place(p, _position(lines[r.lines[0]])) for r, p in zip(rows, pieces, strict=True)]
    widest = max((len(p) for p in pieces), default=0)
    for row, slots in _settle_stray_values(rows, placed, lines, geometry):
        first = _line_number(lines, row.lines[0])
        line = lines[row.lines[0]]
        if _estimated(row.values):
            # Values in order, without blanks: where each stands is not known, so the mapping
            # places them only where a single placement fits (a full row), or says it cannot.
            ordered = sorted(row.values, key=lambda w: w.x0)
            values = [GridCell(clean_cell(w.text), _loc([w], first)) for w in ordered]
        elif _run_together(row.values, model, widest):
            values = [GridCell(_joined(sorted(row.values, key=lambda w: w.x0)), _loc(row.values, first))]
        elif model.unsure(stack(row.values, 0), _position(line)) or _dense_header(row.values, model, line, geometry):
            # Values that stand between columns: given without blanks, so that the mapping
            # places them only where a single placement fits, or says it cannot.
            values = [GridCell(_joined(p.words), _loc(p.words, first)) for p in stack(row.values, 0)]
        else:
            values = _cells(slots, first, line)
        out.append(_label_cells(row.labels, first, line) + values)
    start = _line_number(lines, region.lines[0])
    end = _line_number(lines, region.lines[-1])
    return Grid(rows=out, loc=Loc(line=start, line_end=end, page=lines[region.lines[0]].page))


def _estimated(values: list[Word]) -> bool:
    return any(w.estimated for w in values)


def _run_together(values: list[Word], model: ColumnModel, widest: int) -> bool:
    """Are these the digits of several cells printed without gaps between them?

    PDF-to-text tools squeeze narrow columns until their digits touch ("1000001", "1 000001"). A
    figure never starts with a zero it does not need, and one figure never spans more than one
    column: either sign means the row is a run of cells. It is then given as one run, so that
    the mapping splits it only where the table's identities allow one split (never guessed).
    A row printing as many separate figures as the fullest row of its table (``widest``) is not
    run together, however narrow the header's captions make the columns look.
    """
    tokens = sorted(values, key=lambda w: w.x0)
    if model.width < 2 or not tokens or len(tokens) >= model.width or len(tokens) >= widest:
        return False
    if not all(w.text.strip().isdigit() for w in tokens):
        return False
    if any(len(w.text.strip()) > 1 and w.text.strip().startswith("0") for w in tokens):
        return True
    spacing = min(
        (b - a for _, centres in model.references for a, b in pairwise(centres)),
        default=None,
    )
    return spacing is not None and any(w.x1 - w.x0 > 1.5 * spacing for w in tokens)


def _dense_header(values: list[Word], model: ColumnModel, line: Line, geometry: Geometry) -> bool:
    """A row of character-positioned text with blanks, placed only by a header too dense to place it."""
    text = bool(values) and all(w.column is not None for w in values)
    return text and model.too_dense(stack(values, 0), _position(line), geometry.char)


def _settle_stray_values(
    rows: list[_Row], placed: list[list[Slotted | None]], lines: list[Line], geometry: Geometry
) -> list[tuple[_Row, list[Slotted | None]]]:
    """Move a line of values without a label into the touching row whose slots they fill.

    Layout text sometimes prints one cell on its own baseline, a line above or below the rest
    of its row; the row it belongs to is the touching one with that column still empty.
    """
    keep = [True] * len(rows)
    for index, row in enumerate(rows):
        if any(row.labels[k] for k in range(len(row.labels))) or not row.values:
            continue
        filled = [slot for slot, piece in enumerate(placed[index]) if piece is not None]
        for other in (index + 1, index - 1):
            if not 0 <= other < len(rows) or not keep[other] or not rows[other].values:
                continue
            upper, lower = (row, rows[other]) if other > index else (rows[other], row)
            if geometry.gap(lines[upper.lines[-1]], lines[lower.lines[0]]):
                continue
            if all(placed[other][slot] is None for slot in filled):
                for slot in filled:
                    placed[other][slot] = placed[index][slot]
                keep[index] = False
                break
    return [(row, slots) for row, slots, kept in zip(rows, placed, keep, strict=True) if kept]


def _header_rows(
    region: Region,
    lines: list[Line],
    header: list[tuple[list[Word], list[Word]]],
    model: ColumnModel,
    leaves: list[Slotted],
    groups: list[Word],
    label_width: int,
) -> list[list[GridCell]]:
    """The header as at most two rows: group captions, then each column's (joined) caption."""
    if not region.header:
        return []
    line = lines[region.header[0]]
    top = _position(line)
    first = _line_number(lines, region.header[0])
    out: list[list[GridCell]] = []
    if groups:
        slots = model.place(stack(groups, 0), top)
        out.append(_label_cells([[] for _ in range(label_width)], first, line) + _cells(slots, first, line))
    label_words = [w for labels, _ in header for w in labels]
    labels = [label_words] + [[] for _ in range(label_width - 1)]
    # More captions than value columns (columns blank in every row): the captions as printed, each
    # where it stands, so that a reader of the grid can measure figures against them.
    captions = list[Slotted | None](leaves) if len(leaves) > model.width else model.place(leaves, top)
    out.append(_label_cells(labels, first, line) + _cells(captions, first, line))
    return out


def _label_cells(labels: list[list[Word]], line_number: int, line: Line) -> list[GridCell]:
    return [
        GridCell(_joined(ws), _loc(ws, line_number)) if ws else GridCell("", Loc(line=line_number, page=line.page))
        for ws in labels
    ]


def _cells(slots: list[Slotted | None], line_number: int, line: Line) -> list[GridCell]:
    return [
        GridCell(_joined(s.words), _loc(s.words, line_number))
        if s is not None
        else GridCell("", Loc(line=line_number, page=line.page))
        for s in slots
    ]


def _paragraphs(lines: list[Line], used: set[int], geometry: Geometry) -> list[tuple[int, Paragraph]]:
    """Prose lines; a line continues the previous one when that ran to the right edge."""
    free = [i for i in range(len(lines)) if i not in used]
    right: dict[int | None, float] = {}
    left: dict[int | None, float] = {}
    for i in free:
        page = lines[i].page
        right[page] = max(right.get(page, lines[i].x1), lines[i].x1)
        left[page] = min(left.get(page, lines[i].x0), lines[i].x0)
    out: list[tuple[int, Paragraph]] = []
    previous: int | None = None
    for i in free:
        line = lines[i]
        text = " ".join(w.text for w in line.words)
        number = _line_number(lines, i)
        confidence = least_sure(w.confidence for w in line.words)
        if previous is not None and previous == i - 1 and _continues(lines[previous], line, left, right, geometry):
            paragraph = out[-1][1]
            paragraph.text = clean_inline(paragraph.text + "\n" + text)
            paragraph.loc = paragraph.loc.model_copy(update={"line_end": number})
            paragraph.confidence = least_sure((paragraph.confidence, confidence))
        else:
            loc = _loc(line.words, number)
            out.append((i, Paragraph(text=clean_inline(text), loc=loc, confidence=confidence)))
        previous = i
    return out


def _continues(
    previous: Line, line: Line, left: dict[int | None, float], right: dict[int | None, float], geometry: Geometry
) -> bool:
    if previous.x1 < right[previous.page] - 1.5 * geometry.char:
        return False  # the previous line stopped short: it ended its paragraph
    if line.x0 > left[line.page] + 0.5 * geometry.char:
        return False  # indented: a new paragraph
    if line.page == previous.page and geometry.gap(previous, line):
        return False
    return not NUMBERED.match(line.text)
