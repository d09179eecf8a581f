"""Benchmark: wall time of `compliance check ONE.txt` against the import floor of its libraries.

Usage: python bench/bench_start.py [--runs 7] [--report reports/v2021-clean-2023.txt]

The floor is a bare interpreter importing the third-party packages that the same check imports
(found by running it once and reading ``sys.modules``). pydantic imports its model machinery only
when first used, so a second floor also defines one pydantic model: what any program built on
pydantic models pays before doing anything. A third floor imports every module of those libraries
that the check loaded (not only their packages): what the libraries themselves cost this check,
the floor the check cannot go below while it uses them. Runs alternate between the four, so load
from other processes on the machine hits all alike; minimum and median are printed. The first
run warms the on-disk data cache and is not counted. Not a test: it prints figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_LIBRARIES = """
import json, sys
from compliance.cli import main
sys.argv = ["compliance", "check", sys.argv[1], "--isolated", "--fail-on", "never"]
try:
    main()
except SystemExit:
    pass
import importlib.util
ours = {"compliance", "__main__", "_distutils_hack"}
top = {name.split(".")[0] for name in sys.modules}
third = sorted(n for n in top if n not in sys.stdlib_module_names and not n.startswith("_") and n not in ours)
# Only what can be imported by name: Cython registers a ``cython_runtime`` module that cannot, and
# naming it made the floor's ``import`` fail at once (a floor of two libraries and a traceback).
def importable(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # in sys.modules without a spec: made at run time, not importable by name
        return False
third = [n for n in third if importable(n)]
# Every module of those libraries the check loaded (pydantic, for one, loads most of itself only
# when a model is first defined), in the order they were loaded.
modules = [m for m in sys.modules if m.split(".")[0] in third and not m.split(".")[-1].startswith("__")]
modules = [m for m in modules if importable(m)]
print(json.dumps([third, modules]), file=sys.stderr)
"""


# Bytecode is written and reused, as in an installed wheel: with PYTHONDONTWRITEBYTECODE set (some
# development shells set it) every run would compile our modules from source again (≈ 0.25 s).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def libraries(report: Path) -> tuple[list[str], list[str]]:
    """The third-party packages the check imports, and every module of theirs it loaded."""
    command = [sys.executable, "-c", _LIBRARIES, str(report)]
    run = subprocess.run(command, capture_output=True, text=True, check=True, env=ENV)
    packages, modules = json.loads(run.stderr.strip().splitlines()[-1])
    return packages, modules


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the command and every process it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--report", type=Path, default=REPO / "reports" / "v2021-clean-2023.txt")
    args = parser.parse_args()
    libraries(args.report)  # warms the data cache, so the libraries found are those of a warm start
    names, modules = libraries(args.report)
    floor_command = [sys.executable, "-c", "import " + ", ".join(names)]
    whole_command = [sys.executable, "-c", "import " + ", ".join(modules)]
    model = "\nfrom pydantic import BaseModel\n\nclass Model(BaseModel):\n    x: int\n"
    model_command = [sys.executable, "-c", "import " + ", ".join(names) + model]
    check_command = [sys.executable, "-c", "from compliance.cli import main; main()", "check", str(args.report)]
    check_command += ["--isolated"]
    for command in (floor_command, model_command, whole_command):  # a floor that fails measures nothing
        subprocess.run(command, check=True, env=ENV)
    floors, models, wholes, checks = [], [], [], []
    for _ in range(args.runs):
        floors.append(timed(floor_command))
        models.append(timed(model_command))
        wholes.append(timed(whole_command))
        checks.append(timed(check_command))
    print(f"libraries imported by the check: {', '.join(names)}")
    print(f"{'':>18} {'wall min':>9} {'wall median':>12} {'CPU min':>8} {'CPU median':>11}")
    rows = (
        ("import floor", floors),
        ("floor + one model", models),
        ("their modules", wholes),
        ("check one report", checks),
    )
    for label, runs in rows:
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"{label:>18} {min(walls):>9.3f} {statistics.median(walls):>12.3f} "
            f"{min(cpus):>8.3f} {statistics.median(cpus):>11.3f}"
        )
    for label, floor in (("ratio", floors), ("ratio to modules", wholes)):
        print(
            f"{label:>18} {min(w for w, _ in checks) / min(w for w, _ in floor):>9.2f} "
            f"{statistics.median(w for w, _ in checks) / statistics.median(w for w, _ in floor):>12.2f} "
            f"{min(c for _, c in checks) / min(c for _, c in floor):>8.2f} "
            f"{statistics.median(c for _, c in checks) / statistics.median(c for _, c in floor):>11.2f}"
        )


if __name__ == "__main__":
    main()
