"""Plain text: PDF/OCR/crawler text with tab-, space- or pipe-separated table rows.

OCR and LLM conversions often arrive as ``.txt`` with Markdown habits: ``## 二、…`` headings
and ``| a | b |`` rows. Those are read here too (cells and heading marks only; no label is
interpreted: that is the mapping's job). Space-aligned "layout" text (``pdftotext -layout``,
OCR exports) is read by position: see ``readers.layout_text`` and the geometric grid builder.
"""

from __future__ import annotations

import hashlib
import re

from compliance.document import Block, Document, Grid, LoadError, Paragraph
from compliance.hookspecs import hookimpl
from compliance.model import Loc
from compliance.readers import LineBlocks, decode_text, located_cells, looks_binary
from compliance.readers.cell_lines import join_cell_lines
from compliance.readers.dash_rule_tables import dash_rule_tables, has_dash_rules
from compliance.readers.geometry import is_number_shaped
from compliance.readers.grid import is_rule_line, with_ascii_bars
from compliance.readers.layout_text import layout_blocks, looks_like_layout
from compliance.readers.ruled_text import has_rule_lines, join_ruled_rows

# What converters write in plain text for a table they cannot draw (pandoc's plain writer).
OMITTED_TABLE = frozenset({"[TABLE]"})
# A row printed with spaces instead of tabs: a label followed by at least three numbers.
_SPACED_ROW = re.compile(
    r"^(?P<label>.*?[^\d\s+\-.,])?\s*"
    r"(?P<numbers>(?:[+\-]{0,2}\d[\d.,]*(?: ?(?:万元|元))?\s+){1,}[+\-]{0,2}\d[\d.,]*(?: ?(?:万元|元))?)\s*$"
)
# A row of two figures must carry a short label: prose wrapped by a PDF ends in figures too
# (``…共 5 条、申请 783``), but never after a label of a few characters.
_TWO_FIGURE_LABEL = 20


# A Markdown alignment row |---|:--:|. No two runs of the same characters stand side by side, so
# matching stays linear in the line (no backtracking blow-up on long runs of spaces).
_PIPE_RULE = re.compile(r"^\s*(?:\|\s*)?:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*(?:\|\s*)?$")
# Rows printed with spaces are short; longer lines are prose and never reach the pattern.
_SPACED_ROW_MAX = 200
_MARKDOWN_HEADING = re.compile(r"^\s*(#{1,6})\s+\S")


class TextReader:
    name = "text"
    extensions = (".txt", ".text", "")

    def sniff(self, data: bytes, path: str) -> int:
        if looks_binary(data):
            return 0
        lower = path.lower()
        if lower.endswith((".txt", ".text")):
            return 60
        return 10

    def read(self, data: bytes, path: str) -> Document:
        if not data.strip():
            raise LoadError("文件为空", "the file is empty")
        if looks_binary(data):
            raise LoadError("文件不是文本（含二进制内容）", "the file is binary, not text")
        text = decode_text(data).text
        return Document(
            blocks=text_blocks(text),
            format="text",
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
        )


def _is_pipe_row(line: str) -> bool:
    """A Markdown-style row ``| a | b |``: tested with string methods, linear on any line."""
    stripped = line.strip()
    return len(stripped) >= 2 and stripped.startswith("|") and stripped.endswith("|")


def split_fields(line: str) -> list[str] | None:
    """The cells of a table row in text, or None for a prose line."""
    stripped = line.strip()
    if _is_pipe_row(line):
        cells = line.strip().strip("|").split("|")
        return [c.strip() for c in cells] if len(cells) >= 2 else None
    if "\t" in line:
        fields = line.split("\t")
        filled = sum(1 for f in fields if f.strip())
        # A label followed by a run of empty cells is a table row printed with blank cells (the
        # label may stand after empty group-label fields: ``\t\t2.其他…\t\t\t…``).
        label_at = next((i for i, f in enumerate(fields) if f.strip()), None)
        blank_row = (
            filled == 1
            and label_at is not None
            and not is_number_shaped(fields[label_at])
            and len(fields) - label_at - 1 >= 3
        )
        # One figure among empty fields is a row of values whose other cells are blank (``14\t\t\t``).
        lone_figure = filled == 1 and label_at is not None and is_number_shaped(fields[label_at]) and len(fields) >= 3
        if filled >= 2 or blank_row or lone_figure:
            return fields
        return None
    match = _SPACED_ROW.match(stripped) if len(line) < _SPACED_ROW_MAX else None
    if match:
        numbers = re.findall(r"[+\-]{0,2}\d[\d.,]*(?: ?(?:万元|元))?", match["numbers"])
        label = (match["label"] or "").strip()
        if len(numbers) == 2 and not (label and len(label) <= _TWO_FIGURE_LABEL and _label_end(label[-1])):
            return None
        if all(is_number_shaped(n) for n in numbers):
            return [label, *numbers]
    return None


