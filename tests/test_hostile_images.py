"""Images in hostile PDFs and scans: sized wherever they claim a size, totalled, and OCR'd in bounded memory.

The end-to-end bombs (forty large images, a blank page of 200 × 200 inches) run through the command
line with wall time and peak memory in test_hostile_input.py; here the pieces that bound them.
"""

from __future__ import annotations

import pytest
from pdf_bombs import many_images_pdf

from compliance.readers.limits import LimitExceeded, Limits
from compliance.readers.pdf.images import jbig2_pixels
from compliance.readers.pdf.limits import check_streams


def _segment(number: int, kind: int, data: bytes, referred: list[int] = (), long_page: bool = False) -> bytes:  # type: ignore[assignment]
    """One JBIG2 segment (embedded form): header, then ``data``."""
    flags = kind | (0x40 if long_page else 0)
    size = 1 if number <= 256 else 2 if number <= 65536 else 4
    if len(referred) <= 4:
        counted = bytes([len(referred) << 5])
    else:  # long form: 29-bit count, then retention bits for each referred segment and this one
        counted = (0xE0000000 | len(referred)).to_bytes(4, "big") + b"\x00" * ((len(referred) + 8) // 8)
    header = number.to_bytes(4, "big") + bytes([flags]) + counted
    header += b"".join(r.to_bytes(size, "big") for r in referred)
    header += (1).to_bytes(4 if long_page else 1, "big")
    return header + len(data).to_bytes(4, "big") + data


def _page_information(width: int, height: int) -> bytes:
    return width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x00" * 11


def test_jbig2_page_information_is_found_after_other_segments() -> None:
    dictionary = _segment(0, 0, b"\x00" * 300)  # a symbol dictionary first
    stream = dictionary + _segment(1, 48, _page_information(40_000, 30_000), [0])
    assert jbig2_pixels(stream) == 1_200_000_000
    # with a long-form list of referred segments and a four-byte page association
    stream = dictionary + _segment(300, 48, _page_information(500, 400), list(range(6)), long_page=True)
    assert jbig2_pixels(stream) == 200_000


def test_jbig2_regions_count_at_their_own_size_and_reach() -> None:
    page = _segment(0, 48, _page_information(100, 0xFFFFFFFF))  # a striped page of unknown height
    region = (50).to_bytes(4, "big") + (80_000).to_bytes(4, "big") + (0).to_bytes(4, "big") * 2 + b"\x00"
    assert jbig2_pixels(page + _segment(1, 38, region + b"\x00" * 20)) == 100 * 80_000
    # a region placed far down a page reaches that far
    far = (10).to_bytes(4, "big") * 2 + (0).to_bytes(4, "big") + (1_000_000).to_bytes(4, "big") + b"\x00"
    assert jbig2_pixels(page + _segment(1, 39, far)) == 100 * 1_000_010


def test_jbig2_walk_stops_at_damage_or_an_unknown_length() -> None:
    assert jbig2_pixels(b"") == 0
    assert jbig2_pixels(b"\x00" * 7) == 0
    # an immediate generic region of unknown length (it ends by a marker): what follows is its data
    region = (10).to_bytes(4, "big") * 2 + (0).to_bytes(4, "big") * 2 + b"\x00"
    unknown = _segment(0, 38, b"")[:-4] + b"\xff\xff\xff\xff" + region
    assert jbig2_pixels(unknown + _segment(1, 48, _page_information(40_000, 40_000))) == 100


def test_a_jbig2_page_declared_late_cannot_claim_more_pixels_than_allowed() -> None:
    stream = _segment(0, 0, b"\x00" * 40) + _segment(1, 48, _page_information(40_000, 40_000), [0])
    pdf = (
        b"%PDF-1.4\n6 0 obj\n<< /Subtype /Image /Width 10 /Height 10 /BitsPerComponent 1 /Filter /JBIG2Decode >>\n"
        b"stream\n" + stream + b"\nendstream\nendobj\n"
    )
    with pytest.raises(LimitExceeded, match="max-image-pixels"):
        check_streams(pdf, Limits())


def test_images_are_totalled_per_document() -> None:
    pdf = many_images_pdf(12, 1000, 1000)  # 12 MB of pixels, each image far under max-image-pixels
    check_streams(pdf, Limits())
    with pytest.raises(LimitExceeded, match="max-images-total = 10000000") as refused:
        check_streams(pdf, Limits(max_images_total=10_000_000))
    assert "images decode to at least" in refused.value.message_en


def test_codec_images_count_their_declared_pixels_in_the_total() -> None:
    jpeg = b"\xff\xd8\xff\xc0\x00\x11\x08" + (3000).to_bytes(2, "big") * 2 + b"\x03" + b"\x01\x22\x00" * 3
    one = b"<< /Subtype /Image /Width 3000 /Height 3000 /BitsPerComponent 8 /Filter /DCTDecode >>\nstream\n"
    pdf = b"%PDF-1.4\n" + b"".join(b"%d 0 obj\n" % n + one + jpeg + b"\nendstream\nendobj\n" for n in range(5, 10))
    check_streams(pdf, Limits(max_images_total=45_000_000))  # five of nine million pixels
    with pytest.raises(LimitExceeded, match="max-images-total"):
        check_streams(pdf, Limits(max_images_total=40_000_000))
