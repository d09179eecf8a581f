"""Packed reports of a batch, kept on disk until cross-year pairing or roll-up needs them again.

Pairing and roll-up need reports again once every report is read. Sent through the parent, each
report would cross a pipe three times (to the parent, and back to a worker with its pair) and be
written and read by the parent in between. Instead, a worker of the local pool appends each packed
report to a file of its own in the batch's temporary folder and returns only where it stands
(``Stored``: file, offset, length); a cross-year task names two such places and the worker reads
the bytes itself. The parent keeps three integers per report.

Workers that share no disk with the parent (a Dask cluster) send the bytes instead; the parent
writes them to a file of its own and sends bytes back in tasks (``ReportStore(shared=False)``).
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from compliance.model import Report


def pack(value: object) -> bytes:
    """A report (or a read document, or a result) pickled and lightly compressed for a worker's file."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpacked(blob: bytes) -> Any:
    """What ``pack`` packed."""
    return pickle.loads(zlib.decompress(blob))


def unpack(blob: bytes) -> Report:
    report: Report = unpacked(blob)
    return report


@dataclass(frozen=True)
class Stored:
    """Where one packed report stands: ``length`` bytes at ``offset`` in the file ``path``."""

    path: str
    offset: int
    length: int


# This worker process's own file per batch folder (opened on first use, after the fork).
_own: dict[str, tuple[int, BinaryIO]] = {}


def put_in(folder: str, blob: bytes) -> Stored:
    """On a worker: append ``blob`` to this process's file in ``folder``; where it now stands."""
    pid = os.getpid()
    held = _own.get(folder)
    if held is None or held[0] != pid:  # a file per process: workers never write to one file
        path = os.path.join(folder, f"worker-{pid}.bin")
        held = (pid, open(path, "ab"))  # noqa: SIM115  (kept open for the worker's whole life)
        _own[folder] = held
    out = held[1]
    offset = out.tell()
    out.write(blob)
    out.flush()  # read next by another process
    return Stored(out.name, offset, len(blob))  # type: ignore[arg-type]


def read_stored(ref: bytes | Stored) -> bytes:
    """The packed report a task names: the bytes themselves, or read from where they stand."""
    if isinstance(ref, bytes):
        return ref
    fd = os.open(ref.path, os.O_RDONLY)
    try:
        return os.pread(fd, ref.length, ref.offset)
    finally:
        os.close(fd)


class ReportStore:
    """Packed reports of a batch by index, in a temporary folder removed by ``close``.

    ``shared``: the workers read the folder too (the local pool), so tasks carry ``Stored``
    places; otherwise tasks carry the bytes.
    """

    def __init__(self, size: int = 0, shared: bool = True) -> None:
        self.folder = tempfile.mkdtemp(prefix="compliance-batch-")
        self.shared = shared
        self._paths: list[str] = []
        self._path_numbers: dict[str, int] = {}
        self._files = array("i", [-1]) * size
        self._offsets = array("q", [0]) * size
        self._lengths = array("q", [0]) * size
        self._own: BinaryIO | None = None

    def put(self, index: int, value: bytes | Stored) -> None:
        stored = value if isinstance(value, Stored) else self._write(value)
        if index >= len(self._files):
            missing = index + 1 - len(self._files)
            self._files.extend(array("i", [-1]) * missing)
            self._offsets.extend(array("q", [0]) * missing)
            self._lengths.extend(array("q", [0]) * missing)
        number = self._path_numbers.get(stored.path)
        if number is None:
            number = self._path_numbers[stored.path] = len(self._paths)
            self._paths.append(stored.path)
        self._files[index], self._offsets[index], self._lengths[index] = number, stored.offset, stored.length

    def _write(self, blob: bytes) -> Stored:
        if self._own is None:
            self._own = open(os.path.join(self.folder, "parent.bin"), "ab")  # noqa: SIM115  (closed by close())
        offset = self._own.tell()
        self._own.write(blob)
        self._own.flush()
        return Stored(self._own.name, offset, len(blob))  # type: ignore[arg-type]

    def has(self, index: int) -> bool:
        return index < len(self._files) and self._files[index] >= 0

    def stored(self, index: int) -> Stored | None:
        if not self.has(index):
            return None
        return Stored(self._paths[self._files[index]], self._offsets[index], self._lengths[index])

    def ref(self, index: int) -> bytes | Stored | None:
        """What a task names this report by: its place when the workers share the folder, else its bytes."""
        return self.stored(index) if self.shared else self.get(index)

    def get(self, index: int) -> bytes | None:
        stored = self.stored(index)
        return None if stored is None else read_stored(stored)

    def close(self) -> None:
        if self._own is not None:
            self._own.close()
        shutil.rmtree(Path(self.folder), ignore_errors=True)

    def __enter__(self) -> ReportStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
