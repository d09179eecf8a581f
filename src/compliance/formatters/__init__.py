"""Formatters turn findings (and, where useful, the reports) into one output format each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Any, Protocol

from compliance.model import SEVERITY_ORDER, Finding, FindingLocation, FindingsDocument, Report


class Formatter(Protocol):
    """An output format. Optional attributes a formatter may declare, which the caller then sets
    (see ``configure``): ``colour`` (bool), ``rules`` (the RuleSpecs that ran), ``fail_on``
    (the gate threshold: error, warning, info or never).

    Optional attributes the caller reads: ``binary = True`` when ``render`` returns bytes (a file
    format such as xlsx: the CLI then requires ``--output``); ``file_encoding`` for text written to
    ``--output`` (default utf-8; csv uses utf-8-sig); ``needs_reports`` to be given the Report objects.
    """

    name: str
    # True for formats other programs parse: nothing else may be printed on stdout with them.
    machine_readable: bool

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str | bytes:
        """Return the whole output: text, or bytes for a binary format."""


# Headings for grouping findings by section (the template's exact titles; S0 is the preamble).
SECTION_TITLES: dict[str | None, str] = {
    "S0": "前言 / preamble",
    "S1": "一、总体情况",
    "S2": "二、主动公开政府信息情况",
    "S3": "三、收到和处理政府信息公开申请情况",
    "S4": "四、政府信息公开行政复议、行政诉讼情况",
    "S5": "五、存在的主要问题及改进情况",
    "S6": "六、其他需要报告的事项",
    None: "全文 / whole report",
}


def message_for(finding: Finding, lang: str) -> str:
    """The finding's message in the reader's language (Chinese unless English is asked for and given)."""
    return finding.message_en if lang == "en" and finding.message_en else finding.message


def configure(formatter: Any, **settings: Any) -> None:
    """Give a formatter the run's settings it declares as attributes; others are not its business."""
    for name, value in settings.items():
        if hasattr(formatter, name):
            setattr(formatter, name, value)


def display_path(source: str) -> str:
    """A report's path for machine outputs: relative to the working directory where possible, with
    forward slashes, so outputs are the same on every checkout (and GitHub can place annotations)."""
    path = Path(source)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return PurePath(source).as_posix()


def line_ref(location: FindingLocation) -> str:
    """``line 43`` or, where the figure's column on the line is known, ``line 43:12``."""
    if location.line is None:
        return ""
    return f"line {location.line}" + (f":{location.char}" if location.char is not None else "")


def cell_path(location: FindingLocation) -> str:
    """Table, row and column ids joined with dots (``T3.granted.total``), or the section key."""
    cell = ".".join(p for p in (location.table, location.row, location.column) if p)
    return cell or (location.section or "")


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}


def gating(finding: Finding, threshold: int | None) -> bool:
    """Whether a finding fails the gate: at or above the threshold and not already in the baseline."""
    if threshold is None or finding.baseline == "unchanged":
        return False
    return SEVERITY_ORDER[finding.severity] >= threshold


def threshold_of(fail_on: str) -> int | None:
    """The numeric gate level of a ``--fail-on`` value (None for ``never``)."""
    return None if fail_on == "never" else SEVERITY_ORDER[fail_on]
