"""What one input file may cost a reader: the limits, the error that names them, bounded unzipping.

Files arrive from the web, so every reader is bounded by what the input actually produces, never by
what its headers claim: a zip member is read in chunks and counted as it inflates, a PDF stream is
inflated (and thrown away) under a limit before any parser sees it, nesting is counted before a
recursive parser runs. Each limit has a default here, a key in the ``[limits]`` table of the
configuration, and a ``LimitExceeded`` message that names the key, so a refused file says which
limit it met and how to raise it. The engine makes a project's limits current around each read
(``applied``); readers ask ``current()``.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields

from compliance.document import Document, Grid, LoadError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-file limits; the names are the configuration keys (with ``-`` for ``_``)."""

    max_memory: int = 1024 * MiB  # bytes a batch worker may allocate beyond its size at start (0: none)
    max_unzipped: int = 200 * MiB  # bytes inflated from one archive (DOCX, XLSX, OFD), all members
    max_member: int = 64 * MiB  # bytes inflated from one archive member
    max_ratio: int = 200  # inflated / compressed, for members over 1 MiB
    max_entries: int = 2000  # members of one archive
    max_pages: int = 300  # pages of one PDF, counted before any page is parsed
    max_stream: int = 64 * MiB  # bytes inflated from one PDF stream
    max_streams_total: int = 256 * MiB  # bytes inflated from all non-image streams of one PDF
    max_page_objects: int = 100_000  # drawing and text objects on one PDF page
    max_image_pixels: int = 60_000_000  # pixels one PDF image declares (a 600 dpi A4 scan has 35 million)
    max_images_total: int = 1024 * MiB  # bytes all images of one PDF decode to (a codec image: its pixels)
    max_depth: int = 64  # nesting of JSON/YAML structured reports
    max_cells: int = 20_000  # table cells of one text or Markdown document (a report has a few hundred)
    max_ocr_pages: int = 100  # pages of one PDF left for OCR (≈ 2 s each; a 60-page scan is read)
    max_convert_seconds: int = 7  # wall time LibreOffice may take on one .doc/.wps/.rtf (≈ 2–3 s a report)

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name.replace("_", "-") for f in fields(cls)]


class LimitExceeded(LoadError):
    """An input over one of the limits; the message names the limit and its configuration key."""

    def __init__(self, key: str, limit: int, what: str, what_en: str) -> None:
        name = key.replace("_", "-")
        super().__init__(
            f"{what}，超过限制 {name} = {limit}（可在配置文件 [limits] 中调整）",
            f"{what_en}: over the limit {name} = {limit} (set in the [limits] table of the configuration)",
        )
        self.key = name
        self.limit = limit


DEFAULT = Limits()
_active: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("limits", default=None)


def current() -> Limits:
    return _active.get() or DEFAULT


@contextlib.contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    token = _active.set(limits)
    try:
        yield limits
    finally:
        _active.reset(token)


def check_table_cells(count: int, shape: str = "") -> None:
    """Refuse one table of more than ``max-cells`` cells before its cells are read or expanded."""
    limit = current().max_cells
    if count > limit:
        size = shape or str(count)
        raise LimitExceeded("max_cells", limit, f"表格过大（{size} 个单元格）", f"a table is too large ({size} cells)")


def check_cells(document: Document, limits: Limits | None = None) -> None:
    """Refuse a document whose tables hold more cells than ``max-cells``, whatever its format.

    The mapping matches every table row's label against the template, so a document of tens of
    thousands of rows costs seconds there even when every reader built it quickly.
    """
    limit = (limits or current()).max_cells
    cells = sum(len(row) for block in document.blocks if isinstance(block, Grid) for row in block.rows)
    if cells > limit:
        raise LimitExceeded("max_cells", limit, f"表格单元格过多（{cells} 个）", f"too many table cells ({cells})")


# What native libraries say when an allocation fails (ONNX Runtime's std::bad_alloc, OpenCV's
# "Insufficient memory", a shared library that cannot be mapped when it is first imported).
_NATIVE_OUT_OF_MEMORY = (
    "bad_alloc",
    "insufficient memory",
    "failed to allocate",
    "cannot allocate memory",
    "failed to map segment",
)


