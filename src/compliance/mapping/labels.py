"""The row labels of one table across template versions, and how a printed label finds its row.

A printed label is matched by its normalised key: exactly, then with a group label printed in front
(suffix), with a local annotation after it (prefix), or without its numbering; the longest label that
matches wins, and a key two rows match equally names none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compliance.layout import TemplateLayout
from compliance.mapping.fuzzy import strip_numbering
from compliance.mapping.normalize import key

__all__ = ["LabelIndex"]


@dataclass
class LabelIndex:
    """Every row label of one table across template versions: key → (row id, versions)."""

    entries: list[tuple[str, str, str]] = field(default_factory=list)  # (label key, row id, version)
    order: list[str] = field(default_factory=list)  # row ids in template order, all versions merged
    # Labels repeat across rows and reports: each distinct label key is matched once.
    _memo: dict[str, tuple[str, set[str]] | None] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, layouts: list[TemplateLayout], table: str) -> LabelIndex:
        cache_key = (tuple(id(layout) for layout in layouts), table)
        cached = _INDEXES.get(cache_key)
        if cached is not None and cached[0] == layouts:
            return cached[1]
        index = cls._build(layouts, table)
        _INDEXES[cache_key] = (list(layouts), index)
        return index

    @classmethod
    def _build(cls, layouts: list[TemplateLayout], table: str) -> LabelIndex:
        index = cls()
        for layout in layouts:
            spec = layout.tables.get(table)
            if spec is None:
                continue
            previous: str | None = None
            for row in spec.rows:
                for label in (row.label, *row.aliases):
                    index.entries.append((key(label), row.id, layout.id))
                if row.id not in index.order:
                    # A version-specific row goes right after its predecessor in that version.
                    at = index.order.index(previous) + 1 if previous in index.order else len(index.order)
                    index.order.insert(at, row.id)
                previous = row.id
        # Longest labels first so that "（七）总计" beats "总计" and "行政规范性文件" beats "规范性文件".
        index.entries.sort(key=lambda e: -len(e[0]))
        return index

    def labels_of(self, row_id: str) -> list[str]:
        return [k for k, row, _ in self.entries if row == row_id]

    def match(self, label_key: str) -> tuple[str, set[str]] | None:
        """Return (row id, versions having that exact label) or None."""
        if not label_key:
            return None
        if label_key not in self._memo:
            if len(self._memo) >= _MEMO_SIZE:  # the index lives as long as the process: keep it bounded
                self._memo.clear()
            self._memo[label_key] = self._match(label_key)
        found = self._memo[label_key]
        return (found[0], set(found[1])) if found is not None else None

    def match_whole(self, label_key: str) -> bool:
        """Whether the key is one row's label exactly (numbering aside): no group label, no annotation."""
        if not label_key:
            return False
        bare = strip_numbering(label_key)
        rows = {row for k, row, _ in self.entries if k == label_key or (len(bare) >= 4 and strip_numbering(k) == bare)}
        return len(rows) == 1

    def _match(self, label_key: str) -> tuple[str, set[str]] | None:
        for strategy in (_exact, _suffix, _prefix, _bare):
            hits = [(row, version, k) for k, row, version in self.entries if strategy(label_key, k)]
            if hits:
                best_len = len(hits[0][2])
                best = [h for h in hits if len(h[2]) == best_len]
                rows = {row for row, _, _ in best}
                if len(rows) == 1:
                    return best[0][0], {version for _, version, _ in best}
                return None
        return None


_MEMO_SIZE = 65536
# Indexes are built once per set of template layouts (the layouts live as long as the process).
_INDEXES: dict[tuple[tuple[int, ...], str], tuple[list[TemplateLayout], LabelIndex]] = {}


def _exact(label: str, candidate: str) -> bool:
    return label == candidate


def _suffix(label: str, candidate: str) -> bool:
    # Group labels printed in front of a row label: "三、本年度办理结果（一）予以公开".
    return len(candidate) >= 2 and label.endswith(candidate)


def _prefix(label: str, candidate: str) -> bool:
    # Local annotations after a label: "规章（设区的市、自治州人民政府应提供相关数据）".
    return len(candidate) >= 2 and label.startswith(candidate)


def _bare(label: str, candidate: str) -> bool:
    # Labels printed without their numbering: "本年新收政府信息公开申请数量", "予以公开".
    bare = strip_numbering(label)
    return len(bare) >= 4 and bare == label and bare == strip_numbering(candidate)
