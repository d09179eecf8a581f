"""Place a row's value cells on the template columns when text extraction blurred them.

Tab-separated text keeps empty cells as empty fields, but padding fields at the edges of a row
look exactly like a blank first value or a blank 总计. A row whose placement is not unique is
resolved with the grid's own convention — where the values of its fully filled rows stand,
counted from the left for rows with the same label layout, or from the right — and otherwise
left ``ambiguous``. Rows printed with spaces have no empty fields at all: a missing value
there can never be placed, and the row stays ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compliance.document import GridCell


@dataclass
class GridConvention:
    """Where fully filled rows of one grid put their values."""

    # label field count → absolute field index of the first value
    starts: dict[int, set[int]] = field(default_factory=dict)
    # empty fields after the last value
    trailing: set[int] = field(default_factory=set)

    def learn(self, label_fields: int, values: list[GridCell], width: int) -> None:
        filled = [i for i, cell in enumerate(values) if cell.text.strip()]
        if len(filled) != width or filled[-1] - filled[0] + 1 != width:
            return
        self.starts.setdefault(label_fields, set()).add(label_fields + filled[0])
        self.trailing.add(len(values) - 1 - filled[-1])


def windows(values: list[GridCell], width: int) -> list[int]:
    """Start offsets of every ``width``-wide window that keeps all non-empty cells."""
    filled = [i for i, cell in enumerate(values) if cell.text.strip()]
    if not filled or len(values) < width:
        return []
    first, last = filled[0], filled[-1]
    if last - first + 1 > width:
        return []
    return [start for start in range(0, len(values) - width + 1) if start <= first and start + width - 1 >= last]


def place_values(
    values: list[GridCell],
    width: int,
    *,
    convention: GridConvention | None = None,
    label_fields: int = 0,
) -> list[GridCell | None] | None:
    """Fit value cells onto ``width`` columns; None when the placement is ambiguous."""
    if not any(cell.text.strip() for cell in values):
        return None
    if len(values) == width:
        return list[GridCell | None](values)
    # Fewer cells than columns: text extraction dropped blanks somewhere unknown.
    starts = windows(values, width)
    if len(starts) == 1:
        return list[GridCell | None](values[starts[0] : starts[0] + width])
    if len(starts) > 1 and convention is not None:
        chosen = _by_convention(starts, len(values), width, convention, label_fields)
        if chosen is not None:
            return list[GridCell | None](values[chosen : chosen + width])
    return None


def _by_convention(
    starts: list[int], count: int, width: int, convention: GridConvention, label_fields: int
) -> int | None:
    # From the left: rows whose label spans the same fields put their first value here.
    known = convention.starts.get(label_fields, set())
    left = [s for s in starts if label_fields + s in known]
    if len(left) == 1:
        return left[0]
    # From the right: fully filled rows leave this many empty fields after their last value.
    right = [s for s in starts if count - (s + width) in convention.trailing]
    if len(right) == 1:
        return right[0]
    return None


def place_trailing(values: list[GridCell], width: int) -> list[GridCell | None] | None:
    """T2 rows: value cells are left-aligned after the label; trailing cells are blank by design."""
    cells = list(values)
    while len(cells) > width and not cells[-1].text.strip():
        cells.pop()
    while len(cells) > width and not cells[0].text.strip():
        cells.pop(0)
    if len(cells) == width:
        return list[GridCell | None](cells)
    return None
