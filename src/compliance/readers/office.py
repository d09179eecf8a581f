"""Legacy word-processor files (.doc, WPS .wps, .rtf): converted to DOCX by LibreOffice, then read as DOCX.

LibreOffice (``soffice``) is run directly, never through a shell, in a private temporary folder
with its own throw-away user profile (so it neither touches nor waits for the user's running
LibreOffice), without a window, with a time limit (``max-convert-seconds`` of wall time, the same in
CPU time enforced by the kernel) and a limit on the size of the files it writes (``max-unzipped``);
the whole process group is killed when the time limit is reached.
Without LibreOffice the file becomes one ``input`` finding that says so.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from compliance.document import Document, LoadError
from compliance.hookspecs import hookimpl
from compliance.readers.limits import LimitExceeded, current

# Least CPU seconds LibreOffice may use on one file, enforced by the kernel (RLIMIT_CPU, inherited
# by soffice.bin): a batch worker killed at --timeout cannot kill LibreOffice, which runs in its own
# session, and a hostile RTF kept it busy for minutes after (one repeating a control word 15,000
# times took 25 s). A real report costs it one to three. The wall-time limit (``max-convert-seconds``,
# waited for here) ends a conversion first on a loaded machine, where 10 CPU-s took 25–30 s.
CONVERT_CPU_SECONDS = 10
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF_MAGIC = b"{\\rtf"


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str, timeout: float | None = None) -> bytes:
    """The DOCX LibreOffice makes of ``data``; LoadError when it is missing or fails, LimitExceeded
    (``max-convert-seconds``) when it runs out of time, wall or CPU (``timeout``: seconds instead of
    the limit)."""
    limit = current().max_convert_seconds
    seconds = float(timeout) if timeout is not None else float(limit)
    soffice = find_soffice()
    if soffice is None:
        raise LoadError(
            f"读取 {suffix} 文件需要 LibreOffice（soffice）进行格式转换，但本机未安装",
            f"reading a {suffix} file needs LibreOffice (soffice) to convert it, and it is not installed",
        )
    with tempfile.TemporaryDirectory(prefix="compliance-convert-") as folder:
        work = Path(folder)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        out = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx",
            "--outdir",
            str(out),
            str(source),
        ]
        cpu_seconds = max(CONVERT_CPU_SECONDS, limit)
        largest = current().max_unzipped  # the DOCX is read under this limit: a larger one is refused
        cpu_before = _children_cpu()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=folder,
            start_new_session=True,  # its own process group, so a timeout kills soffice.bin too
            preexec_fn=_kernel_limits(cpu_seconds, largest + 1),
        )
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired as exc:
            _kill(process)
            raise _over_time(suffix, limit, seconds) from exc
        except BaseException:
            # Interrupted (Ctrl-C, a time limit of the caller's raised as an exception): LibreOffice
            # runs in its own session, so it would outlive us, still converting a hostile file.
            _kill(process)
            raise
        converted = out / "input.docx"
        # Stopped by the kernel at the file size limit (``RLIMIT_FSIZE``): the DOCX is cut there.
        if converted.is_file() and converted.stat().st_size > largest:
            raise LimitExceeded(
                "max_unzipped",
                largest,
                f"LibreOffice 转换 {suffix} 文件得到的 DOCX 过大",
                f"the DOCX LibreOffice made of the {suffix} file is too large",
            )
        # Ended by its CPU limit, LibreOffice aborts (exit 134 from soffice), like a crash on a
        # damaged file: the CPU time its processes used tells the two apart.
        if process.returncode != 0 and _children_cpu() - cpu_before >= cpu_seconds - 0.5:
            raise _over_time(suffix, limit, cpu_seconds)
        if process.returncode != 0 or not converted.is_file():
            raise LoadError(
                f"LibreOffice 无法转换该 {suffix} 文件，文件可能已损坏或加密",
                f"LibreOffice could not convert the {suffix} file; it may be damaged or encrypted",
            )
        return converted.read_bytes()


def _over_time(suffix: str, limit: int, seconds: float) -> LoadError:
    what = f"LibreOffice 转换 {suffix} 文件超过 {seconds:g} 秒"
    what_en = f"LibreOffice took longer than {seconds:g} s to convert the {suffix} file"
    return LimitExceeded("max_convert_seconds", limit, what, what_en)


def _children_cpu() -> float:
    """CPU seconds used by this process's children (and theirs) that have ended (0 where unknown)."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _kernel_limits(seconds: int, file_bytes: int) -> Callable[[], None] | None:
    """What the child runs before LibreOffice starts: its CPU-time limit, and the size of any file
    it writes (a hostile file made into a DOCX of gigabytes would fill the disk before the wall
    limit; ``RLIMIT_FSIZE`` stops the write there). None where there are no such limits.

    Made in the parent, so the child only calls into C between fork and exec.
    """
    try:
        import resource
    except ImportError:  # not on this platform
        return None
    cpu = functools.partial(resource.setrlimit, resource.RLIMIT_CPU, (seconds, seconds + 5))
    size = functools.partial(resource.setrlimit, resource.RLIMIT_FSIZE, (file_bytes, file_bytes))

    def apply() -> None:
        cpu()
        size()

    return apply


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill LibreOffice's whole process group (soffice starts soffice.bin) and reap it."""
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class OfficeReader:
    name = "office"
    extensions = (".doc", ".wps", ".rtf")

    def sniff(self, data: bytes, path: str) -> int:
        lower = path.lower()
        if data.startswith(_RTF_MAGIC):
            return 95
        if data.startswith(_OLE_MAGIC):
            # An encrypted .docx is an OLE file too: the DOCX reader explains that one.
            return 90 if lower.endswith((".doc", ".wps")) else 40 if not lower.endswith(".docx") else 0
        return 0

    def read(self, data: bytes, path: str) -> Document:
        from compliance.readers.docx import DocxReader

        if not data.startswith((_OLE_MAGIC, _RTF_MAGIC)):
            # Never start LibreOffice for bytes that are not even a legacy Word or RTF file.
            raise LoadError("不是有效的 Word（.doc/.wps）或 RTF 文件", "not a valid Word (.doc/.wps) or RTF file")
        suffix = ".rtf" if data.startswith(_RTF_MAGIC) else Path(path).suffix.lower() or ".doc"
        if suffix not in self.extensions:
            suffix = ".doc"
        document = DocxReader().read(convert_to_docx(data, suffix), path)
        document.format = suffix.lstrip(".")
        document.sha256 = hashlib.sha256(data).hexdigest()
        return document


@hookimpl
def compliance_readers() -> list[object]:
    return [OfficeReader()]
