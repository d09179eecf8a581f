"""Models built without validation (typed cells, unpickled reports) equal validated ones."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

from compliance.engine import load_report
from compliance.model import Cell, CellStatus, Loc
from conftest import REPO


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


def test_pickled_report_restores_equal_model() -> None:
    # Batches move reports between processes as pickles, through model.Strict.__reduce__.
    report = load_report(REPO / "reports" / "v2021-faults-2022.txt")
    restored = pickle.loads(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
    assert restored == report
    assert restored.model_dump_json() == report.model_dump_json()
    assert restored.model_fields_set == report.model_fields_set
    cell = next(iter(next(iter(restored.tables["T3"].values())).values()))
    original = next(iter(next(iter(report.tables["T3"].values())).values()))
    assert cell.model_fields_set == original.model_fields_set
    assert restored.model_copy(update={"year": 1999}).year == 1999


def test_pickled_validated_model_keeps_its_unset_fields() -> None:
    loc = Loc(line=3)
    restored = pickle.loads(pickle.dumps(loc))
    assert restored == loc
    assert restored.model_fields_set == {"line"}
    assert restored.model_dump(exclude_unset=True) == {"line": 3}
