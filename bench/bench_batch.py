"""Benchmark: a batch through `compliance check` — throughput, peak memory, first-output latency.

Usage: python bench/bench_batch.py [--reports 1000,10000] [--jobs 2] [--format jsonl] [--dask] [--profile N]
       [--side-by-side]
       python bench/bench_batch.py --profile-batch N [--format text] [--no-pair]

Reports are variants of our own samples in reports/ (another agency name and year each, so
cross-year pairing finds pairs), written to a temporary folder per size; ``--side-by-side`` names
them agency first, then year, so each report's prior is the file before it. Each run is a fresh
interpreter running the CLI, with output to a file: peak RSS of that process (the parent) and of
its largest worker, wall seconds, reports per second, and the seconds until the first byte of
output reached the file. ``--no-pair`` runs show the streaming path; ``--dask`` adds a run on a
two-worker Dask LocalCluster. Not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers import write_variants  # noqa: E402


def measure(argv: list[str]) -> None:
    """Internal: run the CLI in this process, then print its own and its children's peak RSS."""
    from compliance.cli import main

    sys.argv = ["compliance", *argv]
    with contextlib.suppress(SystemExit):
        main()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = {
        "parent_mib": own.ru_maxrss / 1024,
        "worker_mib": children.ru_maxrss / 1024,
        # CPU seconds (user + system): the machine is shared, so wall time alone says little.
        "parent_cpu": own.ru_utime + own.ru_stime,
        "worker_cpu": children.ru_utime + children.ru_stime,
    }
    print(json.dumps(figures), file=sys.stderr)


def run_cli(folder: Path, jobs: int, output_format: str, extra: list[str]) -> dict[str, float]:
    out = folder.parent / f"out-{folder.name}.{output_format}"
    argv = ["check", str(folder), "--format", output_format, "-o", str(out), "--isolated", "--jobs", str(jobs)]
    command = [sys.executable, __file__, "--measure", json.dumps(argv + extra)]
    errors = folder.parent / f"err-{folder.name}.txt"  # a file, not a pipe: the pairing list can be long
    started = time.perf_counter()
    with errors.open("w") as sink:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)
    first = None
    while process.poll() is None:
        if first is None and out.exists() and out.stat().st_size > 0:
            first = time.perf_counter() - started
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    figures = json.loads(errors.read_text(encoding="utf-8").strip().splitlines()[-1])
    figures.update(seconds=elapsed, first_output=first if first is not None else elapsed)
    out.unlink(missing_ok=True)
    return figures


def side_by_side(folder: Path) -> None:
    """Rename the variants agency first, then year, as folders of real reports usually sort: each
    report's prior is then the file just before it (still being checked when its turn comes)."""
    for path in sorted(folder.glob("*.txt")):
        with path.open(encoding="utf-8") as handle:
            agency = re.sub(r"\d{4}年.*", "", handle.readline().strip())
        number, year = path.stem.split("-")
        path.rename(folder / f"{agency}-{year}-{number}.txt")


def profile(folder: Path, top: int) -> None:
    from compliance.engine import Options, check_file, get_registry

    registry = get_registry()
    profiler = cProfile.Profile()
    profiler.enable()
    for path in sorted(folder.glob("*.txt")):
        check_file(path, registry, Options())
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


class _InProcess:
    """An executor running each task in this process, in order: a profile then sees the whole batch
    (first pass, checks, cross-year rules, output) instead of a parent waiting on its workers."""

    def __init__(self, handler, **_: object) -> None:  # type: ignore[no-untyped-def]
        self.handler = handler

    def __enter__(self) -> _InProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def run(self, tasks, window=None, after=None):  # type: ignore[no-untyped-def]
        for index, task in enumerate(tasks):
            yield index, self.handler(task)


