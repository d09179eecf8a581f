"""One report in the HTML output: its findings table in document order, its three tables re-rendered
with the failing cells highlighted, and its prose with the understood claims marked.

Each finding links to where it stands (the cell, else the row, the table or the section's prose) and
each highlighted cell links back to its findings. Every id is prefixed with the report's anchor
(``report-3``), so many reports share one page without clashes. Everything from a report is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from compliance.deliverables.describe import (
    SECTION_ORDER,
    counts,
    document_order,
    location_text,
    section_key,
    section_title,
    severity_label,
    table_spec,
)
from compliance.formatters import message_for
from compliance.layout import TableSpec
from compliance.model import RATIO_COLUMNS, RATIO_NAMES, CellStatus, Claim, Finding, Report, ReportResult

TABLES = ("T2", "T3", "T4")
# Cells read with doubt, and what the page says about them on hover (marked by the stylesheet).
UNSURE = {
    CellStatus.inferred: "由粘连数字拆分推断 / inferred from run-together digits",
    CellStatus.ambiguous: "列位置不确定 / column not assigned safely",
    CellStatus.invalid: "非数字 / printed, but not a number",
}


def verdict(findings: list[Finding]) -> str:
    c = counts(findings)
    return "FAIL" if c["error"] else ("WARN" if c["warning"] else "OK")


def _number(value: object) -> str:
    return "" if value is None else escape(str(value))


def _finding_note(f: Finding, lang: str = "zh") -> str:
    parts = [f"{f.rule}: {message_for(f, lang)}"]
    if f.expected is not None or f.actual is not None:
        parts.append(f"应为 {_number(f.expected)}，实为 {_number(f.actual)} / expected {f.expected}, actual {f.actual}")
    return " — ".join(parts)


@dataclass
class _Rendering:
    """One report being rendered: its anchor, its findings numbered in document order, the ids made."""

    anchor: str
    findings: list[Finding]
    report: Report | None
    template: str | None
    lang: str = "zh"  # the language of findings' messages (--lang)
    ids: set[str] = field(default_factory=set)
    highlighted: int = 0  # table cells highlighted (the index shows the number)

    def finding_id(self, number: int) -> str:
        return f"{self.anchor}-f{number}"

    def target_id(self, *parts: str | None) -> str:
        return f"{self.anchor}-" + ".".join(p for p in parts if p)

    def numbered(self, table: str) -> dict[tuple[str, str], list[tuple[int, Finding]]]:
        """Findings that name a cell (or a whole row, column "") of ``table``, with their numbers."""
        marks: dict[tuple[str, str], list[tuple[int, Finding]]] = {}
        for number, f in enumerate(self.findings, start=1):
            if f.location.table == table and f.location.row is not None:
                marks.setdefault((f.location.row, f.location.column or ""), []).append((number, f))
        return marks


def report_section(number: int, result: ReportResult, report: Report | None, lang: str = "zh") -> tuple[str, int]:
    """The report's <section> (heading, verdict, findings, tables, prose) and its highlighted cells' count."""
    findings = sorted(result.findings, key=document_order)
    page = _Rendering(f"report-{number}", findings, report, result.template, lang)
    c = counts(findings)
    head = " · ".join(escape(str(x)) for x in (result.agency, result.year, result.template) if x)
    body = [_tables(page), _prose(page)] if report is not None else []
    out = [
        f'<section class="report" id="{page.anchor}" data-verdict="{verdict(findings)}" data-errors="{c["error"]}"'
        f' data-warnings="{c["warning"]}" data-info="{c["info"]}">',
        f"<h2>{escape(result.source)}</h2><p>{head}</p>",
        f'<p><span class="verdict {verdict(findings)}">{verdict(findings)}</span> {c["error"]} 个错误，'
        f"{c['warning']} 个警告，{c['info']} 个提示</p>",
        _ratios(result),
        _findings_table(page),  # after the tables and prose are rendered: it links to their ids
        *body,
        "</section>",
    ]
    return "\n".join(out), page.highlighted


def _ratios(result: ReportResult) -> str:
    """The key ratios as percentages; a ratio resting on an uncertain reading is marked with "?"."""
    ratios = result.ratios
    if ratios is None:
        return ""
    shown = []
    for name in RATIO_COLUMNS:
        value = getattr(ratios, name)
        if value is None:
            continue
        doubt = "?" if name in ratios.uncertain else ""
        percent = (Decimal(value) * 100).quantize(Decimal("0.1"))
        shown.append(f'<span data-ratio="{name}" data-value="{value}">{RATIO_NAMES[name]} {percent} %{doubt}</span>')
    return f'<p class="ratios">{" · ".join(shown)}</p>' if shown else ""


def _findings_table(page: _Rendering) -> str:
    if not page.findings:
        return "<p>未发现问题。</p>"
    rows = []
    for number, f in enumerate(page.findings, start=1):
        key = section_key(f)
        target = _target(page, f)
        where = escape(location_text(f, page.template, page.report))
        if target:
            where = f'<a href="#{escape(target)}">{where}</a>'
        evidence = f"<br><q>{escape(f.evidence)}</q>" if f.evidence else ""
        rows.append(
            f'<tr id="{page.finding_id(number)}" class="sev-{f.severity}" data-rule="{escape(f.rule)}"'
            f' data-target="{escape(target or "")}"><td class="num">{number}</td>'
            f'<td class="sev" data-sort="{2 - ["error", "warning", "info"].index(f.severity)}">'
            f"{severity_label(f.severity)}</td>"
            f'<td class="rule">{escape(f.rule)}</td>'
            f'<td data-sort="{_section_rank(key)}">{escape(section_title(key))}</td>'
            f"<td>{where}</td><td>{escape(message_for(f, page.lang))}{evidence}</td>"
            f'<td class="n">{_number(f.expected)}</td><td class="n">{_number(f.actual)}</td></tr>'
        )
    return (
        f'<table class="findings sortable" id="{page.anchor}-findings"><thead><tr><th>序号</th><th>严重程度</th>'
        "<th>规则</th><th>部分</th><th>位置</th><th>问题</th><th>应为</th><th>实为</th></tr></thead><tbody>"
        + "\n".join(rows)
        + "</tbody></table>"
    )


def _section_rank(key: str | None) -> int:
    return SECTION_ORDER.index(key) if key in SECTION_ORDER else len(SECTION_ORDER)


def _target(page: _Rendering, f: Finding) -> str | None:
    """Where a finding links to: its cell, else its row, its table, or its section's prose, if rendered."""
    loc = f.location
    candidates = (
        page.target_id(loc.table, loc.row, loc.column) if loc.table and loc.row and loc.column else None,
        page.target_id(loc.table, loc.row) if loc.table and loc.row else None,
        page.target_id(loc.table) if loc.table else None,
        page.target_id(section_key(f)) if section_key(f) else None,
    )
    return next((t for t in candidates if t in page.ids), None)


