"""Header rows a word processor prints again at the top of every page, said once in page-broken text.

Word's 重复标题行 (and LibreOffice's "repeat heading") print a table's opening rows — its caption and
column headers — again at the top of each page the table runs onto. Text extracted page by page
(``pdftotext -layout``, whose pages a form feed separates) then carries those lines in the middle of
the table, where they would read as rows without figures or as the header of a new table.

The rule knows formats, not reports: at the top of a page, the leading lines without figures that
repeat, line for line (spacing aside, since a page lays them out afresh), lines that opened an earlier
table — lines followed by a table line, and followed here by a table line too — are blanked. A table
line prints two runs or more (``_runs``). One lone line of a single run is never taken for a header:
a heading or a running page title may repeat by itself; a header block is two lines or more, or one
line of several captions.
"""

from __future__ import annotations

from collections.abc import Callable

from compliance.readers.geometry import is_number_shaped

# How many lines a repeated header block may take (a caption, column headers wrapped over lines).
HEAD_LINES = 12
# How many earlier places of a page's first line are compared (bounds a hostile text of many pages).
_TRIES = 50


def _squeezed(line: str) -> str:
    return "".join(line.split())


def _has_figure(line: str) -> bool:
    return any(is_number_shaped(piece) for piece in line.split())


def blank_repeated_heads(text: str, runs: Callable[[str], int]) -> str:
    """The text with each page's repeated table header lines blanked (line numbers and form feeds kept).

    ``runs`` counts the runs a line prints (the layout reader's own measure of a table line).
    """
    if "\f" not in text:
        return text
    raws = text.split("\n")
    keys = [_squeezed(raw.replace("\f", "")) for raw in raws]
    filled = [number for number, key in enumerate(keys) if key]
    pages, page = [], 0
    for raw in raws:
        page += raw.count("\f")
        pages.append(page)
    seen: dict[str, list[int]] = {}  # a line's text → the orders (among filled lines) it was printed at
    dropped: set[int] = set()
    for order, number in enumerate(filled):
        if order and pages[number] != pages[filled[order - 1]]:
            dropped |= _repeat_at(order, filled, raws, keys, seen, runs)
        seen.setdefault(keys[number], []).append(order)
    if not dropped:
        return text
    return "\n".join(raw[: raw.rfind("\f") + 1] if n in dropped else raw for n, raw in enumerate(raws))


def _repeat_at(
    order: int,
    filled: list[int],
    raws: list[str],
    keys: list[str],
    seen: dict[str, list[int]],
    runs: Callable[[str], int],
) -> set[int]:
    """The line numbers of the header block repeated at ``filled[order]`` (a page's first line), or none."""
    best = 0
    for earlier in seen.get(keys[filled[order]], [])[-_TRIES:]:
        length = 0
        while (
            length < HEAD_LINES
            and order + length < len(filled)
            and earlier + length < order
            and keys[filled[earlier + length]] == keys[filled[order + length]]
            and not _has_figure(raws[filled[order + length]])
        ):
            length += 1
        if length <= best or earlier + length >= len(filled):
            continue
        opened_table = runs(raws[filled[earlier + length]].replace("\f", "")) >= 2
        if opened_table:
            best = length
    if not best or order + best >= len(filled):
        return set()
    if runs(raws[filled[order + best]].replace("\f", "")) < 2:
        return set()  # the table does not go on here: not a header repeated over it
    if best == 1 and runs(raws[filled[order]].replace("\f", "")) < 2:
        return set()
    return {filled[order + n] for n in range(best)}