def profile_batch(folder: Path, output_format: str, extra: list[str], top: int) -> None:
    import compliance.batch.run as batch_run
    from compliance.cli import main

    batch_run.make_executor = lambda kind, handler, **options: _InProcess(handler)  # type: ignore[assignment]
    sys.argv = ["compliance", "check", str(folder), "--format", output_format, "--isolated", "-q", *extra]
    sys.argv += ["-o", str(folder.parent / f"out.{output_format}")]
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    with contextlib.suppress(SystemExit):
        main()
    profiler.disable()
    count = len(list(folder.glob("*.txt")))
    print(f"{count} reports: {1000 * (time.process_time() - started) / count:.1f} CPU ms per report, profiled")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", default="1000,10000")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--format", default="jsonl")
    parser.add_argument("--dask", action="store_true", help="also run on a 2-worker Dask LocalCluster")
    parser.add_argument("--paired-only", action="store_true", help="no --no-pair run (older CLIs lack it)")
    parser.add_argument("--profile", type=int, default=0, help="profile N reports in-process instead")
    parser.add_argument("--profile-batch", type=int, default=0, help="profile a whole N-report CLI batch in-process")
    parser.add_argument("--no-pair", action="store_true", help="with --profile-batch: the batch without pairing")
    parser.add_argument(
        "--side-by-side", action="store_true", help="name the reports agency first, then year (priors adjacent)"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: one CLI run, memory on stderr
    args = parser.parse_args()
    if args.measure:
        measure(json.loads(args.measure))
        return
    sizes = [int(s) for s in args.reports.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        if args.profile_batch:
            folder = Path(tmp) / "profile"
            write_variants(folder, args.profile_batch, REPO / "reports")
            if args.side_by_side:
                side_by_side(folder)
            profile_batch(folder, args.format, ["--no-pair"] if args.no_pair else [], 40)
            return
        if args.profile:
            folder = Path(tmp) / "profile"
            write_variants(folder, args.profile, REPO / "reports")
            profile(folder, 25)
            return
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
        header = f"{'run':<22} {'reports':>7} {'seconds':>8} {'reports/s':>10} {'first out s':>11}"
        print(header + f" {'parent MiB':>11} {'worker MiB':>11} {'CPU ms/report':>14} {'of it parent':>13}")
        cluster = _cluster() if args.dask else None
        try:
            for size in sizes:
                folder = Path(tmp) / f"n{size}"
                write_variants(folder, size, REPO / "reports")
                if args.side_by_side:
                    side_by_side(folder)
                runs = [(f"--jobs {args.jobs}", [])]
                if size == sizes[0] and not args.paired_only:
                    runs.append((f"--jobs {args.jobs} --no-pair", ["--no-pair"]))
                if cluster is not None and size == sizes[0]:
                    runs.append(("dask, 2 workers", ["--executor", "dask", "--scheduler", cluster.scheduler_address]))
                for label, extra in runs:
                    m = run_cli(folder, args.jobs, args.format, extra)
                    print(
                        f"{label:<22} {size:>7} {m['seconds']:>8.2f} {size / m['seconds']:>10.0f} "
                        f"{m['first_output']:>11.2f} {m['parent_mib']:>11.0f} {m['worker_mib']:>11.0f} "
                        f"{1000 * (m['parent_cpu'] + m['worker_cpu']) / size:>14.2f} "
                        f"{1000 * m['parent_cpu'] / size:>13.2f}"
                    )
        finally:
            if cluster is not None:
                cluster.close()
        print(f"load average {os.getloadavg()[0]:.1f} at the end (figures are wall-clock on a shared machine)")
        print("parent/worker MiB: peak resident memory of the CLI process and of its largest worker process;")
        print("first out s: from starting the CLI to the first byte of output in the file")
        print("CPU ms/report: user + system CPU of the CLI and its workers per report (start-up included);")
        print("of it parent: the share spent in the CLI process itself (collecting, pairing, writing)")


def _cluster():  # type: ignore[no-untyped-def]
    from distributed import LocalCluster

    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")


if __name__ == "__main__":
    main()
