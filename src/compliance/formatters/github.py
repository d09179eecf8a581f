"""GitHub Actions workflow commands: one annotation per finding, shown on the file in a pull request.

``::error file=…,line=…,title=…::message``. Values are escaped as the runner expects (``%``, CR and
LF everywhere; also ``:`` and ``,`` inside properties). Findings already in the baseline are not
annotated: they are known and would only bury the new ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from compliance.formatters import cell_path, display_path
from compliance.formatters.streaming import Writer, render_streamed
from compliance.hookspecs import hookimpl
from compliance.model import BaselineStatus, Finding, FindingsDocument, Report, ReportResult, Summary, ToolInfo

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(found: Finding, source: str) -> str:
    properties = [f"file={escape_property(display_path(source))}"]
    if found.location.line is not None:
        properties.append(f"line={found.location.line}")
        if found.location.char is not None:
            properties.append(f"col={found.location.char}")
    where = cell_path(found.location)
    properties.append(f"title={escape_property(found.rule + (f' ({where})' if where else ''))}")
    message = found.message
    if found.expected is not None or found.actual is not None:
        message += f"\nexpected {found.expected}, actual {found.actual}"
    if found.message_en:
        message += f"\n{found.message_en}"
    return f"::{COMMANDS[found.severity]} {','.join(properties)}::{escape_data(message)}"


class GithubFormatter:
    name = "github"
    machine_readable = True

    def __init__(self) -> None:
        self._out: Writer | None = None

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        return render_streamed(self, document, reports)

    def begin(self, out: Writer, tool: ToolInfo) -> None:
        self._out = out

    def add(self, result: ReportResult, report: Report | None) -> None:
        assert self._out is not None
        lines = [annotation(found, result.source) for found in result.findings if found.baseline != "unchanged"]
        self._out.write("".join(line + "\n" for line in lines))

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        self._out = None


@hookimpl
def compliance_formatters() -> list[object]:
    return [GithubFormatter()]
