"""Column captions that layout text broke in two at a space, joined back into one column.

``pdftotext -layout`` sets a narrow table's columns one space apart, so one space cannot tell a
caption's two words (``上一年 项目数量``) from two captions; the reader, seeing a caption over a
column no row fills, keeps it as a blank column (``83 · +118 8404`` under four captions). The
template's column labels can tell: two neighbouring header cells are one caption when together
they are a column label of the table, the second alone is none (the first may be a short form of
the same label, such as ``上一年``), and the column under the second is empty in every row the
header stands over and is as wide as it (a shorter row was not placed by the reader: its cells
follow one another without blanks and say nothing of columns). The two columns are then one, the
empty cells dropped. Any such row filling the second column keeps the columns apart.
"""

from __future__ import annotations

from dataclasses import replace

from compliance.document import Grid, GridCell
from compliance.mapping.headers import HeaderVocabulary
from compliance.mapping.normalize import key


def join_split_captions(grid: Grid, vocabulary: HeaderVocabulary) -> Grid:
    """The grid with every caption broken in two under one header joined (see the module doc)."""
    rows = [list(row) for row in grid.rows]
    headers = [n for n, row in enumerate(rows) if vocabulary.header_version(row) is not False]
    changed = False
    for number, at in enumerate(headers):
        below = range(at + 1, headers[number + 1] if number + 1 < len(headers) else len(rows))
        column = 0
        while column + 1 < len(rows[at]):
            first, second = rows[at][column], rows[at][column + 1]
            placed = [n for n in below if len(rows[n]) == len(rows[at])]
            if (
                placed
                and _halves(first, second, vocabulary)
                and all(not rows[n][column + 1].text.strip() for n in placed)
            ):
                rows[at][column] = replace(first, text=first.text.strip() + second.text.strip())
                for n in (at, *placed):
                    del rows[n][column + 1]
                changed = True
            column += 1
    return replace(grid, rows=rows) if changed else grid


def _halves(first: GridCell, second: GridCell, vocabulary: HeaderVocabulary) -> bool:
    a, b = key(first.text), key(second.text)
    if not a or not b or first.span_copy or second.span_copy:
        return False
    return vocabulary.names_column(a + b) and not vocabulary.names_column(b)
