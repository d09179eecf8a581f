"""Narrative consistency: figures the prose states (``Report.claims``) against the tables.

Each claim names its target (a cell, or a derived subtotal such as ``T3.@deny.total`` per
templates.md §5.2 T3-GROUP-DERIVED); the value compared is the table after BLANK-POLICY. A
definite contradiction has the claim pattern's severity; a figure that matches another legitimate
reading (new + carried-in applications), an approximate figure, or a figure whose scope is
doubtful (a sub-unit, the office acting for the government) is at most a warning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from compliance.claimspec import ClaimPattern, ClaimPatterns, load_claim_patterns
from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec, TableSpec
from compliance.model import CellStatus, Claim, Finding
from compliance.rules.base import CheckContext, RuleKind, finding
from compliance.rules.blanks import resolved_table

Number = int | Decimal
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


class Target(BaseModel):
    """``T3.granted+partial.total`` → table T3, rows [granted, partial], column total."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    table: str
    rows: tuple[str, ...]
    column: str

    @staticmethod
    def parse(text: str) -> Target | None:
        return _parse_target(text)

    @property
    def row_key(self) -> str:
        return "+".join(self.rows)


@functools.lru_cache(maxsize=1024)  # claims of every report name the same few dozen targets
def _parse_target(text: str) -> Target | None:
    parts = text.split(".")
    if len(parts) < 3:
        return None
    # Frozen, so every caller can share the one instance.
    return Target(table=parts[0], rows=tuple(".".join(parts[1:-1]).split("+")), column=parts[-1])


def target_value(ctx: CheckContext, target: Target) -> Number | None:
    """The target's value in the resolved table, or None when a row or cell is missing or unreadable."""
    found = resolved_table(ctx, target.table)
    if found is None:
        return None
    resolved, spec = found
    data = ctx.report.tables.get(target.table, {})
    try:
        rows = spec.expand(list(target.rows))
    except KeyError:
        return None
    total: Number = 0
    for row in rows:
        key = (row, target.column)
        if row not in data or key in resolved.unusable or key not in resolved.values:
            return None
        total += resolved.values[key]
    return total


def component_values(ctx: CheckContext, target: Target) -> list[Number]:
    """The target recomputed from the parts of its total cells (总计 from the applicant columns,
    （七）总计 from the outcome rows). When the prose agrees with these but not with the printed
    total, the total cell is the slip and the arithmetic rules already report it."""
    found = resolved_table(ctx, target.table)
    if found is None:
        return []
    resolved, spec = found
    try:
        rows = spec.expand(list(target.rows))
    except KeyError:
        return []
    out: list[Number] = []
    for total in spec.totals:
        if total.along == "row" and total.target.column == target.column:
            keys = [(r, c) for r in rows for c in spec.expand(total.parts)]
        elif total.along == "column" and rows == [total.target.row]:
            keys = [(r, target.column) for r in spec.expand(total.parts)]
        else:
            continue
        if all(k in resolved.values for k in keys):
            out.append(sum((resolved.values[k] for k in keys), start=0))
    return out


def _approximately(text: str, claimed: Number, actual: Number, tolerance: Decimal, patterns: ClaimPatterns) -> bool:
    """Whether a table value fits an approximate figure: "1000余件" fits 1000–2000, "近100件"
    fits 80–100, "约50件" fits 40–60 (with the default tolerance of 20 %)."""
    grammar = patterns.number
    value, scale = Decimal(actual), _magnitude(claimed) or Decimal(1)
    if any(marker in text for marker in grammar.lower_bound):
        return Decimal(claimed) <= value <= Decimal(claimed) + scale
    if any(marker in text for marker in grammar.upper_bound):
        return Decimal(claimed) - tolerance * scale <= value <= Decimal(claimed)
    return _magnitude(actual - claimed) <= tolerance * scale


def _magnitude(value: Number) -> Decimal:
    return Decimal(-value if value < 0 else value)


def claim_finding(
    rule: RuleSpec, claim: Claim, target: Target, expected: Number, message: str, severity: str, message_en: str
) -> Finding:
    """A finding on a claim of the prose about a table cell: located at the claim, the cell named."""
    return finding(
        rule,
        message,
        severity=severity,
        section=claim.section,
        table=target.table,
        row=target.row_key,
        column=target.column,
        loc=claim.loc,
        expected=expected,
        actual=claim.value,
        evidence=claim.sentence or claim.text,
        message_en=message_en,
    )


def target_label(spec: TableSpec | None, target: Target, group_labels: dict[str, str]) -> str:
    """A reader's name for the target: “（三）不予公开”各项之和 / “行政复议”的“总计”."""
    names = []
    for row in target.rows:
        if row.startswith("@"):
            names.append(group_labels.get(row[1:], row))
        else:
            names.append(spec.row_label(row) if spec else row)
    column_name = spec.column_label(target.column) if spec else target.column
    return f"“{'”与“'.join(names)}”的“{column_name}”"


def about_other_year(sentence: str, year: int | None) -> bool:
    """The sentence names years, and the report's year is not among them."""
    if year is None:
        return False
    years = {int(y) for y in _YEAR.findall(sentence)}
    return bool(years) and year not in years


def uncertain(ctx: CheckContext, target: Target) -> bool:
    """Whether the target's value rests on a reading the engine is unsure of.

    A total that was blank and derived from its parts, a cell split out of run-together digits,
    or one read by OCR: the contradiction may then be the reading's own.
    """
    found = resolved_table(ctx, target.table)
    spec = ctx.table_spec(target.table)
    if found is None or spec is None:
        return True
    resolved, _ = found
    data = ctx.report.tables.get(target.table, {})
    try:
        rows = spec.expand(list(target.rows))
    except KeyError:
        return True
    for row in rows:
        if (row, target.column) in resolved.derived or (row, target.column) in resolved.unplaced:
            return True
        for cell in data.get(row, {}).values():
            if cell.status is CellStatus.inferred or cell.confidence is not None:
                return True
    return False


