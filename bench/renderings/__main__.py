"""``python -m bench.renderings``: make the renderings (cached) and print how the engine reads them.

``--table`` prints one line per rendering kind; ``--details`` every rendering that is not a pass,
with its differing cells and findings; ``--only NAME`` limits the run to sources whose file name
contains NAME, ``--kind KIND`` to renderings of that kind. The exit status is 0 however many
renderings fail: this is a measurement, the test (tests/test_renderings.py) is the gate.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

from bench.renderings import render, tools
from bench.renderings.compare import Judge, Verdict

STATUSES = ("pass", "cannot-verify", "fail")


def judge_all(only: str | None = None, log: bool = True, kinds: list[str] | None = None) -> tuple[list[Verdict], float]:
    started = time.perf_counter()
    sources = render.discover()
    if only:
        sources = [s for s in sources if only in s.name]
    say = (lambda message: print(f"[render] {message}", file=sys.stderr)) if log else None
    renderings = render.generate(sources, log=say, kinds=kinds)
    judge = Judge()
    verdicts = [judge.judge(r) for r in renderings]
    return verdicts, time.perf_counter() - started


def table(verdicts: list[Verdict]) -> str:
    """Per rendering kind: documents, cells right / total, cells read wrong, identical error findings,
    outcome counts, time."""
    by_kind: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by_kind[v.rendering.kind].append(v)
    head = (
        f"{'rendering':<28}{'docs':>5}{'cells right / total':>24}{'wrong':>6}{'same errors':>13}"
        f"{'pass':>6}{'c.n.v.':>7}{'fail':>6}{'n/a':>5}{'render s':>10}{'check s':>9}"
    )
    rule = "-" * len(head)
    lines = [head, rule]
    lines += [_row(kind, by_kind[kind]) for kind in sorted(by_kind, key=_order)]
    lines += [rule, _row("all", verdicts)]
    return "\n".join(lines)


def _row(label: str, group: list[Verdict]) -> str:
    made = [v for v in group if v.status in STATUSES]
    right = sum(v.cells_right for v in made)
    total = sum(v.cells_total for v in made)
    same = sum(1 for v in made if v.errors_same and v.template_same)
    # A figure read into a cell where the source has another: the one outcome never acceptable.
    wrong = sum(1 for v in made for d in v.cell_diffs if d.kind == "wrong")
    counts = {s: sum(1 for v in group if v.status == s) for s in STATUSES}
    made_s = sum(v.rendering.seconds for v in group)
    check_s = sum(v.seconds for v in group)
    return (
        f"{label:<28}{len(made):>5}{_ratio(right, total):>24}{wrong:>6}{f'{same}/{len(made)}':>13}"
        f"{counts['pass']:>6}{counts['cannot-verify']:>7}{counts['fail']:>6}{len(group) - len(made):>5}"
        f"{made_s:>10.1f}{check_s:>9.1f}"
    )


def _ratio(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.1f}%)" if total else "-"


def _order(kind: str) -> tuple[int, str]:
    families = ("lo-docx", "lo-html", "lo-txt", "lo-pdf", "chromium", "pandoc", "source", "enc-", "plain-")
    return next((i for i, f in enumerate(families) if kind.startswith(f)), len(families)), kind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.renderings", description=__doc__)
    parser.add_argument("--table", action="store_true", help="print the per-kind table (the default)")
    parser.add_argument("--details", action="store_true", help="explain every rendering that is not a pass")
    parser.add_argument("--only", help="only sources whose file name contains this")
    parser.add_argument("--kind", action="append", help="only renderings of this kind (repeatable), e.g. lo-pdf-a4")
    args = parser.parse_args(argv)
    missing = tools.missing_tools()
    if missing:
        print(f"missing converters: {', '.join(missing)}; their renderings are reported as not made", file=sys.stderr)
    verdicts, seconds = judge_all(args.only, kinds=args.kind)
    sources = {v.rendering.source.name for v in verdicts}
    print(f"{len(sources)} source documents, {len(verdicts)} renderings, {seconds:.1f} s in all\n")
    print(table(verdicts))
    if args.details:
        print()
        for v in verdicts:
            if v.status != "pass":
                print(v.explain(limit=1000 if args.only else 12))
    return 0


if __name__ == "__main__":
    sys.exit(main())
