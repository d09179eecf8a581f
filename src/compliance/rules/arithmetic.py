"""Table arithmetic: exact identities (勾稽关系) and non-negativity.

Identities are data (``rules/packs/core.yaml``); this module only knows how to evaluate a sum
identity over a resolved table. Numbers are ints and Decimals; nothing here uses float.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec, TableSpec
from compliance.model import Finding, Report
from compliance.rules.base import CheckContext, RuleKind, finding, row_evidence
from compliance.rules.blanks import Key, Number, ResolvedTable, resolved_table


class IdentityParams(BaseModel):
    """``Σ lhs = Σ rhs`` for every item: columns (along: column) or rows (along: row)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    table: str
    along: Literal["row", "column"]
    items: list[str] | Literal["*"] = "*"
    lhs: list[str]
    rhs: list[str]
    # An item whose identity follows from the others (T3 总计 column): report it only when
    # every other item passes, so one slip is not reported twice (templates.md §5.2 note).
    implied: str | None = None
    # Id of a row-wise identity of the same table (T3-ROW-TOTAL) that ran earlier: when exactly
    # one of its failing rows explains this column's difference, the message names that cell.
    locate_with: str | None = None
    message: str
    lhs_name: str
    rhs_name: str
    # The template identity this rule evaluates (``totals[].id``); defaults to the rule id.
    identity: str | None = None


@dataclass
class _Failures:
    """The failing items of one identity, kept for later rules of the same report."""

    lhs: set[str]
    rhs: set[str]
    diffs: dict[str, Number]


@dataclass
class _Outcome:
    item: str
    lhs: Number
    rhs: Number
    unusable: list[Key]
    keys: list[Key]


