"""TEXT-BROKEN: a sentence cut in two by a line or paragraph break (…努力让政务信息“看 ‖ 得懂、用得上…”).

A junction between two lines of one section is a broken sentence when the first line is prose that
stops mid-clause (it ends on a Chinese character, after a comma-like mark, not after a colon that
makes it a "label: value" line) and the next one carries the clause on (it starts with a Chinese
character or a comma, is no heading, and its first clause is no label). Headings, signatures, dates and table
text never qualify.

Two kinds of document cannot be judged, and are not:

- Text whose lines are hard-wrapped (a PDF's text pasted line by line: most long lines stop
  mid-sentence). There a break is the layout, not a fault, and one more says nothing.
- The reader's own joins: in a PDF, a scan or extracted text, a paragraph carried over a page can be
  left in two when the reader could not join it. That is not the agency's fault either, so in those
  formats the finding is an info note asking to look at the original; only where the paragraphs are
  the author's own (Word, HTML, OpenDocument) is it a warning.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal

from pydantic import Field

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Finding, Report
from compliance.rules.base import CheckContext, RuleKind
from compliance.rules.text_quality import Place, ProseParams, section_finding

_CLAUSE_MARK = re.compile(r"[，。；：、！？,;:!?]")
# Marks after which a line may end: the end of a sentence, of a quotation or bracket, or a list item.
_LINE_END = frozenset("。！？；：…”’）)」』】》!?;:")
_HEADING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+[章节条部分]|[（(][一二三四五六七八九十\d]{1,3}[)）]"
    r"|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]是)"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Outside the formats whose paragraphs are the author's, a break may be the reader's.
_PAGE_BREAK_CAVEAT = (
    "（可能是换页或文字提取造成的断行，请核对原文）",
    " (may be a page break or the text extraction's, check the original)",
)


class BrokenSentenceParams(ProseParams):
    # Lines shorter than this are headings or fragments, never half of a sentence worth judging.
    min_chars: int = 20
    # A report whose long prose lines stop mid-sentence more often than this is hard-wrapped.
    wrapped_share: Decimal = Decimal("0.25")
    # Formats whose paragraphs are the author's: a break there is printed as such (a warning).
    authored_formats: list[str] = Field(default_factory=lambda: ["html", "docx", "doc", "odt", "wps"])


class BrokenSentenceKind(RuleKind):
    name = "broken_sentence"
    Params = BrokenSentenceParams

    def check(self, rule: RuleSpec, params: BrokenSentenceParams, ctx: CheckContext) -> Iterator[Finding]:
        if hard_wrapped(ctx.report, params):
            return
        authored = ctx.report.source.format in params.authored_formats
        for section in ctx.report.sections:
            lines = [line.strip() for line in section.text.split("\n") if line.strip()]
            places = [
                Place(f"{before[-12:]}‖{after[:12]}")
                for before, after in itertools.pairwise(lines)
                if _breaks(before, after, params)
            ]
            if not places:
                continue
            caveat = None if authored else _PAGE_BREAK_CAVEAT
            yield section_finding(
                rule, params, section, "句子被换行或分段截断", "sentence cut by a break", places, caveat
            )


def hard_wrapped(report: Report, params: BrokenSentenceParams) -> bool:
    """Whether the long prose lines mostly stop mid-sentence (text wrapped line by line)."""
    long = [
        line
        for section in report.sections
        for line in (raw.strip() for raw in section.text.split("\n"))
        if len(line) >= params.min_chars + 5 and _CLAUSE_MARK.search(line) and not _is_heading(line)
    ]
    open_ = [line for line in long if line[-1] not in _LINE_END]
    return len(open_) >= 3 and Decimal(len(open_)) > params.wrapped_share * len(long)


def _breaks(before: str, after: str, params: BrokenSentenceParams) -> bool:
    if len(before) < params.min_chars or _is_heading(before) or not _CJK.fullmatch(before[-1]):
        return False
    marks = _CLAUSE_MARK.findall(before)
    if not marks or marks[-1] in "：:":
        return False  # no clause at all (a title, a name), or a "label: value" line
    if not (_CJK.match(after) or after[0] in "，、") or _HEADING.match(after):
        return False
    first = _CLAUSE_MARK.search(after)
    if first is not None and first.group(0) in "：:":
        return False  # the next line opens with a label of its own
    return not any(word in before or word in after for word in params.table_words)


def _is_heading(line: str) -> bool:
    return bool(_HEADING.match(line)) and "。" not in line


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [BrokenSentenceKind()]
