"""The contract format (contract §2), validated by ``schemas/findings.schema.json``.

Written incrementally: the document's head, then each report as it comes, then the summary and
the baseline block, byte for byte what one ``model_dump_json(indent=2)`` of the whole would be.
"""

from __future__ import annotations

from collections.abc import Sequence

from compliance.formatters.streaming import Writer, indented, render_streamed
from compliance.hookspecs import hookimpl
from compliance.model import BaselineStatus, FindingsDocument, Report, ReportResult, Summary, ToolInfo


class JsonFormatter:
    name = "json"
    machine_readable = True

    def __init__(self) -> None:
        self._out: Writer | None = None
        self._count = 0

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        return render_streamed(self, document, reports)

    def begin(self, out: Writer, tool: ToolInfo) -> None:
        self._out, self._count = out, 0
        out.write('{\n  "tool": ' + indented(tool.model_dump_json(indent=2), 2) + ',\n  "reports": [')

    def add(self, result: ReportResult, report: Report | None) -> None:
        assert self._out is not None
        self._out.write(("\n    " if self._count == 0 else ",\n    ") + indented(result.model_dump_json(indent=2), 4))
        self._count += 1

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        assert self._out is not None
        text = "\n  ]" if self._count else "]"
        text += ',\n  "summary": ' + indented(summary.model_dump_json(indent=2), 2)
        # The baseline block is an extension: absent (not null) when no baseline was used.
        if baseline is not None:
            text += ',\n  "baseline": ' + indented(baseline.model_dump_json(indent=2), 2)
        self._out.write(text + "\n}\n")


@hookimpl
def compliance_formatters() -> list[object]:
    return [JsonFormatter()]
