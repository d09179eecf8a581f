"""Statements without a figure against the tables: "申请均已办结" while cases are carried over.

The statements are claim patterns (``rules/claims/statements.yaml``) extracted with the numeric
claims; each names the rule that judges it. A statement is negative (its target must be 0): it is
contradicted only by a known positive value. A blank cell read as 0 never contradicts it; a value
that rests on an uncertain reading (digits split by inference, OCR, a total derived from its parts)
gives at most an info finding, since the contradiction may be the reading's and not the agency's.
A sentence that names other years but not the report's year is about another year and is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from compliance.claimspec import load_claim_patterns
from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Claim, Finding
from compliance.rules.base import CheckContext, RuleKind
from compliance.rules.narrative import (
    Target,
    about_other_year,
    claim_finding,
    target_label,
    target_value,
    uncertain,
)

_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class StatementParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    table_names: dict[str, str] = Field(default_factory=dict)
    # {said}: 正文称“…”; {where}: the table cell's name; {value}: its value.
    message: str = "{said}，但{where}为 {value}"
    message_en: str = "the prose states {target} is nil but the table says {value}"
    uncertain_note: str = "（该数值来自推断、识别或推算的单元格，请先核对表格读取）"


class StatementKind(RuleKind):
    """Judges the statements whose claim pattern names this rule (``rule: T3-DONE-TEXT``)."""

    name = "statement"
    Params = StatementParams

    def check(self, rule: RuleSpec, params: StatementParams, ctx: CheckContext) -> Iterator[Finding]:
        patterns = load_claim_patterns()
        for claim in ctx.report.claims:
            pattern = patterns.pattern(claim.kind)
            if pattern is None or pattern.rule != rule.id:
                continue
            target = Target.parse(claim.target or "")
            if target is None or about_other_year(claim.sentence or "", ctx.report.year):
                continue
            value = target_value(ctx, target)
            if value is None or value == claim.value or (pattern.negative and value <= 0):
                continue
            severity = min(rule.severity, pattern.severity, key=_SEVERITY_RANK.__getitem__)
            yield self._finding(rule, params, ctx, claim, target, value, severity)

    def _finding(
        self,
        rule: RuleSpec,
        params: StatementParams,
        ctx: CheckContext,
        claim: Claim,
        target: Target,
        value: int | Decimal,
        severity: str,
    ) -> Finding:
        spec = ctx.table_spec(target.table)
        where = params.table_names.get(target.table, target.table) + target_label(spec, target, {})
        message = params.message.format(said=f"正文称“{claim.text}”", where=where, value=value)
        if uncertain(ctx, target):
            severity, message = "info", message + params.uncertain_note
        message_en = params.message_en.format(target=f"{target.table}.{target.row_key}.{target.column}", value=value)
        return claim_finding(rule, claim, target, value, message, severity, message_en)


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [StatementKind()]
