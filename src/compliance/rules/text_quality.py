"""Text quality of the prose: repeated phrases, unbalanced brackets, punctuation slips, known misspellings.

Only prose is read: the section bodies (the mapping has already taken the tables out), less any
line that is table text all the same (a header or note a PDF or OCR extraction left among the
paragraphs: no punctuation at all, or one of the pack's ``table_words``). Titles of documents
(《…》) are masked before phrases are compared, so a legal citation never counts. Each rule gives
one finding per section, with the number of places and the first few as printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Finding, Section
from compliance.rules.base import CheckContext, RuleKind, finding

# A sentence with none of these is a heading or a table fragment.
_SENTENCE_PUNCTUATION = re.compile(r"[，。；：、！？,;]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
# A sub-heading run into its paragraph by a text dump ("（一）主动公开主动公开方面，…"): the
# repeat is the layout's, not the author's.
_HEADING_END = re.compile(r"(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])$")
# The longest heading mark _HEADING_END matches ("（十二）"): only that much before a repeat is looked at.
_HEADING_REACH = 5
_BOOK_TITLE = re.compile(r"《[^《》\n]{0,80}》")
_CJK = "\u4e00-\u9fff"


class ProseParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    # Lines naming one of these are table text left among the paragraphs (headers, the T3 note).
    table_words: list[str] = Field(default_factory=list)
    # At most this many places are quoted in one finding (the count covers them all).
    examples: int = 3


@dataclass
class Place:
    excerpt: str
    note: str = ""
    at: int = 0


def prose_lines(section: Section, table_words: list[str], *, every_line: bool = False) -> list[str]:
    """The section's sentences that are prose, not table text.

    Lines without any punctuation (headings, table fragments) are left out unless ``every_line``
    (bracket pairs run across wrapped lines, and a wrapped line may hold no comma). The rest is cut
    into sentences, across line breaks, so that one sentence naming a table word hides only itself.
    """
    lines = section.text.split("\n")
    if not every_line:
        lines = [line for line in lines if _SENTENCE_PUNCTUATION.search(line)]
    sentences = _SENTENCE_END.split("\n".join(lines))
    return [s.replace("\n", "") for s in sentences if s.strip() and not any(word in s for word in table_words)]


def _heading_before(line: str, start: int) -> bool:
    """A heading mark ends just before ``start``: searched in a few characters, not in the whole line.

    Searching the line up to each repeat made a paragraph of thousands of repeats quadratic.
    """
    return bool(_HEADING_END.search(line, max(0, start - _HEADING_REACH), start))


def mask_titles(line: str) -> str:
    """Document titles (《…》) replaced by spaces of the same length, so offsets stay put."""
    return _BOOK_TITLE.sub(lambda m: " " * len(m.group(0)), line)


def excerpt(line: str, start: int, end: int, margin: int = 12) -> str:
    left = "…" if start > margin else ""
    right = "…" if end + margin < len(line) else ""
    return f"{left}{line[max(0, start - margin) : end + margin]}{right}"


def section_finding(
    rule: RuleSpec,
    params: ProseParams,
    section: Section,
    what: str,
    what_en: str,
    places: list[Place],
    reading_caveat: tuple[str, str] | None = None,
) -> Finding:
    """One finding for a section's places. Where the slips may be the reading's, not the agency's
    (``reading_caveat``, as Chinese and English notes), the finding is an info note that says so."""
    shown = "；".join(f"“{p.excerpt}”{p.note}" for p in places[: params.examples])
    more = f" 等{len(places)}处" if len(places) > params.examples else ""
    if section.confidence is not None:
        # Prose read from a scan: a doubled character or a straight quote may be the recogniser's.
        reading_caveat = OCR_CAVEAT
    caveat, caveat_en = reading_caveat or ("", "")
    return finding(
        rule,
        f"“{section.title}”中{what}{len(places)}处：{shown}{more}{caveat}",
        severity="info" if reading_caveat else None,
        section=section.key,
        loc=section.loc,
        actual=len(places),
        evidence=places[0].excerpt,
        message_en=f"{what_en}: {len(places)} place(s) in section {section.key}{caveat_en}",
    )


OCR_CAVEAT = (
    "（本部分正文经 OCR 识别，可能是识别造成的，请核对原文）",
    " (read by OCR: may be the recogniser's, check the original)",
)


class RepeatParams(ProseParams):
    min_chars: int = 2
    max_chars: int = 8
    # Repeated units that are good Chinese (一步一步, 一点一点), as regular expressions.
    allow: list[str] = Field(default_factory=list)


class RepeatedPhraseKind(RuleKind):
    """TEXT-REPEAT: a phrase of 2–8 characters printed twice back to back (资金资金)."""

    name = "repeated_phrase"
    Params = RepeatParams

    def check(self, rule: RuleSpec, params: RepeatParams, ctx: CheckContext) -> Iterator[Finding]:
        pattern = re.compile(rf"([{_CJK}]{{{params.min_chars},{params.max_chars}}})\1")
        allowed = [re.compile(a) for a in params.allow]
        for section in ctx.report.sections:
            places: list[Place] = []
            for line in prose_lines(section, params.table_words):
                for match in pattern.finditer(mask_titles(line)):
                    unit = match.group(1)
                    if any(a.search(unit) for a in allowed) or _heading_before(line, match.start()):
                        continue
                    places.append(Place(excerpt(line, match.start(), match.end()), f"（“{unit}”重复）"))
            if places:
                yield section_finding(rule, params, section, "词语连续重复", "phrase repeated back to back", places)


class BracketParams(ProseParams):
    # Opening → closing marks; full- and half-width round brackets close each other (both are common).
    pairs: dict[str, str] = Field(default_factory=lambda: {"（": "）", "(": ")", "《": "》", "“": "”", "【": "】"})
    interchangeable: list[str] = Field(default_factory=lambda: ["（(", "）)"])


class BracketKind(RuleKind):
    """TEXT-BRACKETS: a bracket, book-title mark or quotation mark opened and never closed, or the reverse."""

    name = "bracket_balance"
    Params = BracketParams

    def check(self, rule: RuleSpec, params: BracketParams, ctx: CheckContext) -> Iterator[Finding]:
        for section in ctx.report.sections:
            text = "".join(prose_lines(section, params.table_words, every_line=True))
            places = self._unbalanced(text, params)
            if places:
                yield section_finding(
                    rule, params, section, "括号或引号不成对", "unbalanced brackets or quotes", places
                )

    @staticmethod
    def _unbalanced(text: str, params: BracketParams) -> list[Place]:
        same = {c: group for group in params.interchangeable for c in group}
        closers = {close: open_ for open_, close in params.pairs.items()}
        stack: list[tuple[str, int]] = []
        places: list[Place] = []
        for index, char in enumerate(text):
            if char in params.pairs:
                stack.append((char, index))
            elif char in closers:
                if stack and (params.pairs[stack[-1][0]] == char or _same(params, stack[-1][0], char, same)):
                    stack.pop()
                else:
                    places.append(Place(excerpt(text, index, index + 1), f"（多出“{char}”）", index))
        for char, index in stack:
            places.append(Place(excerpt(text, index, index + 1), f"（“{char}”未闭合）", index))
        return sorted(places, key=lambda p: p.at)


def _same(params: BracketParams, opening: str, closing: str, same: dict[str, str]) -> bool:
    """Whether ``closing`` closes ``opening`` when full- and half-width forms are interchangeable."""
    wanted = params.pairs[opening]
    return wanted in same and closing in same.get(wanted, "")


class PunctuationParams(ProseParams):
    # Regular expressions of slips, each with what it means.
    patterns: dict[str, str]


class PunctuationKind(RuleKind):
    """TEXT-PUNCT: doubled punctuation (，，) and half-width marks inside Chinese sentences (公开,申请)."""

    name = "punctuation"
    Params = PunctuationParams

    def check(self, rule: RuleSpec, params: PunctuationParams, ctx: CheckContext) -> Iterator[Finding]:
        compiled = [(re.compile(p), meaning) for p, meaning in params.patterns.items()]
        for section in ctx.report.sections:
            places: list[Place] = []
            for line in prose_lines(section, params.table_words):
                masked = mask_titles(line)
                seen: set[int] = set()  # one slip matched by two patterns counts once (the first)
                for regex, meaning in compiled:
                    for m in regex.finditer(masked):
                        if m.start() not in seen:
                            seen.add(m.start())
                            places.append(Place(excerpt(line, m.start(), m.end()), f"（{meaning}）", m.start()))
            if places:
                yield section_finding(rule, params, section, "标点使用不规范", "punctuation slips", places)


class LexiconEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    # A regular expression for the mistake ("截止(?=\\d|目前|到)"), and what should be written.
    wrong: str
    right: str


class LexiconParams(ProseParams):
    entries: list[LexiconEntry]


class LexiconOptions(BaseModel):
    """A project (or region) adds its own known mistakes in its config."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    extra: list[LexiconEntry] = Field(default_factory=list)


class LexiconKind(RuleKind):
    """TEXT-LEXICON: known misspellings and misused words from a list a region can extend."""

    name = "lexicon"
    Params = LexiconParams
    Options = LexiconOptions

    def check(self, rule: RuleSpec, params: LexiconParams, ctx: CheckContext) -> Iterator[Finding]:
        options: LexiconOptions = self.options(rule, ctx)
        entries = [(re.compile(e.wrong), e.right) for e in [*params.entries, *options.extra]]
        for section in ctx.report.sections:
            places: list[Place] = []
            for line in prose_lines(section, params.table_words):
                masked = mask_titles(line)
                for regex, right in entries:
                    places.extend(
                        Place(excerpt(line, m.start(), m.end()), f"（“{m.group(0)}”应为“{right}”）")
                        for m in regex.finditer(masked)
                    )
            if places:
                yield section_finding(rule, params, section, "疑似错别字或误用词", "known misspellings", places)


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [RepeatedPhraseKind(), BracketKind(), PunctuationKind(), LexiconKind()]
