"""Tolerant matching for OCR'd and crawled text: section titles and row labels with typos.

templates.md §6.1: labels arrive with character errors (``属于三类内容事务信息``), truncated
(``2.其他法律行政止公开``) or without their numbering. A label is accepted by edit distance
(≤ 2 on the normalised key, less for short labels) only among the template rows that its
matched neighbours leave open, so a typo can never land on a row far from where it stands.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from compliance.layout import SectionSpec
from compliance.mapping.normalize import key

# Leading numbering of a label: 一、 / (一) / 1. / 1、
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d{1,2}[.、])")
_NUMERAL_AT = re.compile(r"[一二三四五六七八九十][、.．,，]")
# When a single template row is left open between two matched neighbours, a truncated label
# may differ by more than two characters; this similarity (0–100) is then enough.
SINGLE_SLOT_SIMILARITY = 80


@functools.lru_cache(maxsize=65536)  # template labels are compared against every table row
def strip_numbering(label_key: str) -> str:
    return _NUMBERING.sub("", label_key, count=1)


def allowed_distance(length: int) -> int:
    """Edits tolerated for a key of this length: none for very short keys, at most two."""
    if length < 5:
        return 0
    return 1 if length < 8 else 2


def fuzzy_row(label_key: str, candidates: dict[str, list[str]]) -> str | None:
    """The one candidate row (id → label keys) within the allowed distance of ``label_key``."""
    if not label_key or not candidates:
        return None
    bare = strip_numbering(label_key)
    scores: dict[str, float] = {}
    for row_id, keys in candidates.items():
        best = min(
            min(Levenshtein.distance(label_key, k), Levenshtein.distance(bare, strip_numbering(k))) for k in keys
        )
        scores[row_id] = best
    best_score = min(scores.values())
    winners = [r for r, s in scores.items() if s == best_score]
    limit = allowed_distance(len(bare))
    if len(winners) == 1 and best_score <= limit:
        return winners[0]
    if len(candidates) == 1:
        row_id, keys = next(iter(candidates.items()))
        similarity = max(fuzz.ratio(label_key, k) for k in keys)
        if len(bare) >= 5 and similarity >= SINGLE_SLOT_SIMILARITY:
            return row_id
    return None


@dataclass
class TitleMatch:
    start: int  # offsets into the raw text
    end: int
    key: str  # section key (S1…S6)
    distance: int


def find_titles(text: str, sections: list[SectionSpec]) -> list[TitleMatch]:
    """Numbered template section titles inside a run of text, in section order.

    Titles are compared with their numeral and allowed a small edit distance; among all
    occurrences the longest chain in template order wins, so a stray match cannot reorder
    the report.
    """
    compact_chars: list[str] = []
    raw_index: list[int] = []
    for index, ch in enumerate(text):
        if not ch.isspace():
            compact_chars.append(ch)
            raw_index.append(index)
    compact = "".join(compact_chars)
    titles = [(order, spec.key, key(t)) for order, spec in enumerate(sections) for t in (spec.title, *spec.aliases)]
    found: list[tuple[int, TitleMatch]] = []
    for match in _NUMERAL_AT.finditer(compact):
        start = match.start()
        best: tuple[int, int, int, str, int] | None = None  # distance, length gap, order, key, length
        for order, section_key, title in titles:
            if title[0] != compact[start]:
                continue
            limit = allowed_distance(len(title))
            for length in range(len(title) - limit, len(title) + limit + 1):
                window = key(compact[start : start + length])
                distance = Levenshtein.distance(window, title, score_cutoff=limit)
                if distance > limit:
                    continue
                candidate = (distance, abs(length - len(title)), order, section_key, length)
                if best is None or candidate < best:
                    best = candidate
        if best is not None:
            distance, _, order, section_key, length = best
            end = raw_index[min(start + length, len(raw_index)) - 1] + 1
            found.append((order, TitleMatch(raw_index[start], end, section_key, distance)))
    return _in_order(found)


def _in_order(found: list[tuple[int, TitleMatch]]) -> list[TitleMatch]:
    """Longest chain of matches with strictly increasing section order (ties: fewer edits).

    Section orders are few, so the best chain ending at each order is kept and a match looks
    only at those: n log n in the number of matches (a title repeated thousands of times on one
    line stays cheap), with the same choice among ties as trying every earlier match in turn.
    """
    if not found:
        return []
    chains: list[tuple[int, int, int]] = []  # (length, -edits, previous index)
    by_end = sorted(range(len(found)), key=lambda i: found[i][1].end)
    ready = 0  # matches in by_end[:ready] end before the current match starts
    best_at: dict[int, tuple[int, int, int]] = {}  # order -> (length, -edits, -index) of the best chain
    for i, (order, match) in enumerate(found):
        while ready < len(by_end) and by_end[ready] < i and found[by_end[ready]][1].end <= match.start:
            j = by_end[ready]
            ready += 1
            entry = (chains[j][0], chains[j][1], -j)
            if found[j][0] not in best_at or entry > best_at[found[j][0]]:
                best_at[found[j][0]] = entry
        best = (1, -match.distance, -1)
        earlier = [entry for at, entry in best_at.items() if at < order]
        if earlier:
            length, edits, negative = max(earlier)
            if (length + 1, edits - match.distance) > best[:2]:
                best = (length + 1, edits - match.distance, -negative)
        chains.append(best)
    last = max(range(len(found)), key=lambda i: chains[i][:2])
    out: list[TitleMatch] = []
    while last != -1:
        out.append(found[last][1])
        last = chains[last][2]
    return out[::-1]
