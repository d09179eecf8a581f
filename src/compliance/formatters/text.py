"""Human-readable text: per report a verdict, then findings grouped by section."""

from __future__ import annotations

import json
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Sequence

import click

from compliance.formatters import SECTION_TITLES, line_ref, message_for
from compliance.formatters.streaming import Writer, render_streamed
from compliance.hookspecs import hookimpl
from compliance.model import BaselineStatus, Finding, FindingsDocument, Report, ReportResult, Summary, ToolInfo

COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _where(f: Finding) -> str:
    loc = f.location
    parts = []
    if loc.line is not None:
        parts.append(line_ref(loc))
    if loc.page is not None:
        parts.append(f"page {loc.page}")
    cell = ".".join(p for p in (loc.table, loc.row, loc.column) if p)
    if cell:
        parts.append(cell)
    return ", ".join(parts)


class TextFormatter:
    """Written report by report; the overview table at the end is spooled to a temporary file
    (its columns are padded to the widest cell, known only once every report is in)."""

    name = "text"
    machine_readable = False
    colour = False
    lang = "zh"
    # One line per finding and nothing else (``--quiet``): what a log or grep wants.
    quiet = False

    def __init__(self) -> None:
        self._out: Writer | None = None
        self._table: SummaryTable | None = None

    def _style(self, text: str, **kwargs: object) -> str:
        return click.style(text, **kwargs) if self.colour else text  # type: ignore[arg-type]

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        return render_streamed(self, document, reports)

    def begin(self, out: Writer, tool: ToolInfo) -> None:
        self._out, self._table = out, SummaryTable()

    def add(self, result: ReportResult, report: Report | None) -> None:
        assert self._out is not None and self._table is not None
        lines = self._concise(result) if self.quiet else self._report_lines(result)
        self._out.write("".join(line + "\n" for line in lines))
        self._table.add(result)

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        assert self._out is not None and self._table is not None
        if self.quiet:
            self._table.close()
            return
        if self._table.count > 1:
            self._table.write(self._out)
            self._out.write("\n")
        s = summary
        self._out.write(f"{s.reports} report(s): {s.error} error(s), {s.warning} warning(s), {s.info} info\n")
        self._table.close()

    def _report_lines(self, result: ReportResult) -> list[str]:
        lines: list[str] = []
        counts = {s: sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning", "info")}
        # Findings already in the baseline are shown but do not decide the verdict.
        fresh = {f.severity for f in result.findings if f.baseline != "unchanged"}
        verdict = "FAIL" if "error" in fresh else ("WARN" if "warning" in fresh else "OK")
        known = sum(1 for f in result.findings if f.baseline == "unchanged")
        colour = {"FAIL": "red", "WARN": "yellow", "OK": "green"}[verdict]
        head = " · ".join(str(x) for x in (result.agency, result.year, result.template) if x)
        lines.append(self._style(f"{result.source}", bold=True) + (f"  ({head})" if head else ""))
        lines.append(
            "  "
            + self._style(verdict, fg=colour, bold=True)
            + f"  {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
            + (f" ({known} known from the baseline)" if known else "")
        )
        current: object = "-"
        for f in result.findings:
            if f.location.section != current:
                current = f.location.section
                lines.append("  " + self._style(SECTION_TITLES.get(f.location.section, str(current)), underline=True))
            severity = self._style(f"{f.severity:<7}", fg=COLOURS[f.severity])
            where = _where(f)
            known_mark = " (baseline)" if f.baseline == "unchanged" else ""
            message = message_for(f, self.lang)
            lines.append(f"    {severity} {f.rule}: {message}" + (f"  [{where}]" if where else "") + known_mark)
            if f.expected is not None or f.actual is not None:
                lines.append(f"             expected {f.expected}, actual {f.actual}")
            if f.evidence:
                lines.append(f"             > {f.evidence}")
        lines.append("")
        return lines

    def _concise(self, result: ReportResult) -> list[str]:
        lines = []
        for f in result.findings:
            where = _where(f)
            severity = self._style(f.severity, fg=COLOURS[f.severity])
            message = message_for(f, self.lang)
            lines.append(f"{result.source}: {severity} {f.rule}: {message}" + (f"  [{where}]" if where else ""))
        return lines


def width(text: str) -> int:
    """Columns the text takes on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


HEADER = ("report", "agency", "year", "template", "errors", "warnings", "info", "top rules")


def summary_row(result: ReportResult) -> tuple[str, ...]:
    counts = Counter(f.severity for f in result.findings)
    ranked = sorted(Counter(f.rule for f in result.findings).items(), key=lambda i: (-i[1], i[0]))[:3]
    top = "; ".join(f"{rule}×{n}" if n > 1 else rule for rule, n in ranked)
    return (
        result.source,
        result.agency or "",
        "" if result.year is None else str(result.year),
        result.template or "",
        str(counts["error"]),
        str(counts["warning"]),
        str(counts["info"]),
        top,
    )


class SummaryTable:
    """A batch's overview, one line per report: rows wait in a temporary file, widths in memory."""

    def __init__(self) -> None:
        self.count = 0
        self._widths = [width(cell) for cell in HEADER[:-1]]
        self._rows = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by close())

    def add(self, result: ReportResult) -> None:
        row = summary_row(result)
        self._widths = [max(w, width(cell)) for w, cell in zip(self._widths, row[:-1], strict=False)]
        self._rows.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.count += 1

    def _line(self, row: Sequence[str]) -> str:
        cells = [pad(cell, w) for cell, w in zip(row[:-1], self._widths, strict=True)]
        return "  ".join([*cells, row[-1]]).rstrip()

    def write(self, out: Writer) -> None:
        out.write(self._line(HEADER) + "\n")
        self._rows.seek(0)
        for line in self._rows:
            out.write(self._line(json.loads(line)) + "\n")

    def close(self) -> None:
        self._rows.close()


@hookimpl
def compliance_formatters() -> list[object]:
    return [TextFormatter()]