def out_of_memory(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is an allocation failing, in Python or in a native library.

    Under the worker's memory cap, OpenCV and ONNX Runtime do not raise ``MemoryError``: they raise
    their own errors, which would read as a crash or as a damaged file instead of the memory limit.
    """
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, MemoryError) or any(sign in str(exc).lower() for sign in _NATIVE_OUT_OF_MEMORY):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


# ---- archives ----------------------------------------------------------------------------------

_CHUNK = MiB
_RATIO_FLOOR = MiB  # small members may compress extremely well (runs of spaces); only big ones are bombs


class SafeZip:
    """A zip archive whose members are read against the limits, counting the bytes they inflate to.

    ``kind`` names the format in messages ("DOCX", "OFD"). Headers are only a first, cheap check:
    a member's real size is what inflating it produces, counted chunk by chunk, so an archive
    whose headers understate its members is stopped at the limit, not after it has filled memory.
    """

    def __init__(self, data: bytes, kind: str, limits: Limits | None = None) -> None:
        self.kind = kind
        self.limits = limits or current()
        self.produced = 0
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            self.entries = self.archive.infolist()
        except Exception as exc:  # BadZipFile, but also ValueError, OSError, NotImplementedError…
            raise LoadError(f"{kind} 文件已损坏或被截断", f"the {kind} file is damaged or truncated") from exc
        if len(self.entries) > self.limits.max_entries:
            raise LimitExceeded(
                "max_entries",
                self.limits.max_entries,
                f"{kind} 压缩包条目过多（{len(self.entries)} 个）",
                f"the {kind} archive has {len(self.entries)} entries",
            )
        for entry in self.entries:
            if entry.flag_bits & 0x1:
                raise LoadError(f"{kind} 文件已加密，无法读取", f"the {kind} file is encrypted")
            if entry.file_size > _RATIO_FLOOR and entry.file_size > self.limits.max_ratio * max(entry.compress_size, 1):
                self._over_ratio(entry.filename)  # claimed by the header: no need to inflate it to know
        claimed = sum(entry.file_size for entry in self.entries)
        if claimed > self.limits.max_unzipped:
            self._over_total(claimed)

    @property
    def names(self) -> list[str]:
        return [entry.filename for entry in self.entries]

    def read(self, name: str) -> bytes:
        """One member's bytes, inflated in chunks under the per-member, total and ratio limits."""
        try:
            entry = self.archive.getinfo(name)
        except KeyError as exc:
            raise LoadError(f"{self.kind} 压缩包中没有 {name}", f"the {self.kind} archive has no {name}") from exc
        limits = self.limits
        if entry.file_size > limits.max_member:
            self._over_member(name, entry.file_size)
        # zipfile stops inflating at the size the header claims; claiming one byte over the limit
        # instead lets the real size show, so a member whose header lies meets the limit by name.
        trusted = copy.copy(entry)
        trusted.file_size = limits.max_member + 1
        parts: list[bytes] = []
        size = 0
        try:
            with self.archive.open(trusted) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    self.produced += len(chunk)
                    if size > limits.max_member:
                        self._over_member(name, size)
                    if self.produced > limits.max_unzipped:
                        self._over_total(self.produced)
                    if size > _RATIO_FLOOR and size > limits.max_ratio * max(entry.compress_size, 1):
                        self._over_ratio(name)
                    parts.append(chunk)
        except LoadError:
            raise
        except Exception as exc:  # zipfile, zlib, bz2, lzma: each has its own errors for damaged data
            raise LoadError(
                f"{self.kind} 文件已损坏：条目 {name} 无法解压",
                f"the {self.kind} file is damaged: {name} cannot be read",
            ) from exc
        if size != entry.file_size:
            raise LoadError(
                f"{self.kind} 文件已损坏：条目 {name} 的大小与文件头不符",
                f"the {self.kind} file is damaged: {name} is not the size its header says",
            )
        return b"".join(parts)

    def read_all(self) -> dict[str, bytes]:
        return {entry.filename: self.read(entry.filename) for entry in self.entries if not entry.is_dir()}

    def _over_member(self, name: str, size: int) -> None:
        raise LimitExceeded(
            "max_member",
            self.limits.max_member,
            f"{self.kind} 条目 {name} 解压后过大（至少 {size} 字节）",
            f"{self.kind} entry {name} inflates to at least {size} bytes",
        )

    def _over_ratio(self, name: str) -> None:
        raise LimitExceeded(
            "max_ratio",
            self.limits.max_ratio,
            f"{self.kind} 条目 {name} 压缩比异常（疑为压缩炸弹）",
            f"{self.kind} entry {name} inflates more than {self.limits.max_ratio} times (a zip bomb?)",
        )

    def _over_total(self, size: int) -> None:
        raise LimitExceeded(
            "max_unzipped",
            self.limits.max_unzipped,
            f"{self.kind} 解压后过大（至少 {size} 字节，疑为压缩炸弹）",
            f"the {self.kind} inflates to at least {size} bytes (a zip bomb?)",
        )
