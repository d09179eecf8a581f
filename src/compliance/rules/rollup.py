"""Roll-up rule kinds: a parent region's figures against the sum of its children's reports.

A rule sees one report, and a roll-up needs several, so these kinds do nothing in ``check``;
they implement ``check_rollup`` instead, which the batch calls (``compliance.batch.regions``)
with a ``RollupContext`` once a parent region's and its children's reports are loaded.
Keeping them in a rule pack lets ``compliance rules``/``explain``/``--select`` treat them
like any other rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec, TableSpec, TemplateLayout
from compliance.model import Finding, Report
from compliance.rules.base import CheckContext, RuleKind, finding
from compliance.rules.blanks import resolve_table


@dataclass
class RollupContext:
    """A parent region's report of one year with its child regions' reports of that year."""

    region: str
    year: int | None
    report: Report
    children: dict[str, Report]  # child region → its readable report that year
    missing: list[str]  # child regions with no readable report that year
    layouts: dict[str, TemplateLayout]

    def table_spec(self, report: Report, table: str) -> TableSpec | None:
        """The layout a table follows (its own, in hybrid reports), else the report's template."""
        info = report.table_info.get(table)
        version = (info.layout if info and info.layout else None) or report.template
        layout = self.layouts.get(version or "")
        return layout.tables.get(table) if layout else None

    def values(self, report: Report, table: str) -> dict[tuple[str, str], Any]:
        """A table's values under BLANK-POLICY (derived totals included); empty when absent."""
        spec = self.table_spec(report, table)
        if spec is None or table not in report.tables:
            return {}
        return dict(resolve_table(report, table, spec).values)


class RollupKind(RuleKind):
    """A kind evaluated across reports: the batch calls ``check_rollup`` for every parent region."""

    needs_children: ClassVar[bool] = True

    def check(self, rule: RuleSpec, params: Any, ctx: CheckContext) -> Iterator[Finding]:
        return iter(())  # one report alone has nothing to roll up

    def check_rollup(self, rule: RuleSpec, params: Any, ctx: RollupContext) -> Iterator[Finding]:
        raise NotImplementedError


class CellRefParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    row: str
    column: str


class RollupSumParams(BaseModel):
    """The parent's cells compared with the sum of the same cells in its children's reports."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    table: str
    cells: list[CellRefParams]


class RollupSumKind(RollupKind):
    name = "rollup_sum"
    Params = RollupSumParams

    def check_rollup(self, rule: RuleSpec, params: RollupSumParams, ctx: RollupContext) -> Iterator[Finding]:
        if ctx.missing:
            return  # ROLLUP-MISSING says so; a partial sum compares nothing exactly
        mine = ctx.values(ctx.report, params.table)
        theirs = {name: ctx.values(child, params.table) for name, child in ctx.children.items()}
        for ref in params.cells:
            cell_key = (ref.row, ref.column)
            actual = mine.get(cell_key)
            found = [values.get(cell_key) for values in theirs.values()]
            parts = [p for p in found if p is not None]
            if actual is None or len(parts) != len(found):
                continue  # an unknown cell on either side: nothing exact to compare
            expected = sum(parts, start=0)
            if expected == actual:
                continue
            cell = ctx.report.cell(params.table, ref.row, ref.column)
            spec = ctx.table_spec(ctx.report, params.table)
            yield finding(
                rule,
                f"区域“{ctx.region}”{params.table} {ref.row}/{ref.column} 为 {actual}，"
                f"下级区域（{'、'.join(ctx.children)}）合计为 {expected}",
                section=spec.section if spec else None,
                table=params.table,
                row=ref.row,
                column=ref.column,
                loc=cell.loc if cell else None,
                expected=expected,
                actual=actual,
                message_en=(
                    f"{ctx.region} {params.table} {ref.row}/{ref.column} is {actual}; its children sum to {expected}"
                ),
            )


class RollupMissingKind(RollupKind):
    name = "rollup_missing"

    def check_rollup(self, rule: RuleSpec, params: BaseModel, ctx: RollupContext) -> Iterator[Finding]:
        if ctx.missing:
            yield finding(
                rule,
                f"区域“{ctx.region}”的下级区域 {'、'.join(ctx.missing)} "
                f"缺少{ctx.year or ''}年度的可读报告，未做汇总比对",
                message_en=f"{len(ctx.missing)} child region(s) of {ctx.region} have no readable {ctx.year} report",
            )


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [RollupSumKind(), RollupMissingKind()]
