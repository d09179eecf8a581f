"""Pairing across years without holding results back: keys first, then results as they are checked.

A report's result is final only once its pair — last year's report of the same agency, if the batch
has it — is known, and text output prints the pairing list before any result. Both need every
report's agency and year, but not every report checked: a first pass reads each report only as far
as its title and headings (``engine.report_key``: its agency, year and whether it is readable as a
report), a few milliseconds of a text report's cost. The pairs are then decided, and the second
pass checks the reports in input order, each with its cross-year rules in the same task, so results
stream out as they are checked, byte for byte what waiting for every report produced.

A report's second-pass task names its prior (last year's report) as the prior's packed Report when
that was checked and stored already, else as its file, which the worker maps again. A document that
was slow to read (a PDF, a scan) is kept by the first pass for the second, so nothing slow is read
twice; a text file is cheaper to read again than to unpickle.
"""

from __future__ import annotations

import sys
import time
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compliance.batch.pairing import Duplicate, PairIndex
from compliance.batch.pool import Failed
from compliance.batch.stored import ReportStore, Stored, pack, put_in, read_stored, unpack, unpacked
from compliance.document import Document
from compliance.engine import (
    CheckedReport,
    Options,
    check_file,
    check_report,
    get_registry,
    load_report,
    report_key,
    sort_findings,
)
from compliance.model import KeyRatios, Report
from compliance.rules.base import CheckContext
from compliance.rules.ratios import report_ratios

if TYPE_CHECKING:
    from compliance.batch.executors import Executor
    from compliance.batch.run import Batch

# A document whose reading took more CPU than this is kept for the second pass; below it, reading the
# file again costs less than packing and unpacking the document (a text report: ≈ 1–3 ms either way).
# CPU time, not wall time: on a loaded machine a text report's reading may take longer than this by
# the clock, and keeping it would cost more than reading it again.
KEEP_READ_SECONDS = 0.02
# Work a reader waits for outside this process (an OCR engine's own process) shows only on the clock.
KEEP_WAIT_SECONDS = 0.5


@dataclass(frozen=True)
class Keyed:
    """What the first pass learns of a report: readable, agency, year, and where its document is kept."""

    readable: bool
    agency: str | None
    year: int | None
    document: bytes | Stored | None


# ---- worker side -------------------------------------------------------------------------------


def key_task(options: Options, folder: str | None, path: str) -> Keyed:
    started, cpu = time.perf_counter(), time.process_time()
    key, document = report_key(Path(path), get_registry(), options)
    kept: bytes | Stored | None = None
    slow = time.process_time() - cpu >= KEEP_READ_SECONDS or time.perf_counter() - started >= KEEP_WAIT_SECONDS
    if document is not None and slow:
        kept = pack(document)
        if folder is not None:
            kept = put_in(folder, kept)
    return Keyed(key.readable, key.agency, key.year, kept)


def check_task(
    options: Options,
    folder: str | None,
    path: str,
    document: bytes | Stored | None,
    keep: bool,
    prior: tuple[str, Any, Any] | None,
    batch: str = "",
) -> tuple[Any, bool, bytes | Stored | None]:
    """Check one report and, when it has a prior, run the cross-year rules on the two.

    ``prior`` is ``("report", packed, path)`` or ``("file", document, path)``. Returns the result, whether
    the report was readable, and (``keep``) the report packed, as the one-pass batch does.
    """
    registry = get_registry()
    loaded: Document | None = unpacked(read_stored(document)) if document is not None else None
    checked = check_file(Path(path), registry, options, loaded=loaded)
    report, result = checked.report, checked.result
    kept: bytes | Stored | None = None
    if keep and report is not None:
        kept = pack(report)
        if folder is not None:
            kept = put_in(folder, kept)
    if report is not None and keep:
        _remember((batch, path), report, result.ratios)
    if report is not None and prior is not None:
        then, ratios = _prior_report(prior, options, batch)
        if then is not None:
            from compliance.batch.run import cross_year_rules

            cross = check_report(report, registry, options, then, rules=cross_year_rules(registry, options))
            if result.ratios is not None:
                # The year-over-year change needs last year's ratios, as its own check computed them.
                if ratios is None:
                    ratios = report_ratios(CheckContext(report=then, layouts=registry.layouts, previous=None))
                result.ratios = result.ratios.with_previous(ratios)
            if cross:
                result.findings = sort_findings([*result.findings, *cross])
    return result, report is not None, kept


