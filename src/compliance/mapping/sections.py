"""Find the title, the year, the agency and the six sections among a document's paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from compliance.document import Document, Paragraph
from compliance.layout import SectionSpec
from compliance.mapping.normalize import clean_text, key

_NUMERALS = "一二三四五六七八九十"
# "一、总体情况", also "一．" / "第一部分 总体情况" / "一 总体情况" (a space for the mark: taken only
# when the title names a template section, as a line of table figures or columns may look alike).
_HEADING = re.compile(
    rf"^\s*(?:#+\s*)?(?:\*\*)?\s*"
    rf"(?:第(?P<part>[{_NUMERALS}]{{1,2}})部分\s*[、.,，．:：]?|(?P<numeral>[{_NUMERALS}]{{1,2}})(?:\s*[、.,，．]|(?P<space>\s+)))"
    rf"\s*(?P<title>[^。；;]{{2,60}}?)\s*(?:\*\*)?\s*$"
)
# A heading without its numeral (a bullet or a Markdown heading); only accepted when the reader
# says the paragraph is a heading or it is a bullet line.
_BARE_HEADING = re.compile(r"^\s*(?:#+|[-*•·])\s*(?P<title>[^。；;]{2,40}?)\s*$")
# Row labels of table 三 that look like headings in text extractions.
_TABLE_ROW_WORDS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度", "申请数量")
_TITLE = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*度?")
_REPORT_WORDS = ("政府信息公开", "政务公开", "信息公开")


@dataclass
class HeadingMatch:
    numeral: str | None
    title: str
    key: str | None


def match_heading(text: str, specs: list[SectionSpec], *, is_heading: bool = False) -> HeadingMatch | None:
    """Recognise a top-level heading; ``key`` is the template section it names, if any."""
    cleaned = clean_text(text).strip()
    if len(cleaned) > 70:
        return None
    match = _HEADING.match(cleaned)
    numeral: str | None
    if match:
        numeral, title = match["numeral"] or match["part"], match["title"].strip()
    else:
        bare = _BARE_HEADING.match(cleaned)
        if bare and (is_heading or cleaned.lstrip().startswith(("-", "•", "·"))):
            title = bare["title"].strip()
        elif is_heading and 2 <= len(cleaned) <= 40 and not cleaned.endswith(("。", "；")):
            # A DOCX/HTML heading without its numeral ("总体情况"): the reader vouches for it.
            title = cleaned
        else:
            return None
        numeral = None
    title_key = key(title)
    if any(word in title_key for word in _TABLE_ROW_WORDS):
        return None
    section = section_key_for(title_key, numeral, specs)
    if match and match["space"] and section is None:
        return None
    return HeadingMatch(numeral, title, section)


def section_key_for(title_key: str, numeral: str | None, specs: list[SectionSpec]) -> str | None:
    candidates = [s for s in specs if any(word in title_key for word in s.keywords)]
    if not candidates:
        return None
    # 五、…问题… and 四、…行政复议… can both mention other sections' words; the printed
    # numeral breaks the tie when it agrees with one candidate.
    for spec in candidates:
        if spec.numeral == numeral:
            return spec.key
    if numeral is not None and len(candidates) > 1:
        return None
    return candidates[0].key


@dataclass
class TitleInfo:
    title: str | None
    year: int | None
    agency: str | None


def find_title(document: Document) -> TitleInfo:
    """The report title: a short early paragraph naming a year and 信息公开…报告.

    PDF text often splits the title: the agency on one line and "2024 年政府信息公开工作年度报告"
    on the next, or the title itself over two lines; both joins are tried.
    """
    meta_title = document.meta.get("title")
    if meta_title:
        info = parse_title(meta_title)
        if info is not None and info.agency:
            return info
    texts = [p.text.strip() for p in document.paragraphs()[:40]]
    for index, text in enumerate(texts):
        info = parse_title(text)
        if info is None and index + 1 < len(texts):
            info = parse_title(text + texts[index + 1])
        if info is None:
            continue
        if info.agency is None and index > 0:
            joined = parse_title(texts[index - 1] + text)
            if joined is not None and joined.agency:
                return joined
        return info
    if meta_title:
        return parse_title(meta_title) or TitleInfo(None, None, None)
    return TitleInfo(None, None, None)


def parse_title(text: str) -> TitleInfo | None:
    cleaned = re.sub(r"\s+", " ", clean_text(text).replace("#", "").replace("*", "")).strip()
    cleaned = re.sub(r"^(?:标题|title)\s*[:：]\s*", "", cleaned, flags=re.IGNORECASE)
    if len(cleaned) > 80 or "报告" not in cleaned or not any(w in cleaned for w in _REPORT_WORDS):
        return None
    if not re.search(r"年\s*度?\s*报\s*告|年报", cleaned.replace(" ", "")):
        return None
    match = _TITLE.search(cleaned)
    if not match:
        return None
    year = int(match["year"])
    before = cleaned[: match.start()].strip(" 《")
    after = cleaned[match.end() :]
    agency: str | None = before
    if not agency:
        cut = re.split(r"政府信息公开|政务公开|信息公开", after, maxsplit=1)[0]
        agency = cut.strip()
    agency = (agency or "").replace(" ", "") or None
    title = cleaned.replace(" ", "") if re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", cleaned) else cleaned
    return TitleInfo(title, year, agency)


@dataclass
class SectionSpan:
    key: str | None
    numeral: str | None
    title: str
    start: int  # block index of the heading
    paragraph: Paragraph


def find_section_spans(document: Document, specs: list[SectionSpec]) -> list[SectionSpan]:
    """Top-level headings in block order (template sections and unrecognised ones alike)."""
    spans: list[SectionSpan] = []
    for index, block in enumerate(document.blocks):
        if not isinstance(block, Paragraph):
            continue
        heading = match_heading(block.text, specs, is_heading=block.heading_level is not None)
        if heading is None:
            continue
        spans.append(SectionSpan(heading.key, heading.numeral, heading.title, index, block))
    return spans
