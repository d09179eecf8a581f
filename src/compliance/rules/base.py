"""What every rule kind shares: the kind interface, the check context and finding helpers.

A *rule* is an entry of a YAML rule pack (id, metadata, parameters); a *rule kind* is the
Python code that evaluates entries of one ``kind``. Kinds are contributed through the
``compliance_rule_kinds`` hook, built-in ones included.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from compliance.layout import RuleSpec, TableSpec, TemplateLayout
from compliance.mapping.normalize import to_simplified
from compliance.model import Cell, Finding, FindingLocation, Loc, Report


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class RuleKind:
    """Base class of rule kinds. Subclasses set ``name`` and ``Params`` and implement ``check``.

    ``Params`` validates the rule pack's ``params`` (what the rule checks); ``Options``, when a kind
    sets it, validates what a project may tune in its config (``[tool.compliance.options.RULE-ID]``).
    """

    name: ClassVar[str] = ""
    Params: ClassVar[type[BaseModel]] = NoParams
    Options: ClassVar[type[BaseModel] | None] = None
    # Kinds that compare a report with last year's (ctx.previous); batches run them per pair.
    needs_previous: ClassVar[bool] = False

    def parse_params(self, rule: RuleSpec) -> BaseModel:
        return self.Params.model_validate(rule.params)

    def parse_options(self, values: dict[str, Any]) -> BaseModel | None:
        """Validate a project's options for a rule of this kind (raises ValueError when it takes none)."""
        if self.Options is None:
            if values:
                raise ValueError("this rule takes no options")
            return None
        if not values:  # the usual case, once per rule and report: the defaults, without building a validator
            return _defaults(self.Options)
        return self.Options.model_validate(values)

    def options(self, rule: RuleSpec, ctx: CheckContext) -> Any:
        """The options in force for this rule: the project's, else the model's defaults."""
        return self.parse_options(ctx.rule_options(rule.id))

    def check(self, rule: RuleSpec, params: Any, ctx: CheckContext) -> Iterator[Finding]:
        raise NotImplementedError


@functools.cache
def _defaults(options: type[BaseModel]) -> BaseModel:
    # Equal to validating {} (tests/test_rule_params.py): every field has a default, none is validated.
    return options.model_construct()


@dataclass
class CheckContext:
    """Everything a rule may look at for one report."""

    report: Report
    layouts: dict[str, TemplateLayout]
    previous: Report | None = None
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Per-report scratch space shared by rules (e.g. tables resolved under BLANK-POLICY).
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def layout(self) -> TemplateLayout | None:
        if self.report.template is None:
            return None
        return self.layouts.get(self.report.template)

    def table_spec(self, table: str) -> TableSpec | None:
        """The layout a table follows (its own, in hybrid reports), else the report's template."""
        info = self.report.table_info.get(table)
        version = (info.layout if info and info.layout else None) or self.report.template
        layout = self.layouts.get(version or "")
        return layout.tables.get(table) if layout else None

    def rule_options(self, rule_id: str) -> dict[str, Any]:
        return self.options.get(rule_id, {})

    def searchable(self, text: str) -> str:
        """Prose as the rules look for words in it: traditional characters read as simplified.

        Rule words are written in simplified characters; a report in traditional script (as some
        sites serve them) says the same things, and must not be told it left them out. Quotes in
        findings keep the report's own characters.
        """
        found = self.cache.setdefault("searchable", {})
        if text not in found:
            found[text] = to_simplified(text)
        return str(found[text])


def finding(
    rule: RuleSpec,
    message: str,
    *,
    severity: str | None = None,
    section: str | None = None,
    table: str | None = None,
    row: str | None = None,
    column: str | None = None,
    loc: Loc | None = None,
    expected: Any = None,
    actual: Any = None,
    evidence: str | None = None,
    message_en: str | None = None,
) -> Finding:
    location = FindingLocation(
        section=section,
        table=table,
        row=row,
        column=column,
        line=(loc.line if loc and loc.line is not None else (loc.line_start if loc else None)),
        page=loc.page if loc else None,
        char=loc.column if loc and loc.line is not None else None,
        offset=loc.offset if loc else None,
    )
    return Finding(
        rule=rule.id,
        category=rule.category,  # type: ignore[arg-type]
        severity=(severity or rule.severity),  # type: ignore[arg-type]
        message=message,
        location=location,
        expected=expected,
        actual=actual,
        evidence=evidence,
        message_en=message_en,
    )


def row_evidence(report: Report, table: str, row: str, spec: TableSpec | None) -> str | None:
    """The row as printed: its label and raw cells, for a finding's evidence."""
    cells = report.tables.get(table, {}).get(row)
    if not cells:
        return None
    label = spec.row_label(row) if spec is not None else row
    raws = [(c.raw if c.raw not in (None, "") else "□") for c in cells.values()]
    return " ".join([label, *raws])


def cell_loc(cell: Cell | None) -> Loc | None:
    return cell.loc if cell is not None else None
