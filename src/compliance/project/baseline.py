"""Fingerprints and baselines: known findings do not fail the gate, and survive edits to the report.

A fingerprint never contains a line number: it is the rule, the report's identity (agency and
year, else the file name), the location ids (section/table/row/column) and a normalised key
(expected/actual, else the message with its digits blanked). Moving text around keeps it; changing
the numbers a finding is about makes it a new finding.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path, PurePath

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance.model import BaselineEntry, BaselineStatus, Finding, FindingsDocument, ReportResult

BASELINE_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline."""


class BaselineFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = BASELINE_VERSION
    tool: str = "compliance"
    entries: list[BaselineEntry] = Field(default_factory=list)


def report_identity(result: ReportResult) -> str:
    """Agency and year when known (stable across renames and formats), else the file name."""
    if result.agency and result.year:
        return f"{result.agency} {result.year}"
    return PurePath(result.source.replace("\\", "/")).name


def _key(found: Finding) -> str:
    if found.expected is not None or found.actual is not None:
        return f"{found.expected}|{found.actual}"
    return re.sub(r"\d+", "#", " ".join(found.message.split()))


def fingerprint(found: Finding, identity: str) -> str:
    loc = found.location
    parts = [found.rule, identity, loc.section or "", loc.table or "", loc.row or "", loc.column or "", _key(found)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def with_fingerprints(result: ReportResult) -> ReportResult:
    """The result with every finding's fingerprint filled in."""
    identity = report_identity(result)
    findings = [f.model_copy(update={"fingerprint": fingerprint(f, identity)}) for f in result.findings]
    return result.model_copy(update={"findings": findings})


def _where(found: Finding) -> str | None:
    loc = found.location
    cell = ".".join(p for p in (loc.table, loc.row, loc.column) if p)
    return cell or loc.section


def entries_for(result: ReportResult) -> list[BaselineEntry]:
    """One report's findings as baseline entries."""
    identity = report_identity(result)
    return [
        BaselineEntry(
            fingerprint=found.fingerprint or fingerprint(found, identity),
            rule=found.rule,
            report=identity,
            where=_where(found),
            message=found.message,
        )
        for found in result.findings
    ]


def sorted_entries(entries: list[BaselineEntry]) -> list[BaselineEntry]:
    return sorted(entries, key=lambda e: (e.report, e.rule, e.where or "", e.fingerprint))


def entries_of(document: FindingsDocument) -> list[BaselineEntry]:
    return sorted_entries([entry for result in document.reports for entry in entries_for(result)])


def write(path: Path, document: FindingsDocument) -> int:
    """Write every current finding as the new baseline; returns how many entries were written."""
    return write_entries(path, entries_of(document))


def write_entries(path: Path, entries: list[BaselineEntry]) -> int:
    baseline = BaselineFile(entries=entries)
    text = json.dumps(baseline.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write the baseline '{path}': {exc.strerror}") from exc
    return len(baseline.entries)


def load(path: Path) -> list[BaselineEntry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline '{path}': {exc.strerror}") from exc
    except ValueError as exc:
        raise BaselineError(f"the baseline '{path}' is not JSON ({exc})") from exc
    try:
        baseline = BaselineFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "(top)"
        raise BaselineError(f"the baseline '{path}' is malformed at {where}: {error['msg']}") from exc
    if baseline.version != BASELINE_VERSION:
        raise BaselineError(f"the baseline '{path}' has version {baseline.version}; expected {BASELINE_VERSION}")
    return baseline.entries


class Marker:
    """Marks findings new or unchanged one report at a time (a batch's results as they come).

    Entries are counted, so a finding that occurs twice needs two entries to be fully known.
    """

    def __init__(self, entries: list[BaselineEntry], path: str) -> None:
        self.entries = entries
        self.status = BaselineStatus(path=path)
        self._remaining = Counter(e.fingerprint for e in entries)

    def mark(self, result: ReportResult) -> None:
        identity = report_identity(result)
        for found in result.findings:
            if found.fingerprint is None:
                found.fingerprint = fingerprint(found, identity)
            if self._remaining[found.fingerprint] > 0:
                self._remaining[found.fingerprint] -= 1
                found.baseline = "unchanged"
                self.status.unchanged += 1
            else:
                found.baseline = "new"
                self.status.new += 1

    def finish(self) -> BaselineStatus:
        """The status, with the baseline entries no longer seen."""
        for entry in self.entries:
            if self._remaining[entry.fingerprint] > 0:
                self._remaining[entry.fingerprint] -= 1
                self.status.absent.append(entry)
        return self.status


def apply(document: FindingsDocument, entries: list[BaselineEntry], path: str) -> BaselineStatus:
    """Mark each finding new or unchanged, and list the baseline entries no longer seen."""
    marker = Marker(entries, path)
    for result in document.reports:
        marker.mark(result)
    document.baseline = marker.finish()
    return document.baseline


def absent_notes(status: BaselineStatus, baseline_file: str) -> list[str]:
    if not status.absent:
        return []
    count = len(status.absent)
    notes = [
        f"note: {count} baseline entr{'y' if count == 1 else 'ies'} no longer occur; "
        f"rewrite it with --write-baseline {baseline_file} to shrink it:"
    ]
    return notes + [f"  {entry.rule} {entry.report} {entry.where or ''}".rstrip() for entry in status.absent]


def written_note(written: int, write_to: str) -> str:
    return f"wrote {written} baseline entr{'y' if written == 1 else 'ies'} to {write_to}"


def reads_baseline(baseline_file: str | None, write_to: str | None) -> bool:
    """Writing a baseline that does not exist yet while also naming it with --baseline is the usual
    first run: then there is nothing to read."""
    return baseline_file is not None and not (write_to and not Path(baseline_file).exists())


def gate(document: FindingsDocument, baseline_file: str | None, write_to: str | None) -> list[str]:
    """Mark findings known to ``baseline_file`` and write a new baseline to ``write_to``.

    Returns the notes for the user (entries no longer seen, what was written); raises
    BaselineError for an unreadable baseline.
    """
    notes: list[str] = []
    if baseline_file is not None and reads_baseline(baseline_file, write_to):
        notes += absent_notes(apply(document, load(Path(baseline_file)), baseline_file), baseline_file)
    if write_to:
        notes.append(written_note(write(Path(write_to), document), write_to))
    return notes
