"""Streaming output: a formatter writes each report's part as the batch produces it.

A streaming formatter implements ``begin(out, tool)``, ``add(result, report)`` once per report
in input order, and ``end(summary, baseline)``; it writes to ``out`` as it goes, keeping only
what its format needs at the end (counts, column widths) and spooling to a temporary file what
must come out later than it arrives (SARIF's results follow the rule list, JUnit's totals lead).
A formatter that only implements ``render`` (markdown, html, a plugin's) is given everything at
the end through ``RenderAdapter``. ``render_streamed`` gives streaming formatters their
``render``, so both paths write the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from compliance.model import BaselineStatus, FindingsDocument, Report, ReportResult, Summary, ToolInfo


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


@runtime_checkable
class StreamingFormatter(Protocol):
    def begin(self, out: Writer, tool: ToolInfo) -> None:
        """Start the output (headers); ``tool`` names the program and its version."""

    def add(self, result: ReportResult, report: Report | None) -> None:
        """One report's findings (and the report itself for formatters that declare ``needs_reports``)."""

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        """Finish the output: totals, the baseline block, closing brackets."""


class RenderAdapter:
    """A formatter with only ``render``: every report is kept and rendered at the end."""

    def __init__(self, formatter: Any) -> None:
        self.formatter = formatter
        self._out: Writer | None = None
        self._tool: ToolInfo | None = None
        self._results: list[ReportResult] = []
        self._reports: list[Report | None] = []

    def begin(self, out: Writer, tool: ToolInfo) -> None:
        self._out, self._tool = out, tool

    def add(self, result: ReportResult, report: Report | None) -> None:
        self._results.append(result)
        self._reports.append(report)

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        assert self._out is not None and self._tool is not None
        document = FindingsDocument(tool=self._tool, reports=self._results, summary=summary, baseline=baseline)
        self._out.write(self.formatter.render(document, self._reports))


def streaming(formatter: Any) -> StreamingFormatter:
    """The formatter itself when it streams, else the adapter around its ``render``."""
    if all(callable(getattr(formatter, name, None)) for name in ("begin", "add", "end")):
        return formatter  # type: ignore[no-any-return]
    return RenderAdapter(formatter)


def render_streamed(formatter: StreamingFormatter, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
    """The whole output as one string, written through the streaming methods."""
    buffer = io.StringIO()
    formatter.begin(buffer, document.tool)
    for position, result in enumerate(document.reports):
        formatter.add(result, reports[position] if position < len(reports) else None)
    formatter.end(document.summary, document.baseline)
    return buffer.getvalue()


def indented(text: str, spaces: int) -> str:
    """Every line but the first indented by ``spaces`` (nesting a pretty-printed JSON value)."""
    return text.replace("\n", "\n" + " " * spaces)
