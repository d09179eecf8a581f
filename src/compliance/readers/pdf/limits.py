"""Limits checked on a PDF before pdfminer or pdfium parse it: inflated streams, pages, page objects.

pdfminer decodes a stream whole, in memory, the first time it is used, and builds every page
object of the document before the first one is read; a small file can ask for gigabytes. So the
reader first decodes every stream's filter chain once (``filters``: Flate, LZW, ASCII85,
ASCIIHex, RunLength, chained), in chunks that are counted and thrown away, sizes up every image
by the pixels it declares, then counts the pages with pdfium (C, reading only the page tree) and
stops at the page limit, then counts each page's objects before the page is handed to pdfplumber.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from typing import Any

from compliance.document import LoadError
from compliance.readers.limits import LimitExceeded, Limits
from compliance.readers.pdf.filters import DECODERS, MAX_FILTERS, TooManyFilters, UnsupportedChain, decoded_size
from compliance.readers.pdf.images import BILEVEL, CODECS, HEADER_SPAN, declared_pixels

# The dictionary before a ``stream`` keyword is looked for this far back (real ones are far smaller).
_DICT_WINDOW = 64 * 1024
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_NAME = rb"/[^\s/\[\]<>()%{}]+"
_REF = rb"(\d{1,10})\s+(\d{1,5})\s+R\b"
_FILTER = re.compile(rb"/Filter\s*(" + _NAME + rb"|\[[^\]]*\]|" + _REF + rb")")
_PARMS = re.compile(rb"/DecodeParms\s*(<<[^<>]*>>|\[(?:[^\[\]<>]|<<[^<>]*>>)*\]|null|" + _REF + rb")")
_PARM = re.compile(rb"<<[^<>]*>>|null|" + _REF)
_PREDICTOR = re.compile(rb"/Predictor\s+(\d{1,9})")
_OBJECT = re.compile(rb"(?<!\d)(\d{1,10})\s+(\d{1,5})\s+obj\b")


def check_streams(data: bytes, limits: Limits) -> None:
    """Decode every stream's filter chain under the per-stream and total limits; size up images.

    Streams are found by their ``stream`` keyword (the PDF format keeps every stream at the top
    level, never inside an object stream), their filters read from the dictionary before it.
    Image streams are decoded up to their codec under a limit their declared size sets, and the
    pixels they declare (and a JPEG or JPEG 2000 declares inside) are checked against
    ``max-image-pixels``: pdfium allocates that much when a scanned page is rendered for OCR.
    Each byte of the file is looked at a bounded number of times: a dictionary is looked for
    only after the previous stream's data, and ``stream`` keywords inside that data are skipped.
    """
    total = 0
    images = 0  # bytes the image streams decode to, together
    consumed = 0  # end of the previous stream's data
    objects = _Objects(data)
    decipher = _decipher(data) if b"/Encrypt" in data else None
    for match in _STREAM.finditer(data):
        start = match.start()
        if start < consumed or data[start - 3 : start] == b"end":  # inside data, or "endstream"
            continue
        window = data[max(consumed, start - _DICT_WINDOW) : start]
        at = window.rfind(b"obj")
        header = window[at + 1 :] if at >= 0 else window
        end = data.find(b"endstream", match.end())
        consumed = end if end >= 0 else len(data)
        raw = data[match.end() : consumed]
        chain = _filter_chain(header, objects)
        image = _IMAGE.search(header) is not None
        stored = raw
        if decipher is not None and at >= 0:  # both are measured: some streams are not encrypted (xref)
            # Decrypting costs (pdfminer's RC4 is Python): only what will be decoded, or a codec's header.
            if any(name in DECODERS for name, _ in chain):
                raw = _deciphered(decipher, window[max(0, at - 24) : at], raw)
            elif image:
                raw = _deciphered(decipher, window[max(0, at - 24) : at], raw[:HEADER_SPAN])
        if image:
            pixels = declared_pixels(header, raw, chain)
            if pixels > limits.max_image_pixels:
                raise LimitExceeded(
                    "max_image_pixels",
                    limits.max_image_pixels,
                    f"PDF 中的图像过大（{pixels} 像素）",
                    f"an image in the PDF is too large ({pixels} pixels)",
                )
            # Up to 8 bytes a pixel (four 16-bit components) before the image codec, if any.
            limit = max(limits.max_stream, 8 * pixels)
            produced = _decode(raw, chain, limit, stored)
            if produced > limit:
                raise LimitExceeded(
                    "max_stream",
                    limits.max_stream,
                    "PDF 中的图像数据解码后远超其声明的尺寸（疑为压缩炸弹）",
                    "a PDF image decodes to far more than its declared size (a compression bomb?)",
                )
            images += _image_bytes(produced, pixels, chain)
            if images > limits.max_images_total:
                raise LimitExceeded(
                    "max_images_total",
                    limits.max_images_total,
                    f"PDF 的图像解码后合计过大（至少 {images} 字节）",
                    f"the PDF's images decode to at least {images} bytes in all",
                )
            continue
        produced = _decode(raw, chain, limits.max_stream, stored)
        if produced > limits.max_stream:
            raise LimitExceeded(
                "max_stream",
                limits.max_stream,
                f"PDF 中的数据流解码后过大（至少 {produced} 字节，疑为压缩炸弹）",
                f"a PDF stream decodes to at least {produced} bytes (a compression bomb?)",
            )
        total += produced
        if total > limits.max_streams_total:
            raise LimitExceeded(
                "max_streams_total",
                limits.max_streams_total,
                f"PDF 的数据流解码后合计过大（至少 {total} 字节）",
                f"the PDF's streams decode to at least {total} bytes in all",
            )


def _image_bytes(produced: int, pixels: int, chain: list[tuple[str, int | None]]) -> int:
    """What an image costs to decode: the bytes its filters produce, or, when a codec we do not run
    ends its chain (JPEG, JPEG 2000, JBIG2, CCITT), what the codec will produce for its pixels:
    at least a byte a pixel, an eighth of that for the two-tone codecs."""
    codec = next((name for name, _ in chain if name in CODECS), None)
    if codec is None:
        return produced
    return pixels // 8 if codec in BILEVEL else pixels


def _decipher(data: bytes) -> Callable[..., bytes] | None:
    """pdfminer's decryption for a PDF that opens with the empty password (None: it does not).

    An encrypted stream is filtered after it is decrypted: measured as stored, a bomb would
    look like a few KB of noise and reach pdfminer whole. The xref is read for this, but it
    comes before encryption (and its streams were measured like any other).
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    try:
        decipher = PDFDocument(PDFParser(io.BytesIO(data))).decipher
    except Exception:  # a wrong password or a damaged file: the reader refuses it when it opens it
        return None
    handler = getattr(decipher, "__self__", None)
    if handler is not None and hasattr(handler, "decrypt_rc4"):
        _use_native_rc4(handler)
    return decipher


