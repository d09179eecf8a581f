"""The HTML report for a batch: totals, the rules that fire most, an index of reports, then per report
its verdict, its findings in document order (sortable, each linked to its cell) and its tables and prose.

One self-contained page (no network, no external assets: CSS and the small script are inline), or, for
many reports, an index page plus one page per report (``render_pages``; the CLI writes them when
``--output`` is a folder or the batch has more than ``split_over`` reports). Everything taken from a
report or a finding is escaped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from compliance.deliverables.describe import category_label, counts, severity_label
from compliance.formatters.html_assets import SCRIPT, STYLE
from compliance.formatters.html_report import report_section, verdict
from compliance.hookspecs import hookimpl
from compliance.model import FindingsDocument, Report, ReportResult

TITLE = "政府信息公开工作年度报告检查结果"


def _page(title: str, body: list[str]) -> str:
    return "\n".join(
        [
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # Marks the page as ours, so a later run over the same folder never takes it for a report.
            '<meta name="generator" content="compliance">',
            f"<title>{escape(title)}</title>",
            f"<style>{STYLE}</style></head><body>",
            *body,
            f"<script>{SCRIPT}</script></body></html>\n",
        ]
    )


def _totals(document: FindingsDocument) -> str:
    s = document.summary
    return (
        f'<p id="totals" data-reports="{s.reports}" data-error="{s.error}" data-warning="{s.warning}"'
        f' data-info="{s.info}">{s.reports} 份报告：{s.error} 个错误，{s.warning} 个警告，{s.info} 个提示</p>'
    )


def _rule_summary(document: FindingsDocument) -> str:
    """How often each rule fired across the batch, and in how many reports: the most widespread first."""
    findings: Counter[tuple[str, str, str]] = Counter()
    reports: Counter[tuple[str, str, str]] = Counter()
    for result in document.reports:
        keys = [(f.rule, f.category, f.severity) for f in result.findings]
        findings.update(keys)
        reports.update(set(keys))
    if not findings:
        return ""
    rows = [
        f'<tr data-rule="{escape(rule)}"><td class="rule">{escape(rule)}</td><td>{escape(category_label(category))}'
        f"</td><td>{severity_label(severity)}</td><td>{findings[key]}</td><td>{reports[key]}</td></tr>"
        for key in sorted(findings, key=lambda k: (-reports[k], -findings[k], k))
        for rule, category, severity in [key]
    ]
    return (
        '<h2>规则统计 / rules</h2><table id="rules" class="sortable"><thead><tr><th>规则</th><th>类别</th>'
        "<th>严重程度</th><th>问题数</th><th>涉及报告数</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _index(document: FindingsDocument, links: list[str], highlighted: list[int]) -> str:
    rows = []
    for number, (result, link, marked) in enumerate(zip(document.reports, links, highlighted, strict=True), start=1):
        c = counts(result.findings)
        v = verdict(result.findings)
        rows.append(
            f'<tr data-report="report-{number}" data-verdict="{v}">'
            f'<td><a href="{escape(link)}">{escape(result.source)}</a></td>'
            f"<td>{escape(result.agency or '')}</td><td>{'' if result.year is None else result.year}</td>"
            f"<td>{escape(result.template or '')}</td>"
            f'<td data-sort="{["OK", "WARN", "FAIL"].index(v)}"><span class="verdict {v}">{v}</span></td>'
            f'<td class="errors">{c["error"]}</td><td class="warnings">{c["warning"]}</td>'
            f'<td class="info">{c["info"]}</td><td class="highlighted">{marked}</td></tr>'
        )
    return (
        '<h2>报告索引 / index</h2><label><input type="checkbox" id="only-failing"> 只看有问题的报告</label>'
        '<table id="index" class="sortable"><thead><tr><th>文件</th><th>机关</th><th>年度</th><th>模板</th>'
        "<th>结论</th><th>错误</th><th>警告</th><th>提示</th><th>标出的单元格</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _index_page(document: FindingsDocument, links: list[str], sections: list[tuple[str, int]]) -> list[str]:
    """The head of the report: title, totals, the rules that fired most, and the index of reports."""
    return [
        f"<h1>{TITLE}</h1>",
        _totals(document),
        _rule_summary(document),
        _index(document, links, [marked for _, marked in sections]),
    ]


def _sections(document: FindingsDocument, reports: Sequence[Report | None], lang: str = "zh") -> list[tuple[str, int]]:
    padded = list(reports) + [None] * (len(document.reports) - len(reports))
    return [
        report_section(number, result, report, lang)
        for number, (result, report) in enumerate(zip(document.reports, padded, strict=True), start=1)
    ]


class HtmlFormatter:
    name = "html"
    machine_readable = False
    needs_reports = True  # the batch keeps the Report objects for this formatter
    split_over = 50  # more reports than this: an index page and one page per report (with --output)
    lang = "zh"  # the language of findings' messages (--lang)

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        sections = _sections(document, reports, self.lang)
        links = [f"#report-{n}" for n in range(1, len(sections) + 1)]
        return _page(TITLE, [*_index_page(document, links, sections), *(html for html, _ in sections)])

    def render_pages(
        self, document: FindingsDocument, reports: Sequence[Report | None], index_name: str, folder: str
    ) -> dict[str, str]:
        """The index page (``index_name``) and one page per report in ``folder`` ("" for beside the index),
        by path relative to the index's folder; each report page links back to the index."""
        prefix = f"{folder}/" if folder else ""
        back = f"../{index_name}" if folder else index_name
        sections = _sections(document, reports, self.lang)
        links = [f"{prefix}report-{n}.html" for n in range(1, len(sections) + 1)]
        pages = {index_name: _page(TITLE, _index_page(document, links, sections))}
        for link, result, (html, _) in zip(links, document.reports, sections, strict=True):
            nav = f'<p><a href="{escape(back)}">← 报告索引 / index</a></p>'
            pages[link] = _page(f"{_name(result)} — {TITLE}", [nav, html])
        return pages


def _name(result: ReportResult) -> str:
    return " ".join(str(x) for x in (result.agency, result.year) if x) or result.source


@hookimpl
def compliance_formatters() -> list[object]:
    return [HtmlFormatter()]
