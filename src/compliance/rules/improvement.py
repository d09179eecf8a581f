"""Section 五 (存在的主要问题及改进情况): present, not a placeholder, naming problems and measures.

Word lists and thresholds are rule-pack parameters. Section 五 copied from last year's report
(S5-COPY) is a cross-year rule: see ``rules/crossyear.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Finding
from compliance.rules.base import CheckContext, RuleKind, finding

_PUNCTUATION = re.compile(r"[\s。，、；：！？.,;:!?“”\"'（）()【】\[\]…—\-]+")


def bare_text(text: str) -> str:
    """Text without whitespace and punctuation: what is left to read."""
    return _PUNCTUATION.sub("", text)


def _quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


class ContentParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    section: str = "S5"
    placeholders: list[str]
    # Fewer characters than this (punctuation aside) cannot state a problem and a measure.
    min_chars: int = 40


class SectionContentKind(RuleKind):
    """S5-CONTENT: the section has a body, which is neither a placeholder nor a token sentence."""

    name = "section_content"
    Params = ContentParams

    def check(self, rule: RuleSpec, params: ContentParams, ctx: CheckContext) -> Iterator[Finding]:
        section = ctx.report.section(params.section)
        if section is None:
            return  # a missing section is STRUCT-SECTIONS' finding
        body = bare_text(section.text)
        if not body:
            message, message_en = f"“{section.title}”没有正文", "the section has no body"
        elif body in params.placeholders:
            message = f"“{section.title}”只写了“{section.text.strip()}”，未报告存在的问题及改进情况"
            message_en = "the section is a placeholder"
        elif len(body) < params.min_chars:
            message = f"“{section.title}”正文仅 {len(body)} 字，不足以说明存在的问题及改进措施"
            message_en = f"the section is only {len(body)} characters long"
        else:
            return
        yield finding(
            rule,
            message,
            section=section.key,
            loc=section.loc,
            evidence=_quote(section.text) or section.title,
            message_en=message_en,
        )


class BothParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    section: str = "S5"
    problem_words: list[str]
    measure_words: list[str]


class ProblemsAndMeasuresKind(RuleKind):
    """S5-BOTH: problems and improvement measures are both named."""

    name = "problems_and_measures"
    Params = BothParams

    def check(self, rule: RuleSpec, params: BothParams, ctx: CheckContext) -> Iterator[Finding]:
        section = ctx.report.section(params.section)
        if section is None:
            return
        text = ctx.searchable(section.text)
        problems = any(w in text for w in params.problem_words)
        measures = any(w in text for w in params.measure_words)
        if problems and measures:
            return
        if measures:
            missing, missing_en = "存在的问题", "measures but no problems"
        elif problems:
            missing, missing_en = "改进措施", "problems but no measures"
        else:
            missing, missing_en = "存在的问题和改进措施", "neither problems nor measures"
        yield finding(
            rule,
            f"“{section.title}”未写明{missing}",
            section=section.key,
            loc=section.loc,
            evidence=_quote(text) or None,
            message_en=f"section 五 names {missing_en}",
        )


class PreviousParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    section: str = "S5"
    # Words saying last year's problems were dealt with; "{prev}" is replaced by the previous year.
    markers: list[str]


class PreviousRectificationKind(RuleKind):
    """S5-PREV (V2021): section 五 reports how last year's problems were rectified."""

    name = "previous_rectification"
    Params = PreviousParams

    def check(self, rule: RuleSpec, params: PreviousParams, ctx: CheckContext) -> Iterator[Finding]:
        section = ctx.report.section(params.section)
        if section is None:
            return
        text = bare_text(ctx.searchable(section.text))
        prev = str(ctx.report.year - 1) if ctx.report.year else None
        markers = [m.replace("{prev}", prev or "") for m in params.markers if prev or "{prev}" not in m]
        if any(bare_text(m) in text for m in markers):
            return
        yield finding(
            rule,
            f"“{section.title}”未说明上年度报告所列问题的整改情况",
            section=section.key,
            loc=section.loc,
            evidence=_quote(section.text) or None,
            message_en="section 五 does not report how last year's problems were rectified",
        )


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [SectionContentKind(), ProblemsAndMeasuresKind(), PreviousRectificationKind()]