def _use_native_rc4(handler: Any) -> None:
    """Give this (throw-away) security handler a native RC4: pdfminer's, in Python, does ~100 KB/s.

    The key is derived as pdfminer derives it; a key length OpenSSL's RC4 does not take falls
    back to pdfminer's own decryption.
    """
    import hashlib

    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
        from cryptography.hazmat.primitives.ciphers import Cipher
    except ImportError:
        return
    python_rc4 = handler.decrypt_rc4

    def decrypt_rc4(objid: int, genno: int, data: bytes) -> bytes:
        key = handler.key + objid.to_bytes(4, "little")[:3] + genno.to_bytes(4, "little")[:2]
        key = hashlib.md5(key).digest()[: min(len(key), 16)]
        try:
            decryptor = Cipher(ARC4(key), mode=None).decryptor()
        except ValueError:
            return bytes(python_rc4(objid, genno, data))
        return decryptor.update(data) + decryptor.finalize()

    handler.decrypt_rc4 = decrypt_rc4
    for name, method in getattr(handler, "cfm", {}).items():  # revision 4 maps crypt filters to methods
        if getattr(method, "__func__", None) is getattr(python_rc4, "__func__", python_rc4):
            handler.cfm[name] = decrypt_rc4


_NUMBERED = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+$")