def _tables(page: _Rendering) -> str:
    assert page.report is not None
    out = []
    for table in TABLES:
        spec = table_spec(page.template, table, page.report)
        if spec is None or table not in page.report.tables:
            continue
        page.ids.add(page.target_id(table))
        out.append(f'<h3 id="{page.target_id(table)}">表 {table}：{escape(spec.title)}</h3>')
        out.append(_grid(page, table, spec))
    return "\n".join(out)


def _back_links(page: _Rendering, numbered: list[tuple[int, Finding]]) -> str:
    return "".join(f'<a class="back" href="#{page.finding_id(n)}">{n}</a>' for n, _ in numbered)


def _marked(page: _Rendering, target: str, numbered: list[tuple[int, Finding]]) -> str:
    """Attributes of a cell or row label that findings name: highlight (not for notes), hover text, id."""
    highlighted = [f for _, f in numbered if f.severity != "info"]
    attrs = ""
    if highlighted:
        worst = "error" if any(f.severity == "error" for f in highlighted) else "warning"
        attrs += f' class="{worst}" title="{escape(" | ".join(_finding_note(f, page.lang) for f in highlighted))}"'
    page.ids.add(target)
    return attrs + f' id="{escape(target)}"'


def _grid(page: _Rendering, table: str, spec: TableSpec) -> str:
    assert page.report is not None
    marks = page.numbered(table)
    shared_columns = all(row.columns is None for row in spec.rows)
    out = [f'<table class="grid" data-table="{table}">']
    if shared_columns:
        out.append(
            "<thead><tr><th></th>" + "".join(f"<th>{escape(c.label)}</th>" for c in spec.columns) + "</tr></thead>"
        )
    out.append("<tbody>")
    data = page.report.tables[table]
    for row in spec.rows:
        cells = data.get(row.id)
        row_marks = marks.get((row.id, ""), [])
        attrs = _marked(page, page.target_id(table, row.id), row_marks) if row_marks else ""
        out.append(f'<tr data-row="{escape(row.id)}"><th{attrs}>{escape(row.label)}{_back_links(page, row_marks)}</th>')
        for column in spec.columns_of(row.id):
            cell = cells.get(column) if cells else None
            raw = cell.raw if cell is not None and cell.raw is not None else ""
            found = marks.get((row.id, column), [])
            attrs = f' data-cell="{table}.{escape(row.id)}.{escape(column)}"'
            if found:
                attrs += _marked(page, page.target_id(table, row.id, column), found)
                page.highlighted += any(f.severity != "info" for _, f in found)
            if cell is not None and cell.status in UNSURE:
                # A reading the engine is unsure of is shown as such, never as the agency's figure.
                attrs += f' data-status="{cell.status.value}"'
                if not found:  # a highlighted cell's title already carries its findings
                    attrs += f' title="{escape(UNSURE[cell.status])}"'
            label = "" if shared_columns else f'<span class="col">{escape(spec.column_label(column))}</span>'
            out.append(f"<td{attrs}>{label}{escape(raw)}{_back_links(page, found)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _prose(page: _Rendering) -> str:
    assert page.report is not None
    out = []
    for section in page.report.sections:
        if not section.text.strip():
            continue
        claims = [c for c in page.report.claims if c.section == section.key]
        # Findings of this section that name no rendered cell link here (tables are rendered by now).
        named = [
            n
            for n, f in enumerate(page.findings, start=1)
            if section_key(f) == section.key and _target(page, f) is None
        ]
        target = page.target_id(section.key)
        page.ids.add(target)
        links = "".join(f'<a class="back" href="#{page.finding_id(n)}">{n}</a>' for n in named)
        out.append(f"<h3>{escape(section.title)}{links}</h3>")
        out.append(f'<div class="prose" id="{escape(target)}" data-section="{section.key}">')
        out.append(_marked_text(section.text, claims))
        out.append("</div>")
    return "\n".join(out)


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
