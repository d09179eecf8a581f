"""Peak memory and time of reading scanned image files, and the table cells read right.

Builds, from our own sample report (reports/*.txt, never the corpus), the page of one section
with its table (``--section``: 四, which fills one A4 page, or 三, whose page is 1.43 A4 long)
printed at 300, 600 and 1200 dpi (``tests/scans.section_page``, A4-wide, ruled), and saves it
as a greyscale PNG, a colour PNG, a colour JPEG and a three-page greyscale TIFF. Each file is
checked by ``compliance check`` in a child process (OCR cache off), ``--runs`` times;
``/usr/bin/time`` gives the wall time and the peak resident size of the process and its worker
(the largest of the two). ``compliance extract`` then reads the same file and the cells of its
table are compared with the sample text's. ``--base SRC`` measures another checkout's ``src`` the same way,
run for run in turn with this one (before → after on an equally loaded machine). A script that
prints figures, not a test:

    python bench/bench_scan_memory.py [--dpi 300,600,1200] [--kinds png-grey,...] [--runs 3] [--base SRC]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
SAMPLE = ROOT / "reports" / "v2021-clean-2023.txt"
TABLES = {"二": "T2", "三": "T3", "四": "T4"}  # the table each section prints
KINDS = ("png-grey", "png-colour", "jpeg", "tiff")
COMPLIANCE = str(Path(sys.executable).with_name("compliance"))


def page(dpi: int, section: str) -> Any:
    from scans import degrade, section_page

    # Scanned as a scanner would: a slight tilt and specks of dust (as many per square inch at every
    # resolution: bench_ocr's 0.2 % of pixels at 200 dpi), which also make the PNG compress as scans do.
    printed = section_page(SAMPLE.read_text(encoding="utf-8"), f"{section}、", ruled=True, dpi=dpi)
    return degrade(printed, tilt=0.8, speckle=0.002 * (200 / dpi) ** 2)


def save(grey: Any, kind: str, dpi: int, path: Path) -> None:
    from PIL import Image

    image = Image.fromarray(grey)
    if kind == "png-grey":
        image.save(path, format="PNG", dpi=(dpi, dpi))
    elif kind == "png-colour":
        image.convert("RGB").save(path, format="PNG", dpi=(dpi, dpi))
    elif kind == "jpeg":
        image.convert("RGB").save(path, format="JPEG", quality=85, dpi=(dpi, dpi))
    else:  # three pages, LZW like most scanners' TIFF
        pages = [image] * 2
        image.save(path, format="TIFF", dpi=(dpi, dpi), compression="tiff_lzw", save_all=True, append_images=pages)


def measured(command: list[str], source: str | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak resident MB of the command and its children, stdout); ``source``: a
    ``src`` folder imported instead of the installed package."""
    env = {**os.environ, "COMPLIANCE_OCR_CACHE": "off"}
    if source:
        env["PYTHONPATH"] = source
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *command], capture_output=True, text=True, env=env, check=False
    )
    wall, peak = done.stderr.strip().splitlines()[-1].split()
    return float(wall), int(peak) // 1024, done.stdout


def table_cells(report: dict, table_id: str) -> dict[tuple[str, str], Any]:
    table = report.get("tables", {}).get(table_id, {})
    return {(row, column): cell.get("value") for row, cells in table.items() for column, cell in cells.items()}


def main() -> None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # our own page at 1200 dpi; the reader keeps its own limit
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", default="300,600,1200")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--section", default="四", choices=sorted(TABLES))
    parser.add_argument("--base", help="a checkout's src folder to measure against (before → after)")
    args = parser.parse_args()
    result = subprocess.run([COMPLIANCE, "extract", str(SAMPLE)], capture_output=True, text=True, check=True)
    table = TABLES[args.section]
    expected = table_cells(json.loads(result.stdout), table)
    versions = {"base": args.base, "this": None} if args.base else {"this": None}
    print(f"{'file':16} {'MB':>5} {'version':7} {'check s':>12} {'peak MB':>10}  cells right / input findings")
    with tempfile.TemporaryDirectory() as folder:
        for dpi in (int(d) for d in args.dpi.split(",")):
            grey = page(dpi, args.section)
            for kind in args.kinds.split(","):
                path = Path(folder) / f"scan-{dpi}.{ {'jpeg': 'jpg', 'tiff': 'tif'}.get(kind, 'png') }"
                save(grey, kind, dpi, path)
                runs: dict[str, list[tuple[float, int, str]]] = {v: [] for v in versions}
                for _ in range(args.runs):
                    for version, source in versions.items():
                        check = [COMPLIANCE, "check", "--isolated", "--format", "json", str(path)]
                        runs[version].append(measured(check, source))
                for version, source in versions.items():
                    walls, peaks = [r[0] for r in runs[version]], [r[1] for r in runs[version]]
                    _, _, read = measured([COMPLIANCE, "extract", str(path)], source)
                    print(
                        f"{kind + ' ' + str(dpi):16} {path.stat().st_size / 1e6:>5.1f} {version:7} "
                        f"{_span(walls, '.1f'):>12} {_span(peaks, 'd'):>10}  {_cells(read, expected, table)} "
                        f"{_inputs(runs[version][0][2])}",
                        flush=True,
                    )
            del grey


def _span(values: list, form: str) -> str:
    low, high = format(min(values), form), format(max(values), form)
    return low if low == high else f"{low}–{high}"


def _cells(out: str, expected: dict, table: str) -> str:
    try:
        found = table_cells(json.loads(out), table)
    except json.JSONDecodeError:
        found = {}
    return f"{sum(1 for key, value in expected.items() if found.get(key) == value)}/{len(expected)}"


def _inputs(out: str) -> str:
    try:
        reports = json.loads(out)["reports"]
    except (json.JSONDecodeError, KeyError, TypeError):
        return "(no JSON)"
    found = [f for r in reports for f in r.get("findings", []) if f.get("category") == "input"]
    return "; ".join((f.get("message_en") or f.get("message", ""))[:60] for f in found)


if __name__ == "__main__":
    main()