def _label_end(char: str) -> bool:
    """A row label ends in a CJK character or closing bracket, never in prose punctuation (，。；、)."""
    return char not in "，。；、：,.;:" and (ord(char) >= 0x2E80 or char in ")）]】”")


def text_blocks(text: str, first_line: int = 1) -> list[Block]:
    cell_by_cell = join_cell_lines(text.splitlines())
    if cell_by_cell is not None:  # a table printed one cell a line (an office suite's "save as text")
        text = "\n".join(cell_by_cell)
    if has_dash_rules(text):
        lines = text.splitlines()
        tables = dash_rule_tables(lines, first_line)
        if tables:
            return _around_dash_rule_tables(lines, tables, first_line)
    return _line_blocks(text, first_line)


def _line_blocks(text: str, first_line: int) -> list[Block]:
    """Text whose tables are marked by tabs, bars or alignment (the cell lines and dash rules read)."""
    # Marked rows are cheap to find and settle it; measuring alignment reads every line twice.
    if not _has_marked_rows(text) and looks_like_layout(text):
        return _spaced_rows(layout_blocks(text, first_line))
    builder = LineBlocks()
    lines = text.splitlines()
    wrapped = join_ruled_rows(lines) if has_rule_lines(text) else {}
    skip_to = -1
    for offset, raw_line in enumerate(lines):
        if offset <= skip_to:
            continue  # the rest of a grid-table row wrapped over several lines, joined below
        number = first_line + offset
        if offset in wrapped:
            skip_to, raw_line = wrapped[offset]
        line = with_ascii_bars(raw_line.rstrip("\r\n"))
        if not line.strip() or _PIPE_RULE.match(line) or is_rule_line(line):
            continue  # a blank line does not end a table: PDF text breaks tables with them
        if line.strip() in OMITTED_TABLE:
            builder.omitted_table(number)
            continue
        fields = split_fields(line)
        if fields is not None:
            builder.row(number, [f.strip() for f in fields], line)
            continue
        heading = _MARKDOWN_HEADING.match(line)
        builder.paragraph(number, line.strip(), len(heading.group(1)) if heading else None, line)
    return builder.finish()


def _around_dash_rule_tables(lines: list[str], tables: dict[int, tuple[int, Grid]], first_line: int) -> list[Block]:
    """Tables a rule of dashes marks read by their rule; the text between them as any other text."""
    blocks: list[Block] = []
    start = 0
    for first, (last, grid) in sorted(tables.items()):
        if first > start:
            blocks += _line_blocks("\n".join(lines[start:first]), first_line + start)
        blocks.append(grid)
        start = last + 1
    if start < len(lines):
        blocks += _line_blocks("\n".join(lines[start:]), first_line + start)
    return blocks


def _spaced_rows(blocks: list[Block]) -> list[Block]:
    """A line the grid builder left as prose but printed as a label and three or more figures
    (a one-row table between captions, as text extraction leaves table fragments) is a row."""
    out: list[Block] = []
    for block in blocks:
        fields = split_fields(block.text) if isinstance(block, Paragraph) and "\n" not in block.text else None
        if fields is None or not isinstance(block, Paragraph):
            out.append(block)
            continue
        loc = block.loc
        cells = located_cells([f.strip() for f in fields], block.text, loc)
        if out and isinstance(out[-1], Grid) and out[-1].loc.line_end == (loc.line or 0) - 1:
            out[-1].rows.append(cells)
            out[-1].loc = out[-1].loc.model_copy(update={"line_end": loc.line})
        else:
            out.append(Grid(rows=[cells], loc=Loc(line=loc.line, line_end=loc.line, page=loc.page)))
    return out


def _has_marked_rows(text: str) -> bool:
    """Tab- or pipe-separated rows: the columns are marked, so positions are not needed."""
    marked = 0
    for raw_line in text.splitlines():
        line = with_ascii_bars(raw_line)
        if ("\t" in line or _is_pipe_row(line)) and split_fields(line) is not None:
            marked += 1
            if marked >= 2:
                return True
    return False


@hookimpl
def compliance_readers() -> list[object]:
    return [TextReader()]
