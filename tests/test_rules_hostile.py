"""Prose rules over hostile text: their cost grows linearly with the text, and so does what they quote.

Found by bench/bench_fuzz.py on mutated reports: TEXT-REPEAT searched the whole line before each
repeat for a heading mark (31 s for a line of thousands of repeats), and STRUCT-NUMBERING quoted
the whole outline in the finding of each of thousands of extra headings (44 s, and output
growing with the square of the headings). Each case is checked at two sizes eight times apart;
CPU time may grow about eightfold, never the sixty-four-fold of a quadratic step.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from bombs import sample_text

from compliance.engine import Options, check_report, enabled_rules, get_registry, load_report
from compliance.model import Finding

GROWTH = 8
MAX_RATIO = 20
ALLOWANCE_S = 0.05


def _repeats(count: int) -> str:
    return sample_text().replace("一、总体情况\n", "一、总体情况\n" + "公开资金资金，" * count + "。\n", 1)


def _extra_headings(count: int) -> str:
    return sample_text().replace("六、其他需要报告的事项", "七、平台建设情况\n" * count + "六、其他需要报告的事项", 1)


def _run(tmp_path: Path, text: str, rule_id: str) -> tuple[float, list[Finding]]:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    registry = get_registry()
    report = load_report(path, registry)
    rules = [rule for rule in enabled_rules(registry, Options()) if rule.spec.id == rule_id]
    best, found = float("inf"), []
    for _ in range(3):
        start = time.process_time()
        found = check_report(report, registry, Options(), rules=rules)
        best = min(best, time.process_time() - start)
    return best, found


@pytest.mark.parametrize(("build", "rule_id"), [(_repeats, "TEXT-REPEAT"), (_extra_headings, "STRUCT-NUMBERING")])
def test_prose_rules_grow_linearly(tmp_path: Path, build, rule_id: str) -> None:  # type: ignore[no-untyped-def]
    small, found_small = _run(tmp_path, build(300), rule_id)
    large, found_large = _run(tmp_path, build(300 * GROWTH), rule_id)
    assert found_small and len(found_large) >= len(found_small)
    assert large <= MAX_RATIO * small + ALLOWANCE_S, f"{small:.3f}s → {large:.3f}s for {GROWTH}× the text"
    # What each finding quotes does not grow with the text.
    longest = max(len(f.evidence or "") + len(f.message) for f in found_large)
    assert longest <= 4 * max(len(f.evidence or "") + len(f.message) for f in found_small) + 200


def test_a_repeat_after_a_heading_mark_is_still_the_layouts() -> None:
    from compliance.rules.text_quality import _heading_before

    line = "其他" * 50 + "（十二）主动公开主动公开方面"
    assert _heading_before(line, line.index("主动公开"))
    assert not _heading_before(line, line.index("其他", 10))
