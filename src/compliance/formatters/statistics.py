"""``check --statistics``: how often each rule fired across the batch, most frequent first."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from compliance.formatters.text import pad, width
from compliance.layout import RuleSpec
from compliance.model import SEVERITY_ORDER, FindingsDocument


@dataclass(frozen=True)
class RuleCount:
    rule: str
    count: int
    severity: str  # the highest severity among the rule's findings
    reports: int  # how many reports it fired in
    summary: str


def rule_counts(document: FindingsDocument, specs: Sequence[RuleSpec] = ()) -> list[RuleCount]:
    summaries = {spec.id: spec.summary for spec in specs}
    counts: Counter[str] = Counter()
    worst: dict[str, str] = {}
    reports: Counter[str] = Counter()
    for result in document.reports:
        for rule in {f.rule for f in result.findings}:
            reports[rule] += 1
        for found in result.findings:
            counts[found.rule] += 1
            known = worst.get(found.rule)
            if known is None or SEVERITY_ORDER[found.severity] > SEVERITY_ORDER[known]:
                worst[found.rule] = found.severity
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [RuleCount(rule, n, worst[rule], reports[rule], summaries.get(rule, "")) for rule, n in ranked]


def render_statistics(rows: list[RuleCount], output_format: str) -> str:
    """JSON for programs (``--format json``), else an aligned table."""
    if output_format == "json":
        return json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=2) + "\n"
    if not rows:
        return "no findings\n"
    rule_width = max(width(row.rule) for row in rows)
    count_width = max(len(str(row.count)) for row in rows)
    lines = [
        f"{row.count:>{count_width}}  {pad(row.rule, rule_width)}  {row.severity:<7}  "
        f"{row.reports} report(s)  {row.summary}".rstrip()
        for row in rows
    ]
    return "\n".join(lines) + "\n"
