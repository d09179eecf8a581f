"""Table rows that text extraction printed without their structure.

Two shapes are read, both recognised by the template's row labels (a reader cannot tell them from prose);
a row still unread whose label is printed in the table's section is *present but unread* — never missing:

**A label printed above its figures.**

A table cell too narrow for its label wraps it over several lines; text extraction that follows the
page's reading order (``pdftotext -raw``, copy and paste from a PDF viewer, many OCR exports) then prints
the label's lines first and the row's figures on a line of their own::

    2.其他法律行政
    法规禁止公开
    0 0 0 0 0 0 0

The reader sees two paragraphs and a row without a label. Here the lines right above such a row are
tried as its label: the fewest of them, read together, that name exactly one template row (group labels
printed above it, such as ``（三）不予公开``, may come first — the label index matches by suffix). Nothing
is taken when no run of lines names a row, so a caption or a sentence never becomes a label.

**A row of one figure printed as a line of text** (``行政许可 9487``): the reader keeps a line with one
figure as prose, since wrapped prose ends in figures too. A line whose text before its figure is exactly
a row label of the table (numbering aside) is that row.
"""

from __future__ import annotations

import re
from dataclasses import replace

from compliance.document import Block, Grid, GridCell, Paragraph
from compliance.layout import TableSpec
from compliance.mapping.cells import split_row
from compliance.mapping.fuzzy import strip_numbering
from compliance.mapping.labels import LabelIndex
from compliance.mapping.normalize import key
from compliance.model import Loc

# A label, then one figure (a unit may follow it): the whole line.
_LABEL_FIGURE = re.compile(
    r"^(?P<label>.{0,39}?[^\d\s.,+\-])\s*(?P<figure>[+\-]?\d[\d,]*(?:\.\d+)?(?: ?(?:万元|元))?)$"
)
# A line of figures only, one space apart (``9487``, ``44 3``, ``12.5 万元``): a row's figures.
_ONE_FIGURE = r"[+\-]?\d[\d,]*(?:\.\d+)?"
_FIGURES = re.compile(rf"^{_ONE_FIGURE}(?: {_ONE_FIGURE})*(?: ?(?:万元|元))?$")
_FIGURE_IN_LINE = re.compile(rf"{_ONE_FIGURE}(?: ?(?:万元|元))?")
# A wrapped label's lines are short: a cell a few characters wide. Longer lines are prose.
LINE_MAX = 24
# The longest template row label printed on one line (（二）部分公开（区分处理的，只计这一情形，不计其他情形）).
_LABEL_LINE_MAX = 40
# How many lines a label (with its group labels) may take.
LINES_MAX = 10


def with_wrapped_label(blocks: list[Block], at: int, index: LabelIndex) -> Grid:
    """The grid at ``blocks[at]``, its first row of figures labelled from the lines above it when it has
    no label. The lines are the short paragraphs right above the grid and the label-only rows the grid
    starts with (a reader that measures columns keeps a label's last line as a row of its own)."""
    grid = blocks[at]
    assert isinstance(grid, Grid)
    first = next((n for n, row in enumerate(grid.rows) if _has_figures(row)), None)
    if first is None:
        return grid
    if split_row(grid.rows[first]).label.strip():
        return _with_label_head(blocks, at, grid, first, index)
    leading = grid.rows[:first]
    if not all(_label_only(row) for row in leading):
        return grid
    following = grid.rows[first + 1] if first + 1 < len(grid.rows) else None
    if following is not None and _has_figures(following) and not split_row(following).label.strip():
        # Several rows of figures under a stack of labels: which label is whose is a matter of order,
        # left to the table mapping (it assigns them by position where the count fits).
        return grid
    pieces = [(p.text.strip(), p.loc) for p in _lines_above(blocks, at)]
    pieces += [(split_row(row).label.strip(), row[0].loc) for row in leading]
    for count in range(1, len(pieces) + 1):
        taken = pieces[-count:]
        label = "".join(text for text, _ in taken)
        found = index.match(key(label))
        if found is None:
            continue
        if _scrambled_stack([text for text, _ in pieces[:-count]], found[0], index):
            return grid
        # The label goes on a line of its own right above the figures, the way a label split over two
        # lines is read anyway: the table mapping takes it only where it fits the template's row order
        # between the rows around it (an extraction that scrambled its lines gives labels that do not).
        label_row = [GridCell(label, taken[0][1])]
        kept = leading[: max(0, len(leading) - count)]
        return replace(grid, rows=[*kept, label_row, *grid.rows[first:]])
    return grid


