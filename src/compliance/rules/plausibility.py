"""Plausibility warnings: table 二 relations that usually hold (templates.md §5.4) and prose checks.

Nothing here is an exact identity; every finding is a warning that asks a person to look. Word
lists, patterns and thresholds are rule-pack parameters.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Cell, Finding
from compliance.rules.base import CheckContext, RuleKind, finding, row_evidence
from compliance.rules.regex_guard import SafePattern


def _value(cell: Cell | None) -> int | Decimal | None:
    return cell.value if cell is not None and cell.status.value in ("read", "inferred") else None


def _printed_as_rule(
    rule: RuleSpec, ctx: CheckContext, table: str, rows: list[str]
) -> Generator[Finding, None, list[str]]:
    """The rows printed with the columns this rule's template version defines.

    A row printed under the other version's column header (a hybrid sub-table) holds other
    quantities under similar names (本年新制作数量 is not 本年制发件数): comparing them would be
    wrong, so the rule says once that it cannot verify those rows and skips them.
    """
    info = ctx.report.table_info.get(table)
    printed = info.row_layouts if info is not None else {}
    other = [row for row in rows if printed.get(row, rule.templates[0]) not in rule.templates]
    if other:
        spec = ctx.table_spec(table)
        labels = "、".join(spec.row_label(r) if spec else r for r in other)
        yield finding(
            rule,
            f"无法核验表二“{labels}”：该分表按另一版模板的列标题填报，列的含义不同",
            severity="info",
            section=spec.section if spec else None,
            table=table,
            row=other[0] if len(other) == 1 else None,
            message_en=f"cannot verify {table} rows {', '.join(other)}: printed under the other version's columns",
        )
    return [row for row in rows if row not in other]


class AtLeastParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    table: str = "T2"
    rows: list[str]
    greater: str
    lesser: str
    message: str


class AtLeastKind(RuleKind):
    """``greater ≥ lesser`` in each row (T2V21-VALID-GE-MADE, T2V19-TOTAL-GE-PUB)."""

    name = "at_least"
    Params = AtLeastParams

    def check(self, rule: RuleSpec, params: AtLeastParams, ctx: CheckContext) -> Iterator[Finding]:
        spec = ctx.table_spec(params.table)
        rows = yield from _printed_as_rule(rule, ctx, params.table, params.rows)
        for row in rows:
            greater = _value(ctx.report.cell(params.table, row, params.greater))
            lesser = _value(ctx.report.cell(params.table, row, params.lesser))
            if greater is None or lesser is None or greater >= lesser:
                continue
            label = spec.row_label(row) if spec else row
            yield finding(
                rule,
                params.message.format(row=label, greater=greater, lesser=lesser),
                section=spec.section if spec else None,
                table=params.table,
                row=row,
                column=params.greater,
                loc=ctx.report.cell(params.table, row, params.greater).loc,  # type: ignore[union-attr]
                expected=lesser,
                actual=greater,
                evidence=row_evidence(ctx.report, params.table, row, spec),
                message_en=f"{params.table} {row}: {params.greater} {greater} < {params.lesser} {lesser}",
            )


class DeltaParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    table: str = "T2"
    rows: list[str]


class DeltaSignKind(RuleKind):
    """T2V19-DELTA-SIGN: 本年增/减 is a clean signed number and 上一年 + 增减 is not negative."""

    name = "delta_sign"
    Params = DeltaParams

    def check(self, rule: RuleSpec, params: DeltaParams, ctx: CheckContext) -> Iterator[Finding]:
        spec = ctx.table_spec(params.table)
        rows = yield from _printed_as_rule(rule, ctx, params.table, params.rows)
        for row in rows:
            prev_cell = ctx.report.cell(params.table, row, "prev")
            delta_cell = ctx.report.cell(params.table, row, "delta")
            prev, delta = _value(prev_cell), _value(delta_cell)
            problems = []
            if prev_cell is not None and (prev_cell.raw or "").strip()[:1] in ("+", "-"):
                problems.append(f"“上一年项目数量”带正负号（{prev_cell.raw}），可能填错了列")
            if delta_cell is not None and re.search(r"[+\-]{2}", delta_cell.raw or ""):
                problems.append(f"“本年增/减”符号异常（{delta_cell.raw}）")
            if prev is not None and delta is not None and prev + delta < 0:
                problems.append(f"上一年项目数量 {prev} 加本年增/减 {delta} 为负数")
            if not problems:
                continue
            label = spec.row_label(row) if spec else row
            yield finding(
                rule,
                f"表二“{label}”：" + "；".join(problems),
                section=spec.section if spec else None,
                table=params.table,
                row=row,
                column="delta",
                loc=delta_cell.loc if delta_cell else None,
                evidence=row_evidence(ctx.report, params.table, row, spec),
                message_en=f"{params.table} {row}: implausible previous count / signed change",
            )


class FeeUnitParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    table: str = "T2"
    row: str = "fee"
    column: str = "amount_wan"
    # More than this many 万元 of fees is implausible for one agency: probably 元 written as 万元.
    max_wan: Decimal = Decimal("1000000")


class FeeUnitKind(RuleKind):
    """T2-FEE-UNIT: the fee amount is in 万元, not 元."""

    name = "fee_unit"
    Params = FeeUnitParams

    def check(self, rule: RuleSpec, params: FeeUnitParams, ctx: CheckContext) -> Iterator[Finding]:
        cell = ctx.report.cell(params.table, params.row, params.column)
        if cell is None or cell.value is None:
            return
        raw = cell.raw or ""
        in_yuan = cell.unit == "元" or ("元" in raw and "万元" not in raw)
        too_large = cell.value > params.max_wan
        if not (in_yuan or too_large):
            return
        why = (
            "单元格以“元”为单位，表头要求万元" if in_yuan else f"金额 {cell.value} 万元大得不合常理，可能把元填成了万元"
        )
        spec = ctx.table_spec(params.table)
        yield finding(
            rule,
            f"表二“行政事业性收费”收费金额：{why}",
            section=spec.section if spec else None,
            table=params.table,
            row=params.row,
            column=params.column,
            loc=cell.loc,
            actual=cell.value,
            evidence=row_evidence(ctx.report, params.table, params.row, spec),
            message_en="fee amount unit looks wrong (元 instead of 万元)",
        )


class TopicsParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    section: str = "S1"
    # Topic name → words any of which shows the topic is covered.
    topics: dict[str, list[str]]


class TopicsKind(RuleKind):
    """S1-TOPICS: section 一 covers each required sub-topic."""

    name = "topics"
    Params = TopicsParams

    def check(self, rule: RuleSpec, params: TopicsParams, ctx: CheckContext) -> Iterator[Finding]:
        section = ctx.report.section(params.section)
        if section is None:
            return
        text = ctx.searchable(section.text)
        missing = [name for name, words in params.topics.items() if not any(w in text for w in words)]
        if missing:
            yield finding(
                rule,
                f"“{section.title}”未涉及：{'、'.join(missing)}",
                section=section.key,
                loc=section.loc,
                message_en=f"section 一 does not cover: {', '.join(missing)}",
            )


class GovEvalParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    # Reports of people's governments (not their departments) must report evaluation results.
    government_agency: SafePattern
    # Item → words any of which shows the item is reported ("责任追究" is also written "追究责任").
    words: dict[str, list[str]]
    # Where the statement must stand, per template; a template not listed means anywhere.
    sections: dict[str, list[str]] = Field(default_factory=dict)


class GovEvalKind(RuleKind):
    """GOV-EVAL: a government's report states its 考核、评议、责任追究 results (条例第五十条)."""

    name = "gov_eval"
    Params = GovEvalParams

    def check(self, rule: RuleSpec, params: GovEvalParams, ctx: CheckContext) -> Iterator[Finding]:
        report = ctx.report
        if not report.agency or not re.search(params.government_agency, report.agency):
            return
        keys = params.sections.get(report.template or "")
        text = ctx.searchable("".join(s.text for s in report.sections if keys is None or s.key in keys))
        missing = [item for item, words in params.words.items() if not any(w in text for w in words)]
        if not missing:
            return
        where = "第一部分" if keys == ["S1"] else "报告中"
        yield finding(
            rule,
            f"人民政府年报应报告工作考核、社会评议和责任追究结果情况，{where}未见：{'、'.join(missing)}",
            section=keys[0] if keys else None,
            message_en=f"a government's report should state evaluation results; missing: {', '.join(missing)}",
        )


class PeriodParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    pattern: SafePattern  # named groups y1 m1 d1 y2 m2 d2


class PeriodKind(RuleKind):
    """STRUCT-PERIOD: a stated statistics period is 1 January – 31 December of the report year."""

    name = "period"
    Params = PeriodParams

    def check(self, rule: RuleSpec, params: PeriodParams, ctx: CheckContext) -> Iterator[Finding]:
        year = ctx.report.year
        if year is None:
            return
        preamble = [ctx.report.preamble] if ctx.report.preamble else []
        for section in [*preamble, *ctx.report.sections]:
            for match in re.finditer(params.pattern, re.sub(r"\s+", "", section.text)):
                # "2024年1月1日至12月31日": the second year, when left out, is the first one.
                end_year = match["y2"] or match["y1"]
                got = tuple(int(v) for v in (match["y1"], match["m1"], match["d1"], end_year, match["m2"], match["d2"]))
                if got == (year, 1, 1, year, 12, 31):
                    continue
                yield finding(
                    rule,
                    f"统计时段“{match.group(0)}”不是{year}年1月1日至{year}年12月31日",
                    section=section.key if section.key != "S0" else None,
                    loc=section.loc,
                    evidence=match.group(0),
                    message_en=f"the stated period is not 1 Jan - 31 Dec {year}",
                )


class ProseYearParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    # Years followed by these words name a document or an event, not the statistics' year.
    allowed_after: list[str]
    allowed_before: list[str]


class ProseYearKind(RuleKind):
    """TEXT-YEAR: a sentence stating this year's figures names a year far from the report's."""

    name = "prose_year"
    Params = ProseYearParams

    def check(self, rule: RuleSpec, params: ProseYearParams, ctx: CheckContext) -> Iterator[Finding]:
        year = ctx.report.year
        if year is None:
            return
        seen: set[str] = set()
        for claim in ctx.report.claims:
            sentence = claim.sentence or ""
            if sentence in seen:
                continue
            seen.add(sentence)
            plain = re.sub(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|\([^)]*\)|（[^）]*）", "", sentence)
            for match in re.finditer(r"((?:19|20)\d{2})年(?!\d)", plain):
                stated = int(match[1])
                after = plain[match.end() : match.end() + 4]
                before = plain[max(0, match.start() - 2) : match.start()]
                if abs(stated - year) <= 1 or any(after.startswith(w) for w in params.allowed_after):
                    continue
                if any(before.endswith(w) for w in params.allowed_before):
                    continue
                yield finding(
                    rule,
                    f"{year}年度报告的统计表述中出现“{match.group(0)}”，年份可能写错",
                    section=claim.section,
                    loc=claim.loc,
                    expected=year,
                    actual=stated,
                    evidence=sentence,
                    message_en=f"a {year} report states figures for {stated}",
                )
                break


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [AtLeastKind(), DeltaSignKind(), FeeUnitKind(), TopicsKind(), GovEvalKind(), PeriodKind(), ProseYearKind()]
