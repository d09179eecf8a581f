"""BLANK-POLICY (templates.md §6.2): blank cells are unknown, never silently 0.

A table is *resolved* once per report: an unfilled total is derived from its parts (and said so),
the remaining blank components count as 0 (with a note), unreadable cells stay out, except the total
of a row the mapping could not place but whose every placement gives one total. The identity
rules evaluate the resolved values; the BLANK-POLICY rule reports what was derived or read as 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec, TableSpec
from compliance.model import CellStatus, Finding, Loc, Report
from compliance.rules.base import CheckContext, RuleKind, finding

Number = int | Decimal
Key = tuple[str, str]


@dataclass
class ResolvedTable:
    """A table's values after BLANK-POLICY: derived totals, blanks read as 0, unusable cells."""

    values: dict[Key, Number] = field(default_factory=dict)
    derived: list[Key] = field(default_factory=list)
    zero_filled: list[Key] = field(default_factory=list)
    unusable: dict[Key, CellStatus] = field(default_factory=dict)
    # Totals of rows whose figures could not be placed, known because every placement agrees.
    unplaced: list[Key] = field(default_factory=list)
    locs: dict[Key, Loc | None] = field(default_factory=dict)


def resolve_table(report: Report, table: str, spec: TableSpec) -> ResolvedTable:
    resolved = ResolvedTable()
    data = report.tables.get(table, {})
    blanks: set[Key] = set()
    for row_id, cells in data.items():
        for column_id, cell in cells.items():
            key = (row_id, column_id)
            resolved.locs[key] = cell.loc
            if cell.status in (CellStatus.ambiguous, CellStatus.invalid):
                resolved.unusable[key] = cell.status
            elif cell.value is None:
                blanks.add(key)
            else:
                resolved.values[key] = cell.value
    # A row whose figures text left unplaced may still have a certain total (mapping/unplaced_totals).
    info = report.table_info.get(table)
    for row_id, totals in (info.unplaced_totals if info is not None else {}).items():
        for column_id, value in totals.items():
            key = (row_id, column_id)
            if resolved.unusable.pop(key, None) is not None:
                resolved.values[key] = value
                resolved.unplaced.append(key)
    # BLANK-POLICY step 2: an unknown total is derived from its parts, never read as 0.
    for total in spec.totals:
        if total.along == "row":
            column = total.target.column or ""
            parts = spec.expand(total.parts)
            for row_id in data:
                _derive(resolved, blanks, (row_id, column), [(row_id, c) for c in parts])
        else:
            row = total.target.row or ""
            if row not in data:
                continue
            parts = [r for r in spec.expand(total.parts) if r in data]
            for column_id in spec.column_ids():
                _derive(resolved, blanks, (row, column_id), [(r, column_id) for r in parts])
    # Step 3: the remaining unknown component cells count as 0.
    for key in sorted(blanks):
        resolved.values[key] = 0
        resolved.zero_filled.append(key)
    return resolved


def _derive(resolved: ResolvedTable, blanks: set[Key], target: Key, parts: list[Key]) -> None:
    if target not in blanks:
        return
    if any(p in resolved.unusable for p in parts):
        return
    total: Number = sum((resolved.values.get(p, 0) for p in parts), start=0)
    resolved.values[target] = total
    resolved.derived.append(target)
    blanks.discard(target)


def resolved_table(ctx: CheckContext, table: str) -> tuple[ResolvedTable, TableSpec] | None:
    spec = ctx.table_spec(table)
    if spec is None or table not in ctx.report.tables:
        return None
    cache_key = f"resolved:{table}"
    if cache_key not in ctx.cache:
        ctx.cache[cache_key] = resolve_table(ctx.report, table, spec)
    return ctx.cache[cache_key], spec


class BlankPolicyParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    tables: list[str]


class BlankPolicyOptions(BaseModel):
    """What a project may tune about BLANK-POLICY."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    # The info note counting blank component cells read as 0; derived totals are always reported.
    report_zero_filled: bool = True


class BlankPolicyKind(RuleKind):
    """BLANK-POLICY (templates.md §6.2): say what was derived or read as 0, never hide it."""

    name = "blank_policy"
    Params = BlankPolicyParams
    Options = BlankPolicyOptions

    def check(self, rule: RuleSpec, params: BlankPolicyParams, ctx: CheckContext) -> Iterator[Finding]:
        options: BlankPolicyOptions = self.options(rule, ctx)
        for table in params.tables:
            found = resolved_table(ctx, table)
            if found is None:
                continue
            resolved, spec = found
            if resolved.derived:
                names = _cell_list(spec, resolved.derived)
                first = resolved.derived[0]
                yield finding(
                    rule,
                    f"{table} 有 {len(resolved.derived)} 个总计单元格未填写，已按分项推算后核验：{names}",
                    severity="warning",
                    section=spec.section,
                    table=table,
                    row=first[0],
                    column=first[1],
                    loc=resolved.locs.get(first),
                    message_en=f"{table}: {len(resolved.derived)} blank total cells were derived from their parts",
                )
            if resolved.zero_filled and options.report_zero_filled:
                yield finding(
                    rule,
                    f"{table} 有 {len(resolved.zero_filled)} 个空白单元格按 0 计算（空白不等于已填 0）",
                    severity="info",
                    section=spec.section,
                    table=table,
                    message_en=f"{table}: {len(resolved.zero_filled)} blank cells were read as 0",
                )


def _cell_list(spec: TableSpec, keys: list[Key], limit: int = 8) -> str:
    names = [f"{spec.row_label(r)}/{spec.column_label(c)}" for r, c in keys[:limit]]
    more = f" 等{len(keys)}处" if len(keys) > limit else ""
    return "；".join(names) + more


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [BlankPolicyKind()]
