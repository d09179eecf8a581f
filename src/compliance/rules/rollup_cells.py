"""Every-cell roll-up: each cell of a parent region's table against the sum of its children's.

ROLLUP-T3/T4 compare a few totals; this kind compares every cell the parent and all its children
print (T2, T3, T4), after BLANK-POLICY. Signed cells (V2019 本年增/减) add as signed numbers;
money cells (万元) compare within a tolerance; a cell one side lacks (another layout, a row the
child does not print) or cannot read is not compared. One finding per table says how many cells
differ, points at the largest difference and names the child that best explains the differences
(its own figure equals the gap: left out or counted twice), else the largest contributor to the
worst cell. Children whose table is missing are named, so the reader knows what was not summed.

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
    model_config = ConfigDict(extra="forbid")
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


def _values(ctx: CheckContext, table: str) -> tuple[dict[Key, Number], set[Key], TableSpec] | None:
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
    return resolved.values, doubtful, spec


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
            yield self._finding(rule, params, parent_name, parent, table, mine[2], gaps, compared, missing)

    def _gaps(
        self,
        table: str,
        params: RollupCellsParams,
        mine: tuple[dict[Key, Number], set[Key], TableSpec],
        theirs: dict[str, tuple[dict[Key, Number], set[Key], TableSpec]],
    ) -> tuple[list[_Gap], int]:
        values, doubtful, spec = mine
        gaps: list[_Gap] = []
        compared = 0
        if not theirs:
            return gaps, compared
        for key, value in values.items():
            if f"{table}.{key[0]}.{key[1]}" in params.skip:
                continue
            parts = {name: child[0].get(key) for name, child in theirs.items()}
            known = {name: part for name, part in parts.items() if part is not None}
            if len(known) != len(parts):
                continue  # a child without this cell: nothing exact to compare
            compared += 1
            column = spec.column(key[1])
            tolerance = params.money_tolerance if column is not None and column.type == "money" else 0
            gap = _Gap(key, value, known, key in doubtful or any(key in child[1] for child in theirs.values()))
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
        spec: TableSpec,
        gaps: list[_Gap],
        compared: int,
        missing: list[str],
    ) -> Finding:
        name = params.table_names.get(table, table)
        parts: list[str] = []
        parts_en: list[str] = []
        worst = max(gaps, key=lambda g: _size(g.difference)) if gaps else None
        if worst is not None:
            where = f"“{spec.row_label(worst.key[0])}”“{spec.column_label(worst.key[1])}”"
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
