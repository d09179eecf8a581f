"""The size a PDF image claims, read before anything decodes it: its dictionary and its codec's headers.

pdfium allocates what an image claims when a page without text is rendered for OCR, and the
claim can sit in three places: the image dictionary (``/Width``, ``/Height``), a JPEG frame header
or JPEG 2000 size marker, or a JBIG2 stream's segments (the page information, and every region,
which the decoder allocates at its own size wherever it stands). The largest claim counts.
"""

from __future__ import annotations

import re

# A JPEG's frame header or a JPEG 2000 size marker is looked for this far into the image data.
HEADER_SPAN = 64 * 1024
_INT = {key: re.compile(rb"/" + key + rb"\s+(\d{1,9})(?!\d)") for key in (b"Width", b"Height")}
_SOF = re.compile(rb"\xff[\xc0-\xc3\xc5-\xc7\xc9-\xcb\xcd-\xcf]..(.)(..)(..)", re.S)
_SIZ = re.compile(rb"\xff\x51..(..)(....)(....)(....)(....)", re.S)
# Codecs that decode to one bit a pixel: their decoded size is an eighth of their pixels.
BILEVEL = frozenset({"JBIG2Decode", "CCITTFaxDecode", "CCF"})
CODECS = frozenset({"DCTDecode", "DCT", "JPXDecode", *BILEVEL})
# JBIG2 segments looked at, at most (a page has a handful; each costs a few steps).
_MAX_SEGMENTS = 10_000
_PAGE_INFORMATION = 48
# Region segments (text, halftone, generic, refinement; intermediate or immediate) start with
# the region's width, height, x and y.
_REGIONS = frozenset({4, 6, 7, 20, 22, 23, 36, 38, 39, 40, 42, 43})
_UNKNOWN = 0xFFFFFFFF


def declared_pixels(header: bytes, raw: bytes, chain: list[tuple[str, int | None]]) -> int:
    """The most pixels the image claims: in its dictionary, or in its JPEG / JPEG 2000 / JBIG2 headers.

    ``raw``: the stream's data (the first ``HEADER_SPAN`` bytes are enough for JPEG and JPEG 2000);
    a codec's headers are read only when the codec is the stream's one filter.
    """
    sizes = [int(m.group(1)) if (m := _INT[key].search(header)) else 1 for key in (b"Width", b"Height")]
    pixels = sizes[0] * sizes[1]
    names = [name for name, _ in chain]
    if len(names) != 1:
        return pixels
    if names[0] in ("DCTDecode", "DCT"):
        pixels = max(pixels, jpeg_pixels(raw))
    elif names[0] == "JPXDecode":
        pixels = max(pixels, jpx_pixels(raw))
    elif names[0] == "JBIG2Decode":
        pixels = max(pixels, jbig2_pixels(raw))
    return pixels


def jpeg_pixels(raw: bytes) -> int:
    found = _SOF.search(raw, 0, HEADER_SPAN)
    if found is None:
        return 0
    return int.from_bytes(found.group(2), "big") * int.from_bytes(found.group(3), "big")


def jpx_pixels(raw: bytes) -> int:
    found = _SIZ.search(raw, 0, HEADER_SPAN)
    if found is None:
        return 0
    width = int.from_bytes(found.group(2), "big") - int.from_bytes(found.group(4), "big")
    height = int.from_bytes(found.group(3), "big") - int.from_bytes(found.group(5), "big")
    return max(width, 0) * max(height, 0)


def jbig2_pixels(raw: bytes) -> int:
    """The largest bitmap a JBIG2 stream (embedded form: segment after segment) asks the decoder for.

    Every segment header is walked (number, flags, referred-to segments, page, data length) and
    its data skipped; the page information gives the page, each region segment its own size and
    the page size it implies. A page of unknown height (striped) counts its width times the
    lowest edge a region reaches. The walk stops at a segment whose length is unknown (an
    immediate generic region may end by a marker instead), or at damage.
    """
    largest = 0
    page_width = 0
    at = 0
    for _ in range(_MAX_SEGMENTS):
        segment = _segment(raw, at)
        if segment is None:
            break
        kind, data, length = segment
        body = raw[data : data + 16]
        if kind == _PAGE_INFORMATION and len(body) >= 8:
            page_width = int.from_bytes(body[:4], "big")
            height = int.from_bytes(body[4:8], "big")
            largest = max(largest, page_width * (1 if height == _UNKNOWN else height))
        elif kind in _REGIONS and len(body) >= 16:
            width, height, x, y = (int.from_bytes(body[i : i + 4], "big") for i in range(0, 16, 4))
            largest = max(largest, width * height, max(page_width, x + width) * (y + height))
        if length == _UNKNOWN:
            break
        at = data + length
    return largest


def _segment(raw: bytes, at: int) -> tuple[int, int, int] | None:
    """(type, where its data starts, data length) of the segment whose header starts at ``at``."""
    if len(raw) < at + 11:
        return None
    number = int.from_bytes(raw[at : at + 4], "big")
    flags = raw[at + 4]
    count = raw[at + 5] >> 5
    at += 6
    if count == 7:  # long form: a 29-bit count, then one retention bit per segment and itself
        count = int.from_bytes(raw[at - 1 : at + 3], "big") & 0x1FFFFFFF
        at += 3 + (count + 8) // 8
    at += count * (1 if number <= 256 else 2 if number <= 65536 else 4)
    at += 4 if flags & 0x40 else 1  # page association
    if len(raw) < at + 4:
        return None
    return flags & 0x3F, at + 4, int.from_bytes(raw[at : at + 4], "big")
