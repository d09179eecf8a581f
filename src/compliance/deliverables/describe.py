"""Findings in a supervisor's words: section titles, where in the report, what to rectify, the verdict.

Shared by the Excel list and the Word notices (and the HTML page's table labels), so that every
deliverable names a cell, a severity or a verdict the same way.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path, PurePath

from compliance.formatters import SECTION_TITLES
from compliance.layout import TableSpec, TemplateLayout, load_template
from compliance.model import Finding, Report, ReportResult
from compliance.plugins import get_plugin_manager

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

# The kinds of problem, as a notice names them (the categories of contract §2).
CATEGORY_LABELS: dict[str, str] = {
    "input": "报告文件无法读取",
    "structure": "报告结构不完整",
    "version": "未按适用的报告格式编制",
    "arithmetic": "统计表数据勾稽关系错误",
    "improvement-plan": "存在的主要问题及改进情况不完整",
    "narrative-consistency": "正文与统计表数据不一致",
    "plausibility": "统计数据异常",
    "cross-year": "与上年度报告数据不衔接",
    "roll-up": "汇总数据与下级报告不一致",
    "internal": "未能自动核查",
}

# What the agency should do, by the kind of problem (the finding's message says what is wrong).
RECTIFY: dict[str, str] = {
    "input": "请提供可读取的报告文件（以文字形式发布，不以图片代替表格），以便核查",
    "structure": "请按年度报告格式补齐缺少的部分、表格或行列，并按格式规定的顺序编排",
    "version": "请按该年度适用的年度报告格式编制有关部分和表格",
    "arithmetic": "请核对统计表数据，使合计与各分项之和一致，更正后重新发布",
    "improvement-plan": "请写明存在的主要问题和具体改进措施，并说明上年度问题的整改情况",
    "narrative-consistency": "请核对正文所述数字与统计表数据，使两者一致",
    "plausibility": "请核实该数据，确有错误的予以更正，数据属实的说明情况",
    "cross-year": "请核对与上年度报告衔接的数据，更正或说明差异",
    "roll-up": "请核对本级汇总数据与所辖地区、部门报告的数据，更正或说明差异",
}
# Internal findings are the engine's own failures, never the agency's: they are not sent to agencies.
NOT_FOR_AGENCIES = frozenset({"internal"})

# Control characters other than tab and newlines are not allowed in XML (xlsx and docx are XML), and
# lone surrogates (undecodable bytes kept by a reader) cannot be written as UTF-8 at all.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Text safe for an XML document: None becomes empty, characters XML forbids are dropped."""
    return "" if value is None else _NOT_XML.sub("", str(value))


def section_key(finding: Finding) -> str | None:
    """The section a finding belongs to: its own, else the section of the table it names."""
    if finding.location.section:
        return finding.location.section
    table = finding.location.table
    return f"S{table[1:]}" if table and table[1:].isdigit() else None


def section_title(key: str | None) -> str:
    """The section's title as the template prints it (Chinese only)."""
    return SECTION_TITLES.get(key, SECTION_TITLES[None]).split(" / ")[0]


def section_heading(key: str | None) -> str:
    """A section named as a letter refers to it: 第三部分“收到和处理政府信息公开申请情况”."""
    numeral, _, plain = section_title(key).partition("、")
    if not plain:
        return "报告开头部分" if key == "S0" else "报告整体"
    return f"第{numeral}部分“{plain}”"


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


def rectification(finding: Finding) -> str:
    """What the agency should do about this finding (a warning asks to verify before correcting)."""
    text = RECTIFY.get(finding.category, "请核实并更正")
    return text if finding.severity == "error" else text.replace("请核对", "请核实", 1)


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_LABELS}


def verdict(findings: Sequence[Finding]) -> str:
    """One word for a report: errors found, only points to verify, or nothing found."""
    c = counts(findings)
    return "存在错误" if c["error"] else ("需核实" if c["warning"] else "未发现问题")


def top_rules(findings: Sequence[Finding], limit: int = 3) -> str:
    ranked = sorted(Counter(f.rule for f in findings).items(), key=lambda item: (-item[1], item[0]))[:limit]
    return "；".join(f"{rule}×{n}" if n > 1 else rule for rule, n in ranked)


def report_name(result: ReportResult) -> str:
    """The agency when known, else the file's name."""
    return result.agency or PurePath(result.source).name


@functools.cache
def layouts() -> dict[str, TemplateLayout]:
    """The template layouts the plugins provide, by version id."""
    found: dict[str, TemplateLayout] = {}
    for paths in get_plugin_manager().hook.compliance_templates():
        for path in paths:
            layout = load_template(Path(path))
            found[layout.id] = layout
    return found


def table_spec(template: str | None, table: str, report: Report | None = None) -> TableSpec | None:
    """The layout of one table: the version it was printed in (hybrid reports), else the report's."""
    info = report.table_info.get(table) if report is not None else None
    version = (info.layout if info and info.layout else None) or template
    layout = layouts().get(version or "")
    return layout.tables.get(table) if layout else None


def table_name(table: str, template: str | None) -> str:
    """``表三`` for T3: tables are numbered by the section they stand in."""
    layout = layouts().get(template or "")
    spec = layout.tables.get(table) if layout else None
    if layout is not None and spec is not None:
        numeral = next((s.numeral for s in layout.sections if s.key == spec.section), None)
        if numeral:
            return f"表{numeral.rstrip('、')}"
    return f"表{table}"


def cell_text(finding: Finding, template: str | None, report: Report | None = None) -> str:
    """The cell a finding names, in the table's own labels: 表三“（一）予以公开”行“总计”列."""
    loc = finding.location
    if not loc.table:
        return ""
    spec = table_spec(template, loc.table, report)
    parts = [table_name(loc.table, template)]
    if loc.row:
        parts.append(f"“{spec.row_label(loc.row) if spec else loc.row}”行")
    if loc.column:
        parts.append(f"“{spec.column_label(loc.column) if spec else loc.column}”列")
    return "".join(parts)


def location_text(finding: Finding, template: str | None, report: Report | None = None) -> str:
    """Where to look in the report: the cell, then page and line of the published text."""
    loc = finding.location
    parts = [cell_text(finding, template, report)]
    if loc.page is not None:
        parts.append(f"第{loc.page}页")
    if loc.line is not None:
        parts.append(f"第{loc.line}行")
    return "，".join(p for p in parts if p) or section_title(section_key(finding))


SECTION_ORDER = ("S0", "S1", "S2", "S3", "S4", "S5", "S6")


def document_order(finding: Finding) -> tuple[int, ...]:
    """Sort key: by section in template order, then where the finding stands in the text."""
    key = section_key(finding)
    section = SECTION_ORDER.index(key) if key in SECTION_ORDER else len(SECTION_ORDER)
    loc = finding.location
    unplaced = loc.offset is None and loc.line is None  # whole-section findings after the placed ones
    return (section, int(unplaced), loc.line or 0, loc.char or 0, loc.offset or 0)


def chinese_numeral(number: int) -> str:
    """一 … 九十九, for numbered headings (（一）, 二、)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")
