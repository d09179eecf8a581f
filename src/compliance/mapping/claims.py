"""Find the numeric claims the prose makes about the tables ("全年受理政府信息公开申请13件").

The wording is data (``rules/claims/*.yaml``, see ``compliance.claimspec``); this module only
prepares the text (normalised, lines that break mid-sentence joined, table rows left out),
runs the patterns, reads the figures (Arabic or Chinese digits, 万, approximate markers) and
records each claim with its sentence, span, line and the cell or derived subtotal it targets.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from compliance.claimspec import ClaimPattern, ClaimPatterns, NumberGrammar, load_claim_patterns
from compliance.mapping.normalize import to_simplified
from compliance.mapping.numbers import MAX_DIGITS, chinese_numeral
from compliance.model import Claim, Loc

_CN_CHARS = "零〇一二两三四五六七八九十百千万"
# A paragraph ending in one of these closes its sentence; any other end is a line break inside one.
_SENTENCE_END = tuple("。！？；：!?;:")
_BOUNDARY = re.compile(r"[。！？!?\n]")
_CLAUSE = re.compile(r"[；;，,]")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff，。、；：）])\s+|\s+(?=[\u4e00-\u9fff，。、；：（])")
_MARKUP = re.compile(r"^\s*#+\s*|\*\*")
# A paragraph opening with a heading marker starts afresh even when the previous one lacks a full stop.
_HEADING_START = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.．](?!\d))"
)
# How far a quoted sentence reaches either side of its claim when no boundary comes first; real
# sentences are far shorter, and the cap keeps each claim's work and evidence a constant size.
_SENTENCE_REACH = 400
# Page furniture a PDF extraction leaves between the halves of a sentence: "- 1 -", "第 2 页".
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")


@dataclass(frozen=True)
class ProseLine:
    """One paragraph of a section body as the reader gave it (with its column and offset, if known)."""

    text: str
    line: int | None = None
    page: int | None = None
    column: int | None = None
    offset: int | None = None


@dataclass
class _Prepared:
    text: str
    # (offset in text, the paragraph it came from) for each joined piece, in order.
    pieces: list[tuple[int, ProseLine]]
    _positions: dict[int, array[int]] = field(default_factory=dict)

    @functools.cached_property
    def _kept(self) -> array[int]:
        """How many characters normalising keeps before each offset (counted once, not per claim)."""
        counts = array("l", [0]) * (len(self.text) + 1)
        for match in _KEPT.finditer(self.text):
            counts[match.end()] = 1
        return array("l", itertools.accumulate(counts))

    @functools.cached_property
    def _boundaries(self) -> array[int]:
        """Offsets just past each sentence boundary, found once: claims bisect them."""
        return array("l", (m.end() for m in _BOUNDARY.finditer(self.text)))

    @functools.cached_property
    def _clauses(self) -> array[int]:
        return array("l", (m.end() for m in _CLAUSE.finditer(self.text)))

    def _kept_in(self, at: int) -> array[int]:
        """Where each kept character stands in piece ``at`` as printed (found once per piece)."""
        if at not in self._positions:
            self._positions[at] = array("l", (m.start() for m in _KEPT.finditer(self.pieces[at][1].text)))
        return self._positions[at]

    def loc_at(self, offset: int) -> Loc:
        # The last piece starting at or before the offset, found by bisection (pieces are in
        # order): a paragraph of thousands of claims must not scan every piece for each.
        at = bisect.bisect_right(self.pieces, offset, key=lambda piece: piece[0]) - 1
        if at < 0:
            return Loc()
        start, source = self.pieces[at]
        # Normalising drops spaces and Markdown marks; count the characters it keeps to find
        # the same point in the paragraph as printed.
        kept = self._kept[offset] - self._kept[start]
        positions = self._kept_in(at)
        within = positions[max(kept, 0)] if kept < len(positions) else 0 if kept <= 0 else len(source.text)
        return Loc(
            line=source.line,
            page=source.page,
            column=source.column + within if source.column is not None else None,
            offset=source.offset + within if source.offset is not None else None,
        )

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around ``text[start:end]``, but no more than ``_SENTENCE_REACH`` either side.

        A "sentence" of hundreds of KB without a full stop is not one; quoting it whole with each
        of its claims would make both the work and the output grow with the square of its length.
        """
        before = bisect.bisect_right(self._boundaries, start) - 1
        after = bisect.bisect_left(self._boundaries, end + 1)
        first = self._boundaries[before] if before >= 0 else 0
        last = self._boundaries[after] if after < len(self._boundaries) else len(self.text)
        return max(first, start - _SENTENCE_REACH), min(last, end + _SENTENCE_REACH)

    def clause_start(self, start: int, anchor: int) -> int:
        """Where the clause holding ``anchor`` begins, not before ``start``."""
        at = bisect.bisect_right(self._clauses, anchor) - 1
        return max(start, self._clauses[at]) if at >= 0 else start


