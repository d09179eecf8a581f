"""Cell parsing: exact numbers, signed deltas, money in 万元, blanks and placeholders unknown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.mapping.numbers import chinese_numeral, parse_cell
from compliance.model import CellStatus


@pytest.mark.parametrize(
    ("raw", "value"),
    [("13", 13), ("+118", 118), ("-39", -39), ("--253", -253), ("1,234", 1234), ("１２", 12), (" 7 ", 7)],
)
def test_parse_cell_counts(raw: str, value: int) -> None:
    parsed = parse_cell(raw)
    assert parsed.value == value and isinstance(parsed.value, int)
    assert parsed.status is CellStatus.read


@pytest.mark.parametrize("raw", ["", "/", "-", "—", "--", "\u00a0", "  "])
def test_parse_cell_placeholders_are_unknown_not_zero(raw: str) -> None:
    parsed = parse_cell(raw)
    assert parsed.value is None
    assert parsed.status is CellStatus.blank


@pytest.mark.parametrize(
    ("raw", "wan"),
    [("160.5964万元", "160.5964"), ("251000元", "25.1"), ("10518.1531 万元", "10518.1531"), ("12.5", "12.5")],
)
def test_parse_cell_money_normalised_to_wan(raw: str, wan: str) -> None:
    parsed = parse_cell(raw, money=True)
    assert parsed.value == Decimal(wan)
    assert isinstance(parsed.value, Decimal)


def test_parse_cell_text_is_invalid() -> None:
    assert parse_cell("予以公开").status is CellStatus.invalid


@pytest.mark.parametrize(("text", "value"), [("十三", 13), ("一百零二", 102), ("二十", 20), ("三万五千", 35000)])
def test_chinese_numeral(text: str, value: int) -> None:
    assert chinese_numeral(text) == value
