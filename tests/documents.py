"""Render our own sample reports (tab-separated text) as HTML, Markdown, DOCX and simple PDFs for tests.

Tables in the samples are runs of tab-separated lines. Header rows (rows before the first row
with figures) get real merged cells, the way Word and web pages print them: a label followed by
empty cells spans them, and an empty cell under a header label is covered by it.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

_NUMBER = re.compile(r"^[+\-]?\d[\d.,]*(?:万元|元)?$")


@dataclass
class Piece:
    kind: str  # "p" or "table"
    text: str = ""
    rows: list[list[str]] | None = None


def pieces(text: str) -> list[Piece]:
    """The sample as paragraphs and tables (rows padded to the table's width)."""
    out: list[Piece] = []
    rows: list[list[str]] = []

    def flush() -> None:
        nonlocal rows
        if rows:
            width = max(len(r) for r in rows)
            out.append(Piece("table", rows=[r + [""] * (width - len(r)) for r in rows]))
            rows = []

    for line in text.splitlines():
        if "\t" in line:
            rows.append([cell.strip() for cell in line.split("\t")])
            continue
        flush()
        if line.strip():
            out.append(Piece("p", text=line.strip()))
    flush()
    return out


def header_rows(rows: list[list[str]]) -> int:
    """How many rows come before the first row that carries a figure."""
    for index, row in enumerate(rows):
        if any(_NUMBER.match(cell) for cell in row):
            return index
    return len(rows)


@dataclass
class Span:
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


def header_spans(rows: list[list[str]]) -> dict[tuple[int, int], Span]:
    """Merged cells for the header rows: rightwards over empty cells, then downwards."""
    limit = header_rows(rows)
    width = len(rows[0]) if rows else 0
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], Span] = {}
    for r in range(limit):
        for c in range(width):
            if (r, c) in covered or not rows[r][c]:
                continue
            span = Span(r, c)
            while c + span.colspan < width and not rows[r][c + span.colspan] and (r, c + span.colspan) not in covered:
                span.colspan += 1
            if span.colspan == 1:
                while (
                    r + span.rowspan < limit and not rows[r + span.rowspan][c] and (r + span.rowspan, c) not in covered
                ):
                    span.rowspan += 1
            for rr in range(r, r + span.rowspan):
                for cc in range(c, c + span.colspan):
                    covered.add((rr, cc))
            spans[(r, c)] = span
    return spans


def covered_cells(spans: dict[tuple[int, int], Span]) -> set[tuple[int, int]]:
    """The cells a span covers beyond its own corner (printed once, at the corner)."""
    return {
        (r, c)
        for s in spans.values()
        for r in range(s.row, s.row + s.rowspan)
        for c in range(s.col, s.col + s.colspan)
        if (r, c) != (s.row, s.col)
    }


def to_html(text: str, *, word_runs: bool = True) -> str:
    """An HTML page (with chrome) in the style of a Word export: runs split digits, &nbsp; blanks."""
    body: list[str] = []
    for piece in pieces(text):
        if piece.kind == "p":
            body.append(f"<p class=MsoNormal><span style='mso-spacerun:yes'>{_runs(piece.text, word_runs)}</span></p>")
            continue
        assert piece.rows is not None
        spans = header_spans(piece.rows)
        covered = covered_cells(spans)
        lines = ["<table class=MsoNormalTable border=1>"]
        for r, row in enumerate(piece.rows):
            cells = []
            for c, cell in enumerate(row):
                if (r, c) in covered:
                    continue
                span = spans.get((r, c))
                attrs = ""
                if span and span.rowspan > 1:
                    attrs += f' rowspan="{span.rowspan}"'
                if span and span.colspan > 1:
                    attrs += f' colspan="{span.colspan}"'
                content = _runs(cell, word_runs) if cell else "&nbsp;"
                cells.append(f"<td{attrs}><p class=MsoNormal><span>{content}</span></p></td>")
            lines.append("<tr>" + "".join(cells) + "</tr>")
        lines.append("</table>")
        body.append("\n".join(lines))
    chrome = "<div class='nav'><a href='/'>首页</a><a href='/x'>2019年度报告</a></div>"
    footer = "<div class='footer'>版权所有 主办单位</div><script>var x = '<p>二、假标题</p>';</script>"
    return (
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; charset=utf-8'>"
        f"<title>page</title><style>p {{margin:0}}</style></head><body>{chrome}"
        f"<div class='article_content'><div class=TRS_Editor>\n"
        + "\n".join(body)
        + f"\n</div></div>{footer}</body></html>"
    )


def _runs(text: str, split: bool) -> str:
    """Escape text; split every run of digits in two <span>s, as Word does with 20 + 23."""
    escaped = html.escape(text)
    if not split:
        return escaped
    return re.sub(r"(\d)(\d+)", r"\1</span><span lang=EN-US>\2", escaped)


