"""Long mutation fuzz of every loader: inputs tried, refusals, timeouts, crashes and memory, per loader.

Each loader (reader + template mapping + every rule) gets our own samples as seeds (reports/*.txt
rendered as text, Markdown, HTML, DOCX, PDF, OFD, JSON and YAML, plus UTF-16, a small scanned
PNG for the OCR path, and RTF / Word 97 / WPS files LibreOffice saves from our DOCX for the
``office`` loader, which is not in the default list: every input starts LibreOffice, ≈ 4 s) and
reads mutated copies of them:
bytes flipped, cut, inserted, deleted, duplicated, and chunks repeated thousands of times (the
cheap way to reach the limits). Every input must end as a Document/Report or a LoadError within
``--timeout`` seconds of CPU time (and ``--wall`` seconds of wall time, a guard against waiting
for ever); anything else is a crash, and so is a rule that fails on the report
read (an ``internal`` finding). Inputs are read in-process, a fresh forked process every
``--round`` inputs, under the batch worker's memory cap (``RLIMIT_DATA``), so a MemoryError is
counted, not fatal; a crash is shown with the line that raised it. A script that prints figures,
not a test:

    python bench/bench_fuzz.py [--seconds 120] [--inputs 100000] [--loaders txt,md,...] [--seed 1] [--jobs 2]

Where the time goes (cProfile, December 2026): the harness (mutating, timers, memory readings)
is about 1 % of it; the rest is the loader, the mapping and the rules on each input, so
``--jobs`` runs rounds side by side on more cores, and the last column says inputs a second.

Crashing and timed-out inputs are written to ``--out`` (default /tmp/compliance-fuzz) to replay.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from compliance.batch.pool import limit_memory  # noqa: E402
from compliance.document import Document, LoadError  # noqa: E402
from compliance.engine import check_report, get_registry  # noqa: E402
from compliance.mapping.build import build_report  # noqa: E402
from compliance.model import Report  # noqa: E402
from compliance.readers.limits import LimitExceeded  # noqa: E402

LOADERS = ("txt", "md", "html", "docx", "pdf", "ofd", "json", "yaml", "utf16", "image")
# Loaders whose seeds cycle through several file names (the name picks the conversion).
_NAMES = {"office": ("r.rtf", "r.doc", "r.wps")}


_MAX_INPUT = 2 * 1024 * 1024  # mutated inputs are cut here, so the fuzzer's own memory stays flat


class _Overtime(BaseException):  # not an Exception: the engine isolates failing rules by catching those
    pass


# The per-input limit is CPU time, not wall time: the fuzzer runs at nice 19 beside other work, and
# a niced process on a busy machine gets a few per cent of a core, so an input of 0.1 s of CPU
# took over 10 s of wall time (and replayed in 0.11 s). Wall time is still bounded, more loosely.
WALL_FACTOR = 6


class RuleFailed(Exception):
    """A rule raised on a report that was read: the engine shows it as an ``internal`` finding."""


def seeds(loader: str) -> tuple[str, str, list[bytes]]:
    """(reader name, file name, seed inputs) for one loader."""
    import yaml
    from documents import minimal_pdf, pdf_ruled_table, pdf_text, to_docx, to_html, to_markdown

    samples = sorted((HERE.parent / "reports").glob("*.txt"))[:3]
    texts = [p.read_text(encoding="utf-8") for p in samples]
    if loader == "txt":
        return "text", "r.txt", [t.encode() for t in texts]
    if loader == "utf16":
        return "text", "r.txt", [t.encode(e) for t in texts[:1] for e in ("utf-16", "utf-16-be", "utf-32-le")]
    if loader == "md":
        return "markdown", "r.md", [to_markdown(t).encode() for t in texts]
    if loader == "html":
        return "html", "r.html", [to_html(t).encode() for t in texts]
    if loader == "docx":
        return "docx", "r.docx", [to_docx(t) for t in texts[:2]]
    if loader == "ofd":
        from ofd_build import to_ofd

        return "ofd", "r.ofd", [to_ofd(t) for t in texts[:2]]
    if loader == "image":
        return "image", "r.png", [_scan_png(texts[0])]
    if loader == "office":
        return "office", "r.doc", _office_seeds(to_docx(texts[0]))
    if loader == "pdf":
        table = pdf_ruled_table(72, 700, [150, 60, 60], [["Label", "A", "Total"], ["row", "1", "1"]])
        content = pdf_text(72, 780, "Annual report") + table
        from pdf_bombs import filtered_pages

        return "pdf", "r.pdf", [minimal_pdf([content]), *filtered_pages(content.encode("latin-1"))]
    from compliance.engine import load_report

    reports = [load_report(p).model_dump(mode="json") for p in samples]
    if loader == "json":
        import json

        return "json", "r.json", [json.dumps(r, ensure_ascii=False).encode() for r in reports]
    return "yaml", "r.yaml", [yaml.safe_dump(r, allow_unicode=True).encode() for r in reports]


def _office_seeds(docx: bytes) -> list[bytes]:
    """Our DOCX saved by LibreOffice as RTF and as Word 97 (also read as .wps): the office loader's seeds."""
    import subprocess
    import tempfile

    from compliance.readers.office import find_soffice

    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("the office loader needs LibreOffice (soffice)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "r.docx"
        source.write_bytes(docx)
        out = []
        for kind in ("rtf", "doc"):
            profile = f"-env:UserInstallation={(Path(folder) / 'profile').as_uri()}"
            convert = [soffice, profile, "--headless", "--convert-to", kind, "--outdir", folder, str(source)]
            subprocess.run(convert, check=True, capture_output=True, timeout=300)
            out.append((Path(folder) / f"r.{kind}").read_bytes())
    return out


def _scan_png(text: str) -> bytes:
    """A small grey page with a few lines of Latin text: a seed that exercises decoding and OCR."""
    import io

    from PIL import Image, ImageDraw

    page = Image.new("L", (400, 200), 255)
    draw = ImageDraw.Draw(page)
    for row, line in enumerate(["Annual report 2023", "Row 1  12  3", "Total 15"]):
        draw.text((10, 10 + 30 * row), line, fill=0)
    out = io.BytesIO()
    page.save(out, format="PNG")
    return out.getvalue()


def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        position = rng.randrange(max(len(out), 1))
        action = rng.random()
        if action < 0.3 and out:
            out[position] ^= rng.randint(1, 255)
        elif action < 0.4:
            del out[position:]
        elif action < 0.6:
            out[position:position] = rng.randbytes(rng.randint(1, 64))
        elif action < 0.75:
            del out[position : position + rng.randint(1, 512)]
        elif action < 0.9:
            out[position:position] = out[position : position + rng.randint(1, 256)]
        else:  # repeat a small chunk many times: long lines, deep nesting, many operators
            chunk = bytes(out[position : position + rng.randint(1, 16)]) or b"["
            out[position:position] = chunk * rng.randint(100, 20_000)
        if len(out) > _MAX_INPUT:
            del out[_MAX_INPUT:]
    return bytes(out)


def mutate_member(rng: random.Random, data: bytes) -> bytes:
    """Mutate one member of a zip container (DOCX, OFD) and zip it again, so the XML is fuzzed too.

    Bytes flipped in the archive itself mostly break its checksums; this reaches the readers.
    """
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    target = rng.randrange(len(members))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(members):
            archive.writestr(name, mutate(rng, content) if index == target else content)
    return out.getvalue()


def _alarm(signum: int, frame: Any) -> None:
    raise _Overtime(signal.Signals(signum).name)


def fuzz(
    loader: str,
    until: float,
    inputs: int,
    timeout: float,
    seed: int,
    out: Path,
    memory: int,
    seeded: tuple[str, str, list[bytes]] | None = None,
) -> dict:
    limit_memory(memory)
    registry = get_registry()
    reader_name, name, corpus = seeded or seeds(loader)
    reader = next(r for r in registry.readers if r.name == reader_name)
    rng = random.Random(seed)
    counts = {"tried": 0, "read": 0, "refused": 0, "limit": 0, "timeout": 0, "crash": 0, "memory": 0}
    crashes: dict[str, int] = {}
    slowest = slowest_wall = 0.0
    signal.signal(signal.SIGALRM, _alarm)  # wall time
    signal.signal(signal.SIGPROF, _alarm)  # CPU time of this process
    deadline = until  # time.monotonic() is the system's clock since boot: the same in every process
    input_peak = growth = 0
    while counts["tried"] < inputs and time.monotonic() < deadline:
        counts["tried"] += 1
        _reset_peak()
        before = _peak_kb()  # just reset: the resident size now
        start, start_cpu = time.perf_counter(), time.process_time()
        data = b""
        signal.setitimer(signal.ITIMER_PROF, timeout)
        signal.setitimer(signal.ITIMER_REAL, timeout * WALL_FACTOR)
        try:
            pick = rng.randrange(len(corpus))
            names = _NAMES.get(loader, (name,))
            zipped = loader in ("docx", "ofd") and rng.random() < 0.7
            data = mutate_member(rng, corpus[pick]) if zipped else mutate(rng, corpus[pick])
            loaded = reader.read(data, names[(counts["tried"] + pick) % len(names)])
            report = build_report(loaded, registry.layouts, None) if isinstance(loaded, Document) else loaded
            assert isinstance(report, Report)
            internal = [f for f in check_report(report, registry) if f.category == "internal"]
            if internal:
                raise RuleFailed(internal[0].message_en or internal[0].message)
            counts["read"] += 1
        except LimitExceeded:
            counts["limit"] += 1
        except LoadError:
            counts["refused"] += 1
        except _Overtime as over:  # SIGPROF: over the CPU limit; SIGALRM: over the wall limit
            counts["timeout"] += 1
            (out / f"{loader}-timeout-{over}-{counts['tried']}").write_bytes(data)
        except MemoryError:
            counts["memory"] += 1
            (out / f"{loader}-memory-{counts['tried']}").write_bytes(data)
        except Exception as exc:
            counts["crash"] += 1
            kind = f"{type(exc).__name__}: {str(exc)[:80]} (at {_raised_at(exc)})"
            crashes[kind] = crashes.get(kind, 0) + 1
            (out / f"{loader}-crash-{counts['tried']}").write_bytes(data)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.setitimer(signal.ITIMER_PROF, 0)
        slowest = max(slowest, time.process_time() - start_cpu)
        slowest_wall = max(slowest_wall, time.perf_counter() - start)
        peak_now = _peak_kb()
        input_peak = max(input_peak, peak_now)
        growth = max(growth, peak_now - before)
    # The high-water mark is reset before every input, so the process's own peak is the largest
    # input's; LibreOffice (the office loader) runs as a child, and its peak counts too.
    peak = max(input_peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return {
        "loader": loader,
        **counts,
        "slowest_s": round(slowest, 2),
        "slowest_wall_s": round(slowest_wall, 2),
        "peak_mb": round(peak),
        "input_peak_mb": round(input_peak / 1024),
        "input_growth_mb": round(growth / 1024),
        "crashes": crashes,
    }


def _reset_peak() -> None:
    """Start the resident-size high-water mark afresh (Linux), so each input's own peak is seen."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_kb() -> int:
    """The process's largest resident size since the last reset, in KB (0 where unknown)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _raised_at(exc: BaseException) -> str:
    """file:line of the innermost frame of our own code (or of any code) the exception passed."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/compliance/" in f.filename] or frames
    return f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"


def _run(args: tuple) -> dict:
    return fuzz(*args)


def _fuzz_in_rounds(context: Any, loader: str, args: argparse.Namespace) -> dict:
    """Fuzz one loader in rounds of ``--round`` inputs, each in a fresh process, and add them up.

    A batch worker is not reused for ever either; fresh processes keep caches that grow with
    every distinct input (parsed cells, matched labels) from eating the memory budget.
    ``--jobs`` rounds run at once, each with its own seed (profiled per input, the harness
    itself costs about 1 % of the time: the rest is the loader, the mapping and the rules, so
    more inputs a second come only from more cores).
    """
    total: dict = {"loader": loader, "crashes": {}, "slowest_s": 0.0, "slowest_wall_s": 0.0, "peak_mb": 0}
    total["input_peak_mb"] = 0
    total["input_growth_mb"] = 0
    deadline = time.monotonic() + args.seconds
    # Seeds are built once, here, not in every round: the office seeds cost LibreOffice two
    # conversions (≈ 10 s), the PDF ones a dozen filtered pages.
    seeded = seeds(loader)

    def tasks() -> Any:
        planned, seed = 0, args.seed
        while planned < args.inputs and time.monotonic() < deadline:
            budget = min(args.round, args.inputs - planned)
            yield (loader, deadline, budget, args.timeout, seed, args.out, args.memory * 1024 * 1024, seeded)
            planned += budget
            seed += 1

    # The pool takes rounds from the plan ahead of need: one that starts after the deadline stops at once.
    with context.Pool(args.jobs, maxtasksperchild=1) as pool:
        for row in pool.imap_unordered(_run, tasks()):
            _add(total, row)
    return total


def _add(total: dict, row: dict) -> None:
    """Add one round's figures to the loader's: counts summed, times and sizes at their largest."""
    for name, value in row.items():
        if name in ("loader", "crashes"):
            continue
        if name in ("slowest_s", "slowest_wall_s", "peak_mb", "input_peak_mb", "input_growth_mb"):
            total[name] = max(total[name], value)
        else:
            total[name] = total.get(name, 0) + value
    for kind, count in row["crashes"].items():
        total["crashes"][kind] = total["crashes"].get(kind, 0) + count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="time budget per loader")
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs per loader (whichever ends first)")
    parser.add_argument("--timeout", type=float, default=10.0, help="CPU seconds one input may take (wall: 6×)")
    parser.add_argument("--memory", type=int, default=400, help="MB a loader may allocate beyond its start")
    parser.add_argument("--loaders", default=",".join(LOADERS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--round", type=int, default=2000, help="inputs per fresh process")
    parser.add_argument("--jobs", type=int, default=1, help="rounds run at once (one process each)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/compliance-fuzz"))
    args = parser.parse_args()
    os.environ["COMPLIANCE_OCR_CACHE"] = "off"  # mutated scans would fill the user's OCR cache
    args.out.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("fork")
    columns = ("tried", 8), ("read", 7), ("refused", 8), ("limit", 6), ("timeout", 7), ("crash", 6), ("memory", 6)
    heads = f" {'CPU max':>8} {'wall max':>8} {'peak MB':>7} {'1-input MB':>10} {'growth MB':>9} {'per s':>6}"
    print(f"{'loader':8} " + " ".join(f"{n:>{w}}" for n, w in columns) + heads)
    for loader in args.loaders.split(","):
        started = time.monotonic()
        row = _fuzz_in_rounds(context, loader, args)
        rate = row["tried"] / max(time.monotonic() - started, 1e-9)
        print(
            f"{row['loader']:8} {row['tried']:>8} {row['read']:>7} {row['refused']:>8} {row['limit']:>6} "
            f"{row['timeout']:>7} {row['crash']:>6} {row['memory']:>6} {row['slowest_s']:>7}s "
            f"{row['slowest_wall_s']:>7}s {row['peak_mb']:>7} {row['input_peak_mb']:>10} {row['input_growth_mb']:>9} "
            f"{rate:>6.1f}",
            flush=True,
        )
        for kind, count in row["crashes"].items():
            print(f"    {count} × {kind}")


if __name__ == "__main__":
    main()
