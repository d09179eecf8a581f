"""A batch's results to the output, one report at a time: suppressions, fingerprints, baseline, formats.

Each result goes through what ``compliance check`` does to it — suppressions removed, fingerprints
set, findings marked against the baseline — and is then handed to the (streaming) formatter and
the summary CSV, so nothing of a report is kept once it is written. Two things only wait for the
end: config suppressions that hid nothing are noted on the first report they applied to (so with
config suppressions the results wait in a spool), and ``--write-baseline`` collects its entries.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from compliance.batch.spool import Spool
from compliance.batch.summary import SummaryWriter
from compliance.engine import CheckedReport
from compliance.formatters.streaming import StreamingFormatter, Writer
from compliance.model import SEVERITY_ORDER, BaselineEntry, BaselineStatus, Report, ReportResult, Summary, ToolInfo
from compliance.project.baseline import Marker, entries_for, sorted_entries, with_fingerprints, write_entries
from compliance.project.suppressions import Suppressor


@dataclass
class Written:
    """What was written: the totals, the worst severity that counts for the gate, the baseline's status."""

    summary: Summary = field(default_factory=Summary)
    worst: int = -1  # SEVERITY_ORDER of the worst finding not known to the baseline; -1: none
    baseline: BaselineStatus | None = None
    baseline_written: int | None = None


@dataclass
class OutputSettings:
    tool: ToolInfo
    suppressor: Suppressor = field(default_factory=Suppressor)
    marker: Marker | None = None  # --baseline
    write_baseline: Path | None = None
    summary_csv: Path | None = None


def write_results(
    checked: Iterable[CheckedReport], formatter: StreamingFormatter, out: Writer, settings: OutputSettings
) -> Written:
    """Write every result through ``formatter`` to ``out``; returns the totals and the gate's level."""
    written = Written()
    entries: list[BaselineEntry] | None = [] if settings.write_baseline is not None else None
    summary_writer = SummaryWriter(settings.summary_csv) if settings.summary_csv is not None else None
    formatter.begin(out, settings.tool)
    flusher = _Flusher(out)
    if summary_writer is not None:
        summary_writer.__enter__()
    try:
        for result, report in _suppressed(checked, settings.suppressor):
            result = with_fingerprints(result)
            if settings.marker is not None:
                settings.marker.mark(result)
            _count(written, result)
            if entries is not None:
                entries.extend(entries_for(result))
            if summary_writer is not None:
                summary_writer.add(result)
            formatter.add(result, report)
            flusher.tick()
    finally:
        if summary_writer is not None:
            summary_writer.__exit__(None, None, None)
    written.baseline = settings.marker.finish() if settings.marker is not None else None
    formatter.end(written.summary, written.baseline)
    if entries is not None and settings.write_baseline is not None:
        written.baseline_written = write_entries(settings.write_baseline, sorted_entries(entries))
    return written


class _Flusher:
    """Flushes the output every quarter second, so results reach the file while the batch runs
    (a consumer tailing it sees them) without a system call per report."""

    INTERVAL = 0.25

    def __init__(self, out: Writer) -> None:
        self._flush = getattr(out, "flush", None)
        self._last = float("-inf")  # the first result goes out at once

    def tick(self) -> None:
        now = time.monotonic()
        if self._flush is not None and now - self._last >= self.INTERVAL:
            self._flush()
            self._last = now


def _count(written: Written, result: ReportResult) -> None:
    summary = written.summary
    summary.reports += 1
    for found in result.findings:
        setattr(summary, found.severity, getattr(summary, found.severity) + 1)
        if found.baseline != "unchanged":
            written.worst = max(written.worst, SEVERITY_ORDER[found.severity])


def _suppressed(
    checked: Iterable[CheckedReport], suppressor: Suppressor
) -> Iterator[tuple[ReportResult, Report | None]]:
    if not suppressor.configured:
        for item in checked:
            yield suppressor.apply(item.result, item.report), item.report
        return
    # A config suppression that hid nothing is noted on the first report it applied to, known
    # only once every report was seen: the results wait on disk until then.
    with Spool() as spool:
        count = 0
        for item in checked:
            spool.put_object(count, (suppressor.apply(item.result, item.report), item.report))
            count += 1
        notes = suppressor.unused()
        for index in range(count):
            result, report = spool.get_object(index)
            if index in notes:
                result = result.model_copy(update={"findings": [*result.findings, *notes[index]]})
            yield result, report
