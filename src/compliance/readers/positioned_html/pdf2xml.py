"""poppler's ``pdftohtml -xml``: a PDF's text runs with their real boxes, read as a positioned page.

The file lists ``<page>`` elements, each with ``<fontspec id size>`` declarations (ids count on
over the whole file) and ``<text top left width height font>`` runs whose content may carry
``<b>``/``<i>``/``<a>`` markup. Each run becomes a ``Run`` with its stated width, so that the
widths of its characters are the estimates scaled to the run's real extent; the words and the
grids then come as for a positioned web page. Parsed as XML without DTDs, entities or network.
"""

from __future__ import annotations

from lxml import etree

from compliance.document import Block, LoadError
from compliance.readers.positioned_html.runs import DEFAULT_SIZE, Piece, Run

MARKER = b"<pdf2xml"


def _number(value: str | None) -> float | None:
    try:
        found = float(value) if value is not None else None
    except ValueError:
        return None
    return found if found is not None and abs(found) < 1e7 else None


def pdf2xml_runs(data: bytes) -> list[Run]:
    """The text runs of every page, in document order; LoadError when the XML cannot be parsed."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise LoadError(f"pdftohtml 的 XML 无法解析：{exc}", f"the pdftohtml XML cannot be parsed: {exc}") from exc
    sizes: dict[str, float] = {}
    runs: list[Run] = []
    for number, page in enumerate(root.iter("page"), start=1):
        for element in page:
            if element.tag == "fontspec":
                size = _number(element.get("size"))
                if size is not None and size > 0:
                    sizes[element.get("id") or ""] = size
                continue
            if element.tag != "text":
                continue
            top, left = _number(element.get("top")), _number(element.get("left"))
            text = "".join(element.itertext())
            if top is None or left is None or not text.strip():
                continue
            height = _number(element.get("height"))
            size = sizes.get(element.get("font") or "", height if height and height > 0 else DEFAULT_SIZE)
            width = _number(element.get("width"))
            run = Run(number, left, top, size, 1.2 * size, width if width and width > 0 else None, element.sourceline)
            run.lines = [[Piece(text, size)]]
            runs.append(run)
    return runs


def pdf2xml_blocks(data: bytes) -> list[Block]:
    from compliance.readers.positioned_html.reader import blocks_of_runs

    return blocks_of_runs(pdf2xml_runs(data))
