"""The OCR cache: a page's recognised text is kept under the file's hash and the engine's version.

OCR costs seconds per page; re-checking a batch should not pay it again. Entries live in the user's
cache directory (``$COMPLIANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/compliance``, else
``~/.cache/compliance``), one small JSON file per page, named by the SHA-256 of file hash, engine
version and page settings, so a new engine or model never reuses an old reading.
``--no-cache`` (environment ``COMPLIANCE_OCR_CACHE=off``, inherited by batch workers) bypasses it.
A cache that cannot be read or written is simply not used: it never fails a report.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from compliance.datacache import switched_on, user_cache

CACHE_ENV = "COMPLIANCE_OCR_CACHE"


def enabled() -> bool:
    return switched_on(CACHE_ENV)


def cache_dir() -> Path:
    return user_cache("ocr")


def page_key(file_sha256: str, engine: str, page: int, settings: str) -> str:
    return hashlib.sha256(f"{file_sha256}\0{engine}\0{page}\0{settings}".encode()).hexdigest()


def load(key: str) -> dict[str, Any] | None:
    if not enabled():
        return None
    try:
        with open(cache_dir() / key[:2] / f"{key}.json", encoding="utf-8") as handle:
            value = json.load(handle)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def store(key: str, value: dict[str, Any]) -> None:
    if not enabled():
        return
    folder = cache_dir() / key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Write then rename: two workers reading the same file never see half an entry.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False) as handle:
            json.dump(value, handle, ensure_ascii=False)
        os.replace(handle.name, folder / f"{key}.json")
    except OSError:
        return
