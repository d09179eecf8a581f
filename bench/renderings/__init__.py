"""Metamorphic rendering harness: the same real reports, re-rendered as supervisors receive them.

Every corpus document with real tables is rendered again (LibreOffice DOCX/PDF/HTML, Chromium PDF,
``pdftotext`` text, other text encodings, tab- and space-aligned plain text) into a cache outside
the repository, and the engine's reading of each rendering is compared with its reading of the
source: same template, same table cells, same error-level findings. See ``render`` (producing the
renderings), ``compare`` (judging them) and ``python -m bench.renderings --help``.
"""

from __future__ import annotations
