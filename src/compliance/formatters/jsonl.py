"""JSON Lines: one line per report, each a report's findings as in the contract's ``reports`` list.

Made for batches of any size: a line is written as soon as its report is checked, and a consumer
reads it the same way, one line at a time. Every line validates against
``schemas/findings-line.schema.json`` (the ``ReportResult`` of the contract); totals are not
repeated, they are the sum over the lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from compliance.formatters.streaming import Writer, render_streamed
from compliance.hookspecs import hookimpl
from compliance.model import BaselineStatus, FindingsDocument, Report, ReportResult, Summary, ToolInfo


class JsonlFormatter:
    name = "jsonl"
    machine_readable = True

    def __init__(self) -> None:
        self._out: Writer | None = None

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        return render_streamed(self, document, reports)

    def begin(self, out: Writer, tool: ToolInfo) -> None:
        self._out = out

    def add(self, result: ReportResult, report: Report | None) -> None:
        assert self._out is not None
        self._out.write(result.model_dump_json() + "\n")

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        self._out = None


@hookimpl
def compliance_formatters() -> list[object]:
    return [JsonlFormatter()]
