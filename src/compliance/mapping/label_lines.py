"""Label lines that layout and reading-order text print apart from their row's figures.

A table cell taller than one line prints its label over several lines and its figures beside one
of them; text extraction then gives the label's lines before, beside and after the figures on
lines of their own. These rules, applied to the grid rows of one table before the rows are
matched by position, join such pieces only where the template's labels say they belong together.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from compliance.mapping.fuzzy import strip_numbering
from compliance.model import Note

if TYPE_CHECKING:
    from compliance.mapping.labels import LabelIndex
    from compliance.mapping.row_matching import MatchedRow


def join_label_tails(rows: list[MatchedRow], index: LabelIndex) -> None:
    """A row whose label is the head of a template label, followed by a line holding only the rest.

    In a cell taller than one line the figures print beside the label's first lines, so layout text
    gives the label's last line after the figures (``（六）`` / ``其他处  0 0 …`` / ``理``, or ``（六）  0 0 …``
    / ``其他处理``). The label-only line right after an unmatched row is its tail when the two together
    name exactly one template row, the head alone names none, and the tail alone names none (or the
    same row, after a head that is only a numbering mark); the tail line is then used up.
    """
    for row, tail in pairwise(rows):
        if row.row_id is not None or row.blank or not tail.blank or tail.grid != row.grid:
            continue
        head = row.label_key
        if not (head or row.pending) or not tail.label_key:
            continue
        if head and index.match(head) is not None:
            continue
        found = index.match(row.pending + head + tail.label_key)
        if found is None and head:
            found = index.match(head + tail.label_key)
        alone = index.match(tail.label_key)
        # A tail naming a row by itself belongs to a head that is only a numbering mark (``（六）``);
        # after a head with words of its own it is the next row's label.
        if found is None or (alone is not None and (alone[0] != found[0] or strip_numbering(head))):
            continue
        row.row_id, row.versions = found[0], found[1]
        tail.label_key, tail.row_id = "", None


def figures_above_label(table: str, rows: list[MatchedRow]) -> list[Note]:
    """Figures printed on the line right above their label, the label alone on the next line.

    Layout text prints a tall cell's figures and label on different baselines: the figures land on
    a line of their own (or beside a group label's last fragment, ``理  0 0 0 …``) and the row's label
    on the line under it, with no figures. Such a label-only row takes the figures right above it
    when their own label is empty or a fragment (a group label's last characters, no numbering
    mark) and the row before them already has its figures (so the figures belong to no other row).
    Without this the row would read as printed blank.
    """
    notes: list[Note] = []
    for number in range(1, len(rows)):
        figures, label = rows[number - 1], rows[number]
        if not label.blank or label.row_id is None or figures.blank or figures.row_id is not None:
            continue
        if figures.grid != label.grid or not _fragment(figures.label_key):
            continue
        before = rows[number - 2] if number >= 2 else None
        if before is None or before.blank or before.row_id is None or before.grid != figures.grid:
            continue
        figures.row_id, figures.versions = label.row_id, label.versions
        label.row_id = None
        notes.append(
            Note(
                code="positional-row",
                message=(f"表格行“{label.split.label.strip()}”的数值印在其标签上一行，按位置对应为该行"),
                table=table,
                row=figures.row_id,
                loc=figures.split.loc,
            )
        )
    return notes


# A label fragment that names nothing: a group label's last characters (``理``), at most this long.
_FRAGMENT = 3


def _fragment(label_key: str) -> bool:
    """No label, or a few characters without a numbering mark: no row label of its own."""
    return len(label_key) <= _FRAGMENT and strip_numbering(label_key) == label_key
