"""Text normalisation shared by every matching step (labels, titles, markers).

Matching is done on a *key*: NFKC (full/half width folded), traditional characters turned
simplified, quotes dropped and every kind of whitespace removed. The original text is always
kept next to the key for messages and evidence.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+", re.UNICODE)
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』《》")
# Pinyin glosses some mirror sites insert after characters: 根据(jù) → 根据.
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
# Characters NFKC leaves alone but reports use interchangeably.
_FOLD = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "—": "-", "－": "-", "–": "-", "．": "."})
# Taiwan-style word conversion changes a few label words; OpenCC t2s does not undo them.
_WORD_FIXES = {"檔案": "文件", "製作": "制作", "資訊": "信息"}
# Sub-row numbers printed "1、" instead of "1." (seen in a 2024 PDF: "1、申请人无正当理由…").
_ITEM_NUMBER = re.compile(r"(?<!\d)(\d{1,2})、")


@functools.cache
def _converter():  # type: ignore[no-untyped-def]
    try:
        from opencc_purepy import OpenCC
    except ImportError:  # pragma: no cover - declared dependency
        return None
    return OpenCC("t2s")


@functools.cache
def _traditional_characters() -> frozenset[str]:
    """Every character the library's t2s dictionary converts: the test for "needs converting".

    Remembered on disk (``datacache``) per installed library, so a run whose texts are all
    simplified never loads the dictionary (~0.15 s).
    """
    from compliance import datacache

    spec = importlib.util.find_spec("opencc_purepy")
    if spec is None or spec.origin is None:  # pragma: no cover - declared dependency
        return frozenset()
    try:
        stat = os.stat(spec.origin)
    except OSError:  # pragma: no cover
        return _read_traditional_characters()
    return datacache.remembered(
        f"opencc-t2s-characters|{spec.origin}|{stat.st_size}|{stat.st_mtime_ns}", _read_traditional_characters
    )


def _read_traditional_characters() -> frozenset[str]:
    converter = _converter()
    try:
        characters = converter.dictionary.ts_characters[0] if converter is not None else {}
    except (AttributeError, IndexError, TypeError):  # pragma: no cover - a future library layout
        return frozenset()
    return frozenset(ch for ch, simplified in characters.items() if len(ch) == 1 and ch != simplified)


def preload() -> None:
    """Load the conversion dictionary now (before a batch forks its workers, so they share it)."""
    _traditional_characters()


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified; cheap when the text has none."""
    for old, new in _WORD_FIXES.items():
        text = text.replace(old, new)
    traditional = _traditional_characters()
    if traditional and traditional.isdisjoint(text):
        return text
    converter = _converter()
    return converter.convert(text) if converter is not None else text


@functools.lru_cache(maxsize=65536)  # labels and cells repeat across rows and reports
def clean_text(text: str) -> str:
    """Normalise for reading: NFKC, simplified, pinyin glosses gone; whitespace kept."""
    text = unicodedata.normalize("NFKC", text)
    text = _PINYIN.sub("", text)
    return to_simplified(text)


@functools.lru_cache(maxsize=65536)
def key(text: str) -> str:
    """The matching key of a label or title."""
    text = clean_text(text).translate(_FOLD).translate(_QUOTES)
    text = _ITEM_NUMBER.sub(r"\1.", text)
    return _WHITESPACE.sub("", text)
