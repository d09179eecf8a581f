"""One self-contained HTML page for a batch: an index, then per report its verdict, findings,
re-rendered tables with the failing cells highlighted, and the prose claims in context.

No network and no external assets: the CSS and the small script are inline. Everything taken
from a report or a finding is escaped. The script only counts the highlighted cells into the
index (so a browser test can see it ran) and filters the index; the page reads fine without it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape
from pathlib import Path

from compliance.formatters import SECTION_TITLES
from compliance.hookspecs import hookimpl
from compliance.layout import TableSpec, TemplateLayout, load_template
from compliance.model import Claim, Finding, FindingsDocument, Report, ReportResult
from compliance.plugins import get_plugin_manager

TABLES = ("T2", "T3", "T4")

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;line-height:1.5}
table{border-collapse:collapse;margin:.5em 0 1em}
th,td{border:1px solid #bbb;padding:.2em .5em;text-align:right;vertical-align:top}
th{background:#f3f3f3;text-align:left;font-weight:normal}
td.error{background:#f8c4c4;outline:2px solid #c00}
td.warning{background:#fbe7b0;outline:2px solid #c80}
th.error{color:#c00;font-weight:bold}
.verdict{display:inline-block;padding:0 .6em;border-radius:.3em;color:#fff;font-weight:bold}
.FAIL{background:#c00}.WARN{background:#c80}.OK{background:#080}
li.error{color:#900}li.warning{color:#850}li.info{color:#057}
.rule{font-family:monospace;font-weight:bold}
.prose{white-space:pre-wrap;background:#fafafa;border-left:3px solid #ccc;padding:.5em 1em}
mark.claim{background:#d8ecff}
.col{display:block;color:#777;font-size:.75em}
section.report{border-top:2px solid #888;margin-top:2em}
"""

SCRIPT = """
document.querySelectorAll('section.report').forEach(function (sec) {
  var n = sec.querySelectorAll('td.error, td.warning').length;
  sec.setAttribute('data-highlighted', String(n));
  var cell = document.querySelector('#index tr[data-report="' + sec.id + '"] td.highlighted');
  if (cell) { cell.textContent = String(n); }
});
var only = document.getElementById('only-failing');
if (only) {
  only.addEventListener('change', function () {
    document.querySelectorAll('#index tbody tr').forEach(function (tr) {
      tr.hidden = only.checked && tr.getAttribute('data-verdict') === 'OK';
    });
  });
}
document.body.setAttribute('data-ready', 'yes');
"""


@functools.cache
def _layouts() -> dict[str, TemplateLayout]:
    layouts: dict[str, TemplateLayout] = {}
    for paths in get_plugin_manager().hook.compliance_templates():
        for path in paths:
            layout = load_template(Path(path))
            layouts[layout.id] = layout
    return layouts


