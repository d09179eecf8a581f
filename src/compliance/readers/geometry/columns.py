"""Column slots of one table from the positions of its values and of the header words above them.

Layout text and OCR do not keep a column at one exact position: pdftotext spaces each line on
its own, hand-typed text drifts by a character, OCR boxes jitter. So the builder does not trust
absolute positions alone. The number of value columns is the widest row (or the header's leaf
count, when a column is blank in every row); a row that fills every column is read in order,
and a shorter row is aligned to the nearest full row (or to the header) by the cheapest
left-to-right assignment, which leaves the unmatched columns as blanks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from compliance.readers.geometry.words import Word

# Vertical positions are page * PAGE_STRIDE + top, so rows sort by page, then by height.
PAGE_STRIDE = 1e7


@dataclass
class Slotted:
    """A cell's pieces (top to bottom) once joined: wrapped text in one column is one cell."""

    words: list[Word] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


def stack(words: list[Word], tolerance: float) -> list[Slotted]:
    """Join words that overlap horizontally (one column printed over several lines), left to right."""
    piles: list[Slotted] = []
    for word in sorted(words, key=lambda w: w.x0):
        if piles and word.x0 < piles[-1].x1 + tolerance and word.x1 > piles[-1].x0 - tolerance:
            piles[-1].words.append(word)
        else:
            piles.append(Slotted([word]))
    for pile in piles:
        pile.words.sort(key=lambda w: (w.page or 0, w.top, w.x0))
    return piles


def align(pieces: list[float], reference: list[float]) -> tuple[float, list[int]]:
    """Cheapest increasing assignment of piece centres to reference columns: (cost, slot of each)."""
    n, k = len(pieces), len(reference)
    if n > k:
        return float("inf"), []
    inf = float("inf")
    # cost[i][j]: the first i pieces placed within the first j columns, piece i-1 in a column < j.
    cost = [[inf] * (k + 1) for _ in range(n + 1)]
    take = [[False] * (k + 1) for _ in range(n + 1)]
    for j in range(k + 1):
        cost[0][j] = 0.0
    for i in range(1, n + 1):
        for j in range(i, k + 1):
            skip = cost[i][j - 1]
            use = cost[i - 1][j - 1] + abs(pieces[i - 1] - reference[j - 1])
            if use <= skip:
                cost[i][j], take[i][j] = use, True
            else:
                cost[i][j] = skip
    slots: list[int] = []
    i, j = n, k
    while i > 0:
        if take[i][j]:
            slots.append(j - 1)
            i -= 1
        j -= 1
    return cost[n][k], slots[::-1]


@dataclass
class ColumnModel:
    """How many value columns a table has and where full rows print them."""

    width: int
    references: list[tuple[float, list[float]]]  # (vertical position, column centres) of full rows
    # Rows measured against the header's captions are first mapped by x → scale * x + shift,
    # per page: layout text may print a header wider or narrower than the rows under it, and
    # lays out every page on its own.
    mappings: dict[int, tuple[float, float]] = field(default_factory=dict)
    # True when the positions are the header's captions (no row fills every column).
    from_header: bool = False

    def unsure(self, pieces: list[Slotted], where: float) -> bool:
        """Would placing these pieces (fewer than the columns) be a guess?

        A piece whose centre stands far from every column centre — more than a third of the
        narrowest column spacing — could belong to either neighbour; a blank cell then sits
        in an unknown place, and the row is better left for the mapping to place or refuse.
        """
        if not pieces or len(pieces) >= self.width or not self.references:
            return False
        if self.mappings and _page(where) not in self.mappings:
            # Placed by the header, whose scale was measured on other pages only: layout text lays
            # out every page on its own, so this page's positions say nothing about its captions.
            return True
        scale, shift = self.mappings.get(_page(where), (1.0, 0.0))
        nearest = sorted(self.references, key=lambda ref: abs(ref[0] - where))[:3]
        spacing = min((b - a for _, centres in nearest for a, b in pairwise(centres)), default=0.0)
        if spacing <= 0:
            return False
        for piece in pieces:
            centre = scale * piece.center + shift
            distance = min(abs(centre - c) for _, centres in nearest for c in centres)
            if distance > spacing / 3:
                return True
        return False

    def too_dense(self, pieces: list[Slotted], where: float, char: float) -> bool:
        """Are the header's captions, the only positions known, too close to place these pieces?

        Text printed on a character grid (layout text) rounds every position to whole characters,
        and its CJK captions are laid out at another scale than its figures: with captions fewer
        than four characters apart, a figure stands within a character and a half of some caption
        by chance, so that nearness is no evidence. Only the first and last captions are anchored
        (the rows' outermost values are measured onto them); a figure between them is unplaced.
        """
        if not self.from_header or len(self.references) != 1 or not pieces or len(pieces) >= self.width:
            return False
        centres = self.references[0][1]
        if min((b - a for a, b in pairwise(centres)), default=0.0) >= 4 * char:
            return False
        scale, shift = self.mappings.get(_page(where), (1.0, 0.0))
        for piece in pieces:
            centre = scale * piece.center + shift
            nearest = min(range(len(centres)), key=lambda i: abs(centres[i] - centre))
            if nearest not in (0, len(centres) - 1):
                return True
        return False

    def place(self, pieces: list[Slotted], where: float) -> list[Slotted | None]:
        """The table's value slots for one row's pieces (None = blank)."""
        slots: list[Slotted | None] = [None] * self.width
        if not pieces:
            return slots
        if len(pieces) >= self.width or not self.references:
            for index, piece in enumerate(pieces[: self.width]):
                slots[index] = piece
            return slots
        scale, shift = self.mappings.get(_page(where), (1.0, 0.0))
        centres = [scale * p.center + shift for p in pieces]
        nearest = sorted(self.references, key=lambda ref: abs(ref[0] - where))[:3]
        best: tuple[float, list[int]] | None = None
        for _, reference in nearest:
            found = align(centres, reference)
            if best is None or found[0] < best[0]:
                best = found
        assert best is not None
        for piece, slot in zip(pieces, best[1], strict=True):
            slots[slot] = piece
        return slots


