"""PDF streams that decode to gigabytes through filters other than a single Flate, built at run time.

Each bomb is one page whose content stream (or image) carries the filter chain under attack; the
encoders here (LZW, RunLength, ASCII85) are our own small writers of those formats.
"""

from __future__ import annotations

import base64
import zlib

_CLEAR, _END = 256, 257


def lzw_pack(codes: list[int]) -> bytes:
    """Codes written MSB first, each as wide as a PDF LZW decoder (EarlyChange 1) reads it."""
    out = bytearray()
    bits = count = 0
    width, size, first = 9, 258, True
    for code in codes:
        bits = (bits << width) | code
        count += width
        while count >= 8:
            count -= 8
            out.append((bits >> count) & 0xFF)
        bits &= (1 << count) - 1
        if code == _CLEAR:
            width, size, first = 9, 258, True
        elif first:
            first = False
        else:
            size += 1
            width = {511: 10, 1023: 11, 2047: 12}.get(size, width)
    if count:
        out.append((bits << (8 - count)) & 0xFF)
    return bytes(out)


def lzw_encode(data: bytes) -> bytes:
    """PDF LZW of ``data``, the table cleared before it fills (a plain encoder, for tests)."""
    codes = [_CLEAR]
    table: dict[tuple[int, int], int] = {}
    word = -1
    for value in data:
        if word < 0:
            word = value
        elif (word, value) in table:
            word = table[word, value]
        else:
            codes.append(word)
            table[word, value] = 258 + len(table)
            word = value
            if len(table) >= 3800:
                codes.append(_CLEAR)
                table = {}
    if word >= 0:
        codes.append(word)
    return lzw_pack([*codes, _END])


def lzw_run_bomb(blocks: int) -> bytes:
    """LZW of a run of spaces: after each clear the codes stand for 1, 2, 3 … 3,743 spaces (7 MB)."""
    return lzw_pack([*([_CLEAR, 32, *range(258, 4000)] * blocks), _END])


def run_length_encode(data: bytes) -> bytes:
    """RunLength data: runs of one byte repeated, other bytes in literal runs of up to 128."""
    out = bytearray()
    at = 0
    while at < len(data):
        run = 1
        while at + run < len(data) and run < 128 and data[at + run] == data[at]:
            run += 1
        if run > 1:
            out += bytes([257 - run, data[at]])
        else:
            literal = data[at : at + 128]
            out += bytes([len(literal) - 1]) + literal
            run = len(literal)
        at += run
    return bytes(out) + b"\x80"


