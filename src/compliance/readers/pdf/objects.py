"""Fast page objects for the PDF reader: characters and ruled lines read with pdfium.

pdfplumber finds tables and text lines in a page's objects (characters, lines, rectangles), which
it normally gets from pdfminer's pure-Python content-stream interpreter; on Word-made reports
that costs most of the reading time. pdfium (C++) reads the same objects many times faster. This
module builds them in pdfplumber's own dictionary form, with the same coordinates pdfminer would
compute, so the table and text logic that runs on them is unchanged.

Only pages whose content is plain are taken over: upright visible text, straight lines and
axis-aligned rectangles, no form XObjects, no rotation or offset page boxes. Anything else
returns None and the caller lets pdfminer read the page, so an unusual PDF is read as before.
"""

from __future__ import annotations

import ctypes
from typing import Any

# pdfium object and segment type codes (fpdf_edit.h).
_TEXT, _PATH, _IMAGE, _FORM = 1, 2, 3, 5
_LINETO, _MOVETO = 0, 2
# Text render modes that print nothing (invisible, clip-only): pdfium and pdfminer differ there.
_VISIBLE_MODES = (0, 1, 2)


def _decimal(value: float) -> float:
    """The decimal number a float32 came from, as pdfminer parsed it from the content stream."""
    return float(format(value, ".7g"))