def _with_label_head(blocks: list[Block], at: int, grid: Grid, first: int, index: LabelIndex) -> Grid:
    """The grid with its first row's label begun by the short lines right above it, when the label
    printed with the figures names no row and the lines complete it into exactly one row's label."""
    row = grid.rows[first]
    tail = split_row(row).label.strip()
    if first > 0 or index.match(key(tail)) is not None:
        return grid
    head = _label_head(blocks, at, tail, index)
    if head is None or head[1] is None:
        return grid
    at_label = next(n for n, cell in enumerate(row) if cell.text.strip())
    labelled = [*row[:at_label], GridCell(head[0], head[1]), *row[at_label + 1 :]]
    return replace(grid, rows=[labelled, *grid.rows[1:]])


def with_label_tail(blocks: list[Block], at: int, grid: Grid, index: LabelIndex) -> Grid:
    """The grid with its last row's label completed by the short lines printed right after it.

    Reading-order extraction prints a tall cell's first line with the row's figures and the rest
    of its label after them (``（六） 0 0 0 …`` / ``其他处`` / ``理``). The label naming no row alone
    takes the fewest following lines that make it name exactly one; a line starting with a numbering
    mark begins another row's label and is never taken.
    """
    if not grid.rows or not _has_figures(grid.rows[-1]):
        return grid
    last = grid.rows[-1]
    split = split_row(last)
    head = split.label.strip()
    if not head or index.match(key(head)) is not None:
        return grid
    lines = _lines_below(blocks, at)
    for count in range(1, len(lines) + 1):
        line_key = key(lines[count - 1].text)
        if strip_numbering(line_key) != line_key:  # a numbering mark starts another row's label
            break
        label = head + "".join(p.text.strip() for p in lines[:count])
        if index.match(key(label)) is None:
            continue
        first = next(n for n, cell in enumerate(last) if cell.text.strip())
        row = [*last[:first], replace(last[first], text=label), *last[first + 1 :]]
        return replace(grid, rows=[*grid.rows[:-1], row])
    return grid


def _lines_below(blocks: list[Block], at: int) -> list[Paragraph]:
    """The short paragraphs right after the grid (the next block, then lines that touch), top to bottom."""
    lines: list[Paragraph] = []
    expected: int | None = None
    for block in blocks[at + 1 : at + 1 + LINES_MAX]:
        if not isinstance(block, Paragraph) or len(block.text.strip()) > LINE_MAX or "\n" in block.text:
            break
        line = block.loc.line
        if lines and (expected is None or line is None or line != expected + 1):
            break
        lines.append(block)
        expected = line
    return lines


def _has_figures(row: list[GridCell]) -> bool:
    return sum(1 for c in split_row(row).values if c.text.strip()) >= 2


def _label_only(row: list[GridCell]) -> bool:
    split = split_row(row)
    return bool(split.label.strip()) and len(split.label.strip()) <= LINE_MAX and not _has_figures(row)


def _lines_above(blocks: list[Block], at: int) -> list[Paragraph]:
    """The short paragraphs printed on the lines right above the grid, top to bottom."""
    lines: list[Paragraph] = []
    expected = blocks[at].loc.line
    for index in range(at - 1, max(-1, at - 1 - LINES_MAX), -1):
        block = blocks[index]
        if not isinstance(block, Paragraph) or "\n" in block.text:
            break
        # A long line is a label only printed whole on the line right above (a label cell an office
        # suite's text export gives a line of its own); a wrapped label's lines are short.
        long_line = len(block.text.strip()) > LINE_MAX
        if long_line and (lines or len(block.text.strip()) > _LABEL_LINE_MAX):
            break
        line = block.loc.line
        # Only lines that touch: a blank line or a gap in the numbering ends the label.
        if expected is None or line is None or line != expected - 1:
            break
        lines.append(block)
        expected = line
        if long_line:
            break
    return lines[::-1]


def paragraph_row(blocks: list[Block], at: int, index: LabelIndex) -> Grid | None:
    """A one-figure line whose label is exactly a row label of the table, as a one-row grid: the label
    before the figure on the line, or — for a line holding only the figure — on the short lines above."""
    paragraph = blocks[at]
    assert isinstance(paragraph, Paragraph)
    text = paragraph.text.strip()
    if len(text) > 48 or "\n" in text:
        return None
    match = _LABEL_FIGURE.match(text)
    head = _label_head(blocks, at, match["label"], index) if match is not None else None
    if match is not None and head is not None:
        label, label_loc, figure = head[0], head[1] or paragraph.loc, match["figure"]
        figure_loc = paragraph.loc.model_copy(update={"column": (paragraph.loc.column or 1) + match.start("figure")})
    elif _FIGURES.match(text) and not _figure_follows(blocks, at):
        lines = _lines_above(blocks, at)
        for count in range(1, len(lines) + 1):
            joined = "".join(p.text.strip() for p in lines[-count:])
            if index.match_whole(key(joined)):
                found = index.match(key(joined))
                above = [p.text.strip() for p in lines[:-count]]
                if found is not None and _scrambled_stack(above, found[0], index):
                    return None
                label, label_loc, figure, figure_loc = joined, lines[-count].loc, text, paragraph.loc
                break
        else:
            return None
    else:
        return None
    cells = [GridCell(label, label_loc), *_figure_cells(figure, figure_loc)]
    return Grid(rows=[cells], loc=label_loc.model_copy(update={"line_end": paragraph.loc.line}))


