"""PDF stream filters decoded in bounded chunks, to count what a stream decodes to before any parser does.

pdfminer decodes a stream whole, filter after filter, the first time it is used: a small stream
can ask for gigabytes, and not only through Flate — LZW expands up to ~2,700 times, RunLength 64
times, and filters chain (``[/FlateDecode /FlateDecode]`` multiplies the ratios). Here every
filter is a generator from chunks to chunks; each stage's output is counted as it is produced and
thrown away once the next stage has consumed it, so decoding stops just past the limit whatever
the chain, with memory of a few chunks. Image codecs (DCT, JPX, JBIG2, CCITT) end the chain:
nothing here decodes them, their size is judged from their dimensions (``limits``).
"""

from __future__ import annotations

import base64
import io
import zlib
from collections.abc import Callable, Iterable, Iterator

CHUNK = 256 * 1024

IMAGE_CODECS = frozenset({"DCTDecode", "DCT", "JPXDecode", "JBIG2Decode", "CCITTFaxDecode", "CCF"})
_HEX_DIGITS = b"0123456789abcdefABCDEF"
_NOT_HEX = bytes(b for b in range(256) if b not in _HEX_DIGITS)
_NOT_A85 = bytes(b for b in range(256) if not (33 <= b <= 117 or b == ord("z")))


class UnsupportedChain(Exception):
    """A chain whose intermediate data cannot be reproduced here (a predictor before another filter)."""


class TooManyFilters(Exception):
    """A filter chain longer than any PDF writer makes: each stage would nest one decoder in the next."""


# PDF writers apply one or two filters (Flate, sometimes over ASCII85); decoders nest one stage per
# filter, so a chain of thousands would exhaust the stack.
MAX_FILTERS = 16


class _Over(Exception):
    def __init__(self, produced: int) -> None:
        self.produced = produced


def chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def flate(source: Iterable[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for chunk in source:
            pending = chunk
            while pending and not inflater.eof:
                out = inflater.decompress(pending, CHUNK)
                if out:
                    yield out
                pending = inflater.unconsumed_tail
            if inflater.eof:
                return
    except zlib.error:
        return  # damaged data: pdfminer keeps what precedes the damage, as counted so far


class _ChunkReader(io.RawIOBase):
    """A file over an iterator of chunks, for pdfminer's LZW decoder (which reads byte by byte)."""

    def __init__(self, source: Iterable[bytes]) -> None:
        self._source = iter(source)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            self._pending = next(self._source, b"")
            if not self._pending:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def lzw(source: Iterable[bytes]) -> Iterator[bytes]:
    from pdfminer.lzw import LZWDecoder

    out = bytearray()
    try:
        for piece in LZWDecoder(io.BufferedReader(_ChunkReader(source), CHUNK)).run():
            out += piece
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
    except _Over:
        raise
    except Exception:  # damaged codes: pdfminer stops there too
        pass
    if out:
        yield bytes(out)


def ascii85(source: Iterable[bytes]) -> Iterator[bytes]:
    carry = b""
    for chunk in source:
        end = chunk.find(b"~")
        text = carry + (chunk if end < 0 else chunk[:end]).translate(None, _NOT_A85).replace(b"z", b"!!!!!")
        cut = len(text) - len(text) % 5
        carry = text[cut:]
        decoded = _a85(text[:cut])
        if decoded is None:
            return
        yield decoded
        if end >= 0:
            break
    if len(carry) > 1:
        tail = _a85(carry + b"u" * (5 - len(carry)))
        if tail:
            yield tail[: len(carry) - 1]


def _a85(text: bytes) -> bytes | None:
    try:
        return base64.a85decode(text)
    except ValueError:  # a group over 2**32: pdfminer's decoder gives up as well
        return None


def ascii_hex(source: Iterable[bytes]) -> Iterator[bytes]:
    carry = b""
    for chunk in source:
        end = chunk.find(b">")
        digits = carry + (chunk if end < 0 else chunk[:end]).translate(None, _NOT_HEX)
        cut = len(digits) - len(digits) % 2
        carry = digits[cut:]
        yield bytes.fromhex(digits[:cut].decode("ascii"))
        if end >= 0:
            break
    if carry:
        yield bytes.fromhex((carry + b"0").decode("ascii"))


def run_length(source: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    out = bytearray()
    for chunk in source:
        pending += chunk
        at = 0
        while at < len(pending):
            length = pending[at]
            if length == 128:  # end of data
                yield bytes(out)
                return
            if length < 128:  # the next length + 1 bytes as they are
                if at + length + 2 > len(pending):
                    break
                out += pending[at + 1 : at + length + 2]
                at += length + 2
            else:  # the next byte, 257 - length times
                if at + 2 > len(pending):
                    break
                out += pending[at + 1 : at + 2] * (257 - length)
                at += 2
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
        pending = pending[at:]
    yield bytes(out)


DECODERS: dict[str, Callable[[Iterable[bytes]], Iterator[bytes]]] = {
    "FlateDecode": flate,
    "Fl": flate,
    "LZWDecode": lzw,
    "LZW": lzw,
    "ASCII85Decode": ascii85,
    "A85": ascii85,
    "ASCIIHexDecode": ascii_hex,
    "AHx": ascii_hex,
    "RunLengthDecode": run_length,
    "RL": run_length,
}


def _counted(stage: Iterator[bytes], limit: int) -> Iterator[bytes]:
    produced = 0
    for chunk in stage:
        produced += len(chunk)
        if produced > limit:
            raise _Over(produced)
        yield chunk


def decoded_size(raw: bytes, chain: list[tuple[str, int | None]], limit: int) -> int:
    """Bytes the filter chain decodes ``raw`` to, stopping just past ``limit`` at any stage.

    ``chain`` is (filter name, predictor or None if unknown) per filter, in the order they apply.
    A predictor only reorders bytes (never adds any), so it is ignored on the last stage; on an
    earlier one the next filter would need its output, which is not reproduced here.
    """
    if len(chain) > MAX_FILTERS:
        raise TooManyFilters(len(chain))
    decodable = []
    for name, predictor in chain:
        if name in IMAGE_CODECS or name not in DECODERS:
            break  # an image codec or a filter no parser here decodes: the chain ends
        decodable.append((name, predictor))
    stream: Iterator[bytes] = chunks(raw)
    for index, (name, predictor) in enumerate(decodable):
        if index < len(decodable) - 1 and predictor != 1:
            raise UnsupportedChain(name)
        stream = _counted(DECODERS[name](stream), limit)
    produced = 0
    try:
        for chunk in stream:
            produced += len(chunk)
    except _Over as over:
        return over.produced
    return produced if decodable else 0
