"""OCR benchmark: seconds per page by stage and cells read right per scan quality.

Part 1 (corpus): renders the table pages of real corpus PDFs (../shared, at run time; nothing is
stored), degrades them like a scanner (tilt, speckle, JPEG) at 200 and 150 dpi, wraps them into
image-only PDFs, reads those through the OCR path and compares every T3/T4 cell with the same PDF
read from its text layer. Stages are timed separately on the same pages: render (pdfium), prepare
(deskew, despeckle, rules), detect, recognise, grid (lattice and line assembly). One intra-op
thread (COMPLIANCE_OCR_THREADS=1) measures "one core"; the whole read is also given in CPU seconds
(process time), which a machine shared with other jobs does not inflate as much as wall time.

Part 2 (ruled vs unruled, needs LibreOffice): our own sample reports (reports/*.txt) as Word
documents with ruled tables and with borderless ones, printed to PDF by LibreOffice, scanned the
same way; every T2/T3/T4 cell compared with the sample text itself.

Usage: python bench/bench_ocr.py [corpus|samples]
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
from compliance.readers.ocr.lattice import group_lines, page_tables  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "real"
DOCUMENTS = {  # file: 0-based pages holding tables 三 and 四
    "2023_jiangsu-huaian-hongzequ-zhengfu.pdf": [2, 3],
    "2024_jiangsu-huaian-shi-zhengfu.pdf": [3, 4],
}
QUALITIES = {
    "200 dpi clean": (200, {}),
    "200 dpi tilt 1.5° speckle JPEG75": (200, {"tilt": 1.5, "speckle": 0.002, "jpeg": 75}),
    "150 dpi clean": (150, {}),
    "150 dpi tilt 1.0° speckle JPEG75": (150, {"tilt": -1.0, "speckle": 0.002, "jpeg": 75}),
}


def cells(report):  # type: ignore[no-untyped-def]
    return {
        (t, r, c): x.value for t in ("T3", "T4") for r, row in report.tables.get(t, {}).items() for c, x in row.items()
    }


def stages(source: Path, numbers: list[int], dpi: int, damage: dict, timings: dict[str, float]) -> list:  # type: ignore[type-arg]
    started = time.perf_counter()
    images = render(source, numbers, dpi)
    timings["render"] += time.perf_counter() - started
    images = [degrade(image, **damage) for image in images]
    for image in images:
        started = time.perf_counter()
        grey = prepare.despeckle(prepare.rotate(image, prepare.skew_angle(image)))
        rules, erased = prepare.find_rules(grey)
        timings["prepare"] += time.perf_counter() - started
        boxes = engine.recognise(erased, dpi, rules, timings)
        started = time.perf_counter()
        _, rest = page_tables(boxes, rules, 1)
        group_lines(rest)
        timings["grid"] += time.perf_counter() - started
    return images


def main() -> None:
    parts = sys.argv[1:] or ["corpus", "samples"]
    if "corpus" in parts:
        corpus()
    if "samples" in parts:
        samples()


def corpus() -> None:
    engine.recognise(prepare.to_grey(render(CORPUS / next(iter(DOCUMENTS)), [0], 100)[0]), 100)  # load models
    for quality, (dpi, damage) in QUALITIES.items():
        right = total = pages = 0
        timings = dict.fromkeys(("render", "prepare", "detect", "recognise", "grid"), 0.0)
        whole = cpu = 0.0
        for name, numbers in DOCUMENTS.items():
            source = CORPUS / name
            images = stages(source, numbers, dpi, damage, timings)
            pages += len(images)
            with tempfile.TemporaryDirectory() as folder:
                scan = Path(folder) / "scan.pdf"
                scan.write_bytes(image_pdf(images, dpi))
                started, cpu_started = time.perf_counter(), time.process_time()
                report = load_report(scan)
                whole += time.perf_counter() - started
                cpu += time.process_time() - cpu_started
            expected, found = cells(load_report(source)), cells(report)
            right += sum(1 for k, v in expected.items() if found.get(k) == v)
            total += len(expected)
        per_page = ", ".join(f"{k} {v / pages:.2f}" for k, v in timings.items())
        print(
            f"{quality:34s} cells right {right}/{total} = {100 * right / total:.1f} %   "
            f"s/page: {per_page}; whole read {whole / pages:.2f} (CPU {cpu / pages:.2f})"
        )


SAMPLES = ROOT / "reports"
SAMPLE_QUALITIES = {
    "200 dpi tilt 1.5° speckle JPEG75": (200, {"tilt": 1.5, "speckle": 0.002, "jpeg": 75}),
    "150 dpi tilt 1.0° speckle JPEG75": (150, {"tilt": -1.0, "speckle": 0.002, "jpeg": 75}),
}


def all_cells(report):  # type: ignore[no-untyped-def]
    return {
        (t, r, c): x.value
        for t in ("T2", "T3", "T4")
        for r, row in report.tables.get(t, {}).items()
        for c, x in row.items()
    }


def samples() -> None:
    import subprocess

    import pypdfium2 as pdfium
    from documents import to_docx

    from compliance.readers import office

    soffice = office.find_soffice()
    if soffice is None:
        print("samples: LibreOffice (soffice) is not installed; skipped")
        return
    names = ["v2021-clean-2023", "v2019-clean-2020"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        printed: dict[tuple[str, bool], Path] = {}
        for name in names:
            for ruled in (True, False):
                docx = work / f"{name}-{'ruled' if ruled else 'unruled'}.docx"
                docx.write_bytes(to_docx((SAMPLES / f"{name}.txt").read_text(encoding="utf-8"), ruled=ruled))
                printed[(name, ruled)] = docx.with_suffix(".pdf")
        docs = sorted(str(p.with_suffix(".docx")) for p in printed.values())
        profile = f"-env:UserInstallation={(work / 'profile').as_uri()}"
        command = [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(work), *docs]
        subprocess.run(command, check=True, capture_output=True, timeout=600)
        for quality, (dpi, damage) in SAMPLE_QUALITIES.items():
            for ruled in (True, False):
                right = total = pages = 0
                whole = cpu = 0.0
                for name in names:
                    source = printed[(name, ruled)]
                    count = len(pdfium.PdfDocument(str(source)))
                    images = [degrade(image, **damage) for image in render(source, list(range(count)), dpi)]
                    scan = work / "scan.pdf"
                    scan.write_bytes(image_pdf(images, dpi))
                    started, cpu_started = time.perf_counter(), time.process_time()
                    report = load_report(scan)
                    whole += time.perf_counter() - started
                    cpu += time.process_time() - cpu_started
                    pages += count
                    expected, found = all_cells(load_report(SAMPLES / f"{name}.txt")), all_cells(report)
                    right += sum(1 for k, v in expected.items() if found.get(k) == v)
                    total += len(expected)
                kind = "ruled" if ruled else "unruled"
                print(
                    f"samples {kind:8s} {quality:34s} cells right {right}/{total} = {100 * right / total:.1f} %   "
                    f"whole read {whole / pages:.2f} s/page, CPU {cpu / pages:.2f} ({pages} pages)"
                )


if __name__ == "__main__":
    main()
