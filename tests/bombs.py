"""Hostile inputs, built at run time: each is small on disk and attacks one limit of the readers.

Used by tests/test_hostile_input.py and bench/bench_fuzz.py. Every builder returns ``(name, bytes)``:
the name carries the suffix that makes the engine pick the reader under attack.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from documents import minimal_pdf, pdf_text, to_docx
from pdf_bombs import PDF_BOMBS

SAMPLE = Path(__file__).resolve().parents[1] / "reports" / "v2021-clean-2023.txt"


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def _deflate_zeros(size: int, byte: bytes = b" ") -> bytes:
    """Raw deflate of ``size`` copies of one byte (a multiple of 1 MiB), built without compressing it all.

    After a full flush deflate keeps no history, so every 1 MiB block compresses to the same bytes:
    one block is made and repeated, then the stream is closed.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(byte * (1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * (size >> 20) + packer.flush(zlib.Z_FINISH)


def _zlib_zeros(size: int, byte: bytes = b" ") -> bytes:
    """The same as zlib data (header and checksum), as PDF FlateDecode streams carry it."""
    checksum = 1
    chunk = byte * (1 << 20)
    for _ in range(size >> 20):
        checksum = zlib.adler32(chunk, checksum)
    return b"\x78\xda" + _deflate_zeros(size, byte) + struct.pack(">I", checksum)


def _zip_with_lying_member(base: bytes, member: str, raw_deflate: bytes, claimed_size: int) -> bytes:
    """Rebuild the zip ``base`` with ``member`` replaced by ``raw_deflate`` whose headers claim ``claimed_size``."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    central = []
    for info in source.infolist():
        if info.filename == member:
            payload, method, size, crc = raw_deflate, zipfile.ZIP_DEFLATED, claimed_size, 0
        else:
            content = source.read(info.filename)
            payload, method, size, crc = content, zipfile.ZIP_STORED, len(content), zlib.crc32(content)
        name = info.filename.encode()
        offset = out.tell()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(payload), size, len(name), 0)
        out.write(header + name + payload)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0,
                crc,
                len(payload),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0))
    return out.getvalue()


def docx_zip_bomb(inflated: int = 300 << 20) -> tuple[str, bytes]:
    """word/document.xml inflates to ``inflated`` bytes while its zip headers claim 4 KB."""
    base = to_docx("一、总体情况\n\n正文。\n")
    return "bomb.docx", _zip_with_lying_member(base, "word/document.xml", _deflate_zeros(inflated), 4096)


def ofd_zip_bomb(inflated: int = 300 << 20) -> tuple[str, bytes]:
    """An OFD page whose content inflates to ``inflated`` bytes while its zip headers claim 4 KB."""
    from ofd_build import to_ofd

    base = to_ofd("一、总体情况\n正文。\n")
    return "bomb.ofd", _zip_with_lying_member(base, "Doc_0/Pages/Page_0/Content.xml", _deflate_zeros(inflated), 4096)


def docx_grid_span(cells: int = 10, span: int = 10_000_000) -> tuple[str, bytes]:
    """A table whose cells claim absurd gridSpan values."""
    base = to_docx("一、总体情况\n\n正文。\n")
    source = zipfile.ZipFile(io.BytesIO(base))
    xml = source.read("word/document.xml").decode()
    cell = f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>'
    table = (
        '<w:tbl><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>'
        + "".join(f"<w:tr>{cell}{cell}</w:tr>" for _ in range(max(1, cells // 2)))
        + "</w:tbl>"
    )
    xml = xml.replace("<w:sectPr", table + "<w:sectPr", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = xml.encode() if info.filename == "word/document.xml" else source.read(info.filename)
            target.writestr(info.filename, data)
    return "spans.docx", out.getvalue()


def _pdf_with_stream(raw_deflate_zlib: bytes) -> bytes:
    """One page whose content stream is the given zlib data (FlateDecode)."""
    body = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n"
    )
    body += b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(raw_deflate_zlib)
    body += raw_deflate_zlib + b"\nendstream\nendobj\n"
    body += b"5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _zlib_of(parts: int, chunk: bytes) -> bytes:
    packer = zlib.compressobj(9)
    return b"".join(packer.compress(chunk) for _ in range(parts)) + packer.flush()


def pdf_flate_bomb(inflated: int = 1 << 30) -> tuple[str, bytes]:
    """A content stream of a few hundred KB that inflates to ``inflated`` bytes of spaces."""
    return "flate.pdf", _pdf_with_stream(_zlib_zeros(inflated))


def pdf_many_operators(count: int = 400_000) -> tuple[str, bytes]:
    """One page drawing ``count`` separate text objects."""
    op = b"BT /F1 8 Tf 100 400 Td (a) Tj ET\n"
    return "operators.pdf", _pdf_with_stream(_zlib_of(count // 1000, op * 1000))


def pdf_many_pages(count: int = 200_000) -> tuple[str, bytes]:
    """``count`` distinct (empty) pages: the page tree is big, each page is tiny."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = [out.tell()]
    out.write(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    offsets.append(out.tell())
    out.write(b"2 0 obj\n<< /Type /Pages /Kids [" + kids + b"] /Count %d >>\nendobj\n" % count)
    for i in range(count):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n" % (3 + i))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return "pages.pdf", out.getvalue()


def pdf_textless_pages(count: int = 250) -> tuple[str, bytes]:
    """``count`` blank pages, under ``max-pages``: every one is left for OCR (seconds a page)."""
    return "textless.pdf", pdf_many_pages(count)[1]


def yaml_laughs() -> tuple[str, bytes]:
    """Nested YAML aliases ("billion laughs"): nine levels of nine references."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join(f"*{previous}" for _ in range(9)) + "]")
    lines.append("source: x")
    return "laughs.yaml", ("\n".join(lines) + "\n").encode()


def json_deep(depth: int = 100_000) -> tuple[str, bytes]:
    return "deep.json", b'{"source": ' + b"[" * depth + b"]" * depth + b"}"


def yaml_deep(depth: int = 100_000) -> tuple[str, bytes]:
    return "deep.yaml", b"source: " + b"[" * depth + b"]" * depth + b"\n"


def whitespace_lines(lines: int = 20_000) -> tuple[str, bytes]:
    """Whitespace-only lines in a file that is not .md: the Markdown sniffing must stay linear."""
    return "blank.txt", b"x\n" + b" \t \n" * lines + b"x\n"


def repeated_title(times: int = 20_000) -> tuple[str, bytes]:
    """A real-looking report whose last section title is repeated many times on one line."""
    text = sample_text()
    title = "六、其他需要报告的事项"
    return "repeated.txt", (text + "\n" + title * times + "\n").encode()


def html_rows(rows: int = 30_000) -> tuple[str, bytes]:
    """A web page with one table of tens of thousands of labelled rows."""
    body = "".join(f"<tr><td>标签{i}</td><td>{i}</td><td>1</td></tr>" for i in range(rows))
    return "rows.html", f"<html><body><p>{sample_text()[:200]}</p><table>{body}</table></body></html>".encode()


def text_rows(rows: int = 30_000) -> tuple[str, bytes]:
    """A report followed by tens of thousands of tab-separated rows whose labels match nothing."""
    return "rows.txt", (sample_text() + "".join(f"标签{i}\t{i}\t{i + 1}\n" for i in range(rows))).encode()


def utf16_variants() -> list[tuple[str, bytes]]:
    """The sample in every UTF-16/32 form, with and without BOM."""
    text = sample_text()
    out = []
    for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        for suffix in (".txt", ".md"):
            out.append((f"sample-{encoding}{suffix}", text.encode(encoding)))
    return out


BOMBS: dict[str, Callable[[], tuple[str, bytes]]] = {
    "docx_zip_bomb": docx_zip_bomb,
    "docx_grid_span": docx_grid_span,
    "ofd_zip_bomb": ofd_zip_bomb,
    "pdf_flate_bomb": pdf_flate_bomb,
    "pdf_many_operators": pdf_many_operators,
    "pdf_many_pages": pdf_many_pages,
    "pdf_textless_pages": pdf_textless_pages,
    "yaml_laughs": yaml_laughs,
    "json_deep": json_deep,
    "yaml_deep": yaml_deep,
    "whitespace_lines": whitespace_lines,
    "repeated_title": repeated_title,
    "html_rows": html_rows,
    "text_rows": text_rows,
    **{name: builder for name, (builder, _) in PDF_BOMBS.items()},
}


def plain_pdf() -> bytes:
    return minimal_pdf([pdf_text(72, 780, "Annual report")])
