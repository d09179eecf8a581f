"""Every-cell roll-up: each cell of a parent region's table against the sum of its children's.

ROLLUP-T3/T4 compare a few totals; this kind compares every cell the parent and all its children
print (T2, T3, T4), after BLANK-POLICY. Signed cells (V2019 本年增/减) add as signed numbers;
money cells (万元) compare within a tolerance; a cell one side lacks (another layout, a row the
child does not print) or cannot read is not compared. One finding per table says how many cells
differ, points at the largest difference and names the child that best explains the differences
(its own figure equals the gap: left out or counted twice), else the largest contributor to the
worst cell. Children whose table is missing are named, so the reader knows what was not summed.

Parent and children may print different templates (a child still on V2019 in 2021, or a hybrid table).
Where one layout prints as a single row what the other splits into a group of the same id (V2019
（六）其他处理 ``other`` against V2021's ``other`` group of three), the group's sum stands for that row
(templates.md §3: V2019.other = V2021.other.no_correction + other.no_fee + other.other).

Like the other roll-up kinds it sees several reports, so the batch calls ``compare_children``
once every report is loaded (a ``RollupKind``: the batch calls ``check_rollup``); one report alone yields nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec, TableSpec
from compliance.model import CellStatus, Finding
from compliance.rules.base import CheckContext, RuleKind, finding
from compliance.rules.blanks import resolved_table
from compliance.rules.rollup import RollupContext, RollupKind

Number = int | Decimal
Key = tuple[str, str]


class RollupCellsParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    tables: list[str]
    table_names: dict[str, str] = Field(default_factory=dict)
    # Money cells (万元) agree within this tolerance (templates.md §5: ±0.0001 万元).
    money_tolerance: Decimal = Decimal("0.0001")
    # Cells never compared, as "TABLE.row.column" (e.g. a stock a parent reports for itself only).
    skip: list[str] = Field(default_factory=list)


@dataclass
class _Gap:
    key: Key
    parent: Number
    children: dict[str, Number]
    uncertain: bool

    @property
    def total(self) -> Number:
        return sum(self.children.values(), start=0)

    @property
    def difference(self) -> Number:
        return self.parent - self.total


@dataclass
class _Table:
    """One report's resolved table, and which of its keys rest on an uncertain reading."""

    values: dict[Key, Number]
    doubtful: set[Key]
    spec: TableSpec

    def get(self, key: Key) -> Number | None:
        """The cell's value; for a row this layout splits into a group of that id, the group's sum."""
        if key in self.values:
            return self.values[key]
        parts = self._group_keys(key)
        if not parts or any(part not in self.values for part in parts):
            return None  # no such row, or a member unknown: nothing exact to sum
        return sum((self.values[part] for part in parts), start=0)

    def is_doubtful(self, key: Key) -> bool:
        return key in self.doubtful or any(part in self.doubtful for part in self._group_keys(key))

    def group_rows(self) -> set[str]:
        """The ids of this layout's row groups (which another layout may print as one row)."""
        rows = set(self.spec.row_ids())
        return {name for name, members in self.spec.groups.items() if set(self.spec.expand(members)) <= rows}

    def _group_keys(self, key: Key) -> list[Key]:
        row, column = key
        if row in self.spec.groups and self.spec.row(row) is None:
            return [(member, column) for member in self.spec.expand(self.spec.groups[row])]
        return []


def _values(ctx: CheckContext, table: str) -> _Table | None:
    """The resolved values of a table and the keys resting on an uncertain reading."""
    found = resolved_table(ctx, table)
    if found is None:
        return None
    resolved, spec = found
    doubtful = {
        (row, column)
        for row, cells in ctx.report.tables.get(table, {}).items()
        for column, cell in cells.items()
        if cell.status is CellStatus.inferred or cell.confidence is not None
    }
    return _Table(resolved.values, doubtful, spec)


def _compared_keys(mine: _Table, theirs: dict[str, _Table]) -> list[Key]:
    """The parent's cells, plus its group sums for rows some child prints as one row of that id."""
    keys = list(mine.values)
    printed_by_children = {row for child in theirs.values() for row in child.spec.row_ids()}
    for group in sorted(mine.group_rows() & printed_by_children):
        if mine.spec.row(group) is None:
            keys.extend((group, column) for column in mine.spec.column_ids() if mine.get((group, column)) is not None)
    return keys


def _row_label(row: str, mine: _Table, theirs: dict[str, _Table]) -> str:
    """The printed label of a row, from the child layout that prints it when the parent sums a group."""
    if mine.spec.row(row) is None:
        for child in theirs.values():
            if child.spec.row(row) is not None:
                return child.spec.row_label(row)
    return mine.spec.row_label(row)


def _size(value: Number) -> Decimal:
    return Decimal(value).copy_abs()


def _signed(value: Number) -> str:
    return f"{value:+}" if value else "0"


