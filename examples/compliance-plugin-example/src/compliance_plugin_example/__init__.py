"""Example compliance plugin: the ``section_length`` rule kind, its rule pack, and the ``oneline`` format."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Finding, FindingsDocument, Report
from compliance.rules.base import CheckContext, RuleKind, finding

__version__ = "0.1.0"


class SectionLengthParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    section: str
    min_chars: int


class SectionLengthOptions(BaseModel):
    """A project may ask for more (or less) than the pack's threshold."""

    model_config = ConfigDict(extra="forbid")
    min_chars: int | None = None


class SectionLengthKind(RuleKind):
    """A present section whose text (ignoring whitespace) is shorter than ``min_chars``."""

    name = "section_length"
    Params = SectionLengthParams
    Options = SectionLengthOptions

    def check(self, rule: RuleSpec, params: SectionLengthParams, ctx: CheckContext) -> Iterator[Finding]:
        section = ctx.report.section(params.section)
        if section is None:
            return  # a missing section is STRUCT-SECTIONS' business
        options: SectionLengthOptions = self.options(rule, ctx)
        minimum = options.min_chars if options.min_chars is not None else params.min_chars
        length = len("".join(section.text.split()))
        if length < minimum:
            yield finding(
                rule,
                f"“{section.title}”正文只有 {length} 个字，不足 {minimum} 个字，难以写明问题和改进措施",
                section=params.section,
                loc=section.loc,
                expected=minimum,
                actual=length,
                message_en=f"section {params.section} has {length} characters of text; at least {minimum} expected",
            )


class OnelineFormatter:
    """``path:line: severity RULE message`` per finding, for editors and grep."""

    name = "oneline"
    machine_readable = True

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        lines = []
        for result in document.reports:
            for found in result.findings:
                line = found.location.line or 1
                lines.append(f"{result.source}:{line}: {found.severity} {found.rule} {found.message}")
        return "".join(line + "\n" for line in lines)


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [SectionLengthKind()]


@hookimpl
def compliance_rule_packs() -> list[Path]:
    return [Path(__file__).parent / "packs" / "example.yaml"]


@hookimpl
def compliance_formatters() -> list[object]:
    return [OnelineFormatter()]