def _deciphered(decipher: Callable[..., bytes], numbered: bytes, raw: bytes) -> bytes:
    """The stream's data decrypted with its object's key; as stored if it cannot be."""
    found = _NUMBERED.search(numbered)
    if found is None:
        return raw
    try:
        return decipher(int(found.group(1)), int(found.group(2)), raw, {})
    except Exception:  # not encrypted after all (an xref stream), or damaged: measured as stored
        return raw


def _decode(raw: bytes, chain: list[tuple[str, int | None]], limit: int, stored: bytes) -> int:
    try:
        produced = decoded_size(raw, chain, limit)
        return produced if stored is raw or produced > limit else max(produced, decoded_size(stored, chain, limit))
    except TooManyFilters as exc:
        raise LoadError(
            f"PDF 数据流叠加了 {exc} 个过滤器，超过 {MAX_FILTERS} 个，无法核验",
            f"a PDF stream stacks {exc} filters, more than {MAX_FILTERS}: it cannot be checked",
        ) from exc
    except UnsupportedChain as exc:
        raise LoadError(
            f"PDF 数据流的过滤器组合无法核验（{exc} 带预测器且后接其他过滤器）",
            f"a PDF stream's filters cannot be checked ({exc} with a predictor before another filter)",
        ) from exc


class _Objects:
    """Top-level objects by number, indexed in one pass the first time a reference is followed."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._where: dict[tuple[bytes, bytes], int] | None = None

    def value(self, number: bytes, generation: bytes, key: str) -> bytes:
        if self._where is None:
            self._where = {(m.group(1), m.group(2)): m.end() for m in _OBJECT.finditer(self.data)}
        start = self._where.get((number.lstrip(b"0") or b"0", generation.lstrip(b"0") or b"0"))
        if start is None:
            raise LoadError(
                f"PDF 数据流的 /{key} 引用了无法直接读取的对象，无法核验其大小",
                f"a PDF stream's /{key} refers to an object that cannot be checked before parsing",
            )
        text = self.data[start : start + 4096]
        end = text.find(b"endobj")
        return (text if end < 0 else text[:end]).strip()


def _last(pattern: re.Pattern[bytes], key: bytes, header: bytes) -> re.Match[bytes] | None:
    """The key's last occurrence in the dictionary (a repeated key: the last one counts)."""
    at = header.rfind(key)
    return pattern.match(header, at) if at >= 0 else None


def _filter_chain(header: bytes, objects: _Objects) -> list[tuple[str, int | None]]:
    """(filter, predictor) per filter of the stream whose dictionary is ``header``; [] if none.

    A ``/Filter`` or ``/DecodeParms`` given by reference is looked up among the top-level
    objects; one that cannot be found (hidden in an object stream) is refused: its chain would
    go unmeasured to pdfminer.
    """
    found = _last(_FILTER, b"/Filter", header)
    if found is None:
        return []
    value = _resolve(found.group(1), objects, "Filter")
    names = [name.decode("latin-1") for name in re.findall(rb"/([^\s/\[\]<>()%{}]+)", value)]
    predictors: list[int | None] = [1] * len(names)
    parms = _last(_PARMS, b"/DecodeParms", header)
    if parms is not None:
        value = _resolve(parms.group(1), objects, "DecodeParms")
        if value.startswith(b"<<"):
            entries = [value] * len(names)
        else:
            entries = [_resolve(entry.group(0), objects, "DecodeParms") for entry in _PARM.finditer(value)]
        for index, entry in enumerate(entries[: len(names)]):
            predictor = _PREDICTOR.search(entry)
            predictors[index] = int(predictor.group(1)) if predictor else 1
    return list(zip(names, predictors, strict=True))


