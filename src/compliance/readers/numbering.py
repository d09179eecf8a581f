"""Render Word's automatic paragraph numbering (``一、``, ``（一）``, ``1.``) as text.

Word keeps list numbers out of the text runs: a heading typed as "总体情况" with a 一、二、三
list style is shown as "一、总体情况" but stored without "一、". The mapping recognises section
headings by their printed numerals, so the DOCX reader puts the number back in front.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_DIGITS = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_counting(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (Word's chineseCounting)."""
    if number <= 0 or number >= 10000:
        return str(number)
    parts = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            parts.append(_CN_DIGITS[digit] + unit)
        elif parts and number:
            parts.append("零")
    text = "".join(parts).replace("零零", "零")
    return text[1:] if text.startswith("一十") else text


def _roman(number: int) -> str:
    values: tuple[tuple[int, str], ...] = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = []
    for value, letters in values:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def format_number(number: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting"):
        return chinese_counting(number)
    if fmt == "ideographTraditional" and 1 <= number <= len(_TIANGAN):
        return _TIANGAN[number - 1]
    if fmt == "decimalEnclosedCircle" and 1 <= number <= len(_CIRCLED):
        return _CIRCLED[number - 1]
    if fmt in ("upperLetter", "lowerLetter") and 1 <= number <= 26:
        letter = chr(ord("A") + number - 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= number <= 3999:
        roman = _roman(number)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("none", "bullet"):
        return ""
    return str(number)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""


@dataclass
class Numbering:
    """The document's list definitions and the running counters while paragraphs are read."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId → ilvl → level
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, word: Any) -> Numbering:
        try:
            root = word.part.numbering_part.element
        except Exception:  # no numbering part: nothing to render
            return cls()
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            abstract[node.get(f"{_W}abstractNumId", "")] = _levels(node)
        numbering = cls()
        for node in root.iter(f"{_W}num"):
            ref = node.find(f"{_W}abstractNumId")
            if ref is not None:
                numbering.levels[node.get(f"{_W}numId", "")] = abstract.get(ref.get(f"{_W}val", ""), {})
        return numbering

    def label(self, paragraph: Any, style: Any = None) -> str:
        """The number Word would print before this paragraph (and advance the counters).

        The list comes from the paragraph's own properties or, failing that, from its style
        (and the styles that style is based on), as with Word's "List Number" or numbered headings.
        """
        if not self.levels:
            return ""
        num_pr = paragraph.find(f"{_W}pPr/{_W}numPr")
        while num_pr is None and style is not None:
            num_pr = style.element.find(f"{_W}pPr/{_W}numPr")
            style = style.base_style
        if num_pr is None:
            return ""
        num_id = _val(num_pr.find(f"{_W}numId"))
        raw_level = _val(num_pr.find(f"{_W}ilvl")) or "0"
        level = int(raw_level) if raw_level.isdigit() else 0
        levels = self.levels.get(num_id or "")
        if not levels or level not in levels:
            return ""
        counters = self.counters.setdefault(num_id or "", {})
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        text = levels[level].text
        for index in range(9):
            if f"%{index + 1}" in text:
                spec = levels.get(index, _Level())
                value = counters.get(index, spec.start)
                text = text.replace(f"%{index + 1}", format_number(value, spec.fmt))
        return text


def _val(node: Any) -> str | None:
    return None if node is None else node.get(f"{_W}val")


def _levels(abstract_num: Any) -> dict[int, _Level]:
    levels: dict[int, _Level] = {}
    for lvl in abstract_num.iter(f"{_W}lvl"):
        raw = lvl.get(f"{_W}ilvl", "0")
        start = _val(lvl.find(f"{_W}start"))
        levels[int(raw) if raw.isdigit() else 0] = _Level(
            start=int(start) if start and start.isdigit() else 1,
            fmt=_val(lvl.find(f"{_W}numFmt")) or "decimal",
            text=_val(lvl.find(f"{_W}lvlText")) or "",
        )
    return levels