def header_leaves(header: list[list[Word]], tolerance: float) -> tuple[list[Slotted], list[Word]]:
    """The header's column cells (wrapped words joined) and its group words spanning several columns."""
    groups: list[Word] = []
    leaves: list[Word] = []
    for index, line in enumerate(header):
        for word in line:
            # A group caption stands over two or more cells of one lower header line.
            spans = any(
                sum(1 for w in later if w.x0 < word.x1 - tolerance and w.x1 > word.x0 + tolerance) >= 2
                for later in header[index + 1 :]
            )
            (groups if spans else leaves).append(word)
    return stack(leaves, 0), groups


def _joined_captions(leaves: list[Slotted], char: float) -> list[Slotted]:
    """Caption pieces one space apart (``本年新 制作数量``) read as one caption."""
    out: list[Slotted] = []
    for leaf in leaves:
        if out and leaf.x0 - out[-1].x1 < 2 * char:
            out[-1] = Slotted(out[-1].words + leaf.words)
        else:
            out.append(Slotted(list(leaf.words)))
    return out


def column_model(
    rows: list[tuple[float, list[Slotted]]], leaves: list[Slotted], char: float
) -> tuple[ColumnModel, list[Slotted]]:
    """The column model and the header's column captions.

    Width = the widest row, or the header's caption count when the header names more columns
    and the rows' values sit under its captions, leaving the extra captions over empty space
    (a column blank in every row). Layout text may print the header wider or narrower than the
    rows, so the rows are also tried stretched to span the captions (leftmost value under the
    first caption, rightmost under the last). Otherwise the header says nothing about positions.
    """
    widest = max((len(pieces) for _, pieces in rows), default=0)
    full = [(where, [p.center for p in pieces]) for where, pieces in rows if pieces and len(pieces) == widest]
    joined = _joined_captions(leaves, char)
    # Pieces one space apart are one caption if that gives one caption per column; otherwise
    # each piece may be a column of its own (pdftotext parts narrow columns by one space).
    candidates = [c for c in (joined, leaves) if len(c) == widest] + [leaves, joined]
    if full:
        for captions in (c for c in candidates if len(c) >= widest and _trustworthy(c, char)):
            centres = [caption.center for caption in captions]
            mappings = _page_mappings(full, centres, char)
            if mappings is None:
                continue
            if len(captions) == widest:
                return ColumnModel(widest, full), captions
            header_top = min(w.top for caption in captions for w in caption.words)
            return ColumnModel(len(captions), [(header_top, centres)], mappings, from_header=True), captions
    captions = next((c for c in candidates if len(c) == widest), leaves)
    return ColumnModel(widest, full), captions


def _trustworthy(captions: list[Slotted], char: float) -> bool:
    """Captions that may name columns of their own: apart, and not letters of vertical text.

    Vertical captions print one character per line and letter-spaced ones one character per
    run; when layout text shifts those pieces, their letters make many false captions.
    """
    lettered = any(all(len(w.text) == 1 for w in caption.words) for caption in captions)
    return not lettered and all(b.x0 - a.x1 >= -0.01 * char for a, b in pairwise(captions))


def _page(where: float) -> int:
    return int(where // PAGE_STRIDE)


def _page_mappings(
    full: list[tuple[float, list[float]]], centres: list[float], char: float
) -> dict[int, tuple[float, float]] | None:
    """Per page, the mapping under which its full rows sit under the captions; None if most don't.

    Most, not all: a row whose cell printed on a line of its own may stand apart. The captions
    no row uses must stand clear of every value (a blank column is empty space in the rows).
    """
    pages: dict[int, list[list[float]]] = {}
    for where, reference in full:
        pages.setdefault(_page(where), []).append(reference)
    mappings: dict[int, tuple[float, float]] = {}
    used: set[int] = set()
    mapped_all: list[float] = []
    fitting = 0
    for page, references in pages.items():
        for scale, shift in _mappings(references, centres):
            fits = []
            for reference in references:
                mapped = [scale * x + shift for x in reference]
                cost, slots = align(mapped, centres)
                if cost / len(mapped) <= 1.5 * char:
                    fits.append((mapped, slots))
            if fits and len(fits) * 3 >= len(references) * 2:
                mappings[page] = (scale, shift)
                fitting += len(fits)
                for mapped, slots in fits:
                    used.update(slots)
                    mapped_all.extend(mapped)
                break
    if fitting * 3 < len(full) * 2:
        return None
    spare = [c for index, c in enumerate(centres) if index not in used]
    if any(abs(c - x) < 2 * char for c in spare for x in mapped_all):
        return None
    return mappings


def _mappings(references: list[list[float]], centres: list[float]) -> list[tuple[float, float]]:
    """As printed, and stretched so the rows' values (typically) span the captions."""
    out = [(1.0, 0.0)]
    low, high = median(ref[0] for ref in references), median(ref[-1] for ref in references)
    if high > low and centres[-1] > centres[0]:
        scale = (centres[-1] - centres[0]) / (high - low)
        out.append((scale, centres[0] - scale * low))
    return out
