"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, IDE viewers).

One run for the whole check. ``tool.driver.rules`` carries each rule's metadata from its rule
pack (the same text as ``compliance explain``); each result points at the file and line where
known and names the template place (section/table/row/column) as a logical location.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from compliance.formatters import display_path
from compliance.formatters.streaming import Writer, indented, render_streamed
from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import BaselineStatus, Finding, FindingsDocument, Report, ReportResult, Summary, ToolInfo
from compliance.ruledoc import ENGINE_RULES, explain_text, rule_markdown

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "complianceFinding/v1"


def _descriptor(spec: RuleSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": " ".join(spec.description.split())},
        "help": {"text": explain_text(spec), "markdown": rule_markdown(spec, heading="##")},
        "defaultConfiguration": {"level": LEVELS[spec.severity]},
        "properties": {"category": spec.category, "templates": list(spec.templates), "tags": [spec.category]},
    }


def _engine_descriptor(rule_id: str) -> dict[str, Any]:
    category, severity, summary = ENGINE_RULES.get(rule_id, ("internal", "error", rule_id))
    return {
        "id": rule_id,
        "shortDescription": {"text": summary},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"category": category, "tags": [category]},
    }


def _artifact(source: str) -> dict[str, Any]:
    path = display_path(source)
    uri = Path(path).as_uri() if Path(path).is_absolute() else path
    return {"uri": uri}


def _logical(found: Finding) -> list[dict[str, Any]]:
    loc = found.location
    parts = [(k, v) for k, v in (("section", loc.section), ("table", loc.table), ("row", loc.row)) if v]
    if loc.column:
        parts.append(("column", loc.column))
    if not parts:
        return []
    kind = "cell" if loc.row and loc.column else parts[-1][0]
    return [
        {
            "name": parts[-1][1],
            "fullyQualifiedName": "/".join(v for _, v in parts),
            "kind": kind,
        }
    ]


def _result(found: Finding, report: ReportResult, index: dict[str, int]) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(report.source)}
    if found.location.line is not None and found.location.line >= 1:
        physical["region"] = {"startLine": found.location.line}
        if found.location.char is not None and found.location.char >= 1:
            physical["region"]["startColumn"] = found.location.char
    location: dict[str, Any] = {"physicalLocation": physical}
    logical = _logical(found)
    if logical:
        location["logicalLocations"] = logical
    dumped = found.model_dump(mode="json")  # numbers as the JSON contract writes them
    properties = {
        "category": found.category,
        "expected": dumped["expected"],
        "actual": dumped["actual"],
        "evidence": found.evidence,
        "message_en": found.message_en,
        "page": found.location.page,
        # The figure's offset in the document's text as read (for HTML, the visible text).
        "textOffset": found.location.offset,
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
    }
    result: dict[str, Any] = {
        "ruleId": found.rule,
        "ruleIndex": index[found.rule],
        "level": LEVELS[found.severity],
        "message": {"text": found.message},
        "locations": [location],
    }
    if found.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: found.fingerprint}
    if found.baseline:
        result["baselineState"] = found.baseline
    result["properties"] = {k: v for k, v in properties.items() if v is not None}
    return result


# Stands in for the results while the log around them is laid out; replaced by the spooled results.
_PLACEHOLDER = "compliance:results"


class SarifFormatter:
    """The rule list (which grows with engine findings such as INPUT) comes before the results,
    so results are spooled to a temporary file and the log is assembled at the end."""

    name = "sarif"
    machine_readable = True
    rules: Sequence[RuleSpec] = ()

    def __init__(self) -> None:
        self._out: Writer | None = None
        self._tool: ToolInfo | None = None
        self._descriptors: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}
        self._spool: Any = None
        self._count = 0

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        return render_streamed(self, document, reports)

    def begin(self, out: Writer, tool: ToolInfo) -> None:
        self._out, self._tool, self._count = out, tool, 0
        self._descriptors = [_descriptor(spec) for spec in self.rules]
        self._index = {d["id"]: i for i, d in enumerate(self._descriptors)}
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in end())

    def add(self, result: ReportResult, report: Report | None) -> None:
        for found in result.findings:
            if found.rule not in self._index:
                self._index[found.rule] = len(self._descriptors)
                self._descriptors.append(_engine_descriptor(found.rule))
            text = json.dumps(_result(found, result, self._index), ensure_ascii=False, indent=2)
            self._spool.write((",\n" if self._count else "") + "        " + indented(text, 8))
            self._count += 1

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        assert self._out is not None and self._tool is not None
        driver = {"name": self._tool.name, "version": self._tool.version, "rules": self._descriptors}
        run: dict[str, Any] = {
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "results": _PLACEHOLDER,
        }
        if baseline is not None:
            run["properties"] = {"baseline": baseline.model_dump(mode="json")}
        log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
        # Unescaped, the key and its placeholder value can only be the real ones (text inside
        # strings has its quotes escaped), so the log splits exactly once.
        marker = f'"results": "{_PLACEHOLDER}"'
        head, tail = (json.dumps(log, ensure_ascii=False, indent=2) + "\n").split(marker)
        self._out.write(head + '"results": ')
        if self._count:
            self._out.write("[\n")
            self._spool.seek(0)
            shutil.copyfileobj(self._spool, self._out)  # type: ignore[misc]
            self._out.write("\n      ]")
        else:
            self._out.write("[]")
        self._out.write(tail)
        self._spool.close()


@hookimpl
def compliance_formatters() -> list[object]:
    return [SarifFormatter()]
