"""Benchmark the document readers on the real corpus: milliseconds per report for each format.

Prints, per input format, the time to read a file into a Document (reader only) and the time
of the whole check (read + mapping + rules), best of several runs, plus milliseconds per PDF
page. A script that prints figures, not a test: run it with
``python bench/bench_readers.py [CORPUS_DIR]`` (default ../shared/corpus/real).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from compliance.engine import Options, check_file, get_registry, read_document

TARGET_MS = {"text": 5.0, "html": 5.0, "markdown": 5.0}
PDF_TARGET_MS_PER_PAGE = 150.0


def best_of(runs: int, action) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings) * 1000


def pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    registry = get_registry()
    options = Options()
    read_ms: dict[str, list[float]] = defaultdict(list)
    check_ms: dict[str, list[float]] = defaultdict(list)
    per_page: list[float] = []
    files = sorted(p for p in corpus.iterdir() if p.is_file() and p.name != "MANIFEST.md")
    for path in files:
        document = read_document(path, registry, options)
        fmt = getattr(document, "format", None) or document.source.format  # type: ignore[union-attr]
        runs = 2 if fmt == "pdf" else 10
        reading = best_of(runs, lambda p=path: read_document(p, registry, options))
        checking = best_of(runs, lambda p=path: check_file(p, registry, options))
        read_ms[fmt].append(reading)
        check_ms[fmt].append(checking)
        note = ""
        if fmt == "pdf":
            pages = pdf_pages(path)
            per_page.append(reading / pages)
            note = f"  ({pages} pages, {reading / pages:.0f} ms/page)"
        print(f"{path.name:<48} {fmt:<9} read {reading:8.1f} ms   check {checking:8.1f} ms{note}")
    print()
    print(f"{'format':<10}{'files':>6}{'read ms/report':>18}{'check ms/report':>18}{'target':>10}")
    for fmt in sorted(read_ms):
        target = f"{TARGET_MS[fmt]:.0f} ms" if fmt in TARGET_MS else ""
        print(
            f"{fmt:<10}{len(read_ms[fmt]):>6}{statistics.mean(read_ms[fmt]):>18.1f}"
            f"{statistics.mean(check_ms[fmt]):>18.1f}{target:>10}"
        )
    if per_page:
        print(f"\nPDF: {statistics.mean(per_page):.0f} ms per page on average (target {PDF_TARGET_MS_PER_PAGE:.0f} ms)")


if __name__ == "__main__":
    main()