def doubtful_reading(ctx: CheckContext, target: Target) -> bool:
    """Whether the target's value rests on an OCR'd cell read with low confidence, or one the
    mapping noted as possibly misread: a contradiction is then the reading's, not the agency's."""
    spec = ctx.table_spec(target.table)
    if spec is None:
        return False
    try:
        rows = spec.expand(list(target.rows))
    except KeyError:
        return False
    flagged = {
        (note.row, note.column)
        for note in ctx.report.notes
        if note.code == "uncertain-reading" and note.table == target.table
    }
    data = ctx.report.tables.get(target.table, {})
    for row in rows:
        cell = data.get(row, {}).get(target.column)
        if (row, target.column) in flagged:
            return True
        if cell is not None and cell.doubtful:
            return True
    return False


class NarrativeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    # Only claims about these tables are this rule's business (T2-TEXT, T3-TEXT, T4-TEXT).
    tables: list[str]
    # An approximate figure ("1000余件") within this share of the table value is no finding at all.
    approx_tolerance: Decimal = Decimal("0.2")
    group_labels: dict[str, str] = Field(default_factory=dict)
    table_names: dict[str, str] = Field(default_factory=dict)


class NarrativeKind(RuleKind):
    name = "narrative"
    Params = NarrativeParams

    def check(self, rule: RuleSpec, params: NarrativeParams, ctx: CheckContext) -> Iterator[Finding]:
        patterns = load_claim_patterns()
        for claim in ctx.report.claims:
            target = Target.parse(claim.target or "")
            if target is None or target.table not in params.tables:
                continue
            judge = patterns.pattern(claim.kind)
            if judge is not None and judge.rule is not None and judge.rule != rule.id:
                continue  # a statement another rule judges (e.g. "均已办结": T3-DONE-TEXT)
            expected = target_value(ctx, target)
            if expected is None or expected == claim.value or claim.value in component_values(ctx, target):
                continue
            if judge is not None and judge.negative and about_other_year(claim.sentence or "", ctx.report.year):
                continue  # "2022年未发生行政复议" in a 2023 report says nothing about this year's table
            produced = self._compare(rule, params, ctx, claim, target, expected, patterns)
            if produced is not None and produced.severity == "error" and doubtful_reading(ctx, target):
                # Read by OCR with low confidence: cannot verify, never the agency's error.
                produced = produced.model_copy(
                    update={
                        "severity": "info",
                        "message": produced.message + "（该单元格的 OCR 识别结果不确定，无法核验）",
                    }
                )
            elif produced is not None and judge is not None and judge.negative and uncertain(ctx, target):
                # A statement contradicted only by an inferred, OCR or derived value may be the reading's slip.
                produced = produced.model_copy(
                    update={"severity": "info", "message": produced.message + "（该数值来自推断、识别或推算的单元格）"}
                )
            if produced is not None:
                yield produced

    def _compare(
        self,
        rule: RuleSpec,
        params: NarrativeParams,
        ctx: CheckContext,
        claim: Claim,
        target: Target,
        expected: Number,
        patterns: ClaimPatterns,
    ) -> Finding | None:
        pattern: ClaimPattern | None = patterns.pattern(claim.kind)
        spec = ctx.table_spec(target.table)
        where = f"{params.table_names.get(target.table, target.table)}{target_label(spec, target, params.group_labels)}"
        said = f"正文称“{claim.text}”"

        def emit(severity: str, message: str, message_en: str) -> Finding:
            return claim_finding(rule, claim, target, expected, message, severity, message_en)

        # Another legitimate reading whose cells could not be read may be the one the prose means.
        undecided = False
        for reading in pattern.readings if pattern else []:
            alt_target = Target.parse(reading.target)
            alt = target_value(ctx, alt_target) if alt_target else None
            undecided = undecided or (alt_target is not None and alt is None)
            if alt is None or alt != claim.value:
                continue
            if reading.severity == "none":
                return None
            text = reading.message.format(expected=expected, expected_alt=alt) if reading.message else ""
            return emit(reading.severity, f"{said}，{text}", reading.message_en or "figure matches another reading")
        claimed: Number = claim.value
        if claim.approximate:
            if _approximately(claim.text, claimed, expected, params.approx_tolerance, patterns):
                return None
            return emit(
                "warning",
                f"{said}（约数），{where}为 {expected}，相差较大",
                f"approximate figure {claim.value} is far from the table's {expected}",
            )
        if claim.scope:
            marker = claim.scope.split(": ")[-1]
            return emit(
                "warning",
                f"{said}，{where}为 {expected}；该数字所述范围可能与统计表不同（{marker}），请核实",
                f"stated {claim.value}, table {expected}; the figure may cover a different body than the table",
            )
        severity = pattern.severity if pattern else rule.severity
        if undecided and severity == "error":
            return emit(
                "info",
                f"{said}，{where}为 {expected}；正文可能按另一口径计数，而该口径所需的单元格未能读出，无法核验",
                f"stated {claim.value}, table {expected}; the figure may follow another reading whose cells "
                "could not be read: cannot verify",
            )
        return emit(
            severity,
            f"{said}，但{where}为 {expected}",
            f"the prose states {claim.value} but {target.table} {target.row_key}/{target.column} is {expected}",
        )


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [NarrativeKind()]
