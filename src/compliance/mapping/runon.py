"""Split run-on text: a whole report printed as one line, headings and table rows inline.

Crawler dumps of government pages put the body on one line: ``…联系。一、总体情况2021年，…
二、主动公开政府信息情况第二十条第（一）项信息内容…规章000行政规范性文件52487…``. Before the
mapping proper runs, such a paragraph is cut before each recognised template section title
(matched with a small edit distance, see ``fuzzy``) and, inside a table section, before each
template row label; a row becomes a grid row of its label and the digit run printed after it.
Everything here is driven by the template data; nothing knows any particular report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from compliance.document import Block, Document, Grid, GridCell, Paragraph
from compliance.layout import TemplateLayout
from compliance.mapping.fuzzy import find_titles
from compliance.mapping.normalize import key, to_simplified
from compliance.model import Loc

# A paragraph shorter than this is a normal line, never a whole report.
MIN_RUN_ON_LENGTH = 200
# Characters a label may carry between its letters in run-on text (quotes, line-wrap spaces).
_LABEL_GAP = r"[\s“”\"'‘’「」『』]*"
# The value run printed right after a row label: digits, spaces, signs, decimal points, a unit.
_VALUES = re.compile(r"^[\s\d.,+\-]*(?:万元|元)?")
# A run ending in "2." took the numbering of the next (unrecognised) label.
_TRAILING_NUMBERING = re.compile(r"\d[.．]$")
_DIGIT_RUN = re.compile(r"\d[\d\s]*")


@dataclass
class _Cut:
    start: int
    end: int
    key: str  # section key


def split_run_on(document: Document, layouts: dict[str, TemplateLayout]) -> Document:
    """Return the document with every run-on paragraph cut into headings, prose and table rows."""
    if not any(isinstance(b, Paragraph) and len(b.text) >= MIN_RUN_ON_LENGTH for b in document.blocks):
        return document
    blocks: list[Block] = []
    changed = False
    for block in document.blocks:
        if isinstance(block, Paragraph) and len(block.text) >= MIN_RUN_ON_LENGTH:
            pieces = _split_paragraph(block, layouts)
            if pieces is not None:
                blocks.extend(pieces)
                changed = True
                continue
        blocks.append(block)
    if not changed:
        return document
    return Document(
        blocks=blocks, format=document.format, path=document.path, sha256=document.sha256, meta=document.meta
    )


def _split_paragraph(paragraph: Paragraph, layouts: dict[str, TemplateLayout]) -> list[Block] | None:
    any_layout = next(iter(layouts.values()))
    text = paragraph.text
    cuts = [_Cut(m.start, m.end, m.key) for m in find_titles(text, any_layout.sections)]
    # One title inside a long paragraph may be a quotation; a report body has several.
    if len(cuts) < 2:
        return None
    loc = paragraph.loc
    out: list[Block] = []
    head = text[: cuts[0].start].strip()
    if head:
        out.append(Paragraph(text=head, loc=_at(loc, text, 0, head)))
    table_of_section = {spec.section: table_id for table_id, spec in any_layout.tables.items()}
    for number, cut in enumerate(cuts):
        title = text[cut.start : cut.end].strip()
        out.append(Paragraph(text=title, loc=_at(loc, text, cut.start, title), heading_level=1))
        end = cuts[number + 1].start if number + 1 < len(cuts) else len(text)
        body = text[cut.end : end].strip()
        if not body:
            continue
        body_loc = _at(loc, text, cut.end, body)
        table_id = table_of_section.get(cut.key)
        grid = _table_rows(body, table_id, layouts, body_loc) if table_id else None
        if grid is not None:
            out.append(grid)
        else:
            out.append(Paragraph(text=body, loc=body_loc))
    return out


def _at(loc: Loc, text: str, start: int, piece: str) -> Loc:
    """The location of ``piece``, found in ``text`` from ``start``, within a block located at ``loc``."""
    if loc.column is None or not piece:
        return loc
    found = text.find(piece, start)
    return loc.model_copy(update={"column": loc.column + (found if found >= 0 else start)})


def _table_rows(body: str, table_id: str, layouts: dict[str, TemplateLayout], loc: Loc) -> Grid | None:
    spec = next(iter(layouts.values())).tables[table_id]
    if spec.layout == "single_row":
        return _single_row(body, sum(1 for _ in spec.rows) * len(spec.columns), loc)
    pattern = _label_pattern(table_id, layouts)
    # Labels are searched in simplified characters, positions kept: a report in traditional
    # script converts character for character (a conversion that changes the length is not used).
    simplified = to_simplified(body)
    matches = list(pattern.finditer(simplified if len(simplified) == len(body) else body))
    if len(matches) < 2:
        return None
    rows: list[list[GridCell]] = []
    head = body[: matches[0].start()].strip()
    if head:
        rows.append([GridCell(text=head, loc=_at(loc, body, 0, head))])
    for number, match in enumerate(matches):
        end = matches[number + 1].start() if number + 1 < len(matches) else len(body)
        after = body[match.end() : end]
        values = _VALUES.match(after)
        run = values.group(0) if values else ""
        run = _TRAILING_NUMBERING.sub("", run.rstrip()) if _TRAILING_NUMBERING.search(run.rstrip()) else run
        rest = after[len(run) :].strip()
        label = body[match.start() : match.end()].strip()
        row = [GridCell(text=label, loc=_at(loc, body, match.start(), label))]
        if run.strip():
            row.append(GridCell(text=run.strip(), loc=_at(loc, body, match.end(), run.strip())))
        rows.append(row)
        if rest:
            rows.append([GridCell(text=rest, loc=_at(loc, body, match.end() + len(run), rest))])
    return Grid(rows=rows, loc=Loc(line=loc.line, line_end=loc.line, page=loc.page))


def _single_row(body: str, width: int, loc: Loc) -> Grid | None:
    """A one-row table (T4): header words, then one long digit run."""
    runs = [m for m in _DIGIT_RUN.finditer(body) if sum(ch.isdigit() for ch in m.group(0)) >= width]
    if not runs:
        return None
    run = runs[-1]
    digits, end = _without_date(body, run.start(), run.end())
    label = body[: run.start()].strip()
    rows = [
        [
            GridCell(text=label, loc=_at(loc, body, 0, label)),
            GridCell(text=digits, loc=_at(loc, body, run.start(), digits)),
        ]
    ]
    rest = body[end:].strip()
    if rest:
        rows.append([GridCell(text=rest, loc=_at(loc, body, end, rest))])
    return Grid(rows=rows, loc=Loc(line=loc.line, line_end=loc.line, page=loc.page))


def _without_date(text: str, start: int, end: int) -> tuple[str, int]:
    """A run's digits, less a last group that is the year of the next sentence ("… 0 2023年")."""
    run = text[start:end].rstrip()
    end = start + len(run)
    if end < len(text) and text[end] in "年月日":
        head, _, tail = run.rpartition(" ")
        if head.strip() and tail.isdigit():
            return head.strip(), start + len(head)
    return run.strip(), end


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _label_pattern(table_id: str, layouts: dict[str, TemplateLayout]) -> re.Pattern[str]:
    """One regex for every row label of a table (all versions), longest first, width-tolerant."""
    cache_key = (table_id, *sorted(layouts))
    if cache_key in _PATTERNS:
        return _PATTERNS[cache_key]
    keys: set[str] = set()
    for layout in layouts.values():
        spec = layout.tables.get(table_id)
        if spec is None:
            continue
        for row in spec.rows:
            keys.update(key(label) for label in (row.label, *row.aliases))
    ordered = sorted((k for k in keys if len(k) >= 2), key=len, reverse=True)
    # Quotes around the label's last words ("…稳定”") belong to the label, not to the values.
    pattern = re.compile("(?:" + "|".join(_label_regex(k) for k in ordered) + ')[”"’」』]*')
    _PATTERNS[cache_key] = pattern
    return pattern


def _label_regex(label_key: str) -> str:
    return _LABEL_GAP.join(_char_class(ch) for ch in label_key)


def _char_class(ch: str) -> str:
    variants = {ch, *_WIDE.get(ch, ())}
    if len(variants) == 1:
        return re.escape(ch)
    return "[" + "".join(re.escape(v) for v in sorted(variants)) + "]"


def _wide_forms() -> dict[str, set[str]]:
    # Full-width forms whose NFKC is the ASCII the label keys use, plus CJK punctuation the
    # key folds ("．" for "."; "、" is kept as is).
    forms: dict[str, set[str]] = {}
    for code in range(0xFF01, 0xFF5F):
        wide = chr(code)
        forms.setdefault(unicodedata.normalize("NFKC", wide), set()).add(wide)
    forms.setdefault(".", set()).update({"．", "。"})
    return forms


_WIDE = _wide_forms()
