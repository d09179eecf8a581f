"""Build OFD files (GB/T 33190) from our own report text, for the OFD reader's tests.

Every text line becomes TextObjects on A4 pages (millimetres); a tab-separated line is a table
row whose cells sit in fixed columns, framed by PathObject rules like a ruled Word table.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
SIZE = 3.5  # font size, mm
LEADING = 7.0
TOP, BOTTOM = 25.0, 272.0
LEFT = 20.0
LABEL_WIDTH = 72.0
VALUE_WIDTH = 15.0
WRAP = 46  # characters per prose line


def _text(x: float, y: float, text: str, ident: int, spacing: float = SIZE) -> str:
    deltas = f"g {len(text) - 1} {spacing}" if len(text) > 1 else ""
    return (
        f'<ofd:TextObject ID="{ident}" Boundary="{x:.2f} {y:.2f} {len(text) * spacing + 2:.2f} {SIZE * 1.4:.2f}" '
        f'Font="1" Size="{SIZE}"><ofd:TextCode X="0" Y="{SIZE:.2f}" DeltaX="{deltas}">{escape(text)}'
        "</ofd:TextCode></ofd:TextObject>"
    )


def _line(x0: float, y0: float, x1: float, y1: float, ident: int) -> str:
    return (
        f'<ofd:PathObject ID="{ident}" Boundary="{x0:.2f} {y0:.2f} {max(x1 - x0, 0.1):.2f} {max(y1 - y0, 0.1):.2f}" '
        f'LineWidth="0.25"><ofd:AbbreviatedData>M 0 0 L {x1 - x0:.2f} {y1 - y0:.2f}</ofd:AbbreviatedData>'
        "</ofd:PathObject>"
    )


def _pages(text: str) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    y = TOP
    ident = 1
    lines = [raw.rstrip() for raw in text.splitlines()]
    in_table = False
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        row = "\t" in line
        # A caption between two table rows (第二十条第（一）项) is a full-width row of the table.
        between = not row and 0 < number < len(lines) - 1 and "\t" in lines[number - 1] and "\t" in lines[number + 1]
        if (row or between) != in_table:
            y += 6  # space between prose and a table, as a word processor leaves
            in_table = row or between
        if row or between:
            cells = line.split("\t") if row else [line]
            if y + LEADING > BOTTOM:
                pages.append([])
                y = TOP
            objects = pages[-1]
            x = LEFT
            edges = [x]
            for index, cell in enumerate(cells):
                width = LABEL_WIDTH if index == 0 else VALUE_WIDTH
                if between:
                    width = LABEL_WIDTH + 3 * VALUE_WIDTH
                if cell.strip():
                    # Labels are set tight enough to fit their cell; figures are centred.
                    spacing = min(SIZE, (width - 2) / len(cell.strip())) if index == 0 else SIZE * 0.55
                    start = x + 1 if index == 0 else x + (width - len(cell.strip()) * spacing) / 2
                    objects.append(_text(start, y + 1, cell.strip(), ident, spacing))
                    ident += 1
                x += width
                edges.append(x)
            for edge in edges:
                objects.append(_line(edge, y, edge, y + LEADING, ident))
                ident += 1
            for rule_y in (y, y + LEADING):
                objects.append(_line(edges[0], rule_y, edges[-1], rule_y, ident))
                ident += 1
            y += LEADING
            continue
        for start in range(0, len(line), WRAP):
            if y + LEADING > BOTTOM:
                pages.append([])
                y = TOP
            pages[-1].append(_text(LEFT, y, line[start : start + WRAP], ident))
            ident += 1
            y += LEADING
    return pages


def to_ofd(text: str) -> bytes:
    pages = _pages(text)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
            "<ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        listed = "".join(f'<ofd:Page ID="{1000 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        archive.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
            "<ofd:MaxUnitID>99999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
            f"</ofd:PageArea></ofd:CommonData><ofd:Pages>{listed}</ofd:Pages></ofd:Document>",
        )
        for i, objects in enumerate(pages):
            archive.writestr(
                f"Doc_0/Pages/Page_{i}/Content.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
                f'<ofd:Layer ID="{5000 + i}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>',
            )
    return out.getvalue()
