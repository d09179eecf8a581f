"""Batches: many reports checked in worker processes, paired across years, rolled up by region.

One report's engine (``compliance.engine``) knows nothing of batches; this package runs it over
many files: ``run`` orchestrates, ``pool`` is the local worker pool that can stop a hung report,
``pairing`` finds each report's previous year, ``regions`` the roll-up manifest, ``summary`` the
one-row-per-report CSV, ``progress`` the terminal progress bar.
"""

from __future__ import annotations

from compliance.batch.pairing import Pair, pairing_lines
from compliance.batch.run import DEFAULT_TIMEOUT, BatchOptions, BatchResult, failure_finding, run_batch
from compliance.batch.summary import summary_rows, write_summary

__all__ = [
    "DEFAULT_TIMEOUT",
    "BatchOptions",
    "BatchResult",
    "Pair",
    "failure_finding",
    "pairing_lines",
    "run_batch",
    "summary_rows",
    "write_summary",
]