# Every run of white space (not only spaces: also en spaces, form feeds, line separators), so
# that no pattern below ever meets two white-space characters side by side.
_SPACE_RUN = re.compile(r"\s{2,}")
_KEPT = re.compile(r"[^\s*#]")


def _is_table_line(text: str) -> bool:
    return "|" in text or "\t" in text


# Full-width digits, letters and signs read as ASCII; Chinese punctuation is kept, so that the
# sentences quoted as evidence read as printed.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in "，；：！？（）"}
_FULL_WIDTH[0x3000] = 0x20


def normalise_prose(text: str) -> str:
    """Simplified characters, ASCII digits, Markdown emphasis gone, spaces inside Chinese text removed.

    Runs of white space become one character (a line break if they hold one): they carry no
    meaning in prose, and the claim patterns (which allow a space between a figure's parts) and
    ``_CJK_SPACE`` would otherwise try every way to share a long run between those parts —
    time growing with the square of the run, minutes for a run of a few hundred KB.
    """
    text = _MARKUP.sub("", to_simplified(text).translate(_FULL_WIDTH))
    text = _SPACE_RUN.sub(lambda run: "\n" if "\n" in run[0] else " ", text)
    return _CJK_SPACE.sub("", text).strip()


def _is_heading(piece: str, previous: str) -> bool:
    """A new heading starts here, or the previous paragraph was a short heading without a full stop."""
    return bool(_HEADING_START.match(piece)) or (len(previous) <= 30 and bool(_HEADING_START.match(previous)))


def prepare(lines: list[ProseLine]) -> _Prepared:
    """Join a section's paragraphs into one text; a paragraph that ends mid-sentence runs on."""
    text = ""
    pieces: list[tuple[int, ProseLine]] = []
    previous = ""
    for line in lines:
        if _is_table_line(line.text):
            if text and not text.endswith("\n"):
                text += "\n"
            continue
        if _PAGE_NUMBER.match(line.text):
            continue
        piece = normalise_prose(line.text)
        if not piece:
            continue
        if text and not text.endswith("\n") and (text.endswith(_SENTENCE_END) or _is_heading(piece, previous)):
            text += "\n"
        previous = piece
        pieces.append((len(text), line))
        text += piece
    return _Prepared(text, pieces)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _number_regex(grammar: NumberGrammar, units: str) -> str:
    before = _alternation(grammar.approx_before) or "(?!)"
    after = _alternation(grammar.approx_after) or "(?!)"
    tail = _alternation(grammar.approx_tail) or "(?!)"
    digits = (
        rf"(?<![\d.,])\d{{1,3}}(?:[,，]\d{{3}})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?"
        rf"|(?<![{_CN_CHARS}])[{_CN_CHARS}]+"
    )
    return (
        rf"\s*(?P<pre>{before})?\s*(?P<num>{digits})\s*(?P<wan>万(?!元))?\s*(?P<post>{after})?"
        rf"\s*(?P<unit>{units})(?P<tail>{tail})?"
    )


_COMPILED: dict[int, tuple[ClaimPatterns, list[tuple[ClaimPattern, re.Pattern[str]]]]] = {}


def compiled(patterns: ClaimPatterns) -> list[tuple[ClaimPattern, re.Pattern[str]]]:
    """The patterns with their placeholders expanded, compiled once per loaded pattern set."""
    cached = _COMPILED.get(id(patterns))
    if cached is not None and cached[0] is patterns:
        return cached[1]
    grammar = patterns.number
    num = _number_regex(grammar, _alternation(grammar.units))
    money = _number_regex(grammar.model_copy(update={"approx_after": []}), "万元|元")
    gap = rf"(?:[^。；;！？!?\n\d]|\d{{4}}年度?){{0,{grammar.gap}}}?"
    out = []
    for claim in patterns.claims:
        for source in claim.patterns:
            regex = source.replace("{num}", num).replace("{money}", money).replace("{gap}", gap)
            out.append((claim, re.compile(regex)))
    _COMPILED[id(patterns)] = (patterns, out)
    return out


