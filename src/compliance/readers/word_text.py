"""The text Word shows: tracked changes accepted, and paragraphs inside content controls.

python-docx reads a paragraph's text from its direct runs and hyperlinks, and a body's blocks from
its direct children. Drafts are often saved with revision marks on, and template-based reports put
fields in content controls, so both would lose what the page shows: a figure typed as a tracked
insertion (``<w:ins>``) vanished, and a paragraph in a ``<w:sdt>`` was skipped. Here the text is
what Word prints with every change accepted: insertions and moved-to text kept; deletions and
moved-from text, field instructions and the contents of drawings and text boxes (printed
elsewhere on the page, and stored twice in ``mc:AlternateContent``) left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

# Subtrees whose text the page does not show in this paragraph.
_HIDDEN = frozenset(
    {W + "del", W + "moveFrom", W + "instrText", W + "drawing", W + "pict", W + "object", _MC + "AlternateContent"}
)
# Containers whose block-level children belong to the document as if they stood there.
_TRANSPARENT = frozenset({W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo"})
_BREAKS = frozenset({W + "br", W + "cr"})


def shown_text(paragraph: Any) -> str:
    """The text of a ``<w:p>`` element as printed, tracked changes accepted."""
    out: list[str] = []
    stack = [iter(paragraph)]
    while stack:  # iterative: a hostile document may nest elements deeply
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if not isinstance(tag, str) or tag in _HIDDEN:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in _BREAKS:
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        else:
            stack.append(iter(child))
    return "".join(out)


def block_elements(container: Any) -> Iterator[Any]:
    """The ``<w:p>`` and ``<w:tbl>`` elements of a body or a cell, content controls opened."""
    return _opened(container, frozenset({W + "p", W + "tbl"}))


# Layout tables nested deeper than this are read as tables: a hostile file cannot recurse further.
MAX_LAYOUT_DEPTH = 8


def flow_elements(container: Any, depth: int = 0) -> Iterator[Any]:
    """The body's paragraphs and tables in reading order, a layout table's content in its place.

    A table that nests tables, or whose every row has at most one cell, frames the page (a report
    typed inside a one-cell table for its border, a web page saved as Word): what it holds is the
    document's flow, not a table of figures. The same rule as for web pages.
    """
    for element in block_elements(container):
        if element.tag == W + "tbl" and depth < MAX_LAYOUT_DEPTH and is_layout_table(element):
            for row in element.iterchildren(W + "tr"):
                for cell in cell_elements(row):
                    yield from flow_elements(cell, depth + 1)
            continue
        yield element


def is_layout_table(table: Any) -> bool:
    """A table used to lay the page out: it nests tables, or has a single column of content."""
    rows = list(table.iterchildren(W + "tr"))
    if not rows:
        return False
    if any(True for _ in table.iter(W + "tbl") if _ is not table):
        return True
    return all(sum(1 for _ in cell_elements(row)) <= 1 for row in rows)


def cell_elements(row: Any) -> Iterator[Any]:
    """The ``<w:tc>`` elements of a ``<w:tr>``, cells inside content controls included."""
    return _opened(row, frozenset({W + "tc"}))


def _opened(container: Any, wanted: frozenset[str]) -> Iterator[Any]:
    stack = [iter(container)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if child.tag in wanted:
            yield child
        elif child.tag in _TRANSPARENT:
            stack.append(iter(child))