def run_length_encode_zeros(size: int) -> bytes:
    """RunLength data for ``size`` spaces: each two bytes stand for 128 of them."""
    return b"\x81 " * (size // 128) + b"\x80"


def page_with_stream(dictionary: bytes, raw: bytes, *, image: bytes = b"") -> bytes:
    """One page: its content stream has ``dictionary`` entries; ``image`` adds an image XObject."""
    resources = b"/Font << /F1 5 0 R >>" + (b" /XObject << /Im1 6 0 R >>" if image else b"")
    body = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << " + resources + b" >> >>\nendobj\n"
    )
    body += b"4 0 obj\n<< /Length %d %s >>\nstream\n" % (len(raw), dictionary) + raw + b"\nendstream\nendobj\n"
    body += b"5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n"
    body += image
    body += b"7 0 obj\n[/FlateDecode /FlateDecode]\nendobj\n"  # a filter array others may refer to
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _zlib_spaces(mib: int) -> bytes:
    """zlib data of ``mib`` MiB of spaces, made by repeating one fully flushed block."""
    packer = zlib.compressobj(9)
    block = packer.compress(b" " * (1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(mib):
        checksum = zlib.adler32(b" " * (1 << 20), checksum)
    return block[:2] + block[2:] * mib + packer.flush(zlib.Z_FINISH)[:-4] + checksum.to_bytes(4, "big")


def filtered_pages(content: bytes) -> list[bytes]:
    """One page drawn by ``content``, its stream under each filter and chain, and with an image."""
    pixels = zlib.compress(bytes(range(256)) * 3)
    image = (
        b"6 0 obj\n<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(pixels)
        + pixels
        + b"\nendstream\nendobj\n"
    )
    return [
        page_with_stream(b"/Filter /FlateDecode", zlib.compress(content)),
        page_with_stream(b"/Filter /LZWDecode", lzw_encode(content)),
        page_with_stream(b"/Filter [/ASCII85Decode /FlateDecode]", base64.a85encode(zlib.compress(content)) + b"~>"),
        page_with_stream(b"/Filter /ASCIIHexDecode", content.hex().encode() + b">"),
        page_with_stream(b"/Filter [/FlateDecode /RunLengthDecode]", zlib.compress(run_length_encode(content))),
        page_with_stream(b"", b"q 16 0 0 16 300 300 cm /Im1 Do Q\n" + content, image=image),
    ]


def pdf_lzw_bomb() -> tuple[str, bytes]:
    """An LZW content stream of about 1 MB that decodes to about 1.3 GB of spaces."""
    return "lzw.pdf", page_with_stream(b"/Filter /LZWDecode", lzw_run_bomb(190))


def pdf_run_length_bomb() -> tuple[str, bytes]:
    """Flate over RunLength: a few hundred KB decode to 64 times more, which decodes to 1 GB."""
    inner = run_length_encode_zeros(1 << 30)
    return "runlength.pdf", page_with_stream(b"/Filter [/FlateDecode /RunLengthDecode]", zlib.compress(inner, 9))


def pdf_double_flate_bomb() -> tuple[str, bytes]:
    """Flate inside Flate, the filter array given by reference: a few KB that decode to 512 MB."""
    inner = _zlib_spaces(512)
    return "doubleflate.pdf", page_with_stream(b"/Filter 7 0 R", zlib.compress(inner, 9))


def pdf_ascii85_bomb() -> tuple[str, bytes]:
    """An ASCII85-armoured Flate bomb (512 MB): its raw bytes are not zlib, the decoded ones are."""
    inner = _zlib_spaces(512)
    armoured = base64.a85encode(inner, wrapcol=72) + b"~>"
    return "ascii85.pdf", page_with_stream(b"/Filter [/ASCII85Decode /FlateDecode]", armoured)


def pdf_image_pixels_bomb() -> tuple[str, bytes]:
    """A JPEG image whose own header claims 60,000 × 60,000 pixels (the dictionary says 100 × 100)."""
    jpeg = b"\xff\xd8\xff\xc0\x00\x11\x08" + (60_000).to_bytes(2, "big") * 2 + b"\x03" + b"\x01\x22\x00" * 3
    jpeg += b"\xff\xd9"
    image = (
        b"6 0 obj\n<< /Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % len(jpeg) + jpeg + b"\nendstream\nendobj\n"
    )
    content = b"q 100 0 0 100 72 600 cm /Im1 Do Q BT /F1 12 Tf 72 780 Td (Annual report) Tj ET"
    return "image.pdf", page_with_stream(b"", content, image=image)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    box = list(range(256))
    j = 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out = bytearray(len(data))
    i = j = 0
    for index, value in enumerate(data):
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out[index] = value ^ box[(box[i] + box[j]) % 256]
    return bytes(out)


def pdf_encrypted_bomb() -> tuple[str, bytes]:
    """A Flate bomb in a PDF encrypted with the empty password (RC4, revision 2), which opens as is.

    Stored, the stream is RC4 noise; pdfminer decrypts it, then inflates it to 256 MB.
    """
    import hashlib

    owner = _rc4(hashlib.md5(_PAD).digest()[:5], _PAD)
    permissions, ident = (-4).to_bytes(4, "little", signed=True), b"0123456789abcdef"
    key = hashlib.md5(_PAD + owner + permissions + ident).digest()[:5]
    object_key = hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
    body = page_with_stream(b"/Filter /FlateDecode", _rc4(object_key, _zlib_spaces(256)))
    encrypt = b"8 0 obj\n<< /Filter /Standard /V 1 /R 2 /P -4 /O <%s> /U <%s> >>\nendobj\n" % (
        owner.hex().encode(),
        _rc4(key, _PAD).hex().encode(),
    )
    trailer = b"trailer\n<< /Root 1 0 R /Encrypt 8 0 R /ID [<%s> <%s>] >>\n%%%%EOF\n" % ((ident.hex().encode(),) * 2)
    return "encrypted.pdf", body.split(b"trailer")[0] + encrypt + trailer


def many_images_pdf(count: int, width: int, height: int, *, page: bytes = b"/MediaBox [0 0 595 842]") -> bytes:
    """One page drawing ``count`` grey Flate images of ``width`` × ``height`` white pixels (one
    stream each, each well under ``max-image-pixels``), or, with ``count`` 0, a blank page."""
    pixels = zlib.compress(b"\xff" * (width * height), 9) if count else b""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    names = b" ".join(b"/Im%d %d 0 R" % (i, 5 + i) for i in range(count))
    content = b"".join(b"q 595 0 0 842 0 0 cm /Im%d Do Q\n" % i for i in range(count))
    resources = b"/Resources << /XObject << %s >> >>" % names
    objects.append(b"<< /Type /Page /Parent 2 0 R %s /Contents 4 0 R %s >>" % (page, resources))
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    for _ in range(count):
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
            b"/Filter /FlateDecode /Length %d >>\nstream\n" % (width, height, len(pixels)) + pixels + b"\nendstream"
        )
    out = b"%PDF-1.4\n" + b"".join(b"%d 0 obj\n" % n + body + b"\nendobj\n" for n, body in enumerate(objects, start=1))
    return out + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf_many_images_bomb() -> tuple[str, bytes]:
    """Forty images of 7,000 × 4,000 white pixels (28 MB each, 1.1 GB in all) in a file of 1.1 MB."""
    return "images.pdf", many_images_pdf(40, 7000, 4000)


def pdf_huge_blank_page() -> tuple[str, bytes]:
    """One blank page of 200 × 200 inches, the largest a PDF may declare: it has no text, so it is
    rendered for OCR (and was, at 60 million pixels, read with 830 MB)."""
    return "huge-page.pdf", many_images_pdf(0, 1, 1, page=b"/MediaBox [0 0 14400 14400]")


PDF_BOMBS = {
    "pdf_lzw_bomb": (pdf_lzw_bomb, "max-stream"),
    "pdf_run_length_bomb": (pdf_run_length_bomb, "max-stream"),
    "pdf_double_flate_bomb": (pdf_double_flate_bomb, "max-stream"),
    "pdf_ascii85_bomb": (pdf_ascii85_bomb, "max-stream"),
    "pdf_image_pixels_bomb": (pdf_image_pixels_bomb, "max-image-pixels"),
    "pdf_encrypted_bomb": (pdf_encrypted_bomb, "max-stream"),
    "pdf_many_images_bomb": (pdf_many_images_bomb, "max-images-total"),
    "pdf_huge_blank_page": (pdf_huge_blank_page, "no text layer"),
}
