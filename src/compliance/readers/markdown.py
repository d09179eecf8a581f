"""Markdown: pipe tables become grids, ``#`` headings carry their level, other lines are paragraphs.

Most Markdown reports are PDF-to-Markdown conversions, so the reader is tolerant: a run of pipe
rows is one grid even when alignment rows (``|---|``) reappear inside it or rows differ in width,
and a line is never dropped because it is malformed. Heading text keeps its ``#`` marks, as in the
plain-text reader, so the mapping sees the same thing for ``.md`` and ``.txt``.
"""

from __future__ import annotations

import hashlib
import html
import re

from compliance.document import Block, Document, Grid, LoadError
from compliance.hookspecs import hookimpl
from compliance.readers import LineBlocks, decode_text, looks_binary, shift_lines
from compliance.readers.dash_rule_tables import dash_rule_tables, has_dash_rules
from compliance.readers.grid import clean_cell, is_rule_line, label_spans, with_ascii_bars
from compliance.readers.ruled_text import has_rule_lines, join_ruled_rows

# Sniffing patterns stay on one line ([ \t], never \s, which also crosses line ends) and never put
# two runs of the same characters side by side: linear on any input, even many blank lines.
_SNIFF_PIPE_ROW = re.compile(rb"(?m)^[ \t]*\|[^\n]*\|[ \t\r]*$")
_SNIFF_ALIGNMENT = re.compile(rb"(?m)^[ \t]*(?:\|[ \t]*)?:?-{3,}:?[ \t]*\|")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$)")
_ALIGNMENT_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
# What converters write for a delimiter row anywhere: three dashes or more. GFM accepts one dash,
# but only on a table's second line; elsewhere ``| - | - |`` is a row of placeholders (nothing, 0).
_DELIMITER_CHARS = frozenset("|-: \t")
_DELIMITER_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# Runs of emphasis delimiters HTML-to-Markdown converters leave around and inside words
# (``_一、总体情况_``, ``_1.__属于国家秘密_``, ``_ __0_``): markup wherever they do not stand between two
# letters or digits (``pzx_kb``, ``2*3`` keep theirs), as CommonMark never lets ``_`` emphasis open
# inside a word. One pass over the runs: linear.
_DELIMITER_RUN = re.compile(r"(?<!\\)[_*]+")
# Inline HTML a converter leaves in Markdown text (``<u>一、总体情况</u>``, ``<span lang="EN-US">``):
# markup, not words. One tag at a time, no nesting, so matching is linear.
_INLINE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,20}(?:\s[^<>]{0,500})?/?>")
# Pandoc's bracketed spans and links keep their words: ``[一、总体情况]{.underline}``, ``[门户](http://…)``.
_SPAN = re.compile(r"\[([^\[\]]{0,2000})\]\{[^{}]{0,200}\}")
_LINK = re.compile(r"!?\[([^\[\]]{0,2000})\]\([^()]{0,2000}\)")
# Backslash escapes of ASCII punctuation (``\(``, ``\*``), as CommonMark defines them.
_HARD_BREAK = re.compile(r"\\(?=\s|$)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# A short label and its figures on a plain line ("行政许可 97"): what PDF-to-Markdown tools leave
# of a table row whose ruling they did not recognise.
_LOOSE_ROW = re.compile(
    r"^(?P<label>[^\s|#*>\-+\d，。；：:,;][^，。；：:,;|]{1,24}?)\s+(?P<numbers>[+\-]?\d[\d.,]*(?:\s+[+\-]?\d[\d.,]*)*)$"
)


class MarkdownReader:
    name = "markdown"
    extensions = (".md", ".markdown", ".mdown")

    def sniff(self, data: bytes, path: str) -> int:
        if looks_binary(data):
            return 0
        if path.lower().endswith(self.extensions):
            return 90
        head = data[:8192]
        pipe_rows = len(_SNIFF_PIPE_ROW.findall(head))
        alignment = _SNIFF_ALIGNMENT.search(head) is not None
        return 65 if pipe_rows >= 3 and alignment else 0

    def read(self, data: bytes, path: str) -> Document:
        if not data.strip():
            raise LoadError("文件为空", "the file is empty")
        if looks_binary(data):
            raise LoadError("文件不是文本（含二进制内容）", "the file is binary, not text")
        return Document(
            blocks=markdown_blocks(decode_text(data).text),
            format="markdown",
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
        )


def pipe_cells(line: str) -> list[str] | None:
    """The cells of a pipe-table row, or None when the line is not one."""
    stripped = line.strip()
    if not stripped.startswith("|") or len(stripped) < 2:
        return None
    body = stripped[1:-1] if stripped.endswith("|") and not stripped.endswith("\\|") else stripped[1:]
    return [cell.replace("\\|", "|") for cell in _PIPE_SPLIT.split(body)]


def loose_row(line: str) -> list[str] | None:
    """A plain line that is a label followed by figures, split into cells; None for prose."""
    match = _LOOSE_ROW.match(line.strip())
    if match is None or not re.search(r"[\u4e00-\u9fff]", match["label"]):
        return None
    return [match["label"], *match["numbers"].split()]


def _is_alignment(cells: list[str]) -> bool:
    return all(_ALIGNMENT_CELL.match(cell) for cell in cells if cell.strip()) and any(c.strip() for c in cells)


def _is_delimiter(cells: list[str], second_line: bool) -> bool:
    """A delimiter row, not data: any dashes on a table's second line, three or more elsewhere."""
    if second_line:
        return _is_alignment(cells)
    return all(_DELIMITER_CELL.match(cell) for cell in cells if cell.strip()) and any(c.strip() for c in cells)


def _cell_text(raw: str) -> str:
    text = _LINE_BREAK_TAG.sub("\n", raw)
    return clean_cell(inline_text(text))


def inline_text(raw: str) -> str:
    """The words of a line of Markdown: emphasis markers, inline HTML tags and escapes removed."""
    text = _EMPHASIS.sub(r"\2", raw)
    if "_" in text or "*" in text:
        text = _DELIMITER_RUN.sub(_markup_or_literal, text)
    if "<" in text:
        text = _INLINE_TAG.sub("", text)
    if "](" in text or "]{" in text:
        text = _LINK.sub(r"\1", _SPAN.sub(r"\1", text))
    if "\\" in text:
        # A backslash before a line break (or the space a joined cell put there) is a hard break.
        text = _ESCAPE.sub(r"\1", _HARD_BREAK.sub("", text))
    return html.unescape(text) if "&" in text else text


def _markup_or_literal(run: re.Match[str]) -> str:
    text, start, end = run.string, run.start(), run.end()
    inside_word = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return run.group(0) if inside_word else ""


def bare_cells(line: str) -> list[str] | None:
    """The cells of a row written without its outer pipes (``a | b | c``), or None without a pipe."""
    stripped = line.strip()
    if not _PIPE_SPLIT.search(stripped):
        return None
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    return [cell.replace("\\|", "|") for cell in _PIPE_SPLIT.split(stripped)]


def markdown_blocks(text: str) -> list[Block]:
    builder = LineBlocks()
    in_fence = False
    lines = text.splitlines()
    html_tables = _raw_html_tables(lines)
    if has_dash_rules(text):  # pandoc's simple and multiline tables, by 1-based line number
        # A cell's lines end in a backslash where pandoc breaks them (a hard break), not a character.
        unbroken = [line[:-1] if line.endswith("\\") else line for line in lines]
        for first, (last, grid) in dash_rule_tables(unbroken).items():
            for row in grid.rows:
                for cell in row:
                    cell.text = clean_cell(inline_text(cell.text))
            html_tables[first + 1] = (last + 1, [grid])
    # GitHub tables may leave out the outer pipes: a header row with pipes, then a delimiter row
    # (``--- | ---``), then rows while lines carry a pipe.
    in_bare_table = False
    skip_to = 0
    table_lines = 0  # lines of the current table so far: a delimiter row is its second
    # Grid-table rows wrapped over several lines, by 1-based line number like the HTML tables.
    wrapped = (
        {first + 1: (last + 1, row) for first, (last, row) in join_ruled_rows(lines).items()}
        if has_rule_lines(text)
        else {}
    )
    for number, line in enumerate(lines, start=1):
        if number <= skip_to:
            continue  # inside a raw HTML table or a wrapped row already read
        if number in html_tables:
            skip_to, blocks = html_tables[number]
            builder.end_table()
            builder.blocks.extend(blocks)
            table_lines = 0
            continue
        if number in wrapped:
            skip_to, line = wrapped[number]
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            in_bare_table = False
            continue
        if not in_fence:
            line = with_ascii_bars(line)
            if is_rule_line(line) and not set(line.strip()) <= _DELIMITER_CHARS:
                continue  # a box-drawn or grid table's ruling between rows (delimiter rows are read below)
        cells = None if in_fence else pipe_cells(line)
        if cells is None and not in_fence:
            bare = bare_cells(line)
            if bare is None:
                in_bare_table = False
            elif not in_bare_table and number < len(lines):
                delimiter = bare_cells(lines[number])  # the next line
                in_bare_table = delimiter is not None and len(delimiter) >= 2 and _is_alignment(delimiter)
            cells = (bare if in_bare_table else None) or loose_row(line)
        if cells is not None:
            if not _is_delimiter(cells, second_line=table_lines == 1):
                builder.row(number, [_cell_text(c) for c in cells], line)
            table_lines += 1
            continue
        table_lines = 0
        if not line.strip():
            builder.end_table()  # in Markdown a blank line ends a table
            continue
        heading = None if in_fence else _HEADING.match(line)
        builder.paragraph(number, inline_text(line.strip()), len(heading.group(1)) if heading else None, line)
    # A pipe table has no merged cells: a merged label leaves empty cells beside or under it.
    return [Grid(rows=label_spans(b.rows), loc=b.loc) if isinstance(b, Grid) else b for b in builder.finish()]


def _raw_html_tables(lines: list[str]) -> dict[int, tuple[int, list[Block]]]:
    """Tables written as raw HTML inside the Markdown (what converters emit for merged cells and
    CommonMark, which has no tables of its own): start line → (end line, the table's blocks).

    Read by the HTML reader's table rules, so a merged cell means what it means in a web page.
    """
    if not any("<table" in line.lower() for line in lines):
        return {}
    from compliance.readers.html import html_blocks, parse_html

    found: dict[int, tuple[int, list[Block]]] = {}
    number = 0
    while number < len(lines):
        if not lines[number].lstrip().lower().startswith("<table"):
            number += 1
            continue
        start, depth = number, 0
        while number < len(lines):
            lowered = lines[number].lower()
            depth += lowered.count("<table") - lowered.count("</table")
            number += 1
            if depth <= 0:
                break
        snippet = "\n".join(lines[start:number])
        blocks = html_blocks(parse_html(snippet))
        found[start + 1] = (number, [shift_lines(block, start) for block in blocks])
    return found


@hookimpl
def compliance_readers() -> list[object]:
    return [MarkdownReader()]
