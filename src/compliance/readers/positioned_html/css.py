"""Just enough CSS to know where a converter put each piece of text: simple rules, lengths, cascade.

PDF-to-HTML converters give each text run its place either inline (``style="top:70px;left:85px"``)
or through classes in ``<style>`` sheets (``.x3{left:85px}``, ``.y7{bottom:903px}``). Only rules
whose selector is one simple selector (``tag``, ``.class``, ``#id``, ``tag.class``) are read, and
rules inside at-blocks (``@media print``, ``@font-face``) are skipped: converters state screen
positions at the top level. Later rules and higher specificity win as in a browser, and inline
style wins over all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

_COMMENT = re.compile(r"/\*.*?\*/|<!--|-->", re.DOTALL)
_SIMPLE = re.compile(r"^([a-z][a-z0-9]*)?(?:([.#])([A-Za-z_][\w-]*))?$", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?|-?\.\d+)\s*(px|pt|mm|cm|in|q)?\s*$", re.IGNORECASE)
_MATRIX = re.compile(r"matrix\(\s*([-\d.e]+)\s*,\s*([-\d.e]+)\s*,\s*([-\d.e]+)\s*,\s*([-\d.e]+)", re.IGNORECASE)
_SCALE = re.compile(r"scale\(\s*([-\d.e]+)\s*(?:,\s*([-\d.e]+)\s*)?\)", re.IGNORECASE)
# CSS pixels per unit (96 px to the inch).
_UNITS = {"px": 1.0, "pt": 96 / 72, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "q": 96 / 101.6}
Declarations = dict[str, str]


def declarations(text: str) -> Declarations:
    """``prop: value; …`` as a dict, property names lower-cased, ``!important`` dropped."""
    out: Declarations = {}
    for part in text.split(";"):
        name, colon, value = part.partition(":")
        if colon and name.strip():
            out[name.strip().lower()] = value.replace("!important", "").strip()
    return out


def length(value: str | None) -> float | None:
    """A CSS length in px (``12pt`` → 16.0); None for other units (``em``, ``%``) or no value."""
    if not value:
        return None
    match = _LENGTH.match(value)
    if match is None:
        return None
    return float(match.group(1)) * _UNITS[(match.group(2) or "px").lower()]


def scale(value: str | None) -> float:
    """The horizontal scale of a ``transform`` (``matrix(a,…)`` or ``scale(s)``); 1 when none."""
    if not value:
        return 1.0
    try:
        if (found := _MATRIX.search(value)) or (found := _SCALE.search(value)):
            factor = float(found.group(1))
        else:
            return 1.0
    except ValueError:
        return 1.0
    return factor if 0.001 < abs(factor) < 1000 else 1.0


@dataclass
class StyleSheet:
    """The simple rules of a page's ``<style>`` elements, by tag, class and id, in source order."""

    by_tag: dict[str, list[tuple[int, Declarations]]] = field(default_factory=dict)
    by_class: dict[str, list[tuple[int, Declarations]]] = field(default_factory=dict)
    by_id: dict[str, list[tuple[int, Declarations]]] = field(default_factory=dict)
    rules: int = 0

    def add(self, css: str) -> None:
        for selectors, body in _top_level_rules(_COMMENT.sub(" ", css)):
            found = declarations(body)
            if not found:
                continue
            self.rules += 1
            for selector in selectors.split(","):
                match = _SIMPLE.match(selector.strip())
                if match is None or not selector.strip():
                    continue
                tag, kind, name = match.groups()
                if kind == ".":
                    self.by_class.setdefault(name, []).append((self.rules, found))
                elif kind == "#":
                    self.by_id.setdefault(name, []).append((self.rules, found))
                elif tag:
                    self.by_tag.setdefault(tag.lower(), []).append((self.rules, found))

    def computed(self, element: etree._Element) -> Declarations:
        """The element's own declarations (not inherited ones): tag, class, id rules, then inline style."""
        tag = element.tag if isinstance(element.tag, str) else ""
        out: Declarations = {}
        for _, found in self.by_tag.get(tag, ()):
            out.update(found)
        classes = (element.get("class") or "").split()
        if classes and self.by_class:
            ruled = sorted(rule for name in classes for rule in self.by_class.get(name, ()))
            for _, found in ruled:
                out.update(found)
        name = element.get("id")
        if name and self.by_id:
            for _, found in self.by_id.get(name, ()):
                out.update(found)
        inline = element.get("style")
        if inline:
            out.update(declarations(inline))
        return out


def _top_level_rules(css: str) -> list[tuple[str, str]]:
    """``(selectors, body)`` of each rule outside any at-block, braces matched by depth."""
    rules: list[tuple[str, str]] = []
    depth = 0
    start = 0
    selector = ""
    skipping = False
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                selector = css[start:index].strip()
                skipping = selector.startswith("@")
                start = index + 1
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                if not skipping:
                    rules.append((selector, css[start:index]))
                start = index + 1
        elif char == ";" and depth == 0:
            start = index + 1  # an at-statement such as @import or @charset
    return rules


def sheet_of(root: etree._Element) -> StyleSheet:
    """All ``<style>`` elements of the page, in document order."""
    sheet = StyleSheet()
    for element in root.iter("style"):
        sheet.add("".join(element.itertext()))
    return sheet
