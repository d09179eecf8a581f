"""Cross-year rules: a report against the same agency's report of the year before (ctx.previous).

Which cells must agree, the similarity threshold and what counts as "the same text" are all
rule-pack data (``rules/packs/crossyear.yaml``); these kinds only evaluate them. Every kind
stays silent when there is no previous report: pairing is the batch's job (``batch.py``) or
the user's (``--previous``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec, TableSpec, TemplateLayout
from compliance.model import CellStatus, Finding, Report
from compliance.rules.base import CheckContext, RuleKind, finding, row_evidence
from compliance.rules.blanks import resolve_table
from compliance.rules.regex_guard import SafePattern

Number = int | Decimal


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


def _spec(report: Report, layouts: dict[str, TemplateLayout], table: str) -> TableSpec | None:
    info = report.table_info.get(table)
    version = (info.layout if info and info.layout else None) or report.template
    layout = layouts.get(version or "")
    return layout.tables.get(table) if layout else None


def _layout_id(report: Report, table: str) -> str | None:
    info = report.table_info.get(table)
    return (info.layout if info and info.layout else None) or report.template


class Term(_Params):
    """One cell of the formula: from this report or the previous one; ``row``/``column`` default to the item."""

    source: Literal["this", "previous"]
    row: str | None = None
    column: str | None = None
    sign: Literal[1, -1] = 1


class YoyIdentityParams(_Params):
    """``this[target] = Σ sign·term`` for every item (a column when along: column, a row when along: row)."""

    table: str
    along: Literal["row", "column"]
    items: list[str]
    target: Term
    terms: list[Term]
    # Both reports' tables must follow one of these layouts (T2 changed between versions).
    layouts: list[str] = Field(default_factory=lambda: ["V2019", "V2021"])
    # T3/T4 blanks follow BLANK-POLICY (derived totals, other blanks 0); T2 blanks stay unknown.
    blank_as_zero: bool = False
    message: str
    message_en: str


class YoyIdentityKind(RuleKind):
    """T3-CARRY-YOY, T2V21-VALID-YOY, T2V19-PREV-YOY: an identity across two reports' cells."""

    name = "yoy_identity"
    Params = YoyIdentityParams
    needs_previous: ClassVar[bool] = True

    def check(self, rule: RuleSpec, params: YoyIdentityParams, ctx: CheckContext) -> Iterator[Finding]:
        previous = ctx.previous
        if previous is None:
            return
        report, table = ctx.report, params.table
        spec = _spec(report, ctx.layouts, table)
        previous_spec = _spec(previous, ctx.layouts, table)
        if spec is None or previous_spec is None:
            return
        if {_layout_id(report, table), _layout_id(previous, table)} - set(params.layouts):
            return  # the two years use different table layouts: nothing comparable
        values = {
            "this": self._values(report, table, spec, params),
            "previous": self._values(previous, table, previous_spec, params),
        }
        unknown: list[str] = []
        for item in params.items:
            target_key = self._key(params.target, item, params.along)
            actual = values["this"].get(target_key)
            parts = [(t, values[t.source].get(self._key(t, item, params.along))) for t in params.terms]
            if actual is None or any(v is None for _, v in parts):
                unknown.append(item)
                continue
            expected: Number = sum((t.sign * v for t, v in parts if v is not None), start=0)
            if expected == actual:
                continue
            cell = report.cell(table, *target_key)
            label = self._label(spec, item, params.along)
            fields = {"item": label, "expected": expected, "actual": actual, "year": report.year}
            fields["prev_year"] = previous.year
            yield finding(
                rule,
                params.message.format_map(fields),
                section=spec.section,
                table=table,
                row=target_key[0],
                column=target_key[1],
                loc=cell.loc if cell else None,
                expected=expected,
                actual=actual,
                evidence=row_evidence(report, table, target_key[0], spec),
                message_en=params.message_en.format_map({**fields, "item": item}),
            )
        if unknown and len(unknown) == len(params.items):
            yield finding(
                rule,
                f"无法与{previous.year or '上'}年报告比对{table}：所需单元格缺失或无法读取",
                severity="info",
                section=spec.section,
                table=table,
                message_en=f"cannot compare {table} with the previous year's report: cells missing or unreadable",
            )

    @staticmethod
    def _key(term: Term, item: str, along: str) -> tuple[str, str]:
        if along == "column":
            return term.row or "", term.column or item
        return term.row or item, term.column or ""

    @staticmethod
    def _values(report: Report, table: str, spec: TableSpec, params: YoyIdentityParams) -> dict:
        if table not in report.tables:
            return {}
        if params.blank_as_zero:
            resolved = resolve_table(report, table, spec)
            return dict(resolved.values)
        return {
            (row, column): cell.value
            for row, cells in report.tables[table].items()
            for column, cell in cells.items()
            if cell.value is not None and cell.status is CellStatus.read
        }

    @staticmethod
    def _label(spec: TableSpec, item: str, along: str) -> str:
        found = spec.column(item) if along == "column" else spec.row(item)
        return f"“{found.label}”" if found else item