def _resolve(value: bytes, objects: _Objects, key: str) -> bytes:
    reference = re.fullmatch(_REF, value)
    if reference is None:
        return value
    return objects.value(reference.group(1), reference.group(2), key)


def check_page_count(data: bytes, limits: Limits) -> bool:
    """Refuse a PDF with more pages than allowed, counted by pdfium from its page tree before any
    page is parsed; False when pdfium refuses the file (``check_document_pages`` then counts them)."""
    count = _pdfium_pages(data)
    if count is None:
        return False
    _refuse_pages(count, limits)
    return True


def check_document_pages(document: Any, limits: Limits) -> None:
    """The same for a file only pdfminer opens: the pages of its ``PDFDocument``, the one the reader
    parsed (a damaged file is rebuilt object by object, so parsing it a second time only to count
    its pages cost a fifth of its reading), counted no further than one past the limit, before
    pdfplumber builds any page."""
    from pdfminer.pdfpage import PDFPage

    _refuse_pages(sum(1 for _ in itertools.islice(PDFPage.create_pages(document), limits.max_pages + 1)), limits)


def _refuse_pages(count: int, limits: Limits) -> None:
    if count > limits.max_pages:
        raise LimitExceeded(
            "max_pages",
            limits.max_pages,
            f"PDF 页数过多（{count} 页）",
            f"the PDF has too many pages ({count})",
        )


def _pdfium_pages(data: bytes) -> int | None:
    try:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
    except Exception:  # pdfium refuses it: pdfminer may still read it (or report the damage)
        return None
    try:
        return len(document)
    finally:
        document.close()


def check_page_objects(count: int | None, page: int, limits: Limits) -> None:
    """Refuse a page drawing more objects than allowed (``count`` from pdfium; None: unknown)."""
    if count is not None and count > limits.max_page_objects:
        raise LimitExceeded(
            "max_page_objects",
            limits.max_page_objects,
            f"PDF 第 {page} 页的绘制对象过多（{count} 个）",
            f"page {page} of the PDF draws too many objects ({count})",
        )


def check_ocr_pages(count: int, page: int, limits: Limits) -> None:
    """Refuse a PDF once more than ``max-ocr-pages`` of its pages (``count``, the latest ``page``)
    are left for OCR: each costs seconds, so hundreds of text-less pages are refused before the
    first is recognised instead of running until the batch's ``--timeout``."""
    if count > limits.max_ocr_pages:
        raise LimitExceeded(
            "max_ocr_pages",
            limits.max_ocr_pages,
            f"PDF 需要 OCR 识别的页面过多（至第 {page} 页已有 {count} 页没有文字层）",
            f"too many pages of the PDF need OCR ({count} without a text layer by page {page})",
        )


# Operators that draw (text shown, paths painted or built, images, shadings): each is an object
# pdfium would count, and at least one that pdfminer builds. Matched as whole tokens; the same
# letters inside a string or an inline image count too, which can only overstate a real page.
_DRAWING = re.compile(rb"(?<![^\s\])>])(?:Tj|TJ|'|\"|re|m|l|c|v|y|Do|BI|sh)(?=[\s\[(<]|$)")


def drawing_operators(contents: list[Any], stop: int) -> int:
    """Drawing operators in a page's content streams (pdfminer's), counting no further than ``stop``.

    For a PDF pdfium refuses, whose pages pdfminer would otherwise interpret whatever their size:
    the streams were measured by ``check_streams`` before pdfminer decodes them here.
    """
    found = 0
    for stream in contents:
        try:
            data = stream.get_data()
        except Exception:  # damaged: pdfminer skips it when it interprets the page too
            continue
        found += sum(1 for _ in itertools.islice(_DRAWING.finditer(data), stop - found))
        if found >= stop:
            break
    return found