class PageObjects:
    """Reads pages of one PDF with pdfium; ``objects(index, page)`` gives pdfplumber's dict or None."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        self._raw = raw
        self._document = pdfium.PdfDocument(data)

    def close(self) -> None:
        self._document.close()

    def object_count(self, index: int) -> int | None:
        """How many objects page ``index`` draws (pdfium parses the content, in C), or None."""
        if index >= len(self._document):
            return None
        pdfium_page = self._document[index]
        try:
            return int(self._raw.FPDFPage_CountObjects(pdfium_page.raw))
        finally:
            pdfium_page.close()

    def objects(self, index: int, page: Any) -> dict[str, list[dict]] | None:
        """The chars, lines and rects of page ``index`` (0-based), or None to leave it to pdfminer."""
        if index >= len(self._document):
            return None
        pdfium_page = self._document[index]
        try:
            box = (0.0, 0.0, float(page.width), float(page.height))
            if pdfium_page.get_rotation() or tuple(pdfium_page.get_mediabox()) != box:
                return None
            if tuple(pdfium_page.get_cropbox()) != box or tuple(float(v) for v in page.mediabox) != box:
                return None
            paths = self._paths(pdfium_page, page)
            if paths is None:
                return None
            chars = self._chars(pdfium_page, page)
            if chars is None:
                return None
            return {"char": chars, **paths} if chars else paths
        finally:
            pdfium_page.close()

    def _paths(self, pdfium_page: Any, page: Any) -> dict[str, list[dict]] | None:
        raw = self._raw
        found: dict[str, list[dict]] = {}
        for i in range(raw.FPDFPage_CountObjects(pdfium_page.raw)):
            obj = raw.FPDFPage_GetObject(pdfium_page.raw, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == _FORM:
                return None
            if kind == _TEXT and raw.FPDFTextObj_GetTextRenderMode(obj) not in _VISIBLE_MODES:
                return None
            if (
                kind == _IMAGE
            ):  # only its box and pixels: how much of the page pictures cover (text_layer), table pictures
                found.setdefault("image", []).append(self._image_box(obj, page))
                continue
            if kind != _PATH:
                continue
            fill, stroke = ctypes.c_int(), ctypes.c_int()
            raw.FPDFPath_GetDrawMode(obj, fill, stroke)
            if not fill.value and not stroke.value:
                continue
            matrix = raw.FS_MATRIX()
            raw.FPDFPageObj_GetMatrix(obj, matrix)
            ctm = tuple(_decimal(v) for v in (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f))
            segments = self._segments(obj)
            if segments is None:
                return None
            for subpath in segments:
                shape = _shape(subpath, ctm, page, bool(stroke.value), bool(fill.value))
                if shape is None:
                    return None
                found.setdefault(shape["object_type"], []).append(shape)
        return found

    def _image_box(self, obj: Any, page: Any) -> dict[str, Any]:
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        self._raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        height = float(page.height)
        x0, x1 = _decimal(left.value), _decimal(right.value)
        y0, y1 = _decimal(bottom.value), _decimal(top.value)
        return {
            "object_type": "image",
            "page_number": page.page_number,
            "x0": x0,
            "x1": x1,
            "top": height - y1,
            "bottom": height - y0,
            "y0": y0,
            "y1": y1,
            "doctop": height - y1,
            "width": x1 - x0,
            "height": y1 - y0,
            "srcsize": self._pixel_size(obj),
        }

    def _pixel_size(self, obj: Any) -> tuple[int, int]:
        """The image's own size in pixels (as pdfplumber's ``srcsize``; (0, 0) when pdfium cannot tell)."""
        width, height = ctypes.c_uint(), ctypes.c_uint()
        if not self._raw.FPDFImageObj_GetImagePixelSize(obj, width, height):
            return (0, 0)
        return (int(width.value), int(height.value))

    def _segments(self, obj: Any) -> list[list[tuple[str, float, float]]] | None:
        """The path's subpaths as (operator, x, y) in the path's own space; None for curves."""
        raw = self._raw
        subpaths: list[list[tuple[str, float, float]]] = []
        x, y = ctypes.c_float(), ctypes.c_float()
        for s in range(raw.FPDFPath_CountSegments(obj)):
            segment = raw.FPDFPath_GetPathSegment(obj, s)
            kind = raw.FPDFPathSegment_GetType(segment)
            raw.FPDFPathSegment_GetPoint(segment, x, y)
            point = (_decimal(x.value), _decimal(y.value))
            if kind == _MOVETO or not subpaths:
                subpaths.append([("m", *point)])
            elif kind == _LINETO:
                subpaths[-1].append(("l", *point))
            else:
                return None
            if raw.FPDFPathSegment_GetClose(segment):
                subpaths[-1].append(("h", *subpaths[-1][0][1:]))
        return subpaths

    def _chars(self, pdfium_page: Any, page: Any) -> list[dict] | None:
        raw = self._raw
        text_page = pdfium_page.get_textpage()
        try:
            handle = text_page.raw
            height = float(page.height)
            doctop_shift = float(page.initial_doctop)
            number = page.page_number
            box, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
            origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
            chars: list[dict] = []
            descent = _TYPICAL_DESCENT
            for i in range(raw.FPDFText_CountChars(handle)):
                if raw.FPDFText_IsGenerated(handle, i):
                    continue
                code = raw.FPDFText_GetUnicode(handle, i)
                if 0xD800 <= code <= 0xDFFF or not raw.FPDFText_GetMatrix(handle, i, matrix):
                    return None
                if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0:
                    return None  # rotated, skewed or mirrored text: pdfminer's own geometry
                raw.FPDFText_GetLooseCharBox(handle, i, box)
                raw.FPDFText_GetCharOrigin(handle, i, origin_x, origin_y)
                size = raw.FPDFText_GetFontSize(handle, i) * matrix.d
                if abs(origin_y.value - matrix.f) > 0.01 or box.top - box.bottom > 2 * size:
                    return None  # vertical writing or text rise: pdfium places it unlike pdfminer
                # The loose box spans the font's ascent and descent; for a glyph whose font data
                # pdfium lacks it shrinks to the ink ("一" becomes a hairline far above the
                # baseline) and the character would fall off its line. Such a glyph is placed from
                # its baseline with the descent of the last full box.
                if box.top - box.bottom >= 0.6 * size:
                    descent = (origin_y.value - box.bottom) / size
                y0 = origin_y.value - descent * size
                y1 = y0 + size
                top = height - y1
                chars.append(
                    {
                        "object_type": "char",
                        "page_number": number,
                        "text": chr(code),
                        "x0": box.left,
                        "x1": box.right,
                        "y0": y0,
                        "y1": y1,
                        "top": top,
                        "bottom": height - y0,
                        "doctop": doctop_shift + top,
                        "width": box.right - box.left,
                        "height": size,
                        "size": size,
                        "upright": True,
                    }
                )
            return chars
        finally:
            text_page.close()


# Descent below the baseline as a share of the font size, until a page's own glyphs tell (CJK fonts ≈ 0.12).
_TYPICAL_DESCENT = 0.12


def _apply(ctm: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    # pdfminer.utils.apply_matrix_pt, same operations in the same order.
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f


def _shape(
    subpath: list[tuple[str, float, float]], ctm: tuple[float, ...], page: Any, stroke: bool, fill: bool
) -> dict | None:
    """One subpath as pdfminer classifies it (a line or a rectangle); None for anything else."""
    shape = "".join(op for op, _, _ in subpath)
    points = [_apply(ctm, x, y) for _, x, y in subpath]
    # pdfminer drops a redundant "l" back to the start on a path closed with "h".
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape = shape[:-2] + "h"
        points.pop()
    if shape in ("mlh", "ml"):
        (xa, ya), (xb, yb) = points[0], points[1]
        kind = "line"
        corners = [points[0], points[1]]
    elif shape in ("mlllh", "mllll"):
        (xa, ya), (x1, y1), (xb, yb), (x3, y3), _ = points
        square = (xa == x1 and y1 == yb and xb == x3 and y3 == ya) or (ya == y1 and x1 == xb and yb == y3 and x3 == xa)
        if points[0] != points[4] or not square:
            return None
        kind = "rect"
        corners = [(xa, ya), (xb, yb)]
    else:
        return None
    x0, x1 = min(p[0] for p in corners), max(p[0] for p in corners)
    y0, y1 = min(p[1] for p in corners), max(p[1] for p in corners)
    height = float(page.height)
    top = height - y1
    found = {
        "object_type": kind,
        "page_number": page.page_number,
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "width": x1 - x0,
        "height": y1 - y0,
        "top": top,
        "bottom": height - y0,
        "doctop": float(page.initial_doctop) + top,
        "stroke": stroke,
        "fill": fill,
    }
    if kind == "line":
        found["pts"] = [(x, height - y) for x, y in corners]
    return found
