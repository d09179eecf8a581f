"""Claim extraction over hostile prose: its cost grows linearly with the paragraph, whatever it holds.

A mutated report can carry hundreds of KB of prose on one line: thousands of claims in one
"sentence", long runs of unusual white space, repeated key words. Each adversarial paragraph is
extracted at two sizes, eight times apart; the CPU time may grow about eightfold (linear), never
the sixty-four-fold of a quadratic step. The best of three runs is compared, so a busy machine
slows both sizes alike.
"""

from __future__ import annotations

import time

import pytest

from compliance.mapping.claims import ProseLine, _Prepared, extract_claims, normalise_prose, prepare

SMALL = 1_000
GROWTH = 8
# Linear growth is 8×; a quadratic step shows as 64×. Timer noise on tiny runs is absorbed by
# the absolute allowance.
MAX_RATIO = 20
ALLOWANCE_S = 0.05

ADVERSARIAL = {
    "thousands of claims in one sentence": "收到申请1件",
    "claims in short sentences": "收到申请1件。",
    "run of en spaces": "\u2002",
    "spaces of every kind between words": "收到 \u2002\u3000\u2028 申请",
    "repeated negative statements": "未发生行政复议",
    "repeated conclusion statements": "均已办结",
    "Chinese digits after a key word": "收到申请一二三",
    "years inside the gap": "收到申请2022年度",
    "clauses without figures": "办结，",
}


def _cpu(paragraph: str) -> tuple[float, int]:
    best = float("inf")
    found = 0
    for _ in range(3):
        start = time.process_time()
        found = len(extract_claims({"S3": [ProseLine(paragraph, 1)]}, "V2021"))
        best = min(best, time.process_time() - start)
    return best, found


@pytest.mark.parametrize("chunk", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_claim_extraction_grows_linearly(chunk: str) -> None:
    small, found_small = _cpu(chunk * SMALL)
    large, found_large = _cpu(chunk * SMALL * GROWTH)
    assert found_large >= found_small  # the same work, more of it
    assert large <= MAX_RATIO * small + ALLOWANCE_S, f"{small:.3f}s → {large:.3f}s for {GROWTH}× the text"


def test_a_quoted_sentence_is_bounded_around_its_claim() -> None:
    # 10,000 claims with no full stop: each quotes at most a fixed reach either side of itself,
    # so the evidence (and the findings' output) stays proportional to the claims.
    claims = extract_claims({"S3": [ProseLine("收到申请1件" * 10_000, 1)]}, "V2021")
    assert len(claims) == 10_000
    assert max(len(c.sentence or "") for c in claims) <= 2 * 400 + len("收到申请1件")
    for claim in (claims[0], claims[5_000], claims[-1]):
        assert claim.span is not None and claim.sentence is not None
        assert claim.sentence[claim.span[0] : claim.span[1]] == claim.text


def test_claims_keep_their_place_in_a_long_paragraph() -> None:
    paragraph = "　".join(f"第{i}批收到申请{i}件" for i in range(1, 3000))
    claims = extract_claims({"S3": [ProseLine(paragraph, 7, offset=100)]}, "V2021")
    assert [c.value for c in claims] == list(range(1, 3000))
    for claim in claims[::500]:
        assert claim.loc is not None and claim.loc.line == 7 and claim.loc.offset is not None
        printed = paragraph[claim.loc.offset - 100 :]
        assert printed.startswith(str(claim.value)), printed[:20]


def test_white_space_runs_of_any_kind_become_one() -> None:
    assert normalise_prose("收到\u2002\u2003\u2002申请 5 件") == "收到申请5件"
    assert normalise_prose("total  of\u2002\u2003 5") == "total of 5"
    assert normalise_prose("a \n\u2002 b") == "a\nb"


def test_sentence_bounds_stop_at_boundaries_when_close() -> None:
    prepared: _Prepared = prepare([ProseLine("前文。本年收到申请5件，办结4件。后文")])
    start = prepared.text.index("5")
    first, last = prepared.sentence_bounds(start, start + 1)
    assert prepared.text[first:last] == "本年收到申请5件，办结4件。"
    assert prepared.text[prepared.clause_start(first, start) : start] == "本年收到申请"
