"""A temporary file that holds a batch's results or reports until a batch-wide step is done.

Pairing and roll-up need every report of the batch before any result is final, so what they
would otherwise keep in memory (compressed reports, results) goes to disk instead: the parent
keeps two integers per entry, whatever the size of the batch.
"""

from __future__ import annotations

import tempfile
from array import array
from typing import Any

from compliance.batch.stored import pack, unpacked


class Spool:
    """Values stored by index (0, 1, …; ``size`` of them expected) in an unnamed temporary file,
    read back in any order; more than ``size`` are taken too."""

    def __init__(self, size: int = 0) -> None:
        # Closed by close()/__exit__: the spool outlives any one with-block of its owner's methods.
        self._file = tempfile.TemporaryFile(prefix="compliance-batch-")  # noqa: SIM115
        self._offsets = array("q", [-1]) * size
        self._lengths = array("q", [0]) * size
        self._end = 0

    def put(self, index: int, data: bytes) -> None:
        if index >= len(self._offsets):
            missing = index + 1 - len(self._offsets)
            self._offsets.extend(array("q", [-1]) * missing)
            self._lengths.extend(array("q", [0]) * missing)
        self._file.seek(self._end)
        self._file.write(data)
        self._offsets[index], self._lengths[index] = self._end, len(data)
        self._end += len(data)

    def has(self, index: int) -> bool:
        return index < len(self._offsets) and self._offsets[index] >= 0

    def get(self, index: int) -> bytes | None:
        if not self.has(index):
            return None
        self._file.seek(self._offsets[index])
        return self._file.read(self._lengths[index])

    @staticmethod
    def pack(value: Any) -> bytes:
        """``value`` as ``put_object`` stores it (a worker may pack what the parent will only store)."""
        return pack(value)

    def put_object(self, index: int, value: Any) -> None:
        self.put(index, self.pack(value))

    def get_object(self, index: int) -> Any:
        data = self.get(index)
        return None if data is None else unpacked(data)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