def to_markdown(text: str) -> str:
    out: list[str] = []
    for piece in pieces(text):
        if piece.kind == "p":
            out.append(piece.text)
            continue
        assert piece.rows is not None
        out.append("")
        out.append("| " + " | ".join(piece.rows[0]) + " |")
        out.append("|" + "---|" * len(piece.rows[0]))
        out.extend("| " + " | ".join(row) + " |" for row in piece.rows[1:])
        out.append("")
    return "\n".join(out) + "\n"


def to_docx(text: str, *, ruled: bool = False, framed: bool = False) -> bytes:
    """A DOCX with real tables and merged header cells; section headings in heading styles.

    The tables have no borders (python-docx's default table style) unless ``ruled``. ``framed`` types
    the whole report inside one table cell (a page border), its tables nested there."""
    import docx

    document = docx.Document()
    container = document.add_table(rows=1, cols=1).cell(0, 0) if framed else document
    for piece in pieces(text):
        if piece.kind == "p":
            heading = re.match(r"^[一二三四五六]、", piece.text) is not None
            container.add_paragraph(piece.text, style="Heading 2" if heading else None)
            continue
        assert piece.rows is not None
        rows = piece.rows
        table = container.add_table(len(rows), len(rows[0]))
        if ruled:
            table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
        for span in header_spans(rows).values():
            if span.rowspan > 1 or span.colspan > 1:
                corner = table.cell(span.row + span.rowspan - 1, span.col + span.colspan - 1)
                table.cell(span.row, span.col).merge(corner)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minimal_pdf(pages: list[str], *, extra_trailer: str = "") -> bytes:
    """A PDF with one content stream per page (Helvetica); our own tiny writer for reader tests."""
    objects: list[str] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append("<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>")
    font_id = 3 + 2 * len(pages)
    for index, content in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * index} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {extra_trailer}>>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def pdf_text(x: float, y: float, text: str, size: int = 10) -> str:
    return f"BT /F1 {size} Tf {x} {y} Td ({text}) Tj ET\n"


def pdf_ruled_table(x: float, top: float, widths: list[float], rows: list[list[str]], height: float = 20) -> str:
    """Draw a ruled table (every cell boxed) with its text; y grows upwards from the page bottom."""
    ops = []
    total = sum(widths)
    for r in range(len(rows) + 1):
        y = top - r * height
        ops.append(f"{x} {y} m {x + total} {y} l S\n")
    xs = [x]
    for w in widths:
        xs.append(xs[-1] + w)
    for xx in xs:
        ops.append(f"{xx} {top} m {xx} {top - len(rows) * height} l S\n")
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell:
                ops.append(pdf_text(xs[c] + 3, top - (r + 1) * height + 6, cell))
    return "".join(ops)


def with_rotate(data: bytes, turns: dict[int, int], *, content_turned: bool = False) -> bytes:
    """The PDF with ``/Rotate`` set on the given 0-based pages (90, 180 or 270).

    Without ``content_turned`` the page then shows turned, as when a page is turned in a viewer
    and saved. With it, the content is first drawn turned the other way on a sheet of the turned
    size, so the page shows exactly as before: a landscape page printed onto a portrait sheet.
    """
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(data)
    try:
        for index, turn in turns.items():
            page = document[index]
            if content_turned:
                width, height = page.get_size()
                # Points of the page turned a quarter (or three) counter-clockwise onto a height × width sheet.
                turned = {
                    90: (0, 1, -1, 0, height, 0),
                    180: (-1, 0, 0, -1, width, height),
                    270: (0, -1, 1, 0, 0, width),
                }
                matrix = pdfium_c.FS_MATRIX(*turned[turn])
                assert pdfium_c.FPDFPage_TransFormWithClip(page.raw, ctypes.byref(matrix), None)
                sheet = (width, height) if turn == 180 else (height, width)
                pdfium_c.FPDFPage_SetMediaBox(page.raw, 0, 0, *sheet)
                pdfium_c.FPDFPage_SetCropBox(page.raw, 0, 0, *sheet)
            page.set_rotation(turn)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()


def office_convert(source: Path, to: str, folder: Path) -> Path:
    """``source`` saved by LibreOffice as ``to`` (pdf, doc, …) into ``folder``; the test is skipped without it."""
    import subprocess

    import pytest

    from compliance.readers import office

    soffice = office.find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}"
    convert = [soffice, profile, "--headless", "--convert-to", to, "--outdir", str(folder), str(source)]
    subprocess.run(convert, check=True, capture_output=True, timeout=300)
    return folder / f"{source.stem}.{to}"