class RollupCellsKind(RollupKind):
    name = "rollup_cells"
    Params = RollupCellsParams

    def check_rollup(self, rule: RuleSpec, params: RollupCellsParams, ctx: RollupContext) -> Iterator[Finding]:
        if ctx.missing:
            return  # ROLLUP-MISSING names the child regions without a readable report
        parent = CheckContext(ctx.report, ctx.layouts)
        children = {name: CheckContext(child, ctx.layouts) for name, child in ctx.children.items()}
        yield from self.compare_children(rule, params, ctx.region, parent, children)

    def compare_children(
        self,
        rule: RuleSpec,
        params: RollupCellsParams,
        parent_name: str,
        parent: CheckContext,
        children: dict[str, CheckContext],
    ) -> Iterator[Finding]:
        for table in params.tables:
            mine = _values(parent, table)
            if mine is None:
                continue
            theirs = {name: _values(child, table) for name, child in children.items()}
            missing = [name for name, values in theirs.items() if values is None]
            present = {name: values for name, values in theirs.items() if values is not None}
            gaps, compared = self._gaps(table, params, mine, present)
            if not gaps and not missing:
                continue
            yield self._finding(rule, params, parent_name, parent, table, mine, present, gaps, compared, missing)

    def _gaps(
        self,
        table: str,
        params: RollupCellsParams,
        mine: _Table,
        theirs: dict[str, _Table],
    ) -> tuple[list[_Gap], int]:
        gaps: list[_Gap] = []
        compared = 0
        if not theirs:
            return gaps, compared
        for key in _compared_keys(mine, theirs):
            value = mine.get(key)
            if value is None or f"{table}.{key[0]}.{key[1]}" in params.skip:
                continue
            parts = {name: child.get(key) for name, child in theirs.items()}
            known = {name: part for name, part in parts.items() if part is not None}
            if len(known) != len(parts):
                continue  # a child without this cell: nothing exact to compare
            compared += 1
            column = mine.spec.column(key[1])
            tolerance = params.money_tolerance if column is not None and column.type == "money" else 0
            uncertain = mine.is_doubtful(key) or any(child.is_doubtful(key) for child in theirs.values())
            gap = _Gap(key, value, known, uncertain)
            if _size(gap.difference) > tolerance:
                gaps.append(gap)
        return gaps, compared

    def _finding(
        self,
        rule: RuleSpec,
        params: RollupCellsParams,
        parent_name: str,
        parent: CheckContext,
        table: str,
        mine: _Table,
        theirs: dict[str, _Table],
        gaps: list[_Gap],
        compared: int,
        missing: list[str],
    ) -> Finding:
        name = params.table_names.get(table, table)
        spec = mine.spec
        parts: list[str] = []
        parts_en: list[str] = []
        worst = max(gaps, key=lambda g: _size(g.difference)) if gaps else None
        if worst is not None:
            where = f"“{_row_label(worst.key[0], mine, theirs)}”“{spec.column_label(worst.key[1])}”"
            parts.append(
                f"区域“{parent_name}”{name}有 {len(gaps)} 个单元格（共比对 {compared} 个）与下级区域合计不符；"
                f"差额最大的是{where}：本级 {worst.parent}，下级合计 {worst.total}（{_signed(worst.difference)}）"
            )
            parts_en.append(f"{len(gaps)} of {compared} cells of {table} differ from the children's sum")
            suspect = _suspect(gaps)
            if suspect is not None:
                child, explained = suspect
                parts.append(f"{explained} 处差额恰等于“{child}”的数值（可能漏计或重复计入该下级）")
            else:
                biggest = max(worst.children.items(), key=lambda item: _size(item[1]))[0]
                parts.append(f"该单元格下级数值最大的是“{biggest}”")
        if missing:
            parts.append(f"下级区域 {'、'.join(missing)} 的{name}缺失或无法读取，未计入合计")
            parts_en.append(f"children without {table}: {', '.join(missing)}")
        uncertain = bool(gaps) and all(g.uncertain for g in gaps)
        if uncertain:
            parts.append("不符的单元格均来自推断或识别的读数，请先核对表格读取")
        severity = "info" if uncertain or not gaps else None
        cell = parent.report.cell(table, *worst.key) if worst else None
        return finding(
            rule,
            "；".join(parts),
            severity=severity,
            section=spec.section,
            table=table,
            row=worst.key[0] if worst else None,
            column=worst.key[1] if worst else None,
            loc=cell.loc if cell else None,
            expected=worst.total if worst else None,
            actual=worst.parent if worst else None,
            message_en="; ".join(parts_en),
        )


def _suspect(gaps: list[_Gap]) -> tuple[str, int] | None:
    """The child (or tied children) whose own figure equals the most gaps (left out, or counted twice)."""
    counts: dict[str, int] = {}
    for gap in gaps:
        for child, value in gap.children.items():
            if value and _size(gap.difference) == _size(value):
                counts[child] = counts.get(child, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    # Children that explain equally many gaps are named together: choosing one would be a guess.
    return "”或“".join(c for c in counts if counts[c] == best), best


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [RollupCellsKind()]