def _label_head(blocks: list[Block], at: int, tail: str, index: LabelIndex) -> tuple[str, Loc | None] | None:
    """The whole label of a line ``tail figure``: the tail itself when it is a row label, else the
    fewest short lines right above it that complete it (a label wrapped over lines, its last line
    printed with the figure: ``（二）部分公开（区分处理的，只计这`` / ``一情形，不计其他情形） 3``)."""
    if index.match_whole(key(tail)):
        return tail, None
    lines = _lines_above(blocks, at)
    for count in range(1, len(lines) + 1):
        joined = "".join(p.text.strip() for p in lines[-count:]) + tail
        if index.match_whole(key(joined)):
            return joined, lines[-count].loc
    return None


def _scrambled_stack(above: list[str], row_id: str, index: LabelIndex) -> bool:
    """Whether the short lines above a row's label end in another row's whole label that is not the
    row right before it in the template. Reading order then holds two labels over one row of figures
    with rows missing between them (an extraction that scrambled the table): whose the figures are
    is unknown, so they are left unplaced rather than given to the nearest label. A blank row printed
    right above (``7.属于行政执法案卷`` over ``8.属于行政查询事项``) is the row before and changes nothing."""
    for count in range(1, len(above) + 1):
        joined = key("".join(above[-count:]))
        if not index.match_whole(joined):
            continue
        found = index.match(joined)
        if found is None or found[0] == row_id or row_id not in index.order or found[0] not in index.order:
            return False
        if row_id.startswith(found[0] + "."):
            return False  # the row's own group label (``（六）其他处理``, a row of its own in another version)
        return index.order.index(found[0]) + 1 != index.order.index(row_id)
    return False


def _figure_cells(figures: str, loc: Loc) -> list[GridCell]:
    """One cell per figure of a line of figures (a unit stays with its figure), each at its column."""
    return [
        GridCell(m.group(), loc.moved(column=loc.column + m.start()) if loc.column is not None else loc)
        for m in _FIGURE_IN_LINE.finditer(figures)
    ]


def _figure_follows(blocks: list[Block], at: int) -> bool:
    """Is the next block another line of bare figures? Then figures are stacked under a stack of labels
    and which is whose is a matter of order, not of the nearest line."""
    following = blocks[at + 1] if at + 1 < len(blocks) else None
    if isinstance(following, Paragraph):
        text = following.text.strip()
        return bool(_FIGURES.match(text))
    if isinstance(following, Grid) and following.rows:
        return _has_figures(following.rows[0]) and not split_row(following.rows[0]).label.strip()
    return False


def printed_unread(blocks: list[Block], in_section: list[int], spec: TableSpec, read: set[str]) -> list[str]:
    """Template rows not read whose label is printed among the section's blocks (lines joined, so a
    label wrapped over lines counts): the row is on the page, its figures could not be placed."""
    pieces: list[str] = []
    for index in in_section:
        block = blocks[index]
        if isinstance(block, Paragraph):
            pieces.append(block.text)
        elif isinstance(block, Grid):
            pieces.extend(cell.text for row in block.rows for cell in row)
    printed = key("".join(pieces))
    unread = []
    for row in spec.rows:
        if row.id in read:
            continue
        labels = [key(label) for label in (row.label, *row.aliases)]
        # Numbering is often printed apart from the label (a column of its own): the label's words
        # are enough when they are long enough to be the row's own.
        bare = [strip_numbering(label) for label in labels]
        if any(label in printed for label in labels) or any(_spread_in(b, printed) for b in bare if len(b) >= 6):
            unread.append(row.id)
    return unread


# A label broken by layout text has other cells' text between its pieces (``4.保护第三方合法权（三）益``):
# its characters in order within a span this many times its length still print it.
SPREAD = 3
# Bounds the search on a long section: the label's first character is tried at this many places.
_STARTS = 2000


def _spread_in(label: str, text: str) -> bool:
    """Whether every character of ``label`` occurs in ``text``, in order, within a span of
    ``SPREAD`` times its length."""
    start = text.find(label[0])
    tries = 0
    while start >= 0 and tries < _STARTS:
        tries += 1
        limit = start + SPREAD * len(label)
        at = start
        for char in label[1:]:
            at = text.find(char, at + 1, limit)
            if at < 0:
                break
        else:
            return True
        start = text.find(label[0], start + 1)
    return False
