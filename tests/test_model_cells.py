"""The mapping's unvalidated cell constructor builds exactly what validation would."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.model import Cell, CellStatus, Loc


@pytest.mark.parametrize(
    ("value", "raw", "status", "unit"),
    [
        (13, "13", CellStatus.read, None),
        (None, "", CellStatus.blank, None),
        (Decimal("25.1"), "251000元", CellStatus.read, "元"),
    ],
)
def test_typed_cell_equals_validated_cell(value: object, raw: str, status: CellStatus, unit: str | None) -> None:
    loc = Loc(line=7)
    fast = Cell.typed(value, raw, loc, status, unit)  # type: ignore[arg-type]
    checked = Cell(value=value, raw=raw, loc=loc, status=status, unit=unit)
    assert fast == checked
    assert fast.model_dump_json() == checked.model_dump_json()
    assert Cell.model_validate(fast.model_dump()) == fast
    assert fast.model_copy(update={"raw": "x"}).raw == "x"
