"""LibreOffice conversions never outlive the reader that started them."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from compliance.readers import office
from compliance.readers.limits import LimitExceeded, Limits, applied


class _Interrupted(BaseException):
    pass


def test_an_interrupted_conversion_kills_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for soffice that starts a child of its own (as soffice starts soffice.bin) and
    # converts for ever; the reader is interrupted the way a caller's time limit interrupts it.
    pids = tmp_path / "pids"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $$ $! > {pids}\nwait\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(office, "find_soffice", lambda: str(fake))

    def interrupt(signum: int, frame: Any) -> None:
        raise _Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(_Interrupted):
            office.convert_to_docx(b"{\\rtf1 x}", ".rtf", timeout=60)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    started = [int(pid) for pid in pids.read_text(encoding="utf-8").split()]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in started):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in started)


def _alive(pid: int) -> bool:
    """Still running a few seconds on: a killed process takes a moment to go on a loaded machine."""
    deadline = time.monotonic() + 5
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _running(pid)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")  # a zombie is gone


def _stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> Path:
    """A stand-in soffice running ``script`` (``{pids}``: the file it writes its child's pid to)."""
    pids = tmp_path / "pids"
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n" + script.format(pids=pids) + "\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(office, "find_soffice", lambda: str(fake))
    return pids


def test_libreoffice_is_bounded_in_cpu_time_whoever_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A batch worker killed at --timeout cannot kill LibreOffice (its own session): the kernel's
    # CPU limit, inherited by soffice.bin, ends a conversion that would spin for ever.
    # Like soffice, the wrapper reports how its child ended (LibreOffice itself aborts at SIGXCPU).
    pids = _stand_in(tmp_path, monkeypatch, "sh -c 'while :; do :; done' &\necho $! > {pids}\nwait $!")
    monkeypatch.setattr(office, "CONVERT_CPU_SECONDS", 1)
    started = time.monotonic()
    with applied(Limits(max_convert_seconds=1)), pytest.raises(LimitExceeded) as refused:
        office.convert_to_docx(b"{\\rtf1 x}", ".rtf", timeout=60)  # the wall limit out of the way
    assert refused.value.key == "max-convert-seconds"
    assert time.monotonic() - started < 30
    assert not _alive(int(pids.read_text(encoding="utf-8")))


def test_libreoffice_is_bounded_in_wall_time_and_the_finding_names_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a loaded machine 10 CPU-s of LibreOffice took 25–30 s of wall time: the wall limit
    # (max-convert-seconds) ends a conversion that waits or crawls, whatever its CPU time.
    pids = _stand_in(tmp_path, monkeypatch, "sleep 300 &\necho $! > {pids}\nwait")
    started = time.monotonic()
    with applied(Limits(max_convert_seconds=1)), pytest.raises(LimitExceeded) as refused:
        office.convert_to_docx(b"{\\rtf1 x}", ".rtf")
    assert time.monotonic() - started < 30  # ended at its limit, never the stand-in's 300 s
    assert refused.value.key == "max-convert-seconds"
    assert "max-convert-seconds = 1" in refused.value.message_en
    assert not _alive(int(pids.read_text(encoding="utf-8")))


def test_a_conversion_writing_a_huge_docx_is_stopped_at_the_unzip_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # LibreOffice making a hostile file into gigabytes of DOCX would fill the disk within the wall
    # limit, and the DOCX was then read whole: the kernel stops the write at ``max-unzipped``.
    # The stand-in tries to write 8 MB where its output goes ("$8" is the --outdir), and says how
    # much it wrote.
    script = 'mkdir -p "$8"\nhead -c 8000000 /dev/zero > "$8/input.docx"\nstat -c %s "$8/input.docx" > {pids}\nexit 0'
    sizes = _stand_in(tmp_path, monkeypatch, script)
    with applied(Limits(max_unzipped=1_000_000)), pytest.raises(LimitExceeded) as refused:
        office.convert_to_docx(b"{\\rtf1 x}", ".rtf", timeout=60)
    assert refused.value.key == "max-unzipped"
    assert int(sizes.read_text(encoding="utf-8")) <= 1_000_001  # stopped by the kernel, not after