def _counts(result: ReportResult) -> dict[str, int]:
    return {s: sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning", "info")}


def _verdict(counts: dict[str, int]) -> str:
    return "FAIL" if counts["error"] else ("WARN" if counts["warning"] else "OK")


def _number(value: object) -> str:
    return "" if value is None else escape(str(value))


def _finding_note(f: Finding) -> str:
    parts = [f"{f.rule}: {f.message}"]
    if f.expected is not None or f.actual is not None:
        parts.append(f"应为 {_number(f.expected)}，实为 {_number(f.actual)} / expected {f.expected}, actual {f.actual}")
    return " — ".join(parts)


class HtmlFormatter:
    name = "html"
    machine_readable = False
    needs_reports = True  # the batch keeps the Report objects for this formatter

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        s = document.summary
        out = [
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>政府信息公开工作年度报告检查结果</title>",
            f"<style>{STYLE}</style></head><body>",
            "<h1>政府信息公开工作年度报告检查结果</h1>",
            f'<p id="totals" data-reports="{s.reports}" data-error="{s.error}" data-warning="{s.warning}"'
            f' data-info="{s.info}">{s.reports} 份报告：{s.error} 个错误，{s.warning} 个警告，{s.info} 个提示</p>',
        ]
        out.append(self._index(document))
        padded = list(reports) + [None] * (len(document.reports) - len(reports))
        for number, (result, report) in enumerate(zip(document.reports, padded, strict=True), start=1):
            out.append(self._report(number, result, report))
        out.append(f"<script>{SCRIPT}</script></body></html>\n")
        return "\n".join(out)

    def _index(self, document: FindingsDocument) -> str:
        rows = []
        for number, result in enumerate(document.reports, start=1):
            counts = _counts(result)
            verdict = _verdict(counts)
            rows.append(
                f'<tr data-report="report-{number}" data-verdict="{verdict}">'
                f'<td><a href="#report-{number}">{escape(result.source)}</a></td>'
                f"<td>{escape(result.agency or '')}</td><td>{_number(result.year)}</td>"
                f"<td>{escape(result.template or '')}</td>"
                f'<td><span class="verdict {verdict}">{verdict}</span></td>'
                f'<td class="errors">{counts["error"]}</td><td class="warnings">{counts["warning"]}</td>'
                f'<td class="info">{counts["info"]}</td><td class="highlighted"></td></tr>'
            )
        return (
            '<h2>报告索引 / index</h2><label><input type="checkbox" id="only-failing"> 只看有问题的报告</label>'
            '<table id="index"><thead><tr><th>文件</th><th>机关</th><th>年度</th><th>模板</th><th>结论</th>'
            "<th>错误</th><th>警告</th><th>提示</th><th>标出的单元格</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )

    def _report(self, number: int, result: ReportResult, report: Report | None) -> str:
        counts = _counts(result)
        verdict = _verdict(counts)
        head = " · ".join(escape(str(x)) for x in (result.agency, result.year, result.template) if x)
        out = [
            f'<section class="report" id="report-{number}" data-verdict="{verdict}" data-errors="{counts["error"]}"'
            f' data-warnings="{counts["warning"]}" data-info="{counts["info"]}">',
            f"<h2>{escape(result.source)}</h2><p>{head}</p>",
            f'<p><span class="verdict {verdict}">{verdict}</span> {counts["error"]} 个错误，'
            f"{counts['warning']} 个警告，{counts['info']} 个提示</p>",
            self._findings(result.findings),
        ]
        if report is not None:
            out.append(self._tables(report, result.findings))
            out.append(self._prose(report))
        out.append("</section>")
        return "\n".join(out)

    def _findings(self, findings: list[Finding]) -> str:
        if not findings:
            return "<p>未发现问题。</p>"
        out = ['<div class="findings">']
        keys = sorted({f.location.section or "" for f in findings}, key=lambda k: (k != "", k))
        for key in keys:
            out.append(f"<h3>{escape(SECTION_TITLES.get(key, '全文 / whole report'))}</h3><ul>")
            for f in (f for f in findings if (f.location.section or "") == key):
                cell = ".".join(p for p in (f.location.table, f.location.row, f.location.column) if p)
                where = f" [{escape(cell)}]" if cell else ""
                line = f" 第{f.location.line}行" if f.location.line else ""
                if f.location.line and f.location.char is not None:
                    line += f"第{f.location.char}字"
                out.append(
                    f'<li class="{f.severity}" data-rule="{escape(f.rule)}" data-cell="{escape(cell)}">'
                    f'{escape(f.severity)} <span class="rule">{escape(f.rule)}</span>：{escape(f.message)}'
                    f"{where}{escape(line)}" + (f"<br><q>{escape(f.evidence)}</q>" if f.evidence else "") + "</li>"
                )
            out.append("</ul>")
        out.append("</div>")
        return "\n".join(out)

    def _tables(self, report: Report, findings: list[Finding]) -> str:
        out = []
        for table in TABLES:
            spec = self._spec(report, table)
            if spec is None or table not in report.tables:
                continue
            marks = _cell_marks(findings, table)
            out.append(f"<h3>表 {table}：{escape(spec.title)}</h3>")
            out.append(self._grid(report, table, spec, marks))
        return "\n".join(out)

    @staticmethod
    def _spec(report: Report, table: str) -> TableSpec | None:
        info = report.table_info.get(table)
        version = (info.layout if info and info.layout else None) or report.template
        layout = _layouts().get(version or "")
        return layout.tables.get(table) if layout else None

    def _grid(self, report: Report, table: str, spec: TableSpec, marks: dict[tuple[str, str], list[Finding]]) -> str:
        shared_columns = all(row.columns is None for row in spec.rows)
        out = [f'<table class="grid" data-table="{table}">']
        if shared_columns:
            out.append(
                "<thead><tr><th></th>" + "".join(f"<th>{escape(c.label)}</th>" for c in spec.columns) + "</tr></thead>"
            )
        out.append("<tbody>")
        data = report.tables[table]
        for row in spec.rows:
            cells = data.get(row.id)
            row_marks = marks.get((row.id, ""), [])
            label_class = f' class="{_worst(row_marks)}"' if row_marks else ""
            title = f' title="{escape(" | ".join(_finding_note(f) for f in row_marks))}"' if row_marks else ""
            out.append(f'<tr data-row="{escape(row.id)}"><th{label_class}{title}>{escape(row.label)}</th>')
            for column in spec.columns_of(row.id):
                cell = cells.get(column) if cells else None
                raw = cell.raw if cell is not None and cell.raw is not None else ""
                found = marks.get((row.id, column), [])
                attrs = f' data-cell="{table}.{escape(row.id)}.{escape(column)}"'
                if found:
                    attrs += f' class="{_worst(found)}" title="{escape(" | ".join(_finding_note(f) for f in found))}"'
                label = "" if shared_columns else f'<span class="col">{escape(spec.column_label(column))}</span>'
                out.append(f"<td{attrs}>{label}{escape(raw)}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
        return "\n".join(out)

    def _prose(self, report: Report) -> str:
        out = []
        for section in report.sections:
            if not section.text.strip():
                continue
            claims = [c for c in report.claims if c.section == section.key]
            out.append(f'<h3>{escape(section.title)}</h3><div class="prose" data-section="{section.key}">')
            out.append(_marked_text(section.text, claims))
            out.append("</div>")
        return "\n".join(out)


def _worst(findings: list[Finding]) -> str:
    return "error" if any(f.severity == "error" for f in findings) else "warning"


def _cell_marks(findings: list[Finding], table: str) -> dict[tuple[str, str], list[Finding]]:
    """Findings that name a cell (or a whole row) of ``table``; info notes are not highlighted."""
    marks: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        loc = f.location
        if loc.table != table or loc.row is None or f.severity == "info":
            continue
        marks.setdefault((loc.row, loc.column or ""), []).append(f)
    return marks


def _marked_text(text: str, claims: list[Claim]) -> str:
    """The section text with each claim wrapped in <mark>; spans when valid, else the claim's text."""
    spans: list[tuple[int, int, Claim]] = []
    for claim in claims:
        # A claim's span counts within its sentence; find the sentence in the section first.
        at = text.find(claim.sentence) if claim.sentence else -1
        start_end: tuple[int, int] | None = None
        if at >= 0 and claim.span is not None:
            start_end = (at + claim.span[0], at + claim.span[1])
        if start_end is None or text[start_end[0] : start_end[1]] != claim.text:
            found = text.find(claim.text) if claim.text else -1
            if found < 0:
                continue
            start_end = (found, found + len(claim.text))
        if any(s < start_end[1] and start_end[0] < e for s, e, _ in spans):
            continue  # overlapping claims: keep the first
        spans.append((start_end[0], start_end[1], claim))
    spans.sort(key=lambda s: s[0])
    out, position = [], 0
    for start, end, claim in spans:
        out.append(escape(text[position:start]))
        note = " ".join(x for x in (claim.kind, claim.target, "=", str(claim.value)) if x)
        out.append(f'<mark class="claim" title="{escape(note)}">{escape(text[start:end])}</mark>')
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


@hookimpl
def compliance_formatters() -> list[object]:
    return [HtmlFormatter()]
