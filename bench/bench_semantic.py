"""Benchmark the semantic layer: claim extraction and the semantic rules, per report.

Run: python bench/semantic.py [FILES...]  (defaults to the sample reports and the seed). Prints
figures; it asserts nothing, so it never becomes a flaky timed test.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from compliance.engine import Options, check_report, get_registry, load_report
from compliance.mapping.claims import ProseLine, extract_claims

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [*sorted((ROOT / "reports").glob("*.txt")), ROOT.parent / "shared" / "seeds" / "000_8a3768d55a3234f1.txt"]
SEMANTIC = {"narrative-consistency", "improvement-plan", "version", "plausibility"}


def main(paths: list[Path]) -> None:
    registry = get_registry()
    semantic = Options(select=[*sorted(SEMANTIC), "STRUCT-NUMBERING", "S6-NONEMPTY", "S6-FEE", "T3-FEE-LINK"])
    for path in paths:
        if not path.is_file():
            continue
        report = load_report(path, registry)
        prose = {s.key: [ProseLine(line) for line in s.text.split("\n")] for s in report.sections}
        chars = sum(len(s.text) for s in report.sections)
        rounds = 20
        start = time.perf_counter()
        for _ in range(rounds):
            claims = extract_claims(prose, report.template, report.agency)
        extract_ms = (time.perf_counter() - start) * 1000 / rounds
        start = time.perf_counter()
        for _ in range(rounds):
            findings = check_report(report, registry, semantic)
        rules_ms = (time.perf_counter() - start) * 1000 / rounds
        print(
            f"{path.name}: {chars} chars of prose, {len(claims)} claims, extraction {extract_ms:.1f} ms, "
            f"semantic rules {rules_ms:.1f} ms, {len(findings)} findings"
        )


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT)
