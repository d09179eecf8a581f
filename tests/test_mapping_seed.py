"""The seed (a real 2020 report as PDF-extracted text) is read cell for cell."""

from __future__ import annotations

from pathlib import Path

from compliance.engine import load_report

T3_COLUMNS = ["natural", "biz", "research", "ngo", "legal", "other_org", "total"]
# Non-zero rows of the seed's table 三 as printed; every other row is all zeros.
SEED_T3_NONZERO = {
    "new": [13, 0, 0, 0, 0, 0, 13],
    "granted": [11, 0, 0, 0, 0, 0, 11],
    "unable.not_held": [2, 0, 0, 0, 0, 0, 2],
    "result_total": [13, 0, 0, 0, 0, 0, 13],
}
SEED_T2 = {
    "reg": {"made": 0, "pub": 0, "total": 0},
    "norm": {"made": 2, "pub": 2, "total": 5},
    "license": {"prev": 83, "delta": 118, "decisions": 8404},
    "other_service": {"prev": 157, "delta": -39, "decisions": 13050},
    "penalty": {"prev": 1411, "delta": -30, "decisions": 524},
    "coercion": {"prev": 103, "delta": 0, "decisions": 26},
    "fee": {"prev": 56, "delta": -8},
    "procure": {"count": 442},
}


def test_seed_template_year_agency(seed_path: Path) -> None:
    report = load_report(seed_path)
    assert report.template == "V2019"
    assert report.year == 2020
    assert report.agency == "银川市西夏区"
    assert report.template_evidence.by_year == "V2019"
    assert report.template_evidence.detected == "V2019"


def test_seed_six_sections_in_order(seed_path: Path) -> None:
    report = load_report(seed_path)
    assert [s.key for s in report.sections] == ["S1", "S2", "S3", "S4", "S5", "S6"]
    assert report.section("S6") is not None and report.section("S6").text.strip() == "无。"
    assert all(s.loc is not None and s.loc.line_start for s in report.sections)


def test_seed_t3_every_cell(seed_path: Path) -> None:
    report = load_report(seed_path)
    t3 = report.tables["T3"]
    assert len(t3) == 23  # the V2019 row count
    for row_id, cells in t3.items():
        expected = SEED_T3_NONZERO.get(row_id, [0] * 7)
        assert [cells[c].value for c in T3_COLUMNS] == expected, row_id
        assert all(cells[c].loc is not None and cells[c].loc.line for c in T3_COLUMNS)


def test_seed_t4_every_cell(seed_path: Path) -> None:
    report = load_report(seed_path)
    t4 = report.tables["T4"]
    assert list(t4) == ["RV", "LD", "LR"]
    for cells in t4.values():
        assert [c.value for c in cells.values()] == [0, 0, 0, 0, 0]


def test_seed_t2_every_cell_and_money_in_wan(seed_path: Path) -> None:
    from decimal import Decimal

    report = load_report(seed_path)
    t2 = report.tables["T2"]
    for row_id, expected in SEED_T2.items():
        assert {c: t2[row_id][c].value for c in expected} == expected, row_id
    amount = t2["procure"]["amount"]
    assert amount.value == Decimal("10518.1531") and isinstance(amount.value, Decimal)
    assert amount.raw == "10518.1531 万元"
    assert t2["license"]["delta"].raw == "+118"
