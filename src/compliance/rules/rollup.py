"""Roll-up rule kinds: a parent region's figures against the sum of its children's reports.

A rule sees one report, and a roll-up needs several, so these kinds only declare their
parameters; the batch evaluates them (``compliance.rollup``) once every report is loaded.
Keeping them in a rule pack lets ``compliance rules``/``explain``/``--select`` treat them
like any other rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Finding
from compliance.rules.base import CheckContext, RuleKind


class CellRefParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    row: str
    column: str


class RollupSumParams(BaseModel):
    """The parent's cells compared with the sum of the same cells in its children's reports."""

    model_config = ConfigDict(extra="forbid")
    table: str
    cells: list[CellRefParams]


class RollupSumKind(RuleKind):
    name = "rollup_sum"
    Params = RollupSumParams

    def check(self, rule: RuleSpec, params: RollupSumParams, ctx: CheckContext) -> Iterator[Finding]:
        return iter(())  # evaluated across reports by compliance.rollup


class RollupMissingKind(RuleKind):
    name = "rollup_missing"

    def check(self, rule: RuleSpec, params: BaseModel, ctx: CheckContext) -> Iterator[Finding]:
        return iter(())  # evaluated across reports by compliance.rollup


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [RollupSumKind(), RollupMissingKind()]