class CopyPasteParams(_Params):
    sections: list[str]
    threshold: float = Field(ge=0, le=100)  # rapidfuzz ratio, 0–100, after normalisation
    min_chars: int = 60  # shorter sections ("无。") say too little to call them copied
    # Regexes replaced by a placeholder before comparing, so a changed year or figure does
    # not hide a copied paragraph.
    normalise: list[SafePattern] = Field(default_factory=list)
    sentence_split: SafePattern = "[。；;！？\\n]"
    quotes: int = 2
    quote_chars: int = 60


class CopyPasteKind(RuleKind):
    """COPY-YOY / S5-COPY (内容雷同): a section nearly identical to last year's."""

    name = "copy_paste"
    Params = CopyPasteParams
    needs_previous: ClassVar[bool] = True

    def check(self, rule: RuleSpec, params: CopyPasteParams, ctx: CheckContext) -> Iterator[Finding]:
        previous = ctx.previous
        if previous is None:
            return
        patterns = [re.compile(p) for p in params.normalise]
        for key in params.sections:
            this_section, last_section = ctx.report.section(key), previous.section(key)
            if this_section is None or last_section is None:
                continue
            this_text, last_text = _normal(this_section.text, patterns), _normal(last_section.text, patterns)
            if min(len(this_text), len(last_text)) < params.min_chars:
                continue
            score = fuzz.ratio(this_text, last_text)
            if score < params.threshold:
                continue
            quoted = "；".join(
                f"“{_clip(mine, params.quote_chars)}”（上年：“{_clip(theirs, params.quote_chars)}”）"
                for mine, theirs in _similar_passages(this_section.text, last_section.text, params, patterns)
            )
            yield finding(
                rule,
                f"“{this_section.title}”与{previous.year or '上'}年报告同一部分内容雷同（相似度 {score:.0f}%）"
                + (f"，例如：{quoted}" if quoted else ""),
                section=key,
                loc=this_section.loc,
                evidence=_clip(this_section.text, params.quote_chars * 2),
                message_en=f"section {key} is {score:.0f}% similar to the previous year's report",
            )


def _normal(text: str, patterns: list[re.Pattern[str]]) -> str:
    for pattern in patterns:
        text = pattern.sub("#", text)
    return re.sub(r"\s+", "", text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _similar_passages(
    this_text: str, last_text: str, params: CopyPasteParams, patterns: list[re.Pattern[str]]
) -> list[tuple[str, str]]:
    """The longest sentences of this year's section with their closest match last year."""
    splitter = re.compile(params.sentence_split)
    mine = [s.strip() for s in splitter.split(this_text) if len(s.strip()) >= 8]
    theirs = [s.strip() for s in splitter.split(last_text) if len(s.strip()) >= 8]
    if not mine or not theirs:
        return []
    normal_theirs = [_normal(s, patterns) for s in theirs]
    scored = []
    for sentence in mine:
        best = process.extractOne(_normal(sentence, patterns), normal_theirs, scorer=fuzz.ratio)
        if best is not None:
            scored.append((best[1], len(sentence), sentence, theirs[best[2]]))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return [(s[2], s[3]) for s in scored[: params.quotes]]


class SameFiguresParams(_Params):
    tables: list[str]
    # All-zero tables (no applications, no cases) are legitimately the same every year.
    min_nonzero: int = 3


class SameFiguresKind(RuleKind):
    """FIGURES-YOY: every table repeats last year's figures cell for cell."""

    name = "same_figures"
    Params = SameFiguresParams
    needs_previous: ClassVar[bool] = True

    def check(self, rule: RuleSpec, params: SameFiguresParams, ctx: CheckContext) -> Iterator[Finding]:
        previous = ctx.previous
        if previous is None:
            return
        nonzero = 0
        for table in params.tables:
            this_values, last_values = _cell_values(ctx.report, table), _cell_values(previous, table)
            if not this_values or this_values != last_values:
                return
            nonzero += sum(1 for v in this_values.values() if v)
        if nonzero < params.min_nonzero:
            return
        names = "、".join(params.tables)
        yield finding(
            rule,
            f"统计表（{names}）的全部数字与{previous.year or '上'}年报告完全相同，疑似照搬上年数据",
            message_en=f"every figure in {names} equals the previous year's report",
        )


def _cell_values(report: Report, table: str) -> dict[tuple[str, str], Number]:
    return {
        (row, column): cell.value
        for row, cells in report.tables.get(table, {}).items()
        for column, cell in cells.items()
        if cell.value is not None
    }


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [YoyIdentityKind(), CopyPasteKind(), SameFiguresKind()]
