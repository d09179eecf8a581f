"""Tell table regions from prose in positioned lines, and find each table's header block.

A line is a table row when it carries value tokens (number-shaped) after its first phrase and
one of them lines up with a phrase of a nearby row or header line. A table runs from its first
to its last such row, unless a prose line (one phrase from the left edge reaching into the
value columns) or a new header line (several non-value phrases after value rows) ends it.
A header line equal to one of the table's own header lines is a header repeated after a page
break and is dropped. Above the first row, the header block takes multi-phrase lines and the
single phrases written right against them (a wrapped header cell); below the last row, the
label lines written right against it (a wrapped label; a numbering mark starts something new).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from compliance.readers.geometry.words import NUMBERED, Line, Ruling, is_number_shaped

# How far (in lines of several phrases) a row looks for another row or header printing a value in the same column.
_ALIGN_WINDOW = 8
# How far (in line heights) a header line may stand above the rows it heads.
_HEADER_GAP = 6.0


@dataclass
class Geometry:
    """The units the builder measures with."""

    char: float  # one character's width
    height: float  # one line's height

    def gap(self, upper: Line, lower: Line) -> bool:
        """Is there blank space (or a page break) between two consecutive lines?"""
        if upper.page != lower.page:
            return True
        return lower.top - upper.bottom > 0.5 * self.height

    def gap_size(self, upper: Line, lower: Line) -> float:
        """Blank space between two lines in line heights; a page break counts as none."""
        if upper.page != lower.page:
            return 0.0
        return (lower.top - upper.bottom) / self.height


@dataclass
class Region:
    """One table: header line indexes, body line indexes, and where its value columns begin."""

    header: list[int] = field(default_factory=list)
    body: list[int] = field(default_factory=list)
    left: float = 0.0
    value_start: float = 0.0

    @property
    def lines(self) -> list[int]:
        return self.header + self.body


def value_tokens(line: Line) -> list[int]:
    """Indexes of the number-shaped phrases that can be values (not a lone leading number)."""
    numbers = [i for i, w in enumerate(line.words) if is_number_shaped(w.text)]
    if len(line.words) < 2:
        return []
    return [i for i in numbers if i > 0 or len(numbers) >= 2]


def lone_value(lines: list[Line], index: int, geometry: Geometry) -> bool:
    """A line of one number right under a one-phrase label line: a row whose label wrapped
    around its vertically centred value (``行政事业性收`` / ``4166.24`` / ``费``)."""
    line = lines[index]
    if len(line.words) != 1 or not is_number_shaped(line.words[0].text) or index == 0:
        return False
    above = lines[index - 1]
    return (
        len(above.words) == 1
        and not is_number_shaped(above.words[0].text)
        and not geometry.gap(above, line)
        and above.words[0].x1 <= line.words[0].x0
    )


def _overlaps(a0: float, a1: float, b0: float, b1: float, slack: float) -> bool:
    return a0 < b1 + slack and a1 > b0 - slack


def confirmed_rows(lines: list[Line], geometry: Geometry) -> set[int]:
    """Lines with values aligned with a value or header phrase of a nearby line."""
    lone = {i for i in range(len(lines)) if lone_value(lines, i, geometry)}
    candidates = {i for i, line in enumerate(lines) if value_tokens(line)} | lone
    # The window counts lines of several phrases only: a label wrapped in a narrow column adds
    # a line per few characters, and must not push a row out of sight of the rows it aligns with.
    spread = [j for j, line in enumerate(lines) if len(line.words) >= 2]
    confirmed: set[int] = set()
    for i in candidates:
        mine = lines[i].words if i in lone else [lines[i].words[k] for k in value_tokens(lines[i])]
        at = bisect_left(spread, i)
        for j in spread[max(0, at - _ALIGN_WINDOW) : at + _ALIGN_WINDOW + 1]:
            if j == i:
                continue
            theirs = lines[j].words[1:] if j not in candidates else [lines[j].words[k] for k in value_tokens(lines[j])]
            if j in lone:
                theirs = lines[j].words
            if any(_overlaps(a.x0, a.x1, b.x0, b.x1, geometry.char) for a in mine for b in theirs):
                confirmed.add(i)
                break
    return confirmed


def ruled_lines(lines: list[Line], rulings: tuple[Ruling, ...] | list[Ruling]) -> set[int]:
    """Lines inside a frame of drawn rules (a horizontal rule above and below, crossing them)."""
    horizontal = [r for r in rulings if abs(r.bottom - r.top) <= abs(r.x1 - r.x0)]
    vertical = [r for r in rulings if abs(r.bottom - r.top) > abs(r.x1 - r.x0)]
    inside: set[int] = set()
    for index, line in enumerate(lines):
        above = any(r.top <= line.top and r.x0 <= line.x0 and r.x1 >= line.x1 for r in horizontal)
        below = any(r.bottom >= line.bottom and r.x0 <= line.x0 and r.x1 >= line.x1 for r in horizontal)
        # Between two tables a line has a rule above and below too: where the page has vertical
        # rules, a framed line is also crossed at its height by one of them.
        middle = (line.top + line.bottom) / 2
        framed = not vertical or any(r.top <= middle <= r.bottom for r in vertical)
        if above and below and framed:
            inside.add(index)
    return inside


class RegionFinder:
    """Walks the lines once, opening a region at a confirmed row and closing it at prose."""

    def __init__(self, lines: list[Line], geometry: Geometry, rulings: tuple[Ruling, ...] | list[Ruling] = ()):
        self.lines = lines
        self.geometry = geometry
        self.rows = confirmed_rows(lines, geometry)
        self.ruled = ruled_lines(lines, rulings) if rulings else set()
        self.dropped: set[int] = set()
        self._index = {id(line): index for index, line in enumerate(lines)}

    def find(self) -> list[Region]:
        regions: list[Region] = []
        current: Region | None = None
        floor = 0  # the first line a new header block may take
        for index, line in enumerate(self.lines):
            if index in self.rows:
                if current is not None and self._left_of(line, current):
                    floor = self._close(current, index)
                    regions.append(current)
                    current = None
                if current is None:
                    current = self._open(index, floor)
                current.body.append(index)
                first = line.words[(value_tokens(line) or [0])[0]]
                current.value_start = min(current.value_start, first.x0)
                current.left = min(current.left, line.x0)
                continue
            if current is None:
                continue
            if self._repeated_header(line, current):
                self.dropped.add(index)
            elif self._ends(line, current):
                floor = self._close(current, index)
                regions.append(current)
                current = None
        if current is not None:
            self._close(current, len(self.lines))
            regions.append(current)
        return regions

    def _left_of(self, line: Line, region: Region) -> bool:
        """A row of values only (no label) that all start left of the table's value columns (in
        its label zone) belongs to a new table printed below, not to this one."""
        tokens = value_tokens(line)
        if not tokens or tokens[0] != 0 or not region.body:
            return False
        return line.words[tokens[-1]].x0 < region.value_start - self.geometry.char

    def _open(self, index: int, floor: int) -> Region:
        line = self.lines[index]
        first = line.words[(value_tokens(line) or [0])[0]]
        region = Region(left=line.x0, value_start=first.x0)
        below = line
        start = index
        if line.words[0] is first and index - 1 >= floor:
            # A row printing no label of its own: the label line right above it is its label.
            label = self.lines[index - 1]
            if len(label.words) == 1 and not self.geometry.gap(label, line) and label.x1 <= first.x0:
                region.body.append(index - 1)
                region.left = min(region.left, label.x0)
                below, start = label, index - 1
        elif index - 1 >= floor:
            # A value printed on its own baseline just above the first row belongs to the table.
            stray = self.lines[index - 1]
            numbers = all(is_number_shaped(w.text) for w in stray.words)
            if numbers and not self.geometry.gap(stray, line) and stray.x0 >= line.words[0].x1:
                region.body.append(index - 1)
                region.value_start = min(region.value_start, stray.x0)
                below, start = stray, index - 1
        for above in range(start - 1, floor - 1, -1):
            candidate = self.lines[above]
            if self._prose(candidate, region) or candidate.x0 < region.left - 2 * self.geometry.char:
                break
            # Several phrases, or one standing in the value columns: a header line.
            spread = len(candidate.words) >= 2 or candidate.x0 >= region.value_start - self.geometry.char
            if len(candidate.words) == 1 and NUMBERED.match(candidate.words[0].text):
                break  # a numbered line alone above a table is its title, not a header cell
            if not spread and self.geometry.gap(candidate, below) and above not in self.ruled:
                break
            if spread and self.geometry.gap_size(candidate, below) > _HEADER_GAP:
                break
            region.header.insert(0, above)
            below = candidate
        return region

    def _close(self, region: Region, end: int) -> int:
        """Take the label lines written right under the last row; return the next free line."""
        last = region.body[-1]
        following = last + 1
        while following < end:
            line = self.lines[following]
            previous = self.lines[following - 1]
            if len(line.words) != 1 or self.geometry.gap(previous, line) or self._prose(line, region):
                break
            if line.words[0].x0 >= region.value_start - self.geometry.char or NUMBERED.match(line.words[0].text):
                break
            region.body.append(following)
            following += 1
        region.body = [i for i in range(region.body[0], region.body[-1] + 1) if i not in self.dropped]
        return following

    def _prose(self, line: Line, region: Region) -> bool:
        """One phrase from the left edge reaching past the label column: prose or a heading."""
        if len(line.words) != 1 or self._index[id(line)] in self.ruled:
            return False
        word = line.words[0]
        return word.x0 <= region.left + 2 * self.geometry.char and word.x1 > region.value_start + self.geometry.char

    def _ends(self, line: Line, region: Region) -> bool:
        if self._prose(line, region):
            return True
        if len(line.words) < 2 or value_tokens(line):
            return False
        # A new header: non-value phrases reaching into the value columns, after value rows.
        return any(w.x1 > region.value_start - self.geometry.char for w in line.words[1:])

    def _repeated_header(self, line: Line, region: Region) -> bool:
        texts = [w.text for w in line.words]
        return any([w.text for w in self.lines[h].words] == texts for h in region.header)
