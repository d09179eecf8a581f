"""OCR benchmark: seconds per page by stage and cells read right per scan quality.

Part 1 (corpus): renders the table pages of real corpus PDFs (../shared, at run time; nothing is
stored), degrades them like a scanner (tilt, speckle, JPEG) at 200 and 150 dpi, wraps them into
image-only PDFs, reads those through the OCR path and compares every T3/T4 cell with the same PDF
read from its text layer. One intra-op thread (COMPLIANCE_OCR_THREADS=1) measures "one core", in
CPU seconds (process time), which a machine shared with other jobs does not inflate as wall time.
The stages are timed inside the real read (``Stages``, each stage's own time, without the stages it
calls): render (pdfium), prepare (size, deskew, orientation, despeckle, rules), detect, crops
(cutting detected lines, looking for ink the detector missed), recognise (the recogniser itself),
grid (tables and lines of a page), rest (the PDF, mapping the report). The model files are made
lean (``readers/ocr/lean.py``) unless COMPLIANCE_OCR_LEAN=off, to compare.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("COMPLIANCE_OCR_THREADS", "1")
os.environ["COMPLIANCE_OCR_CACHE"] = "off"

from scans import degrade, image_pdf, render  # noqa: E402

from compliance.engine import load_report  # noqa: E402
from compliance.readers.ocr import engine, pages, prepare, scanned  # noqa: E402

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


PREPARE = ("within_pixels", "skew_angle", "rotate", "is_sideways", "despeckle", "find_rules")
CROPS = {
    pages: ("_read_missed_ink", "_read_empty_cells", "_lines_run_across", "_upside_down"),
    engine: ("recognise", "without_specks", "split_at_gaps", "trim", "without_nested"),
}
STAGES = {  # (module, function) → stage
    **{(pages, name): "prepare" for name in PREPARE},
    **{(module, name): "crops" for module, names in CROPS.items() for name in names},
    (engine, "detect"): "detect",
    (engine, "_read"): "recognise",
    (scanned, "items"): "grid",
}


class Stages:
    """CPU seconds per stage of real reads: each timed function's own time, without the timed
    functions it calls (the orientation probe's detection counts as detection)."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(("render", "prepare", "detect", "crops", "recognise", "grid"), 0.0)
        self._inner: list[float] = []

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            self._inner.append(0.0)
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.process_time() - started
                self.seconds[stage] += spent - self._inner.pop()
                if self._inner:
                    self._inner[-1] += spent

        return run

    @contextmanager
    def watching(self) -> Iterator[None]:
        import pypdfium2 as pdfium

        originals = [(module, name, getattr(module, name)) for module, name in STAGES]
        render = pdfium.PdfPage.render
        for module, name, function in originals:
            setattr(module, name, self.timed(STAGES[(module, name)], function))
        pdfium.PdfPage.render = self.timed("render", render)
        try:
            yield
        finally:
            for module, name, function in originals:
                setattr(module, name, function)
            pdfium.PdfPage.render = render

    def per_page(self, pages: int, whole: float) -> str:
        rest = whole - sum(self.seconds.values())
        return ", ".join(f"{k} {v / pages:.2f}" for k, v in [*self.seconds.items(), ("rest", rest)])


def timed_read(scan: Path, stages: Stages) -> tuple[Any, float, float]:
    """The report read from ``scan``, and the wall and CPU seconds its read took."""
    started, cpu_started = time.perf_counter(), time.process_time()
    with stages.watching():
        report = load_report(scan)
    return report, time.perf_counter() - started, time.process_time() - cpu_started


def main() -> None:
    parts = sys.argv[1:] or ["corpus", "samples"]
    # Once per process, not per page: the registry and templates, the OCR models (made lean first
    # if the cache has no lean copy yet).
    started = time.process_time()
    load_report(ROOT / "reports" / "v2021-clean-2023.txt")
    engine.recognise(prepare.to_grey(render(CORPUS / next(iter(DOCUMENTS)), [0], 100)[0]), 100)
    print(f"start-up (registry, templates, OCR models): CPU {time.process_time() - started:.2f} s, not counted below")
    if "corpus" in parts:
        corpus()
    if "samples" in parts:
        samples()


def corpus() -> None:
    for quality, (dpi, damage) in QUALITIES.items():
        right = total = pages = 0
        stages = Stages()
        whole = cpu = 0.0
        for name, numbers in DOCUMENTS.items():
            source = CORPUS / name
            images = [degrade(image, **damage) for image in render(source, numbers, dpi)]
            pages += len(images)
            with tempfile.TemporaryDirectory() as folder:
                scan = Path(folder) / "scan.pdf"
                scan.write_bytes(image_pdf(images, dpi))
                report, wall, spent = timed_read(scan, stages)
                whole += wall
                cpu += spent
            expected, found = cells(load_report(source)), cells(report)
            right += sum(1 for k, v in expected.items() if found.get(k) == v)
            total += len(expected)
        print(
            f"{quality:34s} cells right {right}/{total} = {100 * right / total:.1f} %   "
            f"CPU s/page {cpu / pages:.2f} (wall {whole / pages:.2f}): {stages.per_page(pages, cpu)}"
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
                stages = Stages()
                for name in names:
                    source = printed[(name, ruled)]
                    count = len(pdfium.PdfDocument(str(source)))
                    images = [degrade(image, **damage) for image in render(source, list(range(count)), dpi)]
                    scan = work / "scan.pdf"
                    scan.write_bytes(image_pdf(images, dpi))
                    report, wall, spent = timed_read(scan, stages)
                    whole += wall
                    cpu += spent
                    pages += count
                    expected, found = all_cells(load_report(SAMPLES / f"{name}.txt")), all_cells(report)
                    right += sum(1 for k, v in expected.items() if found.get(k) == v)
                    total += len(expected)
                kind = "ruled" if ruled else "unruled"
                print(
                    f"samples {kind:8s} {quality:34s} cells right {right}/{total} = {100 * right / total:.1f} %   "
                    f"CPU s/page {cpu / pages:.2f} (wall {whole / pages:.2f}, {pages} pages): "
                    f"{stages.per_page(pages, cpu)}"
                )


if __name__ == "__main__":
    main()
