"""``extract --format text|markdown``: a report as read, for a person — its identity, sections and every
table laid out with the template's labels, so a reader can compare it with the document by eye.

Cells the reader was unsure of carry a mark (``?`` split out of run-together digits, ``~`` columns not
assigned safely, ``!`` printed but not a number); a blank cell stays blank — unknown, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping

from compliance.formatters.text import pad, width
from compliance.layout import TableSpec, TemplateLayout
from compliance.model import Cell, CellStatus, Report

MARKS = {CellStatus.inferred: "?", CellStatus.ambiguous: "~", CellStatus.invalid: "!"}
LEGEND = "? 由粘连数字拆分推断 inferred · ~ 列位置不确定 ambiguous · ! 非数字 not a number · 空白 = 未填（未知）blank"
# Section text shown per section: enough to recognise it, not the whole report.
EXCERPT = 60


def cell_text(cell: Cell | None) -> str:
    if cell is None or cell.status == CellStatus.blank:
        return ""
    shown = str(cell.value) if cell.value is not None else (cell.raw or "")
    return shown + MARKS.get(cell.status, "") + ("*" if cell.doubtful else "")


def row_blocks(spec: TableSpec) -> list[tuple[list[str], list[str]]]:
    """Consecutive rows sharing the same columns, as (column ids, row ids): one printed grid each."""
    blocks: list[tuple[list[str], list[str]]] = []
    for row in spec.rows:
        columns = spec.columns_of(row.id)
        if blocks and blocks[-1][0] == columns:
            blocks[-1][1].append(row.id)
        else:
            blocks.append((columns, [row.id]))
    return blocks


def _identity(report: Report) -> list[tuple[str, str]]:
    evidence = report.template_evidence
    template: str = report.template or "?"
    if evidence.detected and evidence.by_year and evidence.detected != evidence.by_year:
        template += f" (printed headers follow {evidence.detected}; the year implies {evidence.by_year})"
    return [
        ("source", f"{report.source.path} ({report.source.format})"),
        ("agency", report.agency or ""),
        ("year", "" if report.year is None else str(report.year)),
        ("template", template),
    ]


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT] + "…"


def _table_rows(report: Report, spec: TableSpec, table: str) -> list[tuple[list[str], list[list[str]]]]:
    data = report.tables.get(table, {})
    grids = []
    for columns, rows in row_blocks(spec):
        header = ["", *(spec.column_label(c) for c in columns)]
        body = [[spec.row_label(r), *(cell_text(data.get(r, {}).get(c)) for c in columns)] for r in rows]
        grids.append((header, body))
    return grids


def report_text(report: Report, layouts: Mapping[str, TemplateLayout]) -> str:
    lines = [f"{name:<9}{value}" for name, value in _identity(report)]
    layout = layouts.get(report.template or "")
    for section in report.sections:
        lines += ["", section.title, f"  {_excerpt(section.text)}" if section.text.strip() else "  (empty)"]
        for table, spec in layout.tables.items() if layout else []:
            if spec.section != section.key:
                continue
            lines += _text_table(report, spec, table)
    lines += ["", LEGEND]
    return "\n".join(lines) + "\n"


def _text_table(report: Report, spec: TableSpec, table: str) -> list[str]:
    if table not in report.tables:
        return ["", f"  {spec.title}: not found"]
    lines = ["", f"  {spec.title} ({table})"]
    for header, body in _table_rows(report, spec, table):
        rows = [header, *body]
        widths = [max(width(row[i]) for row in rows) for i in range(len(header))]
        lines.append("")
        for row in rows:
            figures = [" " * (w - width(v)) + v for v, w in zip(row[1:], widths[1:], strict=True)]
            cells = [pad(row[0], widths[0]), *figures]
            lines.append(("  " + " | ".join(cells)).rstrip())
    return lines


def report_markdown(report: Report, layouts: Mapping[str, TemplateLayout]) -> str:
    lines = ["| | |", "|---|---|", *(f"| {name} | {_md(value)} |" for name, value in _identity(report))]
    layout = layouts.get(report.template or "")
    for section in report.sections:
        lines += ["", f"## {_md(section.title)}", "", _md(_excerpt(section.text)) or "*(empty)*"]
        for table, spec in layout.tables.items() if layout else []:
            if spec.section != section.key:
                continue
            lines += ["", f"### {_md(spec.title)} ({table})"]
            if table not in report.tables:
                lines += ["", "*not found*"]
                continue
            for header, body in _table_rows(report, spec, table):
                lines += ["", "| " + " | ".join(_md(h) for h in header) + " |"]
                lines.append("|---|" + "---:|" * (len(header) - 1))
                lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in body]
    lines += ["", LEGEND]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
