"""The external programs that make renderings: LibreOffice, Chromium, pdftotext and pandoc.

Each runs without a shell, with a timeout, in its own process group (so a hung converter and its
children are ended together), and with a private profile directory so it never touches, or waits
for, a profile another LibreOffice or Chromium on the machine is using.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

SOFFICE_NAMES = ("soffice", "libreoffice")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


class ToolError(RuntimeError):
    """A converter failed, timed out or did not write the file it was asked for."""


def find_tool(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_tools() -> list[str]:
    """The converters this machine lacks (the harness needs all four)."""
    missing = []
    if find_tool(SOFFICE_NAMES) is None:
        missing.append("soffice")
    if find_tool(CHROMIUM_NAMES) is None:
        missing.append("chromium")
    if find_tool(("pdftotext",)) is None:
        missing.append("pdftotext")
    if find_tool(("pandoc",)) is None:
        missing.append("pandoc")
    missing += [browser for browser in BROWSERS if find_tool((browser,)) is None]
    return missing


def run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run a converter; on timeout end its whole process group and raise ToolError."""
    with subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ToolError(f"{Path(args[0]).name} timed out after {timeout:.0f} s") from None
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def soffice_convert(inputs: list[Path], target: str, outdir: Path, infilter: str | None = None) -> dict[Path, Path]:
    """Convert a batch of files with one LibreOffice start; returns input → output for those written.

    ``target`` is what ``--convert-to`` takes (``docx:"MS Word 2007 XML"``, ``pdf``, …). The output
    of ``dir/name.ext`` is ``outdir/name.<target extension>``, so input names must be unique.
    """
    binary = find_tool(SOFFICE_NAMES)
    if binary is None:
        raise ToolError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="render-soffice-") as profile:
        args = [binary, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore"]
        if infilter:
            args.append(f"--infilter={infilter}")
        args += ["--convert-to", target, "--outdir", str(outdir), *map(str, inputs)]
        done = run(args, timeout=60 + 15 * len(inputs))
    written = {}
    for source in inputs:
        output = outdir / f"{source.stem}.{extension}"
        if output.is_file() and output.stat().st_size > 0:
            written[source] = output
    if not written and inputs:
        raise ToolError(f"soffice wrote nothing (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    return written


def pdftohtml(pdf: Path, output: Path, mode: str = "") -> None:
    """A PDF as poppler's ``pdftohtml`` makes a web page of it: every text run placed by position.

    ``mode``: ``-c`` (complex), which cuts the text into smaller runs (each font change and
    spacing a run of its own) as it would be laid over the page's picture; ``-xml``, its XML of
    the same runs with their boxes.
    """
    binary = find_tool(("pdftohtml",))
    if binary is None:
        raise ToolError("pdftohtml is not installed")
    stem = output.with_suffix("")
    options = [mode] if mode else []
    args = [binary, "-q", *options, "-s", "-noframes", "-i", "-enc", "UTF-8", str(pdf), str(stem)]
    done = run(args, timeout=120)
    made = Path(f"{stem}.xml" if mode == "-xml" else f"{stem}.html")
    if done.returncode != 0 or not made.is_file():
        raise ToolError(f"pdftohtml failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    if made != output:
        made.replace(output)


# How text browsers dump a page: w3m lays tables out in aligned columns, lynx prints every cell as
# a paragraph of its own.
BROWSERS = {
    "w3m": ["-dump", "-cols", "200", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"],
    "lynx": ["-dump", "-nolist", "-width=200", "-assume_charset=utf-8", "-display_charset=utf-8"],
}


def browser_dump(html: Path, output: Path, browser: str) -> None:
    """A web page as a text browser dumps it (``w3m -dump``, ``lynx -dump``)."""
    binary = find_tool((browser,))
    if binary is None:
        raise ToolError(f"{browser} is not installed")
    # Both browsers are told to write UTF-8, which run() decodes whatever the locale.
    done = run([binary, *BROWSERS[browser], str(html)], timeout=120)
    if done.returncode != 0 or not done.stdout.strip():
        raise ToolError(f"{browser} failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    output.write_text(done.stdout, encoding="utf-8")


def reading_order_text(pdf: Path, output: Path, extractor: str) -> None:
    """A PDF's text in reading order as the usual tools give it without options: ``pdftotext``
    (``plain``), pdfminer.six's ``extract_text`` (``pdfminer``), pdfplumber's ``extract_text``."""
    if extractor == "plain":
        binary = find_tool(("pdftotext",))
        if binary is None:
            raise ToolError("pdftotext (poppler-utils) is not installed")
        done = run([binary, "-enc", "UTF-8", str(pdf), str(output)], timeout=120)
        if done.returncode != 0 or not output.is_file():
            raise ToolError(f"pdftotext failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
        return
    if extractor == "pdfminer":
        from pdfminer.high_level import extract_text

        output.write_text(extract_text(str(pdf)), encoding="utf-8")
        return
    import pdfplumber

    with pdfplumber.open(str(pdf)) as document:
        output.write_text("\n".join(page.extract_text() or "" for page in document.pages), encoding="utf-8")


READING_ORDER = ("plain", "pdfminer", "pdfplumber")


def pandoc_convert(source: Path, output: Path, to: str) -> None:
    """Convert a DOCX with pandoc (``to``: gfm, commonmark, markdown, plain), lines unwrapped."""
    binary = find_tool(("pandoc",))
    if binary is None:
        raise ToolError("pandoc is not installed")
    done = run([binary, "-f", "docx", "-t", to, "--wrap=none", "-o", str(output), str(source)], timeout=120)
    if done.returncode != 0 or not output.is_file():
        raise ToolError(f"pandoc failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")


def chromium_print(page: Path, output: Path) -> None:
    """Print an HTML file to PDF as a browser's "Save as PDF" does (without header and footer)."""
    binary = find_tool(CHROMIUM_NAMES)
    if binary is None:
        raise ToolError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="render-chromium-") as profile:
        args = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            # The page footer would print the file:// path of the cache (digits of a hash) as text.
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={output}",
            page.resolve().as_uri(),
        ]
        done = run(args, timeout=120)
    if not output.is_file() or output.stat().st_size == 0:
        raise ToolError(f"chromium wrote no PDF (exit {done.returncode}): {done.stderr.strip()[-500:]}")


def pdftotext(pdf: Path, output: Path, mode: str) -> None:
    """``pdftotext -layout`` or ``-raw`` (``mode`` is ``layout`` or ``raw``), UTF-8 output."""
    binary = find_tool(("pdftotext",))
    if binary is None:
        raise ToolError("pdftotext (poppler-utils) is not installed")
    done = run([binary, f"-{mode}", "-enc", "UTF-8", str(pdf), str(output)], timeout=120)
    if done.returncode != 0 or not output.is_file():
        raise ToolError(f"pdftotext -{mode} failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
