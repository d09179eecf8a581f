"""Section-level structure beyond presence and order: numbering, promoted sub-topics, section 六.

``Report.outline`` lists every top-level heading as printed, with ``key`` None for headings that
are not template sections; a 总体情况 sub-topic promoted to a top-level heading shows there and
shifts the numerals of the statutory sections after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Finding, Loc, OutlineEntry
from compliance.rules.base import CheckContext, RuleKind, finding
from compliance.rules.blanks import resolved_table
from compliance.rules.improvement import bare_text


class OutlineParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    # Words of 总体情况 sub-topics: a top-level heading made of them was promoted from section 一.
    subtopic_words: list[str]


class OutlineKind(RuleKind):
    """STRUCT-NUMBERING: statutory sections carry their own numerals; no extra top-level headings shift them."""

    name = "outline"
    Params = OutlineParams

    def check(self, rule: RuleSpec, params: OutlineParams, ctx: CheckContext) -> Iterator[Finding]:
        layout = ctx.layout or next(iter(ctx.layouts.values()))
        numeral_of = {s.key: s.numeral for s in layout.sections}
        outline = ctx.report.outline
        first: dict[str, OutlineEntry] = {}
        for entry in outline:
            if entry.key is not None and entry.key not in first:
                first[entry.key] = entry
        keyed = [i for i, e in enumerate(outline) if e.key is not None and first.get(e.key) is e]
        if not keyed:
            return
        last_keyed = keyed[-1]
        extras = [e for i, e in enumerate(outline[:last_keyed]) if e.key is None and e.numeral is not None]
        shifted = [
            (key, entry)
            for key, entry in first.items()
            if entry.numeral is not None and numeral_of.get(key) not in (None, entry.numeral)
        ]
        promoted = [e for e in extras if any(w in e.title for w in params.subtopic_words)]
        promoted_ids = {id(e) for e in promoted}  # a list lookup per heading was quadratic
        evidence = _outline_text(outline)  # once: each extra heading's finding quotes it
        cause = ""
        if extras:
            names = "、".join(f"“{e.numeral}、{e.title}”" for e in extras)
            kind = "“总体情况”的子项被提升为一级标题" if promoted else "插入了格式以外的一级标题"
            cause = f"{kind}（{names}）"
        if shifted:
            wrong = "；".join(f"“{e.title}”编为“{e.numeral}”（应为“{numeral_of[k]}”）" for k, e in shifted)
            key, entry = shifted[0]
            yield finding(
                rule,
                f"法定部分的编号错位：{wrong}" + (f"，原因是{cause}" if cause else ""),
                section=key,
                loc=_loc(entry),
                evidence=evidence,
                message_en=f"{len(shifted)} statutory section(s) carry the wrong numeral",
            )
            return
        for entry in extras:
            why = "（像是“总体情况”的子项被提升为一级标题）" if id(entry) in promoted_ids else ""
            yield finding(
                rule,
                f"一级标题“{entry.numeral}、{entry.title}”不是格式规定的部分{why}",
                severity="info",
                loc=_loc(entry),
                evidence=evidence,
                message_en=f"top-level heading '{entry.title}' is not a template section",
            )


def _loc(entry: OutlineEntry) -> Loc | None:
    return Loc(line=entry.line) if entry.line is not None else None


# A report has a dozen headings; a hostile file thousands, each of which would quote them all.
_EVIDENCE_ENTRIES = 40


def _outline_text(outline: list[OutlineEntry]) -> str:
    shown = " / ".join(f"{e.numeral + '、' if e.numeral else ''}{e.title}" for e in outline[:_EVIDENCE_ENTRIES])
    return shown + (f" / …（共 {len(outline)} 个标题）" if len(outline) > _EVIDENCE_ENTRIES else "")


class NonEmptyParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    section: str


class NonEmptyKind(RuleKind):
    """S6-NONEMPTY: the section has some text ("无。" is acceptable)."""

    name = "section_nonempty"
    Params = NonEmptyParams

    def check(self, rule: RuleSpec, params: NonEmptyParams, ctx: CheckContext) -> Iterator[Finding]:
        section = ctx.report.section(params.section)
        if section is None or bare_text(section.text):
            return
        yield finding(
            rule,
            f"“{section.title}”没有任何内容（没有需要报告的事项时应写明“无”）",
            section=section.key,
            loc=section.loc,
            message_en="the section is empty",
        )


class MentionParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    section: str
    words: list[str]
    message: str
    message_en: str = ""
    # Only when this resolved cell is above zero (T3-FEE-LINK); otherwise always.
    when_positive: str | None = None
    # Only when the section's text matches this regular expression ("无其他需要报告的事项"), and
    # never when it matches ``unless_text`` (so that two rules do not report the same silence).
    when_text: str | None = None
    unless_text: str | None = None


class MentionKind(RuleKind):
    """S6-FEE / T3-FEE-LINK: the section mentions a subject (信息处理费), optionally only when a cell says so."""

    name = "mentions"
    Params = MentionParams

    def check(self, rule: RuleSpec, params: MentionParams, ctx: CheckContext) -> Iterator[Finding]:
        section = ctx.report.section(params.section)
        if section is None:
            return
        if params.when_text and not re.search(params.when_text, ctx.searchable(section.text)):
            return
        if params.unless_text and re.search(params.unless_text, ctx.searchable(section.text)):
            return
        count = None
        if params.when_positive:
            table, row, column = params.when_positive.split("/")
            found = resolved_table(ctx, table)
            count = found[0].values.get((row, column)) if found else None
            if not count:
                return
        if any(w in ctx.searchable(section.text) for w in params.words):
            return
        yield finding(
            rule,
            params.message.format(count=count, title=section.title),
            section=section.key,
            loc=section.loc,
            actual=count,
            message_en=params.message_en or None,
        )


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [OutlineKind(), NonEmptyKind(), MentionKind()]
