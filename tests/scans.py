"""Scans made at test time: PDF pages rendered to images, then degraded like a real scanner.

Nothing here is stored: the documents are rendered from ../shared or our own samples when a test
runs. ``degrade`` greys, tilts, speckles and JPEG-compresses a page; ``image_pdf`` wraps page
images into an image-only PDF (no text layer), as a scanner would.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any


def render(pdf: Path, pages: list[int], dpi: int) -> list[Any]:
    """Greyscale numpy images of the given 0-based pages."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        images = [document[i].render(scale=dpi / 72, grayscale=True).to_numpy() for i in pages]
        return [(image[:, :, 0] if image.ndim == 3 else image).copy() for image in images]
    finally:
        document.close()


def degrade(grey: Any, tilt: float = 0.0, speckle: float = 0.0, jpeg: int | None = None, seed: int = 7) -> Any:
    """Tilt by ``tilt`` degrees, flip a share ``speckle`` of pixels black or white, JPEG at quality ``jpeg``."""
    import cv2
    import numpy as np

    height, width = grey.shape
    if tilt:
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), tilt, 1.0)
        grey = cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    if speckle:
        noise = np.random.default_rng(seed).random(grey.shape)
        grey = grey.copy()
        grey[noise < speckle / 2] = 0
        grey[noise > 1 - speckle / 2] = 255
    if jpeg:
        ok, encoded = cv2.imencode(".jpg", grey, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        assert ok
        grey = cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE)
    return grey


def image_pdf(images: list[Any], dpi: int) -> bytes:
    """An image-only PDF of the pages."""
    from PIL import Image

    pages = [Image.fromarray(image) for image in images]
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out.getvalue()


def cjk_font(size: int) -> Any:
    """A Simplified Chinese font of the machine at ``size`` px (None when it has none)."""
    import shutil
    import subprocess

    from PIL import ImageFont

    if shutil.which("fc-match") is None:
        return None
    # A serif face first: government reports are set in 宋体 (SimSun).
    for family in ("Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", f"{family}:lang=zh-cn"], capture_output=True, text=True, check=False
        ).stdout
        path, _, index = found.rpartition(":")
        if path.endswith((".ttc", ".ttf", ".otf")) and ("CJK" in path or "wqy" in path):
            return ImageFont.truetype(path, size, index=int(index or 0))
    return None


def section_page(text: str, heading: str, *, ruled: bool, dpi: int = 200, label_chars: int = 12) -> Any:
    """One A4-wide page (greyscale array, as long as it needs) printing the section of a sample
    report whose title starts with ``heading``: its paragraphs, then its tables as a word processor sets them — labels
    wrapped in a column ``label_chars`` wide, figures centred in their columns, header captions
    centred over the columns they span — with every cell ruled or with no rule at all.
    """
    import numpy as np
    from documents import covered_cells, header_spans, pieces
    from PIL import Image, ImageDraw

    scale = dpi / 72
    font = cjk_font(round(10.5 * scale))
    if font is None:
        raise RuntimeError("no CJK font")
    em, pitch, pad = 10.5 * scale, 15 * scale, 4 * scale
    rule = max(2, round(scale * 0.5))  # Word's default border, 0.5 pt (2 px up to 288 dpi, as before)
    image = Image.new("L", (round(595 * scale), round(3 * 842 * scale)), 255)
    draw = ImageDraw.Draw(image)
    left, right, y = 72 * scale, 523 * scale, 72 * scale

    def wrap(value: str, width: float) -> list[str]:
        lines = [""]
        for char in value:
            if draw.textlength(lines[-1] + char, font=font) > width:
                lines.append("")
            lines[-1] += char
        return lines

    chosen = pieces(text)
    start = next(i for i, p in enumerate(chosen) if p.kind == "p" and p.text.startswith(heading))
    end = next((i for i in range(start + 1, len(chosen)) if chosen[i].kind == "p" and "、" in chosen[i].text[:3]), None)
    for piece in chosen[start:end]:
        if piece.kind == "p":
            for line in wrap(piece.text, right - left):
                draw.text((left, y), line, font=font, fill=0)
                y += pitch
            y += pitch / 2
            continue
        assert piece.rows is not None
        columns = len(piece.rows[0])
        label = label_chars * em + 2 * pad
        width = (right - left - label) / (columns - 1)
        edges = [left, left + label] + [left + label + width * (c + 1) for c in range(columns - 1)]
        spans = header_spans(piece.rows)
        covered = covered_cells(spans)
        for r, row in enumerate(piece.rows):
            height = pitch
            for c, cell in enumerate(row):
                if (r, c) in covered or not cell:
                    continue
                span = spans.get((r, c))
                x0, x1 = edges[c], edges[c + (span.colspan if span else 1)]
                lines = wrap(cell, x1 - x0 - 2 * pad)
                for k, line in enumerate(lines):
                    shift = pad if c == 0 else (x1 - x0 - draw.textlength(line, font=font)) / 2
                    draw.text((x0 + shift, y + pad + k * pitch), line, font=font, fill=0)
                height = max(height, len(lines) * pitch)
            bottom = y + height + 2 * pad
            if ruled:
                draw.line([(left, y), (right, y)], fill=0, width=rule)
                draw.line([(left, bottom), (right, bottom)], fill=0, width=rule)
                for edge in edges:
                    draw.line([(edge, y), (edge, bottom)], fill=0, width=rule)
            y = bottom
        y += pitch
    return np.asarray(image.crop((0, 0, image.width, round(max(842 * scale, y + 72 * scale)))))


def table_picture(rows: list[list[str]], font_size: int = 26) -> Any:
    """A ruled table drawn like a spreadsheet screenshot (PIL greyscale image, about 200 dpi):
    a wide label column, then value columns, every cell boxed."""
    from PIL import Image, ImageDraw

    font = cjk_font(font_size)
    if font is None:
        raise RuntimeError("no CJK font")
    label_width, value_width, height = 1060, 100, 52
    columns = max(len(row) for row in rows)
    image = Image.new("L", (label_width + value_width * (columns - 1) + 40, height * len(rows) + 40), 255)
    draw = ImageDraw.Draw(image)
    for r, row in enumerate(rows):
        top, x = 20 + r * height, 20
        for c in range(columns):
            cell_width = label_width if c == 0 else value_width
            draw.rectangle((x, top, x + cell_width, top + height), outline=0, width=2)
            text = row[c] if c < len(row) else ""
            if text:
                box = draw.textbbox((0, 0), text, font=font)
                left = x + 10 if c == 0 else x + (cell_width - (box[2] - box[0])) // 2
                draw.text((left, top + (height - (box[3] - box[1])) // 2 - box[1]), text, fill=0, font=font)
            x += cell_width
    return image


def seal_picture(size: int = 240) -> Any:
    """A round seal-like stamp (RGB, red ring and star, a few characters): what a report carries
    beside its signature, and must not be read as a table."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), outline=(220, 30, 30), width=8)
    middle = size // 2
    draw.regular_polygon((middle, middle, size // 8), 5, fill=(220, 30, 30))
    font = cjk_font(size // 10)
    if font is not None:
        draw.text((middle - size // 4, size * 2 // 3), "办公室印章", font=font, fill=(220, 30, 30))
    return image
