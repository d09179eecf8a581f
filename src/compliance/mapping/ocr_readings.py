"""Uncertain OCR readings: a failing identity over OCR'd cells may be the recogniser's mistake.

A table read from a scan carries each cell's recognition confidence. When one of the table's
template identities (``totals`` and ``balances``) fails, two things can make the failure the
reader's rather than the agency's:

- a cell of the failing identity was read with low confidence;
- another plausible reading of one OCR'd cell (a digit the recogniser confuses with another,
  8↔3, 1↔7, 0↔6/8/9; a lost minus sign or decimal point; a stray mark read as a digit) makes
  every identity of the table hold at once.

Each such cell becomes an ``uncertain-reading`` note naming the cell, its confidence and the
alternative. TABLE-READ reports the note; the identity rules say "cannot verify" instead of an
arithmetic error for every failing identity that involves a noted cell. A failure over cells read
with high confidence that no single other reading explains is still reported as an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from compliance.layout import TableSpec
from compliance.mapping.numbers import parse_cell
from compliance.model import LOW_CONFIDENCE, Cell, CellStatus, Note, TableData

NOTE_CODE = "uncertain-reading"
# Pairs the PP-OCR recogniser is known to confuse on printed digits.
_CONFUSED = {"0": "689", "1": "7", "3": "8", "6": "0", "7": "1", "8": "30", "9": "0"}

Key = tuple[str, str]
Number = int | Decimal


@dataclass(frozen=True)
class _Check:
    """One identity instance: Σ lhs = Σ rhs; ``target`` is the total, if the identity has one."""

    name: str
    lhs: tuple[Key, ...]
    rhs: tuple[Key, ...]
    target: Key | None


def _checks(spec: TableSpec, data: TableData) -> list[_Check]:
    checks: list[_Check] = []
    rows = list(data)
    for total in spec.totals:
        name = total.id or "total"
        parts = spec.expand(total.parts)
        if total.along == "row":
            column = total.target.column or ""
            for row in rows:
                target = (row, column)
                checks.append(_Check(name, (target,), tuple((row, c) for c in parts), target))
        elif total.target.row in data:
            row = total.target.row
            members = [r for r in parts if r in data]
            for column in spec.column_ids():
                target = (row, column)
                checks.append(_Check(name, (target,), tuple((r, column) for r in members), target))
    for balance in spec.balances:
        lhs, rhs = spec.expand(balance.lhs), spec.expand(balance.rhs)
        if not all(r in data for r in (*lhs, *rhs)):
            continue
        for column in spec.column_ids():
            checks.append(_Check(balance.id, tuple((r, column) for r in lhs), tuple((r, column) for r in rhs), None))
    return checks


def _cell(data: TableData, key: Key) -> Cell | None:
    return data.get(key[0], {}).get(key[1])


def _holds(check: _Check, data: TableData, override: dict[Key, Number | None]) -> bool | None:
    """True/False, or None when the check cannot be evaluated (unreadable cell, blank total)."""
    total_lhs: Number = 0
    total_rhs: Number = 0
    for side, keys in ((0, check.lhs), (1, check.rhs)):
        for key in keys:
            cell = _cell(data, key)
            if cell is None:
                continue
            if cell.status in (CellStatus.ambiguous, CellStatus.invalid) and key not in override:
                return None
            value = override.get(key, cell.value)
            if value is None:
                if key == check.target:
                    return None  # a blank total is derived from its parts, never failed
                value = 0  # a blank part counts as 0 (BLANK-POLICY)
            if side == 0:
                total_lhs += value
            else:
                total_rhs += value
    return total_lhs == total_rhs


def alternatives(raw: str, money: bool) -> list[tuple[str, Number | None]]:
    """Other plausible readings of an OCR'd number: (text, value) each, the printed one excluded."""
    text = raw.strip()
    found: dict[str, Number | None] = {}
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    for index in digits:
        for other in _CONFUSED.get(text[index], ""):
            found[text[:index] + other + text[index + 1 :]] = None
    if len(digits) > 1:
        for index in digits:  # a stray mark read as a digit
            found[text[:index] + text[index + 1 :]] = None
    elif len(digits) == 1 and len(text) == 1:
        found[""] = None  # a lone mark read as a digit: the cell was blank
    if not text.startswith("-") and digits:
        found["-" + text] = None
    if money and "." not in text:
        for index in digits[1:]:
            found[text[:index] + "." + text[index:]] = None
    out: list[tuple[str, Number | None]] = []
    for candidate in found:
        if candidate == text:
            continue
        if candidate == "":
            out.append(("（空白）", None))
            continue
        parsed = parse_cell(candidate, money=money)
        if parsed.status == CellStatus.read:
            out.append((candidate, parsed.value))
    return out


def review_table(table: str, spec: TableSpec, data: TableData) -> list[Note]:
    """``uncertain-reading`` notes for the OCR'd cells that may explain a failing identity."""
    if not any(c.confidence is not None for cells in data.values() for c in cells.values()):
        return []
    checks = _checks(spec, data)
    failing = [c for c in checks if _holds(c, data, {}) is False]
    if not failing:
        return []
    notes: dict[Key, Note] = {}
    involved = {key for check in failing for key in (*check.lhs, *check.rhs)}
    for key in sorted(involved):
        cell = _cell(data, key)
        if cell is None or cell.confidence is None or cell.raw is None:
            continue
        column = spec.column(key[1])
        money = column is not None and column.type == "money"
        for text, value in alternatives(cell.raw, money):
            override: dict[Key, Number | None] = {key: value}
            if all(_holds(c, data, override) is not False for c in checks):
                notes[key] = _note(table, spec, key, cell, f"也可能是 {text}；按此读法，表内勾稽关系全部成立")
                break
        else:
            if cell.confidence < LOW_CONFIDENCE:
                notes[key] = _note(table, spec, key, cell, "识别置信度低，涉及该单元格的勾稽关系无法核验")
    return list(notes.values())


def _note(table: str, spec: TableSpec, key: Key, cell: Cell, detail: str) -> Note:
    row, column = key
    confidence = cell.confidence or 0.0
    return Note(
        code=NOTE_CODE,
        message=(
            f"{table}“{spec.row_label(row)}”行“{spec.column_label(column)}”列的识别结果不确定："
            f"读作 {cell.raw}（置信度 {confidence:.2f}），{detail}"
        ),
        table=table,
        row=row,
        column=column,
        loc=cell.loc,
    )
