"""OFD (GB/T 33190, China's fixed-layout document format): positioned text into the grid builder.

An OFD file is a zip of XML: ``OFD.xml`` names each document's root, the document lists its pages
and each page's content holds ``TextObject`` elements (a ``Boundary`` box in millimetres and
``TextCode`` runs with an ``X``/``Y`` origin and per-character ``DeltaX`` advances) and
``PathObject`` elements (drawn lines, e.g. table rules). Text runs become positioned words, split
where the advances leave a gap wider than a character (a run laid out across table columns), and
straight path segments become rulings; both go through the shared geometric grid builder.
The archive is read like a DOCX one (``limits.SafeZip``: entries, sizes and ratio counted as
members inflate) and the XML is parsed without entities or network access.
"""

from __future__ import annotations

import contextlib
import hashlib
import posixpath
import re
from typing import Any

from compliance.document import Block, Document, Grid, LoadError
from compliance.hookspecs import hookimpl
from compliance.readers import shift_lines
from compliance.readers.geometry import Ruling, Word, blocks_from_words
from compliance.readers.limits import SafeZip

MAX_PAGES = 300
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _floats(text: str | None) -> list[float]:
    return [float(v) for v in _NUMBER.findall(text or "")]


def _deltas(text: str | None, count: int) -> list[float]:
    """Expand a DeltaX/DeltaY list, where ``g N d`` repeats ``d`` N times."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens) and len(out) < count:
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError):
                out.extend([float(tokens[i + 2])] * min(int(float(tokens[i + 1])), count))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(tokens[i]))
        i += 1
    return out[:count]


class _Archive:
    def __init__(self, data: bytes) -> None:
        # Members are inflated by SafeZip, counted chunk by chunk against the [limits] (entries,
        # per-member and total size, ratio): headers that understate a member do not matter.
        self.zip = SafeZip(data, "OFD")
        self.names = {name.lstrip("/"): name for name in self.zip.names}

    def xml(self, name: str) -> Any:
        from lxml import etree

        key = posixpath.normpath(name.lstrip("/"))
        if key not in self.names:
            raise LoadError(f"OFD 文件缺少 {key}", f"the OFD file lacks {key}")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        try:
            return etree.fromstring(self.zip.read(self.names[key]), parser)
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise LoadError(f"OFD 中的 {key} 不是有效的 XML", f"{key} in the OFD is not valid XML") from exc


def _child_text(element: Any, name: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name and child.text:
            return str(child.text).strip()
    return None


def _page_paths(archive: _Archive) -> list[str]:
    root = archive.xml("OFD.xml")
    doc_root = _child_text(root, "DocRoot")
    if not doc_root:
        raise LoadError("OFD.xml 没有指明文档（DocRoot）", "OFD.xml names no document (DocRoot)")
    document = archive.xml(doc_root)
    base = posixpath.dirname(doc_root.lstrip("/"))
    pages = []
    for element in document.iter():
        if _local(element.tag) == "Page" and element.get("BaseLoc"):
            location = element.get("BaseLoc")
            pages.append(location.lstrip("/") if location.startswith("/") else posixpath.join(base, location))
    if len(pages) > MAX_PAGES:
        raise LoadError(f"OFD 页数过多（{len(pages)} 页）", f"the OFD has too many pages ({len(pages)})")
    return pages


def _text_words(element: Any, page: int) -> list[Word]:
    box = _floats(element.get("Boundary"))
    if len(box) < 2:
        return []
    size = (_floats(element.get("Size")) or [3.5])[0]
    words: list[Word] = []
    for code in element:
        if _local(code.tag) != "TextCode" or not code.text:
            continue
        text = str(code.text)
        x = box[0] + (_floats(code.get("X")) or [0.0])[0]
        baseline = box[1] + (_floats(code.get("Y")) or [size])[0]
        steps = _deltas(code.get("DeltaX"), len(text) - 1)
        steps += [size] * (len(text) - 1 - len(steps))
        start, run_x = 0, x
        position = x
        for index in range(len(text)):
            step = steps[index] if index < len(steps) else size
            last = index == len(text) - 1
            if last or step > 1.8 * size:
                piece = text[start : index + 1].strip()
                if piece:
                    words.append(Word(piece, run_x, baseline - size, position + size, baseline, page=page))
                start, run_x = index + 1, position + step
            position += step
    return words


def _rulings(element: Any) -> list[Ruling]:
    box = _floats(element.get("Boundary"))
    data = _child_text(element, "AbbreviatedData")
    if len(box) < 2 or not data:
        return []
    found: list[Ruling] = []
    tokens = data.split()
    current: tuple[float, float] | None = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "L") and i + 2 < len(tokens):
            try:
                point = (box[0] + float(tokens[i + 1]), box[1] + float(tokens[i + 2]))
            except ValueError:
                return found
            if op == "L" and current is not None:
                (xa, ya), (xb, yb) = current, point
                if abs(ya - yb) < 0.2 or abs(xa - xb) < 0.2:
                    found.append(Ruling(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
            current = point
            i += 3
        else:
            i += 1
    return found


def read_ofd(data: bytes) -> list[tuple[list[Word], list[Ruling]]]:
    """Each page's words and rulings (millimetres, y downwards)."""
    archive = _Archive(data)
    pages = []
    for number, path in enumerate(_page_paths(archive), start=1):
        words: list[Word] = []
        rulings: list[Ruling] = []
        for element in archive.xml(path).iter():
            name = _local(element.tag)
            if name == "TextObject":
                words.extend(_text_words(element, number))
            elif name == "PathObject":
                rulings.extend(_rulings(element))
        pages.append((words, rulings))
    return pages


def ofd_blocks(pages: list[tuple[list[Word], list[Ruling]]]) -> list[Block]:
    """Blocks page by page: a ruling carries no page, so each page is built with its own rules."""
    blocks: list[Block] = []
    offset = 0
    for words, rulings in pages:
        # Line numbers run on across pages, as in the PDF reader.
        found = [shift_lines(block, offset) for block in blocks_from_words(words, rulings)]
        offset = max((_last_line(block) for block in found), default=offset)
        blocks.extend(found)
    return blocks


def _last_line(block: Block) -> int:
    cells = [c.loc for row in block.rows for c in row] if isinstance(block, Grid) else []
    return max((n for loc in (block.loc, *cells) for n in (loc.line, loc.line_end) if n is not None), default=0)


class OfdReader:
    name = "ofd"
    extensions = (".ofd",)

    def sniff(self, data: bytes, path: str) -> int:
        if data.startswith(b"PK\x03\x04") and b"OFD.xml" in data[:65536]:
            return 100
        return 60 if path.lower().endswith(".ofd") else 0

    def read(self, data: bytes, path: str) -> Document:
        pages = read_ofd(data)
        if not any(words for words, _ in pages):
            raise LoadError("OFD 文件中没有文字（可能是扫描图像）", "the OFD holds no text (a scanned image?)")
        blocks = ofd_blocks(pages)
        return Document(blocks=blocks, format="ofd", path=path, sha256=hashlib.sha256(data).hexdigest())


@hookimpl
def compliance_readers() -> list[object]:
    return [OfdReader()]