class IdentityOptions(BaseModel):
    """What a project may tune about an identity rule."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    # The warning "cannot verify: cell … unreadable", said once per rule for the items concerned.
    report_unverifiable: bool = True


class IdentityKind(RuleKind):
    name = "identity"
    Params = IdentityParams
    Options = IdentityOptions

    def check(self, rule: RuleSpec, params: IdentityParams, ctx: CheckContext) -> Iterator[Finding]:
        found = resolved_table(ctx, params.table)
        if found is None:
            return
        resolved, spec = found
        options: IdentityOptions = self.options(rule, ctx)
        report = ctx.report
        rows_present = list(report.tables[params.table])
        items = (rows_present if params.along == "row" else spec.column_ids()) if params.items == "*" else params.items
        present = set(rows_present)
        outcomes: list[_Outcome] = []
        for item in items:
            lhs_keys = self._keys(spec, params.lhs, item, params.along)
            rhs_keys = self._keys(spec, params.rhs, item, params.along)
            keys = lhs_keys + rhs_keys
            row_ids = {k[0] for k in keys}
            if not row_ids <= present:
                continue  # a missing row is STRUCT-T?-ROWS' business, not an arithmetic failure
            keys = [k for k in keys if k[1] in report.tables[params.table].get(k[0], {})]
            unusable = [k for k in keys if k in resolved.unusable]
            lhs = sum((resolved.values.get(k, 0) for k in lhs_keys), start=0)
            rhs = sum((resolved.values.get(k, 0) for k in rhs_keys), start=0)
            outcomes.append(_Outcome(item, lhs, rhs, unusable, keys))
        failing = {o.item for o in outcomes if not o.unusable and o.lhs != o.rhs}
        ctx.cache[f"identity-failures:{rule.id}"] = _Failures(
            lhs=set(spec.expand(params.lhs)),
            rhs=set(spec.expand(params.rhs)),
            diffs={o.item: o.lhs - o.rhs for o in outcomes if o.item in failing},
        )
        chose = _inferred_by(report, params.table, params.identity or rule.id, params.along)
        uncertain = _uncertain_readings(report, params.table)
        inferred = [o for o in outcomes if o.item in chose]
        unreadable = [o for o in outcomes if o.item not in chose and o.unusable]
        yield from self._unverifiable(rule, params, spec, resolved, inferred, unreadable, options)
        misread: list[tuple[_Outcome, list[Key]]] = []
        for outcome in outcomes:
            if outcome.item in chose or outcome.unusable:
                continue
            target_row, target_column = self._location(params, outcome.item)
            label = self._item_label(spec, params, outcome.item)
            loc = resolved.locs.get((target_row, target_column))
            if outcome.lhs == outcome.rhs:
                continue
            if params.implied == outcome.item and failing - {outcome.item}:
                continue
            doubtful = [k for k in outcome.keys if k in uncertain]
            if doubtful:
                # A scan's cell that may have been misread (TABLE-READ names it and the other
                # reading): the failure may be the recogniser's, so it is not the report's error.
                # Said once per rule, after the loop, for every item concerned.
                misread.append((outcome, doubtful))
                continue
            message = params.message.format_map(
                {
                    "item": label,
                    "actual": outcome.lhs,
                    "expected": outcome.rhs,
                    "lhs": params.lhs_name,
                    "rhs": params.rhs_name,
                }
            )
            message += self._suspect_cell(ctx, params, spec, resolved, outcome)
            yield finding(
                rule,
                message,
                section=spec.section,
                table=params.table,
                row=target_row,
                column=target_column,
                loc=loc,
                expected=outcome.rhs,
                actual=outcome.lhs,
                evidence=row_evidence(report, params.table, target_row, spec),
                message_en=(
                    f"{params.table} {outcome.item}: {params.lhs_name} = {outcome.lhs}, "
                    f"but {params.rhs_name} = {outcome.rhs}"
                ),
            )
        if misread:
            yield self._misread(rule, params, spec, resolved, misread)

    def _misread(
        self,
        rule: RuleSpec,
        params: IdentityParams,
        spec: TableSpec,
        resolved: ResolvedTable,
        misread: list[tuple[_Outcome, list[Key]]],
    ) -> Finding:
        """One note for every item whose failure rests on an OCR reading that may be wrong."""
        first_row, first_column = self._location(params, misread[0][0].item)
        parts = [
            f"{self._item_label(spec, params, o.item)}（{params.lhs_name}为 {o.lhs}，{params.rhs_name}为 {o.rhs}）"
            for o, _ in misread
        ]
        cells = "、".join(
            dict.fromkeys(f"{spec.row_label(r)}/{spec.column_label(c)}" for _, doubtful in misread for r, c in doubtful)
        )
        return finding(
            rule,
            f"无法核验{'、'.join(parts)}：单元格 {cells} 的 OCR 识别结果不确定，可能是识别错误而非报告错误",
            severity="info",
            section=spec.section,
            table=params.table,
            row=first_row if len(misread) == 1 or params.along == "column" else None,
            column=first_column if len(misread) == 1 or params.along == "row" else None,
            loc=resolved.locs.get((first_row, first_column)),
            message_en=(
                f"cannot verify {rule.id} for {', '.join(o.item for o, _ in misread)}: "
                f"the OCR reading of {sorted({k for _, d in misread for k in d})} is uncertain"
            ),
        )

    def _unverifiable(
        self,
        rule: RuleSpec,
        params: IdentityParams,
        spec: TableSpec,
        resolved: ResolvedTable,
        inferred: list[_Outcome],
        unreadable: list[_Outcome],
        options: IdentityOptions,
    ) -> Iterator[Finding]:
        """Say once per rule which items could not be verified, and why.

        Items whose run-together digits this identity split hold by construction, so checking
        them would be circular: an ``info``. Items with a cell the reader could not place leave a
        check undone that a person must make by eye: a ``warning`` — said here, on the check,
        and not again on the reading note.
        """
        groups = (
            (
                inferred,
                "info",
                # Run-together digits split, or figures placed under the captions they stand beneath.
                "该处数值无法直接读出，是按“{lhs}与{rhs}相等”推断的，此关系不能再用于核验",
                "cells inferred",
            ),
            (unreadable, "warning", "单元格 {cells} 无法确定数值，{lhs}与{rhs}的关系未检查", "cells unreadable"),
        )
        for outcomes, severity, reason, reason_en in groups:
            if not outcomes or (severity == "warning" and not options.report_unverifiable):
                continue
            first_row, first_column = self._location(params, outcomes[0].item)
            labels = "、".join(self._item_label(spec, params, o.item) for o in outcomes)
            cells = "、".join(f"{r}/{c}" for o in outcomes for r, c in o.unusable)
            why = reason.format(lhs=params.lhs_name, rhs=params.rhs_name, cells=cells)
            yield finding(
                rule,
                f"无法核验{labels}：{why}",
                severity=severity,
                section=spec.section,
                table=params.table,
                # One item: its cell. Several: the line they share (the total column or row).
                row=first_row if len(outcomes) == 1 or params.along == "column" else None,
                column=first_column if len(outcomes) == 1 or params.along == "row" else None,
                loc=resolved.locs.get((first_row, first_column)),
                message_en=(
                    f"cannot verify {rule.id} for {', '.join(o.item for o in outcomes)}: {reason_en}"
                    + (f" ({cells})" if severity == "warning" else "")
                ),
            )

    def _suspect_cell(
        self, ctx: CheckContext, params: IdentityParams, spec: TableSpec, resolved: ResolvedTable, outcome: _Outcome
    ) -> str:
        """Name the one cell whose error explains both a row total and this column identity."""
        if params.along != "column" or not params.locate_with:
            return ""
        row_identity: _Failures | None = ctx.cache.get(f"identity-failures:{params.locate_with}")
        if row_identity is None:
            return ""
        column = outcome.item
        # A cell off by δ moves each identity it takes part in by +δ (left-hand side) or −δ (right).
        row_sign = 1 if column in row_identity.lhs else -1 if column in row_identity.rhs else 0
        lhs_rows, rhs_rows = set(spec.expand(params.lhs)), set(spec.expand(params.rhs))
        column_diff = outcome.lhs - outcome.rhs
        candidates = []
        for row_id, row_diff in row_identity.diffs.items():
            column_sign = 1 if row_id in lhs_rows else -1 if row_id in rhs_rows else 0
            if row_sign and column_sign and column_diff == row_diff * row_sign * column_sign:
                candidates.append((row_id, row_diff * row_sign))
        if len(candidates) != 1:
            return ""
        row_id, delta = candidates[0]
        printed = resolved.values.get((row_id, column))
        if printed is None:
            return ""
        return (
            f"；行与列的差额一致，可能是“{spec.row_label(row_id)}”行“{spec.column_label(column)}”列的"
            f"单元格有误（印为 {printed}，应为 {printed - delta}）"
        )

    @staticmethod
    def _keys(spec: TableSpec, names: list[str], item: str, along: str) -> list[Key]:
        expanded = spec.expand(names)
        if along == "column":
            return [(row, item) for row in expanded]
        return [(item, column) for column in expanded]

    @staticmethod
    def _location(params: IdentityParams, item: str) -> tuple[str, str]:
        first = params.lhs[0]
        return (first, item) if params.along == "column" else (item, first)

    @staticmethod
    def _item_label(spec: TableSpec, params: IdentityParams, item: str) -> str:
        if params.along == "column":
            column = spec.column(item)
            return f"“{column.label}”列" if column else item
        row = spec.row(item)
        return f"“{row.label}”行" if row else item


def _inferred_by(report: Report, table: str, identity: str, along: str) -> set[str]:
    """Rows (along: row) or columns (along: column) where ``identity`` chose an inferred split."""
    items: set[str] = set()
    for note in report.notes:
        if note.code != "inferred-split" or note.table != table or note.identity != identity:
            continue
        item = note.row if along == "row" else note.column
        if item is not None:
            items.add(item)
    return items


def _uncertain_readings(report: Report, table: str) -> set[Key]:
    """Cells of a scanned table that the mapping noted as possibly misread by OCR."""
    return {
        (note.row, note.column)
        for note in report.notes
        if note.code == "uncertain-reading" and note.table == table and note.row and note.column
    }


class NonNegativeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    table: str


class NonNegativeKind(RuleKind):
    name = "nonneg"
    Params = NonNegativeParams

    def check(self, rule: RuleSpec, params: NonNegativeParams, ctx: CheckContext) -> Iterator[Finding]:
        spec = ctx.table_spec(params.table)
        if spec is None:
            return
        for row_id, cells in ctx.report.tables.get(params.table, {}).items():
            for column_id, cell in cells.items():
                column = spec.column(column_id)
                if cell.value is None or (column is not None and column.signed):
                    continue
                is_count = column is None or column.type == "count"
                negative = cell.value < 0
                fractional = is_count and isinstance(cell.value, Decimal) and cell.value != int(cell.value)
                if not (negative or fractional):
                    continue
                what = "为负数" if negative else "不是整数"
                yield finding(
                    rule,
                    f"{params.table}“{spec.row_label(row_id)}”的“{spec.column_label(column_id)}”{what}：{cell.raw}",
                    section=spec.section,
                    table=params.table,
                    row=row_id,
                    column=column_id,
                    loc=cell.loc,
                    actual=cell.value,
                    evidence=row_evidence(ctx.report, params.table, row_id, spec),
                    message_en=f"{params.table} {row_id}/{column_id} must be a non-negative integer",
                )


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [IdentityKind(), NonNegativeKind()]