# Reports this worker checked lately that are someone's prior, by path: a later task naming one of
# them takes it from here instead of unpacking it (with two workers, about every other prior). Few:
# a report in memory is ≈ 0.5 MB, and a prior further back than this is usually stored already.
_RECENT = 16
# Keyed by batch too: a cluster's workers outlive a batch, and a file may change between two. Each
# report is held with the ratios its own check computed (its year-over-year change is not read:
# only its applications are), which a later report's change needs.
_recent: OrderedDict[tuple[str, str], tuple[Report, KeyRatios | None]] = OrderedDict()


def _remember(key: tuple[str, str], report: Report, ratios: KeyRatios | None) -> None:
    _recent[key] = (report, ratios)
    if len(_recent) > _RECENT:
        _recent.popitem(last=False)


def _prior_report(prior: tuple[str, Any, Any], options: Options, batch: str) -> tuple[Report | None, KeyRatios | None]:
    """The prior report, and its ratios when known already (None: compute them)."""
    kind, place, path = prior
    held = _recent.get((batch, path))
    if held is not None:
        return held
    if kind == "report":
        return unpack(read_stored(place)), None
    document = place
    try:
        loaded: Document | None = unpacked(read_stored(document)) if document is not None else None
        return load_report(Path(path), get_registry(), options, loaded), None
    except Exception:  # its own check reports why; unreadable, it is no one's prior
        return None, None


# ---- parent side -------------------------------------------------------------------------------


def keyed_then_checked(
    batch: Batch, executor: Executor, documents: ReportStore, reports: ReportStore
) -> Iterator[CheckedReport]:
    """The batch's results in input order, the first as soon as every report's key is read."""
    from compliance.batch.run import Pairs, _Labels, in_order

    files, count = batch.files, len(batch.files)
    pair_index = PairIndex()
    labels = _Labels(count)
    keys = batch._progress(executor.run(("key", str(path)) for path in files), count, "reading titles")
    failed: dict[int, Failed] = {}  # a report that hung or crashed its reader: not read again
    for index, out in keys:
        if isinstance(out, Failed):
            failed[index] = out
            continue
        if not out.readable:
            continue
        if out.document is not None:
            documents.put(index, out.document)
        pair_index.add(index, out.agency, out.year, sys.intern(files[index].suffix))
        labels.set(index, out.agency, out.year, None)
    current, prior = array("q"), array("q")
    if batch.cross and batch.batch.pair:
        for this, then in pair_index.iter_pairs():
            current.append(this)
            prior.append(then)
    batch.duplicates = [
        Duplicate(labels.get(group[0])[0], year, tuple(str(files[i]) for i in group))
        for year, group in pair_index.duplicates()
    ]
    del pair_index
    batch.pairs = Pairs((current, prior), lambda this, then: batch._pair(this, then, labels))
    prior_of = array("q", [-1]) * count
    is_prior = bytearray(count)
    for this, then in zip(current, prior, strict=True):
        prior_of[this] = then
        is_prior[then] = 1
    keep_all = batch.batch.keep_reports

    def tasks() -> Iterator[tuple[Any, ...]]:
        for index in range(count):
            if index in failed:
                yield ("failed", failed.pop(index))  # the worker hands it back: the same finding, no wait
                continue
            then = prior_of[index]
            named: tuple[str, Any, Any] | None = None
            if then >= 0:
                if reports.has(then):
                    named = ("report", reports.ref(then), str(files[then]))
                else:
                    named = ("file", documents.ref(then), str(files[then]))
            keep = keep_all or bool(is_prior[index])
            yield ("check", str(files[index]), documents.ref(index), keep, named, documents.folder)

    def recorded(stream: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        # Stored as each arrives, before the pool takes its next task, so a later report's task
        # names its prior's packed Report instead of mapping the prior again.
        for index, out in stream:
            if not isinstance(out, Failed):
                result, readable, kept = out
                if kept is not None:
                    reports.put(index, kept)
                if readable:
                    labels.set(index, result.agency, result.year, result.template)
            yield index, out

    def follows(index: int) -> int | None:
        # A report's task reads its prior: run it where the prior was just checked, which still
        # holds that report, rather than map the prior again while it is being checked elsewhere.
        return prior_of[index] if prior_of[index] >= 0 else None

    checked = executor.run(tasks(), batch.batch.window, after=follows)
    stream = recorded(batch._progress(checked, count, "checking"))
    for index, out in in_order(stream):
        result, _, kept = batch._outcome(index, out)
        report = unpack(read_stored(kept)) if keep_all and kept is not None else None
        yield CheckedReport(files[index], report, result)
