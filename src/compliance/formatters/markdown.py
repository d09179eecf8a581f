"""Markdown: a summary a person can paste into a review or a pull-request comment."""

from __future__ import annotations

from collections.abc import Sequence

from compliance.formatters import cell_path, counts, display_path, gating, line_ref, message_for, threshold_of
from compliance.hookspecs import hookimpl
from compliance.model import Finding, FindingsDocument, Report


def _cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _where(found: Finding) -> str:
    parts = []
    if found.location.line is not None:
        parts.append(line_ref(found.location))
    cell = cell_path(found.location)
    if cell:
        parts.append(f"`{cell}`")
    return " · ".join(parts)


class MarkdownFormatter:
    name = "markdown"
    machine_readable = True
    fail_on = "error"
    lang = "zh"

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        threshold = threshold_of(self.fail_on)
        s = document.summary
        failing = sum(1 for r in document.reports for f in r.findings if gating(f, threshold))
        verdict = "FAIL" if failing else "PASS"
        lines = [
            f"## compliance: {verdict}",
            "",
            f"{s.reports} report(s): {s.error} error(s), {s.warning} warning(s), {s.info} info; "
            f"{failing} finding(s) fail the gate (`--fail-on {self.fail_on}`).",
        ]
        if document.baseline is not None:
            b = document.baseline
            lines += [
                "",
                f"Baseline `{_cell(b.path)}`: {b.new} new, {b.unchanged} known, {len(b.absent)} no longer seen.",
            ]
        lines += [
            "",
            "| report | agency | year | template | errors | warnings | info |",
            "|---|---|---|---|---:|---:|---:|",
        ]
        for result in document.reports:
            c = counts(result.findings)
            lines.append(
                f"| `{_cell(display_path(result.source))}` | {_cell(result.agency or '')} | {result.year or ''} "
                f"| {result.template or ''} | {c['error']} | {c['warning']} | {c['info']} |"
            )
        for result in document.reports:
            if not result.findings:
                continue
            head = " ".join(str(x) for x in (result.agency, result.year) if x)
            lines += ["", f"### `{_cell(display_path(result.source))}`" + (f" — {_cell(head)}" if head else ""), ""]
            lines += ["| severity | rule | where | message |", "|---|---|---|---|"]
            for found in result.findings:
                message = message_for(found, self.lang)
                if found.expected is not None or found.actual is not None:
                    message += f" (expected {found.expected}, actual {found.actual})"
                severity = found.severity + (" (known)" if found.baseline == "unchanged" else "")
                lines.append(f"| {severity} | `{found.rule}` | {_where(found)} | {_cell(message)} |")
        return "\n".join(lines) + "\n"


@hookimpl
def compliance_formatters() -> list[object]:
    return [MarkdownFormatter()]
