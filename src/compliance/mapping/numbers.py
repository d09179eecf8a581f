"""Parse printed table cells and prose figures into exact numbers.

Counts become ``int``, money becomes ``Decimal`` in 万元. A blank or a placeholder is
unknown (``None``), never 0: the arithmetic rules decide what an unknown means.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from compliance.mapping.normalize import clean_text
from compliance.model import CellStatus

PLACEHOLDERS = frozenset({"", "/", "-", "--", "—", "——", "–", "－", "无", "\\", "—-", "-—"})
_SPACES = re.compile(r"[\s\u2009\u202f\u00a0]+")
_GROUPING = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
# Figures in a report have a few digits; a run of hundreds is not a figure (and Python refuses to
# turn more than 4300 digits into an int), so longer runs are not numbers.
MAX_DIGITS = 30
_NUMBER = re.compile(
    rf"^(?P<sign>[+\-]{{0,2}})(?P<digits>\d{{1,{MAX_DIGITS}}}(?:\.\d{{1,{MAX_DIGITS}}})?)(?P<unit>万元|元|件|项|个|条)?$"
)


def whole_count(text: str) -> int | None:
    """A count printed as plain ASCII digits (thousands commas allowed), or None.

    ``str.isdigit`` also accepts digits ``int`` refuses (superscripts such as ²) and runs of
    thousands of digits ``int`` refuses to convert: neither is a count.
    """
    digits = text.strip().replace(",", "")
    if not digits or len(digits) > MAX_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return int(digits)


@dataclass(frozen=True)
class ParsedNumber:
    value: int | Decimal | None
    status: CellStatus
    unit: str | None = None


@functools.lru_cache(maxsize=65536)
def parse_cell(raw: str, *, money: bool = False, default_unit: str | None = None) -> ParsedNumber:
    """Parse one table cell as printed (cached: tables repeat the same few cell texts endlessly)."""
    text = _SPACES.sub("", clean_text(raw))
    text = text.replace("−", "-")
    if text in PLACEHOLDERS:
        return ParsedNumber(None, CellStatus.blank)
    text = _GROUPING.sub("", text)
    match = _NUMBER.match(text)
    if not match:
        return ParsedNumber(None, CellStatus.invalid)
    negative = "-" in match["sign"]
    unit = match["unit"]
    digits = match["digits"]
    if money or unit in ("万元", "元"):
        amount = Decimal(digits)
        if unit == "元":
            amount = amount / Decimal(10000)
        value: int | Decimal = -amount if negative else amount
        return ParsedNumber(value, CellStatus.read, unit or default_unit)
    if "." in digits:
        # A count printed with a decimal point: keep it exact so T2-TYPE can complain.
        amount = Decimal(digits)
        return ParsedNumber(-amount if negative else amount, CellStatus.read, unit)
    number = int(digits)
    return ParsedNumber(-number if negative else number, CellStatus.read, unit)


def looks_numeric(raw: str) -> bool:
    """True for a cell that is a number or a blank/placeholder (not a label)."""
    parsed = parse_cell(raw)
    return parsed.status is not CellStatus.invalid


def is_number(raw: str) -> bool:
    return parse_cell(raw).status is CellStatus.read


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_numeral(text: str) -> int | None:
    """Value of a Chinese numeral such as 十三, 一百零二, 二〇二三 (digit by digit), or None."""
    if not text or len(text) > MAX_DIGITS:
        return None
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    wan = 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        elif ch == "万":
            wan += (total + current) * 10000
            total, current = 0, 0
        else:
            return None
    return wan + total + current


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
