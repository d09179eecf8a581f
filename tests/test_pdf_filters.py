"""PDF filter chains decoded in bounded chunks: the same bytes as pdfminer, stopped at the limit.

The bombs themselves (LZW, Flate over RunLength, Flate inside Flate by reference, ASCII85 over
Flate, an image whose JPEG header claims 3.6 billion pixels) are checked end to end, with wall
time and peak memory, in test_hostile_input.py; here each decoder is compared with pdfminer's on
data of our own, and the stream scan is shown to stay linear on hostile layouts.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import random
import time
import zlib

import pytest
from pdf_bombs import lzw_encode, lzw_run_bomb, run_length_encode_zeros
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import lzwdecode
from pdfminer.runlength import rldecode

from compliance.document import LoadError
from compliance.readers.limits import LimitExceeded, Limits
from compliance.readers.pdf.filters import CHUNK, decoded_size
from compliance.readers.pdf.limits import check_streams


def _sample(size: int, seed: int = 3) -> bytes:
    rng = random.Random(seed)
    words = [rng.randbytes(rng.randint(1, 9)) for _ in range(50)]
    return b"".join(rng.choice(words) for _ in range(size // 5))[:size]


def _run_length(data: bytes) -> bytes:
    out = bytearray()
    for start in range(0, len(data), 100):
        piece = data[start : start + 100]
        if len(set(piece)) == 1 and len(piece) > 1:
            out += bytes([257 - len(piece)]) + piece[:1]
        else:
            out += bytes([len(piece) - 1]) + piece
    return bytes(out) + b"\x80"


DATA = _sample(2 * CHUNK) + b"\x00" * 5000
ENCODED = {
    "FlateDecode": (zlib.compress(DATA), zlib.decompress),
    "LZWDecode": (lzw_encode(DATA), lzwdecode),
    "ASCII85Decode": (base64.a85encode(DATA, wrapcol=60) + b"~>", ascii85decode),
    "ASCIIHexDecode": (binascii.hexlify(DATA) + b">", asciihexdecode),
    "RunLengthDecode": (_run_length(DATA), rldecode),
}


@pytest.mark.parametrize("name", ENCODED)
def test_each_filter_decodes_what_pdfminer_decodes(name: str) -> None:
    raw, pdfminer_decode = ENCODED[name]
    assert pdfminer_decode(raw) == DATA  # our encoder is right
    assert decoded_size(raw, [(name, 1)], 1 << 30) == len(DATA)
    # Stopped just past a limit, whatever the filter.
    assert CHUNK < decoded_size(raw, [(name, 1)], CHUNK) <= 2 * CHUNK + 100 * 129


def test_chains_decode_stage_after_stage() -> None:
    armoured = base64.a85encode(zlib.compress(_run_length(DATA))) + b"~>"
    chain = [("ASCII85Decode", 1), ("FlateDecode", 1), ("RunLengthDecode", 1)]
    assert decoded_size(armoured, chain, 1 << 30) == len(DATA)
    # An image codec ends the chain: what precedes it is counted, the codec is not decoded.
    assert decoded_size(zlib.compress(b"jpeg" * 100), [("FlateDecode", 1), ("DCTDecode", 1)], 1 << 30) == 400


def test_bombs_stop_at_the_limit_with_small_work() -> None:
    assert decoded_size(lzw_run_bomb(200), [("LZWDecode", 1)], 1 << 20) <= (1 << 20) + CHUNK
    nested = zlib.compress(run_length_encode_zeros(1 << 28))
    assert decoded_size(nested, [("FlateDecode", 1), ("RunLengthDecode", 1)], 1 << 20) <= (1 << 20) + 2 * CHUNK


def _pdf(dictionary: bytes, raw: bytes, extra: bytes = b"") -> bytes:
    return b"%PDF-1.4\n" + extra + b"4 0 obj\n<< %s >>\nstream\n" % dictionary + raw + b"\nendstream\nendobj\n"


def test_a_predictor_before_another_filter_is_refused() -> None:
    raw = zlib.compress(zlib.compress(b"x" * 1000))
    with pytest.raises(LoadError, match="预测器"):
        check_streams(_pdf(b"/Filter [/FlateDecode /FlateDecode] /DecodeParms [<</Predictor 12>> null]", raw), Limits())
    check_streams(_pdf(b"/Filter [/FlateDecode /FlateDecode] /DecodeParms [null <</Predictor 12>>]", raw), Limits())


def test_a_filter_chain_longer_than_any_writer_makes_is_one_finding_not_a_recursion_error() -> None:
    # A fuzzed PDF repeated /FlateDecode thousands of times: one nested decoder per filter ran out of
    # stack. Real writers apply one or two filters.
    raw = zlib.compress(b"x" * 100)
    with pytest.raises(LoadError, match="5000"):
        check_streams(_pdf(b"/Filter [" + b"/FlateDecode " * 5000 + b"]", raw), Limits())
    check_streams(_pdf(b"/Filter [/ASCII85Decode /FlateDecode]", base64.a85encode(raw, adobe=True)), Limits())


def test_filters_given_by_reference_are_followed_or_refused() -> None:
    bomb = zlib.compress(zlib.compress(b" " * (8 << 20)))
    limits = Limits(max_stream=1 << 20)
    with pytest.raises(LimitExceeded, match="max-stream"):
        check_streams(_pdf(b"/Filter 9 0 R", bomb, b"9 0 obj\n[/FlateDecode /FlateDecode]\nendobj\n"), limits)
    with pytest.raises(LoadError, match="/Filter"):
        check_streams(_pdf(b"/Filter 9 0 R", bomb), limits)


def test_the_last_of_repeated_keys_counts() -> None:
    bomb = zlib.compress(zlib.compress(b" " * (8 << 20)))
    with pytest.raises(LimitExceeded):
        check_streams(
            _pdf(b"/Filter /FlateDecode /Filter [/FlateDecode /FlateDecode]", bomb), Limits(max_stream=1 << 20)
        )


def test_an_image_may_decode_to_its_declared_size_only() -> None:
    pixels = zlib.compress(b"\x80" * (300 * 200 * 3))
    image = b"/Subtype /Image /Width 300 /Height 200 /BitsPerComponent 8 /Filter /FlateDecode"
    check_streams(_pdf(image, pixels), Limits(max_stream=1000))
    bomb = zlib.compress(b"\x80" * (300 * 200 * 3 * 20))
    with pytest.raises(LimitExceeded, match="max-stream"):
        check_streams(_pdf(image, bomb), Limits(max_stream=1000))


def _cpu(data: bytes) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        with contextlib.suppress(LoadError):
            check_streams(data, Limits())
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize(
    "unit",
    [
        b"stream\n",  # keywords without any endstream: each must not search to the end of the file
        b"1 0 obj<</Filter/FlateDecode>>stream\nx\nendstream endobj ",
        b"/DecodeParms[" * 3 + b"<</Filter 1 0 R>>stream\nendstream",
    ],
    ids=["no endstream", "many small streams", "unclosed parameter arrays"],
)
def test_the_stream_scan_grows_linearly(unit: bytes) -> None:
    small = _cpu(b"%PDF-1.4\n" + unit * 3_000)
    large = _cpu(b"%PDF-1.4\n" + unit * 24_000)
    assert large <= 20 * small + 0.05, f"{small:.3f}s → {large:.3f}s for 8× the file"


def test_damaged_filtered_streams_end_as_a_refusal_or_a_count() -> None:
    # Every filter and chain, cut, flipped and padded: the scan counts or refuses, never raises else.
    from documents import pdf_text
    from pdf_bombs import filtered_pages

    rng = random.Random(7)
    pages = filtered_pages(pdf_text(72, 780, "Annual report 2023 with some more words").encode() * 20)
    for _ in range(2000):
        data = bytearray(rng.choice(pages))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[at] ^= rng.randint(1, 255)
            elif rng.random() < 0.5:
                del data[at : at + rng.randint(1, 40)]
            else:
                data[at:at] = rng.randbytes(rng.randint(1, 40))
        with contextlib.suppress(LoadError):
            check_streams(bytes(data), Limits(max_stream=1 << 20))


@pytest.mark.parametrize(
    ("codec", "header"),
    [
        ("DCTDecode", b"\xff\xd8\xff\xc0\x00\x11\x08" + (40_000).to_bytes(2, "big") * 2 + b"\x03"),
        ("JPXDecode", b"\xff\x4f\xff\x51\x00\x29\x00\x00" + (40_000).to_bytes(4, "big") * 2 + b"\x00" * 8),
        ("JBIG2Decode", b"\x00\x00\x00\x00\x30\x00\x01\x00\x00\x00\x13" + (40_000).to_bytes(4, "big") * 2),
    ],
)
def test_an_image_codec_header_cannot_claim_more_pixels_than_allowed(codec: str, header: bytes) -> None:
    image = b"/Subtype /Image /Width 10 /Height 10 /BitsPerComponent 8 /Filter /%s" % codec.encode()
    with pytest.raises(LimitExceeded, match="max-image-pixels"):
        check_streams(_pdf(image, header + b"\x00" * 64), Limits())
    check_streams(_pdf(image, header + b"\x00" * 64), Limits(max_image_pixels=2 << 30, max_images_total=2 << 30))


def test_pages_pdfium_cannot_render_are_one_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Found by fuzzing: pdfminer reads a damaged file whose pages have no text, pdfium refuses to
    # open it for OCR, and its error escaped the reader as "reader failed".
    from pdf_bombs import page_with_stream

    import compliance.readers.pdf.reader as pdf_reader

    def refuse(data: bytes, indexes: list[int], name: str) -> None:
        raise RuntimeError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(pdf_reader, "_ocr_pages", refuse)
    with pytest.raises(LoadError, match="OCR") as refused:
        pdf_reader.read_pdf(page_with_stream(b"", b"0 0 m 10 10 l S\n"))
    assert "cannot be rendered" in refused.value.message_en
