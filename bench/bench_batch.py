"""Benchmark: check a generated batch of reports with --jobs 1 and 2; print throughput and memory.

Usage: python bench/bench_batch.py [--reports 2000] [--jobs 1,2] [--profile N]

Reports are variants of our own samples in reports/ (another agency name and year each),
written to a temporary folder. Not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from compliance.batch import BatchOptions, run_batch  # noqa: E402
from compliance.engine import Options, check_file, get_registry, summarise  # noqa: E402
from helpers import write_variants  # noqa: E402


def html_reader_available() -> bool:
    return any("html" in getattr(r, "name", "") for r in get_registry().readers)


def timed_batch(files: list[Path], jobs: int) -> dict[str, float]:
    """Run one batch in this (fresh) process: seconds, findings, peak RSS of parent and workers."""
    get_registry()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    outcome = run_batch(files, Options(), BatchOptions(jobs=jobs))
    document = summarise([c.result for c in outcome.checked])
    document.model_dump_json()
    elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "findings": sum(len(r.findings) for r in document.reports),
        "pairs": len(outcome.pairs),
        "parent_base_mib": base,
        "parent_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def run_isolated(folder: Path, size: int, jobs: int) -> dict[str, float]:
    """Each measurement in a fresh interpreter, so peak memory is that batch's own."""
    command = [sys.executable, __file__, "--measure", str(folder), "--reports", str(size), "--jobs", str(jobs)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def profile(files: list[Path], top: int) -> None:
    registry = get_registry()
    profiler = cProfile.Profile()
    profiler.enable()
    for path in files:
        check_file(path, registry, Options())
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--profile", type=int, default=0, help="profile N reports in-process instead")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: one batch, JSON out
    args = parser.parse_args()
    if args.measure:
        files = sorted(args.measure.glob("*.txt"))[: args.reports]
        print(json.dumps(timed_batch(files, int(args.jobs))))
        return
    get_registry()
    with tempfile.TemporaryDirectory() as tmp:
        files = write_variants(Path(tmp), args.reports, REPO / "reports")
        if not html_reader_available():
            print("note: no HTML reader registered on this branch; the batch is text reports only")
        if args.profile:
            profile(files[: args.profile], 25)
            return
        sizes = sorted({max(1, args.reports // 4), max(1, args.reports // 2), args.reports})
        print(f"{'jobs':>4} {'reports':>7} {'seconds':>8} {'reports/s':>10} {'parent MiB':>11} {'worker MiB':>11}")
        for jobs in (int(j) for j in args.jobs.split(",")):
            for size in sizes:
                m = run_isolated(Path(tmp), size, jobs)
                rate = size / m["seconds"]
                print(
                    f"{jobs:>4} {size:>7} {m['seconds']:>8.2f} {rate:>10.0f} "
                    f"{m['parent_peak_mib']:>11.0f} {m['worker_peak_mib']:>11.0f}"
                )
        print("parent MiB / worker MiB: peak resident memory of the batch process and of its largest worker")


if __name__ == "__main__":
    main()
