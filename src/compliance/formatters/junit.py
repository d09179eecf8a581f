"""JUnit XML for CI dashboards: one testsuite per report, one testcase per rule that ran.

A testcase fails when its rule has a finding that fails the gate (``--fail-on``, baseline-known
findings excepted); the failure's text lists those findings. Findings below the gate are kept in
the testcase's ``system-out`` so nothing is lost.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from compliance.formatters import cell_path, display_path, gating, line_ref, threshold_of
from compliance.formatters.streaming import Writer, render_streamed
from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import BaselineStatus, Finding, FindingsDocument, Report, ReportResult, Summary, ToolInfo

# Characters XML 1.0 cannot carry at all; text extracted from documents sometimes has them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(found: Finding) -> str:
    where = " ".join(p for p in (line_ref(found.location), cell_path(found.location)) if p)
    text = f"[{found.severity}] {found.message}"
    if found.expected is not None or found.actual is not None:
        text += f" (expected {found.expected}, actual {found.actual})"
    if found.baseline == "unchanged":
        text += " [baseline]"
    return f"{where}: {text}" if where else text


def _rule_ids(result: ReportResult, report: Report | None, rules: Sequence[RuleSpec]) -> list[tuple[str, str]]:
    """(rule id, category) for every rule that ran on this report, then any other rule with findings."""
    ran: list[tuple[str, str]] = []
    # A report that could not be read ran no rule; the others ran every rule of their template.
    if report is not None or not any(f.category == "input" for f in result.findings):
        template = report.template if report is not None else result.template
        ran = [(s.id, s.category) for s in rules if template is None or template in s.templates]
    known = {rule_id for rule_id, _ in ran}
    for found in result.findings:
        if found.rule not in known:
            known.add(found.rule)
            ran.append((found.rule, found.category))
    return ran


class JunitFormatter:
    """The totals are attributes of the root element, which comes first, so the suites are
    spooled to a temporary file and the document is assembled at the end."""

    name = "junit"
    machine_readable = True
    rules: Sequence[RuleSpec] = ()
    fail_on = "error"

    def __init__(self) -> None:
        self._out: Writer | None = None
        self._tool: ToolInfo | None = None
        self._spool: Any = None
        self._suites = self._tests = self._failures = 0

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        return render_streamed(self, document, reports)

    def begin(self, out: Writer, tool: ToolInfo) -> None:
        self._out, self._tool = out, tool
        self._suites = self._tests = self._failures = 0
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in end())

    def add(self, result: ReportResult, report: Report | None) -> None:
        suite, tests, failures = self._suite(result, report)
        ET.indent(suite, level=1)  # as ET.indent would lay it out inside the whole document
        self._spool.write(("\n  " if self._suites else "") + ET.tostring(suite, encoding="unicode"))
        self._suites += 1
        self._tests += tests
        self._failures += failures

    def _suite(self, result: ReportResult, report: Report | None) -> tuple[ET.Element, int, int]:
        threshold = threshold_of(self.fail_on)
        suite = ET.Element("testsuite", name=_clean(display_path(result.source)))
        properties = ET.SubElement(suite, "properties")
        for key in ("agency", "year", "template"):
            value = getattr(result, key)
            if value is not None:
                ET.SubElement(properties, "property", name=key, value=_clean(str(value)))
        tests = failures = 0
        for rule_id, category in _rule_ids(result, report, self.rules):
            tests += 1
            case = ET.SubElement(
                suite,
                "testcase",
                name=rule_id,
                classname=f"compliance.{category}",
                file=_clean(display_path(result.source)),
            )
            mine = [f for f in result.findings if f.rule == rule_id]
            failing = [f for f in mine if gating(f, threshold)]
            if failing:
                failures += 1
                worst = "error" if any(f.severity == "error" for f in failing) else failing[0].severity
                failure = ET.SubElement(
                    case, "failure", message=_clean(f"{len(failing)} finding(s): {failing[0].message}"), type=worst
                )
                failure.text = _clean("\n".join(_line(f) for f in failing))
            rest = [f for f in mine if f not in failing]
            if rest:
                ET.SubElement(case, "system-out").text = _clean("\n".join(_line(f) for f in rest))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        return suite, tests, failures

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        assert self._out is not None and self._tool is not None
        root = ET.Element("testsuites", name=self._tool.name)
        root.set("tests", str(self._tests))
        root.set("failures", str(self._failures))
        root.set("errors", "0")
        self._out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        if not self._suites:
            self._out.write(ET.tostring(root, encoding="unicode") + "\n")
        else:
            ET.SubElement(root, "suites")  # a stand-in for the spooled suites
            ET.indent(root)
            head, tail = ET.tostring(root, encoding="unicode").split("<suites />")
            self._out.write(head)
            self._spool.seek(0)
            shutil.copyfileobj(self._spool, self._out)  # type: ignore[misc]
            self._out.write(tail + "\n")
        self._spool.close()


@hookimpl
def compliance_formatters() -> list[object]:
    return [JunitFormatter()]
