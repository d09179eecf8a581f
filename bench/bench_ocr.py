"""OCR benchmark: seconds per page by stage and cells read right per scan quality.

Renders the table pages of real corpus PDFs (../shared, at run time; nothing is stored), degrades
them like a scanner (tilt, speckle, JPEG) at 200 and 150 dpi, reads them through the OCR path and
compares every T3/T4 cell with the same PDF read from its text layer. One intra-op thread
(COMPLIANCE_OCR_THREADS=1) measures "one core". Usage: python bench/bench_ocr.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("COMPLIANCE_OCR_THREADS", "1")
os.environ["COMPLIANCE_OCR_CACHE"] = "off"

from scans import degrade, image_pdf, render  # noqa: E402

from compliance.engine import load_report  # noqa: E402
from compliance.readers.ocr import engine, prepare  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "real"
DOCUMENTS = {  # file: 0-based pages holding tables 三 and 四
    "2023_jiangsu-huaian-hongzequ-zhengfu.pdf": [2, 3],
    "2024_jiangsu-huaian-shi-zhengfu.pdf": [3, 4],
}
QUALITIES = {
    "200dpi clean": (200, {}),
    "200dpi tilt1.5 noise jpeg": (200, {"tilt": 1.5, "speckle": 0.002, "jpeg": 75}),
    "150dpi clean": (150, {}),
    "150dpi tilt1.0 jpeg": (150, {"tilt": -1.0, "jpeg": 80}),
}


def cells(report, tables=("T3", "T4")):  # type: ignore[no-untyped-def]
    return {(t, r, c): x.value for t in tables for r, row in report.tables.get(t, {}).items() for c, x in row.items()}


def timed_stages(image, dpi):  # type: ignore[no-untyped-def]
    """Seconds for prepare (deskew, rules), detection+recognition, and the whole page."""
    start = time.perf_counter()
    grey = prepare.rotate(image, prepare.skew_angle(image))
    rules, erased = prepare.find_rules(prepare.despeckle(grey))
    prepared = time.perf_counter()
    engine.recognise(erased, dpi, rules)
    return prepared - start, time.perf_counter() - prepared


def main() -> None:
    for quality, (dpi, damage) in QUALITIES.items():
        right = total = 0
        prep = ocr = whole = 0.0
        count = 0
        for name, numbers in DOCUMENTS.items():
            source = CORPUS / name
            images = [degrade(i, **damage) for i in render(source, numbers, dpi)]
            for image in images:
                a, b = timed_stages(image, dpi)
                prep, ocr, count = prep + a, ocr + b, count + 1
            with tempfile.TemporaryDirectory() as folder:
                scan = Path(folder) / "scan.pdf"
                scan.write_bytes(image_pdf(images, dpi))
                start = time.perf_counter()
                report = load_report(scan)
                whole += time.perf_counter() - start
            expected, found = cells(load_report(source)), cells(report)
            right += sum(1 for k, v in expected.items() if found.get(k) == v)
            total += len(expected)
        print(
            f"{quality:28s} cells right {right}/{total} = {100 * right / total:.1f} %  "
            f"s/page: prepare {prep / count:.2f}, detect+recognise {ocr / count:.2f}, "
            f"whole read (render+OCR+grid+mapping) {whole / count:.2f}"
        )


if __name__ == "__main__":
    main()
