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

from compliance.readers.geometry.words import Word


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

    def place(self, pieces: list[Slotted], where: float) -> list[Slotted | None]:
        """The table's value slots for one row's pieces (None = blank)."""
        slots: list[Slotted | None] = [None] * self.width
        if not pieces:
            return slots
        if len(pieces) >= self.width or not self.references:
            for index, piece in enumerate(pieces[: self.width]):
                slots[index] = piece
            return slots
        centres = [p.center for p in pieces]
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
        below = [w for later in header[index + 1 :] for w in later]
        for word in line:
            covered = [w for w in below if w.x0 < word.x1 - tolerance and w.x1 > word.x0 + tolerance]
            starts = {round(w.x0) for w in covered}
            (groups if len(starts) >= 2 and len(stack(covered, 0)) >= 2 else leaves).append(word)
    return stack(leaves, 0), groups


def column_model(rows: list[tuple[float, list[Slotted]]], leaves: list[Slotted], char: float) -> ColumnModel:
    """Width = the widest row, or the header's leaf count when the header lines up with the rows.

    A header with more column cells than any row has gives a column that is blank in every
    row, but only if the rows' values sit under the header's cells: layout text may space a
    header and its rows differently, and then the header says nothing about positions.
    """
    widest = max((len(pieces) for _, pieces in rows), default=0)
    full = [(where, [p.center for p in pieces]) for where, pieces in rows if pieces and len(pieces) == widest]
    width = widest
    if len(leaves) > widest:
        centres = [leaf.center for leaf in leaves]
        costs = [align(reference, centres)[0] / len(reference) for _, reference in full]
        if not full or max(costs) <= 1.5 * char:
            width = len(leaves)
    references = [ref for ref in full if len(ref[1]) == width]
    if not references and len(leaves) == width and width:
        header_top = min(w.top for leaf in leaves for w in leaf.words)
        references = [(header_top, [leaf.center for leaf in leaves])]
    return ColumnModel(width, references)