def figure_value(match: re.Match[str]) -> int | Decimal | None:
    """The figure a pattern matched, exact: 1,234 → 1234; 1.48万 → 14800; 一百零二 → 102; 元 → 万元."""
    digits = match["num"].replace(",", "").replace("，", "")
    value: int | Decimal | None
    if len(digits) > MAX_DIGITS:  # not a figure: a run of digits no report prints as one
        return None
    if digits[0].isdigit():
        value = Decimal(digits)
    else:
        value = chinese_numeral(digits)
        if value is None:
            return None
        value = Decimal(value)
    if match["wan"]:
        value *= 10000
    if match["unit"] == "元":
        value /= Decimal(10000)
    elif match["unit"] == "万元":
        return value
    return int(value) if value == value.to_integral_value() else value


def _is_approximate(match: re.Match[str]) -> bool:
    return any(match.groupdict().get(g) for g in ("pre", "post", "tail"))


def _anchor(match: re.Match[str]) -> tuple[int, int]:
    for group in ("num", "key"):
        if match.groupdict().get(group) is not None:
            return match.span(group)
    return match.span()


def _scope_doubt(clause: str, patterns: ClaimPatterns, agency: str | None) -> str | None:
    for word in [*patterns.scope.self_words, *([agency] if agency else [])]:
        clause = clause.replace(word, "")
    for marker in patterns.scope.markers:
        if marker in clause and not (agency and marker in agency):
            return marker
    return None


def extract_claims(
    sections: dict[str, list[ProseLine]],
    template: str | None,
    agency: str | None = None,
    patterns: ClaimPatterns | None = None,
) -> list[Claim]:
    """Every claim the patterns find in the given section bodies, in text order."""
    patterns = patterns or load_claim_patterns()
    claims: list[Claim] = []
    for section_key, lines in sections.items():
        prepared = prepare(lines)
        claims.extend(_claims_in(prepared, section_key, template, agency, patterns))
    return claims


def _claims_in(
    prepared: _Prepared, section_key: str, template: str | None, agency: str | None, patterns: ClaimPatterns
) -> list[Claim]:
    text = prepared.text
    candidates: list[tuple[tuple[int, int], int, int, ClaimPattern, re.Match[str]]] = []
    for order, (claim, regex) in enumerate(compiled(patterns)):
        if template is not None and template not in claim.templates:
            continue
        for match in regex.finditer(text):
            candidates.append((_anchor(match), -(match.end() - match.start()), order, claim, match))
    # Two patterns reading the same figure: the longer (more specific) match wins.
    candidates.sort(key=lambda c: (c[0][0], c[1], c[2]))
    out: list[Claim] = []
    for claim, match in _without_overlaps(candidates):
        value: int | Decimal | None = 0 if claim.negative else figure_value(match)
        if value is None:
            continue
        start, end = prepared.sentence_bounds(match.start(), match.end())
        printed = text[start:end]
        sentence = printed.strip()
        context = claim.context
        if context and section_key not in context.sections and not any(w in sentence for w in context.words):
            continue
        if any(re.search(rule, sentence) for rule in claim.unless):
            continue
        offset = start + len(printed) - len(printed.lstrip())
        anchor_start = _anchor(match)[0]
        # The scope words that matter are those of the clause stating the figure, not of a
        # reference elsewhere in the sentence ("按照省政府办公厅…要求，…393件").
        clause_start = prepared.clause_start(start, anchor_start)
        scope = _scope_doubt(text[clause_start:anchor_start], patterns, agency)
        out.append(
            Claim(
                text=match.group(0).strip(),
                sentence=sentence,
                span=(match.start() - offset, match.end() - offset),
                value=value,
                approximate=(not claim.negative and _is_approximate(match)),
                section=section_key,
                loc=prepared.loc_at(anchor_start),
                target=claim.target_for(template),
                kind=claim.id,
                scope=f"doubtful: {scope}" if scope else None,
            )
        )
    return out


def _without_overlaps(
    candidates: list[tuple[tuple[int, int], int, int, ClaimPattern, re.Match[str]]],
) -> Iterator[tuple[ClaimPattern, re.Match[str]]]:
    """The candidates (sorted by anchor start) whose anchor overlaps no anchor kept before it.

    Kept anchors all start at or before the current one, so one overlaps it exactly when it
    ends after the current start — and, for an empty anchor, starts before it. Tracking the
    furthest end makes this one step per candidate instead of one per kept claim.
    """
    furthest = -1  # furthest end of the anchors kept that start before the current start
    at_start: tuple[int, int] = (-1, -1)  # (start, furthest end) of those kept at the current start
    for (first, last), _, _, claim, match in candidates:
        if first != at_start[0]:
            furthest = max(furthest, at_start[1])
            at_start = (first, -1)
        overlaps = furthest > first or (last > first and at_start[1] > first)
        if overlaps:
            continue
        at_start = (first, max(at_start[1], last))
        yield claim, match
