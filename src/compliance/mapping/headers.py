"""Which template version a printed column header follows, sub-table by sub-table.

Table 二 is printed as several sub-tables, each under its own header row ("信息内容 | 本年制发件数 |
…"). Reports drafted from an old file keep the 2019 headers in one sub-table while the rest follow
2021, so the version is decided per header, from the column labels that belong to one version
only: 本年新制作数量 (2019) against 本年制发件数 (2021), but not 处理决定数量, which is part of the
2021 label 本年处理决定数量 and so tells nothing. A header naming distinctive labels of both
versions, or none, decides nothing, and the rows under it keep the report's template.
"""

from __future__ import annotations

from dataclasses import dataclass

from compliance.document import GridCell
from compliance.layout import TemplateLayout
from compliance.mapping.normalize import key

# A header cell may carry a note after the label ("本年收费金额（单位：万元）"), never much more.
_MAX_EXTRA = 12


@dataclass(frozen=True)
class HeaderVocabulary:
    """Every column label of one table across versions: (label key, version, distinctive)."""

    labels: tuple[tuple[str, str, bool], ...]

    @classmethod
    def build(cls, layouts: dict[str, TemplateLayout], table: str) -> HeaderVocabulary:
        cached = _VOCABULARIES.get((id(layouts), table))
        if cached is not None and cached[0] is layouts:
            return cached[1]
        by_version: dict[str, set[str]] = {}
        for layout in layouts.values():
            spec = layout.tables.get(table)
            if spec is None:
                continue
            keys = by_version.setdefault(layout.id, set())
            for column in spec.columns:
                keys.update(k for k in (key(column.label), *(key(a) for a in column.aliases)) if len(k) >= 3)
        labels = []
        for version, keys in by_version.items():
            others = set().union(*(k for v, k in by_version.items() if v != version))
            for label in keys:
                # Distinctive: no label of another version equals it, contains it or is contained in it.
                distinctive = not any(label in other or other in label for other in others)
                labels.append((label, version, distinctive))
        vocabulary = cls(tuple(sorted(labels, key=lambda item: -len(item[0]))))
        _VOCABULARIES[(id(layouts), table)] = (layouts, vocabulary)
        return vocabulary

    def header_version(self, row: list[GridCell]) -> str | bool | None:
        """False for a row that is not a header; else the version it shows, or None if undecided."""
        hits: set[str] = set()
        is_header = False
        for cell in row:
            if cell.span_copy:
                continue
            cell_key = key(cell.text)
            if not cell_key:
                continue
            found = self._label_of(cell_key)
            if found is None:
                continue
            is_header = True
            _, version, distinctive = found
            if distinctive:
                hits.add(version)
        if not is_header:
            return False
        return next(iter(hits)) if len(hits) == 1 else None

    def names_column(self, cell_key: str) -> bool:
        """Whether a header cell's text is one column label of the table (a short note may follow)."""
        return bool(cell_key) and self._label_of(cell_key) is not None

    def _label_of(self, cell_key: str) -> tuple[str, str, bool] | None:
        for entry in self.labels:
            label = entry[0]
            if cell_key == label or (cell_key.startswith(label) and len(cell_key) - len(label) <= _MAX_EXTRA):
                return entry
        return None


_VOCABULARIES: dict[tuple[int, str], tuple[dict[str, TemplateLayout], HeaderVocabulary]] = {}
