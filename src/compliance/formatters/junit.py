"""JUnit XML for CI dashboards: one testsuite per report, one testcase per rule that ran.

A testcase fails when its rule has a finding that fails the gate (``--fail-on``, baseline-known
findings excepted); the failure's text lists those findings. Findings below the gate are kept in
the testcase's ``system-out`` so nothing is lost.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from compliance.formatters import cell_path, display_path, gating, line_ref, threshold_of
from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Finding, FindingsDocument, Report, ReportResult

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
    name = "junit"
    machine_readable = True
    rules: Sequence[RuleSpec] = ()
    fail_on = "error"

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        threshold = threshold_of(self.fail_on)
        root = ET.Element("testsuites", name=document.tool.name)
        total_tests = total_failures = 0
        for position, result in enumerate(document.reports):
            report = reports[position] if position < len(reports) else None
            suite = ET.SubElement(root, "testsuite", name=_clean(display_path(result.source)))
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
            total_tests += tests
            total_failures += failures
        root.set("tests", str(total_tests))
        root.set("failures", str(total_failures))
        root.set("errors", "0")
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@hookimpl
def compliance_formatters() -> list[object]:
    return [JunitFormatter()]
