"""Section titles that a reader took into a table grid, given back as headings.

A reader that measures columns (layout text) ends a table at prose reaching into its value
columns; a short section title right under a table, such as ``四、政府信息公开行政复议、行政诉讼情况``
after the last row of table 三, reaches no value column and is taken as one more label-only row,
and the next table's caption, header and figures with it. A grid row whose only text is one cell
that names a template section with its numeral (row labels of table 三 that look like titles
excluded, see ``sections``) is that section's title: the grid is cut there, and the title and the
one-cell lines right under it (the next table's caption) become paragraphs.
"""

from __future__ import annotations

from compliance.document import Block, Document, Grid, GridCell, Paragraph
from compliance.layout import SectionSpec
from compliance.mapping.numbers import is_number
from compliance.mapping.sections import match_heading


def titles_out_of_grids(document: Document, specs: list[SectionSpec]) -> Document:
    """The document with every grid cut at the section titles printed as its rows."""
    blocks: list[Block] = []
    changed = False
    for block in document.blocks:
        pieces = _cut(block, specs) if isinstance(block, Grid) else None
        if pieces is None:
            blocks.append(block)
            continue
        blocks.extend(pieces)
        changed = True
    if not changed:
        return document
    return Document(
        blocks=blocks, format=document.format, path=document.path, sha256=document.sha256, meta=document.meta
    )


def _title_cell(row: list[GridCell], specs: list[SectionSpec]) -> GridCell | None:
    filled = [cell for cell in row if cell.text.strip()]
    if len(filled) != 1 or is_number(filled[0].text.strip()):
        return None
    heading = match_heading(filled[0].text, specs)
    return filled[0] if heading is not None and heading.key is not None and heading.numeral else None


def _cut(grid: Grid, specs: list[SectionSpec]) -> list[Block] | None:
    titles = {n: cell for n, row in enumerate(grid.rows) if (cell := _title_cell(row, specs)) is not None}
    if not titles:
        return None
    out: list[Block] = []
    start = 0
    for number in [*sorted(titles), len(grid.rows)]:
        rows = grid.rows[start:number]
        if rows:
            first, last = rows[0][0].loc, rows[-1][0].loc
            loc = grid.loc.model_copy(update={"line": first.line or grid.loc.line, "line_end": last.line})
            out.append(Grid(rows=rows, loc=loc))
        if number not in titles:
            break
        out.append(Paragraph(text=titles[number].text.strip(), loc=titles[number].loc))
        start = number + 1
        # Lines of one text cell right under the title (the next table's caption) are prose too.
        while start < len(grid.rows) and start not in titles and (caption := _single_text(grid.rows[start])):
            out.append(Paragraph(text=caption.text.strip(), loc=caption.loc))
            start += 1
    return out


def _single_text(row: list[GridCell]) -> GridCell | None:
    filled = [cell for cell in row if cell.text.strip()]
    return filled[0] if len(filled) == 1 and not is_number(filled[0].text.strip()) else None
