"""Page-sized arrays are mapped from the kernel and given back when freed, not kept in the C heap.

glibc serves a request of 128 KB or more with its own mapping, returned to the kernel when it is
freed, but it raises that threshold to the size of each such block freed (up to 32 MB): after the
first page-sized array is freed, every later one of up to 32 MB comes from the heap, whose free
space the process keeps. Preparing an OCR page makes and drops a dozen arrays of 8–32 MB (the
page, its ink, connected-component labels at 4 bytes a pixel, the page with its rules erased), so
the heap grew by ≈ 70 MB per page and the text detector's own memory then came on top (a page
1.4 A4 long scanned at 600 dpi peaked at 330 MB in the reader, 311 MB with a fixed threshold;
measured December 2026).
Fixing the threshold at 16 MB keeps the 32 MB label arrays and larger blocks mapped, whatever was
freed before (361 MB in the reader for a 600 dpi A4 scan; at 1 MB, 353 MB but OCR took 10 % longer).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
_THRESHOLD = 16 << 20  # not 1 MB: the recogniser's tensors, mapped and faulted in afresh each time, cost 10 % more CPU


@lru_cache(maxsize=1)
def map_large_blocks() -> bool:
    """Fix glibc's mapping threshold at 16 MB, once per process; False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = getattr(libc, "mallopt", None)
        return bool(mallopt and mallopt(_M_MMAP_THRESHOLD, _THRESHOLD) == 1)
    except OSError:
        return False
