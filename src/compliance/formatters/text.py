"""Human-readable text: per report a verdict, then findings grouped by section."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

import click

from compliance.formatters import SECTION_TITLES, line_ref, message_for
from compliance.hookspecs import hookimpl
from compliance.model import Finding, FindingsDocument, Report

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
    name = "text"
    machine_readable = False
    colour = False
    lang = "zh"
    # One line per finding and nothing else (``--quiet``): what a log or grep wants.
    quiet = False

    def _style(self, text: str, **kwargs: object) -> str:
        return click.style(text, **kwargs) if self.colour else text  # type: ignore[arg-type]

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        if self.quiet:
            return self._concise(document)
        lines: list[str] = []
        for result in document.reports:
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
                    lines.append(
                        "  " + self._style(SECTION_TITLES.get(f.location.section, str(current)), underline=True)
                    )
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
        if len(document.reports) > 1:
            lines.extend(summary_table(document))
            lines.append("")
        s = document.summary
        lines.append(f"{s.reports} report(s): {s.error} error(s), {s.warning} warning(s), {s.info} info")
        return "\n".join(lines) + "\n"

    def _concise(self, document: FindingsDocument) -> str:
        lines = []
        for result in document.reports:
            for f in result.findings:
                where = _where(f)
                severity = self._style(f.severity, fg=COLOURS[f.severity])
                message = message_for(f, self.lang)
                lines.append(f"{result.source}: {severity} {f.rule}: {message}" + (f"  [{where}]" if where else ""))
        return "".join(line + "\n" for line in lines)


def width(text: str) -> int:
    """Columns the text takes on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def summary_table(document: FindingsDocument) -> list[str]:
    """One line per report (a batch's overview), columns padded for CJK display width."""
    header = ("report", "agency", "year", "template", "errors", "warnings", "info", "top rules")
    rows = [header]
    for result in document.reports:
        counts = Counter(f.severity for f in result.findings)
        ranked = sorted(Counter(f.rule for f in result.findings).items(), key=lambda i: (-i[1], i[0]))[:3]
        top = "; ".join(f"{rule}×{n}" if n > 1 else rule for rule, n in ranked)
        rows.append(
            (
                result.source,
                result.agency or "",
                "" if result.year is None else str(result.year),
                result.template or "",
                str(counts["error"]),
                str(counts["warning"]),
                str(counts["info"]),
                top,
            )
        )
    widths = [max(width(row[i]) for row in rows) for i in range(len(header) - 1)]
    return [
        "  ".join([*(pad(cell, w) for cell, w in zip(row[:-1], widths, strict=True)), row[-1]]).rstrip() for row in rows
    ]


@hookimpl
def compliance_formatters() -> list[object]:
    return [TextFormatter()]
