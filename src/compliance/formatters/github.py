"""GitHub Actions workflow commands: one annotation per finding, shown on the file in a pull request.

``::error file=…,line=…,title=…::message``. Values are escaped as the runner expects (``%``, CR and
LF everywhere; also ``:`` and ``,`` inside properties). Findings already in the baseline are not
annotated: they are known and would only bury the new ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from compliance.formatters import cell_path, display_path
from compliance.hookspecs import hookimpl
from compliance.model import Finding, FindingsDocument, Report

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

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        lines = [
            annotation(found, result.source)
            for result in document.reports
            for found in result.findings
            if found.baseline != "unchanged"
        ]
        return "".join(line + "\n" for line in lines)


@hookimpl
def compliance_formatters() -> list[object]:
    return [GithubFormatter()]
