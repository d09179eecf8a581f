"""Progress of OCR, one line per page: ``OCR page 2/7: scan.pdf (2.1 s)``.

A scanned report takes seconds per page, and a batch of them minutes with nothing to show. Each
page read is logged on the ``compliance.ocr`` logger at INFO level; nothing is printed unless a
front end asks for it (``show_pages``: the CLI does so with ``--verbose`` or when stderr is a
log). Batch workers are forked from the CLI, so they inherit the handler and write their pages'
lines to the same stderr as the batch progress lines. Imports nothing heavy.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

LOGGER = "compliance.ocr"


def page_read(name: str, number: int, total: int, seconds: float) -> None:
    """Report that page ``number`` of ``total`` of ``name`` has been read."""
    log = logging.getLogger(LOGGER)
    if log.isEnabledFor(logging.INFO):
        where = f": {name}" if name else ""
        log.info("OCR page %d/%d%s (%.1f s)", number, total, where, seconds)


def show_pages(stream: TextIO | None = None) -> None:
    """Print OCR page lines on ``stream`` (the current stderr by default); calling it again only
    points the one handler at the new stream."""
    log = logging.getLogger(LOGGER)
    for existing in log.handlers:
        if isinstance(existing, logging.StreamHandler) and getattr(existing, "_compliance_ocr", False):
            existing.setStream(stream or sys.stderr)  # stderr may have been replaced since
            return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler._compliance_ocr = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
