"""Report files for the workspace tests, built from our own samples in reports/ (never from ../shared)."""

from __future__ import annotations

import shutil
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "reports"
FAULTS = SAMPLES / "v2021-faults-2022.txt"
# Fault (c) of v2021-faults-2022.faults.md: the 行政复议 total printed 5 where its parts add up to 4.
REVIEW_ROW_PRINTED = "2\t1\t0\t1\t5\t"
REVIEW_ROW_CORRECTED = "2\t1\t0\t1\t4\t"


def sample_folder(target: Path) -> Path:
    """A folder holding every sample report (not the fault descriptions)."""
    target.mkdir(parents=True, exist_ok=True)
    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, target / sample.name)
    return target


def corrected_version(target: Path) -> Path:
    """The faulty sample re-submitted with its 行政复议 total corrected (the other faults left in)."""
    text = FAULTS.read_text(encoding="utf-8")
    assert text.count(REVIEW_ROW_PRINTED) == 1, "the sample's T4 row changed; update this fixture"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(REVIEW_ROW_PRINTED, REVIEW_ROW_CORRECTED), encoding="utf-8")
    return target
