"""Validated data files (templates, rule packs, claim patterns) cached on disk between runs.

Reading the YAML and validating it (JSON Schema, then pydantic) costs more than anything else
when one report is checked. The validated model is pickled under the cache directory
(``$COMPLIANCE_CACHE_DIR/data``, else ``$XDG_CACHE_HOME/compliance/data``, else
``~/.cache/compliance/data``), keyed by the file's content hash, the model, and a fingerprint of
the code that defines the models (this package's source files' sizes and modification times,
Python and pydantic versions), so any change to the file or to the code reads it afresh.
``COMPLIANCE_DATA_CACHE=off`` bypasses the cache; a cache that cannot be read or written is
simply not used.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pydantic

T = TypeVar("T")
CACHE_ENV = "COMPLIANCE_DATA_CACHE"


def switched_on(variable: str) -> bool:
    """A cache is on unless its environment variable says off (off, 0, no, false)."""
    return os.environ.get(variable, "on").lower() not in ("off", "0", "no", "false")


def user_cache(part: str) -> Path:
    """``$COMPLIANCE_CACHE_DIR/part``, else ``$XDG_CACHE_HOME/compliance/part``, else ``~/.cache/compliance/part``."""
    explicit = os.environ.get("COMPLIANCE_CACHE_DIR")
    if explicit:
        return Path(explicit) / part
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "compliance" / part


def enabled() -> bool:
    return switched_on(CACHE_ENV)


def cache_dir() -> Path:
    return user_cache("data")


@functools.cache
def code_fingerprint() -> str:
    """What the validated models depend on besides the file: our code, Python and pydantic."""
    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}".encode())
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        with contextlib.suppress(OSError):
            stat = source.stat()
            digest.update(f"{source.relative_to(package)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def cached(kind: str, path: Path, build: Callable[[bytes], T]) -> T:
    """``build(content)`` of the file at ``path``, from the cache when the same content was built before."""
    content = path.read_bytes()
    if not enabled():
        return build(content)
    key = hashlib.sha256(f"{kind}|{code_fingerprint()}|".encode() + content).hexdigest()
    return _stored_or_built(key, lambda: build(content))


def remembered(name: str, build: Callable[[], T]) -> T:
    """``build()``, from the cache when built before under the same ``name`` (which must say what
    the value depends on, e.g. a library file's size and modification time) and the same code."""
    if not enabled():
        return build()
    key = hashlib.sha256(f"{name}|{code_fingerprint()}".encode()).hexdigest()
    return _stored_or_built(key, build)


def _stored_or_built(key: str, build: Callable[[], T]) -> T:
    target = cache_dir() / f"{key}.pickle"
    try:
        with open(target, "rb") as handle:
            value: T = pickle.load(handle)
        return value
    except Exception:  # absent, unreadable or from an incompatible build: build it afresh
        pass
    value = build()
    _store(target, value)
    return value


def _store(target: Path, value: Any) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)  # atomic: a concurrent reader sees the whole file or none
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)
